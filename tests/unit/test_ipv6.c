/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * IPv6: the checks of a dual-stack CHILD_SA (10.10.1.0/24,fd10::/64 <->
 * 10.20.1.0/24,2001:db8:20::/64, the lab's gwA with LAB_IPV6=1) look at
 * each family on its own; IPv6 forwarding as the kernel decides it; IPv6
 * source address selection for masquerade; nat-before-ipsec and
 * filter-blocks-forward on rulesets captured from real nft and
 * ip6tables-nft.
 */

#include "dpc_tests.h"
#include "fixture_facts.h"
#include "fixture_tunnel.h"
#include "nfsim_fixture.h"

#include <nfsim/nfsim_private.h>
#include <nfsim/nfsim_ruleset.h>
#include <trace/dpc_trace.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/**
 * Number of findings of a code, and the one with a discriminator.
 */
static int count_code(bed_t *bed, const char *code, const char *discrim,
					  dpc_finding_t **found)
{
	size_t i;
	int n = 0;

	*found = NULL;
	for (i = 0; i < bed->findings.count; i++)
	{
		if (!strcmp(bed->findings.items[i].code, code))
		{
			n++;
			if (!strcmp(bed->findings.items[i].discrim, discrim))
			{
				*found = &bed->findings.items[i];
			}
		}
	}
	return n;
}

static void dual_init(bed_t *bed)
{
	bed_init(bed);
	bed_dual_stack(bed);
}

START_TEST(test_dual_stack_paths)
{
	const dpc_path_t *v4, *v6, *first;
	bed_t bed;
	char a[DPC_ADDR_STRLEN];

	dual_init(&bed);
	bed_run(&bed);
	ck_assert_int_eq(bed_problems(&bed), 0);
	ck_assert_uint_eq(bed.paths.count, 2);
	v4 = dpc_paths_find(&bed.paths, 1, 1, AF_INET);
	v6 = dpc_paths_find(&bed.paths, 1, 1, AF_INET6);
	first = dpc_paths_find(&bed.paths, 1, 1, 0);
	ck_assert_ptr_nonnull(v4);
	ck_assert_ptr_nonnull(v6);
	ck_assert_ptr_eq(first, v4);
	ck_assert_str_eq(dpc_addr_to_str(&v6->rhost, a, sizeof(a)),
					 "2001:db8:20::1");
	ck_assert_str_eq(dpc_addr_to_str(&v6->lhost, a, sizeof(a)), "fd10::2");
	ck_assert_str_eq(v6->lan, "lan");
	ck_assert_str_eq(v6->tun, "ipsec0");
	ck_assert_str_eq(v6->out, "ipsec0");
	ck_assert_str_eq(dpc_addr_to_str(&v4->rhost, a, sizeof(a)), "10.20.1.1");
	/* an IPv6-only CHILD_SA: its first path is the IPv6 one */
	bed_set_ts(&bed_child(&bed)->local, "fd10::/64");
	bed_set_ts(&bed_child(&bed)->remote, "2001:db8:20::/64");
	bed_run(&bed);
	ck_assert_uint_eq(bed.paths.count, 1);
	ck_assert_ptr_eq(dpc_paths_find(&bed.paths, 1, 1, 0),
					 dpc_paths_find(&bed.paths, 1, 1, AF_INET6));
	ck_assert_ptr_null(dpc_paths_find(&bed.paths, 1, 1, AF_INET));
	bed_free(&bed);
}
END_TEST

START_TEST(test_forwarding_off_ipv6_only)
{
	dpc_finding_t *f;
	bed_t bed;

	dual_init(&bed);
	fixture_facts_sysctl(bed.facts, "net/ipv6/conf/all/forwarding", 0);
	bed_run(&bed);
	/* one finding, the IPv6 one: IPv4 still forwards */
	ck_assert_int_eq(count_code(&bed, "forwarding-disabled", "ipv6", &f), 1);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_ERROR);
	ck_assert_ptr_nonnull(strstr(f->message, "IPv6 forwarding is off"));
	ck_assert(bed_has_evidence(f, "net.ipv6.conf.all.forwarding", "0"));
	ck_assert(bed_has_evidence(f, "net.ipv6.conf.lan.force_forwarding", "0"));
	ck_assert_ptr_nonnull(strstr(f->hint, "net.ipv6.conf.all.forwarding=1"));
	/* no RA note without accept_ra=1 on the WAN */
	ck_assert_ptr_null(strstr(f->hint, "accept_ra"));
	/* the lookups that fail because of it are not blamed on routes */
	ck_assert_ptr_null(bed_find(&bed, "inbound-undeliverable"));
	ck_assert_ptr_null(bed_find(&bed, "route-missing"));

	/* turning forwarding on ignores RAs where accept_ra is 1 */
	fixture_facts_sysctl(bed.facts, "net/ipv6/conf/wan/accept_ra", 1);
	bed_run(&bed);
	f = bed_find(&bed, "forwarding-disabled");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(f->hint, "net.ipv6.conf.wan.accept_ra=2"));
	bed_free(&bed);
}
END_TEST

START_TEST(test_forwarding_ipv6_per_interface_ignored)
{
	bed_t bed;

	dual_init(&bed);
	/* conf/<if>/forwarding is host/router behaviour for IPv6, the kernel
	 * forwards on conf/all/forwarding alone */
	fixture_facts_sysctl(bed.facts, "net/ipv6/conf/lan/forwarding", 0);
	fixture_facts_sysctl(bed.facts, "net/ipv6/conf/ipsec0/forwarding", 0);
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "forwarding-disabled"));
	ck_assert_int_eq(bed_problems(&bed), 0);
	bed_free(&bed);
}
END_TEST

START_TEST(test_forwarding_ipv6_force_forwarding)
{
	dpc_finding_t *f;
	bed_t bed;

	dual_init(&bed);
	fixture_facts_sysctl(bed.facts, "net/ipv6/conf/all/forwarding", 0);
	fixture_facts_sysctl(bed.facts, "net/ipv6/conf/lan/force_forwarding", 1);
	fixture_facts_sysctl(bed.facts, "net/ipv6/conf/ipsec0/force_forwarding",
						 1);
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "forwarding-disabled"));
	/* forced on the LAN only: what comes out of the tunnel is dropped */
	fixture_facts_sysctl(bed.facts, "net/ipv6/conf/ipsec0/force_forwarding",
						 0);
	bed_run(&bed);
	f = bed_find(&bed, "forwarding-disabled");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(f->message, "from the tunnel to the LAN"));
	ck_assert(bed_has_evidence(f, "net.ipv6.conf.ipsec0.force_forwarding", "0"));
	bed_free(&bed);
}
END_TEST

START_TEST(test_forwarding_ipv6_disabled_on_tun)
{
	dpc_finding_t *f;
	bed_t bed;

	dual_init(&bed);
	/* kernel-libipsec's device created where default.disable_ipv6=1 */
	fixture_facts_sysctl(bed.facts, "net/ipv6/conf/ipsec0/disable_ipv6", 1);
	bed_run(&bed);
	ck_assert_int_eq(count_code(&bed, "forwarding-disabled", "ipv6", &f), 1);
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(f->message, "IPv6 is disabled on ipsec0"));
	ck_assert(bed_has_evidence(f, "net.ipv6.conf.ipsec0.disable_ipv6", "1"));
	ck_assert_ptr_nonnull(strstr(f->hint,
								 "net.ipv6.conf.ipsec0.disable_ipv6=0"));
	bed_free(&bed);
}
END_TEST

START_TEST(test_forwarding_ipv4_off_ipv6_on)
{
	dpc_finding_t *f;
	bed_t bed;

	dual_init(&bed);
	fixture_facts_sysctl(bed.facts, "net/ipv4/ip_forward", 0);
	bed_run(&bed);
	ck_assert_int_eq(count_code(&bed, "forwarding-disabled", "", &f), 1);
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(f->hint, "net.ipv4.ip_forward=1"));
	bed_free(&bed);
}
END_TEST

START_TEST(test_route_missing_ipv6)
{
	dpc_finding_t *f;
	bed_t bed;

	dual_init(&bed);
	/* 'ip route del 2001:db8:20::/64 table 220' on a gateway without an
	 * IPv6 default route */
	fixture_facts_reset_routes(bed.facts);
	fixture_facts_route(bed.facts, "10.20.1.0/24", "*", 0, DPC_RT_UNICAST,
						"ipsec0", NULL, 220);
	fixture_facts_route(bed.facts, "10.10.1.0/24", "*", 0, DPC_RT_UNICAST,
						"lan", NULL, 254);
	fixture_facts_route(bed.facts, "fd10::/64", "*", 0, DPC_RT_UNICAST,
						"lan", NULL, 254);
	bed_run(&bed);
	ck_assert_int_eq(count_code(&bed, "route-missing", "ipv6", &f), 1);
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(f->message, "2001:db8:20::/64"));
	ck_assert(bed_has_evidence(f, "route", "2001:db8:20::1 from fd10::2 iif lan"));
	ck_assert(bed_has_evidence(f, "route_own", "from fd10::1"));
	ck_assert_ptr_nonnull(strstr(f->hint, "ip route add 2001:db8:20::/64 "
								 "dev ipsec0 src fd10::1 table 220"));
	ck_assert_ptr_null(bed_find(&bed, "inbound-undeliverable"));
	bed_free(&bed);
}
END_TEST

START_TEST(test_route_unreachable_ipv6)
{
	bed_t bed;
	dpc_finding_t *f;

	dual_init(&bed);
	/* an unreachable route for the remote IPv6 selector answers
	 * EHOSTUNREACH (an ip6 null entry ENETUNREACH) */
	fixture_facts_reset_routes(bed.facts);
	fixture_facts_route(bed.facts, "2001:db8:20::/64", "*", EHOSTUNREACH, 0,
						NULL, NULL, 0);
	fixture_facts_route(bed.facts, "10.20.1.0/24", "*", 0, DPC_RT_UNICAST,
						"ipsec0", NULL, 220);
	fixture_facts_route(bed.facts, "10.10.1.0/24", "*", 0, DPC_RT_UNICAST,
						"lan", NULL, 254);
	fixture_facts_route(bed.facts, "fd10::/64", "*", 0, DPC_RT_UNICAST,
						"lan", NULL, 254);
	bed_run(&bed);
	ck_assert_int_eq(count_code(&bed, "route-missing", "ipv6", &f), 1);
	ck_assert_ptr_nonnull(f);
	bed_free(&bed);
}
END_TEST

START_TEST(test_inbound_undeliverable_ipv6)
{
	dpc_finding_t *f;
	bed_t bed;

	dual_init(&bed);
	/* the IPv6 LAN route is gone: decrypted packets follow the IPv6
	 * default route back out of the WAN */
	fixture_facts_reset_routes(bed.facts);
	fixture_facts_route(bed.facts, "10.20.1.0/24", "*", 0, DPC_RT_UNICAST,
						"ipsec0", NULL, 220);
	fixture_facts_route(bed.facts, "10.10.1.0/24", "*", 0, DPC_RT_UNICAST,
						"lan", NULL, 254);
	fixture_facts_route(bed.facts, "2001:db8:20::/64", "*", 0,
						DPC_RT_UNICAST, "ipsec0", NULL, 220);
	fixture_facts_route(bed.facts, "::/0", "*", 0, DPC_RT_UNICAST, "wan",
						"2001:db8:a::1", 254);
	bed_run(&bed);
	ck_assert_int_eq(count_code(&bed, "inbound-undeliverable", "ipv6", &f),
					 1);
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(f->message, "fd10::/64"));
	ck_assert_ptr_nonnull(strstr(f->message, "routed back out of wan"));
	ck_assert(bed_has_evidence(f, "route", "fd10::2 from 2001:db8:20::1 "));
	ck_assert(bed_has_evidence(f, "route", "iif ipsec0"));
	bed_free(&bed);
}
END_TEST

START_TEST(test_unprotected_ipv6_gap)
{
	dpc_finding_t *f;
	bed_t bed;

	dual_init(&bed);
	/* the peer narrowed only the IPv6 remote selector */
	bed_set_ts(&bed_child(&bed)->remote, "10.20.1.0/24");
	bed_add_ts(&bed_child(&bed)->remote, "2001:db8:20::/65");
	bed_run(&bed);
	f = bed_find(&bed, "ts-unprotected");
	ck_assert_ptr_nonnull(f);
	ck_assert_msg(strstr(f->message, "2001:db8:20:0:8000::/65 of the "
						 "configured remote traffic selectors 10.20.1.0/24, "
						 "2001:db8:20::/64"), "%s", f->message);
	/* the uncovered IPv6 range is looked up from an IPv6 LAN host: the
	 * table 220 route still covers the /64 */
	ck_assert_ptr_nonnull(strstr(f->message, "routed into ipsec0 but "
								 "matches no SA"));
	ck_assert(bed_has_evidence(f, "route", "2001:db8:20:0:8000::1 from fd10::2"));
	bed_free(&bed);
}
END_TEST

START_TEST(test_saddr6_rfc6724)
{
	nfsim_ifaddr_t addrs[4];
	uint8_t dst[16], src[16];
	char s[INET6_ADDRSTRLEN];

	memset(addrs, 0, sizeof(addrs));
	addrs[0] = (nfsim_ifaddr_t){ .family = AF_INET6, .plen = 128,
								 .ifname = "lo" };
	inet_pton(AF_INET6, "::1", addrs[0].addr);
	addrs[1] = (nfsim_ifaddr_t){ .family = AF_INET6, .plen = 64,
								 .ifname = "lan" };
	inet_pton(AF_INET6, "fd10::1", addrs[1].addr);
	addrs[2] = (nfsim_ifaddr_t){ .family = AF_INET6, .plen = 64,
								 .ifname = "wan" };
	inet_pton(AF_INET6, "2001:db8:a::2", addrs[2].addr);
	addrs[3] = (nfsim_ifaddr_t){ .family = AF_INET6, .plen = 64,
								 .ifname = "wan" };
	inet_pton(AF_INET6, "fe80::1", addrs[3].addr);

	/* out of an address-less TUN device to a global address: the WAN's
	 * global address (label 1 like the destination; the ULA's is 5) */
	inet_pton(AF_INET6, "2001:db8:20::10", dst);
	ck_assert(nfsim_saddr6(addrs, 4, "ipsec0", dst, src));
	ck_assert_str_eq(inet_ntop(AF_INET6, src, s, sizeof(s)), "2001:db8:a::2");
	/* to a ULA: the ULA, whichever device */
	inet_pton(AF_INET6, "fd20::10", dst);
	ck_assert(nfsim_saddr6(addrs, 4, "ipsec0", dst, src));
	ck_assert_str_eq(inet_ntop(AF_INET6, src, s, sizeof(s)), "fd10::1");
	/* to a link-local destination: only the output device's addresses,
	 * the link-local one by scope */
	inet_pton(AF_INET6, "fe80::2", dst);
	ck_assert(nfsim_saddr6(addrs, 4, "wan", dst, src));
	ck_assert_str_eq(inet_ntop(AF_INET6, src, s, sizeof(s)), "fe80::1");
	ck_assert(!nfsim_saddr6(addrs, 4, "ipsec0", dst, src));
	/* the output device's address before a matching label (rule 5 comes
	 * before rule 6) */
	inet_pton(AF_INET6, "2001:db8:a::99", dst);
	ck_assert(nfsim_saddr6(addrs, 4, "lan", dst, src));
	ck_assert_str_eq(inet_ntop(AF_INET6, src, s, sizeof(s)), "fd10::1");
	/* equal labels, none on the device: the longest common prefix, not
	 * the first */
	addrs[1] = (nfsim_ifaddr_t){ .family = AF_INET6, .plen = 64,
								 .ifname = "dmz" };
	inet_pton(AF_INET6, "2001:db8:b::5", addrs[1].addr);
	ck_assert(nfsim_saddr6(addrs, 4, "ipsec0", dst, src));
	ck_assert_str_eq(inet_ntop(AF_INET6, src, s, sizeof(s)), "2001:db8:a::2");
	inet_pton(AF_INET6, "2001:db8:b::99", dst);
	ck_assert(nfsim_saddr6(addrs, 4, "ipsec0", dst, src));
	ck_assert_str_eq(inet_ntop(AF_INET6, src, s, sizeof(s)), "2001:db8:b::5");
}
END_TEST

/**
 * A dual-stack bed with a ruleset captured from the real tools.
 */
static nfsim_ruleset_t *dual_ruleset(bed_t *bed, const char *fixture)
{
	nfsim_ruleset_t *rs;
	char path[256];
	unsigned bad = 0;

	dual_init(bed);
	snprintf(path, sizeof(path), "%s/nfsim/%s.nl", FIXTURES, fixture);
	rs = nfsim_fixture_load(path, NULL, &bad);
	ck_assert_msg(rs, "cannot load %s", path);
	ck_assert_uint_eq(bad, 0);
	fixture_facts_ruleset(bed->facts, rs);
	return rs;
}

/**
 * nat-before-ipsec on the IPv6 path only, masqueraded to the WAN.
 */
static void check_masq6(const char *fixture, const char *rule)
{
	nfsim_ruleset_t *rs;
	dpc_finding_t *f;
	bed_t bed;

	rs = dual_ruleset(&bed, fixture);
	bed_run(&bed);
	ck_assert_int_eq(count_code(&bed, "nat-before-ipsec", "ipv6", &f), 1);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_ERROR);
	ck_assert_msg(strstr(f->message, "to 2001:db8:a::2, outside the local"),
				  "%s", f->message);
	ck_assert_msg(bed_has_evidence(f, "rule", rule), "%s", f->evidence[0].value);
	ck_assert(bed_has_evidence(f, "packet", "fd10::2 -> 2001:db8:20::1 oif "
						   "ipsec0"));
	ck_assert_ptr_nonnull(strstr(f->hint, "ip6 saddr fd10::/64 ip6 daddr "
								 "2001:db8:20::/64 accept"));
	ck_assert_ptr_null(bed_find(&bed, "nat-hides-source"));
	bed_free(&bed);
	nfsim_ruleset_destroy(rs);
}

START_TEST(test_masq6_inet_nft)
{
	check_masq6("nft_masq6_inet", "inet nat post handle ");
}
END_TEST

START_TEST(test_masq6_ip6tables_nft)
{
	check_masq6("ip6tnft_masq", "MASQUERADE");
}
END_TEST

START_TEST(test_masq6_ula_hides_source)
{
	nfsim_ruleset_t *rs;
	dpc_finding_t *f;
	bed_t bed;

	/* the far LAN is a ULA too: the kernel picks fd10::1, inside the local
	 * selectors; traffic still flows, the far side sees the gateway */
	rs = dual_ruleset(&bed, "nft_masq6_inet");
	bed_set_ts(&bed_child(&bed)->remote, "10.20.1.0/24");
	bed_add_ts(&bed_child(&bed)->remote, "fd20::/64");
	bed_set_ts(&bed_child(&bed)->cfg_remote, "10.20.1.0/24");
	bed_add_ts(&bed_child(&bed)->cfg_remote, "fd20::/64");
	fixture_facts_reset_routes(bed.facts);
	fixture_facts_route(bed.facts, "fd20::/64", "*", 0, DPC_RT_UNICAST,
						"ipsec0", NULL, 220);
	fixture_facts_route(bed.facts, "fd10::/64", "*", 0, DPC_RT_UNICAST,
						"lan", NULL, 254);
	fixture_facts_route(bed.facts, "10.0.0.0/8", "*", 0, DPC_RT_UNICAST,
						"ipsec0", NULL, 220);
	bed_run(&bed);
	f = bed_find(&bed, "nat-before-ipsec");
	ck_assert_msg(!f, "%s %s", f ? f->message : "", f ? f->discrim : "");
	ck_assert_int_eq(count_code(&bed, "nat-hides-source", "out ipv6", &f), 1);
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(f->message, "to fd10::1"));
	bed_free(&bed);
	nfsim_ruleset_destroy(rs);
}
END_TEST

START_TEST(test_forward6_echo_not_nd)
{
	nfsim_ruleset_t *rs;
	dpc_finding_t *f;
	bed_t bed;

	/* the forward chain accepts neighbour discovery and what the LAN
	 * starts, nothing else new: new IPv6 from the tunnel is dropped, and
	 * the nd-* accept does not pass for ICMPv6 echo */
	rs = dual_ruleset(&bed, "nft_filter6");
	bed_run(&bed);
	/* the inet table drops new IPv4 from the tunnel too: two findings */
	ck_assert_int_eq(count_code(&bed, "filter-blocks-forward", "in", &f), 2);
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(f->message, "from 10.20.1.0/24 to 10.10.1.0/24"));
	ck_assert_ptr_nonnull(strstr(f->hint, "ip saddr 10.20.1.0/24"));
	ck_assert_int_eq(count_code(&bed, "filter-blocks-forward", "in ipv6", &f),
					 2);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_WARNING);
	ck_assert_ptr_nonnull(strstr(f->message, "from 2001:db8:20::/64 to fd10::/64"));
	ck_assert(bed_has_evidence(f, "rule", "inet filter forward policy drop"));
	ck_assert_ptr_nonnull(strstr(f->hint, "ip6 saddr 2001:db8:20::/64"));
	ck_assert_ptr_null(bed_find(&bed, "ruleset-uncertain"));
	bed_free(&bed);
	nfsim_ruleset_destroy(rs);
}
END_TEST

/**
 * Trace an ICMPv6 echo through the dual-stack bed.
 */
static void trace6(bed_t *bed, const char *src, const char *dst,
				   const char *iif, dpc_trace_result_t *res)
{
	dpc_trace_query_t q;

	memset(&q, 0, sizeof(q));
	ck_assert(dpc_addr_parse(&q.src, src));
	ck_assert(dpc_addr_parse(&q.dst, dst));
	snprintf(q.iif, sizeof(q.iif), "%s", iif);
	dpc_trace_run(&q, bed->facts, &bed->tunnels, res);
}

START_TEST(test_trace_dual_stack)
{
	dpc_trace_result_t res;
	nfsim_ruleset_t *rs;
	bed_t bed;

	/* nft_filter6: the LAN's traffic accepted, new traffic from the
	 * tunnel dropped by the forward policy */
	rs = dual_ruleset(&bed, "nft_filter6");
	fixture_facts_route(bed.facts, "fd10::1/128", "*", 0, DPC_RT_LOCAL,
						"lo", NULL, 255);
	/* from the IPv6 LAN into the dual-stack CHILD_SA (libipsec) */
	trace6(&bed, "fd10::10", "2001:db8:20::10", "lan", &res);
	ck_assert_msg(res.verdict == DPC_TRACE_ENCRYPT, "%s", res.summary);
	ck_assert_ptr_nonnull(strstr(res.summary, "icmpv6"));
	ck_assert_ptr_nonnull(strstr(res.summary, "net{1}"));
	/* decrypted IPv6 from the TUN device to the LAN, a new flow */
	trace6(&bed, "2001:db8:20::10", "fd10::10", "ipsec0", &res);
	ck_assert_msg(res.decrypted, "%s", res.summary);
	ck_assert_str_eq(res.oif, "lan");
	ck_assert_msg(res.verdict == DPC_TRACE_DROP, "%s", res.summary);
	/* an IPv6 destination outside the selectors: cleartext via wan */
	trace6(&bed, "fd10::10", "2001:db8:99::1", "lan", &res);
	ck_assert_str_eq(res.oif, "wan");
	ck_assert_int_ne(res.verdict, DPC_TRACE_ENCRYPT);
	bed_free(&bed);
	nfsim_ruleset_destroy(rs);
}
END_TEST

Suite *ipv6_suite(void)
{
	Suite *s = suite_create("ipv6");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_dual_stack_paths);
	tcase_add_test(tc, test_forwarding_off_ipv6_only);
	tcase_add_test(tc, test_forwarding_ipv6_per_interface_ignored);
	tcase_add_test(tc, test_forwarding_ipv6_force_forwarding);
	tcase_add_test(tc, test_forwarding_ipv6_disabled_on_tun);
	tcase_add_test(tc, test_forwarding_ipv4_off_ipv6_on);
	tcase_add_test(tc, test_route_missing_ipv6);
	tcase_add_test(tc, test_route_unreachable_ipv6);
	tcase_add_test(tc, test_inbound_undeliverable_ipv6);
	tcase_add_test(tc, test_unprotected_ipv6_gap);
	tcase_add_test(tc, test_saddr6_rfc6724);
	tcase_add_test(tc, test_masq6_inet_nft);
	tcase_add_test(tc, test_masq6_ip6tables_nft);
	tcase_add_test(tc, test_masq6_ula_hides_source);
	tcase_add_test(tc, test_forward6_echo_not_nd);
	tcase_add_test(tc, test_trace_dual_stack);
	suite_add_tcase(s, tc);
	return s;
}
