/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_check_index.h"
#include "model/dpc_range_index.h"
#include "facts/xfrm/dpc_xfrm_spd.h"

#include <stdlib.h>
#include <string.h>

/** configurations whose coverage a round remembers */
#define MAX_GAPS 256

/**
 * The coverage of one configured side.
 */
typedef struct {
	/** a local side */
	bool local;
	/** the configured selectors of the side and of the other side */
	dpc_ts_list_t cfg, other_cfg;
	/** what no installed CHILD_SA covers */
	dpc_ts_list_t gap;
} gap_t;

/**
 * Private data.
 */
struct dpc_check_index_t {
	/** installed CHILD_SAs in tunnel order; ids of the indexes below */
	dpc_check_sa_t *sas;
	/** number of installed CHILD_SAs */
	size_t n_sas;
	/** their local [0] and remote [1] selectors */
	dpc_range_index_t *sides[2];
	/** their reqids, sorted */
	uint32_t *reqids;
	/** the SPD indexed, NULL until asked */
	const struct dpc_xfrm_spd_t *spd;
	/** its policies' sources [0] and destinations [1] */
	dpc_range_index_t *policies[2];
	/** coverage remembered */
	gap_t *gaps;
	/** entries in gaps */
	int n_gaps;
};

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t*)a, y = *(const uint32_t*)b;

	return (x > y) - (x < y);
}

/**
 * Index the installed CHILD_SAs.
 */
static bool index_sas(dpc_check_index_t *idx, const dpc_tunnels_t *tunnels)
{
	const dpc_ike_rec_t *ike;
	const dpc_child_rec_t *child;
	size_t n = 0, k;
	int i, j;

	for (i = 0; i < tunnels->count; i++)
	{
		if (tunnels->ikes[i]->state == DPC_STATE_UP)
		{
			n += tunnels->ikes[i]->n_children;
		}
	}
	idx->sas = calloc(n ? n : 1, sizeof(dpc_check_sa_t));
	idx->reqids = calloc(n ? n : 1, sizeof(uint32_t));
	if (!idx->sas || !idx->reqids)
	{
		return false;
	}
	for (i = 0; i < tunnels->count; i++)
	{
		ike = tunnels->ikes[i];
		for (j = 0; ike->state == DPC_STATE_UP && j < ike->n_children; j++)
		{
			child = ike->children[j];
			if (child->state != DPC_STATE_UP)
			{
				continue;
			}
			for (k = 0; k < child->local.count; k++)
			{
				dpc_range_index_add(idx->sides[0], &child->local.ts[k],
									idx->n_sas);
			}
			for (k = 0; k < child->remote.count; k++)
			{
				dpc_range_index_add(idx->sides[1], &child->remote.ts[k],
									idx->n_sas);
			}
			idx->reqids[idx->n_sas] = child->reqid;
			idx->sas[idx->n_sas++] = (dpc_check_sa_t){ ike, child };
		}
	}
	qsort(idx->reqids, idx->n_sas, sizeof(uint32_t), u32_cmp);
	return true;
}

/*
 * Described in header
 */
dpc_check_index_t *dpc_check_index(dpc_check_ctx_t *ctx)
{
	dpc_check_index_t *idx;

	if (ctx->index)
	{
		return ctx->index;
	}
	idx = calloc(1, sizeof(*idx));
	if (!idx)
	{
		return NULL;
	}
	ctx->index = idx;
	idx->sides[0] = dpc_range_index_create();
	idx->sides[1] = dpc_range_index_create();
	if (!idx->sides[0] || !idx->sides[1] || !index_sas(idx, ctx->tunnels))
	{
		dpc_check_index_free(ctx);
		return NULL;
	}
	return idx;
}

/*
 * Described in header
 */
void dpc_check_index_free(dpc_check_ctx_t *ctx)
{
	dpc_check_index_t *idx = ctx->index;
	int i;

	if (!idx)
	{
		return;
	}
	for (i = 0; i < idx->n_gaps; i++)
	{
		dpc_ts_list_clear(&idx->gaps[i].cfg);
		dpc_ts_list_clear(&idx->gaps[i].other_cfg);
		dpc_ts_list_clear(&idx->gaps[i].gap);
	}
	free(idx->gaps);
	dpc_range_index_destroy(idx->sides[0]);
	dpc_range_index_destroy(idx->sides[1]);
	dpc_range_index_destroy(idx->policies[0]);
	dpc_range_index_destroy(idx->policies[1]);
	free(idx->reqids);
	free(idx->sas);
	free(idx);
	ctx->index = NULL;
}

/*
 * Described in header
 */
int dpc_check_index_sas(dpc_check_index_t *idx, bool local,
						const dpc_ts_list_t *ts, dpc_check_sa_t **sas)
{
	uint32_t *ids;
	int n, i;

	*sas = NULL;
	n = dpc_range_index_query(idx->sides[local ? 0 : 1], ts->ts, ts->count,
							  &ids);
	if (n <= 0)
	{
		return n;
	}
	*sas = calloc(n, sizeof(dpc_check_sa_t));
	if (!*sas)
	{
		free(ids);
		return -1;
	}
	for (i = 0; i < n; i++)
	{
		(*sas)[i] = idx->sas[ids[i]];
	}
	free(ids);
	return n;
}

/*
 * Described in header
 */
bool dpc_check_index_reqid(dpc_check_index_t *idx, uint32_t reqid)
{
	return idx->n_sas && bsearch(&reqid, idx->reqids, idx->n_sas,
								 sizeof(uint32_t), u32_cmp);
}

/**
 * The address range of one side of a policy's selector.
 */
static bool sel_range(const dpc_xfrm_sel_t *sel, bool src, dpc_ts_t *ts)
{
	return dpc_ts_from_prefix(ts, sel->family, src ? sel->src : sel->dst,
							  src ? sel->src_plen : sel->dst_plen);
}

/**
 * Index the policies of an SPD by source and destination.
 */
static bool index_spd(dpc_check_index_t *idx, const dpc_xfrm_spd_t *spd)
{
	dpc_ts_t ts;
	size_t i;

	dpc_range_index_destroy(idx->policies[0]);
	dpc_range_index_destroy(idx->policies[1]);
	idx->policies[0] = dpc_range_index_create();
	idx->policies[1] = dpc_range_index_create();
	idx->spd = NULL;
	if (!idx->policies[0] || !idx->policies[1])
	{
		return false;
	}
	for (i = 0; i < spd->count; i++)
	{
		if ((sel_range(&spd->policies[i].sel, true, &ts) &&
			 !dpc_range_index_add(idx->policies[0], &ts, i)) ||
			(sel_range(&spd->policies[i].sel, false, &ts) &&
			 !dpc_range_index_add(idx->policies[1], &ts, i)))
		{
			return false;
		}
	}
	idx->spd = spd;
	return true;
}

/*
 * Described in header
 */
int dpc_check_index_policies(dpc_check_index_t *idx,
							 const struct dpc_xfrm_spd_t *spd, bool src,
							 const dpc_ts_t *ts, uint32_t **pos)
{
	*pos = NULL;
	if (idx->spd != spd && !index_spd(idx, spd))
	{
		return -1;
	}
	return dpc_range_index_query(idx->policies[src ? 0 : 1], ts, 1, pos);
}

/**
 * Are two lists the same selectors in the same order?
 */
static bool same_list(const dpc_ts_list_t *a, const dpc_ts_list_t *b)
{
	return a->count == b->count &&
		   (!a->count || !memcmp(a->ts, b->ts, a->count * sizeof(dpc_ts_t)));
}

/**
 * Does any selector of a overlap any selector of b?
 */
static bool lists_overlap(const dpc_ts_list_t *a, const dpc_ts_list_t *b)
{
	size_t i, j;

	for (i = 0; i < a->count; i++)
	{
		for (j = 0; j < b->count; j++)
		{
			if (dpc_ts_overlaps(&a->ts[i], &b->ts[j]))
			{
				return true;
			}
		}
	}
	return false;
}

/**
 * Work out what of cfg no installed CHILD_SA covers.
 */
static bool compute_gap(dpc_check_index_t *idx, bool local,
						const dpc_ts_list_t *cfg,
						const dpc_ts_list_t *other_cfg, dpc_ts_list_t *gap)
{
	const dpc_ts_list_t *mine, *theirs;
	dpc_check_sa_t *sas;
	dpc_ts_list_t cover;
	size_t k;
	int n, i;

	/* the CHILD_SAs whose other side overlaps other_cfg */
	n = dpc_check_index_sas(idx, !local, other_cfg, &sas);
	if (n < 0)
	{
		return false;
	}
	dpc_ts_list_init(&cover);
	for (i = 0; i < n; i++)
	{
		mine = local ? &sas[i].child->local : &sas[i].child->remote;
		theirs = local ? &sas[i].child->remote : &sas[i].child->local;
		if (lists_overlap(theirs, other_cfg))
		{
			for (k = 0; k < mine->count; k++)
			{
				dpc_ts_list_add(&cover, &mine->ts[k]);
			}
		}
	}
	free(sas);
	dpc_ts_list_subtract(cfg, &cover, gap);
	dpc_ts_list_clear(&cover);
	return true;
}

/**
 * Copy a list of selectors.
 */
static bool copy_list(dpc_ts_list_t *to, const dpc_ts_list_t *from)
{
	size_t i;

	dpc_ts_list_init(to);
	for (i = 0; i < from->count; i++)
	{
		if (!dpc_ts_list_add(to, &from->ts[i]))
		{
			return false;
		}
	}
	return true;
}

/*
 * Described in header
 */
bool dpc_check_index_gap(dpc_check_index_t *idx, bool local,
						 const dpc_ts_list_t *cfg,
						 const dpc_ts_list_t *other_cfg, dpc_ts_list_t *gap)
{
	gap_t *g;
	int i;

	for (i = 0; i < idx->n_gaps; i++)
	{
		g = &idx->gaps[i];
		if (g->local == local && same_list(&g->cfg, cfg) &&
			same_list(&g->other_cfg, other_cfg))
		{
			return copy_list(gap, &g->gap);
		}
	}
	if (!idx->gaps)
	{
		idx->gaps = calloc(MAX_GAPS, sizeof(gap_t));
	}
	if (!idx->gaps || idx->n_gaps == MAX_GAPS)
	{	/* too many configurations to remember: work it out each time */
		return compute_gap(idx, local, cfg, other_cfg, gap);
	}
	g = &idx->gaps[idx->n_gaps];
	g->local = local;
	if (!compute_gap(idx, local, cfg, other_cfg, &g->gap) ||
		!copy_list(&g->cfg, cfg) || !copy_list(&g->other_cfg, other_cfg))
	{
		dpc_ts_list_clear(&g->gap);
		dpc_ts_list_clear(&g->cfg);
		dpc_ts_list_clear(&g->other_cfg);
		return false;
	}
	idx->n_gaps++;
	return copy_list(gap, &g->gap);
}
