/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_round_thread dpc_round_thread
 * @{ @ingroup dataplane_check
 *
 * The one thread check rounds run on: periodic rounds, a round after the
 * settle delay, rounds on demand.
 *
 * A round never occupies one of charon's workers, so IKE processing never
 * waits for it; and everything a round allocates comes from the one malloc
 * arena of this thread: the memory glibc keeps for reuse after a round is a
 * round's, not one per worker that happened to run one.
 */

#ifndef DPC_ROUND_THREAD_H_
#define DPC_ROUND_THREAD_H_

#include <stdbool.h>
#include <stdint.h>

typedef struct dpc_round_thread_t dpc_round_thread_t;

/**
 * Runs one round, on the thread.
 *
 * @param ctx		registered context
 * @param full		a periodic round or one on demand (else after the
 *					settle delay)
 */
typedef void (*dpc_round_thread_cb_t)(void *ctx, bool full);

/**
 * The thread of the rounds and when they are due.
 */
struct dpc_round_thread_t {

	/**
	 * Start periodic rounds, the first one interval after now.
	 *
	 * @param interval_ms	time between the end of one and the next
	 */
	void (*start)(dpc_round_thread_t *this, uint32_t interval_ms);

	/**
	 * Change the interval of periodic rounds (if started): the next one
	 * is due interval after now.
	 */
	void (*set_interval)(dpc_round_thread_t *this, uint32_t interval_ms);

	/**
	 * Make a round after the settle delay due, unless one is due already.
	 * Never blocks (for bus hooks).
	 */
	void (*trigger)(dpc_round_thread_t *this, uint32_t settle_ms);

	/**
	 * Run a full round on demand and wait until it is done (a round that
	 * started before the call does not count).
	 *
	 * @return			FALSE if the thread stopped instead
	 */
	bool (*run)(dpc_round_thread_t *this);

	/**
	 * Stop: no round starts any more, run() returns at once; a running
	 * round is left to end (abort it first to make that quick).
	 */
	void (*stop)(dpc_round_thread_t *this);

	/**
	 * Stop and wait for the thread to end, then free.
	 */
	void (*destroy)(dpc_round_thread_t *this);
};

/**
 * Create the thread.
 *
 * @param cb		runs a round
 * @param ctx		its context
 * @return			NULL if no thread could be created
 */
dpc_round_thread_t *dpc_round_thread_create(dpc_round_thread_cb_t cb,
											void *ctx);

#endif /** DPC_ROUND_THREAD_H_ @}*/
