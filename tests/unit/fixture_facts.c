/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "fixture_facts.h"

#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define MAX_ENTRIES 32

typedef struct {
	dpc_addr_t addr;
	char ifname[IF_NAMESIZE];
} addr_entry_t;

typedef struct {
	dpc_ts_t dst;
	char iif[IF_NAMESIZE];
	dpc_route_t answer;
} route_entry_t;

typedef struct {
	char path[96];
	int value;
} sysctl_entry_t;

typedef struct {
	char ifname[IF_NAMESIZE];
	uint32_t mtu;
} mtu_entry_t;

typedef struct {
	dpc_facts_t public;
	dpc_dataplane_t dataplane;
	char tun[IF_NAMESIZE];
	addr_entry_t addrs[MAX_ENTRIES];
	int n_addrs;
	route_entry_t routes[MAX_ENTRIES];
	int n_routes;
	sysctl_entry_t sysctls[MAX_ENTRIES];
	int n_sysctls;
	int lookups;
	const nfsim_ruleset_t *ruleset;
	const dpc_xfrm_sad_t *sad;
	const dpc_xfrm_spd_t *spd;
	const dpc_xfrm_stat_t *stat;
	nfsim_ifaddr_t nfaddrs[MAX_ENTRIES];
	mtu_entry_t mtus[MAX_ENTRIES];
	int n_mtus;
	const dpc_rule_t *rules;
	size_t n_rules;
	const dpc_rtentry_t *rtentries;
	size_t n_rtentries;
	const dpc_link_t *links;
	size_t n_links;
} fixture_t;

static bool route_get(dpc_facts_t *facts, const dpc_route_query_t *q,
					  dpc_route_t *route)
{
	fixture_t *this = (fixture_t*)facts;
	int i;

	this->lookups++;
	for (i = 0; i < this->n_routes; i++)
	{
		route_entry_t *e = &this->routes[i];

		if (!dpc_ts_contains_addr(&e->dst, &q->dst))
		{
			continue;
		}
		if (strcmp(e->iif, "*") && strcmp(e->iif, q->iif))
		{
			continue;
		}
		*route = e->answer;
		dpc_route_format(q, route);
		return true;
	}
	memset(route, 0, sizeof(*route));
	route->error = 101; /* ENETUNREACH */
	dpc_route_format(q, route);
	return true;
}

static bool sysctl(dpc_facts_t *facts, const char *path, int *value)
{
	fixture_t *this = (fixture_t*)facts;
	int i;

	for (i = 0; i < this->n_sysctls; i++)
	{
		if (!strcmp(this->sysctls[i].path, path))
		{
			*value = this->sysctls[i].value;
			return true;
		}
	}
	return false;
}

static bool is_local(dpc_facts_t *facts, const dpc_addr_t *addr,
					 char ifname[IF_NAMESIZE])
{
	fixture_t *this = (fixture_t*)facts;
	int i;

	for (i = 0; i < this->n_addrs; i++)
	{
		if (this->addrs[i].addr.family == addr->family &&
			!dpc_addr_cmp(&this->addrs[i].addr, addr))
		{
			if (ifname)
			{
				memcpy(ifname, this->addrs[i].ifname, IF_NAMESIZE);
			}
			return true;
		}
	}
	return false;
}

static bool local_in_ts(dpc_facts_t *facts, const dpc_ts_t *ts,
						dpc_addr_t *addr, char ifname[IF_NAMESIZE])
{
	fixture_t *this = (fixture_t*)facts;
	int i;

	for (i = 0; i < this->n_addrs; i++)
	{
		if (dpc_ts_contains_addr(ts, &this->addrs[i].addr))
		{
			*addr = this->addrs[i].addr;
			if (ifname)
			{
				memcpy(ifname, this->addrs[i].ifname, IF_NAMESIZE);
			}
			return true;
		}
	}
	return false;
}

static bool link_exists(dpc_facts_t *facts, const char *ifname, bool *up)
{
	if (up)
	{
		*up = true;
	}
	return true;
}

static bool link_mtu(dpc_facts_t *facts, const char *ifname, uint32_t *mtu)
{
	fixture_t *this = (fixture_t*)facts;
	int i;

	for (i = 0; i < this->n_mtus; i++)
	{
		if (strcmp(this->mtus[i].ifname, ifname) == 0)
		{
			*mtu = this->mtus[i].mtu;
			return true;
		}
	}
	return false;
}

void fixture_facts_mtu(dpc_facts_t *facts, const char *ifname, uint32_t mtu)
{
	fixture_t *this = (fixture_t*)facts;

	if (this->n_mtus < MAX_ENTRIES)
	{
		snprintf(this->mtus[this->n_mtus].ifname, IF_NAMESIZE, "%s", ifname);
		this->mtus[this->n_mtus++].mtu = mtu;
	}
}

static dpc_dataplane_t get_dataplane(dpc_facts_t *facts)
{
	return ((fixture_t*)facts)->dataplane;
}

static const char *get_tun(dpc_facts_t *facts)
{
	fixture_t *this = (fixture_t*)facts;

	return this->tun[0] ? this->tun : NULL;
}

static const nfsim_ruleset_t *get_ruleset(dpc_facts_t *facts)
{
	return ((fixture_t*)facts)->ruleset;
}

static const dpc_xfrm_sad_t *get_sad(dpc_facts_t *facts)
{
	fixture_t *this = (fixture_t*)facts;

	if (!this->sad)
	{
		errno = ENOENT;
	}
	return this->sad;
}

static const dpc_xfrm_spd_t *get_spd(dpc_facts_t *facts)
{
	fixture_t *this = (fixture_t*)facts;

	if (!this->spd)
	{
		errno = ENOENT;
	}
	return this->spd;
}

static const dpc_xfrm_stat_t *get_xfrm_stat(dpc_facts_t *facts)
{
	fixture_t *this = (fixture_t*)facts;

	if (!this->stat)
	{
		errno = ENOENT;
	}
	return this->stat;
}

static size_t get_addrs(dpc_facts_t *facts, const nfsim_ifaddr_t **addrs)
{
	fixture_t *this = (fixture_t*)facts;
	int i;

	for (i = 0; i < this->n_addrs; i++)
	{
		this->nfaddrs[i].family = this->addrs[i].addr.family;
		memcpy(this->nfaddrs[i].addr, this->addrs[i].addr.a, 16);
		this->nfaddrs[i].plen = this->addrs[i].addr.family == AF_INET ? 24
																		: 64;
		memcpy(this->nfaddrs[i].ifname, this->addrs[i].ifname, IF_NAMESIZE);
	}
	*addrs = this->nfaddrs;
	return this->n_addrs;
}

static size_t get_rules(dpc_facts_t *facts, uint8_t family,
						const dpc_rule_t **rules)
{
	fixture_t *this = (fixture_t*)facts;

	/* both families in one array: the callers pick theirs */
	*rules = this->rules;
	return this->n_rules;
}

static size_t get_routes(dpc_facts_t *facts, uint8_t family,
						 const dpc_rtentry_t **routes)
{
	fixture_t *this = (fixture_t*)facts;

	*routes = this->rtentries;
	return this->n_rtentries;
}

static size_t get_links(dpc_facts_t *facts, const dpc_link_t **links)
{
	fixture_t *this = (fixture_t*)facts;

	*links = this->links;
	return this->n_links;
}

static void destroy(dpc_facts_t *facts)
{
	free(facts);
}

dpc_facts_t *fixture_facts_create(dpc_dataplane_t dataplane, const char *tun)
{
	fixture_t *this = calloc(1, sizeof(*this));

	this->public = (dpc_facts_t){
		.route_get = route_get,
		.sysctl = sysctl,
		.is_local = is_local,
		.local_in_ts = local_in_ts,
		.link_exists = link_exists,
		.link_mtu = link_mtu,
		.get_dataplane = get_dataplane,
		.get_tun = get_tun,
		.get_ruleset = get_ruleset,
		.get_sad = get_sad,
		.get_spd = get_spd,
		.get_xfrm_stat = get_xfrm_stat,
		.get_addrs = get_addrs,
		.get_rules = get_rules,
		.get_routes = get_routes,
		.get_links = get_links,
		.destroy = destroy,
	};
	this->dataplane = dataplane;
	snprintf(this->tun, sizeof(this->tun), "%s", tun ? tun : "");
	return &this->public;
}

void fixture_facts_addr(dpc_facts_t *facts, const char *addr,
						const char *ifname)
{
	fixture_t *this = (fixture_t*)facts;
	addr_entry_t *e = &this->addrs[this->n_addrs++];

	dpc_addr_parse(&e->addr, addr);
	snprintf(e->ifname, sizeof(e->ifname), "%s", ifname);
}

void fixture_facts_route(dpc_facts_t *facts, const char *dst, const char *iif,
						 int error, dpc_rt_type_t type, const char *oif,
						 const char *gateway, uint32_t table)
{
	fixture_t *this = (fixture_t*)facts;
	route_entry_t *e = &this->routes[this->n_routes++];

	memset(e, 0, sizeof(*e));
	dpc_ts_parse(&e->dst, dst);
	snprintf(e->iif, sizeof(e->iif), "%s", iif);
	e->answer.error = error;
	e->answer.type = type;
	e->answer.table = table;
	snprintf(e->answer.oif, sizeof(e->answer.oif), "%s", oif ? oif : "");
	if (gateway)
	{
		dpc_addr_parse(&e->answer.gateway, gateway);
	}
}

void fixture_facts_route_more(dpc_facts_t *facts, const char *prefsrc,
							  uint32_t mtu, uint32_t expires)
{
	fixture_t *this = (fixture_t*)facts;
	route_entry_t *e = &this->routes[this->n_routes - 1];

	if (prefsrc)
	{
		dpc_addr_parse(&e->answer.prefsrc, prefsrc);
	}
	e->answer.mtu = mtu;
	e->answer.mtu_expires = expires;
}

void fixture_facts_reset_routes(dpc_facts_t *facts)
{
	((fixture_t*)facts)->n_routes = 0;
}

void fixture_facts_sysctl(dpc_facts_t *facts, const char *path, int value)
{
	fixture_t *this = (fixture_t*)facts;
	sysctl_entry_t *e;
	int i;

	for (i = 0; i < this->n_sysctls; i++)
	{
		if (!strcmp(this->sysctls[i].path, path))
		{
			this->sysctls[i].value = value;
			return;
		}
	}
	e = &this->sysctls[this->n_sysctls++];
	snprintf(e->path, sizeof(e->path), "%s", path);
	e->value = value;
}

void fixture_facts_ruleset(dpc_facts_t *facts, const nfsim_ruleset_t *rs)
{
	((fixture_t*)facts)->ruleset = rs;
}

void fixture_facts_sad(dpc_facts_t *facts, const dpc_xfrm_sad_t *sad)
{
	((fixture_t*)facts)->sad = sad;
}

void fixture_facts_xfrm(dpc_facts_t *facts, const dpc_xfrm_spd_t *spd,
						const dpc_xfrm_stat_t *stat)
{
	fixture_t *this = (fixture_t*)facts;

	this->dataplane = DPC_DATAPLANE_XFRM;
	this->spd = spd;
	this->stat = stat;
}

int fixture_facts_lookups(dpc_facts_t *facts)
{
	return ((fixture_t*)facts)->lookups;
}

void fixture_facts_rules(dpc_facts_t *facts, const dpc_rule_t *rules,
						 size_t count)
{
	fixture_t *this = (fixture_t*)facts;

	this->rules = rules;
	this->n_rules = count;
}

void fixture_facts_rtentries(dpc_facts_t *facts, const dpc_rtentry_t *routes,
							 size_t count)
{
	fixture_t *this = (fixture_t*)facts;

	this->rtentries = routes;
	this->n_rtentries = count;
}

void fixture_facts_route_src(dpc_facts_t *facts, const char *src)
{
	fixture_t *this = (fixture_t*)facts;

	if (this->n_routes)
	{
		dpc_addr_parse(&this->routes[this->n_routes - 1].answer.prefsrc, src);
	}
}

void fixture_facts_links(dpc_facts_t *facts, const dpc_link_t *links,
						 size_t count)
{
	fixture_t *this = (fixture_t*)facts;

	this->links = links;
	this->n_links = count;
}
