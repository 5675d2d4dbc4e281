/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_netlink.h"

#include <errno.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/time.h>

struct mnl_socket *dpc_netlink_open(int protocol, unsigned timeout_ms)
{
	struct timeval tv = {
		.tv_sec = timeout_ms / 1000,
		.tv_usec = (timeout_ms % 1000) * 1000,
	};
	struct mnl_socket *nl;
	int err;

	nl = mnl_socket_open2(protocol, SOCK_CLOEXEC);
	if (!nl)
	{
		return NULL;
	}
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
		setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv,
				   sizeof(tv)) < 0)
	{
		err = errno;
		mnl_socket_close(nl);
		errno = err;
		return NULL;
	}
	return nl;
}

ssize_t dpc_netlink_recv(struct mnl_socket *nl, void *buf, size_t len,
						 const dpc_budget_t *budget)
{
	ssize_t n;
	int ret;

	while (true)
	{
		ret = dpc_budget_errno(budget);
		if (ret)
		{
			return ret;
		}
		n = mnl_socket_recvfrom(nl, buf, len);
		if (n >= 0)
		{
			return n;
		}
		if (errno != EINTR)
		{	/* SO_RCVTIMEO: the kernel did not answer */
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		}
	}
}
