/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_change_parse dpc_change_parse
 * @{ @ingroup dataplane_check
 *
 * Decode the kernel's change notifications (rtnetlink, XFRM, nftables
 * multicast messages) into dpc_change_t (pure: linux headers only, every
 * length checked against the message).
 */

#ifndef DPC_CHANGE_PARSE_H_
#define DPC_CHANGE_PARSE_H_

#include "model/dpc_change.h"

#include <stddef.h>

/**
 * Decode one notification.
 *
 * @param protocol	netlink protocol of the socket it came from
 *					(NETLINK_ROUTE, NETLINK_XFRM, NETLINK_NETFILTER)
 * @param msg		the message (starting with its nlmsghdr)
 * @param len		bytes available at msg
 * @param change	receives the change
 * @return			TRUE if it is a change the checks depend on, FALSE
 *					for other messages (and malformed ones)
 */
bool dpc_change_parse(int protocol, const void *msg, size_t len,
					  dpc_change_t *change);

#endif /** DPC_CHANGE_PARSE_H_ @}*/
