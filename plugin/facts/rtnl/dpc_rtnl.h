/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_rtnl dpc_rtnl
 * @{ @ingroup dpc_facts
 *
 * A small rtnetlink client: route questions the way "ip route get" asks
 * them, link and address dumps. One NETLINK_ROUTE socket, one question at
 * a time, every receive bounded by a timeout so a round can never hang.
 * Late answers to a question that timed out are recognized by their
 * sequence number and skipped; a dump that timed out may still keep the
 * socket busy (EBUSY for the next dump), so a client that saw ETIMEDOUT is
 * best replaced. Not thread-safe: use one instance per thread (per round).
 */

#ifndef DPC_RTNL_H_
#define DPC_RTNL_H_

#include "dpc_rtnl_parse.h"

/** receive timeout of one netlink read, in milliseconds */
#define DPC_RTNL_TIMEOUT_MS 1000

/** most rules kept of one dump (the rest are read and dropped) */
#define DPC_RTNL_MAX_RULES 256

/** most routes kept of one dump of all tables */
#define DPC_RTNL_MAX_ROUTES 8192

/** longest time one question (or one dump) may take, in milliseconds */
#define DPC_RTNL_DEADLINE_MS 5000

/** most route questions route_get_many() sends in one request */
#define DPC_RTNL_BATCH 16

typedef struct dpc_rtnl_t dpc_rtnl_t;

/**
 * rtnetlink client.
 */
struct dpc_rtnl_t {

	/**
	 * Ask the kernel for the route of a packet: RTM_GETROUTE with RTA_DST,
	 * RTA_SRC, RTA_IIF and RTA_MARK, like "ip route get DST from SRC iif IIF
	 * mark MARK". With an input interface the kernel simulates the arrival
	 * of a packet on it (forwarding, rp_filter and martian checks apply);
	 * without, it is an output lookup for a locally generated packet. IPv4
	 * questions set RTM_F_LOOKUP_TABLE so the table that matched is
	 * reported (IPv6 always reports it).
	 *
	 * An input interface that does not exist is answered with ENODEV (no
	 * route question is sent). route->text is filled (dpc_route_format()).
	 *
	 * @param q			the question
	 * @param map		resolves interface names and indices, NULL to ask
	 *					the kernel for the input interface and print output
	 *					interfaces as "ifN"
	 * @param route		receives the answer; route->error is the errno of a
	 *					failed lookup
	 * @return			FALSE if the kernel could not be asked (errno set,
	 *					ETIMEDOUT if it did not answer in time)
	 */
	bool (*route_get)(dpc_rtnl_t *this, const dpc_route_query_t *q,
					  dpc_ifmap_t *map, dpc_route_t *route);

	/**
	 * Ask several route questions at once: what route_get() asks, the
	 * requests sent in one datagram (the kernel answers them one by one,
	 * each with its sequence number) and the answers received in as few
	 * calls as they arrive in.
	 *
	 * @param q			the questions
	 * @param count		how many, 1 to DPC_RTNL_BATCH
	 * @param map		as for route_get()
	 * @param routes	receive the answers, count entries
	 * @param answered	receive, for each question, whether it was answered
	 *					(not if the kernel's answer was malformed)
	 * @return			FALSE if the kernel could not be asked or did not
	 *					answer every question in time (errno set)
	 */
	bool (*route_get_many)(dpc_rtnl_t *this, const dpc_route_query_t *q,
						   size_t count, dpc_ifmap_t *map,
						   dpc_route_t *routes, bool *answered);

	/**
	 * Ask the kernel for one interface by name (RTM_GETLINK).
	 *
	 * @param name		interface name
	 * @param link		receives the interface
	 * @return			FALSE with errno ENODEV if there is none, or another
	 *					errno if the kernel could not be asked
	 */
	bool (*get_link)(dpc_rtnl_t *this, const char *name, dpc_link_t *link);

	/**
	 * Dump all interfaces. A dump the kernel marks inconsistent (the links
	 * changed meanwhile) is repeated a few times.
	 *
	 * @param links		receives an allocated array, to dpc_bulk_free()
	 * @param count		receives the number of interfaces
	 * @return			FALSE if the dump failed (errno set)
	 */
	bool (*dump_links)(dpc_rtnl_t *this, dpc_link_t **links, size_t *count);

	/**
	 * Dump all IPv4 and IPv6 interface addresses, like dump_links().
	 *
	 * @param addrs		receives an allocated array, to dpc_bulk_free()
	 * @param count		receives the number of addresses
	 * @return			FALSE if the dump failed (errno set)
	 */
	bool (*dump_addrs)(dpc_rtnl_t *this, dpc_ifaddr_t **addrs, size_t *count);

	/**
	 * Dump the policy routing rules of a family ("ip rule"), in the
	 * kernel's order (by priority). At most DPC_RTNL_MAX_RULES are kept.
	 *
	 * @param family	AF_INET or AF_INET6
	 * @param rules		receives an allocated array, to dpc_bulk_free()
	 * @param count		receives the number of rules
	 * @param truncated	receives whether rules were dropped over the limit
	 * @return			FALSE if the dump failed (errno set)
	 */
	bool (*dump_rules)(dpc_rtnl_t *this, uint8_t family, dpc_rule_t **rules,
					   size_t *count, bool *truncated);

	/**
	 * Dump the routes of all tables of a family but local ("ip route show
	 * table all"): unicast, blackhole, unreachable, prohibit and throw
	 * routes. At most DPC_RTNL_MAX_ROUTES are kept.
	 *
	 * @param family	AF_INET or AF_INET6
	 * @param routes	receives an allocated array, to dpc_bulk_free()
	 * @param count		receives the number of routes
	 * @param truncated	receives whether routes were dropped over the limit
	 * @return			FALSE if the dump failed (errno set)
	 */
	bool (*dump_routes)(dpc_rtnl_t *this, uint8_t family,
						dpc_rtentry_t **routes, size_t *count,
						bool *truncated);

	/**
	 * Close the socket and free the client.
	 */
	void (*destroy)(dpc_rtnl_t *this);
};

/**
 * Open a NETLINK_ROUTE socket.
 *
 * @return			client, NULL with errno set if netlink is unavailable
 */
dpc_rtnl_t *dpc_rtnl_create(void);

#endif /** DPC_RTNL_H_ @}*/
