/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_store.h"
#include "dpc_bulk.h"

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
 * Build an index over items, or over those of them a subset lists;
 * duplicates of a key keep the first one.
 *
 * @param idx		receives the index
 * @param items		the findings the index points into
 * @param count		items indexed
 * @param subset	indices of the items indexed, NULL for the first count
 */
static bool index_build(index_t *idx, const dpc_finding_t *items, size_t count,
						const size_t *subset)
{
	size_t i, j, s;

	idx->size = 16;
	while (idx->size < count * 2)
	{
		if (idx->size > SIZE_MAX / 4 / sizeof(size_t))
		{
			return false;
		}
		idx->size *= 2;
	}
	idx->slots = dpc_bulk_calloc(idx->size, sizeof(size_t));
	if (!idx->slots)
	{
		return false;
	}
	for (s = 0; s < idx->size; s++)
	{
		idx->slots[s] = SLOT_FREE;
	}
	for (j = 0; j < count; j++)
	{
		i = subset ? subset[j] : j;
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
	if (copy && !dpc_finding_copy(copy, f))
	{
		dpc_finding_free_text(copy);
		list->count--;
		return NULL;
	}
	return copy;
}

/**
 * Make room for n more findings in a list.
 */
static bool reserve(dpc_findings_t *list, size_t n)
{
	dpc_finding_t *grown;

	if (n > SIZE_MAX / sizeof(dpc_finding_t) - list->count)
	{
		return false;
	}
	if (list->count + n <= list->size)
	{
		return true;
	}
	grown = dpc_bulk_reallocarray(list->items, list->count + n,
								  sizeof(dpc_finding_t));
	if (!grown)
	{
		return false;
	}
	list->items = grown;
	list->size = list->count + n;
	return true;
}

/**
 * What a merge needs, allocated before the store changes.
 */
typedef struct {
	/** the round's findings by key (first occurrence) */
	index_t in_round;
	/** the active findings by key, before the merge */
	index_t in_store;
	/** active findings before the merge */
	size_t orig;
	/** active findings that resolve */
	size_t n_gone;
	/** new index of each active finding (old and appended), SLOT_FREE if
	 *  it leaves */
	size_t *map;
	/** per active finding before the merge: it leaves */
	bool *leave;
	/** per finding of the round: the copy the store takes, SLOT_FREE if it
	 *  keeps what it has (the same content, hint and subject) */
	size_t *copy_of;
	/** copies of the round's findings the store takes, owning their text */
	dpc_finding_t *copies;
	/** copies made, and taken */
	size_t n_copies, n_taken;
	/** the subjects the round checked, NULL for all */
	dpc_store_scope_cb_t in_scope;
	/** context of in_scope */
	void *ctx;
} merge_t;

static void merge_free(merge_t *m)
{
	size_t i;

	for (i = m->n_taken; i < m->n_copies; i++)
	{
		dpc_finding_free_text(&m->copies[i]);
	}
	dpc_bulk_free(m->copies);
	dpc_bulk_free(m->copy_of);
	dpc_bulk_free(m->in_round.slots);
	dpc_bulk_free(m->in_store.slots);
	dpc_bulk_free(m->map);
	dpc_bulk_free(m->leave);
}

/**
 * Is the round's finding i the first of its key?
 */
static inline bool first_in_round(const merge_t *m, const dpc_findings_t *round,
								  size_t i)
{
	return index_find(&m->in_round, round->items, &round->items[i]) == i;
}

/**
 * Index the active findings a round may match. A finding's key includes its
 * subject, so when every finding of the round is in scope, only the active
 * findings in scope can match one: an incremental round over a few tunnels
 * hashes their findings, not all of the store's.
 *
 * @param scoped	per active finding: its subject is in scope
 */
static bool index_store(dpc_store_t *store, const dpc_findings_t *round,
						merge_t *m, const bool *scoped)
{
	dpc_findings_t *act = &store->active;
	size_t i, n = 0, *subset;
	bool ok;

	for (i = 0; m->in_scope && i < round->count; i++)
	{
		if (!m->in_scope(m->ctx, &round->items[i].subject))
		{
			break;
		}
	}
	if (!m->in_scope || i < round->count)
	{
		return index_build(&m->in_store, act->items, act->count, NULL);
	}
	subset = dpc_bulk_calloc(act->count + 1, sizeof(size_t));
	if (!subset)
	{
		return false;
	}
	for (i = 0; i < act->count; i++)
	{
		if (scoped[i])
		{
			subset[n++] = i;
		}
	}
	ok = index_build(&m->in_store, act->items, n, subset);
	dpc_bulk_free(subset);
	return ok;
}

/**
 * Does the store keep what it has for a finding of the round: the same
 * content, hint and subject names (the key is the same)?
 */
static bool keeps(const dpc_finding_t *cur, const dpc_finding_t *f)
{
	return dpc_finding_same_content(cur, f) &&
		   strcmp(cur->hint, f->hint) == 0 &&
		   memcmp(&cur->subject, &f->subject, sizeof(f->subject)) == 0;
}

/**
 * Copy the round's findings the store takes (new, changed, or with a new
 * hint or subject names), before the store changes: a copy owns its text.
 *
 * @param n_new		receives the number of new findings
 */
static bool copy_taken(dpc_store_t *store, const dpc_findings_t *round,
					   merge_t *m, size_t *n_new)
{
	const dpc_finding_t *f;
	size_t i, j;

	m->copy_of = dpc_bulk_calloc(round->count + 1, sizeof(size_t));
	if (!m->copy_of)
	{
		return false;
	}
	for (i = 0; i < round->count; i++)
	{
		f = &round->items[i];
		m->copy_of[i] = SLOT_FREE;
		if (!first_in_round(m, round, i))
		{
			continue;
		}
		j = index_find(&m->in_store, store->active.items, f);
		*n_new += j == SLOT_FREE;
		if (j == SLOT_FREE || !keeps(&store->active.items[j], f))
		{
			m->copy_of[i] = m->n_copies++;
		}
	}
	m->copies = dpc_bulk_calloc(m->n_copies + 1, sizeof(dpc_finding_t));
	if (!m->copies)
	{
		m->n_copies = 0;
		return false;
	}
	for (i = 0, j = 0; i < round->count; i++)
	{
		if (m->copy_of[i] == SLOT_FREE)
		{
			continue;
		}
		if (!dpc_finding_copy(&m->copies[j], &round->items[i]))
		{
			dpc_finding_free_text(&m->copies[j]);
			m->n_copies = j;
			return false;
		}
		j++;
	}
	return true;
}

/**
 * Are two subjects the same IKE_SA and CHILD_SA (what the scope decides
 * on)?
 */
static inline bool same_ids(const dpc_subject_t *a, const dpc_subject_t *b)
{
	return a->ike_id == b->ike_id && a->child_id == b->child_id;
}

/**
 * Count what leaves and what comes, and allocate for it.
 */
static bool merge_prepare(dpc_store_t *store, const dpc_findings_t *round,
						  merge_t *m, dpc_store_events_t *events)
{
	dpc_findings_t *act = &store->active;
	size_t i, n_new = 0, n_events;

	m->orig = act->count;
	m->leave = dpc_bulk_calloc(act->count + 1, sizeof(bool));
	if (!m->leave)
	{
		return false;
	}
	/* the scope asked once per subject of consecutive findings (the
	 * engine's takes a lock; a tunnel's findings are mostly adjacent) */
	for (i = 0; i < act->count; i++)
	{
		if (i && same_ids(&act->items[i - 1].subject, &act->items[i].subject))
		{
			m->leave[i] = m->leave[i - 1];
			continue;
		}
		m->leave[i] = !m->in_scope ||
					  m->in_scope(m->ctx, &act->items[i].subject);
	}
	if (!index_build(&m->in_round, round->items, round->count, NULL) ||
		!index_store(store, round, m, m->leave))
	{
		return false;
	}
	/* an active finding in scope leaves when the round missed it */
	for (i = 0; i < act->count; i++)
	{
		m->leave[i] = m->leave[i] &&
					  index_find(&m->in_round, round->items,
								 &act->items[i]) == SLOT_FREE;
		m->n_gone += m->leave[i];
	}
	if (!copy_taken(store, round, m, &n_new))
	{
		return false;
	}
	n_events = m->n_gone + round->count;
	if (!reserve(act, n_new) || !reserve(&events->gone, m->n_gone))
	{
		return false;
	}
	m->map = dpc_bulk_calloc(act->count + n_new + 1, sizeof(size_t));
	events->items = dpc_bulk_calloc(n_events + 1,
								   sizeof(dpc_store_event_t));
	return m->map && events->items;
}

/**
 * First pass: every active finding missing from the round resolves (or is
 * dropped with its subject), in the order they appeared.
 */
static void merge_resolve(dpc_store_t *store, merge_t *m,
						  dpc_store_alive_cb_t alive, void *ctx,
						  dpc_store_events_t *events)
{
	dpc_findings_t *gone = &events->gone;
	dpc_finding_t *f;
	size_t i;

	for (i = 0; i < m->orig; i++)
	{
		f = &store->active.items[i];
		m->map[i] = 0;
		if (!m->leave[i])
		{
			continue;
		}
		f->active = false;
		gone->items[gone->count] = *f;
		events->items[events->count++] = (dpc_store_event_t){
			.type = alive && !alive(ctx, &f->subject) ? DPC_EVENT_DROP
													  : DPC_EVENT_RESOLVE,
			.index = gone->count++,
		};
		m->map[i] = SLOT_FREE;
	}
}

/**
 * Second pass: the round's findings appear or change, in its order (new
 * ones appended, room made before).
 */
static void merge_update(dpc_store_t *store, const dpc_findings_t *round,
						 merge_t *m, time_t now, time_t wall,
						 dpc_store_events_t *events)
{
	dpc_findings_t *act = &store->active;
	dpc_finding_t *f, *cur;
	time_t first, first_wall;
	size_t i, j;
	bool changed;

	for (i = 0; i < round->count; i++)
	{
		f = &round->items[i];
		if (!first_in_round(m, round, i))
		{	/* a duplicate of an earlier one */
			continue;
		}
		j = index_find(&m->in_store, act->items, f);
		if (j == SLOT_FREE)
		{
			j = act->count++;
			cur = &act->items[j];
			*cur = m->copies[m->copy_of[i]];
			m->n_taken++;
			cur->first_seen = cur->last_seen = now;
			cur->first_seen_wall = wall;
			cur->active = true;
			m->map[j] = 0;
			events->items[events->count++] = (dpc_store_event_t){
				.type = DPC_EVENT_APPEAR,
				.index = j,
			};
			continue;
		}
		cur = &act->items[j];
		if (m->copy_of[i] == SLOT_FREE)
		{	/* nothing to take: the same finding seen again */
			cur->last_seen = now;
			cur->active = true;
			continue;
		}
		first = cur->first_seen;
		first_wall = cur->first_seen_wall;
		changed = !dpc_finding_same_content(cur, f);
		/* take the new hint even when unchanged, it is not reported */
		dpc_finding_free_text(cur);
		*cur = m->copies[m->copy_of[i]];
		m->n_taken++;
		cur->first_seen = first;
		cur->first_seen_wall = first_wall;
		cur->last_seen = now;
		cur->active = true;
		if (changed)
		{
			events->items[events->count++] = (dpc_store_event_t){
				.type = DPC_EVENT_CHANGE,
				.index = j,
			};
		}
	}
}

/**
 * Last pass: close the gaps the resolved findings left, in one pass, and
 * point the events at the new places.
 */
static void merge_compact(dpc_store_t *store, merge_t *m,
						  dpc_store_events_t *events)
{
	dpc_findings_t *act = &store->active;
	size_t i, w = 0;

	for (i = 0; i < act->count; i++)
	{
		if (m->map[i] == SLOT_FREE)
		{
			continue;
		}
		if (w != i)
		{
			act->items[w] = act->items[i];
		}
		m->map[i] = w++;
	}
	act->count = w;
	for (i = 0; i < events->count; i++)
	{
		if (events->items[i].type == DPC_EVENT_APPEAR ||
			events->items[i].type == DPC_EVENT_CHANGE)
		{
			events->items[i].index = m->map[events->items[i].index];
		}
	}
}

bool dpc_store_merge(dpc_store_t *store, const dpc_findings_t *round,
					 time_t now, time_t wall, dpc_store_alive_cb_t alive,
					 void *ctx, dpc_store_events_t *events)
{
	return dpc_store_merge_scope(store, round, now, wall, alive, NULL, ctx,
								 events);
}

bool dpc_store_merge_scope(dpc_store_t *store, const dpc_findings_t *round,
						   time_t now, time_t wall, dpc_store_alive_cb_t alive,
						   dpc_store_scope_cb_t in_scope, void *ctx,
						   dpc_store_events_t *events)
{
	merge_t m = {
		.in_scope = in_scope,
		.ctx = ctx,
	};

	memset(events, 0, sizeof(*events));
	dpc_findings_init(&events->gone);
	if (!merge_prepare(store, round, &m, events))
	{	/* keep the previous state, the next round retries */
		merge_free(&m);
		dpc_store_emit(store, events, NULL, NULL);
		return false;
	}
	merge_resolve(store, &m, alive, ctx, events);
	merge_update(store, round, &m, now, wall, events);
	merge_compact(store, &m, events);
	merge_free(&m);
	return true;
}

void dpc_store_emit(dpc_store_t *store, dpc_store_events_t *events,
					dpc_store_event_cb_t event, void *ctx)
{
	const dpc_finding_t *f;
	size_t i;

	for (i = 0; event && i < events->count; i++)
	{
		if (events->items[i].type == DPC_EVENT_APPEAR ||
			events->items[i].type == DPC_EVENT_CHANGE)
		{
			f = &store->active.items[events->items[i].index];
		}
		else
		{
			f = &events->gone.items[events->items[i].index];
		}
		event(ctx, events->items[i].type, f);
	}
	dpc_bulk_free(events->items);
	events->items = NULL;
	events->count = 0;
	dpc_findings_clear(&events->gone);
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
	dpc_store_events_t events;

	if (dpc_store_merge(store, round, now, wall, alive, ctx, &events))
	{
		dpc_store_emit(store, &events, event, ctx);
	}
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
