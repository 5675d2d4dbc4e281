/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_work.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** most pieces of work waiting: one per kind, traces aside */
#define MAX_WORK (DPC_WORK_MAX_TRACES + 3)

struct dpc_work_queue_t {
	/** waiting work, oldest first */
	dpc_work_t *work[MAX_WORK];
	/** number of entries in work */
	size_t count;
	/** least ms between two check rounds */
	uint32_t spacing;
	/** when the last check was taken, monotonic ms */
	uint64_t last_check;
	/** a check was taken */
	bool checked;
};

dpc_work_queue_t *dpc_work_queue_create(uint32_t spacing)
{
	dpc_work_queue_t *q;

	q = calloc(1, sizeof(*q));
	if (q)
	{
		q->spacing = spacing;
	}
	return q;
}

/**
 * Add a waiter to work.
 */
static bool add_waiter(dpc_work_t *work, u_int id)
{
	size_t size;
	u_int *waiters;

	if (work->count == work->size)
	{
		size = work->size ? work->size * 2 : 4;
		waiters = realloc(work->waiters, size * sizeof(*waiters));
		if (!waiters)
		{
			return false;
		}
		work->waiters = waiters;
		work->size = size;
	}
	work->waiters[work->count++] = id;
	return true;
}

/**
 * Waiting work the request can join, and the number of traces waiting.
 */
static dpc_work_t *find(dpc_work_queue_t *q, dpc_work_kind_t kind,
						const dpc_trace_query_t *query, size_t *traces)
{
	dpc_work_t *found = NULL;
	size_t i;

	*traces = 0;
	for (i = 0; i < q->count; i++)
	{
		if (q->work[i]->kind != kind)
		{
			continue;
		}
		if (kind == DPC_WORK_TRACE)
		{	/* queries are zeroed before parsing: compare them whole */
			(*traces)++;
			if (memcmp(&q->work[i]->query, query, sizeof(*query)))
			{
				continue;
			}
		}
		found = q->work[i];
	}
	return found;
}

bool dpc_work_queue_add(dpc_work_queue_t *q, dpc_work_kind_t kind,
						const dpc_trace_query_t *query, u_int id,
						char *reason, size_t len)
{
	dpc_work_t *work;
	size_t traces;

	work = find(q, kind, query, &traces);
	if (!work)
	{
		if (kind == DPC_WORK_TRACE && traces >= DPC_WORK_MAX_TRACES)
		{
			snprintf(reason, len, "%d traces are waiting",
					 DPC_WORK_MAX_TRACES);
			return false;
		}
		work = calloc(1, sizeof(*work));
		if (!work)
		{
			snprintf(reason, len, "out of memory");
			return false;
		}
		work->kind = kind;
		if (query)
		{
			work->query = *query;
		}
		q->work[q->count++] = work;
	}
	if (!add_waiter(work, id))
	{
		snprintf(reason, len, "out of memory");
		if (!work->count)
		{	/* just created: take it back */
			q->count--;
			dpc_work_destroy(work);
		}
		return false;
	}
	return true;
}

/**
 * ms until work may start, 0 if now.
 */
static uint32_t not_before(dpc_work_queue_t *q, dpc_work_t *work,
						   uint64_t now)
{
	uint64_t due;

	if (work->kind != DPC_WORK_CHECK || !q->checked)
	{
		return 0;
	}
	due = q->last_check + q->spacing;
	return due > now ? (uint32_t)(due - now) : 0;
}

dpc_work_t *dpc_work_queue_take(dpc_work_queue_t *q, uint64_t now,
								uint32_t *wait)
{
	dpc_work_t *work;
	uint32_t left;
	size_t i;

	*wait = 0;
	for (i = 0; i < q->count; i++)
	{
		work = q->work[i];
		left = not_before(q, work, now);
		if (left)
		{
			*wait = left;
			continue;
		}
		q->count--;
		memmove(q->work + i, q->work + i + 1,
				(q->count - i) * sizeof(q->work[0]));
		if (work->kind == DPC_WORK_CHECK)
		{
			q->last_check = now;
			q->checked = true;
		}
		*wait = 0;
		return work;
	}
	return NULL;
}

size_t dpc_work_queue_count(dpc_work_queue_t *q)
{
	return q->count;
}

void dpc_work_queue_destroy(dpc_work_queue_t *q)
{
	if (q)
	{
		while (q->count)
		{
			dpc_work_destroy(q->work[--q->count]);
		}
		free(q);
	}
}

bool dpc_work_next_waiter(dpc_work_t *work, u_int *id)
{
	if (work->next >= work->count)
	{
		return false;
	}
	*id = work->waiters[work->next++];
	return true;
}

void dpc_work_destroy(dpc_work_t *work)
{
	if (work)
	{
		free(work->waiters);
		free(work);
	}
}

const char *dpc_work_name(dpc_work_kind_t kind)
{
	static const char *names[] = {
		[DPC_WORK_STATUS] = "status",
		[DPC_WORK_CHECK] = "check",
		[DPC_WORK_TRACE] = "trace",
		[DPC_WORK_VERSION] = "version",
	};

	return kind <= DPC_WORK_VERSION ? names[kind] : "command";
}
