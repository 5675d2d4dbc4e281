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
#include "facts/dpc_questions.h"
#include "model/dpc_esp_mtu.h"


#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/**
 * The path MTU towards the peer the kernel uses, and where it comes from.
 */
typedef struct {
	/** the MTU, 0 if unknown */
	uint32_t mtu;
	/** "cached PMTU, expires in 580 s", "route mtu", "device wan" */
	char source[64];
	/** a path MTU learned from the path (cached exception) */
	bool cached;
} path_mtu_t;

/**
 * Ask the kernel for the route to the peer: a cached PMTU exception or the
 * route's mtu metric (RTAX_MTU), else the output device's MTU.
 */
static bool path_mtu(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
					 path_mtu_t *out)
{
	dpc_route_query_t q;
	dpc_route_t route;

	memset(out, 0, sizeof(*out));
	memset(&q, 0, sizeof(q));
	q.dst = ike->remote;
	if (ike->local.family == ike->remote.family)
	{
		q.src = ike->local;
	}
	if (!ctx->facts->route_get(ctx->facts, &q, &route) || route.error)
	{
		return false;
	}
	if (route.mtu)
	{
		out->mtu = route.mtu;
		out->cached = route.mtu_expires > 0;
		if (out->cached)
		{
			snprintf(out->source, sizeof(out->source), "cached PMTU, "
					 "expires in %u s", route.mtu_expires);
		}
		else
		{
			snprintf(out->source, sizeof(out->source), "route mtu");
		}
		return true;
	}
	if (route.oif[0] &&
		ctx->facts->link_mtu(ctx->facts, route.oif, &out->mtu))
	{
		snprintf(out->source, sizeof(out->source), "device %s", route.oif);
		return true;
	}
	return false;
}

/**
 * The MSS of a clamp as recorded ("1360 (...)"), 0 for a clamp to the path
 * MTU (it follows the tunnel's MTU), -1 for none or unknown.
 */
static int clamp_mss(const char *clamp)
{
	if (!clamp[0] || dpc_streq(clamp, "none"))
	{
		return -1;
	}
	if (clamp[0] >= '0' && clamp[0] <= '9')
	{
		return atoi(clamp);
	}
	return 0;
}

/**
 * mtu-blackhole-risk: the LAN's TCP segments do not fit the tunnel, no MSS
 * clamp covers it, and path MTU discovery cannot tell the LAN host: the
 * error is dropped on its way to the LAN host (error), or the gateway drops
 * what a narrower link on the path would report (warning).
 */
static void mtu_child(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
					  const dpc_child_rec_t *child)
{
	const dpc_path_t *p;
	dpc_esp_alg_t alg;
	path_mtu_t pm;
	nfsim_result_t to_lan, outer;
	dpc_finding_t *f;
	uint32_t lan_mtu, tun_mtu = 0, sent_mtu;
	int inner, fit, local_fit, lan_mss, clamp;
	bool tunnel, outer_v6, inner_v6, libipsec, lost_to_lan, lost_outer;
	const char *tun = NULL;

	if (!dpc_streq(child->protocol, "ESP") ||
		!dpc_esp_alg_parse(child->alg, &alg))
	{
		return;
	}
	tunnel = dpc_streq(child->mode, "TUNNEL");
	if (!tunnel && !dpc_streq(child->mode, "TRANSPORT"))
	{
		return;
	}
	clamp = clamp_mss(child->mss_clamp);
	if (!child->mss_clamp[0] || clamp == 0)
	{	/* unknown, or clamped to the path MTU */
		return;
	}
	p = dpc_check_path(ctx, ike, child);
	if (!p || !dpc_path_has(p, DPC_PATH_LHOST | DPC_PATH_LAN) ||
		!ctx->facts->link_mtu(ctx->facts, p->lan, &lan_mtu) ||
		!path_mtu(ctx, ike, &pm))
	{
		return;
	}
	outer_v6 = ike->local.family == AF_INET6;
	inner_v6 = p->lhost.family == AF_INET6;
	inner = dpc_esp_inner_mtu(&alg, pm.mtu, outer_v6, tunnel, child->encap);
	fit = dpc_esp_mss(inner, inner_v6);
	sent_mtu = lan_mtu;
	libipsec = ctx->facts->get_dataplane(ctx->facts) == DPC_DATAPLANE_LIBIPSEC;
	if (libipsec)
	{	/* the kernel forwards no more than the TUN device's MTU into it */
		tun = ctx->facts->get_tun(ctx->facts);
		if (!tun || !ctx->facts->link_mtu(ctx->facts, tun, &tun_mtu))
		{
			return;
		}
		sent_mtu = tun_mtu < lan_mtu ? tun_mtu : lan_mtu;
	}
	/* what the kernel refuses itself and tells the LAN host about: above
	 * the SA's MTU (XFRM) or the TUN device's (kernel-libipsec) */
	local_fit = libipsec ? dpc_esp_mss(tun_mtu, inner_v6) : fit;
	lan_mss = dpc_esp_mss(lan_mtu, inner_v6);
	lost_to_lan = lan_mss > local_fit && (clamp < 0 || clamp > local_fit) &&
				  dpc_nf_pmtu_to_lan(ctx, ike, p, &to_lan);
	/* what enters the tunnel must fit a narrower link further on, which
	 * reports to the gateway, unless the gateway drops the report */
	lan_mss = dpc_esp_mss(sent_mtu, inner_v6);
	lost_outer = !lost_to_lan && lan_mss > fit &&
				 (clamp < 0 || clamp > fit) &&
				 dpc_nf_pmtu_outer(ctx, ike, &outer);
	if (!lost_to_lan && !lost_outer)
	{
		return;
	}
	if (lost_to_lan)
	{
		lan_mss = dpc_esp_mss(lan_mtu, inner_v6);
		fit = local_fit;
	}
	f = dpc_check_add(ctx, "mtu-blackhole-risk",
					  lost_to_lan ? DPC_ERROR : DPC_WARNING, ike, child);
	if (!f)
	{
		return;
	}
	if (lost_to_lan)
	{
		dpc_finding_message(f, "TCP segments of up to %d bytes from the LAN "
			"do not fit the tunnel (%d): the kernel refuses them and the "
			"OUTPUT filter drops the ICMP%s \"%s\" it sends the LAN host, so "
			"large transfers stall", lan_mss, fit, inner_v6 ? "v6" : "",
			inner_v6 ? "packet too big" : "fragmentation needed");
	}
	else
	{
		dpc_finding_message(f, "TCP segments of up to %d bytes from the LAN "
			"fit the tunnel only if no link on the path is narrower than "
			"%u: the INPUT filter drops the ICMP%s \"%s\" such a link "
			"would send, so large transfers would stall", lan_mss, pm.mtu,
			outer_v6 ? "v6" : "",
			outer_v6 ? "packet too big" : "fragmentation needed");
	}
	dpc_finding_evidence(f, "path_mtu", "%u (%s)", pm.mtu, pm.source);
	dpc_finding_evidence(f, "esp", "%s, %s mode, IPv%s outer, %s", child->alg,
						 tunnel ? "tunnel" : "transport", outer_v6 ? "6" : "4",
						 child->encap ? "UDP-encapsulated" : "no UDP");
	dpc_finding_evidence(f, "inner_mtu", "%d (overhead %d)", inner,
						 (int)pm.mtu - inner);
	dpc_finding_evidence(f, "tunnel_mss", "%d", fit);
	dpc_finding_evidence(f, "lan", "%s mtu %u, mss %d", p->lan, lan_mtu,
						 dpc_esp_mss(lan_mtu, inner_v6));
	if (libipsec)
	{
		dpc_finding_evidence(f, "tun", "%s mtu %u", tun, tun_mtu);
	}
	dpc_finding_evidence(f, "mss_clamp", "%s", child->mss_clamp);
	dpc_finding_evidence(f, "pmtu", "%s", pm.cached ?
						 "learned from the path" : "nothing learned from "
						 "the path (no cached PMTU for the peer)");
	dpc_nf_evidence(f, "rule", lost_to_lan ? &to_lan : &outer);
	dpc_finding_hint(f, "clamp the MSS to %d or less for the tunnel's TCP (nft: "
		"'tcp flags syn tcp option maxseg size set %d' in forward; iptables: "
		"-t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS "
		"--set-mss %d) or accept ICMP%s %s; with routes: "
		"charon.plugins.kernel-netlink.mss", fit, fit, fit,
		(lost_to_lan ? inner_v6 : outer_v6) ? "v6" : "",
		(lost_to_lan ? inner_v6 : outer_v6) ? "packet-too-big" : "frag-needed");
}

/**
 * mtu-blackhole-risk
 */
const dpc_check_family_t dpc_check_family_mtu = {
	.name = "mtu",
	.child = mtu_child,
};
