/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * Expressions judged only by what they can do to the verdict: counter,
 * log, limit, quota, numgen, queue, ... and expressions that cannot be
 * judged at all (malformed, unknown).
 */

#include "../nfsim_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/nf_tables.h>

static void eval(const nfsim_expr_t *e, nfsim_ctx_t *ctx)
{
	switch (e->opaque.mode)
	{
		case NFSIM_OPAQUE_PASSIVE:
			break;
		case NFSIM_OPAQUE_MATCH:
			nfsim_unknown(ctx, e->opaque.likely);
			break;
		case NFSIM_OPAQUE_LOAD:
			nfsim_reg_store_unknown(ctx, e->opaque.dreg, e->opaque.dlen);
			break;
		case NFSIM_OPAQUE_VERDICT:
		default:
			nfsim_undecidable(ctx);
			break;
	}
}

static void render(const nfsim_expr_t *e, nfsim_render_t *r)
{
	const char *text = e->opaque.text ? e->opaque.text : e->opaque.name;

	if (e->opaque.mode == NFSIM_OPAQUE_LOAD)
	{
		nfsim_render_desc(r, e->opaque.dreg, e->opaque.dlen, NFSIM_VT_RAW,
						  "%s", text);
		return;
	}
	nfsim_render_space(r);
	nfsim_render_printf(r, "%s", text);
}

static void destroy(nfsim_expr_t *e)
{
	free(e->opaque.text);
}

const nfsim_expr_ops_t nfsim_expr_opaque_ops = {
	.name = "opaque",
	.eval = eval,
	.render = render,
	.destroy = destroy,
};

bool nfsim_add_opaque(nfsim_rule_t *rule, const char *name,
					  nfsim_opaque_mode_t mode, bool likely, uint32_t dreg,
					  uint32_t dlen, const char *text)
{
	nfsim_expr_t *e;
	uint8_t off = 0;

	if (mode == NFSIM_OPAQUE_LOAD &&
		(!nfsim_reg_offset(dreg, dlen, &off) || dreg == NFT_REG_VERDICT))
	{
		nfsim_add_invalid(rule, name);
		return false;
	}
	e = nfsim_rule_push(rule, &nfsim_expr_opaque_ops);
	if (!e)
	{
		return false;
	}
	snprintf(e->opaque.name, sizeof(e->opaque.name), "%s", name ? name : "?");
	e->opaque.mode = mode;
	e->opaque.likely = likely;
	e->opaque.dreg = off;
	e->opaque.dlen = dlen;
	e->opaque.text = nfsim_strdup(text);
	return true;
}

static void eval_invalid(const nfsim_expr_t *e, nfsim_ctx_t *ctx)
{
	nfsim_undecidable(ctx);
}

static void render_invalid(const nfsim_expr_t *e, nfsim_render_t *r)
{
	nfsim_render_space(r);
	nfsim_render_printf(r, "[%s: not understood]", e->opaque.name);
}

const nfsim_expr_ops_t nfsim_expr_invalid_ops = {
	.name = "invalid",
	.eval = eval_invalid,
	.render = render_invalid,
};

void nfsim_add_invalid(nfsim_rule_t *rule, const char *name)
{
	nfsim_expr_t *e = nfsim_rule_push(rule, &nfsim_expr_invalid_ops);

	if (e)
	{
		snprintf(e->opaque.name, sizeof(e->opaque.name), "%s",
				 name ? name : "?");
	}
}
