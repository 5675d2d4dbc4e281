/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_rtnl_parse dpc_rtnl_parse
 * @{ @ingroup dpc_facts
 *
 * Pure parsers of rtnetlink messages (no sockets): the answer to an
 * RTM_GETROUTE question, and RTM_NEWLINK / RTM_NEWADDR dump entries.
 *
 * Every parser gets one message and the number of bytes available for it.
 * The header, the family specific header and every attribute (including the
 * nested ones) are checked against those bounds; a message that is
 * truncated, overlong, of the wrong type or carries attributes of the wrong
 * size is rejected as a whole, nothing is guessed.
 */

#ifndef DPC_RTNL_PARSE_H_
#define DPC_RTNL_PARSE_H_

#include "facts/dpc_facts.h"

#include <linux/netlink.h>
#include <stddef.h>

/** longest link kind kept ("tun", "xfrm", "vti6", "wireguard"), with NUL */
#define DPC_LINK_KIND_LEN 16

typedef struct dpc_ifmap_t dpc_ifmap_t;

/**
 * Interface index <-> name resolution, supplied by the caller (e.g. built
 * from a link dump of the same round).
 */
struct dpc_ifmap_t {

	/**
	 * Name of an interface index.
	 *
	 * @param index		interface index
	 * @param name		receives the name
	 * @return			FALSE if unknown
	 */
	bool (*get_name)(dpc_ifmap_t *this, uint32_t index,
					 char name[IF_NAMESIZE]);

	/**
	 * Index of an interface name.
	 *
	 * @param name		interface name
	 * @param index		receives the index
	 * @return			FALSE if unknown
	 */
	bool (*get_index)(dpc_ifmap_t *this, const char *name, uint32_t *index);
};

/**
 * An interface, from RTM_NEWLINK.
 */
typedef struct {
	/** interface index */
	uint32_t index;
	/** interface name */
	char name[IF_NAMESIZE];
	/** IFF_* flags (ifi_flags) */
	uint32_t flags;
	/** administratively up (IFF_UP) */
	bool up;
	/** IFLA_INFO_KIND ("tun", "xfrm", "vti", "veth", ...), empty if none */
	char kind[DPC_LINK_KIND_LEN];
	/** MTU, 0 if not reported */
	uint32_t mtu;
} dpc_link_t;

/**
 * An interface address, from RTM_NEWADDR.
 */
typedef struct {
	/** interface index */
	uint32_t index;
	/** the local address (IFA_LOCAL, else IFA_ADDRESS), family set */
	dpc_addr_t addr;
	/** prefix length */
	uint8_t prefixlen;
	/** RT_SCOPE_* (0 = global) */
	uint8_t scope;
	/** IFA_F_* flags (IFA_FLAGS if present, else ifa_flags) */
	uint32_t flags;
} dpc_ifaddr_t;

/**
 * Parse the kernel's answer to an RTM_GETROUTE question: an RTM_NEWROUTE
 * message (the route, including RTA_TABLE and, for multipath entries, the
 * first hop of RTA_MULTIPATH), or an NLMSG_ERROR carrying the errno the
 * lookup failed with (route->error). route->text is left empty, see
 * dpc_route_format().
 *
 * @param nlh		the message
 * @param len		bytes available at nlh
 * @param map		resolves the output interface index, NULL to print
 *					unknown indices as "ifN" like iproute2 does
 * @param route		receives the answer
 * @return			FALSE if the message is malformed or no answer (an ACK)
 */
bool dpc_rtnl_parse_route(const struct nlmsghdr *nlh, size_t len,
						  dpc_ifmap_t *map, dpc_route_t *route);

/**
 * Parse an RTM_NEWLINK message.
 *
 * @param nlh		the message
 * @param len		bytes available at nlh
 * @param link		receives the interface
 * @return			FALSE if malformed or without a name
 */
bool dpc_rtnl_parse_link(const struct nlmsghdr *nlh, size_t len,
						 dpc_link_t *link);

/**
 * Parse an RTM_NEWADDR message (IPv4 or IPv6).
 *
 * @param nlh		the message
 * @param len		bytes available at nlh
 * @param addr		receives the address
 * @return			FALSE if malformed, of another family or without address
 */
bool dpc_rtnl_parse_addr(const struct nlmsghdr *nlh, size_t len,
						 dpc_ifaddr_t *addr);

#endif /** DPC_RTNL_PARSE_H_ @}*/
