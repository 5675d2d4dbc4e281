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

#include <stdlib.h>
#include <string.h>

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
	if (dpc_gateway_only(facts, &child->local) ||
		!dpc_local_host(facts, &child->local.ts[0], &path->lhost))
	{
		memset(&path->lhost, 0, sizeof(path->lhost));
		return;
	}
	path->known |= DPC_PATH_LHOST;
	if (!dpc_lan_iif(facts, &child->local.ts[0], &path->lhost, path->lan))
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
					  const dpc_child_rec_t *child, dpc_path_t *path)
{
	memset(path, 0, sizeof(*path));
	path->ike_id = ike->unique_id;
	path->child_id = child->unique_id;
	path->dataplane = facts->get_dataplane(facts);
	if (facts->is_local(facts, &ike->local, path->wan))
	{
		path->known |= DPC_PATH_WAN;
	}
	else
	{
		memset(path->wan, 0, sizeof(path->wan));
	}
	if (!child->local.count || !child->remote.count)
	{
		return;
	}
	dpc_remote_host(&child->remote.ts[0], &path->rhost);
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
	free(paths->items);
	dpc_paths_init(paths);
}

/**
 * Order paths by IKE_SA and CHILD_SA unique id.
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
	return 0;
}

/**
 * Number of CHILD_SAs that are up on IKE_SAs that are up.
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
			n += ike->children[j]->state == DPC_STATE_UP;
		}
	}
	return n;
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
	paths->items = calloc(n, sizeof(*paths->items));
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
				dpc_path_compute(facts, ike, ike->children[j],
								 &paths->items[paths->count++]);
			}
		}
	}
	qsort(paths->items, paths->count, sizeof(*paths->items), path_cmp);
	return true;
}

/*
 * Described in header
 */
const dpc_path_t *dpc_paths_find(const dpc_paths_t *paths, uint32_t ike_id,
								 uint32_t child_id)
{
	dpc_path_t key = { .ike_id = ike_id, .child_id = child_id };

	if (!paths->count)
	{
		return NULL;
	}
	return bsearch(&key, paths->items, paths->count, sizeof(*paths->items),
				   path_cmp);
}
