/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_check_util dpc_check_util
 * @{ @ingroup dpc_check
 *
 * Questions several checks ask: which host stands for a selector, which
 * interfaces its packets use, whether forwarding is on.
 */

#ifndef DPC_CHECK_UTIL_H_
#define DPC_CHECK_UTIL_H_

#include "dpc_check.h"

#include <string.h>

/** addresses of a selector tried when looking for a host that is not us */
#define DPC_HOST_PROBES 16

/** longest sysctl path the checks build */
#define DPC_SYSCTL_LEN 96

/**
 * Are two names equal?
 */
static inline bool dpc_streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/**
 * Pick an address of a local selector that is not the gateway's own (a LAN
 * host whose traffic the gateway forwards).
 *
 * @return			false if the selector holds only the gateway's addresses
 */
bool dpc_check_local_host(dpc_check_ctx_t *ctx, const dpc_ts_t *ts,
						  dpc_addr_t *addr);

/**
 * Pick an address of a remote selector (the first host of a prefix).
 */
void dpc_check_remote_host(const dpc_ts_t *ts, dpc_addr_t *addr);

/**
 * Does a list of local selectors hold nothing but the gateway's own
 * addresses (host-to-host or gateway-to-net tunnels need no forwarding)?
 */
bool dpc_check_gateway_only(dpc_check_ctx_t *ctx, const dpc_ts_list_t *list);

/**
 * Find the interface packets from a local selector's host arrive on.
 *
 * @param host		the host picked from ts
 * @return			false if unknown
 */
bool dpc_check_lan_iif(dpc_check_ctx_t *ctx, const dpc_ts_t *ts,
					   const dpc_addr_t *host, char ifname[IF_NAMESIZE]);

/**
 * Find the interface decapsulated packets of a CHILD_SA arrive on: the
 * kernel-libipsec TUN device, or the device the ESP packets arrive on.
 *
 * @return			false if unknown
 */
bool dpc_check_tunnel_iif(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						  const dpc_child_rec_t *child,
						  char ifname[IF_NAMESIZE]);

/**
 * Is forwarding on, globally (ifname NULL) or on an interface?
 *
 * @param path		receives the sysctl path read
 * @return			true if on or unknown
 */
bool dpc_check_forwarding(dpc_check_ctx_t *ctx, uint8_t family,
						  const char *ifname, char *path, size_t len);

/**
 * Does a route answer mean the packet is not routed anywhere?
 */
bool dpc_check_route_fails(const dpc_route_t *route);

/**
 * Turn "net/ipv4/ip_forward" into "net.ipv4.ip_forward".
 */
const char *dpc_check_sysctl_name(const char *path, char *buf, size_t len);

#endif /** DPC_CHECK_UTIL_H_ @}*/
