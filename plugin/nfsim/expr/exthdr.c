/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * exthdr: IPv6 extension headers, IPv4 and TCP options. The synthetic
 * packet has no extension headers and no IP options; its only known TCP
 * option is the MSS (if given). Writing the MSS option is an MSS clamp.
 */

#include "../nfsim_private.h"

#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netfilter/nf_tables.h>

#ifndef NFT_EXTHDR_OP_DCCP
#define NFT_EXTHDR_OP_DCCP 4
#endif

/** TCP option kind of the MSS */
#define TCPOPT_MSS 2
/** TCP SYN flag */
#define TCP_SYN 0x02

/**
 * Load a TCP option.
 */
static void load_tcpopt(const nfsim_expr_t *e, nfsim_ctx_t *ctx)
{
	const nfsim_packet_t *p = ctx->pkt;
	bool present = e->exthdr.flags & NFT_EXTHDR_F_PRESENT;
	uint8_t opt[4];

	if (ctx->img.l4proto != IPPROTO_TCP)
	{
		ctx->verdict = NFT_BREAK;
		return;
	}
	if (e->exthdr.type != TCPOPT_MSS || !(p->known & NFSIM_PKT_TCP_MSS))
	{
		nfsim_reg_store_unknown(ctx, e->exthdr.dreg, present ? 1 : e->exthdr.len);
		return;
	}
	if (present)
	{
		nfsim_reg_store8(ctx, e->exthdr.dreg, 1);
		return;
	}
	if (e->exthdr.offset + e->exthdr.len > sizeof(opt))
	{
		ctx->verdict = NFT_BREAK;
		return;
	}
	opt[0] = TCPOPT_MSS;
	opt[1] = 4;
	opt[2] = p->tcp_mss >> 8;
	opt[3] = p->tcp_mss & 0xff;
	nfsim_reg_store(ctx, e->exthdr.dreg, opt + e->exthdr.offset, e->exthdr.len);
}

/**
 * Write a TCP option: the MSS clamp.
 */
static void set_tcpopt(const nfsim_expr_t *e, nfsim_ctx_t *ctx)
{
	uint16_t mss;

	if (ctx->img.l4proto != IPPROTO_TCP || e->exthdr.type != TCPOPT_MSS ||
		e->exthdr.offset != 2 || e->exthdr.len != 2)
	{
		return;
	}
	if ((ctx->pkt->known & NFSIM_PKT_TCP_FLAGS) &&
		!(ctx->pkt->tcp_flags & TCP_SYN))
	{
		/* only SYNs carry the option */
		return;
	}
	ctx->mss.present = true;
	ctx->mss.rule = ctx->rule;
	ctx->mss.mss = NFSIM_MSS_PMTU;
	if (nfsim_reg_known(ctx, e->exthdr.sreg, 2))
	{
		memcpy(&mss, ctx->regs + e->exthdr.sreg, 2);
		/* "size set 1360" stores network order, "set rt mtu" host order
		 * after byteorder; both arrive in network order here */
		ctx->mss.mss = ntohs(mss);
	}
}

static void eval(const nfsim_expr_t *e, nfsim_ctx_t *ctx)
{
	bool present = e->exthdr.flags & NFT_EXTHDR_F_PRESENT;

	if (e->exthdr.set)
	{
		if (e->exthdr.op == NFT_EXTHDR_OP_TCPOPT)
		{
			set_tcpopt(e, ctx);
		}
		return;
	}
	switch (e->exthdr.op)
	{
		case NFT_EXTHDR_OP_TCPOPT:
			load_tcpopt(e, ctx);
			return;
		case NFT_EXTHDR_OP_IPV6:
		case NFT_EXTHDR_OP_IPV4:
			if ((e->exthdr.op == NFT_EXTHDR_OP_IPV6) != (ctx->family == AF_INET6))
			{
				ctx->verdict = NFT_BREAK;
				return;
			}
			/* no extension headers / options */
			if (present)
			{
				nfsim_reg_store8(ctx, e->exthdr.dreg, 0);
			}
			else
			{
				ctx->verdict = NFT_BREAK;
			}
			return;
		default:
			nfsim_reg_store_unknown(ctx, e->exthdr.dreg,
									present ? 1 : e->exthdr.len);
			return;
	}
}

static void render(const nfsim_expr_t *e, nfsim_render_t *r)
{
	static const char *ops[] = {
		[NFT_EXTHDR_OP_IPV6] = "exthdr",
		[NFT_EXTHDR_OP_TCPOPT] = "tcp option",
		[NFT_EXTHDR_OP_IPV4] = "ip option",
		[NFT_EXTHDR_OP_SCTP] = "sctp chunk",
		[NFT_EXTHDR_OP_DCCP] = "dccp option",
	};
	const char *op = e->exthdr.op < 5 ? ops[e->exthdr.op] : "exthdr";
	bool present = e->exthdr.flags & NFT_EXTHDR_F_PRESENT;

	if (e->exthdr.set)
	{
		nfsim_render_space(r);
		if (e->exthdr.op == NFT_EXTHDR_OP_TCPOPT &&
			e->exthdr.type == TCPOPT_MSS)
		{
			nfsim_rdesc_t *d = nfsim_render_get(r, e->exthdr.sreg);

			nfsim_render_printf(r, "tcp option maxseg size set ");
			if (d && d->is_const)
			{
				nfsim_render_printf(r, "%u", (d->cval[0] << 8) | d->cval[1]);
			}
			else
			{
				nfsim_render_regname(r, e->exthdr.sreg, 2);
			}
			return;
		}
		nfsim_render_printf(r, "%s %u @%u,%u set ", op, e->exthdr.type,
							e->exthdr.offset, e->exthdr.len);
		nfsim_render_regname(r, e->exthdr.sreg, e->exthdr.len);
		return;
	}
	if (e->exthdr.op == NFT_EXTHDR_OP_TCPOPT && e->exthdr.type == TCPOPT_MSS)
	{
		if (present)
		{
			nfsim_render_desc(r, e->exthdr.dreg, 1, NFSIM_VT_BOOL,
							  "tcp option maxseg");
		}
		else
		{
			nfsim_render_desc(r, e->exthdr.dreg, e->exthdr.len,
							  NFSIM_VT_BE_DEC, "tcp option maxseg size");
		}
		return;
	}
	nfsim_render_desc(r, e->exthdr.dreg, present ? 1 : e->exthdr.len,
					  present ? NFSIM_VT_BOOL : NFSIM_VT_RAW, "%s %u @%u,%u",
					  op, e->exthdr.type, e->exthdr.offset, e->exthdr.len);
}

const nfsim_expr_ops_t nfsim_expr_exthdr_ops = {
	.name = "exthdr",
	.eval = eval,
	.render = render,
};

bool nfsim_add_exthdr(nfsim_rule_t *rule, uint8_t type, uint32_t offset,
					  uint32_t len, uint32_t flags, uint8_t op, uint32_t dreg)
{
	nfsim_expr_t *e;
	uint8_t off;

	if (!nfsim_reg_offset(dreg, (flags & NFT_EXTHDR_F_PRESENT) ? 1 : len, &off) ||
		dreg == NFT_REG_VERDICT)
	{
		nfsim_add_invalid(rule, "exthdr");
		return false;
	}
	e = nfsim_rule_push(rule, &nfsim_expr_exthdr_ops);
	if (!e)
	{
		return false;
	}
	e->exthdr.type = type;
	e->exthdr.offset = offset;
	e->exthdr.len = len;
	e->exthdr.flags = flags;
	e->exthdr.op = op;
	e->exthdr.dreg = off;
	return true;
}

bool nfsim_add_exthdr_set(nfsim_rule_t *rule, uint8_t type, uint32_t offset,
						  uint32_t len, uint8_t op, uint32_t sreg)
{
	nfsim_expr_t *e;
	uint8_t off;

	if (!nfsim_reg_offset(sreg, len, &off) || sreg == NFT_REG_VERDICT)
	{
		nfsim_add_invalid(rule, "exthdr");
		return false;
	}
	e = nfsim_rule_push(rule, &nfsim_expr_exthdr_ops);
	if (!e)
	{
		return false;
	}
	e->exthdr.type = type;
	e->exthdr.offset = offset;
	e->exthdr.len = len;
	e->exthdr.op = op;
	e->exthdr.sreg = off;
	e->exthdr.set = true;
	return true;
}
