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
#include "../nfsim_attr.h"

#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/nf_tables.h>

/**
 * Private data: a set lookup.
 */
typedef struct {
	/** key register offset */
	uint8_t sreg;
	/** data register offset (0: verdict map) */
	uint8_t dreg;
	/** matches if not found */
	bool inv;
	/** a map (dreg given) */
	bool has_dreg;
	/** name of the set */
	char *set_name;
	/** the set, resolved by finalize */
	const nfsim_set_t *set;
} lookup_t;

static void eval(const nfsim_expr_t *e, nfsim_ctx_t *ctx)
{
	const lookup_t *lookup = nfsim_expr_data(e);
	const nfsim_set_t *set = lookup->set;
	const nfsim_elem_t *elem;
	nfsim_tri_t found;

	found = nfsim_set_lookup(set, ctx->regs + lookup->sreg,
							 ctx->unk + lookup->sreg, &elem);
	if (found == NFSIM_UNKNOWN)
	{
		if (lookup->has_dreg && lookup->dreg == 0)
		{
			/* a verdict map with a key that cannot be known */
			nfsim_undecidable(ctx);
			return;
		}
		nfsim_unknown(ctx, false);
		if (ctx->verdict == NFT_CONTINUE && lookup->has_dreg)
		{
			nfsim_reg_store_unknown(ctx, lookup->dreg, set->dlen);
		}
		return;
	}
	if ((found == NFSIM_YES) == lookup->inv)
	{
		ctx->verdict = NFT_BREAK;
		return;
	}
	if (!lookup->has_dreg || !elem)
	{
		return;
	}
	if (lookup->dreg == 0)
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
		nfsim_reg_store(ctx, lookup->dreg, elem->data, set->dlen);
	}
	else
	{
		nfsim_reg_store_unknown(ctx, lookup->dreg, set->dlen);
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
static void render_elems(const lookup_t *lookup, nfsim_render_t *r)
{
	const nfsim_set_t *set = lookup->set;
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
			nfsim_render_key(r, lookup->sreg, el->key, set->klen);
		}
		if (el->key_end && memcmp(el->key, el->key_end, set->klen))
		{
			nfsim_render_printf(r, "-");
			nfsim_render_key(r, lookup->sreg, el->key_end, set->klen);
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
				nfsim_render_key(r, lookup->sreg, end, set->klen);
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
	const lookup_t *lookup = nfsim_expr_data(e);
	const nfsim_set_t *set = lookup->set;

	nfsim_render_space(r);
	nfsim_render_regname(r, lookup->sreg, set ? set->klen : 4);
	nfsim_render_printf(r, " %s", lookup->inv ? "!= " : "");
	if (lookup->has_dreg)
	{
		nfsim_render_printf(r, "%s ", lookup->dreg == 0 ? "vmap" : "map");
	}
	if (set && strncmp(set->name, "__", 2) == 0)
	{
		render_elems(lookup, r);
	}
	else
	{
		nfsim_render_printf(r, "@%s", lookup->set_name ? lookup->set_name : "?");
	}
	if (lookup->has_dreg && lookup->dreg)
	{
		nfsim_render_forget(r, lookup->dreg, set ? set->dlen : 4);
	}
}

static void destroy(nfsim_expr_t *e)
{
	lookup_t *lookup = nfsim_expr_data(e);

	free(lookup->set_name);
}

static bool finalize(nfsim_expr_t *e, nfsim_rule_t *rule)
{
	lookup_t *lookup = nfsim_expr_data(e);
	const nfsim_set_t *set;

	set = nfsim_set_find(rule->chain->table, lookup->set_name);
	if (!set || lookup->sreg + set->klen > NFSIM_REGS_LEN)
	{
		return false;
	}
	if (lookup->has_dreg)
	{
		if (!(set->flags & NFT_SET_MAP))
		{
			return false;
		}
		if (lookup->dreg == 0 && set->dtype != NFT_DATA_VERDICT)
		{
			return false;
		}
		if (lookup->dreg && (set->dtype == NFT_DATA_VERDICT ||
			set->dlen == 0 || lookup->dreg + set->dlen > NFSIM_REGS_LEN))
		{
			return false;
		}
	}
	lookup->set = set;
	return true;
}

static unsigned jumps(nfsim_expr_t *e, nfsim_jump_cb_t closes, void *user)
{
	lookup_t *lookup = nfsim_expr_data(e);

	if (!lookup->set || !lookup->has_dreg || lookup->dreg != 0)
	{
		return 0;
	}
	/* a verdict map */
	return nfsim_set_jumps((nfsim_set_t*)lookup->set, closes, user);
}

bool nfsim_add_lookup(nfsim_rule_t *rule, uint32_t sreg, int dreg,
					  const char *set, bool inv)
{
	lookup_t *lookup;
	uint8_t so, dof = 0;

	if (!set || !nfsim_reg_offset(sreg, 4, &so) || sreg == NFT_REG_VERDICT ||
		(dreg > 0 && !nfsim_reg_offset(dreg, 4, &dof)) ||
		(dreg >= 0 && inv))
	{
		nfsim_add_invalid(rule, "lookup");
		return false;
	}
	lookup = nfsim_rule_push(rule, &nfsim_expr_lookup_ops);
	if (!lookup)
	{
		return false;
	}
	lookup->sreg = so;
	lookup->has_dreg = dreg >= 0;
	lookup->dreg = dof;
	lookup->inv = inv;
	lookup->set_name = strdup(set);
	if (!lookup->set_name)
	{
		nfsim_rule_pop(rule);
		return false;
	}
	return true;
}

/* ---- decoding (nf_tables netlink attributes) ---- */

static void decode(nfsim_rule_t *rule, const char *name, uint8_t family,
				   const nfsim_attr_tb_t *tb)
{
	const char *set = nfsim_attr_str(tb->tb[NFTA_LOOKUP_SET]);
	uint32_t flags = nfsim_attr_u32_or(tb->tb[NFTA_LOOKUP_FLAGS], 0);
	int dreg = -1;

	if (!set)
	{
		nfsim_add_invalid(rule, name);
		return;
	}
	if (tb->tb[NFTA_LOOKUP_DREG])
	{
		dreg = nfsim_attr_reg(tb, NFTA_LOOKUP_DREG);
	}
	nfsim_add_lookup(rule, nfsim_attr_reg(tb, NFTA_LOOKUP_SREG), dreg, set,
					 flags & NFT_LOOKUP_F_INV);
}

/**
 * nf_tables expressions this kind is decoded from.
 */
static const nfsim_expr_decoder_t decoders[] = {
	{ "lookup", decode },
	{ NULL, NULL },
};

const nfsim_expr_ops_t nfsim_expr_lookup_ops = {
	.name = "lookup",
	.data_len = sizeof(lookup_t),
	.eval = eval,
	.render = render,
	.destroy = destroy,
	.finalize = finalize,
	.jumps = jumps,
	.decoders = decoders,
};
