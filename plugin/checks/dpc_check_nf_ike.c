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

/**
 * Report a blocked IKE/ESP packet.
 */
static void ike_blocked(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						const char *what, bool inbound, const char *ifname,
						const nfsim_result_t *res, bool established,
						bool carries_esp)
{
	dpc_finding_t *f;
	char l[DPC_ADDR_STRLEN], r[DPC_ADDR_STRLEN];

	f = dpc_check_add(ctx, "filter-blocks-ike", DPC_ERROR, ike, NULL);
	if (!f)
	{
		return;
	}
	snprintf(f->discrim, sizeof(f->discrim), "%s-%s", what,
			 inbound ? "in" : "out");
	dpc_addr_to_str(&ike->local, l, sizeof(l));
	dpc_addr_to_str(&ike->remote, r, sizeof(r));
	dpc_finding_message(f, "the %s filter drops %s packets %s the peer%s%s",
						inbound ? "INPUT" : "OUTPUT", what,
						inbound ? "from" : "to",
						carries_esp ? ", which carry the CHILD_SAs' ESP in "
									  "UDP" : "",
						established ?
						": the tunnel is dead now, established flows "
						"included" :
						": IKE messages the peer starts (rekeying, DPD, "
						"re-authentication) and any traffic once the "
						"conntrack entry expires will not pass");
	dpc_finding_evidence(f, "packet", "%s %s -> %s %s %s",
						 what, inbound ? r : l, inbound ? l : r,
						 inbound ? "iif" : "oif", ifname);
	dpc_nf_evidence(f, "rule", res);
	dpc_finding_hint(f, "allow %s between %s and %s in both directions "
					 "before that rule, e.g. nft '%s saddr %s udp dport "
					 "{ 500, 4500 } accept' and 'meta l4proto esp accept'",
					 what, l, r, dpc_nf_ip(ike->remote.family), r);
}

/**
 * The flows of an IKE_SA through the INPUT and OUTPUT filters.
 */
typedef struct {
	/** the IKE_SA */
	const dpc_ike_rec_t *ike;
	/** interface of its local address */
	char wan[IF_NAMESIZE];
	/** interface towards the peer, empty if there is no route */
	char oif[IF_NAMESIZE];
	/** local and remote UDP ports: the ones in use, the initial ones */
	uint16_t ports[2][2];
	/** port pairs in use */
	int n;
	/** a CHILD_SA sends plain ESP through XFRM */
	bool esp;
	/** a CHILD_SA sends ESP in UDP */
	bool encap;
} flows_t;

/**
 * Work out the flows of an IKE_SA.
 *
 * @return			FALSE if its addresses cannot be judged
 */
static bool flows_init(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
					   flows_t *fl)
{
	dpc_route_query_t q;
	dpc_route_t route;
	bool xfrm, up;
	int i;

	memset(fl, 0, sizeof(*fl));
	fl->ike = ike;
	if (!ike->local.family || ike->local.family != ike->remote.family ||
		!ctx->facts->is_local(ctx->facts, &ike->local, fl->wan))
	{
		return false;
	}
	/* the ports the IKE_SA uses now, and 500 if it started there (a new
	 * IKE_SA or a reauthentication starts there again) */
	fl->ports[fl->n][0] = ike->local.port;
	fl->ports[fl->n++][1] = ike->remote.port;
	if (ike->initial_local.port && ike->initial_local.port != ike->local.port)
	{
		fl->ports[fl->n][0] = ike->initial_local.port;
		fl->ports[fl->n++][1] = ike->initial_remote.port;
	}
	xfrm = ctx->facts->get_dataplane(ctx->facts) == DPC_DATAPLANE_XFRM;
	for (i = 0; i < ike->n_children; i++)
	{
		up = ike->children[i]->state == DPC_STATE_UP;
		fl->esp |= up && !ike->children[i]->encap && xfrm;
		fl->encap |= up && ike->children[i]->encap;
	}
	memset(&q, 0, sizeof(q));
	q.dst = ike->remote;
	if (ctx->facts->route_get(ctx->facts, &q, &route) && !route.error)
	{
		memcpy(fl->oif, route.oif, IF_NAMESIZE);
	}
	return true;
}

/**
 * Build a packet of a flow.
 *
 * @param i			port pair, n for ESP
 * @param inbound	from the peer (INPUT), else to it (OUTPUT)
 * @param ct		conntrack state
 * @param dir		conntrack direction
 */
static void flow_packet(dpc_check_ctx_t *ctx, const flows_t *fl, int i,
						bool inbound, uint32_t ct, uint8_t dir,
						nfsim_packet_t *pkt)
{
	const dpc_ike_rec_t *ike = fl->ike;
	bool udp = i < fl->n;

	if (inbound)
	{
		dpc_nf_packet(ctx->facts, pkt, &ike->remote, &ike->local,
					  udp ? IPPROTO_UDP : IPPROTO_ESP);
		pkt->sport = udp ? fl->ports[i][1] : 0;
		pkt->dport = udp ? fl->ports[i][0] : 0;
		dpc_nf_ifaces(pkt, fl->wan, "");
	}
	else
	{
		dpc_nf_packet(ctx->facts, pkt, &ike->local, &ike->remote,
					  udp ? IPPROTO_UDP : IPPROTO_ESP);
		pkt->sport = udp ? fl->ports[i][0] : 0;
		pkt->dport = udp ? fl->ports[i][1] : 0;
		dpc_nf_ifaces(pkt, "", fl->oif);
	}
	if (!udp)
	{
		pkt->spi = inbound ? ike->children[0]->spi_in
						   : ike->children[0]->spi_out;
	}
	pkt->ct_state = ct;
	pkt->ct_dir = dir;
}

/**
 * The conntrack status of a flow's packet: a new one is NATed by what
 * prerouting did to it (and by the NAT chains of its own hook), one
 * continuing a connection in its direction by what NAT did to that
 * connection's first packet; how a connection the other side started was
 * NATed is not known here.
 */
static void flow_status(const nfsim_ruleset_t *rs, nfsim_packet_t *pkt)
{
	nfsim_packet_t first = *pkt;
	nfsim_tri_t src = NFSIM_UNKNOWN, dst = NFSIM_UNKNOWN;

	if (pkt->ct_state == NFSIM_CT_NEW && !pkt->iif[0])
	{	/* the walk adds what its own hook does */
		src = dst = NFSIM_NO;
	}
	else if (pkt->ct_dir == 0)
	{
		first.ct_state = NFSIM_CT_NEW;
		dpc_nf_conn_nat(rs, &first, &src, &dst);
		if (pkt->ct_state == NFSIM_CT_NEW)
		{	/* source NAT of local input comes after the filter */
			src = NFSIM_NO;
		}
	}
	nfsim_packet_ct_status(pkt, src, dst);
}

/**
 * Judge one flow in one direction, new and established.
 *
 * @param i			port pair, n for ESP
 * @param inbound	from the peer (INPUT), else to it (OUTPUT)
 */
static void judge_flow(dpc_check_ctx_t *ctx, const nfsim_ruleset_t *rs,
					   const flows_t *fl, int i, bool inbound)
{
	nfsim_packet_t pkt;
	nfsim_result_t res[2];
	uint32_t ct[] = { NFSIM_CT_NEW, NFSIM_CT_ESTABLISHED };
	char what[32];
	bool blocked = false;
	int k;

	if (i < fl->n)
	{
		snprintf(what, sizeof(what), "UDP %u", fl->ports[i][0]);
	}
	else
	{
		snprintf(what, sizeof(what), "ESP");
	}
	for (k = 0; k < 2; k++)
	{
		flow_packet(ctx, fl, i, inbound, ct[k], inbound ? k : 0, &pkt);
		flow_status(rs, &pkt);
		nfsim_eval(rs, inbound ? NFSIM_HOOK_INPUT : NFSIM_HOOK_OUTPUT,
				   &pkt, &res[k]);
		if (!inbound && !dpc_nf_stops(res[k].verdict))
		{
			nfsim_eval(rs, NFSIM_HOOK_POSTROUTING, &pkt, &res[k]);
		}
		dpc_nf_uncertain(ctx, fl->ike, NULL, inbound ?
						 "IKE/ESP from the peer in input" :
						 "IKE/ESP to the peer in output", &res[k]);
		blocked |= dpc_nf_stops(res[k].verdict);
	}
	if (blocked)
	{	/* established flows dropped too: dead at once */
		ike_blocked(ctx, fl->ike, what, inbound, inbound ? fl->wan : fl->oif,
					dpc_nf_stops(res[1].verdict) ? &res[1] : &res[0],
					dpc_nf_stops(res[1].verdict),
					i < fl->n && fl->ports[i][0] == fl->ike->local.port &&
					fl->encap);
	}
}

/** strongSwan's default charon.keep_alive, assumed for a peer behind NAT */
#define PEER_KEEPALIVE 20

/**
 * conntrack-udp-timeout: the INPUT filter lets the peer's IKE/NAT-T packets
 * in only as part of a conntrack entry, and the entry expires between the
 * packets that refresh it: after each idle gap the peer's next packet
 * (its ESP in UDP, its IKE request) is NEW and dropped.
 */
static void conntrack_timeout(dpc_check_ctx_t *ctx, const nfsim_ruleset_t *rs,
							  const flows_t *fl)
{
	const dpc_ike_rec_t *ike = fl->ike;
	nfsim_packet_t pkt;
	nfsim_result_t new_res, est_res;
	dpc_finding_t *f;
	int stream, unreplied, refresh = 0;
	const char *by = "nothing";

	if (!ctx->facts->sysctl(ctx->facts,
					"net/netfilter/nf_conntrack_udp_timeout_stream", &stream))
	{	/* no conntrack: no stateful rule either */
		return;
	}
	flow_packet(ctx, fl, 0, true, NFSIM_CT_NEW, 0, &pkt);
	nfsim_eval(rs, NFSIM_HOOK_INPUT, &pkt, &new_res);
	flow_packet(ctx, fl, 0, true, NFSIM_CT_ESTABLISHED, 1, &pkt);
	nfsim_eval(rs, NFSIM_HOOK_INPUT, &pkt, &est_res);
	if (!new_res.certain || !est_res.certain ||
		!dpc_nf_stops(new_res.verdict) || dpc_nf_stops(est_res.verdict))
	{	/* not decided by the conntrack state */
		return;
	}
	/* what keeps the entry alive when the tunnel is idle: NAT keepalives
	 * of the side behind NAT, DPD */
	if ((ike->nat & DPC_NAT_HERE) && ctx->settings->keep_alive)
	{
		refresh = ctx->settings->keep_alive;
		by = "this gateway's NAT keepalives";
	}
	else if (ike->nat & DPC_NAT_THERE)
	{
		refresh = PEER_KEEPALIVE;
		by = "the peer's NAT keepalives (strongSwan's default assumed)";
	}
	if (ike->dpd_delay && (!refresh || (int)ike->dpd_delay < refresh))
	{
		refresh = ike->dpd_delay;
		by = "DPD";
	}
	if (refresh && refresh <= stream)
	{
		return;
	}
	f = dpc_check_add(ctx, "conntrack-udp-timeout", DPC_WARNING, ike, NULL);
	if (!f)
	{
		return;
	}
	if (refresh)
	{
		dpc_finding_message(f, "the INPUT filter accepts the peer's UDP %u "
							"only as an established conntrack flow, and that "
							"entry expires after %ds idle, before %s refresh "
							"it every %ds: after each idle gap the peer's "
							"next packet (ESP in UDP, its IKE requests) is "
							"new and dropped", fl->ports[0][0], stream, by,
							refresh);
	}
	else
	{
		dpc_finding_message(f, "the INPUT filter accepts the peer's UDP %u "
							"only as an established conntrack flow, which "
							"expires after %ds idle, and nothing (no NAT "
							"keepalive, no DPD) refreshes it: after an idle "
							"gap the peer's next packet is new and dropped",
							fl->ports[0][0], stream);
	}
	dpc_finding_evidence(f, "nf_conntrack_udp_timeout_stream", "%d", stream);
	if (ctx->facts->sysctl(ctx->facts,
						   "net/netfilter/nf_conntrack_udp_timeout",
						   &unreplied))
	{
		dpc_finding_evidence(f, "nf_conntrack_udp_timeout", "%d", unreplied);
	}
	if (refresh)
	{
		dpc_finding_evidence(f, "refreshed_by", "%s every %ds", by, refresh);
	}
	dpc_nf_evidence(f, "new_dropped_by", &new_res);
	dpc_nf_evidence(f, "established_accepted_by", &est_res);
	dpc_finding_hint(f, "accept the peer's IKE and NAT-T packets whatever "
					 "their conntrack state (e.g. nft 'udp dport { 500, 4500 "
					 "} accept' in input), or raise "
					 "net.netfilter.nf_conntrack_udp_timeout_stream back to "
					 "the kernel's 120 (at least %ds; sysctl -w, and in "
					 "/etc/sysctl.d)", refresh ? refresh + 1 : 120);
}

/**
 * filter-blocks-ike: IKE, NAT-T and ESP to and from the peer.
 */
static void ike_filter(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike)
{
	const nfsim_ruleset_t *rs;
	flows_t fl;
	int i;

	rs = ctx->facts->get_ruleset(ctx->facts);
	if (!rs)
	{
		return;
	}
	if (!flows_init(ctx, ike, &fl))
	{
		return;
	}
	for (i = 0; i < fl.n + fl.esp; i++)
	{
		judge_flow(ctx, rs, &fl, i, true);
		if (fl.oif[0])
		{
			judge_flow(ctx, rs, &fl, i, false);
		}
	}
	conntrack_timeout(ctx, rs, &fl);
}

/**
 * filter-blocks-ike, conntrack-udp-timeout: per IKE_SA.
 */
const dpc_check_family_t dpc_check_family_nf_ike = {
	.name = "nf-ike",
	.ike = ike_filter,
};
