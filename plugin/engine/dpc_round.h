/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_round dpc_round
 * @{ @ingroup dataplane_check
 */

#ifndef DPC_ROUND_H_
#define DPC_ROUND_H_

#include "dpc_registry.h"
#include "dpc_trigger.h"
#include "model/dpc_settings.h"
#include "model/dpc_store.h"
#include "model/dpc_trace_types.h"

typedef struct dpc_round_t dpc_round_t;

/**
 * Receives every finding event of a round (besides the log).
 *
 * @param ctx		registered context
 * @param type		appear, change, resolve or drop
 * @param f			the finding
 */
typedef void (*dpc_round_event_cb_t)(void *ctx, dpc_event_type_t type,
									 const dpc_finding_t *f);

/**
 * Check rounds: sample traffic counters, read the system facts, run the
 * checks over the tracked tunnels and report what changed.
 *
 * A periodic round and a round on demand check every tunnel; a round after
 * changes of records (dpc_trigger_t trigger()) and of the kernel (changed())
 * checks the tunnels they concern, unless the netfilter ruleset or a sysctl
 * changed too, and the findings of the others stay.
 *
 * Rounds are started by processor jobs (periodic, after a settle delay) or
 * on demand from the query socket, one at a time, each within a wall clock
 * budget (round_budget): a round that runs out of it is dropped and the
 * findings of the last complete round stay. Each runs on the plugin's round
 * thread (dpc_round_runner_t) while its caller waits.
 */
struct dpc_round_t {

	/**
	 * Implements dpc_trigger_t: a round after the settle delay (coalesced).
	 */
	dpc_trigger_t trigger;

	/**
	 * Run a round and wait for it (waits for a running one first).
	 */
	void (*run)(dpc_round_t *this);

	/**
	 * Start periodic rounds.
	 */
	void (*start)(dpc_round_t *this);

	/**
	 * Replace the settings (after a reload).
	 */
	void (*set_settings)(dpc_round_t *this, const dpc_settings_t *settings);

	/**
	 * Get a copy of the settings.
	 */
	void (*get_settings)(dpc_round_t *this, dpc_settings_t *settings);

	/**
	 * Copy the active findings and the tracked tunnels, for reports.
	 *
	 * @param findings	receives the active findings (appended)
	 * @param tunnels	receives a snapshot of the records (references)
	 * @param last		receives the wall clock time of the last round
	 */
	void (*get_state)(dpc_round_t *this, dpc_findings_t *findings,
					  dpc_tunnels_t *tunnels, time_t *last);

	/**
	 * Name of the data plane ("xfrm" or "libipsec").
	 */
	const char *(*get_dataplane)(dpc_round_t *this);

	/**
	 * Trace a packet through the gateway (see dpc_trace.h) on the kernel's
	 * current state and the tracked tunnels. Runs in the calling thread,
	 * after a running round (they share the ruleset cache).
	 *
	 * @param q			the packet
	 * @param res		receives the outcome
	 * @return			FALSE if the kernel's state cannot be read
	 */
	bool (*trace)(dpc_round_t *this, const dpc_trace_query_t *q,
				  dpc_trace_result_t *res);

	/**
	 * Get the counters of kernel changes and rounds.
	 */
	void (*get_change_stats)(dpc_round_t *this, dpc_change_stats_t *stats);

	/**
	 * Say whether the kernel is watched (for the counters).
	 */
	void (*set_watching)(dpc_round_t *this, bool watching);

	/**
	 * Register the receiver of finding events (one, NULL to unset).
	 */
	void (*set_event_cb)(dpc_round_t *this, dpc_round_event_cb_t cb,
						 void *ctx);

	/**
	 * Stop for good: a running round or trace stops at once (its results
	 * dropped), later ones return at once. For charon's shutdown, from
	 * any thread: the processor cancels the round jobs through it, the
	 * plugin calls it when it is unloaded.
	 */
	void (*abort)(dpc_round_t *this);

	/**
	 * Destroy the round manager.
	 */
	void (*destroy)(dpc_round_t *this);
};

/**
 * Create the round manager.
 *
 * @param registry		the records
 * @param settings		initial settings
 */
dpc_round_t *dpc_round_create(dpc_registry_t *registry,
							  const dpc_settings_t *settings);

#endif /** DPC_ROUND_H_ @}*/
