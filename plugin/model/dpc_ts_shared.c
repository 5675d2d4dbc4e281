/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * The arrays in an interning table of their own (dpc_intern).
 */

#include "dpc_ts_shared.h"
#include "dpc_intern.h"

/** most selectors of an array shared (records hold a few each) */
#define SHARED_MAX 65536

/** the shared arrays */
static dpc_intern_t arrays = DPC_INTERN_INIT;

const dpc_ts_t *dpc_ts_shared_get(const dpc_ts_t *ts, uint32_t count)
{
	if (!count || count > SHARED_MAX)
	{
		return NULL;
	}
	return dpc_intern_get(&arrays, ts, count * sizeof(*ts));
}

void dpc_ts_shared_ref(const dpc_ts_t *ts)
{
	dpc_intern_ref(&arrays, ts);
}

void dpc_ts_shared_put(const dpc_ts_t *ts)
{
	if (ts)
	{
		dpc_intern_put(&arrays, ts);
	}
}

size_t dpc_ts_shared_count(void)
{
	return dpc_intern_count(&arrays);
}
