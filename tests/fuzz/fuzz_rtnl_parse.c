/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * libFuzzer target for the rtnetlink reply parsers (dpc_rtnl_parse.h).
 *
 * Built and run by "make fuzz"; seeds are kernel replies in
 * tests/fuzz/corpus/fuzz_rtnl_parse.
 *
 * The input is a receive buffer of netlink messages. Every parser gets the
 * whole buffer as one message, then each message in turn: once in place with
 * all remaining bytes available, and once copied into a buffer of exactly
 * nlmsg_len bytes (what the reader passes), so that any read past the
 * message is caught. What a parser accepts must be consistent: strings
 * terminated, families and lengths in range.
 */

#include <facts/rtnl/dpc_rtnl_parse.h>

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/rtnetlink.h>

/**
 * Fail loudly on a broken invariant.
 */
#define ASSERT(x) do { if (!(x)) { abort(); } } while (0)

/**
 * Knows a few interface indices, like a link dump of the same round.
 */
static bool map_get_name(dpc_ifmap_t *this, uint32_t index,
						 char name[IF_NAMESIZE])
{
	static const char *names[] = { "lo", "wan", "lan", "ipsec0" };

	if (index < 1 || index > sizeof(names) / sizeof(names[0]))
	{
		return false;
	}
	strcpy(name, names[index - 1]);
	return true;
}

static bool map_get_index(dpc_ifmap_t *this, const char *name,
						  uint32_t *index)
{
	return false;
}

static dpc_ifmap_t map = {
	.get_name = map_get_name,
	.get_index = map_get_index,
};

static bool addr_ok(const dpc_addr_t *addr)
{
	return addr->family == 0 || addr->family == AF_INET ||
		   addr->family == AF_INET6;
}

/**
 * Print a route answer as the facts reader does, for a question of the
 * route's family; "full" asks with every optional part and long addresses.
 */
static void format_route(dpc_route_t *route, bool full)
{
	dpc_route_query_t q;

	memset(&q, 0, sizeof(q));
	q.dst.family = route->gateway.family ? route->gateway.family : AF_INET;
	q.dst.a[0] = 10;
	if (full)
	{
		q.dst.family = AF_INET6;
		memset(q.dst.a, 0xfe, sizeof(q.dst.a));
		q.src = q.dst;
		q.mark = 0xffffffff;
		strcpy(q.iif, "ipsec0-long-nam");
	}
	dpc_route_format(&q, route);
	ASSERT(strnlen(route->text, sizeof(route->text)) < sizeof(route->text));
}

static void check_route(const struct nlmsghdr *nlh, size_t len,
						dpc_ifmap_t *ifmap)
{
	dpc_route_t route;

	if (!dpc_rtnl_parse_route(nlh, len, ifmap, &route))
	{
		return;
	}
	ASSERT(route.error >= 0 && route.error <= 4095);
	ASSERT(strnlen(route.oif, sizeof(route.oif)) < sizeof(route.oif));
	ASSERT(addr_ok(&route.gateway) && addr_ok(&route.prefsrc));
	format_route(&route, false);
	format_route(&route, true);
}

static void check_link(const struct nlmsghdr *nlh, size_t len)
{
	dpc_link_t link;

	if (!dpc_rtnl_parse_link(nlh, len, &link))
	{
		return;
	}
	ASSERT(link.index > 0 && link.index <= INT32_MAX);
	ASSERT(link.name[0]);
	ASSERT(strnlen(link.name, sizeof(link.name)) < sizeof(link.name));
	ASSERT(strnlen(link.kind, sizeof(link.kind)) < sizeof(link.kind));
}

static void check_addr(const struct nlmsghdr *nlh, size_t len)
{
	dpc_ifaddr_t addr;

	if (!dpc_rtnl_parse_addr(nlh, len, &addr))
	{
		return;
	}
	ASSERT(addr.index > 0);
	ASSERT((addr.addr.family == AF_INET && addr.prefixlen <= 32) ||
		   (addr.addr.family == AF_INET6 && addr.prefixlen <= 128));
}

static void check_rule(const struct nlmsghdr *nlh, size_t len)
{
	dpc_rule_t rule;

	if (!dpc_rtnl_parse_rule(nlh, len, &rule))
	{
		return;
	}
	ASSERT(rule.family == AF_INET || rule.family == AF_INET6);
	ASSERT(rule.src_len <= 128 && rule.dst_len <= 128);
	ASSERT(addr_ok(&rule.src) && addr_ok(&rule.dst));
	ASSERT(strnlen(rule.iif, sizeof(rule.iif)) < sizeof(rule.iif));
	ASSERT(strnlen(rule.oif, sizeof(rule.oif)) < sizeof(rule.oif));
	ASSERT(strnlen(rule.text, sizeof(rule.text)) < sizeof(rule.text));
}

static void check_rtentry(const struct nlmsghdr *nlh, size_t len)
{
	dpc_rtentry_t e;
	char text[DPC_RTNL_TEXT_LEN];

	if (!dpc_rtnl_parse_rtentry(nlh, len, &e))
	{
		return;
	}
	ASSERT(e.family == AF_INET || e.family == AF_INET6);
	ASSERT(e.dst_len <= (e.family == AF_INET ? 32 : 128));
	ASSERT(addr_ok(&e.dst) && addr_ok(&e.gateway) && addr_ok(&e.prefsrc));
	dpc_rtentry_format(&e, NULL, text, sizeof(text));
	ASSERT(strnlen(text, sizeof(text)) < sizeof(text));
	dpc_rtentry_format(&e, "ipsec0-long-nam", text, sizeof(text));
	ASSERT(strnlen(text, sizeof(text)) < sizeof(text));
}

/**
 * Run every parser on one message with len bytes available.
 */
static void check_all(const struct nlmsghdr *nlh, size_t len,
					  dpc_ifmap_t *ifmap)
{
	check_route(nlh, len, ifmap);
	check_link(nlh, len);
	check_addr(nlh, len);
	check_rule(nlh, len);
	check_rtentry(nlh, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct nlmsghdr *nlh;
	struct nlmsghdr *copy;
	size_t off = 0, mlen;

	/* libFuzzer's buffer is malloc()ed, aligned for netlink headers */
	check_all((const struct nlmsghdr*)data, size, &map);

	while (size - off >= sizeof(struct nlmsghdr))
	{
		nlh = (const struct nlmsghdr*)(data + off);
		mlen = nlh->nlmsg_len;
		if (mlen < sizeof(struct nlmsghdr) || mlen > size - off)
		{
			break;
		}
		check_all(nlh, size - off, NULL);

		copy = malloc(mlen);
		if (copy)
		{
			memcpy(copy, nlh, mlen);
			check_all(copy, mlen, &map);
			free(copy);
		}
		mlen = NLMSG_ALIGN(mlen);
		if (mlen > size - off)
		{
			break;
		}
		off += mlen;
	}
	return 0;
}
