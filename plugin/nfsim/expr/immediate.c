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
#include "../nfsim_attr.h"

#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

/**
 * Private data: data into dreg, or a verdict (dreg 0).
 */
typedef struct {
	/** register offset, 0 for the verdict */
	uint8_t dreg;
	/** the data */
	nfsim_data_t data;
	/** the verdict */
	nfsim_verdict_data_t verdict;
} immediate_t;

static void eval(const nfsim_expr_t *e, nfsim_ctx_t *ctx)
{
	const immediate_t *imm = nfsim_expr_data(e);

	if (imm->dreg == 0)
	{
		if (imm->verdict.code == NFSIM_V_UNKNOWN)
		{
			nfsim_undecidable(ctx);
			return;
		}
		ctx->verdict = imm->verdict.code;
		ctx->jump = imm->verdict.chain;
		return;
	}
	nfsim_reg_store(ctx, imm->dreg, imm->data.data, imm->data.len);
}

static void render(const nfsim_expr_t *e, nfsim_render_t *r)
{
	const immediate_t *imm = nfsim_expr_data(e);
	nfsim_rdesc_t *d;

	if (imm->dreg == 0)
	{
		nfsim_render_space(r);
		nfsim_render_verdict(r, &imm->verdict);
		return;
	}
	nfsim_render_forget(r, imm->dreg, imm->data.len);
	d = nfsim_render_get(r, imm->dreg);
	d->is_const = true;
	d->len = imm->data.len;
	memcpy(d->cval, imm->data.data,
		   imm->data.len < sizeof(d->cval) ? imm->data.len : sizeof(d->cval));
}

static void destroy(nfsim_expr_t *e)
{
	immediate_t *imm = nfsim_expr_data(e);

	free(imm->verdict.chain_name);
}

static bool finalize(nfsim_expr_t *e, nfsim_rule_t *rule)
{
	immediate_t *imm = nfsim_expr_data(e);

	return imm->dreg != 0 ||
		   nfsim_verdict_resolve(&imm->verdict, rule->chain->table);
}

static unsigned jumps(nfsim_expr_t *e, nfsim_jump_cb_t closes, void *user)
{
	immediate_t *imm = nfsim_expr_data(e);

	if (imm->dreg == 0 && imm->verdict.chain &&
		closes(imm->verdict.chain, user))
	{
		nfsim_expr_invalidate(e);
		return 1;
	}
	return 0;
}

bool nfsim_add_immediate(nfsim_rule_t *rule, uint32_t dreg, const void *data,
						 uint32_t len)
{
	immediate_t *imm;
	uint8_t off;

	if (!nfsim_reg_offset(dreg, len, &off) || dreg == NFT_REG_VERDICT || !data)
	{
		nfsim_add_invalid(rule, "immediate");
		return false;
	}
	imm = nfsim_rule_push(rule, &nfsim_expr_immediate_ops);
	if (!imm)
	{
		return false;
	}
	imm->dreg = off;
	imm->data.len = len;
	memcpy(imm->data.data, data, len);
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
	immediate_t *imm;

	if (!valid_verdict(code) ||
		((code == NFT_JUMP || code == NFT_GOTO) && !chain))
	{
		nfsim_add_invalid(rule, "immediate");
		return false;
	}
	imm = nfsim_rule_push(rule, &nfsim_expr_immediate_ops);
	if (!imm)
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
	imm->verdict.code = code;
	if (code == NFT_JUMP || code == NFT_GOTO)
	{
		imm->verdict.chain_name = strdup(chain);
		if (!imm->verdict.chain_name)
		{
			nfsim_rule_pop(rule);
			return false;
		}
	}
	return true;
}

/* ---- decoding (nf_tables netlink attributes) ---- */

static void decode(nfsim_rule_t *rule, const char *name, uint8_t family,
				   const nfsim_attr_tb_t *tb)
{
	const uint8_t *data;
	const char *chain;
	uint32_t dreg, len;
	int code;

	if (!nfsim_attr_u32(tb->tb[NFTA_IMMEDIATE_DREG], &dreg))
	{
		nfsim_add_invalid(rule, name);
	}
	else if (dreg == NFT_REG_VERDICT)
	{
		if (!nfsim_attr_verdict(tb->tb[NFTA_IMMEDIATE_DATA], &code, &chain))
		{
			nfsim_add_invalid(rule, name);
			return;
		}
		nfsim_add_verdict(rule, code, chain);
	}
	else if (nfsim_attr_value(tb->tb[NFTA_IMMEDIATE_DATA], &data, &len,
							  NFSIM_DATA_MAX))
	{
		nfsim_add_immediate(rule, dreg, data, len);
	}
	else
	{
		nfsim_add_invalid(rule, name);
	}
}

static void decode_queue(nfsim_rule_t *rule, const char *name, uint8_t family,
						 const nfsim_attr_tb_t *tb)
{
	nfsim_add_verdict(rule, NF_QUEUE, NULL);
}

/**
 * nf_tables expressions this kind is decoded from.
 */
static const nfsim_expr_decoder_t decoders[] = {
	{ "immediate", decode },
	{ "queue", decode_queue },
	{ NULL, NULL },
};

const nfsim_expr_ops_t nfsim_expr_immediate_ops = {
	.name = "immediate",
	.data_len = sizeof(immediate_t),
	.eval = eval,
	.render = render,
	.destroy = destroy,
	.finalize = finalize,
	.jumps = jumps,
	.decoders = decoders,
};
