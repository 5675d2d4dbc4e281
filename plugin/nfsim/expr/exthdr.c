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
#include "../nfsim_attr.h"

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
 * Private data: load (dreg) or set (sreg).
 */
typedef struct {
	/** header or option type */
	uint8_t type;
	/** destination register offset (load) */
	uint8_t dreg;
	/** source register offset (set) */
	uint8_t sreg;
	/** NFT_EXTHDR_OP_* */
	uint8_t op;
	/** sets (else loads) */
	bool set;
	/** offset in the header or option */
	uint32_t offset;
	/** bytes */
	uint32_t len;
	/** NFT_EXTHDR_F_* */
	uint32_t flags;
} exthdr_t;

/**
 * Load a TCP option.
 */
static void load_tcpopt(const exthdr_t *exthdr, nfsim_ctx_t *ctx)
{
	const nfsim_packet_t *p = ctx->pkt;
	bool present = exthdr->flags & NFT_EXTHDR_F_PRESENT;
	uint8_t opt[4];

	if (ctx->img.l4proto != IPPROTO_TCP)
	{
		ctx->verdict = NFT_BREAK;
		return;
	}
	if (exthdr->type != TCPOPT_MSS || !(p->known & NFSIM_PKT_TCP_MSS))
	{
		nfsim_reg_store_unknown(ctx, exthdr->dreg, present ? 1 : exthdr->len);
		return;
	}
	if (present)
	{
		nfsim_reg_store8(ctx, exthdr->dreg, 1);
		return;
	}
	if (exthdr->offset + exthdr->len > sizeof(opt))
	{
		ctx->verdict = NFT_BREAK;
		return;
	}
	opt[0] = TCPOPT_MSS;
	opt[1] = 4;
	opt[2] = p->tcp_mss >> 8;
	opt[3] = p->tcp_mss & 0xff;
	nfsim_reg_store(ctx, exthdr->dreg, opt + exthdr->offset, exthdr->len);
}

/**
 * Write a TCP option: the MSS clamp.
 */
static void set_tcpopt(const exthdr_t *exthdr, nfsim_ctx_t *ctx)
{
	uint16_t mss;

	if (ctx->img.l4proto != IPPROTO_TCP || exthdr->type != TCPOPT_MSS ||
		exthdr->offset != 2 || exthdr->len != 2)
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
	if (nfsim_reg_known(ctx, exthdr->sreg, 2))
	{
		memcpy(&mss, ctx->regs + exthdr->sreg, 2);
		/* "size set 1360" stores network order, "set rt mtu" host order
		 * after byteorder; both arrive in network order here */
		ctx->mss.mss = ntohs(mss);
	}
}

static void eval(const nfsim_expr_t *e, nfsim_ctx_t *ctx)
{
	const exthdr_t *exthdr = nfsim_expr_data(e);
	bool present = exthdr->flags & NFT_EXTHDR_F_PRESENT;

	if (exthdr->set)
	{
		if (exthdr->op == NFT_EXTHDR_OP_TCPOPT)
		{
			set_tcpopt(exthdr, ctx);
		}
		return;
	}
	switch (exthdr->op)
	{
		case NFT_EXTHDR_OP_TCPOPT:
			load_tcpopt(exthdr, ctx);
			return;
		case NFT_EXTHDR_OP_IPV6:
		case NFT_EXTHDR_OP_IPV4:
			if ((exthdr->op == NFT_EXTHDR_OP_IPV6) != (ctx->family == AF_INET6))
			{
				ctx->verdict = NFT_BREAK;
				return;
			}
			/* no extension headers / options */
			if (present)
			{
				nfsim_reg_store8(ctx, exthdr->dreg, 0);
			}
			else
			{
				ctx->verdict = NFT_BREAK;
			}
			return;
		default:
			nfsim_reg_store_unknown(ctx, exthdr->dreg,
									present ? 1 : exthdr->len);
			return;
	}
}

static void render(const nfsim_expr_t *e, nfsim_render_t *r)
{
	const exthdr_t *exthdr = nfsim_expr_data(e);
	static const char *ops[] = {
		[NFT_EXTHDR_OP_IPV6] = "exthdr",
		[NFT_EXTHDR_OP_TCPOPT] = "tcp option",
		[NFT_EXTHDR_OP_IPV4] = "ip option",
		[NFT_EXTHDR_OP_SCTP] = "sctp chunk",
		[NFT_EXTHDR_OP_DCCP] = "dccp option",
	};
	const char *op = exthdr->op < 5 ? ops[exthdr->op] : "exthdr";
	bool present = exthdr->flags & NFT_EXTHDR_F_PRESENT;

	if (exthdr->set)
	{
		nfsim_render_space(r);
		if (exthdr->op == NFT_EXTHDR_OP_TCPOPT &&
			exthdr->type == TCPOPT_MSS)
		{
			nfsim_rdesc_t *d = nfsim_render_get(r, exthdr->sreg);

			nfsim_render_printf(r, "tcp option maxseg size set ");
			if (d && d->is_const)
			{
				nfsim_render_printf(r, "%u", (d->cval[0] << 8) | d->cval[1]);
			}
			else
			{
				nfsim_render_regname(r, exthdr->sreg, 2);
			}
			return;
		}
		nfsim_render_printf(r, "%s %u @%u,%u set ", op, exthdr->type,
							exthdr->offset, exthdr->len);
		nfsim_render_regname(r, exthdr->sreg, exthdr->len);
		return;
	}
	if (exthdr->op == NFT_EXTHDR_OP_TCPOPT && exthdr->type == TCPOPT_MSS)
	{
		if (present)
		{
			nfsim_render_desc(r, exthdr->dreg, 1, NFSIM_VT_BOOL,
							  "tcp option maxseg");
		}
		else
		{
			nfsim_render_desc(r, exthdr->dreg, exthdr->len,
							  NFSIM_VT_BE_DEC, "tcp option maxseg size");
		}
		return;
	}
	nfsim_render_desc(r, exthdr->dreg, present ? 1 : exthdr->len,
					  present ? NFSIM_VT_BOOL : NFSIM_VT_RAW, "%s %u @%u,%u",
					  op, exthdr->type, exthdr->offset, exthdr->len);
}

bool nfsim_add_exthdr(nfsim_rule_t *rule, uint8_t type, uint32_t offset,
					  uint32_t len, uint32_t flags, uint8_t op, uint32_t dreg)
{
	exthdr_t *exthdr;
	uint8_t off;

	if (!nfsim_reg_offset(dreg, (flags & NFT_EXTHDR_F_PRESENT) ? 1 : len, &off) ||
		dreg == NFT_REG_VERDICT)
	{
		nfsim_add_invalid(rule, "exthdr");
		return false;
	}
	exthdr = nfsim_rule_push(rule, &nfsim_expr_exthdr_ops);
	if (!exthdr)
	{
		return false;
	}
	exthdr->type = type;
	exthdr->offset = offset;
	exthdr->len = len;
	exthdr->flags = flags;
	exthdr->op = op;
	exthdr->dreg = off;
	return true;
}

bool nfsim_add_exthdr_set(nfsim_rule_t *rule, uint8_t type, uint32_t offset,
						  uint32_t len, uint8_t op, uint32_t sreg)
{
	exthdr_t *exthdr;
	uint8_t off;

	if (!nfsim_reg_offset(sreg, len, &off) || sreg == NFT_REG_VERDICT)
	{
		nfsim_add_invalid(rule, "exthdr");
		return false;
	}
	exthdr = nfsim_rule_push(rule, &nfsim_expr_exthdr_ops);
	if (!exthdr)
	{
		return false;
	}
	exthdr->type = type;
	exthdr->offset = offset;
	exthdr->len = len;
	exthdr->op = op;
	exthdr->sreg = off;
	exthdr->set = true;
	return true;
}

/* ---- decoding (nf_tables netlink attributes) ---- */

static void decode(nfsim_rule_t *rule, const char *name, uint8_t family,
				   const nfsim_attr_tb_t *tb)
{
	uint32_t off, len, flags, op;
	uint8_t type;

	if (!nfsim_attr_u8(tb->tb[NFTA_EXTHDR_TYPE], &type) ||
		!nfsim_attr_u32(tb->tb[NFTA_EXTHDR_OFFSET], &off) ||
		!nfsim_attr_u32(tb->tb[NFTA_EXTHDR_LEN], &len))
	{
		nfsim_add_invalid(rule, name);
		return;
	}
	flags = nfsim_attr_u32_or(tb->tb[NFTA_EXTHDR_FLAGS], 0);
	op = nfsim_attr_u32_or(tb->tb[NFTA_EXTHDR_OP], NFT_EXTHDR_OP_IPV6);
	if (op > 255)
	{
		nfsim_add_invalid(rule, name);
	}
	else if (tb->tb[NFTA_EXTHDR_DREG])
	{
		nfsim_add_exthdr(rule, type, off, len, flags, op,
						 nfsim_attr_reg(tb, NFTA_EXTHDR_DREG));
	}
	else if (tb->tb[NFTA_EXTHDR_SREG])
	{
		nfsim_add_exthdr_set(rule, type, off, len, op,
							 nfsim_attr_reg(tb, NFTA_EXTHDR_SREG));
	}
	else
	{
		/* "reset": removes an option, no effect on the verdict */
		nfsim_add_opaque(rule, "exthdr", NFSIM_OPAQUE_PASSIVE, false, 0, 0,
						 "tcp option reset");
	}
}

/**
 * nf_tables expressions this kind is decoded from.
 */
static const nfsim_expr_decoder_t decoders[] = {
	{ "exthdr", decode },
	{ NULL, NULL },
};

const nfsim_expr_ops_t nfsim_expr_exthdr_ops = {
	.name = "exthdr",
	.data_len = sizeof(exthdr_t),
	.eval = eval,
	.render = render,
	.decoders = decoders,
};
