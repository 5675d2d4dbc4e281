/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * Netfilter simulator: hand-built expression lists, and rulesets captured
 * from real kernels (tests/unit/fixtures/nfsim, see
 * tests/unit/nfsim_fixture.h) decoded by the readers.
 */

#include "dpc_tests.h"
#include "nfsim_fixture.h"

#include <nfsim/nfsim.h>
#include <nfsim/nfsim_ruleset.h>
#include <nfsim/nfsim_expr.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/xt_policy.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter/xt_conntrack.h>
#include <linux/netfilter/xt_TCPMSS.h>
#include <linux/xfrm.h>

#ifndef FIXTURES
#define FIXTURES "tests/unit/fixtures"
#endif

/* ---- packets ---- */

static const nfsim_ifaddr_t gw_addrs[] = {
	{ AF_INET, { 192, 0, 2, 1 }, 24, "wan" },
	{ AF_INET, { 10, 1, 0, 1 }, 16, "lan" },
	{ AF_INET6, { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, 64, "wan" },
};

/**
 * An IPv4 packet, NEW, with interfaces given.
 */
static nfsim_packet_t pkt4(const char *src, const char *dst, uint8_t proto,
						   uint16_t sport, uint16_t dport, const char *iif,
						   const char *oif)
{
	nfsim_packet_t p;

	memset(&p, 0, sizeof(p));
	p.family = AF_INET;
	inet_pton(AF_INET, src, p.src);
	inet_pton(AF_INET, dst, p.dst);
	p.proto = proto;
	p.sport = sport;
	p.dport = dport;
	p.ct_state = NFSIM_CT_NEW;
	snprintf(p.iif, sizeof(p.iif), "%s", iif ? iif : "");
	snprintf(p.oif, sizeof(p.oif), "%s", oif ? oif : "");
	p.known = NFSIM_PKT_IIF | NFSIM_PKT_OIF;
	p.addrs = gw_addrs;
	p.addr_count = sizeof(gw_addrs) / sizeof(gw_addrs[0]);
	return p;
}

/**
 * LAN host to the remote subnet, forwarded out of wan.
 */
static nfsim_packet_t lan_to_remote(void)
{
	return pkt4("10.1.0.5", "10.2.0.7", IPPROTO_TCP, 40000, 22, "lan", "wan");
}

/* ---- rule building ---- */

static nfsim_ruleset_t *rs;

static void setup(void)
{
	rs = nfsim_ruleset_create();
	ck_assert(rs);
}

static void teardown(void)
{
	nfsim_ruleset_destroy(rs);
	rs = NULL;
}

static nfsim_chain_t *base_chain(const char *table, uint8_t family,
								 const char *name, nfsim_chain_type_t type,
								 nfsim_hook_t hook, int prio, int policy)
{
	nfsim_table_t *t = nfsim_table_add(rs, NFSIM_BACKEND_NFT, family, table);
	nfsim_chain_t *c = nfsim_chain_add(t, name);

	nfsim_chain_set_base(c, type, hook, prio, policy, NULL);
	return c;
}

static uint64_t next_handle = 1;

static nfsim_rule_t *rule(nfsim_chain_t *c)
{
	return nfsim_rule_add(c, next_handle++);
}

/** ip saddr/daddr addr/plen (payload, bitwise, cmp) */
static void match_addr4(nfsim_rule_t *r, bool src, const char *addr, int plen)
{
	uint8_t a[4], m[4] = {0}, x[4] = {0};
	int i;

	inet_pton(AF_INET, addr, a);
	for (i = 0; i < plen; i++)
	{
		m[i / 8] |= 0x80 >> (i % 8);
	}
	nfsim_add_payload(r, NFT_PAYLOAD_NETWORK_HEADER, src ? 12 : 16, 4, NFT_REG_1);
	if (plen < 32)
	{
		nfsim_add_bitwise(r, NFT_REG_1, NFT_REG_1, 4, m, x, 4);
	}
	nfsim_add_cmp(r, NFT_REG_1, NFT_CMP_EQ, a, 4);
}

/** iifname/oifname "name" */
static void match_ifname(nfsim_rule_t *r, bool in, const char *name)
{
	char buf[IF_NAMESIZE] = "";

	snprintf(buf, sizeof(buf), "%s", name);
	nfsim_add_meta(r, in ? NFT_META_IIFNAME : NFT_META_OIFNAME, NFT_REG_1);
	nfsim_add_cmp(r, NFT_REG_1, NFT_CMP_EQ, buf, strlen(name) + 1);
}

/** meta l4proto proto th dport port */
static void match_dport(nfsim_rule_t *r, uint8_t proto, uint16_t port)
{
	uint16_t p = htons(port);

	nfsim_add_meta(r, NFT_META_L4PROTO, NFT_REG_1);
	nfsim_add_cmp(r, NFT_REG_1, NFT_CMP_EQ, &proto, 1);
	nfsim_add_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, NFT_REG_1);
	nfsim_add_cmp(r, NFT_REG_1, NFT_CMP_EQ, &p, 2);
}

/** ct state bits (bitwise != 0) */
static void match_ctstate(nfsim_rule_t *r, uint32_t bits)
{
	uint32_t zero = 0;

	nfsim_add_ct(r, NFT_CT_STATE, -1, NFT_REG_1);
	nfsim_add_bitwise(r, NFT_REG_1, NFT_REG_1, 4, &bits, &zero, 4);
	nfsim_add_cmp(r, NFT_REG_1, NFT_CMP_NEQ, &zero, 4);
}

/** rt ipsec exists */
static void match_rt_ipsec(nfsim_rule_t *r)
{
	uint8_t one = 1;

	nfsim_add_rt(r, NFT_RT_XFRM, NFT_REG_1);
	nfsim_add_cmp(r, NFT_REG_1, NFT_CMP_EQ, &one, 1);
}

static void masquerade(nfsim_rule_t *r)
{
	nfsim_add_opaque(r, "counter", NFSIM_OPAQUE_PASSIVE, false, 0, 0, "counter");
	nfsim_add_nat(r, NFSIM_NAT_MASQUERADE, NFPROTO_IPV4, 0, 0, 0, 0, 0);
}

/** the typical masquerade: oifname "wan" ip saddr 10.1.0.0/16 masquerade */
static nfsim_rule_t *masq_rule(nfsim_chain_t *c)
{
	nfsim_rule_t *r = rule(c);

	match_ifname(r, false, "wan");
	match_addr4(r, true, "10.1.0.0", 16);
	masquerade(r);
	return r;
}

static nfsim_chain_t *nat_post(void)
{
	return base_chain("nat", NFPROTO_IPV4, "post", NFSIM_CHAIN_NAT,
					  NFSIM_HOOK_POSTROUTING, 100, NF_ACCEPT);
}

static char fmtbuf[NFSIM_RULE_STRLEN];

static const char *fmt(const nfsim_rule_t *r)
{
	return r ? nfsim_rule_format(r, fmtbuf, sizeof(fmtbuf)) : "(policy)";
}

/* ---- tests: NAT before IPsec ---- */

START_TEST(test_masq_no_exemption)
{
	nfsim_packet_t p = lan_to_remote();
	nfsim_rule_t *m;
	nfsim_result_t res;
	uint8_t gw[4] = { 192, 0, 2, 1 };

	m = masq_rule(nat_post());
	ck_assert_uint_eq(nfsim_ruleset_finalize(rs), 0);
	p.xfrm_out.present = true;

	ck_assert_int_eq(nfsim_eval(rs, NFSIM_HOOK_POSTROUTING, &p, &res),
					 NFSIM_VERDICT_ACCEPT);
	ck_assert(res.certain);
	ck_assert_int_eq(res.nat.type, NFSIM_NAT_MASQUERADE);
	ck_assert(res.nat.addr_known);
	ck_assert_mem_eq(res.nat.addr, gw, 4);
	ck_assert_ptr_eq(res.nat.rule, m);
	ck_assert_ptr_eq(res.rule, m);
	ck_assert_str_eq(fmt(m), "oifname \"wan\" ip saddr 10.1.0.0/16 counter masquerade");
	ck_assert_uint_eq(res.nsteps, 1);
}
END_TEST

START_TEST(test_masq_rt_ipsec_exemption)
{
	nfsim_packet_t p = lan_to_remote();
	nfsim_chain_t *c = nat_post();
	nfsim_rule_t *ex, *m;
	nfsim_result_t res;

	ex = rule(c);
	match_rt_ipsec(ex);
	nfsim_add_verdict(ex, NF_ACCEPT, NULL);
	m = masq_rule(c);
	nfsim_ruleset_finalize(rs);
	ck_assert_str_eq(fmt(ex), "rt ipsec exists accept");

	/* an outbound policy applies: exempt */
	p.xfrm_out.present = true;
	nfsim_eval(rs, NFSIM_HOOK_POSTROUTING, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
	ck_assert(res.certain);
	ck_assert_int_eq(res.nat.type, NFSIM_NAT_NONE);
	ck_assert_ptr_eq(res.rule, ex);

	/* no policy (internet traffic): masqueraded */
	p.xfrm_out.present = false;
	nfsim_eval(rs, NFSIM_HOOK_POSTROUTING, &p, &res);
	ck_assert_int_eq(res.nat.type, NFSIM_NAT_MASQUERADE);
	ck_assert_ptr_eq(res.nat.rule, m);
}
END_TEST

START_TEST(test_masq_ipsec_out_reqid)
{
	nfsim_packet_t p = lan_to_remote();
	nfsim_chain_t *c = nat_post();
	nfsim_rule_t *ex;
	nfsim_result_t res;
	uint32_t reqid = 1;

	ex = rule(c);
	nfsim_add_xfrm(ex, NFT_XFRM_KEY_REQID, XFRM_POLICY_OUT, 0, NFT_REG_1);
	nfsim_add_cmp(ex, NFT_REG_1, NFT_CMP_EQ, &reqid, 4);
	nfsim_add_verdict(ex, NF_ACCEPT, NULL);
	masq_rule(c);
	nfsim_ruleset_finalize(rs);
	ck_assert_str_eq(fmt(ex), "ipsec out reqid 1 accept");

	p.xfrm_out.present = true;
	p.xfrm_out.known = NFSIM_XFRM_REQID;
	p.xfrm_out.reqid = 1;
	nfsim_eval(rs, NFSIM_HOOK_POSTROUTING, &p, &res);
	ck_assert_int_eq(res.nat.type, NFSIM_NAT_NONE);
	ck_assert(res.certain);

	p.xfrm_out.reqid = 2;
	nfsim_eval(rs, NFSIM_HOOK_POSTROUTING, &p, &res);
	ck_assert_int_eq(res.nat.type, NFSIM_NAT_MASQUERADE);
	ck_assert(res.certain);

	/* reqid not known: the outcome depends on it */
	p.xfrm_out.known = 0;
	nfsim_eval(rs, NFSIM_HOOK_POSTROUTING, &p, &res);
	ck_assert(!res.certain);
	ck_assert_ptr_eq(res.unknown_rule, ex);
	ck_assert(strstr(res.unknown_what, "ipsec out reqid"));
}
END_TEST

START_TEST(test_masq_xt_policy_exemption)
{
	struct xt_policy_info pol;
	nfsim_packet_t p = lan_to_remote();
	nfsim_chain_t *c = nat_post();
	nfsim_rule_t *ex;
	nfsim_result_t res;

	memset(&pol, 0, sizeof(pol));
	pol.flags = XT_POLICY_MATCH_OUT;
	pol.len = 1;
	ex = rule(c);
	nfsim_add_xt(ex, false, "policy", 0, NFPROTO_IPV4, &pol, sizeof(pol));
	nfsim_add_verdict(ex, NF_ACCEPT, NULL);
	masq_rule(c);
	nfsim_ruleset_finalize(rs);
	ck_assert_str_eq(fmt(ex), "xt match policy (--dir out --pol ipsec) accept");

	p.xfrm_out.present = true;
	nfsim_eval(rs, NFSIM_HOOK_POSTROUTING, &p, &res);
	ck_assert_int_eq(res.nat.type, NFSIM_NAT_NONE);
	ck_assert_ptr_eq(res.rule, ex);

	p.xfrm_out.present = false;
	nfsim_eval(rs, NFSIM_HOOK_POSTROUTING, &p, &res);
	ck_assert_int_eq(res.nat.type, NFSIM_NAT_MASQUERADE);
}
END_TEST

START_TEST(test_snat_ports)
{
	nfsim_packet_t p = lan_to_remote();
	nfsim_rule_t *r = rule(nat_post());
	uint8_t addr[4] = { 198, 51, 100, 9 };
	uint16_t lo = htons(1000), hi = htons(2000);
	nfsim_result_t res;

	match_addr4(r, true, "10.1.0.0", 16);
	nfsim_add_immediate(r, NFT_REG_1, addr, 4);
	nfsim_add_immediate(r, NFT_REG_2, &lo, 2);
	nfsim_add_immediate(r, NFT_REG_3, &hi, 2);
	nfsim_add_nat(r, NFSIM_NAT_SNAT, NFPROTO_IPV4, NFT_REG_1, 0, NFT_REG_2,
				  NFT_REG_3, NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED);
	nfsim_ruleset_finalize(rs);
	ck_assert_str_eq(fmt(r), "ip saddr 10.1.0.0/16 snat to 198.51.100.9:1000-2000");

	nfsim_eval(rs, NFSIM_HOOK_POSTROUTING, &p, &res);
	ck_assert_int_eq(res.nat.type, NFSIM_NAT_SNAT);
	ck_assert(res.nat.addr_known);
	ck_assert_mem_eq(res.nat.addr, addr, 4);
	ck_assert(res.nat.flags & NFSIM_NAT_PORTS);
	ck_assert_uint_eq(res.nat.port_min, 1000);
	ck_assert_uint_eq(res.nat.port_max, 2000);
}
END_TEST

START_TEST(test_nat_only_new)
{
	nfsim_packet_t p = lan_to_remote();
	nfsim_result_t res;

	masq_rule(nat_post());
	nfsim_ruleset_finalize(rs);
	p.ct_state = NFSIM_CT_ESTABLISHED;
	nfsim_eval(rs, NFSIM_HOOK_POSTROUTING, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_CONTINUE);
	ck_assert_int_eq(res.nat.type, NFSIM_NAT_NONE);
}
END_TEST

START_TEST(test_nat_first_binding_wins)
{
	nfsim_packet_t p = lan_to_remote();
	nfsim_chain_t *first, *second, *filter;
	nfsim_rule_t *m, *r, *d;
	nfsim_result_t res;

	first = base_chain("a", NFPROTO_IPV4, "post", NFSIM_CHAIN_NAT,
					   NFSIM_HOOK_POSTROUTING, 100, NF_ACCEPT);
	second = base_chain("b", NFPROTO_IPV4, "post", NFSIM_CHAIN_NAT,
						NFSIM_HOOK_POSTROUTING, 110, NF_ACCEPT);
	filter = base_chain("b", NFPROTO_IPV4, "late", NFSIM_CHAIN_FILTER,
						NFSIM_HOOK_POSTROUTING, 200, NF_ACCEPT);
	m = masq_rule(first);
	r = rule(second);
	nfsim_add_verdict(r, NF_DROP, NULL);
	/* a later filter chain sees the translated source */
	d = rule(filter);
	match_addr4(d, true, "192.0.2.1", 32);
	nfsim_add_verdict(d, NF_DROP, NULL);
	nfsim_ruleset_finalize(rs);

	nfsim_eval(rs, NFSIM_HOOK_POSTROUTING, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
	ck_assert_ptr_eq(res.rule, d);
	ck_assert_ptr_eq(res.nat.rule, m);
	ck_assert_uint_eq(res.nsteps, 2);
}
END_TEST

/** ct status & bits != 0 */
static void match_ctstatus(nfsim_rule_t *r, uint32_t bits)
{
	uint32_t zero = 0;

	nfsim_add_ct(r, NFT_CT_STATUS, -1, NFT_REG_1);
	nfsim_add_bitwise(r, NFT_REG_1, NFT_REG_1, 4, &bits, &zero, 4);
	nfsim_add_cmp(r, NFT_REG_1, NFT_CMP_NEQ, &zero, 4);
}

START_TEST(test_ct_status)
{
	nfsim_packet_t p = lan_to_remote();
	nfsim_chain_t *nat, *filter;
	nfsim_result_t res;
	nfsim_rule_t *r, *dnat_drop;

	/* prerouting: a DNAT chain (dstnat) before a filter chain that drops
	 * DNATed connections, then seen-reply ones */
	nat = base_chain("nat", NFPROTO_IPV4, "pre", NFSIM_CHAIN_NAT,
					 NFSIM_HOOK_PREROUTING, -100, NF_ACCEPT);
	filter = base_chain("filter", NFPROTO_IPV4, "pre", NFSIM_CHAIN_FILTER,
						NFSIM_HOOK_PREROUTING, 0, NF_ACCEPT);
	r = rule(nat);
	match_dport(r, IPPROTO_TCP, 8080);
	nfsim_add_nat(r, NFSIM_NAT_REDIRECT, NFPROTO_IPV4, 0, 0, 0, 0, 0);
	dnat_drop = rule(filter);
	match_ctstatus(dnat_drop, NFSIM_CTS_DST_NAT);
	nfsim_add_verdict(dnat_drop, NF_DROP, NULL);
	r = rule(filter);
	match_ctstatus(r, NFSIM_CTS_SEEN_REPLY);
	nfsim_add_verdict(r, NF_DROP, NULL);
	nfsim_ruleset_finalize(rs);

	/* status not given: uncertain, naming the expression */
	nfsim_eval(rs, NFSIM_HOOK_PREROUTING, &p, &res);
	ck_assert(!res.certain);
	ck_assert_msg(strstr(res.unknown_what, "ct status"), "%s",
				  res.unknown_what);
	/* a new connection, not NATed before: certain, accepted */
	nfsim_packet_ct_status(&p, NFSIM_NO, NFSIM_NO);
	nfsim_eval(rs, NFSIM_HOOK_PREROUTING, &p, &res);
	ck_assert(res.certain);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
	/* the NAT chain of the same hook redirects it: the filter sees dnat */
	p.dport = 8080;
	nfsim_eval(rs, NFSIM_HOOK_PREROUTING, &p, &res);
	ck_assert(res.certain);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
	ck_assert_ptr_eq(res.rule, dnat_drop);
	/* established: seen a reply; whether it was NATed is not known */
	p.dport = 22;
	p.ct_state = NFSIM_CT_ESTABLISHED;
	nfsim_packet_ct_status(&p, NFSIM_UNKNOWN, NFSIM_NO);
	nfsim_eval(rs, NFSIM_HOOK_PREROUTING, &p, &res);
	ck_assert(res.certain);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
	ck_assert_ptr_ne(res.rule, dnat_drop);
	nfsim_packet_ct_status(&p, NFSIM_NO, NFSIM_UNKNOWN);
	nfsim_eval(rs, NFSIM_HOOK_PREROUTING, &p, &res);
	ck_assert(res.certain);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
}
END_TEST

/* ---- tests: filters ---- */

/**
 * FORWARD: policy drop, established/related accepted, lan -> wan accepted.
 */
static nfsim_rule_t *one_way_forward(void)
{
	nfsim_chain_t *c = base_chain("filter", NFPROTO_INET, "fwd",
								  NFSIM_CHAIN_FILTER, NFSIM_HOOK_FORWARD, 0,
								  NF_DROP);
	nfsim_rule_t *r;

	r = rule(c);
	match_ctstate(r, NFSIM_CT_ESTABLISHED | NFSIM_CT_RELATED);
	nfsim_add_verdict(r, NF_ACCEPT, NULL);
	r = rule(c);
	match_ifname(r, true, "lan");
	match_ifname(r, false, "wan");
	nfsim_add_verdict(r, NF_ACCEPT, NULL);
	return r;
}

START_TEST(test_forward_one_way)
{
	nfsim_packet_t out = lan_to_remote();
	nfsim_packet_t in = pkt4("10.2.0.7", "10.1.0.5", IPPROTO_TCP, 22, 40000,
							 "wan", "lan");
	nfsim_rule_t *r = one_way_forward();
	nfsim_result_t res;

	nfsim_ruleset_finalize(rs);
	ck_assert_str_eq(fmt(r), "iifname \"lan\" oifname \"wan\" accept");
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &out, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
	ck_assert_ptr_eq(res.rule, r);

	/* new connections from the remote side: policy drop */
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &in, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
	ck_assert(res.certain);
	ck_assert_ptr_eq(res.rule, NULL);
	ck_assert_str_eq(nfsim_chain_name(res.chain), "fwd");

	/* replies pass */
	in.ct_state = NFSIM_CT_ESTABLISHED;
	in.ct_dir = 1;
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &in, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);

	/* state not known: it decides */
	in.ct_state = 0;
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &in, &res);
	ck_assert(!res.certain);
	ck_assert(strstr(res.unknown_what, "ct state"));
}
END_TEST

START_TEST(test_input_ike_natt)
{
	nfsim_chain_t *c = base_chain("filter", NFPROTO_IPV4, "input",
								  NFSIM_CHAIN_FILTER, NFSIM_HOOK_INPUT, 0,
								  NF_ACCEPT);
	nfsim_packet_t ike = pkt4("203.0.113.5", "192.0.2.1", IPPROTO_UDP, 500,
							  500, "wan", NULL);
	nfsim_packet_t natt = ike;
	nfsim_rule_t *a, *d;
	nfsim_result_t res;

	a = rule(c);
	match_dport(a, IPPROTO_UDP, 500);
	nfsim_add_verdict(a, NF_ACCEPT, NULL);
	d = rule(c);
	match_dport(d, IPPROTO_UDP, 4500);
	nfsim_add_verdict(d, NF_DROP, NULL);
	nfsim_ruleset_finalize(rs);
	ck_assert_str_eq(fmt(d), "meta l4proto udp udp dport 4500 drop");

	nfsim_eval(rs, NFSIM_HOOK_INPUT, &ike, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
	ck_assert_ptr_eq(res.rule, a);
	natt.sport = natt.dport = 4500;
	nfsim_eval(rs, NFSIM_HOOK_INPUT, &natt, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
	ck_assert_ptr_eq(res.rule, d);
}
END_TEST

START_TEST(test_icmp_frag_needed)
{
	nfsim_chain_t *c = base_chain("filter", NFPROTO_IPV4, "input",
								  NFSIM_CHAIN_FILTER, NFSIM_HOOK_INPUT, 0,
								  NF_ACCEPT);
	nfsim_packet_t p = pkt4("198.51.100.1", "192.0.2.1", IPPROTO_ICMP, 0, 0,
							"wan", NULL);
	uint8_t proto = IPPROTO_ICMP, type = 3, code = 4;
	nfsim_rule_t *r;
	nfsim_result_t res;

	r = rule(c);
	nfsim_add_meta(r, NFT_META_L4PROTO, NFT_REG_1);
	nfsim_add_cmp(r, NFT_REG_1, NFT_CMP_EQ, &proto, 1);
	nfsim_add_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1, NFT_REG_1);
	nfsim_add_cmp(r, NFT_REG_1, NFT_CMP_EQ, &type, 1);
	nfsim_add_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 1, 1, NFT_REG_1);
	nfsim_add_cmp(r, NFT_REG_1, NFT_CMP_EQ, &code, 1);
	nfsim_add_verdict(r, NF_DROP, NULL);
	nfsim_ruleset_finalize(rs);
	ck_assert_str_eq(fmt(r), "meta l4proto icmp icmp type destination-unreachable icmp code 4 drop");

	p.icmp_type = 3;
	p.icmp_code = 4;
	p.ct_state = NFSIM_CT_RELATED;
	nfsim_eval(rs, NFSIM_HOOK_INPUT, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
	p.icmp_code = 3;
	nfsim_eval(rs, NFSIM_HOOK_INPUT, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
}
END_TEST

START_TEST(test_reject_and_drop_order)
{
	/* accept in the first base chain does not stop the next one */
	nfsim_chain_t *a = base_chain("one", NFPROTO_IPV4, "fwd", NFSIM_CHAIN_FILTER,
								  NFSIM_HOOK_FORWARD, -10, NF_ACCEPT);
	nfsim_chain_t *b = base_chain("two", NFPROTO_INET, "fwd", NFSIM_CHAIN_FILTER,
								  NFSIM_HOOK_FORWARD, 10, NF_ACCEPT);
	nfsim_packet_t p = lan_to_remote();
	nfsim_rule_t *r1, *r2;
	nfsim_result_t res;

	r2 = rule(b);
	nfsim_add_reject(r2, NFT_REJECT_TCP_RST, 0);
	r1 = rule(a);
	nfsim_add_verdict(r1, NF_ACCEPT, NULL);
	nfsim_ruleset_finalize(rs);

	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_REJECT);
	ck_assert_ptr_eq(res.rule, r2);
	ck_assert_uint_eq(res.nsteps, 2);
	ck_assert_ptr_eq(res.steps[0].rule, r1);
	ck_assert_int_eq(res.steps[0].verdict, NFSIM_VERDICT_ACCEPT);

	/* IPv6 packets do not see the ip table */
	p.family = AF_INET6;
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_uint_eq(res.nsteps, 1);
}
END_TEST

START_TEST(test_no_chains_continue)
{
	nfsim_packet_t p = lan_to_remote();
	nfsim_result_t res;

	nat_post();
	nfsim_ruleset_finalize(rs);
	ck_assert_int_eq(nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res),
					 NFSIM_VERDICT_CONTINUE);
	ck_assert(res.certain);
	/* empty chain: policy */
	ck_assert_int_eq(nfsim_eval(rs, NFSIM_HOOK_POSTROUTING, &p, &res),
					 NFSIM_VERDICT_ACCEPT);
	ck_assert_ptr_eq(res.rule, NULL);
}
END_TEST

/* ---- tests: chains ---- */

START_TEST(test_jump_return_goto)
{
	nfsim_chain_t *c = base_chain("filter", NFPROTO_IPV4, "fwd",
								  NFSIM_CHAIN_FILTER, NFSIM_HOOK_FORWARD, 0,
								  NF_DROP);
	nfsim_table_t *t = nfsim_table_find(rs, NFSIM_BACKEND_NFT, NFPROTO_IPV4,
										"filter");
	nfsim_chain_t *sub = nfsim_chain_add(t, "sub");
	nfsim_chain_t *g = nfsim_chain_add(t, "gone");
	nfsim_packet_t p = lan_to_remote();
	nfsim_rule_t *r, *acc;
	nfsim_result_t res;

	/* fwd: jump sub; accept if from lan */
	r = rule(c);
	nfsim_add_verdict(r, NFT_JUMP, "sub");
	acc = rule(c);
	match_ifname(acc, true, "lan");
	nfsim_add_verdict(acc, NF_ACCEPT, NULL);
	/* sub: tcp dport 22 -> return; else goto gone */
	r = rule(sub);
	match_dport(r, IPPROTO_TCP, 22);
	nfsim_add_verdict(r, NFT_RETURN, NULL);
	r = rule(sub);
	nfsim_add_verdict(r, NFT_GOTO, "gone");
	/* gone: empty (falls back to the base chain policy after goto) */
	(void)g;
	nfsim_ruleset_finalize(rs);

	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
	ck_assert_ptr_eq(res.rule, acc);

	/* port 80: goto gone, which ends: return to fwd after the jump */
	p.dport = 80;
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
	ck_assert_ptr_eq(res.rule, acc);
	snprintf(p.iif, sizeof(p.iif), "dmz");
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
}
END_TEST

START_TEST(test_jump_depth)
{
	nfsim_chain_t *c = base_chain("filter", NFPROTO_IPV4, "fwd",
								  NFSIM_CHAIN_FILTER, NFSIM_HOOK_FORWARD, 0,
								  NF_ACCEPT);
	nfsim_table_t *t = nfsim_table_find(rs, NFSIM_BACKEND_NFT, NFPROTO_IPV4,
										"filter");
	nfsim_packet_t p = lan_to_remote();
	nfsim_result_t res;
	char name[16], next[16];
	int i;

	nfsim_add_verdict(rule(c), NFT_JUMP, "c0");
	for (i = 0; i < 20; i++)
	{
		snprintf(name, sizeof(name), "c%d", i);
		snprintf(next, sizeof(next), "c%d", i + 1);
		nfsim_add_verdict(rule(nfsim_chain_add(t, name)), NFT_JUMP, next);
	}
	nfsim_chain_add(t, "c20");
	nfsim_ruleset_finalize(rs);
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_UNKNOWN);
	ck_assert(!res.certain);
}
END_TEST

START_TEST(test_goto_loop)
{
	nfsim_chain_t *c = base_chain("filter", NFPROTO_IPV4, "fwd",
								  NFSIM_CHAIN_FILTER, NFSIM_HOOK_FORWARD, 0,
								  NF_ACCEPT);
	nfsim_table_t *t = nfsim_table_find(rs, NFSIM_BACKEND_NFT, NFPROTO_IPV4,
										"filter");
	nfsim_packet_t p = lan_to_remote();
	nfsim_result_t res;

	nfsim_add_verdict(rule(c), NFT_GOTO, "loop");
	nfsim_add_verdict(rule(nfsim_chain_add(t, "loop")), NFT_GOTO, "loop");
	nfsim_ruleset_finalize(rs);
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_UNKNOWN);
}
END_TEST

START_TEST(test_missing_chain)
{
	nfsim_chain_t *c = base_chain("filter", NFPROTO_IPV4, "fwd",
								  NFSIM_CHAIN_FILTER, NFSIM_HOOK_FORWARD, 0,
								  NF_ACCEPT);
	nfsim_packet_t p = lan_to_remote();
	nfsim_result_t res;

	nfsim_add_verdict(rule(c), NFT_JUMP, "nowhere");
	ck_assert_uint_eq(nfsim_ruleset_finalize(rs), 1);
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_UNKNOWN);
}
END_TEST

/* ---- tests: sets ---- */

START_TEST(test_set_interval)
{
	nfsim_chain_t *c = base_chain("filter", NFPROTO_IPV4, "fwd",
								  NFSIM_CHAIN_FILTER, NFSIM_HOOK_FORWARD, 0,
								  NF_ACCEPT);
	nfsim_table_t *t = nfsim_table_find(rs, NFSIM_BACKEND_NFT, NFPROTO_IPV4,
										"filter");
	nfsim_set_t *s = nfsim_set_add(t, "blocked", NFT_SET_INTERVAL, 4, 0, 0);
	uint8_t k[][4] = {
		{ 0, 0, 0, 0 }, { 10, 2, 0, 0 }, { 10, 3, 0, 0 },
		{ 10, 9, 9, 9 }, { 10, 9, 9, 10 },
	};
	uint32_t flags[] = { NFT_SET_ELEM_INTERVAL_END, 0,
						 NFT_SET_ELEM_INTERVAL_END, 0,
						 NFT_SET_ELEM_INTERVAL_END };
	nfsim_packet_t p = lan_to_remote();
	nfsim_rule_t *r;
	nfsim_result_t res;
	unsigned i;

	for (i = 0; i < 5; i++)
	{
		ck_assert(nfsim_set_add_elem(s, k[i], 4, NULL, flags[i], NULL, 0, 0,
									 NULL));
	}
	r = rule(c);
	nfsim_add_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 16, 4, NFT_REG_1);
	nfsim_add_lookup(r, NFT_REG_1, -1, "blocked", false);
	nfsim_add_verdict(r, NF_DROP, NULL);
	nfsim_ruleset_finalize(rs);
	ck_assert_str_eq(fmt(r), "ip daddr @blocked drop");

	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
	inet_pton(AF_INET, "10.3.0.0", p.dst);
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
	inet_pton(AF_INET, "10.9.9.9", p.dst);
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
	inet_pton(AF_INET, "10.9.9.10", p.dst);
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
}
END_TEST

START_TEST(test_set_concat_vmap)
{
	nfsim_chain_t *c = base_chain("filter", NFPROTO_IPV4, "in",
								  NFSIM_CHAIN_FILTER, NFSIM_HOOK_INPUT, 0,
								  NF_DROP);
	nfsim_table_t *t = nfsim_table_find(rs, NFSIM_BACKEND_NFT, NFPROTO_IPV4,
										"filter");
	nfsim_set_t *s = nfsim_set_add(t, "__map0", NFT_SET_MAP | NFT_SET_ANONYMOUS |
								   NFT_SET_CONCAT, 8, 0, NFT_DATA_VERDICT);
	uint8_t k500[8] = { 17, 0, 0, 0, 0x01, 0xf4, 0, 0 };
	uint8_t k4500[8] = { 17, 0, 0, 0, 0x11, 0x94, 0, 0 };
	nfsim_packet_t p = pkt4("203.0.113.5", "192.0.2.1", IPPROTO_UDP, 500, 500,
							"wan", NULL);
	uint8_t lens[2] = { 1, 2 };
	nfsim_rule_t *r;
	nfsim_result_t res;

	ck_assert(nfsim_set_set_fields(s, lens, 2));
	nfsim_set_add_elem(s, k500, 8, NULL, 0, NULL, 0, NF_ACCEPT, NULL);
	nfsim_set_add_elem(s, k4500, 8, NULL, 0, NULL, 0, NF_DROP, NULL);
	r = rule(c);
	nfsim_add_meta(r, NFT_META_L4PROTO, NFT_REG_1);
	nfsim_add_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, NFT_REG32_01);
	nfsim_add_lookup(r, NFT_REG_1, NFT_REG_VERDICT, "__map0", false);
	nfsim_ruleset_finalize(rs);
	ck_assert_str_eq(fmt(r), "meta l4proto . th dport vmap { udp . 500 : accept, udp . 4500 : drop }");

	nfsim_eval(rs, NFSIM_HOOK_INPUT, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
	ck_assert_ptr_eq(res.rule, r);
	p.dport = 4500;
	nfsim_eval(rs, NFSIM_HOOK_INPUT, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
	ck_assert_ptr_eq(res.rule, r);
	p.dport = 53;
	nfsim_eval(rs, NFSIM_HOOK_INPUT, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
	ck_assert_ptr_eq(res.rule, NULL);
}
END_TEST

START_TEST(test_set_concat_ranges)
{
	nfsim_chain_t *c = base_chain("filter", NFPROTO_IPV4, "fwd",
								  NFSIM_CHAIN_FILTER, NFSIM_HOOK_FORWARD, 0,
								  NF_ACCEPT);
	nfsim_table_t *t = nfsim_table_find(rs, NFSIM_BACKEND_NFT, NFPROTO_IPV4,
										"filter");
	nfsim_set_t *s = nfsim_set_add(t, "svc", NFT_SET_INTERVAL | NFT_SET_CONCAT,
								   8, 0, 0);
	uint8_t lo[8] = { 10, 2, 0, 0, 0, 20, 0, 0 };
	uint8_t hi[8] = { 10, 2, 255, 255, 0, 25, 0, 0 };
	uint8_t lens[2] = { 4, 2 };
	nfsim_packet_t p = lan_to_remote();
	nfsim_rule_t *r;
	nfsim_result_t res;

	nfsim_set_set_fields(s, lens, 2);
	nfsim_set_add_elem(s, lo, 8, hi, 0, NULL, 0, 0, NULL);
	r = rule(c);
	nfsim_add_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 16, 4, NFT_REG_1);
	nfsim_add_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, NFT_REG32_01);
	nfsim_add_lookup(r, NFT_REG_1, -1, "svc", false);
	nfsim_add_verdict(r, NF_DROP, NULL);
	nfsim_ruleset_finalize(rs);

	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
	p.dport = 26;
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
}
END_TEST

/* ---- tests: unknowns ---- */

START_TEST(test_unknown_fib)
{
	nfsim_chain_t *c = base_chain("filter", NFPROTO_INET, "pre",
								  NFSIM_CHAIN_FILTER, NFSIM_HOOK_PREROUTING,
								  -150, NF_ACCEPT);
	nfsim_packet_t p = pkt4("10.2.0.7", "10.1.0.5", IPPROTO_TCP, 22, 40000,
							"wan", NULL);
	uint32_t zero = 0;
	nfsim_rule_t *r;
	nfsim_result_t res;

	r = rule(c);
	nfsim_add_fib(r, NFT_FIB_RESULT_OIF, NFTA_FIB_F_SADDR | NFTA_FIB_F_IIF,
				  NFT_REG_1);
	nfsim_add_cmp(r, NFT_REG_1, NFT_CMP_EQ, &zero, 4);
	nfsim_add_verdict(r, NF_DROP, NULL);
	nfsim_ruleset_finalize(rs);

	nfsim_eval(rs, NFSIM_HOOK_PREROUTING, &p, &res);
	ck_assert(!res.certain);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
	ck_assert_int_eq(res.alt_verdict, NFSIM_VERDICT_DROP);
	ck_assert_ptr_eq(res.unknown_rule, r);
	ck_assert_str_eq(res.unknown_what, "fib saddr . iif oif 0");

	/* with the reverse path answer it is certain */
	p.known |= NFSIM_PKT_RPF | NFSIM_PKT_IIF_INDEX;
	p.iif_index = 3;
	p.rpf_ok = false;
	nfsim_eval(rs, NFSIM_HOOK_PREROUTING, &p, &res);
	ck_assert(res.certain);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
	p.rpf_ok = true;
	nfsim_eval(rs, NFSIM_HOOK_PREROUTING, &p, &res);
	ck_assert(res.certain);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
}
END_TEST

START_TEST(test_unknown_irrelevant)
{
	/* a rate limit that accepts, in a chain whose policy accepts anyway */
	nfsim_chain_t *c = base_chain("filter", NFPROTO_IPV4, "in",
								  NFSIM_CHAIN_FILTER, NFSIM_HOOK_INPUT, 0,
								  NF_ACCEPT);
	nfsim_packet_t p = pkt4("203.0.113.5", "192.0.2.1", IPPROTO_UDP, 500, 500,
							"wan", NULL);
	nfsim_rule_t *r;
	nfsim_result_t res;

	r = rule(c);
	nfsim_add_opaque(r, "limit", NFSIM_OPAQUE_MATCH, true, 0, 0,
					 "limit rate 10/second");
	nfsim_add_verdict(r, NF_ACCEPT, NULL);
	nfsim_ruleset_finalize(rs);
	nfsim_eval(rs, NFSIM_HOOK_INPUT, &p, &res);
	ck_assert(res.certain);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
	ck_assert_ptr_eq(res.rule, r);

	/* the same limit deciding between accept and drop */
	nfsim_chain_set_base(c, NFSIM_CHAIN_FILTER, NFSIM_HOOK_INPUT, 0, NF_DROP,
						 NULL);
	nfsim_ruleset_finalize(rs);
	nfsim_eval(rs, NFSIM_HOOK_INPUT, &p, &res);
	ck_assert(!res.certain);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
	ck_assert_int_eq(res.alt_verdict, NFSIM_VERDICT_DROP);
	ck_assert_str_eq(res.unknown_what, "limit rate 10/second");
}
END_TEST

START_TEST(test_unknown_expression)
{
	nfsim_chain_t *c = base_chain("filter", NFPROTO_IPV4, "in",
								  NFSIM_CHAIN_FILTER, NFSIM_HOOK_INPUT, 0,
								  NF_ACCEPT);
	nfsim_packet_t p = pkt4("203.0.113.5", "192.0.2.1", IPPROTO_UDP, 500, 500,
							"wan", NULL);
	nfsim_rule_t *r;
	nfsim_result_t res;
	uint8_t x = 1;

	/* an xt match nobody knows: may or may not match */
	r = rule(c);
	nfsim_add_xt(r, false, "bpf", 0, NFPROTO_IPV4, &x, 1);
	nfsim_add_verdict(r, NF_DROP, NULL);
	/* an expression the kernel has but the simulator does not */
	nfsim_ruleset_finalize(rs);
	nfsim_eval(rs, NFSIM_HOOK_INPUT, &p, &res);
	ck_assert(!res.certain);
	ck_assert_str_eq(res.unknown_what, "xt match bpf");

	nfsim_add_invalid(r, "frobnicate");
	nfsim_ruleset_finalize(rs);
	nfsim_eval(rs, NFSIM_HOOK_INPUT, &p, &res);
	ck_assert(!res.certain);
}
END_TEST

START_TEST(test_queue_unknown)
{
	nfsim_chain_t *c = base_chain("filter", NFPROTO_IPV4, "in",
								  NFSIM_CHAIN_FILTER, NFSIM_HOOK_INPUT, 0,
								  NF_ACCEPT);
	nfsim_packet_t p = pkt4("203.0.113.5", "192.0.2.1", IPPROTO_UDP, 500, 500,
							"wan", NULL);
	nfsim_result_t res;

	nfsim_add_verdict(rule(c), NF_QUEUE, NULL);
	nfsim_ruleset_finalize(rs);
	nfsim_eval(rs, NFSIM_HOOK_INPUT, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_QUEUE);
}
END_TEST

/* ---- tests: misc expressions ---- */

START_TEST(test_mss_clamp)
{
	nfsim_chain_t *c = base_chain("mangle", NFPROTO_INET, "fwd",
								  NFSIM_CHAIN_FILTER, NFSIM_HOOK_FORWARD, -150,
								  NF_ACCEPT);
	nfsim_packet_t p = lan_to_remote();
	uint8_t syn = 0x02, mask = 0x06, zero = 0;
	nfsim_rule_t *r;
	nfsim_result_t res;

	r = rule(c);
	nfsim_add_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 13, 1, NFT_REG_1);
	nfsim_add_bitwise(r, NFT_REG_1, NFT_REG_1, 1, &mask, &zero, 1);
	nfsim_add_cmp(r, NFT_REG_1, NFT_CMP_EQ, &syn, 1);
	nfsim_add_rt(r, NFT_RT_TCPMSS, NFT_REG_1);
	nfsim_add_byteorder(r, NFT_REG_1, NFT_REG_1, NFT_BYTEORDER_HTON, 2, 2);
	nfsim_add_exthdr_set(r, 2, 2, 2, NFT_EXTHDR_OP_TCPOPT, NFT_REG_1);
	nfsim_ruleset_finalize(rs);

	/* flags not known: whether the clamp applies depends on them */
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert(!res.certain);

	p.known |= NFSIM_PKT_TCP_FLAGS;
	p.tcp_flags = 0x02;
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert(res.certain);
	ck_assert(res.mss.present);
	ck_assert_uint_eq(res.mss.mss, NFSIM_MSS_PMTU);
	ck_assert_ptr_eq(res.mss.rule, r);

	p.known |= NFSIM_PKT_MTU;
	p.mtu = 1400;
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_uint_eq(res.mss.mss, 1360);

	p.tcp_flags = 0x10;
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert(!res.mss.present);
}
END_TEST

START_TEST(test_xt_tcpmss_target)
{
	nfsim_chain_t *c = base_chain("mangle", NFPROTO_IPV4, "FORWARD",
								  NFSIM_CHAIN_FILTER, NFSIM_HOOK_FORWARD, -150,
								  NF_ACCEPT);
	struct xt_tcpmss_info info = { .mss = 1360 };
	nfsim_packet_t p = lan_to_remote();
	nfsim_result_t res;
	nfsim_rule_t *r;

	r = rule(c);
	nfsim_add_xt(r, true, "TCPMSS", 0, NFPROTO_IPV4, &info, sizeof(info));
	nfsim_ruleset_finalize(rs);
	ck_assert_str_eq(fmt(r), "xt target TCPMSS (--set-mss 1360)");
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert(res.mss.present);
	ck_assert_uint_eq(res.mss.mss, 1360);
}
END_TEST

START_TEST(test_meta_mark_set)
{
	nfsim_chain_t *a = base_chain("t", NFPROTO_IPV4, "a", NFSIM_CHAIN_FILTER,
								  NFSIM_HOOK_FORWARD, -1, NF_ACCEPT);
	nfsim_chain_t *b = base_chain("t", NFPROTO_IPV4, "b", NFSIM_CHAIN_FILTER,
								  NFSIM_HOOK_FORWARD, 1, NF_ACCEPT);
	nfsim_packet_t p = lan_to_remote();
	uint32_t mark = 0x42;
	nfsim_rule_t *r;
	nfsim_result_t res;

	r = rule(a);
	nfsim_add_immediate(r, NFT_REG_1, &mark, 4);
	nfsim_add_meta_set(r, NFT_META_MARK, NFT_REG_1);
	r = rule(b);
	nfsim_add_meta(r, NFT_META_MARK, NFT_REG_1);
	nfsim_add_cmp(r, NFT_REG_1, NFT_CMP_EQ, &mark, 4);
	nfsim_add_verdict(r, NF_DROP, NULL);
	nfsim_ruleset_finalize(rs);
	ck_assert_str_eq(fmt(r), "meta mark 0x00000042 drop");
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
	ck_assert_uint_eq(res.mark, 0x42);
}
END_TEST

START_TEST(test_range_and_ct_direction)
{
	nfsim_chain_t *c = base_chain("t", NFPROTO_IPV4, "in", NFSIM_CHAIN_FILTER,
								  NFSIM_HOOK_INPUT, 0, NF_ACCEPT);
	nfsim_packet_t p = pkt4("203.0.113.5", "192.0.2.1", IPPROTO_UDP, 500, 4500,
							"wan", NULL);
	uint16_t lo = htons(4000), hi = htons(5000);
	uint8_t orig = 0;
	nfsim_rule_t *r;
	nfsim_result_t res;

	r = rule(c);
	nfsim_add_ct(r, NFT_CT_DIRECTION, -1, NFT_REG_1);
	nfsim_add_cmp(r, NFT_REG_1, NFT_CMP_EQ, &orig, 1);
	nfsim_add_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, NFT_REG_1);
	nfsim_add_range(r, NFT_REG_1, NFT_RANGE_EQ, &lo, &hi, 2);
	nfsim_add_verdict(r, NF_DROP, NULL);
	nfsim_ruleset_finalize(rs);
	ck_assert_str_eq(fmt(r), "ct direction original th dport 4000-5000 drop");
	nfsim_eval(rs, NFSIM_HOOK_INPUT, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
	p.dport = 500;
	nfsim_eval(rs, NFSIM_HOOK_INPUT, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
}
END_TEST

START_TEST(test_legacy_entry)
{
	nfsim_table_t *t = nfsim_table_add(rs, NFSIM_BACKEND_LEGACY, NFPROTO_IPV4,
									   "nat");
	nfsim_chain_t *c = nfsim_chain_add(t, "POSTROUTING");
	struct nf_nat_ipv4_multi_range_compat mr;
	struct xt_policy_info pol;
	nfsim_packet_t p = lan_to_remote();
	nfsim_ipt_t h;
	nfsim_rule_t *ex, *m;
	nfsim_result_t res;

	nfsim_chain_set_base(c, NFSIM_CHAIN_NAT, NFSIM_HOOK_POSTROUTING, 100,
						 NF_ACCEPT, NULL);
	memset(&pol, 0, sizeof(pol));
	pol.flags = XT_POLICY_MATCH_OUT;
	pol.len = 1;
	memset(&h, 0, sizeof(h));
	h.family = AF_INET;
	ex = nfsim_rule_add(c, 0);
	nfsim_add_ipt(ex, &h);
	nfsim_add_xt(ex, false, "policy", 0, NFPROTO_IPV4, &pol, sizeof(pol));
	nfsim_add_verdict(ex, NF_ACCEPT, NULL);

	inet_pton(AF_INET, "10.1.0.0", h.src);
	inet_pton(AF_INET, "255.255.0.0", h.smsk);
	strcpy(h.outiface, "wan");
	memset(h.outiface_mask, 0xff, 4);
	m = nfsim_rule_add(c, 0);
	nfsim_add_ipt(m, &h);
	memset(&mr, 0, sizeof(mr));
	mr.rangesize = 1;
	nfsim_add_xt(m, true, "MASQUERADE", 0, NFPROTO_IPV4, &mr, sizeof(mr));
	nfsim_ruleset_finalize(rs);
	ck_assert_str_eq(fmt(ex), "-m policy --dir out --pol ipsec -j ACCEPT");
	ck_assert_str_eq(fmt(m), "-s 10.1.0.0/16 -o wan -j MASQUERADE");
	ck_assert_str_eq(nfsim_rule_where(m, fmtbuf, sizeof(fmtbuf)),
					 "iptables-legacy nat POSTROUTING #2");

	nfsim_eval(rs, NFSIM_HOOK_POSTROUTING, &p, &res);
	ck_assert_int_eq(res.nat.type, NFSIM_NAT_MASQUERADE);
	ck_assert_ptr_eq(res.nat.rule, m);
	p.xfrm_out.present = true;
	nfsim_eval(rs, NFSIM_HOOK_POSTROUTING, &p, &res);
	ck_assert_int_eq(res.nat.type, NFSIM_NAT_NONE);
	ck_assert_ptr_eq(res.rule, ex);
	/* other output interface */
	p.xfrm_out.present = false;
	snprintf(p.oif, sizeof(p.oif), "wan2");
	nfsim_eval(rs, NFSIM_HOOK_POSTROUTING, &p, &res);
	ck_assert_int_eq(res.nat.type, NFSIM_NAT_NONE);
	ck_assert_int_eq(nfsim_ruleset_rule_count(rs, NFSIM_BACKEND_LEGACY), 2);
}
END_TEST

START_TEST(test_xt_conntrack_udp)
{
	nfsim_chain_t *c = base_chain("filter", NFPROTO_IPV4, "INPUT",
								  NFSIM_CHAIN_FILTER, NFSIM_HOOK_INPUT, 0,
								  NF_DROP);
	struct xt_conntrack_mtinfo3 ct;
	struct xt_udp udp;
	nfsim_packet_t p = pkt4("203.0.113.5", "192.0.2.1", IPPROTO_UDP, 4500, 4500,
							"wan", NULL);
	nfsim_rule_t *r1, *r2;
	nfsim_result_t res;

	memset(&ct, 0, sizeof(ct));
	ct.match_flags = XT_CONNTRACK_STATE;
	ct.state_mask = NFSIM_CT_ESTABLISHED | NFSIM_CT_RELATED;
	r1 = rule(c);
	nfsim_add_xt(r1, false, "conntrack", 3, NFPROTO_IPV4, &ct, sizeof(ct));
	nfsim_add_verdict(r1, NF_ACCEPT, NULL);
	memset(&udp, 0, sizeof(udp));
	udp.spts[1] = 0xffff;
	udp.dpts[0] = 500;
	udp.dpts[1] = 500;
	r2 = rule(c);
	nfsim_add_xt(r2, false, "udp", 0, NFPROTO_IPV4, &udp, sizeof(udp));
	nfsim_add_verdict(r2, NF_ACCEPT, NULL);
	nfsim_ruleset_finalize(rs);
	ck_assert_str_eq(fmt(r1), "xt match conntrack (--ctstate ESTABLISHED,RELATED) accept");
	ck_assert_str_eq(fmt(r2), "xt match udp (--dport 500) accept");

	nfsim_eval(rs, NFSIM_HOOK_INPUT, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
	p.dport = 500;
	nfsim_eval(rs, NFSIM_HOOK_INPUT, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
	ck_assert_ptr_eq(res.rule, r2);
	p.dport = 4500;
	p.ct_state = NFSIM_CT_ESTABLISHED;
	nfsim_eval(rs, NFSIM_HOOK_INPUT, &p, &res);
	ck_assert_ptr_eq(res.rule, r1);
}
END_TEST

START_TEST(test_ipv6_masq)
{
	nfsim_chain_t *c = base_chain("nat", NFPROTO_INET, "post", NFSIM_CHAIN_NAT,
								  NFSIM_HOOK_POSTROUTING, 100, NF_ACCEPT);
	nfsim_packet_t p;
	nfsim_result_t res;
	uint8_t gw6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

	masquerade(rule(c));
	nfsim_ruleset_finalize(rs);
	memset(&p, 0, sizeof(p));
	p.family = AF_INET6;
	inet_pton(AF_INET6, "fd00:1::5", p.src);
	inet_pton(AF_INET6, "fd00:2::7", p.dst);
	p.proto = IPPROTO_UDP;
	p.ct_state = NFSIM_CT_NEW;
	strcpy(p.oif, "wan");
	p.known = NFSIM_PKT_OIF;
	p.addrs = gw_addrs;
	p.addr_count = 3;
	nfsim_eval(rs, NFSIM_HOOK_POSTROUTING, &p, &res);
	/* masq ip in an inet table: IPv6 untouched */
	ck_assert_int_eq(res.nat.type, NFSIM_NAT_NONE);
	nfsim_ruleset_destroy(rs);

	rs = nfsim_ruleset_create();
	c = base_chain("nat", NFPROTO_INET, "post", NFSIM_CHAIN_NAT,
				   NFSIM_HOOK_POSTROUTING, 100, NF_ACCEPT);
	nfsim_add_nat(rule(c), NFSIM_NAT_MASQUERADE, 0, 0, 0, 0, 0, 0);
	nfsim_ruleset_finalize(rs);
	nfsim_eval(rs, NFSIM_HOOK_POSTROUTING, &p, &res);
	ck_assert_int_eq(res.nat.type, NFSIM_NAT_MASQUERADE);
	ck_assert_mem_eq(res.nat.addr, gw6, 16);
}
END_TEST

START_TEST(test_dnat_map)
{
	nfsim_chain_t *c = base_chain("nat", NFPROTO_IPV4, "pre", NFSIM_CHAIN_NAT,
								  NFSIM_HOOK_PREROUTING, -100, NF_ACCEPT);
	nfsim_table_t *t = nfsim_table_find(rs, NFSIM_BACKEND_NFT, NFPROTO_IPV4,
										"nat");
	nfsim_set_t *m = nfsim_set_add(t, "__map0", NFT_SET_MAP | NFT_SET_ANONYMOUS,
								   4, 4, 7);
	uint8_t k[4] = { 192, 0, 2, 1 }, v[4] = { 10, 1, 0, 10 };
	nfsim_packet_t p = pkt4("203.0.113.5", "192.0.2.1", IPPROTO_TCP, 40000,
							443, "wan", NULL);
	nfsim_result_t res;
	nfsim_rule_t *r;

	ck_assert(nfsim_set_add_elem(m, k, 4, NULL, 0, v, 4, 0, NULL));
	r = rule(c);
	nfsim_add_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 16, 4, NFT_REG_1);
	nfsim_add_lookup(r, NFT_REG_1, NFT_REG_1, "__map0", false);
	nfsim_add_nat(r, NFSIM_NAT_DNAT, NFPROTO_IPV4, NFT_REG_1, 0, 0, 0,
				  NF_NAT_RANGE_MAP_IPS);
	nfsim_ruleset_finalize(rs);
	nfsim_eval(rs, NFSIM_HOOK_PREROUTING, &p, &res);
	ck_assert_int_eq(res.nat.type, NFSIM_NAT_DNAT);
	ck_assert(res.nat.addr_known);
	ck_assert_mem_eq(res.nat.addr, v, 4);
	inet_pton(AF_INET, "192.0.2.2", p.dst);
	nfsim_eval(rs, NFSIM_HOOK_PREROUTING, &p, &res);
	ck_assert_int_eq(res.nat.type, NFSIM_NAT_NONE);
}
END_TEST

START_TEST(test_redirect)
{
	nfsim_chain_t *c = base_chain("nat", NFPROTO_IPV4, "pre", NFSIM_CHAIN_NAT,
								  NFSIM_HOOK_PREROUTING, -100, NF_ACCEPT);
	nfsim_packet_t p = pkt4("10.1.0.5", "93.184.216.34", IPPROTO_TCP, 40000,
							80, "lan", NULL);
	uint16_t port = htons(3128);
	uint8_t lan[4] = { 10, 1, 0, 1 };
	nfsim_result_t res;
	nfsim_rule_t *r;

	r = rule(c);
	match_dport(r, IPPROTO_TCP, 80);
	nfsim_add_immediate(r, NFT_REG_1, &port, 2);
	nfsim_add_nat(r, NFSIM_NAT_REDIRECT, 0, 0, 0, NFT_REG_1, 0, 0);
	nfsim_ruleset_finalize(rs);
	ck_assert_str_eq(fmt(r), "meta l4proto tcp tcp dport 80 redirect to :3128");
	nfsim_eval(rs, NFSIM_HOOK_PREROUTING, &p, &res);
	ck_assert_int_eq(res.nat.type, NFSIM_NAT_REDIRECT);
	ck_assert_mem_eq(res.nat.addr, lan, 4);
	ck_assert_uint_eq(res.nat.port_min, 3128);
	/* not in postrouting: the kernel refuses the rule there */
	nfsim_eval(rs, NFSIM_HOOK_POSTROUTING, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_CONTINUE);
}
END_TEST

START_TEST(test_fib_local_and_ipsec_in)
{
	nfsim_chain_t *c = base_chain("filter", NFPROTO_IPV4, "in",
								  NFSIM_CHAIN_FILTER, NFSIM_HOOK_INPUT, 0,
								  NF_DROP);
	nfsim_packet_t p = pkt4("203.0.113.5", "192.0.2.1", IPPROTO_TCP, 40000, 22,
							"wan", NULL);
	uint32_t local = 2;
	uint8_t peer[4] = { 203, 0, 113, 5 };
	nfsim_result_t res;
	nfsim_rule_t *r1, *r2;

	/* ipsec in ip saddr 203.0.113.5 accept */
	r1 = rule(c);
	nfsim_add_xfrm(r1, NFT_XFRM_KEY_SADDR_IP4, XFRM_POLICY_IN, 0, NFT_REG_1);
	nfsim_add_cmp(r1, NFT_REG_1, NFT_CMP_EQ, peer, 4);
	nfsim_add_verdict(r1, NF_ACCEPT, NULL);
	/* fib daddr type local tcp dport 22 accept */
	r2 = rule(c);
	nfsim_add_fib(r2, NFT_FIB_RESULT_ADDRTYPE, NFTA_FIB_F_DADDR, NFT_REG_1);
	nfsim_add_cmp(r2, NFT_REG_1, NFT_CMP_EQ, &local, 4);
	match_dport(r2, IPPROTO_TCP, 22);
	nfsim_add_verdict(r2, NF_ACCEPT, NULL);
	nfsim_ruleset_finalize(rs);
	ck_assert_str_eq(fmt(r1), "ipsec in ip saddr 203.0.113.5 accept");
	ck_assert_str_eq(fmt(r2), "fib daddr type local meta l4proto tcp tcp dport 22 accept");

	nfsim_eval(rs, NFSIM_HOOK_INPUT, &p, &res);
	ck_assert_ptr_eq(res.rule, r2);
	ck_assert(res.certain);
	/* to an address that is not the gateway's: not known to be local */
	inet_pton(AF_INET, "192.0.2.77", p.dst);
	nfsim_eval(rs, NFSIM_HOOK_INPUT, &p, &res);
	ck_assert(!res.certain);
	p.known |= NFSIM_PKT_ADDRS_COMPLETE;
	nfsim_eval(rs, NFSIM_HOOK_INPUT, &p, &res);
	ck_assert(res.certain);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
	/* decrypted from the peer's SA */
	p.xfrm_in.present = true;
	p.xfrm_in.known = NFSIM_XFRM_ADDRS;
	p.xfrm_in.tunnel = true;
	memcpy(p.xfrm_in.saddr, peer, 4);
	nfsim_eval(rs, NFSIM_HOOK_INPUT, &p, &res);
	ck_assert_ptr_eq(res.rule, r1);
}
END_TEST

START_TEST(test_exthdr_shift_catchall)
{
	nfsim_chain_t *c = base_chain("filter", NFPROTO_IPV4, "fwd",
								  NFSIM_CHAIN_FILTER, NFSIM_HOOK_FORWARD, 0,
								  NF_ACCEPT);
	nfsim_table_t *t = nfsim_table_find(rs, NFSIM_BACKEND_NFT, NFPROTO_IPV4,
										"filter");
	nfsim_set_t *m = nfsim_set_add(t, "__map1", NFT_SET_MAP | NFT_SET_ANONYMOUS,
								   1, 0, NFT_DATA_VERDICT);
	nfsim_packet_t p = lan_to_remote();
	uint16_t lo = htons(1461), hi = htons(1600);
	uint32_t want = 0x12;
	uint8_t tcp = IPPROTO_TCP;
	nfsim_result_t res;
	nfsim_rule_t *r1, *r2, *r3;

	/* tcp option maxseg size 1461-1600 drop */
	r1 = rule(c);
	nfsim_add_exthdr(r1, 2, 2, 2, 0, NFT_EXTHDR_OP_TCPOPT, NFT_REG_1);
	nfsim_add_range(r1, NFT_REG_1, NFT_RANGE_EQ, &lo, &hi, 2);
	nfsim_add_verdict(r1, NF_DROP, NULL);
	/* meta mark >> 8 == 0x12 reject */
	r2 = rule(c);
	nfsim_add_meta(r2, NFT_META_MARK, NFT_REG_1);
	nfsim_add_bitwise_shift(r2, NFT_BITWISE_RSHIFT, NFT_REG_1, NFT_REG_1, 4, 8);
	nfsim_add_cmp(r2, NFT_REG_1, NFT_CMP_EQ, &want, 4);
	nfsim_add_reject(r2, NFT_REJECT_ICMP_UNREACH, 3);
	/* meta l4proto vmap { tcp : accept, * : drop } */
	nfsim_set_add_elem(m, &tcp, 1, NULL, 0, NULL, 0, NF_ACCEPT, NULL);
	nfsim_set_add_elem(m, NULL, 0, NULL, NFT_SET_ELEM_CATCHALL, NULL, 0,
					   NF_DROP, NULL);
	r3 = rule(c);
	nfsim_add_meta(r3, NFT_META_L4PROTO, NFT_REG_1);
	nfsim_add_lookup(r3, NFT_REG_1, NFT_REG_VERDICT, "__map1", false);
	nfsim_ruleset_finalize(rs);
	ck_assert_str_eq(fmt(r1), "tcp option maxseg size 1461-1600 drop");
	ck_assert_str_eq(fmt(r3), "meta l4proto vmap { tcp : accept, * : drop }");

	/* MSS not known: the first rule may drop */
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert(!res.certain);
	p.known |= NFSIM_PKT_TCP_MSS;
	p.tcp_mss = 1500;
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_ptr_eq(res.rule, r1);
	p.tcp_mss = 1400;
	p.mark = 0x1234;
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_REJECT);
	p.mark = 0x1334;
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
	ck_assert_ptr_eq(res.rule, r3);
	p.proto = IPPROTO_UDP;
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
	ck_assert_ptr_eq(res.rule, r3);
}
END_TEST

START_TEST(test_payload_set_numgen_ctmark)
{
	nfsim_chain_t *a = base_chain("t", NFPROTO_IPV4, "a", NFSIM_CHAIN_FILTER,
								  NFSIM_HOOK_FORWARD, -10, NF_ACCEPT);
	nfsim_chain_t *b = base_chain("t", NFPROTO_IPV4, "b", NFSIM_CHAIN_FILTER,
								  NFSIM_HOOK_FORWARD, 10, NF_ACCEPT);
	nfsim_packet_t p = lan_to_remote();
	uint8_t ttl = 1;
	uint32_t zero = 0, cm = 7;
	nfsim_result_t res;
	nfsim_rule_t *r;

	/* ip ttl set 1 */
	r = rule(a);
	nfsim_add_immediate(r, NFT_REG_1, &ttl, 1);
	nfsim_add_payload_set(r, NFT_PAYLOAD_NETWORK_HEADER, 8, 1, NFT_REG_1);
	/* later: ip ttl 1 ct mark 7 drop */
	r = rule(b);
	nfsim_add_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 8, 1, NFT_REG_1);
	nfsim_add_cmp(r, NFT_REG_1, NFT_CMP_EQ, &ttl, 1);
	nfsim_add_ct(r, NFT_CT_MARK, -1, NFT_REG_1);
	nfsim_add_cmp(r, NFT_REG_1, NFT_CMP_EQ, &cm, 4);
	nfsim_add_verdict(r, NF_DROP, NULL);
	/* numgen random mod 2 == 0 accept (load balancing) */
	r = rule(b);
	nfsim_add_opaque(r, "numgen", NFSIM_OPAQUE_LOAD, false, NFT_REG_1, 4,
					 "numgen random mod 2");
	nfsim_add_cmp(r, NFT_REG_1, NFT_CMP_EQ, &zero, 4);
	nfsim_add_verdict(r, NF_ACCEPT, NULL);
	nfsim_ruleset_finalize(rs);
	ck_assert_str_eq(fmt(r), "numgen random mod 2 0x00000000 accept");

	/* ct mark not known */
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert(!res.certain);
	p.known |= NFSIM_PKT_CT_MARK;
	p.ct_mark = 7;
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert(res.certain);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
	/* the numgen rule accepts, the policy would too: certain */
	p.ct_mark = 8;
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert(res.certain);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
}
END_TEST

START_TEST(test_accessors_unfinalized)
{
	nfsim_chain_t *c = nat_post();
	nfsim_packet_t p = lan_to_remote();
	const nfsim_table_t *t;
	nfsim_result_t res;
	nfsim_hook_t hook;
	int32_t prio;

	masq_rule(c);
	/* not finalized yet */
	ck_assert_int_eq(nfsim_eval(rs, NFSIM_HOOK_POSTROUTING, &p, &res),
					 NFSIM_VERDICT_UNKNOWN);
	nfsim_ruleset_finalize(rs);
	ck_assert_uint_eq(nfsim_ruleset_table_count(rs), 1);
	t = nfsim_ruleset_table(rs, 0);
	ck_assert_str_eq(nfsim_table_name(t), "nat");
	ck_assert_uint_eq(nfsim_table_family(t), NFPROTO_IPV4);
	ck_assert_uint_eq(nfsim_table_chain_count(t), 1);
	ck_assert(nfsim_chain_base(nfsim_table_chain(t, 0), &hook, &prio));
	ck_assert_int_eq(hook, NFSIM_HOOK_POSTROUTING);
	ck_assert_int_eq(prio, 100);
	ck_assert_uint_eq(nfsim_chain_rule_count(nfsim_table_chain(t, 0)), 1);
	ck_assert_uint_eq(nfsim_rule_position(
					  nfsim_chain_rule(nfsim_table_chain(t, 0), 0)), 1);
	ck_assert_ptr_eq(nfsim_chain_rule(nfsim_table_chain(t, 0), 1), NULL);
	ck_assert_str_eq(nfsim_verdict_name(NFSIM_VERDICT_REJECT), "reject");
	ck_assert_str_eq(nfsim_hook_name(NFSIM_HOOK_FORWARD), "forward");
	ck_assert_str_eq(nfsim_nat_name(NFSIM_NAT_MASQUERADE), "masquerade");
	ck_assert_str_eq(nfsim_family_name(NFPROTO_INET), "inet");
}
END_TEST

/**
 * Stop callback: says stop once it was asked *ctx times (counting down).
 */
static bool stop_after(void *ctx)
{
	int *left = ctx;

	return (*left)-- <= 0;
}

START_TEST(test_stop)
{
	nfsim_chain_t *c = base_chain("filter", NFPROTO_INET, "fwd",
								  NFSIM_CHAIN_FILTER, NFSIM_HOOK_FORWARD, 0,
								  NF_ACCEPT);
	nfsim_packet_t p = lan_to_remote();
	nfsim_result_t res;
	nfsim_rule_t *r;
	int i, left;

	/* 20,000 rules that do not match: about 60,000 expressions */
	for (i = 0; i < 20000; i++)
	{
		r = rule(c);
		match_addr4(r, true, "172.16.0.1", 32);
		nfsim_add_verdict(r, NF_DROP, NULL);
	}
	nfsim_ruleset_finalize(rs);
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
	ck_assert(res.certain);

	/* asked before it starts and every few thousand expressions, the
	 * evaluation ends uncertain as soon as it says stop */
	left = 3;
	nfsim_ruleset_set_stop(rs, stop_after, &left);
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_UNKNOWN);
	ck_assert(!res.certain);
	ck_assert_str_eq(res.unknown_what, NFSIM_STOPPED);
	ck_assert_ptr_eq(res.unknown_rule, NULL);
	ck_assert_int_eq(left, -1);

	/* told to stop before it starts */
	left = 0;
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_UNKNOWN);
	ck_assert_str_eq(res.unknown_what, NFSIM_STOPPED);
	ck_assert_int_eq(left, -1);

	/* never told: asked about 60000 / NFSIM_STOP_EVERY times */
	left = 1000;
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
	ck_assert(res.certain);
	ck_assert_int_gt(left, 1000 - 30);
	ck_assert_int_lt(left, 1000 - 5);

	nfsim_ruleset_set_stop(rs, NULL, NULL);
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert(res.certain);
}
END_TEST

/* ---- fixtures captured from real kernels ---- */

static nfsim_ruleset_t *frs;
static uint32_t fgen;

/**
 * Load a fixture; every record must decode.
 */
static void load(const char *name)
{
	char path[256];
	unsigned bad = 1;

	snprintf(path, sizeof(path), "%s/nfsim/%s.nl", FIXTURES, name);
	nfsim_ruleset_destroy(frs);
	fgen = 0;
	frs = nfsim_fixture_load(path, &fgen, &bad);
	ck_assert_msg(frs, "cannot load %s", path);
	ck_assert_uint_eq(bad, 0);
}

static void fixture_teardown(void)
{
	nfsim_ruleset_destroy(frs);
	frs = NULL;
}

static char wherebuf[128];

static const char *where(const nfsim_rule_t *r)
{
	return r ? nfsim_rule_where(r, wherebuf, sizeof(wherebuf)) : "(policy)";
}

/**
 * Evaluate and return the verdict.
 */
static nfsim_verdict_t run(nfsim_hook_t hook, const nfsim_packet_t *p,
						   nfsim_result_t *res)
{
	return nfsim_eval(frs, hook, p, res);
}

START_TEST(test_fx_nft_masq)
{
	nfsim_packet_t p = lan_to_remote();
	uint8_t gw[4] = { 192, 0, 2, 1 };
	nfsim_result_t res;

	load("nft_masq");
	ck_assert_uint_eq(fgen, 2);
	p.xfrm_out.present = true;
	ck_assert_int_eq(run(NFSIM_HOOK_POSTROUTING, &p, &res),
					 NFSIM_VERDICT_ACCEPT);
	ck_assert(res.certain);
	ck_assert_int_eq(res.nat.type, NFSIM_NAT_MASQUERADE);
	ck_assert_mem_eq(res.nat.addr, gw, 4);
	ck_assert_str_eq(where(res.nat.rule), "ip nat post handle 2");
	ck_assert_str_eq(fmt(res.nat.rule),
					 "oifname \"wan\" ip saddr 10.1.0.0/16 counter masquerade");
	/* other traffic is not touched */
	inet_pton(AF_INET, "10.9.0.1", p.src);
	run(NFSIM_HOOK_POSTROUTING, &p, &res);
	ck_assert_int_eq(res.nat.type, NFSIM_NAT_NONE);
}
END_TEST

START_TEST(test_fx_nft_masq_exempt)
{
	nfsim_packet_t p = lan_to_remote();
	nfsim_result_t res;

	load("nft_masq_exempt");
	p.xfrm_out.present = true;
	run(NFSIM_HOOK_POSTROUTING, &p, &res);
	ck_assert(res.certain);
	ck_assert_int_eq(res.nat.type, NFSIM_NAT_NONE);
	ck_assert_str_eq(where(res.rule), "ip nat post handle 2");
	ck_assert_str_eq(fmt(res.rule),
					 "rt ipsec exists accept comment \"IPsec exemption\"");

	p.xfrm_out.present = false;
	run(NFSIM_HOOK_POSTROUTING, &p, &res);
	ck_assert(res.certain);
	ck_assert_int_eq(res.nat.type, NFSIM_NAT_MASQUERADE);
	ck_assert_str_eq(where(res.nat.rule), "ip nat post handle 4");
}
END_TEST

START_TEST(test_fx_iptnft_nat)
{
	nfsim_packet_t p = lan_to_remote();
	nfsim_result_t res;

	load("iptnft_nat");
	p.xfrm_out.present = true;
	run(NFSIM_HOOK_POSTROUTING, &p, &res);
	ck_assert(res.certain);
	ck_assert_int_eq(res.nat.type, NFSIM_NAT_NONE);
	ck_assert_str_eq(fmt(res.rule),
					 "xt match policy (--dir out --pol ipsec) counter accept");
	ck_assert(nfsim_table_xt(nfsim_chain_table(nfsim_rule_chain(res.rule))));

	p.xfrm_out.present = false;
	run(NFSIM_HOOK_POSTROUTING, &p, &res);
	ck_assert_int_eq(res.nat.type, NFSIM_NAT_MASQUERADE);
	ck_assert(res.nat.addr_known);
	ck_assert_str_eq(fmt(res.nat.rule),
		"oifname \"wan\" ip saddr 10.1.0.0/16 counter xt target MASQUERADE");
}
END_TEST

START_TEST(test_fx_legacy_nat)
{
	nfsim_packet_t p = lan_to_remote();
	uint8_t gw[4] = { 192, 0, 2, 1 };
	nfsim_result_t res;

	load("legacy");
	ck_assert_uint_eq(nfsim_ruleset_rule_count(frs, NFSIM_BACKEND_NFT), 0);
	ck_assert_uint_eq(nfsim_ruleset_rule_count(frs, NFSIM_BACKEND_LEGACY), 16);
	p.xfrm_out.present = true;
	run(NFSIM_HOOK_POSTROUTING, &p, &res);
	ck_assert_int_eq(res.nat.type, NFSIM_NAT_NONE);
	ck_assert_str_eq(where(res.rule), "iptables-legacy nat POSTROUTING #1");
	ck_assert_str_eq(fmt(res.rule), "-m policy --dir out --pol ipsec -j ACCEPT");

	p.xfrm_out.present = false;
	run(NFSIM_HOOK_POSTROUTING, &p, &res);
	ck_assert_int_eq(res.nat.type, NFSIM_NAT_MASQUERADE);
	ck_assert_str_eq(where(res.nat.rule), "iptables-legacy nat POSTROUTING #2");

	/* SNAT with a port range, UDP only */
	p = pkt4("10.3.0.5", "198.51.100.7", IPPROTO_UDP, 4500, 4500, "lan", "wan");
	run(NFSIM_HOOK_POSTROUTING, &p, &res);
	ck_assert_int_eq(res.nat.type, NFSIM_NAT_SNAT);
	ck_assert_mem_eq(res.nat.addr, gw, 4);
	ck_assert_uint_eq(res.nat.port_min, 20000);
	ck_assert_uint_eq(res.nat.port_max, 30000);
	ck_assert_str_eq(fmt(res.nat.rule),
		"-s 10.3.0.0/16 -o wan -p udp -j SNAT --to-source 192.0.2.1:20000-30000");
	p.proto = IPPROTO_TCP;
	run(NFSIM_HOOK_POSTROUTING, &p, &res);
	ck_assert_int_eq(res.nat.type, NFSIM_NAT_NONE);
}
END_TEST

START_TEST(test_fx_legacy_filter)
{
	nfsim_packet_t p = pkt4("10.1.0.5", "10.2.0.7", IPPROTO_TCP, 40000, 22,
							"lan0", "wan");
	nfsim_result_t res;

	load("legacy");
	/* jump lan_in, RETURN, then accepted in FORWARD */
	run(NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
	ck_assert_str_eq(where(res.rule), "iptables-legacy filter FORWARD #3");
	ck_assert_str_eq(fmt(res.rule), "-i lan+ -o wan -j ACCEPT");
	/* blocked in the user chain */
	inet_pton(AF_INET, "10.66.3.4", p.dst);
	run(NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
	ck_assert_str_eq(where(res.rule), "iptables-legacy filter lan_in #1");
	/* goto tail: accepted there */
	inet_pton(AF_INET, "10.2.0.7", p.dst);
	p.proto = IPPROTO_UDP;
	p.dport = 53;
	run(NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_str_eq(where(res.rule), "iptables-legacy filter tail #1");
	/* goto tail, falls off: back to FORWARD after the jump */
	p.dport = 123;
	run(NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_str_eq(where(res.rule), "iptables-legacy filter FORWARD #3");
	/* one direction only: new connections from wan are dropped by policy */
	p = pkt4("10.2.0.7", "10.1.0.5", IPPROTO_TCP, 22, 40000, "wan", "lan0");
	run(NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
	ck_assert_ptr_eq(res.rule, NULL);
	ck_assert_str_eq(nfsim_chain_name(res.chain), "FORWARD");
	p.ct_state = NFSIM_CT_ESTABLISHED;
	p.ct_dir = 1;
	run(NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);

	/* INPUT: IKE yes, NAT-T rejected, frag-needed dropped */
	p = pkt4("203.0.113.5", "192.0.2.1", IPPROTO_UDP, 500, 500, "wan", NULL);
	run(NFSIM_HOOK_INPUT, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
	ck_assert_str_eq(where(res.rule), "iptables-legacy filter INPUT #1");
	p.sport = p.dport = 4500;
	run(NFSIM_HOOK_INPUT, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_REJECT);
	ck_assert_str_eq(fmt(res.rule),
		"-p udp -m udp --dport 4500 -j REJECT --reject-with icmp-port-unreachable");
	p = pkt4("198.51.100.1", "192.0.2.1", IPPROTO_ICMP, 0, 0, "wan", NULL);
	p.icmp_type = 3;
	p.icmp_code = 4;
	run(NFSIM_HOOK_INPUT, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
	/* -m limit -j LOG: whatever the limit does, the packet is accepted */
	p.icmp_type = 8;
	p.icmp_code = 0;
	run(NFSIM_HOOK_INPUT, &p, &res);
	ck_assert(res.certain);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
	ck_assert_ptr_eq(res.rule, NULL);
}
END_TEST

START_TEST(test_fx_legacy_ipv6)
{
	nfsim_packet_t p;
	nfsim_result_t res;

	load("legacy");
	memset(&p, 0, sizeof(p));
	p.family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8:1::1", p.src);
	inet_pton(AF_INET6, "2001:db8::1", p.dst);
	p.proto = IPPROTO_ICMPV6;
	p.icmp_type = 2;
	p.ct_state = NFSIM_CT_RELATED;
	strcpy(p.iif, "wan");
	p.known = NFSIM_PKT_IIF | NFSIM_PKT_OIF;
	run(NFSIM_HOOK_INPUT, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
	ck_assert_str_eq(where(res.rule), "ip6tables-legacy filter INPUT #1");
	p.proto = IPPROTO_UDP;
	p.sport = p.dport = 4500;
	run(NFSIM_HOOK_INPUT, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
	ck_assert_str_eq(where(res.rule), "ip6tables-legacy filter INPUT #2");
}
END_TEST

START_TEST(test_fx_iptnft_filter)
{
	nfsim_packet_t p = pkt4("203.0.113.5", "192.0.2.1", IPPROTO_UDP, 500, 500,
							"wan", NULL);
	nfsim_result_t res;

	load("iptnft_filter");
	run(NFSIM_HOOK_INPUT, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
	ck_assert_str_eq(where(res.rule), "ip filter INPUT handle 3");
	/* NAT-T dropped before the multiport rule could accept it */
	p.sport = p.dport = 4500;
	run(NFSIM_HOOK_INPUT, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
	ck_assert_str_eq(where(res.rule), "ip filter INPUT handle 4");
	/* but accepted once the connection is established */
	p.ct_state = NFSIM_CT_ESTABLISHED;
	run(NFSIM_HOOK_INPUT, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
	ck_assert_str_eq(fmt(res.rule),
		"xt match conntrack (--ctstate ESTABLISHED,RELATED) counter accept");
	/* L2TP through multiport */
	p.ct_state = NFSIM_CT_NEW;
	p.dport = 1701;
	run(NFSIM_HOOK_INPUT, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
	ck_assert_str_eq(where(res.rule), "ip filter INPUT handle 5");
	/* ESP */
	p.proto = IPPROTO_ESP;
	p.spi = 0xc0ffee;
	run(NFSIM_HOOK_INPUT, &p, &res);
	ck_assert_str_eq(where(res.rule), "ip filter INPUT handle 7");
	/* unsolicited frag-needed dropped */
	p = pkt4("198.51.100.1", "192.0.2.1", IPPROTO_ICMP, 0, 0, "wan", NULL);
	p.icmp_type = 3;
	p.icmp_code = 4;
	run(NFSIM_HOOK_INPUT, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
	ck_assert_str_eq(where(res.rule), "ip filter INPUT handle 6");
}
END_TEST

START_TEST(test_fx_iptnft_forward)
{
	nfsim_packet_t p = lan_to_remote();
	nfsim_result_t res;

	load("iptnft_filter");
	run(NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
	ck_assert_str_eq(where(res.rule), "ip filter FORWARD handle 11");

	/* decrypted traffic from the remote side: accepted by the policy match */
	p = pkt4("10.2.0.7", "10.1.0.5", IPPROTO_TCP, 50000, 22, "wan", "lan");
	p.xfrm_in.present = true;
	run(NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
	ck_assert_str_eq(fmt(res.rule),
					 "xt match policy (--dir in --pol ipsec) counter accept");
	/* the same without IPsec (kernel-libipsec delivers it on a TUN device
	 * without a secpath): dropped */
	p.xfrm_in.present = false;
	run(NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
	ck_assert_ptr_eq(res.rule, NULL);
}
END_TEST

START_TEST(test_fx_iptnft_mss)
{
	nfsim_packet_t p = lan_to_remote();
	nfsim_result_t res;

	load("iptnft_filter");
	p.known |= NFSIM_PKT_TCP_FLAGS | NFSIM_PKT_TCP_MSS;
	p.tcp_flags = 0x02;
	p.tcp_mss = 1460;
	p.xfrm_out.present = true;
	run(NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert(res.certain);
	ck_assert(res.mss.present);
	ck_assert_uint_eq(res.mss.mss, 1360);
	ck_assert_str_eq(where(res.mss.rule), "ip mangle FORWARD handle 2");
	/* not covered: traffic no policy sends into the tunnel */
	p.xfrm_out.present = false;
	run(NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert(!res.mss.present);
	/* the MSS option not known: whether the clamp applies is not either */
	p.xfrm_out.present = true;
	p.known &= ~NFSIM_PKT_TCP_MSS;
	run(NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert(!res.certain);
	ck_assert(strstr(res.unknown_what, "tcpmss"));
}
END_TEST

START_TEST(test_fx_nft_input)
{
	nfsim_packet_t p = pkt4("203.0.113.5", "192.0.2.1", IPPROTO_UDP, 500, 500,
							"wan", NULL);
	nfsim_result_t res;

	load("nft_filter");
	run(NFSIM_HOOK_INPUT, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
	ck_assert_str_eq(where(res.rule), "inet filter input handle 11");
	p.sport = p.dport = 4500;
	run(NFSIM_HOOK_INPUT, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
	ck_assert_str_eq(fmt(res.rule), "meta l4proto udp udp dport 4500 drop");
	p.proto = IPPROTO_ESP;
	run(NFSIM_HOOK_INPUT, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);

	/* frag-needed: accepted as related, dropped when unsolicited */
	p = pkt4("198.51.100.1", "192.0.2.1", IPPROTO_ICMP, 0, 0, "wan", NULL);
	p.icmp_type = 3;
	p.icmp_code = 4;
	p.ct_state = NFSIM_CT_RELATED;
	run(NFSIM_HOOK_INPUT, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
	p.ct_state = NFSIM_CT_NEW;
	run(NFSIM_HOOK_INPUT, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
	ck_assert_str_eq(fmt(res.rule), "meta nfproto ipv4 meta l4proto icmp "
					 "icmp type destination-unreachable icmp code 4 drop");

	/* echo requests depend on a rate limit */
	p.icmp_type = 8;
	p.icmp_code = 0;
	run(NFSIM_HOOK_INPUT, &p, &res);
	ck_assert(!res.certain);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
	ck_assert_int_eq(res.alt_verdict, NFSIM_VERDICT_DROP);
	ck_assert_str_eq(res.unknown_what, "limit rate 5/second");
	ck_assert_str_eq(where(res.unknown_rule), "inet filter input handle 16");
}
END_TEST

START_TEST(test_fx_nft_input6)
{
	nfsim_packet_t p;
	nfsim_result_t res;

	load("nft_filter");
	memset(&p, 0, sizeof(p));
	p.family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8:1::1", p.src);
	inet_pton(AF_INET6, "2001:db8::1", p.dst);
	p.proto = IPPROTO_ICMPV6;
	p.icmp_type = 2;
	p.ct_state = NFSIM_CT_NEW;
	strcpy(p.iif, "wan");
	p.known = NFSIM_PKT_IIF | NFSIM_PKT_OIF;
	run(NFSIM_HOOK_INPUT, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
	ck_assert_str_eq(where(res.rule), "inet filter input handle 15");
}
END_TEST

START_TEST(test_fx_nft_forward)
{
	nfsim_packet_t p = lan_to_remote();
	nfsim_result_t res;

	load("nft_filter");
	/* vmap: 10.2.0.7 . 22 accept */
	run(NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
	ck_assert_str_eq(where(res.rule), "inet filter fwd_lan handle 18");
	ck_assert_str_eq(fmt(res.rule),
		"meta nfproto ipv4 meta l4proto tcp ip daddr . tcp dport vmap @svc");
	/* vmap: 10.2.0.8 . 80 drop */
	inet_pton(AF_INET, "10.2.0.8", p.dst);
	p.dport = 80;
	run(NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
	ck_assert_str_eq(where(res.rule), "inet filter fwd_lan handle 18");
	/* interval set */
	inet_pton(AF_INET, "10.66.200.1", p.dst);
	run(NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
	ck_assert_str_eq(fmt(res.rule), "meta nfproto ipv4 ip daddr @blocked drop");
	inet_pton(AF_INET, "10.67.0.0", p.dst);
	p.dport = 443;
	/* anonymous set: return, then accepted in forward */
	run(NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
	ck_assert_str_eq(where(res.rule), "inet filter forward handle 26");
	/* goto fwd_tail */
	p.proto = IPPROTO_UDP;
	p.dport = 53;
	run(NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_str_eq(where(res.rule), "inet filter fwd_tail handle 22");
	p.dport = 123;
	run(NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_str_eq(where(res.rule), "inet filter forward handle 26");

	/* the other direction only with a secpath */
	p = pkt4("10.2.0.7", "10.1.0.5", IPPROTO_TCP, 50000, 22, "wan", "lan");
	run(NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
	p.xfrm_in.present = true;
	run(NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
	ck_assert_str_eq(fmt(res.rule), "meta ipsec exists accept");
}
END_TEST

START_TEST(test_fx_nft_mss_unreached)
{
	nfsim_packet_t p = lan_to_remote();
	nfsim_result_t res;

	load("nft_filter");
	p.known |= NFSIM_PKT_TCP_FLAGS;
	p.tcp_flags = 0x02;
	/* the clamp comes after the accept: tunnel TCP never reaches it */
	run(NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
	ck_assert(!res.mss.present);
	/* traffic from another interface does */
	snprintf(p.iif, sizeof(p.iif), "dmz");
	run(NFSIM_HOOK_FORWARD, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
	ck_assert(res.mss.present);
	ck_assert_uint_eq(res.mss.mss, NFSIM_MSS_PMTU);
	ck_assert_str_eq(fmt(res.mss.rule), "meta l4proto tcp tcp flags & syn,rst "
					 "== syn tcp option maxseg size set rt mtu");
}
END_TEST

START_TEST(test_fx_nft_rpf)
{
	nfsim_packet_t p = pkt4("10.2.0.7", "10.1.0.5", IPPROTO_TCP, 22, 40000,
							"wan", NULL);
	nfsim_result_t res;

	load("nft_filter");
	run(NFSIM_HOOK_PREROUTING, &p, &res);
	ck_assert(!res.certain);
	ck_assert_str_eq(res.unknown_what, "fib saddr . iif oif missing");
	p.known |= NFSIM_PKT_RPF;
	p.rpf_ok = true;
	run(NFSIM_HOOK_PREROUTING, &p, &res);
	ck_assert(res.certain);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_ACCEPT);
	p.rpf_ok = false;
	run(NFSIM_HOOK_PREROUTING, &p, &res);
	ck_assert_int_eq(res.verdict, NFSIM_VERDICT_DROP);
}
END_TEST

START_TEST(test_fx_mixed)
{
	nfsim_packet_t p = lan_to_remote();
	nfsim_result_t res;
	size_t i;
	bool legacy = false, nft = false;

	load("mixed");
	for (i = 0; i < nfsim_ruleset_table_count(frs); i++)
	{
		const nfsim_table_t *t = nfsim_ruleset_table(frs, i);

		legacy = legacy || nfsim_table_backend(t) == NFSIM_BACKEND_LEGACY;
		nft = nft || nfsim_table_backend(t) == NFSIM_BACKEND_NFT;
	}
	ck_assert(legacy && nft);
	/* the legacy exemption accepts without a binding; the nft masquerade
	 * at the same hook still translates */
	p.xfrm_out.present = true;
	run(NFSIM_HOOK_POSTROUTING, &p, &res);
	ck_assert_int_eq(res.nat.type, NFSIM_NAT_MASQUERADE);
	ck_assert_str_eq(where(res.nat.rule), "ip nat post handle 2");
	ck_assert_uint_eq(res.nsteps, 2);
}
END_TEST

static Suite *add_fixture_tests(Suite *s)
{
	TCase *tc = tcase_create("fixtures");

	tcase_add_checked_fixture(tc, NULL, fixture_teardown);
	tcase_add_test(tc, test_fx_nft_masq);
	tcase_add_test(tc, test_fx_nft_masq_exempt);
	tcase_add_test(tc, test_fx_iptnft_nat);
	tcase_add_test(tc, test_fx_legacy_nat);
	tcase_add_test(tc, test_fx_legacy_filter);
	tcase_add_test(tc, test_fx_legacy_ipv6);
	tcase_add_test(tc, test_fx_iptnft_filter);
	tcase_add_test(tc, test_fx_iptnft_forward);
	tcase_add_test(tc, test_fx_iptnft_mss);
	tcase_add_test(tc, test_fx_nft_input);
	tcase_add_test(tc, test_fx_nft_input6);
	tcase_add_test(tc, test_fx_nft_forward);
	tcase_add_test(tc, test_fx_nft_mss_unreached);
	tcase_add_test(tc, test_fx_nft_rpf);
	tcase_add_test(tc, test_fx_mixed);
	suite_add_tcase(s, tc);
	return s;
}

Suite *nfsim_suite(void)
{
	Suite *s = suite_create("nfsim");
	TCase *tc;

	tc = tcase_create("nat");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_masq_no_exemption);
	tcase_add_test(tc, test_masq_rt_ipsec_exemption);
	tcase_add_test(tc, test_masq_ipsec_out_reqid);
	tcase_add_test(tc, test_masq_xt_policy_exemption);
	tcase_add_test(tc, test_snat_ports);
	tcase_add_test(tc, test_nat_only_new);
	tcase_add_test(tc, test_nat_first_binding_wins);
	tcase_add_test(tc, test_ct_status);
	tcase_add_test(tc, test_ipv6_masq);
	suite_add_tcase(s, tc);

	tc = tcase_create("filter");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_forward_one_way);
	tcase_add_test(tc, test_input_ike_natt);
	tcase_add_test(tc, test_icmp_frag_needed);
	tcase_add_test(tc, test_reject_and_drop_order);
	tcase_add_test(tc, test_no_chains_continue);
	tcase_add_test(tc, test_xt_conntrack_udp);
	tcase_add_test(tc, test_legacy_entry);
	suite_add_tcase(s, tc);

	tc = tcase_create("chains");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_jump_return_goto);
	tcase_add_test(tc, test_jump_depth);
	tcase_add_test(tc, test_goto_loop);
	tcase_add_test(tc, test_missing_chain);
	suite_add_tcase(s, tc);

	tc = tcase_create("sets");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_set_interval);
	tcase_add_test(tc, test_set_concat_vmap);
	tcase_add_test(tc, test_set_concat_ranges);
	suite_add_tcase(s, tc);

	tc = tcase_create("unknown");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_unknown_fib);
	tcase_add_test(tc, test_unknown_irrelevant);
	tcase_add_test(tc, test_unknown_expression);
	tcase_add_test(tc, test_queue_unknown);
	suite_add_tcase(s, tc);

	tc = tcase_create("expressions");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_mss_clamp);
	tcase_add_test(tc, test_xt_tcpmss_target);
	tcase_add_test(tc, test_meta_mark_set);
	tcase_add_test(tc, test_range_and_ct_direction);
	tcase_add_test(tc, test_dnat_map);
	tcase_add_test(tc, test_redirect);
	tcase_add_test(tc, test_fib_local_and_ipsec_in);
	tcase_add_test(tc, test_exthdr_shift_catchall);
	tcase_add_test(tc, test_payload_set_numgen_ctmark);
	tcase_add_test(tc, test_accessors_unfinalized);
	tcase_add_test(tc, test_stop);
	suite_add_tcase(s, tc);

	return add_fixture_tests(s);
}
