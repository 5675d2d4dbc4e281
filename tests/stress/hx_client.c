/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#define _GNU_SOURCE
#include "hx_client.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/*
 * Described in header
 */
double hx_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/*
 * Described in header
 */
int hx_client_connect(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	if (!strncmp(path, "unix://", strlen("unix://")))
	{
		path += strlen("unix://");
	}
	if (strlen(path) >= sizeof(addr.sun_path))
	{
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
	{
		return -1;
	}
	if (connect(fd, (struct sockaddr*)&addr, sizeof(addr)) != 0)
	{
		close(fd);
		return -1;
	}
	return fd;
}

/**
 * Read exactly len bytes before the deadline.
 */
static bool read_full(int fd, uint8_t *buf, size_t len, double deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t done = 0;
	double left;
	ssize_t n;
	int ready;

	while (done < len)
	{
		left = deadline - hx_now_ms();
		if (left <= 0)
		{
			return false;
		}
		ready = poll(&pfd, 1, (int)left + 1);
		if (ready < 0 && errno == EINTR)
		{
			continue;
		}
		if (ready <= 0)
		{
			return false;
		}
		n = recv(fd, buf + done, len - done, 0);
		if (n < 0 && errno == EINTR)
		{
			continue;
		}
		if (n <= 0)
		{
			return false;
		}
		done += n;
	}
	return true;
}

/*
 * Described in header
 */
bool hx_client_recv(int fd, int timeout_ms, dpc_vici_packet_t *pkt,
					uint8_t **buf)
{
	double deadline = hx_now_ms() + timeout_ms;
	uint8_t hdr[4];
	uint32_t len;

	*buf = NULL;
	if (!read_full(fd, hdr, sizeof(hdr), deadline))
	{
		return false;
	}
	len = dpc_vici_get_len(hdr);
	if (len == 0 || len > DPC_VICI_MAX_PACKET)
	{
		return false;
	}
	*buf = malloc(len);
	if (!*buf || !read_full(fd, *buf, len, deadline) ||
		!dpc_vici_packet_parse(*buf, len, pkt, NULL))
	{
		free(*buf);
		*buf = NULL;
		return false;
	}
	return true;
}

/*
 * Described in header
 */
dpc_vici_node_t *hx_client_request(int fd, const char *cmd,
								   const uint8_t *msg, size_t len,
								   int timeout_ms)
{
	double deadline = hx_now_ms() + timeout_ms;
	dpc_vici_node_t *reply = NULL;
	dpc_vici_packet_t pkt;
	uint8_t *buf;
	int left;

	if (!dpc_vici_packet_send(fd, DPC_VICI_CMD_REQUEST, cmd, msg, len))
	{
		return NULL;
	}
	while ((left = (int)(deadline - hx_now_ms())) > 0 &&
		   hx_client_recv(fd, left, &pkt, &buf))
	{
		if (pkt.type == DPC_VICI_EVENT)
		{
			free(buf);
			continue;
		}
		if (pkt.type == DPC_VICI_CMD_RESPONSE)
		{
			reply = dpc_vici_parse(pkt.msg, pkt.len, NULL);
		}
		free(buf);
		break;
	}
	return reply;
}

/*
 * Described in header
 */
bool hx_client_register(int fd, const char *event, int timeout_ms)
{
	dpc_vici_packet_t pkt;
	uint8_t *buf;
	bool ok;

	if (!dpc_vici_packet_send(fd, DPC_VICI_EVENT_REGISTER, event, NULL, 0) ||
		!hx_client_recv(fd, timeout_ms, &pkt, &buf))
	{
		return false;
	}
	ok = pkt.type == DPC_VICI_EVENT_CONFIRM;
	free(buf);
	return ok;
}
