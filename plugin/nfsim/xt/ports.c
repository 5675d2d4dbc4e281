/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * Transport matches: tcp, udp, multiport, icmp, icmp6, esp.
 */

#include "../nfsim_xt.h"

#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter/xt_multiport.h>
#include <linux/netfilter/xt_esp.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv6/ip6_tables.h>

/**
 * A port inside an inclusive range, inverted on request.
 */
static bool in_range(uint16_t port, uint16_t min, uint16_t max, bool inv)
{
	return (port >= min && port <= max) != inv;
}

/**
 * Render a port range option.
 */
static void render_range(nfsim_render_t *r, size_t mark, const char *opt,
						 const uint16_t *pts, bool inv)
{
	if (pts[0] == 0 && pts[1] == 0xffff && !inv)
	{
		return;
	}
	nfsim_render_printf(r, "%s%s%s %u", r->pos > mark ? " " : "",
						inv ? "! " : "", opt, pts[0]);
	if (pts[1] != pts[0])
	{
		nfsim_render_printf(r, ":%u", pts[1]);
	}
}

static void eval_tcp(const nfsim_xt_t *xt, nfsim_ctx_t *ctx)
{
	struct xt_tcp info;
	uint16_t sport, dport;
	uint8_t flags[1], unk[1];
	nfsim_tri_t res = NFSIM_YES;

	memcpy(&info, xt->info, sizeof(info));
	if (!nfsim_xt_ports(ctx, &sport, &dport))
	{
		nfsim_unknown(ctx, false);
		return;
	}
	if (!in_range(sport, info.spts[0], info.spts[1],
				  info.invflags & XT_TCP_INV_SRCPT) ||
		!in_range(dport, info.dpts[0], info.dpts[1],
				  info.invflags & XT_TCP_INV_DSTPT))
	{
		ctx->verdict = NFT_BREAK;
		return;
	}
	if (info.flg_mask)
	{
		if (!nfsim_image_read(&ctx->img, ctx->img.thoff + 13, 1, flags, unk))
		{
			ctx->verdict = NFT_BREAK;
			return;
		}
		if (unk[0] & info.flg_mask)
		{
			res = NFSIM_UNKNOWN;
		}
		else
		{
			res = nfsim_tri_inv((flags[0] & info.flg_mask) == info.flg_cmp ?
								NFSIM_YES : NFSIM_NO,
								info.invflags & XT_TCP_INV_FLAGS);
		}
	}
	if (info.option)
	{
		res = nfsim_tri_and(res, NFSIM_UNKNOWN);
	}
	nfsim_xt_result(ctx, res);
}

/**
 * TCP flag names for --tcp-flags.
 */
static void render_flags(nfsim_render_t *r, uint8_t f)
{
	static const char *names[] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG",
								   "ECE", "CWR" };
	bool first = true;
	int i;

	if (f == 0)
	{
		nfsim_render_printf(r, "NONE");
		return;
	}
	for (i = 0; i < 8; i++)
	{
		if (f & (1 << i))
		{
			nfsim_render_printf(r, "%s%s", first ? "" : ",", names[i]);
			first = false;
		}
	}
}

static void render_tcp(const nfsim_xt_t *xt, nfsim_render_t *r)
{
	size_t mark = r->pos;
	struct xt_tcp info;

	memcpy(&info, xt->info, sizeof(info));
	render_range(r, mark, "--sport", info.spts, info.invflags & XT_TCP_INV_SRCPT);
	render_range(r, mark, "--dport", info.dpts, info.invflags & XT_TCP_INV_DSTPT);
	if (info.flg_mask)
	{
		nfsim_render_printf(r, "%s%s--tcp-flags ", r->pos > mark ? " " : "",
							(info.invflags & XT_TCP_INV_FLAGS) ? "! " : "");
		render_flags(r, info.flg_mask);
		nfsim_render_printf(r, " ");
		render_flags(r, info.flg_cmp);
	}
	if (info.option)
	{
		nfsim_render_printf(r, "%s--tcp-option %u", r->pos > mark ? " " : "",
							info.option);
	}
}

static void eval_udp(const nfsim_xt_t *xt, nfsim_ctx_t *ctx)
{
	struct xt_udp info;
	uint16_t sport, dport;

	memcpy(&info, xt->info, sizeof(info));
	if (!nfsim_xt_ports(ctx, &sport, &dport))
	{
		nfsim_unknown(ctx, false);
		return;
	}
	nfsim_xt_result(ctx, in_range(sport, info.spts[0], info.spts[1],
								  info.invflags & XT_UDP_INV_SRCPT) &&
						 in_range(dport, info.dpts[0], info.dpts[1],
								  info.invflags & XT_UDP_INV_DSTPT) ?
						 NFSIM_YES : NFSIM_NO);
}

static void render_udp(const nfsim_xt_t *xt, nfsim_render_t *r)
{
	size_t mark = r->pos;
	struct xt_udp info;

	memcpy(&info, xt->info, sizeof(info));
	render_range(r, mark, "--sport", info.spts, info.invflags & XT_UDP_INV_SRCPT);
	render_range(r, mark, "--dport", info.dpts, info.invflags & XT_UDP_INV_DSTPT);
}

/**
 * Whether a port list entry matches per the multiport flags.
 */
static bool mp_port(uint8_t flags, uint16_t lo, uint16_t hi, uint16_t sport,
					uint16_t dport)
{
	switch (flags)
	{
		case XT_MULTIPORT_SOURCE:
			return sport >= lo && sport <= hi;
		case XT_MULTIPORT_DESTINATION:
			return dport >= lo && dport <= hi;
		default:
			return (sport >= lo && sport <= hi) || (dport >= lo && dport <= hi);
	}
}

static void eval_multiport(const nfsim_xt_t *xt, nfsim_ctx_t *ctx)
{
	struct xt_multiport_v1 v1;
	struct xt_multiport v0;
	uint16_t sport, dport;
	unsigned i, count;
	bool m = false;

	if (!nfsim_xt_ports(ctx, &sport, &dport))
	{
		nfsim_unknown(ctx, false);
		return;
	}
	if (xt->rev == 0)
	{
		memcpy(&v0, xt->info, sizeof(v0));
		count = v0.count < XT_MULTI_PORTS ? v0.count : XT_MULTI_PORTS;
		for (i = 0; i < count && !m; i++)
		{
			m = mp_port(v0.flags, v0.ports[i], v0.ports[i], sport, dport);
		}
		nfsim_xt_result(ctx, m ? NFSIM_YES : NFSIM_NO);
		return;
	}
	memcpy(&v1, xt->info, sizeof(v1));
	count = v1.count < XT_MULTI_PORTS ? v1.count : XT_MULTI_PORTS;
	for (i = 0; i < count && !m; i++)
	{
		uint16_t lo = v1.ports[i], hi = lo;

		if (v1.pflags[i] && i + 1 < count)
		{
			hi = v1.ports[++i];
		}
		m = mp_port(v1.flags, lo, hi, sport, dport);
	}
	nfsim_xt_result(ctx, m != !!v1.invert ? NFSIM_YES : NFSIM_NO);
}

static void render_multiport(const nfsim_xt_t *xt, nfsim_render_t *r)
{
	static const char *opts[] = { "--sports", "--dports", "--ports" };
	struct xt_multiport_v1 v1;
	struct xt_multiport v0;
	unsigned i, count;

	if (xt->rev == 0)
	{
		memcpy(&v0, xt->info, sizeof(v0));
		count = v0.count < XT_MULTI_PORTS ? v0.count : XT_MULTI_PORTS;
		nfsim_render_printf(r, "%s ", opts[v0.flags < 3 ? v0.flags : 2]);
		for (i = 0; i < count; i++)
		{
			nfsim_render_printf(r, "%s%u", i ? "," : "", v0.ports[i]);
		}
		return;
	}
	memcpy(&v1, xt->info, sizeof(v1));
	count = v1.count < XT_MULTI_PORTS ? v1.count : XT_MULTI_PORTS;
	nfsim_render_printf(r, "%s%s ", v1.invert ? "! " : "",
						opts[v1.flags < 3 ? v1.flags : 2]);
	for (i = 0; i < count; i++)
	{
		nfsim_render_printf(r, "%s%u", i ? "," : "", v1.ports[i]);
		if (v1.pflags[i] && i + 1 < count)
		{
			nfsim_render_printf(r, ":%u", v1.ports[++i]);
		}
	}
}

/**
 * icmp_type_code_match() of the kernel.
 */
static void eval_icmp_common(nfsim_ctx_t *ctx, uint8_t type,
							 const uint8_t *code, bool inv)
{
	uint8_t d[2], u[2];
	bool m;

	if (!nfsim_image_read(&ctx->img, ctx->img.thoff, 2, d, u))
	{
		ctx->verdict = NFT_BREAK;
		return;
	}
	if (type == 0xff)
	{
		nfsim_xt_result(ctx, inv ? NFSIM_NO : NFSIM_YES);
		return;
	}
	if (u[0] || u[1])
	{
		nfsim_unknown(ctx, false);
		return;
	}
	m = d[0] == type && d[1] >= code[0] && d[1] <= code[1];
	nfsim_xt_result(ctx, m != inv ? NFSIM_YES : NFSIM_NO);
}

static void eval_icmp(const nfsim_xt_t *xt, nfsim_ctx_t *ctx)
{
	struct ipt_icmp info;

	memcpy(&info, xt->info, sizeof(info));
	if (ctx->img.l4proto != IPPROTO_ICMP)
	{
		ctx->verdict = NFT_BREAK;
		return;
	}
	eval_icmp_common(ctx, info.type, info.code, info.invflags & IPT_ICMP_INV);
}

static void eval_icmp6(const nfsim_xt_t *xt, nfsim_ctx_t *ctx)
{
	struct ip6t_icmp info;

	memcpy(&info, xt->info, sizeof(info));
	if (ctx->img.l4proto != IPPROTO_ICMPV6)
	{
		ctx->verdict = NFT_BREAK;
		return;
	}
	eval_icmp_common(ctx, info.type, info.code, info.invflags & IP6T_ICMP_INV);
}

static void render_icmp_common(nfsim_render_t *r, const char *opt,
							   uint8_t type, const uint8_t *code, bool inv)
{
	if (type == 0xff)
	{
		nfsim_render_printf(r, "%s%s any", inv ? "! " : "", opt);
		return;
	}
	nfsim_render_printf(r, "%s%s %u", inv ? "! " : "", opt, type);
	if (code[0] == code[1])
	{
		nfsim_render_printf(r, "/%u", code[0]);
	}
	else if (code[0] != 0 || code[1] != 0xff)
	{
		nfsim_render_printf(r, "/%u-%u", code[0], code[1]);
	}
}

static void render_icmp(const nfsim_xt_t *xt, nfsim_render_t *r)
{
	struct ipt_icmp info;

	memcpy(&info, xt->info, sizeof(info));
	render_icmp_common(r, "--icmp-type", info.type, info.code,
					   info.invflags & IPT_ICMP_INV);
}

static void render_icmp6(const nfsim_xt_t *xt, nfsim_render_t *r)
{
	struct ip6t_icmp info;

	memcpy(&info, xt->info, sizeof(info));
	render_icmp_common(r, "--icmpv6-type", info.type, info.code,
					   info.invflags & IP6T_ICMP_INV);
}

static void eval_esp(const nfsim_xt_t *xt, nfsim_ctx_t *ctx)
{
	struct xt_esp info;
	uint8_t d[4], u[4];
	uint32_t spi;

	memcpy(&info, xt->info, sizeof(info));
	if (ctx->img.l4proto != IPPROTO_ESP)
	{
		ctx->verdict = NFT_BREAK;
		return;
	}
	if (!nfsim_image_read(&ctx->img, ctx->img.thoff, 4, d, u))
	{
		ctx->verdict = NFT_BREAK;
		return;
	}
	if (u[0] || u[1] || u[2] || u[3])
	{
		nfsim_unknown(ctx, false);
		return;
	}
	spi = ((uint32_t)d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3];
	nfsim_xt_result(ctx, ((spi >= info.spis[0] && spi <= info.spis[1]) !=
						  !!(info.invflags & XT_ESP_INV_SPI)) ? NFSIM_YES
															  : NFSIM_NO);
}

static void render_esp(const nfsim_xt_t *xt, nfsim_render_t *r)
{
	struct xt_esp info;

	memcpy(&info, xt->info, sizeof(info));
	nfsim_render_printf(r, "%s--espspi %u", (info.invflags & XT_ESP_INV_SPI) ?
						"! " : "", info.spis[0]);
	if (info.spis[1] != info.spis[0])
	{
		nfsim_render_printf(r, ":%u", info.spis[1]);
	}
}

const nfsim_xt_type_t nfsim_xt_ports_types[] = {
	{ "tcp", 0, 0, false, sizeof(struct xt_tcp), eval_tcp, render_tcp, 0, 0 },
	{ "udp", 0, 0, false, sizeof(struct xt_udp), eval_udp, render_udp, 0, 0 },
	{ "multiport", 0, 0, false, sizeof(struct xt_multiport),
	  eval_multiport, render_multiport, 0, 0 },
	{ "multiport", 1, 0, false, sizeof(struct xt_multiport_v1),
	  eval_multiport, render_multiport, 0, 0 },
	{ "icmp", 0, NFPROTO_IPV4, false, sizeof(struct ipt_icmp),
	  eval_icmp, render_icmp, 0, 0 },
	{ "icmp6", 0, NFPROTO_IPV6, false, sizeof(struct ip6t_icmp),
	  eval_icmp6, render_icmp6, 0, 0 },
	{ "esp", 0, 0, false, sizeof(struct xt_esp), eval_esp, render_esp, 0, 0 },
	{ NULL, 0, 0, false, 0, NULL, NULL, 0, 0 },
};
