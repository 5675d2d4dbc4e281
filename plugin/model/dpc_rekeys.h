/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_rekeys dpc_rekeys
 * @{ @ingroup dataplane_check
 *
 * When the last rekeys of an SA's lineage happened (pure, libc only): a
 * CHILD_SA or IKE_SA passes it on to the SA that replaces it, so the rate
 * survives the rekeys it measures. Bounded: the last DPC_REKEYS_KEPT only.
 */

#ifndef DPC_REKEYS_H_
#define DPC_REKEYS_H_

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/** rekeys remembered per lineage */
#define DPC_REKEYS_KEPT 8

/** rekeys a rate needs before it is trusted: one or two quick rekeys are
 *  a collision or a manual rekey, not churn */
#define DPC_REKEYS_MIN 3

/**
 * Monotonic times of the last rekeys, oldest first.
 */
typedef struct {
	/** the times */
	time_t at[DPC_REKEYS_KEPT];
	/** in use */
	int n;
} dpc_rekeys_t;

/**
 * Remember a rekey (the oldest goes when full).
 *
 * @param r			history
 * @param now		monotonic time of the rekey
 */
void dpc_rekeys_add(dpc_rekeys_t *r, time_t now);

/**
 * What the history says about the last hour.
 */
typedef struct {
	/** rekeys within the last hour (of those remembered) */
	int count;
	/** seconds from the first of them to now */
	time_t span;
	/** rekeys per hour at that pace */
	uint32_t per_hour;
	/** shortest and longest interval between two of them, seconds */
	time_t min_gap, max_gap;
} dpc_rekey_rate_t;

/**
 * The rekey rate over the last hour: count / (now - first of them).
 *
 * It falls as time passes without rekeys, so a finding resolves when the
 * churn stops.
 *
 * @param r			history
 * @param now		monotonic now
 * @param rate		filled in
 * @return			TRUE if at least DPC_REKEYS_MIN rekeys fall within the
 *					last hour (only then is the rate meaningful)
 */
bool dpc_rekeys_rate(const dpc_rekeys_t *r, time_t now,
					 dpc_rekey_rate_t *rate);

#endif /** DPC_REKEYS_H_ @}*/
