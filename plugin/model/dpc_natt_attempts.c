/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_natt_attempts.h"

#include <string.h>

/**
 * Remove entry i (the last one takes its place).
 */
static void drop(dpc_natt_attempts_t *a, int i)
{
	a->entries[i] = a->entries[--a->count];
}

void dpc_natt_attempts_note(dpc_natt_attempts_t *a,
							const dpc_natt_attempt_t *attempt)
{
	dpc_natt_attempt_t *e = NULL;
	int i, oldest = 0;

	for (i = 0; i < a->count; i++)
	{
		if (a->entries[i].ike_id == attempt->ike_id ||
			strcmp(a->entries[i].name, attempt->name) == 0)
		{
			e = &a->entries[i];
			break;
		}
		if (a->entries[i].last < a->entries[oldest].last)
		{
			oldest = i;
		}
	}
	if (e && e->ike_id == attempt->ike_id)
	{	/* the same IKE_SA again (the timeout alert has no count) */
		e->local = attempt->local;
		e->remote = attempt->remote;
		if (attempt->retransmits > e->retransmits)
		{
			e->retransmits = attempt->retransmits;
		}
		e->timed_out |= attempt->timed_out;
		e->last = attempt->last;
		return;
	}
	if (!e)
	{
		e = a->count < DPC_NATT_ATTEMPTS_MAX ? &a->entries[a->count++] :
											   &a->entries[oldest];
	}
	*e = *attempt;
	e->first = attempt->last;
}

void dpc_natt_attempts_forget(dpc_natt_attempts_t *a, const char *name)
{
	int i;

	for (i = a->count - 1; i >= 0; i--)
	{
		if (strcmp(a->entries[i].name, name) == 0)
		{
			drop(a, i);
		}
	}
}

void dpc_natt_attempts_expire(dpc_natt_attempts_t *a, time_t now,
							  uint32_t keep)
{
	int i;

	for (i = a->count - 1; i >= 0; i--)
	{
		if (now - a->entries[i].last > (time_t)keep)
		{
			drop(a, i);
		}
	}
}
