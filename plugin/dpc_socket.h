/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_socket dpc_socket
 * @{ @ingroup dataplane_check
 *
 * The query socket: the vici wire format on the plugin's own stream service.
 *
 * Commands `status`, `check`, `trace` and `version` answer with the message
 * the provider builds; the event `finding` is raised through notify(). Unknown
 * commands get CMD_UNKNOWN, unknown events EVENT_UNKNOWN. A declared packet
 * length above DPC_VICI_MAX_PACKET or a malformed packet closes that
 * connection, and so does a client that lets too much output queue up.
 */

#ifndef DPC_SOCKET_H_
#define DPC_SOCKET_H_

#include <library.h>

#include "dpc_settings.h"

/** name of the event clients register for */
#define DPC_SOCKET_EVENT_FINDING "finding"

typedef struct dpc_socket_t dpc_socket_t;
typedef struct dpc_socket_provider_t dpc_socket_provider_t;

/**
 * Where the socket gets its answers (implemented by the plugin).
 *
 * Methods are called from worker threads, possibly concurrently, never with
 * a lock of the socket held. Each returns an encoded vici message (see
 * dpc_report.h) allocated with malloc(), which the socket frees, or
 * chunk_empty on failure (the client then gets success=no and errmsg).
 */
struct dpc_socket_provider_t {

	/**
	 * Build the reply to `status`: tracked tunnels and active findings.
	 *
	 * @return			encoded message, chunk_empty on failure
	 */
	chunk_t (*status)(dpc_socket_provider_t *this);

	/**
	 * Run a round now, block until it completed, then build the reply like
	 * status(). The socket never has more than one call of this running;
	 * clients asking meanwhile are answered by the next call. Must return
	 * (with chunk_empty) when the plugin is shutting down.
	 *
	 * @return			encoded message, chunk_empty on failure
	 */
	chunk_t (*check)(dpc_socket_provider_t *this);

	/**
	 * Trace a packet: build the reply to `trace` (see dpc_trace.h). A
	 * request that cannot be traced gets a reply with success=no and a
	 * clear errmsg.
	 *
	 * @param request	the request message: well-formed, keys unchecked
	 * @return			encoded message, chunk_empty on failure
	 */
	chunk_t (*trace)(dpc_socket_provider_t *this, chunk_t request);

	/**
	 * Build the reply to `version`.
	 *
	 * @return			encoded message, chunk_empty on failure
	 */
	chunk_t (*version)(dpc_socket_provider_t *this);
};

/**
 * The query socket.
 */
struct dpc_socket_t {

	/**
	 * Raise a `finding` event to every client registered for it.
	 *
	 * Never blocks on clients: the packet is queued per client and written
	 * when the client's socket is ready. A client with too much queued
	 * output is disconnected.
	 *
	 * @param msg		encoded event message (see dpc_report_event()),
	 *					copied, the caller keeps it
	 */
	void (*notify)(dpc_socket_t *this, chunk_t msg);

	/**
	 * Check whether any client is registered for `finding` events (to skip
	 * building event messages nobody reads).
	 *
	 * @return			TRUE if at least one client is registered
	 */
	bool (*has_listeners)(dpc_socket_t *this);

	/**
	 * Close all connections and the socket.
	 *
	 * No provider method may be running any more (charon cancels its
	 * worker threads before it unloads plugins).
	 */
	void (*destroy)(dpc_socket_t *this);
};

/**
 * Create the query socket on settings->socket, then apply socket_mode and
 * socket_group to unix:// sockets.
 *
 * @param settings		validated settings (read during the call only)
 * @param provider		answers commands, must outlive the socket
 * @return				socket, NULL if it could not be created
 */
dpc_socket_t *dpc_socket_create(const dpc_settings_t *settings,
								dpc_socket_provider_t *provider);

#endif /** DPC_SOCKET_H_ @}*/
