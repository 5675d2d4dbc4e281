/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * ct: conntrack state of the packet. The packet description gives the
 * state bit, the direction and optionally the mark; tuple fields are known
 * in the packet's own direction.
 */

#include "../nfsim_private.h"

#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

/**
 * A ct key: name, value type, length (0: family dependent address).
 */
typedef struct {
	const char *name;
	nfsim_vtype_t vt;
	uint8_t len;
} ct_key_t;

static const ct_key_t keys[] = {
	[NFT_CT_STATE] = { "ct state", NFSIM_VT_CTSTATE, 4 },
	[NFT_CT_DIRECTION] = { "ct direction", NFSIM_VT_CTDIR, 1 },
	[NFT_CT_STATUS] = { "ct status", NFSIM_VT_CTSTATUS, 4 },
	[NFT_CT_MARK] = { "ct mark", NFSIM_VT_HEX, 4 },
	[NFT_CT_SECMARK] = { "ct secmark", NFSIM_VT_DEC, 4 },
	[NFT_CT_EXPIRATION] = { "ct expiration", NFSIM_VT_DEC, 4 },
	[NFT_CT_HELPER] = { "ct helper", NFSIM_VT_IFNAME, 16 },
	[NFT_CT_L3PROTOCOL] = { "ct l3proto", NFSIM_VT_NFPROTO, 1 },
	[NFT_CT_SRC] = { "saddr", NFSIM_VT_RAW, 0 },
	[NFT_CT_DST] = { "daddr", NFSIM_VT_RAW, 0 },
	[NFT_CT_PROTOCOL] = { "ct protocol", NFSIM_VT_PROTO, 1 },
	[NFT_CT_PROTO_SRC] = { "proto-src", NFSIM_VT_PORT, 2 },
	[NFT_CT_PROTO_DST] = { "proto-dst", NFSIM_VT_PORT, 2 },
	[NFT_CT_LABELS] = { "ct label", NFSIM_VT_HEX, 16 },
	[NFT_CT_PKTS] = { "ct packets", NFSIM_VT_DEC, 8 },
	[NFT_CT_BYTES] = { "ct bytes", NFSIM_VT_DEC, 8 },
	[NFT_CT_AVGPKT] = { "ct avgpkt", NFSIM_VT_DEC, 8 },
	[NFT_CT_ZONE] = { "ct zone", NFSIM_VT_DEC, 2 },
	[NFT_CT_EVENTMASK] = { "ct event", NFSIM_VT_HEX, 4 },
	[NFT_CT_SRC_IP] = { "ip saddr", NFSIM_VT_IPV4, 4 },
	[NFT_CT_DST_IP] = { "ip daddr", NFSIM_VT_IPV4, 4 },
	[NFT_CT_SRC_IP6] = { "ip6 saddr", NFSIM_VT_IPV6, 16 },
	[NFT_CT_DST_IP6] = { "ip6 daddr", NFSIM_VT_IPV6, 16 },
	[NFT_CT_ID] = { "ct id", NFSIM_VT_DEC, 4 },
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/**
 * Length of a key's value for a family.
 */
static uint32_t key_len(uint32_t key, uint8_t family)
{
	if (key >= NKEYS || !keys[key].name)
	{
		return 4;
	}
	if (keys[key].len == 0)
	{
		return family == AF_INET6 ? 16 : 4;
	}
	return keys[key].len;
}

/**
 * Tuple fields: known in the packet's own direction.
 */
static void load_tuple(const nfsim_expr_t *e, nfsim_ctx_t *ctx)
{
	const nfsim_packet_t *p = ctx->pkt;
	uint32_t alen = nfsim_addr_len(ctx->family);
	uint8_t dreg = e->ct.dreg;
	uint16_t port;

	if (!e->ct.has_dir || e->ct.dir != p->ct_dir)
	{
		nfsim_reg_store_unknown(ctx, dreg, key_len(e->ct.key, ctx->family));
		return;
	}
	switch (e->ct.key)
	{
		case NFT_CT_SRC:
			nfsim_reg_store(ctx, dreg, p->src, alen);
			return;
		case NFT_CT_DST:
			nfsim_reg_store(ctx, dreg, p->dst, alen);
			return;
		case NFT_CT_SRC_IP:
		case NFT_CT_DST_IP:
			if (ctx->family != AF_INET)
			{
				ctx->verdict = NFT_BREAK;
				return;
			}
			nfsim_reg_store(ctx, dreg, e->ct.key == NFT_CT_SRC_IP ?
							p->src : p->dst, 4);
			return;
		case NFT_CT_SRC_IP6:
		case NFT_CT_DST_IP6:
			if (ctx->family != AF_INET6)
			{
				ctx->verdict = NFT_BREAK;
				return;
			}
			nfsim_reg_store(ctx, dreg, e->ct.key == NFT_CT_SRC_IP6 ?
							p->src : p->dst, 16);
			return;
		case NFT_CT_PROTO_SRC:
			port = htons(p->sport);
			nfsim_reg_store(ctx, dreg, &port, 2);
			return;
		case NFT_CT_PROTO_DST:
			port = htons(p->dport);
			nfsim_reg_store(ctx, dreg, &port, 2);
			return;
		default:
			nfsim_reg_store_unknown(ctx, dreg, 4);
			return;
	}
}

static void eval(const nfsim_expr_t *e, nfsim_ctx_t *ctx)
{
	const nfsim_packet_t *p = ctx->pkt;
	uint8_t dreg = e->ct.dreg;

	if (e->ct.set)
	{
		/* ct mark/label/zone/helper set: no effect on this verdict */
		return;
	}
	if (!p->ct_state)
	{
		nfsim_reg_store_unknown(ctx, dreg, key_len(e->ct.key, ctx->family));
		return;
	}
	if (e->ct.key == NFT_CT_STATE)
	{
		nfsim_reg_store32(ctx, dreg, p->ct_state);
		return;
	}
	if (p->ct_state & (NFSIM_CT_INVALID | NFSIM_CT_UNTRACKED))
	{
		/* no conntrack entry: every other key breaks */
		ctx->verdict = NFT_BREAK;
		return;
	}
	switch (e->ct.key)
	{
		case NFT_CT_DIRECTION:
			nfsim_reg_store8(ctx, dreg, p->ct_dir);
			break;
		case NFT_CT_MARK:
			if (p->known & NFSIM_PKT_CT_MARK)
			{
				nfsim_reg_store32(ctx, dreg, p->ct_mark);
			}
			else
			{
				nfsim_reg_store_unknown(ctx, dreg, 4);
			}
			break;
		case NFT_CT_L3PROTOCOL:
			nfsim_reg_store8(ctx, dreg, ctx->family == AF_INET6 ?
							 NFPROTO_IPV6 : NFPROTO_IPV4);
			break;
		case NFT_CT_PROTOCOL:
			nfsim_reg_store8(ctx, dreg, p->proto);
			break;
		case NFT_CT_SRC:
		case NFT_CT_DST:
		case NFT_CT_SRC_IP:
		case NFT_CT_DST_IP:
		case NFT_CT_SRC_IP6:
		case NFT_CT_DST_IP6:
		case NFT_CT_PROTO_SRC:
		case NFT_CT_PROTO_DST:
			load_tuple(e, ctx);
			break;
		default:
			if (e->ct.key < NKEYS && keys[e->ct.key].name)
			{
				nfsim_reg_store_unknown(ctx, dreg,
										key_len(e->ct.key, ctx->family));
			}
			else
			{
				nfsim_undecidable(ctx);
			}
			break;
	}
}

static void render(const nfsim_expr_t *e, nfsim_render_t *r)
{
	const ct_key_t *k = e->ct.key < NKEYS && keys[e->ct.key].name ?
					 &keys[e->ct.key] : NULL;
	const char *dir = "";
	uint32_t len;
	nfsim_vtype_t vt;

	if (e->ct.has_dir)
	{
		dir = e->ct.dir ? "reply " : "original ";
	}
	if (e->ct.set)
	{
		nfsim_render_space(r);
		nfsim_render_printf(r, "%s set ", k ? k->name : "ct ?");
		nfsim_render_regname(r, e->ct.sreg, 4);
		return;
	}
	if (!k)
	{
		nfsim_render_desc(r, e->ct.dreg, 4, NFSIM_VT_RAW, "ct %u", e->ct.key);
		return;
	}
	len = key_len(e->ct.key, r->family == NFPROTO_IPV6 ? AF_INET6 : AF_INET);
	vt = k->vt;
	if (k->len == 0)
	{
		vt = len == 16 ? NFSIM_VT_IPV6 : NFSIM_VT_IPV4;
	}
	if (strncmp(k->name, "ct ", 3) == 0)
	{
		nfsim_render_desc(r, e->ct.dreg, len, vt, "ct %s%s", dir, k->name + 3);
	}
	else
	{
		nfsim_render_desc(r, e->ct.dreg, len, vt, "ct %s%s", dir, k->name);
	}
}

const nfsim_expr_ops_t nfsim_expr_ct_ops = {
	.name = "ct",
	.eval = eval,
	.render = render,
};

bool nfsim_add_ct(nfsim_rule_t *rule, uint32_t key, int dir, uint32_t dreg)
{
	nfsim_expr_t *e;
	uint8_t off;

	/* addresses may be 16 bytes: validate the larger size */
	if (!nfsim_reg_offset(dreg, key_len(key, AF_INET6), &off) ||
		dreg == NFT_REG_VERDICT || dir > 1)
	{
		nfsim_add_invalid(rule, "ct");
		return false;
	}
	e = nfsim_rule_push(rule, &nfsim_expr_ct_ops);
	if (!e)
	{
		return false;
	}
	e->ct.key = key;
	e->ct.dreg = off;
	e->ct.has_dir = dir >= 0;
	e->ct.dir = dir >= 0 ? dir : 0;
	return true;
}

bool nfsim_add_ct_set(nfsim_rule_t *rule, uint32_t key, uint32_t sreg)
{
	nfsim_expr_t *e;
	uint8_t off;

	if (!nfsim_reg_offset(sreg, 4, &off) || sreg == NFT_REG_VERDICT)
	{
		nfsim_add_invalid(rule, "ct");
		return false;
	}
	e = nfsim_rule_push(rule, &nfsim_expr_ct_ops);
	if (!e)
	{
		return false;
	}
	e->ct.key = key;
	e->ct.sreg = off;
	e->ct.set = true;
	return true;
}
