/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * A small blocking vici client over a UNIX socket, with deadlines: for the
 * stress test's clients of the plugin's socket and for the IKE latency
 * benchmark's requests to charon's own vici socket. libc only (plus the
 * plugin's vici codec).
 */

#ifndef HX_CLIENT_H_
#define HX_CLIENT_H_

#include "proto/dpc_vici_msg.h"

/**
 * Connect to a UNIX socket.
 *
 * @param path			socket path, or a unix:// URI
 * @return				connected socket, -1 on error (errno set)
 */
int hx_client_connect(const char *path);

/**
 * Receive one packet.
 *
 * @param timeout_ms	give up after this long
 * @param pkt			receives the packet, pointing into *buf
 * @param buf			receives the allocated packet bytes, free() it
 * @return				FALSE on timeout, error, EOF or a malformed packet
 */
bool hx_client_recv(int fd, int timeout_ms, dpc_vici_packet_t *pkt,
					uint8_t **buf);

/**
 * Send a command and wait for its response (events in between are
 * skipped).
 *
 * @param cmd			command name
 * @param msg			request message, may be NULL if len is 0
 * @param len			its length
 * @param timeout_ms	give up after this long
 * @return				parsed response, NULL on failure (or an unknown
 *						command)
 */
dpc_vici_node_t *hx_client_request(int fd, const char *cmd,
								   const uint8_t *msg, size_t len,
								   int timeout_ms);

/**
 * Register for an event and wait for the confirmation.
 */
bool hx_client_register(int fd, const char *event, int timeout_ms);

/**
 * Milliseconds on the monotonic clock.
 */
double hx_now_ms(void);

#endif /** HX_CLIENT_H_ */
