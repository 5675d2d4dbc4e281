/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * Time one CHILD_SA rekey as `swanctl --rekey --child NAME` starts it: from
 * sending vici's `rekey` request to charon until charon raises the
 * `child-rekey` event for that CHILD_SA (the new SA installed). Includes the
 * time the rekey job waits for a free worker, which is what a plugin
 * occupying charon's workers would lengthen. Used by ike_latency.sh.
 *
 * usage: ike_rekey_time VICI_URI CHILD [TIMEOUT_S]
 * prints the milliseconds on stdout; exit 1 with a reason on stderr if the
 * rekey could not be started or did not complete in TIMEOUT_S (30).
 */

#include "../stress/hx_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/**
 * Is this child-rekey event about the CHILD_SA named child?
 */
static bool rekeyed(const dpc_vici_packet_t *pkt, const char *child)
{
	dpc_vici_node_t *msg;
	const dpc_vici_node_t *ike, *children;
	bool match = false;

	if (pkt->type != DPC_VICI_EVENT || strcmp(pkt->name, "child-rekey"))
	{
		return false;
	}
	msg = dpc_vici_parse(pkt->msg, pkt->len, NULL);
	if (!msg)
	{
		return false;
	}
	for (ike = msg->first; ike && !match; ike = ike->next)
	{
		children = dpc_vici_get(ike, "child-sas");
		match = children && dpc_vici_get(children, child);
	}
	dpc_vici_node_free(msg);
	return match;
}

/**
 * Send the rekey request and wait for its event.
 *
 * @return			milliseconds, < 0 on failure
 */
static double time_rekey(int fd, const char *child, int timeout_ms)
{
	dpc_vici_builder_t b;
	dpc_vici_packet_t pkt;
	dpc_vici_node_t *reply;
	uint8_t *msg, *buf;
	size_t len;
	double start, left;
	bool answered = false;

	dpc_vici_builder_init(&b);
	dpc_vici_add_kv_str(&b, "child", child);
	if (!dpc_vici_builder_finish(&b, &msg, &len))
	{
		return -1;
	}
	start = hx_now_ms();
	if (!dpc_vici_packet_send(fd, DPC_VICI_CMD_REQUEST, "rekey", msg, len))
	{
		dpc_vici_msg_free(msg);
		return -1;
	}
	dpc_vici_msg_free(msg);
	while ((left = start + timeout_ms - hx_now_ms()) > 0 &&
		   hx_client_recv(fd, (int)left, &pkt, &buf))
	{
		if (pkt.type == DPC_VICI_CMD_RESPONSE)
		{
			reply = dpc_vici_parse(pkt.msg, pkt.len, NULL);
			answered = reply &&
				!strcmp(dpc_vici_find_str(reply, "success", ""), "yes") &&
				strcmp(dpc_vici_find_str(reply, "matches", "0"), "0");
			dpc_vici_node_free(reply);
			if (!answered)
			{
				fprintf(stderr, "ike_rekey_time: charon found no CHILD_SA "
						"'%s' to rekey\n", child);
				free(buf);
				return -1;
			}
		}
		else if (rekeyed(&pkt, child))
		{
			free(buf);
			return hx_now_ms() - start;
		}
		free(buf);
	}
	fprintf(stderr, "ike_rekey_time: no child-rekey event for '%s' within "
			"%d ms%s\n", child, timeout_ms, answered ? "" : " (no answer)");
	return -1;
}

int main(int argc, char *argv[])
{
	int fd, timeout_ms;
	double ms;

	if (argc < 3)
	{
		fprintf(stderr, "usage: %s VICI_URI CHILD [TIMEOUT_S]\n", argv[0]);
		return 2;
	}
	timeout_ms = 1000 * (argc > 3 && atoi(argv[3]) > 0 ? atoi(argv[3]) : 30);
	fd = hx_client_connect(argv[1]);
	if (fd < 0)
	{
		perror("ike_rekey_time: connect");
		return 1;
	}
	if (!hx_client_register(fd, "child-rekey", timeout_ms))
	{
		fprintf(stderr, "ike_rekey_time: cannot register for child-rekey\n");
		close(fd);
		return 1;
	}
	ms = time_rekey(fd, argv[2], timeout_ms);
	close(fd);
	if (ms < 0)
	{
		return 1;
	}
	printf("%.1f\n", ms);
	return 0;
}
