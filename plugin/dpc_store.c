/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_store.h"

#include <stdlib.h>
#include <string.h>

/** marks an empty slot of an index */
#define SLOT_FREE SIZE_MAX

struct dpc_store_t {
	/** active findings, in the order they appeared */
	dpc_findings_t active;
};

/**
 * A hash index over a findings array (open addressing, linear probing), so
 * that a round over thousands of findings is not quadratic.
 */
typedef struct {
	/** indices into the array, SLOT_FREE if empty */
	size_t *slots;
	/** number of slots, a power of two */
	size_t size;
} index_t;

static const char *event_names[] = {
	[DPC_EVENT_APPEAR] = "appear",
	[DPC_EVENT_CHANGE] = "change",
	[DPC_EVENT_RESOLVE] = "resolve",
	[DPC_EVENT_DROP] = "drop",
};

const char *dpc_event_type_name(dpc_event_type_t type)
{
	if ((unsigned)type < sizeof(event_names) / sizeof(event_names[0]))
	{
		return event_names[type];
	}
	return "unknown";
}

static uint32_t hash_bytes(uint32_t h, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i < len; i++)
	{
		h = (h ^ p[i]) * 16777619u;
	}
	return h;
}

static uint32_t hash_str(uint32_t h, const char *s)
{
	/* include the terminator so "ab"+"c" differs from "a"+"bc" */
	return hash_bytes(h, s, strlen(s) + 1);
}

/**
 * Hash of exactly what dpc_finding_same_key() compares.
 */
static uint32_t hash_key(const dpc_finding_t *f)
{
	uint32_t h = 2166136261u;

	h = hash_str(h, f->code);
	h = hash_str(h, f->discrim);
	h = hash_bytes(h, &f->subject.ike_id, sizeof(f->subject.ike_id));
	h = hash_bytes(h, &f->subject.child_id, sizeof(f->subject.child_id));
	if (!f->subject.ike_id)
	{
		h = hash_str(h, f->subject.ike_name);
	}
	if (!f->subject.child_id)
	{
		h = hash_str(h, f->subject.child_name);
	}
	return h;
}

/**
 * Build an index over items; duplicates of a key keep the first one.
 */
static bool index_build(index_t *idx, const dpc_finding_t *items, size_t count)
{
	size_t i, s;

	idx->size = 16;
	while (idx->size < count * 2)
	{
		if (idx->size > SIZE_MAX / 4 / sizeof(size_t))
		{
			return false;
		}
		idx->size *= 2;
	}
	idx->slots = malloc(idx->size * sizeof(size_t));
	if (!idx->slots)
	{
		return false;
	}
	for (s = 0; s < idx->size; s++)
	{
		idx->slots[s] = SLOT_FREE;
	}
	for (i = 0; i < count; i++)
	{
		s = hash_key(&items[i]) & (idx->size - 1);
		while (idx->slots[s] != SLOT_FREE &&
			   !dpc_finding_same_key(&items[idx->slots[s]], &items[i]))
		{
			s = (s + 1) & (idx->size - 1);
		}
		if (idx->slots[s] == SLOT_FREE)
		{
			idx->slots[s] = i;
		}
	}
	return true;
}

/**
 * Index of the item with the key of f, SLOT_FREE if none.
 */
static size_t index_find(const index_t *idx, const dpc_finding_t *items,
						 const dpc_finding_t *f)
{
	size_t s = hash_key(f) & (idx->size - 1);

	while (idx->slots[s] != SLOT_FREE)
	{
		if (dpc_finding_same_key(&items[idx->slots[s]], f))
		{
			return idx->slots[s];
		}
		s = (s + 1) & (idx->size - 1);
	}
	return SLOT_FREE;
}

dpc_store_t *dpc_store_create(void)
{
	dpc_store_t *store = calloc(1, sizeof(*store));

	if (store)
	{
		dpc_findings_init(&store->active);
	}
	return store;
}

void dpc_store_destroy(dpc_store_t *store)
{
	if (store)
	{
		dpc_findings_clear(&store->active);
		free(store);
	}
}

/**
 * Append a copy of f to a list.
 */
static dpc_finding_t *append_copy(dpc_findings_t *list, const dpc_finding_t *f)
{
	dpc_finding_t *copy;

	copy = dpc_findings_add(list, f->code, f->severity, &f->subject);
	if (copy)
	{
		*copy = *f;
	}
	return copy;
}

/**
 * Events are reported in two passes: first every resolve/drop (in the order
 * the findings appeared), then every appear/change in the order of the
 * round. A finding whose key occurs several times in a round is taken from
 * its first occurrence.
 */
void dpc_store_update(dpc_store_t *store, const dpc_findings_t *round,
					  time_t now, time_t wall, dpc_store_alive_cb_t alive,
					  dpc_store_event_cb_t event, void *ctx)
{
	dpc_findings_t *act = &store->active;
	index_t in_round, in_store;
	dpc_finding_t *f, *cur;
	dpc_event_type_t type;
	size_t i, j, kept = 0;
	time_t first, first_wall;
	bool changed;

	if (!index_build(&in_round, round->items, round->count))
	{	/* keep the previous state, the next round retries */
		return;
	}

	for (i = 0; i < act->count; i++)
	{
		f = &act->items[i];
		if (index_find(&in_round, round->items, f) != SLOT_FREE)
		{
			if (kept != i)
			{
				act->items[kept] = *f;
			}
			kept++;
			continue;
		}
		type = DPC_EVENT_RESOLVE;
		if (alive && !alive(ctx, &f->subject))
		{
			type = DPC_EVENT_DROP;
		}
		f->active = false;
		if (event)
		{
			event(ctx, type, f);
		}
	}
	act->count = kept;

	if (!index_build(&in_store, act->items, act->count))
	{
		free(in_round.slots);
		return;
	}
	for (i = 0; i < round->count; i++)
	{
		f = &round->items[i];
		if (index_find(&in_round, round->items, f) != i)
		{	/* a duplicate of an earlier one */
			continue;
		}
		j = index_find(&in_store, act->items, f);
		if (j == SLOT_FREE)
		{
			cur = append_copy(act, f);
			if (!cur)
			{
				continue;
			}
			cur->first_seen = cur->last_seen = now;
			cur->first_seen_wall = wall;
			cur->active = true;
			if (event)
			{
				event(ctx, DPC_EVENT_APPEAR, cur);
			}
			continue;
		}
		cur = &act->items[j];
		first = cur->first_seen;
		first_wall = cur->first_seen_wall;
		changed = !dpc_finding_same_content(cur, f);
		/* take the new hint even when unchanged, it is not reported */
		*cur = *f;
		cur->first_seen = first;
		cur->first_seen_wall = first_wall;
		cur->last_seen = now;
		cur->active = true;
		if (changed && event)
		{
			event(ctx, DPC_EVENT_CHANGE, cur);
		}
	}
	free(in_round.slots);
	free(in_store.slots);
}

size_t dpc_store_get_active(dpc_store_t *store, dpc_findings_t *out)
{
	size_t i, n = 0;

	for (i = 0; i < store->active.count; i++)
	{
		if (append_copy(out, &store->active.items[i]))
		{
			n++;
		}
	}
	return n;
}

size_t dpc_store_count(dpc_store_t *store)
{
	return store->active.count;
}
