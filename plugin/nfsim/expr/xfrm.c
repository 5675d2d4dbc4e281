/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * xfrm: "ipsec in|out [spnum N] reqid|spi|ip saddr|..." - properties of
 * the SA a packet arrived through (in) or will be sent to (out).
 */

#include "../nfsim_private.h"
#include "../nfsim_attr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/xfrm.h>

/**
 * Private data: an SA property load ("ipsec in/out ...").
 */
typedef struct {
	/** NFT_XFRM_KEY_* */
	uint32_t key;
	/** XFRM_POLICY_IN or XFRM_POLICY_OUT */
	uint8_t dir;
	/** index in the secpath */
	uint8_t spnum;
	/** destination register offset */
	uint8_t dreg;
} xfrm_t;

/**
 * Family of the SA's outer addresses.
 */
static uint8_t sa_family(const nfsim_ctx_t *ctx, const nfsim_xfrm_t *sa)
{
	return sa->family ? sa->family : ctx->family;
}

static void eval(const nfsim_expr_t *e, nfsim_ctx_t *ctx)
{
	const xfrm_t *xfrm = nfsim_expr_data(e);
	const nfsim_xfrm_t *sa;
	uint8_t dreg = xfrm->dreg;
	bool in = xfrm->dir == XFRM_POLICY_IN;
	uint32_t v, len;
	bool v6 = false, saddr = false;

	sa = in ? &ctx->pkt->xfrm_in : &ctx->pkt->xfrm_out;
	if ((in && (ctx->hook == NFSIM_HOOK_OUTPUT ||
				ctx->hook == NFSIM_HOOK_POSTROUTING)) ||
		(!in && (ctx->hook == NFSIM_HOOK_PREROUTING ||
				 ctx->hook == NFSIM_HOOK_INPUT ||
				 ctx->hook == NFSIM_HOOK_INGRESS)) ||
		!sa->present || xfrm->spnum > 0)
	{
		/* no such SA (only the innermost one is modelled) */
		ctx->verdict = NFT_BREAK;
		return;
	}
	switch (xfrm->key)
	{
		case NFT_XFRM_KEY_REQID:
			if (!(sa->known & NFSIM_XFRM_REQID))
			{
				nfsim_reg_store_unknown(ctx, dreg, 4);
				return;
			}
			nfsim_reg_store32(ctx, dreg, sa->reqid);
			return;
		case NFT_XFRM_KEY_SPI:
			if (!(sa->known & NFSIM_XFRM_SPI))
			{
				nfsim_reg_store_unknown(ctx, dreg, 4);
				return;
			}
			v = htonl(sa->spi);
			nfsim_reg_store32(ctx, dreg, v);
			return;
		case NFT_XFRM_KEY_SADDR_IP4:
			saddr = true;
			/* fall through */
		case NFT_XFRM_KEY_DADDR_IP4:
			break;
		case NFT_XFRM_KEY_SADDR_IP6:
			saddr = true;
			/* fall through */
		case NFT_XFRM_KEY_DADDR_IP6:
			v6 = true;
			break;
		default:
			nfsim_undecidable(ctx);
			return;
	}
	len = v6 ? 16 : 4;
	if ((sa->known & NFSIM_XFRM_MODE) && !sa->tunnel)
	{
		/* addresses are only valid for tunnel mode SAs */
		ctx->verdict = NFT_BREAK;
		return;
	}
	if (!(sa->known & NFSIM_XFRM_ADDRS))
	{
		nfsim_reg_store_unknown(ctx, dreg, len);
		return;
	}
	if ((sa_family(ctx, sa) == AF_INET6) != v6)
	{
		ctx->verdict = NFT_BREAK;
		return;
	}
	nfsim_reg_store(ctx, dreg, saddr ? sa->saddr : sa->daddr, len);
}

static void render(const nfsim_expr_t *e, nfsim_render_t *r)
{
	const xfrm_t *xfrm = nfsim_expr_data(e);
	static const char *names[] = {
		[NFT_XFRM_KEY_DADDR_IP4] = "ip daddr",
		[NFT_XFRM_KEY_DADDR_IP6] = "ip6 daddr",
		[NFT_XFRM_KEY_SADDR_IP4] = "ip saddr",
		[NFT_XFRM_KEY_SADDR_IP6] = "ip6 saddr",
		[NFT_XFRM_KEY_REQID] = "reqid",
		[NFT_XFRM_KEY_SPI] = "spi",
	};
	const char *dir = xfrm->dir == XFRM_POLICY_IN ? "in" : "out";
	const char *name = xfrm->key < sizeof(names) / sizeof(names[0]) &&
					   names[xfrm->key] ? names[xfrm->key] : "?";
	nfsim_vtype_t vt = NFSIM_VT_DEC;
	uint32_t len = 4;

	switch (xfrm->key)
	{
		case NFT_XFRM_KEY_DADDR_IP4:
		case NFT_XFRM_KEY_SADDR_IP4:
			vt = NFSIM_VT_IPV4;
			break;
		case NFT_XFRM_KEY_DADDR_IP6:
		case NFT_XFRM_KEY_SADDR_IP6:
			vt = NFSIM_VT_IPV6;
			len = 16;
			break;
		case NFT_XFRM_KEY_SPI:
			vt = NFSIM_VT_BE_DEC;
			break;
	}
	if (xfrm->spnum)
	{
		nfsim_render_desc(r, xfrm->dreg, len, vt, "ipsec %s spnum %u %s",
						  dir, xfrm->spnum, name);
	}
	else
	{
		nfsim_render_desc(r, xfrm->dreg, len, vt, "ipsec %s %s", dir, name);
	}
}

bool nfsim_add_xfrm(nfsim_rule_t *rule, uint32_t key, uint8_t dir,
					uint8_t spnum, uint32_t dreg)
{
	xfrm_t *xfrm;
	uint32_t len = (key == NFT_XFRM_KEY_DADDR_IP6 ||
					key == NFT_XFRM_KEY_SADDR_IP6) ? 16 : 4;
	uint8_t off;

	if (!nfsim_reg_offset(dreg, len, &off) || dreg == NFT_REG_VERDICT ||
		dir > XFRM_POLICY_OUT)
	{
		nfsim_add_invalid(rule, "xfrm");
		return false;
	}
	xfrm = nfsim_rule_push(rule, &nfsim_expr_xfrm_ops);
	if (!xfrm)
	{
		return false;
	}
	xfrm->key = key;
	xfrm->dir = dir;
	xfrm->spnum = spnum;
	xfrm->dreg = off;
	return true;
}

/* ---- decoding (nf_tables netlink attributes) ---- */

static void decode(nfsim_rule_t *rule, const char *name, uint8_t family,
				   const nfsim_attr_tb_t *tb)
{
	uint32_t key, spnum = 0;
	uint8_t dir;

	if (!nfsim_attr_u32(tb->tb[NFTA_XFRM_KEY], &key) ||
		!nfsim_attr_u8(tb->tb[NFTA_XFRM_DIR], &dir))
	{
		nfsim_add_invalid(rule, name);
		return;
	}
	nfsim_attr_u32(tb->tb[NFTA_XFRM_SPNUM], &spnum);
	if (spnum > 255)
	{
		nfsim_add_invalid(rule, name);
		return;
	}
	nfsim_add_xfrm(rule, key, dir, spnum, nfsim_attr_reg(tb, NFTA_XFRM_DREG));
}

/**
 * nf_tables expressions this kind is decoded from.
 */
static const nfsim_expr_decoder_t decoders[] = {
	{ "xfrm", decode },
	{ NULL, NULL },
};

const nfsim_expr_ops_t nfsim_expr_xfrm_ops = {
	.name = "xfrm",
	.data_len = sizeof(xfrm_t),
	.eval = eval,
	.render = render,
	.decoders = decoders,
};
