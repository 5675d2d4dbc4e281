/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_registry dpc_registry
 * @{ @ingroup dataplane_check
 */

#ifndef DPC_REGISTRY_H_
#define DPC_REGISTRY_H_

#include "model/dpc_table.h"
#include "model/dpc_settings.h"

#include <library.h>

typedef struct dpc_registry_t dpc_registry_t;

/**
 * The records of every tracked IKE_SA and CHILD_SA (model/dpc_table.h)
 * behind a mutex.
 *
 * Bus hooks write (in-memory updates, O(1) for each record they touch),
 * rounds and reports take a snapshot: references to the records, taken in
 * one pass of pointer copies. Nothing under the mutex copies every record,
 * logs or calls out. Every method is thread safe and never calls into
 * charon, so it can be used from hooks that already own an IKE_SA. Reaching
 * the limit on records, or running out of memory, is logged once.
 */
struct dpc_registry_t {

	/**
	 * Insert or update an IKE_SA. Known records keep their children,
	 * alerts, rekey history and initial endpoints.
	 *
	 * @param ike		filled record, fields copied (children ignored)
	 */
	void (*ike_set)(dpc_registry_t *this, const dpc_ike_rec_t *ike);

	/**
	 * An IKE_SA went down.
	 */
	void (*ike_down)(dpc_registry_t *this, uint32_t ike_id, time_t now);

	/**
	 * An IKE_SA was rekeyed: the new one inherits history and CHILD_SAs.
	 *
	 * @param new_ike	filled record of the new IKE_SA
	 */
	void (*ike_rekey)(dpc_registry_t *this, uint32_t old_id,
					  const dpc_ike_rec_t *new_ike, time_t now);

	/**
	 * The endpoints IKE_SA_INIT used (before a move to port 4500), kept in
	 * a small bounded map until the IKE_SA is authenticated, destroyed or
	 * older than charon's half-open timeout; no record is made.
	 */
	void (*ike_initial)(dpc_registry_t *this, uint32_t ike_id,
						const dpc_addr_t *local, const dpc_addr_t *remote);

	/**
	 * An IKE_SA is destroyed (of interest if it never came up).
	 */
	void (*ike_gone)(dpc_registry_t *this, uint32_t ike_id);

	/**
	 * An IKE_SA this gateway initiated retransmits a request or gives up
	 * (kept only if it is a failing NAT-T float, see
	 * dpc_table_ike_retransmit()).
	 *
	 * @param ike_id	IKE_SA unique id
	 * @param name		peer config name
	 * @param local		source of the request
	 * @param remote	destination of the request
	 * @param retransmits	retransmits so far (0 with timed_out)
	 * @param timed_out	charon gave up
	 */
	void (*ike_retransmit)(dpc_registry_t *this, uint32_t ike_id,
						   const char *name, const dpc_addr_t *local,
						   const dpc_addr_t *remote, uint32_t retransmits,
						   bool timed_out);

	/**
	 * An IKE_SA's endpoints changed (NAT rebinding, MOBIKE).
	 */
	void (*ike_update)(dpc_registry_t *this, uint32_t ike_id,
					   const dpc_addr_t *local, const dpc_addr_t *remote,
					   time_t now);

	/**
	 * A CHILD_SA was installed.
	 *
	 * @param child		record, ownership taken (its lists are moved)
	 */
	void (*child_up)(dpc_registry_t *this, uint32_t ike_id,
					 dpc_child_rec_t *child);

	/**
	 * A CHILD_SA went down.
	 */
	void (*child_down)(dpc_registry_t *this, uint32_t ike_id,
					   uint32_t child_id, time_t now);

	/**
	 * A CHILD_SA was replaced by a rekey.
	 *
	 * @param child		record of the new CHILD_SA, ownership taken
	 */
	void (*child_rekey)(dpc_registry_t *this, uint32_t ike_id,
						uint32_t old_id, dpc_child_rec_t *child, time_t now);

	/**
	 * Record an alert for an IKE_SA. An unknown, authenticated IKE_SA gets
	 * a stub record; the alert of an unauthenticated one waits in the
	 * bounded map until it is authenticated.
	 *
	 * @param authenticated	the IKE_SA is authenticated
	 */
	void (*add_alert)(dpc_registry_t *this, uint32_t ike_id,
					  const char *ike_name, const dpc_alert_t *alert,
					  bool authenticated);

	/**
	 * The narrow hook saw a CHILD_SA's selectors narrowed.
	 */
	void (*mark_narrowed)(dpc_registry_t *this, uint32_t child_id);

	/**
	 * Store traffic samples (unknown CHILD_SAs are ignored).
	 *
	 * @param s			the samples
	 * @param count		how many
	 * @param window	the traffic window in seconds (samples closer than
	 *					an eighth of it are thinned out)
	 */
	void (*add_samples)(dpc_registry_t *this, const dpc_child_sample_t *s,
						int count, uint32_t window);

	/**
	 * Note which TCP MSS clamp covers a CHILD_SA's traffic.
	 */
	void (*set_mss)(dpc_registry_t *this, uint32_t child_id, const char *mss);

	/**
	 * References to all records (read only; dpc_tunnels_clear() drops
	 * them).
	 *
	 * @param out		initialized, receives the references
	 * @return			FALSE on allocation failure
	 */
	bool (*snapshot)(dpc_registry_t *this, dpc_tunnels_t *out);

	/**
	 * Drop records that are down for longer than keep seconds, and what
	 * unauthenticated IKE_SAs left after the half-open timeout (one pass).
	 */
	void (*expire)(dpc_registry_t *this, time_t now, uint32_t keep);

	/**
	 * Is the subject still up (host, IKE_SA or CHILD_SA)?
	 */
	bool (*is_alive)(dpc_registry_t *this, const dpc_subject_t *subject);

	/**
	 * How many records there are, and how many may be.
	 */
	void (*get_stats)(dpc_registry_t *this, dpc_table_stats_t *stats);

	/**
	 * Apply new settings (max_records, half_open_timeout).
	 */
	void (*set_settings)(dpc_registry_t *this, const dpc_settings_t *settings);

	/**
	 * Destroy the registry and all records.
	 */
	void (*destroy)(dpc_registry_t *this);
};

/**
 * Create an empty registry.
 *
 * @param settings		max_records and half_open_timeout are used
 * @return				the registry, NULL if out of memory
 */
dpc_registry_t *dpc_registry_create(const dpc_settings_t *settings);

#endif /** DPC_REGISTRY_H_ @}*/
