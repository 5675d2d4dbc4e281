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
 *
 * A merge allocates everything it needs before it changes the store, so it
 * either happens completely or not at all (the next round retries), and it
 * hands the events back instead of calling out: the caller reports them
 * after releasing its lock.
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
 * One event of a merge.
 */
typedef struct {
	/** what happened */
	dpc_event_type_t type;
	/** index of the finding: in the store's active ones (appear, change) or
	 *  in dpc_store_events_t.gone (resolve, drop) */
	size_t index;
} dpc_store_event_t;

/**
 * The events of a merge, to report with dpc_store_emit().
 */
typedef struct {
	/** the events, in order */
	dpc_store_event_t *items;
	/** number of events */
	size_t count;
	/** copies of the findings that left the store */
	dpc_findings_t gone;
} dpc_store_events_t;

/**
 * Merge the complete result of a round, as dpc_store_update() does, but
 * return the events instead of reporting them.
 *
 * Report them with dpc_store_emit() before the store is merged again (the
 * appear and change events point into the store); reading the store
 * meanwhile is fine.
 *
 * @param events	receives the events (dpc_store_emit() frees them)
 * @return			FALSE if out of memory: nothing changed, no events
 */
bool dpc_store_merge(dpc_store_t *store, const dpc_findings_t *round,
					 time_t now, time_t wall, dpc_store_alive_cb_t alive,
					 void *ctx, dpc_store_events_t *events);

/**
 * Tells whether a round looked at a finding's subject: an active finding
 * missing from a round resolves only if it did. The answer must depend on
 * the subject's ike_id and child_id alone (the store asks once for
 * consecutive findings of the same ones).
 *
 * @return			TRUE if the round checked the subject again
 */
typedef bool (*dpc_store_scope_cb_t)(void *ctx, const dpc_subject_t *subject);

/**
 * Merge the result of a round that checked only some subjects, as
 * dpc_store_merge() does, except that an active finding missing from the
 * round resolves (or is dropped) only if in_scope() says the round checked
 * its subject; the findings of the others stay as they are.
 *
 * @param in_scope	the subjects the round checked (NULL: all)
 * @return			FALSE if out of memory: nothing changed, no events
 */
bool dpc_store_merge_scope(dpc_store_t *store, const dpc_findings_t *round,
						   time_t now, time_t wall, dpc_store_alive_cb_t alive,
						   dpc_store_scope_cb_t in_scope, void *ctx,
						   dpc_store_events_t *events);

/**
 * Report the events of a merge, in order, and free them.
 *
 * @param event		receives each event (NULL: just free them)
 */
void dpc_store_emit(dpc_store_t *store, dpc_store_events_t *events,
					dpc_store_event_cb_t event, void *ctx);

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
 * If memory runs out, nothing changes and no event is reported.
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
