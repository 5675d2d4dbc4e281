/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * lookup: set membership, map data and verdict maps.
 */

#include "../nfsim_private.h"

#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/nf_tables.h>

static void eval(const nfsim_expr_t *e, nfsim_ctx_t *ctx)
{
	const nfsim_set_t *set = e->lookup.set;
	const nfsim_elem_t *elem;
	nfsim_tri_t found;

	found = nfsim_set_lookup(set, ctx->regs + e->lookup.sreg,
							 ctx->unk + e->lookup.sreg, &elem);
	if (found == NFSIM_UNKNOWN)
	{
		if (e->lookup.has_dreg && e->lookup.dreg == 0)
		{
			/* a verdict map with a key that cannot be known */
			nfsim_undecidable(ctx);
			return;
		}
		nfsim_unknown(ctx, false);
		if (ctx->verdict == NFT_CONTINUE && e->lookup.has_dreg)
		{
			nfsim_reg_store_unknown(ctx, e->lookup.dreg, set->dlen);
		}
		return;
	}
	if ((found == NFSIM_YES) == e->lookup.inv)
	{
		ctx->verdict = NFT_BREAK;
		return;
	}
	if (!e->lookup.has_dreg || !elem)
	{
		return;
	}
	if (e->lookup.dreg == 0)
	{
		if (elem->verdict.code == NFSIM_V_UNKNOWN)
		{
			nfsim_undecidable(ctx);
			return;
		}
		ctx->verdict = elem->verdict.code;
		ctx->jump = elem->verdict.chain;
		return;
	}
	if (elem->data)
	{
		nfsim_reg_store(ctx, e->lookup.dreg, elem->data, set->dlen);
	}
	else
	{
		nfsim_reg_store_unknown(ctx, e->lookup.dreg, set->dlen);
	}
}

/** elements of anonymous sets shown before "..." */
#define SHOW_ELEMS 6

/**
 * Decrement a big-endian key by one (interval ends are exclusive).
 */
static void dec(uint8_t *k, uint32_t len)
{
	while (len--)
	{
		if (k[len]--)
		{
			break;
		}
	}
}

/**
 * Render the elements of an anonymous set.
 */
static void render_elems(const nfsim_expr_t *e, nfsim_render_t *r)
{
	const nfsim_set_t *set = e->lookup.set;
	uint8_t end[NFSIM_DATA_MAX];
	size_t i, shown = 0;
	bool interval = (set->flags & NFT_SET_INTERVAL) && !set->ranges;

	nfsim_render_printf(r, "{ ");
	for (i = 0; i < set->nelems; i++)
	{
		const nfsim_elem_t *el = &set->elems[i];

		if (el->flags & NFT_SET_ELEM_INTERVAL_END)
		{
			continue;
		}
		if (shown == SHOW_ELEMS)
		{
			nfsim_render_printf(r, ", ...");
			break;
		}
		nfsim_render_printf(r, shown ? ", " : "");
		shown++;
		if (!el->key)
		{
			nfsim_render_printf(r, "*");
		}
		else
		{
			nfsim_render_key(r, e->lookup.sreg, el->key, set->klen);
		}
		if (el->key_end && memcmp(el->key, el->key_end, set->klen))
		{
			nfsim_render_printf(r, "-");
			nfsim_render_key(r, e->lookup.sreg, el->key_end, set->klen);
		}
		else if (interval && el->key && i + 1 < set->nelems &&
				 set->elems[i + 1].key &&
				 (set->elems[i + 1].flags & NFT_SET_ELEM_INTERVAL_END))
		{
			memcpy(end, set->elems[i + 1].key, set->klen);
			dec(end, set->klen);
			if (memcmp(end, el->key, set->klen))
			{
				nfsim_render_printf(r, "-");
				nfsim_render_key(r, e->lookup.sreg, end, set->klen);
			}
		}
		if (set->dtype == NFT_DATA_VERDICT && (set->flags & NFT_SET_MAP))
		{
			nfsim_render_printf(r, " : ");
			nfsim_render_verdict(r, &el->verdict);
		}
		else if (el->data)
		{
			nfsim_render_printf(r, " : ");
			nfsim_render_value(r, NFSIM_VT_RAW, el->data, set->dlen);
		}
	}
	nfsim_render_printf(r, " }");
}

static void render(const nfsim_expr_t *e, nfsim_render_t *r)
{
	const nfsim_set_t *set = e->lookup.set;

	nfsim_render_space(r);
	nfsim_render_regname(r, e->lookup.sreg, set ? set->klen : 4);
	nfsim_render_printf(r, " %s", e->lookup.inv ? "!= " : "");
	if (e->lookup.has_dreg)
	{
		nfsim_render_printf(r, "%s ", e->lookup.dreg == 0 ? "vmap" : "map");
	}
	if (set && strncmp(set->name, "__", 2) == 0)
	{
		render_elems(e, r);
	}
	else
	{
		nfsim_render_printf(r, "@%s", e->lookup.set_name ? e->lookup.set_name : "?");
	}
	if (e->lookup.has_dreg && e->lookup.dreg)
	{
		nfsim_render_forget(r, e->lookup.dreg, set ? set->dlen : 4);
	}
}

static void destroy(nfsim_expr_t *e)
{
	free(e->lookup.set_name);
}

static bool finalize(nfsim_expr_t *e, nfsim_rule_t *rule)
{
	const nfsim_set_t *set;

	set = nfsim_set_find(rule->chain->table, e->lookup.set_name);
	if (!set || e->lookup.sreg + set->klen > NFSIM_REGS_LEN)
	{
		return false;
	}
	if (e->lookup.has_dreg)
	{
		if (!(set->flags & NFT_SET_MAP))
		{
			return false;
		}
		if (e->lookup.dreg == 0 && set->dtype != NFT_DATA_VERDICT)
		{
			return false;
		}
		if (e->lookup.dreg && (set->dtype == NFT_DATA_VERDICT ||
			set->dlen == 0 || e->lookup.dreg + set->dlen > NFSIM_REGS_LEN))
		{
			return false;
		}
	}
	e->lookup.set = set;
	return true;
}

const nfsim_expr_ops_t nfsim_expr_lookup_ops = {
	.name = "lookup",
	.eval = eval,
	.render = render,
	.destroy = destroy,
	.finalize = finalize,
};

bool nfsim_add_lookup(nfsim_rule_t *rule, uint32_t sreg, int dreg,
					  const char *set, bool inv)
{
	nfsim_expr_t *e;
	uint8_t so, dof = 0;

	if (!set || !nfsim_reg_offset(sreg, 4, &so) || sreg == NFT_REG_VERDICT ||
		(dreg > 0 && !nfsim_reg_offset(dreg, 4, &dof)) ||
		(dreg >= 0 && inv))
	{
		nfsim_add_invalid(rule, "lookup");
		return false;
	}
	e = nfsim_rule_push(rule, &nfsim_expr_lookup_ops);
	if (!e)
	{
		return false;
	}
	e->lookup.sreg = so;
	e->lookup.has_dreg = dreg >= 0;
	e->lookup.dreg = dof;
	e->lookup.inv = inv;
	e->lookup.set_name = strdup(set);
	if (!e->lookup.set_name)
	{
		nfsim_rule_pop(rule);
		return false;
	}
	return true;
}
