/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * Readable rule renderings. Loads only record what a register holds; the
 * expressions consuming registers (cmp, lookup, range, nat, ...) print
 * "field value" pairs, much like nft's delinearization does.
 */

#include "nfsim_private.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

void nfsim_render_printf(nfsim_render_t *r, const char *fmt, ...)
{
	va_list args;
	int n;

	va_start(args, fmt);
	if (r->pos < r->len)
	{
		n = vsnprintf(r->buf + r->pos, r->len - r->pos, fmt, args);
	}
	else
	{
		n = vsnprintf(NULL, 0, fmt, args);
	}
	va_end(args);
	if (n > 0)
	{
		r->pos += n;
	}
}

void nfsim_render_space(nfsim_render_t *r)
{
	if (r->pos)
	{
		nfsim_render_printf(r, " ");
	}
}

nfsim_rdesc_t *nfsim_render_get(nfsim_render_t *r, uint8_t off)
{
	if (off >= NFSIM_REGS_LEN)
	{
		return NULL;
	}
	return &r->regs[off / 4];
}

void nfsim_render_forget(nfsim_render_t *r, uint8_t off, uint32_t len)
{
	uint32_t w;

	for (w = off / 4; w < (off + len + 3u) / 4 && w < NFSIM_REGS_LEN / 4; w++)
	{
		memset(&r->regs[w], 0, sizeof(r->regs[w]));
	}
}

void nfsim_render_desc(nfsim_render_t *r, uint8_t off, uint32_t len,
					   nfsim_vtype_t vt, const char *fmt, ...)
{
	nfsim_rdesc_t *d;
	va_list args;

	nfsim_render_forget(r, off, len);
	d = nfsim_render_get(r, off);
	if (!d)
	{
		return;
	}
	va_start(args, fmt);
	vsnprintf(d->name, sizeof(d->name), fmt, args);
	va_end(args);
	d->vt = vt;
	d->len = len;
}

const char *nfsim_proto_name(uint8_t proto)
{
	switch (proto)
	{
		case IPPROTO_ICMP:
			return "icmp";
		case IPPROTO_IGMP:
			return "igmp";
		case IPPROTO_TCP:
			return "tcp";
		case IPPROTO_UDP:
			return "udp";
		case IPPROTO_IPV6:
			return "ipv6";
		case IPPROTO_GRE:
			return "gre";
		case IPPROTO_ESP:
			return "esp";
		case IPPROTO_AH:
			return "ah";
		case IPPROTO_ICMPV6:
			return "ipv6-icmp";
		case IPPROTO_SCTP:
			return "sctp";
		case IPPROTO_UDPLITE:
			return "udplite";
		case IPPROTO_COMP:
			return "comp";
		case IPPROTO_DCCP:
			return "dccp";
		default:
			return NULL;
	}
}

void nfsim_render_addr(nfsim_render_t *r, uint8_t family, const uint8_t *addr)
{
	char buf[INET6_ADDRSTRLEN];

	if (inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, addr, buf,
				  sizeof(buf)))
	{
		nfsim_render_printf(r, "%s", buf);
	}
}

/**
 * A host order integer of 1, 2, 4 or 8 bytes.
 */
static uint64_t host_uint(const uint8_t *d, uint32_t len)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	switch (len)
	{
		case 1:
			memcpy(&u8, d, 1);
			return u8;
		case 2:
			memcpy(&u16, d, 2);
			return u16;
		case 8:
			memcpy(&u64, d, 8);
			return u64;
		default:
			memcpy(&u32, d, 4);
			return u32;
	}
}

/**
 * A big endian integer.
 */
static uint64_t be_uint(const uint8_t *d, uint32_t len)
{
	uint64_t v = 0;
	uint32_t i;

	for (i = 0; i < len && i < 8; i++)
	{
		v = (v << 8) | d[i];
	}
	return v;
}

/**
 * Names of bits, joined by ",".
 */
static void bits(nfsim_render_t *r, uint32_t v, const char *const *names,
				 unsigned count)
{
	bool first = true;
	unsigned i;

	for (i = 0; i < count && i < 32; i++)
	{
		if ((v & (1u << i)) && names[i])
		{
			nfsim_render_printf(r, "%s%s", first ? "" : ",", names[i]);
			first = false;
			v &= ~(1u << i);
		}
	}
	if (v || first)
	{
		nfsim_render_printf(r, "%s0x%x", first ? "" : ",", v);
	}
}

/**
 * ICMP type names nft uses.
 */
static const char *icmp_name(uint8_t type, bool v6)
{
	if (v6)
	{
		switch (type)
		{
			case 1:
				return "destination-unreachable";
			case 2:
				return "packet-too-big";
			case 3:
				return "time-exceeded";
			case 4:
				return "parameter-problem";
			case 128:
				return "echo-request";
			case 129:
				return "echo-reply";
			case 133:
				return "nd-router-solicit";
			case 134:
				return "nd-router-advert";
			case 135:
				return "nd-neighbor-solicit";
			case 136:
				return "nd-neighbor-advert";
			default:
				return NULL;
		}
	}
	switch (type)
	{
		case 0:
			return "echo-reply";
		case 3:
			return "destination-unreachable";
		case 5:
			return "redirect";
		case 8:
			return "echo-request";
		case 11:
			return "time-exceeded";
		case 12:
			return "parameter-problem";
		default:
			return NULL;
	}
}

/**
 * Append a value of a type given by names (of states, bits, ICMP types,
 * ...).
 *
 * @return			false if vt is not such a type
 */
static bool render_named(nfsim_render_t *r, nfsim_vtype_t vt,
						 const uint8_t *d, uint32_t len)
{
	static const char *const ctstate[] = {
		"invalid", "established", "related", "new", NULL, NULL, "untracked",
	};
	static const char *const ctstatus[] = {
		"expected", "seen-reply", "assured", "confirmed", "snat", "dnat",
		"dying",
	};
	static const char *const tcpflags[] = {
		"fin", "syn", "rst", "psh", "ack", "urg", "ecn", "cwr",
	};
	static const char *const addrtypes[] = {
		"unspec", "unicast", "local", "broadcast", "anycast", "multicast",
		"blackhole", "unreachable", "prohibit",
	};
	static const char *const pkttypes[] = {
		"host", "broadcast", "multicast", "other",
	};
	uint64_t v;

	switch (vt)
	{
		case NFSIM_VT_CTSTATE:
			bits(r, host_uint(d, len), ctstate, 7);
			return true;
		case NFSIM_VT_CTSTATUS:
			bits(r, host_uint(d, len), ctstatus, 7);
			return true;
		case NFSIM_VT_TCPFLAGS:
			bits(r, d[0], tcpflags, 8);
			return true;
		case NFSIM_VT_CTDIR:
			nfsim_render_printf(r, "%s", d[0] ? "reply" : "original");
			return true;
		case NFSIM_VT_BOOL:
			nfsim_render_printf(r, "%s", d[0] ? "exists" : "missing");
			return true;
		case NFSIM_VT_NFPROTO:
			nfsim_render_printf(r, "%s", d[0] == NFPROTO_IPV4 ? "ipv4" :
								(d[0] == NFPROTO_IPV6 ? "ipv6" : "?"));
			return true;
		case NFSIM_VT_ETHER:
			v = be_uint(d, len);
			if (v == 0x0800 || v == 0x86dd)
			{
				nfsim_render_printf(r, "%s", v == 0x0800 ? "ip" : "ip6");
			}
			else
			{
				nfsim_render_printf(r, "0x%04" PRIx64, v);
			}
			return true;
		case NFSIM_VT_ADDRTYPE:
			v = host_uint(d, len);
			nfsim_render_printf(r, "%s", v < 9 ? addrtypes[v] : "?");
			return true;
		case NFSIM_VT_PKTTYPE:
			nfsim_render_printf(r, "%s", d[0] < 4 ? pkttypes[d[0]] : "?");
			return true;
		default:
			return false;
	}
}

/**
 * Append an ICMP or ICMPv6 type, with the code if loaded together
 * ("type X icmp code Y").
 */
static void render_icmp(nfsim_render_t *r, bool v6, bool code,
						const uint8_t *d, uint32_t len)
{
	const char *name = icmp_name(d[0], v6);

	if (name)
	{
		nfsim_render_printf(r, "%s", name);
	}
	else
	{
		nfsim_render_printf(r, "%u", d[0]);
	}
	if (code && len > 1)
	{
		nfsim_render_printf(r, " %s code %u", v6 ? "icmpv6" : "icmp", d[1]);
	}
}

void nfsim_render_value(nfsim_render_t *r, nfsim_vtype_t vt,
						const uint8_t *d, uint32_t len)
{
	uint8_t a[16] = {0};
	const char *name;
	uint32_t i;

	if (len == 0 || render_named(r, vt, d, len))
	{
		return;
	}
	switch (vt)
	{
		case NFSIM_VT_IPV4:
		case NFSIM_VT_IPV6:
			memcpy(a, d, len < 16 ? len : 16);
			nfsim_render_addr(r, vt == NFSIM_VT_IPV6 ? AF_INET6 : AF_INET, a);
			return;
		case NFSIM_VT_PORT:
		case NFSIM_VT_BE_DEC:
			nfsim_render_printf(r, "%" PRIu64, be_uint(d, len));
			return;
		case NFSIM_VT_PROTO:
			name = nfsim_proto_name(d[0]);
			if (name)
			{
				nfsim_render_printf(r, "%s", name);
			}
			else
			{
				nfsim_render_printf(r, "%u", d[0]);
			}
			return;
		case NFSIM_VT_IFNAME:
			for (i = 0; i < len && d[i]; i++)
			{
			}
			nfsim_render_printf(r, "\"%.*s%s\"", (int)i, (const char*)d,
								i == len ? "*" : "");
			return;
		case NFSIM_VT_DEC:
			nfsim_render_printf(r, "%" PRIu64, host_uint(d, len));
			return;
		case NFSIM_VT_HEX:
			if (len <= 8)
			{
				nfsim_render_printf(r, "0x%08" PRIx64, host_uint(d, len));
				return;
			}
			break;
		case NFSIM_VT_ICMP:
		case NFSIM_VT_ICMP6:
		case NFSIM_VT_ICMP_TC:
		case NFSIM_VT_ICMP6_TC:
			render_icmp(r, vt == NFSIM_VT_ICMP6 || vt == NFSIM_VT_ICMP6_TC,
						vt == NFSIM_VT_ICMP_TC || vt == NFSIM_VT_ICMP6_TC,
						d, len);
			return;
		default:
			break;
	}
	nfsim_render_printf(r, "0x");
	for (i = 0; i < len; i++)
	{
		nfsim_render_printf(r, "%02x", d[i]);
	}
}

void nfsim_render_regname(nfsim_render_t *r, uint8_t off, uint32_t len)
{
	uint32_t done = 0;
	bool first = true;

	while (done < len && off + done < NFSIM_REGS_LEN)
	{
		const nfsim_rdesc_t *d = &r->regs[(off + done) / 4];

		nfsim_render_printf(r, "%s", first ? "" : " . ");
		first = false;
		if (d->name[0])
		{
			nfsim_render_printf(r, "%s", d->name);
			done += d->len ? (d->len + 3u) & ~3u : 4;
		}
		else
		{
			nfsim_render_printf(r, "[reg32 %u]", (off + done) / 4 - 4);
			done += 4;
		}
	}
}

void nfsim_render_key(nfsim_render_t *r, uint8_t off, const uint8_t *data,
					  uint32_t len)
{
	uint32_t done = 0, n;
	bool first = true;

	while (done < len)
	{
		const nfsim_rdesc_t *d = off + done < NFSIM_REGS_LEN ?
								 &r->regs[(off + done) / 4] : NULL;

		nfsim_render_printf(r, "%s", first ? "" : " . ");
		first = false;
		if (d && d->name[0] && d->len)
		{
			n = d->len < len - done ? d->len : len - done;
			nfsim_render_value(r, d->vt, data + done, n);
			done += (d->len + 3u) & ~3u;
		}
		else
		{
			n = len - done < 4 ? len - done : 4;
			nfsim_render_value(r, NFSIM_VT_RAW, data + done, n);
			done += 4;
		}
	}
}

void nfsim_render_verdict(nfsim_render_t *r, const nfsim_verdict_data_t *v)
{
	const char *chain = v->chain_name ? v->chain_name : "?";

	switch (v->code)
	{
		case NF_ACCEPT:
			nfsim_render_printf(r, "%s", r->legacy ? "-j ACCEPT" : "accept");
			break;
		case NF_DROP:
			nfsim_render_printf(r, "%s", r->legacy ? "-j DROP" : "drop");
			break;
		case NF_QUEUE:
			nfsim_render_printf(r, "%s", r->legacy ? "-j QUEUE" : "queue");
			break;
		case NFT_CONTINUE:
			nfsim_render_printf(r, "%s", r->legacy ? "" : "continue");
			break;
		case NFT_BREAK:
			nfsim_render_printf(r, "break");
			break;
		case NFT_RETURN:
			nfsim_render_printf(r, "%s", r->legacy ? "-j RETURN" : "return");
			break;
		case NFT_JUMP:
			nfsim_render_printf(r, r->legacy ? "-j %s" : "jump %s", chain);
			break;
		case NFT_GOTO:
			nfsim_render_printf(r, r->legacy ? "-g %s" : "goto %s", chain);
			break;
		case NFSIM_V_REJECT:
			nfsim_render_printf(r, "%s", r->legacy ? "-j REJECT" : "reject");
			break;
		default:
			nfsim_render_printf(r, "verdict %d", v->code);
			break;
	}
}

/**
 * Set up a rendering of a rule.
 */
static void render_init(nfsim_render_t *r, const nfsim_rule_t *rule,
						char *buf, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->buf = buf;
	r->len = len;
	r->table_family = rule->chain->table->family;
	r->family = r->table_family;
	if (r->family == NFPROTO_INET || r->family == NFPROTO_NETDEV)
	{
		r->family = NFPROTO_IPV4;
	}
	r->legacy = rule->chain->table->backend == NFSIM_BACKEND_LEGACY;
	if (len)
	{
		buf[0] = '\0';
	}
}

char *nfsim_rule_format(const nfsim_rule_t *rule, char *buf, size_t len)
{
	nfsim_render_t r;
	size_t i;

	render_init(&r, rule, buf, len);
	for (i = 0; i < rule->nexprs; i++)
	{
		rule->exprs[i]->ops->render(rule->exprs[i], &r);
	}
	if (rule->comment)
	{
		nfsim_render_space(&r);
		nfsim_render_printf(&r, r.legacy ? "/* %s */" : "comment \"%s\"",
							rule->comment);
	}
	return buf;
}

void nfsim_expr_format(const nfsim_rule_t *rule, const nfsim_expr_t *expr,
					   char *buf, size_t len)
{
	nfsim_render_t r;
	size_t i;

	if (!rule || !expr)
	{
		if (len)
		{
			buf[0] = '\0';
		}
		return;
	}
	/* render what precedes it without output to learn the registers */
	render_init(&r, rule, NULL, 0);
	for (i = 0; i < rule->nexprs && rule->exprs[i] != expr; i++)
	{
		rule->exprs[i]->ops->render(rule->exprs[i], &r);
	}
	r.buf = buf;
	r.len = len;
	r.pos = 0;
	if (len)
	{
		buf[0] = '\0';
	}
	expr->ops->render(expr, &r);
	if (r.pos == 0)
	{
		nfsim_render_printf(&r, "%s", expr->ops->name);
	}
}

char *nfsim_rule_where(const nfsim_rule_t *rule, char *buf, size_t len)
{
	const nfsim_chain_t *c = rule->chain;
	const nfsim_table_t *t = c->table;

	if (t->backend == NFSIM_BACKEND_LEGACY)
	{
		snprintf(buf, len, "%s %s %s #%u",
				 t->family == NFPROTO_IPV6 ? "ip6tables-legacy"
										   : "iptables-legacy",
				 t->name, c->name, rule->position);
	}
	else
	{
		snprintf(buf, len, "%s %s %s handle %" PRIu64,
				 nfsim_family_name(t->family), t->name, c->name, rule->handle);
	}
	return buf;
}
