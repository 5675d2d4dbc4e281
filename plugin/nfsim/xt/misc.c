/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * Other extensions: comment, mark/MARK, connmark, iprange, addrtype, rate
 * limits, REJECT, logging and the targets that do not decide the verdict.
 */

#include "../nfsim_xt.h"

#include <string.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/xt_comment.h>
#include <linux/netfilter/xt_mark.h>
#include <linux/netfilter/xt_connmark.h>
#include <linux/netfilter/xt_iprange.h>
#include <linux/netfilter/xt_addrtype.h>
#include <linux/netfilter/xt_LOG.h>
#include <linux/netfilter/xt_NFLOG.h>
#include <linux/netfilter_ipv4/ipt_REJECT.h>
#include <linux/netfilter_ipv6/ip6t_REJECT.h>

/**
 * Render a string from a fixed-size blob field safely.
 */
static void render_str(nfsim_render_t *r, const char *opt, const char *s,
					   size_t max)
{
	nfsim_render_printf(r, "%s \"%.*s\"", opt, (int)strnlen(s, max), s);
}

static void eval_comment(const nfsim_xt_t *xt, nfsim_ctx_t *ctx)
{
}

static void render_comment(const nfsim_xt_t *xt, nfsim_render_t *r)
{
	size_t len = xt->info_len < XT_MAX_COMMENT_LEN ? xt->info_len
													 : XT_MAX_COMMENT_LEN;

	render_str(r, "--comment", xt->info, len);
}

static void eval_mark(const nfsim_xt_t *xt, nfsim_ctx_t *ctx)
{
	struct xt_mark_mtinfo1 info;

	memcpy(&info, xt->info, sizeof(info));
	if (ctx->mark_unknown)
	{
		nfsim_unknown(ctx, false);
		return;
	}
	nfsim_xt_result(ctx, ((ctx->mark & info.mask) == info.mark) != !!info.invert ?
					NFSIM_YES : NFSIM_NO);
}

static void render_mark(const nfsim_xt_t *xt, nfsim_render_t *r)
{
	struct xt_mark_mtinfo1 info;

	memcpy(&info, xt->info, sizeof(info));
	nfsim_render_printf(r, "%s--mark 0x%x", info.invert ? "! " : "", info.mark);
	if (info.mask != 0xffffffff)
	{
		nfsim_render_printf(r, "/0x%x", info.mask);
	}
}

static void eval_MARK(const nfsim_xt_t *xt, nfsim_ctx_t *ctx)
{
	struct xt_mark_tginfo2 info;

	memcpy(&info, xt->info, sizeof(info));
	if (info.mask == 0xffffffff)
	{
		ctx->mark_unknown = false;
	}
	ctx->mark = (ctx->mark & ~info.mask) ^ info.mark;
}

static void render_MARK(const nfsim_xt_t *xt, nfsim_render_t *r)
{
	struct xt_mark_tginfo2 info;

	memcpy(&info, xt->info, sizeof(info));
	nfsim_render_printf(r, "--set-xmark 0x%x/0x%x", info.mark, info.mask);
}

static void eval_MARK_old(const nfsim_xt_t *xt, nfsim_ctx_t *ctx)
{
	ctx->mark_unknown = true;
}

static void eval_connmark(const nfsim_xt_t *xt, nfsim_ctx_t *ctx)
{
	const nfsim_packet_t *p = ctx->pkt;
	struct xt_connmark_mtinfo1 info;

	memcpy(&info, xt->info, sizeof(info));
	if (p->ct_state & (NFSIM_CT_INVALID | NFSIM_CT_UNTRACKED))
	{
		ctx->verdict = NFT_BREAK;
		return;
	}
	if (!(p->known & NFSIM_PKT_CT_MARK))
	{
		nfsim_unknown(ctx, false);
		return;
	}
	nfsim_xt_result(ctx, ((p->ct_mark & info.mask) == info.mark) !=
					!!info.invert ? NFSIM_YES : NFSIM_NO);
}

static void render_connmark(const nfsim_xt_t *xt, nfsim_render_t *r)
{
	struct xt_connmark_mtinfo1 info;

	memcpy(&info, xt->info, sizeof(info));
	nfsim_render_printf(r, "%s--mark 0x%x/0x%x", info.invert ? "! " : "",
						info.mark, info.mask);
}

/**
 * addr between min and max (memcmp order equals numeric order for
 * network byte order addresses).
 */
static nfsim_tri_t between(const uint8_t *a, const uint8_t *u,
						   const void *min, const void *max, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++)
	{
		if (u[i])
		{
			return NFSIM_UNKNOWN;
		}
	}
	return memcmp(a, min, len) >= 0 && memcmp(a, max, len) <= 0 ? NFSIM_YES
																 : NFSIM_NO;
}

static void eval_iprange(const nfsim_xt_t *xt, nfsim_ctx_t *ctx)
{
	struct xt_iprange_mtinfo info;
	uint32_t alen = nfsim_addr_len(ctx->family);
	uint32_t soff = ctx->family == AF_INET6 ? 8 : 12;
	nfsim_tri_t res = NFSIM_YES;

	memcpy(&info, xt->info, sizeof(info));
	if (info.flags & IPRANGE_SRC)
	{
		res = nfsim_tri_and(res, nfsim_tri_inv(between(ctx->img.b + soff,
					ctx->img.u + soff, &info.src_min, &info.src_max, alen),
					info.flags & IPRANGE_SRC_INV));
	}
	if (info.flags & IPRANGE_DST)
	{
		res = nfsim_tri_and(res, nfsim_tri_inv(between(ctx->img.b + soff + alen,
					ctx->img.u + soff + alen, &info.dst_min, &info.dst_max,
					alen), info.flags & IPRANGE_DST_INV));
	}
	nfsim_xt_result(ctx, res);
}

static void render_iprange(const nfsim_xt_t *xt, nfsim_render_t *r)
{
	uint8_t fam = r->family == NFPROTO_IPV6 ? AF_INET6 : AF_INET;
	struct xt_iprange_mtinfo info;

	memcpy(&info, xt->info, sizeof(info));
	if (info.flags & IPRANGE_SRC)
	{
		nfsim_render_printf(r, "%s--src-range ",
							(info.flags & IPRANGE_SRC_INV) ? "! " : "");
		nfsim_render_addr(r, fam, (const uint8_t*)&info.src_min);
		nfsim_render_printf(r, "-");
		nfsim_render_addr(r, fam, (const uint8_t*)&info.src_max);
	}
	if (info.flags & IPRANGE_DST)
	{
		nfsim_render_printf(r, "%s%s--dst-range ",
							(info.flags & IPRANGE_SRC) ? " " : "",
							(info.flags & IPRANGE_DST_INV) ? "! " : "");
		nfsim_render_addr(r, fam, (const uint8_t*)&info.dst_min);
		nfsim_render_printf(r, "-");
		nfsim_render_addr(r, fam, (const uint8_t*)&info.dst_max);
	}
}

/**
 * One side of the addrtype match.
 */
static nfsim_tri_t addrtype_side(const nfsim_ctx_t *ctx, const uint8_t *addr,
								 uint16_t mask, bool inv, bool limited)
{
	uint8_t t = nfsim_addr_type(ctx->pkt, ctx->family, addr);

	if (!mask)
	{
		return NFSIM_YES;
	}
	if (!t || (limited && t == 2))
	{
		/* unknown, or local on a device we cannot tell */
		return NFSIM_UNKNOWN;
	}
	return nfsim_tri_inv((mask & (1 << t)) ? NFSIM_YES : NFSIM_NO, inv);
}

static void eval_addrtype(const nfsim_xt_t *xt, nfsim_ctx_t *ctx)
{
	struct xt_addrtype_info_v1 info;
	bool limited;
	nfsim_tri_t res;

	memcpy(&info, xt->info, sizeof(info));
	limited = info.flags & (XT_ADDRTYPE_LIMIT_IFACE_IN |
							XT_ADDRTYPE_LIMIT_IFACE_OUT);
	res = addrtype_side(ctx, nfsim_image_saddr(&ctx->img, ctx->family),
						info.source, info.flags & XT_ADDRTYPE_INVERT_SOURCE,
						limited);
	res = nfsim_tri_and(res, addrtype_side(ctx,
						nfsim_image_daddr(&ctx->img, ctx->family), info.dest,
						info.flags & XT_ADDRTYPE_INVERT_DEST, limited));
	nfsim_xt_result(ctx, res);
}

/**
 * Names of address type bits.
 */
static void render_types(nfsim_render_t *r, uint16_t mask)
{
	static const char *names[] = {
		"UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST", "MULTICAST",
		"BLACKHOLE", "UNREACHABLE", "PROHIBIT", "THROW", "NAT", "XRESOLVE",
	};
	bool first = true;
	unsigned i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
	{
		if (mask & (1 << i))
		{
			nfsim_render_printf(r, "%s%s", first ? "" : ",", names[i]);
			first = false;
		}
	}
}

static void render_addrtype(const nfsim_xt_t *xt, nfsim_render_t *r)
{
	struct xt_addrtype_info_v1 info;

	memcpy(&info, xt->info, sizeof(info));
	if (info.source)
	{
		nfsim_render_printf(r, "%s--src-type ",
				(info.flags & XT_ADDRTYPE_INVERT_SOURCE) ? "! " : "");
		render_types(r, info.source);
	}
	if (info.dest)
	{
		nfsim_render_printf(r, "%s%s--dst-type ", info.source ? " " : "",
				(info.flags & XT_ADDRTYPE_INVERT_DEST) ? "! " : "");
		render_types(r, info.dest);
	}
}

static void eval_reject(const nfsim_xt_t *xt, nfsim_ctx_t *ctx)
{
	ctx->verdict = NFSIM_V_REJECT;
}

static void render_reject(const nfsim_xt_t *xt, nfsim_render_t *r)
{
	static const char *v4[] = {
		"icmp-net-unreachable", "icmp-host-unreachable",
		"icmp-proto-unreachable", "icmp-port-unreachable", "icmp-echo-reply",
		"icmp-net-prohibited", "icmp-host-prohibited", "tcp-reset",
		"icmp-admin-prohibited",
	};
	static const char *v6[] = {
		"icmp6-no-route", "icmp6-adm-prohibited", "icmp6-not-neighbour",
		"icmp6-addr-unreachable", "icmp6-port-unreachable", "icmp6-echo-reply",
		"tcp-reset", "icmp6-policy-fail", "icmp6-reject-route",
	};
	uint32_t with;

	memcpy(&with, xt->info, sizeof(with));
	if (xt->family == NFPROTO_IPV6)
	{
		if (with < sizeof(v6) / sizeof(v6[0]))
		{
			nfsim_render_printf(r, "--reject-with %s", v6[with]);
		}
	}
	else if (with < sizeof(v4) / sizeof(v4[0]))
	{
		nfsim_render_printf(r, "--reject-with %s", v4[with]);
	}
}

static void render_log(const nfsim_xt_t *xt, nfsim_render_t *r)
{
	struct xt_log_info info;

	memcpy(&info, xt->info, sizeof(info));
	if (info.prefix[0])
	{
		render_str(r, "--log-prefix", info.prefix, sizeof(info.prefix));
	}
}

static void render_nflog(const nfsim_xt_t *xt, nfsim_render_t *r)
{
	struct xt_nflog_info info;

	memcpy(&info, xt->info, sizeof(info));
	nfsim_render_printf(r, "--nflog-group %u", info.group);
	if (info.prefix[0])
	{
		nfsim_render_printf(r, " ");
		render_str(r, "--nflog-prefix", info.prefix, sizeof(info.prefix));
	}
}

static void eval_queue(const nfsim_xt_t *xt, nfsim_ctx_t *ctx)
{
	ctx->verdict = NF_QUEUE;
}

#define PASSIVE(n) { n, -1, 0, true, 0, NULL, NULL, NFSIM_OPAQUE_PASSIVE, 0 }

const nfsim_xt_type_t nfsim_xt_misc_types[] = {
	{ "comment", 0, 0, false, 1, eval_comment, render_comment, 0, 0 },
	{ "mark", 1, 0, false, sizeof(struct xt_mark_mtinfo1),
	  eval_mark, render_mark, 0, 0 },
	{ "MARK", 2, 0, true, sizeof(struct xt_mark_tginfo2),
	  eval_MARK, render_MARK, 0, 0 },
	{ "MARK", -1, 0, true, 0, eval_MARK_old, NULL, 0, 0 },
	{ "connmark", 1, 0, false, sizeof(struct xt_connmark_mtinfo1),
	  eval_connmark, render_connmark, 0, 0 },
	{ "iprange", 1, 0, false, sizeof(struct xt_iprange_mtinfo),
	  eval_iprange, render_iprange, 0, 0 },
	{ "addrtype", 1, 0, false, sizeof(struct xt_addrtype_info_v1),
	  eval_addrtype, render_addrtype, 0, 0 },
	{ "limit", -1, 0, false, 0, NULL, NULL, NFSIM_OPAQUE_MATCH, true },
	{ "hashlimit", -1, 0, false, 0, NULL, NULL, NFSIM_OPAQUE_MATCH, true },
	{ "quota", -1, 0, false, 0, NULL, NULL, NFSIM_OPAQUE_MATCH, true },
	{ "REJECT", 0, NFPROTO_IPV4, true, sizeof(struct ipt_reject_info),
	  eval_reject, render_reject, 0, 0 },
	{ "REJECT", 0, NFPROTO_IPV6, true, sizeof(struct ip6t_reject_info),
	  eval_reject, render_reject, 0, 0 },
	{ "LOG", 0, 0, true, sizeof(struct xt_log_info), NULL, render_log,
	  NFSIM_OPAQUE_PASSIVE, 0 },
	{ "NFLOG", 0, 0, true, sizeof(struct xt_nflog_info), NULL, render_nflog,
	  NFSIM_OPAQUE_PASSIVE, 0 },
	{ "NFQUEUE", -1, 0, true, 0, eval_queue, NULL, 0, 0 },
	{ "QUEUE", -1, 0, true, 0, eval_queue, NULL, 0, 0 },
	PASSIVE("ULOG"),
	PASSIVE("TRACE"),
	PASSIVE("AUDIT"),
	PASSIVE("CLASSIFY"),
	PASSIVE("DSCP"),
	PASSIVE("TOS"),
	PASSIVE("TTL"),
	PASSIVE("HL"),
	PASSIVE("ECN"),
	PASSIVE("CHECKSUM"),
	PASSIVE("TCPOPTSTRIP"),
	PASSIVE("CT"),
	PASSIVE("NOTRACK"),
	PASSIVE("CONNMARK"),
	PASSIVE("SECMARK"),
	PASSIVE("CONNSECMARK"),
	PASSIVE("IDLETIMER"),
	PASSIVE("LED"),
	PASSIVE("SET"),
	PASSIVE("TEE"),
	PASSIVE("RATEEST"),
	{ "HMARK", -1, 0, true, 0, eval_MARK_old, NULL, 0, 0 },
	{ NULL, 0, 0, false, 0, NULL, NULL, 0, 0 },
};
