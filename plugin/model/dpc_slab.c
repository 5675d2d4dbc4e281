/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * Written by hand: glibc has no pools of objects of one size apart from its
 * arenas (see the header for why records need one), and the pool libraries
 * Debian ships (talloc, APR) tie objects to a parent's lifetime, not to a
 * reference count. The design is the kernel's slab in small: chunks of
 * slots, freed slots linked through their first bytes, allocation from the
 * fullest chunk that has room, so the sparse ones empty.
 */

#define _GNU_SOURCE
#include "dpc_slab.h"
#include "dpc_asan.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* AddressSanitizer and valgrind check malloc's blocks only */
#if !DPC_ASAN && defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define SLAB_VALGRIND 1
#endif
#endif

/** bytes in front of the slots (keeps them 16-byte aligned) */
#define HEADER 64

/** slots are this aligned, as malloc's blocks */
#define ALIGN 16

struct dpc_slab_chunk_t {
	/** freed slots, each holding the next one's address */
	void *free;
	/** objects handed out and not freed */
	uint32_t used;
	/** slots handed out at least once: the others are untouched pages */
	uint32_t touched;
	/** the next empty chunk, while empty */
	dpc_slab_chunk_t *next;
};

/** all slabs allocate from malloc (tests that fail allocations) */
static bool forced_malloc;

void dpc_slab_use_malloc(bool use)
{
	__atomic_store_n(&forced_malloc, use, __ATOMIC_RELAXED);
}

/**
 * Do objects come from malloc?
 */
static bool on_malloc(void)
{
	if (DPC_ASAN)
	{
		return true;
	}
#ifdef SLAB_VALGRIND
	if (RUNNING_ON_VALGRIND)
	{
		return true;
	}
#endif
	return __atomic_load_n(&forced_malloc, __ATOMIC_RELAXED);
}

/**
 * Bytes of a slot.
 */
static size_t slot_size(dpc_slab_t *slab)
{
	size_t size = slab->size < sizeof(void*) ? sizeof(void*) : slab->size;

	return (size + ALIGN - 1) / ALIGN * ALIGN;
}

/**
 * Slots of a chunk (0 if an object does not fit one).
 */
static uint32_t per_chunk(dpc_slab_t *slab)
{
	return (DPC_SLAB_CHUNK - HEADER) / slot_size(slab);
}

/**
 * Index of the chunk holding obj, or of where a chunk at obj would go;
 * *found tells which.
 */
static uint32_t find_chunk(dpc_slab_t *slab, const void *obj, bool *found)
{
	uintptr_t p = (uintptr_t)obj, base;
	uint32_t lo = 0, hi = slab->n_chunks, mid;

	/* the first chunk whose base lies beyond obj */
	while (lo < hi)
	{
		mid = lo + (hi - lo) / 2;
		if ((uintptr_t)slab->chunks[mid] <= p)
		{
			lo = mid + 1;
		}
		else
		{
			hi = mid;
		}
	}
	*found = false;
	if (lo > 0)
	{
		base = (uintptr_t)slab->chunks[lo - 1];
		if (p - base < DPC_SLAB_CHUNK)
		{
			*found = true;
			return lo - 1;
		}
	}
	return lo;
}

/**
 * Does a chunk have a slot left?
 */
static bool has_room(dpc_slab_t *slab, dpc_slab_chunk_t *c)
{
	return c->free || c->touched < per_chunk(slab);
}

/**
 * The fullest chunk with room, NULL if none: allocating there lets the
 * emptier ones drain.
 */
static dpc_slab_chunk_t *fullest_with_room(dpc_slab_t *slab)
{
	dpc_slab_chunk_t *best = NULL, *c;
	uint32_t i;

	for (i = 0; i < slab->n_chunks; i++)
	{
		c = slab->chunks[i];
		if (has_room(slab, c) && (!best || c->used > best->used))
		{
			best = c;
		}
	}
	return best;
}

/**
 * A new empty chunk (one kept if there is), listed; NULL on failure.
 */
static dpc_slab_chunk_t *new_chunk(dpc_slab_t *slab)
{
	dpc_slab_chunk_t *c, **chunks;
	uint32_t at, size;
	bool found;
	void *m;

	if (slab->n_chunks == slab->chunks_size)
	{
		size = slab->chunks_size ? slab->chunks_size * 2 : 8;
		if (size < slab->chunks_size)
		{
			return NULL;
		}
		chunks = realloc(slab->chunks, size * sizeof(*chunks));
		if (!chunks)
		{
			return NULL;
		}
		slab->chunks = chunks;
		slab->chunks_size = size;
	}
	c = slab->empty;
	if (c)
	{
		slab->empty = c->next;
		slab->n_empty--;
	}
	else
	{
		m = mmap(NULL, DPC_SLAB_CHUNK, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
		{
			return NULL;
		}
		c = m;
	}
	*c = (dpc_slab_chunk_t){};
	at = find_chunk(slab, c, &found);
	memmove(&slab->chunks[at + 1], &slab->chunks[at],
			(slab->n_chunks - at) * sizeof(*slab->chunks));
	slab->chunks[at] = c;
	slab->n_chunks++;
	return c;
}

void *dpc_slab_alloc(dpc_slab_t *slab)
{
	dpc_slab_chunk_t *c;
	void *obj;

	if (on_malloc() || !per_chunk(slab))
	{
		return malloc(slab->size);
	}
	pthread_mutex_lock(&slab->lock);
	c = slab->current;
	if (!c || !has_room(slab, c))
	{
		c = fullest_with_room(slab);
		if (!c)
		{
			c = new_chunk(slab);
		}
		slab->current = c;
	}
	if (!c)
	{
		pthread_mutex_unlock(&slab->lock);
		return NULL;
	}
	if (c->free)
	{
		obj = c->free;
		c->free = *(void**)obj;
	}
	else
	{
		obj = (char*)c + HEADER + (size_t)c->touched++ * slot_size(slab);
	}
	c->used++;
	slab->live++;
	pthread_mutex_unlock(&slab->lock);
	return obj;
}

/**
 * Move a chunk that became empty to the empty ones.
 */
static void drop_chunk(dpc_slab_t *slab, uint32_t i)
{
	dpc_slab_chunk_t *c = slab->chunks[i];

	memmove(&slab->chunks[i], &slab->chunks[i + 1],
			(slab->n_chunks - i - 1) * sizeof(*slab->chunks));
	slab->n_chunks--;
	if (!slab->n_chunks)
	{	/* a slab in use lists some again, one that is not holds nothing */
		free(slab->chunks);
		slab->chunks = NULL;
		slab->chunks_size = 0;
	}
	if (slab->current == c)
	{
		slab->current = NULL;
	}
	c->next = slab->empty;
	slab->empty = c;
	slab->n_empty++;
}

void dpc_slab_free(dpc_slab_t *slab, void *obj)
{
	dpc_slab_chunk_t *c;
	uint32_t i;
	bool found;

	if (!obj)
	{
		return;
	}
	pthread_mutex_lock(&slab->lock);
	i = find_chunk(slab, obj, &found);
	if (!found)
	{
		pthread_mutex_unlock(&slab->lock);
		free(obj);
		return;
	}
	c = slab->chunks[i];
	*(void**)obj = c->free;
	c->free = obj;
	c->used--;
	slab->live--;
	if (!c->used)
	{
		drop_chunk(slab, i);
	}
	pthread_mutex_unlock(&slab->lock);
}

void dpc_slab_release(dpc_slab_t *slab, uint32_t keep)
{
	dpc_slab_chunk_t *c, **last;
	dpc_slab_chunk_t *next;
	uint32_t i;

	pthread_mutex_lock(&slab->lock);
	last = &slab->empty;
	for (i = 0; i < keep && *last; i++)
	{
		last = &(*last)->next;
	}
	c = *last;
	*last = NULL;
	slab->n_empty = i;
	pthread_mutex_unlock(&slab->lock);
	/* out of the lock: no record waits for the kernel */
	for (; c; c = next)
	{
		next = c->next;
		munmap(c, DPC_SLAB_CHUNK);
	}
}

void dpc_slab_get_stats(dpc_slab_t *slab, dpc_slab_stats_t *stats)
{
	pthread_mutex_lock(&slab->lock);
	*stats = (dpc_slab_stats_t){
		.chunks = slab->n_chunks + slab->n_empty,
		.live = slab->live,
		.per_chunk = per_chunk(slab),
	};
	pthread_mutex_unlock(&slab->lock);
}
