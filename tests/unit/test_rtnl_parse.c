/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_tests.h"
#include "fixture_hex.h"

#include <facts/rtnl/dpc_rtnl_parse.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#define N(x) (sizeof(x) / sizeof((x)[0]))

/* the fixtures are replies of a little-endian kernel */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define FIXTURES_USABLE 0
#else
#define FIXTURES_USABLE 1
#endif

/** a fixture: the netlink messages of one hex file */
typedef fixture_hex_t fixture_t;

/**
 * Load tests/unit/fixtures/rtnl/<name>.hex.
 */
static fixture_t load(const char *name)
{
	return fixture_hex_load("rtnl", name);
}

/**
 * The first message of a fixture, checked to fit.
 */
static struct nlmsghdr *first(fixture_t *f)
{
	struct nlmsghdr *nlh = (struct nlmsghdr*)f->buf;

	ck_assert(mnl_nlmsg_ok(nlh, f->len));
	return nlh;
}

/**
 * Interface names of the fixture namespace, from links.hex.
 */
typedef struct {
	dpc_ifmap_t public;
	dpc_link_t links[16];
	size_t count;
} links_map_t;

static bool map_get_name(dpc_ifmap_t *map, uint32_t index,
						 char name[IF_NAMESIZE])
{
	links_map_t *this = (links_map_t*)map;
	size_t i;

	for (i = 0; i < this->count; i++)
	{
		if (this->links[i].index == index)
		{
			memcpy(name, this->links[i].name, IF_NAMESIZE);
			return true;
		}
	}
	return false;
}

static bool map_get_index(dpc_ifmap_t *map, const char *name, uint32_t *index)
{
	links_map_t *this = (links_map_t*)map;
	size_t i;

	for (i = 0; i < this->count; i++)
	{
		if (strcmp(this->links[i].name, name) == 0)
		{
			*index = this->links[i].index;
			return true;
		}
	}
	return false;
}

/**
 * Parse every message of links.hex.
 */
static void load_links(links_map_t *map)
{
	fixture_t f = load("links");
	struct nlmsghdr *nlh;
	int len = f.len;

	*map = (links_map_t){
		.public = {
			.get_name = map_get_name,
			.get_index = map_get_index,
		},
	};
	for (nlh = (struct nlmsghdr*)f.buf; mnl_nlmsg_ok(nlh, len);
		 nlh = mnl_nlmsg_next(nlh, &len))
	{
		ck_assert_uint_lt(map->count, N(map->links));
		ck_assert(dpc_rtnl_parse_link(nlh, nlh->nlmsg_len,
									  &map->links[map->count]));
		map->count++;
	}
	ck_assert_int_eq(len, 0);
	free(f.buf);
}

static const dpc_link_t *find_link(links_map_t *map, const char *name)
{
	size_t i;

	for (i = 0; i < map->count; i++)
	{
		if (strcmp(map->links[i].name, name) == 0)
		{
			return &map->links[i];
		}
	}
	ck_abort_msg("no link %s", name);
	return NULL;
}

START_TEST(test_links)
{
	links_map_t map;
	const dpc_link_t *link;

	if (!FIXTURES_USABLE)
	{
		return;
	}
	load_links(&map);
	ck_assert_uint_eq(map.count, 5);

	link = find_link(&map, "lo");
	ck_assert_uint_eq(link->index, 1);
	ck_assert(link->up);
	ck_assert(link->flags & IFF_LOOPBACK);
	ck_assert_str_eq(link->kind, "");
	ck_assert_uint_eq(link->mtu, 65536);

	link = find_link(&map, "lan");
	ck_assert_uint_eq(link->index, 2);
	ck_assert(link->up);
	ck_assert_str_eq(link->kind, "veth");
	ck_assert_uint_eq(link->mtu, 1500);

	link = find_link(&map, "wan");
	ck_assert_uint_eq(link->index, 3);
	ck_assert(link->up);

	link = find_link(&map, "ipsec0");
	ck_assert_uint_eq(link->index, 4);
	ck_assert(!link->up);
	ck_assert(link->flags & IFF_POINTOPOINT);
	ck_assert_str_eq(link->kind, "tun");

	link = find_link(&map, "br0");
	ck_assert_uint_eq(link->index, 5);
	ck_assert(!link->up);
	ck_assert_str_eq(link->kind, "bridge");
	ck_assert_uint_eq(link->mtu, 1400);
}
END_TEST

/**
 * Expected addresses of addrs.hex.
 */
static struct {
	uint32_t index;
	const char *addr;
	uint8_t prefixlen;
	uint8_t scope;
} addrs[] = {
	{ 1, "127.0.0.1", 8, RT_SCOPE_HOST },
	{ 2, "10.10.1.1", 24, RT_SCOPE_UNIVERSE },
	{ 3, "192.0.2.10", 24, RT_SCOPE_UNIVERSE },
	{ 5, "10.99.0.1", 32, RT_SCOPE_UNIVERSE },
	{ 1, "::1", 128, RT_SCOPE_HOST },
	{ 2, "fd00:10::1", 64, RT_SCOPE_UNIVERSE },
	{ 3, "fd00:ff::10", 64, RT_SCOPE_UNIVERSE },
};

START_TEST(test_addrs)
{
	fixture_t f;
	struct nlmsghdr *nlh;
	dpc_ifaddr_t got[16];
	dpc_addr_t want;
	size_t count = 0, i, j;
	int len;

	if (!FIXTURES_USABLE)
	{
		return;
	}
	f = load("addrs");
	len = f.len;
	for (nlh = (struct nlmsghdr*)f.buf; mnl_nlmsg_ok(nlh, len);
		 nlh = mnl_nlmsg_next(nlh, &len))
	{
		ck_assert_uint_lt(count, N(got));
		ck_assert(dpc_rtnl_parse_addr(nlh, nlh->nlmsg_len, &got[count]));
		count++;
	}
	ck_assert_int_eq(len, 0);
	free(f.buf);

	for (i = 0; i < N(addrs); i++)
	{
		ck_assert(dpc_addr_parse(&want, addrs[i].addr));
		for (j = 0; j < count; j++)
		{
			if (got[j].addr.family == want.family &&
				dpc_addr_cmp(&got[j].addr, &want) == 0)
			{
				break;
			}
		}
		ck_assert_msg(j < count, "address %s missing", addrs[i].addr);
		ck_assert_uint_eq(got[j].index, addrs[i].index);
		ck_assert_uint_eq(got[j].prefixlen, addrs[i].prefixlen);
		ck_assert_uint_eq(got[j].scope, addrs[i].scope);
		ck_assert(!(got[j].flags & IFA_F_DADFAILED));
	}
	/* the link-local IPv6 addresses of lan and wan */
	for (i = 0, j = 0; i < count; i++)
	{
		if (got[i].addr.family == AF_INET6 && got[i].scope == RT_SCOPE_LINK)
		{
			ck_assert_uint_eq(got[i].addr.a[0], 0xfe);
			ck_assert_uint_eq(got[i].addr.a[1], 0x80);
			j++;
		}
	}
	ck_assert_uint_eq(j, 2);
	ck_assert_uint_eq(count, N(addrs) + 2);
}
END_TEST

/**
 * A captured route question and what the kernel answered.
 */
static struct {
	const char *file;
	/* the question */
	const char *dst, *src, *iif;
	uint32_t mark;
	/* the answer */
	int error;
	int type;
	uint32_t table;
	const char *oif, *gw, *prefsrc;
	const char *text;
} routes[] = {
	{ "out_gw_table220", "10.20.1.10", NULL, NULL, 0,
	  0, RTN_UNICAST, 220, "wan", "192.0.2.1", "10.10.1.1",
	  "10.20.1.10 via 192.0.2.1 dev wan table 220 src 10.10.1.1" },
	{ "out_gw_main", "8.8.8.8", NULL, NULL, 0,
	  0, RTN_UNICAST, 254, "wan", "192.0.2.1", "192.0.2.10",
	  "8.8.8.8 via 192.0.2.1 dev wan table main src 192.0.2.10" },
	{ "out_connected", "10.10.1.50", NULL, NULL, 0,
	  0, RTN_UNICAST, 254, "lan", NULL, "10.10.1.1",
	  "10.10.1.50 dev lan table main src 10.10.1.1" },
	{ "out_local", "10.10.1.1", NULL, NULL, 0,
	  0, RTN_LOCAL, 255, "lo", NULL, "10.10.1.1",
	  "local 10.10.1.1 dev lo table local src 10.10.1.1" },
	{ "out_from_local", "10.20.1.10", "10.10.1.1", NULL, 0,
	  0, RTN_UNICAST, 220, "wan", "192.0.2.1", NULL,
	  "10.20.1.10 from 10.10.1.1 via 192.0.2.1 dev wan table 220" },
	{ "out_nonlocal_src", "10.20.1.10", "10.10.1.10", NULL, 0,
	  ENETUNREACH, 0, 0, NULL, NULL, NULL,
	  "10.20.1.10 from 10.10.1.10: Network is unreachable" },
	{ "out_blackhole", "10.30.1.1", NULL, NULL, 0,
	  EINVAL, 0, 0, NULL, NULL, NULL,
	  "10.30.1.1: Invalid argument" },
	{ "out_unreachable", "10.31.1.1", NULL, NULL, 0,
	  EHOSTUNREACH, 0, 0, NULL, NULL, NULL,
	  "10.31.1.1: No route to host" },
	{ "out_prohibit", "10.32.1.1", NULL, NULL, 0,
	  EACCES, 0, 0, NULL, NULL, NULL,
	  "10.32.1.1: Permission denied" },
	{ "out_unreachable_table220", "10.33.1.1", NULL, NULL, 0,
	  EHOSTUNREACH, 0, 0, NULL, NULL, NULL,
	  "10.33.1.1: No route to host" },
	{ "out_noroute", "8.8.8.8", NULL, NULL, 0,
	  ENETUNREACH, 0, 0, NULL, NULL, NULL,
	  "8.8.8.8: Network is unreachable" },
	{ "iif_noforward", "10.20.1.10", "10.10.1.10", "lan", 0,
	  EHOSTUNREACH, 0, 0, NULL, NULL, NULL,
	  "10.20.1.10 from 10.10.1.10 iif lan: No route to host" },
	{ "iif_local", "10.10.1.1", "10.10.1.10", "lan", 0,
	  0, RTN_LOCAL, 255, "lo", NULL, NULL,
	  "local 10.10.1.1 from 10.10.1.10 dev lo table local iif lan" },
	{ "iif_fwd", "10.20.1.10", "10.10.1.10", "lan", 0,
	  0, RTN_UNICAST, 220, "wan", "192.0.2.1", NULL,
	  "10.20.1.10 from 10.10.1.10 via 192.0.2.1 dev wan table 220 iif lan" },
	{ "iif_fwd_mark", "10.20.1.10", "10.10.1.10", "lan", 0x20,
	  0, RTN_UNICAST, 220, "wan", "192.0.2.1", NULL,
	  "10.20.1.10 from 10.10.1.10 via 192.0.2.1 dev wan table 220 "
	  "mark 0x20 iif lan" },
	{ "iif_blackhole", "10.30.1.1", "10.10.1.10", "lan", 0,
	  EINVAL, 0, 0, NULL, NULL, NULL,
	  "10.30.1.1 from 10.10.1.10 iif lan: Invalid argument" },
	{ "iif_prohibit", "10.32.1.1", "10.10.1.10", "lan", 0,
	  EACCES, 0, 0, NULL, NULL, NULL,
	  "10.32.1.1 from 10.10.1.10 iif lan: Permission denied" },
	{ "iif_rpfilter", "10.20.1.10", "172.16.5.5", "lan", 0,
	  EINVAL, 0, 0, NULL, NULL, NULL,
	  "10.20.1.10 from 172.16.5.5 iif lan: Invalid argument" },
	{ "iif_noroute", "8.8.8.8", "10.10.1.10", "lan", 0,
	  ENETUNREACH, 0, 0, NULL, NULL, NULL,
	  "8.8.8.8 from 10.10.1.10 iif lan: Network is unreachable" },
	{ "route6_out", "fd00:20::1", NULL, NULL, 0,
	  0, RTN_UNICAST, 254, "wan", "fd00:ff::1", "fd00:ff::10",
	  "fd00:20::1 via fd00:ff::1 dev wan table main src fd00:ff::10" },
	{ "route6_out_from", "fd00:20::1", "fd00:10::1", NULL, 0,
	  0, RTN_UNICAST, 254, "wan", "fd00:ff::1", "fd00:ff::10",
	  "fd00:20::1 from fd00:10::1 via fd00:ff::1 dev wan table main "
	  "src fd00:ff::10" },
	{ "route6_iif", "fd00:20::1", "fd00:10::5", "lan", 0,
	  0, RTN_UNICAST, 254, "wan", "fd00:ff::1", NULL,
	  "fd00:20::1 from fd00:10::5 via fd00:ff::1 dev wan table main "
	  "iif lan" },
	{ "route6_unreachable", "fd00:31::1", NULL, NULL, 0,
	  EHOSTUNREACH, 0, 0, NULL, NULL, NULL,
	  "fd00:31::1: No route to host" },
	{ "route6_noroute", "fd00:20::1", NULL, NULL, 0,
	  ENETUNREACH, 0, 0, NULL, NULL, NULL,
	  "fd00:20::1: Network is unreachable" },
	{ "fibmatch_multipath", "10.40.1.1", NULL, NULL, 0,
	  0, RTN_UNICAST, 254, "wan", "192.0.2.1", NULL,
	  "10.40.1.1 via 192.0.2.1 dev wan table main" },
};

/**
 * Build the question of a test case.
 */
static void make_query(dpc_route_query_t *q, const char *dst, const char *src,
					   const char *iif, uint32_t mark)
{
	memset(q, 0, sizeof(*q));
	ck_assert(dpc_addr_parse(&q->dst, dst));
	if (src)
	{
		ck_assert(dpc_addr_parse(&q->src, src));
	}
	if (iif)
	{
		snprintf(q->iif, sizeof(q->iif), "%s", iif);
	}
	q->mark = mark;
}

/**
 * Check an address field against its expected text (NULL: unset).
 */
static void check_addr(const dpc_addr_t *got, const char *want)
{
	char buf[DPC_ADDR_STRLEN];

	if (!want)
	{
		ck_assert_uint_eq(got->family, 0);
		return;
	}
	ck_assert_str_eq(dpc_addr_to_str(got, buf, sizeof(buf)), want);
}

START_TEST(test_route)
{
	dpc_route_query_t q;
	dpc_route_t route;
	links_map_t map;
	fixture_t f;

	if (!FIXTURES_USABLE)
	{
		return;
	}
	load_links(&map);
	f = load(routes[_i].file);
	make_query(&q, routes[_i].dst, routes[_i].src, routes[_i].iif,
			   routes[_i].mark);
	ck_assert(dpc_rtnl_parse_route(first(&f), f.len, &map.public, &route));
	ck_assert_int_eq(route.error, routes[_i].error);
	if (!route.error)
	{
		ck_assert_int_eq(route.type, routes[_i].type);
		ck_assert_uint_eq(route.table, routes[_i].table);
		ck_assert_str_eq(route.oif, routes[_i].oif);
		check_addr(&route.gateway, routes[_i].gw);
		check_addr(&route.prefsrc, routes[_i].prefsrc);
	}
	ck_assert_str_eq(route.text, "");
	dpc_route_format(&q, &route);
	ck_assert_str_eq(route.text, routes[_i].text);
	free(f.buf);
}
END_TEST

START_TEST(test_route_no_map)
{
	dpc_route_t route;
	fixture_t f;

	if (!FIXTURES_USABLE)
	{
		return;
	}
	f = load("out_gw_table220");
	ck_assert(dpc_rtnl_parse_route(first(&f), f.len, NULL, &route));
	ck_assert_str_eq(route.oif, "if3");
	free(f.buf);
}
END_TEST

/**
 * Find the route of a prefix in the routes4.hex dump.
 */
static bool find_dumped(fixture_t *f, const char *prefix, uint8_t plen,
						dpc_route_t *route)
{
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	struct nlattr *attr;
	dpc_addr_t want;
	int len = f->len;

	ck_assert(dpc_addr_parse(&want, prefix));
	for (nlh = (struct nlmsghdr*)f->buf; mnl_nlmsg_ok(nlh, len);
		 nlh = mnl_nlmsg_next(nlh, &len))
	{
		if (nlh->nlmsg_type != RTM_NEWROUTE)
		{
			continue;
		}
		rtm = mnl_nlmsg_get_payload(nlh);
		if (rtm->rtm_dst_len != plen)
		{
			continue;
		}
		mnl_attr_for_each(attr, nlh, sizeof(*rtm))
		{
			if (mnl_attr_get_type(attr) == RTA_DST &&
				memcmp(mnl_attr_get_payload(attr), want.a, 4) == 0)
			{
				ck_assert(dpc_rtnl_parse_route(nlh, nlh->nlmsg_len, NULL,
											   route));
				return true;
			}
		}
	}
	return false;
}

START_TEST(test_route_dumped_types)
{
	dpc_route_query_t q;
	dpc_route_t route;
	fixture_t f;

	if (!FIXTURES_USABLE)
	{
		return;
	}
	f = load("routes4");

	ck_assert(find_dumped(&f, "10.33.0.0", 16, &route));
	ck_assert_int_eq(route.error, 0);
	ck_assert_int_eq(route.type, DPC_RT_UNREACHABLE);
	ck_assert_uint_eq(route.table, 220);
	make_query(&q, "10.33.1.1", NULL, NULL, 0);
	dpc_route_format(&q, &route);
	ck_assert_str_eq(route.text, "unreachable 10.33.1.1 table 220");

	ck_assert(find_dumped(&f, "10.30.0.0", 16, &route));
	ck_assert_int_eq(route.type, DPC_RT_BLACKHOLE);
	ck_assert_uint_eq(route.table, 254);
	make_query(&q, "10.30.1.1", "10.10.1.10", "lan", 0);
	dpc_route_format(&q, &route);
	ck_assert_str_eq(route.text,
					 "blackhole 10.30.1.1 from 10.10.1.10 table main iif lan");

	ck_assert(find_dumped(&f, "10.32.0.0", 16, &route));
	ck_assert_int_eq(route.type, DPC_RT_PROHIBIT);

	/* the multipath route as a dump entry: first hop */
	ck_assert(find_dumped(&f, "10.40.0.0", 16, &route));
	ck_assert_str_eq(route.oif, "if3");
	check_addr(&route.gateway, "192.0.2.1");

	ck_assert(find_dumped(&f, "10.20.0.0", 16, &route));
	ck_assert_uint_eq(route.table, 220);
	check_addr(&route.prefsrc, "10.10.1.1");
	free(f.buf);
}
END_TEST

/**
 * Format cases of answers built by hand.
 */
START_TEST(test_format)
{
	dpc_route_query_t q;
	dpc_route_t route;

	make_query(&q, "10.20.1.10", "10.10.1.10", NULL, 0);
	memset(&route, 0, sizeof(route));
	route.type = DPC_RT_UNICAST;
	route.table = 254;
	snprintf(route.oif, sizeof(route.oif), "wan");
	ck_assert(dpc_addr_parse(&route.gateway, "192.0.2.1"));
	ck_assert(dpc_addr_parse(&route.prefsrc, "10.10.1.1"));
	dpc_route_format(&q, &route);
	ck_assert_str_eq(route.text, "10.20.1.10 from 10.10.1.10 via 192.0.2.1 "
					 "dev wan table main src 10.10.1.1");

	route.table = 253;
	dpc_route_format(&q, &route);
	ck_assert_str_eq(route.text, "10.20.1.10 from 10.10.1.10 via 192.0.2.1 "
					 "dev wan table default src 10.10.1.1");

	make_query(&q, "10.20.1.10", NULL, NULL, 0);
	memset(&route, 0, sizeof(route));
	route.type = DPC_RT_UNREACHABLE;
	route.table = 220;
	snprintf(route.oif, sizeof(route.oif), "lo");
	dpc_route_format(&q, &route);
	ck_assert_str_eq(route.text, "unreachable 10.20.1.10 table 220");

	route.type = 42;
	route.table = 0;
	dpc_route_format(&q, &route);
	ck_assert_str_eq(route.text, "42 10.20.1.10 dev lo table unspec");

	make_query(&q, "10.20.1.10", "10.10.1.10", "lan", 0);
	memset(&route, 0, sizeof(route));
	route.error = ENETUNREACH;
	dpc_route_format(&q, &route);
	ck_assert_str_eq(route.text,
					 "10.20.1.10 from 10.10.1.10 iif lan: Network is unreachable");

	make_query(&q, "10.20.1.10", NULL, "lan", 7);
	route.error = ENODEV;
	dpc_route_format(&q, &route);
	ck_assert_str_eq(route.text,
					 "10.20.1.10 iif lan mark 0x7: No such device");
}
END_TEST

START_TEST(test_format_long)
{
	dpc_route_query_t q;
	dpc_route_t route;
	const char *a = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff1";

	make_query(&q, a, a, "interface-name0", 0xffffffff);
	memset(&route, 0, sizeof(route));
	route.type = DPC_RT_PROHIBIT + 100;
	route.table = 4000000000u;
	memset(route.oif, 'x', sizeof(route.oif) - 1);
	ck_assert(dpc_addr_parse(&route.gateway, a));
	ck_assert(dpc_addr_parse(&route.prefsrc, a));
	dpc_route_format(&q, &route);
	ck_assert_uint_eq(strlen(route.text), DPC_ROUTE_STRLEN - 1);
	ck_assert(strncmp(route.text, "108 ffff:", 9) == 0);
}
END_TEST

/**
 * Build a well-formed route answer by hand: RTA_TABLE, RTA_OIF,
 * RTA_GATEWAY, RTA_PREFSRC.
 */
static struct nlmsghdr *good_route(uint8_t *buf)
{
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	uint8_t gw[4] = { 192, 0, 2, 1 }, src[4] = { 10, 10, 1, 1 };

	memset(buf, 0, MNL_SOCKET_BUFFER_SIZE);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWROUTE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_type = RTN_UNICAST;
	rtm->rtm_table = RT_TABLE_MAIN;
	mnl_attr_put_u32(nlh, RTA_TABLE, 220);
	mnl_attr_put_u32(nlh, RTA_OIF, 3);
	mnl_attr_put(nlh, RTA_GATEWAY, sizeof(gw), gw);
	mnl_attr_put(nlh, RTA_PREFSRC, sizeof(src), src);
	return nlh;
}

/**
 * The n-th top level attribute of a message.
 */
static struct nlattr *nth_attr(struct nlmsghdr *nlh, size_t hdrlen, int n)
{
	struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, hdrlen)
	{
		if (n-- == 0)
		{
			return attr;
		}
	}
	ck_abort_msg("no attribute %d", n);
	return NULL;
}

START_TEST(test_route_mtu)
{
	uint8_t buf[MNL_SOCKET_BUFFER_SIZE] __attribute__((aligned(4)));
	struct rta_cacheinfo ci;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	dpc_route_t route;

	/* "ip route get" of a cached exception: RTA_METRICS with RTAX_MTU
	 * (after RTAX_LOCK, as rtnetlink_put_metrics() orders them), and
	 * RTA_CACHEINFO with the expiry in USER_HZ */
	nlh = good_route(buf);
	nest = mnl_attr_nest_start(nlh, RTA_METRICS);
	mnl_attr_put_u32(nlh, RTAX_LOCK, 0);
	mnl_attr_put_u32(nlh, RTAX_MTU, 1400);
	mnl_attr_nest_end(nlh, nest);
	memset(&ci, 0, sizeof(ci));
	ci.rta_expires = 58012;
	mnl_attr_put(nlh, RTA_CACHEINFO, sizeof(ci), &ci);
	ck_assert(dpc_rtnl_parse_route(nlh, nlh->nlmsg_len, NULL, &route));
	ck_assert_uint_eq(route.mtu, 1400);
	ck_assert_uint_eq(route.mtu_expires, 581);
	ck_assert_uint_eq(route.table, 220);

	/* the route's own mtu metric: no expiry */
	nlh = good_route(buf);
	nest = mnl_attr_nest_start(nlh, RTA_METRICS);
	mnl_attr_put_u32(nlh, RTAX_MTU, 1380);
	mnl_attr_nest_end(nlh, nest);
	ci.rta_expires = 0;
	mnl_attr_put(nlh, RTA_CACHEINFO, sizeof(ci), &ci);
	ck_assert(dpc_rtnl_parse_route(nlh, nlh->nlmsg_len, NULL, &route));
	ck_assert_uint_eq(route.mtu, 1380);
	ck_assert_uint_eq(route.mtu_expires, 0);

	/* no metrics */
	nlh = good_route(buf);
	ck_assert(dpc_rtnl_parse_route(nlh, nlh->nlmsg_len, NULL, &route));
	ck_assert_uint_eq(route.mtu, 0);

	/* a short RTAX_MTU, a short RTA_CACHEINFO */
	nlh = good_route(buf);
	nest = mnl_attr_nest_start(nlh, RTA_METRICS);
	mnl_attr_put_u16(nlh, RTAX_MTU, 1400);
	mnl_attr_nest_end(nlh, nest);
	ck_assert(!dpc_rtnl_parse_route(nlh, nlh->nlmsg_len, NULL, &route));
	nlh = good_route(buf);
	mnl_attr_put(nlh, RTA_CACHEINFO, 4, &ci);
	ck_assert(!dpc_rtnl_parse_route(nlh, nlh->nlmsg_len, NULL, &route));
}
END_TEST

START_TEST(test_malformed_route)
{
	uint8_t buf[MNL_SOCKET_BUFFER_SIZE] __attribute__((aligned(4)));
	struct nlmsghdr *nlh;
	struct nlattr *attr;
	struct rtmsg *rtm;
	dpc_route_t route;

	nlh = good_route(buf);
	ck_assert(dpc_rtnl_parse_route(nlh, nlh->nlmsg_len, NULL, &route));
	ck_assert_uint_eq(route.table, 220);
	ck_assert_str_eq(route.oif, "if3");

	/* no message, or fewer bytes than the header says */
	ck_assert(!dpc_rtnl_parse_route(NULL, 100, NULL, &route));
	ck_assert(!dpc_rtnl_parse_route(nlh, 0, NULL, &route));
	ck_assert(!dpc_rtnl_parse_route(nlh, sizeof(*nlh) - 1, NULL, &route));
	ck_assert(!dpc_rtnl_parse_route(nlh, nlh->nlmsg_len - 1, NULL, &route));

	/* header shorter than struct rtmsg */
	nlh = good_route(buf);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + sizeof(struct rtmsg) - 1;
	ck_assert(!dpc_rtnl_parse_route(nlh, sizeof(buf), NULL, &route));

	/* message cut inside the last attribute */
	nlh = good_route(buf);
	nlh->nlmsg_len -= 2;
	ck_assert(!dpc_rtnl_parse_route(nlh, sizeof(buf), NULL, &route));

	/* message cut inside an attribute header */
	nlh = good_route(buf);
	nlh->nlmsg_len -= 6;
	ck_assert(!dpc_rtnl_parse_route(nlh, sizeof(buf), NULL, &route));

	/* attribute length beyond the message */
	nlh = good_route(buf);
	nth_attr(nlh, sizeof(*rtm), 1)->nla_len = 200;
	ck_assert(!dpc_rtnl_parse_route(nlh, sizeof(buf), NULL, &route));

	/* attribute length shorter than its header */
	nlh = good_route(buf);
	attr = nth_attr(nlh, sizeof(*rtm), 0);
	attr->nla_len = 2;
	ck_assert(!dpc_rtnl_parse_route(nlh, sizeof(buf), NULL, &route));
	attr->nla_len = 0;
	ck_assert(!dpc_rtnl_parse_route(nlh, sizeof(buf), NULL, &route));

	/* u32 attribute of the wrong size */
	nlh = good_route(buf);
	attr = nth_attr(nlh, sizeof(*rtm), 1);
	attr->nla_len = MNL_ATTR_HDRLEN + 2;
	ck_assert(!dpc_rtnl_parse_route(nlh, sizeof(buf), NULL, &route));

	/* IPv4 route with a 16 byte gateway */
	nlh = good_route(buf);
	mnl_attr_put(nlh, RTA_GATEWAY, 16, buf);
	ck_assert(!dpc_rtnl_parse_route(nlh, nlh->nlmsg_len, NULL, &route));

	/* unknown family */
	nlh = good_route(buf);
	rtm = mnl_nlmsg_get_payload(nlh);
	rtm->rtm_family = AF_UNSPEC;
	ck_assert(!dpc_rtnl_parse_route(nlh, nlh->nlmsg_len, NULL, &route));

	/* wrong message type */
	nlh = good_route(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	ck_assert(!dpc_rtnl_parse_route(nlh, nlh->nlmsg_len, NULL, &route));
	nlh->nlmsg_type = RTM_DELROUTE;
	ck_assert(!dpc_rtnl_parse_route(nlh, nlh->nlmsg_len, NULL, &route));

	/* trailing bytes that are no attribute */
	nlh = good_route(buf);
	nlh->nlmsg_len += 2;
	ck_assert(!dpc_rtnl_parse_route(nlh, nlh->nlmsg_len, NULL, &route));

	/* a rejected message leaves nothing behind */
	ck_assert_uint_eq(route.table, 0);
	ck_assert_str_eq(route.oif, "");
}
END_TEST

START_TEST(test_malformed_error)
{
	uint8_t buf[MNL_SOCKET_BUFFER_SIZE] __attribute__((aligned(4)));
	struct nlmsghdr *nlh;
	struct nlmsgerr *err;
	dpc_route_t route;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err));
	err->error = -EHOSTUNREACH;
	ck_assert(dpc_rtnl_parse_route(nlh, nlh->nlmsg_len, NULL, &route));
	ck_assert_int_eq(route.error, EHOSTUNREACH);

	/* an ACK is no answer */
	err->error = 0;
	ck_assert(!dpc_rtnl_parse_route(nlh, nlh->nlmsg_len, NULL, &route));
	/* positive or out of range errno */
	err->error = 5;
	ck_assert(!dpc_rtnl_parse_route(nlh, nlh->nlmsg_len, NULL, &route));
	err->error = -5000;
	ck_assert(!dpc_rtnl_parse_route(nlh, nlh->nlmsg_len, NULL, &route));
	/* truncated */
	err->error = -EINVAL;
	ck_assert(!dpc_rtnl_parse_route(nlh, nlh->nlmsg_len - 1, NULL, &route));
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + sizeof(int);
	ck_assert(!dpc_rtnl_parse_route(nlh, nlh->nlmsg_len, NULL, &route));
}
END_TEST

START_TEST(test_malformed_multipath)
{
	uint8_t buf[MNL_SOCKET_BUFFER_SIZE] __attribute__((aligned(4)));
	uint8_t gw[4] = { 192, 0, 2, 7 };
	struct nlmsghdr *nlh;
	struct nlattr *mp, *in;
	struct rtnexthop *nh;
	struct rtmsg *rtm;
	dpc_route_t route;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWROUTE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_type = RTN_UNICAST;
	rtm->rtm_table = RT_TABLE_MAIN;
	mp = mnl_attr_nest_start(nlh, RTA_MULTIPATH);
	nh = (struct rtnexthop*)((uint8_t*)mnl_nlmsg_get_payload_tail(nlh));
	nh->rtnh_ifindex = 9;
	nlh->nlmsg_len += RTNH_ALIGN(sizeof(*nh));
	in = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put(nlh, RTA_GATEWAY, sizeof(gw), gw);
	nh->rtnh_len = RTNH_ALIGN(sizeof(*nh)) + in->nla_len;
	mnl_attr_nest_end(nlh, mp);

	ck_assert(dpc_rtnl_parse_route(nlh, nlh->nlmsg_len, NULL, &route));
	ck_assert_str_eq(route.oif, "if9");
	check_addr(&route.gateway, "192.0.2.7");

	/* hop longer than the attribute */
	nh->rtnh_len += 8;
	ck_assert(!dpc_rtnl_parse_route(nlh, nlh->nlmsg_len, NULL, &route));
	/* hop shorter than its header */
	nh->rtnh_len = 4;
	ck_assert(!dpc_rtnl_parse_route(nlh, nlh->nlmsg_len, NULL, &route));
	/* gateway inside the hop overruns it */
	nh->rtnh_len = RTNH_ALIGN(sizeof(*nh)) + in->nla_len;
	in->nla_len += 4;
	ck_assert(!dpc_rtnl_parse_route(nlh, nlh->nlmsg_len, NULL, &route));
	/* gateway of the wrong size */
	in->nla_len = MNL_ATTR_HDRLEN + 3;
	ck_assert(!dpc_rtnl_parse_route(nlh, nlh->nlmsg_len, NULL, &route));
}
END_TEST

/**
 * A link message by hand.
 */
static struct nlmsghdr *good_link(uint8_t *buf, const char *name)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct nlattr *info;

	memset(buf, 0, MNL_SOCKET_BUFFER_SIZE);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = 7;
	ifi->ifi_flags = IFF_UP | IFF_POINTOPOINT;
	if (name)
	{
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	}
	mnl_attr_put_u32(nlh, IFLA_MTU, 1400);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "xfrm");
	mnl_attr_nest_end(nlh, info);
	return nlh;
}

START_TEST(test_malformed_link)
{
	uint8_t buf[MNL_SOCKET_BUFFER_SIZE] __attribute__((aligned(4)));
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct nlattr *attr;
	dpc_link_t link;

	nlh = good_link(buf, "xfrm-out");
	ck_assert(dpc_rtnl_parse_link(nlh, nlh->nlmsg_len, &link));
	ck_assert_str_eq(link.name, "xfrm-out");
	ck_assert_str_eq(link.kind, "xfrm");
	ck_assert_uint_eq(link.mtu, 1400);
	ck_assert_uint_eq(link.index, 7);
	ck_assert(link.up);

	/* no name, name too long */
	nlh = good_link(buf, NULL);
	ck_assert(!dpc_rtnl_parse_link(nlh, nlh->nlmsg_len, &link));
	nlh = good_link(buf, "a-name-longer-than-ifnamsiz");
	ck_assert(!dpc_rtnl_parse_link(nlh, nlh->nlmsg_len, &link));

	/* name without NUL is fine if it fits */
	nlh = good_link(buf, "vti");
	attr = nth_attr(nlh, sizeof(*ifi), 0);
	attr->nla_len = MNL_ATTR_HDRLEN + 3;
	ck_assert(dpc_rtnl_parse_link(nlh, nlh->nlmsg_len, &link));
	ck_assert_str_eq(link.name, "vti");

	/* a name of 15 characters fits, but not unterminated at 16 */
	nlh = good_link(buf, "abcdefghijklmno");
	ck_assert(dpc_rtnl_parse_link(nlh, nlh->nlmsg_len, &link));
	ck_assert_str_eq(link.name, "abcdefghijklmno");
	attr = nth_attr(nlh, sizeof(*ifi), 0);
	((char*)mnl_attr_get_payload(attr))[15] = 'p';
	ck_assert(!dpc_rtnl_parse_link(nlh, nlh->nlmsg_len, &link));

	/* nested kind overrunning IFLA_LINKINFO */
	nlh = good_link(buf, "vti0");
	attr = nth_attr(nlh, sizeof(*ifi), 2);
	((struct nlattr*)mnl_attr_get_payload(attr))->nla_len += 8;
	ck_assert(!dpc_rtnl_parse_link(nlh, nlh->nlmsg_len, &link));

	/* MTU of the wrong size */
	nlh = good_link(buf, "vti0");
	nth_attr(nlh, sizeof(*ifi), 1)->nla_len = MNL_ATTR_HDRLEN + 2;
	ck_assert(!dpc_rtnl_parse_link(nlh, nlh->nlmsg_len, &link));

	/* no index, truncated, wrong type */
	nlh = good_link(buf, "vti0");
	ifi = mnl_nlmsg_get_payload(nlh);
	ifi->ifi_index = 0;
	ck_assert(!dpc_rtnl_parse_link(nlh, nlh->nlmsg_len, &link));
	nlh = good_link(buf, "vti0");
	ck_assert(!dpc_rtnl_parse_link(nlh, nlh->nlmsg_len - 1, &link));
	nlh->nlmsg_type = RTM_NEWADDR;
	ck_assert(!dpc_rtnl_parse_link(nlh, nlh->nlmsg_len, &link));
	nlh = good_route(buf);
	ck_assert(!dpc_rtnl_parse_link(nlh, nlh->nlmsg_len, &link));
}
END_TEST

/**
 * An address message by hand.
 */
static struct nlmsghdr *good_addr(uint8_t *buf, int family, uint8_t plen)
{
	uint8_t local[16] = { 10, 0, 0, 1 }, peer[16] = { 10, 0, 0, 2 };
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	size_t len = family == AF_INET ? 4 : 16;

	memset(buf, 0, MNL_SOCKET_BUFFER_SIZE);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWADDR;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = family;
	ifa->ifa_prefixlen = plen;
	ifa->ifa_index = 4;
	mnl_attr_put(nlh, IFA_ADDRESS, len, peer);
	mnl_attr_put(nlh, IFA_LOCAL, len, local);
	mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_PERMANENT | IFA_F_NOPREFIXROUTE);
	return nlh;
}

START_TEST(test_malformed_addr)
{
	uint8_t buf[MNL_SOCKET_BUFFER_SIZE] __attribute__((aligned(4)));
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	dpc_ifaddr_t addr;

	/* point-to-point: IFA_LOCAL is ours, IFA_ADDRESS the peer */
	nlh = good_addr(buf, AF_INET, 32);
	ck_assert(dpc_rtnl_parse_addr(nlh, nlh->nlmsg_len, &addr));
	check_addr(&addr.addr, "10.0.0.1");
	ck_assert_uint_eq(addr.flags, IFA_F_PERMANENT | IFA_F_NOPREFIXROUTE);
	ck_assert_uint_eq(addr.index, 4);

	nlh = good_addr(buf, AF_INET, 33);
	ck_assert(!dpc_rtnl_parse_addr(nlh, nlh->nlmsg_len, &addr));
	nlh = good_addr(buf, AF_INET6, 129);
	ck_assert(!dpc_rtnl_parse_addr(nlh, nlh->nlmsg_len, &addr));
	nlh = good_addr(buf, AF_INET6, 128);
	ck_assert(dpc_rtnl_parse_addr(nlh, nlh->nlmsg_len, &addr));
	ck_assert_uint_eq(addr.addr.family, AF_INET6);

	/* IPv4 message with a 16 byte address */
	nlh = good_addr(buf, AF_INET, 24);
	mnl_attr_put(nlh, IFA_LOCAL, 16, buf);
	ck_assert(!dpc_rtnl_parse_addr(nlh, nlh->nlmsg_len, &addr));

	/* no address at all */
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWADDR;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_index = 1;
	ck_assert(!dpc_rtnl_parse_addr(nlh, nlh->nlmsg_len, &addr));

	/* other family, truncated, wrong type */
	nlh = good_addr(buf, AF_INET, 24);
	ifa = mnl_nlmsg_get_payload(nlh);
	ifa->ifa_family = AF_PACKET;
	ck_assert(!dpc_rtnl_parse_addr(nlh, nlh->nlmsg_len, &addr));
	nlh = good_addr(buf, AF_INET, 24);
	ck_assert(!dpc_rtnl_parse_addr(nlh, nlh->nlmsg_len - 3, &addr));
	nlh->nlmsg_type = RTM_NEWLINK;
	ck_assert(!dpc_rtnl_parse_addr(nlh, nlh->nlmsg_len, &addr));
}
END_TEST

/**
 * Every captured message cut at every length: the parsers must reject or
 * accept it without reading outside the cut (checked by the sanitizers).
 */
START_TEST(test_truncated_fixtures)
{
	const char *files[] = { "links", "addrs", "routes4", "iif_fwd_mark",
							"route6_out", "fibmatch_multipath",
							"iif_rpfilter" };
	struct nlmsghdr *nlh, *copy;
	dpc_route_t route;
	dpc_link_t link;
	dpc_ifaddr_t addr;
	fixture_t f;
	size_t i, cut;
	int len;

	if (!FIXTURES_USABLE)
	{
		return;
	}
	for (i = 0; i < N(files); i++)
	{
		f = load(files[i]);
		len = f.len;
		for (nlh = (struct nlmsghdr*)f.buf; mnl_nlmsg_ok(nlh, len);
			 nlh = mnl_nlmsg_next(nlh, &len))
		{
			for (cut = 0; cut < nlh->nlmsg_len; cut++)
			{
				copy = malloc(cut ? cut : 1);
				memcpy(copy, nlh, cut);
				/* fewer bytes than the header claims */
				ck_assert(!dpc_rtnl_parse_route(copy, cut, NULL, &route));
				ck_assert(!dpc_rtnl_parse_link(copy, cut, &link));
				ck_assert(!dpc_rtnl_parse_addr(copy, cut, &addr));
				/* a header that agrees with the cut */
				if (cut >= sizeof(*copy))
				{
					copy->nlmsg_len = cut;
					dpc_rtnl_parse_route(copy, cut, NULL, &route);
					dpc_rtnl_parse_link(copy, cut, &link);
					dpc_rtnl_parse_addr(copy, cut, &addr);
				}
				free(copy);
			}
		}
		free(f.buf);
	}
}
END_TEST

Suite *rtnl_parse_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("rtnl_parse");

	tc = tcase_create("kernel replies");
	tcase_add_test(tc, test_links);
	tcase_add_test(tc, test_addrs);
	tcase_add_loop_test(tc, test_route, 0, N(routes));
	tcase_add_test(tc, test_route_no_map);
	tcase_add_test(tc, test_route_dumped_types);
	suite_add_tcase(s, tc);

	tc = tcase_create("format");
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_format_long);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_test(tc, test_malformed_route);
	tcase_add_test(tc, test_malformed_error);
	tcase_add_test(tc, test_malformed_multipath);
	tcase_add_test(tc, test_route_mtu);
	tcase_add_test(tc, test_malformed_link);
	tcase_add_test(tc, test_malformed_addr);
	tcase_add_test(tc, test_truncated_fixtures);
	suite_add_tcase(s, tc);

	return s;
}
