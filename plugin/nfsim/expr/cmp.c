/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * cmp: compare a register with a constant (memcmp order, as the kernel).
 */

#include "../nfsim_private.h"
#include "../nfsim_attr.h"

#include <string.h>
#include <linux/netfilter/nf_tables.h>

/**
 * Private data: a register compared with a constant.
 */
typedef struct {
	/** register offset */
	uint8_t sreg;
	/** NFT_CMP_* */
	uint8_t op;
	/** the constant */
	nfsim_data_t data;
} cmp_t;

/**
 * Outcome of an ordering operator for a memcmp() result.
 */
static bool order(uint8_t op, int d)
{
	switch (op)
	{
		case NFT_CMP_LT:
			return d < 0;
		case NFT_CMP_LTE:
			return d <= 0;
		case NFT_CMP_GT:
			return d > 0;
		case NFT_CMP_GTE:
			return d >= 0;
		default:
			return false;
	}
}

nfsim_tri_t nfsim_cmp_tri(const uint8_t *reg, const uint8_t *unk,
						  uint8_t op, const uint8_t *data, uint32_t len)
{
	uint8_t min[NFSIM_DATA_MAX], max[NFSIM_DATA_MAX];
	bool any = false, a, b;
	uint32_t i;

	if (op == NFT_CMP_EQ || op == NFT_CMP_NEQ)
	{
		for (i = 0; i < len; i++)
		{
			if ((reg[i] ^ data[i]) & ~unk[i])
			{
				return op == NFT_CMP_EQ ? NFSIM_NO : NFSIM_YES;
			}
			any = any || unk[i];
		}
		if (any)
		{
			return NFSIM_UNKNOWN;
		}
		return op == NFT_CMP_EQ ? NFSIM_YES : NFSIM_NO;
	}
	for (i = 0; i < len; i++)
	{
		min[i] = reg[i] & ~unk[i];
		max[i] = reg[i] | unk[i];
	}
	a = order(op, memcmp(min, data, len));
	b = order(op, memcmp(max, data, len));
	if (a != b)
	{
		return NFSIM_UNKNOWN;
	}
	return a ? NFSIM_YES : NFSIM_NO;
}

static void eval(const nfsim_expr_t *e, nfsim_ctx_t *ctx)
{
	const cmp_t *cmp = nfsim_expr_data(e);

	switch (nfsim_cmp_tri(ctx->regs + cmp->sreg, ctx->unk + cmp->sreg,
						  cmp->op, cmp->data.data, cmp->data.len))
	{
		case NFSIM_YES:
			break;
		case NFSIM_NO:
			ctx->verdict = NFT_BREAK;
			break;
		default:
			nfsim_unknown(ctx, false);
			break;
	}
}

static const char *op_str(uint8_t op)
{
	switch (op)
	{
		case NFT_CMP_EQ:
			return "";
		case NFT_CMP_NEQ:
			return "!= ";
		case NFT_CMP_LT:
			return "< ";
		case NFT_CMP_LTE:
			return "<= ";
		case NFT_CMP_GT:
			return "> ";
		case NFT_CMP_GTE:
			return ">= ";
		default:
			return "?? ";
	}
}

/**
 * Prefix length of a mask, -1 if it is not a prefix.
 */
static int prefix_len(const uint8_t *mask, uint32_t len)
{
	uint32_t i;
	int bits = 0;
	bool end = false;

	for (i = 0; i < len * 8; i++)
	{
		bool set = mask[i / 8] & (0x80 >> (i % 8));

		if (set && end)
		{
			return -1;
		}
		if (set)
		{
			bits++;
		}
		else
		{
			end = true;
		}
	}
	return bits;
}

/**
 * Whether all bytes are zero.
 */
static bool zero(const uint8_t *d, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++)
	{
		if (d[i])
		{
			return false;
		}
	}
	return true;
}

static void render(const nfsim_expr_t *e, nfsim_render_t *r)
{
	const cmp_t *cmp = nfsim_expr_data(e);
	nfsim_rdesc_t *d = nfsim_render_get(r, cmp->sreg);
	const nfsim_data_t *v = &cmp->data;
	uint8_t full[16] = {0};
	int plen;

	if (d && d->vt == NFSIM_VT_NFPROTO && cmp->op == NFT_CMP_EQ &&
		v->len == 1)
	{
		/* "meta nfproto ipv6": name the network header fields after it */
		r->family = v->data[0];
	}
	nfsim_render_space(r);
	if (d && (d->vt == NFSIM_VT_IPV4 || d->vt == NFSIM_VT_IPV6) &&
		(cmp->op == NFT_CMP_EQ || cmp->op == NFT_CMP_NEQ))
	{
		uint32_t alen = d->vt == NFSIM_VT_IPV4 ? 4 : 16;

		if (v->len <= alen)
		{
			memcpy(full, v->data, v->len);
			plen = v->len * 8;
			if (d->masked)
			{
				plen = prefix_len(d->mask, v->len);
			}
			if (plen >= 0)
			{
				nfsim_render_printf(r, "%s %s", d->name, op_str(cmp->op));
				nfsim_render_addr(r, alen == 4 ? 2 : 10, full);
				if ((uint32_t)plen < alen * 8)
				{
					nfsim_render_printf(r, "/%d", plen);
				}
				return;
			}
		}
	}
	if (d && d->masked &&
		(d->vt == NFSIM_VT_CTSTATE || d->vt == NFSIM_VT_CTSTATUS ||
		 d->vt == NFSIM_VT_TCPFLAGS) && zero(v->data, v->len) &&
		cmp->op == NFT_CMP_NEQ && v->len <= 16)
	{
		/* "ct state established,related": (reg & mask) != 0 */
		nfsim_render_printf(r, "%s ", d->name);
		nfsim_render_value(r, d->vt, d->mask, v->len);
		return;
	}
	if (d && d->masked && v->len <= 16)
	{
		nfsim_render_printf(r, "%s & ", d->name);
		nfsim_render_value(r, d->vt, d->mask, v->len);
		nfsim_render_printf(r, " %s", cmp->op == NFT_CMP_EQ ? "== " :
							op_str(cmp->op));
		nfsim_render_value(r, d->vt, v->data, v->len);
		return;
	}
	if (d && d->vt == NFSIM_VT_BOOL && v->len >= 1 &&
		(cmp->op == NFT_CMP_EQ || cmp->op == NFT_CMP_NEQ))
	{
		bool yes = v->data[0] != 0;

		if (cmp->op == NFT_CMP_NEQ)
		{
			yes = !yes;
		}
		nfsim_render_printf(r, "%s %s", d->name, yes ? "exists" : "missing");
		return;
	}
	if (d && d->vt == NFSIM_VT_PROTO && v->len == 1 &&
		cmp->op == NFT_CMP_EQ)
	{
		r->l4proto = v->data[0];
	}
	nfsim_render_regname(r, cmp->sreg, v->len);
	nfsim_render_printf(r, " %s", op_str(cmp->op));
	nfsim_render_key(r, cmp->sreg, v->data, v->len);
}

bool nfsim_add_cmp(nfsim_rule_t *rule, uint32_t sreg, uint32_t op,
				   const void *data, uint32_t len)
{
	cmp_t *cmp;
	uint8_t off;

	if (!nfsim_reg_offset(sreg, len, &off) || sreg == NFT_REG_VERDICT ||
		op > NFT_CMP_GTE || !data)
	{
		nfsim_add_invalid(rule, "cmp");
		return false;
	}
	cmp = nfsim_rule_push(rule, &nfsim_expr_cmp_ops);
	if (!cmp)
	{
		return false;
	}
	cmp->sreg = off;
	cmp->op = op;
	cmp->data.len = len;
	memcpy(cmp->data.data, data, len);
	return true;
}

/* ---- decoding (nf_tables netlink attributes) ---- */

static void decode(nfsim_rule_t *rule, const char *name, uint8_t family,
				   const nfsim_attr_tb_t *tb)
{
	const uint8_t *data;
	uint32_t op, len;

	if (!nfsim_attr_u32(tb->tb[NFTA_CMP_OP], &op) ||
		!nfsim_attr_value(tb->tb[NFTA_CMP_DATA], &data, &len, NFSIM_DATA_MAX))
	{
		nfsim_add_invalid(rule, name);
		return;
	}
	nfsim_add_cmp(rule, nfsim_attr_reg(tb, NFTA_CMP_SREG), op, data, len);
}

/**
 * nf_tables expressions this kind is decoded from.
 */
static const nfsim_expr_decoder_t decoders[] = {
	{ "cmp", decode },
	{ NULL, NULL },
};

static bool guard(const nfsim_expr_t *e, nfsim_guard_t *g)
{
	const cmp_t *cmp = nfsim_expr_data(e);
	nfsim_guard_test_t *t = &g->tests[g->ntests];

	if (!g->open || cmp->op != NFT_CMP_EQ || cmp->sreg != t->reg ||
		!cmp->data.len || cmp->data.len > t->len)
	{
		return false;
	}
	t->clen = cmp->data.len;
	memcpy(t->value, cmp->data.data, t->clen);
	t->nexprs = ++g->nexprs;
	g->open = false;
	g->ntests++;
	return true;
}

const nfsim_expr_ops_t nfsim_expr_cmp_ops = {
	.name = "cmp",
	.data_len = sizeof(cmp_t),
	.eval = eval,
	.render = render,
	.guard = guard,
	.decoders = decoders,
};
