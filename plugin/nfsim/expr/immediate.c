/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * immediate: load a constant into a register, or set the verdict.
 */

#include "../nfsim_private.h"

#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

static void eval(const nfsim_expr_t *e, nfsim_ctx_t *ctx)
{
	if (e->imm.dreg == 0)
	{
		if (e->imm.verdict.code == NFSIM_V_UNKNOWN)
		{
			nfsim_undecidable(ctx);
			return;
		}
		ctx->verdict = e->imm.verdict.code;
		ctx->jump = e->imm.verdict.chain;
		return;
	}
	nfsim_reg_store(ctx, e->imm.dreg, e->imm.data.data, e->imm.data.len);
}

static void render(const nfsim_expr_t *e, nfsim_render_t *r)
{
	nfsim_rdesc_t *d;

	if (e->imm.dreg == 0)
	{
		nfsim_render_space(r);
		nfsim_render_verdict(r, &e->imm.verdict);
		return;
	}
	nfsim_render_forget(r, e->imm.dreg, e->imm.data.len);
	d = nfsim_render_get(r, e->imm.dreg);
	d->is_const = true;
	d->len = e->imm.data.len;
	memcpy(d->cval, e->imm.data.data,
		   e->imm.data.len < sizeof(d->cval) ? e->imm.data.len : sizeof(d->cval));
}

static void destroy(nfsim_expr_t *e)
{
	free(e->imm.verdict.chain_name);
}

const nfsim_expr_ops_t nfsim_expr_immediate_ops = {
	.name = "immediate",
	.eval = eval,
	.render = render,
	.destroy = destroy,
};

bool nfsim_add_immediate(nfsim_rule_t *rule, uint32_t dreg, const void *data,
						 uint32_t len)
{
	nfsim_expr_t *e;
	uint8_t off;

	if (!nfsim_reg_offset(dreg, len, &off) || dreg == NFT_REG_VERDICT || !data)
	{
		nfsim_add_invalid(rule, "immediate");
		return false;
	}
	e = nfsim_rule_push(rule, &nfsim_expr_immediate_ops);
	if (!e)
	{
		return false;
	}
	e->imm.dreg = off;
	e->imm.data.len = len;
	memcpy(e->imm.data.data, data, len);
	return true;
}

/**
 * Whether a verdict code is one the kernel accepts in a rule.
 */
static bool valid_verdict(int code)
{
	switch (code)
	{
		case NF_ACCEPT:
		case NF_DROP:
		case NF_QUEUE:
		case NFT_CONTINUE:
		case NFT_BREAK:
		case NFT_JUMP:
		case NFT_GOTO:
		case NFT_RETURN:
		case NFSIM_V_REJECT:
		case NFSIM_V_UNKNOWN:
			return true;
		default:
			/* NF_DROP with an errno, NF_QUEUE with a queue number */
			return (code & NF_VERDICT_MASK) == NF_DROP ||
				   (code & NF_VERDICT_MASK) == NF_QUEUE;
	}
}

bool nfsim_add_verdict(nfsim_rule_t *rule, int code, const char *chain)
{
	nfsim_expr_t *e;

	if (!valid_verdict(code) ||
		((code == NFT_JUMP || code == NFT_GOTO) && !chain))
	{
		nfsim_add_invalid(rule, "immediate");
		return false;
	}
	e = nfsim_rule_push(rule, &nfsim_expr_immediate_ops);
	if (!e)
	{
		return false;
	}
	if (code >= 0)
	{
		/* drop with errno, queue with number */
		if ((code & NF_VERDICT_MASK) == NF_DROP && code != NFSIM_V_REJECT &&
			code != NFSIM_V_UNKNOWN)
		{
			code = NF_DROP;
		}
		else if ((code & NF_VERDICT_MASK) == NF_QUEUE &&
				 code != NFSIM_V_REJECT && code != NFSIM_V_UNKNOWN)
		{
			code = NF_QUEUE;
		}
	}
	e->imm.verdict.code = code;
	if (code == NFT_JUMP || code == NFT_GOTO)
	{
		e->imm.verdict.chain_name = strdup(chain);
		if (!e->imm.verdict.chain_name)
		{
			nfsim_rule_pop(rule);
			return false;
		}
	}
	return true;
}
