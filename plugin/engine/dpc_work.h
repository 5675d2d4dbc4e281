/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_work dpc_work
 * @{ @ingroup dataplane_check
 *
 * The queue of the query socket's work (libc only): what clients asked
 * for, coalesced and bounded, waiting for the one executor.
 *
 * Requests of the same kind share one piece of work while it waits: every
 * `check` waiting is answered by the same round (which starts after all of
 * their requests), every `status` and `version` by the same reply, every
 * `trace` of the same packet by the same trace. Rounds for `check` start at
 * most once per spacing (so clients looping `check` cost at most one round
 * per spacing, not rounds back to back). At most DPC_WORK_MAX_TRACES
 * different traces wait; a client asking for another one is answered busy.
 * So the queue never holds more than DPC_WORK_MAX_TRACES + 3 pieces of
 * work, whatever the number of clients.
 */

#ifndef DPC_WORK_H_
#define DPC_WORK_H_

#include "model/dpc_trace_types.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/** most different traces waiting */
#define DPC_WORK_MAX_TRACES 4

/**
 * Kinds of work.
 */
typedef enum {
	DPC_WORK_STATUS,
	DPC_WORK_CHECK,
	DPC_WORK_TRACE,
	DPC_WORK_VERSION,
} dpc_work_kind_t;

/**
 * A piece of work and the clients waiting for it.
 */
typedef struct {
	/** what to do */
	dpc_work_kind_t kind;
	/** the packet to trace (DPC_WORK_TRACE) */
	dpc_trace_query_t query;
	/** ids of the waiting clients */
	u_int *waiters;
	/** number of waiters */
	size_t count;
	/** slots allocated in waiters */
	size_t size;
	/** next waiter dpc_work_next_waiter() returns */
	size_t next;
} dpc_work_t;

typedef struct dpc_work_queue_t dpc_work_queue_t;

/**
 * Create an empty queue.
 *
 * @param spacing	least ms between the starts of two `check` rounds
 * @return			queue, NULL if out of memory
 */
dpc_work_queue_t *dpc_work_queue_create(uint32_t spacing);

/**
 * Add a client's request: join waiting work of the same kind (and packet),
 * or queue new work.
 *
 * @param q			queue
 * @param kind		what the client asks for
 * @param query		the packet for DPC_WORK_TRACE, NULL otherwise
 * @param id		the client
 * @param reason	receives why the client must be answered busy
 * @param len		size of reason
 * @return			FALSE if the client must be answered busy
 */
bool dpc_work_queue_add(dpc_work_queue_t *q, dpc_work_kind_t kind,
						const dpc_trace_query_t *query, u_int id,
						char *reason, size_t len);

/**
 * Take the oldest work that may start now out of the queue; requests
 * arriving from now on get new work. A `check` may start once spacing ms
 * have passed since the last one taken.
 *
 * @param now		monotonic ms
 * @param wait		receives the ms until waiting work may start (0 if
 *					none waits)
 * @return			work (dpc_work_destroy() it), NULL if none may start
 */
dpc_work_t *dpc_work_queue_take(dpc_work_queue_t *q, uint64_t now,
								uint32_t *wait);

/**
 * Number of pieces of work waiting.
 */
size_t dpc_work_queue_count(dpc_work_queue_t *q);

/**
 * Destroy a queue and the work in it.
 */
void dpc_work_queue_destroy(dpc_work_queue_t *q);

/**
 * Enumerate the waiting clients, oldest first.
 *
 * @return			FALSE when all were returned
 */
bool dpc_work_next_waiter(dpc_work_t *work, u_int *id);

/**
 * Destroy work taken from a queue (NULL is fine).
 */
void dpc_work_destroy(dpc_work_t *work);

/**
 * Command name of a kind ("status", "check", "trace", "version").
 */
const char *dpc_work_name(dpc_work_kind_t kind);

#endif /** DPC_WORK_H_ @}*/
