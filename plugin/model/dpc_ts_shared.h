/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_ts_shared dpc_ts_shared
 * @{ @ingroup dataplane_check
 *
 * Shared, reference counted selector arrays (pure, libc only): the
 * selectors records keep for a CHILD_SA's life are often alike (the local
 * subnet of every CHILD_SA of a gateway, a configuration's selectors and
 * the negotiated ones), so each different array is kept once, however many
 * lists hold it. A shared array is never changed: dpc_ts_list_t copies it
 * before it adds to it.
 *
 * Thread-safe; the table's lock is held for a lookup or a count only.
 */

#ifndef DPC_TS_SHARED_H_
#define DPC_TS_SHARED_H_

#include "dpc_ts.h"

/**
 * A reference to the shared array equal to ts[0..count-1], made if none is.
 *
 * @param ts		selectors, count > 0
 * @param count		their number
 * @return			the shared array, NULL if out of memory
 */
const dpc_ts_t *dpc_ts_shared_get(const dpc_ts_t *ts, uint32_t count);

/**
 * Take one more reference to a shared array.
 *
 * @param ts		an array from dpc_ts_shared_get()
 */
void dpc_ts_shared_ref(const dpc_ts_t *ts);

/**
 * Drop a reference; the last one frees the array.
 *
 * @param ts		an array from dpc_ts_shared_get(), or NULL
 */
void dpc_ts_shared_put(const dpc_ts_t *ts);

/**
 * Number of different arrays held (for tests).
 */
size_t dpc_ts_shared_count(void);

#endif /** DPC_TS_SHARED_H_ @}*/
