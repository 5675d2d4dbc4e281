/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_bulk dpc_bulk
 * @{ @ingroup dataplane_check
 *
 * Memory for arrays that grow with the number of tunnels (pure, libc only):
 * a round's paths, findings and indexes, the records' snapshots, buffers of
 * kernel dumps. Blocks of DPC_BULK_MAP_MIN bytes or more are mapped with
 * mmap(2) and unmapped when freed, smaller ones come from malloc.
 *
 * Why not malloc for all: glibc raises its mmap threshold, for the whole
 * process, to the size of any mapped block that free() releases, and with it
 * the free memory each allocation arena keeps (twice that size): a round
 * that freed a 4 MB array would let every arena of charon (one per worker
 * thread, up to eight per core) keep up to 8 MB it does not use. Blocks from
 * here never pass through free() once mapped.
 *
 * A block must be resized and freed here, never with realloc() or free().
 * Freed mappings are kept for reuse (a fresh one costs a page fault per
 * page) until dpc_bulk_release(), which the round calls after each full
 * round: incremental rounds between them reuse the same memory.
 */

#ifndef DPC_BULK_H_
#define DPC_BULK_H_

#include <stddef.h>

/** blocks this large or larger are mapped (below glibc's lowest threshold) */
#define DPC_BULK_MAP_MIN (64 * 1024)

/** freed mappings kept for reuse until dpc_bulk_release(), at most */
#define DPC_BULK_CACHE_BLOCKS 16

/** bytes of freed mappings kept for reuse, at most */
#define DPC_BULK_CACHE_BYTES (32 * 1024 * 1024)

/**
 * Allocate a zeroed block.
 *
 * @param size		bytes, 0 for a block of none
 * @return			the block, NULL if out of memory
 */
void *dpc_bulk_alloc(size_t size);

/**
 * Allocate a zeroed block of n elements.
 *
 * @return			the block, NULL if out of memory or n * size overflows
 */
void *dpc_bulk_calloc(size_t n, size_t size);

/**
 * Resize a block, keeping its contents up to the smaller size (bytes added
 * are not cleared).
 *
 * @param ptr		a block from dpc_bulk_*, NULL to allocate one
 * @param size		new size in bytes
 * @return			the block, NULL if out of memory (ptr is untouched)
 */
void *dpc_bulk_realloc(void *ptr, size_t size);

/**
 * Resize a block to n elements, as dpc_bulk_realloc().
 *
 * @return			the block, NULL if out of memory or n * size overflows
 */
void *dpc_bulk_reallocarray(void *ptr, size_t n, size_t size);

/**
 * Free a block.
 *
 * @param ptr		a block from dpc_bulk_*, or NULL
 */
void dpc_bulk_free(void *ptr);

/**
 * Unmap the freed mappings kept for reuse.
 */
void dpc_bulk_release(void);

#endif /** DPC_BULK_H_ @}*/
