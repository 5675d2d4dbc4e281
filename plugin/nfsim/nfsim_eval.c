/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "nfsim_private.h"

#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

/* ---- register file ---- */

void nfsim_reg_store(nfsim_ctx_t *ctx, uint8_t off, const void *data,
					 uint32_t len)
{
	if (len % 4)
	{
		memset(ctx->regs + off + len / 4 * 4, 0, 4);
		memset(ctx->unk + off + len / 4 * 4, 0, 4);
	}
	memcpy(ctx->regs + off, data, len);
	memset(ctx->unk + off, 0, len);
}

void nfsim_reg_store_masked(nfsim_ctx_t *ctx, uint8_t off, const void *data,
							const void *unk, uint32_t len)
{
	nfsim_reg_store(ctx, off, data, len);
	memcpy(ctx->unk + off, unk, len);
}

void nfsim_reg_store_unknown(nfsim_ctx_t *ctx, uint8_t off, uint32_t len)
{
	len = (len + 3) & ~3u;
	if (off + len > NFSIM_REGS_LEN)
	{
		len = NFSIM_REGS_LEN - off;
	}
	memset(ctx->regs + off, 0, len);
	memset(ctx->unk + off, 0xff, len);
}

void nfsim_reg_store8(nfsim_ctx_t *ctx, uint8_t off, uint8_t val)
{
	nfsim_reg_store(ctx, off, &val, 1);
}

void nfsim_reg_store16(nfsim_ctx_t *ctx, uint8_t off, uint16_t val)
{
	nfsim_reg_store(ctx, off, &val, 2);
}

void nfsim_reg_store32(nfsim_ctx_t *ctx, uint8_t off, uint32_t val)
{
	nfsim_reg_store(ctx, off, &val, 4);
}

bool nfsim_reg_known(const nfsim_ctx_t *ctx, uint8_t off, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++)
	{
		if (ctx->unk[off + i])
		{
			return false;
		}
	}
	return true;
}

/* ---- unknowns ---- */

void nfsim_unknown(nfsim_ctx_t *ctx, bool likely)
{
	nfsim_oracle_t *o = ctx->oracle;
	unsigned k = o->seen++;
	bool d = likely;

	if (k < NFSIM_MAX_SITES)
	{
		o->site[k].rule = ctx->rule;
		o->site[k].expr = ctx->expr;
		if (k < o->nforce)
		{
			d = (o->force >> k) & 1;
		}
		if (d)
		{
			o->taken |= 1u << k;
		}
	}
	ctx->verdict = d ? NFT_CONTINUE : NFT_BREAK;
}

void nfsim_undecidable(nfsim_ctx_t *ctx)
{
	if (!ctx->undecided)
	{
		ctx->undecided = ctx->expr;
		ctx->undecided_rule = ctx->rule;
	}
	ctx->verdict = NFSIM_V_UNKNOWN;
}

/* ---- chain walking ---- */

/**
 * Whether a base chain sees the packet.
 */
static bool chain_applies(const nfsim_chain_t *c, const nfsim_packet_t *pkt)
{
	switch (c->table->family)
	{
		case NFPROTO_IPV4:
			return pkt->family == AF_INET;
		case NFPROTO_IPV6:
			return pkt->family == AF_INET6;
		case NFPROTO_INET:
			if (c->hook == NFSIM_HOOK_INGRESS)
			{
				break;
			}
			return true;
		case NFPROTO_NETDEV:
			if (c->hook != NFSIM_HOOK_INGRESS)
			{
				return false;
			}
			break;
		default:
			return false;
	}
	/* ingress chains are bound to a device */
	return (pkt->known & NFSIM_PKT_IIF) &&
		   strncmp(c->dev, pkt->iif, IF_NAMESIZE) == 0;
}

/**
 * Map a kernel verdict code to a result verdict.
 */
static nfsim_verdict_t map_verdict(int code)
{
	switch (code)
	{
		case NF_ACCEPT:
			return NFSIM_VERDICT_ACCEPT;
		case NF_DROP:
			return NFSIM_VERDICT_DROP;
		case NFSIM_V_REJECT:
			return NFSIM_VERDICT_REJECT;
		case NF_QUEUE:
			return NFSIM_VERDICT_QUEUE;
		default:
			return NFSIM_VERDICT_UNKNOWN;
	}
}

/**
 * Run the expressions of a rule until one of them ends it: ctx->verdict
 * says how (NFT_CONTINUE if all matched).
 */
static void run_rule(nfsim_ctx_t *ctx, const nfsim_rule_t *r)
{
	size_t i;

	ctx->rule = r;
	ctx->verdict = NFT_CONTINUE;
	if (!ctx->no_guards && nfsim_guard_skip(ctx, r))
	{
		return;
	}
	for (i = 0; i < r->nexprs; i++)
	{
		ctx->expr = r->exprs[i];
		if (ctx->budget == 0 || ctx->stopped)
		{
			nfsim_undecidable(ctx);
			return;
		}
		if (ctx->stop && ctx->budget % NFSIM_STOP_EVERY == 0 &&
			ctx->stop(ctx->stop_ctx))
		{	/* not judged: the caller has no time left */
			ctx->stopped = true;
			nfsim_undecidable(ctx);
			return;
		}
		ctx->budget--;
		ctx->expr->ops->eval(ctx->expr, ctx);
		if (ctx->verdict != NFT_CONTINUE)
		{
			return;
		}
	}
}

/**
 * Run a base chain like nft_do_chain(): rules in order, jump/goto/return,
 * the policy at the end.
 *
 * @param ctx		context
 * @param base		base chain
 * @param rule		receives the rule that ended it (NULL: policy)
 * @param in		receives the chain that rule is in
 * @return			verdict code
 */
static int run_chain(nfsim_ctx_t *ctx, const nfsim_chain_t *base,
					 const nfsim_rule_t **rule, const nfsim_chain_t **in)
{
	struct {
		const nfsim_chain_t *chain;
		size_t next;
	} stack[NFSIM_JUMP_STACK];
	const nfsim_chain_t *chain = base;
	unsigned sp = 0;
	size_t ri = 0;

	*rule = NULL;
	*in = base;
	memset(ctx->regs, 0, sizeof(ctx->regs));
	memset(ctx->unk, 0xff, sizeof(ctx->unk));

	while (true)
	{
		const nfsim_rule_t *r;

		if (ri >= chain->nrules)
		{
			if (sp == 0)
			{
				return base->policy;
			}
			sp--;
			chain = stack[sp].chain;
			ri = stack[sp].next;
			continue;
		}
		r = chain->rules[ri];
		if (r->run && !ctx->no_guards)
		{	/* rules of one shape that cannot match, in one step */
			size_t skipped = nfsim_guard_skip_run(ctx, r);

			if (skipped)
			{
				ri += skipped;
				continue;
			}
		}
		run_rule(ctx, r);
		switch (ctx->verdict)
		{
			case NFT_CONTINUE:
			case NFT_BREAK:
				ri++;
				continue;
			case NFT_JUMP:
				if (sp >= NFSIM_JUMP_STACK || !ctx->jump)
				{
					nfsim_undecidable(ctx);
					break;
				}
				stack[sp].chain = chain;
				stack[sp].next = ri + 1;
				sp++;
				chain = ctx->jump;
				ri = 0;
				continue;
			case NFT_GOTO:
				if (!ctx->jump)
				{
					nfsim_undecidable(ctx);
					break;
				}
				chain = ctx->jump;
				ri = 0;
				continue;
			case NFT_RETURN:
				if (sp == 0)
				{
					return base->policy;
				}
				sp--;
				chain = stack[sp].chain;
				ri = stack[sp].next;
				continue;
			default:
				break;
		}
		*rule = r;
		*in = chain;
		return ctx->verdict;
	}
}

/**
 * Start an evaluation of a hook.
 */
static void run_init(const nfsim_ruleset_t *rs, nfsim_ctx_t *ctx,
					 nfsim_result_t *res, nfsim_hook_t hook,
					 const nfsim_packet_t *pkt, nfsim_oracle_t *oracle)
{
	memset(res, 0, sizeof(*res));
	memset(ctx, 0, sizeof(*ctx));
	ctx->pkt = pkt;
	ctx->hook = hook;
	ctx->family = pkt->family;
	nfsim_image_build(&ctx->img, pkt);
	ctx->mark = pkt->mark;
	ctx->oracle = oracle;
	ctx->budget = NFSIM_EXPR_BUDGET;
	ctx->stop = rs->stop;
	ctx->stop_ctx = rs->stop_ctx;
	ctx->no_guards = rs->no_guards;
	res->verdict = NFSIM_VERDICT_CONTINUE;
}

/**
 * Record how a base chain ended.
 */
static void add_step(nfsim_result_t *res, const nfsim_chain_t *c,
					 nfsim_verdict_t v, const nfsim_rule_t *rule,
					 const nfsim_chain_t *in)
{
	nfsim_step_t *s;

	if (res->nsteps < NFSIM_MAX_STEPS)
	{
		s = &res->steps[res->nsteps++];
		s->chain = c;
		s->verdict = v;
		s->rule = rule;
		s->rule_chain = in;
	}
}

/**
 * Complete the result of an evaluation from its context.
 */
static void run_finish(nfsim_result_t *res, const nfsim_ctx_t *ctx)
{
	res->mss = ctx->mss;
	res->mark = ctx->mark;
	res->certain = res->verdict != NFSIM_VERDICT_UNKNOWN;
	if (ctx->stopped)
	{
		res->unknown_rule = NULL;
		snprintf(res->unknown_what, sizeof(res->unknown_what), "%s",
				 NFSIM_STOPPED);
	}
	else if (ctx->undecided)
	{
		res->unknown_rule = ctx->undecided_rule;
		nfsim_expr_format(ctx->undecided_rule, ctx->undecided,
						  res->unknown_what, sizeof(res->unknown_what));
	}
}

/**
 * Whether a base chain runs: it sees the packet, and NAT chains only see
 * the first packet of a connection, and only until one of them sets up a
 * binding.
 */
static bool chain_runs(const nfsim_chain_t *c, const nfsim_packet_t *pkt,
					   bool nat_done)
{
	if (!chain_applies(c, pkt))
	{
		return false;
	}
	return c->type != NFSIM_CHAIN_NAT ||
		   (!nat_done && (!pkt->ct_state || (pkt->ct_state & NFSIM_CT_NEW)));
}

/**
 * One evaluation of a hook with the oracle's decisions on unknowns.
 */
static void run(const nfsim_ruleset_t *rs, nfsim_hook_t hook,
				const nfsim_packet_t *pkt, nfsim_oracle_t *oracle,
				nfsim_result_t *res, nfsim_ctx_t *ctx)
{
	const nfsim_rule_t *accepted = NULL, *rule;
	const nfsim_chain_t *accepted_in = NULL, *in;
	bool nat_done = false, any = false;
	nfsim_verdict_t v;
	size_t i;

	run_init(rs, ctx, res, hook, pkt, oracle);
	for (i = 0; i < rs->nhooks[hook]; i++)
	{
		const nfsim_chain_t *c = rs->hooks[hook][i];

		if (!chain_runs(c, pkt, nat_done))
		{
			continue;
		}
		ctx->table = c->table;
		ctx->base = c;
		ctx->nat_chain = c->type == NFSIM_CHAIN_NAT;
		memset(&ctx->nat, 0, sizeof(ctx->nat));
		v = map_verdict(run_chain(ctx, c, &rule, &in));
		any = true;
		add_step(res, c, v, rule, in);
		if (v != NFSIM_VERDICT_ACCEPT)
		{
			res->verdict = v;
			res->rule = rule;
			res->chain = in;
			break;
		}
		if (rule)
		{
			accepted = rule;
			accepted_in = in;
		}
		else if (!accepted)
		{
			accepted_in = c;
		}
		if (ctx->nat.type != NFSIM_NAT_NONE)
		{
			res->nat = ctx->nat;
			nat_done = true;
			ctx->ct_nat_status |= (ctx->nat.type == NFSIM_NAT_SNAT ||
								   ctx->nat.type == NFSIM_NAT_MASQUERADE) ?
								  NFSIM_CTS_SRC_NAT : NFSIM_CTS_DST_NAT;
			nfsim_image_nat(&ctx->img, ctx->family, &ctx->nat);
		}
	}
	if (res->verdict == NFSIM_VERDICT_CONTINUE && any)
	{
		res->verdict = NFSIM_VERDICT_ACCEPT;
		res->rule = accepted;
		res->chain = accepted_in;
	}
	run_finish(res, ctx);
}

/**
 * Whether two outcomes differ in what matters: verdict, NAT, MSS clamp.
 */
static bool differs(const nfsim_result_t *a, const nfsim_result_t *b)
{
	if (a->verdict != b->verdict || a->nat.type != b->nat.type ||
		a->mss.present != b->mss.present)
	{
		return true;
	}
	if (a->nat.type == NFSIM_NAT_NONE)
	{
		return false;
	}
	return a->nat.addr_known != b->nat.addr_known ||
		   memcmp(a->nat.addr, b->nat.addr, sizeof(a->nat.addr)) != 0 ||
		   a->nat.port_min != b->nat.port_min ||
		   a->nat.port_max != b->nat.port_max;
}

/**
 * Decisions to try: force the first n unknowns.
 */
typedef struct {
	uint32_t force;
	unsigned n;
} todo_t;

/**
 * Queue the flips of the unknowns a run met beyond its forced ones.
 *
 * @return			false if they do not all fit
 */
static bool queue_flips(const nfsim_oracle_t *o, todo_t *todo, unsigned *count)
{
	unsigned j, seen = o->seen < NFSIM_MAX_SITES ? o->seen : NFSIM_MAX_SITES;

	for (j = o->nforce; j < seen; j++)
	{
		uint32_t keep = j ? (o->taken & ((1u << j) - 1)) : 0;

		if (*count >= NFSIM_MAX_RUNS)
		{
			return false;
		}
		todo[*count].force = keep | (~o->taken & (1u << j));
		todo[*count].n = j + 1;
		(*count)++;
	}
	return true;
}

/**
 * Record why a result is uncertain.
 */
static void set_unknown(nfsim_result_t *res, const nfsim_site_t *site,
						const char *what)
{
	res->certain = false;
	if (site && site->rule)
	{
		res->unknown_rule = site->rule;
		nfsim_expr_format(site->rule, site->expr, res->unknown_what,
						  sizeof(res->unknown_what));
	}
	else if (what)
	{
		snprintf(res->unknown_what, sizeof(res->unknown_what), "%s", what);
	}
}

nfsim_verdict_t nfsim_eval(const nfsim_ruleset_t *rs, nfsim_hook_t hook,
						   const nfsim_packet_t *pkt, nfsim_result_t *res)
{
	todo_t todo[NFSIM_MAX_RUNS];
	unsigned ntodo = 0, runs = 1;
	nfsim_oracle_t oracle;
	nfsim_result_t alt;
	nfsim_ctx_t ctx;

	bool stopped = rs && rs->stop && rs->stop(rs->stop_ctx);

	if (!rs || !rs->finalized || !pkt || hook >= NFSIM_HOOK_MAX ||
		(pkt->family != AF_INET && pkt->family != AF_INET6) || stopped)
	{
		memset(res, 0, sizeof(*res));
		res->verdict = res->alt_verdict = NFSIM_VERDICT_UNKNOWN;
		snprintf(res->unknown_what, sizeof(res->unknown_what), "%s",
				 stopped ? NFSIM_STOPPED :
				 "no finalized ruleset or unsupported packet");
		return res->verdict;
	}
	memset(&oracle, 0, sizeof(oracle));
	run(rs, hook, pkt, &oracle, res, &ctx);
	res->alt_verdict = res->verdict;
	if (!res->certain)
	{
		return res->verdict;
	}
	if (oracle.seen > NFSIM_MAX_SITES)
	{
		set_unknown(res, NULL, "too many expressions that cannot be judged");
		return res->verdict;
	}
	if (!queue_flips(&oracle, todo, &ntodo))
	{
		set_unknown(res, NULL, "too many expressions that cannot be judged");
		return res->verdict;
	}
	while (ntodo)
	{
		todo_t t = todo[--ntodo];

		if (++runs > NFSIM_MAX_RUNS)
		{
			set_unknown(res, NULL, "too many expressions that cannot be judged");
			break;
		}
		memset(&oracle, 0, sizeof(oracle));
		oracle.force = t.force;
		oracle.nforce = t.n;
		run(rs, hook, pkt, &oracle, &alt, &ctx);
		if (ctx.stopped)
		{
			set_unknown(res, NULL, NFSIM_STOPPED);
			res->unknown_rule = NULL;
			break;
		}
		if (differs(res, &alt) || oracle.seen > NFSIM_MAX_SITES)
		{
			res->alt_verdict = alt.verdict;
			if (alt.verdict == NFSIM_VERDICT_UNKNOWN && alt.unknown_rule)
			{
				res->certain = false;
				res->unknown_rule = alt.unknown_rule;
				memcpy(res->unknown_what, alt.unknown_what,
					   sizeof(res->unknown_what));
			}
			else
			{
				set_unknown(res, &oracle.site[t.n - 1], NULL);
			}
			break;
		}
		if (!queue_flips(&oracle, todo, &ntodo))
		{
			set_unknown(res, NULL, "too many expressions that cannot be judged");
			break;
		}
	}
	return res->verdict;
}
