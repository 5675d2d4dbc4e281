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

#include <stdio.h>

/**
 * Evaluate the FORWARD hook for one direction and state.
 */
static bool forward_blocks(const nfsim_ruleset_t *rs, nfsim_packet_t *pkt,
						   nfsim_result_t *res)
{
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, pkt, res);
	return dpc_nf_stops(res->verdict);
}

/**
 * filter-blocks-forward: FORWARD must let tunnel traffic through both ways.
 */
static void forward_filter(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						   const dpc_child_rec_t *child)
{
	const nfsim_ruleset_t *rs;
	const dpc_path_t *p;
	nfsim_packet_t pkt;
	nfsim_result_t new_res, est_res;
	dpc_finding_t *f;
	bool new_blocked, est_blocked;
	char lts[DPC_TS_STRLEN], rts[DPC_TS_STRLEN];
	int dir;

	if (!dpc_nf_forwarded(ctx, ike, child, &rs, &p))
	{
		return;
	}
	dpc_ts_to_str(&p->lts, lts, sizeof(lts));
	dpc_ts_to_str(&p->rts, rts, sizeof(rts));
	for (dir = 0; dir < 2; dir++)
	{
		if (dir == 0)
		{
			dpc_nf_outbound(ctx->facts, ike, child, p, NFSIM_CT_NEW, &pkt);
			new_blocked = forward_blocks(rs, &pkt, &new_res);
			dpc_nf_outbound(ctx->facts, ike, child, p, NFSIM_CT_ESTABLISHED,
							&pkt);
			pkt.ct_dir = 1;
			est_blocked = forward_blocks(rs, &pkt, &est_res);
		}
		else
		{
			dpc_nf_inbound(ctx->facts, ike, child, p, NFSIM_CT_NEW, &pkt);
			new_blocked = forward_blocks(rs, &pkt, &new_res);
			dpc_nf_inbound(ctx->facts, ike, child, p, NFSIM_CT_ESTABLISHED,
						   &pkt);
			est_blocked = forward_blocks(rs, &pkt, &est_res);
		}
		dpc_nf_uncertain(ctx, ike, child,
						 dir ? "inbound tunnel traffic in forward"
							 : "outbound tunnel traffic in forward",
						 new_res.certain ? &est_res : &new_res);
		if (!new_blocked && !est_blocked)
		{
			continue;
		}
		/* dropping only new connections of one direction may be intended;
		 * dropping replies breaks what the other side starts */
		f = dpc_check_add(ctx, "filter-blocks-forward",
						  est_blocked ? DPC_ERROR : DPC_WARNING, ike, child);
		if (!f)
		{
			continue;
		}
		dpc_check_discrim(ctx, f, dir ? "in" : "out");
		dpc_finding_message(f, "the FORWARD filter drops %s tunnel traffic "
							"(%s -> %s, %s)", dir ? "inbound" : "outbound",
							dir ? rts : lts, dir ? lts : rts,
							new_blocked && est_blocked ? "all of it" :
							est_blocked ? "replies and established flows" :
										  "new connections");
		dpc_finding_evidence(f, "direction", "%s", dir ? "in" : "out");
		dpc_finding_evidence(f, "interfaces", "iif %s oif %s",
							 dir ? p->tun : p->lan, dir ? p->lan : p->out);
		dpc_nf_evidence(f, "rule", est_blocked ? &est_res : &new_res);
		if (ctx->facts->get_dataplane(ctx->facts) == DPC_DATAPLANE_LIBIPSEC)
		{	/* no XFRM: policy matches never match, the TUN device does */
			dpc_finding_hint(f, "accept tunnel traffic before that rule, "
							 "e.g. nft '%s \"%s\" accept' or '%s saddr %s "
							 "%s daddr %s accept' in the forward chain "
							 "(%s: -%s %s -j ACCEPT)",
							 dir ? "iifname" : "oifname", p->tun,
							 dpc_nf_ip(p->family), dir ? rts : lts,
							 dpc_nf_ip(p->family), dir ? lts : rts,
							 dpc_nf_iptables(p->family), dir ? "i" : "o",
							 p->tun);
		}
		else
		{
			dpc_finding_hint(f, "accept tunnel traffic before that rule, "
							 "e.g. nft '%s accept' or '%s saddr %s %s daddr "
							 "%s accept' in the forward chain (%s: -m "
							 "policy --pol ipsec --dir %s -j ACCEPT)",
							 dir ? "meta ipsec exists" : "rt ipsec exists",
							 dpc_nf_ip(p->family), dir ? rts : lts,
							 dpc_nf_ip(p->family), dir ? lts : rts,
							 dpc_nf_iptables(p->family), dir ? "in" : "out");
		}
	}
}

/**
 * filter-blocks-forward: per CHILD_SA.
 */
const dpc_check_family_t dpc_check_family_nf_forward = {
	.name = "nf-forward",
	.per_family = true,
	.child = forward_filter,
};
