/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * System facts from fixtures, for tests of the checks: local addresses,
 * route answers by destination prefix and input interface, sysctls.
 */

#ifndef FIXTURE_FACTS_H_
#define FIXTURE_FACTS_H_

#include "facts/dpc_facts.h"
#include "facts/rtnl/dpc_rtnl_parse.h"
#include "facts/xfrm/dpc_xfrm_sad.h"
#include "facts/xfrm/dpc_xfrm_spd.h"
#include "facts/xfrm/dpc_xfrm_stat.h"

/**
 * Create empty fixture facts for a data plane (tun: libipsec TUN name).
 */
dpc_facts_t *fixture_facts_create(dpc_dataplane_t dataplane, const char *tun);

/**
 * Add a local address "10.10.1.1" on an interface.
 */
void fixture_facts_addr(dpc_facts_t *facts, const char *addr,
						const char *ifname);

/**
 * Add a route answer: lookups for destinations in "dst" (CIDR) with input
 * interface iif ("" matches output lookups, "*" any) get this answer. The
 * first matching entry in order of addition wins.
 *
 * @param error		errno to answer with, 0 for a route
 * @param type		route type if error is 0
 * @param oif		output interface
 * @param gateway	gateway address or NULL
 * @param table		routing table
 */
void fixture_facts_route(dpc_facts_t *facts, const char *dst, const char *iif,
						 int error, dpc_rt_type_t type, const char *oif,
						 const char *gateway, uint32_t table);

/**
 * Complete the route answer added last: preferred source (NULL: none), the
 * RTAX_MTU of the answer and the seconds until it expires (0: the route's
 * own metric, else a cached PMTU).
 */
void fixture_facts_route_more(dpc_facts_t *facts, const char *prefsrc,
							  uint32_t mtu, uint32_t expires);

/**
 * Set the MTU of an interface (interfaces without one have none known).
 */
void fixture_facts_mtu(dpc_facts_t *facts, const char *ifname, uint32_t mtu);

/**
 * Forget all route answers.
 */
void fixture_facts_reset_routes(dpc_facts_t *facts);

/**
 * Set a sysctl value ("net/ipv4/ip_forward").
 */
void fixture_facts_sysctl(dpc_facts_t *facts, const char *path, int value);

/**
 * Set the netfilter ruleset (not owned; NULL: none readable).
 */
void fixture_facts_ruleset(dpc_facts_t *facts, const nfsim_ruleset_t *rs);

/**
 * Set the SAD (not owned; NULL: none readable).
 */
void fixture_facts_sad(dpc_facts_t *facts, const dpc_xfrm_sad_t *sad);

/**
 * Switch the facts to the kernel-netlink data plane with an SPD and XFRM
 * drop counters (owned by the caller, NULL for none).
 */
void fixture_facts_xfrm(dpc_facts_t *facts, const dpc_xfrm_spd_t *spd,
						const dpc_xfrm_stat_t *stat);

/**
 * Set the rules of both families (not owned), e.g. parsed from captured
 * messages; every family's question gets the whole array.
 */
void fixture_facts_rules(dpc_facts_t *facts, const dpc_rule_t *rules,
						 size_t count);

/**
 * Set the routes of all tables of both families (not owned), as
 * fixture_facts_rules().
 */
void fixture_facts_rtentries(dpc_facts_t *facts, const dpc_rtentry_t *routes,
							 size_t count);

/**
 * Set the interfaces (not owned).
 */
void fixture_facts_links(dpc_facts_t *facts, const dpc_link_t *links,
						 size_t count);

/**
 * Set the preferred source of the last added route answer.
 */
void fixture_facts_route_src(dpc_facts_t *facts, const char *src);

/**
 * Number of route lookups answered so far.
 */
int fixture_facts_lookups(dpc_facts_t *facts);

#endif /* FIXTURE_FACTS_H_ */
