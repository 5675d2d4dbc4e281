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

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/*
 * The kernel's fib_validate_source() checks the source of a packet arriving
 * on an interface with the higher of conf.all.rp_filter and
 * conf.IF.rp_filter, except for packets with a secpath (decrypted by XFRM
 * on a policy-based tunnel). Outer ESP/UDP packets have none, nor have
 * decrypted packets on kernel-libipsec's TUN device. An input route
 * question ("ip route get SRC... iif IF") runs the same check: it fails with
 * EXDEV exactly when strict rp_filter drops the packet.
 */

/**
 * Report one dropped direction.
 */
static void report(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
				   const dpc_child_rec_t *child, const char *which,
				   const dpc_route_query_t *q, const dpc_route_t *route,
				   const char *what)
{
	dpc_route_query_t rq;
	dpc_route_t reverse;
	dpc_finding_t *f;
	char src[DPC_ADDR_STRLEN], name[64];
	int all, dev;

	dpc_rp_filter(ctx->facts, q->iif, &all, &dev);
	f = dpc_check_add(ctx, "rp-filter-drop", DPC_ERROR, ike, child);
	if (!f)
	{
		return;
	}
	snprintf(f->discrim, sizeof(f->discrim), "%s", which);
	dpc_addr_to_str(&q->src, src, sizeof(src));
	memset(&rq, 0, sizeof(rq));
	rq.dst = q->src;
	rq.src = q->dst;
	memset(&reverse, 0, sizeof(reverse));
	ctx->facts->route_get(ctx->facts, &rq, &reverse);
	dpc_finding_message(f, "reverse path filter drops %s from %s arriving on "
						"%s: the route back to %s %s%s", what, src, q->iif,
						src, reverse.oif[0] ? "leaves via " : "is missing",
						reverse.oif);
	snprintf(name, sizeof(name), "net.ipv4.conf.all.rp_filter");
	dpc_finding_evidence(f, name, "%d", all);
	snprintf(name, sizeof(name), "net.ipv4.conf.%s.rp_filter", q->iif);
	dpc_finding_evidence(f, name, "%d", dev);
	dpc_finding_evidence(f, "route", "%s", route->text);
	dpc_finding_evidence(f, "reverse_route", "%s", reverse.text);
	dpc_finding_hint(f, "use loose mode on %s: 'sysctl -w "
					 "net.ipv4.conf.%s.rp_filter=2' (the effective value is "
					 "the higher of all and %s, so lower "
					 "net.ipv4.conf.all.rp_filter too if it is 1), or route "
					 "%s via %s", q->iif, q->iif, q->iif, src, q->iif);
}

/**
 * Decrypted packets on the TUN device of kernel-libipsec (no secpath).
 */
static void inner(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
				  const dpc_child_rec_t *child, const dpc_path_t *path)
{
	dpc_route_query_t q;
	dpc_route_t route;

	if (ctx->facts->get_dataplane(ctx->facts) != DPC_DATAPLANE_LIBIPSEC ||
		path->rhost.family != AF_INET ||
		!dpc_path_has(path, DPC_PATH_LHOST | DPC_PATH_TUN))
	{
		return;
	}
	memset(&q, 0, sizeof(q));
	q.dst = path->lhost;
	q.src = path->rhost;
	memcpy(q.iif, path->tun, IF_NAMESIZE);
	if (ctx->facts->route_get(ctx->facts, &q, &route) &&
		route.error == EXDEV)
	{
		report(ctx, ike, child, "inner", &q, &route,
			   "decrypted packets");
	}
}

/**
 * ESP/UDP (and IKE) packets from the peer on the WAN interface.
 */
static void outer(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
				  const dpc_child_rec_t *child, const dpc_path_t *path)
{
	dpc_route_query_t q;
	dpc_route_t route;

	if (ike->remote.family != AF_INET || ike->local.family != AF_INET ||
		!dpc_path_has(path, DPC_PATH_WAN))
	{
		return;
	}
	memset(&q, 0, sizeof(q));
	q.dst = ike->local;
	q.src = ike->remote;
	q.dst.port = q.src.port = 0;
	memcpy(q.iif, path->wan, IF_NAMESIZE);
	if (ctx->facts->route_get(ctx->facts, &q, &route) &&
		route.error == EXDEV)
	{
		report(ctx, ike, child, "outer", &q, &route,
			   "the peer's ESP and IKE packets");
	}
}

/**
 * The checks of one CHILD_SA.
 */
static void rpfilter_child(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						   const dpc_child_rec_t *child)
{
	const dpc_path_t *path = dpc_check_path(ctx, ike, child);

	if (!path)
	{
		return;
	}
	outer(ctx, ike, child, path);
	inner(ctx, ike, child, path);
}

/**
 * rp-filter-drop: per CHILD_SA.
 */
const dpc_check_family_t dpc_check_family_rpfilter = {
	.name = "rp-filter",
	.child = rpfilter_child,
};
