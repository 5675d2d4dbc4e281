/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_round_runner dpc_round_runner
 * @{ @ingroup dataplane_check
 */

#ifndef DPC_ROUND_RUNNER_H_
#define DPC_ROUND_RUNNER_H_

#include <utils/utils.h>

typedef struct dpc_round_runner_t dpc_round_runner_t;

/**
 * Work done on the runner's thread.
 *
 * @param data		caller's data
 */
typedef void (*dpc_round_runner_cb_t)(void *data);

/**
 * One thread of the plugin's own that runs the work of a round for its
 * caller while the caller waits.
 *
 * Rounds are started by charon's processor jobs, so charon's shutdown still
 * governs them (no job starts once it stops its workers, and cancelling a
 * job aborts its round), but each round runs here: the small blocks of
 * every round come from this thread's malloc arena instead of the arena of
 * whichever worker ran the job, where the holes they leave stay resident.
 */
struct dpc_round_runner_t {

	/**
	 * Run cb(data) on the runner's thread and wait until it returns; one
	 * caller at a time, others wait for their turn.
	 *
	 * @param cb		work to run
	 * @param data		its data
	 * @return			FALSE if the runner stops (cb was not run)
	 */
	bool (*run)(dpc_round_runner_t *this, dpc_round_runner_cb_t cb,
				void *data);

	/**
	 * Stop the thread once the work it was given returns, and free: callers
	 * inside run() leave first (FALSE if their work was not given yet); no
	 * run() may start once destroy() is called.
	 */
	void (*destroy)(dpc_round_runner_t *this);
};

/**
 * Create a runner and start its thread.
 *
 * @return			runner, NULL if no thread could be started
 */
dpc_round_runner_t *dpc_round_runner_create(void);

#endif /** DPC_ROUND_RUNNER_H_ @}*/
