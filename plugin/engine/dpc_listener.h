/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_listener dpc_listener
 * @{ @ingroup dataplane_check
 */

#ifndef DPC_LISTENER_H_
#define DPC_LISTENER_H_

#include "dpc_registry.h"
#include "dpc_trigger.h"

#include <bus/listeners/listener.h>

typedef struct dpc_listener_t dpc_listener_t;

/**
 * Listens on charon's bus: copies IKE_SA/CHILD_SA facts into the registry
 * and asks for a check round after things settled.
 *
 * Hooks run with the bus mutex held and an IKE_SA checked out, so they only
 * copy into memory and schedule: no netlink, no file I/O, no SA checkout.
 */
struct dpc_listener_t {

	/**
	 * Implements listener_t.
	 */
	listener_t listener;

	/**
	 * Destroy the listener.
	 */
	void (*destroy)(dpc_listener_t *this);
};

/**
 * Create the listener.
 *
 * @param registry		where facts go
 * @param trigger		asks for check rounds
 */
dpc_listener_t *dpc_listener_create(dpc_registry_t *registry,
									dpc_trigger_t *trigger);

#endif /** DPC_LISTENER_H_ @}*/
