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
 * state bit, the direction, the status (with the bits that depend on
 * runtime state) and optionally the mark; a NAT binding set up earlier in
 * the hook being run adds its status bit; tuple fields are known in the
 * packet's own direction. Mark (unless given), label, zone, expiration,
 * counters and ids depend on runtime state and stay unknown.
 */

#include "../nfsim_private.h"
#include "../nfsim_attr.h"

#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

/**
 * Private data: load (dreg) or set (sreg).
 */
typedef struct {
	/** NFT_CT_* */
	uint32_t key;
	/** IP_CT_DIR_* of tuple keys */
	uint8_t dir;
	/** destination register offset (load) */
	uint8_t dreg;
	/** source register offset (set) */
	uint8_t sreg;
	/** dir is given */
	bool has_dir;
	/** sets (else loads) */
	bool set;
} ct_t;

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
static void load_tuple(const ct_t *ct, nfsim_ctx_t *ctx)
{
	const nfsim_packet_t *p = ctx->pkt;
	uint32_t alen = nfsim_addr_len(ctx->family);
	uint8_t dreg = ct->dreg;
	uint16_t port;

	if (!ct->has_dir || ct->dir != p->ct_dir)
	{
		nfsim_reg_store_unknown(ctx, dreg, key_len(ct->key, ctx->family));
		return;
	}
	switch (ct->key)
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
			nfsim_reg_store(ctx, dreg, ct->key == NFT_CT_SRC_IP ?
							p->src : p->dst, 4);
			return;
		case NFT_CT_SRC_IP6:
		case NFT_CT_DST_IP6:
			if (ctx->family != AF_INET6)
			{
				ctx->verdict = NFT_BREAK;
				return;
			}
			nfsim_reg_store(ctx, dreg, ct->key == NFT_CT_SRC_IP6 ?
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

/*
 * Described in header
 */
void nfsim_packet_ct_status(nfsim_packet_t *pkt, nfsim_tri_t src_nat,
							nfsim_tri_t dst_nat)
{
	/* bits a connection without helper or expectation has as stated */
	uint32_t det = NFSIM_CTS_EXPECTED | NFSIM_CTS_SEEN_REPLY |
				   NFSIM_CTS_CONFIRMED | NFSIM_CTS_DYING |
				   NFSIM_CTS_TEMPLATE | NFSIM_CTS_UNTRACKED | NFSIM_CTS_HELPER;

	pkt->known |= NFSIM_PKT_CT_STATUS;
	pkt->ct_status = 0;
	pkt->ct_status_unknown = ~0u;
	if (pkt->ct_state == NFSIM_CT_NEW)
	{	/* the first packet: not even assured */
		pkt->ct_status_unknown = ~(det | NFSIM_CTS_ASSURED);
	}
	else if (pkt->ct_state == NFSIM_CT_ESTABLISHED)
	{
		pkt->ct_status = NFSIM_CTS_SEEN_REPLY | NFSIM_CTS_CONFIRMED;
		pkt->ct_status_unknown = ~det;
	}
	else
	{
		return;
	}
	if (src_nat != NFSIM_UNKNOWN)
	{
		pkt->ct_status_unknown &= ~NFSIM_CTS_SRC_NAT;
		pkt->ct_status |= src_nat == NFSIM_YES ? NFSIM_CTS_SRC_NAT : 0;
	}
	if (dst_nat != NFSIM_UNKNOWN)
	{
		pkt->ct_status_unknown &= ~NFSIM_CTS_DST_NAT;
		pkt->ct_status |= dst_nat == NFSIM_YES ? NFSIM_CTS_DST_NAT : 0;
	}
}

/*
 * Described in header
 */
bool nfsim_ct_status(const nfsim_ctx_t *ctx, uint32_t *status,
					 uint32_t *unknown)
{
	const nfsim_packet_t *p = ctx->pkt;

	if (!(p->known & NFSIM_PKT_CT_STATUS) ||
		!p->ct_state || (p->ct_state & (NFSIM_CT_INVALID | NFSIM_CT_UNTRACKED)))
	{
		return false;
	}
	*status = p->ct_status | ctx->ct_nat_status;
	*unknown = p->ct_status_unknown & ~ctx->ct_nat_status;
	return true;
}

/**
 * ct status, ct helper: from the status the packet was given.
 */
static void load_status(const ct_t *ct, nfsim_ctx_t *ctx)
{
	uint32_t status, unknown;
	uint8_t none[16] = {};

	if (!nfsim_ct_status(ctx, &status, &unknown))
	{
		nfsim_reg_store_unknown(ctx, ct->dreg, key_len(ct->key, ctx->family));
		return;
	}
	if (ct->key == NFT_CT_STATUS)
	{
		nfsim_reg_store_masked(ctx, ct->dreg, &status, &unknown, 4);
		return;
	}
	/* no helper assigned: the name is empty */
	if (unknown & NFSIM_CTS_HELPER || status & NFSIM_CTS_HELPER)
	{
		nfsim_reg_store_unknown(ctx, ct->dreg, 16);
		return;
	}
	nfsim_reg_store(ctx, ct->dreg, none, sizeof(none));
}

static void eval(const nfsim_expr_t *e, nfsim_ctx_t *ctx)
{
	const ct_t *ct = nfsim_expr_data(e);
	const nfsim_packet_t *p = ctx->pkt;
	uint8_t dreg = ct->dreg;

	if (ct->set)
	{
		/* ct mark/label/zone/helper set: no effect on this verdict */
		return;
	}
	if (!p->ct_state)
	{
		nfsim_reg_store_unknown(ctx, dreg, key_len(ct->key, ctx->family));
		return;
	}
	if (ct->key == NFT_CT_STATE)
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
	switch (ct->key)
	{
		case NFT_CT_DIRECTION:
			nfsim_reg_store8(ctx, dreg, p->ct_dir);
			break;
		case NFT_CT_STATUS:
		case NFT_CT_HELPER:
			load_status(ct, ctx);
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
			load_tuple(ct, ctx);
			break;
		default:
			if (ct->key < NKEYS && keys[ct->key].name)
			{
				nfsim_reg_store_unknown(ctx, dreg,
										key_len(ct->key, ctx->family));
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
	const ct_t *ct = nfsim_expr_data(e);
	const ct_key_t *k = ct->key < NKEYS && keys[ct->key].name ?
					 &keys[ct->key] : NULL;
	const char *dir = "";
	uint32_t len;
	nfsim_vtype_t vt;

	if (ct->has_dir)
	{
		dir = ct->dir ? "reply " : "original ";
	}
	if (ct->set)
	{
		nfsim_render_space(r);
		nfsim_render_printf(r, "%s set ", k ? k->name : "ct ?");
		nfsim_render_regname(r, ct->sreg, 4);
		return;
	}
	if (!k)
	{
		nfsim_render_desc(r, ct->dreg, 4, NFSIM_VT_RAW, "ct %u", ct->key);
		return;
	}
	len = key_len(ct->key, r->family == NFPROTO_IPV6 ? AF_INET6 : AF_INET);
	vt = k->vt;
	if (k->len == 0)
	{
		vt = len == 16 ? NFSIM_VT_IPV6 : NFSIM_VT_IPV4;
	}
	if (strncmp(k->name, "ct ", 3) == 0)
	{
		nfsim_render_desc(r, ct->dreg, len, vt, "ct %s%s", dir, k->name + 3);
	}
	else
	{
		nfsim_render_desc(r, ct->dreg, len, vt, "ct %s%s", dir, k->name);
	}
}

bool nfsim_add_ct(nfsim_rule_t *rule, uint32_t key, int dir, uint32_t dreg)
{
	ct_t *ct;
	uint8_t off;

	/* addresses may be 16 bytes: validate the larger size */
	if (!nfsim_reg_offset(dreg, key_len(key, AF_INET6), &off) ||
		dreg == NFT_REG_VERDICT || dir > 1)
	{
		nfsim_add_invalid(rule, "ct");
		return false;
	}
	ct = nfsim_rule_push(rule, &nfsim_expr_ct_ops);
	if (!ct)
	{
		return false;
	}
	ct->key = key;
	ct->dreg = off;
	ct->has_dir = dir >= 0;
	ct->dir = dir >= 0 ? dir : 0;
	return true;
}

bool nfsim_add_ct_set(nfsim_rule_t *rule, uint32_t key, uint32_t sreg)
{
	ct_t *ct;
	uint8_t off;

	if (!nfsim_reg_offset(sreg, 4, &off) || sreg == NFT_REG_VERDICT)
	{
		nfsim_add_invalid(rule, "ct");
		return false;
	}
	ct = nfsim_rule_push(rule, &nfsim_expr_ct_ops);
	if (!ct)
	{
		return false;
	}
	ct->key = key;
	ct->sreg = off;
	ct->set = true;
	return true;
}

/* ---- decoding (nf_tables netlink attributes) ---- */

static void decode(nfsim_rule_t *rule, const char *name, uint8_t family,
				   const nfsim_attr_tb_t *tb)
{
	uint32_t key;
	uint8_t dir;
	int idir = -1;

	if (!nfsim_attr_u32(tb->tb[NFTA_CT_KEY], &key))
	{
		nfsim_add_invalid(rule, name);
		return;
	}
	if (nfsim_attr_u8(tb->tb[NFTA_CT_DIRECTION], &dir))
	{
		idir = dir;
	}
	if (tb->tb[NFTA_CT_DREG])
	{
		nfsim_add_ct(rule, key, idir, nfsim_attr_reg(tb, NFTA_CT_DREG));
	}
	else if (tb->tb[NFTA_CT_SREG])
	{
		nfsim_add_ct_set(rule, key, nfsim_attr_reg(tb, NFTA_CT_SREG));
	}
	else
	{
		nfsim_add_invalid(rule, name);
	}
}

/**
 * nf_tables expressions this kind is decoded from.
 */
static const nfsim_expr_decoder_t decoders[] = {
	{ "ct", decode },
	{ NULL, NULL },
};

const nfsim_expr_ops_t nfsim_expr_ct_ops = {
	.name = "ct",
	.data_len = sizeof(ct_t),
	.eval = eval,
	.render = render,
	.decoders = decoders,
};
