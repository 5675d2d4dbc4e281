/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * Written by hand: no library allocates large blocks outside malloc's
 * bookkeeping (see the header for why that matters inside charon). Each
 * block starts with a header telling how it was allocated, so callers keep
 * no sizes. Freed mappings wait in a small cache until dpc_bulk_release():
 * a fresh mapping costs a page fault per page touched, and incremental
 * rounds allocate the same arrays over and over.
 */

#define _GNU_SOURCE
#include "dpc_bulk.h"
#include "dpc_asan.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* AddressSanitizer's allocator has no such threshold and only its blocks
 * get redzones: under it, every block comes from malloc */
#define BULK_MAP (!DPC_ASAN)

/**
 * In front of each block; 32 bytes keep the block aligned as malloc's.
 */
typedef struct {
	/** bytes mapped, header included; 0 if from malloc */
	size_t mapped;
	/** bytes the caller asked for */
	size_t size;
	/** mapped: bytes after the header ever handed out (the rest is still
	 *  zero from the kernel) */
	size_t high;
	/** unused, for alignment */
	size_t pad;
} header_t;

/**
 * Freed mappings kept for reuse, and their lock (blocks are freed from
 * charon's threads and the plugin's).
 */
static struct {
	pthread_mutex_t lock;
	header_t *blocks[DPC_BULK_CACHE_BLOCKS];
	int count;
	size_t bytes;
} cache = { .lock = PTHREAD_MUTEX_INITIALIZER };

/**
 * Take the smallest cached mapping of at least len bytes, NULL if none.
 */
static header_t *cache_take(size_t len)
{
	header_t *h = NULL;
	int i, best = -1;

	pthread_mutex_lock(&cache.lock);
	for (i = 0; i < cache.count; i++)
	{
		if (cache.blocks[i]->mapped >= len &&
			(best < 0 || cache.blocks[i]->mapped < cache.blocks[best]->mapped))
		{
			best = i;
		}
	}
	if (best >= 0)
	{
		h = cache.blocks[best];
		cache.blocks[best] = cache.blocks[--cache.count];
		cache.bytes -= h->mapped;
	}
	pthread_mutex_unlock(&cache.lock);
	return h;
}

/**
 * Keep a freed mapping for reuse, if the cache has room for it.
 */
static bool cache_put(header_t *h)
{
	bool kept = false;

	pthread_mutex_lock(&cache.lock);
	if (cache.count < DPC_BULK_CACHE_BLOCKS &&
		h->mapped <= DPC_BULK_CACHE_BYTES - cache.bytes)
	{
		cache.blocks[cache.count++] = h;
		cache.bytes += h->mapped;
		kept = true;
	}
	pthread_mutex_unlock(&cache.lock);
	return kept;
}

/**
 * Bytes of a mapping holding total bytes, page aligned; 0 on overflow.
 */
static size_t map_len(size_t total)
{
	long p = sysconf(_SC_PAGESIZE);
	size_t page = p > 0 ? (size_t)p : 4096;

	if (total > SIZE_MAX - page)
	{
		return 0;
	}
	return (total + page - 1) / page * page;
}

/**
 * Whether a block of total bytes (header included) is mapped.
 */
static int mapped(size_t total)
{
	return BULK_MAP && total >= DPC_BULK_MAP_MIN;
}

/**
 * A new block of size bytes, zeroed; the header filled in.
 */
static header_t *new_block(size_t size)
{
	header_t *h;
	size_t total, len;
	void *m;

	if (size > SIZE_MAX - sizeof(header_t))
	{
		return NULL;
	}
	total = sizeof(header_t) + size;
	if (!mapped(total))
	{
		h = calloc(1, total);
		if (h)
		{
			h->size = size;
		}
		return h;
	}
	len = map_len(total);
	if (!len)
	{
		return NULL;
	}
	h = cache_take(len);
	if (h)
	{	/* what an earlier user wrote is cleared, the rest is still zero */
		memset(h + 1, 0, h->high < size ? h->high : size);
		h->high = h->high > size ? h->high : size;
		h->size = size;
		return h;
	}
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
	if (m == MAP_FAILED)
	{
		return NULL;
	}
	h = m;
	h->mapped = len;
	h->size = h->high = size;
	return h;
}

void *dpc_bulk_alloc(size_t size)
{
	header_t *h = new_block(size);

	return h ? h + 1 : NULL;
}

void *dpc_bulk_calloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
	{
		return NULL;
	}
	return dpc_bulk_alloc(n * size);
}

void *dpc_bulk_realloc(void *ptr, size_t size)
{
	header_t *h, *grown;
	size_t total, len;
	void *m;

	if (!ptr)
	{
		return dpc_bulk_alloc(size);
	}
	h = (header_t*)ptr - 1;
	if (size > SIZE_MAX - sizeof(header_t))
	{
		return NULL;
	}
	total = sizeof(header_t) + size;
	if (h->mapped)
	{	/* stays mapped, and as large, even if it shrinks */
		len = map_len(total);
		if (!len)
		{
			return NULL;
		}
		if (len > h->mapped)
		{
			grown = cache_take(len);
			if (grown)
			{	/* a copy costs less than faulting fresh pages in */
				memcpy(grown + 1, h + 1, h->size);
				grown->size = size;
				grown->high = grown->high > size ? grown->high : size;
				dpc_bulk_free(h + 1);
				return grown + 1;
			}
			m = mremap(h, h->mapped, len, MREMAP_MAYMOVE);
			if (m == MAP_FAILED)
			{
				return NULL;
			}
			h = m;
			h->mapped = len;
		}
		h->size = size;
		h->high = h->high > size ? h->high : size;
		return h + 1;
	}
	if (!mapped(total))
	{	/* below the threshold malloc never maps */
		grown = realloc(h, total);
		if (!grown)
		{
			return NULL;
		}
		grown->size = size;
		return grown + 1;
	}
	grown = new_block(size);
	if (!grown)
	{
		return NULL;
	}
	memcpy(grown + 1, h + 1, h->size < size ? h->size : size);
	free(h);
	return grown + 1;
}

void *dpc_bulk_reallocarray(void *ptr, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
	{
		return NULL;
	}
	return dpc_bulk_realloc(ptr, n * size);
}

void dpc_bulk_free(void *ptr)
{
	header_t *h;

	if (!ptr)
	{
		return;
	}
	h = (header_t*)ptr - 1;
	if (!h->mapped)
	{
		free(h);
	}
	else if (!cache_put(h))
	{
		munmap(h, h->mapped);
	}
}

void dpc_bulk_release(void)
{
	header_t *h;

	while ((h = cache_take(0)))
	{
		munmap(h, h->mapped);
	}
}
