/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_xfrm_spd.h"
#include "model/dpc_bulk.h"
#include "dpc_xfrm_attr.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/xfrm.h>

/** first allocation of the policy table */
#define SPD_MIN 32

/**
 * Bytes of an address of a family.
 */
static size_t addr_len(uint8_t family)
{
	return family == AF_INET ? 4 : 16;
}

/**
 * Copy the templates of an XFRMA_TMPL attribute.
 */
static void take_tmpls(const uint8_t *p, size_t plen, dpc_xfrm_policy_t *pol)
{
	struct xfrm_user_tmpl ut;
	dpc_xfrm_tmpl_t *t;
	size_t n, i;

	n = plen / sizeof(ut);
	for (i = 0; i < n; i++)
	{
		if (pol->n_tmpls >= DPC_XFRM_MAX_TMPLS)
		{
			pol->tmpls_dropped++;
			continue;
		}
		memcpy(&ut, p + i * sizeof(ut), sizeof(ut));
		t = &pol->tmpls[pol->n_tmpls++];
		memset(t, 0, sizeof(*t));
		t->family = ut.family == AF_INET6 ? AF_INET6 : AF_INET;
		t->proto = ut.id.proto;
		t->mode = ut.mode;
		t->optional = ut.optional;
		t->reqid = ut.reqid;
		t->spi = ut.id.spi;
		memcpy(t->dst, &ut.id.daddr, addr_len(t->family));
		memcpy(t->src, &ut.saddr, addr_len(t->family));
	}
}

/**
 * Take the attributes we need: templates, mark, interface id, type.
 */
static bool parse_attrs(const uint8_t *p, size_t len, dpc_xfrm_policy_t *pol)
{
	struct xfrm_userpolicy_type type;
	struct xfrm_mark mark;
	dpc_xfrm_attr_iter_t it;
	const uint8_t *data;
	uint16_t atype;
	size_t plen;

	dpc_xfrm_attr_init(&it, p, len);
	while (dpc_xfrm_attr_next(&it, &atype, &data, &plen))
	{
		switch (atype)
		{
			case XFRMA_TMPL:
				if (plen % sizeof(struct xfrm_user_tmpl))
				{
					return false;
				}
				take_tmpls(data, plen, pol);
				break;
			case XFRMA_MARK:
				if (plen < sizeof(mark))
				{
					return false;
				}
				memcpy(&mark, data, sizeof(mark));
				pol->mark_value = mark.v;
				pol->mark_mask = mark.m;
				break;
			case XFRMA_IF_ID:
				if (plen < sizeof(pol->if_id))
				{
					return false;
				}
				memcpy(&pol->if_id, data, sizeof(pol->if_id));
				break;
			case XFRMA_POLICY_TYPE:
				if (plen < sizeof(type))
				{
					return false;
				}
				memcpy(&type, data, sizeof(type));
				pol->type = type.type;
				break;
			default:
				break;
		}
	}
	return !it.bad;
}

bool dpc_xfrm_parse_policy(const struct nlmsghdr *nlh, size_t len,
						   dpc_xfrm_policy_t *pol)
{
	struct xfrm_userpolicy_info info;
	struct nlmsghdr hdr;
	const uint8_t *p = (const uint8_t*)nlh;
	size_t off;

	if (!nlh || len < sizeof(hdr))
	{
		return false;
	}
	memcpy(&hdr, p, sizeof(hdr));
	if (hdr.nlmsg_type != XFRM_MSG_NEWPOLICY || hdr.nlmsg_len > len ||
		hdr.nlmsg_len < NLMSG_LENGTH(sizeof(info)))
	{
		return false;
	}
	memcpy(&info, p + NLMSG_HDRLEN, sizeof(info));
	if ((info.sel.family != AF_INET && info.sel.family != AF_INET6 &&
		 info.sel.family != AF_UNSPEC) || info.dir > XFRM_POLICY_FWD ||
		info.sel.prefixlen_s > 128 || info.sel.prefixlen_d > 128 ||
		(info.sel.family == AF_INET &&
		 (info.sel.prefixlen_s > 32 || info.sel.prefixlen_d > 32)))
	{
		return false;
	}
	memset(pol, 0, sizeof(*pol));
	pol->sel.family = info.sel.family;
	if (info.sel.family)
	{
		memcpy(pol->sel.src, &info.sel.saddr, addr_len(info.sel.family));
		memcpy(pol->sel.dst, &info.sel.daddr, addr_len(info.sel.family));
	}
	pol->sel.src_plen = info.sel.prefixlen_s;
	pol->sel.dst_plen = info.sel.prefixlen_d;
	pol->sel.proto = info.sel.proto;
	pol->sel.sport = ntohs(info.sel.sport);
	pol->sel.sport_mask = ntohs(info.sel.sport_mask);
	pol->sel.dport = ntohs(info.sel.dport);
	pol->sel.dport_mask = ntohs(info.sel.dport_mask);
	pol->sel.ifindex = info.sel.ifindex;
	pol->dir = info.dir;
	pol->priority = info.priority;
	pol->index = info.index;
	pol->action = info.action;
	pol->type = XFRM_POLICY_TYPE_MAIN;
	off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(info));
	if (off >= hdr.nlmsg_len)
	{
		return true;
	}
	return parse_attrs(p + off, hdr.nlmsg_len - off, pol);
}

void dpc_xfrm_spd_init(dpc_xfrm_spd_t *spd)
{
	memset(spd, 0, sizeof(*spd));
}

bool dpc_xfrm_spd_add(dpc_xfrm_spd_t *spd, const dpc_xfrm_policy_t *policy,
					  size_t max)
{
	dpc_xfrm_policy_t *policies;
	size_t size;

	if (max && spd->count >= max)
	{
		spd->dropped++;
		return false;
	}
	if (spd->count == spd->size)
	{
		size = spd->size ? spd->size * 2 : SPD_MIN;
		if (max && size > max)
		{
			size = max;
		}
		policies = size > spd->size ?
			dpc_bulk_reallocarray(spd->policies, size, sizeof(*policies)) :
			NULL;
		if (!policies)
		{
			spd->dropped++;
			return false;
		}
		spd->policies = policies;
		spd->size = size;
	}
	spd->policies[spd->count++] = *policy;
	return true;
}

unsigned dpc_xfrm_spd_parse(dpc_xfrm_spd_t *spd, const void *buf, size_t len,
							size_t max)
{
	const uint8_t *p = buf;
	dpc_xfrm_policy_t pol;
	struct nlmsghdr hdr;
	unsigned bad = 0;
	size_t off = 0, step;

	while (len - off >= sizeof(hdr))
	{
		memcpy(&hdr, p + off, sizeof(hdr));
		if (hdr.nlmsg_len < sizeof(hdr) || hdr.nlmsg_len > len - off)
		{	/* truncated: nothing after it can be found */
			bad++;
			break;
		}
		if (hdr.nlmsg_type == XFRM_MSG_NEWPOLICY)
		{
			if (dpc_xfrm_parse_policy((const struct nlmsghdr*)(p + off),
									  len - off, &pol))
			{
				dpc_xfrm_spd_add(spd, &pol, max);
			}
			else
			{
				bad++;
			}
		}
		step = NLMSG_ALIGN(hdr.nlmsg_len);
		if (step >= len - off)
		{
			break;
		}
		off += step;
	}
	return bad;
}

void dpc_xfrm_spd_clear(dpc_xfrm_spd_t *spd)
{
	dpc_bulk_free(spd->policies);
	dpc_xfrm_spd_init(spd);
}

/**
 * Do the first plen bits of two addresses agree?
 */
static bool prefix_match(const uint8_t *a, const uint8_t *b, uint8_t plen)
{
	uint8_t bytes = plen / 8, bits = plen % 8, mask;

	if (memcmp(a, b, bytes))
	{
		return false;
	}
	if (!bits)
	{
		return true;
	}
	mask = 0xff << (8 - bits);
	return ((a[bytes] ^ b[bytes]) & mask) == 0;
}

bool dpc_xfrm_policy_matches(const dpc_xfrm_policy_t *pol, dpc_xfrm_dir_t dir,
							 const dpc_xfrm_flow_t *flow)
{
	const dpc_xfrm_sel_t *sel = &pol->sel;

	if (pol->dir != dir || pol->type != XFRM_POLICY_TYPE_MAIN ||
		(flow->mark & pol->mark_mask) != pol->mark_value ||
		pol->if_id != flow->if_id || sel->family != flow->family)
	{
		return false;
	}
	if (!prefix_match(sel->src, flow->src, sel->src_plen) ||
		!prefix_match(sel->dst, flow->dst, sel->dst_plen))
	{
		return false;
	}
	if (sel->proto && sel->proto != flow->proto)
	{
		return false;
	}
	return ((flow->sport ^ sel->sport) & sel->sport_mask) == 0 &&
		   ((flow->dport ^ sel->dport) & sel->dport_mask) == 0;
}

const dpc_xfrm_policy_t *dpc_xfrm_spd_lookup(const dpc_xfrm_spd_t *spd,
											 dpc_xfrm_dir_t dir,
											 const dpc_xfrm_flow_t *flow)
{
	const dpc_xfrm_policy_t *best = NULL, *pol;
	size_t i;

	for (i = 0; i < spd->count; i++)
	{
		pol = &spd->policies[i];
		if (!dpc_xfrm_policy_matches(pol, dir, flow))
		{
			continue;
		}
		if (!best || pol->priority < best->priority ||
			(pol->priority == best->priority && pol->index < best->index))
		{
			best = pol;
		}
	}
	return best;
}

const char *dpc_xfrm_policy_kind(const dpc_xfrm_policy_t *policy)
{
	if (policy->action == XFRM_POLICY_BLOCK)
	{
		return "block";
	}
	return policy->n_tmpls ? "ipsec" : "bypass";
}

const char *dpc_xfrm_dir_name(dpc_xfrm_dir_t dir)
{
	switch (dir)
	{
		case DPC_XFRM_DIR_IN:
			return "in";
		case DPC_XFRM_DIR_OUT:
			return "out";
		default:
			return "fwd";
	}
}

/**
 * Append to a bounded buffer.
 */
static void put(char *buf, size_t len, size_t *off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void put(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list args;
	int n;

	if (*off >= len)
	{
		return;
	}
	va_start(args, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, args);
	va_end(args);
	if (n > 0)
	{
		*off += n;
	}
}

/**
 * An address of a family as text ("0.0.0.0" for family 0).
 */
static const char *ntop(uint8_t family, const uint8_t *a, char *buf,
						size_t len)
{
	if (!inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, a, buf, len))
	{
		snprintf(buf, len, "?");
	}
	return buf;
}

/**
 * Name of an IP protocol as ip(8) writes it.
 */
static void put_proto(char *buf, size_t len, size_t *off, uint8_t proto)
{
	switch (proto)
	{
		case IPPROTO_TCP:
			put(buf, len, off, " proto tcp");
			break;
		case IPPROTO_UDP:
			put(buf, len, off, " proto udp");
			break;
		case IPPROTO_ICMP:
			put(buf, len, off, " proto icmp");
			break;
		case IPPROTO_ICMPV6:
			put(buf, len, off, " proto ipv6-icmp");
			break;
		case IPPROTO_ESP:
			put(buf, len, off, " proto esp");
			break;
		case IPPROTO_AH:
			put(buf, len, off, " proto ah");
			break;
		case IPPROTO_COMP:
			put(buf, len, off, " proto comp");
			break;
		default:
			put(buf, len, off, " proto %u", proto);
			break;
	}
}

/**
 * The selector, as ip(8) takes and writes it.
 */
static void put_sel(char *buf, size_t len, size_t *off,
					const dpc_xfrm_sel_t *sel)
{
	char a[INET6_ADDRSTRLEN];
	bool icmp = sel->proto == IPPROTO_ICMP || sel->proto == IPPROTO_ICMPV6;

	put(buf, len, off, "src %s/%u", ntop(sel->family, sel->src, a, sizeof(a)),
		sel->src_plen);
	put(buf, len, off, " dst %s/%u", ntop(sel->family, sel->dst, a, sizeof(a)),
		sel->dst_plen);
	if (sel->proto)
	{
		put_proto(buf, len, off, sel->proto);
		if (sel->sport_mask)
		{
			put(buf, len, off, icmp ? " type %u" : " sport %u", sel->sport);
		}
		if (sel->dport_mask)
		{
			put(buf, len, off, icmp ? " code %u" : " dport %u", sel->dport);
		}
	}
}

/**
 * Mark and interface id, as ip(8) takes them.
 */
static void put_mark(char *buf, size_t len, size_t *off,
					 const dpc_xfrm_policy_t *pol)
{
	if (pol->mark_value || pol->mark_mask)
	{
		put(buf, len, off, " mark 0x%x mask 0x%x", pol->mark_value,
			pol->mark_mask);
	}
	if (pol->if_id)
	{
		put(buf, len, off, " if_id 0x%x", pol->if_id);
	}
}

char *dpc_xfrm_policy_id_str(const dpc_xfrm_policy_t *pol, char *buf,
							 size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	put_sel(buf, len, &off, &pol->sel);
	put(buf, len, &off, " dir %s", dpc_xfrm_dir_name(pol->dir));
	if (pol->type == XFRM_POLICY_TYPE_SUB)
	{
		put(buf, len, &off, " ptype sub");
	}
	put_mark(buf, len, &off, pol);
	return buf;
}

/**
 * Name of a mode as ip(8) writes it.
 */
static const char *mode_name(uint8_t mode)
{
	switch (mode)
	{
		case XFRM_MODE_TRANSPORT:
			return "transport";
		case XFRM_MODE_TUNNEL:
			return "tunnel";
		case XFRM_MODE_BEET:
			return "beet";
		default:
			return "other";
	}
}

char *dpc_xfrm_policy_to_str(const dpc_xfrm_policy_t *pol, char *buf,
							 size_t len)
{
	char a[INET6_ADDRSTRLEN];
	const dpc_xfrm_tmpl_t *t;
	size_t off = 0;
	int i;

	buf[0] = '\0';
	put_sel(buf, len, &off, &pol->sel);
	put(buf, len, &off, " dir %s priority %u ptype %s",
		dpc_xfrm_dir_name(pol->dir), pol->priority,
		pol->type == XFRM_POLICY_TYPE_SUB ? "sub" : "main");
	put_mark(buf, len, &off, pol);
	put(buf, len, &off, " action %s index %u",
		pol->action == XFRM_POLICY_BLOCK ? "block" : "allow", pol->index);
	for (i = 0; i < pol->n_tmpls; i++)
	{
		t = &pol->tmpls[i];
		put(buf, len, &off, " tmpl");
		if (t->mode == XFRM_MODE_TUNNEL || t->mode == XFRM_MODE_BEET)
		{
			put(buf, len, &off, " src %s", ntop(t->family, t->src, a, sizeof(a)));
			put(buf, len, &off, " dst %s", ntop(t->family, t->dst, a, sizeof(a)));
		}
		put_proto(buf, len, &off, t->proto);
		if (t->spi)
		{
			put(buf, len, &off, " spi 0x%08x", ntohl(t->spi));
		}
		put(buf, len, &off, " reqid %u mode %s%s", t->reqid,
			mode_name(t->mode), t->optional ? " level use" : "");
	}
	if (off >= len && len > 4)
	{	/* cut: say so */
		memcpy(buf + len - 4, "...", 4);
	}
	return buf;
}
