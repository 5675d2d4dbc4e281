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

#include <endian.h>
#include <string.h>
#include <linux/netfilter/nf_tables.h>

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
	uint8_t d[NFSIM_DATA_MAX], u[NFSIM_DATA_MAX];
	uint32_t len = e->byteorder.len;

	convert(ctx->regs + e->byteorder.sreg, d, len, e->byteorder.size);
	convert(ctx->unk + e->byteorder.sreg, u, len, e->byteorder.size);
	memcpy(ctx->regs + e->byteorder.dreg, d, len);
	memcpy(ctx->unk + e->byteorder.dreg, u, len);
}

static void render(const nfsim_expr_t *e, nfsim_render_t *r)
{
	nfsim_rdesc_t *s = nfsim_render_get(r, e->byteorder.sreg);

	/* a conversion keeps the meaning (e.g. "meta mark" compared with
	 * ranges is converted to network order first) */
	if (s && e->byteorder.sreg != e->byteorder.dreg)
	{
		*nfsim_render_get(r, e->byteorder.dreg) = *s;
	}
	if (s)
	{
		nfsim_render_get(r, e->byteorder.dreg)->vt = NFSIM_VT_RAW;
	}
}

const nfsim_expr_ops_t nfsim_expr_byteorder_ops = {
	.name = "byteorder",
	.eval = eval,
	.render = render,
};

bool nfsim_add_byteorder(nfsim_rule_t *rule, uint32_t sreg, uint32_t dreg,
						 uint32_t op, uint32_t len, uint32_t size)
{
	nfsim_expr_t *e;
	uint8_t so, dof;

	if (!nfsim_reg_offset(sreg, len, &so) || !nfsim_reg_offset(dreg, len, &dof) ||
		sreg == NFT_REG_VERDICT || dreg == NFT_REG_VERDICT ||
		(size != 2 && size != 4 && size != 8) ||
		(op != NFT_BYTEORDER_NTOH && op != NFT_BYTEORDER_HTON))
	{
		nfsim_add_invalid(rule, "byteorder");
		return false;
	}
	e = nfsim_rule_push(rule, &nfsim_expr_byteorder_ops);
	if (!e)
	{
		return false;
	}
	e->byteorder.sreg = so;
	e->byteorder.dreg = dof;
	e->byteorder.op = op;
	e->byteorder.len = len;
	e->byteorder.size = size;
	return true;
}
