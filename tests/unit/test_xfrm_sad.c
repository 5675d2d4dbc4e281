/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * The SAD parser on XFRM_MSG_GETSA dumps captured from a real kernel
 * (tests/unit/fixtures/xfrm/sad_larval.hex: larval SAs, which need no ESP)
 * and on messages built from the kernel's structs for what the build
 * host's kernel cannot install (sad_crafted.hex: counters, UDP
 * encapsulation, keys, XFRMA_LTIME_VAL); see capture.sh there.
 */

#include "dpc_tests.h"
#include "fixture_hex.h"

#include <facts/xfrm/dpc_xfrm_sad.h>

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/xfrm.h>

/* the fixtures are messages of a little-endian kernel */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define FIXTURES_USABLE 0
#else
#define FIXTURES_USABLE 1
#endif

static dpc_xfrm_sa_id_t sa_id(const char *dst, uint8_t proto, uint32_t spi,
							  uint32_t mark, uint32_t mask)
{
	dpc_xfrm_sa_id_t id = {
		.proto = proto,
		.spi = htonl(spi),
		.mark_value = mark,
		.mark_mask = mask,
	};

	id.family = strchr(dst, ':') ? AF_INET6 : AF_INET;
	ck_assert_int_eq(inet_pton(id.family, dst, id.dst), 1);
	return id;
}

static const char *addr(const dpc_xfrm_sa_t *sa, const uint8_t *a)
{
	static char buf[INET6_ADDRSTRLEN];

	return inet_ntop(sa->id.family, a, buf, sizeof(buf));
}

static const dpc_xfrm_sa_t *find(dpc_xfrm_sad_t *sad, const char *dst,
								 uint8_t proto, uint32_t spi, uint32_t mark,
								 uint32_t mask)
{
	dpc_xfrm_sa_id_t id = sa_id(dst, proto, spi, mark, mask);

	return dpc_xfrm_sad_find(sad, &id);
}

/**
 * Check every lookup on the larval fixture (sorted or not).
 */
static void check_larval(dpc_xfrm_sad_t *sad)
{
	const dpc_xfrm_sa_t *sa;

	sa = find(sad, "198.51.100.2", IPPROTO_ESP, 0xc0000001, 0, 0);
	ck_assert_ptr_nonnull(sa);
	ck_assert_str_eq(addr(sa, sa->src), "192.0.2.2");
	ck_assert_uint_eq(sa->reqid, 1);
	ck_assert_uint_eq(sa->mode, XFRM_MODE_TUNNEL);
	ck_assert_uint_eq(sa->bytes, 0);
	ck_assert_uint_eq(sa->packets, 0);
	ck_assert_uint_eq(sa->id.mark_mask, 0);
	ck_assert_uint_eq(sa->if_id, 0);
	ck_assert_uint_eq(sa->encap_type, 0);
	ck_assert_uint_ne(sa->add_time, 0);
	ck_assert(sa->larval);

	sa = find(sad, "192.0.2.2", IPPROTO_ESP, 0xc0000002, 0, 0);
	ck_assert_ptr_nonnull(sa);
	ck_assert_str_eq(addr(sa, sa->src), "198.51.100.2");

	/* marks as the kernel matches them: the SA's mask applies */
	sa = find(sad, "198.51.100.2", IPPROTO_ESP, 0xc0000003, 0x2a, 0xff);
	ck_assert_ptr_nonnull(sa);
	ck_assert_uint_eq(sa->reqid, 2);
	ck_assert_uint_eq(sa->id.mark_value, 0x2a);
	ck_assert_uint_eq(sa->id.mark_mask, 0xff);
	ck_assert_ptr_nonnull(find(sad, "198.51.100.2", IPPROTO_ESP, 0xc0000003,
							   0x12a, 0xfff));
	ck_assert_ptr_null(find(sad, "198.51.100.2", IPPROTO_ESP, 0xc0000003,
							0, 0));
	ck_assert_ptr_null(find(sad, "198.51.100.2", IPPROTO_ESP, 0xc0000003,
							0x2b, 0xff));
	/* an SA without a mark matches any */
	ck_assert_ptr_nonnull(find(sad, "198.51.100.2", IPPROTO_ESP, 0xc0000001,
							   0x2a, 0xff));

	sa = find(sad, "198.51.100.3", IPPROTO_ESP, 0xc0000004, 0, 0);
	ck_assert_ptr_nonnull(sa);
	ck_assert_uint_eq(sa->if_id, 7);

	sa = find(sad, "fd00:ff::20", IPPROTO_ESP, 0xc0000005, 0, 0);
	ck_assert_ptr_nonnull(sa);
	ck_assert_uint_eq(sa->id.family, AF_INET6);
	ck_assert_str_eq(addr(sa, sa->src), "fd00:ff::10");
	ck_assert_uint_eq(sa->reqid, 4);

	sa = find(sad, "198.51.100.2", IPPROTO_AH, 0x200, 0, 0);
	ck_assert_ptr_nonnull(sa);
	ck_assert_uint_eq(sa->reqid, 5);

	/* protocol, destination, family and SPI all count */
	ck_assert_ptr_null(find(sad, "198.51.100.2", IPPROTO_ESP, 0x200, 0, 0));
	ck_assert_ptr_null(find(sad, "198.51.100.9", IPPROTO_ESP, 0xc0000001,
							0, 0));
	ck_assert_ptr_null(find(sad, "::ffff:198.51.100.2", IPPROTO_ESP,
							0xc0000001, 0, 0));
	ck_assert_ptr_null(find(sad, "198.51.100.2", IPPROTO_ESP, 0xc0000009,
							0, 0));
}

START_TEST(test_larval)
{
	fixture_hex_t f;
	dpc_xfrm_sad_t sad;

	if (!FIXTURES_USABLE)
	{
		return;
	}
	f = fixture_hex_load("xfrm", "sad_larval");
	dpc_xfrm_sad_init(&sad);
	ck_assert_uint_eq(dpc_xfrm_sad_parse(&sad, f.buf, f.len, 0), 0);
	ck_assert_uint_eq(sad.count, 6);
	ck_assert_uint_eq(sad.dropped, 0);
	check_larval(&sad);
	dpc_xfrm_sad_sort(&sad);
	check_larval(&sad);
	dpc_xfrm_sad_clear(&sad);
	ck_assert_uint_eq(sad.count, 0);
	ck_assert_ptr_null(find(&sad, "198.51.100.2", IPPROTO_ESP, 0xc0000001,
							0, 0));
	free(f.buf);
}
END_TEST

START_TEST(test_crafted)
{
	const dpc_xfrm_sa_t *sa;
	fixture_hex_t f;
	dpc_xfrm_sad_t sad;

	if (!FIXTURES_USABLE)
	{
		return;
	}
	f = fixture_hex_load("xfrm", "sad_crafted");
	dpc_xfrm_sad_init(&sad);
	ck_assert_uint_eq(dpc_xfrm_sad_parse(&sad, f.buf, f.len, 0), 0);
	ck_assert_uint_eq(sad.count, 3);
	dpc_xfrm_sad_sort(&sad);

	/* counters from curlft, the key skipped */
	sa = find(&sad, "198.51.100.2", IPPROTO_ESP, 0xc1000001, 0, 0);
	ck_assert_ptr_nonnull(sa);
	ck_assert_uint_eq(sa->bytes, 8400);
	ck_assert_uint_eq(sa->packets, 100);
	ck_assert_uint_eq(sa->add_time, 1767225600);
	ck_assert_uint_eq(sa->encap_type, 0);
	/* it has a key: not larval */
	ck_assert(!sa->larval);

	/* UDP encapsulation */
	sa = find(&sad, "192.0.2.2", IPPROTO_ESP, 0xc2000002, 0, 0);
	ck_assert_ptr_nonnull(sa);
	ck_assert_uint_eq(sa->bytes, 4200);
	ck_assert_uint_eq(sa->packets, 50);
	ck_assert_uint_eq(sa->encap_type, 2);
	ck_assert_uint_eq(sa->encap_sport, 4500);
	ck_assert_uint_eq(sa->encap_dport, 4500);

	/* 64-bit counters in XFRMA_LTIME_VAL win over curlft */
	sa = find(&sad, "fd00:ff::20", IPPROTO_ESP, 0xc3000003, 0, 0);
	ck_assert_ptr_nonnull(sa);
	ck_assert_uint_eq(sa->bytes, 0x123456789abcdefULL);
	ck_assert_uint_eq(sa->packets, 0x100000000ULL);
	ck_assert_uint_eq(sa->if_id, 42);

	dpc_xfrm_sad_clear(&sad);
	free(f.buf);
}
END_TEST

/**
 * Offset of the first attribute of a type in a NEWSA message, 0 if none.
 */
static size_t find_attr(const uint8_t *msg, uint16_t type)
{
	struct nlmsghdr nlh;
	struct rtattr rta;
	size_t off;

	memcpy(&nlh, msg, sizeof(nlh));
	for (off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct xfrm_usersa_info));
		 off + sizeof(rta) <= nlh.nlmsg_len; off += RTA_ALIGN(rta.rta_len))
	{
		memcpy(&rta, msg + off, sizeof(rta));
		ck_assert_uint_ge(rta.rta_len, sizeof(rta));
		if (rta.rta_type == type)
		{
			return off;
		}
	}
	return 0;
}

static void set_u16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void set_u32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

START_TEST(test_malformed)
{
	struct nlmsghdr nlh;
	fixture_hex_t f;
	dpc_xfrm_sa_t sa;
	uint8_t *msg, *copy;
	size_t len, i, off;

	if (!FIXTURES_USABLE)
	{
		return;
	}
	/* the encapsulated SA: key, encap attributes */
	f = fixture_hex_load("xfrm", "sad_crafted");
	memcpy(&nlh, f.buf, sizeof(nlh));
	msg = f.buf + NLMSG_ALIGN(nlh.nlmsg_len);
	memcpy(&nlh, msg, sizeof(nlh));
	len = nlh.nlmsg_len;
	ck_assert(dpc_xfrm_parse_sa((struct nlmsghdr*)msg, len, &sa));
	copy = malloc(len);
	ck_assert_ptr_nonnull(copy);

	/* cut short anywhere: never read beyond what is there */
	for (i = 0; i < len; i++)
	{
		memcpy(copy, msg, i);
		ck_assert(!dpc_xfrm_parse_sa((struct nlmsghdr*)copy, i, &sa));
	}
	ck_assert(!dpc_xfrm_parse_sa(NULL, len, &sa));

	/* too short for the SA info */
	memcpy(copy, msg, len);
	set_u32(copy, NLMSG_LENGTH(sizeof(struct xfrm_usersa_info)) - 1);
	ck_assert(!dpc_xfrm_parse_sa((struct nlmsghdr*)copy, len, &sa));
	/* just the SA info, no attributes */
	set_u32(copy, NLMSG_LENGTH(sizeof(struct xfrm_usersa_info)));
	ck_assert(dpc_xfrm_parse_sa((struct nlmsghdr*)copy, len, &sa));
	ck_assert_uint_eq(sa.encap_type, 0);

	/* not a NEWSA message, not an IP family */
	memcpy(copy, msg, len);
	set_u16(copy + offsetof(struct nlmsghdr, nlmsg_type), XFRM_MSG_NEWPOLICY);
	ck_assert(!dpc_xfrm_parse_sa((struct nlmsghdr*)copy, len, &sa));
	memcpy(copy, msg, len);
	set_u16(copy + NLMSG_HDRLEN + offsetof(struct xfrm_usersa_info, family),
			AF_UNIX);
	ck_assert(!dpc_xfrm_parse_sa((struct nlmsghdr*)copy, len, &sa));

	/* attribute lengths: below a header, beyond the message, shorter than
	 * what the attribute carries */
	off = find_attr(msg, XFRMA_ENCAP);
	ck_assert_uint_ne(off, 0);
	memcpy(copy, msg, len);
	set_u16(copy + off, 3);
	ck_assert(!dpc_xfrm_parse_sa((struct nlmsghdr*)copy, len, &sa));
	memcpy(copy, msg, len);
	set_u16(copy + off, len - off + 4);
	ck_assert(!dpc_xfrm_parse_sa((struct nlmsghdr*)copy, len, &sa));
	memcpy(copy, msg, len);
	set_u16(copy + off, RTA_LENGTH(5));
	ck_assert(!dpc_xfrm_parse_sa((struct nlmsghdr*)copy, len, &sa));
	for (i = 0; i < 3; i++)
	{	/* the same attribute claiming to be a mark, interface id, counters */
		static const uint16_t types[] = {
			XFRMA_MARK, XFRMA_IF_ID, XFRMA_LTIME_VAL,
		};

		memcpy(copy, msg, len);
		set_u16(copy + off, RTA_LENGTH(3));
		set_u16(copy + off + 2, types[i]);
		ck_assert(!dpc_xfrm_parse_sa((struct nlmsghdr*)copy, len, &sa));
	}

	/* a dump with a truncated message at its end: what came before counts */
	{
		dpc_xfrm_sad_t sad;

		dpc_xfrm_sad_init(&sad);
		ck_assert_uint_eq(dpc_xfrm_sad_parse(&sad, f.buf, f.len - 1, 0), 1);
		ck_assert_uint_eq(sad.count, 2);
		dpc_xfrm_sad_clear(&sad);
	}
	free(copy);
	free(f.buf);
}
END_TEST

START_TEST(test_limit)
{
	dpc_xfrm_sad_t sad;
	dpc_xfrm_sa_t sa = {};
	uint32_t i;

	dpc_xfrm_sad_init(&sad);
	sa.id.family = AF_INET;
	sa.id.proto = IPPROTO_ESP;
	for (i = 0; i < 1000; i++)
	{
		sa.id.spi = htonl(1000 - i);
		ck_assert(dpc_xfrm_sad_add(&sad, &sa, 700) == (i < 700));
	}
	ck_assert_uint_eq(sad.count, 700);
	ck_assert_uint_eq(sad.size, 700);
	ck_assert_uint_eq(sad.dropped, 300);
	dpc_xfrm_sad_sort(&sad);
	for (i = 0; i < 1000; i++)
	{
		dpc_xfrm_sa_id_t id = sa.id;

		id.spi = htonl(1000 - i);
		ck_assert((dpc_xfrm_sad_find(&sad, &id) != NULL) == (i < 700));
	}
	dpc_xfrm_sad_clear(&sad);
}
END_TEST

Suite *xfrm_sad_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("xfrm_sad");
	tc = tcase_create("parse");
	tcase_add_test(tc, test_larval);
	tcase_add_test(tc, test_crafted);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_limit);
	suite_add_tcase(s, tc);
	return s;
}
