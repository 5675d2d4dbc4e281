/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * tcpmss match ("-m tcpmss --mss a:b") and TCPMSS target ("--set-mss N",
 * "--clamp-mss-to-pmtu"): the MSS clamp.
 */

#include "../nfsim_xt.h"

#include <string.h>
#include <netinet/in.h>
#include <linux/netfilter/xt_tcpmss.h>
#include <linux/netfilter/xt_TCPMSS.h>

/** TCP SYN flag */
#define TCP_SYN 0x02

static void eval_match(const nfsim_xt_t *xt, nfsim_ctx_t *ctx)
{
	const nfsim_packet_t *p = ctx->pkt;
	struct xt_tcpmss_match_info info;
	bool in;

	memcpy(&info, xt->info, sizeof(info));
	if (ctx->img.l4proto != IPPROTO_TCP)
	{
		ctx->verdict = NFT_BREAK;
		return;
	}
	if (!(p->known & NFSIM_PKT_TCP_MSS))
	{
		if ((p->known & NFSIM_PKT_TCP_FLAGS) && !(p->tcp_flags & TCP_SYN))
		{
			/* only SYNs carry the option: without it, "invert" decides */
			nfsim_xt_result(ctx, info.invert ? NFSIM_YES : NFSIM_NO);
			return;
		}
		nfsim_unknown(ctx, false);
		return;
	}
	in = p->tcp_mss >= info.mss_min && p->tcp_mss <= info.mss_max;
	nfsim_xt_result(ctx, in != !!info.invert ? NFSIM_YES : NFSIM_NO);
}

static void render_match(const nfsim_xt_t *xt, nfsim_render_t *r)
{
	struct xt_tcpmss_match_info info;

	memcpy(&info, xt->info, sizeof(info));
	nfsim_render_printf(r, "%s--mss %u", info.invert ? "! " : "", info.mss_min);
	if (info.mss_max != info.mss_min)
	{
		nfsim_render_printf(r, ":%u", info.mss_max);
	}
}

static void eval_target(const nfsim_xt_t *xt, nfsim_ctx_t *ctx)
{
	struct xt_tcpmss_info info;

	memcpy(&info, xt->info, sizeof(info));
	if (ctx->img.l4proto != IPPROTO_TCP ||
		((ctx->pkt->known & NFSIM_PKT_TCP_FLAGS) &&
		 !(ctx->pkt->tcp_flags & TCP_SYN)))
	{
		return;
	}
	ctx->mss.present = true;
	ctx->mss.rule = ctx->rule;
	ctx->mss.mss = info.mss == XT_TCPMSS_CLAMP_PMTU ? NFSIM_MSS_PMTU : info.mss;
}

static void render_target(const nfsim_xt_t *xt, nfsim_render_t *r)
{
	struct xt_tcpmss_info info;

	memcpy(&info, xt->info, sizeof(info));
	if (info.mss == XT_TCPMSS_CLAMP_PMTU)
	{
		nfsim_render_printf(r, "--clamp-mss-to-pmtu");
	}
	else
	{
		nfsim_render_printf(r, "--set-mss %u", info.mss);
	}
}

const nfsim_xt_type_t nfsim_xt_tcpmss_types[] = {
	{ "tcpmss", 0, 0, false, sizeof(struct xt_tcpmss_match_info),
	  eval_match, render_match, 0, 0 },
	{ "TCPMSS", 0, 0, true, sizeof(struct xt_tcpmss_info),
	  eval_target, render_target, 0, 0 },
	{ NULL, 0, 0, false, 0, NULL, NULL, 0, 0 },
};
