/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_times dpc_times
 * @{ @ingroup dataplane_check
 *
 * When the last events of a kind happened to an SA (pure, libc only): its
 * rekeys, its endpoint changes. An SA passes the history on to the SA that
 * replaces it, so a rate survives the rekeys. Bounded: the last
 * DPC_TIMES_KEPT only.
 */

#ifndef DPC_TIMES_H_
#define DPC_TIMES_H_

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/** events remembered per history */
#define DPC_TIMES_KEPT 8

/**
 * Monotonic times of the last events, oldest first.
 */
typedef struct {
	/** the times, monotonic seconds (since boot: 32 bits last 136 years;
	 *  records keep two or three histories inline) */
	uint32_t at[DPC_TIMES_KEPT];
	/** in use */
	int n;
} dpc_times_t;

/**
 * Remember an event (the oldest goes when full).
 *
 * @param r			history
 * @param now		monotonic time of the event
 */
void dpc_times_add(dpc_times_t *r, time_t now);

/**
 * What a history says about the last hour.
 */
typedef struct {
	/** events within the last hour (of those remembered) */
	int count;
	/** seconds from the first of them to now */
	time_t span;
	/** events per hour at that pace */
	uint32_t per_hour;
	/** shortest and longest interval between two of them, seconds */
	time_t min_gap, max_gap;
} dpc_times_rate_t;

/**
 * The rate over the last hour: count / (now - first of them).
 *
 * It falls as time passes without events, so a finding based on it
 * resolves when they stop.
 *
 * @param r			history
 * @param now		monotonic now
 * @param min		events the rate needs within the last hour to count
 * @param rate		filled in
 * @return			TRUE if at least min events fall within the last hour
 */
bool dpc_times_rate(const dpc_times_t *r, time_t now, int min,
					dpc_times_rate_t *rate);

#endif /** DPC_TIMES_H_ @}*/
