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

#include "dpc_record.h"

#include <library.h>

typedef struct dpc_registry_t dpc_registry_t;

/**
 * Traffic counters of one CHILD_SA, sampled by a round.
 */
typedef struct {
	/** CHILD_SA unique id */
	uint32_t child_id;
	/** the counters */
	dpc_sample_t sample;
} dpc_child_sample_t;

/**
 * The records of every tracked IKE_SA and CHILD_SA.
 *
 * Bus hooks write (cheap in-memory updates under one mutex), rounds read a
 * deep copy. Every method is thread safe and never calls into charon, so it
 * can be used from hooks that already own an IKE_SA.
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
	 * The endpoints IKE_SA_INIT used (before a move to port 4500).
	 * Creates a record that the IKE_SA coming up completes.
	 */
	void (*ike_initial)(dpc_registry_t *this, uint32_t ike_id,
						const dpc_addr_t *local, const dpc_addr_t *remote);

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
	 * Record an alert for an IKE_SA (creates a stub record if unknown).
	 */
	void (*add_alert)(dpc_registry_t *this, uint32_t ike_id,
					  const char *ike_name, const dpc_alert_t *alert);

	/**
	 * The narrow hook saw a CHILD_SA's selectors narrowed.
	 */
	void (*mark_narrowed)(dpc_registry_t *this, uint32_t child_id);

	/**
	 * Store traffic samples (unknown CHILD_SAs are ignored).
	 */
	void (*add_samples)(dpc_registry_t *this, const dpc_child_sample_t *s,
						int count);

	/**
	 * Note which TCP MSS clamp covers a CHILD_SA's traffic.
	 */
	void (*set_mss)(dpc_registry_t *this, uint32_t child_id, const char *mss);

	/**
	 * Deep copy all records.
	 *
	 * @return			FALSE on allocation failure
	 */
	bool (*snapshot)(dpc_registry_t *this, dpc_tunnels_t *out);

	/**
	 * Drop records that are down for longer than keep seconds.
	 */
	void (*expire)(dpc_registry_t *this, time_t now, uint32_t keep);

	/**
	 * Is the subject still up (host, IKE_SA or CHILD_SA)?
	 */
	bool (*is_alive)(dpc_registry_t *this, const dpc_subject_t *subject);

	/**
	 * Number of tracked IKE_SAs and CHILD_SAs that are up.
	 */
	void (*count)(dpc_registry_t *this, int *ikes, int *children);

	/**
	 * Destroy the registry and all records.
	 */
	void (*destroy)(dpc_registry_t *this);
};

/**
 * Create an empty registry.
 */
dpc_registry_t *dpc_registry_create(void);

#endif /** DPC_REGISTRY_H_ @}*/
