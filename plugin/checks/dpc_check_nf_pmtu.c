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
#include "dpc_check_nf.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/** ICMP type/code of "fragmentation needed", ICMPv6 "packet too big" */
#define ICMP_DEST_UNREACH 3
#define ICMP_FRAG_NEEDED 4
#define ICMPV6_PKT_TOOBIG 2

/**
 * Report a dropped ICMP "fragmentation needed" / "packet too big".
 */
static void pmtu_blocked(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						 const dpc_child_rec_t *child, bool v6,
						 const nfsim_result_t *res)
{
	dpc_finding_t *f;

	f = dpc_check_add(ctx, "filter-blocks-pmtu", DPC_WARNING, ike, child);
	if (!f)
	{
		return;
	}
	dpc_check_discrim(ctx, f, child ? "inner" : "outer");
	dpc_finding_message(f, "the %s filter drops ICMP%s \"%s\" %s: path "
						"MTU discovery fails and large packets vanish",
						child ? "FORWARD" : "INPUT", v6 ? "v6" : "",
						v6 ? "packet too big" : "fragmentation needed",
						child ? "for the LAN hosts" : "for the tunnel's "
						"outer packets");
	dpc_nf_evidence(f, "rule", res);
	dpc_finding_hint(f, "accept ICMP%s %s before that rule ('ct state "
					 "related accept' covers it), or clamp the TCP MSS",
					 v6 ? "v6" : "", v6 ? "type packet-too-big" :
					 "type destination-unreachable code frag-needed");
}

/**
 * Turn a packet into the ICMP error path MTU discovery depends on.
 */
static void make_pmtu_error(nfsim_packet_t *pkt, bool v6)
{
	pkt->icmp_type = v6 ? ICMPV6_PKT_TOOBIG : ICMP_DEST_UNREACH;
	pkt->icmp_code = v6 ? 0 : ICMP_FRAG_NEEDED;
	pkt->ct_state = NFSIM_CT_RELATED;
	pkt->ct_dir = 1;
}

/*
 * Described in header
 */
bool dpc_nf_pmtu_outer(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
					   nfsim_result_t *res)
{
	const nfsim_ruleset_t *rs;
	nfsim_packet_t pkt;
	dpc_route_query_t q;
	dpc_route_t route;
	const dpc_addr_t *from = &ike->remote;
	char wan[IF_NAMESIZE];
	bool v6 = ike->local.family == AF_INET6;

	rs = ctx->facts->get_ruleset(ctx->facts);
	if (!rs)
	{
		return false;
	}
	if (!ike->remote.family ||
		!ctx->facts->is_local(ctx->facts, &ike->local, wan))
	{
		return false;
	}
	/* the error comes from the router where the path narrows: the next hop
	 * stands for the routers on the path better than the peer does */
	memset(&q, 0, sizeof(q));
	q.dst = ike->remote;
	if (ctx->facts->route_get(ctx->facts, &q, &route) && !route.error &&
		route.gateway.family == ike->remote.family)
	{
		from = &route.gateway;
	}
	dpc_nf_packet(ctx->facts, &pkt, from, &ike->local,
				  v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	dpc_nf_ifaces(&pkt, wan, "");
	make_pmtu_error(&pkt, v6);
	nfsim_eval(rs, NFSIM_HOOK_INPUT, &pkt, res);
	return dpc_nf_stops(res->verdict);
}

/*
 * Described in header
 */
bool dpc_nf_pmtu_to_lan(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						const dpc_path_t *p, nfsim_result_t *res)
{
	const nfsim_ruleset_t *rs;
	nfsim_packet_t pkt;
	dpc_route_query_t q;
	dpc_route_t route;
	bool v6 = p->lhost.family == AF_INET6;

	rs = ctx->facts->get_ruleset(ctx->facts);
	if (!rs || !dpc_path_has(p, DPC_PATH_LHOST | DPC_PATH_LAN))
	{
		return false;
	}
	/* the kernel sources its error from the address it would use towards
	 * the LAN host */
	memset(&q, 0, sizeof(q));
	q.dst = p->lhost;
	if (!ctx->facts->route_get(ctx->facts, &q, &route) || route.error ||
		route.prefsrc.family != p->lhost.family)
	{
		return false;
	}
	dpc_nf_packet(ctx->facts, &pkt, &route.prefsrc, &p->lhost,
				  v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	dpc_nf_ifaces(&pkt, "", p->lan);
	make_pmtu_error(&pkt, v6);
	nfsim_eval(rs, NFSIM_HOOK_OUTPUT, &pkt, res);
	return dpc_nf_stops(res->verdict);
}

/**
 * filter-blocks-pmtu, outer path: from a router on the path (or the peer)
 * to the gateway's WAN address.
 */
static void pmtu_outer(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike)
{
	nfsim_result_t res;

	if (dpc_nf_pmtu_outer(ctx, ike, &res))
	{
		pmtu_blocked(ctx, ike, NULL, ike->local.family == AF_INET6, &res);
	}
}

/**
 * filter-blocks-pmtu, inner path: from the far side, decrypted, to a LAN
 * host.
 */
static void pmtu_inner(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
					   const dpc_child_rec_t *child)
{
	const nfsim_ruleset_t *rs;
	const dpc_path_t *p;
	nfsim_packet_t pkt;
	nfsim_result_t res;
	bool v6;

	if (!dpc_nf_forwarded(ctx, ike, child, &rs, &p))
	{
		return;
	}
	v6 = p->lhost.family == AF_INET6;
	dpc_nf_inbound(ctx->facts, ike, child, p, NFSIM_CT_NEW, &pkt);
	make_pmtu_error(&pkt, v6);
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &pkt, &res);
	if (dpc_nf_stops(res.verdict))
	{
		pmtu_blocked(ctx, ike, child, v6, &res);
	}
}

/**
 * filter-blocks-pmtu: ICMP errors for the outer packets (per IKE_SA) and
 * for the LAN hosts (per CHILD_SA).
 */
const dpc_check_family_t dpc_check_family_nf_pmtu = {
	.name = "nf-pmtu",
	.per_family = true,
	.ike = pmtu_outer,
	.child = pmtu_inner,
};
