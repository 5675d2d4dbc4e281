/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_query dpc_query
 * @{ @ingroup dataplane_check
 *
 * Answers the commands of the query socket and raises its finding events.
 *
 * Commands (the messages are described in dpc_report.h and dpc_trace.h):
 * - `status`: the tracked tunnels (those whose IKE_SA came up) and the
 *   active findings
 * - `check`: run a round now, then answer like `status`; every client is
 *   answered by a round that started after its request, and clients asking
 *   while a round runs share the next one (rounds for `check` start at
 *   most once a second)
 * - `trace`: the packet trace of the request's src/dst/proto/port
 * - `version`: plugin and strongSwan version, data plane
 *
 * A command that fails is answered with success=no and errmsg.
 *
 * Commands are answered by one thread of the query's own (never a charon
 * worker), at a lower CPU priority than charon's threads, one piece of
 * work at a time from a bounded queue where requests that can share an
 * answer share it (see dpc_work.h); a `trace` that cannot be queued is
 * answered busy.
 */

#ifndef DPC_QUERY_H_
#define DPC_QUERY_H_

#include "dpc_registry.h"
#include "dpc_round.h"
#include "model/dpc_settings.h"

typedef struct dpc_query_t dpc_query_t;

/**
 * The query object: the command switch of the socket, the replies, and
 * the events of the round.
 *
 * The reply builders may be called from any thread, possibly
 * concurrently. Each returns an encoded vici message allocated with
 * malloc(), or chunk_empty on failure.
 */
struct dpc_query_t {

	/**
	 * Build the reply to `status`.
	 *
	 * @return			encoded message, chunk_empty on failure
	 */
	chunk_t (*status)(dpc_query_t *this);

	/**
	 * Run a round in the calling thread, then build the reply like
	 * status().
	 *
	 * @return			encoded message, chunk_empty on failure
	 */
	chunk_t (*check)(dpc_query_t *this);

	/**
	 * Trace a packet: build the reply to `trace`. A request that cannot be
	 * traced gets a reply with success=no and a clear errmsg.
	 *
	 * @param request	the request message
	 * @return			encoded message, chunk_empty on failure
	 */
	chunk_t (*trace)(dpc_query_t *this, chunk_t request);

	/**
	 * Build the reply to `version`.
	 *
	 * @return			encoded message, chunk_empty on failure
	 */
	chunk_t (*version)(dpc_query_t *this);

	/**
	 * Stop receiving the round's events, stop the executor (after the work
	 * in hand), close the socket and destroy.
	 */
	void (*destroy)(dpc_query_t *this);
};

/**
 * Create the query object on its socket (settings->socket, socket_mode,
 * socket_group) and receive the round's finding events.
 *
 * @param registry		the records, reported by status
 * @param round			runs rounds and traces, raises finding events
 * @param settings		validated settings (read during the call only)
 * @return				query object, NULL if the socket cannot be created
 */
dpc_query_t *dpc_query_create(dpc_registry_t *registry, dpc_round_t *round,
							  const dpc_settings_t *settings);

#endif /** DPC_QUERY_H_ @}*/
