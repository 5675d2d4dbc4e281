/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_trace_types.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/** ICMP / ICMPv6 echo request and reply */
#define ICMP_ECHO 8
#define ICMP_ECHOREPLY 0
#define ICMPV6_ECHO 128
#define ICMPV6_ECHOREPLY 129

/*
 * Described in header
 */
const char *dpc_trace_verdict_name(dpc_trace_verdict_t verdict)
{
	switch (verdict)
	{
		case DPC_TRACE_ALLOW:
			return "allow";
		case DPC_TRACE_DROP:
			return "drop";
		case DPC_TRACE_REJECT:
			return "reject";
		case DPC_TRACE_NAT:
			return "nat";
		case DPC_TRACE_ENCRYPT:
			return "encrypt";
		case DPC_TRACE_CLEARTEXT:
			return "cleartext";
		case DPC_TRACE_UNKNOWN:
			break;
	}
	return "unknown";
}

/*
 * Described in header
 */
bool dpc_trace_has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
		   proto == IPPROTO_SCTP || proto == IPPROTO_UDPLITE ||
		   proto == IPPROTO_DCCP;
}

/*
 * Described in header
 */
bool dpc_trace_is_icmp(uint8_t proto)
{
	return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

/*
 * Described in header
 */
const char *dpc_trace_proto_name(uint8_t proto, char *buf, size_t len)
{
	switch (proto)
	{
		case IPPROTO_TCP:
			return "tcp";
		case IPPROTO_UDP:
			return "udp";
		case IPPROTO_SCTP:
			return "sctp";
		case IPPROTO_UDPLITE:
			return "udplite";
		case IPPROTO_DCCP:
			return "dccp";
		case IPPROTO_ICMP:
			return "icmp";
		case IPPROTO_ICMPV6:
			return "icmpv6";
		case IPPROTO_ESP:
			return "esp";
		case IPPROTO_AH:
			return "ah";
		case IPPROTO_GRE:
			return "gre";
		default:
			snprintf(buf, len, "%u", proto);
			return buf;
	}
}

/*
 * Described in header
 */
uint8_t dpc_trace_query_proto(const dpc_trace_query_t *q)
{
	if (q->proto)
	{
		return q->proto;
	}
	return q->src.family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
}

/*
 * Described in header
 */
uint16_t dpc_trace_query_sport(const dpc_trace_query_t *q)
{
	return q->sport ? q->sport : DPC_TRACE_EPHEMERAL_PORT;
}

/*
 * Described in header
 */
uint8_t dpc_trace_query_icmp_type(const dpc_trace_query_t *q)
{
	if (q->has_icmp_type)
	{
		return q->icmp_type;
	}
	if (q->state == DPC_TRACE_CT_REPLY)
	{
		return dpc_trace_query_proto(q) == IPPROTO_ICMPV6 ? ICMPV6_ECHOREPLY
														  : ICMP_ECHOREPLY;
	}
	return dpc_trace_query_proto(q) == IPPROTO_ICMPV6 ? ICMPV6_ECHO
													  : ICMP_ECHO;
}

/** names of the conntrack states, by dpc_trace_ct_t */
static const char *ct_names[] = { "new", "established", "reply" };

/*
 * Described in header
 */
const char *dpc_trace_ct_name(dpc_trace_ct_t ct)
{
	return (unsigned)ct < sizeof(ct_names) / sizeof(ct_names[0]) ?
			ct_names[ct] : "new";
}

/*
 * Described in header
 */
bool dpc_trace_ct_parse(const char *s, dpc_trace_ct_t *ct)
{
	size_t i;

	for (i = 0; i < sizeof(ct_names) / sizeof(ct_names[0]); i++)
	{
		if (strcmp(s, ct_names[i]) == 0)
		{
			*ct = i;
			return true;
		}
	}
	return false;
}
