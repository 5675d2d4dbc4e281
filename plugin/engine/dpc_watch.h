/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_watch dpc_watch
 * @{ @ingroup dataplane_check
 */

#ifndef DPC_WATCH_H_
#define DPC_WATCH_H_

#include "dpc_trigger.h"

typedef struct dpc_watch_t dpc_watch_t;

/**
 * Watches the kernel for changes the checks depend on: routes, policy
 * rules, addresses and links (rtnetlink), XFRM policies, states and
 * expires, and nftables ruleset generations, each on a multicast group of
 * its own non-blocking socket.
 *
 * One thread of its own reads them (never one of charon's workers) and
 * reports each change to the trigger, which never blocks; receive buffers
 * are bounded, and when the kernel drops notifications (ENOBUFS) an overrun
 * is reported, after which every tunnel is checked again.
 */
struct dpc_watch_t {

	/**
	 * Stop the thread, close the sockets and destroy the watcher.
	 */
	void (*destroy)(dpc_watch_t *this);
};

/**
 * Start watching.
 *
 * @param trigger		receives the changes
 * @return				watcher, NULL if no socket could be opened
 */
dpc_watch_t *dpc_watch_create(dpc_trigger_t *trigger);

#endif /** DPC_WATCH_H_ @}*/
