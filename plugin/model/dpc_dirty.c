/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_dirty.h"

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

void dpc_pending_reset(dpc_pending_t *p)
{
	p->count = 0;
	p->all = false;
}

static int id_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t*)a, y = *(const uint32_t*)b;

	return x < y ? -1 : x > y;
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
	qsort(d->ids, n, sizeof(uint32_t), id_cmp);
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
