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

#include <stdio.h>
#include <string.h>

/** text of a selector list in evidence */
#define LIST_LEN DPC_EVVAL_LEN

/**
 * Is this the first installed CHILD_SA of its config on this IKE_SA? Only
 * that one reports coverage gaps, so overlapping SAs during a rekey or
 * several SAs of one config don't repeat them.
 */
static bool first_of_config(const dpc_ike_rec_t *ike,
							const dpc_child_rec_t *child)
{
	int i;

	for (i = 0; i < ike->n_children; i++)
	{
		if (ike->children[i]->state == DPC_STATE_UP &&
			dpc_streq(ike->children[i]->name, child->name))
		{
			return ike->children[i] == child;
		}
	}
	return true;
}

/**
 * Where does a packet from src to dst go, as a phrase for the message?
 */
static void describe_path(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						  const dpc_child_rec_t *child, const dpc_addr_t *src,
						  const dpc_addr_t *dst, const dpc_ts_t *src_ts,
						  char *phrase, size_t plen, dpc_route_t *route)
{
	dpc_route_query_t q;
	const char *tun;

	memset(&q, 0, sizeof(q));
	q.dst = *dst;
	q.src = *src;
	/* forwarded traffic is looked up as input from the LAN, our own as
	 * output */
	if (!ctx->facts->is_local(ctx->facts, src, NULL) &&
		!dpc_lan_iif(ctx->facts, src_ts, src, q.iif))
	{
		q.iif[0] = '\0';
	}
	memset(route, 0, sizeof(*route));
	if (!ctx->facts->route_get(ctx->facts, &q, route))
	{
		snprintf(phrase, plen, "is not protected (route lookup failed)");
		return;
	}
	if (dpc_route_fails(route))
	{
		snprintf(phrase, plen, "is dropped: no route (%s)", route->text);
		return;
	}
	tun = ctx->facts->get_tun(ctx->facts);
	if (ctx->facts->get_dataplane(ctx->facts) == DPC_DATAPLANE_LIBIPSEC &&
		tun && dpc_streq(route->oif, tun))
	{
		snprintf(phrase, plen, "is routed into %s but matches no SA: "
				 "kernel-libipsec drops it", tun);
		return;
	}
	snprintf(phrase, plen, "leaves in cleartext via %s", route->oif);
}

/**
 * Report what of one side's configured selectors no CHILD_SA covers.
 */
static void check_side(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
					   const dpc_child_rec_t *child, bool local)
{
	const dpc_ts_list_t *cfg, *neg, *other;
	const dpc_ts_t *peer_ts = NULL;
	dpc_ts_list_t narrowed, gap;
	dpc_check_index_t *idx;
	dpc_finding_t *f;
	dpc_addr_t src, dst;
	dpc_route_t route;
	char cfg_s[LIST_LEN], neg_s[LIST_LEN], gap_s[LIST_LEN], phrase[256];
	const char *side = local ? "local" : "remote";

	cfg = local ? &child->cfg_local : &child->cfg_remote;
	neg = local ? &child->local : &child->remote;
	if (!cfg->count || !neg->count)
	{
		return;
	}
	dpc_ts_list_init(&narrowed);
	dpc_ts_list_init(&gap);
	if (!dpc_ts_list_subtract(cfg, neg, &narrowed) || !narrowed.count)
	{
		goto out;
	}
	if (!first_of_config(ike, child))
	{	/* only the first CHILD_SA of a config reports */
		goto out;
	}
	dpc_ts_list_to_str(cfg, cfg_s, sizeof(cfg_s));
	dpc_ts_list_to_str(neg, neg_s, sizeof(neg_s));

	/* what no installed CHILD_SA (of any IKE_SA) protects either, worked
	 * out once per configuration and round */
	idx = dpc_check_index(ctx);
	if (!idx || !dpc_check_index_gap(idx, local, cfg, local ?
							&child->cfg_remote : &child->cfg_local, &gap))
	{
		goto out;
	}
	f = dpc_check_add(ctx, "ts-narrowed", gap.count ? DPC_WARNING : DPC_INFO,
					  ike, child);
	if (f)
	{
		snprintf(f->discrim, sizeof(f->discrim), "%s", side);
		dpc_finding_message(f, "%s traffic selectors narrowed from %s to "
							"%s%s", side, cfg_s, neg_s,
							gap.count ? "" : " (the rest is covered by "
							"other CHILD_SAs)");
		dpc_finding_evidence(f, "configured", "%s", cfg_s);
		dpc_finding_evidence(f, "negotiated", "%s", neg_s);
		dpc_finding_hint(f, "align %s_ts with the peer's %s_ts (%s) or "
						 "accept the narrower tunnel", side,
						 local ? "remote" : "local", neg_s);
	}
	if (!gap.count)
	{
		goto out;
	}
	dpc_ts_list_to_str(&gap, gap_s, sizeof(gap_s));
	/* a host of the uncovered part, talking to a host of the other side
	 * (negotiated, else configured: a side may have no selectors) */
	other = local ? &child->remote : &child->local;
	if (!other->count)
	{
		other = local ? &child->cfg_remote : &child->cfg_local;
	}
	memset(&route, 0, sizeof(route));
	/* a host of the other side of the gap's family (a dual-stack CHILD_SA
	 * lists both) */
	if (other->count)
	{
		peer_ts = dpc_ts_list_first(other, gap.ts[0].family);
	}
	if (!peer_ts)
	{
		snprintf(phrase, sizeof(phrase), "is not protected (the other side "
				 "has no traffic selectors of its family)");
	}
	else if (local)
	{
		dpc_remote_host(&gap.ts[0], &src);
		dpc_remote_host(peer_ts, &dst);
		describe_path(ctx, ike, child, &src, &dst, &gap.ts[0], phrase,
					  sizeof(phrase), &route);
	}
	else
	{
		if (!dpc_local_host(ctx->facts, peer_ts, &src))
		{
			dpc_ts_addr_nth(peer_ts, 0, &src);
		}
		dpc_remote_host(&gap.ts[0], &dst);
		describe_path(ctx, ike, child, &src, &dst, peer_ts,
					  phrase, sizeof(phrase), &route);
	}
	f = dpc_check_add(ctx, "ts-unprotected", DPC_ERROR, ike, child);
	if (!f)
	{
		goto out;
	}
	snprintf(f->discrim, sizeof(f->discrim), "%s", side);
	dpc_finding_message(f, "%s of the configured %s traffic selectors %s is "
						"covered by no CHILD_SA: traffic %s it %s", gap_s,
						side, cfg_s, local ? "from" : "to", phrase);
	dpc_finding_evidence(f, "configured", "%s", cfg_s);
	dpc_finding_evidence(f, "negotiated", "%s", neg_s);
	dpc_finding_evidence(f, "uncovered", "%s", gap_s);
	dpc_finding_evidence(f, "route", "%s", route.text);
	dpc_finding_hint(f, "the peer accepted only %s: widen the peer's %s_ts "
					 "to %s (or add a CHILD_SA for %s); to never leak "
					 "cleartext, drop %s on the WAN interface", neg_s,
					 local ? "remote" : "local", cfg_s, gap_s, gap_s);
out:
	dpc_ts_list_clear(&narrowed);
	dpc_ts_list_clear(&gap);
}

/**
 * The checks of one CHILD_SA.
 */
static void selectors_child(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
							const dpc_child_rec_t *child)
{
	check_side(ctx, ike, child, true);
	check_side(ctx, ike, child, false);
}

/**
 * ts-narrowed, ts-unprotected: per CHILD_SA.
 */
const dpc_check_family_t dpc_check_family_selectors = {
	.name = "selectors",
	.child = selectors_child,
};
