/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_vici_frame.h"

#include <stdlib.h>
#include <string.h>

/** first allocation for a packet; it doubles as bytes arrive */
#define FIRST_SIZE 1024

/** the reason given for a declared length of 0 or above the limit */
#define ERR_LENGTH "packet length out of range"

void dpc_vici_frame_init(dpc_vici_frame_t *f, uint32_t max)
{
	memset(f, 0, sizeof(*f));
	f->max = max < DPC_VICI_MAX_PACKET ? max : DPC_VICI_MAX_PACKET;
}

void dpc_vici_frame_clear(dpc_vici_frame_t *f)
{
	free(f->buf);
	f->buf = NULL;
	f->size = 0;
}

size_t dpc_vici_frame_want(const dpc_vici_frame_t *f)
{
	if (f->err || f->held)
	{
		return 0;
	}
	if (f->hdrlen < sizeof(f->hdr))
	{
		return sizeof(f->hdr) - f->hdrlen;
	}
	return f->len - f->done;
}

static dpc_vici_frame_status_t fail(dpc_vici_frame_t *f, const char *err)
{
	f->err = err;
	return DPC_VICI_FRAME_ERROR;
}

/**
 * Make room for len more packet bytes, growing with what arrives.
 */
static bool reserve(dpc_vici_frame_t *f, size_t len)
{
	size_t size = f->size ? f->size : FIRST_SIZE;
	uint8_t *buf;

	while (size < f->done + len)
	{
		size *= 2;
	}
	if (size > f->len)
	{
		size = f->len;
	}
	if (size <= f->size)
	{
		return true;
	}
	buf = realloc(f->buf, size);
	if (!buf)
	{
		return false;
	}
	f->buf = buf;
	f->size = size;
	return true;
}

/**
 * Check a complete packet: what a client may send, and a well-formed
 * message for commands.
 */
static dpc_vici_frame_status_t complete(dpc_vici_frame_t *f)
{
	dpc_vici_node_t *tree;
	const char *err = "malformed packet";

	if (!dpc_vici_packet_parse(f->buf, f->len, &f->pkt, &err))
	{
		return fail(f, err);
	}
	switch (f->pkt.type)
	{
		case DPC_VICI_CMD_REQUEST:
			tree = dpc_vici_parse(f->pkt.msg, f->pkt.len, &err);
			if (!tree)
			{
				return fail(f, err ? err : "malformed message");
			}
			dpc_vici_node_free(tree);
			break;
		case DPC_VICI_EVENT_REGISTER:
		case DPC_VICI_EVENT_UNREGISTER:
			break;
		default:
			return fail(f, "unexpected packet type");
	}
	f->held = true;
	return DPC_VICI_FRAME_PACKET;
}

/**
 * Take bytes of the length prefix.
 */
static size_t feed_hdr(dpc_vici_frame_t *f, const uint8_t *data, size_t len)
{
	size_t n = sizeof(f->hdr) - f->hdrlen;

	n = n < len ? n : len;
	memcpy(f->hdr + f->hdrlen, data, n);
	f->hdrlen += n;
	if (f->hdrlen == sizeof(f->hdr))
	{
		f->len = dpc_vici_get_len(f->hdr);
		f->done = 0;
		if (f->len == 0 || f->len > f->max)
		{
			f->err = ERR_LENGTH;
		}
	}
	return n;
}

dpc_vici_frame_status_t dpc_vici_frame_feed(dpc_vici_frame_t *f,
											const uint8_t *data, size_t len,
											size_t *used)
{
	size_t n;

	*used = 0;
	if (f->err)
	{
		return DPC_VICI_FRAME_ERROR;
	}
	if (f->held)
	{	/* the caller must handle the packet first */
		return DPC_VICI_FRAME_PACKET;
	}
	if (f->hdrlen < sizeof(f->hdr))
	{
		*used = feed_hdr(f, data, len);
		if (f->err)
		{
			return DPC_VICI_FRAME_ERROR;
		}
		if (f->hdrlen < sizeof(f->hdr))
		{
			return DPC_VICI_FRAME_MORE;
		}
	}
	n = f->len - f->done;
	n = n < len - *used ? n : len - *used;
	if (n && !reserve(f, n))
	{
		return fail(f, "out of memory");
	}
	if (n)
	{
		memcpy(f->buf + f->done, data + *used, n);
	}
	f->done += n;
	*used += n;
	if (f->done < f->len)
	{
		return DPC_VICI_FRAME_MORE;
	}
	return complete(f);
}

const dpc_vici_packet_t *dpc_vici_frame_packet(const dpc_vici_frame_t *f)
{
	return f->held ? &f->pkt : NULL;
}

void dpc_vici_frame_next(dpc_vici_frame_t *f)
{
	f->held = false;
	f->hdrlen = 0;
	f->len = 0;
	f->done = 0;
	memset(&f->pkt, 0, sizeof(f->pkt));
	if (f->size > FIRST_SIZE)
	{	/* do not keep a large buffer for an idle client */
		dpc_vici_frame_clear(f);
	}
}

bool dpc_vici_frame_partial(const dpc_vici_frame_t *f)
{
	return !f->held && f->hdrlen > 0;
}

const char *dpc_vici_frame_error(const dpc_vici_frame_t *f)
{
	return f->err;
}
