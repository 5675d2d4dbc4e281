/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_slab dpc_slab
 * @{ @ingroup dataplane_check
 *
 * Memory for objects of one size that live as long as a tunnel (pure, libc
 * only): the IKE_SA and CHILD_SA records. Slots come from chunks mapped with
 * mmap(2), apart from malloc's arenas. A chunk whose last object is freed
 * waits for reuse until dpc_slab_release(), which unmaps them (but one):
 * unmapping costs every thread of charon a TLB flush, so it is done once
 * after a round rather than as records go.
 *
 * Why not malloc: a record is copied when it changes while a snapshot holds
 * it (copy on write), on whichever thread changes it, and the old one is
 * freed by whichever thread drops the snapshot. With malloc the copies land
 * in the arena of the plugin's round thread among the round's short-lived
 * blocks, and the old ones leave holes in the arenas of charon's workers: the
 * records spread over more and more partly used pages. Here a copy takes a
 * slot freed by an earlier one, and the chunks hold records only, so their
 * memory is bounded by the most records alive at once.
 *
 * Objects are not zeroed. Under AddressSanitizer or valgrind, and when told
 * so (tests that fail allocations), objects come from malloc, whose blocks
 * those tools check; dpc_slab_free() tells which is which.
 */

#ifndef DPC_SLAB_H_
#define DPC_SLAB_H_

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** bytes of a chunk */
#define DPC_SLAB_CHUNK (64 * 1024)

/** a chunk of slots (private to dpc_slab.c) */
typedef struct dpc_slab_chunk_t dpc_slab_chunk_t;

/**
 * Slots of one size. Define one statically with DPC_SLAB_INIT().
 */
typedef struct {
	/** taken by every call (objects are allocated and freed on any
	 *  thread) */
	pthread_mutex_t lock;
	/** bytes of an object */
	size_t size;
	/** chunks in use, by address */
	dpc_slab_chunk_t **chunks;
	/** chunks in chunks */
	uint32_t n_chunks;
	/** slots of chunks */
	uint32_t chunks_size;
	/** the chunk allocated from until it is full */
	dpc_slab_chunk_t *current;
	/** empty chunks kept for reuse, linked */
	dpc_slab_chunk_t *empty;
	/** chunks in empty */
	uint32_t n_empty;
	/** objects in chunks */
	uint64_t live;
} dpc_slab_t;

/** a slab of objects of a type */
#define DPC_SLAB_INIT(type) { \
	.lock = PTHREAD_MUTEX_INITIALIZER, \
	.size = sizeof(type), \
}

/**
 * Allocate an object (not zeroed).
 *
 * @return			the object, NULL if out of memory
 */
void *dpc_slab_alloc(dpc_slab_t *slab);

/**
 * Free an object of dpc_slab_alloc() on the same slab.
 *
 * @param obj		the object, or NULL
 */
void dpc_slab_free(dpc_slab_t *slab, void *obj);

/**
 * Unmap the empty chunks but some.
 *
 * @param keep		empty chunks kept for reuse
 */
void dpc_slab_release(dpc_slab_t *slab, uint32_t keep);

/**
 * What a slab holds.
 */
typedef struct {
	/** chunks mapped, the empty ones included */
	uint32_t chunks;
	/** objects in chunks (not those from malloc) */
	uint64_t live;
	/** slots of a chunk */
	uint32_t per_chunk;
} dpc_slab_stats_t;

/**
 * Read what a slab holds.
 */
void dpc_slab_get_stats(dpc_slab_t *slab, dpc_slab_stats_t *stats);

/**
 * Let every slab allocate from malloc (or from its chunks again), for tests
 * that fail allocations. Objects already allocated are freed where they came
 * from either way.
 */
void dpc_slab_use_malloc(bool use);

#endif /** DPC_SLAB_H_ @}*/
