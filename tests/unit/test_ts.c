/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_tests.h"

#include <model/dpc_ts.h>
#include <model/dpc_range_index.h>

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/**
 * Parse a selector that must be valid.
 */
static dpc_ts_t ts(const char *str)
{
	dpc_ts_t t;

	ck_assert_msg(dpc_ts_parse(&t, str), "cannot parse '%s'", str);
	return t;
}

/**
 * Print a selector (one static buffer: use once per expression).
 */
static const char *str(const dpc_ts_t *t)
{
	static char buf[DPC_TS_STRLEN];

	return dpc_ts_to_str(t, buf, sizeof(buf));
}

/**
 * Build a list from a NULL terminated array of selector strings.
 */
static void list_of(dpc_ts_list_t *list, const char *const *strs)
{
	dpc_ts_t t;

	dpc_ts_list_init(list);
	for (; strs && *strs; strs++)
	{
		t = ts(*strs);
		ck_assert(dpc_ts_list_add(list, &t));
	}
}

/**
 * "from" minus the covers, printed as a list.
 */
static const char *subtract(const char *from, const char *const *covers)
{
	static char buf[1024];
	dpc_ts_list_t cover, out;
	dpc_ts_t f = ts(from);
	size_t i;

	list_of(&cover, covers);
	dpc_ts_list_init(&out);
	ck_assert(dpc_ts_subtract(&f, &cover, &out));
	/* the result is disjoint and sorted */
	for (i = 1; i < out.count; i++)
	{
		ck_assert_int_lt(memcmp(out.ts[i - 1].to, out.ts[i].from,
								dpc_addr_len(f.family)), 0);
	}
	dpc_ts_list_to_str(&out, buf, sizeof(buf));
	dpc_ts_list_clear(&cover);
	dpc_ts_list_clear(&out);
	return buf;
}

START_TEST(test_addr_parse)
{
	char buf[DPC_ADDR_STRLEN];
	dpc_addr_t a, b;

	ck_assert(dpc_addr_parse(&a, "10.1.2.3"));
	ck_assert_int_eq(a.family, AF_INET);
	ck_assert_uint_eq(dpc_addr_len(a.family), 4);
	ck_assert_str_eq(dpc_addr_to_str(&a, buf, sizeof(buf)), "10.1.2.3");
	ck_assert(dpc_addr_parse(&b, "fd00:0::1"));
	ck_assert_int_eq(b.family, AF_INET6);
	ck_assert_uint_eq(dpc_addr_len(b.family), 16);
	ck_assert_str_eq(dpc_addr_to_str(&b, buf, sizeof(buf)), "fd00::1");
	ck_assert_uint_eq(dpc_addr_len(0), 0);

	ck_assert(!dpc_addr_parse(&a, "10.1.2"));
	ck_assert(!dpc_addr_parse(&a, "10.1.2.3/24"));
	ck_assert(!dpc_addr_parse(&a, "foo"));
	ck_assert(!dpc_addr_parse(&a, ""));
	ck_assert(!dpc_addr_parse(&a, NULL));
	ck_assert_int_eq(a.family, 0);
	ck_assert_str_eq(dpc_addr_to_str(&a, buf, sizeof(buf)), "%any");

	/* a short buffer is truncated, never overrun */
	ck_assert(dpc_addr_parse(&a, "192.168.100.200"));
	ck_assert_str_eq(dpc_addr_to_str(&a, buf, 5), "192.");
}
END_TEST

START_TEST(test_addr_cmp)
{
	dpc_addr_t a, b;

	ck_assert(dpc_addr_parse(&a, "10.0.0.1"));
	ck_assert(dpc_addr_parse(&b, "10.0.0.2"));
	ck_assert_int_lt(dpc_addr_cmp(&a, &b), 0);
	ck_assert_int_gt(dpc_addr_cmp(&b, &a), 0);
	/* ports are ignored */
	ck_assert(dpc_addr_parse(&b, "10.0.0.1"));
	a.port = 500;
	b.port = 4500;
	ck_assert_int_eq(dpc_addr_cmp(&a, &b), 0);
	ck_assert(dpc_addr_parse(&a, "fd00::1"));
	ck_assert(dpc_addr_parse(&b, "fd00::1:0"));
	ck_assert_int_lt(dpc_addr_cmp(&a, &b), 0);
}
END_TEST

/** selectors printed exactly as parsed */
static const char *roundtrip[] = {
	"10.0.0.0/24",
	"10.0.0.1/32",
	"10.0.0.5-10.0.0.9",
	"10.0.0.2-10.0.0.5",
	"10.0.0.0-10.0.2.255",
	"0.0.0.0/0",
	"::/0",
	"fd00::/64",
	"fd00::1/128",
	"fd00::1-fd00::ff",
	"10.0.0.0/24[tcp/443]",
	"10.0.0.0/24[tcp]",
	"10.0.0.0/24[udp/500-4500]",
	"10.0.0.0/24[icmp]",
	"fd00::/64[ipv6-icmp]",
	"10.0.0.0/24[47]",
	"10.0.0.0/24[0/443]",
	"10.0.0.0/24[udp/OPAQUE]",
	"192.168.1.1/32[udp/0]",
	"255.255.255.255/32",
	"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128",
};

START_TEST(test_roundtrip)
{
	dpc_ts_t t = ts(roundtrip[_i]);

	ck_assert_str_eq(str(&t), roundtrip[_i]);
}
END_TEST

/** input, normalized output */
static const char *normalized[][2] = {
	{ "10.0.0.1/24", "10.0.0.0/24" },
	{ "10.0.0.0-10.0.0.255", "10.0.0.0/24" },
	{ "10.0.0.0-10.0.0.3", "10.0.0.0/30" },
	{ "10.0.0.0-10.0.1.255", "10.0.0.0/23" },
	{ "10.0.0.7", "10.0.0.7/32" },
	{ "10.0.0.7-10.0.0.7", "10.0.0.7/32" },
	{ "fd00::1", "fd00::1/128" },
	{ "fd00::1234/64", "fd00::/64" },
	{ "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::/0" },
	{ "0.0.0.0-255.255.255.255", "0.0.0.0/0" },
	{ "10.0.0.0/24[6/443]", "10.0.0.0/24[tcp/443]" },
	{ "10.0.0.0/24[17/53]", "10.0.0.0/24[udp/53]" },
	{ "10.0.0.0/24[1]", "10.0.0.0/24[icmp]" },
	{ "fd00::/64[58]", "fd00::/64[ipv6-icmp]" },
	{ "10.0.0.0/24[any]", "10.0.0.0/24" },
	{ "10.0.0.0/24[0]", "10.0.0.0/24" },
	{ "10.0.0.0/24[tcp/any]", "10.0.0.0/24[tcp]" },
	{ "10.0.0.0/24[tcp/0-65535]", "10.0.0.0/24[tcp]" },
	{ "10.0.0.0/24[udp/500-500]", "10.0.0.0/24[udp/500]" },
	{ "10.0.0.0/24[udp/opaque]", "10.0.0.0/24[udp/OPAQUE]" },
	/* ICMP ports are type << 8 | code, printed like strongSwan */
	{ "10.0.0.0/8[icmp/2048]", "10.0.0.0/8[icmp/8]" },
	{ "10.0.0.0/8[icmp/769]", "10.0.0.0/8[icmp/3(1)]" },
	{ "fd00::/8[ipv6-icmp/512-767]", "fd00::/8[ipv6-icmp/2-2(255)]" },
};

START_TEST(test_normalized)
{
	dpc_ts_t t = ts(normalized[_i][0]);

	ck_assert_str_eq(str(&t), normalized[_i][1]);
}
END_TEST

static const char *invalid[] = {
	"",
	"foo",
	"10.0.0.0/",
	"10.0.0.0/a",
	"10.0.0.0/33",
	"10.0.0.0/-1",
	"10.0.0.0/24/8",
	"::/129",
	"10.0.0.9-10.0.0.5",
	"10.0.0.1-fd00::1",
	"10.0.0.1-",
	"-10.0.0.1",
	"10.0.0.0/24[tcp",
	"10.0.0.0/24[]",
	"10.0.0.0/24[foo]",
	"10.0.0.0/24[256]",
	"10.0.0.0/24[-1]",
	"10.0.0.0/24[tcp/70000]",
	"10.0.0.0/24[tcp/5-3]",
	"10.0.0.0/24[tcp/]",
	"10.0.0.0/24[tcp/1-]",
	"10.0.0.0/24[tcp/x]",
	"10.0.0.0/24[tcp/443]x",
	"[tcp/443]",
	" 10.0.0.0/24",
	"10.0.0.0/24 ",
};

START_TEST(test_invalid)
{
	dpc_ts_t t;

	ck_assert_msg(!dpc_ts_parse(&t, invalid[_i]), "parsed '%s'", invalid[_i]);
}
END_TEST

START_TEST(test_parse_limits)
{
	char longer[400];
	dpc_ts_t t;

	ck_assert(!dpc_ts_parse(&t, NULL));
	memset(longer, '1', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	ck_assert(!dpc_ts_parse(&t, longer));

	t = ts("10.0.0.0/24");
	ck_assert_int_eq(t.family, AF_INET);
	ck_assert_int_eq(t.proto, 0);
	ck_assert_int_eq(t.from_port, 0);
	ck_assert_int_eq(t.to_port, 0xffff);
	ck_assert(dpc_ts_is_any_proto(&t));
	t = ts("10.0.0.0/24[udp/500-4500]");
	ck_assert_int_eq(t.proto, IPPROTO_UDP);
	ck_assert_int_eq(t.from_port, 500);
	ck_assert_int_eq(t.to_port, 4500);
	ck_assert(!dpc_ts_is_any_proto(&t));
	t = ts("10.0.0.0/24[0/443]");
	ck_assert(!dpc_ts_is_any_proto(&t));
}
END_TEST

START_TEST(test_from_prefix)
{
	uint8_t v4[4] = { 10, 20, 1, 77 };
	uint8_t v6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0xab, 0xcd };
	dpc_ts_t t;

	ck_assert(dpc_ts_from_prefix(&t, AF_INET, v4, 24));
	ck_assert_str_eq(str(&t), "10.20.1.0/24");
	ck_assert(dpc_ts_from_prefix(&t, AF_INET, v4, 32));
	ck_assert_str_eq(str(&t), "10.20.1.77/32");
	ck_assert(dpc_ts_from_prefix(&t, AF_INET, v4, 0));
	ck_assert_str_eq(str(&t), "0.0.0.0/0");
	ck_assert(dpc_ts_from_prefix(&t, AF_INET, v4, 13));
	ck_assert_str_eq(str(&t), "10.16.0.0/13");
	ck_assert(dpc_ts_from_prefix(&t, AF_INET6, v6, 64));
	ck_assert_str_eq(str(&t), "fd00::/64");
	ck_assert(dpc_ts_from_prefix(&t, AF_INET6, v6, 72));
	ck_assert_str_eq(str(&t), "fd00::ab00:0:0:0/72");
	ck_assert(dpc_ts_from_prefix(&t, AF_INET6, v6, 0));
	ck_assert_str_eq(str(&t), "::/0");
	ck_assert(dpc_ts_is_any_proto(&t));

	ck_assert(!dpc_ts_from_prefix(&t, AF_INET, v4, 33));
	ck_assert(!dpc_ts_from_prefix(&t, AF_INET6, v6, 129));
	ck_assert(!dpc_ts_from_prefix(&t, 0, v4, 8));
}
END_TEST

START_TEST(test_prefixlen)
{
	dpc_ts_t t;

	t = ts("10.0.0.0/24");
	ck_assert_int_eq(dpc_ts_prefixlen(&t), 24);
	t = ts("0.0.0.0/0");
	ck_assert_int_eq(dpc_ts_prefixlen(&t), 0);
	t = ts("10.0.0.1");
	ck_assert_int_eq(dpc_ts_prefixlen(&t), 32);
	t = ts("::/0");
	ck_assert_int_eq(dpc_ts_prefixlen(&t), 0);
	t = ts("fd00::1");
	ck_assert_int_eq(dpc_ts_prefixlen(&t), 128);
	t = ts("fd00::/57");
	ck_assert_int_eq(dpc_ts_prefixlen(&t), 57);
	t = ts("10.0.0.1-10.0.0.2");
	ck_assert_int_eq(dpc_ts_prefixlen(&t), -1);
	t = ts("10.0.0.0-10.0.0.2");
	ck_assert_int_eq(dpc_ts_prefixlen(&t), -1);
	t = ts("10.0.0.1-10.0.0.3");
	ck_assert_int_eq(dpc_ts_prefixlen(&t), -1);
	memset(&t, 0, sizeof(t));
	ck_assert_int_eq(dpc_ts_prefixlen(&t), -1);
}
END_TEST

START_TEST(test_to_str_limits)
{
	char buf[DPC_TS_STRLEN] = "untouched";
	dpc_ts_t t;

	/* the longest selector fits DPC_TS_STRLEN */
	ck_assert(!dpc_ts_parse(&t, "::1-::2[ipv6-icmp/65535-65534]"));
	t = ts("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0-"
		   "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe[ipv6-icmp/65534-65535]");
	dpc_ts_to_str(&t, buf, sizeof(buf));
	ck_assert_str_eq(buf, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0-"
					 "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"
					 "[ipv6-icmp/255(254)-255(255)]");

	strcpy(buf, "untouched");
	dpc_ts_to_str(&t, buf, 0);
	ck_assert_str_eq(buf, "untouched");
	dpc_ts_to_str(&t, buf, 1);
	ck_assert_str_eq(buf, "");
	t = ts("10.0.0.0/24[tcp/443]");
	dpc_ts_to_str(&t, buf, 12);
	ck_assert_str_eq(buf, "10.0.0.0/24");
	dpc_ts_to_str(&t, buf, 15);
	ck_assert_str_eq(buf, "10.0.0.0/24[tc");
}
END_TEST

START_TEST(test_contains_addr)
{
	dpc_ts_t t = ts("10.0.0.0/24");
	dpc_addr_t a;

	ck_assert(dpc_addr_parse(&a, "10.0.0.0"));
	ck_assert(dpc_ts_contains_addr(&t, &a));
	ck_assert(dpc_addr_parse(&a, "10.0.0.255"));
	ck_assert(dpc_ts_contains_addr(&t, &a));
	ck_assert(dpc_addr_parse(&a, "10.0.1.0"));
	ck_assert(!dpc_ts_contains_addr(&t, &a));
	ck_assert(dpc_addr_parse(&a, "9.255.255.255"));
	ck_assert(!dpc_ts_contains_addr(&t, &a));
	ck_assert(dpc_addr_parse(&a, "::a00:1"));
	ck_assert(!dpc_ts_contains_addr(&t, &a));
	t = ts("::/0");
	ck_assert(dpc_ts_contains_addr(&t, &a));
	ck_assert(dpc_addr_parse(&a, "10.0.0.1"));
	ck_assert(!dpc_ts_contains_addr(&t, &a));
}
END_TEST

/** inner, outer, is_subset */
static const struct {
	const char *inner;
	const char *outer;
	bool subset;
} subsets[] = {
	{ "10.0.0.0/24", "10.0.0.0/24", true },
	{ "10.0.0.0/25", "10.0.0.0/24", true },
	{ "10.0.0.0/24", "10.0.0.0/25", false },
	{ "10.0.0.0/24", "0.0.0.0/0", true },
	{ "0.0.0.0/0", "10.0.0.0/8", false },
	{ "10.0.0.5-10.0.0.9", "10.0.0.0/29", false },
	{ "10.0.0.5-10.0.0.7", "10.0.0.0/29", true },
	{ "10.0.0.1", "10.0.0.1", true },
	{ "10.0.0.1", "10.0.0.2", false },
	{ "10.0.0.0/24", "::/0", false },
	{ "fd00::/64", "::/0", true },
	{ "fd00::/48", "fd00::/64", false },
	/* protocols and ports */
	{ "10.0.0.0/24[tcp/443]", "10.0.0.0/24", true },
	{ "10.0.0.0/24[tcp/443]", "10.0.0.0/16[tcp]", true },
	{ "10.0.0.0/24[tcp/443]", "10.0.0.0/16[tcp/400-500]", true },
	{ "10.0.0.0/24[tcp/400-500]", "10.0.0.0/16[tcp/443]", false },
	{ "10.0.0.0/24[tcp/443]", "10.0.0.0/16[udp/443]", false },
	{ "10.0.0.0/24[tcp/443]", "10.0.0.0/16[0/443]", true },
	{ "10.0.0.0/24", "10.0.0.0/24[tcp]", false },
	{ "10.0.0.0/24[tcp]", "10.0.0.0/24[tcp/443]", false },
	{ "10.0.0.0/24[udp/OPAQUE]", "10.0.0.0/24[udp]", true },
	{ "10.0.0.0/24[udp/OPAQUE]", "10.0.0.0/24[udp/OPAQUE]", true },
	{ "10.0.0.0/24[udp/OPAQUE]", "10.0.0.0/24[udp/0-100]", false },
	{ "10.0.0.0/24[udp/500]", "10.0.0.0/24[udp/OPAQUE]", false },
	{ "10.0.0.0/24[udp/500]", "10.0.0.0/25[udp/500]", false },
};

START_TEST(test_subset)
{
	dpc_ts_t inner = ts(subsets[_i].inner), outer = ts(subsets[_i].outer);

	ck_assert_msg(dpc_ts_is_subset(&inner, &outer) == subsets[_i].subset,
				  "%s in %s", subsets[_i].inner, subsets[_i].outer);
}
END_TEST

/** a, b, overlap (checked both ways) */
static const struct {
	const char *a;
	const char *b;
	bool overlap;
} overlaps[] = {
	{ "10.0.0.0/24", "10.0.0.0/24", true },
	{ "10.0.0.0/24", "10.0.0.128/25", true },
	{ "10.0.0.0/24", "10.0.1.0/24", false },
	{ "10.0.0.0-10.0.0.10", "10.0.0.10-10.0.0.20", true },
	{ "10.0.0.0-10.0.0.9", "10.0.0.10-10.0.0.20", false },
	{ "0.0.0.0/0", "255.255.255.255", true },
	{ "0.0.0.0/0", "::/0", false },
	{ "fd00::/64", "fd00::1:0:0:0:0/64", false },
	{ "fd00::/63", "fd00::1:0:0:0:0/64", true },
	{ "10.0.0.0/24[tcp]", "10.0.0.0/24[udp]", false },
	{ "10.0.0.0/24[tcp]", "10.0.0.0/24", true },
	{ "10.0.0.0/24[tcp/80]", "10.0.0.0/24[tcp/443]", false },
	{ "10.0.0.0/24[tcp/80-443]", "10.0.0.0/24[tcp/443-500]", true },
	{ "10.0.0.0/24[tcp/80]", "10.0.0.0/24[0/80]", true },
	{ "10.0.0.0/24[udp/OPAQUE]", "10.0.0.0/24[udp/OPAQUE]", true },
	{ "10.0.0.0/24[udp/OPAQUE]", "10.0.0.0/24[udp]", true },
	{ "10.0.0.0/24[udp/OPAQUE]", "10.0.0.0/24[udp/500]", false },
	{ "10.0.0.0/24[tcp/443]", "10.0.1.0/24[tcp/443]", false },
};

START_TEST(test_overlaps)
{
	dpc_ts_t a = ts(overlaps[_i].a), b = ts(overlaps[_i].b);

	ck_assert_msg(dpc_ts_overlaps(&a, &b) == overlaps[_i].overlap,
				  "%s and %s", overlaps[_i].a, overlaps[_i].b);
	ck_assert_msg(dpc_ts_overlaps(&b, &a) == overlaps[_i].overlap,
				  "%s and %s", overlaps[_i].b, overlaps[_i].a);
}
END_TEST

START_TEST(test_addr_count)
{
	dpc_ts_t t;

	t = ts("10.0.0.0/24");
	ck_assert_uint_eq(dpc_ts_addr_count(&t), 256);
	t = ts("10.0.0.1");
	ck_assert_uint_eq(dpc_ts_addr_count(&t), 1);
	t = ts("10.0.0.5-10.0.0.9");
	ck_assert_uint_eq(dpc_ts_addr_count(&t), 5);
	t = ts("9.255.255.250-10.0.0.5");
	ck_assert_uint_eq(dpc_ts_addr_count(&t), 12);
	t = ts("0.0.0.0/0");
	ck_assert_uint_eq(dpc_ts_addr_count(&t), 1ULL << 32);
	t = ts("fd00::/120");
	ck_assert_uint_eq(dpc_ts_addr_count(&t), 256);
	t = ts("fd00::/65");
	ck_assert_uint_eq(dpc_ts_addr_count(&t), 1ULL << 63);
	t = ts("fd00::/64");
	ck_assert_uint_eq(dpc_ts_addr_count(&t), UINT64_MAX);
	t = ts("fd00::1-fd00::ffff:ffff:ffff:ffff");
	ck_assert_uint_eq(dpc_ts_addr_count(&t), UINT64_MAX);
	t = ts("fd00::2-fd00::ffff:ffff:ffff:ffff");
	ck_assert_uint_eq(dpc_ts_addr_count(&t), UINT64_MAX - 1);
	t = ts("::/0");
	ck_assert_uint_eq(dpc_ts_addr_count(&t), UINT64_MAX);
	memset(&t, 0, sizeof(t));
	ck_assert_uint_eq(dpc_ts_addr_count(&t), 0);
}
END_TEST

START_TEST(test_addr_nth)
{
	char buf[DPC_ADDR_STRLEN];
	dpc_addr_t a;
	dpc_ts_t t;

	t = ts("10.20.1.0/24");
	dpc_ts_addr_nth(&t, 0, &a);
	ck_assert_int_eq(a.family, AF_INET);
	ck_assert_str_eq(dpc_addr_to_str(&a, buf, sizeof(buf)), "10.20.1.0");
	dpc_ts_addr_nth(&t, 10, &a);
	ck_assert_str_eq(dpc_addr_to_str(&a, buf, sizeof(buf)), "10.20.1.10");
	dpc_ts_addr_nth(&t, 255, &a);
	ck_assert_str_eq(dpc_addr_to_str(&a, buf, sizeof(buf)), "10.20.1.255");
	dpc_ts_addr_nth(&t, 256, &a);
	ck_assert_str_eq(dpc_addr_to_str(&a, buf, sizeof(buf)), "10.20.1.255");
	dpc_ts_addr_nth(&t, UINT64_MAX, &a);
	ck_assert_str_eq(dpc_addr_to_str(&a, buf, sizeof(buf)), "10.20.1.255");

	t = ts("10.0.0.250-10.0.1.5");
	dpc_ts_addr_nth(&t, 6, &a);
	ck_assert_str_eq(dpc_addr_to_str(&a, buf, sizeof(buf)), "10.0.1.0");
	t = ts("255.255.255.0/24");
	dpc_ts_addr_nth(&t, 1000, &a);
	ck_assert_str_eq(dpc_addr_to_str(&a, buf, sizeof(buf)),
					 "255.255.255.255");

	t = ts("fd00::ff00-fd00::ffff:ffff");
	dpc_ts_addr_nth(&t, 0x100, &a);
	ck_assert_int_eq(a.family, AF_INET6);
	ck_assert_str_eq(dpc_addr_to_str(&a, buf, sizeof(buf)), "fd00::1:0");
	t = ts("fd00::ffff:ffff:ffff:ff00-fd00::1:0:0:0:ff");
	dpc_ts_addr_nth(&t, 0x101, &a);
	ck_assert_str_eq(dpc_addr_to_str(&a, buf, sizeof(buf)), "fd00:0:0:1::1");
	t = ts("::/0");
	dpc_ts_addr_nth(&t, UINT64_MAX, &a);
	ck_assert_str_eq(dpc_addr_to_str(&a, buf, sizeof(buf)),
					 "::ffff:ffff:ffff:ffff");
	t = ts("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00/120");
	dpc_ts_addr_nth(&t, UINT64_MAX, &a);
	ck_assert_str_eq(dpc_addr_to_str(&a, buf, sizeof(buf)),
					 "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
}
END_TEST

START_TEST(test_list)
{
	const char *strs[] = { "10.0.0.0/24", "10.0.1.0/24", "fd00::/64", NULL };
	char buf[128];
	dpc_ts_list_t a, b;
	dpc_ts_t t;
	int i;

	list_of(&a, strs);
	ck_assert_uint_eq(a.count, 3);
	ck_assert_str_eq(dpc_ts_list_to_str(&a, buf, sizeof(buf)),
					 "10.0.0.0/24, 10.0.1.0/24, fd00::/64");

	/* copy replaces what dst had */
	list_of(&b, (const char*[]){ "1.1.1.1", NULL });
	ck_assert(dpc_ts_list_copy(&b, &a));
	ck_assert_uint_eq(b.count, 3);
	ck_assert_str_eq(dpc_ts_list_to_str(&b, buf, sizeof(buf)),
					 "10.0.0.0/24, 10.0.1.0/24, fd00::/64");
	ck_assert(b.ts != a.ts);
	ck_assert(dpc_ts_list_copy(&b, &b));
	ck_assert_uint_eq(b.count, 3);
	dpc_ts_list_clear(&a);
	ck_assert_uint_eq(a.count, 0);
	ck_assert_ptr_null(a.ts);
	ck_assert_str_eq(dpc_ts_list_to_str(&a, buf, sizeof(buf)), "");
	ck_assert(dpc_ts_list_copy(&b, &a));
	ck_assert_uint_eq(b.count, 0);
	dpc_ts_list_clear(&b);

	/* growth */
	t = ts("10.0.0.1");
	for (i = 0; i < 1000; i++)
	{
		t.to[3] = t.from[3] = (uint8_t)i;
		ck_assert(dpc_ts_list_add(&a, &t));
	}
	ck_assert_uint_eq(a.count, 1000);
	ck_assert_uint_ge(a.size, 1000);
	ck_assert_int_eq(a.ts[999].from[3], 999 & 0xff);
	dpc_ts_list_clear(&a);
}
END_TEST

START_TEST(test_list_to_str_truncated)
{
	const char *strs[] = { "10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", NULL };
	char buf[64];
	dpc_ts_list_t l;

	list_of(&l, strs);
	ck_assert_str_eq(dpc_ts_list_to_str(&l, buf, 30), "10.0.0.0/24, 10.0.1.0/24, ...");
	ck_assert_str_eq(dpc_ts_list_to_str(&l, buf, 20), "10.0.0.0/24, ...");
	ck_assert_str_eq(dpc_ts_list_to_str(&l, buf, 10), "...");
	ck_assert_str_eq(dpc_ts_list_to_str(&l, buf, 4), "...");
	ck_assert_str_eq(dpc_ts_list_to_str(&l, buf, 3), "");
	ck_assert_str_eq(dpc_ts_list_to_str(&l, buf, 38),
					 "10.0.0.0/24, 10.0.1.0/24, 10.0.2.0/24");
	ck_assert_str_eq(dpc_ts_list_to_str(&l, buf, 37),
					 "10.0.0.0/24, 10.0.1.0/24, ...");
	dpc_ts_list_clear(&l);
}
END_TEST

/** from, covers (NULL terminated), expected remainder */
static const struct {
	const char *from;
	const char *covers[6];
	const char *rest;
} subtractions[] = {
	/* the classic narrowing: the peer only accepted a /29 */
	{ "10.20.1.0/24", { "10.20.1.0/29" }, "10.20.1.8-10.20.1.255" },
	{ "10.20.1.0/24", { NULL }, "10.20.1.0/24" },
	{ "10.20.1.0/24", { "10.20.1.0/24" }, "" },
	{ "10.20.1.0/24", { "10.0.0.0/8" }, "" },
	{ "10.20.1.0/24", { "10.20.2.0/24" }, "10.20.1.0/24" },
	{ "10.20.1.0/24", { "10.20.1.64/26" }, "10.20.1.0/26, 10.20.1.128/25" },
	{ "10.20.1.0/24", { "10.20.1.128/25" }, "10.20.1.0/25" },
	{ "10.20.1.0/24", { "10.20.1.255" }, "10.20.1.0-10.20.1.254" },
	{ "10.20.1.0/24", { "10.20.1.0" }, "10.20.1.1-10.20.1.255" },
	{ "10.20.1.0/24", { "10.20.1.0/25", "10.20.1.128/25" }, "" },
	/* several covers, unsorted, overlapping each other and sticking out */
	{ "10.20.1.0/24", { "10.20.1.128/25", "10.20.1.100", "10.20.1.32/27",
						"10.20.0.0/24", "10.20.0.200-10.20.1.63" },
	  "10.20.1.64-10.20.1.99, 10.20.1.101-10.20.1.127" },
	{ "10.20.1.0/24", { "10.20.1.10", "10.20.1.5", "10.20.1.20" },
	  "10.20.1.0-10.20.1.4, 10.20.1.6-10.20.1.9, 10.20.1.11-10.20.1.19, "
	  "10.20.1.21-10.20.1.255" },
	{ "10.20.1.0/24", { "10.20.1.5", "10.20.1.5", "10.20.1.6" },
	  "10.20.1.0-10.20.1.4, 10.20.1.7-10.20.1.255" },
	/* host selectors */
	{ "10.0.0.1", { "10.0.0.1" }, "" },
	{ "10.0.0.1", { "10.0.0.2" }, "10.0.0.1/32" },
	/* the whole address space and its ends */
	{ "0.0.0.0/0", { "0.0.0.0/0" }, "" },
	{ "0.0.0.0/0", { "128.0.0.0/1" }, "0.0.0.0/1" },
	{ "0.0.0.0/0", { "0.0.0.0/1" }, "128.0.0.0/1" },
	{ "0.0.0.0/0", { "255.255.255.255" }, "0.0.0.0-255.255.255.254" },
	{ "0.0.0.0/0", { "0.0.0.0" }, "0.0.0.1-255.255.255.255" },
	{ "0.0.0.0/0", { "10.0.0.0/8", "192.168.0.0/16", "172.16.0.0/12" },
	  "0.0.0.0-9.255.255.255, 11.0.0.0-172.15.255.255, "
	  "172.32.0.0-192.167.255.255, 192.169.0.0-255.255.255.255" },
	{ "255.255.255.0/24", { "255.255.255.0/25" }, "255.255.255.128/25" },
	/* IPv6 */
	{ "::/0", { "::/0" }, "" },
	{ "::/0", { "::/1" }, "8000::/1" },
	{ "::/0", { "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
	  "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe" },
	{ "fd00::/64", { "fd00::/65" }, "fd00::8000:0:0:0/65" },
	{ "fd00::/64", { "fd00::8000:0:0:0/65", "fd00::/66" },
	  "fd00::4000:0:0:0/66" },
	{ "fd00::/64", { "fd00::ffff:ffff:ffff:ffff" },
	  "fd00::-fd00::ffff:ffff:ffff:fffe" },
	{ "fd00::/48", { "fd00:0:0:1::/64" },
	  "fd00::/64, fd00:0:0:2::-fd00::ffff:ffff:ffff:ffff:ffff" },
	/* other families cover nothing */
	{ "10.20.1.0/24", { "::/0" }, "10.20.1.0/24" },
	{ "fd00::/64", { "0.0.0.0/0" }, "fd00::/64" },
	/* a CHILD_SA for one protocol/port leaves the rest unprotected */
	{ "10.20.1.0/24", { "10.20.1.0/24[tcp/443]" }, "10.20.1.0/24" },
	{ "10.20.1.0/24", { "10.20.1.0/24[tcp]" }, "10.20.1.0/24" },
	{ "10.20.1.0/24[tcp/443]", { "10.20.1.0/24[tcp/443]" }, "" },
	{ "10.20.1.0/24[tcp/443]", { "10.20.1.0/24[tcp]" }, "" },
	{ "10.20.1.0/24[tcp/443]", { "10.20.1.0/24" }, "" },
	{ "10.20.1.0/24[tcp/443]", { "10.20.1.0/24[udp]" },
	  "10.20.1.0/24[tcp/443]" },
	{ "10.20.1.0/24[tcp/443]", { "10.20.1.0/25" }, "10.20.1.128/25[tcp/443]" },
	{ "10.20.1.0/24[tcp/443]", { "10.20.1.0/25[tcp/80]", "10.20.1.0/26" },
	  "10.20.1.64-10.20.1.255[tcp/443]" },
};

START_TEST(test_subtract)
{
	ck_assert_str_eq(subtract(subtractions[_i].from, subtractions[_i].covers),
					 subtractions[_i].rest);
}
END_TEST

START_TEST(test_subtract_appends)
{
	dpc_ts_list_t cover, out;
	dpc_ts_t from = ts("10.0.0.0/24"), other = ts("1.1.1.1");
	char buf[256];

	list_of(&cover, (const char*[]){ "10.0.0.0/25", NULL });
	dpc_ts_list_init(&out);
	ck_assert(dpc_ts_list_add(&out, &other));
	ck_assert(dpc_ts_subtract(&from, &cover, &out));
	ck_assert_str_eq(dpc_ts_list_to_str(&out, buf, sizeof(buf)),
					 "1.1.1.1/32, 10.0.0.128/25");
	dpc_ts_list_clear(&out);

	/* an empty or invalid range leaves nothing */
	memset(&from, 0, sizeof(from));
	ck_assert(dpc_ts_subtract(&from, &cover, &out));
	ck_assert_uint_eq(out.count, 0);
	dpc_ts_list_clear(&cover);
}
END_TEST

START_TEST(test_list_subtract)
{
	dpc_ts_list_t cfg, neg, out;
	char buf[256];

	list_of(&cfg, (const char*[]){ "10.20.1.0/24", "10.30.0.0/16",
								   "fd00:20::/64", NULL });
	list_of(&neg, (const char*[]){ "10.20.1.0/29", "10.30.0.0/16",
								   "fd00:20::/65", NULL });
	dpc_ts_list_init(&out);
	ck_assert(dpc_ts_list_subtract(&cfg, &neg, &out));
	ck_assert_str_eq(dpc_ts_list_to_str(&out, buf, sizeof(buf)),
					 "10.20.1.8-10.20.1.255, fd00:20:0:0:8000::/65");
	dpc_ts_list_clear(&out);

	/* nothing negotiated: everything is uncovered */
	dpc_ts_list_clear(&neg);
	ck_assert(dpc_ts_list_subtract(&cfg, &neg, &out));
	ck_assert_str_eq(dpc_ts_list_to_str(&out, buf, sizeof(buf)),
					 "10.20.1.0/24, 10.30.0.0/16, fd00:20::/64");
	dpc_ts_list_clear(&out);

	/* nothing configured: nothing to miss */
	ck_assert(dpc_ts_list_subtract(&neg, &cfg, &out));
	ck_assert_uint_eq(out.count, 0);
	dpc_ts_list_clear(&cfg);
	dpc_ts_list_clear(&out);
}
END_TEST

#define N(a) (sizeof(a) / sizeof((a)[0]))

/**
 * A random range of a family in a small space, so ranges overlap often.
 */
static void random_range(dpc_ts_t *ts, uint8_t family, unsigned *seed)
{
	size_t len = family == AF_INET ? 4 : 16;
	unsigned a = rand_r(seed) % 512, b = a + rand_r(seed) % 64;

	memset(ts, 0, sizeof(*ts));
	ts->family = family;
	ts->to_port = 0xffff;
	ts->from[len - 2] = a >> 8;
	ts->from[len - 1] = a & 0xff;
	ts->to[len - 2] = b >> 8;
	ts->to[len - 1] = b & 0xff;
	if (rand_r(seed) % 50 == 0)
	{	/* now and then the whole space */
		memset(ts->from, 0, len);
		memset(ts->to, 0xff, len);
	}
}

/**
 * The index answers what a scan of every range answers: the ids of the
 * ranges overlapping a query, ascending, once each (ids repeat when a
 * caller adds several ranges for one item).
 */
START_TEST(test_range_index)
{
	dpc_range_index_t *idx;
	dpc_ts_t ranges[300], query[2];
	uint32_t ids[300], *found;
	unsigned seed = 7 + _i;
	int n, i, q, k, expected;
	bool hit;

	idx = dpc_range_index_create();
	ck_assert(idx);
	for (i = 0; i < 300; i++)
	{
		random_range(&ranges[i], i % 3 ? AF_INET : AF_INET6, &seed);
		ids[i] = i / 2;
		ck_assert(dpc_range_index_add(idx, &ranges[i], ids[i]));
	}
	ck_assert_int_eq(dpc_range_index_count(idx), 300);
	for (q = 0; q < 200; q++)
	{
		random_range(&query[0], q % 2 ? AF_INET : AF_INET6, &seed);
		random_range(&query[1], AF_INET, &seed);
		n = dpc_range_index_query(idx, query, 1 + q % 2, &found);
		ck_assert_int_ge(n, 0);
		for (expected = 0, k = 0; k < 150; k++)
		{	/* id k: ranges 2k and 2k + 1 */
			hit = false;
			for (i = 2 * k; i < 2 * k + 2; i++)
			{
				hit |= dpc_ts_overlaps(&ranges[i], &query[0]) ||
					   (q % 2 && dpc_ts_overlaps(&ranges[i], &query[1]));
			}
			if (hit)
			{
				ck_assert_int_lt(expected, n);
				ck_assert_int_eq(found[expected], k);
				expected++;
			}
		}
		ck_assert_int_eq(n, expected);
		free(found);
	}
	/* ranges added after a query are found */
	random_range(&query[0], AF_INET, &seed);
	ck_assert(dpc_range_index_add(idx, &query[0], 1000));
	n = dpc_range_index_query(idx, query, 1, &found);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(found[n - 1], 1000);
	free(found);
	dpc_range_index_destroy(idx);
}
END_TEST

Suite *ts_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("ts");

	tc = tcase_create("addr");
	tcase_add_test(tc, test_addr_parse);
	tcase_add_test(tc, test_addr_cmp);
	suite_add_tcase(s, tc);

	tc = tcase_create("parse");
	tcase_add_loop_test(tc, test_roundtrip, 0, N(roundtrip));
	tcase_add_loop_test(tc, test_normalized, 0, N(normalized));
	tcase_add_loop_test(tc, test_invalid, 0, N(invalid));
	tcase_add_test(tc, test_parse_limits);
	tcase_add_test(tc, test_from_prefix);
	tcase_add_test(tc, test_prefixlen);
	tcase_add_test(tc, test_to_str_limits);
	suite_add_tcase(s, tc);

	tc = tcase_create("compare");
	tcase_add_test(tc, test_contains_addr);
	tcase_add_loop_test(tc, test_subset, 0, N(subsets));
	tcase_add_loop_test(tc, test_overlaps, 0, N(overlaps));
	tcase_add_test(tc, test_addr_count);
	tcase_add_test(tc, test_addr_nth);
	suite_add_tcase(s, tc);

	tc = tcase_create("list");
	tcase_add_test(tc, test_list);
	tcase_add_test(tc, test_list_to_str_truncated);
	suite_add_tcase(s, tc);

	tc = tcase_create("subtract");
	tcase_add_loop_test(tc, test_subtract, 0, N(subtractions));
	tcase_add_test(tc, test_subtract_appends);
	tcase_add_test(tc, test_list_subtract);
	suite_add_tcase(s, tc);

	tc = tcase_create("range_index");
	tcase_add_loop_test(tc, test_range_index, 0, 8);
	suite_add_tcase(s, tc);

	return s;
}
