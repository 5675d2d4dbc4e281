/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_check.h"
#include "dpc_check_family.h"
#include "facts/dpc_questions.h"
#include "facts/rtnl/dpc_rtnl_policy.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/** the table charon installs its routes into */
#define CHARON_TABLE 220

/**
 * The device a route-based CHILD_SA's traffic must be routed into.
 */
typedef struct {
	/** its name, empty if there is none */
	char name[IF_NAMESIZE];
	/** what ties it to the CHILD_SA, e.g. "xfrm interface, if_id 7" */
	char what[64];
	/** administratively up */
	bool up;
	/** there must be one, but none exists (an if_id without device) */
	bool missing;
} tdev_t;

/**
 * Find the tunnel device of a CHILD_SA: an xfrm interface with its
 * outbound if_id, a VTI device whose okey is its outbound mark, or
 * kernel-libipsec's TUN.
 *
 * @return			FALSE if the CHILD_SA is not route-based (or a mark
 *					without a VTI device, which may serve plain policy
 *					routing and is not judged)
 */
static bool find_device(dpc_check_ctx_t *ctx, const dpc_child_rec_t *child,
						tdev_t *dev)
{
	const dpc_link_t *links;
	const char *tun;
	size_t i, n;

	memset(dev, 0, sizeof(*dev));
	n = ctx->facts->get_links(ctx->facts, &links);
	if (child->if_id_out)
	{
		snprintf(dev->what, sizeof(dev->what), "xfrm interface, if_id %u",
				 child->if_id_out);
		for (i = 0; i < n; i++)
		{
			if (dpc_streq(links[i].kind, "xfrm") &&
				links[i].if_id == child->if_id_out)
			{
				memcpy(dev->name, links[i].name, IF_NAMESIZE);
				dev->up = links[i].up;
				return true;
			}
		}
		dev->missing = true;
		return true;
	}
	if (child->mark_out)
	{
		for (i = 0; i < n; i++)
		{
			if ((dpc_streq(links[i].kind, "vti") ||
				 dpc_streq(links[i].kind, "vti6")) &&
				links[i].okey == child->mark_out)
			{
				memcpy(dev->name, links[i].name, IF_NAMESIZE);
				snprintf(dev->what, sizeof(dev->what), "VTI, okey %u = the "
						 "CHILD_SA's mark", links[i].okey);
				dev->up = links[i].up;
				return true;
			}
		}
		return false;
	}
	if (ctx->facts->get_dataplane(ctx->facts) != DPC_DATAPLANE_LIBIPSEC)
	{
		return false;
	}
	tun = ctx->facts->get_tun(ctx->facts);
	if (!tun)
	{
		return false;
	}
	snprintf(dev->name, sizeof(dev->name), "%s", tun);
	snprintf(dev->what, sizeof(dev->what), "kernel-libipsec TUN");
	return ctx->facts->link_exists(ctx->facts, tun, &dev->up);
}

/**
 * Is this the route-policy-table case (an "ip rule" skips table 220, which
 * has the tunnel's route)? That check reports it.
 */
static bool policy_table_case(dpc_check_ctx_t *ctx, const dpc_path_t *path,
							  const dpc_route_t *route, const tdev_t *dev)
{
	const dpc_rtentry_t *tunnel;

	if (route != &path->fwd || route->table == CHARON_TABLE)
	{
		return false;
	}
	tunnel = dpc_table_route(ctx->facts, CHARON_TABLE, &path->rhost);
	return tunnel && dpc_streq(tunnel->oif, dev->name);
}

/**
 * route-bypasses-tunnel, per CHILD_SA.
 */
static void route_based_child(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
							  const dpc_child_rec_t *child)
{
	const dpc_path_t *path = dpc_check_path(ctx, ike, child);
	const dpc_route_t *route = NULL;
	dpc_route_query_t q;
	dpc_route_t own;
	dpc_addr_t addr;
	dpc_finding_t *f;
	tdev_t dev;
	char rts[DPC_TS_STRLEN], table[24] = "";

	if (!path || !dpc_streq(child->mode, "TUNNEL") ||
		!dpc_path_has(path, DPC_PATH_RHOST) ||
		!child->remote.count || !find_device(ctx, child, &dev))
	{
		return;
	}
	if (dpc_path_has(path, DPC_PATH_LHOST | DPC_PATH_LAN | DPC_PATH_FWD))
	{
		route = &path->fwd;
	}
	else if (child->local.count &&
			 ctx->facts->local_in_ts(ctx->facts, &child->local.ts[0], &addr,
									 NULL))
	{
		memset(&q, 0, sizeof(q));
		q.dst = path->rhost;
		q.src = addr;
		if (ctx->facts->route_get(ctx->facts, &q, &own))
		{
			route = &own;
		}
	}
	if (!route || route->error || dpc_route_fails(route))
	{	/* no route at all: route-missing */
		return;
	}
	if (!dev.missing && dev.up && dpc_streq(route->oif, dev.name))
	{
		return;
	}
	if (!dev.missing && dev.up && policy_table_case(ctx, path, route, &dev))
	{
		return;
	}
	f = dpc_check_add(ctx, "route-bypasses-tunnel", DPC_ERROR, ike, child);
	if (!f)
	{
		return;
	}
	dpc_ts_to_str(&child->remote.ts[0], rts, sizeof(rts));
	if (route->table && route->table != 254)
	{
		snprintf(table, sizeof(table), " table %u", route->table);
	}
	if (dev.missing)
	{
		dpc_finding_message(f, "the CHILD_SA's policies match only packets "
							"routed through an xfrm interface with if_id %u, "
							"but there is none: packets for %s leave via %s "
							"and bypass IPsec", child->if_id_out, rts,
							route->oif);
		dpc_finding_hint(f, "ip link add xfrm%u type xfrm dev <wan> if_id %u; "
						 "ip link set xfrm%u up; ip route replace %s dev "
						 "xfrm%u%s", child->if_id_out, child->if_id_out,
						 child->if_id_out, rts, child->if_id_out, table);
	}
	else if (!dev.up)
	{
		dpc_finding_message(f, "the tunnel device %s (%s) is down: packets "
							"for %s leave via %s and bypass IPsec", dev.name,
							dev.what, rts, route->oif);
		dpc_finding_hint(f, "ip link set %s up, then 'ip route replace %s "
						 "dev %s%s'", dev.name, rts, dev.name, table);
	}
	else
	{
		dpc_finding_message(f, "packets for %s leave via %s, not through "
							"the tunnel device %s (%s): they bypass IPsec",
							rts, route->oif, dev.name, dev.what);
		dpc_finding_hint(f, "route the remote selector into the tunnel "
						 "device: 'ip route replace %s dev %s%s'", rts,
						 dev.name, table);
	}
	dpc_finding_evidence(f, "route", "%s", route->text);
	dpc_finding_evidence(f, "device", "%s", dev.missing ? "none" : dev.name);
	dpc_finding_evidence(f, "tunnel", "%s", dev.what);
	if (!dev.missing)
	{
		dpc_finding_evidence(f, "state", "%s", dev.up ? "up" : "down");
	}
}

/**
 * route-bypasses-tunnel: per CHILD_SA.
 */
const dpc_check_family_t dpc_check_family_route_based = {
	.name = "route-based",
	.child = route_based_child,
};
