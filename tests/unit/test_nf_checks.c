/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * The netfilter checks on rulesets captured from real nft, iptables-nft and
 * iptables-legacy (tests/unit/fixtures/nfsim), for a gateway with the LAN
 * 10.1.0.0/24 on "lan" and its WAN address 192.0.2.2 on "wan", tunnelling
 * to 10.20.1.0/24 through the kernel's XFRM.
 */

#include "dpc_tests.h"
#include "fixture_facts.h"
#include "fixture_tunnel.h"
#include "nfsim_fixture.h"

#include <nfsim/nfsim_ruleset.h>

#include <stdio.h>
#include <string.h>

typedef struct {
	bed_t bed;
	nfsim_ruleset_t *rs;
} nfbed_t;

static void nfbed_init(nfbed_t *nb, const char *fixture,
					   dpc_dataplane_t dataplane)
{
	char path[256];
	dpc_ike_rec_t *ike;
	dpc_child_rec_t *child;
	unsigned bad = 0;

	bed_init(&nb->bed);
	nb->bed.facts->destroy(nb->bed.facts);
	nb->bed.facts = fixture_facts_create(dataplane, "ipsec0");
	nb->bed.ctx.facts = nb->bed.facts;
	fixture_facts_addr(nb->bed.facts, "10.1.0.1", "lan");
	fixture_facts_addr(nb->bed.facts, "192.0.2.2", "wan");
	fixture_facts_route(nb->bed.facts, "10.20.1.0/24", "*", 0, DPC_RT_UNICAST,
						dataplane == DPC_DATAPLANE_XFRM ? "wan" : "ipsec0",
						dataplane == DPC_DATAPLANE_XFRM ? "192.0.2.1" : NULL,
						220);
	fixture_facts_route(nb->bed.facts, "10.1.0.0/24", "*", 0, DPC_RT_UNICAST,
						"lan", NULL, 254);
	fixture_facts_route(nb->bed.facts, "0.0.0.0/0", "*", 0, DPC_RT_UNICAST,
						"wan", "192.0.2.1", 254);
	fixture_facts_sysctl(nb->bed.facts, "net/ipv4/ip_forward", 1);

	ike = bed_ike(&nb->bed);
	ike->nat = 0;
	ike->local.port = ike->remote.port = 500;
	ike->initial_local.port = ike->initial_remote.port = 500;
	child = bed_child(&nb->bed);
	child->encap = false;
	child->reqid = 7;
	bed_set_ts(&child->local, "10.1.0.0/24");
	bed_set_ts(&child->cfg_local, "10.1.0.0/24");

	snprintf(path, sizeof(path), "%s/nfsim/%s.nl", FIXTURES, fixture);
	nb->rs = nfsim_fixture_load(path, NULL, &bad);
	ck_assert_msg(nb->rs, "cannot load %s", path);
	ck_assert_uint_eq(bad, 0);
	fixture_facts_ruleset(nb->bed.facts, nb->rs);
}

static void nfbed_free(nfbed_t *nb)
{
	bed_free(&nb->bed);
	nfsim_ruleset_destroy(nb->rs);
}

START_TEST(test_masquerade_before_ipsec)
{
	nfbed_t nb;
	dpc_finding_t *f;

	nfbed_init(&nb, "nft_masq", DPC_DATAPLANE_XFRM);
	bed_run(&nb.bed);
	f = bed_find(&nb.bed, "nat-before-ipsec");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_ERROR);
	ck_assert_ptr_nonnull(strstr(f->message, "192.0.2.2"));
	ck_assert(bed_has_evidence(f, "rule", "masquerade"));
	ck_assert_ptr_nonnull(strstr(f->hint, "rt ipsec exists accept"));
	ck_assert_ptr_null(bed_find(&nb.bed, "nat-hides-source"));
	nfbed_free(&nb);
}
END_TEST

START_TEST(test_masquerade_exempt_nft)
{
	nfbed_t nb;

	nfbed_init(&nb, "nft_masq_exempt", DPC_DATAPLANE_XFRM);
	bed_run(&nb.bed);
	ck_assert_ptr_null(bed_find(&nb.bed, "nat-before-ipsec"));
	ck_assert_ptr_null(bed_find(&nb.bed, "nat-hides-source"));
	ck_assert_int_eq(bed_problems(&nb.bed), 0);
	nfbed_free(&nb);
}
END_TEST

START_TEST(test_masquerade_exempt_policy_match)
{
	nfbed_t nb;

	nfbed_init(&nb, "iptnft_nat", DPC_DATAPLANE_XFRM);
	bed_run(&nb.bed);
	ck_assert_ptr_null(bed_find(&nb.bed, "nat-before-ipsec"));
	ck_assert_int_eq(bed_problems(&nb.bed), 0);
	nfbed_free(&nb);
}
END_TEST

START_TEST(test_masquerade_libipsec_exemption_useless)
{
	nfbed_t nb;

	/* kernel-libipsec: tunnel traffic leaves through ipsec0, the policy
	 * match does not apply, but "-o wan" does not match either */
	nfbed_init(&nb, "iptnft_nat", DPC_DATAPLANE_LIBIPSEC);
	bed_run(&nb.bed);
	ck_assert_ptr_null(bed_find(&nb.bed, "nat-before-ipsec"));
	nfbed_free(&nb);
}
END_TEST

START_TEST(test_input_drops_natt)
{
	nfbed_t nb;
	dpc_finding_t *f;

	nfbed_init(&nb, "nft_filter", DPC_DATAPLANE_XFRM);
	/* NAT-T in use: the IKE_SA moved to 4500 */
	bed_ike(&nb.bed)->local.port = 4500;
	bed_ike(&nb.bed)->remote.port = 4500;
	bed_child(&nb.bed)->encap = true;
	bed_run(&nb.bed);
	f = bed_find(&nb.bed, "filter-blocks-ike");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(f->message, "UDP 4500"));
	ck_assert(bed_has_evidence(f, "rule", "4500"));
	nfbed_free(&nb);
}
END_TEST

START_TEST(test_input_allows_ike_500)
{
	nfbed_t nb;

	nfbed_init(&nb, "nft_filter", DPC_DATAPLANE_XFRM);
	bed_run(&nb.bed);
	/* port 500 and ESP are accepted, 4500 is not used */
	ck_assert_ptr_null(bed_find(&nb.bed, "filter-blocks-ike"));
	nfbed_free(&nb);
}
END_TEST

START_TEST(test_input_ct_status)
{
	nfbed_t nb;

	/* IKE from the peer is not DNATed, an established flow has seen a
	 * reply: both known, no uncertainty, nothing blocked */
	nfbed_init(&nb, "nft_input_ct_status", DPC_DATAPLANE_XFRM);
	bed_run(&nb.bed);
	ck_assert_ptr_null(bed_find(&nb.bed, "ruleset-uncertain"));
	ck_assert_ptr_null(bed_find(&nb.bed, "filter-blocks-ike"));
	nfbed_free(&nb);
}
END_TEST

START_TEST(test_pmtu_dropped_legacy)
{
	nfbed_t nb;
	dpc_finding_t *f;

	nfbed_init(&nb, "legacy", DPC_DATAPLANE_XFRM);
	bed_run(&nb.bed);
	f = bed_find(&nb.bed, "filter-blocks-pmtu");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_WARNING);
	ck_assert(bed_has_evidence(f, "rule", "iptables-legacy"));
	nfbed_free(&nb);
}
END_TEST

START_TEST(test_forward_one_direction)
{
	nfbed_t nb;
	dpc_finding_t *f;

	/* FORWARD policy drop, only lan -> wan and established are accepted:
	 * with kernel-libipsec the decrypted packets come from ipsec0 */
	nfbed_init(&nb, "legacy", DPC_DATAPLANE_LIBIPSEC);
	bed_run(&nb.bed);
	f = bed_find(&nb.bed, "filter-blocks-forward");
	ck_assert_ptr_nonnull(f);
	ck_assert(bed_has_evidence(f, "direction", "in") ||
			  bed_has_evidence(f, "direction", "out"));
	nfbed_free(&nb);
}
END_TEST


/**
 * The finding CODE with discriminator DISCRIM (direction), NULL if none.
 */
static dpc_finding_t *find_dir(nfbed_t *nb, const char *code,
							   const char *discrim)
{
	size_t i;

	for (i = 0; i < nb->bed.findings.count; i++)
	{
		dpc_finding_t *f = &nb->bed.findings.items[i];

		if (!strcmp(f->code, code) && !strcmp(f->discrim, discrim))
		{
			return f;
		}
	}
	return NULL;
}

START_TEST(test_forward_ping_passes_tcp_udp_dropped)
{
	nfbed_t nb;
	dpc_finding_t *f;
	const char *dir[] = { "out", "in" };
	int i;

	/* policy drop, established and echo requests accepted: ping works both
	 * ways, nothing can connect with TCP or UDP either way */
	nfbed_init(&nb, "nft_fwd_ping", DPC_DATAPLANE_XFRM);
	bed_run(&nb.bed);
	for (i = 0; i < 2; i++)
	{
		f = find_dir(&nb, "filter-blocks-forward", dir[i]);
		ck_assert_msg(f, "no finding for direction %s", dir[i]);
		ck_assert_int_eq(f->severity, DPC_ERROR);
		ck_assert(bed_has_evidence(f, "direction", dir[i]));
		ck_assert(bed_has_evidence(f, "tcp", "drop by inet filter forward "
							   "policy drop"));
		ck_assert(bed_has_evidence(f, "udp", "drop by"));
		ck_assert(bed_has_evidence(f, "icmp", "accept"));
		ck_assert(bed_has_evidence(f, "established", "accept"));
		ck_assert(bed_has_evidence(f, "rule", "inet filter forward policy drop"));
		ck_assert_msg(strstr(f->message, "new TCP and UDP connections"),
					  "%s", f->message);
		ck_assert_msg(strstr(f->message, "ping passes"), "%s", f->message);
		ck_assert_msg(strstr(f->message, "other way too"), "%s", f->message);
	}
	ck_assert(strstr(find_dir(&nb, "filter-blocks-forward", "out")->message,
					 "from 10.1.0.0/24 to 10.20.1.0/24"));
	ck_assert(strstr(find_dir(&nb, "filter-blocks-forward", "in")->message,
					 "from 10.20.1.0/24 to 10.1.0.0/24"));
	ck_assert_ptr_null(bed_find(&nb.bed, "ruleset-uncertain"));
	nfbed_free(&nb);
}
END_TEST

START_TEST(test_forward_new_one_direction)
{
	nfbed_t nb;
	dpc_finding_t *f;

	/* only the LAN may start connections: a warning for the inbound
	 * direction; replies to inbound connections are not a second problem
	 * (such connections cannot start), and outbound is fine */
	nfbed_init(&nb, "nft_fwd_out_only", DPC_DATAPLANE_XFRM);
	bed_run(&nb.bed);
	f = find_dir(&nb, "filter-blocks-forward", "in");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_WARNING);
	ck_assert(bed_has_evidence(f, "tcp", "drop"));
	ck_assert(bed_has_evidence(f, "udp", "drop"));
	ck_assert(bed_has_evidence(f, "icmp", "drop"));
	ck_assert(bed_has_evidence(f, "established", "accept"));
	ck_assert_msg(strstr(f->message, "new TCP and UDP connections and pings"),
				  "%s", f->message);
	ck_assert_ptr_null(find_dir(&nb, "filter-blocks-forward", "out"));
	nfbed_free(&nb);
}
END_TEST

START_TEST(test_forward_established_dropped)
{
	nfbed_t nb;
	dpc_finding_t *f;

	/* everything coming out of the tunnel dropped: also the replies to the
	 * LAN's connections, an error for the inbound direction only */
	nfbed_init(&nb, "nft_fwd_in_drop", DPC_DATAPLANE_XFRM);
	bed_run(&nb.bed);
	f = find_dir(&nb, "filter-blocks-forward", "in");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_ERROR);
	ck_assert(bed_has_evidence(f, "established", "drop by inet filter forward "
						   "handle"));
	ck_assert(bed_has_evidence(f, "rule", "meta ipsec exists"));
	ck_assert_msg(strstr(f->message, "established TCP traffic (replies to connections from 10.1.0.0/24)"),
				  "%s", f->message);
	ck_assert_ptr_null(find_dir(&nb, "filter-blocks-forward", "out"));
	nfbed_free(&nb);
}
END_TEST

START_TEST(test_forward_ct_status_certain)
{
	nfbed_t nb;

	/* ct status dnat, ct direction, ct helper: judged from what the walk
	 * knows (no DNAT applied, no helper): no uncertainty, no finding */
	nfbed_init(&nb, "nft_fwd_ct_status", DPC_DATAPLANE_XFRM);
	bed_run(&nb.bed);
	ck_assert_ptr_null(bed_find(&nb.bed, "ruleset-uncertain"));
	ck_assert_ptr_null(bed_find(&nb.bed, "filter-blocks-forward"));
	nfbed_free(&nb);

	/* the same with iptables-nft: --ctstate DNAT and --ctstatus ASSURED (a
	 * new connection is not assured yet) */
	nfbed_init(&nb, "iptnft_fwd_ctstatus", DPC_DATAPLANE_XFRM);
	bed_run(&nb.bed);
	ck_assert_ptr_null(bed_find(&nb.bed, "ruleset-uncertain"));
	ck_assert_ptr_null(bed_find(&nb.bed, "filter-blocks-forward"));
	nfbed_free(&nb);
}
END_TEST

START_TEST(test_forward_ct_mark_uncertain)
{
	nfbed_t nb;
	dpc_finding_t *f;

	/* ct mark is runtime state: uncertain, naming it, and no verdict */
	nfbed_init(&nb, "nft_fwd_ct_mark", DPC_DATAPLANE_XFRM);
	bed_run(&nb.bed);
	f = bed_find(&nb.bed, "ruleset-uncertain");
	ck_assert_ptr_nonnull(f);
	ck_assert_msg(strstr(f->message, "ct mark"), "%s", f->message);
	ck_assert_ptr_null(bed_find(&nb.bed, "filter-blocks-forward"));
	nfbed_free(&nb);
}
END_TEST

START_TEST(test_masquerade_towards_lan)
{
	nfbed_t nb;
	dpc_finding_t *f;

	/* masquerading everything leaving on the LAN side hides the remote
	 * hosts of decrypted traffic */
	nfbed_init(&nb, "nft_masq_lan", DPC_DATAPLANE_XFRM);
	bed_run(&nb.bed);
	f = find_dir(&nb, "nat-hides-source", "in");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_WARNING);
	ck_assert(bed_has_evidence(f, "direction", "in"));
	ck_assert(bed_has_evidence(f, "rule", "oifname \"lan\" masquerade"));
	ck_assert_msg(strstr(f->message, "to 10.1.0.1"), "%s", f->message);
	ck_assert(strstr(f->hint, "ip saddr 10.20.1.0/24 accept"));
	ck_assert_ptr_null(find_dir(&nb, "nat-hides-source", "out"));
	ck_assert_ptr_null(bed_find(&nb.bed, "nat-before-ipsec"));
	nfbed_free(&nb);

	nfbed_init(&nb, "nft_masq_lan", DPC_DATAPLANE_LIBIPSEC);
	bed_run(&nb.bed);
	f = find_dir(&nb, "nat-hides-source", "in");
	ck_assert_ptr_nonnull(f);
	ck_assert(strstr(f->hint, "iifname \"ipsec0\" accept"));
	nfbed_free(&nb);

	/* exempted by the remote selector */
	nfbed_init(&nb, "nft_masq_lan_exempt", DPC_DATAPLANE_XFRM);
	bed_run(&nb.bed);
	ck_assert_ptr_null(bed_find(&nb.bed, "nat-hides-source"));
	nfbed_free(&nb);
}
END_TEST

START_TEST(test_mixed_backends)
{
	nfbed_t nb;
	dpc_finding_t *f;

	nfbed_init(&nb, "mixed", DPC_DATAPLANE_XFRM);
	bed_run(&nb.bed);
	f = bed_find(&nb.bed, "iptables-mixed-backends");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->subject.ike_id, 0);
	nfbed_free(&nb);

	nfbed_init(&nb, "legacy", DPC_DATAPLANE_XFRM);
	bed_run(&nb.bed);
	ck_assert_ptr_null(bed_find(&nb.bed, "iptables-mixed-backends"));
	nfbed_free(&nb);
}
END_TEST

START_TEST(test_no_ruleset)
{
	bed_t bed;

	/* unreadable ruleset: no netfilter verdicts at all */
	bed_init(&bed);
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "nat-before-ipsec"));
	ck_assert_ptr_null(bed_find(&bed, "filter-blocks-forward"));
	bed_free(&bed);
}
END_TEST

START_TEST(test_conntrack_udp_timeout)
{
	nfbed_t nb;
	dpc_finding_t *f;

	nfbed_init(&nb, "nft_stateful_input", DPC_DATAPLANE_XFRM);
	/* the peer is behind NAT and refreshes the entry every 20 s */
	bed_ike(&nb.bed)->nat = DPC_NAT_ANY | DPC_NAT_THERE;
	bed_ike(&nb.bed)->local.port = bed_ike(&nb.bed)->remote.port = 4500;
	bed_ike(&nb.bed)->dpd_delay = 0;
	bed_child(&nb.bed)->encap = true;
	fixture_facts_sysctl(nb.bed.facts,
						 "net/netfilter/nf_conntrack_udp_timeout_stream", 10);
	fixture_facts_sysctl(nb.bed.facts,
						 "net/netfilter/nf_conntrack_udp_timeout", 10);
	bed_run(&nb.bed);
	f = bed_find(&nb.bed, "conntrack-udp-timeout");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_WARNING);
	ck_assert(bed_has_evidence(f, "nf_conntrack_udp_timeout_stream", "10"));
	ck_assert(bed_has_evidence(f, "refreshed_by", "the peer's NAT keepalives"));
	ck_assert(bed_has_evidence(f, "new_dropped_by", "policy drop"));
	ck_assert(bed_has_evidence(f, "established_accepted_by", "ct state"));
	ck_assert_ptr_nonnull(strstr(f->message, "UDP 4500"));

	/* DPD every 5 s keeps it alive */
	bed_ike(&nb.bed)->dpd_delay = 5;
	bed_run(&nb.bed);
	ck_assert_ptr_null(bed_find(&nb.bed, "conntrack-udp-timeout"));

	/* the kernel's 120 s outlive the keepalives */
	bed_ike(&nb.bed)->dpd_delay = 0;
	fixture_facts_sysctl(nb.bed.facts,
						 "net/netfilter/nf_conntrack_udp_timeout_stream", 120);
	bed_run(&nb.bed);
	ck_assert_ptr_null(bed_find(&nb.bed, "conntrack-udp-timeout"));

	/* no NAT, no DPD: nothing refreshes it */
	bed_ike(&nb.bed)->nat = 0;
	bed_run(&nb.bed);
	f = bed_find(&nb.bed, "conntrack-udp-timeout");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(f->message, "nothing (no NAT keepalive"));
	nfbed_free(&nb);
}
END_TEST

START_TEST(test_conntrack_udp_timeout_stateless)
{
	nfbed_t nb;

	/* the IKE ports are accepted as such: the entry does not matter */
	nfbed_init(&nb, "nft_filter", DPC_DATAPLANE_XFRM);
	bed_ike(&nb.bed)->nat = DPC_NAT_ANY | DPC_NAT_THERE;
	fixture_facts_sysctl(nb.bed.facts,
						 "net/netfilter/nf_conntrack_udp_timeout_stream", 10);
	bed_run(&nb.bed);
	ck_assert_ptr_null(bed_find(&nb.bed, "conntrack-udp-timeout"));
	nfbed_free(&nb);
}
END_TEST


/**
 * A gateway for mtu-blackhole-risk: AES-GCM-16 in tunnel mode, IPv4 outer
 * without UDP encapsulation, 1500 on LAN and WAN (inner MTU 1446, MSS
 * 1406), the route to the peer 198.51.100.2 via wan, the LAN route with
 * the gateway's source 10.1.0.1; clamp as recorded by the round.
 */
static void mtubed_init_dp(nfbed_t *nb, const char *fixture, const char *clamp,
						   uint32_t peer_mtu, uint32_t expires,
						   dpc_dataplane_t dataplane)
{
	dpc_facts_t *facts;
	dpc_child_rec_t *child;
	bool xfrm = dataplane == DPC_DATAPLANE_XFRM;

	nfbed_init(nb, fixture, dataplane);
	facts = nb->bed.facts;
	fixture_facts_reset_routes(facts);
	fixture_facts_route(facts, "10.20.1.0/24", "*", 0, DPC_RT_UNICAST,
						xfrm ? "wan" : "ipsec0", xfrm ? "192.0.2.1" : NULL,
						220);
	fixture_facts_route(facts, "10.1.0.0/24", "*", 0, DPC_RT_UNICAST, "lan",
						NULL, 254);
	fixture_facts_route_more(facts, "10.1.0.1", 0, 0);
	fixture_facts_route(facts, "0.0.0.0/0", "*", 0, DPC_RT_UNICAST, "wan",
						"192.0.2.1", 254);
	fixture_facts_route_more(facts, "192.0.2.2", peer_mtu, expires);
	fixture_facts_mtu(facts, "lan", 1500);
	fixture_facts_mtu(facts, "wan", 1500);
	child = bed_child(&nb->bed);
	dpc_child_rec_set_text(&child->alg, "AES_GCM_16_256");
	dpc_child_rec_set_text(&child->mss_clamp, clamp);
}

static void mtubed_init(nfbed_t *nb, const char *fixture, const char *clamp,
						uint32_t peer_mtu, uint32_t expires)
{
	mtubed_init_dp(nb, fixture, clamp, peer_mtu, expires, DPC_DATAPLANE_XFRM);
}

START_TEST(test_mtu_icmp_dropped_no_clamp)
{
	nfbed_t nb;
	dpc_finding_t *f;

	/* INPUT drops frag-needed (iptables-legacy icmp 3/4) */
	mtubed_init(&nb, "legacy", "none", 0, 0);
	bed_run(&nb.bed);
	f = bed_find(&nb.bed, "mtu-blackhole-risk");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_WARNING);
	ck_assert(bed_has_evidence(f, "path_mtu", "1500 (device wan)"));
	ck_assert(bed_has_evidence(f, "inner_mtu", "1446 (overhead 54)"));
	ck_assert(bed_has_evidence(f, "tunnel_mss", "1406"));
	ck_assert(bed_has_evidence(f, "lan", "lan mtu 1500, mss 1460"));
	ck_assert(bed_has_evidence(f, "esp", "tunnel mode, IPv4 outer, no UDP"));
	ck_assert(bed_has_evidence(f, "mss_clamp", "none"));
	ck_assert(bed_has_evidence(f, "pmtu", "nothing learned"));
	ck_assert(bed_has_evidence(f, "rule", "iptables-legacy"));
	ck_assert_ptr_nonnull(strstr(f->hint, "--set-mss 1406"));
	ck_assert_ptr_nonnull(strstr(f->hint, "maxseg size set 1406"));
	nfbed_free(&nb);
}
END_TEST

START_TEST(test_mtu_clamp_silent)
{
	nfbed_t nb;

	mtubed_init(&nb, "legacy", "1360 (ip mangle FORWARD #1)", 0, 0);
	bed_run(&nb.bed);
	ck_assert_ptr_null(bed_find(&nb.bed, "mtu-blackhole-risk"));
	nfbed_free(&nb);

	mtubed_init(&nb, "legacy", "clamp-to-pmtu (ip mangle FORWARD #1)", 0, 0);
	bed_run(&nb.bed);
	ck_assert_ptr_null(bed_find(&nb.bed, "mtu-blackhole-risk"));
	nfbed_free(&nb);
}
END_TEST

START_TEST(test_mtu_clamp_too_large)
{
	nfbed_t nb;
	dpc_finding_t *f;

	/* a clamp above what fits leaves the segments too large */
	mtubed_init(&nb, "legacy", "1420 (ip mangle FORWARD #1)", 0, 0);
	bed_run(&nb.bed);
	f = bed_find(&nb.bed, "mtu-blackhole-risk");
	ck_assert_ptr_nonnull(f);
	ck_assert(bed_has_evidence(f, "mss_clamp", "1420"));
	nfbed_free(&nb);
}
END_TEST

START_TEST(test_mtu_pmtud_works_silent)
{
	nfbed_t nb;

	/* no clamp, segments too large, but nothing drops the ICMP errors */
	mtubed_init(&nb, "nft_masq", "none", 0, 0);
	bed_run(&nb.bed);
	ck_assert_ptr_null(bed_find(&nb.bed, "mtu-blackhole-risk"));
	nfbed_free(&nb);

	/* and with a path MTU learned from the path */
	mtubed_init(&nb, "nft_masq", "none", 1400, 580);
	bed_run(&nb.bed);
	ck_assert_ptr_null(bed_find(&nb.bed, "mtu-blackhole-risk"));
	nfbed_free(&nb);
}
END_TEST

START_TEST(test_mtu_lan_fits_silent)
{
	nfbed_t nb;

	nfbed_init(&nb, "legacy", DPC_DATAPLANE_XFRM);
	fixture_facts_mtu(nb.bed.facts, "lan", 1400);
	fixture_facts_mtu(nb.bed.facts, "wan", 1500);
	dpc_child_rec_set_text(&bed_child(&nb.bed)->alg, "AES_GCM_16_256");
	dpc_child_rec_set_text(&bed_child(&nb.bed)->mss_clamp, "none");
	bed_run(&nb.bed);
	/* 1400 - 40 = 1360 fits 1406 */
	ck_assert_ptr_null(bed_find(&nb.bed, "mtu-blackhole-risk"));
	nfbed_free(&nb);
}
END_TEST

START_TEST(test_mtu_route_metric)
{
	nfbed_t nb;
	dpc_finding_t *f;

	/* route mtu 1400 (no expiry): CBC + SHA2-256 over UDP */
	mtubed_init(&nb, "legacy", "none", 1400, 0);
	dpc_child_rec_set_text(&bed_child(&nb.bed)->alg, "AES_CBC_128/HMAC_SHA2_256_128");
	bed_child(&nb.bed)->encap = true;
	bed_run(&nb.bed);
	f = bed_find(&nb.bed, "mtu-blackhole-risk");
	ck_assert_ptr_nonnull(f);
	ck_assert(bed_has_evidence(f, "path_mtu", "1400 (route mtu)"));
	ck_assert(bed_has_evidence(f, "esp", "UDP-encapsulated"));
	nfbed_free(&nb);
}
END_TEST

START_TEST(test_mtu_error_to_lan_dropped)
{
	nfbed_t nb;
	dpc_finding_t *f;

	/* the kernel knows 1400 (cached PMTU) and refuses 1500-byte packets;
	 * OUTPUT drops the frag-needed it sends the LAN host */
	mtubed_init(&nb, "nft_pmtu_out", "none", 1400, 580);
	bed_run(&nb.bed);
	f = bed_find(&nb.bed, "mtu-blackhole-risk");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_ERROR);
	ck_assert(bed_has_evidence(f, "path_mtu", "1400 (cached PMTU, expires in "
						   "580 s)"));
	ck_assert(bed_has_evidence(f, "pmtu", "learned from the path"));
	ck_assert(bed_has_evidence(f, "rule", "oifname \"lan\"") &&
			  bed_has_evidence(f, "rule", "icmp code 4 counter drop"));
	ck_assert_ptr_nonnull(strstr(f->message, "OUTPUT"));
	nfbed_free(&nb);
}
END_TEST

START_TEST(test_mtu_libipsec_tun_fits)
{
	nfbed_t nb;
	dpc_finding_t *f;

	/* kernel-libipsec: no more than the TUN's 1400 enters the tunnel */
	nfbed_init(&nb, "legacy", DPC_DATAPLANE_LIBIPSEC);
	fixture_facts_mtu(nb.bed.facts, "lan", 1500);
	fixture_facts_mtu(nb.bed.facts, "wan", 1500);
	fixture_facts_mtu(nb.bed.facts, "ipsec0", 1400);
	dpc_child_rec_set_text(&bed_child(&nb.bed)->alg, "AES_GCM_16_256");
	dpc_child_rec_set_text(&bed_child(&nb.bed)->mss_clamp, "none");
	bed_run(&nb.bed);
	ck_assert_ptr_null(bed_find(&nb.bed, "mtu-blackhole-risk"));
	nfbed_free(&nb);

	/* a TUN of 1500: 1460-byte segments, 1406 fit the path */
	nfbed_init(&nb, "legacy", DPC_DATAPLANE_LIBIPSEC);
	fixture_facts_mtu(nb.bed.facts, "lan", 1500);
	fixture_facts_mtu(nb.bed.facts, "wan", 1500);
	fixture_facts_mtu(nb.bed.facts, "ipsec0", 1500);
	dpc_child_rec_set_text(&bed_child(&nb.bed)->alg, "AES_GCM_16_256");
	dpc_child_rec_set_text(&bed_child(&nb.bed)->mss_clamp, "none");
	bed_run(&nb.bed);
	f = bed_find(&nb.bed, "mtu-blackhole-risk");
	ck_assert_ptr_nonnull(f);
	ck_assert(bed_has_evidence(f, "tun", "ipsec0 mtu 1500"));
	nfbed_free(&nb);

	/* the TUN's 1400 below the LAN's 1500: the kernel refuses 1500-byte
	 * packets into it and OUTPUT drops its frag-needed to the LAN host */
	mtubed_init_dp(&nb, "nft_pmtu_out", "none", 0, 0,
				   DPC_DATAPLANE_LIBIPSEC);
	fixture_facts_mtu(nb.bed.facts, "ipsec0", 1400);
	bed_run(&nb.bed);
	f = bed_find(&nb.bed, "mtu-blackhole-risk");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_ERROR);
	ck_assert(bed_has_evidence(f, "tunnel_mss", "1360"));
	ck_assert(bed_has_evidence(f, "tun", "ipsec0 mtu 1400"));
	nfbed_free(&nb);

	/* clamped to 1360: fits the TUN */
	mtubed_init_dp(&nb, "nft_pmtu_out", "1360 (ip mangle FORWARD #1)", 0, 0,
				   DPC_DATAPLANE_LIBIPSEC);
	fixture_facts_mtu(nb.bed.facts, "ipsec0", 1400);
	bed_run(&nb.bed);
	ck_assert_ptr_null(bed_find(&nb.bed, "mtu-blackhole-risk"));
	nfbed_free(&nb);
}
END_TEST

Suite *nf_checks_suite(void)
{
	Suite *s = suite_create("netfilter checks");
	TCase *tc = tcase_create("fixtures");

	tcase_add_test(tc, test_masquerade_before_ipsec);
	tcase_add_test(tc, test_masquerade_exempt_nft);
	tcase_add_test(tc, test_masquerade_exempt_policy_match);
	tcase_add_test(tc, test_masquerade_libipsec_exemption_useless);
	tcase_add_test(tc, test_input_drops_natt);
	tcase_add_test(tc, test_input_allows_ike_500);
	tcase_add_test(tc, test_conntrack_udp_timeout);
	tcase_add_test(tc, test_conntrack_udp_timeout_stateless);
	tcase_add_test(tc, test_input_ct_status);
	tcase_add_test(tc, test_pmtu_dropped_legacy);
	tcase_add_test(tc, test_forward_one_direction);
	tcase_add_test(tc, test_forward_ping_passes_tcp_udp_dropped);
	tcase_add_test(tc, test_forward_new_one_direction);
	tcase_add_test(tc, test_forward_established_dropped);
	tcase_add_test(tc, test_forward_ct_status_certain);
	tcase_add_test(tc, test_forward_ct_mark_uncertain);
	tcase_add_test(tc, test_masquerade_towards_lan);
	tcase_add_test(tc, test_mixed_backends);
	tcase_add_test(tc, test_no_ruleset);
	tcase_add_test(tc, test_mtu_icmp_dropped_no_clamp);
	tcase_add_test(tc, test_mtu_clamp_silent);
	tcase_add_test(tc, test_mtu_clamp_too_large);
	tcase_add_test(tc, test_mtu_pmtud_works_silent);
	tcase_add_test(tc, test_mtu_lan_fits_silent);
	tcase_add_test(tc, test_mtu_route_metric);
	tcase_add_test(tc, test_mtu_error_to_lan_dropped);
	tcase_add_test(tc, test_mtu_libipsec_tun_fits);
	suite_add_tcase(s, tc);
	return s;
}
