/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * The query socket's request framer: reassembly from pieces, limits,
 * what a client may send.
 */

#include "dpc_tests.h"
#include "proto/dpc_vici_frame.h"

#include <stdlib.h>
#include <string.h>

/** a request "status" with one key/value, as a client sends it */
static size_t status_request(uint8_t *buf)
{
	static const uint8_t pkt[] = {
		0, 0, 0, 14,
		DPC_VICI_CMD_REQUEST, 6, 's', 't', 'a', 't', 'u', 's',
		DPC_VICI_KEY_VALUE, 1, 'k', 0, 1, 'v',
	};

	memcpy(buf, pkt, sizeof(pkt));
	return sizeof(pkt);
}

/** feed everything, expecting exactly one packet at the end */
static void feed_all(dpc_vici_frame_t *f, const uint8_t *buf, size_t len,
					 size_t piece)
{
	dpc_vici_frame_status_t st = DPC_VICI_FRAME_MORE;
	size_t off = 0, used, n;

	while (off < len)
	{
		ck_assert_int_eq(st, DPC_VICI_FRAME_MORE);
		ck_assert_uint_gt(dpc_vici_frame_want(f), 0);
		n = len - off < piece ? len - off : piece;
		st = dpc_vici_frame_feed(f, buf + off, n, &used);
		ck_assert_uint_eq(used, n);
		off += used;
	}
	ck_assert_int_eq(st, DPC_VICI_FRAME_PACKET);
}

START_TEST(test_byte_by_byte)
{
	dpc_vici_frame_t f;
	const dpc_vici_packet_t *pkt;
	uint8_t buf[64];
	size_t len;

	len = status_request(buf);
	dpc_vici_frame_init(&f, DPC_VICI_MAX_PACKET);
	ck_assert(!dpc_vici_frame_partial(&f));
	ck_assert_uint_eq(dpc_vici_frame_want(&f), 4);
	feed_all(&f, buf, len, 1);
	pkt = dpc_vici_frame_packet(&f);
	ck_assert_ptr_nonnull(pkt);
	ck_assert_int_eq(pkt->type, DPC_VICI_CMD_REQUEST);
	ck_assert_str_eq(pkt->name, "status");
	ck_assert_uint_eq(pkt->len, 6);
	ck_assert_uint_eq(dpc_vici_frame_want(&f), 0);
	ck_assert(!dpc_vici_frame_partial(&f));
	dpc_vici_frame_next(&f);
	ck_assert_ptr_null(dpc_vici_frame_packet(&f));
	ck_assert_uint_eq(dpc_vici_frame_want(&f), 4);
	dpc_vici_frame_clear(&f);
}
END_TEST

START_TEST(test_two_in_one)
{
	dpc_vici_frame_t f;
	uint8_t buf[128];
	size_t len, used;

	len = status_request(buf);
	memcpy(buf + len, buf, len);
	dpc_vici_frame_init(&f, DPC_VICI_MAX_PACKET);
	/* takes only the first packet */
	ck_assert_int_eq(dpc_vici_frame_feed(&f, buf, 2 * len, &used),
					 DPC_VICI_FRAME_PACKET);
	ck_assert_uint_eq(used, len);
	/* nothing more while it is held */
	ck_assert_int_eq(dpc_vici_frame_feed(&f, buf + len, len, &used),
					 DPC_VICI_FRAME_PACKET);
	ck_assert_uint_eq(used, 0);
	dpc_vici_frame_next(&f);
	ck_assert_int_eq(dpc_vici_frame_feed(&f, buf + len, len, &used),
					 DPC_VICI_FRAME_PACKET);
	ck_assert_uint_eq(used, len);
	dpc_vici_frame_clear(&f);
}
END_TEST

START_TEST(test_lengths)
{
	static const uint8_t zero[] = { 0, 0, 0, 0 };
	static const uint8_t huge[] = { 0xff, 0xff, 0xff, 0xff, 0 };
	static const uint8_t over[] = { 0, 0, 1, 1 };
	dpc_vici_frame_t f;
	size_t used;

	dpc_vici_frame_init(&f, DPC_VICI_MAX_PACKET);
	ck_assert_int_eq(dpc_vici_frame_feed(&f, zero, 4, &used),
					 DPC_VICI_FRAME_ERROR);
	ck_assert_ptr_nonnull(dpc_vici_frame_error(&f));
	ck_assert_uint_eq(dpc_vici_frame_want(&f), 0);
	dpc_vici_frame_clear(&f);

	/* refused before anything is allocated */
	dpc_vici_frame_init(&f, DPC_VICI_MAX_PACKET);
	ck_assert_int_eq(dpc_vici_frame_feed(&f, huge, sizeof(huge), &used),
					 DPC_VICI_FRAME_ERROR);
	ck_assert_ptr_null(f.buf);
	/* and sticky */
	ck_assert_int_eq(dpc_vici_frame_feed(&f, zero, 4, &used),
					 DPC_VICI_FRAME_ERROR);
	ck_assert_uint_eq(used, 0);
	dpc_vici_frame_clear(&f);

	/* a smaller limit of its own */
	dpc_vici_frame_init(&f, 256);
	ck_assert_int_eq(dpc_vici_frame_feed(&f, over, 4, &used),
					 DPC_VICI_FRAME_ERROR);
	ck_assert_uint_eq(f.len, 257);
	dpc_vici_frame_clear(&f);
}
END_TEST

START_TEST(test_grows_with_data)
{
	uint8_t hdr[4], body[100] = { DPC_VICI_CMD_REQUEST };
	dpc_vici_frame_t f;
	size_t used;

	/* 400 kB announced, 100 bytes sent: about that much allocated */
	dpc_vici_put_len(hdr, 400 * 1024);
	dpc_vici_frame_init(&f, DPC_VICI_MAX_PACKET);
	ck_assert_int_eq(dpc_vici_frame_feed(&f, hdr, 4, &used),
					 DPC_VICI_FRAME_MORE);
	ck_assert_ptr_null(f.buf);
	ck_assert(dpc_vici_frame_partial(&f));
	ck_assert_int_eq(dpc_vici_frame_feed(&f, body, sizeof(body), &used),
					 DPC_VICI_FRAME_MORE);
	ck_assert_uint_le(f.size, 1024);
	ck_assert_uint_eq(dpc_vici_frame_want(&f), 400 * 1024 - 100);
	dpc_vici_frame_clear(&f);
}
END_TEST

/** a packet with a given body, fed whole: the status */
static dpc_vici_frame_status_t feed_body(dpc_vici_frame_t *f,
										 const uint8_t *body, size_t len)
{
	uint8_t hdr[4];
	size_t used;

	dpc_vici_put_len(hdr, len);
	ck_assert_int_eq(dpc_vici_frame_feed(f, hdr, 4, &used),
					 DPC_VICI_FRAME_MORE);
	return dpc_vici_frame_feed(f, body, len, &used);
}

/** a packet the framer must refuse, and why (NULL: any reason) */
static void expect_error(const uint8_t *body, size_t len, const char *err)
{
	dpc_vici_frame_t f;

	dpc_vici_frame_init(&f, DPC_VICI_MAX_PACKET);
	ck_assert_int_eq(feed_body(&f, body, len), DPC_VICI_FRAME_ERROR);
	ck_assert_ptr_nonnull(dpc_vici_frame_error(&f));
	if (err)
	{
		ck_assert_str_eq(dpc_vici_frame_error(&f), err);
	}
	dpc_vici_frame_clear(&f);
}

START_TEST(test_types)
{
	static const uint8_t reg[] = { DPC_VICI_EVENT_REGISTER, 7,
								   'f', 'i', 'n', 'd', 'i', 'n', 'g' };
	static const uint8_t resp[] = { DPC_VICI_CMD_RESPONSE };
	static const uint8_t unknown[] = { 9, 'x' };
	static const uint8_t noname[] = { DPC_VICI_CMD_REQUEST, 0 };
	static const uint8_t badmsg[] = { DPC_VICI_CMD_REQUEST, 1, 'x', 0x77 };
	static const uint8_t trailing[] = { DPC_VICI_EVENT_UNREGISTER, 1, 'x', 1 };
	dpc_vici_frame_t f;

	dpc_vici_frame_init(&f, DPC_VICI_MAX_PACKET);
	ck_assert_int_eq(feed_body(&f, reg, sizeof(reg)), DPC_VICI_FRAME_PACKET);
	ck_assert_int_eq(dpc_vici_frame_packet(&f)->type,
					 DPC_VICI_EVENT_REGISTER);
	ck_assert_str_eq(dpc_vici_frame_packet(&f)->name, "finding");
	dpc_vici_frame_clear(&f);

	expect_error(resp, sizeof(resp), "unexpected packet type");
	expect_error(unknown, sizeof(unknown), "unknown packet type");
	expect_error(noname, sizeof(noname), NULL);
	expect_error(badmsg, sizeof(badmsg), "unknown element type");
	expect_error(trailing, sizeof(trailing), NULL);
}
END_TEST

Suite *vici_frame_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("vici frame");
	tc = tcase_create("frame");
	tcase_add_test(tc, test_byte_by_byte);
	tcase_add_test(tc, test_two_in_one);
	tcase_add_test(tc, test_lengths);
	tcase_add_test(tc, test_grows_with_data);
	tcase_add_test(tc, test_types);
	suite_add_tcase(s, tc);
	return s;
}
