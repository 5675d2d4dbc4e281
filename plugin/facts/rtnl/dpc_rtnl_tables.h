/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_rtnl_tables dpc_rtnl_tables
 * @{ @ingroup dpc_facts
 *
 * The policy routing rules and the routes of all tables of a round, per
 * family, dumped at most once and on demand (what dpc_rtnl_policy answers
 * its questions from). A failed dump counts as no rules or no routes.
 */

#ifndef DPC_RTNL_TABLES_H_
#define DPC_RTNL_TABLES_H_

#include "dpc_rtnl.h"

typedef struct dpc_rtnl_tables_t dpc_rtnl_tables_t;

/**
 * Rule and route dumps kept from one round to the next, so that a round
 * after a change that did not concern them (an XFRM state, an IKE event)
 * does not read thousands of routes again. Owned by the caller.
 */
typedef struct {
	struct {
		/** holds the dumps of a round and the kernel announced no change
		 *  of routes, rules, addresses or links since */
		bool valid;
		/** the rules */
		dpc_rule_t *rules;
		/** number of rules */
		size_t nrules;
		/** the routes, output interfaces named */
		dpc_rtentry_t *routes;
		/** number of routes */
		size_t nroutes;
	} rt[2];
} dpc_rtnl_dumps_t;

/**
 * Forget kept dumps: the next round reads the kernel again.
 */
void dpc_rtnl_dumps_clear(dpc_rtnl_dumps_t *dumps);

/**
 * Rules and routes of a round.
 */
struct dpc_rtnl_tables_t {

	/**
	 * The policy routing rules of a family ("ip rule"), by priority.
	 *
	 * @param family	AF_INET or AF_INET6
	 * @param rules		receives the array owned by this object
	 * @return			number of rules
	 */
	size_t (*get_rules)(dpc_rtnl_tables_t *this, uint8_t family,
						const dpc_rule_t **rules);

	/**
	 * The routes of all tables of a family but local, their output
	 * interfaces named ("ifN" if unknown).
	 *
	 * @param family	AF_INET or AF_INET6
	 * @param routes	receives the array owned by this object
	 * @return			number of routes
	 */
	size_t (*get_routes)(dpc_rtnl_tables_t *this, uint8_t family,
						 const dpc_rtentry_t **routes);

	/**
	 * Use the valid dumps kept by an earlier round instead of reading the
	 * kernel, and keep this round's dumps there (before the first
	 * get_rules() or get_routes() of a family; a family read already is
	 * left alone).
	 *
	 * @param kept		dumps kept across rounds, must outlive this object
	 */
	void (*keep)(dpc_rtnl_tables_t *this, dpc_rtnl_dumps_t *kept);

	/**
	 * Destroy the object and the dumps it did not keep.
	 */
	void (*destroy)(dpc_rtnl_tables_t *this);
};

/**
 * Create the rule and route dumps of a round.
 *
 * @param rtnl			rtnetlink client, owned by the caller
 * @param map			interface names of the round, owned by the caller
 * @return				the object
 */
dpc_rtnl_tables_t *dpc_rtnl_tables_create(dpc_rtnl_t *rtnl, dpc_ifmap_t *map);

#endif /** DPC_RTNL_TABLES_H_ @}*/
