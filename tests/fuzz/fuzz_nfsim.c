/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * libFuzzer target: the netfilter rule decoders (nf_tables netlink messages
 * and iptables-legacy entries -> rule model) and the simulator running the
 * decoded rules on a packet derived from the input.
 *
 * Input layout:
 *   byte 0        mode: bit 0 legacy records instead of netlink messages,
 *                 bit 1 IPv6 packet
 *   bytes 1-48    packet description (see packet())
 *   rest          netlink messages, or legacy records:
 *                 kind, family, table, chain, name (indices into the tables
 *                 below), length (2 bytes, little endian), entry bytes
 *
 * clang -g -O1 -fsanitize=fuzzer,address,undefined -Iplugin ... see the
 * Makefile's fuzz target; seeds: tests/fuzz/nfsim_seeds.sh.
 */

#include <nfsim/nfsim.h>
#include <nfsim/nfsim_ruleset.h>
#include <facts/nft/dpc_nft_read.h>
#include <facts/ipt/dpc_ipt_read.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/netfilter.h>

/** bytes of the packet description */
#define SEED_LEN 48

static const char *tables[] = {
	"filter", "nat", "mangle", "raw", "security", "x",
};
static const char *chains[] = {
	"INPUT", "FORWARD", "OUTPUT", "PREROUTING", "POSTROUTING", "c1", "c2",
};
static const char *names[] = {
	NULL, "ACCEPT", "DROP", "RETURN", "QUEUE", "c1", "c2", "", "MASQUERADE",
};
static const char *ifnames[] = { "lan", "wan", "lo", "", "eth0" };

static const nfsim_ifaddr_t addrs[] = {
	{ AF_INET, { 192, 0, 2, 1 }, 24, "wan" },
	{ AF_INET, { 10, 1, 0, 1 }, 16, "lan" },
	{ AF_INET6, { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, 64, "wan" },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/**
 * Decode legacy records.
 */
static void legacy(nfsim_ruleset_t *rs, const uint8_t *d, size_t len)
{
	size_t off = 0;

	while (off + 7 <= len)
	{
		dpc_ipt_record_t rec = {
			.kind = d[off] & 1 ? DPC_IPT_RULE : DPC_IPT_CHAIN,
			.family = d[off + 1] & 1 ? NFPROTO_IPV6 : NFPROTO_IPV4,
			.table = tables[d[off + 2] % N(tables)],
			.chain = chains[d[off + 3] % N(chains)],
		};
		const char *name = names[d[off + 4] % N(names)];
		size_t elen = d[off + 5] | (d[off + 6] << 8);
		uint8_t *entry;

		off += 7;
		if (elen > len - off)
		{
			elen = len - off;
		}
		if (rec.kind == DPC_IPT_CHAIN)
		{
			rec.policy = name && name[0] ? name : NULL;
			dpc_ipt_add(rs, &rec);
			continue;
		}
		/* an exact copy: reads beyond it are caught */
		entry = malloc(elen ? elen : 1);
		if (!entry)
		{
			return;
		}
		memcpy(entry, d + off, elen);
		rec.entry = entry;
		rec.len = elen;
		rec.target = name;
		dpc_ipt_add(rs, &rec);
		free(entry);
		off += elen;
	}
}

/**
 * The packet the rules run on.
 */
static void packet(nfsim_packet_t *p, const uint8_t *s, bool v6)
{
	static const uint8_t protos[] = {
		IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_ESP,
		IPPROTO_AH, IPPROTO_SCTP, IPPROTO_GRE,
	};
	static const uint32_t states[] = {
		0, NFSIM_CT_NEW, NFSIM_CT_ESTABLISHED, NFSIM_CT_RELATED,
		NFSIM_CT_INVALID, NFSIM_CT_UNTRACKED,
	};

	memset(p, 0, sizeof(*p));
	p->family = v6 ? AF_INET6 : AF_INET;
	memcpy(p->src, s, 16);
	memcpy(p->dst, s + 16, 16);
	p->proto = s[32] < 0xf0 ? protos[s[32] % N(protos)] : s[32];
	p->sport = s[33] << 8 | s[34];
	p->dport = s[35] << 8 | s[36];
	p->icmp_type = s[37];
	p->icmp_code = s[38];
	p->spi = (uint32_t)s[33] << 24 | s[34] << 16 | s[35] << 8 | s[36];
	p->ct_state = states[s[39] % N(states)];
	p->ct_dir = (s[39] >> 4) & 1;
	p->xfrm_in.present = s[40] & 1;
	p->xfrm_out.present = s[40] & 2;
	p->xfrm_in.known = p->xfrm_out.known = (s[40] >> 2) & 0x1f;
	p->xfrm_in.reqid = p->xfrm_out.reqid = s[46] & 0x0f;
	p->xfrm_out.tunnel = s[40] & 0x80;
	memcpy(p->xfrm_out.saddr, s + 16, 16);
	memcpy(p->xfrm_out.daddr, s, 16);
	p->known = s[41] | (s[42] << 8);
	strcpy(p->iif, ifnames[s[43] % N(ifnames)]);
	strcpy(p->oif, ifnames[s[44] % N(ifnames)]);
	p->iif_index = s[43];
	p->oif_index = s[44];
	p->mark = s[45];
	p->tcp_flags = s[47];
	p->tcp_mss = 1200 + s[46];
	p->len = 40 + s[45];
	p->mtu = 1280 + s[46];
	p->tos = s[47];
	p->ttl = s[45];
	p->rpf_ok = s[39] & 0x80;
	p->addrs = addrs;
	p->addr_count = N(addrs);
}

/**
 * Render every rule (the renderers read the decoded blobs too).
 */
static void render_all(const nfsim_ruleset_t *rs)
{
	char buf[NFSIM_RULE_STRLEN];
	size_t t, c, r;

	for (t = 0; t < nfsim_ruleset_table_count(rs); t++)
	{
		const nfsim_table_t *table = nfsim_ruleset_table(rs, t);

		for (c = 0; c < nfsim_table_chain_count(table); c++)
		{
			const nfsim_chain_t *chain = nfsim_table_chain(table, c);

			for (r = 0; r < nfsim_chain_rule_count(chain); r++)
			{
				nfsim_rule_format(nfsim_chain_rule(chain, r), buf, sizeof(buf));
				nfsim_rule_where(nfsim_chain_rule(chain, r), buf, sizeof(buf));
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t seed[SEED_LEN] = {0};
	nfsim_ruleset_t *rs;
	nfsim_packet_t pkt;
	nfsim_result_t res;
	uint32_t genid;
	uint8_t mode;
	int hook;

	if (size < 1)
	{
		return 0;
	}
	mode = data[0];
	data++;
	size--;
	memcpy(seed, data, size < SEED_LEN ? size : SEED_LEN);
	data += size < SEED_LEN ? size : SEED_LEN;
	size -= size < SEED_LEN ? size : SEED_LEN;

	rs = nfsim_ruleset_create();
	if (!rs)
	{
		return 0;
	}
	if (mode & 1)
	{
		legacy(rs, data, size);
	}
	else
	{
		dpc_nft_parse(rs, data, size, &genid);
	}
	nfsim_ruleset_finalize(rs);
	render_all(rs);
	packet(&pkt, seed, mode & 2);
	for (hook = 0; hook < NFSIM_HOOK_MAX; hook++)
	{
		nfsim_eval(rs, hook, &pkt, &res);
	}
	nfsim_ruleset_destroy(rs);
	return 0;
}
