/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * Matches on what the synthetic packet itself determines: ttl and hl (TTL /
 * hop limit), rt (an IPv6 routing header: ufw's "-m rt --rt-type 0 -j DROP"
 * on every IPv6 chain; the packet has no extension headers) and pkttype
 * (unicast, broadcast or multicast, from the destination address as
 * "meta pkttype" judges it).
 */

#include "../nfsim_xt.h"

#include <string.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/xt_pkttype.h>
#include <linux/netfilter_ipv4/ipt_ttl.h>
#include <linux/netfilter_ipv6/ip6t_hl.h>
#include <linux/netfilter_ipv6/ip6t_rt.h>

/**
 * Compare the TTL / hop limit of the image (IPT_TTL_* and IP6T_HL_* modes
 * are the same: eq, ne, lt, gt).
 */
static void eval_limit(nfsim_ctx_t *ctx, uint8_t mode, uint8_t value)
{
	uint8_t d, u;
	bool res;

	if (!nfsim_image_read(&ctx->img, ctx->family == AF_INET6 ? 7 : 8, 1,
						  &d, &u) || u)
	{
		nfsim_unknown(ctx, false);
		return;
	}
	switch (mode)
	{
		case IPT_TTL_EQ:
			res = d == value;
			break;
		case IPT_TTL_NE:
			res = d != value;
			break;
		case IPT_TTL_LT:
			res = d < value;
			break;
		case IPT_TTL_GT:
			res = d > value;
			break;
		default:
			nfsim_unknown(ctx, false);
			return;
	}
	nfsim_xt_result(ctx, res ? NFSIM_YES : NFSIM_NO);
}

static void render_limit(nfsim_render_t *r, const char *what, uint8_t mode,
						 uint8_t value)
{
	static const char *modes[] = { "eq", "ne", "lt", "gt" };

	if (mode < sizeof(modes) / sizeof(modes[0]))
	{
		nfsim_render_printf(r, "--%s-%s %u", what, modes[mode], value);
	}
}

static void eval_ttl(const nfsim_xt_t *xt, nfsim_ctx_t *ctx)
{
	struct ipt_ttl_info info;

	memcpy(&info, xt->info, sizeof(info));
	eval_limit(ctx, info.mode, info.ttl);
}

static void render_ttl(const nfsim_xt_t *xt, nfsim_render_t *r)
{
	struct ipt_ttl_info info;

	memcpy(&info, xt->info, sizeof(info));
	render_limit(r, "ttl", info.mode, info.ttl);
}

static void eval_hl(const nfsim_xt_t *xt, nfsim_ctx_t *ctx)
{
	struct ip6t_hl_info info;

	memcpy(&info, xt->info, sizeof(info));
	eval_limit(ctx, info.mode, info.hop_limit);
}

static void render_hl(const nfsim_xt_t *xt, nfsim_render_t *r)
{
	struct ip6t_hl_info info;

	memcpy(&info, xt->info, sizeof(info));
	render_limit(r, "hl", info.mode, info.hop_limit);
}

static void eval_rt(const nfsim_xt_t *xt, nfsim_ctx_t *ctx)
{
	/* without a routing header the kernel's match fails, whatever the
	 * inversions of its fields say */
	ctx->verdict = NFT_BREAK;
}

static void render_rt(const nfsim_xt_t *xt, nfsim_render_t *r)
{
	struct ip6t_rt info;

	memcpy(&info, xt->info, sizeof(info));
	if (info.flags & IP6T_RT_TYP)
	{
		nfsim_render_printf(r, "%s--rt-type %u",
							(info.invflags & IP6T_RT_INV_TYP) ? "! " : "",
							info.rt_type);
	}
}

static void eval_pkttype(const nfsim_xt_t *xt, nfsim_ctx_t *ctx)
{
	struct xt_pkttype_info info;

	memcpy(&info, xt->info, sizeof(info));
	nfsim_xt_result(ctx, (nfsim_pkttype(ctx) == info.pkttype) != !!info.invert
					? NFSIM_YES : NFSIM_NO);
}

static void render_pkttype(const nfsim_xt_t *xt, nfsim_render_t *r)
{
	static const char *names[] = { "unicast", "broadcast", "multicast", "" };
	struct xt_pkttype_info info;

	memcpy(&info, xt->info, sizeof(info));
	if (info.pkttype >= 0 && info.pkttype < 4 && names[info.pkttype][0])
	{
		nfsim_render_printf(r, "%s--pkt-type %s", info.invert ? "! " : "",
							names[info.pkttype]);
	}
}

const nfsim_xt_type_t nfsim_xt_packet_types[] = {
	{ "ttl", 0, NFPROTO_IPV4, false, sizeof(struct ipt_ttl_info),
	  eval_ttl, render_ttl, 0, 0 },
	{ "hl", 0, NFPROTO_IPV6, false, sizeof(struct ip6t_hl_info),
	  eval_hl, render_hl, 0, 0 },
	{ "rt", 0, NFPROTO_IPV6, false, sizeof(struct ip6t_rt),
	  eval_rt, render_rt, 0, 0 },
	{ "pkttype", 0, 0, false, sizeof(struct xt_pkttype_info),
	  eval_pkttype, render_pkttype, 0, 0 },
	{ NULL, 0, 0, false, 0, NULL, NULL, 0, 0 },
};
