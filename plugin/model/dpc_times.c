/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_times.h"

#include <string.h>

/** the window a rate is measured over */
#define HOUR 3600

void dpc_times_add(dpc_times_t *r, time_t now)
{
	if (r->n < 0 || r->n > DPC_TIMES_KEPT)
	{
		r->n = 0;
	}
	if (r->n == DPC_TIMES_KEPT)
	{
		memmove(&r->at[0], &r->at[1], (DPC_TIMES_KEPT - 1) * sizeof(r->at[0]));
		r->n--;
	}
	r->at[r->n++] = (uint32_t)now;
}

bool dpc_times_rate(const dpc_times_t *r, time_t now, int min,
					dpc_times_rate_t *rate)
{
	int i, first = -1;
	time_t gap;

	memset(rate, 0, sizeof(*rate));
	if (r->n < 0 || r->n > DPC_TIMES_KEPT)
	{
		return false;
	}
	for (i = 0; i < r->n; i++)
	{
		if (r->at[i] <= now && now - r->at[i] < HOUR)
		{
			if (first < 0)
			{
				first = i;
			}
			rate->count++;
		}
	}
	if (first < 0)
	{
		return min <= 0;
	}
	for (i = first + 1; i < r->n; i++)
	{
		gap = r->at[i] - r->at[i - 1];
		if (i == first + 1 || gap < rate->min_gap)
		{
			rate->min_gap = gap;
		}
		if (gap > rate->max_gap)
		{
			rate->max_gap = gap;
		}
	}
	rate->span = now - r->at[first];
	/* a span below a second would make the rate meaningless */
	rate->per_hour = (uint32_t)((uint64_t)rate->count * HOUR /
								(rate->span > 0 ? rate->span : 1));
	return rate->count >= min;
}
