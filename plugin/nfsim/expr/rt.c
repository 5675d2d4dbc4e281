/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * rt: properties of the route the packet took ("rt ipsec exists" asks
 * whether an outbound XFRM policy transforms it).
 */

#include "../nfsim_private.h"
#include "../nfsim_attr.h"

#include <netinet/in.h>
#include <linux/netfilter/nf_tables.h>

/**
 * Private data: a route property load.
 */
typedef struct {
	/** NFT_RT_* */
	uint32_t key;
	/** destination register offset */
	uint8_t dreg;
} rt_t;

static void eval(const nfsim_expr_t *e, nfsim_ctx_t *ctx)
{
	const rt_t *rt = nfsim_expr_data(e);
	const nfsim_packet_t *p = ctx->pkt;
	uint8_t dreg = rt->dreg;
	uint16_t mss;

	if (ctx->hook == NFSIM_HOOK_PREROUTING || ctx->hook == NFSIM_HOOK_INGRESS)
	{
		/* not routed yet */
		ctx->verdict = NFT_BREAK;
		return;
	}
	switch (rt->key)
	{
		case NFT_RT_XFRM:
			nfsim_reg_store8(ctx, dreg, ctx->hook != NFSIM_HOOK_INPUT &&
							 p->xfrm_out.present);
			break;
		case NFT_RT_NEXTHOP4:
		case NFT_RT_NEXTHOP6:
			if ((rt->key == NFT_RT_NEXTHOP4) != (ctx->family == AF_INET))
			{
				ctx->verdict = NFT_BREAK;
			}
			else if (p->known & NFSIM_PKT_NEXTHOP)
			{
				nfsim_reg_store(ctx, dreg, p->nexthop,
								nfsim_addr_len(ctx->family));
			}
			else
			{
				nfsim_reg_store_unknown(ctx, dreg, nfsim_addr_len(ctx->family));
			}
			break;
		case NFT_RT_TCPMSS:
			if ((p->known & NFSIM_PKT_MTU) && !p->xfrm_out.present)
			{
				/* dst_mtu() minus the IP and TCP headers */
				mss = p->mtu - (ctx->family == AF_INET6 ? 60 : 40);
				nfsim_reg_store16(ctx, dreg, mss);
			}
			else
			{
				nfsim_reg_store_unknown(ctx, dreg, 2);
			}
			break;
		case NFT_RT_CLASSID:
			nfsim_reg_store_unknown(ctx, dreg, 4);
			break;
		default:
			nfsim_undecidable(ctx);
			break;
	}
}

static void render(const nfsim_expr_t *e, nfsim_render_t *r)
{
	const rt_t *rt = nfsim_expr_data(e);

	switch (rt->key)
	{
		case NFT_RT_XFRM:
			nfsim_render_desc(r, rt->dreg, 1, NFSIM_VT_BOOL, "rt ipsec");
			break;
		case NFT_RT_NEXTHOP4:
			nfsim_render_desc(r, rt->dreg, 4, NFSIM_VT_IPV4, "rt ip nexthop");
			break;
		case NFT_RT_NEXTHOP6:
			nfsim_render_desc(r, rt->dreg, 16, NFSIM_VT_IPV6,
							  "rt ip6 nexthop");
			break;
		case NFT_RT_TCPMSS:
			nfsim_render_desc(r, rt->dreg, 2, NFSIM_VT_DEC, "rt mtu");
			break;
		case NFT_RT_CLASSID:
			nfsim_render_desc(r, rt->dreg, 4, NFSIM_VT_DEC, "rt classid");
			break;
		default:
			nfsim_render_desc(r, rt->dreg, 4, NFSIM_VT_RAW, "rt %u", rt->key);
			break;
	}
}

bool nfsim_add_rt(nfsim_rule_t *rule, uint32_t key, uint32_t dreg)
{
	rt_t *rt;
	uint32_t len = key == NFT_RT_NEXTHOP6 ? 16 : 4;
	uint8_t off;

	if (!nfsim_reg_offset(dreg, len, &off) || dreg == NFT_REG_VERDICT)
	{
		nfsim_add_invalid(rule, "rt");
		return false;
	}
	rt = nfsim_rule_push(rule, &nfsim_expr_rt_ops);
	if (!rt)
	{
		return false;
	}
	rt->key = key;
	rt->dreg = off;
	return true;
}

/* ---- decoding (nf_tables netlink attributes) ---- */

static void decode(nfsim_rule_t *rule, const char *name, uint8_t family,
				   const nfsim_attr_tb_t *tb)
{
	uint32_t key;

	if (!nfsim_attr_u32(tb->tb[NFTA_RT_KEY], &key))
	{
		nfsim_add_invalid(rule, name);
		return;
	}
	nfsim_add_rt(rule, key, nfsim_attr_reg(tb, NFTA_RT_DREG));
}

/**
 * nf_tables expressions this kind is decoded from.
 */
static const nfsim_expr_decoder_t decoders[] = {
	{ "rt", decode },
	{ NULL, NULL },
};

const nfsim_expr_ops_t nfsim_expr_rt_ops = {
	.name = "rt",
	.data_len = sizeof(rt_t),
	.eval = eval,
	.render = render,
	.decoders = decoders,
};
