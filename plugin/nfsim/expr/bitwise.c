/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * bitwise: (reg & mask) ^ xor, or shifts on 32-bit host-order words, the
 * way nft_bitwise.c computes them. Unknown bits follow the data: masked
 * out bits become known zeros.
 */

#include "../nfsim_private.h"

#include <string.h>
#include <linux/netfilter/nf_tables.h>

static void eval_bool(const nfsim_expr_t *e, nfsim_ctx_t *ctx)
{
	uint8_t d[NFSIM_DATA_MAX], u[NFSIM_DATA_MAX];
	uint32_t i, words = (e->bitwise.len + 3) / 4 * 4;

	for (i = 0; i < words; i++)
	{
		uint8_t m = i < e->bitwise.len ? e->bitwise.mask.data[i] : 0;
		uint8_t x = i < e->bitwise.len ? e->bitwise.xor.data[i] : 0;

		d[i] = (ctx->regs[e->bitwise.sreg + i] & m) ^ x;
		u[i] = ctx->unk[e->bitwise.sreg + i] & m;
	}
	memcpy(ctx->regs + e->bitwise.dreg, d, words);
	memcpy(ctx->unk + e->bitwise.dreg, u, words);
}

/**
 * Shift words like nft_bitwise_eval_lshift()/rshift().
 */
static void shift(const uint8_t *src, uint8_t *dst, uint32_t words,
				  uint32_t sh, bool left)
{
	uint32_t carry = 0, w, i;

	if (left)
	{
		for (i = words; i > 0; i--)
		{
			memcpy(&w, src + (i - 1) * 4, 4);
			uint32_t out = (w << sh) | carry;
			carry = w >> (32 - sh);
			memcpy(dst + (i - 1) * 4, &out, 4);
		}
	}
	else
	{
		for (i = 0; i < words; i++)
		{
			memcpy(&w, src + i * 4, 4);
			uint32_t out = carry | (w >> sh);
			carry = w << (32 - sh);
			memcpy(dst + i * 4, &out, 4);
		}
	}
}

static void eval(const nfsim_expr_t *e, nfsim_ctx_t *ctx)
{
	uint8_t d[NFSIM_DATA_MAX], u[NFSIM_DATA_MAX];
	uint32_t words = (e->bitwise.len + 3) / 4;
	bool left = e->bitwise.op == NFT_BITWISE_LSHIFT;

	if (e->bitwise.op == NFT_BITWISE_BOOL)
	{
		eval_bool(e, ctx);
		return;
	}
	shift(ctx->regs + e->bitwise.sreg, d, words, e->bitwise.shift, left);
	shift(ctx->unk + e->bitwise.sreg, u, words, e->bitwise.shift, left);
	memcpy(ctx->regs + e->bitwise.dreg, d, words * 4);
	memcpy(ctx->unk + e->bitwise.dreg, u, words * 4);
}

static void render(const nfsim_expr_t *e, nfsim_render_t *r)
{
	nfsim_rdesc_t *s = nfsim_render_get(r, e->bitwise.sreg), copy;
	bool zero_xor = true;
	uint32_t i;

	for (i = 0; i < e->bitwise.len; i++)
	{
		zero_xor = zero_xor && !e->bitwise.xor.data[i];
	}
	if (s && e->bitwise.op == NFT_BITWISE_BOOL && zero_xor &&
		e->bitwise.len <= sizeof(s->mask))
	{
		copy = *s;
		copy.masked = true;
		memset(copy.mask, 0, sizeof(copy.mask));
		memcpy(copy.mask, e->bitwise.mask.data, e->bitwise.len);
		copy.is_const = false;
		*nfsim_render_get(r, e->bitwise.dreg) = copy;
		return;
	}
	nfsim_render_space(r);
	if (e->bitwise.op == NFT_BITWISE_BOOL)
	{
		nfsim_render_printf(r, "[bitwise ");
		nfsim_render_regname(r, e->bitwise.sreg, e->bitwise.len);
		nfsim_render_printf(r, " & ");
		nfsim_render_value(r, NFSIM_VT_RAW, e->bitwise.mask.data,
						   e->bitwise.len);
		nfsim_render_printf(r, " ^ ");
		nfsim_render_value(r, NFSIM_VT_RAW, e->bitwise.xor.data,
						   e->bitwise.len);
		nfsim_render_printf(r, "]");
	}
	else
	{
		nfsim_render_printf(r, "[bitwise ");
		nfsim_render_regname(r, e->bitwise.sreg, e->bitwise.len);
		nfsim_render_printf(r, " %s %u]",
							e->bitwise.op == NFT_BITWISE_LSHIFT ? "<<" : ">>",
							e->bitwise.shift);
	}
	nfsim_render_forget(r, e->bitwise.dreg, e->bitwise.len);
}

const nfsim_expr_ops_t nfsim_expr_bitwise_ops = {
	.name = "bitwise",
	.eval = eval,
	.render = render,
};

/**
 * Validate registers common to both forms.
 */
static bool regs(uint32_t sreg, uint32_t dreg, uint32_t len, uint8_t *so,
				 uint8_t *dof)
{
	/* operations work on whole words */
	uint32_t wlen = (len + 3) / 4 * 4;

	return nfsim_reg_offset(sreg, wlen, so) && nfsim_reg_offset(dreg, wlen, dof) &&
		   sreg != NFT_REG_VERDICT && dreg != NFT_REG_VERDICT;
}

bool nfsim_add_bitwise(nfsim_rule_t *rule, uint32_t sreg, uint32_t dreg,
					   uint32_t len, const void *mask, const void *xor,
					   uint32_t dlen)
{
	nfsim_expr_t *e;
	uint8_t so, dof;

	if (!regs(sreg, dreg, len, &so, &dof) || dlen != len || !mask || !xor)
	{
		nfsim_add_invalid(rule, "bitwise");
		return false;
	}
	e = nfsim_rule_push(rule, &nfsim_expr_bitwise_ops);
	if (!e)
	{
		return false;
	}
	e->bitwise.sreg = so;
	e->bitwise.dreg = dof;
	e->bitwise.len = len;
	e->bitwise.op = NFT_BITWISE_BOOL;
	e->bitwise.mask.len = e->bitwise.xor.len = len;
	memcpy(e->bitwise.mask.data, mask, len);
	memcpy(e->bitwise.xor.data, xor, len);
	return true;
}

bool nfsim_add_bitwise_shift(nfsim_rule_t *rule, uint32_t op, uint32_t sreg,
							 uint32_t dreg, uint32_t len, uint32_t sh)
{
	nfsim_expr_t *e;
	uint8_t so, dof;

	/* a shift of 0 is accepted by the kernel but shifts by 32 there */
	if (!regs(sreg, dreg, len, &so, &dof) || sh == 0 || sh >= 32 ||
		(op != NFT_BITWISE_LSHIFT && op != NFT_BITWISE_RSHIFT))
	{
		nfsim_add_invalid(rule, "bitwise");
		return false;
	}
	e = nfsim_rule_push(rule, &nfsim_expr_bitwise_ops);
	if (!e)
	{
		return false;
	}
	e->bitwise.sreg = so;
	e->bitwise.dreg = dof;
	e->bitwise.len = len;
	e->bitwise.op = op;
	e->bitwise.shift = sh;
	return true;
}
