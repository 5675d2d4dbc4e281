/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * Policy routing: the parsers of rule and route dumps on captured kernel
 * messages (fixtures/rtnl/capture_policy.sh), and the checks that read them
 * (route-policy-table, source-outside-ts, rp-filter-drop, holes inside a
 * selector, ts-overlap-local, ts-overlap-tunnel).
 */

#include "dpc_tests.h"
#include "fixture_facts.h"
#include "fixture_hex.h"
#include "fixture_tunnel.h"

#include <facts/dpc_questions.h>
#include <facts/rtnl/dpc_rtnl_policy.h>
#include <checks/dpc_check_index.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <net/if.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

/* the fixtures are replies of a little-endian kernel */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define FIXTURES_USABLE 0
#else
#define FIXTURES_USABLE 1
#endif

/** most entries read of a fixture */
#define MAX_ITEMS 32

/** the parsed policy routing fixtures */
typedef struct {
	dpc_rule_t rules[2 * MAX_ITEMS];
	size_t nrules;
	size_t nrules6;
	dpc_rtentry_t routes[2 * MAX_ITEMS];
	size_t nroutes;
	size_t nroutes6;
	dpc_link_t links[MAX_ITEMS];
	size_t nlinks;
} pr_t;

/**
 * Parse every message of a type of a fixture with a parser.
 */
static size_t parse_all(const char *name, uint16_t type, void *items,
						size_t elem,
						bool (*parse)(const struct nlmsghdr*, size_t, void*))
{
	fixture_hex_t f = fixture_hex_load("rtnl", name);
	struct nlmsghdr *nlh;
	int len = f.len;
	size_t n = 0;

	for (nlh = (struct nlmsghdr*)f.buf; mnl_nlmsg_ok(nlh, len);
		 nlh = mnl_nlmsg_next(nlh, &len))
	{
		if (nlh->nlmsg_type == type && n < MAX_ITEMS)
		{
			ck_assert(parse(nlh, nlh->nlmsg_len,
							(uint8_t*)items + n * elem));
			n++;
		}
	}
	free(f.buf);
	return n;
}

static bool parse_rule(const struct nlmsghdr *nlh, size_t len, void *slot)
{
	return dpc_rtnl_parse_rule(nlh, len, slot);
}

static bool parse_rtentry(const struct nlmsghdr *nlh, size_t len, void *slot)
{
	return dpc_rtnl_parse_rtentry(nlh, len, slot);
}

static bool parse_link(const struct nlmsghdr *nlh, size_t len, void *slot)
{
	return dpc_rtnl_parse_link(nlh, len, slot);
}

/**
 * Load the fixtures, resolve the routes' interfaces as the facts do.
 */
static void pr_load(pr_t *pr)
{
	size_t i, j;

	memset(pr, 0, sizeof(*pr));
	pr->nrules = parse_all("rules4", RTM_NEWRULE, pr->rules,
						   sizeof(dpc_rule_t), parse_rule);
	pr->nroutes = parse_all("policy_routes4", RTM_NEWROUTE, pr->routes,
							sizeof(dpc_rtentry_t), parse_rtentry);
	pr->nlinks = parse_all("links_policy", RTM_NEWLINK, pr->links,
						   sizeof(dpc_link_t), parse_link);
	pr->nrules6 = parse_all("rules6", RTM_NEWRULE, pr->rules + pr->nrules,
							sizeof(dpc_rule_t), parse_rule);
	pr->nroutes6 = parse_all("policy_routes6", RTM_NEWROUTE,
							 pr->routes + pr->nroutes, sizeof(dpc_rtentry_t),
							 parse_rtentry);
	for (i = 0; i < pr->nroutes + pr->nroutes6; i++)
	{
		for (j = 0; j < pr->nlinks; j++)
		{
			if (pr->routes[i].oif_index == pr->links[j].index)
			{
				memcpy(pr->routes[i].oif, pr->links[j].name, IF_NAMESIZE);
			}
		}
	}
}

/**
 * The route of a prefix in a table.
 */
static const dpc_rtentry_t *pr_route(pr_t *pr, const char *prefix,
									 uint8_t plen, uint32_t table)
{
	dpc_addr_t want;
	size_t i;

	ck_assert(dpc_addr_parse(&want, prefix));
	for (i = 0; i < pr->nroutes; i++)
	{
		if (pr->routes[i].dst_len == plen && pr->routes[i].table == table &&
			!dpc_addr_cmp(&pr->routes[i].dst, &want))
		{
			return &pr->routes[i];
		}
	}
	return NULL;
}

static bool has_evidence(dpc_finding_t *f, const char *key, const char *value)
{
	int i;

	for (i = 0; i < f->n_evidence; i++)
	{
		if (!strcmp(f->evidence[i].key, key) &&
			!strcmp(f->evidence[i].value, value))
		{
			return true;
		}
	}
	return false;
}

static struct nlmsghdr *build_link(uint8_t *buf, int index, const char *name,
								   bool up, const char *kind, uint32_t key1,
								   uint32_t key2);
static void bed_xfrm(bed_t *bed, const char *oif);

START_TEST(test_parse_rules)
{
	static const char *texts[] = {
		"0:\tfrom all lookup local",
		"100:\tfrom 10.10.1.0/24 iif lan lookup 100",
		"200:\tnot from 10.50.0.0/16 fwmark 0x20/0xff lookup 300",
		"210:\tfrom all lookup main suppress_prefixlength 0",
		"220:\tfrom all lookup 220",
		/* "ipproto tcp" is not printed, but marks the rule */
		"230:\tfrom all lookup 400",
		"240:\tfrom all to 10.60.0.0/16 prohibit",
		"250:\tfrom all fwmark 0x10 oif wan lookup 500",
		"32766:\tfrom all lookup main",
		"32767:\tfrom all lookup default",
	};
	dpc_addr_t a, b;
	pr_t pr;
	size_t i;

	if (!FIXTURES_USABLE)
	{
		return;
	}
	pr_load(&pr);
	ck_assert_uint_eq(pr.nrules, 10);
	for (i = 0; i < pr.nrules; i++)
	{
		ck_assert_str_eq(pr.rules[i].text, texts[i]);
		ck_assert(pr.rules[i].other == (i == 5));
	}
	ck_assert_uint_eq(pr.rules[1].table, 100);
	ck_assert_uint_eq(pr.rules[1].src_len, 24);
	ck_assert_str_eq(pr.rules[1].iif, "lan");
	ck_assert(pr.rules[2].invert);
	ck_assert_uint_eq(pr.rules[2].fwmark, 0x20);
	ck_assert_uint_eq(pr.rules[2].fwmask, 0xff);
	ck_assert_int_eq(pr.rules[3].suppress_prefixlen, 0);
	ck_assert_int_eq(pr.rules[4].suppress_prefixlen, -1);
	ck_assert_uint_eq(pr.rules[7].fwmask, 0xffffffff);

	/* what selects a LAN packet for 10.20.1.10 */
	dpc_addr_parse(&a, "10.10.1.10");
	dpc_addr_parse(&b, "10.20.1.10");
	ck_assert(dpc_rule_selects(&pr.rules[1], &a, &b, "lan", 0));
	ck_assert(!dpc_rule_selects(&pr.rules[1], &a, &b, "wan", 0));
	ck_assert(!dpc_rule_selects(&pr.rules[1], &a, &b, "", 0));
	/* "not from 10.50.0.0/16 fwmark 0x20/0xff": like the kernel's
	 * fib_rule_match(), "not" inverts the whole match, mark included */
	ck_assert(dpc_rule_selects(&pr.rules[2], &a, &b, "lan", 0));
	ck_assert(dpc_rule_selects(&pr.rules[2], &a, &b, "lan", 0x120));
	dpc_addr_parse(&a, "10.50.0.1");
	ck_assert(!dpc_rule_selects(&pr.rules[2], &a, &b, "lan", 0x120));
	ck_assert(dpc_rule_selects(&pr.rules[2], &a, &b, "lan", 0x21));
	/* unevaluated selectors and oif never match */
	ck_assert(!dpc_rule_selects(&pr.rules[5], &a, &b, "lan", 0));
	ck_assert(!dpc_rule_selects(&pr.rules[7], &a, &b, "", 0x10));
	ck_assert(dpc_rule_selects(&pr.rules[8], &a, &b, "", 0));
}
END_TEST

START_TEST(test_parse_routes)
{
	const dpc_rtentry_t *e;
	char text[DPC_RTNL_TEXT_LEN];
	pr_t pr;
	size_t i;

	if (!FIXTURES_USABLE)
	{
		return;
	}
	pr_load(&pr);
	ck_assert_uint_ge(pr.nroutes, 14);
	e = pr_route(&pr, "0.0.0.0", 0, 100);
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(dpc_rtentry_format(e, e->oif, text, sizeof(text)),
					 "default via 192.0.2.1 dev wan table 100");
	e = pr_route(&pr, "10.20.1.0", 24, 220);
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(dpc_rtentry_format(e, e->oif, text, sizeof(text)),
					 "10.20.1.0/24 dev ipsec0 table 220 src 10.10.1.1");
	e = pr_route(&pr, "10.20.1.10", 32, 220);
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(dpc_rtentry_format(e, e->oif, text, sizeof(text)),
					 "10.20.1.10 via 192.0.2.1 dev wan table 220");
	e = pr_route(&pr, "10.20.1.64", 26, 220);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->type, DPC_RT_BLACKHOLE);
	ck_assert_str_eq(dpc_rtentry_format(e, e->oif, text, sizeof(text)),
					 "blackhole 10.20.1.64/26 table 220");
	e = pr_route(&pr, "10.20.1.128", 25, 220);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->metric, 50);
	ck_assert_str_eq(dpc_rtentry_format(e, NULL, text, sizeof(text)),
					 "10.20.1.128/25 dev if6 table 220 metric 50");
	e = pr_route(&pr, "10.20.1.32", 27, 220);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->type, DPC_RT_THROW);
	/* the local table's routes are dumped too: local type */
	for (i = 0; i < pr.nroutes; i++)
	{
		ck_assert(pr.routes[i].family == AF_INET);
	}
	/* a short buffer is cut, never overrun */
	e = pr_route(&pr, "10.20.1.0", 24, 220);
	ck_assert_str_eq(dpc_rtentry_format(e, "ipsec0", text, 8), "10.20.1");
}
END_TEST

START_TEST(test_parse_malformed)
{
	fixture_hex_t f;
	struct nlmsghdr *nlh;
	struct nlattr *attr;
	dpc_rule_t rule;
	dpc_rtentry_t e;
	uint8_t copy[512];
	size_t len;

	if (!FIXTURES_USABLE)
	{
		return;
	}
	f = fixture_hex_load("rtnl", "rules4");
	nlh = (struct nlmsghdr*)f.buf;
	len = nlh->nlmsg_len;
	ck_assert_uint_le(len, sizeof(copy));
	ck_assert(dpc_rtnl_parse_rule(nlh, len, &rule));
	/* truncated by one byte, or claiming more than available */
	ck_assert(!dpc_rtnl_parse_rule(nlh, len - 1, &rule));
	memcpy(copy, nlh, len);
	((struct nlmsghdr*)copy)->nlmsg_len = len + 4;
	ck_assert(!dpc_rtnl_parse_rule((struct nlmsghdr*)copy, len, &rule));
	/* an attribute overrunning the message */
	memcpy(copy, nlh, len);
	attr = (struct nlattr*)(copy + MNL_NLMSG_HDRLEN +
							MNL_ALIGN(sizeof(struct rtmsg)));
	attr->nla_len = 200;
	ck_assert(!dpc_rtnl_parse_rule((struct nlmsghdr*)copy, len, &rule));
	/* a route is no rule and the other way round */
	ck_assert(!dpc_rtnl_parse_rtentry(nlh, len, &e));
	free(f.buf);
	f = fixture_hex_load("rtnl", "policy_routes4");
	nlh = (struct nlmsghdr*)f.buf;
	ck_assert(dpc_rtnl_parse_rtentry(nlh, nlh->nlmsg_len, &e));
	ck_assert(!dpc_rtnl_parse_rule(nlh, nlh->nlmsg_len, &rule));
	ck_assert(!dpc_rtnl_parse_rtentry(nlh, nlh->nlmsg_len - 2, &e));
	free(f.buf);
}
END_TEST

/**
 * The test bed with the fixtures' rules and routes.
 */
static void bed_pr(bed_t *bed, pr_t *pr)
{
	bed_init(bed);
	pr_load(pr);
	fixture_facts_rules(bed->facts, pr->rules, pr->nrules + pr->nrules6);
	fixture_facts_rtentries(bed->facts, pr->routes,
							pr->nroutes + pr->nroutes6);
}

START_TEST(test_policy_table)
{
	dpc_finding_t *f;
	bed_t bed;
	pr_t pr;

	if (!FIXTURES_USABLE)
	{
		return;
	}
	bed_pr(&bed, &pr);
	/* rule 100 sends the LAN's packets to table 100: out of wan */
	fixture_facts_reset_routes(bed.facts);
	fixture_facts_route(bed.facts, "10.20.1.0/24", "lan", 0, DPC_RT_UNICAST,
						"wan", "192.0.2.1", 100);
	fixture_facts_route(bed.facts, "10.20.1.0/24", "*", 0, DPC_RT_UNICAST,
						"ipsec0", NULL, 220);
	fixture_facts_route(bed.facts, "10.10.1.0/24", "*", 0, DPC_RT_UNICAST,
						"lan", NULL, 254);
	bed_run(&bed);
	f = bed_find(&bed, "route-policy-table");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_ERROR);
	ck_assert(has_evidence(f, "rule",
						   "100:\tfrom 10.10.1.0/24 iif lan lookup 100"));
	ck_assert(has_evidence(f, "table_route",
						   "default via 192.0.2.1 dev wan table 100"));
	ck_assert(has_evidence(f, "tunnel_route",
						   "10.20.1.0/24 dev ipsec0 table 220 src 10.10.1.1"));
	ck_assert_ptr_nonnull(strstr(f->hint, "priority 99"));
	ck_assert_ptr_nonnull(strstr(f->hint,
						  "ip route add 10.20.1.0/24 dev ipsec0 table 100"));
	bed_free(&bed);

	/* the answer from table main: named in the message and the hint */
	bed_pr(&bed, &pr);
	fixture_facts_reset_routes(bed.facts);
	fixture_facts_route(bed.facts, "10.20.1.0/24", "lan", 0, DPC_RT_UNICAST,
						"wan", "192.0.2.1", 254);
	fixture_facts_route(bed.facts, "10.20.1.0/24", "*", 0, DPC_RT_UNICAST,
						"ipsec0", NULL, 220);
	fixture_facts_route(bed.facts, "10.10.1.0/24", "*", 0, DPC_RT_UNICAST,
						"lan", NULL, 254);
	bed_run(&bed);
	f = bed_find(&bed, "route-policy-table");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(f->message, " to table main, "));
	ck_assert_ptr_nonnull(strstr(f->hint,
						  "ip route add 10.20.1.0/24 dev ipsec0 table main'"));
	bed_free(&bed);

	/* policy-based XFRM encrypts whatever the route: silent */
	bed_pr(&bed, &pr);
	fixture_facts_reset_routes(bed.facts);
	bed.facts->destroy(bed.facts);
	bed.facts = bed.ctx.facts = fixture_facts_create(DPC_DATAPLANE_XFRM,
													 NULL);
	fixture_facts_rules(bed.facts, pr.rules, pr.nrules + pr.nrules6);
	fixture_facts_rtentries(bed.facts, pr.routes, pr.nroutes + pr.nroutes6);
	fixture_facts_addr(bed.facts, "10.10.1.1", "lan");
	fixture_facts_addr(bed.facts, "192.0.2.2", "wan");
	fixture_facts_route(bed.facts, "10.20.1.0/24", "lan", 0, DPC_RT_UNICAST,
						"wan", "192.0.2.1", 100);
	fixture_facts_route(bed.facts, "0.0.0.0/0", "*", 0, DPC_RT_UNICAST,
						"wan", "192.0.2.1", 254);
	fixture_facts_route(bed.facts, "10.10.1.0/24", "*", 0, DPC_RT_UNICAST,
						"lan", NULL, 254);
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "route-policy-table"));
	bed_free(&bed);

	/* charon's own rule and table: silent */
	bed_pr(&bed, &pr);
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "route-policy-table"));
	bed_free(&bed);
}
END_TEST

/**
 * The table 100 case of test_policy_table with charon's rule made
 * "fwmark 0x42 lookup 220" (kernel-netlink.fwmark) at a priority.
 */
static dpc_finding_t *policy_table_marked(bed_t *bed, pr_t *pr,
										  uint32_t priority)
{
	size_t i;

	bed_init(bed);
	pr_load(pr);
	for (i = 0; i < pr->nrules; i++)
	{
		if (pr->rules[i].table == 220)
		{
			pr->rules[i].priority = priority;
			pr->rules[i].fwmark = 0x42;
			pr->rules[i].fwmask = 0xffffffff;
		}
	}
	fixture_facts_rules(bed->facts, pr->rules, pr->nrules + pr->nrules6);
	fixture_facts_rtentries(bed->facts, pr->routes,
							pr->nroutes + pr->nroutes6);
	fixture_facts_reset_routes(bed->facts);
	fixture_facts_route(bed->facts, "10.20.1.0/24", "lan", 0, DPC_RT_UNICAST,
						"wan", "192.0.2.1", 100);
	fixture_facts_route(bed->facts, "10.20.1.0/24", "*", 0, DPC_RT_UNICAST,
						"ipsec0", NULL, 220);
	fixture_facts_route(bed->facts, "10.10.1.0/24", "*", 0, DPC_RT_UNICAST,
						"lan", NULL, 254);
	bed_run(bed);
	return bed_find(bed, "route-policy-table");
}

START_TEST(test_policy_table_fwmark)
{
	bed_t bed;
	pr_t pr;

	if (!FIXTURES_USABLE)
	{
		return;
	}
	/* marked packets reach table 220 before rule 100: whether the LAN's
	 * are marked is the firewall's business, the kernel answered for an
	 * unmarked one: silent */
	ck_assert_ptr_null(policy_table_marked(&bed, &pr, 50));
	bed_free(&bed);
	/* the mark rule comes after rule 100: marked or not, table 100 wins */
	ck_assert_ptr_nonnull(policy_table_marked(&bed, &pr, 150));
	bed_free(&bed);
}
END_TEST

START_TEST(test_parse_v6)
{
	char text[DPC_RTNL_TEXT_LEN];
	const dpc_rtentry_t *e = NULL;
	pr_t pr;
	size_t i;

	if (!FIXTURES_USABLE)
	{
		return;
	}
	pr_load(&pr);
	ck_assert_uint_eq(pr.nrules6, 4);
	ck_assert_str_eq(pr.rules[pr.nrules + 1].text,
					 "100:\tfrom fd00:10::/64 iif lan lookup 100");
	ck_assert_uint_eq(pr.rules[pr.nrules + 1].family, AF_INET6);
	for (i = pr.nroutes; i < pr.nroutes + pr.nroutes6; i++)
	{
		if (pr.routes[i].type == DPC_RT_UNREACHABLE)
		{
			e = &pr.routes[i];
		}
	}
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(dpc_rtentry_format(e, e->oif, text, sizeof(text)),
					 "unreachable fd00:20::10 dev lo table 220 metric 1024");
}
END_TEST

START_TEST(test_policy_v6)
{
	dpc_child_rec_t *child;
	dpc_finding_t *f;
	bed_t bed;
	pr_t pr;

	if (!FIXTURES_USABLE)
	{
		return;
	}
	/* an IPv6 CHILD_SA: rule 100 sends the LAN to table 100, out of wan */
	bed_pr(&bed, &pr);
	fixture_facts_addr(bed.facts, "fd00:10::1", "lan");
	fixture_facts_sysctl(bed.facts, "net/ipv6/conf/all/forwarding", 1);
	child = bed_child(&bed);
	bed_set_ts(&child->local, "fd00:10::/64");
	bed_set_ts(&child->cfg_local, "fd00:10::/64");
	bed_set_ts(&child->remote, "fd00:20::/64");
	bed_set_ts(&child->cfg_remote, "fd00:20::/64");
	fixture_facts_reset_routes(bed.facts);
	fixture_facts_route(bed.facts, "fd00:20::/64", "lan", 0, DPC_RT_UNICAST,
						"wan", "fd00:ff::1", 100);
	fixture_facts_route(bed.facts, "fd00:20::/64", "*", 0, DPC_RT_UNICAST,
						"ipsec0", NULL, 220);
	fixture_facts_route(bed.facts, "fd00:10::/64", "*", 0, DPC_RT_UNICAST,
						"lan", NULL, 254);
	bed_run(&bed);
	f = bed_find(&bed, "route-policy-table");
	ck_assert_ptr_nonnull(f);
	ck_assert(has_evidence(f, "rule",
						   "100:\tfrom fd00:10::/64 iif lan lookup 100"));
	ck_assert(has_evidence(f, "tunnel_route", "fd00:20::/64 dev ipsec0 "
						   "table 220 src fd00:10::1 metric 1024"));
	bed_free(&bed);

	/* the unreachable fd00:20::10 of table 220 is a hole */
	bed_pr(&bed, &pr);
	fixture_facts_addr(bed.facts, "fd00:10::1", "lan");
	fixture_facts_sysctl(bed.facts, "net/ipv6/conf/all/forwarding", 1);
	child = bed_child(&bed);
	bed_set_ts(&child->local, "fd00:10::/64");
	bed_set_ts(&child->cfg_local, "fd00:10::/64");
	bed_set_ts(&child->remote, "fd00:20::/64");
	bed_set_ts(&child->cfg_remote, "fd00:20::/64");
	fixture_facts_reset_routes(bed.facts);
	fixture_facts_route(bed.facts, "fd00:20::10/128", "lan", EHOSTUNREACH, 0,
						"", NULL, 0);
	fixture_facts_route(bed.facts, "fd00:20::/64", "*", 0, DPC_RT_UNICAST,
						"ipsec0", NULL, 220);
	fixture_facts_route(bed.facts, "fd00:10::/64", "*", 0, DPC_RT_UNICAST,
						"lan", NULL, 254);
	bed_run(&bed);
	f = bed_find(&bed, "route-missing");
	ck_assert_ptr_nonnull(f);
	ck_assert(has_evidence(f, "range", "fd00:20::10/128"));
	ck_assert_ptr_null(bed_find(&bed, "route-policy-table"));
	bed_free(&bed);
}
END_TEST

START_TEST(test_source_outside)
{
	dpc_finding_t *f;
	bed_t bed;

	bed_init(&bed);
	fixture_facts_reset_routes(bed.facts);
	fixture_facts_route(bed.facts, "10.20.1.0/24", "", 0, DPC_RT_UNICAST,
						"ipsec0", NULL, 220);
	fixture_facts_route_src(bed.facts, "192.0.2.2");
	fixture_facts_route(bed.facts, "10.20.1.0/24", "*", 0, DPC_RT_UNICAST,
						"ipsec0", NULL, 220);
	fixture_facts_route(bed.facts, "10.10.1.0/24", "*", 0, DPC_RT_UNICAST,
						"lan", NULL, 254);
	bed_run(&bed);
	f = bed_find(&bed, "source-outside-ts");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_WARNING);
	ck_assert(has_evidence(f, "source", "192.0.2.2"));
	ck_assert(has_evidence(f, "local_ts", "10.10.1.0/24"));
	ck_assert_ptr_nonnull(strstr(f->hint, "ip route replace 10.20.1.0/24 "
								 "dev ipsec0 src 10.10.1.1 table 220"));

	/* a gateway without an address in the local selector: not its tunnel */
	bed_set_ts(&bed_child(&bed)->local, "10.10.2.0/24");
	bed_set_ts(&bed_child(&bed)->cfg_local, "10.10.2.0/24");
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "source-outside-ts"));
	bed_free(&bed);

	/* the source charon installs: silent */
	bed_init(&bed);
	fixture_facts_reset_routes(bed.facts);
	fixture_facts_route(bed.facts, "10.20.1.0/24", "*", 0, DPC_RT_UNICAST,
						"ipsec0", NULL, 220);
	fixture_facts_route_src(bed.facts, "10.10.1.1");
	fixture_facts_route(bed.facts, "10.10.1.0/24", "*", 0, DPC_RT_UNICAST,
						"lan", NULL, 254);
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "source-outside-ts"));
	ck_assert_int_eq(bed_problems(&bed), 0);
	bed_free(&bed);
}
END_TEST

START_TEST(test_rp_filter)
{
	dpc_finding_t *f;
	bed_t bed;
	int i;

	/* decrypted packets on ipsec0 fail strict rp_filter (EXDEV) */
	bed_init(&bed);
	fixture_facts_reset_routes(bed.facts);
	fixture_facts_route(bed.facts, "10.10.1.0/24", "ipsec0", EXDEV, 0, "",
						NULL, 0);
	fixture_facts_route(bed.facts, "10.20.1.0/24", "*", 0, DPC_RT_UNICAST,
						"ipsec0", NULL, 220);
	fixture_facts_route(bed.facts, "10.10.1.0/24", "*", 0, DPC_RT_UNICAST,
						"lan", NULL, 254);
	fixture_facts_sysctl(bed.facts, "net/ipv4/conf/all/rp_filter", 0);
	fixture_facts_sysctl(bed.facts, "net/ipv4/conf/ipsec0/rp_filter", 1);
	bed_run(&bed);
	f = bed_find(&bed, "rp-filter-drop");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_ERROR);
	ck_assert_str_eq(f->discrim, "inner");
	ck_assert(has_evidence(f, "net.ipv4.conf.all.rp_filter", "0"));
	ck_assert(has_evidence(f, "net.ipv4.conf.ipsec0.rp_filter", "1"));
	/* kernel-libipsec's TUN without an address: loose mode fails too */
	ck_assert(has_evidence(f, "iif_ipv4", "none"));
	ck_assert_ptr_null(strstr(f->hint, "rp_filter=2"));
	ck_assert_ptr_nonnull(strstr(f->hint, "net.ipv4.conf.ipsec0.rp_filter=0"));
	/* inbound-undeliverable is not claimed for it */
	ck_assert_ptr_null(bed_find(&bed, "inbound-undeliverable"));
	/* with an address on it, loose mode is the fix */
	fixture_facts_addr(bed.facts, "10.99.0.1", "ipsec0");
	bed_run(&bed);
	f = bed_find(&bed, "rp-filter-drop");
	ck_assert_ptr_nonnull(f);
	ck_assert(!has_evidence(f, "iif_ipv4", "none"));
	ck_assert_ptr_nonnull(strstr(f->hint, "net.ipv4.conf.ipsec0.rp_filter=2"));
	bed_free(&bed);

	/* kernels with drop reasons answer EINVAL for a forwarded packet too:
	 * strict mode drops; loose mode drops only while ipsec0 has no IPv4
	 * address (the kernel's last resort); a way back through ipsec0 or
	 * rp_filter off passes */
	for (i = 0; i < 6; i++)
	{
		bool drops = i == 0 || i == 1 || i == 2;

		bed_init(&bed);
		fixture_facts_reset_routes(bed.facts);
		fixture_facts_route(bed.facts, "10.10.1.0/24", "ipsec0", EINVAL, 0,
							"", NULL, 0);
		/* the way back (no mark, no iif) leaves via wan; the LAN's
		 * traffic enters ipsec0 */
		fixture_facts_route(bed.facts, "10.20.1.0/24", "", 0, DPC_RT_UNICAST,
							i == 4 ? "ipsec0" : "wan", "192.0.2.1", 254);
		fixture_facts_route(bed.facts, "10.20.1.0/24", "*", 0,
							DPC_RT_UNICAST, "ipsec0", NULL, 220);
		fixture_facts_route(bed.facts, "10.10.1.0/24", "*", 0,
							DPC_RT_UNICAST, "lan", NULL, 254);
		fixture_facts_sysctl(bed.facts, "net/ipv4/conf/all/rp_filter",
							 i == 0 ? 1 : i == 5 ? 0 : 2);
		fixture_facts_sysctl(bed.facts, "net/ipv4/conf/ipsec0/rp_filter", 0);
		if (i == 2 || i == 3)
		{	/* strict with an address drops; loose with one passes */
			fixture_facts_addr(bed.facts, "10.99.0.1", "ipsec0");
			fixture_facts_sysctl(bed.facts, "net/ipv4/conf/all/rp_filter",
								 i == 2 ? 1 : 2);
		}
		bed_run(&bed);
		f = bed_find(&bed, "rp-filter-drop");
		ck_assert_msg(drops == (f != NULL), "case %d", i);
		if (f)
		{
			ck_assert_str_eq(f->discrim, "inner");
			ck_assert_ptr_nonnull(strstr(f->message, "leaves via wan"));
			ck_assert(has_evidence(f, "iif_ipv4", "none") == (i != 2));
		}
		bed_free(&bed);
	}

	/* the peer's packets on wan */
	bed_init(&bed);
	fixture_facts_reset_routes(bed.facts);
	fixture_facts_route(bed.facts, "192.0.2.2/32", "wan", EXDEV, 0, "",
						NULL, 0);
	fixture_facts_route(bed.facts, "198.51.100.2/32", "", 0, DPC_RT_UNICAST,
						"lan", NULL, 254);
	fixture_facts_route(bed.facts, "10.20.1.0/24", "*", 0, DPC_RT_UNICAST,
						"ipsec0", NULL, 220);
	fixture_facts_route(bed.facts, "10.10.1.0/24", "*", 0, DPC_RT_UNICAST,
						"lan", NULL, 254);
	fixture_facts_sysctl(bed.facts, "net/ipv4/conf/all/rp_filter", 1);
	bed_run(&bed);
	f = bed_find(&bed, "rp-filter-drop");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->discrim, "outer");
	ck_assert(has_evidence(f, "net.ipv4.conf.all.rp_filter", "1"));
	ck_assert_ptr_nonnull(strstr(f->message, "leaves via lan"));
	bed_free(&bed);

	/* for the gateway's own address the kernel says EINVAL (a martian
	 * source): rp_filter only if strict mode and the way back confirm it */
	for (i = 0; i < 3; i++)
	{
		bed_init(&bed);
		fixture_facts_reset_routes(bed.facts);
		fixture_facts_route(bed.facts, "192.0.2.2/32", "wan", EINVAL, 0, "",
							NULL, 0);
		fixture_facts_route(bed.facts, "198.51.100.2/32", "", 0,
							DPC_RT_UNICAST, i == 2 ? "wan" : "lan", NULL, 254);
		fixture_facts_route(bed.facts, "10.20.1.0/24", "*", 0,
							DPC_RT_UNICAST, "ipsec0", NULL, 220);
		fixture_facts_route(bed.facts, "10.10.1.0/24", "*", 0,
							DPC_RT_UNICAST, "lan", NULL, 254);
		fixture_facts_sysctl(bed.facts, "net/ipv4/conf/all/rp_filter", 0);
		fixture_facts_sysctl(bed.facts, "net/ipv4/conf/wan/rp_filter",
							 i == 1 ? 0 : 1);
		bed_run(&bed);
		f = bed_find(&bed, "rp-filter-drop");
		if (i == 0)
		{
			ck_assert_ptr_nonnull(f);
			ck_assert(has_evidence(f, "net.ipv4.conf.wan.rp_filter", "1"));
			ck_assert(has_evidence(f, "reverse_route",
								   "198.51.100.2 dev lan table main"));
		}
		else
		{	/* rp_filter off, or the way back is the arrival interface */
			ck_assert_ptr_null(f);
		}
		bed_free(&bed);
	}

	/* VTI (XFRM, the CHILD_SA's inbound mark is the ikey): the secpath is
	 * scrubbed, rp_filter applies on vti0 */
	{
		uint8_t buf[512];
		struct nlmsghdr *nlh;
		dpc_link_t vti;

		nlh = build_link(buf, 10, "vti0", true, "vti", 42, 42);
		ck_assert(dpc_rtnl_parse_link(nlh, nlh->nlmsg_len, &vti));
		bed_xfrm(&bed, "vti0");
		fixture_facts_reset_routes(bed.facts);
		fixture_facts_route(bed.facts, "10.10.1.0/24", "vti0", EXDEV, 0, "",
							NULL, 0);
		fixture_facts_route(bed.facts, "10.20.1.0/24", "*", 0,
							DPC_RT_UNICAST, "vti0", NULL, 254);
		fixture_facts_route(bed.facts, "10.10.1.0/24", "*", 0,
							DPC_RT_UNICAST, "lan", NULL, 254);
		fixture_facts_links(bed.facts, &vti, 1);
		bed_child(&bed)->mark_in = bed_child(&bed)->mark_out = 42;
		bed_run(&bed);
		f = bed_find(&bed, "rp-filter-drop");
		ck_assert_ptr_nonnull(f);
		ck_assert_str_eq(f->discrim, "inner");
		ck_assert_ptr_nonnull(strstr(f->message, "arriving on vti0"));
		/* another mark: not this device's packets */
		bed_child(&bed)->mark_in = 7;
		bed_run(&bed);
		ck_assert_ptr_null(bed_find(&bed, "rp-filter-drop"));
		bed_free(&bed);
	}

	/* XFRM: decrypted packets carry a secpath, rp_filter skips them */
	bed_init(&bed);
	bed.facts->destroy(bed.facts);
	bed.facts = bed.ctx.facts = fixture_facts_create(DPC_DATAPLANE_XFRM,
													 NULL);
	fixture_facts_addr(bed.facts, "10.10.1.1", "lan");
	fixture_facts_addr(bed.facts, "192.0.2.2", "wan");
	fixture_facts_route(bed.facts, "10.10.1.0/24", "wan", EXDEV, 0, "",
						NULL, 0);
	fixture_facts_route(bed.facts, "10.10.1.0/24", "*", 0, DPC_RT_UNICAST,
						"lan", NULL, 254);
	fixture_facts_route(bed.facts, "0.0.0.0/0", "*", 0, DPC_RT_UNICAST,
						"wan", "192.0.2.1", 254);
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "rp-filter-drop"));
	bed_free(&bed);
}
END_TEST

START_TEST(test_holes)
{
	dpc_finding_t *f;
	bed_t bed;
	pr_t pr;

	if (!FIXTURES_USABLE)
	{
		return;
	}
	/* table 220 of the fixture: 10.20.1.10/32 out of wan, a blackhole
	 * 10.20.1.64/26, 10.20.1.128/25 into ipsec0 (no hole), a throw */
	bed_pr(&bed, &pr);
	fixture_facts_reset_routes(bed.facts);
	fixture_facts_route(bed.facts, "10.20.1.10/32", "lan", 0, DPC_RT_UNICAST,
						"wan", "192.0.2.1", 220);
	fixture_facts_route(bed.facts, "10.20.1.64/26", "lan", EINVAL, 0, "",
						NULL, 0);
	fixture_facts_route(bed.facts, "10.20.1.0/24", "*", 0, DPC_RT_UNICAST,
						"ipsec0", NULL, 220);
	fixture_facts_route(bed.facts, "10.10.1.0/24", "*", 0, DPC_RT_UNICAST,
						"lan", NULL, 254);
	bed_run(&bed);
	f = bed_find(&bed, "route-missing");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->discrim, "hole 10.20.1.10/32");
	ck_assert(has_evidence(f, "range", "10.20.1.10/32"));
	ck_assert(has_evidence(f, "table_route",
						   "10.20.1.10 via 192.0.2.1 dev wan table 220"));
	ck_assert(has_evidence(f, "range_2", "10.20.1.64/26"));
	ck_assert(has_evidence(f, "table_route_2",
						   "blackhole 10.20.1.64/26 table 220"));
	ck_assert_ptr_nonnull(strstr(f->hint, "ip route del 10.20.1.10 via "
								 "192.0.2.1 dev wan table 220"));
	ck_assert_int_eq(bed_problems(&bed), 1);
	bed_free(&bed);

	/* XFRM encrypts the /32 out of wan: only the blackhole is a hole */
	bed_pr(&bed, &pr);
	bed.facts->destroy(bed.facts);
	bed.facts = bed.ctx.facts = fixture_facts_create(DPC_DATAPLANE_XFRM,
													 NULL);
	fixture_facts_rules(bed.facts, pr.rules, pr.nrules + pr.nrules6);
	fixture_facts_rtentries(bed.facts, pr.routes, pr.nroutes + pr.nroutes6);
	fixture_facts_addr(bed.facts, "10.10.1.1", "lan");
	fixture_facts_addr(bed.facts, "192.0.2.2", "wan");
	fixture_facts_sysctl(bed.facts, "net/ipv4/ip_forward", 1);
	fixture_facts_route(bed.facts, "10.20.1.64/26", "lan", EINVAL, 0, "",
						NULL, 0);
	fixture_facts_route(bed.facts, "10.10.1.0/24", "*", 0, DPC_RT_UNICAST,
						"lan", NULL, 254);
	fixture_facts_route(bed.facts, "0.0.0.0/0", "*", 0, DPC_RT_UNICAST,
						"wan", "192.0.2.1", 254);
	bed_run(&bed);
	f = bed_find(&bed, "route-missing");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->discrim, "hole 10.20.1.64/26");
	ck_assert(!has_evidence(f, "range_2", "10.20.1.10/32"));
	bed_free(&bed);
}
END_TEST

/**
 * The unreachable 10.10.1.128/25 of table main, a hole in the local
 * selector.
 */
static void inbound_hole(dpc_rtentry_t *hole)
{
	memset(hole, 0, sizeof(*hole));
	hole->family = AF_INET;
	dpc_addr_parse(&hole->dst, "10.10.1.128");
	hole->dst_len = 25;
	hole->table = 254;
	hole->type = DPC_RT_UNREACHABLE;
}

/**
 * Run the bed with a route dump and the kernel's answers for the inbound
 * hole: decrypted packets to 10.10.1.128/25 unreachable, the rest routed.
 */
static void run_inbound_hole(bed_t *bed, const dpc_rtentry_t *routes,
							 size_t count)
{
	fixture_facts_rtentries(bed->facts, routes, count);
	fixture_facts_reset_routes(bed->facts);
	fixture_facts_route(bed->facts, "10.10.1.128/25", "ipsec0", EHOSTUNREACH,
						0, "", NULL, 0);
	fixture_facts_route(bed->facts, "10.20.1.0/24", "*", 0, DPC_RT_UNICAST,
						"ipsec0", NULL, 220);
	fixture_facts_route(bed->facts, "10.10.1.0/24", "*", 0, DPC_RT_UNICAST,
						"lan", NULL, 254);
	bed_run(bed);
}

START_TEST(test_holes_inbound)
{
	dpc_rtentry_t hole;
	dpc_finding_t *f;
	bed_t bed;

	bed_init(&bed);
	inbound_hole(&hole);
	run_inbound_hole(&bed, &hole, 1);
	f = bed_find(&bed, "inbound-undeliverable");
	ck_assert_ptr_nonnull(f);
	ck_assert(has_evidence(f, "range", "10.10.1.128/25"));
	ck_assert(has_evidence(f, "table_route",
						   "unreachable 10.10.1.128/25 table main"));
	ck_assert_ptr_null(bed_find(&bed, "route-missing"));
	bed_free(&bed);
}
END_TEST

/**
 * A hole behind more unrelated routes than the search examines (a gateway
 * with thousands of routes): only routes overlapping the selector count.
 */
START_TEST(test_holes_deep_dump)
{
	enum { UNRELATED = 5000 };
	dpc_rtentry_t *routes;
	dpc_finding_t *f;
	bed_t bed;
	char addr[32];
	int i;

	routes = calloc(UNRELATED + 1, sizeof(*routes));
	ck_assert_ptr_nonnull(routes);
	for (i = 0; i < UNRELATED; i++)
	{
		routes[i].family = AF_INET;
		snprintf(addr, sizeof(addr), "172.16.%d.%d", i / 256, i % 256);
		dpc_addr_parse(&routes[i].dst, addr);
		routes[i].dst_len = 32;
		routes[i].table = 100;
		routes[i].type = DPC_RT_UNICAST;
	}
	inbound_hole(&routes[i]);
	bed_init(&bed);
	run_inbound_hole(&bed, routes, UNRELATED + 1);
	f = bed_find(&bed, "inbound-undeliverable");
	ck_assert_ptr_nonnull(f);
	ck_assert(has_evidence(f, "range", "10.10.1.128/25"));
	bed_free(&bed);
	free(routes);
}
END_TEST

/**
 * The index of a route dump answers what a scan of the dump answers: the
 * first max routes overlapping a range, in dump order, before and after it
 * is built (the first questions are answered by a scan).
 */
START_TEST(test_route_index_random)
{
	enum { ROUTES = 600, QUESTIONS = 200 };
	dpc_rtentry_t *routes;
	dpc_check_index_t *idx;
	dpc_check_ctx_t ctx;
	dpc_tunnels_t tunnels;
	dpc_ts_t ts, r;
	uint32_t *pos, want[ROUTES];
	size_t max, k, expect;
	int i, q, n, family;

	srandom(_i + 1);
	routes = calloc(2 * ROUTES, sizeof(*routes));
	ck_assert_ptr_nonnull(routes);
	for (i = 0; i < 2 * ROUTES; i++)
	{	/* IPv4 dump, then IPv6 dump; prefixes of 10.0.0.0/16 (fd00::/112) */
		family = i < ROUTES ? AF_INET : AF_INET6;
		routes[i].family = family;
		routes[i].dst.family = family;
		if (family == AF_INET)
		{
			routes[i].dst.a[0] = 10;
			routes[i].dst.a[2] = random() % 256;
			routes[i].dst.a[3] = random() % 256;
			routes[i].dst_len = random() % 4 ? 16 + random() % 17
											 : random() % 17;
		}
		else
		{
			routes[i].dst.a[0] = 0xfd;
			routes[i].dst.a[14] = random() % 256;
			routes[i].dst.a[15] = random() % 256;
			routes[i].dst_len = 112 + random() % 17;
		}
		routes[i].type = DPC_RT_UNICAST;
	}
	memset(&tunnels, 0, sizeof(tunnels));
	memset(&ctx, 0, sizeof(ctx));
	ctx.tunnels = &tunnels;
	idx = dpc_check_index(&ctx);
	ck_assert_ptr_nonnull(idx);
	for (q = 0; q < QUESTIONS; q++)
	{	/* both families alternate: the index keeps one per family */
		family = q % 3 ? AF_INET : AF_INET6;
		i = random() % ROUTES + (family == AF_INET6 ? ROUTES : 0);
		ck_assert(dpc_ts_from_prefix(&ts, family, routes[i].dst.a,
					family == AF_INET ? 16 + random() % 17
									  : 112 + random() % 17));
		max = random() % 3 ? ROUTES : 1 + random() % 4;
		for (k = 0, expect = 0; k < ROUTES && expect < max; k++)
		{
			i = k + (family == AF_INET6 ? ROUTES : 0);
			if (dpc_ts_from_prefix(&r, family, routes[i].dst.a,
								   routes[i].dst_len) &&
				dpc_ts_overlaps(&r, &ts))
			{
				want[expect++] = k;
			}
		}
		n = dpc_check_index_routes(idx, family == AF_INET ? routes
														  : routes + ROUTES,
								   ROUTES, &ts, max, &pos);
		ck_assert_int_eq(n, (int)expect);
		for (k = 0; k < expect; k++)
		{
			ck_assert_uint_eq(pos[k], want[k]);
		}
		free(pos);
	}
	dpc_check_index_free(&ctx);
	free(routes);
}
END_TEST

START_TEST(test_overlap_local)
{
	dpc_finding_t *f;
	bed_t bed;

	bed_init(&bed);
	fixture_facts_addr(bed.facts, "10.20.1.200", "dmz");
	bed_run(&bed);
	f = bed_find(&bed, "ts-overlap-local");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_WARNING);
	ck_assert(has_evidence(f, "address_dmz", "10.20.1.200/24"));
	ck_assert(has_evidence(f, "remote_ts", "10.20.1.0/24"));

	/* a full tunnel overlaps everything by design */
	bed_set_ts(&bed_child(&bed)->remote, "0.0.0.0/0");
	bed_set_ts(&bed_child(&bed)->cfg_remote, "0.0.0.0/0");
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "ts-overlap-local"));
	bed_free(&bed);

	/* an address on the tunnel device (a virtual IP) */
	bed_init(&bed);
	fixture_facts_addr(bed.facts, "10.20.1.200", "ipsec0");
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "ts-overlap-local"));
	bed_free(&bed);

	/* a virtual IP out of the LAN's range (farp) */
	bed_init(&bed);
	fixture_facts_addr(bed.facts, "10.20.1.1", "lan2");
	bed_set_ts(&bed_child(&bed)->remote, "10.20.1.77/32");
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "ts-overlap-local"));
	bed_free(&bed);

	/* transport mode to a neighbour on the WAN */
	bed_init(&bed);
	dpc_child_rec_set_text(&bed_child(&bed)->mode, "TRANSPORT");
	bed_set_ts(&bed_child(&bed)->remote, "192.0.2.9/32");
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "ts-overlap-local"));
	bed_free(&bed);
}
END_TEST

/**
 * Add a second IKE_SA to another peer with one CHILD_SA.
 */
static void add_peer(bed_t *bed, const char *peer, const char *remote_ts)
{
	dpc_ike_rec_t ike;
	dpc_child_rec_t *child;

	dpc_ike_rec_init(&ike);
	snprintf(ike.name, sizeof(ike.name), "other");
	ike.unique_id = 2;
	ike.state = DPC_STATE_UP;
	ike.version = 2;
	dpc_addr_parse(&ike.local, "192.0.2.2");
	dpc_addr_parse(&ike.remote, peer);
	ike.established = 1000;
	child = dpc_ike_rec_add_child(&ike);
	dpc_child_rec_set_name(child, "net2");
	child->unique_id = 2;
	child->reqid = 2;
	child->state = DPC_STATE_UP;
	dpc_child_rec_set_text(&child->mode, "TUNNEL");
	bed_set_ts(&child->cfg_local, "10.10.1.0/24");
	bed_set_ts(&child->cfg_remote, remote_ts);
	bed_set_ts(&child->local, "10.10.1.0/24");
	bed_set_ts(&child->remote, remote_ts);
	child->installed = 1000;
	dpc_tunnels_add_copy(&bed->tunnels, &ike);
	dpc_ike_rec_clear(&ike);
}

START_TEST(test_overlap_tunnel)
{
	dpc_finding_t *f;
	bed_t bed;
	int i, n = 0;

	bed_init(&bed);
	add_peer(&bed, "203.0.113.5", "10.20.1.128/25");
	bed_run(&bed);
	f = bed_find(&bed, "ts-overlap-tunnel");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_WARNING);
	ck_assert(has_evidence(f, "other_peer", "203.0.113.5") ||
			  has_evidence(f, "other_peer", "198.51.100.2"));
	/* each of the two CHILD_SAs says it */
	for (i = 0; i < bed.findings.count; i++)
	{
		n += !strcmp(bed.findings.items[i].code, "ts-overlap-tunnel");
	}
	ck_assert_int_eq(n, 2);
	bed_free(&bed);

	/* the same peer (e.g. a rekey or a second CHILD_SA): silent */
	bed_init(&bed);
	add_peer(&bed, "198.51.100.2", "10.20.1.128/25");
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "ts-overlap-tunnel"));
	bed_free(&bed);

	/* disjoint selectors: silent */
	bed_init(&bed);
	add_peer(&bed, "203.0.113.5", "10.21.0.0/16");
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "ts-overlap-tunnel"));
	bed_free(&bed);
}
END_TEST

/**
 * Does any selector of a overlap any selector of b?
 */
static bool any_overlap(const dpc_ts_list_t *a, const dpc_ts_list_t *b)
{
	size_t i, j;

	for (i = 0; i < a->count; i++)
	{
		for (j = 0; j < b->count; j++)
		{
			if (dpc_ts_overlaps(&a->ts[i], &b->ts[j]))
			{
				return true;
			}
		}
	}
	return false;
}

/**
 * ts-overlap-tunnel over many random tunnels (selectors of a small space,
 * four peers, some SAs down) says what comparing every CHILD_SA with every
 * other one in tunnel order says: for each CHILD_SA, the first four
 * installed CHILD_SAs of other IKE_SAs to another peer that overlap it on
 * both sides. Rounds re-checking one tunnel find the same.
 */
START_TEST(test_overlap_tunnel_random)
{
	static const char *peers[] = { "198.51.100.2", "203.0.113.5",
								   "203.0.113.6", "2001:db8::5" };
	const dpc_ike_rec_t *a, *b;
	const dpc_child_rec_t *c, *o;
	dpc_ike_rec_t ike;
	dpc_child_rec_t *child;
	unsigned seed = 11 + _i;
	char ts[64], discrim[16];
	bed_t bed;
	int i, j, k, l, found, expected = 0, reported;

	bed_init(&bed);
	for (i = 0; i < 60; i++)
	{
		dpc_ike_rec_init(&ike);
		snprintf(ike.name, sizeof(ike.name), "r%d", i);
		ike.unique_id = 100 + i;
		ike.state = rand_r(&seed) % 10 ? DPC_STATE_UP : DPC_STATE_DOWN;
		ike.version = 2;
		dpc_addr_parse(&ike.local, "192.0.2.2");
		dpc_addr_parse(&ike.remote, peers[rand_r(&seed) % 4]);
		ike.established = 1000;
		for (j = 0; j < 1 + rand_r(&seed) % 2; j++)
		{
			child = dpc_ike_rec_add_child(&ike);
			snprintf(ts, sizeof(ts), "c%d", j);
			dpc_child_rec_set_name(child, ts);
			child->unique_id = 1000 + i * 10 + j;
			child->reqid = child->unique_id;
			child->state = rand_r(&seed) % 8 ? DPC_STATE_UP
											 : DPC_STATE_REKEYED;
			dpc_child_rec_set_text(&child->mode, "TUNNEL");
			snprintf(ts, sizeof(ts), "10.10.%d.0/%d", rand_r(&seed) % 2,
					 23 + rand_r(&seed) % 2);
			bed_set_ts(&child->local, ts);
			bed_set_ts(&child->cfg_local, ts);
			snprintf(ts, sizeof(ts), "10.20.%d.%d/%d", rand_r(&seed) % 4,
					 (rand_r(&seed) % 4) * 64, 22 + rand_r(&seed) % 5);
			bed_set_ts(&child->remote, ts);
			if (rand_r(&seed) % 4 == 0)
			{
				snprintf(ts, sizeof(ts), "fd00:%x::/48", rand_r(&seed) % 3);
				bed_add_ts(&child->remote, ts);
			}
			bed_set_ts(&child->cfg_remote, "10.20.0.0/16");
			child->installed = 1000;
		}
		dpc_tunnels_add_copy(&bed.tunnels, &ike);
		dpc_ike_rec_clear(&ike);
	}
	/* and rounds re-checking one tunnel each agree with the full one */
	bed_assert_incremental(&bed);
	for (i = 0; i < bed.tunnels.count; i++)
	{
		a = bed.tunnels.ikes[i];
		for (j = 0; a->state == DPC_STATE_UP && j < a->n_children; j++)
		{
			c = a->children[j];
			if (c->state != DPC_STATE_UP)
			{
				continue;
			}
			reported = 0;
			for (k = 0; k < bed.tunnels.count && reported < 4; k++)
			{
				b = bed.tunnels.ikes[k];
				if (b == a || b->state != DPC_STATE_UP ||
					!dpc_addr_cmp(&a->remote, &b->remote))
				{
					continue;
				}
				for (l = 0; l < b->n_children && reported < 4; l++)
				{
					o = b->children[l];
					if (o->state != DPC_STATE_UP ||
						!any_overlap(&c->local, &o->local) ||
						!any_overlap(&c->remote, &o->remote))
					{
						continue;
					}
					reported++;
					expected++;
					snprintf(discrim, sizeof(discrim), "%u", o->unique_id);
					for (found = 0; found < (int)bed.findings.count;
						 found++)
					{
						if (!strcmp(bed.findings.items[found].code,
									"ts-overlap-tunnel") &&
							bed.findings.items[found].subject.child_id ==
								c->unique_id &&
							!strcmp(bed.findings.items[found].discrim, discrim))
						{
							break;
						}
					}
					ck_assert_msg(found < (int)bed.findings.count,
								  "%u overlaps %u: not reported",
								  c->unique_id, o->unique_id);
				}
			}
		}
	}
	for (found = 0, i = 0; i < (int)bed.findings.count; i++)
	{
		found += !strcmp(bed.findings.items[i].code, "ts-overlap-tunnel");
	}
	ck_assert_int_gt(expected, 0);
	ck_assert_int_eq(found, expected);
	bed_free(&bed);
}
END_TEST

/**
 * Build an RTM_NEWLINK message the way the kernel lays out one of a
 * tunnel device (rtnl_fill_ifinfo(): IFLA_IFNAME, IFLA_MTU, IFLA_LINKINFO
 * with IFLA_INFO_KIND, then IFLA_INFO_DATA from the kind's fill_info()),
 * for kinds the test kernels lack (xfrm, vti). key1/key2: IFLA_XFRM_LINK
 * and IFLA_XFRM_IF_ID (host order), or IFLA_VTI_IKEY and IFLA_VTI_OKEY
 * (network order, nla_put_be32()).
 */
static struct nlmsghdr *build_link(uint8_t *buf, int index, const char *name,
								   bool up, const char *kind, uint32_t key1,
								   uint32_t key2)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct nlattr *info, *data;
	bool vti = !strcmp(kind, "vti");

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_MULTI;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = index;
	ifi->ifi_flags = up ? IFF_UP | IFF_RUNNING | IFF_NOARP : IFF_NOARP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_MTU, 1480);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	if (vti)
	{	/* vti_fill_info(): LINK, IKEY, OKEY, LOCAL, REMOTE, FWMARK */
		mnl_attr_put_u32(nlh, 1, 2);
		mnl_attr_put_u32(nlh, 2, htonl(key1));
		mnl_attr_put_u32(nlh, 3, htonl(key2));
		mnl_attr_put_u32(nlh, 4, htonl(0xc0000202));
		mnl_attr_put_u32(nlh, 5, htonl(0xc6336402));
		mnl_attr_put_u32(nlh, 6, 0);
	}
	else
	{	/* xfrmi_fill_info(): IFLA_XFRM_LINK, IFLA_XFRM_IF_ID */
		mnl_attr_put_u32(nlh, 1, key1);
		mnl_attr_put_u32(nlh, 2, key2);
	}
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return nlh;
}

START_TEST(test_parse_tunnel_links)
{
	uint8_t buf[512];
	struct nlmsghdr *nlh;
	dpc_link_t link;

	nlh = build_link(buf, 9, "xfrm7", true, "xfrm", 2, 7);
	ck_assert(dpc_rtnl_parse_link(nlh, nlh->nlmsg_len, &link));
	ck_assert_str_eq(link.kind, "xfrm");
	ck_assert_uint_eq(link.if_id, 7);
	ck_assert(link.up);
	nlh = build_link(buf, 10, "vti0", false, "vti", 42, 43);
	ck_assert(dpc_rtnl_parse_link(nlh, nlh->nlmsg_len, &link));
	ck_assert_str_eq(link.kind, "vti");
	ck_assert_uint_eq(link.ikey, 42);
	ck_assert_uint_eq(link.okey, 43);
	ck_assert_uint_eq(link.if_id, 0);
	ck_assert(!link.up);
	/* a short IFLA_XFRM_IF_ID is rejected, not guessed */
	nlh = build_link(buf, 9, "xfrm7", true, "xfrm", 2, 7);
	((struct nlattr*)((uint8_t*)nlh + nlh->nlmsg_len - 8))->nla_len = 6;
	ck_assert(!dpc_rtnl_parse_link(nlh, nlh->nlmsg_len, &link));
}
END_TEST

/**
 * A bed with the XFRM data plane and route answers for a tunnel device.
 */
static void bed_xfrm(bed_t *bed, const char *oif)
{
	bed_init(bed);
	bed->facts->destroy(bed->facts);
	bed->facts = bed->ctx.facts = fixture_facts_create(DPC_DATAPLANE_XFRM,
													   NULL);
	fixture_facts_addr(bed->facts, "10.10.1.1", "lan");
	fixture_facts_addr(bed->facts, "192.0.2.2", "wan");
	fixture_facts_sysctl(bed->facts, "net/ipv4/ip_forward", 1);
	fixture_facts_route(bed->facts, "10.20.1.0/24", "*", 0, DPC_RT_UNICAST,
						oif, NULL, 254);
	fixture_facts_route(bed->facts, "10.10.1.0/24", "*", 0, DPC_RT_UNICAST,
						"lan", NULL, 254);
	fixture_facts_route(bed->facts, "0.0.0.0/0", "*", 0, DPC_RT_UNICAST,
						"wan", "192.0.2.1", 254);
}

START_TEST(test_route_bypasses)
{
	uint8_t buf[512];
	struct nlmsghdr *nlh;
	dpc_link_t links[2];
	dpc_finding_t *f;
	bed_t bed;

	nlh = build_link(buf, 9, "xfrm7", true, "xfrm", 2, 7);
	ck_assert(dpc_rtnl_parse_link(nlh, nlh->nlmsg_len, &links[0]));
	nlh = build_link(buf, 10, "vti0", true, "vti", 42, 42);
	ck_assert(dpc_rtnl_parse_link(nlh, nlh->nlmsg_len, &links[1]));

	/* xfrmi: the route into xfrm7 is right */
	bed_xfrm(&bed, "xfrm7");
	fixture_facts_links(bed.facts, links, 2);
	bed_child(&bed)->if_id_in = bed_child(&bed)->if_id_out = 7;
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "route-bypasses-tunnel"));
	bed_free(&bed);

	/* xfrmi: the route leaves via wan */
	bed_xfrm(&bed, "wan");
	fixture_facts_links(bed.facts, links, 2);
	bed_child(&bed)->if_id_in = bed_child(&bed)->if_id_out = 7;
	bed_run(&bed);
	f = bed_find(&bed, "route-bypasses-tunnel");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_ERROR);
	ck_assert(has_evidence(f, "device", "xfrm7"));
	ck_assert(has_evidence(f, "tunnel", "xfrm interface, if_id 7"));
	ck_assert_ptr_nonnull(strstr(f->hint,
								 "ip route replace 10.20.1.0/24 dev xfrm7"));

	/* xfrmi: no device with that if_id */
	bed_child(&bed)->if_id_out = 8;
	bed_run(&bed);
	f = bed_find(&bed, "route-bypasses-tunnel");
	ck_assert_ptr_nonnull(f);
	ck_assert(has_evidence(f, "device", "none"));
	ck_assert_ptr_nonnull(strstr(f->hint, "type xfrm dev <wan> if_id 8"));
	bed_free(&bed);

	/* VTI: the CHILD_SA's mark is the okey; the device is down */
	links[1].up = false;
	bed_xfrm(&bed, "vti0");
	fixture_facts_links(bed.facts, links, 2);
	bed_child(&bed)->mark_in = bed_child(&bed)->mark_out = 42;
	bed_run(&bed);
	f = bed_find(&bed, "route-bypasses-tunnel");
	ck_assert_ptr_nonnull(f);
	ck_assert(has_evidence(f, "state", "down"));
	ck_assert_ptr_nonnull(strstr(f->hint, "ip link set vti0 up"));
	bed_free(&bed);
	links[1].up = true;
	bed_xfrm(&bed, "vti0");
	fixture_facts_links(bed.facts, links, 2);
	bed_child(&bed)->mark_in = bed_child(&bed)->mark_out = 42;
	bed_run(&bed);
	ck_assert_int_eq(bed_problems(&bed), 0);
	/* a mark no VTI device carries: plain policy routing, not judged */
	bed_child(&bed)->mark_out = 99;
	fixture_facts_reset_routes(bed.facts);
	fixture_facts_route(bed.facts, "0.0.0.0/0", "*", 0, DPC_RT_UNICAST,
						"wan", "192.0.2.1", 254);
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "route-bypasses-tunnel"));
	bed_free(&bed);

	/* kernel-libipsec without charon's route: out of wan in cleartext */
	bed_init(&bed);
	fixture_facts_reset_routes(bed.facts);
	fixture_facts_route(bed.facts, "10.10.1.0/24", "*", 0, DPC_RT_UNICAST,
						"lan", NULL, 254);
	fixture_facts_route(bed.facts, "0.0.0.0/0", "*", 0, DPC_RT_UNICAST,
						"wan", "192.0.2.1", 254);
	bed_run(&bed);
	f = bed_find(&bed, "route-bypasses-tunnel");
	ck_assert_ptr_nonnull(f);
	ck_assert(has_evidence(f, "device", "ipsec0"));
	ck_assert(has_evidence(f, "tunnel", "kernel-libipsec TUN"));
	/* transport mode between the gateways themselves is not judged */
	dpc_child_rec_set_text(&bed_child(&bed)->mode, "TRANSPORT");
	bed_set_ts(&bed_child(&bed)->local, "192.0.2.2/32");
	bed_set_ts(&bed_child(&bed)->remote, "198.51.100.2/32");
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "route-bypasses-tunnel"));
	bed_free(&bed);
}
END_TEST

Suite *policy_routing_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("policy_routing");
	tc = tcase_create("parse");
	tcase_add_test(tc, test_parse_rules);
	tcase_add_test(tc, test_parse_routes);
	tcase_add_test(tc, test_parse_malformed);
	tcase_add_test(tc, test_parse_tunnel_links);
	tcase_add_test(tc, test_parse_v6);
	suite_add_tcase(s, tc);
	tc = tcase_create("checks");
	tcase_add_test(tc, test_policy_table);
	tcase_add_test(tc, test_policy_table_fwmark);
	tcase_add_test(tc, test_source_outside);
	tcase_add_test(tc, test_rp_filter);
	tcase_add_test(tc, test_holes);
	tcase_add_test(tc, test_holes_inbound);
	tcase_add_test(tc, test_holes_deep_dump);
	tcase_add_loop_test(tc, test_route_index_random, 0, 4);
	tcase_add_test(tc, test_overlap_local);
	tcase_add_test(tc, test_overlap_tunnel);
	tcase_add_loop_test(tc, test_overlap_tunnel_random, 0, 6);
	tcase_add_test(tc, test_route_bypasses);
	tcase_add_test(tc, test_policy_v6);
	suite_add_tcase(s, tc);
	return s;
}
