/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_netlink dpc_netlink
 * @{ @ingroup dpc_facts
 */

#ifndef DPC_NETLINK_H_
#define DPC_NETLINK_H_

#include "model/dpc_budget.h"

#include <libmnl/libmnl.h>
#include <sys/types.h>

/**
 * Open a netlink socket the way every reader of the plugin needs one:
 * bound, close-on-exec (never inherited by the scripts charon runs), and no
 * read waits longer than timeout_ms.
 *
 * @param protocol		NETLINK_ROUTE, NETLINK_NETFILTER, NETLINK_XFRM, ...
 * @param timeout_ms	receive timeout
 * @return				the socket, NULL with errno set
 */
struct mnl_socket *dpc_netlink_open(int protocol, unsigned timeout_ms);

/**
 * Receive one datagram while the budget lasts.
 *
 * @param budget		NULL for none
 * @return				bytes received, or a negative errno: -ETIMEDOUT when
 *						the socket's timeout passed without an answer or the
 *						budget's deadline passed, -ECANCELED once aborted
 */
ssize_t dpc_netlink_recv(struct mnl_socket *nl, void *buf, size_t len,
						 const dpc_budget_t *budget);

#endif /** DPC_NETLINK_H_ @}*/
