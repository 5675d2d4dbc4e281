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
#include "../nfsim_attr.h"

#include <string.h>
#include <linux/netfilter/nf_tables.h>

/**
 * Private data: boolean (mask/xor) or shift (shift).
 */
typedef struct {
	/** source register offset */
	uint8_t sreg;
	/** destination register offset */
	uint8_t dreg;
	/** bytes */
	uint8_t len;
	/** NFT_BITWISE_* */
	uint8_t op;
	/** bits shifted */
	uint32_t shift;
	/** mask (boolean) */
	nfsim_data_t mask;
	/** xor (boolean) */
	nfsim_data_t xor;
} bitwise_t;

static void eval_bool(const bitwise_t *bitwise, nfsim_ctx_t *ctx)
{
	uint8_t d[NFSIM_DATA_MAX], u[NFSIM_DATA_MAX];
	uint32_t i, words = (bitwise->len + 3) / 4 * 4;

	for (i = 0; i < words; i++)
	{
		uint8_t m = i < bitwise->len ? bitwise->mask.data[i] : 0;
		uint8_t x = i < bitwise->len ? bitwise->xor.data[i] : 0;

		d[i] = (ctx->regs[bitwise->sreg + i] & m) ^ x;
		u[i] = ctx->unk[bitwise->sreg + i] & m;
	}
	memcpy(ctx->regs + bitwise->dreg, d, words);
	memcpy(ctx->unk + bitwise->dreg, u, words);
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
	const bitwise_t *bitwise = nfsim_expr_data(e);
	uint8_t d[NFSIM_DATA_MAX], u[NFSIM_DATA_MAX];
	uint32_t words = (bitwise->len + 3) / 4;
	bool left = bitwise->op == NFT_BITWISE_LSHIFT;

	if (bitwise->op == NFT_BITWISE_BOOL)
	{
		eval_bool(bitwise, ctx);
		return;
	}
	shift(ctx->regs + bitwise->sreg, d, words, bitwise->shift, left);
	shift(ctx->unk + bitwise->sreg, u, words, bitwise->shift, left);
	memcpy(ctx->regs + bitwise->dreg, d, words * 4);
	memcpy(ctx->unk + bitwise->dreg, u, words * 4);
}

static void render(const nfsim_expr_t *e, nfsim_render_t *r)
{
	const bitwise_t *bitwise = nfsim_expr_data(e);
	nfsim_rdesc_t *s = nfsim_render_get(r, bitwise->sreg), copy;
	bool zero_xor = true;
	uint32_t i;

	for (i = 0; i < bitwise->len; i++)
	{
		zero_xor = zero_xor && !bitwise->xor.data[i];
	}
	if (s && bitwise->op == NFT_BITWISE_BOOL && zero_xor &&
		bitwise->len <= sizeof(s->mask))
	{
		copy = *s;
		copy.masked = true;
		memset(copy.mask, 0, sizeof(copy.mask));
		memcpy(copy.mask, bitwise->mask.data, bitwise->len);
		copy.is_const = false;
		*nfsim_render_get(r, bitwise->dreg) = copy;
		return;
	}
	nfsim_render_space(r);
	if (bitwise->op == NFT_BITWISE_BOOL)
	{
		nfsim_render_printf(r, "[bitwise ");
		nfsim_render_regname(r, bitwise->sreg, bitwise->len);
		nfsim_render_printf(r, " & ");
		nfsim_render_value(r, NFSIM_VT_RAW, bitwise->mask.data,
						   bitwise->len);
		nfsim_render_printf(r, " ^ ");
		nfsim_render_value(r, NFSIM_VT_RAW, bitwise->xor.data,
						   bitwise->len);
		nfsim_render_printf(r, "]");
	}
	else
	{
		nfsim_render_printf(r, "[bitwise ");
		nfsim_render_regname(r, bitwise->sreg, bitwise->len);
		nfsim_render_printf(r, " %s %u]",
							bitwise->op == NFT_BITWISE_LSHIFT ? "<<" : ">>",
							bitwise->shift);
	}
	nfsim_render_forget(r, bitwise->dreg, bitwise->len);
}

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
	bitwise_t *bitwise;
	uint8_t so, dof;

	if (!regs(sreg, dreg, len, &so, &dof) || dlen != len || !mask || !xor)
	{
		nfsim_add_invalid(rule, "bitwise");
		return false;
	}
	bitwise = nfsim_rule_push(rule, &nfsim_expr_bitwise_ops);
	if (!bitwise)
	{
		return false;
	}
	bitwise->sreg = so;
	bitwise->dreg = dof;
	bitwise->len = len;
	bitwise->op = NFT_BITWISE_BOOL;
	bitwise->mask.len = bitwise->xor.len = len;
	memcpy(bitwise->mask.data, mask, len);
	memcpy(bitwise->xor.data, xor, len);
	return true;
}

bool nfsim_add_bitwise_shift(nfsim_rule_t *rule, uint32_t op, uint32_t sreg,
							 uint32_t dreg, uint32_t len, uint32_t sh)
{
	bitwise_t *bitwise;
	uint8_t so, dof;

	/* a shift of 0 is accepted by the kernel but shifts by 32 there */
	if (!regs(sreg, dreg, len, &so, &dof) || sh == 0 || sh >= 32 ||
		(op != NFT_BITWISE_LSHIFT && op != NFT_BITWISE_RSHIFT))
	{
		nfsim_add_invalid(rule, "bitwise");
		return false;
	}
	bitwise = nfsim_rule_push(rule, &nfsim_expr_bitwise_ops);
	if (!bitwise)
	{
		return false;
	}
	bitwise->sreg = so;
	bitwise->dreg = dof;
	bitwise->len = len;
	bitwise->op = op;
	bitwise->shift = sh;
	return true;
}

/* ---- decoding (nf_tables netlink attributes) ---- */

static void decode(nfsim_rule_t *rule, const char *name, uint8_t family,
				   const nfsim_attr_tb_t *tb)
{
	const uint8_t *mask, *xor, *data;
	uint32_t len, op = NFT_BITWISE_BOOL, mlen, xlen, dlen, sh;

	nfsim_attr_u32(tb->tb[NFTA_BITWISE_OP], &op);
	if (!nfsim_attr_u32(tb->tb[NFTA_BITWISE_LEN], &len))
	{
		nfsim_add_invalid(rule, name);
		return;
	}
	if (op == NFT_BITWISE_BOOL)
	{
		if (!nfsim_attr_value(tb->tb[NFTA_BITWISE_MASK], &mask, &mlen,
							  NFSIM_DATA_MAX) ||
			!nfsim_attr_value(tb->tb[NFTA_BITWISE_XOR], &xor, &xlen,
							  NFSIM_DATA_MAX) ||
			mlen != len || xlen != len)
		{
			nfsim_add_invalid(rule, name);
			return;
		}
		nfsim_add_bitwise(rule, nfsim_attr_reg(tb, NFTA_BITWISE_SREG),
						  nfsim_attr_reg(tb, NFTA_BITWISE_DREG), len, mask, xor,
						  len);
		return;
	}
	if (!nfsim_attr_value(tb->tb[NFTA_BITWISE_DATA], &data, &dlen, 4) ||
		dlen != 4)
	{
		nfsim_add_invalid(rule, name);
		return;
	}
	/* the shift amount is a host order u32 */
	memcpy(&sh, data, 4);
	nfsim_add_bitwise_shift(rule, op, nfsim_attr_reg(tb, NFTA_BITWISE_SREG),
							nfsim_attr_reg(tb, NFTA_BITWISE_DREG), len, sh);
}

/**
 * nf_tables expressions this kind is decoded from.
 */
static const nfsim_expr_decoder_t decoders[] = {
	{ "bitwise", decode },
	{ NULL, NULL },
};

static bool guard(const nfsim_expr_t *e, nfsim_guard_t *g)
{
	const bitwise_t *bitwise = nfsim_expr_data(e);
	nfsim_guard_test_t *t = &g->tests[g->ntests];
	uint32_t i;

	/* right after the load: its bytes masked in place */
	if (!g->open || t->nexprs != g->nexprs || t->masked ||
		bitwise->op != NFT_BITWISE_BOOL || bitwise->sreg != t->reg ||
		bitwise->dreg != t->reg || bitwise->len != t->len ||
		bitwise->mask.len < t->len || bitwise->xor.len < t->len)
	{
		return false;
	}
	for (i = 0; i < t->len; i++)
	{
		if (bitwise->xor.data[i])
		{
			return false;
		}
		t->mask[i] = bitwise->mask.data[i];
	}
	t->masked = true;
	t->nexprs = ++g->nexprs;
	return true;
}

const nfsim_expr_ops_t nfsim_expr_bitwise_ops = {
	.name = "bitwise",
	.data_len = sizeof(bitwise_t),
	.eval = eval,
	.render = render,
	.guard = guard,
	.decoders = decoders,
};
