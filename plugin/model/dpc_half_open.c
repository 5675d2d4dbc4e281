/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_half_open.h"

#include <stdlib.h>
#include <string.h>

/** slots of a new ring */
#define MIN_SIZE 16

void dpc_half_open_init(dpc_half_open_t *h, uint32_t max)
{
	memset(h, 0, sizeof(*h));
	h->max = max ? max : DPC_HALF_OPEN_MAX;
	dpc_idmap_init(&h->index);
}

/**
 * The slot k places after the oldest.
 */
static inline uint32_t slot_at(const dpc_half_open_t *h, uint32_t k)
{
	return (h->head + k) % h->size;
}

/**
 * Give the memory back once nothing is left.
 */
static void release_if_empty(dpc_half_open_t *h)
{
	if (!h->index.count)
	{
		free(h->ring);
		h->ring = NULL;
		h->size = h->head = h->used = 0;
		dpc_idmap_clear(&h->index);
	}
}

void dpc_half_open_clear(dpc_half_open_t *h)
{
	uint32_t k;

	for (k = 0; k < h->used; k++)
	{
		free(h->ring[slot_at(h, k)].alert);
	}
	dpc_idmap_clear(&h->index);
	release_if_empty(h);
}

/**
 * Drop what an entry holds and mark it removed.
 */
static void drop_entry(dpc_half_open_t *h, dpc_half_open_entry_t *e)
{
	if (e->ike_id)
	{
		dpc_idmap_remove(&h->index, e->ike_id);
	}
	free(e->alert);
	memset(e, 0, sizeof(*e));
}

/**
 * Drop the oldest slot, entry or not.
 */
static void pop(dpc_half_open_t *h)
{
	drop_entry(h, &h->ring[h->head]);
	h->head = slot_at(h, 1);
	h->used--;
}

/**
 * Pop removed entries at both ends.
 */
static void trim(dpc_half_open_t *h)
{
	while (h->used && !h->ring[h->head].ike_id)
	{
		pop(h);
	}
	while (h->used && !h->ring[slot_at(h, h->used - 1)].ike_id)
	{
		h->used--;
	}
	release_if_empty(h);
}

/**
 * Grow the ring (up to max), oldest entry to slot 0.
 */
static bool grow(dpc_half_open_t *h)
{
	dpc_half_open_entry_t *ring;
	uint32_t size, k;

	size = h->size ? h->size * 2 : MIN_SIZE;
	if (size > h->max)
	{
		size = h->max;
	}
	if (size <= h->size)
	{
		return false;
	}
	ring = calloc(size, sizeof(*ring));
	if (!ring)
	{
		return false;
	}
	for (k = 0; k < h->used; k++)
	{
		ring[k] = h->ring[slot_at(h, k)];
		if (ring[k].ike_id)
		{	/* the key exists: replacing its value cannot fail */
			dpc_idmap_put(&h->index, ring[k].ike_id, k);
		}
	}
	free(h->ring);
	h->ring = ring;
	h->size = size;
	h->head = 0;
	return true;
}

/**
 * The entry of an IKE_SA, NULL if none.
 */
static dpc_half_open_entry_t *find(dpc_half_open_t *h, uint32_t ike_id)
{
	uint32_t slot;

	if (!dpc_idmap_get(&h->index, ike_id, &slot))
	{
		return NULL;
	}
	return &h->ring[slot];
}

/**
 * Get the entry of an IKE_SA, making a new one if needed.
 */
static dpc_half_open_entry_t *get(dpc_half_open_t *h, uint32_t ike_id,
								  time_t now)
{
	dpc_half_open_entry_t *e;
	uint32_t slot;

	e = find(h, ike_id);
	if (e || !ike_id)
	{
		return e;
	}
	if (!dpc_idmap_reserve(&h->index, 1))
	{
		return NULL;
	}
	if (h->used == h->size && !grow(h))
	{
		if (!h->used)
		{	/* no ring at all */
			release_if_empty(h);
			return NULL;
		}
		/* full: the oldest makes room */
		pop(h);
	}
	slot = slot_at(h, h->used++);
	e = &h->ring[slot];
	memset(e, 0, sizeof(*e));
	e->ike_id = ike_id;
	e->created = now;
	dpc_idmap_put(&h->index, ike_id, slot);
	return e;
}

bool dpc_half_open_add(dpc_half_open_t *h, uint32_t ike_id,
					   const dpc_addr_t *local, const dpc_addr_t *remote,
					   time_t now)
{
	dpc_half_open_entry_t *e;

	e = get(h, ike_id, now);
	if (!e)
	{
		return false;
	}
	if (!e->local.family)
	{
		e->local = *local;
		e->remote = *remote;
	}
	return true;
}

bool dpc_half_open_add_alert(dpc_half_open_t *h, uint32_t ike_id,
							 const dpc_alert_t *alert, time_t now)
{
	dpc_half_open_entry_t *e;

	e = get(h, ike_id, now);
	if (!e)
	{
		return false;
	}
	if (!e->alert)
	{
		e->alert = malloc(sizeof(*e->alert));
		if (!e->alert)
		{
			if (!e->local.family)
			{	/* made for the alert only */
				dpc_half_open_remove(h, ike_id);
			}
			return false;
		}
	}
	*e->alert = *alert;
	return true;
}

bool dpc_half_open_take(dpc_half_open_t *h, uint32_t ike_id,
						dpc_half_open_entry_t *out)
{
	dpc_half_open_entry_t *e;

	e = find(h, ike_id);
	if (!e)
	{
		return false;
	}
	*out = *e;
	e->alert = NULL;
	drop_entry(h, e);
	trim(h);
	return true;
}

const dpc_half_open_entry_t *dpc_half_open_peek(dpc_half_open_t *h,
												uint32_t ike_id)
{
	return find(h, ike_id);
}

void dpc_half_open_remove(dpc_half_open_t *h, uint32_t ike_id)
{
	dpc_half_open_entry_t *e;

	e = find(h, ike_id);
	if (e)
	{
		drop_entry(h, e);
		trim(h);
	}
}

void dpc_half_open_expire(dpc_half_open_t *h, time_t now, uint32_t timeout)
{
	dpc_half_open_entry_t *e;

	while (h->used)
	{
		e = &h->ring[h->head];
		if (e->ike_id && now - e->created <= (time_t)timeout)
		{
			break;
		}
		pop(h);
	}
	trim(h);
}

uint32_t dpc_half_open_count(const dpc_half_open_t *h)
{
	return h->index.count;
}
