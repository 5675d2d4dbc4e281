/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_trace.h"
#include "dpc_trace_ipsec.h"
#include "dpc_trace_nf.h"
#include "dpc_trace_route.h"
#include "dpc_trace_rpf.h"
#include "dpc_trace_sa.h"
#include "dpc_trace_state.h"
#include "dpc_trace_verdict.h"
#include "dpc_trace_xfrm.h"

#include <stdlib.h>

/**
 * A packet for the gateway itself, after PREROUTING.
 */
static void trace_input(dpc_trace_state_t *t, const char *iif)
{
	nfsim_packet_t pkt;
	nfsim_result_t nf;
	char name[DPC_NAME_LEN * 2 + 32];

	dpc_trace_packet(t, &pkt, iif, "", NULL);
	if (!dpc_trace_hook(t, NFSIM_HOOK_INPUT, &pkt, &nf))
	{
		return;
	}
	if (t->in.child)
	{
		dpc_trace_decide(t, DPC_TRACE_ALLOW, "decrypted from CHILD_SA %s and "
						 "delivered to the gateway itself",
						 dpc_trace_sa_name(&t->in, name, sizeof(name)));
	}
	else
	{
		dpc_trace_decide(t, DPC_TRACE_ALLOW, "delivered to the gateway "
						 "itself");
	}
}

/**
 * A packet the gateway forwards, after PREROUTING.
 */
static void trace_forward(dpc_trace_state_t *t, const char *iif)
{
	nfsim_packet_t pkt;
	nfsim_result_t nf;
	dpc_trace_sa_t out;

	dpc_trace_fmt(t->res->oif, sizeof(t->res->oif), "%s", t->route.oif);
	out = dpc_trace_find_sa(t, &t->src, &t->dst, false, false);
	dpc_trace_packet(t, &pkt, iif, t->route.oif, &out);
	if (!dpc_trace_hook(t, NFSIM_HOOK_FORWARD, &pkt, &nf) ||
		!dpc_trace_hook(t, NFSIM_HOOK_POSTROUTING, &pkt, &nf))
	{
		return;
	}
	dpc_trace_xfrm(t, true, true);
	dpc_trace_ipsec(t, &nf, &out);
}

/**
 * Note whether the route delivers the packet to the gateway.
 *
 * @return			TRUE if it does
 */
static bool set_path(dpc_trace_state_t *t)
{
	bool local = dpc_trace_route_local(&t->route);

	dpc_trace_fmt(t->res->path, sizeof(t->res->path), "%s",
				  local ? "input" : "forward");
	return local;
}

/**
 * A packet arriving from outside: forwarded or delivered to the gateway.
 */
static void trace_incoming(dpc_trace_state_t *t)
{
	nfsim_packet_t pkt;
	nfsim_result_t nf;
	char iif[IF_NAMESIZE] = "";
	bool local;

	dpc_trace_fmt(t->res->path, sizeof(t->res->path), "forward");
	if (!dpc_trace_input_iif(t, iif))
	{
		return;
	}
	dpc_trace_reverse_path(t, iif);
	dpc_trace_decrypted(t, iif);
	if (!dpc_trace_rp_filter(t, iif) || !dpc_trace_route(t, iif))
	{
		return;
	}
	local = set_path(t);
	dpc_trace_packet(t, &pkt, iif, local ? "" : t->route.oif, NULL);
	if (!dpc_trace_hook(t, NFSIM_HOOK_PREROUTING, &pkt, &nf))
	{
		return;
	}
	if (dpc_trace_apply_dnat(t, &nf))
	{
		if (!dpc_trace_route(t, iif))
		{
			return;
		}
		local = set_path(t);
	}
	if (!dpc_trace_inbound_policy(t, iif))
	{
		return;
	}
	if (t->in.child)
	{
		dpc_trace_xfrm(t, false, !local);
	}
	if (local)
	{
		trace_input(t, iif);
	}
	else
	{
		trace_forward(t, iif);
	}
}

/**
 * A packet the gateway sends itself.
 */
static void trace_output(dpc_trace_state_t *t)
{
	dpc_trace_result_t *res = t->res;
	nfsim_packet_t pkt;
	nfsim_result_t nf;
	dpc_trace_sa_t out;
	bool local;

	dpc_trace_fmt(res->path, sizeof(res->path), "output");
	if (!dpc_trace_route(t, ""))
	{
		return;
	}
	out = dpc_trace_find_sa(t, &t->src, &t->dst, false, false);
	dpc_trace_packet(t, &pkt, "", t->route.oif, &out);
	if (!dpc_trace_hook(t, NFSIM_HOOK_OUTPUT, &pkt, &nf))
	{
		return;
	}
	if (dpc_trace_apply_dnat(t, &nf))
	{
		if (!dpc_trace_route(t, ""))
		{
			return;
		}
		out = dpc_trace_find_sa(t, &t->src, &t->dst, false, false);
		dpc_trace_packet(t, &pkt, "", t->route.oif, &out);
	}
	local = dpc_trace_route_local(&t->route);
	if (local)
	{
		dpc_trace_fmt(res->path, sizeof(res->path), "local");
	}
	dpc_trace_fmt(res->oif, sizeof(res->oif), "%s", t->route.oif);
	if (!dpc_trace_hook(t, NFSIM_HOOK_POSTROUTING, &pkt, &nf))
	{
		return;
	}
	if (local)
	{	/* looped back */
		dpc_trace_packet(t, &pkt, t->route.oif[0] ? t->route.oif : "lo", "",
						 NULL);
		if (dpc_trace_hook(t, NFSIM_HOOK_INPUT, &pkt, &nf))
		{
			dpc_trace_decide(t, DPC_TRACE_ALLOW, "delivered to the gateway "
							 "itself");
		}
		return;
	}
	dpc_trace_xfrm(t, true, false);
	dpc_trace_ipsec(t, &nf, &out);
}

/*
 * Described in header
 */
void dpc_trace_run(const dpc_trace_query_t *q, dpc_facts_t *facts,
				   const dpc_tunnels_t *tunnels, dpc_trace_result_t *res)
{
	dpc_trace_state_t *t;

	t = malloc(sizeof(*t));
	if (!t)
	{
		dpc_trace_fail(res, "out of memory");
		return;
	}
	dpc_trace_state_init(t, q, facts, tunnels, res);
	if (!t->src.family || t->src.family != t->dst.family)
	{
		dpc_trace_add_phase(t, "route", DPC_TRACE_UNKNOWN, "source and "
							"destination must be addresses of one family");
		dpc_trace_unsure(t, "the addresses");
		dpc_trace_decide(t, DPC_TRACE_UNKNOWN, "source and destination must "
						 "be addresses of one family");
	}
	else if (facts->is_local(facts, &t->src, NULL))
	{
		trace_output(t);
	}
	else
	{
		trace_incoming(t);
	}
	dpc_trace_conntrack(t);
	dpc_trace_finish(t);
	free(t);
}
