/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_kernel_facts.h"
#include "facts/rtnl/dpc_rtnl.h"
#include "facts/rtnl/dpc_rtnl_tables.h"
#include "facts/sysctl/dpc_sysctl_cache.h"
#include "facts/xfrm/dpc_xfrm_reader.h"
#include "model/dpc_bulk.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/rtnetlink.h>

#include <utils/utils.h>

/** fewest route answers allocated */
#define ANSWERS_MIN 32

/** questions of the last full round looked through for ones to ask along */
#define AHEAD_SCAN (2 * DPC_RTNL_BATCH)

typedef struct private_dpc_kernel_facts_t private_dpc_kernel_facts_t;

/**
 * Private data of the kernel facts.
 */
struct private_dpc_kernel_facts_t {

	/**
	 * Public interface.
	 */
	dpc_facts_t public;

	/**
	 * Interface names of this round, for the route parser.
	 */
	dpc_ifmap_t map;

	/**
	 * rtnetlink client.
	 */
	dpc_rtnl_t *rtnl;

	/**
	 * Interfaces, sorted by index.
	 */
	dpc_link_t *links;

	/**
	 * Number of interfaces.
	 */
	size_t nlinks;

	/**
	 * Interface addresses, in dump order.
	 */
	dpc_ifaddr_t *addrs;

	/**
	 * Number of addresses.
	 */
	size_t naddrs;

	/**
	 * The addresses as the simulator wants them, built on demand
	 */
	nfsim_ifaddr_t *nfaddrs;

	/**
	 * Entries in nfaddrs
	 */
	size_t nnfaddrs;

	/**
	 * Source of the netfilter ruleset, NULL if none
	 */
	dpc_nf_cache_t *nf;

	/**
	 * The ruleset of this round, valid if nf_asked
	 */
	const nfsim_ruleset_t *ruleset;

	/**
	 * The ruleset was fetched from nf for this round
	 */
	bool nf_asked;

	/**
	 * How ESP is handled.
	 */
	dpc_dataplane_t dataplane;

	/**
	 * TUN device given by the creator, empty if none.
	 */
	char tun[IF_NAMESIZE];

	/**
	 * Route cache: the questions answered, in asking order
	 */
	dpc_route_questions_t *asked;

	/**
	 * Their answers, by position, and how many are allocated
	 */
	dpc_route_t *answers;
	size_t answers_alloc;

	/**
	 * The questions of the last full round (see ask_ahead()), NULL for none
	 */
	dpc_route_questions_t **previous;

	/**
	 * Leave the questions asked in *previous at destroy
	 */
	bool remember;

	/**
	 * Route requests sent to the kernel
	 */
	size_t route_requests;

	/**
	 * errno of a failed route question: the kernel stopped answering, fail
	 * the rest of the round at once instead of waiting for each question.
	 */
	int route_errno;

	/**
	 * Sysctls read this round.
	 */
	dpc_sysctl_cache_t *sysctls;

	/**
	 * What the round may spend, NULL for no limit
	 */
	const dpc_budget_t *budget;

	/**
	 * XFRM reads of the round, NULL unless the data plane is XFRM
	 */
	dpc_xfrm_reader_t *xfrm;

	/**
	 * Rule and route dumps of the round
	 */
	dpc_rtnl_tables_t *tables;
};

/**
 * The facts object of an embedded interface map.
 */
static private_dpc_kernel_facts_t *from_map(dpc_ifmap_t *map)
{
	return (private_dpc_kernel_facts_t*)((char*)map -
							offsetof(private_dpc_kernel_facts_t, map));
}

/**
 * Compare links by index, for qsort()/bsearch().
 */
static int link_cmp(const void *a, const void *b)
{
	const dpc_link_t *la = a, *lb = b;

	return (la->index > lb->index) - (la->index < lb->index);
}

/**
 * Interface of an index.
 */
static dpc_link_t *link_by_index(private_dpc_kernel_facts_t *this,
								 uint32_t index)
{
	dpc_link_t key = { .index = index };

	if (!this->nlinks)
	{
		return NULL;
	}
	return bsearch(&key, this->links, this->nlinks, sizeof(dpc_link_t),
				   link_cmp);
}

/**
 * Interface of a name.
 */
static dpc_link_t *link_by_name(private_dpc_kernel_facts_t *this,
								const char *name)
{
	size_t i;

	for (i = 0; i < this->nlinks; i++)
	{
		if (strncmp(this->links[i].name, name, IF_NAMESIZE) == 0)
		{
			return &this->links[i];
		}
	}
	return NULL;
}

/**
 * Implementation of dpc_ifmap_t.get_name.
 */
static bool map_get_name(dpc_ifmap_t *map, uint32_t index,
						 char name[IF_NAMESIZE])
{
	dpc_link_t *link = link_by_index(from_map(map), index);

	if (!link)
	{
		return FALSE;
	}
	memcpy(name, link->name, IF_NAMESIZE);
	return TRUE;
}

/**
 * Implementation of dpc_ifmap_t.get_index.
 */
static bool map_get_index(dpc_ifmap_t *map, const char *name, uint32_t *index)
{
	dpc_link_t *link = link_by_name(from_map(map), name);

	if (!link)
	{
		return FALSE;
	}
	*index = link->index;
	return TRUE;
}

/**
 * Interface name of an index, "ifN" if unknown.
 */
static void index_name(private_dpc_kernel_facts_t *this, uint32_t index,
					   char name[IF_NAMESIZE])
{
	if (!map_get_name(&this->map, index, name))
	{
		snprintf(name, IF_NAMESIZE, "if%u", index);
	}
}

/**
 * Cache an answer after the ones asked before it.
 */
static void cache_answer(private_dpc_kernel_facts_t *this,
						 const dpc_route_query_t *q, const dpc_route_t *route)
{
	dpc_route_t *answers;
	size_t pos, size, expect = 0;

	if (!this->asked)
	{	/* as many as the last full round asked, without growing */
		if (this->previous && *this->previous)
		{
			expect = (*this->previous)->count(*this->previous);
		}
		this->asked = dpc_route_questions_create(expect);
		if (!this->asked)
		{
			return;
		}
	}
	pos = this->asked->count(this->asked);
	if (pos == this->answers_alloc)
	{
		size = max(max(pos * 2, expect), (size_t)ANSWERS_MIN);
		answers = dpc_bulk_reallocarray(this->answers, size, sizeof(*answers));
		if (!answers)
		{
			return;
		}
		this->answers = answers;
		this->answers_alloc = size;
	}
	if (this->asked->add(this->asked, q, &pos))
	{
		this->answers[pos] = *route;
	}
}

/**
 * Is a question answered already?
 */
static bool cached(private_dpc_kernel_facts_t *this, const dpc_route_query_t *q,
				   dpc_route_t *route)
{
	size_t pos;

	if (this->asked && this->asked->find(this->asked, q, &pos))
	{
		if (route)
		{
			*route = this->answers[pos];
		}
		return TRUE;
	}
	return FALSE;
}

/**
 * Ask a question together with the ones the last full round asked after it
 * and that are not answered yet: one round trip instead of one each, as
 * long as the rounds ask what they asked before.
 *
 * @return			1 if answered (all answers cached), 0 if the last round
 *					did not ask it or nothing follows it, -1 with errno set
 */
static int ask_ahead(private_dpc_kernel_facts_t *this,
					 const dpc_route_query_t *q, dpc_route_t *route)
{
	dpc_route_questions_t *previous;
	dpc_route_query_t batch[DPC_RTNL_BATCH];
	dpc_route_t answers[DPC_RTNL_BATCH];
	bool answered[DPC_RTNL_BATCH];
	size_t pos, end, i, n = 1;

	previous = this->previous ? *this->previous : NULL;
	if (!previous || !previous->find(previous, q, &pos))
	{
		return 0;
	}
	batch[0] = *q;
	end = min(previous->count(previous), pos + 1 + AHEAD_SCAN);
	for (i = pos + 1; i < end && n < DPC_RTNL_BATCH; i++)
	{
		if (previous->get(previous, i, &batch[n]) &&
			!cached(this, &batch[n], NULL))
		{
			n++;
		}
	}
	if (n == 1)
	{
		return 0;
	}
	this->route_requests++;
	if (!this->rtnl->route_get_many(this->rtnl, batch, n, &this->map,
									answers, answered))
	{
		return -1;
	}
	if (!answered[0])
	{
		errno = EBADMSG;
		return -1;
	}
	for (i = 0; i < n; i++)
	{	/* in the order asked, which the next round asks ahead in */
		if (answered[i])
		{
			cache_answer(this, &batch[i], &answers[i]);
		}
	}
	*route = answers[0];
	return 1;
}

METHOD(dpc_facts_t, route_get, bool,
	private_dpc_kernel_facts_t *this, const dpc_route_query_t *q,
	dpc_route_t *route)
{
	int ret;

	if (cached(this, q, route))
	{
		return TRUE;
	}
	if (!this->route_errno)
	{	/* no new questions once the round's budget is used up */
		this->route_errno = -dpc_budget_errno(this->budget);
	}
	if (this->route_errno)
	{
		errno = this->route_errno;
		return FALSE;
	}
	ret = ask_ahead(this, q, route);
	if (ret == 0)
	{
		this->route_requests++;
		ret = this->rtnl->route_get(this->rtnl, q, &this->map, route) ? 1 : -1;
		if (ret > 0)
		{
			cache_answer(this, q, route);
		}
	}
	if (ret < 0)
	{
		if (errno == ETIMEDOUT || errno == ENOBUFS || errno == EBADMSG)
		{
			this->route_errno = errno;
		}
		return FALSE;
	}
	return TRUE;
}

METHOD(dpc_facts_t, get_sysctl, bool,
	private_dpc_kernel_facts_t *this, const char *path, int *value)
{
	return this->sysctls->get(this->sysctls, path, value);
}

/*
 * Described in header
 */
bool dpc_kernel_facts_sysctl_at(dpc_facts_t *facts, size_t i,
								const char **path, int *value, bool *ok)
{
	private_dpc_kernel_facts_t *this = (private_dpc_kernel_facts_t*)facts;

	return this->sysctls->at(this->sysctls, i, path, value, ok);
}

/**
 * Addresses the kernel will not use.
 */
static bool addr_unusable(const dpc_ifaddr_t *addr)
{
	return (addr->flags & IFA_F_DADFAILED) != 0;
}

METHOD(dpc_facts_t, is_local, bool,
	private_dpc_kernel_facts_t *this, const dpc_addr_t *addr,
	char ifname[IF_NAMESIZE])
{
	dpc_ifaddr_t *ifa;
	size_t i, len;

	len = addr->family == AF_INET ? 4 : 16;
	for (i = 0; i < this->naddrs; i++)
	{
		ifa = &this->addrs[i];
		if (ifa->addr.family == addr->family && !addr_unusable(ifa) &&
			memcmp(ifa->addr.a, addr->a, len) == 0)
		{
			if (ifname)
			{
				index_name(this, ifa->index, ifname);
			}
			return TRUE;
		}
	}
	return FALSE;
}

METHOD(dpc_facts_t, local_in_ts, bool,
	private_dpc_kernel_facts_t *this, const dpc_ts_t *ts, dpc_addr_t *addr,
	char ifname[IF_NAMESIZE])
{
	dpc_ifaddr_t *ifa, *found = NULL;
	size_t i;

	/* prefer global, settled addresses, like source address selection */
	for (i = 0; i < this->naddrs; i++)
	{
		ifa = &this->addrs[i];
		if (ifa->addr.family != ts->family || addr_unusable(ifa) ||
			!dpc_ts_contains_addr(ts, &ifa->addr))
		{
			continue;
		}
		if (ifa->scope == RT_SCOPE_UNIVERSE &&
			!(ifa->flags & (IFA_F_TENTATIVE | IFA_F_DEPRECATED)))
		{
			found = ifa;
			break;
		}
		if (!found)
		{
			found = ifa;
		}
	}
	if (!found)
	{
		return FALSE;
	}
	*addr = found->addr;
	if (ifname)
	{
		index_name(this, found->index, ifname);
	}
	return TRUE;
}

METHOD(dpc_facts_t, link_exists, bool,
	private_dpc_kernel_facts_t *this, const char *ifname, bool *up)
{
	dpc_link_t *link = link_by_name(this, ifname);

	if (!link)
	{
		return FALSE;
	}
	if (up)
	{
		*up = link->up;
	}
	return TRUE;
}

METHOD(dpc_facts_t, link_mtu, bool,
	private_dpc_kernel_facts_t *this, const char *ifname, uint32_t *mtu)
{
	dpc_link_t *link = link_by_name(this, ifname);

	if (!link || !link->mtu)
	{
		return FALSE;
	}
	*mtu = link->mtu;
	return TRUE;
}

METHOD(dpc_facts_t, get_dataplane, dpc_dataplane_t,
	private_dpc_kernel_facts_t *this)
{
	return this->dataplane;
}

METHOD(dpc_facts_t, get_tun, const char*,
	private_dpc_kernel_facts_t *this)
{
	size_t i;

	if (this->dataplane != DPC_DATAPLANE_LIBIPSEC)
	{
		return NULL;
	}
	if (this->tun[0])
	{
		return this->tun;
	}
	/* kernel-libipsec creates "ipsec%d" */
	for (i = 0; i < this->nlinks; i++)
	{
		if (streq(this->links[i].kind, "tun") &&
			strncmp(this->links[i].name, "ipsec", 5) == 0)
		{
			return this->links[i].name;
		}
	}
	return NULL;
}

METHOD(dpc_facts_t, get_ruleset, const nfsim_ruleset_t*,
	private_dpc_kernel_facts_t *this)
{
	/* asking whether it changed costs a netlink request: once a round */
	if (this->nf && !this->nf_asked)
	{
		this->ruleset = this->nf->get(this->nf, this->budget);
		this->nf_asked = TRUE;
	}
	return this->ruleset;
}

METHOD(dpc_facts_t, get_sad, const dpc_xfrm_sad_t*,
	private_dpc_kernel_facts_t *this)
{
	if (!this->xfrm)
	{
		errno = ENOTSUP;
		return NULL;
	}
	return this->xfrm->get_sad(this->xfrm);
}

METHOD(dpc_facts_t, get_spd, const dpc_xfrm_spd_t*,
	private_dpc_kernel_facts_t *this)
{
	if (!this->xfrm)
	{
		errno = ENOTSUP;
		return NULL;
	}
	return this->xfrm->get_spd(this->xfrm);
}

METHOD(dpc_facts_t, get_xfrm_stat, const dpc_xfrm_stat_t*,
	private_dpc_kernel_facts_t *this)
{
	if (!this->xfrm)
	{
		errno = ENOTSUP;
		return NULL;
	}
	return this->xfrm->get_stat(this->xfrm);
}

/*
 * Described in header
 */
void dpc_kernel_facts_keep_xfrm_stat(dpc_facts_t *facts,
									 dpc_xfrm_stat_t *last)
{
	private_dpc_kernel_facts_t *this = (private_dpc_kernel_facts_t*)facts;

	if (this->xfrm)
	{
		this->xfrm->keep_stat(this->xfrm, last);
	}
}

/*
 * Described in header
 */
void dpc_kernel_facts_keep_tables(dpc_facts_t *facts, dpc_rtnl_dumps_t *kept)
{
	private_dpc_kernel_facts_t *this = (private_dpc_kernel_facts_t*)facts;

	if (this->tables)
	{
		this->tables->keep(this->tables, kept);
	}
}

METHOD(dpc_facts_t, get_addrs, size_t,
	private_dpc_kernel_facts_t *this, const nfsim_ifaddr_t **addrs)
{
	nfsim_ifaddr_t *a;
	size_t i, len;

	if (!this->nfaddrs && this->naddrs)
	{
		this->nfaddrs = calloc(this->naddrs, sizeof(nfsim_ifaddr_t));
		for (i = 0; i < this->naddrs; i++)
		{
			if (addr_unusable(&this->addrs[i]))
			{
				continue;
			}
			a = &this->nfaddrs[this->nnfaddrs++];
			len = this->addrs[i].addr.family == AF_INET ? 4 : 16;
			a->family = this->addrs[i].addr.family;
			memcpy(a->addr, this->addrs[i].addr.a, len);
			a->plen = this->addrs[i].prefixlen;
			index_name(this, this->addrs[i].index, a->ifname);
		}
	}
	*addrs = this->nfaddrs;
	return this->nnfaddrs;
}

METHOD(dpc_facts_t, get_rules, size_t,
	private_dpc_kernel_facts_t *this, uint8_t family,
	const dpc_rule_t **rules)
{
	return this->tables->get_rules(this->tables, family, rules);
}

METHOD(dpc_facts_t, get_routes, size_t,
	private_dpc_kernel_facts_t *this, uint8_t family,
	const dpc_rtentry_t **routes)
{
	return this->tables->get_routes(this->tables, family, routes);
}

METHOD(dpc_facts_t, get_links, size_t,
	private_dpc_kernel_facts_t *this, const dpc_link_t **links)
{
	*links = this->links;
	return this->nlinks;
}

METHOD(dpc_facts_t, destroy, void,
	private_dpc_kernel_facts_t *this)
{
	DESTROY_IF(this->tables);
	DESTROY_IF(this->xfrm);
	free(this->nfaddrs);
	DESTROY_IF(this->rtnl);
	dpc_bulk_free(this->links);
	dpc_bulk_free(this->addrs);
	if (this->remember)
	{	/* the next round asks ahead what this one asked */
		DESTROY_IF(*this->previous);
		*this->previous = this->asked;
		this->asked = NULL;
	}
	DESTROY_IF(this->asked);
	dpc_bulk_free(this->answers);
	DESTROY_IF(this->sysctls);
	free(this);
}

/*
 * Described in header
 */
void dpc_kernel_facts_ask_ahead(dpc_facts_t *facts,
								dpc_route_questions_t **questions)
{
	private_dpc_kernel_facts_t *this = (private_dpc_kernel_facts_t*)facts;

	this->previous = questions;
}

/*
 * Described in header
 */
void dpc_kernel_facts_remember_questions(dpc_facts_t *facts)
{
	private_dpc_kernel_facts_t *this = (private_dpc_kernel_facts_t*)facts;

	this->remember = this->previous != NULL;
}

/*
 * Described in header
 */
size_t dpc_kernel_facts_route_requests(dpc_facts_t *facts)
{
	private_dpc_kernel_facts_t *this = (private_dpc_kernel_facts_t*)facts;

	return this->route_requests;
}

/*
 * Described in header
 */
dpc_facts_t *dpc_kernel_facts_create(dpc_dataplane_t dataplane,
									 const char *tun_name,
									 dpc_nf_cache_t *nf,
									 const dpc_budget_t *budget)
{
	private_dpc_kernel_facts_t *this;
	int err;

	INIT(this,
		.public = {
			.route_get = _route_get,
			.sysctl = _get_sysctl,
			.is_local = _is_local,
			.local_in_ts = _local_in_ts,
			.link_exists = _link_exists,
			.link_mtu = _link_mtu,
			.get_dataplane = _get_dataplane,
			.get_tun = _get_tun,
			.get_ruleset = _get_ruleset,
			.get_sad = _get_sad,
			.get_spd = _get_spd,
			.get_xfrm_stat = _get_xfrm_stat,
			.get_addrs = _get_addrs,
			.get_rules = _get_rules,
			.get_routes = _get_routes,
			.get_links = _get_links,
			.destroy = _destroy,
		},
		.map = {
			.get_name = map_get_name,
			.get_index = map_get_index,
		},
		.dataplane = dataplane,
		.nf = nf,
		.budget = budget,
	);
	this->sysctls = dpc_sysctl_cache_create();
	if (tun_name)
	{
		snprintf(this->tun, sizeof(this->tun), "%s", tun_name);
	}

	this->rtnl = dpc_rtnl_create();
	if (!this->rtnl ||
		!this->rtnl->dump_links(this->rtnl, &this->links, &this->nlinks) ||
		!this->rtnl->dump_addrs(this->rtnl, &this->addrs, &this->naddrs))
	{
		err = errno;
		destroy(this);
		errno = err;
		return NULL;
	}
	if (this->nlinks)
	{
		qsort(this->links, this->nlinks, sizeof(dpc_link_t), link_cmp);
	}
	this->tables = dpc_rtnl_tables_create(this->rtnl, &this->map);
	if (dataplane == DPC_DATAPLANE_XFRM)
	{
		this->xfrm = dpc_xfrm_reader_create(budget);
	}
	return &this->public;
}
