/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_intern dpc_intern
 * @{ @ingroup dataplane_check
 *
 * Interned, reference counted byte strings (pure, libc only): a table
 * keeps one copy of each different value, however many hold it, each
 * holding a reference. A value is never changed; a holder finds the copy's
 * bookkeeping from the copy itself, so it keeps nothing but its pointer.
 * What shared texts (dpc_text) and shared selector arrays (dpc_ts_shared)
 * are made of.
 *
 * Thread-safe; a table's lock is held for a lookup or a count only.
 */

#ifndef DPC_INTERN_H_
#define DPC_INTERN_H_

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct dpc_intern_t dpc_intern_t;

/**
 * A table of interned values; static ones start as DPC_INTERN_INIT.
 */
struct dpc_intern_t {
	/** protects the rest */
	pthread_mutex_t lock;
	/** chains of entries, NULL while the table holds nothing */
	void **buckets;
	/** number of buckets, a power of two */
	size_t size;
	/** values held */
	size_t count;
};

/** an empty table */
#define DPC_INTERN_INIT { .lock = PTHREAD_MUTEX_INITIALIZER }

/**
 * A reference to the interned copy of a value, made if none is.
 *
 * @param table		the table
 * @param data		the value, len > 0
 * @param len		its length (at most 1 MiB)
 * @return			the copy (aligned for any selector or text), NULL if
 *					out of memory
 */
const void *dpc_intern_get(dpc_intern_t *table, const void *data, size_t len);

/**
 * One more reference to an interned copy.
 *
 * @param table		the table that holds it
 * @param data		a copy from dpc_intern_get()
 */
void dpc_intern_ref(dpc_intern_t *table, const void *data);

/**
 * Drop a reference; the last one frees the copy.
 *
 * @param table		the table that holds it
 * @param data		a copy from dpc_intern_get()
 */
void dpc_intern_put(dpc_intern_t *table, const void *data);

/**
 * Number of different values held.
 */
size_t dpc_intern_count(dpc_intern_t *table);

#endif /** DPC_INTERN_H_ @}*/
