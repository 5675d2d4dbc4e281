/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_trace_rpf.h"
#include "dpc_trace_verdict.h"
#include "facts/dpc_questions.h"
#include "facts/rtnl/dpc_rtnl_parse.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

/**
 * Does the device drop the secpath of what it decrypts (VTI)?
 */
static bool scrubbing(dpc_trace_state_t *t, const char *iif)
{
	const dpc_link_t *links;
	size_t i, n;

	n = t->facts->get_links(t->facts, &links);
	for (i = 0; i < n; i++)
	{
		if (dpc_streq(links[i].name, iif))
		{
			return dpc_streq(links[i].kind, "vti");
		}
	}
	return false;
}

/*
 * Described in header
 */
bool dpc_trace_rp_filter(dpc_trace_state_t *t, const char *iif)
{
	dpc_route_query_t q;
	dpc_route_t route, back;
	char src[DPC_ADDR_STRLEN];
	int all, dev, mode;
	bool drop;

	if (t->src.family != AF_INET || !iif[0])
	{	/* IPv6 has no rp_filter sysctl (only netfilter's rpfilter) */
		return true;
	}
	mode = dpc_rp_filter(t->facts, iif, &all, &dev);
	if (!mode)
	{
		return true;
	}
	dpc_addr_to_str(&t->src, src, sizeof(src));
	if (t->res->decrypted && !scrubbing(t, iif) &&
		t->facts->get_dataplane(t->facts) == DPC_DATAPLANE_XFRM)
	{
		dpc_trace_add_phase(t, "rp_filter", DPC_TRACE_ALLOW, "skipped: "
							"decrypted by XFRM, the secpath exempts it "
							"(rp_filter %d on %s)", mode, iif);
		return true;
	}
	/* the way back, as the kernel's check looks it up */
	memset(&q, 0, sizeof(q));
	q.dst = t->src;
	memset(&back, 0, sizeof(back));
	t->facts->route_get(t->facts, &q, &back);
	/* the packet itself: the kernel runs the check for this question */
	q.dst = t->dst;
	q.src = t->src;
	dpc_trace_fmt(q.iif, sizeof(q.iif), "%s", iif);
	if (!t->facts->route_get(t->facts, &q, &route))
	{
		return true;
	}
	drop = route.error == EXDEV ||
		   (route.error == EINVAL &&
			(back.error || dpc_route_fails(&back) ||
			 (mode == 1 && !dpc_streq(back.oif, iif))));
	if (drop)
	{
		dpc_trace_add_phase(t, "rp_filter", DPC_TRACE_DROP, "%s mode "
							"(net.ipv4.conf.all.rp_filter = %d, "
							"net.ipv4.conf.%s.rp_filter = %d): the route back "
							"to %s %s%s", mode == 1 ? "strict" : "loose", all,
							iif, dev, src,
							back.oif[0] ? "leaves via " : "is missing",
							back.oif);
		dpc_trace_decide(t, DPC_TRACE_DROP, "dropped by the reverse path "
						 "filter on %s", iif);
		return false;
	}
	dpc_trace_add_phase(t, "rp_filter", DPC_TRACE_ALLOW, "%s mode passes it: "
						"the route back to %s is %s", mode == 1 ? "strict"
															: "loose",
						src, back.text[0] ? back.text : "unknown");
	return true;
}
