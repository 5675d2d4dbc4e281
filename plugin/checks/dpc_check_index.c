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
#include "model/dpc_bulk.h"
#include "model/dpc_sort.h"
#include "facts/xfrm/dpc_xfrm_spd.h"
#include "facts/rtnl/dpc_rtnl_parse.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/** configurations whose coverage a round remembers */
#define MAX_GAPS 256

/**
 * Questions of a kind answered by looking at every CHILD_SA or policy
 * before that kind is indexed: an incremental round asks a few (about the
 * tunnels it re-checks), and building an index costs more than a few
 * scans; a full round asks thousands.
 */
#define SCANS_BEFORE_INDEX 8

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
	/** every tracked tunnel, not owned */
	const dpc_tunnels_t *tunnels;
	/** questions about CHILD_SAs and policies answered by a scan */
	unsigned sa_scans, reqid_scans, policy_scans, route_scans;
	/** the CHILD_SAs are indexed */
	bool sas_indexed;
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
	/** the route dumps indexed, IPv4 [0] and IPv6 [1], NULL until asked */
	const struct dpc_rtentry_t *routes[2];
	/** their number of routes */
	size_t n_routes[2];
	/** their routes' destination prefixes */
	dpc_range_index_t *route_dsts[2];
	/** coverage remembered */
	gap_t *gaps;
	/** entries in gaps */
	int n_gaps;
};

/**
 * An array of items of one size that doubles its room when full.
 */
typedef struct {
	/** the items, NULL while empty */
	void *items;
	/** items in it, room for items */
	size_t count, size;
} growing_t;

/**
 * Append a copy of an item of len bytes.
 *
 * @return			false if out of memory (the array stays as it was)
 */
static bool growing_append(growing_t *g, const void *item, size_t len)
{
	void *grown;
	size_t size;

	if (g->count == g->size)
	{
		size = g->size ? g->size * 2 : 16;
		grown = size < SIZE_MAX / len ? realloc(g->items, size * len) : NULL;
		if (!grown)
		{
			return false;
		}
		g->items = grown;
		g->size = size;
	}
	memcpy((uint8_t*)g->items + g->count++ * len, item, len);
	return true;
}

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
	size_t n = 0, k, ranges[2][2] = {};
	int i, j;

	for (i = 0; i < tunnels->count; i++)
	{
		ike = tunnels->ikes[i];
		if (ike->state != DPC_STATE_UP)
		{
			continue;
		}
		n += ike->n_children;
		for (j = 0; j < ike->n_children; j++)
		{	/* selectors per side and family, allocated once */
			child = ike->children[j];
			for (k = 0; k < child->local.count; k++)
			{
				ranges[0][child->local.ts[k].family == AF_INET6]++;
			}
			for (k = 0; k < child->remote.count; k++)
			{
				ranges[1][child->remote.ts[k].family == AF_INET6]++;
			}
		}
	}
	for (k = 0; k < 2; k++)
	{
		dpc_range_index_reserve(idx->sides[k], AF_INET, ranges[k][0]);
		dpc_range_index_reserve(idx->sides[k], AF_INET6, ranges[k][1]);
	}
	idx->sas = dpc_bulk_calloc(n ? n : 1, sizeof(dpc_check_sa_t));
	idx->reqids = dpc_bulk_calloc(n ? n : 1, sizeof(uint32_t));
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
	dpc_sort(idx->reqids, idx->n_sas, sizeof(uint32_t), u32_cmp);
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
	idx->tunnels = ctx->tunnels;
	return idx;
}

/**
 * Index the installed CHILD_SAs once.
 */
static bool sas_indexed(dpc_check_index_t *idx)
{
	if (!idx->sas_indexed)
	{
		idx->sas_indexed = true;
		idx->sides[0] = dpc_range_index_create();
		idx->sides[1] = dpc_range_index_create();
		if (!idx->sides[0] || !idx->sides[1] || !index_sas(idx, idx->tunnels))
		{
			dpc_range_index_destroy(idx->sides[0]);
			dpc_range_index_destroy(idx->sides[1]);
			idx->sides[0] = idx->sides[1] = NULL;
		}
	}
	return idx->sides[0] != NULL;
}

/**
 * Do two selectors overlap in addresses (what the range index compares)?
 */
static bool addrs_overlap(const dpc_ts_t *a, const dpc_ts_t *b)
{
	size_t len = dpc_addr_len(a->family);

	return len && a->family == b->family &&
		   memcmp(a->to, b->from, len) >= 0 &&
		   memcmp(a->from, b->to, len) <= 0;
}

/**
 * Does a selector of a list overlap one of another (by a test of a pair)?
 */
static bool lists_overlap_by(const dpc_ts_list_t *a, const dpc_ts_list_t *b,
							 bool (*pair)(const dpc_ts_t *a, const dpc_ts_t *b))
{
	size_t i, j;

	for (i = 0; i < a->count; i++)
	{
		for (j = 0; j < b->count; j++)
		{
			if (pair(&a->ts[i], &b->ts[j]))
			{
				return true;
			}
		}
	}
	return false;
}

/**
 * Call cb on the installed CHILD_SAs in tunnel order until it returns
 * FALSE.
 */
static void each_sa(dpc_check_index_t *idx,
					bool (*cb)(void *data, const dpc_check_sa_t *sa),
					void *data)
{
	const dpc_tunnels_t *tunnels = idx->tunnels;
	dpc_check_sa_t sa;
	int i, j;

	for (i = 0; i < tunnels->count; i++)
	{
		sa.ike = tunnels->ikes[i];
		for (j = 0; sa.ike->state == DPC_STATE_UP && j < sa.ike->n_children;
			 j++)
		{
			sa.child = sa.ike->children[j];
			if (sa.child->state == DPC_STATE_UP && !cb(data, &sa))
			{
				return;
			}
		}
	}
}

/**
 * What a scan for the CHILD_SAs overlapping a list collects.
 */
typedef struct {
	bool local;
	const dpc_ts_list_t *ts;
	/** the CHILD_SAs (dpc_check_sa_t) */
	growing_t found;
	bool failed;
} sa_scan_t;

static bool sa_overlaps(void *data, const dpc_check_sa_t *sa)
{
	sa_scan_t *scan = data;

	if (!lists_overlap_by(scan->local ? &sa->child->local
									  : &sa->child->remote,
						  scan->ts, addrs_overlap))
	{
		return true;
	}
	if (!growing_append(&scan->found, sa, sizeof(*sa)))
	{
		scan->failed = true;
		return false;
	}
	return true;
}

/**
 * The CHILD_SAs a list overlaps, found by looking at each.
 */
static int scan_sas(dpc_check_index_t *idx, bool local,
					const dpc_ts_list_t *ts, dpc_check_sa_t **sas)
{
	sa_scan_t scan = { .local = local, .ts = ts };

	each_sa(idx, sa_overlaps, &scan);
	if (scan.failed || !scan.found.count)
	{
		free(scan.found.items);
		return scan.failed ? -1 : 0;
	}
	*sas = scan.found.items;
	return (int)scan.found.count;
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
	dpc_range_index_destroy(idx->route_dsts[0]);
	dpc_range_index_destroy(idx->route_dsts[1]);
	dpc_bulk_free(idx->reqids);
	dpc_bulk_free(idx->sas);
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
	if (!idx->sas_indexed && idx->sa_scans < SCANS_BEFORE_INDEX)
	{
		idx->sa_scans++;
		return scan_sas(idx, local, ts, sas);
	}
	if (!sas_indexed(idx))
	{
		return -1;
	}
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

/**
 * A scan for a reqid.
 */
typedef struct {
	uint32_t reqid;
	bool found;
} reqid_scan_t;

static bool uses_reqid(void *data, const dpc_check_sa_t *sa)
{
	reqid_scan_t *scan = data;

	scan->found = sa->child->reqid == scan->reqid;
	return !scan->found;
}

/*
 * Described in header
 */
bool dpc_check_index_reqid(dpc_check_index_t *idx, uint32_t reqid)
{
	reqid_scan_t scan = { .reqid = reqid };

	if (!idx->sas_indexed && idx->reqid_scans < SCANS_BEFORE_INDEX)
	{
		idx->reqid_scans++;
		each_sa(idx, uses_reqid, &scan);
		return scan.found;
	}
	if (!sas_indexed(idx))
	{
		return false;
	}
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

/**
 * The positions of the policies a range overlaps, found by looking at each.
 */
static int scan_policies(const dpc_xfrm_spd_t *spd, bool src,
						 const dpc_ts_t *ts, uint32_t **pos)
{
	growing_t found = {};
	dpc_ts_t range;
	uint32_t p;
	size_t i;

	for (i = 0; i < spd->count; i++)
	{
		if (!sel_range(&spd->policies[i].sel, src, &range) ||
			!addrs_overlap(&range, ts))
		{
			continue;
		}
		p = i;
		if (!growing_append(&found, &p, sizeof(p)))
		{
			free(found.items);
			return -1;
		}
	}
	*pos = found.items;
	return (int)found.count;
}

/*
 * Described in header
 */
int dpc_check_index_policies(dpc_check_index_t *idx,
							 const struct dpc_xfrm_spd_t *spd, bool src,
							 const dpc_ts_t *ts, uint32_t **pos)
{
	*pos = NULL;
	if (idx->spd != spd && idx->policy_scans < SCANS_BEFORE_INDEX)
	{
		idx->policy_scans++;
		return scan_policies(spd, src, ts, pos);
	}
	if (idx->spd != spd && !index_spd(idx, spd))
	{
		return -1;
	}
	return dpc_range_index_query(idx->policies[src ? 0 : 1], ts, 1, pos);
}

/**
 * The address range of a route's destination prefix.
 */
static bool route_range(const dpc_rtentry_t *route, dpc_ts_t *ts)
{
	return dpc_ts_from_prefix(ts, route->family, route->dst.a,
							  route->dst_len);
}

/**
 * Index the destination prefixes of a route dump.
 */
static bool index_routes(dpc_check_index_t *idx, int slot,
						 const dpc_rtentry_t *routes, size_t count)
{
	dpc_ts_t ts;
	size_t i;

	dpc_range_index_destroy(idx->route_dsts[slot]);
	idx->route_dsts[slot] = dpc_range_index_create();
	idx->routes[slot] = NULL;
	if (!idx->route_dsts[slot])
	{
		return false;
	}
	for (i = 0; i < count; i++)
	{
		if (route_range(&routes[i], &ts) &&
			!dpc_range_index_add(idx->route_dsts[slot], &ts, i))
		{
			return false;
		}
	}
	idx->routes[slot] = routes;
	idx->n_routes[slot] = count;
	return true;
}

/**
 * The positions of the first max routes a range overlaps, found by looking
 * at each.
 */
static int scan_routes(const dpc_rtentry_t *routes, size_t count,
					   const dpc_ts_t *ts, size_t max, uint32_t **pos)
{
	growing_t found = {};
	dpc_ts_t range;
	uint32_t i;

	for (i = 0; i < count && found.count < max; i++)
	{
		if (route_range(&routes[i], &range) && addrs_overlap(&range, ts) &&
			!growing_append(&found, &i, sizeof(i)))
		{
			free(found.items);
			return -1;
		}
	}
	*pos = found.items;
	return (int)found.count;
}

/*
 * Described in header
 */
int dpc_check_index_routes(dpc_check_index_t *idx,
						   const struct dpc_rtentry_t *routes, size_t count,
						   const dpc_ts_t *ts, size_t max, uint32_t **pos)
{
	int slot = ts->family == AF_INET6, n;
	bool indexed;

	*pos = NULL;
	if (!count)
	{
		return 0;
	}
	indexed = idx->route_dsts[slot] && idx->routes[slot] == routes &&
			  idx->n_routes[slot] == count;
	if (!indexed && idx->route_scans < SCANS_BEFORE_INDEX)
	{
		idx->route_scans++;
		return scan_routes(routes, count, ts, max, pos);
	}
	if (!indexed && !index_routes(idx, slot, routes, count))
	{
		return -1;
	}
	n = dpc_range_index_query(idx->route_dsts[slot], ts, 1, pos);
	return n > 0 && (size_t)n > max ? (int)max : n;
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
		if (lists_overlap_by(theirs, other_cfg, dpc_ts_overlaps))
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
