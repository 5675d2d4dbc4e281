/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#define _GNU_SOURCE
#include "dpc_xfrm.h"
#include "facts/dpc_netlink.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/xfrm.h>

/**
 * Receive buffer: the kernel sizes dump datagrams after the reader's
 * buffer, up to 32 KiB; a larger one never truncates a message.
 */
#define RECV_BUF 65536

/**
 * What a dump fills in: the SAD or the SPD.
 */
typedef struct {
	/** the SAD of an XFRM_MSG_GETSA dump, NULL for a policy dump */
	dpc_xfrm_sad_t *sad;
	/** the SPD of an XFRM_MSG_GETPOLICY dump, NULL for an SA dump */
	dpc_xfrm_spd_t *spd;
} dump_t;

/**
 * Take the messages of one datagram: 1 when the dump is complete, 0 for
 * more, a negative errno on error.
 */
static int take(dump_t *d, const uint8_t *buf, size_t len, uint32_t seq,
				uint32_t portid)
{
	const struct nlmsghdr *nlh;
	const struct nlmsgerr *err;
	dpc_xfrm_policy_t pol;
	dpc_xfrm_sa_t sa;
	int n = len;

	for (nlh = (const struct nlmsghdr*)buf; mnl_nlmsg_ok(nlh, n);
		 nlh = mnl_nlmsg_next(nlh, &n))
	{
		if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != portid)
		{
			continue;
		}
		switch (nlh->nlmsg_type)
		{
			case NLMSG_DONE:
				return 1;
			case NLMSG_ERROR:
				if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*err)))
				{
					return -EBADMSG;
				}
				err = mnl_nlmsg_get_payload(nlh);
				return err->error ? err->error : 1;
			case XFRM_MSG_NEWSA:
				if (d->sad && dpc_xfrm_parse_sa(nlh, nlh->nlmsg_len, &sa))
				{
					dpc_xfrm_sad_add(d->sad, &sa, DPC_XFRM_MAX_SAS);
				}
				break;
			case XFRM_MSG_NEWPOLICY:
				if (d->spd &&
					dpc_xfrm_parse_policy(nlh, nlh->nlmsg_len, &pol))
				{
					dpc_xfrm_spd_add(d->spd, &pol, DPC_XFRM_MAX_POLICIES);
				}
				break;
			default:
				break;
		}
	}
	return 0;
}

/**
 * Send the dump request and read its answer.
 */
static int dump(struct mnl_socket *nl, uint8_t *buf, dump_t *d,
				const dpc_budget_t *budget)
{
	struct nlmsghdr *req;
	uint32_t seq = time(NULL);
	ssize_t n;
	int ret;

	memset(buf, 0, NLMSG_HDRLEN);
	req = mnl_nlmsg_put_header(buf);
	req->nlmsg_type = d->sad ? XFRM_MSG_GETSA : XFRM_MSG_GETPOLICY;
	req->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl, req, req->nlmsg_len) < 0)
	{
		return -errno;
	}
	while (true)
	{
		n = dpc_netlink_recv(nl, buf, RECV_BUF, budget);
		if (n < 0)
		{
			return n;
		}
		ret = take(d, buf, n, seq, mnl_socket_get_portid(nl));
		/* the SAs' keys were in there */
		explicit_bzero(buf, n);
		if (ret)
		{
			return ret < 0 ? ret : 0;
		}
	}
}

/**
 * Run one dump over a socket of its own.
 */
static int run_dump(dump_t *d, const dpc_budget_t *budget)
{
	dpc_budget_t own;
	struct mnl_socket *nl;
	uint8_t *buf;
	int ret;

	dpc_budget_sub(&own, budget, budget ? 0 : DPC_XFRM_DEADLINE_MS);
	buf = malloc(RECV_BUF);
	if (!buf)
	{
		return -ENOMEM;
	}
	nl = dpc_netlink_open(NETLINK_XFRM, DPC_XFRM_TIMEOUT_MS);
	if (!nl)
	{
		ret = errno ? -errno : -EIO;
		free(buf);
		return ret;
	}
	ret = dump(nl, buf, d, &own);
	mnl_socket_close(nl);
	explicit_bzero(buf, RECV_BUF);
	free(buf);
	return ret;
}

int dpc_xfrm_dump_sad(dpc_xfrm_sad_t *sad, const dpc_budget_t *budget)
{
	dump_t d = { .sad = sad };
	int ret;

	ret = run_dump(&d, budget);
	dpc_xfrm_sad_sort(sad);
	return ret;
}

int dpc_xfrm_dump_spd(dpc_xfrm_spd_t *spd, const dpc_budget_t *budget)
{
	dump_t d = { .spd = spd };

	return run_dump(&d, budget);
}
