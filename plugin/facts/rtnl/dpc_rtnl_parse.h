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
typedef struct dpc_link_t {
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
	/** kind "xfrm": IFLA_XFRM_IF_ID, 0 if none */
	uint32_t if_id;
	/** kind "vti"/"vti6": IFLA_VTI_IKEY (host order), 0 if none */
	uint32_t ikey;
	/** kind "vti"/"vti6": IFLA_VTI_OKEY (host order): the mark of the XFRM
	 *  lookup of packets routed into the device, 0 if none */
	uint32_t okey;
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

/** longest "ip rule" / "ip route show" style text of a rule or route */
#define DPC_RTNL_TEXT_LEN 160

/**
 * A policy routing rule, from RTM_NEWRULE ("ip rule").
 */
typedef struct dpc_rule_t {
	/** AF_INET or AF_INET6 */
	uint8_t family;
	/** priority (FRA_PRIORITY, 0 if absent) */
	uint32_t priority;
	/** FR_ACT_* (1 = lookup a table) */
	uint8_t action;
	/** table looked up (FRA_TABLE, else rtm_table) */
	uint32_t table;
	/** "from" prefix, family 0 for all */
	dpc_addr_t src;
	/** "from" prefix length */
	uint8_t src_len;
	/** "to" prefix, family 0 for all */
	dpc_addr_t dst;
	/** "to" prefix length */
	uint8_t dst_len;
	/** "iif" interface name, empty for any */
	char iif[IF_NAMESIZE];
	/** "oif" interface name, empty for any */
	char oif[IF_NAMESIZE];
	/** "fwmark" value, 0 if none */
	uint32_t fwmark;
	/** "fwmark" mask (0xffffffff if a mark without mask) */
	uint32_t fwmask;
	/** "not": the selector is inverted (FIB_RULE_INVERT) */
	bool invert;
	/** "suppress_prefixlength", -1 if none */
	int32_t suppress_prefixlen;
	/** a selector the checks do not evaluate (tos, dscp, ipproto, ports,
	 *  uidrange, l3mdev, tun_id): such a rule is never assumed to match */
	bool other;
	/** "ip rule" style text, e.g. "100: from 10.10.1.0/24 iif lan lookup
	 *  100" */
	char text[DPC_RTNL_TEXT_LEN];
} dpc_rule_t;

/**
 * A route of a table, from an RTM_NEWROUTE dump entry ("ip route show
 * table all").
 */
typedef struct dpc_rtentry_t {
	/** AF_INET or AF_INET6 */
	uint8_t family;
	/** destination prefix (family set, zero for a default route) */
	dpc_addr_t dst;
	/** destination prefix length */
	uint8_t dst_len;
	/** table (RTA_TABLE, else rtm_table) */
	uint32_t table;
	/** RTN_* type */
	dpc_rt_type_t type;
	/** output interface index (RTA_OIF or first hop), 0 if none */
	uint32_t oif_index;
	/** its name, empty if not resolved (the parser leaves it empty) */
	char oif[IF_NAMESIZE];
	/** gateway, family 0 if none */
	dpc_addr_t gateway;
	/** preferred source, family 0 if none */
	dpc_addr_t prefsrc;
	/** metric (RTA_PRIORITY) */
	uint32_t metric;
} dpc_rtentry_t;

/**
 * Parse an RTM_NEWRULE message (IPv4 or IPv6). Interface names are copied
 * as the kernel reports them; rule->text is filled.
 *
 * @param nlh		the message
 * @param len		bytes available at nlh
 * @param rule		receives the rule
 * @return			FALSE if malformed or of another family
 */
bool dpc_rtnl_parse_rule(const struct nlmsghdr *nlh, size_t len,
						 dpc_rule_t *rule);

/**
 * Parse an RTM_NEWROUTE dump entry (IPv4 or IPv6), keeping the destination
 * prefix, unlike dpc_rtnl_parse_route().
 *
 * @param nlh		the message
 * @param len		bytes available at nlh
 * @param entry		receives the route
 * @return			FALSE if malformed or of another family
 */
bool dpc_rtnl_parse_rtentry(const struct nlmsghdr *nlh, size_t len,
							dpc_rtentry_t *entry);

/**
 * Print a route of a table the way "ip route show table all" does, e.g.
 * "10.20.1.10 via 192.0.2.1 dev wan table 100" or "blackhole 10.20.1.0/28
 * table 220".
 *
 * @param entry		the route
 * @param oif		name of its output interface, NULL for "ifN"
 * @param buf		receives the text
 * @param len		size of buf
 * @return			buf
 */
char *dpc_rtentry_format(const dpc_rtentry_t *entry, const char *oif,
						 char *buf, size_t len);

#endif /** DPC_RTNL_PARSE_H_ @}*/
