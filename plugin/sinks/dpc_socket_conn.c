/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_socket_conn.h"
#include "model/dpc_bulk.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/** bytes read at once */
#define READ_CHUNK 4096

dpc_conn_t *dpc_conn_create(int fd, u_int id, const dpc_socket_limits_t *limits,
							uint64_t now)
{
	dpc_conn_t *conn;

	conn = calloc(1, sizeof(*conn));
	if (!conn)
	{
		close(fd);
		return NULL;
	}
	conn->fd = fd;
	conn->id = id;
	conn->tokens = (uint64_t)limits->rate * 1000;
	conn->refilled = now;
	conn->active = now;
	dpc_vici_frame_init(&conn->frame, limits->max_packet);
	return conn;
}

void dpc_conn_destroy(dpc_conn_t *conn)
{
	size_t i;

	if (!conn)
	{
		return;
	}
	close(conn->fd);
	for (i = 0; i < conn->out_count; i++)
	{
		dpc_bulk_free(conn->out[i]);
	}
	free(conn->out);
	free(conn->out_len);
	dpc_vici_frame_clear(&conn->frame);
	free(conn);
}

/**
 * Why the framer gave up, for the log.
 */
static void frame_error(dpc_conn_t *conn, char *err, size_t errlen)
{
	if (conn->frame.hdrlen == sizeof(conn->frame.hdr) &&
		(conn->frame.len == 0 || conn->frame.len > conn->frame.max))
	{
		snprintf(err, errlen, "client sent a packet length of %u bytes "
				 "(limit %u), disconnecting it", conn->frame.len,
				 conn->frame.max);
		return;
	}
	snprintf(err, errlen, "client sent a malformed packet (%s), "
			 "disconnecting it", dpc_vici_frame_error(&conn->frame));
}

dpc_conn_read_t dpc_conn_read(dpc_conn_t *conn, char *err, size_t errlen)
{
	uint8_t buf[READ_CHUNK];
	dpc_vici_frame_status_t status;
	size_t want, used;
	ssize_t n;

	err[0] = '\0';
	want = dpc_vici_frame_want(&conn->frame);
	if (!want)
	{	/* a packet is held (or the framer failed before) */
		return dpc_vici_frame_packet(&conn->frame) ? DPC_CONN_READ_PACKET
												  : DPC_CONN_READ_ERROR;
	}
	n = recv(conn->fd, buf, want < sizeof(buf) ? want : sizeof(buf),
			 MSG_DONTWAIT);
	if (n < 0)
	{
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		{
			return DPC_CONN_READ_MORE;
		}
		if (errno != ECONNRESET)
		{
			snprintf(err, errlen, "read error: %s", strerror(errno));
		}
		return DPC_CONN_READ_ERROR;
	}
	if (n == 0)
	{
		if (dpc_vici_frame_partial(&conn->frame))
		{
			snprintf(err, errlen, "client closed within a packet");
			return DPC_CONN_READ_ERROR;
		}
		return DPC_CONN_READ_CLOSED;
	}
	status = dpc_vici_frame_feed(&conn->frame, buf, n, &used);
	switch (status)
	{
		case DPC_VICI_FRAME_PACKET:
			return DPC_CONN_READ_PACKET;
		case DPC_VICI_FRAME_MORE:
			return DPC_CONN_READ_MORE;
		default:
			frame_error(conn, err, errlen);
			return DPC_CONN_READ_ERROR;
	}
}

/**
 * Make room for one more queued packet.
 */
static bool out_reserve(dpc_conn_t *conn)
{
	size_t size;
	uint8_t **out;
	size_t *lens;

	if (conn->out_count < conn->out_size)
	{
		return true;
	}
	size = conn->out_size ? conn->out_size * 2 : 4;
	out = realloc(conn->out, size * sizeof(*out));
	if (!out)
	{
		return false;
	}
	conn->out = out;
	lens = realloc(conn->out_len, size * sizeof(*lens));
	if (!lens)
	{
		return false;
	}
	conn->out_len = lens;
	conn->out_size = size;
	return true;
}

bool dpc_conn_queue(dpc_conn_t *conn, uint8_t *pkt, size_t len,
					const dpc_socket_limits_t *limits)
{
	if (conn->out_bytes + len > limits->max_out || !out_reserve(conn))
	{
		dpc_bulk_free(pkt);
		return false;
	}
	conn->out[conn->out_count] = pkt;
	conn->out_len[conn->out_count] = len;
	conn->out_count++;
	conn->out_bytes += len;
	return true;
}

/**
 * Drop the first queued packet, sent.
 */
static void out_pop(dpc_conn_t *conn)
{
	conn->out_bytes -= conn->out_len[0];
	dpc_bulk_free(conn->out[0]);
	conn->out_count--;
	memmove(conn->out, conn->out + 1, conn->out_count * sizeof(*conn->out));
	memmove(conn->out_len, conn->out_len + 1,
			conn->out_count * sizeof(*conn->out_len));
	conn->out_done = 0;
}

bool dpc_conn_write(dpc_conn_t *conn, char *err, size_t errlen)
{
	ssize_t n;

	err[0] = '\0';
	while (conn->out_count)
	{
		n = send(conn->fd, conn->out[0] + conn->out_done,
				 conn->out_len[0] - conn->out_done,
				 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0)
		{
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			{
				return true;
			}
			if (errno != EPIPE && errno != ECONNRESET)
			{
				snprintf(err, errlen, "write error: %s", strerror(errno));
			}
			return false;
		}
		conn->out_done += n;
		if (conn->out_done == conn->out_len[0])
		{
			out_pop(conn);
		}
	}
	return true;
}

uint32_t dpc_conn_take_token(dpc_conn_t *conn,
							 const dpc_socket_limits_t *limits, uint64_t now)
{
	uint64_t cap = (uint64_t)limits->rate * 1000;

	if (!limits->rate)
	{
		return 0;
	}
	if (now > conn->refilled)
	{	/* rate requests per 1000 ms: rate thousandths per ms */
		conn->tokens += (now - conn->refilled) * limits->rate;
		conn->tokens = conn->tokens < cap ? conn->tokens : cap;
		conn->refilled = now;
	}
	if (conn->tokens >= 1000)
	{
		conn->tokens -= 1000;
		return 0;
	}
	return (uint32_t)((1000 - conn->tokens + limits->rate - 1) / limits->rate);
}

uint64_t dpc_conn_idle_deadline(const dpc_conn_t *conn,
								const dpc_socket_limits_t *limits)
{
	if (!limits->idle_ms || conn->awaiting || conn->events)
	{
		return 0;
	}
	return conn->active + limits->idle_ms;
}

/*
 * Described in header
 */
void dpc_conn_discard_output(dpc_conn_t *conn)
{
	while (conn->out_count)
	{
		dpc_bulk_free(conn->out[--conn->out_count]);
	}
	conn->out_bytes = 0;
	conn->out_done = 0;
}

/*
 * Described in header
 */
bool dpc_conn_silent(dpc_conn_t *conn, uint64_t now, uint32_t min_idle)
{
	char c;

	return !conn->closing && !conn->awaiting && !conn->events &&
		   !conn->out_count && !dpc_vici_frame_packet(&conn->frame) &&
		   conn->active + min_idle <= now &&
		   recv(conn->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) < 0;
}
