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

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/rtnetlink.h>

#include <utils/utils.h>

/** first size of the route cache (a power of two) */
#define ROUTE_CACHE_MIN 64

/**
 * A route question as a hash key, padding zeroed.
 */
typedef struct {
	/** destination */
	uint8_t dst_family;
	uint8_t dst[16];
	/** source */
	uint8_t src_family;
	uint8_t src[16];
	/** input interface */
	char iif[IF_NAMESIZE];
	/** firewall mark */
	uint32_t mark;
} route_key_t;

/**
 * A cached route answer.
 */
typedef struct {
	/** the question */
	route_key_t key;
	/** the answer */
	dpc_route_t route;
} route_entry_t;

/**
 * A slot of the route cache's hash table: small, so that probing and
 * doubling touch little memory (the answers stay where they are).
 */
typedef struct {
	/** hash of the question */
	uint32_t hash;
	/** position of the answer + 1, 0 if free */
	uint32_t entry;
} route_slot_t;

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
	 * Route cache: the answers in the order they were asked.
	 */
	route_entry_t *routes;

	/**
	 * Answers cached, and allocated.
	 */
	size_t routes_used, routes_alloc;

	/**
	 * The answers' hash table, open addressing.
	 */
	route_slot_t *slots;

	/**
	 * Slots (a power of two, 0 before the first use).
	 */
	size_t slots_size;

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
 * Build the cache key of a question.
 */
static void make_key(route_key_t *key, const dpc_route_query_t *q)
{
	memset(key, 0, sizeof(*key));
	key->dst_family = q->dst.family;
	memcpy(key->dst, q->dst.a, sizeof(key->dst));
	key->src_family = q->src.family;
	if (q->src.family)
	{
		memcpy(key->src, q->src.a, sizeof(key->src));
	}
	memcpy(key->iif, q->iif, strnlen(q->iif, sizeof(key->iif)));
	key->mark = q->mark;
}

/**
 * FNV-1a hash of a key.
 */
static uint32_t hash_key(const route_key_t *key)
{
	const uint8_t *p = (const uint8_t*)key;
	uint32_t hash = 2166136261u;
	size_t i;

	for (i = 0; i < sizeof(*key); i++)
	{
		hash = (hash ^ p[i]) * 16777619u;
	}
	return hash;
}

/**
 * Slot of a key: the one holding it, or the free one to put it in.
 */
static route_slot_t *find_slot(private_dpc_kernel_facts_t *this,
							   const route_key_t *key, uint32_t hash)
{
	size_t i = hash & (this->slots_size - 1);
	route_slot_t *slot;

	for (;; i = (i + 1) & (this->slots_size - 1))
	{
		slot = &this->slots[i];
		if (!slot->entry || (slot->hash == hash &&
			!memcmp(&this->routes[slot->entry - 1].key, key, sizeof(*key))))
		{
			return slot;
		}
	}
}

/**
 * Make room for one more cached answer (load factor at most one half).
 */
static bool grow_routes(private_dpc_kernel_facts_t *this)
{
	route_entry_t *routes;
	route_slot_t *slots, *old;
	size_t size, i, j;

	if (this->routes_used == this->routes_alloc)
	{
		size = this->routes_alloc ? this->routes_alloc * 2
								  : ROUTE_CACHE_MIN / 2;
		if (size > UINT32_MAX - 1)
		{
			return FALSE;
		}
		routes = realloc(this->routes, size * sizeof(*routes));
		if (!routes)
		{
			return FALSE;
		}
		this->routes = routes;
		this->routes_alloc = size;
	}
	if (this->slots_size && (this->routes_used + 1) * 2 <= this->slots_size)
	{
		return TRUE;
	}
	size = this->slots_size ? this->slots_size * 2 : ROUTE_CACHE_MIN;
	slots = calloc(size, sizeof(*slots));
	if (!slots)
	{
		return FALSE;
	}
	old = this->slots;
	for (i = 0; i < this->slots_size; i++)
	{	/* the keys are distinct: the first free slot is theirs */
		if (old[i].entry)
		{
			for (j = old[i].hash & (size - 1); slots[j].entry;
				 j = (j + 1) & (size - 1))
			{
			}
			slots[j] = old[i];
		}
	}
	free(old);
	this->slots = slots;
	this->slots_size = size;
	return TRUE;
}

METHOD(dpc_facts_t, route_get, bool,
	private_dpc_kernel_facts_t *this, const dpc_route_query_t *q,
	dpc_route_t *route)
{
	route_slot_t *slot;
	route_key_t key;
	uint32_t hash;

	make_key(&key, q);
	hash = hash_key(&key);
	if (this->slots_size)
	{
		slot = find_slot(this, &key, hash);
		if (slot->entry)
		{
			*route = this->routes[slot->entry - 1].route;
			return TRUE;
		}
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
	if (!this->rtnl->route_get(this->rtnl, q, &this->map, route))
	{
		if (errno == ETIMEDOUT || errno == ENOBUFS || errno == EBADMSG)
		{
			this->route_errno = errno;
		}
		return FALSE;
	}
	if (grow_routes(this))
	{
		this->routes[this->routes_used] = (route_entry_t){
			.key = key,
			.route = *route,
		};
		slot = find_slot(this, &key, hash);
		slot->hash = hash;
		slot->entry = ++this->routes_used;
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
	free(this->links);
	free(this->addrs);
	free(this->routes);
	free(this->slots);
	DESTROY_IF(this->sysctls);
	free(this);
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
