/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_rtnl_parse.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if_tunnel.h>
#include <linux/rtnetlink.h>

/** highest errno a NLMSG_ERROR may carry (the kernel's MAX_ERRNO) */
#define MAX_ERRNO 4095

/**
 * Called for every attribute of a block, FALSE rejects the message.
 */
typedef bool (*attr_cb_t)(const struct nlattr *attr, void *data);

/**
 * Walk the attributes in [start, start + len). Every attribute must have a
 * complete header, a length of at least that header and must end inside
 * the block; trailing bytes that do not form an attribute are rejected.
 */
static bool walk_attrs(const void *start, size_t len, attr_cb_t cb, void *data)
{
	const uint8_t *pos = start;
	const struct nlattr *attr;
	size_t alen;

	while (len >= sizeof(struct nlattr))
	{
		attr = (const struct nlattr*)pos;
		alen = attr->nla_len;
		if (alen < sizeof(struct nlattr) || alen > len)
		{
			return false;
		}
		if (!cb(attr, data))
		{
			return false;
		}
		/* the last attribute of a block may lack its padding */
		alen = MNL_ALIGN(alen);
		if (alen > len)
		{
			alen = len;
		}
		pos += alen;
		len -= alen;
	}
	return len == 0;
}

/**
 * Walk the attributes following a family specific header of hdrlen bytes.
 */
static bool walk_msg_attrs(const struct nlmsghdr *nlh, size_t hdrlen,
						   attr_cb_t cb, void *data)
{
	size_t off = MNL_NLMSG_HDRLEN + MNL_ALIGN(hdrlen);

	if (nlh->nlmsg_len < off)
	{	/* no attributes, a header without padding */
		return nlh->nlmsg_len == MNL_NLMSG_HDRLEN + hdrlen;
	}
	return walk_attrs((const uint8_t*)nlh + off, nlh->nlmsg_len - off,
					  cb, data);
}

/**
 * Check that a message of a type fits the available bytes and holds at least
 * its family specific header.
 */
static bool msg_ok(const struct nlmsghdr *nlh, size_t len, uint16_t type,
				   size_t hdrlen)
{
	if (!nlh || len < sizeof(struct nlmsghdr) ||
		nlh->nlmsg_len > len || nlh->nlmsg_len < MNL_NLMSG_HDRLEN + hdrlen)
	{
		return false;
	}
	return nlh->nlmsg_type == type;
}

/**
 * Read an attribute of exactly four bytes.
 */
static bool attr_u32(const struct nlattr *attr, uint32_t *value)
{
	if (mnl_attr_get_payload_len(attr) != sizeof(uint32_t))
	{
		return false;
	}
	memcpy(value, mnl_attr_get_payload(attr), sizeof(uint32_t));
	return true;
}

/**
 * Copy bytes of an address of a family into addr, FALSE if len does not
 * match the family.
 */
static bool set_addr(dpc_addr_t *addr, int family, const void *data,
					 size_t len)
{
	size_t want;

	switch (family)
	{
		case AF_INET:
			want = 4;
			break;
		case AF_INET6:
			want = 16;
			break;
		default:
			return false;
	}
	if (len != want)
	{
		return false;
	}
	memset(addr, 0, sizeof(*addr));
	addr->family = family;
	memcpy(addr->a, data, len);
	return true;
}

/**
 * Read an address attribute of a family.
 */
static bool attr_addr(const struct nlattr *attr, int family, dpc_addr_t *addr)
{
	return set_addr(addr, family, mnl_attr_get_payload(attr),
					mnl_attr_get_payload_len(attr));
}

/**
 * Read an RTA_VIA attribute (gateway of another family).
 */
static bool attr_via(const struct nlattr *attr, dpc_addr_t *addr)
{
	const uint8_t *data = mnl_attr_get_payload(attr);
	size_t len = mnl_attr_get_payload_len(attr);
	struct rtvia via;

	if (len < sizeof(via))
	{
		return false;
	}
	memcpy(&via, data, sizeof(via));
	return set_addr(addr, via.rtvia_family, data + sizeof(via),
					len - sizeof(via));
}

/**
 * Copy a string attribute into buf; it may or may not be NUL-terminated.
 * Longer strings are rejected, or truncated if trunc is set.
 */
static bool attr_str(const struct nlattr *attr, char *buf, size_t size,
					 bool trunc)
{
	const char *str = mnl_attr_get_payload(attr);
	size_t len;

	len = strnlen(str, mnl_attr_get_payload_len(attr));
	if (len >= size)
	{
		if (!trunc)
		{
			return false;
		}
		len = size - 1;
	}
	memcpy(buf, str, len);
	buf[len] = '\0';
	return true;
}

/**
 * State while parsing a route.
 */
typedef struct {
	/** rtm_family */
	int family;
	/** the answer */
	dpc_route_t *route;
	/** RTA_OIF or first hop's interface, 0 if none */
	uint32_t oif;
	/** RTA_MULTIPATH seen */
	bool multipath;
	/** first hop of RTA_MULTIPATH parsed */
	bool first_hop;
	/** interface of the first hop */
	uint32_t hop_oif;
	/** gateway of the first hop */
	dpc_addr_t hop_gw;
	/** receives RTA_DST, NULL to check and drop it */
	dpc_addr_t *dst;
	/** receives RTA_PRIORITY, NULL to check and drop it */
	uint32_t *metric;
} route_ctx_t;

/**
 * Attributes of one RTA_MULTIPATH hop.
 */
static bool hop_attr(const struct nlattr *attr, void *data)
{
	route_ctx_t *ctx = data;
	dpc_addr_t gw;

	switch (mnl_attr_get_type(attr))
	{
		case RTA_GATEWAY:
			if (!attr_addr(attr, ctx->family, &gw))
			{
				return false;
			}
			break;
		case RTA_VIA:
			if (!attr_via(attr, &gw))
			{
				return false;
			}
			break;
		default:
			return true;
	}
	if (!ctx->first_hop)
	{
		ctx->hop_gw = gw;
	}
	return true;
}

/**
 * Walk the rtnexthop entries of RTA_MULTIPATH, keep the first one.
 */
static bool parse_multipath(route_ctx_t *ctx, const struct nlattr *attr)
{
	const uint8_t *pos = mnl_attr_get_payload(attr);
	size_t len = mnl_attr_get_payload_len(attr), hlen;
	struct rtnexthop nh;

	ctx->multipath = true;
	while (len >= sizeof(nh))
	{
		memcpy(&nh, pos, sizeof(nh));
		if (nh.rtnh_len < sizeof(nh) || nh.rtnh_len > len)
		{
			return false;
		}
		hlen = RTNH_ALIGN(sizeof(nh));
		if (nh.rtnh_len > hlen &&
			!walk_attrs(pos + hlen, nh.rtnh_len - hlen, hop_attr, ctx))
		{
			return false;
		}
		if (!ctx->first_hop)
		{
			ctx->first_hop = true;
			ctx->hop_oif = nh.rtnh_ifindex;
		}
		hlen = RTNH_ALIGN(nh.rtnh_len);
		if (hlen > len)
		{
			hlen = len;
		}
		pos += hlen;
		len -= hlen;
	}
	return len == 0;
}

/**
 * Metrics of RTA_METRICS: keep RTAX_MTU.
 */
static bool metric_attr(const struct nlattr *attr, void *data)
{
	dpc_route_t *route = data;

	if (mnl_attr_get_type(attr) == RTAX_MTU)
	{
		return attr_u32(attr, &route->mtu);
	}
	return true;
}

/**
 * RTA_METRICS and RTA_CACHEINFO: the path MTU and whether it is a cached
 * exception (it expires) or the route's metric.
 */
static bool route_mtu_attr(const struct nlattr *attr, dpc_route_t *route)
{
	struct rta_cacheinfo ci;

	if (mnl_attr_get_type(attr) == RTA_METRICS)
	{
		return walk_attrs(mnl_attr_get_payload(attr),
						  mnl_attr_get_payload_len(attr), metric_attr, route);
	}
	if (mnl_attr_get_payload_len(attr) < sizeof(ci))
	{
		return false;
	}
	memcpy(&ci, mnl_attr_get_payload(attr), sizeof(ci));
	/* in jiffies converted to clock_t (USER_HZ) by rtnl_put_cacheinfo() */
	route->mtu_expires = ci.rta_expires > 0 ? (ci.rta_expires + 99) / 100 : 0;
	return true;
}

/**
 * Attributes of RTM_NEWROUTE.
 */
static bool route_attr(const struct nlattr *attr, void *data)
{
	route_ctx_t *ctx = data;
	dpc_route_t *route = ctx->route;
	dpc_addr_t addr;
	uint32_t value;

	switch (mnl_attr_get_type(attr))
	{
		case RTA_METRICS:
		case RTA_CACHEINFO:
			return route_mtu_attr(attr, route);
		case RTA_TABLE:
			return attr_u32(attr, &route->table);
		case RTA_OIF:
			return attr_u32(attr, &ctx->oif);
		case RTA_GATEWAY:
			return attr_addr(attr, ctx->family, &route->gateway);
		case RTA_VIA:
			return attr_via(attr, &route->gateway);
		case RTA_PREFSRC:
			return attr_addr(attr, ctx->family, &route->prefsrc);
		case RTA_DST:
			return attr_addr(attr, ctx->family, ctx->dst ?: &addr);
		case RTA_SRC:
			return attr_addr(attr, ctx->family, &addr);
		case RTA_PRIORITY:
			return attr_u32(attr, ctx->metric ?: &value);
		case RTA_IIF:
		case RTA_MARK:
		case RTA_UID:
			return attr_u32(attr, &value);
		case RTA_MULTIPATH:
			return !ctx->multipath && parse_multipath(ctx, attr);
		default:
			return true;
	}
}

/**
 * Parse NLMSG_ERROR as the answer to a route question.
 */
static bool parse_route_error(const struct nlmsghdr *nlh, size_t len,
							  dpc_route_t *route)
{
	struct nlmsgerr err;

	if (!msg_ok(nlh, len, NLMSG_ERROR, sizeof(err)))
	{
		return false;
	}
	memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (err.error >= 0 || err.error < -MAX_ERRNO)
	{	/* an ACK is no answer, positive values are garbage */
		return false;
	}
	route->error = -err.error;
	return true;
}

bool dpc_rtnl_parse_route(const struct nlmsghdr *nlh, size_t len,
						  dpc_ifmap_t *map, dpc_route_t *route)
{
	route_ctx_t ctx = { .route = route };
	struct rtmsg rtm;

	memset(route, 0, sizeof(*route));
	if (nlh && len >= sizeof(struct nlmsghdr) &&
		nlh->nlmsg_type == NLMSG_ERROR)
	{
		return parse_route_error(nlh, len, route);
	}
	if (!msg_ok(nlh, len, RTM_NEWROUTE, sizeof(rtm)))
	{
		return false;
	}
	memcpy(&rtm, mnl_nlmsg_get_payload(nlh), sizeof(rtm));
	if (rtm.rtm_family != AF_INET && rtm.rtm_family != AF_INET6)
	{
		return false;
	}
	ctx.family = rtm.rtm_family;
	route->type = rtm.rtm_type;
	route->table = rtm.rtm_table;
	if (!walk_msg_attrs(nlh, sizeof(rtm), route_attr, &ctx))
	{
		memset(route, 0, sizeof(*route));
		return false;
	}
	if (ctx.first_hop)
	{
		if (!ctx.oif)
		{
			ctx.oif = ctx.hop_oif;
		}
		if (!route->gateway.family)
		{
			route->gateway = ctx.hop_gw;
		}
	}
	if (ctx.oif && (!map || !map->get_name(map, ctx.oif, route->oif)))
	{
		snprintf(route->oif, sizeof(route->oif), "if%u", ctx.oif);
	}
	return true;
}

/**
 * State while parsing a link.
 */
typedef struct {
	/** the link */
	dpc_link_t *link;
	/** IFLA_INFO_DATA, kept until the kind is known */
	const struct nlattr *data;
} link_ctx_t;

/**
 * Attributes of IFLA_LINKINFO.
 */
static bool linkinfo_attr(const struct nlattr *attr, void *data)
{
	link_ctx_t *ctx = data;

	switch (mnl_attr_get_type(attr))
	{
		case IFLA_INFO_KIND:
			return attr_str(attr, ctx->link->kind, sizeof(ctx->link->kind),
							true);
		case IFLA_INFO_DATA:
			ctx->data = attr;
			return true;
		default:
			return true;
	}
}

/**
 * Attributes of IFLA_INFO_DATA of an xfrm interface.
 */
static bool xfrmi_attr(const struct nlattr *attr, void *data)
{
	dpc_link_t *link = data;

	/* IFLA_XFRM_IF_ID is 2 in linux/if_link.h */
	if (mnl_attr_get_type(attr) == 2)
	{
		return attr_u32(attr, &link->if_id);
	}
	return true;
}

/**
 * Attributes of IFLA_INFO_DATA of a VTI device (keys in network order).
 */
static bool vti_attr(const struct nlattr *attr, void *data)
{
	dpc_link_t *link = data;
	uint32_t key;

	switch (mnl_attr_get_type(attr))
	{
		case IFLA_VTI_IKEY:
			if (!attr_u32(attr, &key))
			{
				return false;
			}
			link->ikey = ntohl(key);
			return true;
		case IFLA_VTI_OKEY:
			if (!attr_u32(attr, &key))
			{
				return false;
			}
			link->okey = ntohl(key);
			return true;
		default:
			return true;
	}
}

/**
 * Attributes of RTM_NEWLINK.
 */
static bool link_attr(const struct nlattr *attr, void *data)
{
	link_ctx_t *ctx = data;
	dpc_link_t *link = ctx->link;

	switch (mnl_attr_get_type(attr))
	{
		case IFLA_IFNAME:
			return attr_str(attr, link->name, sizeof(link->name), false);
		case IFLA_MTU:
			return attr_u32(attr, &link->mtu);
		case IFLA_LINKINFO:
			return walk_attrs(mnl_attr_get_payload(attr),
							  mnl_attr_get_payload_len(attr),
							  linkinfo_attr, ctx);
		default:
			return true;
	}
}

/**
 * Parse the kind specific data of a link, once its kind is known.
 */
static bool parse_link_data(link_ctx_t *ctx)
{
	attr_cb_t cb = NULL;

	if (!ctx->data)
	{
		return true;
	}
	if (strcmp(ctx->link->kind, "xfrm") == 0)
	{
		cb = xfrmi_attr;
	}
	else if (strcmp(ctx->link->kind, "vti") == 0 ||
			 strcmp(ctx->link->kind, "vti6") == 0)
	{
		cb = vti_attr;
	}
	if (!cb)
	{
		return true;
	}
	return walk_attrs(mnl_attr_get_payload(ctx->data),
					  mnl_attr_get_payload_len(ctx->data), cb, ctx->link);
}

bool dpc_rtnl_parse_link(const struct nlmsghdr *nlh, size_t len,
						 dpc_link_t *link)
{
	link_ctx_t ctx = { .link = link };
	struct ifinfomsg ifi;

	memset(link, 0, sizeof(*link));
	if (!msg_ok(nlh, len, RTM_NEWLINK, sizeof(ifi)))
	{
		return false;
	}
	memcpy(&ifi, mnl_nlmsg_get_payload(nlh), sizeof(ifi));
	if (ifi.ifi_index <= 0)
	{
		return false;
	}
	link->index = ifi.ifi_index;
	link->flags = ifi.ifi_flags;
	link->up = (ifi.ifi_flags & IFF_UP) != 0;
	if (!walk_msg_attrs(nlh, sizeof(ifi), link_attr, &ctx) ||
		!parse_link_data(&ctx) || !link->name[0])
	{
		memset(link, 0, sizeof(*link));
		return false;
	}
	return true;
}

/**
 * State while parsing an address.
 */
typedef struct {
	/** ifa_family */
	int family;
	/** IFA_LOCAL */
	dpc_addr_t local;
	/** IFA_ADDRESS */
	dpc_addr_t address;
	/** IFA_FLAGS, if present */
	uint32_t flags;
	/** IFA_FLAGS seen */
	bool has_flags;
} addr_ctx_t;

/**
 * Attributes of RTM_NEWADDR.
 */
static bool addr_attr(const struct nlattr *attr, void *data)
{
	addr_ctx_t *ctx = data;

	switch (mnl_attr_get_type(attr))
	{
		case IFA_LOCAL:
			return attr_addr(attr, ctx->family, &ctx->local);
		case IFA_ADDRESS:
			return attr_addr(attr, ctx->family, &ctx->address);
		case IFA_FLAGS:
			ctx->has_flags = true;
			return attr_u32(attr, &ctx->flags);
		default:
			return true;
	}
}

bool dpc_rtnl_parse_addr(const struct nlmsghdr *nlh, size_t len,
						 dpc_ifaddr_t *addr)
{
	addr_ctx_t ctx = { .has_flags = false };
	struct ifaddrmsg ifa;

	memset(addr, 0, sizeof(*addr));
	if (!msg_ok(nlh, len, RTM_NEWADDR, sizeof(ifa)))
	{
		return false;
	}
	memcpy(&ifa, mnl_nlmsg_get_payload(nlh), sizeof(ifa));
	if ((ifa.ifa_family != AF_INET || ifa.ifa_prefixlen > 32) &&
		(ifa.ifa_family != AF_INET6 || ifa.ifa_prefixlen > 128))
	{
		return false;
	}
	if (!ifa.ifa_index)
	{
		return false;
	}
	ctx.family = ifa.ifa_family;
	if (!walk_msg_attrs(nlh, sizeof(ifa), addr_attr, &ctx))
	{
		return false;
	}
	if (ctx.local.family)
	{	/* on point-to-point links IFA_ADDRESS is the peer */
		addr->addr = ctx.local;
	}
	else if (ctx.address.family)
	{
		addr->addr = ctx.address;
	}
	else
	{
		return false;
	}
	addr->index = ifa.ifa_index;
	addr->prefixlen = ifa.ifa_prefixlen;
	addr->scope = ifa.ifa_scope;
	addr->flags = ctx.has_flags ? ctx.flags : ifa.ifa_flags;
	return true;
}

/**
 * State while parsing a rule.
 */
typedef struct {
	/** the rule */
	dpc_rule_t *rule;
	/** FRA_TABLE seen */
	bool has_table;
	/** FRA_FWMASK seen */
	bool has_mask;
} rule_ctx_t;

/**
 * Attributes of RTM_NEWRULE.
 */
static bool rule_attr(const struct nlattr *attr, void *data)
{
	rule_ctx_t *ctx = data;
	dpc_rule_t *rule = ctx->rule;
	uint32_t value;

	switch (mnl_attr_get_type(attr))
	{
		case FRA_PRIORITY:
			return attr_u32(attr, &rule->priority);
		case FRA_TABLE:
			ctx->has_table = true;
			return attr_u32(attr, &rule->table);
		case FRA_SRC:
			return attr_addr(attr, rule->family, &rule->src);
		case FRA_DST:
			return attr_addr(attr, rule->family, &rule->dst);
		case FRA_IIFNAME:
			return attr_str(attr, rule->iif, sizeof(rule->iif), false);
		case FRA_OIFNAME:
			return attr_str(attr, rule->oif, sizeof(rule->oif), false);
		case FRA_FWMARK:
			return attr_u32(attr, &rule->fwmark);
		case FRA_FWMASK:
			ctx->has_mask = true;
			return attr_u32(attr, &rule->fwmask);
		case FRA_SUPPRESS_PREFIXLEN:
			if (!attr_u32(attr, &value))
			{
				return false;
			}
			rule->suppress_prefixlen = (int32_t)value;
			return true;
		case FRA_L3MDEV:
		case FRA_UID_RANGE:
		case FRA_IP_PROTO:
		case FRA_SPORT_RANGE:
		case FRA_DPORT_RANGE:
		case FRA_TUN_ID:
			rule->other = true;
			return true;
		default:
			return true;
	}
}

/**
 * Append to a text buffer.
 */
static void append(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strnlen(buf, len);
	va_list args;

	if (used + 1 >= len)
	{
		return;
	}
	va_start(args, fmt);
	vsnprintf(buf + used, len - used, fmt, args);
	va_end(args);
}

/**
 * Append " prefix/len" (without "/len" for a host prefix).
 */
static void append_prefix(char *buf, size_t len, const dpc_addr_t *addr,
						  uint8_t plen)
{
	char a[DPC_ADDR_STRLEN];

	dpc_addr_to_str(addr, a, sizeof(a));
	if (plen == dpc_addr_len(addr->family) * 8)
	{
		append(buf, len, "%s", a);
	}
	else
	{
		append(buf, len, "%s/%u", a, plen);
	}
}

/**
 * Print a rule as "ip rule" does.
 */
static void format_rule(dpc_rule_t *rule)
{
	char *t = rule->text;
	size_t len = sizeof(rule->text);

	snprintf(t, len, "%u:\t%s", rule->priority, rule->invert ? "not " : "");
	append(t, len, "from ");
	if (rule->src.family)
	{
		append_prefix(t, len, &rule->src, rule->src_len);
	}
	else
	{
		append(t, len, "all");
	}
	if (rule->dst.family)
	{
		append(t, len, " to ");
		append_prefix(t, len, &rule->dst, rule->dst_len);
	}
	if (rule->fwmark || rule->fwmask)
	{
		append(t, len, " fwmark %#x", rule->fwmark);
		if (rule->fwmask != 0xffffffff)
		{
			append(t, len, "/%#x", rule->fwmask);
		}
	}
	if (rule->iif[0])
	{
		append(t, len, " iif %s", rule->iif);
	}
	if (rule->oif[0])
	{
		append(t, len, " oif %s", rule->oif);
	}
	switch (rule->action)
	{
		case FR_ACT_TO_TBL:
			switch (rule->table)
			{
				case RT_TABLE_MAIN:
					append(t, len, " lookup main");
					break;
				case RT_TABLE_LOCAL:
					append(t, len, " lookup local");
					break;
				case RT_TABLE_DEFAULT:
					append(t, len, " lookup default");
					break;
				default:
					append(t, len, " lookup %u", rule->table);
					break;
			}
			if (rule->suppress_prefixlen >= 0)
			{
				append(t, len, " suppress_prefixlength %d",
					   rule->suppress_prefixlen);
			}
			break;
		case FR_ACT_BLACKHOLE:
			append(t, len, " blackhole");
			break;
		case FR_ACT_UNREACHABLE:
			append(t, len, " unreachable");
			break;
		case FR_ACT_PROHIBIT:
			append(t, len, " prohibit");
			break;
		case FR_ACT_GOTO:
			append(t, len, " goto");
			break;
		default:
			append(t, len, " action %u", rule->action);
			break;
	}
}

bool dpc_rtnl_parse_rule(const struct nlmsghdr *nlh, size_t len,
						 dpc_rule_t *rule)
{
	rule_ctx_t ctx = { .rule = rule };
	struct fib_rule_hdr frh;
	size_t max;

	memset(rule, 0, sizeof(*rule));
	rule->suppress_prefixlen = -1;
	if (!msg_ok(nlh, len, RTM_NEWRULE, sizeof(frh)))
	{
		return false;
	}
	memcpy(&frh, mnl_nlmsg_get_payload(nlh), sizeof(frh));
	max = dpc_addr_len(frh.family) * 8;
	if ((frh.family != AF_INET && frh.family != AF_INET6) ||
		frh.src_len > max || frh.dst_len > max)
	{
		return false;
	}
	rule->family = frh.family;
	rule->action = frh.action;
	rule->table = frh.table;
	rule->src_len = frh.src_len;
	rule->dst_len = frh.dst_len;
	rule->invert = (frh.flags & FIB_RULE_INVERT) != 0;
	rule->other = frh.tos != 0;
	if (!walk_msg_attrs(nlh, sizeof(frh), rule_attr, &ctx) ||
		(rule->src_len && !rule->src.family) ||
		(rule->dst_len && !rule->dst.family))
	{
		memset(rule, 0, sizeof(*rule));
		return false;
	}
	if (rule->fwmark && !ctx.has_mask)
	{
		rule->fwmask = 0xffffffff;
	}
	if (rule->suppress_prefixlen == -1 ||
		rule->suppress_prefixlen > (int32_t)max)
	{	/* the kernel reports "none" as -1 (0xffffffff) */
		rule->suppress_prefixlen = -1;
	}
	format_rule(rule);
	return true;
}

bool dpc_rtnl_parse_rtentry(const struct nlmsghdr *nlh, size_t len,
							dpc_rtentry_t *entry)
{
	route_ctx_t ctx = { 0 };
	dpc_route_t route;
	struct rtmsg rtm;

	memset(entry, 0, sizeof(*entry));
	if (!msg_ok(nlh, len, RTM_NEWROUTE, sizeof(rtm)))
	{
		return false;
	}
	memcpy(&rtm, mnl_nlmsg_get_payload(nlh), sizeof(rtm));
	if ((rtm.rtm_family != AF_INET || rtm.rtm_dst_len > 32) &&
		(rtm.rtm_family != AF_INET6 || rtm.rtm_dst_len > 128))
	{
		return false;
	}
	memset(&route, 0, sizeof(route));
	ctx.family = rtm.rtm_family;
	ctx.route = &route;
	ctx.dst = &entry->dst;
	ctx.metric = &entry->metric;
	route.table = rtm.rtm_table;
	if (!walk_msg_attrs(nlh, sizeof(rtm), route_attr, &ctx) ||
		(rtm.rtm_dst_len && !entry->dst.family))
	{
		memset(entry, 0, sizeof(*entry));
		return false;
	}
	if (!entry->dst.family)
	{	/* default route */
		entry->dst.family = rtm.rtm_family;
	}
	entry->family = rtm.rtm_family;
	entry->dst_len = rtm.rtm_dst_len;
	entry->table = route.table;
	entry->type = rtm.rtm_type;
	entry->oif_index = ctx.oif ?: (ctx.first_hop ? ctx.hop_oif : 0);
	entry->gateway = route.gateway.family ? route.gateway : ctx.hop_gw;
	entry->prefsrc = route.prefsrc;
	return true;
}

/*
 * Described in header
 */
char *dpc_rtentry_format(const dpc_rtentry_t *entry, const char *oif,
						 char *buf, size_t len)
{
	char a[DPC_ADDR_STRLEN];

	if (!len)
	{
		return buf;
	}
	buf[0] = '\0';
	switch (entry->type)
	{
		case DPC_RT_BLACKHOLE:
			append(buf, len, "blackhole ");
			break;
		case DPC_RT_UNREACHABLE:
			append(buf, len, "unreachable ");
			break;
		case DPC_RT_PROHIBIT:
			append(buf, len, "prohibit ");
			break;
		case DPC_RT_THROW:
			append(buf, len, "throw ");
			break;
		case DPC_RT_LOCAL:
			append(buf, len, "local ");
			break;
		default:
			break;
	}
	if (!entry->dst_len)
	{
		append(buf, len, "default");
	}
	else
	{
		append_prefix(buf, len, &entry->dst, entry->dst_len);
	}
	if (entry->gateway.family)
	{
		append(buf, len, " via %s",
			   dpc_addr_to_str(&entry->gateway, a, sizeof(a)));
	}
	if (oif && oif[0])
	{
		append(buf, len, " dev %s", oif);
	}
	else if (entry->oif_index)
	{
		append(buf, len, " dev if%u", entry->oif_index);
	}
	switch (entry->table)
	{
		case RT_TABLE_MAIN:
			append(buf, len, " table main");
			break;
		case RT_TABLE_LOCAL:
			append(buf, len, " table local");
			break;
		default:
			append(buf, len, " table %u", entry->table);
			break;
	}
	if (entry->prefsrc.family)
	{
		append(buf, len, " src %s",
			   dpc_addr_to_str(&entry->prefsrc, a, sizeof(a)));
	}
	if (entry->metric)
	{
		append(buf, len, " metric %u", entry->metric);
	}
	return buf;
}
