/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * Rule guards and runs: what lets an evaluation pass over rules that cannot
 * match without running their expressions, with the same outcome.
 *
 * A rule's guard is its leading tests (load, optional mask, equality).
 * When one of them fails for the packet, the rule ends there with
 * NFT_BREAK; the guard ends it the same way: the registers hold what the
 * tests up to the failing one stored, the expression budget and the stop
 * callback's turns count those expressions.
 *
 * Consecutive rules whose guards have the same shape (the same loads,
 * masks and registers, only the constants differ: a block list of
 * addresses, one rule per port) form a run. A run keeps its rules sorted
 * by the constants of their first 1, 2, ... tests, so that for a packet
 * the next rule whose tests all pass is found by binary search, and the
 * rules before it are passed in one step: how many expressions they would
 * have run follows from how many of them share the packet's first 1, 2, ...
 * values. nftables' own sets do this for rules an author wrote as one; the
 * kernel runs the rules one by one, so nothing does it for us.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* qsort_r */
#endif

#include "nfsim_private.h"

#include <stdlib.h>
#include <string.h>

/** shortest run indexed; shorter ones are skipped rule by rule */
#define RUN_MIN 8

/** rules of a run passed one by one after a rule that had to run, before
 *  the index is asked again (when most rules share the packet's known
 *  values, asking before each would cost more than it saves) */
#define RUN_RETRY 8

struct nfsim_guard_run_t {
	/** its rules, in chain order */
	nfsim_rule_t *const *rules;
	/** number of rules */
	uint32_t count;
	/** per t: positions of the rules sorted by the constants of their
	 *  tests 0..t, then by position */
	uint32_t *by_prefix[NFSIM_GUARD_TESTS];
};

/**
 * Positions of the rules whose first tests equal the packet's: a slice of
 * a by_prefix array.
 */
typedef struct {
	const uint32_t *pos;
	uint32_t count;
} slice_t;

/**
 * Build a rule's guard from its leading expressions.
 */
static void build_guard(nfsim_rule_t *r)
{
	nfsim_guard_t g;
	size_t k;

	memset(&g, 0, sizeof(g));
	for (k = 0; k < r->nexprs; k++)
	{
		const nfsim_expr_ops_t *ops = r->exprs[k]->ops;

		if (!ops->guard || !ops->guard(r->exprs[k], &g))
		{
			break;
		}
	}
	if (g.open)
	{	/* a load without its constant is no test */
		memset(&g.tests[g.ntests], 0, sizeof(g.tests[0]));
		g.open = false;
	}
	r->guard = g;
}

/**
 * Do two guards test the same bytes the same way (constants aside)?
 */
static bool same_shape(const nfsim_guard_t *a, const nfsim_guard_t *b)
{
	unsigned t;

	if (a->ntests != b->ntests)
	{
		return false;
	}
	for (t = 0; t < a->ntests; t++)
	{
		const nfsim_guard_test_t *x = &a->tests[t], *y = &b->tests[t];

		if (x->base != y->base || x->offset != y->offset ||
			x->reg != y->reg || x->len != y->len || x->clen != y->clen ||
			x->masked != y->masked ||
			x->nexprs != y->nexprs ||
			(x->masked && memcmp(x->mask, y->mask, x->len)))
		{
			return false;
		}
	}
	return true;
}

/**
 * Compare the constants of tests 0..t of two guards.
 */
static int cmp_values(const nfsim_guard_t *a, const nfsim_guard_t *b,
					  unsigned t)
{
	unsigned s;
	int c;

	for (s = 0; s <= t; s++)
	{
		c = memcmp(a->tests[s].value, b->tests[s].value, a->tests[s].clen);
		if (c)
		{
			return c;
		}
	}
	return 0;
}

/**
 * Context of the sort of a run's rules.
 */
typedef struct {
	const nfsim_guard_run_t *run;
	unsigned t;
} sort_ctx_t;

static int cmp_pos(const void *a, const void *b, void *user)
{
	const sort_ctx_t *ctx = user;
	uint32_t x = *(const uint32_t*)a, y = *(const uint32_t*)b;
	int c;

	c = cmp_values(&ctx->run->rules[x]->guard, &ctx->run->rules[y]->guard,
				   ctx->t);
	if (c)
	{
		return c;
	}
	return x < y ? -1 : x > y;
}

/**
 * Index a run of rules [first, first + count) of a chain.
 */
static nfsim_guard_run_t *build_run(nfsim_chain_t *c, size_t first,
									uint32_t count)
{
	nfsim_guard_run_t *run;
	sort_ctx_t ctx;
	uint32_t i;
	unsigned t;

	run = calloc(1, sizeof(*run));
	if (!run)
	{
		return NULL;
	}
	run->rules = &c->rules[first];
	run->count = count;
	for (t = 0; t < c->rules[first]->guard.ntests; t++)
	{
		run->by_prefix[t] = malloc(count * sizeof(uint32_t));
		if (!run->by_prefix[t])
		{
			nfsim_guard_run_free(run);
			return NULL;
		}
		for (i = 0; i < count; i++)
		{
			run->by_prefix[t][i] = i;
		}
		ctx = (sort_ctx_t){ .run = run, .t = t };
		qsort_r(run->by_prefix[t], count, sizeof(uint32_t), cmp_pos, &ctx);
	}
	for (i = 0; i < count; i++)
	{
		run->rules[i]->run = run;
		run->rules[i]->run_pos = i;
	}
	return run;
}

void nfsim_guard_run_free(nfsim_guard_run_t *run)
{
	unsigned t;

	if (run)
	{
		for (t = 0; t < NFSIM_GUARD_TESTS; t++)
		{
			free(run->by_prefix[t]);
		}
		free(run);
	}
}

/**
 * Add a run to a chain's list (it owns them).
 */
static void add_run(nfsim_chain_t *c, size_t first, size_t count)
{
	nfsim_guard_run_t **grown, *run;

	if (count < RUN_MIN || count > UINT32_MAX)
	{
		return;
	}
	grown = realloc(c->runs, (c->nruns + 1) * sizeof(*c->runs));
	if (!grown)
	{	/* the rules are skipped one by one */
		return;
	}
	c->runs = grown;
	run = build_run(c, first, count);
	if (run)
	{
		c->runs[c->nruns++] = run;
	}
}

void nfsim_guard_chain_free(nfsim_chain_t *c)
{
	size_t i;

	for (i = 0; i < c->nruns; i++)
	{
		nfsim_guard_run_free(c->runs[i]);
	}
	free(c->runs);
	c->runs = NULL;
	c->nruns = 0;
	for (i = 0; i < c->nrules; i++)
	{
		c->rules[i]->run = NULL;
		c->rules[i]->run_pos = 0;
	}
}

void nfsim_guard_chain(nfsim_chain_t *c)
{
	size_t i, first = 0;

	nfsim_guard_chain_free(c);
	for (i = 0; i < c->nrules; i++)
	{
		build_guard(c->rules[i]);
	}
	for (i = 1; i <= c->nrules; i++)
	{
		if (i == c->nrules ||
			!same_shape(&c->rules[first]->guard, &c->rules[i]->guard))
		{
			if (c->rules[first]->guard.ntests)
			{
				add_run(c, first, i - first);
			}
			first = i;
		}
	}
}

/**
 * What a test's load stores for this packet, masked; false if it cannot be
 * told without running the rule.
 */
static bool peek(nfsim_ctx_t *ctx, const nfsim_guard_test_t *t, uint8_t *d,
				 uint8_t *u)
{
	uint8_t regs[NFSIM_GUARD_MAX + 4], unk[NFSIM_GUARD_MAX + 4];
	uint32_t off, words = (t->len + 3) & ~3u;
	int verdict;
	unsigned i;

	if (t->base != NFSIM_GUARD_META)
	{
		off = t->base == NFT_PAYLOAD_TRANSPORT_HEADER ? ctx->img.thoff : 0;
		if (!nfsim_image_read(&ctx->img, off + t->offset, t->len, d, u))
		{
			return false;
		}
	}
	else
	{	/* the key's own load, its register put back */
		if (t->reg + words > NFSIM_REGS_LEN)
		{
			return false;
		}
		memcpy(regs, ctx->regs + t->reg, words);
		memcpy(unk, ctx->unk + t->reg, words);
		verdict = ctx->verdict;
		ctx->verdict = NFT_CONTINUE;
		t->load->ops->eval(t->load, ctx);
		memcpy(d, ctx->regs + t->reg, t->len);
		memcpy(u, ctx->unk + t->reg, t->len);
		memcpy(ctx->regs + t->reg, regs, words);
		memcpy(ctx->unk + t->reg, unk, words);
		if (ctx->verdict != NFT_CONTINUE)
		{
			ctx->verdict = verdict;
			return false;
		}
		ctx->verdict = verdict;
	}
	for (i = 0; t->masked && i < t->len; i++)
	{
		d[i] &= t->mask[i];
		u[i] &= t->mask[i];
	}
	return true;
}

/**
 * Expressions that may be passed over: as many as the budget holds, and
 * none at which the stop callback would be asked (the evaluation asks it
 * before an expression when the budget is a multiple of NFSIM_STOP_EVERY).
 */
static unsigned long allowance(const nfsim_ctx_t *ctx)
{
	return ctx->stop ? ctx->budget % NFSIM_STOP_EVERY : ctx->budget;
}

/**
 * End the evaluation of rule r as running it to its failing test f would.
 */
static void end_rule(nfsim_ctx_t *ctx, const nfsim_rule_t *r, unsigned f,
					 unsigned long cost)
{
	ctx->budget -= cost;
	ctx->rule = r;
	ctx->expr = r->exprs[r->guard.tests[f].nexprs - 1];
	ctx->verdict = NFT_BREAK;
}

bool nfsim_guard_skip(nfsim_ctx_t *ctx, const nfsim_rule_t *r)
{
	const nfsim_guard_t *g = &r->guard;
	uint8_t d[NFSIM_GUARD_TESTS][NFSIM_GUARD_MAX];
	uint8_t u[NFSIM_GUARD_TESTS][NFSIM_GUARD_MAX];
	unsigned t, s;

	if (ctx->stopped)
	{
		return false;
	}
	for (t = 0; t < g->ntests; t++)
	{
		const nfsim_guard_test_t *test = &g->tests[t];

		if (!peek(ctx, test, d[t], u[t]))
		{
			return false;
		}
		switch (nfsim_cmp_tri(d[t], u[t], NFT_CMP_EQ, test->value, test->clen))
		{
			case NFSIM_YES:
				continue;
			case NFSIM_NO:
				break;
			default:
				return false;
		}
		if (test->nexprs > allowance(ctx))
		{
			return false;
		}
		for (s = 0; s <= t; s++)
		{
			nfsim_reg_store_masked(ctx, g->tests[s].reg, d[s], u[s],
								   g->tests[s].len);
		}
		end_rule(ctx, r, t, test->nexprs);
		return true;
	}
	return false;
}

/**
 * Compare the packet's values of tests 0..t with a guard's constants.
 */
static int cmp_packet(const uint8_t d[][NFSIM_GUARD_MAX],
					  const nfsim_guard_t *g, unsigned t)
{
	unsigned s;
	int c;

	for (s = 0; s <= t; s++)
	{
		c = memcmp(d[s], g->tests[s].value, g->tests[s].clen);
		if (c)
		{
			return c;
		}
	}
	return 0;
}

/**
 * The rules of a run whose tests 0..t equal the packet's values.
 */
static slice_t lookup(const nfsim_guard_run_t *run, unsigned t,
					  const uint8_t d[][NFSIM_GUARD_MAX])
{
	const uint32_t *a = run->by_prefix[t];
	uint32_t lo = 0, hi = run->count, mid, first;

	while (lo < hi)
	{	/* first rule not below the packet's values */
		mid = lo + (hi - lo) / 2;
		if (cmp_packet(d, &run->rules[a[mid]]->guard, t) > 0)
		{
			lo = mid + 1;
		}
		else
		{
			hi = mid;
		}
	}
	first = lo;
	hi = run->count;
	while (lo < hi)
	{	/* first rule above them */
		mid = lo + (hi - lo) / 2;
		if (cmp_packet(d, &run->rules[a[mid]]->guard, t) >= 0)
		{
			lo = mid + 1;
		}
		else
		{
			hi = mid;
		}
	}
	return (slice_t){ .pos = a + first, .count = lo - first };
}

/**
 * Rules of a slice before position pos.
 */
static uint32_t before(slice_t s, uint32_t pos)
{
	uint32_t lo = 0, hi = s.count, mid;

	while (lo < hi)
	{
		mid = lo + (hi - lo) / 2;
		if (s.pos[mid] < pos)
		{
			lo = mid + 1;
		}
		else
		{
			hi = mid;
		}
	}
	return lo;
}

/**
 * Expressions the rules [from, to) of a run run for the packet, each of
 * them failing one of its first n tests: each up to that test.
 */
static unsigned long cost(const nfsim_guard_t *g, const slice_t *s,
						  unsigned n, uint32_t from, uint32_t to)
{
	unsigned long sum;
	unsigned t;

	sum = (unsigned long)(to - from) * g->tests[0].nexprs;
	for (t = 0; t + 1 < n; t++)
	{	/* those equal up to test t go on to test t + 1 */
		sum += (unsigned long)(before(s[t], to) - before(s[t], from)) *
			   (g->tests[t + 1].nexprs - g->tests[t].nexprs);
	}
	return sum;
}

/**
 * The last store of a test's value among rules passed over.
 */
typedef struct {
	/** position of the rule in the run */
	uint32_t pos;
	/** the test */
	unsigned t;
} last_store_t;

/**
 * Leave in the registers what the rules [from, to) of a run store for the
 * packet: each test's value, stored last by the last rule that gets to
 * that test (the last rule for test 0, the last one sharing the packet's
 * values of tests 0..t-1 for test t); replaying those stores in the order
 * they happened leaves every register word as the whole sequence would.
 */
static void store_last(nfsim_ctx_t *ctx, const nfsim_guard_t *g,
					   const slice_t *s, unsigned ntests,
					   const uint8_t d[][NFSIM_GUARD_MAX],
					   const uint8_t u[][NFSIM_GUARD_MAX], uint32_t from,
					   uint32_t to)
{
	last_store_t last[NFSIM_GUARD_TESTS], tmp;
	unsigned t, n = 0, i, j;
	uint32_t k;

	for (t = 0; t < ntests; t++)
	{
		if (t == 0)
		{
			last[n++] = (last_store_t){ .pos = to - 1, .t = 0 };
			continue;
		}
		k = before(s[t - 1], to);
		if (k > before(s[t - 1], from))
		{
			last[n++] = (last_store_t){ .pos = s[t - 1].pos[k - 1], .t = t };
		}
	}
	for (i = 1; i < n; i++)
	{	/* in the order of the rules, then of the tests */
		for (j = i; j > 0 && (last[j - 1].pos > last[j].pos ||
			 (last[j - 1].pos == last[j].pos && last[j - 1].t > last[j].t));
			 j--)
		{
			tmp = last[j];
			last[j] = last[j - 1];
			last[j - 1] = tmp;
		}
	}
	for (i = 0; i < n; i++)
	{
		t = last[i].t;
		nfsim_reg_store_masked(ctx, g->tests[t].reg, d[t], u[t],
							   g->tests[t].len);
	}
}

size_t nfsim_guard_skip_run(nfsim_ctx_t *ctx, const nfsim_rule_t *r)
{
	const nfsim_guard_run_t *run = r->run;
	const nfsim_guard_t *g = &r->guard;
	const nfsim_rule_t *last;
	uint8_t d[NFSIM_GUARD_TESTS][NFSIM_GUARD_MAX];
	uint8_t u[NFSIM_GUARD_TESTS][NFSIM_GUARD_MAX];
	slice_t s[NFSIM_GUARD_TESTS];
	uint32_t pos = r->run_pos, to, lo, hi, mid, i;
	unsigned long allow;
	unsigned n, t, f;

	if (!run || ctx->stopped ||
		(run == ctx->run_missed && pos < ctx->run_retry))
	{
		return 0;
	}
	for (n = 0; n < g->ntests; n++)
	{	/* the tests whose value is known for sure: rules failing one of
		 * them fail for sure, those that get past them run */
		if (!peek(ctx, &g->tests[n], d[n], u[n]))
		{
			break;
		}
		for (i = 0; i < g->tests[n].clen && !u[n][i]; i++)
		{
		}
		if (i < g->tests[n].clen)
		{
			break;
		}
	}
	if (!n)
	{
		ctx->run_missed = run;
		ctx->run_retry = pos + RUN_RETRY;
		return 0;
	}
	for (t = 0; t < n; t++)
	{
		s[t] = lookup(run, t, d);
	}
	/* the next rule passing those n tests runs */
	i = before(s[n - 1], pos);
	to = i < s[n - 1].count ? s[n - 1].pos[i] : run->count;
	allow = allowance(ctx);
	if (to > pos && cost(g, s, n, pos, to) > allow)
	{	/* stop where the budget or a turn of the stop callback falls */
		lo = pos;
		hi = to;
		while (hi - lo > 1)
		{
			mid = lo + (hi - lo) / 2;
			if (cost(g, s, n, pos, mid) <= allow)
			{
				lo = mid;
			}
			else
			{
				hi = mid;
			}
		}
		to = lo;
	}
	if (to == pos)
	{
		ctx->run_missed = run;
		ctx->run_retry = pos + RUN_RETRY;
		return 0;
	}
	store_last(ctx, g, s, n, d, u, pos, to);
	last = run->rules[to - 1];
	for (f = 0; f + 1 < n &&
		 !memcmp(d[f], last->guard.tests[f].value, g->tests[f].clen); f++)
	{
	}
	end_rule(ctx, last, f, cost(g, s, n, pos, to));
	return to - pos;
}
