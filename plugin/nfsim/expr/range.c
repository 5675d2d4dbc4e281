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

#include <string.h>
#include <linux/netfilter/nf_tables.h>

static void eval(const nfsim_expr_t *e, nfsim_ctx_t *ctx)
{
	const uint8_t *reg = ctx->regs + e->range.sreg;
	const uint8_t *unk = ctx->unk + e->range.sreg;
	uint8_t min[NFSIM_DATA_MAX], max[NFSIM_DATA_MAX];
	uint32_t i, len = e->range.from.len;
	nfsim_tri_t in;

	for (i = 0; i < len; i++)
	{
		min[i] = reg[i] & ~unk[i];
		max[i] = reg[i] | unk[i];
	}
	if (memcmp(max, e->range.from.data, len) < 0 ||
		memcmp(min, e->range.to.data, len) > 0)
	{
		in = NFSIM_NO;
	}
	else if (memcmp(min, e->range.from.data, len) >= 0 &&
			 memcmp(max, e->range.to.data, len) <= 0)
	{
		in = NFSIM_YES;
	}
	else
	{
		nfsim_unknown(ctx, false);
		return;
	}
	if ((in == NFSIM_YES) != (e->range.op == NFT_RANGE_EQ))
	{
		ctx->verdict = NFT_BREAK;
	}
}

static void render(const nfsim_expr_t *e, nfsim_render_t *r)
{
	nfsim_render_space(r);
	nfsim_render_regname(r, e->range.sreg, e->range.from.len);
	nfsim_render_printf(r, " %s", e->range.op == NFT_RANGE_NEQ ? "!= " : "");
	nfsim_render_key(r, e->range.sreg, e->range.from.data, e->range.from.len);
	nfsim_render_printf(r, "-");
	nfsim_render_key(r, e->range.sreg, e->range.to.data, e->range.to.len);
}

const nfsim_expr_ops_t nfsim_expr_range_ops = {
	.name = "range",
	.eval = eval,
	.render = render,
};

bool nfsim_add_range(nfsim_rule_t *rule, uint32_t sreg, uint32_t op,
					 const void *from, const void *to, uint32_t len)
{
	nfsim_expr_t *e;
	uint8_t off;

	if (!nfsim_reg_offset(sreg, len, &off) || sreg == NFT_REG_VERDICT ||
		op > NFT_RANGE_NEQ || !from || !to)
	{
		nfsim_add_invalid(rule, "range");
		return false;
	}
	e = nfsim_rule_push(rule, &nfsim_expr_range_ops);
	if (!e)
	{
		return false;
	}
	e->range.sreg = off;
	e->range.op = op;
	e->range.from.len = e->range.to.len = len;
	memcpy(e->range.from.data, from, len);
	memcpy(e->range.to.data, to, len);
	return true;
}
