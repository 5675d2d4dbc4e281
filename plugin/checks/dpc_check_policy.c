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

/** the table charon installs its routes into (charon.routing_table) */
#define CHARON_TABLE 220

/**
 * Where the tunnel's route leads: the device packets for the remote
 * selector must leave through, if the data plane needs a route there
 * (kernel-libipsec's TUN). Policy-based XFRM encrypts whatever route the
 * packet takes, so only a failing route matters there (route-missing).
 */
static const char *tunnel_dev(dpc_check_ctx_t *ctx)
{
	if (ctx->facts->get_dataplane(ctx->facts) != DPC_DATAPLANE_LIBIPSEC)
	{
		return NULL;
	}
	return ctx->facts->get_tun(ctx->facts);
}

/**
 * Name of a table as "ip" prints it, written into buf.
 */
static const char *table_name(uint32_t table, char *buf, size_t len)
{
	switch (table)
	{
		case 254:
			snprintf(buf, len, "main");
			break;
		case 253:
			snprintf(buf, len, "default");
			break;
		default:
			snprintf(buf, len, "%u", table);
			break;
	}
	return buf;
}

/**
 * route-policy-table: an "ip rule" sends forwarded LAN traffic for the
 * remote selector to a table whose route does not lead into the tunnel,
 * while charon's table has the tunnel's route.
 */
static void policy_table(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						 const dpc_child_rec_t *child, const dpc_path_t *path)
{
	const dpc_rtentry_t *tunnel, *other;
	const dpc_rule_t *rule;
	const char *dev;
	dpc_finding_t *f;
	char lts[DPC_TS_STRLEN], rts[DPC_TS_STRLEN], t[16];
	char text[DPC_RTNL_TEXT_LEN];

	dev = tunnel_dev(ctx);
	if (!dev || !dpc_streq(child->mode, "TUNNEL") ||
		!dpc_path_has(path, DPC_PATH_LHOST | DPC_PATH_LAN | DPC_PATH_FWD) ||
		path->fwd.error || dpc_route_fails(&path->fwd) ||
		path->fwd.table == CHARON_TABLE || dpc_streq(path->fwd.oif, dev))
	{
		return;
	}
	tunnel = dpc_table_route(ctx->facts, CHARON_TABLE, &path->rhost);
	if (!tunnel || !dpc_streq(tunnel->oif, dev))
	{	/* no tunnel route to compare with: route-missing's business */
		return;
	}
	rule = dpc_rule_to_table(ctx->facts, path->fwd.table, &path->lhost,
							 &path->rhost, path->lan);
	f = dpc_check_add(ctx, "route-policy-table", DPC_ERROR, ike, child);
	if (!f)
	{
		return;
	}
	dpc_ts_to_str(&child->local.ts[0], lts, sizeof(lts));
	dpc_ts_to_str(&child->remote.ts[0], rts, sizeof(rts));
	table_name(path->fwd.table, t, sizeof(t));
	dpc_finding_message(f, "%s%s%s sends traffic from %s (iif %s) to table "
						"%s, whose route for %s leaves via %s instead of the "
						"tunnel's %s (table %u): it bypasses IPsec",
						rule ? "ip rule '" : "a policy routing rule",
						rule ? rule->text : "", rule ? "'" : "", lts,
						path->lan, t, rts,
						path->fwd.oif[0] ? path->fwd.oif : "nowhere", dev,
						CHARON_TABLE);
	if (rule)
	{
		dpc_finding_evidence(f, "rule", "%s", rule->text);
	}
	dpc_finding_evidence(f, "route", "%s", path->fwd.text);
	other = dpc_table_route(ctx->facts, path->fwd.table, &path->rhost);
	if (other)
	{
		dpc_finding_evidence(f, "table_route", "%s",
							 dpc_rtentry_format(other, other->oif, text,
												sizeof(text)));
	}
	dpc_finding_evidence(f, "tunnel_route", "%s",
						 dpc_rtentry_format(tunnel, tunnel->oif, text,
											sizeof(text)));
	dpc_finding_hint(f, "let the tunnel's traffic reach table %u before the "
					 "rule: 'ip rule add from %s to %s lookup %u priority "
					 "%u', or add the tunnel's route to table %s: 'ip route "
					 "add %s dev %s table %s'", CHARON_TABLE, lts, rts,
					 CHARON_TABLE, rule && rule->priority ? rule->priority - 1
														  : CHARON_TABLE - 1,
					 t, rts, dev, t);
}

/**
 * Is an address inside any selector of a list?
 */
static bool in_list(const dpc_ts_list_t *list, const dpc_addr_t *addr)
{
	size_t i;

	for (i = 0; i < list->count; i++)
	{
		if (dpc_ts_contains_addr(&list->ts[i], addr))
		{
			return true;
		}
	}
	return false;
}

/**
 * source-outside-ts: the gateway has an address in the local selector, but
 * its own packets to the remote selector leave with another source, which
 * no policy of the CHILD_SA matches.
 */
static void source_outside(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						   const dpc_child_rec_t *child,
						   const dpc_path_t *path)
{
	dpc_route_query_t q;
	dpc_route_t route;
	dpc_addr_t own;
	dpc_finding_t *f;
	char lts[DPC_TS_STRLEN], rts[DPC_TS_STRLEN], a[DPC_ADDR_STRLEN];
	char s[DPC_ADDR_STRLEN], t[16];

	if (!child->local.count ||
		!ctx->facts->local_in_ts(ctx->facts, &child->local.ts[0], &own, NULL))
	{	/* the gateway's own traffic is not part of this tunnel */
		return;
	}
	memset(&q, 0, sizeof(q));
	q.dst = path->rhost;
	if (!ctx->facts->route_get(ctx->facts, &q, &route) ||
		dpc_route_fails(&route) || !route.prefsrc.family ||
		in_list(&child->local, &route.prefsrc))
	{
		return;
	}
	f = dpc_check_add(ctx, "source-outside-ts", DPC_WARNING, ike, child);
	if (!f)
	{
		return;
	}
	dpc_ts_to_str(&child->local.ts[0], lts, sizeof(lts));
	dpc_ts_to_str(&child->remote.ts[0], rts, sizeof(rts));
	dpc_addr_to_str(&route.prefsrc, s, sizeof(s));
	dpc_finding_message(f, "the gateway's own packets to %s leave with source "
						"%s, outside the local traffic selector %s: they miss "
						"the IPsec policy (pings from the gateway fail or "
						"leave in cleartext)", rts, s, lts);
	dpc_finding_evidence(f, "route", "%s", route.text);
	dpc_finding_evidence(f, "source", "%s", s);
	dpc_finding_evidence(f, "local_ts", "%s", lts);
	dpc_finding_hint(f, "give the route a source inside %s, as charon does "
					 "(charon.install_routes): 'ip route replace %s dev %s "
					 "src %s%s%s', or send from that address ('ping -I %s')",
					 lts, rts, route.oif[0] ? route.oif : "<dev>",
					 dpc_addr_to_str(&own, a, sizeof(a)),
					 route.table == 254 ? "" : " table ",
					 route.table == 254 ? "" : table_name(route.table ?: 220,
														  t, sizeof(t)), a);
}

/**
 * The checks of one CHILD_SA.
 */
static void policy_child(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						 const dpc_child_rec_t *child)
{
	const dpc_path_t *path = dpc_check_path(ctx, ike, child);

	if (!path || !dpc_path_has(path, DPC_PATH_RHOST) ||
		!child->remote.count)
	{
		return;
	}
	policy_table(ctx, ike, child, path);
	source_outside(ctx, ike, child, path);
}

/**
 * route-policy-table, source-outside-ts: per CHILD_SA.
 */
const dpc_check_family_t dpc_check_family_policy = {
	.name = "policy-routing",
	.child = policy_child,
};
