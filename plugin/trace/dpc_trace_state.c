/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_trace_state.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/*
 * Described in header
 */
void dpc_trace_fmt(char *buf, size_t len, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	if (vsnprintf(buf, len, format, args) < 0 && len)
	{
		buf[0] = '\0';
	}
	va_end(args);
}

/*
 * Described in header
 */
void dpc_trace_append(char *buf, size_t len, const char *format, ...)
{
	size_t used = strlen(buf);
	va_list args;

	if (used + 1 >= len)
	{
		return;
	}
	va_start(args, format);
	if (vsnprintf(buf + used, len - used, format, args) < 0)
	{
		buf[used] = '\0';
	}
	va_end(args);
}

/*
 * Described in header
 */
char *dpc_trace_addr_port(const dpc_addr_t *addr, uint16_t port,
						  bool with_port, char *buf, size_t len)
{
	char a[DPC_ADDR_STRLEN];

	dpc_addr_to_str(addr, a, sizeof(a));
	if (!with_port)
	{
		dpc_trace_fmt(buf, len, "%s", a);
	}
	else if (addr->family == AF_INET6)
	{
		dpc_trace_fmt(buf, len, "[%s]:%u", a, port);
	}
	else
	{
		dpc_trace_fmt(buf, len, "%s:%u", a, port);
	}
	return buf;
}

/**
 * Describe the packet: "tcp 10.1.0.5:32768 -> 10.2.0.1:443".
 */
static void describe(dpc_trace_state_t *t)
{
	char s[DPC_ADDR_STRLEN + 8], d[DPC_ADDR_STRLEN + 8], p[8];
	bool ports = dpc_trace_has_ports(t->proto);

	dpc_trace_fmt(t->desc, sizeof(t->desc), "%s %s -> %s",
				  dpc_trace_proto_name(t->proto, p, sizeof(p)),
				  dpc_trace_addr_port(&t->src, t->sport, ports, s, sizeof(s)),
				  dpc_trace_addr_port(&t->dst, t->dport, ports, d, sizeof(d)));
	if (dpc_trace_is_icmp(t->proto) && t->q->has_icmp_type)
	{
		dpc_trace_append(t->desc, sizeof(t->desc), " type %u code %u",
						 t->icmp_type, t->icmp_code);
	}
	else if (dpc_trace_is_icmp(t->proto))
	{
		dpc_trace_append(t->desc, sizeof(t->desc), " %s",
						 t->q->state == DPC_TRACE_CT_REPLY ? "echo-reply"
														   : "echo-request");
	}
	if (t->q->state != DPC_TRACE_CT_NEW)
	{
		dpc_trace_append(t->desc, sizeof(t->desc), " (%s)",
						 dpc_trace_ct_name(t->q->state));
	}
}

/*
 * Described in header
 */
void dpc_trace_state_init(dpc_trace_state_t *t, const dpc_trace_query_t *q,
						  dpc_facts_t *facts, const dpc_tunnels_t *tunnels,
						  dpc_trace_result_t *res)
{
	memset(t, 0, sizeof(*t));
	memset(res, 0, sizeof(*res));
	res->certain = true;
	t->q = q;
	t->res = res;
	t->facts = facts;
	t->tunnels = tunnels;
	t->xfrm = facts->get_dataplane(facts) == DPC_DATAPLANE_XFRM;
	t->rs = facts->get_ruleset(facts);
	t->src = q->src;
	t->dst = q->dst;
	t->src.port = t->dst.port = 0;
	t->proto = dpc_trace_query_proto(q);
	if (dpc_trace_has_ports(t->proto))
	{
		t->sport = dpc_trace_query_sport(q);
		t->dport = q->dport;
	}
	if (dpc_trace_is_icmp(t->proto))
	{
		t->icmp_type = dpc_trace_query_icmp_type(q);
		t->icmp_code = q->has_icmp_type ? q->icmp_code : 0;
	}
	/* a new connection is NATed by what the hooks it passes do; how an
	 * established one started is not known */
	t->ct_src_nat = t->ct_dst_nat = q->state == DPC_TRACE_CT_NEW ?
									NFSIM_NO : NFSIM_UNKNOWN;
	describe(t);
}
