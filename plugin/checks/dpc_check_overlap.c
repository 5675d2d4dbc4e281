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
#include <stdlib.h>
#include <string.h>

/**
 * ts-overlap-local: a remote selector overlaps a network configured on one
 * of the gateway's interfaces (not the tunnel device): the hosts there
 * reach the overlap directly, never through the gateway. Selectors of the
 * whole address space (a default route through the tunnel) overlap
 * everything by design; a selector of one address (the peer on the WAN, a
 * virtual IP from the LAN's range with the farp plugin) may be meant so;
 * neither is reported.
 */
static void overlap_local(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						  const dpc_child_rec_t *child)
{
	const nfsim_ifaddr_t *addrs;
	const char *tun;
	dpc_finding_t *f = NULL;
	dpc_ts_t net;
	dpc_addr_t a;
	char rts[DPC_TS_STRLEN], ns[DPC_TS_STRLEN], as[DPC_ADDR_STRLEN];
	char key[16 + IF_NAMESIZE];
	size_t i, j, n;

	if (!dpc_streq(child->mode, "TUNNEL"))
	{	/* transport mode protects the peers' own, connected addresses */
		return;
	}
	n = ctx->facts->get_addrs(ctx->facts, &addrs);
	tun = ctx->facts->get_tun(ctx->facts);
	for (i = 0; i < child->remote.count; i++)
	{
		if (dpc_ts_prefixlen(&child->remote.ts[i]) == 0 ||
			dpc_ts_addr_count(&child->remote.ts[i]) == 1)
		{	/* the whole address space; or one address: the peer itself,
			 * or a virtual IP, which may come from the LAN's range on
			 * purpose (the farp plugin answers ARP for it) */
			continue;
		}
		for (j = 0; j < n; j++)
		{
			if (addrs[j].family != child->remote.ts[i].family ||
				(tun && dpc_streq(addrs[j].ifname, tun)) ||
				dpc_streq(addrs[j].ifname, "lo") ||
				!dpc_ts_from_prefix(&net, addrs[j].family, addrs[j].addr,
									addrs[j].plen) ||
				!dpc_ts_overlaps(&net, &child->remote.ts[i]))
			{
				continue;
			}
			dpc_ts_to_str(&child->remote.ts[i], rts, sizeof(rts));
			dpc_ts_to_str(&net, ns, sizeof(ns));
			memset(&a, 0, sizeof(a));
			a.family = addrs[j].family;
			memcpy(a.a, addrs[j].addr, sizeof(a.a));
			dpc_addr_to_str(&a, as, sizeof(as));
			if (!f)
			{
				f = dpc_check_add(ctx, "ts-overlap-local", DPC_WARNING, ike,
								  child);
				if (!f)
				{
					return;
				}
				dpc_finding_message(f, "remote traffic selector %s overlaps "
									"%s on %s, a network of this gateway: "
									"packets for it are delivered there, "
									"not into the tunnel", rts, ns,
									addrs[j].ifname);
				dpc_finding_evidence(f, "remote_ts", "%s", rts);
				dpc_finding_hint(f, "renumber one of the networks, or narrow "
								 "remote_ts so it excludes %s (with a "
								 "passthrough CHILD_SA or the bypass-lan "
								 "plugin if it must stay)", ns);
			}
			snprintf(key, sizeof(key), "address_%s", addrs[j].ifname);
			dpc_finding_evidence(f, key, "%s/%u", as, addrs[j].plen);
		}
	}
}

/**
 * Does any selector of a overlap any selector of b? Returns the first pair.
 */
static bool lists_overlap(const dpc_ts_list_t *a, const dpc_ts_list_t *b,
						  size_t *ia, size_t *ib)
{
	for (*ia = 0; *ia < a->count; (*ia)++)
	{
		for (*ib = 0; *ib < b->count; (*ib)++)
		{
			if (dpc_ts_overlaps(&a->ts[*ia], &b->ts[*ib]))
			{
				return true;
			}
		}
	}
	return false;
}

/**
 * ts-overlap-tunnel: another installed CHILD_SA, with a different peer,
 * claims part of the same remote selector (for the same local selector):
 * only one of them can get the traffic.
 */
static void overlap_tunnel(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						   const dpc_child_rec_t *child)
{
	const dpc_ike_rec_t *other_ike;
	const dpc_child_rec_t *other;
	dpc_check_index_t *idx;
	dpc_check_sa_t *sas;
	dpc_finding_t *f;
	char mine[DPC_TS_STRLEN], theirs[DPC_TS_STRLEN], peer[DPC_ADDR_STRLEN];
	size_t k, l;
	int i, n, reported = 0;

	/* the installed CHILD_SAs whose remote selectors overlap ours, in
	 * tunnel order, instead of every CHILD_SA */
	idx = dpc_check_index(ctx);
	n = idx ? dpc_check_index_sas(idx, false, &child->remote, &sas) : -1;
	for (i = 0; i < n && reported < 4; i++)
	{
		other_ike = sas[i].ike;
		other = sas[i].child;
		if (other_ike == ike || !dpc_addr_cmp(&other_ike->remote, &ike->remote) ||
			!lists_overlap(&child->local, &other->local, &k, &l) ||
			!lists_overlap(&child->remote, &other->remote, &k, &l))
		{
			continue;
		}
		f = dpc_check_add(ctx, "ts-overlap-tunnel", DPC_WARNING, ike, child);
		if (!f)
		{
			break;
		}
		reported++;
		snprintf(f->discrim, sizeof(f->discrim), "%u", other->unique_id);
		dpc_ts_to_str(&child->remote.ts[k], mine, sizeof(mine));
		dpc_ts_to_str(&other->remote.ts[l], theirs, sizeof(theirs));
		dpc_addr_to_str(&other_ike->remote, peer, sizeof(peer));
		dpc_finding_message(f, "remote traffic selector %s overlaps %s "
							"of CHILD_SA %s{%u} to another peer (%s): "
							"traffic for the overlap goes to one of "
							"them only", mine, theirs, other->name,
							other->unique_id, peer);
		dpc_finding_evidence(f, "remote_ts", "%s", mine);
		dpc_finding_evidence(f, "other_child", "%s[%u] %s{%u}",
							 other_ike->name, other_ike->unique_id,
							 other->name, other->unique_id);
		dpc_finding_evidence(f, "other_remote_ts", "%s", theirs);
		dpc_finding_evidence(f, "other_peer", "%s", peer);
		dpc_finding_hint(f, "make the remote_ts of %s and %s disjoint "
						 "(which one gets the overlap now: 'ip xfrm "
						 "policy' with kernel IPsec, the counters of "
						 "'swanctl --list-sas')", child->name,
						 other->name);
	}
	if (n > 0)
	{
		free(sas);
	}
}

/**
 * The checks of one CHILD_SA.
 */
static void overlap_child(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						  const dpc_child_rec_t *child)
{
	overlap_local(ctx, ike, child);
	overlap_tunnel(ctx, ike, child);
}

/**
 * ts-overlap-local, ts-overlap-tunnel: per CHILD_SA.
 */
const dpc_check_family_t dpc_check_family_overlap = {
	.name = "overlap",
	.child = overlap_child,
};
