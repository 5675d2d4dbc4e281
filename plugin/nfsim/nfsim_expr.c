/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * The generic expression: allocation with room for the kind's private
 * data, release, the register numbering all kinds share, and the registry
 * of kinds the netlink decoding looks expressions up in.
 */

#include "nfsim_private.h"

#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/nf_tables.h>

/**
 * Every expression kind: adding one is its file under expr/ and a line here.
 */
static const nfsim_expr_ops_t *const kinds[] = {
	&nfsim_expr_payload_ops,
	&nfsim_expr_meta_ops,
	&nfsim_expr_cmp_ops,
	&nfsim_expr_bitwise_ops,
	&nfsim_expr_byteorder_ops,
	&nfsim_expr_range_ops,
	&nfsim_expr_lookup_ops,
	&nfsim_expr_immediate_ops,
	&nfsim_expr_ct_ops,
	&nfsim_expr_rt_ops,
	&nfsim_expr_xfrm_ops,
	&nfsim_expr_fib_ops,
	&nfsim_expr_nat_ops,
	&nfsim_expr_reject_ops,
	&nfsim_expr_exthdr_ops,
	&nfsim_expr_opaque_ops,
	&nfsim_expr_xt_ops,
	&nfsim_expr_ipt_ops,
	&nfsim_expr_invalid_ops,
};

nfsim_expr_decode_t nfsim_expr_decoder(const char *name)
{
	const nfsim_expr_decoder_t *d;
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
	{
		for (d = kinds[i]->decoders; d && d->name; d++)
		{
			if (strcmp(d->name, name) == 0)
			{
				return d->decode;
			}
		}
	}
	return NULL;
}

nfsim_expr_t *nfsim_expr_create(const nfsim_expr_ops_t *ops)
{
	size_t len = ops->data_len;
	nfsim_expr_t *e;

	if (len < NFSIM_EXPR_DATA_MIN)
	{
		len = NFSIM_EXPR_DATA_MIN;
	}
	e = calloc(1, sizeof(*e) + len);
	if (e)
	{
		e->ops = ops;
	}
	return e;
}

void nfsim_expr_destroy(nfsim_expr_t *e)
{
	if (e->ops->destroy)
	{
		e->ops->destroy(e);
	}
	free(e);
}

bool nfsim_reg_offset(uint32_t reg, uint32_t len, uint8_t *off)
{
	uint32_t o;

	if (len == 0 || len > NFSIM_DATA_MAX)
	{
		return false;
	}
	if (reg <= NFT_REG_4)
	{
		o = reg * 16;
	}
	else if (reg >= NFT_REG32_00 && reg <= NFT_REG32_15)
	{
		o = (reg - NFT_REG32_00) * 4 + 16;
	}
	else
	{
		return false;
	}
	if (o + len > NFSIM_REGS_LEN)
	{
		return false;
	}
	*off = o;
	return true;
}
