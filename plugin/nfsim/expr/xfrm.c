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

#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/xfrm.h>

/**
 * Family of the SA's outer addresses.
 */
static uint8_t sa_family(const nfsim_ctx_t *ctx, const nfsim_xfrm_t *sa)
{
	return sa->family ? sa->family : ctx->family;
}

static void eval(const nfsim_expr_t *e, nfsim_ctx_t *ctx)
{
	const nfsim_xfrm_t *sa;
	uint8_t dreg = e->xfrm.dreg;
	bool in = e->xfrm.dir == XFRM_POLICY_IN;
	uint32_t v, len;
	bool v6 = false, saddr = false;

	sa = in ? &ctx->pkt->xfrm_in : &ctx->pkt->xfrm_out;
	if ((in && (ctx->hook == NFSIM_HOOK_OUTPUT ||
				ctx->hook == NFSIM_HOOK_POSTROUTING)) ||
		(!in && (ctx->hook == NFSIM_HOOK_PREROUTING ||
				 ctx->hook == NFSIM_HOOK_INPUT ||
				 ctx->hook == NFSIM_HOOK_INGRESS)) ||
		!sa->present || e->xfrm.spnum > 0)
	{
		/* no such SA (only the innermost one is modelled) */
		ctx->verdict = NFT_BREAK;
		return;
	}
	switch (e->xfrm.key)
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
	static const char *names[] = {
		[NFT_XFRM_KEY_DADDR_IP4] = "ip daddr",
		[NFT_XFRM_KEY_DADDR_IP6] = "ip6 daddr",
		[NFT_XFRM_KEY_SADDR_IP4] = "ip saddr",
		[NFT_XFRM_KEY_SADDR_IP6] = "ip6 saddr",
		[NFT_XFRM_KEY_REQID] = "reqid",
		[NFT_XFRM_KEY_SPI] = "spi",
	};
	const char *dir = e->xfrm.dir == XFRM_POLICY_IN ? "in" : "out";
	const char *name = e->xfrm.key < sizeof(names) / sizeof(names[0]) &&
					   names[e->xfrm.key] ? names[e->xfrm.key] : "?";
	nfsim_vtype_t vt = NFSIM_VT_DEC;
	uint32_t len = 4;

	switch (e->xfrm.key)
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
	if (e->xfrm.spnum)
	{
		nfsim_render_desc(r, e->xfrm.dreg, len, vt, "ipsec %s spnum %u %s",
						  dir, e->xfrm.spnum, name);
	}
	else
	{
		nfsim_render_desc(r, e->xfrm.dreg, len, vt, "ipsec %s %s", dir, name);
	}
}

const nfsim_expr_ops_t nfsim_expr_xfrm_ops = {
	.name = "xfrm",
	.eval = eval,
	.render = render,
};

bool nfsim_add_xfrm(nfsim_rule_t *rule, uint32_t key, uint8_t dir,
					uint8_t spnum, uint32_t dreg)
{
	nfsim_expr_t *e;
	uint32_t len = (key == NFT_XFRM_KEY_DADDR_IP6 ||
					key == NFT_XFRM_KEY_SADDR_IP6) ? 16 : 4;
	uint8_t off;

	if (!nfsim_reg_offset(dreg, len, &off) || dreg == NFT_REG_VERDICT ||
		dir > XFRM_POLICY_OUT)
	{
		nfsim_add_invalid(rule, "xfrm");
		return false;
	}
	e = nfsim_rule_push(rule, &nfsim_expr_xfrm_ops);
	if (!e)
	{
		return false;
	}
	e->xfrm.key = key;
	e->xfrm.dir = dir;
	e->xfrm.spnum = spnum;
	e->xfrm.dreg = off;
	return true;
}
