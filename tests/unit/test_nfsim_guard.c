/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * Rule guards (a rule one of whose leading tests fails is skipped without
 * running its expressions) and runs (consecutive rules whose tests differ
 * only in their constants, passed over in one step): over the captured
 * rulesets, a generated one with a rule per tunnel and generated ones made
 * of long runs, random packets get the same outcome with and without
 * guards, down to the deciding rule, the NAT, the MSS clamp, the mark,
 * every step and the stop callback's turns.
 */

#include "dpc_tests.h"
#include "nfsim_fixture.h"

#include <nfsim/nfsim_ruleset.h>
#include <nfsim/nfsim_private.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

/** random packets per ruleset and hook */
#define PACKETS 400

static const nfsim_ifaddr_t gw_addrs[] = {
	{ AF_INET, { 192, 0, 2, 2 }, 24, "wan" },
	{ AF_INET, { 10, 1, 0, 1 }, 24, "lan" },
	{ AF_INET, { 127, 0, 0, 1 }, 8, "lo" },
};

static const char *const fixtures[] = {
	"docker_default", "docker_user", "fail2ban_ban", "fail2ban_nft",
	"fwd_ipsec", "fwd_policy", "fwd_public", "ip6tnft_masq", "iptnft_filter",
	"iptnft_fwd_ctstatus", "iptnft_nat", "legacy", "mixed",
	"nft_dnat_ct_status", "nft_filter", "nft_filter6", "nft_fwd_ct_mark",
	"nft_fwd_ct_status", "nft_fwd_in_drop", "nft_fwd_out_only",
	"nft_fwd_ping", "nft_input_ct_status", "nft_masq", "nft_masq6_inet",
	"nft_masq_exempt", "nft_masq_lan", "nft_masq_lan_exempt", "nft_pmtu_out",
	"nft_stateful_input", "ufw_default", "ufw_ipsec", "ufw_policy",
	"xt_packet",
};

static unsigned seed;

static unsigned rnd(unsigned n)
{
	return n ? (unsigned)rand_r(&seed) % n : 0;
}

/**
 * A random address, mostly from the networks the rulesets name.
 */
static void rnd_addr(uint8_t family, uint8_t *a)
{
	static const uint8_t v4[][4] = {
		{ 10, 1, 0, 0 }, { 10, 20, 1, 0 }, { 192, 0, 2, 0 },
		{ 198, 51, 100, 0 }, { 172, 17, 0, 0 }, { 127, 0, 0, 0 },
		{ 192, 168, 1, 0 }, { 10, 0, 0, 0 },
	};
	unsigned i;

	memset(a, 0, 16);
	if (family == AF_INET)
	{
		memcpy(a, v4[rnd(sizeof(v4) / sizeof(v4[0]))], 4);
		a[3] = rnd(4) ? rnd(8) : rnd(256);
		if (!rnd(8))
		{
			for (i = 0; i < 4; i++)
			{
				a[i] = rnd(256);
			}
		}
		return;
	}
	switch (rnd(4))
	{
		case 0:
			a[0] = 0xfe;
			a[1] = 0x80;
			break;
		case 1:
			a[15] = 1;
			return;
		default:
			a[0] = 0x20;
			a[1] = 0x01;
			a[2] = 0x0d;
			a[3] = 0xb8;
			a[5] = rnd(3);
			break;
	}
	a[15] = rnd(8);
	if (!rnd(8))
	{
		for (i = 0; i < 16; i++)
		{
			a[i] = rnd(256);
		}
	}
}

/**
 * A random packet.
 */
static void rnd_packet(nfsim_packet_t *p)
{
	static const char *const ifs[] = {
		"lan", "wan", "lo", "ipsec0", "docker0", "eth0", "",
	};
	static const uint8_t protos[] = {
		IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_ESP,
		IPPROTO_AH, IPPROTO_GRE,
	};
	static const uint16_t ports[] = { 22, 53, 80, 443, 500, 4500, 8080 };
	static const uint32_t states[] = {
		0, NFSIM_CT_NEW, NFSIM_CT_ESTABLISHED, NFSIM_CT_RELATED,
		NFSIM_CT_INVALID, NFSIM_CT_UNTRACKED,
	};
	const char *iif = ifs[rnd(7)], *oif = ifs[rnd(7)];

	memset(p, 0, sizeof(*p));
	p->family = rnd(4) ? AF_INET : AF_INET6;
	rnd_addr(p->family, p->src);
	rnd_addr(p->family, p->dst);
	p->proto = rnd(8) ? protos[rnd(7)] : rnd(256);
	p->sport = rnd(2) ? ports[rnd(7)] : rnd(65536);
	p->dport = rnd(2) ? ports[rnd(7)] : rnd(65536);
	p->icmp_type = rnd(2) ? 8 : rnd(256);
	p->icmp_code = rnd(4) ? 0 : rnd(256);
	p->spi = rnd(65536);
	p->tcp_flags = rnd(2) ? 0x02 : rnd(256);
	p->tcp_mss = rnd(2) ? 1460 : rnd(65536);
	p->len = rnd(1500);
	p->tos = rnd(4) ? 0 : rnd(256);
	p->ttl = rnd(256);
	p->df = rnd(2);
	snprintf(p->iif, sizeof(p->iif), "%s", iif);
	snprintf(p->oif, sizeof(p->oif), "%s", oif);
	p->iif_index = rnd(8);
	p->oif_index = rnd(8);
	p->mark = rnd(2) ? 0 : rnd(4) ? rnd(4) : (uint32_t)rand_r(&seed);
	p->ct_state = states[rnd(6)];
	p->ct_dir = rnd(2);
	p->ct_mark = rnd(2) ? 0 : rnd(4);
	p->xfrm_in.present = rnd(2);
	p->xfrm_in.known = rnd(32);
	p->xfrm_in.reqid = rnd(4);
	p->xfrm_in.proto = IPPROTO_ESP;
	p->xfrm_in.tunnel = rnd(2);
	p->xfrm_out.present = rnd(2);
	p->xfrm_out.known = rnd(32);
	p->xfrm_out.reqid = rnd(4);
	p->xfrm_out.proto = IPPROTO_ESP;
	p->xfrm_out.tunnel = rnd(2);
	rnd_addr(p->family, p->nexthop);
	p->mtu = rnd(2) ? 1500 : rnd(65536);
	p->rpf_ok = rnd(2);
	p->addrs = gw_addrs;
	p->addr_count = sizeof(gw_addrs) / sizeof(gw_addrs[0]);
	p->known = rnd(1 << 16);
	if (!*iif)
	{
		p->known &= ~NFSIM_PKT_IIF;
	}
	if (!*oif)
	{
		p->known &= ~NFSIM_PKT_OIF;
	}
	if (p->known & NFSIM_PKT_CT_STATUS)
	{
		p->known &= ~NFSIM_PKT_CT_STATUS;
		nfsim_packet_ct_status(p, rnd(3), rnd(3));
	}
}

/**
 * Assert two outcomes are the same.
 */
static void same(const nfsim_result_t *a, const nfsim_result_t *b,
				 const char *what, unsigned n)
{
	unsigned i;

	ck_assert_msg(a->verdict == b->verdict && a->certain == b->certain &&
				  a->alt_verdict == b->alt_verdict && a->rule == b->rule &&
				  a->chain == b->chain && a->unknown_rule == b->unknown_rule &&
				  strcmp(a->unknown_what, b->unknown_what) == 0 &&
				  a->mark == b->mark, "%s packet %u: %s/%s vs %s/%s", what, n,
				  nfsim_verdict_name(a->verdict), a->unknown_what,
				  nfsim_verdict_name(b->verdict), b->unknown_what);
	ck_assert_msg(a->nat.type == b->nat.type &&
				  a->nat.addr_known == b->nat.addr_known &&
				  memcmp(a->nat.addr, b->nat.addr, 16) == 0 &&
				  memcmp(a->nat.addr_max, b->nat.addr_max, 16) == 0 &&
				  a->nat.port_min == b->nat.port_min &&
				  a->nat.port_max == b->nat.port_max &&
				  a->nat.flags == b->nat.flags && a->nat.rule == b->nat.rule,
				  "%s packet %u: NAT differs", what, n);
	ck_assert_msg(a->mss.present == b->mss.present && a->mss.mss == b->mss.mss &&
				  a->mss.rule == b->mss.rule, "%s packet %u: MSS differs",
				  what, n);
	ck_assert_msg(a->nsteps == b->nsteps, "%s packet %u: steps", what, n);
	for (i = 0; i < a->nsteps; i++)
	{
		ck_assert_msg(a->steps[i].chain == b->steps[i].chain &&
					  a->steps[i].verdict == b->steps[i].verdict &&
					  a->steps[i].rule == b->steps[i].rule &&
					  a->steps[i].rule_chain == b->steps[i].rule_chain,
					  "%s packet %u: step %u differs", what, n, i);
	}
}

/**
 * Number of rules of a ruleset with a guard, or in an indexed run.
 */
static unsigned guarded(const nfsim_ruleset_t *rs, bool in_run)
{
	unsigned n = 0;
	size_t i, j, k;

	for (i = 0; i < rs->ntables; i++)
	{
		for (j = 0; j < rs->tables[i]->nchains; j++)
		{
			const nfsim_chain_t *c = rs->tables[i]->chains[j];

			for (k = 0; k < c->nrules; k++)
			{
				n += in_run ? c->rules[k]->run != NULL
							: c->rules[k]->guard.ntests > 0;
			}
		}
	}
	return n;
}

/**
 * A stop callback counting how often it is asked (never stops).
 */
static bool count_stop(void *ctx)
{
	(*(unsigned*)ctx)++;
	return false;
}

/**
 * Compare outcomes with and without guards over random packets at every
 * hook, and how often each asks the stop callback; returns the number of
 * outcomes compared.
 */
static unsigned compare(nfsim_ruleset_t *rs, const char *what)
{
	nfsim_result_t with, without;
	nfsim_packet_t p;
	unsigned n, h, count = 0, asked_with = 0, asked_without = 0;

	for (n = 0; n < PACKETS; n++)
	{
		rnd_packet(&p);
		for (h = 0; h < NFSIM_HOOK_MAX; h++)
		{
			nfsim_ruleset_set_guards(rs, true);
			nfsim_ruleset_set_stop(rs, count_stop, &asked_with);
			nfsim_eval(rs, h, &p, &with);
			nfsim_ruleset_set_guards(rs, false);
			nfsim_ruleset_set_stop(rs, count_stop, &asked_without);
			nfsim_eval(rs, h, &p, &without);
			same(&with, &without, what, n);
			ck_assert_uint_eq(asked_with, asked_without);
			count++;
		}
	}
	nfsim_ruleset_set_stop(rs, NULL, NULL);
	nfsim_ruleset_set_guards(rs, true);
	return count;
}

START_TEST(test_guard_fixtures)
{
	char path[256];
	nfsim_ruleset_t *rs;
	unsigned bad;

	seed = 0x5eed + _i;
	snprintf(path, sizeof(path), "%s/nfsim/%s.nl", FIXTURES, fixtures[_i]);
	bad = 1;
	rs = nfsim_fixture_load(path, NULL, &bad);
	ck_assert_msg(rs, "cannot load %s", path);
	ck_assert_uint_eq(bad, 0);
	ck_assert_uint_gt(compare(rs, fixtures[_i]), 0);
	nfsim_ruleset_destroy(rs);
}
END_TEST

/**
 * A test of a packet field against a prefix (0 for a host).
 */
static void prefix(nfsim_rule_t *r, uint32_t base, uint32_t off,
				   const uint8_t *a, unsigned plen, unsigned len)
{
	uint8_t mask[16] = { 0 }, zero[16] = { 0 }, v[16];
	unsigned i;

	for (i = 0; i < len; i++)
	{
		mask[i] = plen >= (i + 1) * 8 ? 0xff :
				  plen > i * 8 ? (uint8_t)(0xff << (8 - plen % 8)) : 0;
		v[i] = a[i] & mask[i];
	}
	nfsim_add_payload(r, base, off, len, NFT_REG_1);
	if (plen < len * 8)
	{
		nfsim_add_bitwise(r, NFT_REG_1, NFT_REG_1, len, mask, zero, len);
	}
	nfsim_add_cmp(r, NFT_REG_1, NFT_CMP_EQ, v, len);
}

/**
 * A base chain "base<hook>" per hook, with a random policy.
 */
static void base_chains(nfsim_table_t *t, nfsim_chain_t **c)
{
	unsigned h;

	for (h = 0; h < NFSIM_HOOK_MAX; h++)
	{
		char name[16];

		snprintf(name, sizeof(name), "base%u", h);
		c[h] = nfsim_chain_add(t, name);
		nfsim_chain_set_base(c[h], h == NFSIM_HOOK_POSTROUTING ?
							 NFSIM_CHAIN_NAT : NFSIM_CHAIN_FILTER, h, 0,
							 rnd(2) ? NF_ACCEPT : NF_DROP, NULL);
	}
}

/**
 * A random verdict: a jump to "sub", return, continue or, one time in
 * n - 3 and more, accept or drop.
 */
static void random_verdict(nfsim_rule_t *r, unsigned n)
{
	switch (rnd(n))
	{
		case 0:
			nfsim_add_verdict(r, NFT_JUMP, "sub");
			break;
		case 1:
			nfsim_add_verdict(r, NFT_RETURN, NULL);
			break;
		case 2:
			nfsim_add_verdict(r, NFT_CONTINUE, NULL);
			break;
		default:
			nfsim_add_verdict(r, rnd(2) ? NF_ACCEPT : NF_DROP, NULL);
			break;
	}
}

START_TEST(test_guard_generated)
{
	static const uint8_t verdicts[] = { NF_ACCEPT, NF_DROP };
	nfsim_ruleset_t *rs = nfsim_ruleset_create();
	nfsim_table_t *t;
	nfsim_chain_t *c[NFSIM_HOOK_MAX], *sub;
	nfsim_rule_t *r;
	uint8_t a[16];
	uint16_t port;
	unsigned h, i;
	uint64_t handle = 1;

	/* variant 1: long chains, so that the stop callback's turns fall
	 * inside skipped rules */
	unsigned rules = _i ? 3000 : 300, hooks = _i ? 1 : NFSIM_HOOK_MAX;

	seed = 0x9e7 + _i;
	t = nfsim_table_add(rs, NFSIM_BACKEND_NFT, NFPROTO_IPV4, "filter");
	sub = nfsim_chain_add(t, "sub");
	base_chains(t, c);
	for (i = 0; i < rules; i++)
	{
		h = rnd(hooks);
		r = nfsim_rule_add(rnd(6) ? c[h] : sub, handle++);
		rnd_addr(AF_INET, a);
		if (rnd(5) == 0)
		{	/* tests what the rule before left in the register */
			a[2] = a[3] = 0;
			nfsim_add_cmp(r, NFT_REG_1, NFT_CMP_EQ, a, 4);
			nfsim_add_verdict(r, verdicts[rnd(2)], NULL);
			continue;
		}
		prefix(r, NFT_PAYLOAD_NETWORK_HEADER, rnd(2) ? 12 : 16, a,
			   rnd(2) ? 32 : 8 + rnd(25), 4);
		if (rnd(2))
		{	/* a second test, of a port */
			port = htons(rnd(2) ? 443 : rnd(65536));
			prefix(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, (uint8_t*)&port,
				   16, 2);
		}
		if (rnd(3) == 0)
		{	/* a rule loading a register the next rule does not */
			nfsim_add_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 9, 1, NFT_REG_2);
		}
		random_verdict(r, 5);
	}
	nfsim_ruleset_finalize(rs);
	ck_assert_uint_gt(guarded(rs, false), rules / 2);
	ck_assert_uint_gt(compare(rs, "generated"), 0);
	nfsim_ruleset_destroy(rs);
}
END_TEST

/**
 * A test of a meta key against a value.
 */
static void meta_is(nfsim_rule_t *r, uint32_t key, const void *v, unsigned len)
{
	nfsim_add_meta(r, key, NFT_REG_1);
	nfsim_add_cmp(r, NFT_REG_1, NFT_CMP_EQ, v, len);
}

/**
 * A rule of one of the shapes block lists and port rules take (what nft
 * and iptables-nft compile them to), its constants drawn from the values
 * the random packets use, so that packets pass 0, 1, 2 or all tests.
 */
static void shaped_rule(nfsim_rule_t *r, unsigned shape, bool inet)
{
	static const char *const ifs[] = { "lan", "wan", "ipsec0", "eth0" };
	static const uint16_t ports[] = { 22, 53, 443, 4500 };
	uint8_t nfproto = NFPROTO_IPV4, a[16];
	uint8_t proto = rnd(3) ? IPPROTO_TCP : IPPROTO_UDP;
	char name[IF_NAMESIZE] = "";
	uint16_t port = htons(ports[rnd(4)]);

	if (inet)
	{
		meta_is(r, NFT_META_NFPROTO, &nfproto, 1);
	}
	rnd_addr(AF_INET, a);
	switch (shape)
	{
		case 0:	/* ip saddr A tcp dport P */
			prefix(r, NFT_PAYLOAD_NETWORK_HEADER, 12, a, 32, 4);
			meta_is(r, NFT_META_L4PROTO, &proto, 1);
			prefix(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, (uint8_t*)&port, 16, 2);
			break;
		case 1:	/* ip daddr A/24 */
			prefix(r, NFT_PAYLOAD_NETWORK_HEADER, 16, a, 24, 4);
			break;
		case 2:	/* iifname I ip saddr A */
			snprintf(name, sizeof(name), "%s", ifs[rnd(4)]);
			meta_is(r, NFT_META_IIFNAME, name, IF_NAMESIZE);
			prefix(r, NFT_PAYLOAD_NETWORK_HEADER, 12, a, 32, 4);
			break;
		case 3:	/* -i I -d A: iptables-nft compares the name to its NUL */
			snprintf(name, sizeof(name), "%s", ifs[rnd(2)]);
			meta_is(r, NFT_META_IIFNAME, name, strlen(name) + 1);
			prefix(r, NFT_PAYLOAD_NETWORK_HEADER, 16, a, 32, 4);
			break;
		default: /* meta l4proto P th dport P */
			meta_is(r, NFT_META_L4PROTO, &proto, 1);
			prefix(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, (uint8_t*)&port, 16, 2);
			break;
	}
}

/**
 * Runs: long stretches of rules of one shape with different constants,
 * in inet and ip tables, separated by rules that test what the run before
 * left in the register, some long enough for the stop callback's turns to
 * fall inside a run. The same outcome with and without guards.
 */
START_TEST(test_guard_runs)
{
	static const uint8_t verdicts[] = { NF_ACCEPT, NF_DROP };
	nfsim_ruleset_t *rs = nfsim_ruleset_create();
	nfsim_chain_t *c[NFSIM_HOOK_MAX], *sub;
	nfsim_table_t *t;
	nfsim_rule_t *r;
	uint64_t handle = 1;
	unsigned h, i, n, shape, rules = 0;
	bool inet = _i % 2;
	uint8_t a[16];

	seed = 0x2a11 + _i;
	t = nfsim_table_add(rs, NFSIM_BACKEND_NFT,
						inet ? NFPROTO_INET : NFPROTO_IPV4, "filter");
	sub = nfsim_chain_add(t, "sub");
	base_chains(t, c);
	while (rules < (_i < 2 ? 1500u : 4000u))
	{	/* a run in a chain, then a rule reading the register */
		h = rnd(NFSIM_HOOK_MAX);
		shape = rnd(5);
		n = _i < 2 ? 8 + rnd(60) : 2000;
		for (i = 0; i < n; i++, rules++)
		{
			r = nfsim_rule_add(rnd(8) ? c[h] : sub, handle++);
			shaped_rule(r, shape, inet);
			random_verdict(r, 6);
		}
		r = nfsim_rule_add(c[h], handle++);
		rnd_addr(AF_INET, a);
		a[rnd(4)] = rnd(2) ? 0 : a[0];
		nfsim_add_cmp(r, NFT_REG_1, NFT_CMP_EQ, a, rnd(2) ? 4 : 1);
		nfsim_add_verdict(r, verdicts[rnd(2)], NULL);
	}
	nfsim_ruleset_finalize(rs);
	ck_assert_uint_gt(guarded(rs, true), rules / 2);
	ck_assert_uint_gt(compare(rs, "runs"), 0);
	nfsim_ruleset_destroy(rs);
}
END_TEST

Suite *nfsim_guard_suite(void)
{
	Suite *s = suite_create("nfsim rule guards");
	TCase *tc = tcase_create("same outcome");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_guard_fixtures, 0,
						sizeof(fixtures) / sizeof(fixtures[0]));
	tcase_add_loop_test(tc, test_guard_generated, 0, 2);
	tcase_add_loop_test(tc, test_guard_runs, 0, 4);
	suite_add_tcase(s, tc);
	return s;
}
