/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * range: a register between two constants (memcmp order).
 */

#include "../nfsim_private.h"
#include "../nfsim_attr.h"

#include <string.h>
#include <linux/netfilter/nf_tables.h>

/**
 * Private data: a register between two constants.
 */
typedef struct {
	/** register offset */
	uint8_t sreg;
	/** NFT_RANGE_* */
	uint8_t op;
	/** first value */
	nfsim_data_t from;
	/** last value */
	nfsim_data_t to;
} range_t;

static void eval(const nfsim_expr_t *e, nfsim_ctx_t *ctx)
{
	const range_t *range = nfsim_expr_data(e);
	const uint8_t *reg = ctx->regs + range->sreg;
	const uint8_t *unk = ctx->unk + range->sreg;
	uint8_t min[NFSIM_DATA_MAX], max[NFSIM_DATA_MAX];
	uint32_t i, len = range->from.len;
	nfsim_tri_t in;

	for (i = 0; i < len; i++)
	{
		min[i] = reg[i] & ~unk[i];
		max[i] = reg[i] | unk[i];
	}
	if (memcmp(max, range->from.data, len) < 0 ||
		memcmp(min, range->to.data, len) > 0)
	{
		in = NFSIM_NO;
	}
	else if (memcmp(min, range->from.data, len) >= 0 &&
			 memcmp(max, range->to.data, len) <= 0)
	{
		in = NFSIM_YES;
	}
	else
	{
		nfsim_unknown(ctx, false);
		return;
	}
	if ((in == NFSIM_YES) != (range->op == NFT_RANGE_EQ))
	{
		ctx->verdict = NFT_BREAK;
	}
}

static void render(const nfsim_expr_t *e, nfsim_render_t *r)
{
	const range_t *range = nfsim_expr_data(e);

	nfsim_render_space(r);
	nfsim_render_regname(r, range->sreg, range->from.len);
	nfsim_render_printf(r, " %s", range->op == NFT_RANGE_NEQ ? "!= " : "");
	nfsim_render_key(r, range->sreg, range->from.data, range->from.len);
	nfsim_render_printf(r, "-");
	nfsim_render_key(r, range->sreg, range->to.data, range->to.len);
}

bool nfsim_add_range(nfsim_rule_t *rule, uint32_t sreg, uint32_t op,
					 const void *from, const void *to, uint32_t len)
{
	range_t *range;
	uint8_t off;

	if (!nfsim_reg_offset(sreg, len, &off) || sreg == NFT_REG_VERDICT ||
		op > NFT_RANGE_NEQ || !from || !to)
	{
		nfsim_add_invalid(rule, "range");
		return false;
	}
	range = nfsim_rule_push(rule, &nfsim_expr_range_ops);
	if (!range)
	{
		return false;
	}
	range->sreg = off;
	range->op = op;
	range->from.len = range->to.len = len;
	memcpy(range->from.data, from, len);
	memcpy(range->to.data, to, len);
	return true;
}

/* ---- decoding (nf_tables netlink attributes) ---- */

static void decode(nfsim_rule_t *rule, const char *name, uint8_t family,
				   const nfsim_attr_tb_t *tb)
{
	const uint8_t *from, *to;
	uint32_t op, flen, tlen;

	if (!nfsim_attr_u32(tb->tb[NFTA_RANGE_OP], &op) ||
		!nfsim_attr_value(tb->tb[NFTA_RANGE_FROM_DATA], &from, &flen,
						  NFSIM_DATA_MAX) ||
		!nfsim_attr_value(tb->tb[NFTA_RANGE_TO_DATA], &to, &tlen,
						  NFSIM_DATA_MAX) ||
		flen != tlen)
	{
		nfsim_add_invalid(rule, name);
		return;
	}
	nfsim_add_range(rule, nfsim_attr_reg(tb, NFTA_RANGE_SREG), op, from, to,
					flen);
}

/**
 * nf_tables expressions this kind is decoded from.
 */
static const nfsim_expr_decoder_t decoders[] = {
	{ "range", decode },
	{ NULL, NULL },
};

const nfsim_expr_ops_t nfsim_expr_range_ops = {
	.name = "range",
	.data_len = sizeof(range_t),
	.eval = eval,
	.render = render,
	.decoders = decoders,
};
