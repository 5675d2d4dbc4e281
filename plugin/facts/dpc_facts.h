/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_facts dpc_facts
 * @{ @ingroup dataplane_check
 *
 * The system facts one round of checks works on: what the kernel says about
 * routes, interfaces, addresses, sysctls, netfilter rules and SAs. Checks only see this interface;
 * the live implementation (dpc_kernel_facts) asks the kernel through
 * rtnetlink and /proc and caches every answer for the round, unit tests use
 * fixtures.
 */

#ifndef DPC_FACTS_H_
#define DPC_FACTS_H_

#include "model/dpc_ts.h"
#include "nfsim/nfsim.h"

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

/** longest "ip route get"-style text of a route */
#define DPC_ROUTE_STRLEN 192

/**
 * Route types as the kernel reports them (RTN_*).
 */
typedef enum {
	DPC_RT_UNICAST = 1,
	DPC_RT_LOCAL = 2,
	DPC_RT_BROADCAST = 3,
	DPC_RT_BLACKHOLE = 6,
	DPC_RT_UNREACHABLE = 7,
	DPC_RT_PROHIBIT = 8,
	DPC_RT_THROW = 9,
} dpc_rt_type_t;

/**
 * A route question: what "ip route get DST from SRC iif IIF mark MARK" asks.
 */
typedef struct {
	/** destination (required) */
	dpc_addr_t dst;
	/** source, family 0 if none */
	dpc_addr_t src;
	/** input interface name, empty for an output lookup */
	char iif[IF_NAMESIZE];
	/** firewall mark, 0 if none */
	uint32_t mark;
} dpc_route_query_t;

/**
 * The kernel's answer.
 */
typedef struct {
	/** 0 if the kernel returned a route, else the errno it answered with
	 *  (ENETUNREACH, EHOSTUNREACH, EINVAL, EXDEV for rp_filter, ...) */
	int error;
	/** route type (valid if error == 0) */
	dpc_rt_type_t type;
	/** routing table id */
	uint32_t table;
	/** output interface name, empty if none */
	char oif[IF_NAMESIZE];
	/** gateway, family 0 if directly connected */
	dpc_addr_t gateway;
	/** preferred source, family 0 if none */
	dpc_addr_t prefsrc;
	/** RTAX_MTU of the answer: the route's mtu metric or a cached path MTU
	 *  exception, 0 if none */
	uint32_t mtu;
	/** seconds until the cached path MTU expires (RTA_CACHEINFO), 0 if
	 *  mtu is the route's own metric */
	uint32_t mtu_expires;
	/** "ip route get" style text, e.g.
	 *  "10.20.1.10 from 10.10.1.10 via 192.0.2.1 dev wan table main" */
	char text[DPC_ROUTE_STRLEN];
} dpc_route_t;

/**
 * How charon moves ESP packets.
 */
typedef enum {
	/** kernel XFRM (kernel-netlink) */
	DPC_DATAPLANE_XFRM,
	/** userspace ESP over a TUN device (kernel-libipsec) */
	DPC_DATAPLANE_LIBIPSEC,
} dpc_dataplane_t;

typedef struct dpc_facts_t dpc_facts_t;

/* the SAD (facts/xfrm/dpc_xfrm_sad.h) */
struct dpc_xfrm_sad_t;
/* the SPD (facts/xfrm/dpc_xfrm_spd.h) */
struct dpc_xfrm_spd_t;
/* the XFRM drop counters (facts/xfrm/dpc_xfrm_stat.h) */
struct dpc_xfrm_stat_t;

/* a policy routing rule, a route of a table, an interface (facts/rtnl/) */
struct dpc_rule_t;
struct dpc_rtentry_t;
struct dpc_link_t;

/**
 * System facts for one round.
 */
struct dpc_facts_t {

	/**
	 * Ask the kernel for a route (cached for the round).
	 *
	 * @param q			the question
	 * @param route		the answer
	 * @return			FALSE if the kernel could not be asked at all
	 */
	bool (*route_get)(dpc_facts_t *this, const dpc_route_query_t *q,
					  dpc_route_t *route);

	/**
	 * Read an integer sysctl, e.g. "net/ipv4/ip_forward" or
	 * "net/ipv4/conf/lan/forwarding".
	 *
	 * @param value		the value
	 * @return			FALSE if it does not exist or cannot be read
	 */
	bool (*sysctl)(dpc_facts_t *this, const char *path, int *value);

	/**
	 * Is the address configured on an interface of this host?
	 *
	 * @param ifname	if not NULL, receives the interface name
	 */
	bool (*is_local)(dpc_facts_t *this, const dpc_addr_t *addr,
					 char ifname[IF_NAMESIZE]);

	/**
	 * Find a local address inside a selector's range.
	 *
	 * @param addr		the first local address found
	 * @param ifname	if not NULL, receives its interface
	 * @return			FALSE if none
	 */
	bool (*local_in_ts)(dpc_facts_t *this, const dpc_ts_t *ts,
						dpc_addr_t *addr, char ifname[IF_NAMESIZE]);

	/**
	 * Does an interface exist, and is it up?
	 *
	 * @param up		if not NULL, receives whether it is up
	 */
	bool (*link_exists)(dpc_facts_t *this, const char *ifname, bool *up);

	/**
	 * The MTU of an interface, from the round's link dump.
	 *
	 * @param ifname	interface name
	 * @param mtu		receives its MTU
	 * @return			FALSE if there is no such interface or no MTU known
	 */
	bool (*link_mtu)(dpc_facts_t *this, const char *ifname, uint32_t *mtu);

	/**
	 * How ESP is handled on this gateway.
	 */
	dpc_dataplane_t (*get_dataplane)(dpc_facts_t *this);

	/**
	 * Name of the kernel-libipsec TUN device, NULL if none.
	 */
	const char *(*get_tun)(dpc_facts_t *this);

	/**
	 * The netfilter ruleset: nftables (including iptables-nft) and
	 * iptables-legacy tables, read at most once per round.
	 *
	 * @return			finalized ruleset owned by the facts, NULL if it could
	 *					not be read
	 */
	const nfsim_ruleset_t *(*get_ruleset)(dpc_facts_t *this);

	/**
	 * The kernel's SAD (kernel-netlink data plane): every SA's identity and
	 * counters, from one dump read at most once per round. Traffic
	 * sampling matches its SAs by SPI; other checks may look up whether an
	 * SA is installed.
	 *
	 * @return			SAs sorted for dpc_xfrm_sad_find(), owned by the
	 *					facts; NULL with errno set if it cannot be read, or
	 *					ENOTSUP for kernel-libipsec, which has no SAD in the
	 *					kernel
	 */
	const struct dpc_xfrm_sad_t *(*get_sad)(dpc_facts_t *this);

	/**
	 * The kernel's SPD (kernel-netlink data plane): every policy, from one
	 * dump read at most once per round, at the same time as the SAD (so a
	 * CHILD_SA installed or deleted while the round runs is seen in both
	 * or neither).
	 *
	 * @return			policies owned by the facts; NULL with errno set if
	 *					they cannot be read, ENOTSUP for kernel-libipsec
	 *					(whose trap and bypass policies carry no traffic)
	 */
	const struct dpc_xfrm_spd_t *(*get_spd)(dpc_facts_t *this);

	/**
	 * The kernel's XFRM drop counters (/proc/net/xfrm_stat) with their
	 * growth since the previous round, read at most once per round.
	 *
	 * @return			counters owned by the facts (has_delta false in the
	 *					first round); NULL with errno set if they cannot be
	 *					read (no CONFIG_XFRM_STATISTICS) or ENOTSUP for
	 *					kernel-libipsec
	 */
	const struct dpc_xfrm_stat_t *(*get_xfrm_stat)(dpc_facts_t *this);

	/**
	 * The gateway's addresses, as the simulator wants them (masquerade
	 * source selection, address type lookups).
	 *
	 * @param addrs		receives the array owned by the facts
	 * @return			number of addresses
	 */
	size_t (*get_addrs)(dpc_facts_t *this, const nfsim_ifaddr_t **addrs);

	/**
	 * The policy routing rules of a family ("ip rule"), by priority, read at
	 * most once per round.
	 *
	 * @param family	AF_INET or AF_INET6
	 * @param rules		receives the array owned by the facts
	 * @return			number of rules, 0 if they cannot be read
	 */
	size_t (*get_rules)(dpc_facts_t *this, uint8_t family,
						const struct dpc_rule_t **rules);

	/**
	 * The routes of every table but local of a family ("ip route show table
	 * all"), output interfaces resolved, read at most once per round and
	 * bounded (DPC_RTNL_MAX_ROUTES).
	 *
	 * @param family	AF_INET or AF_INET6
	 * @param routes	receives the array owned by the facts
	 * @return			number of routes, 0 if they cannot be read
	 */
	size_t (*get_routes)(dpc_facts_t *this, uint8_t family,
						 const struct dpc_rtentry_t **routes);

	/**
	 * The gateway's interfaces, from the round's link dump (kinds, xfrm
	 * if_ids, VTI keys).
	 *
	 * @param links		receives the array owned by the facts
	 * @return			number of interfaces
	 */
	size_t (*get_links)(dpc_facts_t *this, const struct dpc_link_t **links);

	/**
	 * Destroy the facts (and what they cached).
	 */
	void (*destroy)(dpc_facts_t *this);
};

/**
 * Print a route answer as text (what dpc_route_t.text holds), for fixtures
 * and readers that build answers themselves.
 */
void dpc_route_format(const dpc_route_query_t *q, dpc_route_t *route);

#endif /** DPC_FACTS_H_ @}*/
