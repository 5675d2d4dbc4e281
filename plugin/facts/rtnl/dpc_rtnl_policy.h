/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_rtnl_policy dpc_rtnl_policy
 * @{ @ingroup dpc_facts
 *
 * Questions about policy routing answered from the round's rule and route
 * dumps (dpc_facts_t.get_rules(), get_routes()): the route of one table
 * for an address, and the rule that selects a packet, evaluated like the
 * kernel's fib_rule_match().
 */

#ifndef DPC_RTNL_POLICY_H_
#define DPC_RTNL_POLICY_H_

#include "dpc_rtnl_parse.h"

/**
 * The most specific route of one table that contains an address (the
 * longest prefix, the lowest metric among equals), from the round's route
 * dump; throw routes count as none.
 *
 * @param facts		the facts
 * @param table		table id
 * @param addr		the address
 * @return			the route, NULL if the table has none for addr
 */
const dpc_rtentry_t *dpc_table_route(dpc_facts_t *facts,
											uint32_t table,
											const dpc_addr_t *addr);

/**
 * Does a rule select a packet? Rules with selectors the checks do not
 * evaluate never match.
 *
 * @param rule		the rule
 * @param src		source address
 * @param dst		destination address
 * @param iif		input interface, "" for a locally generated packet
 * @param mark		firewall mark
 * @return			true if the rule applies
 */
bool dpc_rule_selects(const dpc_rule_t *rule, const dpc_addr_t *src,
					  const dpc_addr_t *dst, const char *iif, uint32_t mark);

/**
 * The first rule that selects a packet and looks up a given table: the
 * rule that sent it there, as far as rules tell.
 *
 * @param facts		the facts
 * @param table		the table the kernel reported
 * @param src		source address
 * @param dst		destination address
 * @param iif		input interface, "" for a locally generated packet
 * @return			the rule, NULL if none
 */
const dpc_rule_t *dpc_rule_to_table(dpc_facts_t *facts, uint32_t table,
										   const dpc_addr_t *src,
										   const dpc_addr_t *dst,
										   const char *iif);

/**
 * A rule that would send a marked packet to a table before priority
 * "before": "fwmark M lookup T" (e.g. charon's kernel-netlink.fwmark set to
 * a mark, not "!mark"), whose selectors besides the mark match. Whether the
 * packet carries the mark is up to the firewall (mangle rules): the route
 * the kernel reported for an unmarked packet may not be the one it takes.
 *
 * @param facts		the facts
 * @param table		the table of interest
 * @param src		source address
 * @param dst		destination address
 * @param iif		input interface, "" for a locally generated packet
 * @param before	only rules with a lower priority than this count
 * @return			the rule, NULL if none
 */
const dpc_rule_t *dpc_rule_marked_to_table(dpc_facts_t *facts,
										   uint32_t table,
										   const dpc_addr_t *src,
										   const dpc_addr_t *dst,
										   const char *iif, uint32_t before);

#endif /** DPC_RTNL_POLICY_H_ @}*/
