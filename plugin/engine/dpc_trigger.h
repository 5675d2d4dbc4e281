/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_trigger dpc_trigger
 * @{ @ingroup dataplane_check
 */

#ifndef DPC_TRIGGER_H_
#define DPC_TRIGGER_H_

#include "model/dpc_change.h"

typedef struct dpc_trigger_t dpc_trigger_t;

/**
 * Asks for a check round: all that sources of change (the bus listener,
 * the kernel watcher) need of the rounds, so they do not depend on what a round reads and
 * reports (implemented by dpc_round_t).
 */
struct dpc_trigger_t {

	/**
	 * Ask for a round after the settle delay because a record changed;
	 * requests made while one is pending are served by it. The round checks
	 * that IKE_SA's tunnel and those compared with it (every tunnel for
	 * 0). Never blocks, safe from bus hooks.
	 *
	 * @param ike_id	unique id of the IKE_SA whose record changed, 0 if
	 *					unknown
	 */
	void (*trigger)(dpc_trigger_t *this, uint32_t ike_id);

	/**
	 * Report a kernel change: a round after the settle delay (coalesced
	 * with pending requests) checks the tunnels it concerns. Never blocks
	 * (a bounded list of changes; when it is full, the round checks every
	 * tunnel).
	 *
	 * @param change	the change
	 */
	void (*changed)(dpc_trigger_t *this, const dpc_change_t *change);
};

#endif /** DPC_TRIGGER_H_ @}*/
