/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_store dpc_store
 * @{ @ingroup dataplane_check
 *
 * The findings store: keeps active findings and turns each round's result
 * into appear / change / resolve events (pure, libc only, not locked).
 */

#ifndef DPC_STORE_H_
#define DPC_STORE_H_

#include "dpc_finding.h"

/**
 * What happened to a finding in a round.
 */
typedef enum {
	/** seen for the first time */
	DPC_EVENT_APPEAR,
	/** still there, severity, message or evidence changed */
	DPC_EVENT_CHANGE,
	/** gone: the condition no longer holds */
	DPC_EVENT_RESOLVE,
	/** gone with its subject (SA closed); reported at debug level only */
	DPC_EVENT_DROP,
} dpc_event_type_t;

/**
 * Name of an event type: "appear", "change", "resolve", "drop".
 */
const char *dpc_event_type_name(dpc_event_type_t type);

/**
 * Called for each event of an update, in order.
 *
 * @param ctx		caller context
 * @param type		what happened
 * @param f			the finding (its state after the update)
 */
typedef void (*dpc_store_event_cb_t)(void *ctx, dpc_event_type_t type,
									 const dpc_finding_t *f);

/**
 * Tells whether a subject still exists; findings of subjects that are gone
 * are dropped instead of resolved.
 *
 * @return			TRUE if the subject is still tracked
 */
typedef bool (*dpc_store_alive_cb_t)(void *ctx, const dpc_subject_t *subject);

typedef struct dpc_store_t dpc_store_t;

/**
 * Create an empty store.
 */
dpc_store_t *dpc_store_create(void);

/**
 * Destroy a store.
 */
void dpc_store_destroy(dpc_store_t *store);

/**
 * Merge the complete result of a round.
 *
 * Every finding in "round" that is not active yet appears, an active one
 * whose content differs changes (first_seen kept), and every active finding
 * missing from "round" is resolved, or dropped if alive() says its subject
 * is gone.
 *
 * Events come in two passes: first every resolve/drop (in the order the
 * findings appeared), then every appear/change in the order of "round". A
 * key occurring several times in "round" counts once (its first). Changes
 * of the hint alone are stored without an event.
 *
 * @param now		monotonic time of the round
 * @param wall		wall clock time of the round
 */
void dpc_store_update(dpc_store_t *store, const dpc_findings_t *round,
					  time_t now, time_t wall, dpc_store_alive_cb_t alive,
					  dpc_store_event_cb_t event, void *ctx);

/**
 * Copy the active findings into out (appended).
 *
 * @return			number of findings copied
 */
size_t dpc_store_get_active(dpc_store_t *store, dpc_findings_t *out);

/**
 * Number of active findings.
 */
size_t dpc_store_count(dpc_store_t *store);

#endif /** DPC_STORE_H_ @}*/
