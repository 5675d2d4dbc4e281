/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * Time bringing up an IKE_SA and its CHILD_SAs as `swanctl --initiate` does:
 * the IKE_SA named IKE is terminated first (not timed), then the CHILD_SAs
 * PREFIX1..PREFIXN are initiated one after the other, each vici `initiate`
 * request answered once its CHILD_SA is installed (the first one brings the
 * IKE_SA up with it). Used by setup_rate.sh.
 *
 * usage: ike_setup_time VICI_URI IKE PREFIX N [TIMEOUT_S]
 * prints the milliseconds for all N on stdout; exit 1 with a reason on
 * stderr if one initiation failed or the whole took longer than TIMEOUT_S
 * (300).
 */

#include "../stress/hx_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/**
 * Send one control request (initiate or terminate) and wait for its answer.
 *
 * @return			TRUE if charon answered success=yes
 */
static bool control(int fd, const char *cmd, const char *key,
					const char *name, int timeout_ms)
{
	dpc_vici_builder_t b;
	dpc_vici_node_t *reply;
	uint8_t *msg;
	size_t len;
	char timeout[16];
	bool ok;

	snprintf(timeout, sizeof(timeout), "%d", timeout_ms);
	dpc_vici_builder_init(&b);
	dpc_vici_add_kv_str(&b, key, name);
	dpc_vici_add_kv_str(&b, "timeout", timeout);
	if (!dpc_vici_builder_finish(&b, &msg, &len))
	{
		return false;
	}
	/* charon answers when the exchange is done or its timeout hit */
	reply = hx_client_request(fd, cmd, msg, len, timeout_ms + 5000);
	dpc_vici_msg_free(msg);
	ok = reply && !strcmp(dpc_vici_find_str(reply, "success", ""), "yes");
	if (reply && !ok)
	{
		fprintf(stderr, "ike_setup_time: %s %s: %s\n", cmd, name,
				dpc_vici_find_str(reply, "errmsg", "failed"));
	}
	dpc_vici_node_free(reply);
	return ok;
}

int main(int argc, char *argv[])
{
	char child[64];
	double start, left;
	int fd, n, i, timeout_ms;

	if (argc < 5 || (n = atoi(argv[4])) < 1 || n > 60000)
	{
		fprintf(stderr, "usage: %s VICI_URI IKE PREFIX N(1..60000) "
				"[TIMEOUT_S]\n", argv[0]);
		return 2;
	}
	timeout_ms = 1000 * (argc > 5 && atoi(argv[5]) > 0 ? atoi(argv[5]) : 300);
	fd = hx_client_connect(argv[1]);
	if (fd < 0)
	{
		perror("ike_setup_time: connect");
		return 1;
	}
	/* down first; "no matching SAs" is fine */
	control(fd, "terminate", "ike", argv[2], 30000);
	start = hx_now_ms();
	for (i = 1; i <= n; i++)
	{
		left = start + timeout_ms - hx_now_ms();
		snprintf(child, sizeof(child), "%s%d", argv[3], i);
		if (left < 1 || !control(fd, "initiate", "child", child, (int)left))
		{
			fprintf(stderr, "ike_setup_time: %s not up after %.0f ms\n",
					child, hx_now_ms() - start);
			close(fd);
			return 1;
		}
	}
	printf("%.1f\n", hx_now_ms() - start);
	close(fd);
	return 0;
}
