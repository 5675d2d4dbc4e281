/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_path.h"
#include "dpc_questions.h"
#include "model/dpc_bulk.h"
#include "model/dpc_sort.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/** number of families a path can be of */
#define N_FAMILIES 2

/** the families a path can be of, in the order of a CHILD_SA's paths */
static const uint8_t families[N_FAMILIES] = { AF_INET, AF_INET6 };

/** local selectors of one family looked at to tell a gateway-only list */
#define MAX_FAMILY_TS 16

/**
 * Does a list of local selectors hold nothing of a family but the
 * gateway's own addresses?
 */
static bool gateway_only(dpc_facts_t *facts, const dpc_ts_list_t *list,
						 uint8_t family)
{
	dpc_ts_list_t same;
	dpc_ts_t ts[MAX_FAMILY_TS];
	size_t i;

	same.ts = ts;
	same.count = 0;
	same.size = MAX_FAMILY_TS;
	for (i = 0; i < list->count; i++)
	{
		if (list->ts[i].family != family)
		{
			continue;
		}
		if (same.count == same.size)
		{	/* that many selectors: surely more than our own addresses */
			return false;
		}
		same.ts[same.count++] = list->ts[i];
	}
	return dpc_gateway_only(facts, &same);
}

/**
 * Ask the route of forwarded LAN packets and where it leaves.
 */
static void forward_route(dpc_facts_t *facts, dpc_path_t *path)
{
	dpc_route_query_t q;

	memset(&q, 0, sizeof(q));
	q.dst = path->rhost;
	q.src = path->lhost;
	memcpy(q.iif, path->lan, IF_NAMESIZE);
	if (!facts->route_get(facts, &q, &path->fwd))
	{
		memset(&path->fwd, 0, sizeof(path->fwd));
		return;
	}
	path->known |= DPC_PATH_FWD;
	/* encrypted packets leave where the route to the remote host points
	 * (kernel-libipsec: the TUN device) */
	if (!path->fwd.error && path->fwd.oif[0])
	{
		memcpy(path->out, path->fwd.oif, IF_NAMESIZE);
		path->known |= DPC_PATH_OUT;
	}
}

/**
 * Find a LAN host of the local selectors and the interfaces of its
 * packets; host-to-host and gateway-to-net tunnels have none.
 */
static void lan_side(dpc_facts_t *facts, const dpc_child_rec_t *child,
					 dpc_path_t *path)
{
	if (gateway_only(facts, &child->local, path->family) ||
		!dpc_local_host(facts, &path->lts, &path->lhost))
	{
		memset(&path->lhost, 0, sizeof(path->lhost));
		return;
	}
	path->known |= DPC_PATH_LHOST;
	if (!dpc_lan_iif(facts, &path->lts, &path->lhost, path->lan))
	{
		memset(path->lan, 0, sizeof(path->lan));
		return;
	}
	path->known |= DPC_PATH_LAN;
	forward_route(facts, path);
}

/*
 * Described in header
 */
void dpc_path_compute(dpc_facts_t *facts, const dpc_ike_rec_t *ike,
					  const dpc_child_rec_t *child, uint8_t family,
					  dpc_path_t *path)
{
	const dpc_ts_t *lts, *rts;

	memset(path, 0, sizeof(*path));
	path->ike_id = ike->unique_id;
	path->child_id = child->unique_id;
	path->family = family;
	path->dataplane = facts->get_dataplane(facts);
	if (facts->is_local(facts, &ike->local, path->wan))
	{
		path->known |= DPC_PATH_WAN;
	}
	else
	{
		memset(path->wan, 0, sizeof(path->wan));
	}
	lts = dpc_ts_list_first(&child->local, family);
	rts = dpc_ts_list_first(&child->remote, family);
	if (!lts || !rts)
	{
		return;
	}
	path->lts = *lts;
	path->rts = *rts;
	dpc_remote_host(rts, &path->rhost);
	path->known |= DPC_PATH_RHOST;
	if (dpc_tunnel_iif(facts, ike, child, path->tun))
	{
		path->known |= DPC_PATH_TUN;
	}
	else
	{
		memset(path->tun, 0, sizeof(path->tun));
	}
	lan_side(facts, child, path);
}

/*
 * Described in header
 */
void dpc_paths_init(dpc_paths_t *paths)
{
	memset(paths, 0, sizeof(*paths));
}

/*
 * Described in header
 */
void dpc_paths_clear(dpc_paths_t *paths)
{
	dpc_bulk_free(paths->items);
	dpc_paths_init(paths);
}

/**
 * Order paths by IKE_SA and CHILD_SA unique id and family.
 */
static int path_cmp(const void *a, const void *b)
{
	const dpc_path_t *x = a, *y = b;

	if (x->ike_id != y->ike_id)
	{
		return x->ike_id < y->ike_id ? -1 : 1;
	}
	if (x->child_id != y->child_id)
	{
		return x->child_id < y->child_id ? -1 : 1;
	}
	if (x->family && y->family && x->family != y->family)
	{	/* family 0 (any) finds either: dpc_paths_find() goes to the first */
		return x->family == AF_INET ? -1 : 1;
	}
	return 0;
}

/**
 * Does a CHILD_SA have selectors of a family on both sides?
 */
static bool has_family(const dpc_child_rec_t *child, uint8_t family)
{
	return dpc_ts_list_first(&child->local, family) &&
		   dpc_ts_list_first(&child->remote, family);
}

/**
 * Number of paths of a CHILD_SA: one per family of its selectors, one
 * (without selectors) if it has none of both sides.
 */
static size_t child_paths(const dpc_child_rec_t *child)
{
	size_t i, n = 0;

	for (i = 0; i < N_FAMILIES; i++)
	{
		n += has_family(child, families[i]);
	}
	return n ? n : 1;
}

/**
 * Number of paths of the CHILD_SAs that are up on IKE_SAs that are up.
 */
static size_t count_up(const dpc_tunnels_t *tunnels)
{
	const dpc_ike_rec_t *ike;
	size_t n = 0;
	int i, j;

	for (i = 0; i < tunnels->count; i++)
	{
		ike = tunnels->ikes[i];
		for (j = 0; ike->state == DPC_STATE_UP && j < ike->n_children; j++)
		{
			if (ike->children[j]->state == DPC_STATE_UP)
			{
				n += child_paths(ike->children[j]);
			}
		}
	}
	return n;
}

/**
 * Add the paths of a CHILD_SA to a list with room for them.
 */
static void add_child(dpc_paths_t *paths, dpc_facts_t *facts,
					  const dpc_ike_rec_t *ike, const dpc_child_rec_t *child)
{
	size_t i, n = 0;

	for (i = 0; i < N_FAMILIES; i++)
	{
		if (has_family(child, families[i]))
		{
			dpc_path_compute(facts, ike, child, families[i],
							 &paths->items[paths->count++]);
			n++;
		}
	}
	if (!n)
	{	/* no selectors to work with: the WAN side only */
		dpc_path_compute(facts, ike, child, AF_INET,
						 &paths->items[paths->count++]);
	}
}

/*
 * Described in header
 */
bool dpc_paths_build(dpc_paths_t *paths, dpc_facts_t *facts,
					 const dpc_tunnels_t *tunnels)
{
	const dpc_ike_rec_t *ike;
	size_t n;
	int i, j;

	dpc_paths_clear(paths);
	n = count_up(tunnels);
	if (!n)
	{
		return true;
	}
	paths->items = dpc_bulk_calloc(n, sizeof(*paths->items));
	if (!paths->items)
	{
		return false;
	}
	for (i = 0; i < tunnels->count; i++)
	{
		ike = tunnels->ikes[i];
		for (j = 0; ike->state == DPC_STATE_UP && j < ike->n_children; j++)
		{
			if (ike->children[j]->state == DPC_STATE_UP)
			{
				add_child(paths, facts, ike, ike->children[j]);
			}
		}
	}
	dpc_sort(paths->items, paths->count, sizeof(*paths->items), path_cmp);
	return true;
}

/*
 * Described in header
 */
const dpc_path_t *dpc_paths_find(const dpc_paths_t *paths, uint32_t ike_id,
								 uint32_t child_id, uint8_t family)
{
	dpc_path_t key = {
		.ike_id = ike_id,
		.child_id = child_id,
		.family = family,
	};
	const dpc_path_t *found;

	if (!paths->count)
	{
		return NULL;
	}
	found = bsearch(&key, paths->items, paths->count, sizeof(*paths->items),
					path_cmp);
	if (found && !family)
	{	/* a CHILD_SA's paths are adjacent: go to its first */
		while (found > paths->items && found[-1].ike_id == ike_id &&
			   found[-1].child_id == child_id)
		{
			found--;
		}
	}
	return found;
}
