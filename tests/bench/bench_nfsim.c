/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * Netfilter simulator benchmark: a synthetic ruleset of about 5,000 rules
 * in linear chains (the worst case: no sets), and a round over 1,000
 * tunnels with the packets the netfilter checks evaluate per tunnel:
 * LAN->remote through postrouting NAT, forward in both directions, and
 * NAT-T from the peer to the gateway's input. Reports CPU time.
 *
 * usage: bench_nfsim [tunnels] [rounds]
 */

#include <nfsim/nfsim.h>
#include <nfsim/nfsim_ruleset.h>
#include <nfsim/nfsim_expr.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

static const nfsim_ifaddr_t addrs[] = {
	{ AF_INET, { 192, 0, 2, 1 }, 24, "wan" },
	{ AF_INET, { 10, 0, 0, 1 }, 8, "lan" },
};

/** LAN subnet of tunnel i: 10.(i/250).(i%250).0/24 */
static void lan_net(unsigned i, uint8_t *a)
{
	a[0] = 10;
	a[1] = i / 250;
	a[2] = i % 250;
	a[3] = 0;
}

/** remote subnet of tunnel i: 172.(16+i/250).(i%250).0/24 */
static void remote_net(unsigned i, uint8_t *a)
{
	a[0] = 172;
	a[1] = 16 + i / 250;
	a[2] = i % 250;
	a[3] = 0;
}

/** peer of tunnel i: 198.51.(i/250).(i%250+1) */
static void peer(unsigned i, uint8_t *a)
{
	a[0] = 198;
	a[1] = 51 + i / 250;
	a[2] = i % 250;
	a[3] = 1;
}

static uint64_t handle = 1;

static nfsim_chain_t *base(nfsim_table_t *t, const char *name,
						   nfsim_chain_type_t type, nfsim_hook_t hook,
						   int prio, int policy)
{
	nfsim_chain_t *c = nfsim_chain_add(t, name);

	nfsim_chain_set_base(c, type, hook, prio, policy, NULL);
	return c;
}

/** ip saddr/daddr a/24 */
static void net24(nfsim_rule_t *r, bool src, const uint8_t *a)
{
	uint8_t mask[4] = { 255, 255, 255, 0 }, zero[4] = {0};

	nfsim_add_payload(r, NFT_PAYLOAD_NETWORK_HEADER, src ? 12 : 16, 4,
					  NFT_REG_1);
	nfsim_add_bitwise(r, NFT_REG_1, NFT_REG_1, 4, mask, zero, 4);
	nfsim_add_cmp(r, NFT_REG_1, NFT_CMP_EQ, a, 4);
}

static void host(nfsim_rule_t *r, bool src, const uint8_t *a)
{
	nfsim_add_payload(r, NFT_PAYLOAD_NETWORK_HEADER, src ? 12 : 16, 4,
					  NFT_REG_1);
	nfsim_add_cmp(r, NFT_REG_1, NFT_CMP_EQ, a, 4);
}

static void ifname(nfsim_rule_t *r, bool in, const char *name)
{
	char buf[IF_NAMESIZE] = "";

	snprintf(buf, sizeof(buf), "%s", name);
	nfsim_add_meta(r, in ? NFT_META_IIFNAME : NFT_META_OIFNAME, NFT_REG_1);
	nfsim_add_cmp(r, NFT_REG_1, NFT_CMP_EQ, buf, strlen(name) + 1);
}

static void dport(nfsim_rule_t *r, uint8_t proto, uint16_t port)
{
	uint16_t p = htons(port);

	nfsim_add_meta(r, NFT_META_L4PROTO, NFT_REG_1);
	nfsim_add_cmp(r, NFT_REG_1, NFT_CMP_EQ, &proto, 1);
	nfsim_add_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, NFT_REG_1);
	nfsim_add_cmp(r, NFT_REG_1, NFT_CMP_EQ, &p, 2);
}

static void ctstate(nfsim_rule_t *r, uint32_t bits)
{
	uint32_t zero = 0;

	nfsim_add_ct(r, NFT_CT_STATE, -1, NFT_REG_1);
	nfsim_add_bitwise(r, NFT_REG_1, NFT_REG_1, 4, &bits, &zero, 4);
	nfsim_add_cmp(r, NFT_REG_1, NFT_CMP_NEQ, &zero, 4);
}

static void counter(nfsim_rule_t *r)
{
	nfsim_add_opaque(r, "counter", NFSIM_OPAQUE_PASSIVE, false, 0, 0, "counter");
}

/**
 * Build the ruleset: per tunnel an input rule for its peer, two forward
 * rules, a NAT exemption and an MSS clamp; about five rules per tunnel.
 */
static nfsim_ruleset_t *build(unsigned tunnels, size_t *rules)
{
	nfsim_ruleset_t *rs = nfsim_ruleset_create();
	nfsim_table_t *filter, *nat, *mangle;
	nfsim_chain_t *in, *fwd, *post, *mfwd;
	uint8_t a[4], b[4], one = 1;
	uint16_t mss = htons(1360);
	uint8_t syn = 0x02, synrst = 0x06, zero = 0;
	nfsim_rule_t *r;
	unsigned i;

	filter = nfsim_table_add(rs, NFSIM_BACKEND_NFT, NFPROTO_INET, "filter");
	nat = nfsim_table_add(rs, NFSIM_BACKEND_NFT, NFPROTO_IPV4, "nat");
	mangle = nfsim_table_add(rs, NFSIM_BACKEND_NFT, NFPROTO_INET, "mangle");
	in = base(filter, "input", NFSIM_CHAIN_FILTER, NFSIM_HOOK_INPUT, 0, NF_DROP);
	fwd = base(filter, "forward", NFSIM_CHAIN_FILTER, NFSIM_HOOK_FORWARD, 0,
			   NF_DROP);
	post = base(nat, "postrouting", NFSIM_CHAIN_NAT, NFSIM_HOOK_POSTROUTING,
				100, NF_ACCEPT);
	mfwd = base(mangle, "forward", NFSIM_CHAIN_FILTER, NFSIM_HOOK_FORWARD,
				-150, NF_ACCEPT);

	r = nfsim_rule_add(in, handle++);
	ctstate(r, NFSIM_CT_ESTABLISHED | NFSIM_CT_RELATED);
	nfsim_add_verdict(r, NF_ACCEPT, NULL);
	r = nfsim_rule_add(in, handle++);
	ifname(r, true, "lo");
	nfsim_add_verdict(r, NF_ACCEPT, NULL);
	r = nfsim_rule_add(fwd, handle++);
	ctstate(r, NFSIM_CT_ESTABLISHED | NFSIM_CT_RELATED);
	nfsim_add_verdict(r, NF_ACCEPT, NULL);

	for (i = 0; i < tunnels; i++)
	{
		/* input: IKE and NAT-T from this peer */
		peer(i, a);
		r = nfsim_rule_add(in, handle++);
		host(r, true, a);
		dport(r, IPPROTO_UDP, 4500);
		counter(r);
		nfsim_add_verdict(r, NF_ACCEPT, NULL);

		/* forward: LAN -> remote and decrypted remote -> LAN */
		lan_net(i, a);
		remote_net(i, b);
		r = nfsim_rule_add(fwd, handle++);
		ifname(r, true, "lan");
		net24(r, true, a);
		net24(r, false, b);
		counter(r);
		nfsim_add_verdict(r, NF_ACCEPT, NULL);
		r = nfsim_rule_add(fwd, handle++);
		nfsim_add_meta(r, NFT_META_SECPATH, NFT_REG_1);
		nfsim_add_cmp(r, NFT_REG_1, NFT_CMP_EQ, &one, 1);
		net24(r, true, b);
		net24(r, false, a);
		counter(r);
		nfsim_add_verdict(r, NF_ACCEPT, NULL);

		/* NAT exemption */
		r = nfsim_rule_add(post, handle++);
		net24(r, true, a);
		net24(r, false, b);
		nfsim_add_verdict(r, NF_ACCEPT, NULL);

		/* MSS clamp for the tunnel */
		r = nfsim_rule_add(mfwd, handle++);
		net24(r, false, b);
		nfsim_add_meta(r, NFT_META_L4PROTO, NFT_REG_1);
		nfsim_add_cmp(r, NFT_REG_1, NFT_CMP_EQ, (uint8_t[]){ IPPROTO_TCP }, 1);
		nfsim_add_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 13, 1, NFT_REG_1);
		nfsim_add_bitwise(r, NFT_REG_1, NFT_REG_1, 1, &synrst, &zero, 1);
		nfsim_add_cmp(r, NFT_REG_1, NFT_CMP_EQ, &syn, 1);
		nfsim_add_immediate(r, NFT_REG_1, &mss, 2);
		nfsim_add_exthdr_set(r, 2, 2, 2, NFT_EXTHDR_OP_TCPOPT, NFT_REG_1);
	}
	r = nfsim_rule_add(post, handle++);
	ifname(r, false, "wan");
	nfsim_add_nat(r, NFSIM_NAT_MASQUERADE, 0, 0, 0, 0, 0, 0);

	nfsim_ruleset_finalize(rs);
	*rules = nfsim_ruleset_rule_count(rs, NFSIM_BACKEND_NFT);
	return rs;
}

static nfsim_packet_t packet(const uint8_t *src, const uint8_t *dst,
							 uint8_t proto, uint16_t sport, uint16_t dport,
							 const char *iif, const char *oif)
{
	nfsim_packet_t p;

	memset(&p, 0, sizeof(p));
	p.family = AF_INET;
	memcpy(p.src, src, 4);
	memcpy(p.dst, dst, 4);
	p.proto = proto;
	p.sport = sport;
	p.dport = dport;
	p.ct_state = NFSIM_CT_NEW;
	p.tcp_flags = 0x02;
	p.tcp_mss = 1460;
	snprintf(p.iif, sizeof(p.iif), "%s", iif);
	snprintf(p.oif, sizeof(p.oif), "%s", oif);
	p.known = NFSIM_PKT_IIF | NFSIM_PKT_OIF | NFSIM_PKT_TCP_FLAGS |
			  NFSIM_PKT_TCP_MSS;
	p.addrs = addrs;
	p.addr_count = 2;
	return p;
}

static double cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/**
 * One round over all tunnels; returns the number of evaluations, counts
 * results that are not what the ruleset says.
 */
static unsigned round_all(const nfsim_ruleset_t *rs, unsigned tunnels,
						  unsigned *wrong)
{
	uint8_t lan[4], remote[4], gw[4] = { 192, 0, 2, 1 }, pr[4];
	nfsim_result_t res;
	nfsim_packet_t p;
	unsigned i, evals = 0;

	for (i = 0; i < tunnels; i++)
	{
		lan_net(i, lan);
		remote_net(i, remote);
		lan[3] = 5;
		remote[3] = 7;
		peer(i, pr);

		/* LAN -> remote: no NAT (exempt), forwarded, clamped */
		p = packet(lan, remote, IPPROTO_TCP, 40000, 443, "lan", "wan");
		p.xfrm_out.present = true;
		nfsim_eval(rs, NFSIM_HOOK_POSTROUTING, &p, &res);
		*wrong += res.nat.type != NFSIM_NAT_NONE || !res.certain;
		nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
		*wrong += res.verdict != NFSIM_VERDICT_ACCEPT || !res.mss.present;

		/* remote -> LAN, decrypted */
		p = packet(remote, lan, IPPROTO_TCP, 443, 40000, "wan", "lan");
		p.xfrm_in.present = true;
		nfsim_eval(rs, NFSIM_HOOK_FORWARD, &p, &res);
		*wrong += res.verdict != NFSIM_VERDICT_ACCEPT;

		/* NAT-T from the peer */
		p = packet(pr, gw, IPPROTO_UDP, 4500, 4500, "wan", "");
		nfsim_eval(rs, NFSIM_HOOK_INPUT, &p, &res);
		*wrong += res.verdict != NFSIM_VERDICT_ACCEPT;
		evals += 4;
	}
	return evals;
}

/**
 * Best round of a number of rounds, in CPU seconds.
 */
static double best_round(const nfsim_ruleset_t *rs, unsigned tunnels,
						 unsigned rounds, unsigned *evals, unsigned *wrong)
{
	double best = 1e9;
	unsigned i;

	for (i = 0; i < rounds; i++)
	{
		double s = cpu_seconds(), t;

		*evals = round_all(rs, tunnels, wrong);
		t = cpu_seconds() - s;
		if (t < best)
		{
			best = t;
		}
	}
	return best;
}

int main(int argc, char *argv[])
{
	unsigned tunnels = argc > 1 ? atoi(argv[1]) : 1000;
	unsigned rounds = argc > 2 ? atoi(argv[2]) : 5;
	unsigned evals = 0, wrong = 0;
	double t0, t1, with, without;
	nfsim_ruleset_t *rs;
	size_t rules;

	t0 = cpu_seconds();
	rs = build(tunnels, &rules);
	t1 = cpu_seconds();
	/* the same rounds with every expression run, then with rule guards */
	nfsim_ruleset_set_guards(rs, false);
	without = best_round(rs, tunnels, rounds, &evals, &wrong);
	nfsim_ruleset_set_guards(rs, true);
	with = best_round(rs, tunnels, rounds, &evals, &wrong);
	printf("ruleset: %zu rules, built and finalized in %.3f s CPU\n", rules,
		   t1 - t0);
	printf("round without rule guards: %u tunnels, %u evaluations, %.3f s "
		   "CPU (best of %u), %.1f us per evaluation\n", tunnels, evals,
		   without, rounds, without * 1e6 / (evals ? evals : 1));
	printf("round: %u tunnels, %u evaluations, %.3f s CPU (best of %u), "
		   "%.1f us per evaluation (x%.2f)\n", tunnels, evals, with, rounds,
		   with * 1e6 / (evals ? evals : 1), with > 0 ? without / with : 0);
	nfsim_ruleset_destroy(rs);
	if (wrong)
	{
		printf("unexpected results: %u\n", wrong);
		return 1;
	}
	return 0;
}
