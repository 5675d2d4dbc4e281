/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_idmap dpc_idmap
 * @{ @ingroup dataplane_check
 *
 * A map from unique ids (IKE_SA, CHILD_SA) to 32-bit values (pure, libc
 * only, not locked): open addressing with linear probing, so a lookup in a
 * hook costs no allocation. Id 0 is not a valid key (charon's unique ids
 * start at 1).
 */

#ifndef DPC_IDMAP_H_
#define DPC_IDMAP_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * The map; zero-initialized (or dpc_idmap_init()) is empty.
 */
typedef struct {
	/** keys, 0 = free slot */
	uint32_t *keys;
	/** values */
	uint32_t *vals;
	/** slots, 0 or a power of two */
	size_t size;
	/** keys in use */
	size_t count;
} dpc_idmap_t;

/**
 * Initialize an empty map.
 */
void dpc_idmap_init(dpc_idmap_t *map);

/**
 * Free the map (it is empty and usable afterwards).
 */
void dpc_idmap_clear(dpc_idmap_t *map);

/**
 * Look up a key.
 *
 * @param val		receives the value, if found (may be NULL)
 * @return			TRUE if found
 */
bool dpc_idmap_get(const dpc_idmap_t *map, uint32_t key, uint32_t *val);

/**
 * Make room for n more keys, so that inserting them cannot fail.
 *
 * @return			FALSE on allocation failure
 */
bool dpc_idmap_reserve(dpc_idmap_t *map, size_t n);

/**
 * Insert a key or replace its value; replacing never allocates.
 *
 * @return			FALSE for key 0 or on allocation failure
 */
bool dpc_idmap_put(dpc_idmap_t *map, uint32_t key, uint32_t val);

/**
 * Remove a key (never allocates).
 *
 * @return			TRUE if it was there
 */
bool dpc_idmap_remove(dpc_idmap_t *map, uint32_t key);

#endif /** DPC_IDMAP_H_ @}*/
