/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_range_index dpc_range_index
 * @{ @ingroup dataplane_check
 *
 * A static index of address ranges (interval tree over a sorted array):
 * built once, then asked which ranges overlap a query range in
 * O(log n + hits) instead of a scan of every range. Each range carries an
 * id chosen by the caller (a position in the caller's own list); answers
 * are ids in ascending order without duplicates, so a caller that walks
 * them visits its items in its own order, as a full scan would.
 */

#ifndef DPC_RANGE_INDEX_H_
#define DPC_RANGE_INDEX_H_

#include "dpc_ts.h"

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

typedef struct dpc_range_index_t dpc_range_index_t;

/**
 * Create an empty index.
 *
 * @return			the index, NULL if out of memory
 */
dpc_range_index_t *dpc_range_index_create(void);

/**
 * Add the address range of a selector (protocol and ports are not
 * indexed: callers test them on the candidates). Adding after the first
 * query is allowed: the next query sorts the ranges again. Building costs
 * more than a few scans, so a caller that asks only a few questions had
 * better scan its own items.
 *
 * @param idx		the index
 * @param ts		the selector
 * @param id		what the range stands for
 * @return			FALSE if out of memory or the family is unknown
 */
bool dpc_range_index_add(dpc_range_index_t *idx, const dpc_ts_t *ts,
						 uint32_t id);

/**
 * Make room for count more ranges of a family, so adding them allocates
 * once.
 *
 * @param idx		the index
 * @param family	AF_INET or AF_INET6
 * @param count		ranges about to be added
 * @return			FALSE if out of memory or the family is unknown
 */
bool dpc_range_index_reserve(dpc_range_index_t *idx, uint8_t family,
							 size_t count);

/**
 * The ids of the ranges whose addresses overlap one of the selectors of a
 * list (same family), ascending, each once.
 *
 * @param idx		the index
 * @param ts		the selectors asked about
 * @param count		number of selectors
 * @param ids		set to an allocated array the caller frees (NULL if none)
 * @return			number of ids, -1 if out of memory
 */
int dpc_range_index_query(dpc_range_index_t *idx, const dpc_ts_t *ts,
						  size_t count, uint32_t **ids);

/**
 * Number of ranges in the index.
 */
size_t dpc_range_index_count(const dpc_range_index_t *idx);

/**
 * Destroy an index (NULL is fine).
 */
void dpc_range_index_destroy(dpc_range_index_t *idx);

#endif /** DPC_RANGE_INDEX_H_ @}*/
