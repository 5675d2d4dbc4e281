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

/**
 * What the routing checks use of a CHILD_SA's path.
 */
typedef struct {
	/** the path */
	const dpc_path_t *path;
	/** a LAN host whose traffic is forwarded (tunnel mode only) */
	bool has_host;
	/** the interface its packets arrive on is known */
	bool has_lan;
	/** the interface decapsulated packets arrive on is known */
	bool has_tun;
	/** forwarding found off */
	bool fwd_off;
} path_t;

/**
 * Does a lookup answer mean "no route" (and not a failed source check)?
 *
 * The kernel answers unreachable routes and missing ones with EHOSTUNREACH
 * or ENETUNREACH, prohibit with EACCES, but blackhole routes with EINVAL,
 * which is also what a source check (rp_filter, martian) answers. For
 * EINVAL a plain output lookup of the destination tells them apart.
 */
static bool no_route(dpc_check_ctx_t *ctx, const dpc_route_t *route,
					 const dpc_addr_t *dst)
{
	dpc_route_query_t q;
	dpc_route_t plain;

	switch (route->error)
	{
		case 0:
			return dpc_route_fails(route);
		case ENETUNREACH:
		case EHOSTUNREACH:
		case EACCES:
			return true;
		case EINVAL:
			memset(&q, 0, sizeof(q));
			q.dst = *dst;
			return ctx->facts->route_get(ctx->facts, &q, &plain) &&
				   (plain.error == EINVAL || dpc_route_fails(&plain));
		default:
			return false;
	}
}

/**
 * Read net/ipv6/conf/<ifname>/<name>, def if it cannot be read (absent on
 * this kernel).
 */
static int sysctl_or(dpc_check_ctx_t *ctx, const char *ifname,
					 const char *name, int def, char *path, size_t len)
{
	int value;

	snprintf(path, len, "net/ipv6/conf/%s/%s", ifname, name);
	return ctx->facts->sysctl(ctx->facts, path, &value) ? value : def;
}

/**
 * Add a sysctl's value to the evidence.
 */
static void sysctl_evidence(dpc_finding_t *f, const char *path, int value)
{
	char name[DPC_SYSCTL_LEN];

	dpc_finding_evidence(f, dpc_sysctl_name(path, name, sizeof(name)), "%d",
						 value);
}

/**
 * forwarding-disabled for IPv4: ip_forward and the forwarding switch of the
 * interface packets arrive on (ip_route_input() checks it there).
 */
static void forwarding4(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						const dpc_child_rec_t *child, path_t *p)
{
	char g[DPC_SYSCTL_LEN], l[DPC_SYSCTL_LEN], t[DPC_SYSCTL_LEN];
	char off[3 * IF_NAMESIZE + 16] = "";
	bool g_on, l_on = true, t_on = true;
	dpc_finding_t *f;

	g_on = dpc_forwarding_on(ctx->facts, AF_INET, NULL, g, sizeof(g));
	if (p->has_lan)
	{
		l_on = dpc_forwarding_on(ctx->facts, AF_INET, p->path->lan, l,
								 sizeof(l));
	}
	if (p->has_tun)
	{
		t_on = dpc_forwarding_on(ctx->facts, AF_INET, p->path->tun, t,
								 sizeof(t));
	}
	if (g_on && l_on && t_on)
	{
		return;
	}
	p->fwd_off = true;
	f = dpc_check_add(ctx, "forwarding-disabled", DPC_ERROR, ike, child);
	if (!f)
	{
		return;
	}
	if (!l_on)
	{
		snprintf(off, sizeof(off), "%s", p->path->lan);
	}
	if (!t_on)
	{
		snprintf(off + strlen(off), sizeof(off) - strlen(off), "%s%s",
				 off[0] ? " and " : "", p->path->tun);
	}
	dpc_finding_message(f, "IP forwarding is off%s%s: packets between the "
						"LAN and the tunnel are dropped in both directions",
						off[0] ? " on " : "", off);
	sysctl_evidence(f, g, g_on);
	if (p->has_lan)
	{
		sysctl_evidence(f, l, l_on);
	}
	if (p->has_tun)
	{
		sysctl_evidence(f, t, t_on);
	}
	dpc_finding_hint(f, "sysctl -w net.ipv4.ip_forward=1 and persist it in "
					 "/etc/sysctl.d/");
}

/**
 * forwarding-disabled for IPv6. ip6_forward() checks only
 * conf/all/forwarding (a per-interface "forwarding" sets router behaviour,
 * not forwarding), or, since Linux 6.17, force_forwarding of the interface
 * a packet arrives on; an interface with disable_ipv6 drops every IPv6
 * packet it receives or sends.
 */
static void forwarding6(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						const dpc_child_rec_t *child, path_t *p)
{
	char g[DPC_SYSCTL_LEN], lf[DPC_SYSCTL_LEN], tf[DPC_SYSCTL_LEN];
	char ld[DPC_SYSCTL_LEN], td[DPC_SYSCTL_LEN], ra[DPC_SYSCTL_LEN];
	char off[3 * IF_NAMESIZE + 16] = "", note[IF_NAMESIZE + 192] = "";
	int g_on, l_force = 0, t_force = 0, l_dis = 0, t_dis = 0;
	bool out_on, in_on;
	dpc_finding_t *f;

	g_on = sysctl_or(ctx, "all", "forwarding", 1, g, sizeof(g));
	if (p->has_lan)
	{
		l_force = sysctl_or(ctx, p->path->lan, "force_forwarding", 0, lf,
							sizeof(lf));
		l_dis = sysctl_or(ctx, p->path->lan, "disable_ipv6", 0, ld,
						  sizeof(ld));
	}
	if (p->has_tun)
	{
		t_force = sysctl_or(ctx, p->path->tun, "force_forwarding", 0, tf,
							sizeof(tf));
		t_dis = sysctl_or(ctx, p->path->tun, "disable_ipv6", 0, td,
						  sizeof(td));
	}
	out_on = g_on || l_force;
	in_on = g_on || t_force;
	if (out_on && in_on && !l_dis && !t_dis)
	{
		return;
	}
	p->fwd_off = true;
	f = dpc_check_add(ctx, "forwarding-disabled", DPC_ERROR, ike, child);
	if (!f)
	{
		return;
	}
	if (l_dis || t_dis)
	{
		snprintf(off, sizeof(off), "%s%s%s", l_dis ? p->path->lan : "",
				 l_dis && t_dis ? " and " : "", t_dis ? p->path->tun : "");
		dpc_finding_message(f, "IPv6 is disabled on %s: IPv6 packets "
							"between the LAN and the tunnel are dropped in "
							"both directions", off);
	}
	else
	{
		dpc_finding_message(f, "IPv6 forwarding is off: IPv6 packets from "
							"the %s are dropped%s",
							!out_on && !in_on ? "LAN and from the tunnel" :
							!out_on ? "LAN to the tunnel" :
									  "tunnel to the LAN",
							!out_on && !in_on ? " in both directions" : "");
	}
	sysctl_evidence(f, g, g_on);
	if (!g_on && p->has_lan)
	{
		sysctl_evidence(f, lf, l_force);
	}
	if (!g_on && p->has_tun)
	{
		sysctl_evidence(f, tf, t_force);
	}
	if (l_dis)
	{
		sysctl_evidence(f, ld, l_dis);
	}
	if (t_dis)
	{
		sysctl_evidence(f, td, t_dis);
	}
	if (l_dis || t_dis)
	{
		dpc_finding_hint(f, "sysctl -w net.ipv6.conf.%s.disable_ipv6=0 and "
						 "persist it in /etc/sysctl.d/ (a device created "
						 "later, such as kernel-libipsec's, takes "
						 "net.ipv6.conf.default.disable_ipv6)",
						 l_dis ? p->path->lan : p->path->tun);
		return;
	}
	if (dpc_path_has(p->path, DPC_PATH_WAN) &&
		sysctl_or(ctx, p->path->wan, "accept_ra", 0, ra, sizeof(ra)) == 1)
	{	/* forwarding=1 makes the kernel ignore RAs unless accept_ra=2 */
		snprintf(note, sizeof(note), "; with forwarding on, %s ignores "
				 "router advertisements (accept_ra=1): set "
				 "net.ipv6.conf.%s.accept_ra=2 if it takes its address or "
				 "default route from them", p->path->wan, p->path->wan);
	}
	dpc_finding_hint(f, "sysctl -w net.ipv6.conf.all.forwarding=1 and "
					 "persist it in /etc/sysctl.d/%s", note);
}

/**
 * forwarding-disabled: LAN traffic must be forwarded both ways.
 */
static void forwarding(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
					   const dpc_child_rec_t *child, path_t *p)
{
	if (p->path->family == AF_INET6)
	{
		forwarding6(ctx, ike, child, p);
	}
	else
	{
		forwarding4(ctx, ike, child, p);
	}
}

/**
 * Suggest the route charon would have installed for the remote selector.
 */
static void route_hint(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
					   const dpc_child_rec_t *child, const path_t *p,
					   dpc_finding_t *f)
{
	dpc_route_query_t q;
	dpc_route_t peer;
	dpc_addr_t own;
	char rts[DPC_TS_STRLEN], src[DPC_ADDR_STRLEN], via[DPC_ADDR_STRLEN + 8];
	const char *dev = NULL;

	dpc_ts_to_str(&p->path->rts, rts, sizeof(rts));
	src[0] = via[0] = '\0';
	if (ctx->facts->local_in_ts(ctx->facts, &p->path->lts, &own, NULL))
	{
		dpc_addr_to_str(&own, src, sizeof(src));
	}
	if (ctx->facts->get_dataplane(ctx->facts) == DPC_DATAPLANE_LIBIPSEC)
	{
		dev = ctx->facts->get_tun(ctx->facts);
	}
	else
	{
		memset(&q, 0, sizeof(q));
		q.dst = ike->remote;
		if (ctx->facts->route_get(ctx->facts, &q, &peer) && !peer.error)
		{
			dev = peer.oif;
			/* a gateway of the other family (IPv6 inside, IPv4
			 * outside) cannot be the route's next hop */
			if (peer.gateway.family == p->path->family)
			{
				snprintf(via, sizeof(via), "via ");
				dpc_addr_to_str(&peer.gateway, via + 4, sizeof(via) - 4);
			}
		}
	}
	dpc_finding_hint(f, "charon installs this route into table 220 "
					 "(charon.install_routes); restore it with 'ip route "
					 "add %s %s%sdev %s%s%s table 220' or re-establish the "
					 "CHILD_SA, and check 'ip rule' for a rule that skips "
					 "table 220", rts, via, via[0] ? " " : "",
					 dev && dev[0] ? dev : "<wan>", src[0] ? " src " : "", src);
}

/**
 * route-missing: no route from the local selector to the remote one.
 */
static void route_missing(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						  const dpc_child_rec_t *child, const path_t *p)
{
	dpc_route_query_t q;
	dpc_route_t own;
	dpc_addr_t addr;
	dpc_finding_t *f;
	char rts[DPC_TS_STRLEN];
	bool fwd_fails = false, own_fails = false;

	if (p->has_host && p->has_lan && !p->fwd_off)
	{
		fwd_fails = dpc_path_has(p->path, DPC_PATH_FWD) &&
					no_route(ctx, &p->path->fwd, &p->path->rhost);
	}
	if (ctx->facts->local_in_ts(ctx->facts, &p->path->lts, &addr, NULL))
	{
		memset(&q, 0, sizeof(q));
		q.dst = p->path->rhost;
		q.src = addr;
		own_fails = ctx->facts->route_get(ctx->facts, &q, &own) &&
					no_route(ctx, &own, &q.dst);
	}
	if (!fwd_fails && !own_fails)
	{
		return;
	}
	f = dpc_check_add(ctx, "route-missing", DPC_ERROR, ike, child);
	if (!f)
	{
		return;
	}
	dpc_ts_to_str(&p->path->rts, rts, sizeof(rts));
	dpc_finding_message(f, "no route to the remote traffic selector %s: "
						"packets for it are dropped before IPsec sees them",
						rts);
	if (fwd_fails)
	{
		dpc_finding_evidence(f, "route", "%s", p->path->fwd.text);
	}
	if (own_fails)
	{
		dpc_finding_evidence(f, "route_own", "%s", own.text);
	}
	route_hint(ctx, ike, child, p, f);
}

/**
 * inbound-undeliverable: decapsulated packets must reach the LAN.
 */
static void inbound(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
					const dpc_child_rec_t *child, const path_t *p)
{
	dpc_route_query_t q;
	dpc_route_t route;
	dpc_finding_t *f;
	char lts[DPC_TS_STRLEN], a[DPC_ADDR_STRLEN];
	bool back;

	if (!p->has_host || !p->has_tun || p->fwd_off)
	{
		return;
	}
	memset(&q, 0, sizeof(q));
	q.dst = p->path->lhost;
	q.src = p->path->rhost;
	memcpy(q.iif, p->path->tun, IF_NAMESIZE);
	if (!ctx->facts->route_get(ctx->facts, &q, &route))
	{
		return;
	}
	back = !route.error && route.oif[0] &&
		   (dpc_streq(route.oif, p->path->tun) ||
			dpc_streq(route.oif, p->path->wan));
	if (!no_route(ctx, &route, &q.dst) && !back)
	{
		return;
	}
	f = dpc_check_add(ctx, "inbound-undeliverable", DPC_ERROR, ike, child);
	if (!f)
	{
		return;
	}
	dpc_ts_to_str(&p->path->lts, lts, sizeof(lts));
	if (back)
	{
		dpc_finding_message(f, "decrypted packets for %s are routed back "
							"out of %s instead of to the LAN", lts, route.oif);
	}
	else
	{
		dpc_finding_message(f, "decrypted packets for %s have no route to "
							"the LAN and are dropped", lts);
	}
	dpc_finding_evidence(f, "route", "%s", route.text);
	dpc_finding_hint(f, "add a route for %s towards the LAN on this gateway "
					 "(e.g. 'ip route add %s dev <lan-interface>' or via the "
					 "LAN router); check that %s is configured on the LAN "
					 "interface", lts, lts,
					 dpc_addr_to_str(&p->path->lhost, a, sizeof(a)));
}

/**
 * The checks of one CHILD_SA.
 */
static void routing_child(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						  const dpc_child_rec_t *child)
{
	path_t p = {
		.path = dpc_check_path(ctx, ike, child),
	};

	if (!p.path || !dpc_path_has(p.path, DPC_PATH_RHOST))
	{
		return;
	}
	/* host-to-host and gateway-to-net tunnels forward nothing */
	p.has_host = dpc_streq(child->mode, "TUNNEL") &&
				 dpc_path_has(p.path, DPC_PATH_LHOST);
	p.has_lan = p.has_host && dpc_path_has(p.path, DPC_PATH_LAN);
	p.has_tun = dpc_path_has(p.path, DPC_PATH_TUN);
	if (p.has_host)
	{
		forwarding(ctx, ike, child, &p);
	}
	route_missing(ctx, ike, child, &p);
	inbound(ctx, ike, child, &p);
}

/**
 * forwarding-disabled, route-missing, inbound-undeliverable: per CHILD_SA.
 */
const dpc_check_family_t dpc_check_family_routing = {
	.name = "routing",
	.per_family = true,
	.child = routing_child,
};
