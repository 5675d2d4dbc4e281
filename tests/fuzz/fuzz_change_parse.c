/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * libFuzzer target for the kernel change notification decoder
 * (dpc_change_parse.h).
 *
 * Built and run by "make fuzz". The first input byte picks the netlink
 * protocol (route, XFRM, netfilter), the rest is a receive buffer of
 * messages, each decoded in place and copied into a buffer of exactly
 * nlmsg_len bytes (so any read past the message is caught). What the
 * decoder accepts must be consistent: a known kind, families in range, and
 * the tunnels it concerns worked out without fault.
 */

#include <facts/dpc_change_parse.h>

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>

/**
 * Fail loudly on a broken invariant.
 */
#define ASSERT(x) do { if (!(x)) { abort(); } } while (0)

static void check(const dpc_change_t *c)
{
	dpc_ike_rec_t ike = {};

	ASSERT((unsigned)c->kind < DPC_CHANGE_KINDS);
	ASSERT(c->src.family == 0 || c->src.family == AF_INET ||
		   c->src.family == AF_INET6);
	ASSERT(c->dst.family == 0 || c->dst.family == AF_INET ||
		   c->dst.family == AF_INET6);
	ASSERT(c->saddr.family == 0 || c->saddr.family == AF_INET ||
		   c->saddr.family == AF_INET6);
	ASSERT(c->daddr.family == 0 || c->daddr.family == AF_INET ||
		   c->daddr.family == AF_INET6);
	dpc_change_concerns(c, &ike);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int protocols[] = {
		NETLINK_ROUTE, NETLINK_XFRM, NETLINK_NETFILTER,
	};
	const struct nlmsghdr *nlh;
	dpc_change_t c;
	int len;
	void *copy, *buf;
	int protocol;

	if (size < 1 || size > 1 << 20)
	{
		return 0;
	}
	protocol = protocols[data[0] % 3];
	/* aligned, as the watcher's receive buffer */
	buf = malloc(size);
	ASSERT(buf);
	memcpy(buf, data + 1, size - 1);
	len = size - 1;
	for (nlh = buf; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len))
	{
		if (dpc_change_parse(protocol, nlh, len, &c))
		{
			check(&c);
		}
		copy = malloc(nlh->nlmsg_len);
		ASSERT(copy);
		memcpy(copy, nlh, nlh->nlmsg_len);
		if (dpc_change_parse(protocol, copy, nlh->nlmsg_len, &c))
		{
			check(&c);
		}
		free(copy);
	}
	free(buf);
	return 0;
}
