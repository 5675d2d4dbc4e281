/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_rtnl_tables.h"
#include "model/dpc_bulk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <utils/utils.h>

typedef struct private_dpc_rtnl_tables_t private_dpc_rtnl_tables_t;

/**
 * Private data of the rule and route dumps of a round.
 */
struct private_dpc_rtnl_tables_t {

	/**
	 * Public interface.
	 */
	dpc_rtnl_tables_t public;

	/**
	 * rtnetlink client, not owned.
	 */
	dpc_rtnl_t *rtnl;

	/**
	 * Interface names of the round, not owned.
	 */
	dpc_ifmap_t *map;

	/**
	 * Dumps kept across rounds, NULL if none
	 */
	dpc_rtnl_dumps_t *kept;

	/**
	 * Rules and routes of IPv4 [0] and IPv6 [1], read on demand (owned
	 * unless kept)
	 */
	struct {
		/** dumped this round */
		bool asked;
		/** the arrays belong to kept */
		bool from_kept;
		/** the rules */
		dpc_rule_t *rules;
		/** number of rules */
		size_t nrules;
		/** the routes */
		dpc_rtentry_t *routes;
		/** number of routes */
		size_t nroutes;
	} rt[2];
};

/**
 * Dump the rules and routes of a family once a round.
 */
static int read_family(private_dpc_rtnl_tables_t *this, uint8_t family)
{
	int i = family == AF_INET6 ? 1 : 0;
	dpc_rtentry_t *route;
	bool truncated, ok;
	size_t j;

	if (this->rt[i].asked)
	{
		return i;
	}
	this->rt[i].asked = TRUE;
	if (this->kept && this->kept->rt[i].valid)
	{	/* the kernel announced no change since they were read */
		this->rt[i].rules = this->kept->rt[i].rules;
		this->rt[i].nrules = this->kept->rt[i].nrules;
		this->rt[i].routes = this->kept->rt[i].routes;
		this->rt[i].nroutes = this->kept->rt[i].nroutes;
		this->rt[i].from_kept = TRUE;
		return i;
	}
	ok = TRUE;
	if (!this->rtnl->dump_rules(this->rtnl, family, &this->rt[i].rules,
								&this->rt[i].nrules, &truncated))
	{
		this->rt[i].nrules = 0;
		ok = FALSE;
	}
	if (!this->rtnl->dump_routes(this->rtnl, family, &this->rt[i].routes,
								 &this->rt[i].nroutes, &truncated))
	{
		this->rt[i].nroutes = 0;
		ok = FALSE;
	}
	for (j = 0; j < this->rt[i].nroutes; j++)
	{
		route = &this->rt[i].routes[j];
		if (route->oif_index &&
			!this->map->get_name(this->map, route->oif_index, route->oif))
		{
			snprintf(route->oif, IF_NAMESIZE, "if%u", route->oif_index);
		}
	}
	if (this->kept && ok)
	{	/* hand them over (a failed dump is read again next round) */
		dpc_bulk_free(this->kept->rt[i].rules);
		dpc_bulk_free(this->kept->rt[i].routes);
		this->kept->rt[i].rules = this->rt[i].rules;
		this->kept->rt[i].nrules = this->rt[i].nrules;
		this->kept->rt[i].routes = this->rt[i].routes;
		this->kept->rt[i].nroutes = this->rt[i].nroutes;
		this->kept->rt[i].valid = TRUE;
		this->rt[i].from_kept = TRUE;
	}
	return i;
}

METHOD(dpc_rtnl_tables_t, get_rules, size_t,
	private_dpc_rtnl_tables_t *this, uint8_t family,
	const dpc_rule_t **rules)
{
	int i = read_family(this, family);

	*rules = this->rt[i].rules;
	return this->rt[i].nrules;
}

METHOD(dpc_rtnl_tables_t, get_routes, size_t,
	private_dpc_rtnl_tables_t *this, uint8_t family,
	const dpc_rtentry_t **routes)
{
	int i = read_family(this, family);

	*routes = this->rt[i].routes;
	return this->rt[i].nroutes;
}

METHOD(dpc_rtnl_tables_t, keep, void,
	private_dpc_rtnl_tables_t *this, dpc_rtnl_dumps_t *kept)
{
	this->kept = kept;
}

METHOD(dpc_rtnl_tables_t, destroy, void,
	private_dpc_rtnl_tables_t *this)
{
	int i;

	for (i = 0; i < 2; i++)
	{
		if (!this->rt[i].from_kept)
		{
			dpc_bulk_free(this->rt[i].rules);
			dpc_bulk_free(this->rt[i].routes);
		}
	}
	free(this);
}

/*
 * Described in header
 */
void dpc_rtnl_dumps_clear(dpc_rtnl_dumps_t *dumps)
{
	int i;

	for (i = 0; i < 2; i++)
	{
		dpc_bulk_free(dumps->rt[i].rules);
		dpc_bulk_free(dumps->rt[i].routes);
	}
	memset(dumps, 0, sizeof(*dumps));
}

/*
 * Described in header
 */
dpc_rtnl_tables_t *dpc_rtnl_tables_create(dpc_rtnl_t *rtnl, dpc_ifmap_t *map)
{
	private_dpc_rtnl_tables_t *this;

	INIT(this,
		.public = {
			.get_rules = _get_rules,
			.get_routes = _get_routes,
			.keep = _keep,
			.destroy = _destroy,
		},
		.rtnl = rtnl,
		.map = map,
	);
	return &this->public;
}
