/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_trace_msg.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/**
 * Parse a decimal number up to max, strictly.
 */
static bool parse_num(const char *s, unsigned long max, unsigned long *val)
{
	unsigned long v = 0;

	if (!*s)
	{
		return false;
	}
	for (; *s; s++)
	{
		if (*s < '0' || *s > '9')
		{
			return false;
		}
		v = v * 10 + (*s - '0');
		if (v > max)
		{
			return false;
		}
	}
	*val = v;
	return true;
}

/**
 * Copy a name for an error message, printable characters only.
 */
static const char *printable(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < len; i++)
	{
		buf[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	}
	buf[i] = '\0';
	return buf;
}

/**
 * Parse a protocol name or number.
 */
static bool parse_proto(const char *s, uint8_t family, uint8_t *proto)
{
	unsigned long v;

	if (!strcmp(s, "tcp"))
	{
		*proto = IPPROTO_TCP;
	}
	else if (!strcmp(s, "udp"))
	{
		*proto = IPPROTO_UDP;
	}
	else if (!strcmp(s, "sctp"))
	{
		*proto = IPPROTO_SCTP;
	}
	else if (!strcmp(s, "icmp") || !strcmp(s, "icmpv6") ||
			 !strcmp(s, "ipv6-icmp"))
	{	/* the family says which ICMP is meant */
		*proto = family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	}
	else if (parse_num(s, 255, &v))
	{
		*proto = v;
	}
	else
	{
		return false;
	}
	return true;
}

/**
 * Is an interface name acceptable?
 */
static bool valid_ifname(const char *s)
{
	size_t i, len = strlen(s);

	if (!len || len >= IF_NAMESIZE || !strcmp(s, ".") || !strcmp(s, ".."))
	{
		return false;
	}
	for (i = 0; i < len; i++)
	{
		if (s[i] <= 0x20 || s[i] >= 0x7f || s[i] == '/' || s[i] == ':')
		{
			return false;
		}
	}
	return true;
}

/**
 * Keys of a request.
 */
typedef enum {
	KEY_SRC,
	KEY_DST,
	KEY_PROTO,
	KEY_SPORT,
	KEY_DPORT,
	KEY_TYPE,
	KEY_IIF,
	KEY_STATE,
	KEY_COUNT,
} request_key_t;

/** names of the keys */
static const char *keys[KEY_COUNT] = {
	"src", "dst", "proto", "sport", "dport", "type", "iif", "state",
};

/**
 * Collect the values of a request, each key at most once.
 */
static bool collect(const dpc_vici_node_t *req, const char *val[KEY_COUNT],
					char *err, size_t len)
{
	const dpc_vici_node_t *n;
	char name[40];
	size_t i;

	for (n = req->first; n; n = n->next)
	{
		for (i = 0; i < KEY_COUNT && strcmp(n->name, keys[i]); i++)
		{
			/* find the key */
		}
		if (i == KEY_COUNT)
		{
			snprintf(err, len, "unknown key '%s' (trace takes src, dst, "
					 "proto, sport, dport, type, iif and state)",
					 printable(n->name, name, sizeof(name)));
			return false;
		}
		if (n->type != DPC_VICI_NODE_KV)
		{
			snprintf(err, len, "'%s' must be a key/value", keys[i]);
			return false;
		}
		if (val[i])
		{
			snprintf(err, len, "'%s' given more than once", keys[i]);
			return false;
		}
		if (strlen(n->value) != n->len)
		{
			snprintf(err, len, "'%s' contains a NUL byte", keys[i]);
			return false;
		}
		val[i] = n->value;
	}
	return true;
}

/**
 * Parse source and destination, of one family.
 */
static bool parse_addrs(const char *val[KEY_COUNT], dpc_trace_query_t *q,
						char *err, size_t len)
{
	char name[40];

	if (!val[KEY_SRC] || !dpc_addr_parse(&q->src, val[KEY_SRC]))
	{
		snprintf(err, len, val[KEY_SRC] ? "src '%s' is not an IPv4 or IPv6 "
				 "address" : "trace needs a source address (src)",
				 val[KEY_SRC] ? printable(val[KEY_SRC], name, sizeof(name))
							  : "");
		return false;
	}
	if (!val[KEY_DST] || !dpc_addr_parse(&q->dst, val[KEY_DST]))
	{
		snprintf(err, len, val[KEY_DST] ? "dst '%s' is not an IPv4 or IPv6 "
				 "address" : "trace needs a destination address (dst)",
				 val[KEY_DST] ? printable(val[KEY_DST], name, sizeof(name))
							  : "");
		return false;
	}
	if (q->src.family != q->dst.family)
	{
		snprintf(err, len, "src and dst must both be IPv4 or both IPv6");
		return false;
	}
	return true;
}

/**
 * Parse one port (1-65535).
 */
static bool parse_port(const char *key, const char *s, uint16_t *port,
					   char *err, size_t len)
{
	unsigned long v;
	char name[40];

	if (!parse_num(s, 65535, &v) || !v)
	{
		snprintf(err, len, "%s '%s' is not a port (1-65535)", key,
				 printable(s, name, sizeof(name)));
		return false;
	}
	*port = v;
	return true;
}

/**
 * Parse the protocol and its ports.
 */
static bool parse_proto_ports(const char *val[KEY_COUNT], dpc_trace_query_t *q,
							  char *err, size_t len)
{
	char name[40], p[8];

	/* ICMP of the family unless given ("0" too) */
	q->proto = dpc_trace_query_proto(q);
	if (val[KEY_PROTO] &&
		!parse_proto(val[KEY_PROTO], q->src.family, &q->proto))
	{
		snprintf(err, len, "unknown protocol '%s' (tcp, udp, sctp, icmp, "
				 "icmpv6 or a number 0-255)",
				 printable(val[KEY_PROTO], name, sizeof(name)));
		return false;
	}
	q->proto = dpc_trace_query_proto(q);
	if ((val[KEY_SPORT] || val[KEY_DPORT]) && !dpc_trace_has_ports(q->proto))
	{
		snprintf(err, len, "ports only apply to tcp, udp and sctp, not to %s",
				 dpc_trace_proto_name(q->proto, p, sizeof(p)));
		return false;
	}
	if (val[KEY_SPORT] &&
		!parse_port("sport", val[KEY_SPORT], &q->sport, err, len))
	{
		return false;
	}
	if (val[KEY_DPORT])
	{
		return parse_port("dport", val[KEY_DPORT], &q->dport, err, len);
	}
	if (dpc_trace_has_ports(q->proto))
	{
		snprintf(err, len, "%s needs a destination port (dport)",
				 dpc_trace_proto_name(q->proto, p, sizeof(p)));
		return false;
	}
	return true;
}

/**
 * Parse an ICMP type, "type" or "type/code".
 */
static bool parse_type(const char *s, dpc_trace_query_t *q, char *err,
					   size_t len)
{
	unsigned long v, code = 0;
	const char *slash;
	char name[40];

	if (!dpc_trace_is_icmp(q->proto))
	{
		snprintf(err, len, "an ICMP type only applies to icmp and icmpv6");
		return false;
	}
	slash = strchr(s, '/');
	if (slash && (size_t)(slash - s) < sizeof(name))
	{
		snprintf(name, sizeof(name), "%.*s", (int)(slash - s), s);
	}
	else
	{
		name[0] = '\0';
	}
	if (slash ? !parse_num(name, 255, &v) || !parse_num(slash + 1, 255, &code)
			  : !parse_num(s, 255, &v))
	{
		snprintf(err, len, "type '%s' is not an ICMP type (0-255, or "
				 "type/code)", printable(s, name, sizeof(name)));
		return false;
	}
	q->has_icmp_type = true;
	q->icmp_type = v;
	q->icmp_code = code;
	return true;
}

/*
 * Described in header
 */
bool dpc_trace_msg_parse(const dpc_vici_node_t *req, dpc_trace_query_t *q,
						 char *err, size_t len)
{
	const char *val[KEY_COUNT] = { NULL };
	char name[40];

	memset(q, 0, sizeof(*q));
	snprintf(err, len, "invalid request");
	if (!req || req->type != DPC_VICI_NODE_SECTION ||
		!collect(req, val, err, len) || !parse_addrs(val, q, err, len) ||
		!parse_proto_ports(val, q, err, len) ||
		(val[KEY_TYPE] && !parse_type(val[KEY_TYPE], q, err, len)))
	{
		return false;
	}
	if (val[KEY_STATE] && !dpc_trace_ct_parse(val[KEY_STATE], &q->state))
	{
		snprintf(err, len, "state '%s' is not new, established or reply",
				 printable(val[KEY_STATE], name, sizeof(name)));
		return false;
	}
	if (val[KEY_IIF])
	{
		if (!valid_ifname(val[KEY_IIF]))
		{
			snprintf(err, len, "iif '%s' is not an interface name",
					 printable(val[KEY_IIF], name, sizeof(name)));
			return false;
		}
		snprintf(q->iif, sizeof(q->iif), "%s", val[KEY_IIF]);
	}
	if (len)
	{
		err[0] = '\0';
	}
	return true;
}

/*
 * Described in header
 */
bool dpc_trace_msg_report(const dpc_trace_query_t *q,
						  const dpc_trace_result_t *res, uint8_t **msg,
						  size_t *len)
{
	dpc_vici_builder_t b;
	const dpc_trace_phase_t *ph;
	char a[DPC_ADDR_STRLEN], idx[16], p[8];
	uint8_t proto = dpc_trace_query_proto(q);
	int i;

	dpc_vici_builder_init(&b);
	dpc_vici_add_kv_str(&b, "success", "yes");
	dpc_vici_add_kv_str(&b, "src", dpc_addr_to_str(&q->src, a, sizeof(a)));
	dpc_vici_add_kv_str(&b, "dst", dpc_addr_to_str(&q->dst, a, sizeof(a)));
	dpc_vici_add_kv_str(&b, "proto", dpc_trace_proto_name(proto, p, sizeof(p)));
	if (dpc_trace_has_ports(proto))
	{
		dpc_vici_add_kvf(&b, "sport", "%u", dpc_trace_query_sport(q));
		dpc_vici_add_kvf(&b, "dport", "%u", q->dport);
	}
	if (dpc_trace_is_icmp(proto))
	{
		dpc_vici_add_kvf(&b, "icmp_type", "%u", dpc_trace_query_icmp_type(q));
		dpc_vici_add_kvf(&b, "icmp_code", "%u",
						 q->has_icmp_type ? q->icmp_code : 0);
	}
	dpc_vici_add_kv_str(&b, "state", dpc_trace_ct_name(q->state));
	dpc_vici_add_kv(&b, "conntrack", res->conntrack,
					strnlen(res->conntrack, sizeof(res->conntrack)));
	dpc_vici_add_kv(&b, "path", res->path, strnlen(res->path,
												   sizeof(res->path)));
	dpc_vici_add_kv(&b, "iif", res->iif, strnlen(res->iif, sizeof(res->iif)));
	dpc_vici_add_kv(&b, "oif", res->oif, strnlen(res->oif, sizeof(res->oif)));
	dpc_vici_add_kv_str(&b, "decrypted", res->decrypted ? "yes" : "no");
	dpc_vici_add_kv_str(&b, "verdict", dpc_trace_verdict_name(res->verdict));
	dpc_vici_add_kv_str(&b, "certain", res->certain ? "yes" : "no");
	dpc_vici_add_kv(&b, "summary", res->summary,
					strnlen(res->summary, sizeof(res->summary)));
	/* empty if no CHILD_SA is concerned */
	dpc_vici_begin_section(&b, "child");
	if (res->has_child)
	{
		dpc_vici_add_kv(&b, "ike", res->ike_name,
						strnlen(res->ike_name, sizeof(res->ike_name)));
		dpc_vici_add_kvf(&b, "ike_id", "%u", res->ike_id);
		dpc_vici_add_kv(&b, "child", res->child_name,
						strnlen(res->child_name, sizeof(res->child_name)));
		dpc_vici_add_kvf(&b, "child_id", "%u", res->child_id);
		dpc_vici_add_kvf(&b, "reqid", "%u", res->reqid);
		dpc_vici_add_kv_str(&b, "landed", res->landed ? "yes" : "no");
	}
	dpc_vici_end_section(&b);
	dpc_vici_begin_section(&b, "phases");
	for (i = 0; i < res->count && i < DPC_TRACE_MAX_PHASES; i++)
	{
		ph = &res->phases[i];
		snprintf(idx, sizeof(idx), "%d", i);
		dpc_vici_begin_section(&b, idx);
		dpc_vici_add_kv(&b, "phase", ph->name,
						strnlen(ph->name, sizeof(ph->name)));
		dpc_vici_add_kv_str(&b, "verdict",
							dpc_trace_verdict_name(ph->verdict));
		dpc_vici_add_kv(&b, "detail", ph->detail,
						strnlen(ph->detail, sizeof(ph->detail)));
		if (ph->rule_where[0])
		{
			dpc_vici_add_kv(&b, "rule_where", ph->rule_where,
							strnlen(ph->rule_where, sizeof(ph->rule_where)));
		}
		if (ph->rule[0])
		{
			dpc_vici_add_kv(&b, "rule", ph->rule,
							strnlen(ph->rule, sizeof(ph->rule)));
		}
		dpc_vici_end_section(&b);
	}
	dpc_vici_end_section(&b);
	return dpc_vici_builder_finish(&b, msg, len);
}
