/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_questions dpc_questions
 * @{ @ingroup dpc_facts
 *
 * Questions the checks, the path of a tunnel and the packet tracer ask of
 * the facts: which host stands for a selector, which interfaces its packets
 * use, whether forwarding is on, whether a route answer routes anywhere.
 * They take only what they need (the facts, a record), so every layer above
 * the facts can ask them.
 */

#ifndef DPC_QUESTIONS_H_
#define DPC_QUESTIONS_H_

#include "dpc_facts.h"
#include "model/dpc_record.h"

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
 * @param facts		the facts
 * @param ts		the selector
 * @param addr		receives the address
 * @return			false if the selector holds only the gateway's addresses
 */
bool dpc_local_host(dpc_facts_t *facts, const dpc_ts_t *ts, dpc_addr_t *addr);

/**
 * Pick an address of a remote selector (the first host of a prefix).
 *
 * @param ts		the selector
 * @param addr		receives the address
 */
void dpc_remote_host(const dpc_ts_t *ts, dpc_addr_t *addr);

/**
 * Does a list of local selectors hold nothing but the gateway's own
 * addresses (host-to-host or gateway-to-net tunnels need no forwarding)?
 *
 * @param facts		the facts
 * @param list		the selectors
 * @return			true if it does (and is not empty)
 */
bool dpc_gateway_only(dpc_facts_t *facts, const dpc_ts_list_t *list);

/**
 * Find the interface packets from a local selector's host arrive on.
 *
 * @param facts		the facts
 * @param ts		the selector
 * @param host		the host picked from ts
 * @param ifname	receives the interface name
 * @return			false if unknown
 */
bool dpc_lan_iif(dpc_facts_t *facts, const dpc_ts_t *ts,
				 const dpc_addr_t *host, char ifname[IF_NAMESIZE]);

/**
 * Find the interface decapsulated packets of a CHILD_SA arrive on: the
 * kernel-libipsec TUN device, or the device the ESP packets arrive on.
 *
 * @param facts		the facts
 * @param ike		the IKE_SA of the CHILD_SA
 * @param child		the CHILD_SA
 * @param ifname	receives the interface name
 * @return			false if unknown
 */
bool dpc_tunnel_iif(dpc_facts_t *facts, const dpc_ike_rec_t *ike,
					const dpc_child_rec_t *child, char ifname[IF_NAMESIZE]);

/**
 * Is forwarding on, globally (ifname NULL) or on an interface?
 *
 * @param facts		the facts
 * @param family	AF_INET or AF_INET6
 * @param ifname	interface, NULL for the global switch
 * @param path		receives the sysctl path read
 * @param len		size of path
 * @return			true if on or unknown
 */
bool dpc_forwarding_on(dpc_facts_t *facts, uint8_t family, const char *ifname,
					   char *path, size_t len);

/**
 * Does a route answer mean the packet is not routed anywhere?
 *
 * @param route		the kernel's answer
 * @return			true for an error or a rejecting route type
 */
bool dpc_route_fails(const dpc_route_t *route);

/**
 * Turn "net/ipv4/ip_forward" into "net.ipv4.ip_forward".
 *
 * @param path		sysctl path
 * @param buf		receives the name
 * @param len		size of buf
 * @return			buf
 */
const char *dpc_sysctl_name(const char *path, char *buf, size_t len);

/**
 * Effective rp_filter mode of an interface: the higher of
 * net.ipv{4}.conf.all.rp_filter and net.ipv4.conf.IF.rp_filter (what the
 * kernel's IN_DEV_RPFILTER() uses).
 *
 * @param facts		the facts
 * @param ifname	interface
 * @param all		receives the "all" value (-1 if unreadable)
 * @param dev		receives the interface's value (-1 if unreadable)
 * @return			0 off, 1 strict, 2 loose
 */
int dpc_rp_filter(dpc_facts_t *facts, const char *ifname, int *all, int *dev);

#endif /** DPC_QUESTIONS_H_ @}*/
