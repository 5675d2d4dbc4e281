/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_half_open dpc_half_open
 * @{ @ingroup dataplane_check
 *
 * What the plugin keeps of IKE_SAs that are not authenticated yet (pure,
 * libc only, not locked): the endpoints IKE_SA_INIT used (to show a move
 * to port 4500 later) and at most one alert that arrived before the IKE_SA
 * was authenticated (a TS_UNACCEPTABLE in the IKE_AUTH response).
 *
 * Anyone can make charon create IKE_SAs, so this is bounded: at most
 * DPC_HALF_OPEN_MAX entries (the oldest goes first), each gone when the
 * IKE_SA is authenticated (taken into its record), destroyed, or older than
 * charon's half-open timeout. Memory is given back when it is empty.
 */

#ifndef DPC_HALF_OPEN_H_
#define DPC_HALF_OPEN_H_

#include "dpc_idmap.h"
#include "dpc_record.h"

/** IKE_SAs remembered at most (~300 KB) */
#define DPC_HALF_OPEN_MAX 4096

/**
 * One IKE_SA that is not authenticated yet.
 */
typedef struct {
	/** unique id of the IKE_SA, 0 for a removed entry */
	uint32_t ike_id;
	/** endpoints of IKE_SA_INIT, family 0 if unknown */
	dpc_addr_t local, remote;
	/** monotonic time the entry was made */
	time_t created;
	/** an alert raised before authentication, NULL if none */
	dpc_alert_t *alert;
} dpc_half_open_entry_t;

/**
 * The entries, oldest first (a ring).
 */
typedef struct {
	/** the ring, NULL while empty */
	dpc_half_open_entry_t *ring;
	/** slots of the ring */
	uint32_t size;
	/** slot of the oldest entry */
	uint32_t head;
	/** slots in use from head on, removed entries included */
	uint32_t used;
	/** most entries */
	uint32_t max;
	/** IKE_SA unique id -> slot */
	dpc_idmap_t index;
} dpc_half_open_t;

/**
 * Initialize an empty map.
 *
 * @param max		entries kept at most (0: DPC_HALF_OPEN_MAX)
 */
void dpc_half_open_init(dpc_half_open_t *h, uint32_t max);

/**
 * Free all entries.
 */
void dpc_half_open_clear(dpc_half_open_t *h);

/**
 * Remember the endpoints of an IKE_SA's IKE_SA_INIT (the first ones stay).
 * When full, the oldest entry makes room.
 *
 * @return			FALSE if it could not be remembered (no memory)
 */
bool dpc_half_open_add(dpc_half_open_t *h, uint32_t ike_id,
					   const dpc_addr_t *local, const dpc_addr_t *remote,
					   time_t now);

/**
 * Keep an alert for an IKE_SA until it is authenticated (replaces an
 * earlier one).
 *
 * @return			FALSE if it could not be kept (no memory)
 */
bool dpc_half_open_add_alert(dpc_half_open_t *h, uint32_t ike_id,
							 const dpc_alert_t *alert, time_t now);

/**
 * Take the entry of an IKE_SA out of the map.
 *
 * @param out		receives the entry; its alert is the caller's to free
 * @return			FALSE if there is none
 */
bool dpc_half_open_take(dpc_half_open_t *h, uint32_t ike_id,
						dpc_half_open_entry_t *out);

/**
 * Look at the entry of an IKE_SA without taking it.
 *
 * @return			the entry, valid until the map changes; NULL if none
 */
const dpc_half_open_entry_t *dpc_half_open_peek(dpc_half_open_t *h,
												uint32_t ike_id);

/**
 * Forget an IKE_SA (it was destroyed).
 */
void dpc_half_open_remove(dpc_half_open_t *h, uint32_t ike_id);

/**
 * Forget the entries older than timeout seconds.
 */
void dpc_half_open_expire(dpc_half_open_t *h, time_t now, uint32_t timeout);

/**
 * Number of entries.
 */
uint32_t dpc_half_open_count(const dpc_half_open_t *h);

#endif /** DPC_HALF_OPEN_H_ @}*/
