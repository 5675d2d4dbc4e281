/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_rtnl_parse.h"
#include "dpc_rtnl_attr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

/** highest errno a NLMSG_ERROR may carry (the kernel's MAX_ERRNO) */
#define MAX_ERRNO 4095

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
	return dpc_rtnl_set_addr(addr, via.rtvia_family, data + sizeof(via),
							 len - sizeof(via));
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
			if (!dpc_rtnl_attr_addr(attr, ctx->family, &gw))
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
			!dpc_rtnl_walk_attrs(pos + hlen, nh.rtnh_len - hlen, hop_attr, ctx))
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
		return dpc_rtnl_attr_u32(attr, &route->mtu);
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
		return dpc_rtnl_walk_attrs(mnl_attr_get_payload(attr),
								   mnl_attr_get_payload_len(attr),
								   metric_attr, route);
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
			return dpc_rtnl_attr_u32(attr, &route->table);
		case RTA_OIF:
			return dpc_rtnl_attr_u32(attr, &ctx->oif);
		case RTA_GATEWAY:
			return dpc_rtnl_attr_addr(attr, ctx->family, &route->gateway);
		case RTA_VIA:
			return attr_via(attr, &route->gateway);
		case RTA_PREFSRC:
			return dpc_rtnl_attr_addr(attr, ctx->family, &route->prefsrc);
		case RTA_DST:
			return dpc_rtnl_attr_addr(attr, ctx->family, ctx->dst ?: &addr);
		case RTA_SRC:
			return dpc_rtnl_attr_addr(attr, ctx->family, &addr);
		case RTA_PRIORITY:
			return dpc_rtnl_attr_u32(attr, ctx->metric ?: &value);
		case RTA_IIF:
		case RTA_MARK:
		case RTA_UID:
			return dpc_rtnl_attr_u32(attr, &value);
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

	if (!dpc_rtnl_msg_ok(nlh, len, NLMSG_ERROR, sizeof(err)))
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
	if (!dpc_rtnl_msg_ok(nlh, len, RTM_NEWROUTE, sizeof(rtm)))
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
	if (!dpc_rtnl_walk_msg_attrs(nlh, sizeof(rtm), route_attr, &ctx))
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
			return dpc_rtnl_attr_addr(attr, ctx->family, &ctx->local);
		case IFA_ADDRESS:
			return dpc_rtnl_attr_addr(attr, ctx->family, &ctx->address);
		case IFA_FLAGS:
			ctx->has_flags = true;
			return dpc_rtnl_attr_u32(attr, &ctx->flags);
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
	if (!dpc_rtnl_msg_ok(nlh, len, RTM_NEWADDR, sizeof(ifa)))
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
	if (!dpc_rtnl_walk_msg_attrs(nlh, sizeof(ifa), addr_attr, &ctx))
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

bool dpc_rtnl_parse_rtentry(const struct nlmsghdr *nlh, size_t len,
							dpc_rtentry_t *entry)
{
	route_ctx_t ctx = { 0 };
	dpc_route_t route;
	struct rtmsg rtm;

	memset(entry, 0, sizeof(*entry));
	if (!dpc_rtnl_msg_ok(nlh, len, RTM_NEWROUTE, sizeof(rtm)))
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
	if (!dpc_rtnl_walk_msg_attrs(nlh, sizeof(rtm), route_attr, &ctx) ||
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
			dpc_rtnl_append(buf, len, "blackhole ");
			break;
		case DPC_RT_UNREACHABLE:
			dpc_rtnl_append(buf, len, "unreachable ");
			break;
		case DPC_RT_PROHIBIT:
			dpc_rtnl_append(buf, len, "prohibit ");
			break;
		case DPC_RT_THROW:
			dpc_rtnl_append(buf, len, "throw ");
			break;
		case DPC_RT_LOCAL:
			dpc_rtnl_append(buf, len, "local ");
			break;
		default:
			break;
	}
	if (!entry->dst_len)
	{
		dpc_rtnl_append(buf, len, "default");
	}
	else
	{
		dpc_rtnl_append_prefix(buf, len, &entry->dst, entry->dst_len);
	}
	if (entry->gateway.family)
	{
		dpc_rtnl_append(buf, len, " via %s",
						dpc_addr_to_str(&entry->gateway, a, sizeof(a)));
	}
	if (oif && oif[0])
	{
		dpc_rtnl_append(buf, len, " dev %s", oif);
	}
	else if (entry->oif_index)
	{
		dpc_rtnl_append(buf, len, " dev if%u", entry->oif_index);
	}
	switch (entry->table)
	{
		case RT_TABLE_MAIN:
			dpc_rtnl_append(buf, len, " table main");
			break;
		case RT_TABLE_LOCAL:
			dpc_rtnl_append(buf, len, " table local");
			break;
		default:
			dpc_rtnl_append(buf, len, " table %u", entry->table);
			break;
	}
	if (entry->prefsrc.family)
	{
		dpc_rtnl_append(buf, len, " src %s",
						dpc_addr_to_str(&entry->prefsrc, a, sizeof(a)));
	}
	if (entry->metric)
	{
		dpc_rtnl_append(buf, len, " metric %u", entry->metric);
	}
	return buf;
}
