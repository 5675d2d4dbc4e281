/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * Decoding of nf_tables expressions (NFTA_LIST_ELEM nests of a rule): the
 * name picks the expression kind, whose decoder (in the kind's file under
 * nfsim/expr/) reads the attributes. Pure: no sockets.
 */

#include "dpc_nft_read.h"

#include "nfsim/nfsim_attr.h"
#include "nfsim/nfsim_expr.h"

#include <string.h>
#include <linux/netfilter/nf_tables.h>

bool dpc_nft_expr_add(nfsim_rule_t *rule, uint8_t family,
					  const struct nlattr *expr)
{
	nfsim_attr_tb_t etb, tb;
	nfsim_expr_decode_t decode;
	const char *name;

	if (!nfsim_attr_parse_nested(expr, &etb) ||
		!(name = nfsim_attr_str(etb.tb[NFTA_EXPR_NAME])))
	{
		nfsim_add_invalid(rule, "expression");
		return false;
	}
	memset(&tb, 0, sizeof(tb));
	if (etb.tb[NFTA_EXPR_DATA] &&
		!nfsim_attr_parse_nested(etb.tb[NFTA_EXPR_DATA], &tb))
	{
		nfsim_add_invalid(rule, name);
		return false;
	}
	decode = nfsim_expr_decoder(name);
	if (!decode)
	{
		/* an expression the simulator does not know */
		nfsim_add_invalid(rule, name);
		return false;
	}
	decode(rule, name, family, &tb);
	return true;
}
