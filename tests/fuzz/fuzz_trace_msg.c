/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * libFuzzer target for the `trace` request parser: the input is a vici
 * message as a client sends it, decoded by the vici codec and read by
 * dpc_trace_msg_parse(). A request is accepted with an empty error and a
 * query that makes sense (one address family, ports only where they
 * belong), or refused with a printable error message for the client.
 */

#include "proto/dpc_trace_msg.h"

#include <stdlib.h>
#include <string.h>

/** the message for the client: terminated, not empty, printable */
static void check_error(const char *err, size_t size)
{
	size_t len = strnlen(err, size);

	if (len == 0 || len == size)
	{
		abort();
	}
	for (; *err; err++)
	{
		if ((unsigned char)*err < 0x20 || *err == 0x7f)
		{
			abort();
		}
	}
}

/** an accepted query */
static void check_query(const dpc_trace_query_t *q, const char *err)
{
	if (err[0] || q->src.family != q->dst.family ||
		memchr(q->iif, 0, sizeof(q->iif)) == NULL)
	{
		abort();
	}
	if (q->proto == 1 || q->proto == 58 || q->proto == 0)
	{	/* ICMP: no ports */
		if (q->sport || q->dport)
		{
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dpc_trace_query_t q;
	dpc_vici_node_t *req;
	char err[256];

	req = dpc_vici_parse(data, size, NULL);
	if (!req)
	{
		return 0;
	}
	memset(err, 'x', sizeof(err));
	if (dpc_trace_msg_parse(req, &q, err, sizeof(err)))
	{
		check_query(&q, err);
	}
	else
	{
		check_error(err, sizeof(err));
	}
	/* an error buffer of any size is respected */
	dpc_trace_msg_parse(req, &q, err, 1);
	if (err[0])
	{
		abort();
	}
	dpc_vici_node_free(req);
	return 0;
}
