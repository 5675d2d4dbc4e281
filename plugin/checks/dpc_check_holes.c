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
#include "dpc_check_index.h"
#include "facts/dpc_questions.h"
#include "facts/rtnl/dpc_rtnl_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/** most routes overlapping a selector examined per selector */
#define MAX_EXAMINED 4096

/** most routes inside a selector asked about per selector */
#define MAX_ASKED 8

/** most holes listed in one finding's evidence */
#define MAX_LISTED 4

/**
 * One side of a CHILD_SA to search for holes.
 */
typedef struct {
	/** outbound (remote selector) or inbound (local selector) */
	bool outbound;
	/** the question for the selector's representative host */
	dpc_route_query_t q;
	/** the kernel's answer for it */
	dpc_route_t good;
	/** holes found */
	int found;
	/** the finding, once created */
	dpc_finding_t *f;
} side_t;

/**
 * Is a route one of the gateway's connected networks (no gateway, an
 * address of the gateway on its device inside it)?
 */
static bool connected(dpc_check_ctx_t *ctx, const dpc_rtentry_t *e)
{
	const nfsim_ifaddr_t *addrs;
	dpc_ts_t net;
	dpc_addr_t a;
	size_t i, n;

	if (e->gateway.family || e->type != DPC_RT_UNICAST ||
		!dpc_ts_from_prefix(&net, e->family, e->dst.a, e->dst_len))
	{
		return false;
	}
	n = ctx->facts->get_addrs(ctx->facts, &addrs);
	for (i = 0; i < n; i++)
	{
		memset(&a, 0, sizeof(a));
		a.family = addrs[i].family;
		memcpy(a.a, addrs[i].addr, sizeof(a.a));
		if (dpc_streq(addrs[i].ifname, e->oif) &&
			dpc_ts_contains_addr(&net, &a))
		{
			return true;
		}
	}
	return false;
}

/**
 * Is an answer where the selector's traffic must go?
 */
static bool delivers(dpc_check_ctx_t *ctx, const dpc_path_t *path,
					 const side_t *side, const dpc_route_t *route)
{
	const char *tun;

	if (route->error || dpc_route_fails(route))
	{
		return false;
	}
	if (!side->outbound)
	{	/* decrypted packets must not go back out */
		return !dpc_streq(route->oif, path->tun) &&
			   !dpc_streq(route->oif, path->wan);
	}
	tun = ctx->facts->get_tun(ctx->facts);
	if (ctx->facts->get_dataplane(ctx->facts) == DPC_DATAPLANE_LIBIPSEC)
	{	/* only what is routed into the TUN device is encrypted */
		return tun && dpc_streq(route->oif, tun);
	}
	/* policy-based XFRM encrypts whatever route the packet takes */
	return true;
}

/**
 * Report one hole.
 */
static void report(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
				   const dpc_child_rec_t *child, side_t *side,
				   const dpc_ts_t *ts, const dpc_rtentry_t *e,
				   const dpc_route_t *route)
{
	char range[DPC_TS_STRLEN], sel[DPC_TS_STRLEN], text[DPC_RTNL_TEXT_LEN];
	char key[32], suffix[16];
	dpc_ts_t r;
	bool fails = route->error || dpc_route_fails(route);

	dpc_rtentry_format(e, e->oif, text, sizeof(text));
	dpc_ts_from_prefix(&r, e->family, e->dst.a, e->dst_len);
	dpc_ts_to_str(&r, range, sizeof(range));
	dpc_ts_to_str(ts, sel, sizeof(sel));
	if (!side->f)
	{
		side->f = dpc_check_add(ctx, side->outbound ? "route-missing"
													: "inbound-undeliverable",
								DPC_ERROR, ike, child);
		if (!side->f)
		{
			return;
		}
		snprintf(side->f->discrim, sizeof(side->f->discrim), "hole %.*s",
				 (int)sizeof(side->f->discrim) - 6, range);
		if (side->outbound && fails)
		{
			dpc_finding_message(side->f, "%s inside the remote traffic "
								"selector %s has no usable route: packets "
								"for it are dropped before IPsec sees them",
								range, sel);
		}
		else if (side->outbound)
		{
			dpc_finding_message(side->f, "%s inside the remote traffic "
								"selector %s is routed out of %s, not into "
								"the tunnel like the rest: packets for it "
								"bypass IPsec", range, sel,
								route->oif[0] ? route->oif : "nowhere");
		}
		else
		{
			dpc_finding_message(side->f, "%s inside the local traffic "
								"selector %s %s: decrypted packets for it "
								"are %s", range, sel,
								fails ? "has no usable route"
									  : "is routed back out",
								fails ? "dropped" : "not delivered");
		}
		dpc_finding_evidence(side->f, "selector", "%s", sel);
		dpc_finding_evidence(side->f, "selector_route", "%s",
							 side->good.text);
		dpc_finding_hint(side->f, "remove the route that cuts the hole: "
						 "'ip route del %s'%s", text,
						 side->outbound ? ", or route the range into the "
						 "tunnel like the rest of the selector" :
						 ", or route the range to the LAN");
	}
	if (side->found < MAX_LISTED)
	{
		suffix[0] = '\0';
		if (side->found)
		{
			snprintf(suffix, sizeof(suffix), "_%d", side->found + 1);
		}
		snprintf(key, sizeof(key), "range%s", suffix);
		dpc_finding_evidence(side->f, key, "%s", range);
		snprintf(key, sizeof(key), "route%s", suffix);
		dpc_finding_evidence(side->f, key, "%s", route->text);
		snprintf(key, sizeof(key), "table_route%s", suffix);
		dpc_finding_evidence(side->f, key, "%s", text);
	}
	side->found++;
}

/**
 * Search one selector for routes inside it that send part of it elsewhere.
 */
static void search(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
				   const dpc_child_rec_t *child, const dpc_path_t *path,
				   side_t *side, const dpc_ts_t *ts)
{
	dpc_check_index_t *idx = dpc_check_index(ctx);
	const dpc_rtentry_t *routes = NULL;
	dpc_route_query_t q;
	dpc_route_t route;
	dpc_ts_t r;
	uint32_t *pos, i;
	size_t total;
	int asked = 0, n, k;
	uint64_t count;

	if (!idx)
	{
		return;
	}
	/* the routes of the dump that overlap the selector, in dump order */
	total = ctx->facts->get_routes(ctx->facts, ts->family, &routes);
	n = dpc_check_index_routes(idx, routes, total, ts, MAX_EXAMINED, &pos);
	for (k = 0; k < n && asked < MAX_ASKED; k++)
	{
		i = pos[k];
		if (routes[i].family != ts->family ||
			!dpc_ts_from_prefix(&r, routes[i].family, routes[i].dst.a,
								routes[i].dst_len) ||
			!dpc_ts_is_subset(&r, ts) ||
			routes[i].dst_len <= dpc_ts_prefixlen(ts) ||
			dpc_ts_contains_addr(&r, &ike->remote) ||
			dpc_ts_contains_addr(&r, &side->q.dst) ||
			routes[i].type == DPC_RT_THROW || connected(ctx, &routes[i]))
		{
			continue;
		}
		q = side->q;
		count = dpc_ts_addr_count(&r);
		dpc_ts_addr_nth(&r, count > 2 ? 1 : 0, &q.dst);
		asked++;
		if (!ctx->facts->route_get(ctx->facts, &q, &route) ||
			delivers(ctx, path, side, &route))
		{
			continue;
		}
		report(ctx, ike, child, side, ts, &routes[i], &route);
	}
	free(pos);
}

/**
 * The checks of one CHILD_SA.
 */
static void holes_child(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						const dpc_child_rec_t *child)
{
	const dpc_path_t *path = dpc_check_path(ctx, ike, child);
	side_t side;
	size_t i;

	if (!path || !dpc_streq(child->mode, "TUNNEL") ||
		!dpc_path_has(path, DPC_PATH_RHOST | DPC_PATH_LHOST | DPC_PATH_LAN |
							DPC_PATH_FWD))
	{
		return;
	}
	/* outbound: forwarded LAN traffic, as the path's own question */
	memset(&side, 0, sizeof(side));
	side.outbound = true;
	side.q.dst = path->rhost;
	side.q.src = path->lhost;
	memcpy(side.q.iif, path->lan, IF_NAMESIZE);
	side.good = path->fwd;
	if (delivers(ctx, path, &side, &side.good))
	{
		for (i = 0; i < child->remote.count; i++)
		{
			if (dpc_ts_prefixlen(&child->remote.ts[i]) > 0)
			{
				search(ctx, ike, child, path, &side, &child->remote.ts[i]);
			}
		}
	}
	/* inbound: decrypted traffic to the LAN */
	if (!dpc_path_has(path, DPC_PATH_TUN))
	{
		return;
	}
	memset(&side, 0, sizeof(side));
	side.q.dst = path->lhost;
	side.q.src = path->rhost;
	memcpy(side.q.iif, path->tun, IF_NAMESIZE);
	if (!ctx->facts->route_get(ctx->facts, &side.q, &side.good) ||
		!delivers(ctx, path, &side, &side.good))
	{
		return;
	}
	for (i = 0; i < child->local.count; i++)
	{
		if (dpc_ts_prefixlen(&child->local.ts[i]) > 0)
		{
			search(ctx, ike, child, path, &side, &child->local.ts[i]);
		}
	}
}

/**
 * route-missing and inbound-undeliverable for part of a selector (a hole):
 * per CHILD_SA.
 */
const dpc_check_family_t dpc_check_family_holes = {
	.name = "holes",
	.child = holes_child,
};
