/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * The packet tracer on fixture facts and rulesets captured from real nft,
 * iptables-nft and iptables-legacy (tests/unit/fixtures/nfsim): a gateway
 * with the LAN 10.1.0.0/24 on "lan" (10.1.0.1) and 192.0.2.2 on "wan",
 * tunnelling 10.1.0.0/24 <-> 10.20.1.0/24 to 198.51.100.2; and the trace
 * request and reply of the query socket.
 */

#include "dpc_tests.h"
#include "fixture_facts.h"
#include "fixture_tunnel.h"
#include "nfsim_fixture.h"

#include <trace/dpc_trace.h>
#include <proto/dpc_report.h>
#include <proto/dpc_trace_msg.h>

#include <errno.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <linux/xfrm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	bed_t bed;
	nfsim_ruleset_t *rs;
	dpc_trace_query_t q;
	dpc_trace_result_t res;
} tbed_t;

/**
 * Set up the gateway; fixture NULL: no readable ruleset.
 */
static void tbed_init(tbed_t *tb, const char *fixture, dpc_dataplane_t dp)
{
	dpc_ike_rec_t *ike;
	dpc_child_rec_t *child;
	char path[256];
	unsigned bad = 0;
	bool xfrm = dp == DPC_DATAPLANE_XFRM;

	memset(tb, 0, sizeof(*tb));
	bed_init(&tb->bed);
	tb->bed.facts->destroy(tb->bed.facts);
	tb->bed.facts = fixture_facts_create(dp, "ipsec0");
	tb->bed.ctx.facts = tb->bed.facts;
	fixture_facts_addr(tb->bed.facts, "10.1.0.1", "lan");
	fixture_facts_addr(tb->bed.facts, "192.0.2.2", "wan");
	fixture_facts_route(tb->bed.facts, "10.1.0.1/32", "*", 0, DPC_RT_LOCAL,
						"lo", NULL, 255);
	fixture_facts_route(tb->bed.facts, "192.0.2.2/32", "*", 0, DPC_RT_LOCAL,
						"lo", NULL, 255);
	fixture_facts_route(tb->bed.facts, "10.20.1.0/24", "*", 0, DPC_RT_UNICAST,
						xfrm ? "wan" : "ipsec0", xfrm ? "192.0.2.1" : NULL,
						220);
	fixture_facts_route(tb->bed.facts, "10.1.0.0/24", "*", 0, DPC_RT_UNICAST,
						"lan", NULL, 254);
	fixture_facts_route(tb->bed.facts, "10.99.0.0/16", "*", 0,
						DPC_RT_UNREACHABLE, NULL, NULL, 254);
	fixture_facts_route(tb->bed.facts, "10.98.0.0/16", "lan", EHOSTUNREACH,
						0, NULL, NULL, 0);
	fixture_facts_route(tb->bed.facts, "0.0.0.0/0", "*", 0, DPC_RT_UNICAST,
						"wan", "192.0.2.1", 254);
	fixture_facts_sysctl(tb->bed.facts, "net/ipv4/ip_forward", 1);

	ike = bed_ike(&tb->bed);
	ike->nat = 0;
	ike->local.port = ike->remote.port = 500;
	ike->initial_local.port = ike->initial_remote.port = 500;
	child = bed_child(&tb->bed);
	child->encap = false;
	child->reqid = 7;
	child->spi_in = 0xc1000001;
	child->spi_out = 0xc2000002;
	bed_set_ts(&child->local, "10.1.0.0/24");
	bed_set_ts(&child->cfg_local, "10.1.0.0/24");

	if (fixture)
	{
		snprintf(path, sizeof(path), "%s/nfsim/%s.nl", FIXTURES, fixture);
		tb->rs = nfsim_fixture_load(path, NULL, &bad);
		ck_assert_msg(tb->rs, "cannot load %s", path);
		ck_assert_uint_eq(bad, 0);
		fixture_facts_ruleset(tb->bed.facts, tb->rs);
	}
}

static void tbed_free(tbed_t *tb)
{
	bed_free(&tb->bed);
	nfsim_ruleset_destroy(tb->rs);
}

/**
 * Trace a packet: proto 0 is ICMP echo.
 */
static dpc_trace_result_t *trace(tbed_t *tb, const char *src, const char *dst,
								 uint8_t proto, uint16_t dport, const char *iif)
{
	memset(&tb->q, 0, sizeof(tb->q));
	ck_assert(dpc_addr_parse(&tb->q.src, src));
	ck_assert(dpc_addr_parse(&tb->q.dst, dst));
	tb->q.proto = proto;
	tb->q.dport = dport;
	snprintf(tb->q.iif, sizeof(tb->q.iif), "%s", iif ? iif : "");
	dpc_trace_run(&tb->q, tb->bed.facts, &tb->bed.tunnels, &tb->res);
	ck_assert_int_gt(tb->res.count, 0);
	ck_assert_str_eq(tb->res.phases[tb->res.count - 1].name, "result");
	ck_assert_int_eq(tb->res.phases[tb->res.count - 1].verdict,
					 tb->res.verdict);
	return &tb->res;
}

/**
 * The phase names joined by spaces.
 */
static const char *phase_names(dpc_trace_result_t *res)
{
	static char buf[256];
	int i;

	buf[0] = '\0';
	for (i = 0; i < res->count; i++)
	{
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s",
				 i ? " " : "", res->phases[i].name);
	}
	return buf;
}

/**
 * Find a phase by name (the first), NULL if absent.
 */
static dpc_trace_phase_t *find_phase(dpc_trace_result_t *res,
									 const char *name)
{
	int i;

	for (i = 0; i < res->count; i++)
	{
		if (!strcmp(res->phases[i].name, name))
		{
			return &res->phases[i];
		}
	}
	return NULL;
}

/**
 * Get a phase that must be there.
 */
static dpc_trace_phase_t *phase(dpc_trace_result_t *res, const char *name)
{
	dpc_trace_phase_t *ph = find_phase(res, name);

	ck_assert_msg(ph, "no phase '%s' in '%s'", name, phase_names(res));
	return ph;
}

/**
 * A policy between two prefixes, with a template when reqid is set.
 */
static dpc_xfrm_policy_t xpolicy(const char *src, int splen, const char *dst,
								 int dplen, uint32_t priority, uint8_t action,
								 uint32_t reqid, uint32_t spi)
{
	dpc_xfrm_policy_t p = {
		.dir = DPC_XFRM_DIR_OUT,
		.priority = priority,
		.index = priority,
		.action = action,
		.type = XFRM_POLICY_TYPE_MAIN,
	};

	p.sel.family = AF_INET;
	ck_assert_int_eq(inet_pton(AF_INET, src, p.sel.src), 1);
	ck_assert_int_eq(inet_pton(AF_INET, dst, p.sel.dst), 1);
	p.sel.src_plen = splen;
	p.sel.dst_plen = dplen;
	if (reqid)
	{
		p.n_tmpls = 1;
		p.tmpls[0].family = AF_INET;
		p.tmpls[0].proto = IPPROTO_ESP;
		p.tmpls[0].mode = XFRM_MODE_TUNNEL;
		p.tmpls[0].reqid = reqid;
		p.tmpls[0].spi = htonl(spi);
		inet_pton(AF_INET, "192.0.2.2", p.tmpls[0].src);
		inet_pton(AF_INET, "198.51.100.2", p.tmpls[0].dst);
	}
	return p;
}

START_TEST(test_xfrm_phase)
{
	dpc_xfrm_sa_t sa = {
		.id = { .family = AF_INET, .proto = IPPROTO_ESP,
				.spi = htonl(0xc2000002) },
		.reqid = 7,
	};
	dpc_xfrm_policy_t p;
	dpc_xfrm_spd_t spd;
	dpc_xfrm_sad_t sad;
	dpc_trace_result_t *res;
	dpc_trace_phase_t *ph;
	tbed_t tb;

	tbed_init(&tb, "nft_masq_exempt", DPC_DATAPLANE_XFRM);
	dpc_xfrm_spd_init(&spd);
	dpc_xfrm_sad_init(&sad);
	p = xpolicy("10.1.0.0", 24, "10.20.1.0", 24, 375423, XFRM_POLICY_ALLOW,
				7, 0xc2000002);
	dpc_xfrm_spd_add(&spd, &p, 0);
	inet_pton(AF_INET, "198.51.100.2", sa.id.dst);
	dpc_xfrm_sad_add(&sad, &sa, 0);
	dpc_xfrm_sad_sort(&sad);
	fixture_facts_xfrm(tb.bed.facts, &spd, NULL);
	fixture_facts_sad(tb.bed.facts, &sad);

	/* the policy and the SA it resolves to, beside the other phases */
	res = trace(&tb, "10.1.0.5", "10.20.1.10", 0, 0, NULL);
	ck_assert_str_eq(phase_names(res), "route prerouting forward postrouting "
					 "xfrm ipsec outer result");
	ph = phase(res, "xfrm");
	ck_assert_int_eq(ph->verdict, DPC_TRACE_ENCRYPT);
	ck_assert_ptr_nonnull(strstr(ph->detail, "SPD: src 10.1.0.0/24 dst "
								 "10.20.1.0/24 dir out priority 375423"));
	ck_assert_ptr_nonnull(strstr(ph->detail, "SA dst 198.51.100.2 proto esp "
								 "spi 0xc2000002 reqid 7"));

	/* the SA gone */
	sad.count = 0;
	res = trace(&tb, "10.1.0.5", "10.20.1.10", 0, 0, NULL);
	ph = phase(res, "xfrm");
	ck_assert_int_eq(ph->verdict, DPC_TRACE_DROP);
	ck_assert_ptr_nonnull(strstr(ph->detail, "XfrmOutNoStates"));

	/* a bypass first */
	p = xpolicy("10.1.0.0", 24, "10.20.1.10", 32, 100, XFRM_POLICY_ALLOW, 0, 0);
	dpc_xfrm_spd_add(&spd, &p, 0);
	res = trace(&tb, "10.1.0.5", "10.20.1.10", 0, 0, NULL);
	ph = phase(res, "xfrm");
	ck_assert_int_eq(ph->verdict, DPC_TRACE_ALLOW);
	ck_assert_ptr_nonnull(strstr(ph->detail, "priority 100"));
	ck_assert_ptr_nonnull(strstr(ph->detail, "bypass, sent unprotected"));

	/* a block first */
	p = xpolicy("10.1.0.0", 24, "10.20.1.0", 25, 50, XFRM_POLICY_BLOCK, 0, 0);
	dpc_xfrm_spd_add(&spd, &p, 0);
	res = trace(&tb, "10.1.0.5", "10.20.1.10", 0, 0, NULL);
	ph = phase(res, "xfrm");
	ck_assert_int_eq(ph->verdict, DPC_TRACE_DROP);
	ck_assert_ptr_nonnull(strstr(ph->detail, "XfrmOutPolBlock"));

	/* no policy for this destination */
	res = trace(&tb, "10.1.0.5", "198.51.100.77", 0, 0, NULL);
	ph = phase(res, "xfrm");
	ck_assert_ptr_nonnull(strstr(ph->detail, "SPD dir out: no policy matches"));

	dpc_xfrm_spd_clear(&spd);
	dpc_xfrm_sad_clear(&sad);
	tbed_free(&tb);
}
END_TEST

START_TEST(test_encrypted)
{
	dpc_trace_result_t *res;
	dpc_trace_phase_t *ph;
	tbed_t tb;

	tbed_init(&tb, "nft_masq_exempt", DPC_DATAPLANE_XFRM);
	res = trace(&tb, "10.1.0.5", "10.20.1.10", 0, 0, NULL);
	ck_assert_str_eq(phase_names(res),
					 "route prerouting forward postrouting ipsec outer result");
	ck_assert_int_eq(res->verdict, DPC_TRACE_ENCRYPT);
	ck_assert(res->certain);
	ck_assert_str_eq(res->path, "forward");
	ck_assert_str_eq(res->iif, "lan");
	ck_assert_str_eq(res->oif, "wan");
	ck_assert(res->has_child && res->landed);
	ck_assert_str_eq(res->ike_name, "s2s");
	ck_assert_str_eq(res->child_name, "net");
	ck_assert_uint_eq(res->reqid, 7);
	ph = phase(res, "route");
	ck_assert_ptr_nonnull(strstr(ph->detail, "dev wan table 220"));
	/* the exemption accepts before the masquerade rule */
	ph = phase(res, "postrouting");
	ck_assert_int_eq(ph->verdict, DPC_TRACE_ALLOW);
	ck_assert_ptr_nonnull(strstr(ph->rule, "rt ipsec exists"));
	ph = phase(res, "ipsec");
	ck_assert_int_eq(ph->verdict, DPC_TRACE_ENCRYPT);
	ck_assert_ptr_nonnull(strstr(ph->detail, "net{1} of s2s[1]"));
	ck_assert_ptr_nonnull(strstr(ph->detail, "ESP to 198.51.100.2"));
	ck_assert_int_eq(phase(res, "outer")->verdict, DPC_TRACE_ALLOW);
	ck_assert_ptr_nonnull(strstr(res->summary, "icmp 10.1.0.5 -> 10.20.1.10"));
	ck_assert_ptr_nonnull(strstr(res->summary, "encrypted into CHILD_SA"));
	tbed_free(&tb);
}
END_TEST

START_TEST(test_encrypted_policy_match)
{
	dpc_trace_result_t *res;
	tbed_t tb;

	/* iptables-nft: -m policy --pol ipsec --dir out -j ACCEPT first */
	tbed_init(&tb, "iptnft_nat", DPC_DATAPLANE_XFRM);
	res = trace(&tb, "10.1.0.5", "10.20.1.10", IPPROTO_TCP, 443, NULL);
	ck_assert_int_eq(res->verdict, DPC_TRACE_ENCRYPT);
	ck_assert_ptr_nonnull(strstr(phase(res, "postrouting")->rule, "policy"));
	ck_assert_ptr_nonnull(strstr(res->summary,
								 "tcp 10.1.0.5:32768 -> 10.20.1.10:443"));
	tbed_free(&tb);
}
END_TEST

START_TEST(test_masquerade_cleartext)
{
	dpc_trace_result_t *res;
	dpc_trace_phase_t *ph;
	tbed_t tb;

	tbed_init(&tb, "nft_masq", DPC_DATAPLANE_XFRM);
	res = trace(&tb, "10.1.0.5", "10.20.1.10", 0, 0, NULL);
	ck_assert_int_eq(res->verdict, DPC_TRACE_CLEARTEXT);
	ck_assert(res->certain);
	ph = phase(res, "postrouting");
	ck_assert_int_eq(ph->verdict, DPC_TRACE_NAT);
	ck_assert_ptr_nonnull(strstr(ph->detail, "192.0.2.2"));
	ck_assert_ptr_nonnull(strstr(ph->rule, "masquerade"));
	ck_assert_ptr_nonnull(strstr(ph->rule_where, "nat post"));
	ph = phase(res, "ipsec");
	ck_assert_int_eq(ph->verdict, DPC_TRACE_CLEARTEXT);
	ck_assert_ptr_nonnull(strstr(ph->rule, "masquerade"));
	ck_assert_ptr_null(find_phase(res, "outer"));
	/* the CHILD_SA that should have taken it */
	ck_assert(res->has_child && !res->landed);
	ck_assert_ptr_nonnull(strstr(res->summary, "cleartext via wan"));
	ck_assert_ptr_nonnull(strstr(res->summary, "net{1}"));
	tbed_free(&tb);
}
END_TEST

START_TEST(test_masquerade_libipsec)
{
	dpc_trace_result_t *res;
	tbed_t tb;

	/* kernel-libipsec: tunnel traffic leaves through ipsec0, "oifname wan"
	 * does not match */
	tbed_init(&tb, "nft_masq", DPC_DATAPLANE_LIBIPSEC);
	res = trace(&tb, "10.1.0.5", "10.20.1.10", 0, 0, NULL);
	ck_assert_int_eq(res->verdict, DPC_TRACE_ENCRYPT);
	ck_assert_str_eq(res->oif, "ipsec0");
	ck_assert_int_eq(phase(res, "postrouting")->verdict, DPC_TRACE_ALLOW);
	tbed_free(&tb);
}
END_TEST

START_TEST(test_libipsec_route_bypass)
{
	dpc_trace_result_t *res;
	tbed_t tb;

	tbed_init(&tb, "nft_filter", DPC_DATAPLANE_LIBIPSEC);
	fixture_facts_reset_routes(tb.bed.facts);
	fixture_facts_route(tb.bed.facts, "10.1.0.0/24", "*", 0, DPC_RT_UNICAST,
						"lan", NULL, 254);
	fixture_facts_route(tb.bed.facts, "0.0.0.0/0", "*", 0, DPC_RT_UNICAST,
						"wan", "192.0.2.1", 254);
	res = trace(&tb, "10.1.0.5", "10.20.1.10", 0, 0, NULL);
	ck_assert_int_eq(res->verdict, DPC_TRACE_CLEARTEXT);
	ck_assert_ptr_nonnull(strstr(phase(res, "ipsec")->detail, "ipsec0"));
	tbed_free(&tb);
}
END_TEST

START_TEST(test_forward_drop)
{
	dpc_trace_result_t *res;
	dpc_trace_phase_t *ph;
	tbed_t tb;

	tbed_init(&tb, "nft_filter", DPC_DATAPLANE_XFRM);
	res = trace(&tb, "10.1.0.5", "10.66.0.1", 0, 0, NULL);
	ck_assert_str_eq(phase_names(res), "route prerouting forward result");
	ck_assert_int_eq(res->verdict, DPC_TRACE_DROP);
	ck_assert(res->certain);
	ph = phase(res, "forward");
	ck_assert_int_eq(ph->verdict, DPC_TRACE_DROP);
	ck_assert_ptr_nonnull(strstr(ph->rule_where, "fwd_lan"));
	ck_assert_ptr_nonnull(strstr(ph->rule, "@blocked"));
	ck_assert_ptr_nonnull(strstr(res->summary, "dropped in forward"));
	ck_assert_ptr_nonnull(strstr(res->summary, "fwd_lan"));
	tbed_free(&tb);
}
END_TEST

START_TEST(test_forward_policy_drop_legacy)
{
	dpc_trace_result_t *res;
	dpc_trace_phase_t *ph;
	tbed_t tb;

	/* legacy FORWARD policy DROP: lan -> anything but wan is dropped by it */
	tbed_init(&tb, "legacy", DPC_DATAPLANE_LIBIPSEC);
	res = trace(&tb, "10.1.0.5", "10.20.1.10", IPPROTO_UDP, 4000, NULL);
	ck_assert_int_eq(res->verdict, DPC_TRACE_DROP);
	ph = phase(res, "forward");
	ck_assert_ptr_nonnull(ph);
	ck_assert_int_eq(ph->verdict, DPC_TRACE_DROP);
	ck_assert_ptr_nonnull(strstr(ph->rule_where, "policy drop"));
	tbed_free(&tb);
}
END_TEST

START_TEST(test_no_route)
{
	dpc_trace_result_t *res;
	dpc_trace_phase_t *ph;
	tbed_t tb;

	tbed_init(&tb, "nft_masq_exempt", DPC_DATAPLANE_XFRM);
	res = trace(&tb, "10.1.0.5", "10.99.1.1", 0, 0, NULL);
	ck_assert_str_eq(phase_names(res), "route result");
	ck_assert_int_eq(res->verdict, DPC_TRACE_DROP);
	ph = phase(res, "route");
	ck_assert_int_eq(ph->verdict, DPC_TRACE_DROP);
	ck_assert_ptr_nonnull(strstr(ph->detail, "unreachable"));
	ck_assert_ptr_nonnull(strstr(res->summary, "no route"));

	/* forwarding off: the kernel answers EHOSTUNREACH */
	fixture_facts_sysctl(tb.bed.facts, "net/ipv4/conf/lan/forwarding", 0);
	res = trace(&tb, "10.1.0.5", "10.98.1.1", 0, 0, NULL);
	ck_assert_int_eq(res->verdict, DPC_TRACE_DROP);
	ph = phase(res, "route");
	ck_assert_ptr_nonnull(strstr(ph->detail, "No route to host"));
	ck_assert_ptr_nonnull(strstr(ph->detail,
								 "net.ipv4.conf.lan.forwarding = 0"));
	tbed_free(&tb);
}
END_TEST

START_TEST(test_rp_filter)
{
	dpc_trace_result_t *res;
	dpc_trace_phase_t *ph;
	tbed_t tb;

	/* strict, the way back to 10.20.1.5 is ipsec0 (table 220): passes */
	tbed_init(&tb, "nft_masq_exempt", DPC_DATAPLANE_LIBIPSEC);
	fixture_facts_sysctl(tb.bed.facts, "net/ipv4/conf/all/rp_filter", 1);
	res = trace(&tb, "10.20.1.5", "10.1.0.5", 0, 0, "ipsec0");
	ph = phase(res, "rp_filter");
	ck_assert_int_eq(ph->verdict, DPC_TRACE_ALLOW);
	ck_assert_ptr_nonnull(strstr(ph->detail, "strict mode passes it: the "
								 "route back to 10.20.1.5 is 10.20.1.5 dev "
								 "ipsec0"));
	ck_assert_ptr_nonnull(strstr(phase_names(res), "rp_filter route"));
	tbed_free(&tb);

	/* the kernel says EXDEV: dropped before the route */
	tbed_init(&tb, "nft_masq_exempt", DPC_DATAPLANE_LIBIPSEC);
	fixture_facts_sysctl(tb.bed.facts, "net/ipv4/conf/all/rp_filter", 0);
	fixture_facts_sysctl(tb.bed.facts, "net/ipv4/conf/lan/rp_filter", 1);
	res = trace(&tb, "10.20.1.5", "10.1.0.5", 0, 0, "lan");
	ck_assert_int_eq(res->verdict, DPC_TRACE_ALLOW);
	fixture_facts_reset_routes(tb.bed.facts);
	fixture_facts_route(tb.bed.facts, "10.1.0.0/24", "lan", EXDEV, 0, NULL,
						NULL, 0);
	fixture_facts_route(tb.bed.facts, "10.20.1.0/24", "*", 0, DPC_RT_UNICAST,
						"ipsec0", NULL, 220);
	res = trace(&tb, "10.20.1.5", "10.1.0.5", 0, 0, "lan");
	ck_assert_int_eq(res->verdict, DPC_TRACE_DROP);
	ph = phase(res, "rp_filter");
	ck_assert_int_eq(ph->verdict, DPC_TRACE_DROP);
	ck_assert_ptr_nonnull(strstr(ph->detail, "net.ipv4.conf.lan.rp_filter = "
								 "1): the route back to 10.20.1.5 leaves via "
								 "ipsec0"));
	ck_assert_ptr_null(find_phase(res, "route"));
	ck_assert_ptr_nonnull(strstr(res->summary, "reverse path filter"));
	tbed_free(&tb);

	/* off: no phase at all */
	tbed_init(&tb, "nft_masq_exempt", DPC_DATAPLANE_LIBIPSEC);
	res = trace(&tb, "10.20.1.5", "10.1.0.5", 0, 0, "ipsec0");
	ck_assert_ptr_null(find_phase(res, "rp_filter"));
	tbed_free(&tb);
}
END_TEST

START_TEST(test_local_input)
{
	dpc_trace_result_t *res;
	dpc_trace_phase_t *ph;
	tbed_t tb;

	tbed_init(&tb, "nft_filter", DPC_DATAPLANE_XFRM);
	res = trace(&tb, "198.51.100.2", "192.0.2.2", IPPROTO_UDP, 500, NULL);
	ck_assert_str_eq(phase_names(res), "route prerouting input result");
	ck_assert_str_eq(res->path, "input");
	ck_assert_str_eq(res->iif, "wan");
	ck_assert_str_eq(res->oif, "");
	ck_assert_int_eq(res->verdict, DPC_TRACE_ALLOW);
	ck_assert(res->certain);
	ph = phase(res, "input");
	ck_assert_ptr_nonnull(strstr(ph->rule, "udp dport 500 accept"));
	ck_assert_ptr_nonnull(strstr(res->summary, "delivered to the gateway"));

	res = trace(&tb, "198.51.100.2", "192.0.2.2", IPPROTO_UDP, 4500, NULL);
	ck_assert_int_eq(res->verdict, DPC_TRACE_DROP);
	ck_assert_ptr_nonnull(strstr(phase(res, "input")->rule,
								 "udp dport 4500 drop"));
	tbed_free(&tb);
}
END_TEST

START_TEST(test_uncertain)
{
	dpc_trace_result_t *res;
	dpc_trace_phase_t *ph;
	tbed_t tb;

	/* "limit rate 5/second icmp type echo-request accept", then policy
	 * drop: depends on the rate */
	tbed_init(&tb, "nft_filter", DPC_DATAPLANE_XFRM);
	res = trace(&tb, "198.51.100.2", "192.0.2.2", 0, 0, NULL);
	ck_assert_int_eq(res->verdict, DPC_TRACE_UNKNOWN);
	ck_assert(!res->certain);
	ph = phase(res, "input");
	ck_assert_int_eq(ph->verdict, DPC_TRACE_UNKNOWN);
	ck_assert_ptr_nonnull(strstr(ph->detail, "limit"));
	ck_assert_ptr_nonnull(strstr(ph->rule, "limit rate"));
	ck_assert_ptr_nonnull(strstr(res->summary, "uncertain"));
	ck_assert_ptr_nonnull(strstr(res->summary, "limit"));
	tbed_free(&tb);
}
END_TEST

START_TEST(test_no_ruleset)
{
	dpc_trace_result_t *res;
	tbed_t tb;

	tbed_init(&tb, NULL, DPC_DATAPLANE_XFRM);
	res = trace(&tb, "10.1.0.5", "10.20.1.10", 0, 0, NULL);
	ck_assert_int_eq(res->verdict, DPC_TRACE_UNKNOWN);
	ck_assert(!res->certain);
	ck_assert_int_eq(phase(res, "forward")->verdict, DPC_TRACE_UNKNOWN);
	/* what IPsec would do is still told */
	ck_assert_int_eq(phase(res, "ipsec")->verdict, DPC_TRACE_ENCRYPT);
	ck_assert_ptr_nonnull(strstr(res->summary, "if it passes"));
	tbed_free(&tb);
}
END_TEST

START_TEST(test_inbound_decrypted)
{
	dpc_trace_result_t *res;
	dpc_trace_phase_t *ph;
	tbed_t tb;

	/* arriving on wan from the remote selector: decrypted, "meta ipsec
	 * exists accept" lets it through */
	tbed_init(&tb, "nft_filter", DPC_DATAPLANE_XFRM);
	res = trace(&tb, "10.20.1.10", "10.1.0.5", 0, 0, NULL);
	ck_assert_str_eq(phase_names(res),
					 "ipsec-in route prerouting forward postrouting result");
	ck_assert(res->decrypted);
	ck_assert_str_eq(res->iif, "wan");
	ck_assert_str_eq(res->oif, "lan");
	ck_assert_int_eq(res->verdict, DPC_TRACE_ALLOW);
	ck_assert(res->has_child && res->landed);
	ph = phase(res, "ipsec-in");
	ck_assert_ptr_nonnull(strstr(ph->detail, "SPI c1000001"));
	ck_assert_ptr_nonnull(strstr(phase(res, "forward")->rule,
								 "meta ipsec exists accept"));
	ck_assert_ptr_nonnull(strstr(res->summary, "decrypted from CHILD_SA"));

	tbed_free(&tb);

	/* the same packet arriving unencrypted on the LAN side: XFRM's inbound
	 * policy drops it (nft_filter's reverse path check would drop it in
	 * prerouting already) */
	tbed_init(&tb, "nft_masq_exempt", DPC_DATAPLANE_XFRM);
	res = trace(&tb, "10.20.1.10", "10.1.0.5", 0, 0, "lan");
	ck_assert(!res->decrypted);
	ck_assert_int_eq(res->verdict, DPC_TRACE_DROP);
	ck_assert_int_eq(phase(res, "ipsec-in")->verdict, DPC_TRACE_DROP);
	tbed_free(&tb);
}
END_TEST

START_TEST(test_inbound_libipsec_forward_drop)
{
	dpc_trace_result_t *res;
	tbed_t tb;

	/* kernel-libipsec: decrypted packets come from ipsec0, the legacy
	 * FORWARD chain only accepts lan+ */
	tbed_init(&tb, "legacy", DPC_DATAPLANE_LIBIPSEC);
	res = trace(&tb, "10.20.1.10", "10.1.0.5", 0, 0, NULL);
	ck_assert(res->decrypted);
	ck_assert_str_eq(res->iif, "ipsec0");
	ck_assert_int_eq(res->verdict, DPC_TRACE_DROP);
	ck_assert_int_eq(phase(res, "forward")->verdict, DPC_TRACE_DROP);
	tbed_free(&tb);
}
END_TEST

START_TEST(test_output)
{
	dpc_trace_result_t *res;
	tbed_t tb;

	tbed_init(&tb, "nft_masq_exempt", DPC_DATAPLANE_XFRM);
	/* the gateway's LAN address is inside the local selector */
	res = trace(&tb, "10.1.0.1", "10.20.1.10", 0, 0, NULL);
	ck_assert_str_eq(phase_names(res),
					 "route output postrouting ipsec outer result");
	ck_assert_str_eq(res->path, "output");
	ck_assert_str_eq(res->iif, "");
	ck_assert_int_eq(res->verdict, DPC_TRACE_ENCRYPT);
	tbed_free(&tb);

	/* masquerade hits the gateway's own packets as well */
	tbed_init(&tb, "nft_masq", DPC_DATAPLANE_XFRM);
	res = trace(&tb, "10.1.0.1", "10.20.1.10", 0, 0, NULL);
	ck_assert_int_eq(res->verdict, DPC_TRACE_CLEARTEXT);

	/* its WAN address is not */
	res = trace(&tb, "192.0.2.2", "10.20.1.10", 0, 0, NULL);
	ck_assert_int_eq(res->verdict, DPC_TRACE_ALLOW);
	ck_assert(!res->has_child);
	ck_assert_ptr_nonnull(strstr(res->summary, "sent unprotected via wan"));

	/* to itself */
	res = trace(&tb, "192.0.2.2", "10.1.0.1", 0, 0, NULL);
	ck_assert_str_eq(res->path, "local");
	ck_assert_int_eq(res->verdict, DPC_TRACE_ALLOW);
	ck_assert_str_eq(phase_names(res), "route output postrouting input result");
	tbed_free(&tb);
}
END_TEST

START_TEST(test_narrowed)
{
	dpc_trace_result_t *res;
	tbed_t tb;

	tbed_init(&tb, "nft_masq_exempt", DPC_DATAPLANE_XFRM);
	bed_set_ts(&bed_child(&tb.bed)->local, "10.1.0.0/25");
	res = trace(&tb, "10.1.0.200", "10.20.1.10", 0, 0, NULL);
	ck_assert_int_eq(res->verdict, DPC_TRACE_CLEARTEXT);
	ck_assert(res->has_child && !res->landed);
	ck_assert_ptr_nonnull(strstr(phase(res, "ipsec")->detail,
								 "10.1.0.0/25"));
	ck_assert_ptr_nonnull(strstr(res->summary, "narrowed"));

	/* inside the narrowed selector it is encrypted */
	res = trace(&tb, "10.1.0.100", "10.20.1.10", 0, 0, NULL);
	ck_assert_int_eq(res->verdict, DPC_TRACE_ENCRYPT);
	tbed_free(&tb);
}
END_TEST

START_TEST(test_selector_ports)
{
	dpc_trace_result_t *res;
	tbed_t tb;

	/* a CHILD_SA for TCP/443 only */
	tbed_init(&tb, "nft_masq_exempt", DPC_DATAPLANE_XFRM);
	bed_set_ts(&bed_child(&tb.bed)->remote, "10.20.1.0/24[6/443]");
	bed_set_ts(&bed_child(&tb.bed)->cfg_remote, "10.20.1.0/24[6/443]");
	res = trace(&tb, "10.1.0.5", "10.20.1.10", IPPROTO_TCP, 443, NULL);
	ck_assert_int_eq(res->verdict, DPC_TRACE_ENCRYPT);
	res = trace(&tb, "10.1.0.5", "10.20.1.10", IPPROTO_TCP, 80, NULL);
	ck_assert_int_eq(res->verdict, DPC_TRACE_ALLOW);
	res = trace(&tb, "10.1.0.5", "10.20.1.10", IPPROTO_UDP, 443, NULL);
	ck_assert_int_eq(res->verdict, DPC_TRACE_ALLOW);
	tbed_free(&tb);
}
END_TEST

START_TEST(test_down_child_ignored)
{
	dpc_trace_result_t *res;
	tbed_t tb;

	tbed_init(&tb, "nft_masq_exempt", DPC_DATAPLANE_XFRM);
	bed_child(&tb.bed)->state = DPC_STATE_DOWN;
	res = trace(&tb, "10.1.0.5", "10.20.1.10", 0, 0, NULL);
	ck_assert_int_eq(res->verdict, DPC_TRACE_ALLOW);
	ck_assert(!res->has_child);
	tbed_free(&tb);
}
END_TEST

static bool no_links(dpc_facts_t *facts, const char *ifname, bool *up)
{
	return false;
}

START_TEST(test_unknown_iif)
{
	dpc_trace_result_t *res;
	tbed_t tb;

	tbed_init(&tb, "nft_masq", DPC_DATAPLANE_XFRM);
	tb.bed.facts->link_exists = no_links;
	res = trace(&tb, "10.1.0.5", "10.20.1.10", 0, 0, "eth9");
	ck_assert_int_eq(res->verdict, DPC_TRACE_UNKNOWN);
	ck_assert(!res->certain);
	ck_assert_ptr_nonnull(strstr(res->summary, "no interface eth9"));
	tbed_free(&tb);
}
END_TEST

START_TEST(test_ipv6_mismatch)
{
	dpc_trace_result_t *res;
	tbed_t tb;

	tbed_init(&tb, "nft_masq", DPC_DATAPLANE_XFRM);
	res = trace(&tb, "10.1.0.5", "fd00::1", 0, 0, NULL);
	ck_assert_int_eq(res->verdict, DPC_TRACE_UNKNOWN);
	tbed_free(&tb);
}
END_TEST

START_TEST(test_ipv6)
{
	dpc_trace_result_t *res;
	tbed_t tb;

	tbed_init(&tb, "nft_filter", DPC_DATAPLANE_XFRM);
	fixture_facts_reset_routes(tb.bed.facts);
	fixture_facts_route(tb.bed.facts, "fd00::/64", "*", 0, DPC_RT_UNICAST,
						"lan", NULL, 254);
	fixture_facts_route(tb.bed.facts, "fd01::/64", "*", 0, DPC_RT_UNICAST,
						"wan", NULL, 254);
	/* the peer (IPv4 outer addresses) */
	fixture_facts_route(tb.bed.facts, "0.0.0.0/0", "*", 0, DPC_RT_UNICAST,
						"wan", "192.0.2.1", 254);
	res = trace(&tb, "fd00::5", "fd01::5", IPPROTO_TCP, 443, NULL);
	ck_assert_str_eq(res->iif, "lan");
	ck_assert_ptr_nonnull(strstr(res->summary,
								 "tcp [fd00::5]:32768 -> [fd01::5]:443"));
	/* inet forward: lan -> wan, tcp 443 returns from fwd_lan, accepted */
	ck_assert_int_eq(res->verdict, DPC_TRACE_ALLOW);

	/* a CHILD_SA for it */
	bed_set_ts(&bed_child(&tb.bed)->local, "fd00::/64");
	bed_set_ts(&bed_child(&tb.bed)->remote, "fd01::/64");
	res = trace(&tb, "fd00::5", "fd01::5", 0, 0, NULL);
	ck_assert_int_eq(res->verdict, DPC_TRACE_ENCRYPT);
	ck_assert_ptr_nonnull(strstr(res->summary, "icmpv6"));
	tbed_free(&tb);
}
END_TEST

/* ------------------------------------------------------------------------
 * request and reply
 */

/**
 * Build a request from "key=value" pairs, parse it back.
 */
static dpc_vici_node_t *request(const char *const *kv)
{
	dpc_vici_builder_t b;
	dpc_vici_node_t *tree;
	uint8_t *msg;
	size_t len;
	char key[64];
	const char *eq;

	dpc_vici_builder_init(&b);
	for (; *kv; kv++)
	{
		eq = strchr(*kv, '=');
		ck_assert_ptr_nonnull(eq);
		snprintf(key, sizeof(key), "%.*s", (int)(eq - *kv), *kv);
		dpc_vici_add_kv_str(&b, key, eq + 1);
	}
	ck_assert(dpc_vici_builder_finish(&b, &msg, &len));
	tree = dpc_vici_parse(msg, len, NULL);
	dpc_vici_msg_free(msg);
	ck_assert_ptr_nonnull(tree);
	return tree;
}

/**
 * Parse a request expecting failure with an error containing part.
 */
static void bad_request(const char *const *kv, const char *part)
{
	dpc_vici_node_t *tree = request(kv);
	dpc_trace_query_t q;
	char err[256];

	ck_assert_msg(!dpc_trace_msg_parse(tree, &q, err, sizeof(err)),
				  "accepted a bad request (%s)", part);
	ck_assert_msg(strstr(err, part), "error '%s' lacks '%s'", err, part);
	dpc_vici_node_free(tree);
}

START_TEST(test_flow_states)
{
	dpc_trace_result_t *res;
	tbed_t tb;

	/* ping passes, new TCP does not; established TCP does */
	tbed_init(&tb, "nft_fwd_ping", DPC_DATAPLANE_XFRM);
	res = trace(&tb, "10.1.0.5", "10.20.1.5", 0, 0, NULL);
	ck_assert_int_eq(res->verdict, DPC_TRACE_ENCRYPT);
	res = trace(&tb, "10.1.0.5", "10.20.1.5", IPPROTO_TCP, 443, NULL);
	ck_assert_int_eq(res->verdict, DPC_TRACE_DROP);
	ck_assert(res->certain);
	ck_assert_msg(strstr(res->conntrack, "ct state new, ct direction "
						 "original, ct status: not confirmed"), "%s",
				  res->conntrack);
	tb.q.state = DPC_TRACE_CT_ESTABLISHED;
	dpc_trace_run(&tb.q, tb.bed.facts, &tb.bed.tunnels, &tb.res);
	ck_assert_int_eq(res->verdict, DPC_TRACE_ENCRYPT);
	ck_assert_msg(strstr(res->conntrack, "ct state established, ct "
						 "direction original"), "%s", res->conntrack);
	ck_assert_msg(strstr(res->summary, "(established)"), "%s", res->summary);
	/* an answer to an inbound ping: echo reply, reply direction */
	memset(&tb.q, 0, sizeof(tb.q));
	ck_assert(dpc_addr_parse(&tb.q.src, "10.1.0.5"));
	ck_assert(dpc_addr_parse(&tb.q.dst, "10.20.1.5"));
	tb.q.state = DPC_TRACE_CT_REPLY;
	dpc_trace_run(&tb.q, tb.bed.facts, &tb.bed.tunnels, &tb.res);
	ck_assert_int_eq(res->verdict, DPC_TRACE_ENCRYPT);
	ck_assert_msg(strstr(res->summary, "echo-reply"), "%s", res->summary);
	ck_assert(strstr(res->conntrack, "ct direction reply"));
	tbed_free(&tb);

	/* a port forward: prerouting DNAT sets ct status dnat, which forward
	 * accepts; certain */
	tbed_init(&tb, "nft_dnat_ct_status", DPC_DATAPLANE_XFRM);
	res = trace(&tb, "198.51.100.9", "192.0.2.2", IPPROTO_TCP, 8080, "wan");
	ck_assert_msg(res->verdict == DPC_TRACE_ALLOW, "%s", res->summary);
	ck_assert(res->certain);
	ck_assert_msg(strstr(res->conntrack, "dnat (by"), "%s", res->conntrack);
	ck_assert_int_eq(phase(res, "forward")->verdict, DPC_TRACE_ALLOW);
	ck_assert(strstr(phase(res, "forward")->rule, "ct status dnat"));
	/* without the DNAT the same rule does not match: dropped */
	res = trace(&tb, "198.51.100.9", "10.1.0.7", IPPROTO_TCP, 80, "wan");
	ck_assert_int_eq(res->verdict, DPC_TRACE_DROP);
	ck_assert(res->certain);
	tbed_free(&tb);
}
END_TEST

START_TEST(test_request_ok)
{
	const char *kv[] = { "src=10.1.0.5", "dst=10.20.1.10", "proto=tcp",
						 "dport=443", "sport=1234", "iif=lan", NULL };
	const char *icmp[] = { "src=fd00::1", "dst=fd01::1", "proto=icmp",
						   "type=1/4", NULL };
	const char *plain[] = { "src=10.1.0.5", "dst=10.20.1.10", NULL };
	const char *reply[] = { "src=10.1.0.5", "dst=10.20.1.10",
							"state=reply", NULL };
	dpc_vici_node_t *tree;
	dpc_trace_query_t q;
	char err[256];

	tree = request(kv);
	ck_assert(dpc_trace_msg_parse(tree, &q, err, sizeof(err)));
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(q.proto, IPPROTO_TCP);
	ck_assert_uint_eq(q.dport, 443);
	ck_assert_uint_eq(q.sport, 1234);
	ck_assert_str_eq(q.iif, "lan");
	dpc_vici_node_free(tree);

	tree = request(icmp);
	ck_assert(dpc_trace_msg_parse(tree, &q, err, sizeof(err)));
	ck_assert_int_eq(q.proto, IPPROTO_ICMPV6);
	ck_assert(q.has_icmp_type);
	ck_assert_uint_eq(q.icmp_type, 1);
	ck_assert_uint_eq(q.icmp_code, 4);
	dpc_vici_node_free(tree);

	tree = request(plain);
	ck_assert(dpc_trace_msg_parse(tree, &q, err, sizeof(err)));
	ck_assert_int_eq(q.proto, IPPROTO_ICMP);
	ck_assert(!q.has_icmp_type);
	ck_assert_int_eq(q.state, DPC_TRACE_CT_NEW);
	dpc_vici_node_free(tree);

	tree = request(reply);
	ck_assert(dpc_trace_msg_parse(tree, &q, err, sizeof(err)));
	ck_assert_int_eq(q.state, DPC_TRACE_CT_REPLY);
	ck_assert_uint_eq(dpc_trace_query_icmp_type(&q), 0);
	dpc_vici_node_free(tree);
}
END_TEST

START_TEST(test_request_bad)
{
	const char *k1[] = { "dst=10.20.1.10", NULL };
	const char *k2[] = { "src=10.1.0.5", NULL };
	const char *k3[] = { "src=10.1.0.256", "dst=10.20.1.10", NULL };
	const char *k4[] = { "src=10.1.0.5", "dst=fd00::1", NULL };
	const char *k5[] = { "src=10.1.0.5", "dst=10.20.1.10", "proto=tcpp",
						 NULL };
	const char *k6[] = { "src=10.1.0.5", "dst=10.20.1.10", "proto=tcp", NULL };
	const char *k7[] = { "src=10.1.0.5", "dst=10.20.1.10", "dport=22", NULL };
	const char *k8[] = { "src=10.1.0.5", "dst=10.20.1.10", "proto=udp",
						 "dport=65536", NULL };
	const char *k9[] = { "src=10.1.0.5", "dst=10.20.1.10", "proto=udp",
						 "dport=0", NULL };
	const char *k10[] = { "src=10.1.0.5", "dst=10.20.1.10", "proto=udp",
						  "dport=53", "sport=-1", NULL };
	const char *k11[] = { "src=10.1.0.5", "dst=10.20.1.10", "proto=tcp",
						  "dport=22", "type=8", NULL };
	const char *k12[] = { "src=10.1.0.5", "dst=10.20.1.10", "type=256",
						  NULL };
	const char *k13[] = { "src=10.1.0.5", "dst=10.20.1.10", "type=3/",
						  NULL };
	const char *k14[] = { "src=10.1.0.5", "dst=10.20.1.10",
						  "iif=a-very-long-interface-name", NULL };
	const char *k15[] = { "src=10.1.0.5", "dst=10.20.1.10", "iif=../x",
						  NULL };
	const char *k16[] = { "src=10.1.0.5", "dst=10.20.1.10", "dprt=22", NULL };
	const char *k17[] = { "src=10.1.0.5", "dst=10.20.1.10", "src=10.1.0.6",
						  NULL };
	const char *k18[] = { "src=", "dst=10.20.1.10", NULL };
	const char *k19[] = { "src=10.1.0.5", "dst=10.20.1.10", "proto=256",
						  NULL };
	const char *k20[] = { "src=10.1.0.5", "dst=10.20.1.10", "proto=udp",
						  "dport= 53", NULL };
	const char *k21[] = { "src=10.1.0.5/24", "dst=10.20.1.10", NULL };
	const char *k22[] = { "src=10.1.0.5", "dst=10.20.1.10", "state=old",
						  NULL };

	bad_request(k1, "source address (src)");
	bad_request(k2, "destination address (dst)");
	bad_request(k3, "src '10.1.0.256' is not an IPv4 or IPv6 address");
	bad_request(k4, "must both be IPv4 or both IPv6");
	bad_request(k5, "unknown protocol 'tcpp'");
	bad_request(k6, "tcp needs a destination port");
	bad_request(k7, "ports only apply to tcp, udp and sctp, not to icmp");
	bad_request(k8, "dport '65536' is not a port");
	bad_request(k9, "dport '0' is not a port");
	bad_request(k10, "sport '-1' is not a port");
	bad_request(k11, "ICMP type only applies");
	bad_request(k12, "type '256'");
	bad_request(k13, "type '3/'");
	bad_request(k14, "is not an interface name");
	bad_request(k15, "is not an interface name");
	bad_request(k16, "unknown key 'dprt'");
	bad_request(k17, "'src' given more than once");
	bad_request(k18, "src '' is not");
	bad_request(k19, "unknown protocol '256'");
	bad_request(k20, "dport ' 53'");
	bad_request(k21, "src '10.1.0.5/24'");
	bad_request(k22, "state 'old' is not new, established or reply");
}
END_TEST

START_TEST(test_request_malformed_elements)
{
	dpc_vici_builder_t b;
	dpc_vici_node_t *tree;
	dpc_trace_query_t q;
	uint8_t *msg;
	size_t len;
	char err[256];
	int i;

	for (i = 0; i < 4; i++)
	{
		dpc_vici_builder_init(&b);
		dpc_vici_add_kv_str(&b, "dst", "10.20.1.10");
		switch (i)
		{
			case 0:	/* a section instead of a key/value */
				dpc_vici_begin_section(&b, "src");
				dpc_vici_end_section(&b);
				break;
			case 1:	/* a list */
				dpc_vici_begin_list(&b, "src");
				dpc_vici_add_itemf(&b, "10.1.0.5");
				dpc_vici_end_list(&b);
				break;
			case 2:	/* an embedded NUL */
				dpc_vici_add_kv(&b, "src", "10.1.0.5\0x", 10);
				break;
			case 3:	/* control characters in an unknown key */
				dpc_vici_add_kv_str(&b, "src", "10.1.0.5");
				dpc_vici_add_kv_str(&b, "\x1b[2J", "x");
				break;
		}
		ck_assert(dpc_vici_builder_finish(&b, &msg, &len));
		tree = dpc_vici_parse(msg, len, NULL);
		dpc_vici_msg_free(msg);
		ck_assert_ptr_nonnull(tree);
		ck_assert(!dpc_trace_msg_parse(tree, &q, err, sizeof(err)));
		ck_assert_ptr_null(strchr(err, '\x1b'));
		dpc_vici_node_free(tree);
	}
	ck_assert(!dpc_trace_msg_parse(NULL, &q, err, sizeof(err)));
}
END_TEST

START_TEST(test_report)
{
	dpc_vici_node_t *tree;
	dpc_trace_result_t *res;
	const dpc_vici_node_t *phases, *last;
	uint8_t *msg;
	size_t len;
	tbed_t tb;

	tbed_init(&tb, "nft_masq", DPC_DATAPLANE_XFRM);
	res = trace(&tb, "10.1.0.5", "10.20.1.10", IPPROTO_TCP, 22, NULL);
	ck_assert(dpc_trace_msg_report(&tb.q, res, &msg, &len));
	tree = dpc_vici_parse(msg, len, NULL);
	dpc_vici_msg_free(msg);
	ck_assert_ptr_nonnull(tree);
	ck_assert_str_eq(dpc_vici_find_str(tree, "success", ""), "yes");
	ck_assert_str_eq(dpc_vici_find_str(tree, "src", ""), "10.1.0.5");
	ck_assert_str_eq(dpc_vici_find_str(tree, "proto", ""), "tcp");
	ck_assert_str_eq(dpc_vici_find_str(tree, "sport", ""), "32768");
	ck_assert_str_eq(dpc_vici_find_str(tree, "dport", ""), "22");
	ck_assert_str_eq(dpc_vici_find_str(tree, "verdict", ""), "cleartext");
	ck_assert_str_eq(dpc_vici_find_str(tree, "certain", ""), "yes");
	ck_assert_str_eq(dpc_vici_find_str(tree, "path", ""), "forward");
	ck_assert_str_eq(dpc_vici_find_str(tree, "child.child", ""), "net");
	ck_assert_str_eq(dpc_vici_find_str(tree, "child.landed", ""), "no");
	ck_assert_str_eq(dpc_vici_find_str(tree, "child.reqid", ""), "7");
	ck_assert_str_eq(dpc_vici_find_str(tree, "phases.0.phase", ""), "route");
	ck_assert_ptr_nonnull(strstr(dpc_vici_find_str(tree,
								 "phases.3.rule", ""), "masquerade"));
	phases = dpc_vici_get(tree, "phases");
	ck_assert(dpc_vici_is_array(phases));
	ck_assert_uint_eq(phases->count, res->count);
	last = phases->last;
	ck_assert_str_eq(dpc_vici_find_str(last, "phase", ""), "result");
	ck_assert_str_eq(dpc_vici_find_str(last, "verdict", ""), "cleartext");
	dpc_vici_node_free(tree);

	/* no CHILD_SA concerned: an empty section */
	res = trace(&tb, "10.1.0.5", "10.66.0.1", 0, 0, NULL);
	ck_assert(dpc_trace_msg_report(&tb.q, res, &msg, &len));
	tree = dpc_vici_parse(msg, len, NULL);
	dpc_vici_msg_free(msg);
	ck_assert_ptr_nonnull(tree);
	ck_assert_ptr_nonnull(dpc_vici_get(tree, "child"));
	ck_assert_uint_eq(dpc_vici_get(tree, "child")->count, 0);
	ck_assert_str_eq(dpc_vici_find_str(tree, "icmp_type", ""), "8");
	ck_assert_ptr_null(dpc_vici_get(tree, "dport"));
	dpc_vici_node_free(tree);

	ck_assert(dpc_report_error("trace needs a source address (src)",
								  &msg, &len));
	tree = dpc_vici_parse(msg, len, NULL);
	dpc_vici_msg_free(msg);
	ck_assert_str_eq(dpc_vici_find_str(tree, "success", ""), "no");
	ck_assert_str_eq(dpc_vici_find_str(tree, "errmsg", ""),
					 "trace needs a source address (src)");
	dpc_vici_node_free(tree);
	tbed_free(&tb);
}
END_TEST

START_TEST(test_verdict_names)
{
	ck_assert_str_eq(dpc_trace_verdict_name(DPC_TRACE_ALLOW), "allow");
	ck_assert_str_eq(dpc_trace_verdict_name(DPC_TRACE_DROP), "drop");
	ck_assert_str_eq(dpc_trace_verdict_name(DPC_TRACE_REJECT), "reject");
	ck_assert_str_eq(dpc_trace_verdict_name(DPC_TRACE_NAT), "nat");
	ck_assert_str_eq(dpc_trace_verdict_name(DPC_TRACE_ENCRYPT), "encrypt");
	ck_assert_str_eq(dpc_trace_verdict_name(DPC_TRACE_CLEARTEXT),
					 "cleartext");
	ck_assert_str_eq(dpc_trace_verdict_name(DPC_TRACE_UNKNOWN), "unknown");
	ck_assert_str_eq(dpc_trace_verdict_name(99), "unknown");
}
END_TEST

Suite *trace_suite(void)
{
	Suite *s = suite_create("packet tracer");
	TCase *tc;

	tc = tcase_create("paths");
	tcase_add_test(tc, test_encrypted);
	tcase_add_test(tc, test_xfrm_phase);
	tcase_add_test(tc, test_encrypted_policy_match);
	tcase_add_test(tc, test_masquerade_cleartext);
	tcase_add_test(tc, test_masquerade_libipsec);
	tcase_add_test(tc, test_libipsec_route_bypass);
	tcase_add_test(tc, test_forward_drop);
	tcase_add_test(tc, test_forward_policy_drop_legacy);
	tcase_add_test(tc, test_no_route);
	tcase_add_test(tc, test_rp_filter);
	tcase_add_test(tc, test_local_input);
	tcase_add_test(tc, test_uncertain);
	tcase_add_test(tc, test_no_ruleset);
	tcase_add_test(tc, test_inbound_decrypted);
	tcase_add_test(tc, test_inbound_libipsec_forward_drop);
	tcase_add_test(tc, test_output);
	tcase_add_test(tc, test_narrowed);
	tcase_add_test(tc, test_selector_ports);
	tcase_add_test(tc, test_down_child_ignored);
	tcase_add_test(tc, test_unknown_iif);
	tcase_add_test(tc, test_ipv6_mismatch);
	tcase_add_test(tc, test_ipv6);
	suite_add_tcase(s, tc);

	tc = tcase_create("socket messages");
	tcase_add_test(tc, test_request_ok);
	tcase_add_test(tc, test_request_bad);
	tcase_add_test(tc, test_flow_states);
	tcase_add_test(tc, test_request_malformed_elements);
	tcase_add_test(tc, test_report);
	tcase_add_test(tc, test_verdict_names);
	suite_add_tcase(s, tc);
	return s;
}
