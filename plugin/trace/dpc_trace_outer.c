/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_trace_outer.h"
#include "dpc_trace_nf.h"
#include "dpc_trace_sa.h"
#include "dpc_trace_verdict.h"
#include "checks/dpc_check_nf.h"
#include "facts/dpc_questions.h"

#include <netinet/in.h>
#include <string.h>

/**
 * Build the outer packet of a CHILD_SA, leaving through oif.
 */
static void outer_packet(dpc_trace_state_t *t, const dpc_trace_sa_t *sa,
						 const char *oif, nfsim_packet_t *pkt)
{
	const dpc_ike_rec_t *ike = sa->ike;

	dpc_nf_packet(t->facts, pkt, &ike->local, &ike->remote,
				  sa->child->encap ? IPPROTO_UDP :
				  dpc_streq(sa->child->protocol, "AH") ? IPPROTO_AH
													   : IPPROTO_ESP);
	if (sa->child->encap)
	{
		pkt->sport = ike->local.port;
		pkt->dport = ike->remote.port;
	}
	else
	{
		pkt->spi = sa->child->spi_out;
	}
	/* the tunnel's outer flow is known to conntrack */
	pkt->ct_state = NFSIM_CT_ESTABLISHED;
	dpc_nf_ifaces(pkt, "", oif);
}

/**
 * Judge OUTPUT and POSTROUTING into the outer phase: the hook that stops
 * the packet, cannot be judged or translates it speaks for both.
 *
 * @param what		the packet, as text
 * @param oif		where it leaves
 * @return			TRUE if it leaves
 */
static bool outer_hooks(dpc_trace_state_t *t, const nfsim_packet_t *pkt,
						const char *what, const char *oif,
						dpc_trace_phase_t *ph)
{
	dpc_trace_phase_t hook, *use = &hook;
	nfsim_result_t res;
	const char *hook_name = "output";
	bool ok;

	memset(&hook, 0, sizeof(hook));
	ok = dpc_trace_judge(t, NFSIM_HOOK_OUTPUT, pkt, &res, &hook);
	if (ok && hook.verdict != DPC_TRACE_UNKNOWN)
	{
		memset(&hook, 0, sizeof(hook));
		hook_name = "postrouting";
		ok = dpc_trace_judge(t, NFSIM_HOOK_POSTROUTING, pkt, &res, &hook);
		if (ok && hook.verdict != DPC_TRACE_UNKNOWN &&
			hook.verdict != DPC_TRACE_NAT)
		{
			use = NULL;
		}
	}
	if (use)
	{
		ph->verdict = use->verdict;
		memcpy(ph->rule_where, use->rule_where, sizeof(ph->rule_where));
		memcpy(ph->rule, use->rule, sizeof(ph->rule));
		dpc_trace_detail(ph, "%s via %s, %s: %s", what, oif, hook_name,
						 use->detail);
	}
	else
	{
		dpc_trace_detail(ph, "%s via %s passes output and postrouting", what,
						 oif);
	}
	return ok;
}

/*
 * Described in header
 */
bool dpc_trace_outer(dpc_trace_state_t *t, const dpc_trace_sa_t *sa)
{
	const dpc_ike_rec_t *ike = sa->ike;
	dpc_route_query_t q;
	dpc_route_t route;
	dpc_trace_phase_t *ph;
	nfsim_packet_t pkt;
	char l[DPC_ADDR_STRLEN + 8], r[DPC_ADDR_STRLEN + 8], what[128];

	if (!ike->local.family || ike->local.family != ike->remote.family)
	{
		return true;
	}
	dpc_trace_fmt(what, sizeof(what), "%s %s -> %s", dpc_trace_sa_encap(sa),
				  dpc_trace_addr_port(&ike->local, ike->local.port,
									  sa->child->encap, l, sizeof(l)),
				  dpc_trace_addr_port(&ike->remote, ike->remote.port,
									  sa->child->encap, r, sizeof(r)));
	memset(&q, 0, sizeof(q));
	q.dst = ike->remote;
	q.src = ike->local;
	if (!t->facts->route_get(t->facts, &q, &route))
	{
		dpc_trace_add_phase(t, "outer", DPC_TRACE_UNKNOWN, "%s: the route to "
							"the peer cannot be told", what);
		dpc_trace_unsure(t, "the route to the peer");
		return true;
	}
	if (dpc_route_fails(&route))
	{
		dpc_trace_add_phase(t, "outer", DPC_TRACE_DROP, "%s: no route to the "
							"peer: %s", what, route.text);
		dpc_trace_decide(t, DPC_TRACE_DROP, "encrypted into CHILD_SA %s{%u}, "
						 "but there is no route to the peer (%s)",
						 sa->child->name, sa->child->unique_id, route.text);
		return false;
	}
	outer_packet(t, sa, route.oif, &pkt);
	ph = dpc_trace_add_phase(t, "outer", DPC_TRACE_ALLOW, "%s", "");
	if (outer_hooks(t, &pkt, what, route.oif, ph))
	{
		return true;
	}
	dpc_trace_decide(t, ph->verdict == DPC_TRACE_REJECT ? DPC_TRACE_REJECT
														: DPC_TRACE_DROP,
					 "encrypted into CHILD_SA %s{%u}, but the %s packet is "
					 "dropped by %s", sa->child->name, sa->child->unique_id,
					 dpc_trace_sa_encap(sa),
					 ph->rule_where[0] ? ph->rule_where : "the ruleset");
	return false;
}
