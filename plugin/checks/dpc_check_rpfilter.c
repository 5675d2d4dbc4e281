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
#include "facts/rtnl/dpc_rtnl_parse.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/*
 * The kernel's fib_validate_source() checks the source of a packet arriving
 * on an interface with the higher of conf.all.rp_filter and
 * conf.IF.rp_filter, except for packets with a secpath (decrypted by XFRM
 * on a policy-based tunnel, or on an xfrm interface). Outer ESP/UDP
 * packets have none, nor have decrypted packets on kernel-libipsec's TUN
 * device or on a VTI device (its receive path scrubs the packet). The
 * reverse lookup passes when the way back uses the arrival interface;
 * otherwise strict mode drops, and loose mode drops too when there is no
 * way back at all or when the arrival interface has no IPv4 address
 * (__fib_validate_source() then goes straight to its "last resort", which
 * fails in either mode): kernel-libipsec's TUN device has none unless it
 * carries a virtual IP.
 * An input route question ("ip route get DST from SRC iif IF") runs the same
 * check. Kernels before the drop reasons answer a forwarded packet's
 * rp_filter failure with EXDEV; later ones, and every kernel for a packet
 * to the gateway itself (a martian source), answer EINVAL, which the
 * reverse route, the sysctls and the interface's addresses then have to
 * confirm.
 */

/**
 * Does the interface have an IPv4 address (the kernel's "no_addr" test)?
 */
static bool has_ipv4(dpc_check_ctx_t *ctx, const char *ifname)
{
	const nfsim_ifaddr_t *addrs;
	size_t i, n;

	n = ctx->facts->get_addrs(ctx->facts, &addrs);
	for (i = 0; i < n; i++)
	{
		if (addrs[i].family == AF_INET && dpc_streq(addrs[i].ifname, ifname))
		{
			return true;
		}
	}
	return false;
}

/**
 * Does rp_filter drop the packet of an input question the kernel answered
 * with route? Fills the reverse route.
 */
static bool rpf_drops(dpc_check_ctx_t *ctx, const dpc_route_query_t *q,
					  const dpc_route_t *route, dpc_route_t *reverse)
{
	dpc_route_query_t rq;
	int all, dev, mode;

	memset(&rq, 0, sizeof(rq));
	rq.dst = q->src;
	memset(reverse, 0, sizeof(*reverse));
	if (route->error != EXDEV && route->error != EINVAL)
	{
		return false;
	}
	if (!ctx->facts->route_get(ctx->facts, &rq, reverse))
	{
		return route->error == EXDEV;
	}
	if (route->error == EXDEV)
	{
		return true;
	}
	mode = dpc_rp_filter(ctx->facts, q->iif, &all, &dev);
	if (!mode)
	{
		return false;
	}
	if (reverse->error || dpc_route_fails(reverse))
	{	/* no way back fails loose mode too */
		return true;
	}
	if (dpc_streq(reverse->oif, q->iif))
	{
		return false;
	}
	return mode == 1 || !has_ipv4(ctx, q->iif);
}

/**
 * Report one dropped direction.
 */
static void report(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
				   const dpc_child_rec_t *child, const char *which,
				   const dpc_route_query_t *q, const dpc_route_t *route,
				   const dpc_route_t *reverse, const char *what)
{
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
	dpc_finding_message(f, "reverse path filter drops %s from %s arriving on "
						"%s: the route back to %s %s%s", what, src, q->iif,
						src, reverse->oif[0] ? "leaves via " : "is missing",
						reverse->oif);
	snprintf(name, sizeof(name), "net.ipv4.conf.all.rp_filter");
	dpc_finding_evidence(f, name, "%d", all);
	snprintf(name, sizeof(name), "net.ipv4.conf.%s.rp_filter", q->iif);
	dpc_finding_evidence(f, name, "%d", dev);
	dpc_finding_evidence(f, "route", "%s", route->text);
	dpc_finding_evidence(f, "reverse_route", "%s", reverse->text);
	if (!has_ipv4(ctx, q->iif))
	{	/* loose mode fails on an interface without an IPv4 address */
		dpc_finding_evidence(f, "iif_ipv4", "none");
		dpc_finding_hint(f, "%s has no IPv4 address, so loose mode drops "
						 "these packets too: route %s via %s for the "
						 "reverse lookup (made without the packet's mark and "
						 "input interface), or turn "
						 "rp_filter off for %s ('sysctl -w "
						 "net.ipv4.conf.all.rp_filter=0 "
						 "net.ipv4.conf.%s.rp_filter=0', the effective value "
						 "is the higher of the two; keep strict mode on the "
						 "other interfaces one by one)", q->iif, src, q->iif,
						 q->iif, q->iif);
		return;
	}
	dpc_finding_hint(f, "use loose mode on %s: 'sysctl -w "
					 "net.ipv4.conf.%s.rp_filter=2' (the effective value is "
					 "the higher of all and %s, so lower "
					 "net.ipv4.conf.all.rp_filter too if it is 1), or route "
					 "%s via %s", q->iif, q->iif, q->iif, src, q->iif);
}

/**
 * The device decrypted packets of a CHILD_SA arrive on without a secpath:
 * kernel-libipsec's TUN, or a VTI device whose ikey is the CHILD_SA's
 * inbound mark (VTI scrubs the secpath; xfrm interfaces keep it).
 */
static bool scrubbed_iif(dpc_check_ctx_t *ctx, const dpc_child_rec_t *child,
						 const dpc_path_t *path, char iif[IF_NAMESIZE])
{
	const dpc_link_t *links;
	size_t i, n;

	if (ctx->facts->get_dataplane(ctx->facts) == DPC_DATAPLANE_LIBIPSEC)
	{
		if (!dpc_path_has(path, DPC_PATH_TUN))
		{
			return false;
		}
		memcpy(iif, path->tun, IF_NAMESIZE);
		return true;
	}
	if (!child->mark_in)
	{
		return false;
	}
	n = ctx->facts->get_links(ctx->facts, &links);
	for (i = 0; i < n; i++)
	{
		if (dpc_streq(links[i].kind, "vti") && links[i].ikey == child->mark_in)
		{
			memcpy(iif, links[i].name, IF_NAMESIZE);
			return true;
		}
	}
	return false;
}

/**
 * Decrypted packets without a secpath.
 */
static void inner(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
				  const dpc_child_rec_t *child, const dpc_path_t *path)
{
	dpc_route_query_t q;
	dpc_route_t route, reverse;

	memset(&q, 0, sizeof(q));
	if (path->rhost.family != AF_INET ||
		!dpc_path_has(path, DPC_PATH_LHOST) ||
		!scrubbed_iif(ctx, child, path, q.iif))
	{
		return;
	}
	q.dst = path->lhost;
	q.src = path->rhost;
	if (ctx->facts->route_get(ctx->facts, &q, &route) &&
		rpf_drops(ctx, &q, &route, &reverse))
	{
		report(ctx, ike, child, "inner", &q, &route, &reverse,
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
	dpc_route_t route, reverse;

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
		rpf_drops(ctx, &q, &route, &reverse))
	{
		report(ctx, ike, child, "outer", &q, &route, &reverse,
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
