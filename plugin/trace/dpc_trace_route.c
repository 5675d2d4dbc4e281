/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_trace_route.h"
#include "dpc_trace_verdict.h"
#include "facts/dpc_questions.h"

#include <errno.h>
#include <string.h>

/*
 * Described in header
 */
bool dpc_trace_input_iif(dpc_trace_state_t *t, char iif[IF_NAMESIZE])
{
	dpc_trace_result_t *res = t->res;
	dpc_ts_t ts;
	char a[DPC_ADDR_STRLEN];

	if (t->q->iif[0])
	{
		dpc_trace_fmt(iif, IF_NAMESIZE, "%s", t->q->iif);
		dpc_trace_fmt(res->iif, sizeof(res->iif), "%s", iif);
		if (!t->facts->link_exists(t->facts, iif, NULL))
		{
			dpc_trace_add_phase(t, "route", DPC_TRACE_UNKNOWN, "there is no "
								"interface %s on this gateway", iif);
			dpc_trace_unsure(t, "the input interface");
			dpc_trace_decide(t, DPC_TRACE_UNKNOWN, "there is no interface %s",
							 iif);
			return false;
		}
	}
	else if (!dpc_ts_from_prefix(&ts, t->src.family, t->src.a,
								 dpc_addr_len(t->src.family) * 8) ||
			 !dpc_lan_iif(t->facts, &ts, &t->src, iif))
	{
		dpc_trace_add_phase(t, "route", DPC_TRACE_UNKNOWN, "the interface "
							"packets from %s arrive on cannot be told; give "
							"the input interface",
							dpc_addr_to_str(&t->src, a, sizeof(a)));
		dpc_trace_unsure(t, "the input interface");
		dpc_trace_decide(t, DPC_TRACE_UNKNOWN, "the input interface cannot "
						 "be told; give it (iif)");
		return false;
	}
	dpc_trace_fmt(res->iif, sizeof(res->iif), "%s", iif);
	return true;
}

/*
 * Described in header
 */
bool dpc_trace_route(dpc_trace_state_t *t, const char *iif)
{
	dpc_route_query_t q;
	dpc_trace_phase_t *ph;
	char path[DPC_SYSCTL_LEN], name[DPC_SYSCTL_LEN];

	memset(&q, 0, sizeof(q));
	q.dst = t->dst;
	q.src = t->src;
	dpc_trace_fmt(q.iif, sizeof(q.iif), "%s", iif);
	if (!t->facts->route_get(t->facts, &q, &t->route))
	{
		dpc_trace_add_phase(t, "route", DPC_TRACE_UNKNOWN, "the kernel could "
							"not be asked for the route");
		dpc_trace_unsure(t, "the route (the kernel could not be asked)");
		dpc_trace_decide(t, DPC_TRACE_UNKNOWN, "the route cannot be told: "
						 "the kernel could not be asked");
		return false;
	}
	if (!dpc_route_fails(&t->route))
	{
		dpc_trace_add_phase(t, "route", DPC_TRACE_ALLOW, "%s", t->route.text);
		return true;
	}
	ph = dpc_trace_add_phase(t, "route", DPC_TRACE_DROP, "no route: %s",
							 t->route.text);
	if (t->route.error == EXDEV)
	{
		dpc_trace_detail_add(ph, " (the reverse path filter drops it: the "
							 "route back to the source does not use %s)",
							 iif);
	}
	else if (iif[0] && t->route.error == EHOSTUNREACH &&
			 !dpc_forwarding_on(t->facts, t->dst.family, iif, path,
								sizeof(path)))
	{
		dpc_trace_detail_add(ph, " (forwarding is off: %s = 0)",
							 dpc_sysctl_name(path, name, sizeof(name)));
	}
	dpc_trace_decide(t, DPC_TRACE_DROP, "dropped: no route (%s)",
					 t->route.text);
	return false;
}

/*
 * Described in header
 */
void dpc_trace_reverse_path(dpc_trace_state_t *t, const char *iif)
{
	dpc_route_query_t q;
	dpc_route_t back;

	memset(&q, 0, sizeof(q));
	q.dst = t->src;
	t->rpf_known = t->facts->route_get(t->facts, &q, &back) && !back.error;
	t->rpf_ok = t->rpf_known && dpc_streq(back.oif, iif);
}

/*
 * Described in header
 */
bool dpc_trace_route_local(const dpc_route_t *route)
{
	return route->type == DPC_RT_LOCAL || route->type == DPC_RT_BROADCAST;
}
