/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_dirty.h"
#include "dpc_sort.h"

#include <stdlib.h>
#include <string.h>

void dpc_pending_add(dpc_pending_t *p, const dpc_change_t *c)
{
	if (p->all)
	{	/* every tunnel is checked anyway */
		return;
	}
	if (p->count >= DPC_PENDING_MAX)
	{
		p->all = true;
		return;
	}
	p->changes[p->count++] = *c;
}

void dpc_pending_record(dpc_pending_t *p, uint32_t ike_id)
{
	size_t i;

	if (p->all)
	{
		return;
	}
	for (i = 0; i < p->n_records; i++)
	{
		if (p->records[i] == ike_id)
		{
			return;
		}
	}
	if (!ike_id || p->n_records >= DPC_PENDING_RECORDS)
	{
		p->all = true;
		return;
	}
	p->records[p->n_records++] = ike_id;
}

void dpc_pending_reset(dpc_pending_t *p)
{
	p->count = 0;
	p->n_records = 0;
	p->all = false;
}

static int id_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t*)a, y = *(const uint32_t*)b;

	return x < y ? -1 : x > y;
}

/**
 * Do two selector lists overlap?
 */
static bool lists_overlap(const dpc_ts_list_t *a, const dpc_ts_list_t *b)
{
	size_t j;

	for (j = 0; j < b->count; j++)
	{
		if (dpc_change_list_overlaps(a, &b->ts[j]))
		{
			return true;
		}
	}
	return false;
}

/**
 * Does any selector of CHILD_SA a (negotiated or configured, either side)
 * overlap any of b's?
 */
static bool children_overlap(const dpc_child_rec_t *a,
							 const dpc_child_rec_t *b)
{
	const dpc_ts_list_t *la[] = { &a->local, &a->remote, &a->cfg_local,
								  &a->cfg_remote };
	const dpc_ts_list_t *lb[] = { &b->local, &b->remote, &b->cfg_local,
								  &b->cfg_remote };
	int i, j;

	for (i = 0; i < 4; i++)
	{
		for (j = 0; j < 4; j++)
		{
			if (lists_overlap(la[i], lb[j]))
			{
				return true;
			}
		}
	}
	return false;
}

/**
 * Is tunnel x compared with tunnel r (coverage takes the selectors of every
 * CHILD_SA overlapping a configured one, overlap those of other peers): the
 * same config, or selectors overlapping?
 */
static bool related(const dpc_ike_rec_t *r, const dpc_ike_rec_t *x)
{
	int i, j;

	if (strcmp(r->name, x->name) == 0)
	{
		return true;
	}
	for (i = 0; i < r->n_children; i++)
	{
		for (j = 0; j < x->n_children; j++)
		{
			if (children_overlap(r->children[i], x->children[j]))
			{
				return true;
			}
		}
	}
	return false;
}

/**
 * Mark the tunnels of changed records and those compared with them.
 *
 * @return			FALSE if a record is not in the snapshot
 */
static bool mark_records(const dpc_pending_t *p, const dpc_tunnels_t *tunnels,
						 bool *flags)
{
	size_t i;
	int j, k, found;

	for (i = 0; i < p->n_records; i++)
	{
		found = -1;
		for (j = 0; j < tunnels->count; j++)
		{
			if (tunnels->ikes[j]->unique_id == p->records[i])
			{
				found = j;
				break;
			}
		}
		if (found < 0)
		{
			return false;
		}
		for (k = 0; k < tunnels->count; k++)
		{
			if (k == found || related(tunnels->ikes[found], tunnels->ikes[k]))
			{
				flags[k] = true;
			}
		}
	}
	return true;
}

/**
 * Mark every tunnel.
 */
static void mark_all(dpc_dirty_t *d)
{
	int i;

	d->all = true;
	for (i = 0; d->flags && i < d->count; i++)
	{
		d->flags[i] = true;
	}
	d->dirty = d->count;
}

bool dpc_dirty_build(dpc_dirty_t *d, const dpc_pending_t *p,
					 const dpc_tunnels_t *tunnels, bool all,
					 uint64_t *unmatched)
{
	size_t i;
	int j, n = 0;

	memset(d, 0, sizeof(*d));
	d->count = tunnels->count;
	d->flags = calloc(tunnels->count + 1, sizeof(bool));
	d->ids = malloc((tunnels->count + 1) * sizeof(uint32_t));
	if (!d->flags || !d->ids)
	{
		free(d->flags);
		free(d->ids);
		d->flags = NULL;
		d->ids = NULL;
		mark_all(d);
		return false;
	}
	if (all || (p && p->all))
	{
		mark_all(d);
		return true;
	}
	if (p && !mark_records(p, tunnels, d->flags))
	{	/* a record we do not have: every tunnel */
		mark_all(d);
		return true;
	}
	for (i = 0; p && i < p->count; i++)
	{
		if (!dpc_change_mark(&p->changes[i], tunnels, d->flags) &&
			unmatched)
		{
			(*unmatched)++;
		}
	}
	for (j = 0; j < tunnels->count; j++)
	{
		if (d->flags[j])
		{
			d->ids[n++] = tunnels->ikes[j]->unique_id;
		}
	}
	dpc_sort(d->ids, n, sizeof(uint32_t), id_cmp);
	d->dirty = n;
	return true;
}

bool dpc_dirty_in_scope(const dpc_dirty_t *d, const dpc_subject_t *subject)
{
	if (d->all || !subject->ike_id)
	{
		return true;
	}
	return d->ids && bsearch(&subject->ike_id, d->ids, d->dirty,
							 sizeof(uint32_t), id_cmp) != NULL;
}

void dpc_dirty_clear(dpc_dirty_t *d)
{
	free(d->flags);
	free(d->ids);
	memset(d, 0, sizeof(*d));
}
