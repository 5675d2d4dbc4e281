/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_rtnl_policy.h"

#include <string.h>

#include <linux/fib_rules.h>

/**
 * Is an address inside a prefix?
 */
static bool in_prefix(const dpc_addr_t *addr, const dpc_addr_t *net,
					  uint8_t plen)
{
	dpc_ts_t ts;

	if (!net->family)
	{	/* "all" */
		return true;
	}
	return addr->family == net->family &&
		   dpc_ts_from_prefix(&ts, net->family, net->a, plen) &&
		   dpc_ts_contains_addr(&ts, addr);
}

/*
 * Described in header
 */
const dpc_rtentry_t *dpc_table_route(dpc_facts_t *facts, uint32_t table,
									 const dpc_addr_t *addr)
{
	const dpc_rtentry_t *routes, *best = NULL;
	size_t i, n;

	n = facts->get_routes(facts, addr->family, &routes);
	for (i = 0; i < n; i++)
	{
		if (routes[i].table != table || routes[i].family != addr->family ||
			!in_prefix(addr, &routes[i].dst, routes[i].dst_len))
		{
			continue;
		}
		if (!best || routes[i].dst_len > best->dst_len ||
			(routes[i].dst_len == best->dst_len &&
			 routes[i].metric < best->metric))
		{
			best = &routes[i];
		}
	}
	return best && best->type != DPC_RT_THROW ? best : NULL;
}

/*
 * Described in header
 */
bool dpc_rule_selects(const dpc_rule_t *rule, const dpc_addr_t *src,
					  const dpc_addr_t *dst, const char *iif, uint32_t mark)
{
	bool match;

	if (rule->other || rule->oif[0])
	{
		return false;
	}
	match = in_prefix(src, &rule->src, rule->src_len) &&
			in_prefix(dst, &rule->dst, rule->dst_len) &&
			(!rule->iif[0] ||
			 strcmp(rule->iif, iif[0] ? iif : "lo") == 0) &&
			(mark & rule->fwmask) == rule->fwmark;
	return rule->invert ? !match : match;
}

/*
 * Described in header
 */
const dpc_rule_t *dpc_rule_to_table(dpc_facts_t *facts, uint32_t table,
									const dpc_addr_t *src,
									const dpc_addr_t *dst, const char *iif)
{
	const dpc_rule_t *rules;
	size_t i, n;

	n = facts->get_rules(facts, dst->family, &rules);
	for (i = 0; i < n; i++)
	{
		if (rules[i].family == dst->family &&
			rules[i].action == FR_ACT_TO_TBL && rules[i].table == table &&
			dpc_rule_selects(&rules[i], src, dst, iif, 0))
		{
			return &rules[i];
		}
	}
	return NULL;
}


/*
 * Described in header
 */
const dpc_rule_t *dpc_rule_marked_to_table(dpc_facts_t *facts,
										   uint32_t table,
										   const dpc_addr_t *src,
										   const dpc_addr_t *dst,
										   const char *iif, uint32_t before)
{
	const dpc_rule_t *rules;
	size_t i, n;

	n = facts->get_rules(facts, dst->family, &rules);
	for (i = 0; i < n; i++)
	{
		if (rules[i].priority < before && rules[i].family == dst->family &&
			rules[i].action == FR_ACT_TO_TBL && rules[i].table == table &&
			rules[i].fwmask && !rules[i].invert &&
			dpc_rule_selects(&rules[i], src, dst, iif, rules[i].fwmark))
		{
			return &rules[i];
		}
	}
	return NULL;
}
