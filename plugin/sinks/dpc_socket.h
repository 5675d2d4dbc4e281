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
 * The query socket: the vici wire format on the plugin's own UNIX socket.
 *
 * The transport only: connections, packet framing (dpc_vici_frame), event
 * registration. All of it runs in one thread of the socket's own, which
 * polls the listening socket and the clients and never blocks on a
 * client; no charon worker is used. Command requests go to a callback,
 * which answers them with respond() or busy(); the event `finding` is
 * raised through notify(). Unknown commands get CMD_UNKNOWN, unknown events
 * EVENT_UNKNOWN.
 *
 * Limits (settings socket_clients, socket_rate, socket_idle_timeout): each
 * client has one command answered at a time (what it sends meanwhile waits
 * in its socket buffer) and at most socket_rate per second; a connection
 * that asks nothing, awaits nothing and is not registered for events is
 * closed after socket_idle_timeout; beyond socket_clients connections, a
 * new one takes the place of the connection silent the longest (for a
 * second or more), and if there is none it gets a "busy" answer to its
 * first command and is closed. A
 * declared packet length above DPC_VICI_MAX_PACKET or a malformed packet
 * closes that connection, and so does a client that lets too much output
 * queue up (a slow event subscriber is dropped with one log line; rounds
 * never wait for it).
 */

#ifndef DPC_SOCKET_H_
#define DPC_SOCKET_H_

#include <library.h>

#include "model/dpc_settings.h"

/** name of the event clients register for */
#define DPC_SOCKET_EVENT_FINDING "finding"

typedef struct dpc_socket_t dpc_socket_t;

/**
 * Handles a command request.
 *
 * Called from the socket's thread, never with a lock of the socket held:
 * it must not block (queue the work, answer later from any thread). A
 * client's next request is read only after this one is answered.
 *
 * @param user			context given to dpc_socket_create()
 * @param id			client that sent the command, for respond()
 * @param name			command name
 * @param request		the request message: well-formed, keys unchecked;
 *						valid during the call only
 * @return				TRUE if the command is known and will be answered
 *						with respond() (now or later, from any thread),
 *						FALSE to answer CMD_UNKNOWN
 */
typedef bool (*dpc_socket_command_cb_t)(void *user, u_int id, char *name,
										chunk_t request);

/**
 * The query socket.
 */
struct dpc_socket_t {

	/**
	 * Answer a command (a CMD_RESPONSE packet) once its callback accepted
	 * it. Queued like events; a client that disconnected meanwhile is
	 * skipped.
	 *
	 * @param id		client the callback got
	 * @param msg		encoded reply message, copied, the caller keeps it
	 */
	void (*respond)(dpc_socket_t *this, u_int id, chunk_t msg);

	/**
	 * Answer a command accepted by the callback with "busy": success = no,
	 * busy = yes, errmsg = "busy: <reason>, try again later".
	 *
	 * @param id		client the callback got
	 * @param reason	why, e.g. "4 traces are waiting"
	 */
	void (*busy)(dpc_socket_t *this, u_int id, const char *reason);

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
	 * Stop the socket's thread, send what is queued if the clients take it
	 * now, close all connections and the socket.
	 */
	void (*destroy)(dpc_socket_t *this);
};

/**
 * Create the query socket on settings->socket (unix://) with socket_mode
 * and socket_group set before it accepts connections, and start its
 * thread.
 *
 * @param settings		validated settings (read during the call only)
 * @param cb			handles command requests
 * @param user			context for cb, must outlive the socket
 * @return				socket, NULL if it could not be created
 */
dpc_socket_t *dpc_socket_create(const dpc_settings_t *settings,
								dpc_socket_command_cb_t cb, void *user);

#endif /** DPC_SOCKET_H_ @}*/
