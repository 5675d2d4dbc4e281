/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "nfsim_private.h"

#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

char *nfsim_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

bool nfsim_grow(void **arr, size_t *size, size_t count, size_t elem)
{
	void *n;
	size_t ns;

	if (count < *size)
	{
		return true;
	}
	ns = *size ? *size * 2 : 8;
	n = realloc(*arr, ns * elem);
	if (!n)
	{
		return false;
	}
	*arr = n;
	*size = ns;
	return true;
}

nfsim_ruleset_t *nfsim_ruleset_create(void)
{
	return calloc(1, sizeof(nfsim_ruleset_t));
}

nfsim_table_t *nfsim_table_find(const nfsim_ruleset_t *rs,
								nfsim_backend_t backend, uint8_t family,
								const char *name)
{
	size_t i;

	for (i = 0; i < rs->ntables; i++)
	{
		nfsim_table_t *t = rs->tables[i];

		if (t->backend == backend && t->family == family &&
			strcmp(t->name, name) == 0)
		{
			return t;
		}
	}
	return NULL;
}

nfsim_table_t *nfsim_table_add(nfsim_ruleset_t *rs, nfsim_backend_t backend,
							   uint8_t family, const char *name)
{
	nfsim_table_t *t;

	if (!name)
	{
		return NULL;
	}
	t = nfsim_table_find(rs, backend, family, name);
	if (t)
	{
		return t;
	}
	if (!nfsim_grow((void**)&rs->tables, &rs->tables_size, rs->ntables,
					sizeof(*rs->tables)))
	{
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
	{
		return NULL;
	}
	t->name = strdup(name);
	if (!t->name)
	{
		free(t);
		return NULL;
	}
	t->rs = rs;
	t->backend = backend;
	t->family = family;
	t->order = rs->ntables;
	rs->tables[rs->ntables++] = t;
	rs->finalized = false;
	return t;
}

void nfsim_table_set_flags(nfsim_table_t *table, uint32_t flags)
{
	table->flags = flags;
}

nfsim_chain_t *nfsim_chain_find(const nfsim_table_t *table, const char *name)
{
	size_t i;

	for (i = 0; i < table->nchains; i++)
	{
		if (strcmp(table->chains[i]->name, name) == 0)
		{
			return table->chains[i];
		}
	}
	return NULL;
}

nfsim_chain_t *nfsim_chain_add(nfsim_table_t *table, const char *name)
{
	nfsim_chain_t *c;

	if (!name)
	{
		return NULL;
	}
	c = nfsim_chain_find(table, name);
	if (c)
	{
		return c;
	}
	if (!nfsim_grow((void**)&table->chains, &table->chains_size, table->nchains,
					sizeof(*table->chains)))
	{
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
	{
		return NULL;
	}
	c->name = strdup(name);
	if (!c->name)
	{
		free(c);
		return NULL;
	}
	c->table = table;
	c->policy = NF_ACCEPT;
	table->chains[table->nchains++] = c;
	table->rs->finalized = false;
	return c;
}

void nfsim_chain_set_base(nfsim_chain_t *chain, nfsim_chain_type_t type,
						  nfsim_hook_t hook, int32_t prio, int policy,
						  const char *dev)
{
	chain->base = hook < NFSIM_HOOK_MAX;
	chain->type = type;
	chain->hook = hook;
	chain->prio = prio;
	chain->policy = policy == NF_DROP ? NF_DROP : NF_ACCEPT;
	memset(chain->dev, 0, sizeof(chain->dev));
	if (dev)
	{
		strncpy(chain->dev, dev, sizeof(chain->dev) - 1);
	}
	chain->table->rs->finalized = false;
}

void nfsim_chain_set_handle(nfsim_chain_t *chain, uint64_t handle)
{
	chain->handle = handle;
}

nfsim_rule_t *nfsim_rule_add(nfsim_chain_t *chain, uint64_t handle)
{
	nfsim_rule_t *r;

	if (!nfsim_grow((void**)&chain->rules, &chain->rules_size, chain->nrules,
					sizeof(*chain->rules)))
	{
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
	{
		return NULL;
	}
	r->chain = chain;
	r->handle = handle;
	chain->rules[chain->nrules++] = r;
	r->position = chain->nrules;
	chain->table->rs->finalized = false;
	return r;
}

void nfsim_rule_set_comment(nfsim_rule_t *rule, const char *comment)
{
	free(rule->comment);
	rule->comment = nfsim_strdup(comment);
}

void *nfsim_rule_push(nfsim_rule_t *rule, const nfsim_expr_ops_t *ops)
{
	nfsim_expr_t *e;

	if (!nfsim_grow((void**)&rule->exprs, &rule->exprs_size, rule->nexprs,
					sizeof(*rule->exprs)))
	{
		return NULL;
	}
	e = nfsim_expr_create(ops);
	if (!e)
	{
		return NULL;
	}
	rule->exprs[rule->nexprs++] = e;
	return nfsim_expr_data(e);
}

void nfsim_rule_pop(nfsim_rule_t *rule)
{
	if (rule->nexprs)
	{
		nfsim_expr_destroy(rule->exprs[--rule->nexprs]);
	}
}

bool nfsim_verdict_resolve(nfsim_verdict_data_t *v, const nfsim_table_t *t)
{
	const nfsim_chain_t *c;

	if (v->code != NFT_JUMP && v->code != NFT_GOTO)
	{
		return true;
	}
	if (!v->chain_name)
	{
		return false;
	}
	c = nfsim_chain_find(t, v->chain_name);
	if (!c || c->base)
	{
		return false;
	}
	v->chain = c;
	return true;
}

/** depth of the loop check (well beyond the kernel's jump limit) */
#define LOOP_DEPTH 64

enum {
	WHITE = 0,
	GRAY,
	BLACK,
};

/**
 * Whether following an edge to a chain closes a loop; descends otherwise.
 */
static bool closes_loop(const nfsim_chain_t *target, unsigned depth,
						unsigned *bad);

/**
 * Where the loop check is.
 */
typedef struct {
	/** depth of the chain being walked */
	unsigned depth;
	/** edges cut so far */
	unsigned *bad;
} walk_t;

/**
 * nfsim_jump_cb_t for the expressions of the chain being walked.
 */
static bool closes(const nfsim_chain_t *target, void *user)
{
	walk_t *w = user;

	return closes_loop(target, w->depth, w->bad);
}

/**
 * Depth-first walk of jump/goto edges (verdicts and verdict maps); edges
 * closing a loop are made unknown, as the kernel refuses such rulesets.
 */
static void check_loops(nfsim_chain_t *c, unsigned depth, unsigned *bad)
{
	walk_t w = { .depth = depth, .bad = bad };
	unsigned cut;
	size_t i, j;

	c->visit = GRAY;
	for (i = 0; i < c->nrules; i++)
	{
		nfsim_rule_t *r = c->rules[i];

		for (j = 0; j < r->nexprs; j++)
		{
			nfsim_expr_t *e = r->exprs[j];

			if (e->ops->jumps)
			{
				cut = e->ops->jumps(e, closes, &w);
				*bad += cut;
			}
		}
	}
	c->visit = BLACK;
}

static bool closes_loop(const nfsim_chain_t *target, unsigned depth,
						unsigned *bad)
{
	nfsim_chain_t *t = (nfsim_chain_t*)target;

	if (t->visit == GRAY)
	{
		return true;
	}
	if (t->visit == WHITE && depth < LOOP_DEPTH)
	{
		check_loops(t, depth + 1, bad);
	}
	return false;
}

/**
 * Order base chains: priority, then the later registered first (the
 * kernel inserts a hook before existing ones of equal priority).
 */
static int cmp_chain(const void *a, const void *b)
{
	const nfsim_chain_t *ca = *(const nfsim_chain_t**)a;
	const nfsim_chain_t *cb = *(const nfsim_chain_t**)b;
	size_t ia, ib, i;

	if (ca->prio != cb->prio)
	{
		return ca->prio < cb->prio ? -1 : 1;
	}
	if (ca->table != cb->table)
	{
		return ca->table->order > cb->table->order ? -1 : 1;
	}
	ia = ib = 0;
	for (i = 0; i < ca->table->nchains; i++)
	{
		if (ca->table->chains[i] == ca)
		{
			ia = i;
		}
		if (ca->table->chains[i] == cb)
		{
			ib = i;
		}
	}
	return ia > ib ? -1 : (ia < ib);
}

/**
 * Whether the hooks of a table family are simulated.
 */
static bool family_simulated(uint8_t family)
{
	switch (family)
	{
		case NFPROTO_IPV4:
		case NFPROTO_IPV6:
		case NFPROTO_INET:
		case NFPROTO_NETDEV:
			return true;
		default:
			return false;
	}
}

/**
 * Number the rules of a chain and resolve the references of their
 * expressions.
 *
 * @return			number of unresolvable references
 */
static unsigned finalize_chain(nfsim_chain_t *c)
{
	unsigned bad = 0;
	size_t i, j;

	for (i = 0; i < c->nrules; i++)
	{
		nfsim_rule_t *r = c->rules[i];

		r->position = i + 1;
		for (j = 0; j < r->nexprs; j++)
		{
			nfsim_expr_t *e = r->exprs[j];

			if (e->ops->finalize && !e->ops->finalize(e, r))
			{
				nfsim_expr_invalidate(e);
				bad++;
			}
		}
	}
	return bad;
}

/**
 * Finalize the sets, then the chains of a table.
 *
 * @return			number of unresolvable references
 */
static unsigned finalize_table(nfsim_table_t *t)
{
	unsigned bad = 0;
	size_t i;

	for (i = 0; i < t->nsets; i++)
	{
		bad += nfsim_set_finalize(t->sets[i]);
	}
	for (i = 0; i < t->nchains; i++)
	{
		bad += finalize_chain(t->chains[i]);
	}
	return bad;
}

/**
 * Cut the jump/goto edges closing a loop in all tables.
 *
 * @return			number of edges cut
 */
static unsigned cut_loops(nfsim_ruleset_t *rs)
{
	unsigned bad = 0;
	size_t i, j;

	for (i = 0; i < rs->ntables; i++)
	{
		for (j = 0; j < rs->tables[i]->nchains; j++)
		{
			rs->tables[i]->chains[j]->visit = WHITE;
		}
	}
	for (i = 0; i < rs->ntables; i++)
	{
		for (j = 0; j < rs->tables[i]->nchains; j++)
		{
			if (rs->tables[i]->chains[j]->visit == WHITE)
			{
				check_loops(rs->tables[i]->chains[j], 0, &bad);
			}
		}
	}
	return bad;
}

/**
 * List the active base chains of a hook in evaluation order.
 */
static void order_hook(nfsim_ruleset_t *rs, nfsim_hook_t h)
{
	size_t i, j, n = 0;

	free(rs->hooks[h]);
	rs->hooks[h] = NULL;
	rs->nhooks[h] = 0;
	for (i = 0; i < rs->ntables; i++)
	{
		n += rs->tables[i]->nchains;
	}
	rs->hooks[h] = n ? calloc(n, sizeof(*rs->hooks[h])) : NULL;
	if (!rs->hooks[h])
	{
		return;
	}
	for (i = 0; i < rs->ntables; i++)
	{
		nfsim_table_t *t = rs->tables[i];

		if (!family_simulated(t->family) ||
			(t->flags & NFT_TABLE_F_DORMANT))
		{
			continue;
		}
		for (j = 0; j < t->nchains; j++)
		{
			nfsim_chain_t *c = t->chains[j];

			if (c->base && c->hook == h)
			{
				rs->hooks[h][rs->nhooks[h]++] = c;
			}
		}
	}
	qsort(rs->hooks[h], rs->nhooks[h], sizeof(*rs->hooks[h]), cmp_chain);
}

unsigned nfsim_ruleset_finalize(nfsim_ruleset_t *rs)
{
	unsigned bad = 0;
	size_t i, j;
	int h;

	for (i = 0; i < rs->ntables; i++)
	{
		bad += finalize_table(rs->tables[i]);
	}
	bad += cut_loops(rs);
	for (i = 0; i < rs->ntables; i++)
	{
		for (j = 0; j < rs->tables[i]->nchains; j++)
		{
			nfsim_guard_chain(rs->tables[i]->chains[j]);
		}
	}
	for (h = 0; h < NFSIM_HOOK_MAX; h++)
	{
		order_hook(rs, h);
	}
	rs->finalized = true;
	return bad;
}

static void destroy_rule(nfsim_rule_t *r)
{
	size_t i;

	for (i = 0; i < r->nexprs; i++)
	{
		nfsim_expr_destroy(r->exprs[i]);
	}
	free(r->exprs);
	free(r->comment);
	free(r);
}

void nfsim_ruleset_destroy(nfsim_ruleset_t *rs)
{
	size_t i, j, k;
	int h;

	if (!rs)
	{
		return;
	}
	for (i = 0; i < rs->ntables; i++)
	{
		nfsim_table_t *t = rs->tables[i];

		for (j = 0; j < t->nchains; j++)
		{
			nfsim_chain_t *c = t->chains[j];

			nfsim_guard_chain_free(c);
			for (k = 0; k < c->nrules; k++)
			{
				destroy_rule(c->rules[k]);
			}
			free(c->rules);
			free(c->name);
			free(c);
		}
		for (j = 0; j < t->nsets; j++)
		{
			nfsim_set_destroy(t->sets[j]);
		}
		free(t->chains);
		free(t->sets);
		free(t->name);
		free(t);
	}
	for (h = 0; h < NFSIM_HOOK_MAX; h++)
	{
		free(rs->hooks[h]);
	}
	free(rs->tables);
	free(rs);
}

/* ---- public accessors ---- */

const nfsim_table_t *nfsim_chain_table(const nfsim_chain_t *chain)
{
	return chain->table;
}

const char *nfsim_chain_name(const nfsim_chain_t *chain)
{
	return chain->name;
}

const char *nfsim_table_name(const nfsim_table_t *table)
{
	return table->name;
}

uint8_t nfsim_table_family(const nfsim_table_t *table)
{
	return table->family;
}

nfsim_backend_t nfsim_table_backend(const nfsim_table_t *table)
{
	return table->backend;
}

bool nfsim_table_xt(const nfsim_table_t *table)
{
	return table->xt;
}

size_t nfsim_table_chain_count(const nfsim_table_t *table)
{
	return table->nchains;
}

const nfsim_chain_t *nfsim_table_chain(const nfsim_table_t *table, size_t i)
{
	return i < table->nchains ? table->chains[i] : NULL;
}

bool nfsim_chain_base(const nfsim_chain_t *chain, nfsim_hook_t *hook,
					  int32_t *prio)
{
	if (chain->base)
	{
		if (hook)
		{
			*hook = chain->hook;
		}
		if (prio)
		{
			*prio = chain->prio;
		}
	}
	return chain->base;
}

size_t nfsim_chain_rule_count(const nfsim_chain_t *chain)
{
	return chain->nrules;
}

const nfsim_rule_t *nfsim_chain_rule(const nfsim_chain_t *chain, size_t i)
{
	return i < chain->nrules ? chain->rules[i] : NULL;
}

const nfsim_chain_t *nfsim_rule_chain(const nfsim_rule_t *rule)
{
	return rule->chain;
}

uint64_t nfsim_rule_handle(const nfsim_rule_t *rule)
{
	return rule->handle;
}

unsigned nfsim_rule_position(const nfsim_rule_t *rule)
{
	return rule->position;
}

size_t nfsim_ruleset_table_count(const nfsim_ruleset_t *rs)
{
	return rs->ntables;
}

const nfsim_table_t *nfsim_ruleset_table(const nfsim_ruleset_t *rs, size_t i)
{
	return i < rs->ntables ? rs->tables[i] : NULL;
}

size_t nfsim_ruleset_rule_count(const nfsim_ruleset_t *rs,
								nfsim_backend_t backend)
{
	size_t i, j, n = 0;

	for (i = 0; i < rs->ntables; i++)
	{
		if (rs->tables[i]->backend != backend)
		{
			continue;
		}
		for (j = 0; j < rs->tables[i]->nchains; j++)
		{
			n += rs->tables[i]->chains[j]->nrules;
		}
	}
	return n;
}

const char *nfsim_family_name(uint8_t nfproto)
{
	switch (nfproto)
	{
		case NFPROTO_INET:
			return "inet";
		case NFPROTO_IPV4:
			return "ip";
		case NFPROTO_ARP:
			return "arp";
		case NFPROTO_NETDEV:
			return "netdev";
		case NFPROTO_BRIDGE:
			return "bridge";
		case NFPROTO_IPV6:
			return "ip6";
		default:
			return "unknown";
	}
}

const char *nfsim_hook_name(nfsim_hook_t hook)
{
	static const char *names[] = {
		"prerouting", "input", "forward", "output", "postrouting", "ingress",
	};

	return hook < NFSIM_HOOK_MAX ? names[hook] : "unknown";
}

const char *nfsim_verdict_name(nfsim_verdict_t verdict)
{
	static const char *names[] = {
		"continue", "accept", "drop", "reject", "queue", "unknown",
	};

	return verdict <= NFSIM_VERDICT_UNKNOWN ? names[verdict] : "unknown";
}

const char *nfsim_nat_name(nfsim_nat_type_t type)
{
	static const char *names[] = {
		"none", "snat", "dnat", "masquerade", "redirect",
	};

	return type <= NFSIM_NAT_REDIRECT ? names[type] : "unknown";
}

void nfsim_ruleset_set_guards(nfsim_ruleset_t *rs, bool use)
{
	if (rs)
	{
		rs->no_guards = !use;
	}
}

void nfsim_ruleset_set_stop(nfsim_ruleset_t *rs, nfsim_stop_cb_t stop,
							void *ctx)
{
	if (rs)
	{
		rs->stop = stop;
		rs->stop_ctx = ctx;
	}
}
