/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * Kernel change notifications, which tunnels they concern, and the store
 * keeping the findings of the tunnels a round did not check.
 */

#include "dpc_tests.h"

#include <facts/dpc_change_parse.h>
#include <model/dpc_dirty.h>
#include <model/dpc_store.h>

#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/fib_rules.h>
#include <linux/xfrm.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

/**
 * A netlink message under construction.
 */
typedef struct {
	union {
		struct nlmsghdr nlh;
		uint64_t align;		/* family headers with 64-bit members */
		uint8_t bytes[2048];
	} u;
} msg_t;

/**
 * Start a message of type with a family header of len bytes (zeroed).
 */
static void *msg_init(msg_t *m, uint16_t type, size_t len)
{
	memset(m, 0, sizeof(*m));
	m->u.nlh.nlmsg_type = type;
	m->u.nlh.nlmsg_len = NLMSG_LENGTH(len);
	return NLMSG_DATA(&m->u.nlh);
}

/**
 * Append an attribute.
 */
static void *msg_attr(msg_t *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a;

	m->u.nlh.nlmsg_len = NLMSG_ALIGN(m->u.nlh.nlmsg_len);
	a = (struct nlattr*)(m->u.bytes + m->u.nlh.nlmsg_len);
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (data)
	{
		memcpy((uint8_t*)a + NLA_HDRLEN, data, len);
	}
	m->u.nlh.nlmsg_len += NLA_ALIGN(a->nla_len);
	return (uint8_t*)a + NLA_HDRLEN;
}

static bool parse(int protocol, msg_t *m, dpc_change_t *c)
{
	return dpc_change_parse(protocol, m, m->u.nlh.nlmsg_len, c);
}

/**
 * A route message for dst/len (dst NULL: no RTA_DST).
 */
static void route_msg(msg_t *m, uint16_t type, const char *dst, int len)
{
	struct rtmsg *rtm;
	struct in_addr a;

	rtm = msg_init(m, type, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_table = RT_TABLE_MAIN;
	if (dst)
	{
		rtm->rtm_dst_len = len;
		ck_assert(inet_pton(AF_INET, dst, &a) == 1);
		msg_attr(m, RTA_DST, &a, sizeof(a));
	}
}

START_TEST(test_parse_route)
{
	dpc_change_t c;
	dpc_ts_t want;
	char buf[DPC_TS_STRLEN];
	msg_t m;

	route_msg(&m, RTM_DELROUTE, "10.20.1.0", 24);
	ck_assert(parse(NETLINK_ROUTE, &m, &c));
	ck_assert_int_eq(c.kind, DPC_CHANGE_ROUTE);
	ck_assert(!c.all);
	ck_assert(dpc_ts_parse(&want, "10.20.1.0/24"));
	ck_assert_str_eq(dpc_ts_to_str(&c.src, buf, sizeof(buf)), "10.20.1.0/24");

	/* a default route: no RTA_DST, every tunnel */
	route_msg(&m, RTM_NEWROUTE, NULL, 0);
	ck_assert(parse(NETLINK_ROUTE, &m, &c));
	ck_assert_int_eq(c.kind, DPC_CHANGE_ROUTE);
	ck_assert(!c.all);
	ck_assert_str_eq(dpc_ts_to_str(&c.src, buf, sizeof(buf)), "0.0.0.0/0");

	/* a prefix length beyond the family: unknown, so every tunnel */
	route_msg(&m, RTM_NEWROUTE, "10.20.1.0", 33);
	ck_assert(parse(NETLINK_ROUTE, &m, &c));
	ck_assert(c.all);

	/* an attribute running past the message: every tunnel */
	route_msg(&m, RTM_NEWROUTE, "10.20.1.0", 24);
	((struct nlattr*)(m.u.bytes + NLMSG_LENGTH(sizeof(struct rtmsg))))->nla_len = 200;
	ck_assert(parse(NETLINK_ROUTE, &m, &c));
	ck_assert(c.all || dpc_ts_prefixlen(&c.src) == 0);
}
END_TEST

START_TEST(test_parse_rtnl_kinds)
{
	struct ifaddrmsg *ifa;
	struct in_addr a;
	dpc_change_t c;
	msg_t m;

	msg_init(&m, RTM_NEWRULE, sizeof(struct fib_rule_hdr));
	ck_assert(parse(NETLINK_ROUTE, &m, &c));
	ck_assert_int_eq(c.kind, DPC_CHANGE_RULE);
	ck_assert(c.all);

	msg_init(&m, RTM_NEWLINK, sizeof(struct ifinfomsg));
	ck_assert(parse(NETLINK_ROUTE, &m, &c));
	ck_assert_int_eq(c.kind, DPC_CHANGE_LINK);
	ck_assert(c.all);

	ifa = msg_init(&m, RTM_DELADDR, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = 24;
	inet_pton(AF_INET, "10.20.1.1", &a);
	msg_attr(&m, IFA_LOCAL, &a, sizeof(a));
	ck_assert(parse(NETLINK_ROUTE, &m, &c));
	ck_assert_int_eq(c.kind, DPC_CHANGE_ADDR);
	ck_assert(c.all);
	ck_assert_int_eq(c.src.family, AF_INET);

	/* neighbours are not watched */
	msg_init(&m, RTM_NEWNEIGH, sizeof(struct ndmsg));
	ck_assert(!parse(NETLINK_ROUTE, &m, &c));

	/* a message longer than the buffer */
	route_msg(&m, RTM_NEWROUTE, "10.0.0.0", 8);
	ck_assert(!dpc_change_parse(NETLINK_ROUTE, &m, m.u.nlh.nlmsg_len - 1, &c));
	ck_assert(!dpc_change_parse(NETLINK_ROUTE, &m, 8, &c));
	/* a message too short for its header: a route change, unknown which */
	msg_init(&m, RTM_NEWROUTE, 2);
	ck_assert(parse(NETLINK_ROUTE, &m, &c));
	ck_assert(c.all);
}
END_TEST

START_TEST(test_parse_xfrm)
{
	struct xfrm_usersa_info *sa;
	struct xfrm_usersa_id *id;
	struct xfrm_userpolicy_info *pol;
	struct xfrm_userpolicy_id *pid;
	struct xfrm_user_expire *exp;
	dpc_change_t c;
	char buf[DPC_TS_STRLEN];
	msg_t m;

	sa = msg_init(&m, XFRM_MSG_NEWSA, sizeof(*sa));
	sa->family = AF_INET;
	sa->id.spi = htonl(0xc1234567);
	inet_pton(AF_INET, "198.51.100.2", &sa->id.daddr.a4);
	inet_pton(AF_INET, "192.0.2.2", &sa->saddr.a4);
	ck_assert(parse(NETLINK_XFRM, &m, &c));
	ck_assert_int_eq(c.kind, DPC_CHANGE_XFRM_STATE);
	ck_assert(!c.all);
	ck_assert_uint_eq(c.spi, 0xc1234567);
	ck_assert_int_eq(c.daddr.family, AF_INET);
	ck_assert_int_eq(c.daddr.a[0], 198);
	ck_assert_int_eq(c.saddr.a[0], 192);

	/* deleted: the id, with the state in XFRMA_SA */
	id = msg_init(&m, XFRM_MSG_DELSA, sizeof(*id));
	id->family = AF_INET;
	id->spi = htonl(0xc1234567);
	{	/* copied in: the attribute's payload is 4-byte aligned only, as
		 * in the kernel's messages */
		struct xfrm_usersa_info state;

		memset(&state, 0, sizeof(state));
		state.family = AF_INET;
		state.id.spi = htonl(0xc1234567);
		inet_pton(AF_INET, "192.0.2.2", &state.saddr.a4);
		msg_attr(&m, XFRMA_SA, &state, sizeof(state));
	}
	ck_assert(parse(NETLINK_XFRM, &m, &c));
	ck_assert_int_eq(c.kind, DPC_CHANGE_XFRM_STATE);
	ck_assert_uint_eq(c.spi, 0xc1234567);
	ck_assert_int_eq(c.saddr.a[0], 192);

	exp = msg_init(&m, XFRM_MSG_EXPIRE, sizeof(*exp));
	exp->state.family = AF_INET;
	exp->state.id.spi = htonl(7);
	ck_assert(parse(NETLINK_XFRM, &m, &c));
	ck_assert_int_eq(c.kind, DPC_CHANGE_XFRM_EXPIRE);
	ck_assert_uint_eq(c.spi, 7);

	msg_init(&m, XFRM_MSG_FLUSHSA, sizeof(struct xfrm_usersa_flush));
	ck_assert(parse(NETLINK_XFRM, &m, &c));
	ck_assert(c.all);

	pol = msg_init(&m, XFRM_MSG_NEWPOLICY, sizeof(*pol));
	pol->sel.family = AF_INET;
	inet_pton(AF_INET, "10.10.1.0", &pol->sel.saddr.a4);
	pol->sel.prefixlen_s = 24;
	inet_pton(AF_INET, "10.20.1.0", &pol->sel.daddr.a4);
	pol->sel.prefixlen_d = 24;
	ck_assert(parse(NETLINK_XFRM, &m, &c));
	ck_assert_int_eq(c.kind, DPC_CHANGE_XFRM_POLICY);
	ck_assert(!c.all);
	ck_assert_str_eq(dpc_ts_to_str(&c.src, buf, sizeof(buf)), "10.10.1.0/24");
	ck_assert_str_eq(dpc_ts_to_str(&c.dst, buf, sizeof(buf)), "10.20.1.0/24");

	/* deleted by index, no policy attached: unknown, every tunnel */
	pid = msg_init(&m, XFRM_MSG_DELPOLICY, sizeof(*pid));
	pid->index = 42;
	ck_assert(parse(NETLINK_XFRM, &m, &c));
	ck_assert_int_eq(c.kind, DPC_CHANGE_XFRM_POLICY);
	ck_assert(c.all);

	/* acquires are not watched */
	msg_init(&m, XFRM_MSG_ACQUIRE, sizeof(struct xfrm_user_acquire));
	ck_assert(!parse(NETLINK_XFRM, &m, &c));
}
END_TEST

START_TEST(test_parse_nft)
{
	dpc_change_t c;
	msg_t m;

	msg_init(&m, (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWRULE,
			 sizeof(struct nfgenmsg));
	ck_assert(!parse(NETLINK_NETFILTER, &m, &c));
	msg_init(&m, (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWGEN,
			 sizeof(struct nfgenmsg));
	ck_assert(parse(NETLINK_NETFILTER, &m, &c));
	ck_assert_int_eq(c.kind, DPC_CHANGE_NFT);
	ck_assert(c.all);
	/* another subsystem's message of the same number */
	msg_init(&m, (NFNL_SUBSYS_CTNETLINK << 8) | NFT_MSG_NEWGEN,
			 sizeof(struct nfgenmsg));
	ck_assert(!parse(NETLINK_NETFILTER, &m, &c));
	/* an unknown protocol */
	ck_assert(!parse(NETLINK_GENERIC, &m, &c));
}
END_TEST

/**
 * Two tunnels: A 10.10.1.0/24 <-> 10.20.1.0/24 with peer 198.51.100.2,
 * B 10.30.0.0/16 <-> 10.40.0.0/16 with peer 203.0.113.9.
 */
typedef struct {
	dpc_ike_rec_t ike[2];
	dpc_child_rec_t child[2];
	dpc_child_rec_t *children[2][1];
	dpc_ike_rec_t *ikes[2];
	dpc_tunnels_t tunnels;
} two_t;

static void tunnel(two_t *t, int i, uint32_t id, const char *local,
				   const char *remote, const char *me, const char *peer,
				   uint32_t spi_in, uint32_t spi_out)
{
	dpc_ts_t ts;

	memset(&t->ike[i], 0, sizeof(t->ike[i]));
	memset(&t->child[i], 0, sizeof(t->child[i]));
	t->ike[i].unique_id = id;
	t->ike[i].state = DPC_STATE_UP;
	ck_assert(dpc_addr_parse(&t->ike[i].local, me));
	ck_assert(dpc_addr_parse(&t->ike[i].remote, peer));
	t->child[i].unique_id = id * 10;
	t->child[i].state = DPC_STATE_UP;
	t->child[i].spi_in = spi_in;
	t->child[i].spi_out = spi_out;
	dpc_ts_list_init(&t->child[i].local);
	dpc_ts_list_init(&t->child[i].remote);
	dpc_ts_list_init(&t->child[i].cfg_local);
	dpc_ts_list_init(&t->child[i].cfg_remote);
	ck_assert(dpc_ts_parse(&ts, local));
	ck_assert(dpc_ts_list_add(&t->child[i].local, &ts));
	ck_assert(dpc_ts_parse(&ts, remote));
	ck_assert(dpc_ts_list_add(&t->child[i].remote, &ts));
	t->children[i][0] = &t->child[i];
	t->ike[i].children = t->children[i];
	t->ike[i].n_children = 1;
	t->ikes[i] = &t->ike[i];
}

static void two_init(two_t *t)
{
	tunnel(t, 0, 1, "10.10.1.0/24", "10.20.1.0/24", "192.0.2.2",
		   "198.51.100.2", 0xc0000001, 0xc0000002);
	tunnel(t, 1, 2, "10.30.0.0/16", "10.40.0.0/16", "192.0.2.2",
		   "203.0.113.9", 0xc0000003, 0xc0000004);
	memset(&t->tunnels, 0, sizeof(t->tunnels));
	t->tunnels.ikes = t->ikes;
	t->tunnels.count = 2;
}

static void two_clear(two_t *t)
{
	int i;

	for (i = 0; i < 2; i++)
	{
		dpc_ts_list_clear(&t->child[i].local);
		dpc_ts_list_clear(&t->child[i].remote);
	}
}

/**
 * Which of the two tunnels a change concerns: "", "A", "B" or "AB".
 */
static const char *which(two_t *t, const dpc_change_t *c)
{
	static char out[3];
	bool dirty[2] = {};
	int n;

	n = dpc_change_mark(c, &t->tunnels, dirty);
	snprintf(out, sizeof(out), "%s%s", dirty[0] ? "A" : "", dirty[1] ? "B" : "");
	ck_assert_int_eq(n, dirty[0] + dirty[1]);
	return out;
}

static dpc_change_t route(const char *prefix)
{
	dpc_change_t c = { .kind = DPC_CHANGE_ROUTE };

	ck_assert(dpc_ts_parse(&c.src, prefix));
	return c;
}

START_TEST(test_dirty_routes)
{
	dpc_change_t c;
	two_t t;

	two_init(&t);
	/* inside A's remote selector */
	c = route("10.20.1.128/25");
	ck_assert_str_eq(which(&t, &c), "A");
	/* covering B's local selector (the inbound lookup) */
	c = route("10.0.0.0/8");
	ck_assert_str_eq(which(&t, &c), "AB");
	c = route("10.30.7.0/24");
	ck_assert_str_eq(which(&t, &c), "B");
	/* B's peer: the route of its ESP and IKE packets */
	c = route("203.0.113.0/24");
	ck_assert_str_eq(which(&t, &c), "B");
	/* the local endpoint both share */
	c = route("192.0.2.2/32");
	ck_assert_str_eq(which(&t, &c), "AB");
	/* a default route covers everything */
	c = route("0.0.0.0/0");
	ck_assert_str_eq(which(&t, &c), "AB");
	/* unrelated prefixes, and the other family */
	c = route("192.168.99.0/24");
	ck_assert_str_eq(which(&t, &c), "");
	c = route("10.21.0.0/16");
	ck_assert_str_eq(which(&t, &c), "");
	c = route("fd00::/8");
	ck_assert_str_eq(which(&t, &c), "");
	/* a route whose prefix is unknown */
	c = (dpc_change_t){ .kind = DPC_CHANGE_ROUTE };
	ck_assert_str_eq(which(&t, &c), "AB");
	c = route("192.168.99.0/24");
	c.all = true;
	ck_assert_str_eq(which(&t, &c), "AB");
	two_clear(&t);
}
END_TEST

START_TEST(test_dirty_kinds)
{
	dpc_change_t c;
	two_t t;

	two_init(&t);
	/* rules, addresses, links, the ruleset, overruns: every tunnel */
	c = (dpc_change_t){ .kind = DPC_CHANGE_RULE };
	ck_assert_str_eq(which(&t, &c), "AB");
	c = (dpc_change_t){ .kind = DPC_CHANGE_ADDR };
	ck_assert(dpc_ts_parse(&c.src, "192.168.99.0/24"));
	ck_assert_str_eq(which(&t, &c), "AB");
	c = (dpc_change_t){ .kind = DPC_CHANGE_LINK };
	ck_assert_str_eq(which(&t, &c), "AB");
	c = (dpc_change_t){ .kind = DPC_CHANGE_NFT };
	ck_assert_str_eq(which(&t, &c), "AB");
	c = (dpc_change_t){ .kind = DPC_CHANGE_OVERRUN };
	ck_assert_str_eq(which(&t, &c), "AB");

	/* XFRM states by SPI, else by the peer */
	c = (dpc_change_t){ .kind = DPC_CHANGE_XFRM_STATE, .spi = 0xc0000004 };
	ck_assert_str_eq(which(&t, &c), "B");
	c = (dpc_change_t){ .kind = DPC_CHANGE_XFRM_EXPIRE, .spi = 0xc0000001 };
	ck_assert_str_eq(which(&t, &c), "A");
	c = (dpc_change_t){ .kind = DPC_CHANGE_XFRM_STATE, .spi = 0x1234 };
	ck_assert(dpc_addr_parse(&c.daddr, "198.51.100.2"));
	ck_assert_str_eq(which(&t, &c), "A");
	c = (dpc_change_t){ .kind = DPC_CHANGE_XFRM_STATE, .spi = 0x1234 };
	ck_assert(dpc_addr_parse(&c.daddr, "192.0.2.99"));
	ck_assert(dpc_addr_parse(&c.saddr, "192.0.2.98"));
	ck_assert_str_eq(which(&t, &c), "");
	/* a state nothing is known of */
	c = (dpc_change_t){ .kind = DPC_CHANGE_XFRM_STATE };
	ck_assert_str_eq(which(&t, &c), "AB");

	/* XFRM policies by both selectors, either way round */
	c = (dpc_change_t){ .kind = DPC_CHANGE_XFRM_POLICY };
	ck_assert(dpc_ts_parse(&c.src, "10.20.1.0/24"));
	ck_assert(dpc_ts_parse(&c.dst, "10.10.1.5/32"));
	ck_assert_str_eq(which(&t, &c), "A");
	/* one side only in a tunnel: not its policy */
	ck_assert(dpc_ts_parse(&c.dst, "10.99.0.0/16"));
	ck_assert_str_eq(which(&t, &c), "");
	c.dst.family = 0;
	ck_assert_str_eq(which(&t, &c), "AB");
	two_clear(&t);
}
END_TEST

START_TEST(test_dirty_build)
{
	dpc_pending_t *p;
	dpc_dirty_t d;
	dpc_subject_t s = {};
	dpc_change_t c;
	uint64_t unmatched = 0;
	two_t t;
	int i;

	two_init(&t);
	p = calloc(1, sizeof(*p));
	ck_assert(p);
	c = route("10.40.1.0/24");
	dpc_pending_add(p, &c);
	c = route("192.168.99.0/24");
	dpc_pending_add(p, &c);
	ck_assert(dpc_dirty_build(&d, p, &t.tunnels, false, &unmatched));
	ck_assert(!d.all);
	ck_assert_int_eq(d.dirty, 1);
	ck_assert(!d.flags[0] && d.flags[1]);
	ck_assert_uint_eq(unmatched, 1);
	s.ike_id = 2;
	ck_assert(dpc_dirty_in_scope(&d, &s));
	s.ike_id = 1;
	ck_assert(!dpc_dirty_in_scope(&d, &s));
	/* gateway-wide findings are always checked */
	s.ike_id = 0;
	ck_assert(dpc_dirty_in_scope(&d, &s));
	dpc_dirty_clear(&d);

	/* no change: nothing but the gateway-wide checks */
	dpc_pending_reset(p);
	ck_assert(dpc_dirty_build(&d, p, &t.tunnels, false, NULL));
	ck_assert_int_eq(d.dirty, 0);
	s.ike_id = 2;
	ck_assert(!dpc_dirty_in_scope(&d, &s));
	dpc_dirty_clear(&d);

	/* a full round */
	ck_assert(dpc_dirty_build(&d, p, &t.tunnels, true, NULL));
	ck_assert(d.all);
	ck_assert_int_eq(d.dirty, 2);
	ck_assert(dpc_dirty_in_scope(&d, &s));
	dpc_dirty_clear(&d);

	/* more changes than the list holds: every tunnel */
	c = route("192.168.99.0/24");
	for (i = 0; i < DPC_PENDING_MAX; i++)
	{
		dpc_pending_add(p, &c);
	}
	ck_assert(!p->all);
	ck_assert_uint_eq(p->count, DPC_PENDING_MAX);
	dpc_pending_add(p, &c);
	ck_assert(p->all);
	unmatched = 0;
	ck_assert(dpc_dirty_build(&d, p, &t.tunnels, false, &unmatched));
	ck_assert(d.all);
	ck_assert_int_eq(d.dirty, 2);
	dpc_dirty_clear(&d);
	free(p);
	two_clear(&t);
}
END_TEST

/**
 * Events of a merge, as "type code ike_id" lines.
 */
typedef struct {
	char lines[8][64];
	int count;
	/** the dirty set of the round */
	dpc_dirty_t *dirty;
	/** IKE_SA id that is gone, 0 if none */
	uint32_t dead;
} seen_t;

static void on_event(void *ctx, dpc_event_type_t type, const dpc_finding_t *f)
{
	seen_t *s = ctx;

	ck_assert_int_lt(s->count, 8);
	snprintf(s->lines[s->count++], sizeof(s->lines[0]), "%s %s %u",
			 dpc_event_type_name(type), f->code, f->subject.ike_id);
}

static bool alive(void *ctx, const dpc_subject_t *subject)
{
	seen_t *s = ctx;

	return !s->dead || subject->ike_id != s->dead;
}

static bool in_scope(void *ctx, const dpc_subject_t *subject)
{
	seen_t *s = ctx;

	return dpc_dirty_in_scope(s->dirty, subject) || !alive(ctx, subject);
}

static void add(dpc_findings_t *list, const char *code, uint32_t ike_id)
{
	dpc_subject_t s = {};
	dpc_finding_t *f;

	s.ike_id = ike_id;
	snprintf(s.ike_name, sizeof(s.ike_name), "gw%u", ike_id);
	f = dpc_findings_add(list, code, DPC_ERROR, &s);
	ck_assert(f);
	dpc_finding_message(f, "m");
}

static void merge(dpc_store_t *store, dpc_findings_t *round, seen_t *seen)
{
	dpc_store_events_t events;

	seen->count = 0;
	ck_assert(dpc_store_merge_scope(store, round, 10, 10, alive, in_scope,
									seen, &events));
	dpc_store_emit(store, &events, on_event, seen);
}

START_TEST(test_store_scope)
{
	dpc_store_t *store;
	dpc_findings_t round, active;
	dpc_pending_t *p;
	dpc_dirty_t d;
	dpc_change_t c;
	seen_t seen = {};
	two_t t;

	two_init(&t);
	p = calloc(1, sizeof(*p));
	store = dpc_store_create();
	ck_assert(p && store);
	dpc_findings_init(&round);
	dpc_findings_init(&active);

	/* a full round: findings on both tunnels and the gateway */
	ck_assert(dpc_dirty_build(&d, p, &t.tunnels, true, NULL));
	seen.dirty = &d;
	add(&round, "route-missing", 1);
	add(&round, "filter-blocks-forward", 2);
	add(&round, "iptables-mixed-backends", 0);
	merge(store, &round, &seen);
	ck_assert_int_eq(seen.count, 3);
	dpc_dirty_clear(&d);
	dpc_findings_clear(&round);

	/* a route of B's changes; the round checks B only and finds nothing:
	 * B's finding and the gateway's resolve, A's stays */
	c = route("10.40.0.0/16");
	dpc_pending_add(p, &c);
	ck_assert(dpc_dirty_build(&d, p, &t.tunnels, false, NULL));
	ck_assert_int_eq(d.dirty, 1);
	merge(store, &round, &seen);
	ck_assert_int_eq(seen.count, 2);
	ck_assert_str_eq(seen.lines[0], "resolve filter-blocks-forward 2");
	ck_assert_str_eq(seen.lines[1], "resolve iptables-mixed-backends 0");
	ck_assert_uint_eq(dpc_store_count(store), 1);
	dpc_store_get_active(store, &active);
	ck_assert_str_eq(active.items[0].code, "route-missing");
	ck_assert_uint_eq(active.items[0].subject.ike_id, 1);
	dpc_findings_clear(&active);

	/* the same round again: nothing happens */
	merge(store, &round, &seen);
	ck_assert_int_eq(seen.count, 0);
	dpc_dirty_clear(&d);

	/* A is gone although no change concerned it: dropped, not kept */
	dpc_pending_reset(p);
	ck_assert(dpc_dirty_build(&d, p, &t.tunnels, false, NULL));
	ck_assert_int_eq(d.dirty, 0);
	seen.dead = 1;
	merge(store, &round, &seen);
	ck_assert_int_eq(seen.count, 1);
	ck_assert_str_eq(seen.lines[0], "drop route-missing 1");
	ck_assert_uint_eq(dpc_store_count(store), 0);
	dpc_dirty_clear(&d);

	dpc_store_destroy(store);
	free(p);
	two_clear(&t);
}
END_TEST

/**
 * Scope of the random merges: a bit per IKE_SA id, the gateway always.
 */
static bool in_mask(void *ctx, const dpc_subject_t *subject)
{
	return !subject->ike_id || (*(uint32_t*)ctx >> subject->ike_id) & 1;
}

/**
 * A finding of a random merge: code, discriminator and message drawn from a
 * few values so that keys repeat and contents change.
 */
static void add_random(dpc_findings_t *list, uint32_t ike_id, unsigned *seed)
{
	static const char *codes[] = {
		"route-missing", "filter-blocks-forward", "nat-detected",
	};
	dpc_subject_t s = {};
	dpc_finding_t *f;

	s.ike_id = ike_id;
	snprintf(s.ike_name, sizeof(s.ike_name), "gw%u", ike_id);
	f = dpc_findings_add(list, codes[rand_r(seed) % 3], DPC_ERROR, &s);
	ck_assert(f);
	snprintf(f->discrim, sizeof(f->discrim), "d%d", rand_r(seed) % 2);
	dpc_finding_message(f, rand_r(seed) % 4 ? "m" : "other");
}

/**
 * Where a finding with f's key is in a list, -1 if nowhere.
 */
static int key_at(const dpc_findings_t *list, const dpc_finding_t *f)
{
	size_t i;

	for (i = 0; i < list->count; i++)
	{
		if (dpc_finding_same_key(&list->items[i], f))
		{
			return i;
		}
	}
	return -1;
}

/**
 * A merge within a scope, against what it means: active findings out of
 * scope stay as they were; those in scope stay only if the round has their
 * key (first occurrence, first_seen kept); the round's others appear; no
 * key twice. Rounds now and then carry a finding out of their scope (the
 * store then indexes every active finding).
 */
/**
 * The scope counting how often the store asks it (tunnel 3 in scope).
 */
static bool in_scope_counted(void *ctx, const dpc_subject_t *subject)
{
	int *calls = ctx;

	(*calls)++;
	return subject->ike_id == 3;
}

/**
 * The store asks the scope once for consecutive findings of one subject:
 * ten tunnels with three findings each cost ten questions, and the answer
 * holds for each of the three.
 */
START_TEST(test_store_scope_asked_per_subject)
{
	dpc_findings_t round, active;
	dpc_store_events_t events;
	dpc_store_t *store;
	int calls = 0;
	uint32_t id;
	size_t i;

	store = dpc_store_create();
	ck_assert(store);
	dpc_findings_init(&round);
	for (id = 1; id <= 10; id++)
	{
		add(&round, "route-missing", id);
		add(&round, "filter-blocks-forward", id);
		add(&round, "nat-detected", id);
	}
	ck_assert(dpc_store_merge(store, &round, 10, 10, NULL, NULL, &events));
	dpc_store_emit(store, &events, NULL, NULL);
	dpc_findings_clear(&round);

	/* an incremental round over tunnel 3 that finds nothing */
	dpc_findings_init(&round);
	ck_assert(dpc_store_merge_scope(store, &round, 20, 20, NULL,
									in_scope_counted, &calls, &events));
	dpc_store_emit(store, &events, NULL, NULL);
	ck_assert_int_eq(calls, 10);
	dpc_findings_init(&active);
	dpc_store_get_active(store, &active);
	ck_assert_uint_eq(active.count, 27);
	for (i = 0; i < active.count; i++)
	{
		ck_assert_uint_ne(active.items[i].subject.ike_id, 3);
	}
	dpc_findings_clear(&active);
	dpc_findings_clear(&round);
	dpc_store_destroy(store);
}
END_TEST

START_TEST(test_store_scope_random)
{
	dpc_findings_t round, before, after;
	dpc_store_events_t events;
	dpc_store_t *store;
	unsigned seed = 7, appear, gone, expect;
	uint32_t mask;
	size_t i, j;
	int k, n, at;

	store = dpc_store_create();
	ck_assert(store);
	for (k = 1; k <= 300; k++)
	{
		mask = k == 1 ? ~0u : (uint32_t)rand_r(&seed) << 1;
		dpc_findings_init(&round);
		n = rand_r(&seed) % 30;
		while (n--)
		{
			uint32_t id = rand_r(&seed) % 20;

			if (in_mask(&mask, &(dpc_subject_t){ .ike_id = id }) ||
				rand_r(&seed) % 50 == 0)
			{
				add_random(&round, id, &seed);
			}
		}
		dpc_findings_init(&before);
		dpc_store_get_active(store, &before);
		ck_assert(dpc_store_merge_scope(store, &round, k, k, NULL, in_mask,
										&mask, &events));
		appear = gone = 0;
		for (i = 0; i < events.count; i++)
		{
			appear += events.items[i].type == DPC_EVENT_APPEAR;
			gone += events.items[i].type == DPC_EVENT_RESOLVE;
		}
		dpc_store_emit(store, &events, NULL, NULL);
		dpc_findings_init(&after);
		dpc_store_get_active(store, &after);

		expect = 0;
		for (i = 0; i < before.count; i++)
		{
			const dpc_finding_t *b = &before.items[i];

			at = key_at(&after, b);
			if (key_at(&round, b) >= 0)
			{	/* kept, first seen kept */
				ck_assert_int_ge(at, 0);
				ck_assert_int_eq(after.items[at].first_seen, b->first_seen);
			}
			else if (in_mask(&mask, &b->subject))
			{
				ck_assert_int_lt(at, 0);
				expect++;
			}
			else
			{
				ck_assert_int_ge(at, 0);
				ck_assert(dpc_finding_same_content(&after.items[at], b));
				ck_assert_int_eq(after.items[at].first_seen, b->first_seen);
			}
		}
		ck_assert_uint_eq(gone, expect);
		expect = 0;
		for (i = 0; i < round.count; i++)
		{
			if (key_at(&round, &round.items[i]) != (int)i)
			{
				continue;
			}
			at = key_at(&after, &round.items[i]);
			ck_assert_int_ge(at, 0);
			ck_assert_str_eq(after.items[at].message, round.items[i].message);
			if (key_at(&before, &round.items[i]) < 0)
			{
				ck_assert_int_eq(after.items[at].first_seen, k);
				expect++;
			}
		}
		ck_assert_uint_eq(appear, expect);
		for (i = 0; i < after.count; i++)
		{
			for (j = i + 1; j < after.count; j++)
			{
				ck_assert(!dpc_finding_same_key(&after.items[i],
												&after.items[j]));
			}
		}
		dpc_findings_clear(&round);
		dpc_findings_clear(&before);
		dpc_findings_clear(&after);
	}
	dpc_store_destroy(store);
}
END_TEST

START_TEST(test_dirty_records)
{
	dpc_pending_t *p;
	dpc_dirty_t d;
	two_t t;

	two_init(&t);
	snprintf(t.ike[0].name, sizeof(t.ike[0].name), "site-a");
	snprintf(t.ike[1].name, sizeof(t.ike[1].name), "site-b");
	p = calloc(1, sizeof(*p));
	ck_assert(p);

	/* A's record changed: A only (B's selectors and config are apart) */
	dpc_pending_record(p, 1);
	dpc_pending_record(p, 1);
	ck_assert_uint_eq(p->n_records, 1);
	ck_assert(dpc_dirty_build(&d, p, &t.tunnels, false, NULL));
	ck_assert(!d.all);
	ck_assert(d.flags[0] && !d.flags[1]);
	dpc_dirty_clear(&d);

	/* the same config: compared for coverage, both */
	snprintf(t.ike[1].name, sizeof(t.ike[1].name), "site-a");
	ck_assert(dpc_dirty_build(&d, p, &t.tunnels, false, NULL));
	ck_assert(d.flags[0] && d.flags[1]);
	dpc_dirty_clear(&d);
	snprintf(t.ike[1].name, sizeof(t.ike[1].name), "site-b");

	/* B's configured remote selector overlaps A's: both */
	{
		dpc_ts_t ts;

		ck_assert(dpc_ts_parse(&ts, "10.20.0.0/16"));
		ck_assert(dpc_ts_list_add(&t.child[1].cfg_remote, &ts));
		ck_assert(dpc_dirty_build(&d, p, &t.tunnels, false, NULL));
		ck_assert(d.flags[0] && d.flags[1]);
		dpc_dirty_clear(&d);
		dpc_ts_list_clear(&t.child[1].cfg_remote);
	}

	/* a record the snapshot does not hold: every tunnel */
	dpc_pending_reset(p);
	dpc_pending_record(p, 99);
	ck_assert(dpc_dirty_build(&d, p, &t.tunnels, false, NULL));
	ck_assert(d.all);
	dpc_dirty_clear(&d);

	/* an unknown IKE_SA (0) and an overflow: every tunnel */
	dpc_pending_reset(p);
	dpc_pending_record(p, 0);
	ck_assert(p->all);
	dpc_pending_reset(p);
	for (uint32_t id = 1; id <= DPC_PENDING_RECORDS; id++)
	{
		dpc_pending_record(p, id);
	}
	ck_assert(!p->all);
	dpc_pending_record(p, DPC_PENDING_RECORDS + 1);
	ck_assert(p->all);
	free(p);
	two_clear(&t);
}
END_TEST

START_TEST(test_kind_names)
{
	ck_assert_str_eq(dpc_change_kind_name(DPC_CHANGE_ROUTE), "route");
	ck_assert_str_eq(dpc_change_kind_name(DPC_CHANGE_XFRM_EXPIRE),
					 "xfrm_expire");
	ck_assert_str_eq(dpc_change_kind_name(DPC_CHANGE_OVERRUN), "overrun");
	ck_assert_str_eq(dpc_change_kind_name(DPC_CHANGE_KINDS), "unknown");
}
END_TEST

Suite *change_suite(void)
{
	Suite *s = suite_create("change");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_parse_route);
	tcase_add_test(tc, test_parse_rtnl_kinds);
	tcase_add_test(tc, test_parse_xfrm);
	tcase_add_test(tc, test_parse_nft);
	tcase_add_test(tc, test_dirty_routes);
	tcase_add_test(tc, test_dirty_kinds);
	tcase_add_test(tc, test_dirty_build);
	tcase_add_test(tc, test_dirty_records);
	tcase_add_test(tc, test_store_scope);
	tcase_add_test(tc, test_store_scope_random);
	tcase_add_test(tc, test_store_scope_asked_per_subject);
	tcase_add_test(tc, test_kind_names);
	suite_add_tcase(s, tc);
	return s;
}
