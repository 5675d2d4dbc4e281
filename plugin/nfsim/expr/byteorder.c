/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * byteorder: convert 2/4/8-byte elements between host and network order.
 */

#include "../nfsim_private.h"
#include "../nfsim_attr.h"

#include <endian.h>
#include <string.h>
#include <linux/netfilter/nf_tables.h>

/**
 * Private data: a byte order conversion.
 */
typedef struct {
	/** source register offset */
	uint8_t sreg;
	/** destination register offset */
	uint8_t dreg;
	/** NFT_BYTEORDER_* */
	uint8_t op;
	/** bytes converted */
	uint8_t len;
	/** element size (2, 4, 8) */
	uint8_t size;
} byteorder_t;

/**
 * Convert elements of size bytes; ntoh and hton are the same permutation.
 */
static void convert(const uint8_t *src, uint8_t *dst, uint32_t len,
					uint32_t size)
{
	uint32_t i, j;

	memcpy(dst, src, len);
#if __BYTE_ORDER == __LITTLE_ENDIAN
	for (i = 0; i + size <= len; i += size)
	{
		for (j = 0; j < size; j++)
		{
			dst[i + j] = src[i + size - 1 - j];
		}
	}
#else
	(void)i;
	(void)j;
	(void)size;
#endif
}

static void eval(const nfsim_expr_t *e, nfsim_ctx_t *ctx)
{
	const byteorder_t *byteorder = nfsim_expr_data(e);
	uint8_t d[NFSIM_DATA_MAX], u[NFSIM_DATA_MAX];
	uint32_t len = byteorder->len;

	convert(ctx->regs + byteorder->sreg, d, len, byteorder->size);
	convert(ctx->unk + byteorder->sreg, u, len, byteorder->size);
	memcpy(ctx->regs + byteorder->dreg, d, len);
	memcpy(ctx->unk + byteorder->dreg, u, len);
}

static void render(const nfsim_expr_t *e, nfsim_render_t *r)
{
	const byteorder_t *byteorder = nfsim_expr_data(e);
	nfsim_rdesc_t *s = nfsim_render_get(r, byteorder->sreg);

	/* a conversion keeps the meaning (e.g. "meta mark" compared with
	 * ranges is converted to network order first) */
	if (s && byteorder->sreg != byteorder->dreg)
	{
		*nfsim_render_get(r, byteorder->dreg) = *s;
	}
	if (s)
	{
		nfsim_render_get(r, byteorder->dreg)->vt = NFSIM_VT_RAW;
	}
}

bool nfsim_add_byteorder(nfsim_rule_t *rule, uint32_t sreg, uint32_t dreg,
						 uint32_t op, uint32_t len, uint32_t size)
{
	byteorder_t *byteorder;
	uint8_t so, dof;

	if (!nfsim_reg_offset(sreg, len, &so) || !nfsim_reg_offset(dreg, len, &dof) ||
		sreg == NFT_REG_VERDICT || dreg == NFT_REG_VERDICT ||
		(size != 2 && size != 4 && size != 8) ||
		(op != NFT_BYTEORDER_NTOH && op != NFT_BYTEORDER_HTON))
	{
		nfsim_add_invalid(rule, "byteorder");
		return false;
	}
	byteorder = nfsim_rule_push(rule, &nfsim_expr_byteorder_ops);
	if (!byteorder)
	{
		return false;
	}
	byteorder->sreg = so;
	byteorder->dreg = dof;
	byteorder->op = op;
	byteorder->len = len;
	byteorder->size = size;
	return true;
}

/* ---- decoding (nf_tables netlink attributes) ---- */

static void decode(nfsim_rule_t *rule, const char *name, uint8_t family,
				   const nfsim_attr_tb_t *tb)
{
	uint32_t op, len, size;

	if (!nfsim_attr_u32(tb->tb[NFTA_BYTEORDER_OP], &op) ||
		!nfsim_attr_u32(tb->tb[NFTA_BYTEORDER_LEN], &len) ||
		!nfsim_attr_u32(tb->tb[NFTA_BYTEORDER_SIZE], &size))
	{
		nfsim_add_invalid(rule, name);
		return;
	}
	nfsim_add_byteorder(rule, nfsim_attr_reg(tb, NFTA_BYTEORDER_SREG),
						nfsim_attr_reg(tb, NFTA_BYTEORDER_DREG), op, len, size);
}

/**
 * nf_tables expressions this kind is decoded from.
 */
static const nfsim_expr_decoder_t decoders[] = {
	{ "byteorder", decode },
	{ NULL, NULL },
};

const nfsim_expr_ops_t nfsim_expr_byteorder_ops = {
	.name = "byteorder",
	.data_len = sizeof(byteorder_t),
	.eval = eval,
	.render = render,
	.decoders = decoders,
};
