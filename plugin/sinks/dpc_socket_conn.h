/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_socket_conn dpc_socket_conn
 * @{ @ingroup dataplane_check
 *
 * One connection of the query socket (libc only): the framer of its
 * requests, its bounded output queue, its request rate and its deadlines.
 * Non-blocking reads and writes on its descriptor; no locking (the socket
 * serializes access).
 */

#ifndef DPC_SOCKET_CONN_H_
#define DPC_SOCKET_CONN_H_

#include "proto/dpc_vici_frame.h"

#include <stdint.h>
#include <sys/types.h>

/**
 * Limits every connection shares.
 */
typedef struct {
	/** largest request accepted */
	uint32_t max_packet;
	/** most output bytes queued before the client counts as not reading */
	size_t max_out;
	/** requests per second a client may send, 0 = unlimited */
	uint32_t rate;
	/** ms a connection may stay silent (nothing asked, nothing awaited,
	 *  not registered for events), 0 = forever */
	uint32_t idle_ms;
} dpc_socket_limits_t;

/**
 * What a read found.
 */
typedef enum {
	/** nothing complete yet (or the socket would block) */
	DPC_CONN_READ_MORE,
	/** a request is complete: dpc_vici_frame_packet(&conn->frame) */
	DPC_CONN_READ_PACKET,
	/** the client closed the connection between packets */
	DPC_CONN_READ_CLOSED,
	/** malformed, cut or failed: err says why, close the connection */
	DPC_CONN_READ_ERROR,
} dpc_conn_read_t;

/**
 * A connection.
 */
typedef struct {
	/** the client's descriptor (non-blocking), owned */
	int fd;
	/** id given to the command callback */
	u_int id;
	/** reassembles requests */
	dpc_vici_frame_t frame;
	/** packets to send, each with its length prefix */
	uint8_t **out;
	/** their lengths */
	size_t *out_len;
	/** packets queued */
	size_t out_count;
	/** slots allocated in out and out_len */
	size_t out_size;
	/** bytes of the first packet already sent */
	size_t out_done;
	/** bytes queued, not sent */
	size_t out_bytes;
	/** requests allowed now, in thousandths (token bucket) */
	uint64_t tokens;
	/** monotonic ms of the last refill */
	uint64_t refilled;
	/** monotonic ms of the last activity (connect, request, reply) */
	uint64_t active;
	/** a command is being answered: read nothing more until then */
	bool awaiting;
	/** registered for events */
	bool events;
	/** close once the output is sent (answered busy, evicted, or too much
	 *  output queued) */
	bool closing;
} dpc_conn_t;

/**
 * Create a connection.
 *
 * @param fd		accepted descriptor, owned from now on
 * @param id		connection id
 * @param limits	shared limits
 * @param now		monotonic ms
 * @return			connection, NULL if out of memory (fd is closed)
 */
dpc_conn_t *dpc_conn_create(int fd, u_int id, const dpc_socket_limits_t *limits,
							uint64_t now);

/**
 * Close the descriptor and free the connection.
 */
void dpc_conn_destroy(dpc_conn_t *conn);

/**
 * Read what the framer wants, without blocking, and feed it.
 *
 * @param conn		connection, nothing held in its framer
 * @param err		receives why the connection must close
 * @param errlen	size of err
 */
dpc_conn_read_t dpc_conn_read(dpc_conn_t *conn, char *err, size_t errlen);

/**
 * Queue a packet (with length prefix) for sending.
 *
 * @param conn		connection
 * @param pkt		packet from dpc_vici_packet_build() or dpc_bulk, taken
 *					(freed on failure too)
 * @param len		its length
 * @param limits	max_out is checked
 * @return			FALSE if the client already has too much queued, or
 *					out of memory
 */
bool dpc_conn_queue(dpc_conn_t *conn, uint8_t *pkt, size_t len,
					const dpc_socket_limits_t *limits);

/**
 * Write queued packets until done or the socket would block.
 *
 * @param err		receives the reason on failure ("" if the client
 *					just went away)
 * @return			FALSE if the connection failed
 */
bool dpc_conn_write(dpc_conn_t *conn, char *err, size_t errlen);

/**
 * Take one request from the rate budget.
 *
 * @param now		monotonic ms
 * @return			0 if the request may be handled now, else the ms to
 *					wait for it
 */
uint32_t dpc_conn_take_token(dpc_conn_t *conn,
							 const dpc_socket_limits_t *limits, uint64_t now);

/**
 * When a silent connection times out.
 *
 * @return			monotonic ms, 0 if it does not (it awaits a reply,
 *					is registered for events, or there is no idle timeout)
 */
uint64_t dpc_conn_idle_deadline(const dpc_conn_t *conn,
								const dpc_socket_limits_t *limits);

/**
 * Drop what is queued for sending (the client is being disconnected).
 */
void dpc_conn_discard_output(dpc_conn_t *conn);

/**
 * Is the connection silent: no request read or awaiting its reply, nothing
 * queued either way, not registered for events, not closing, no activity
 * for min_idle ms, and nothing waiting to be read?
 *
 * @param now		monotonic ms
 */
bool dpc_conn_silent(dpc_conn_t *conn, uint64_t now, uint32_t min_idle);

#endif /** DPC_SOCKET_CONN_H_ @}*/
