/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * The ESP payload MTU against figures worked out by hand from the kernel's
 * esp_init_state() and xfrm_state_mtu() for a 1500-byte link.
 */

#include "dpc_tests.h"

#include "model/dpc_esp_mtu.h"

static int mtu(const char *alg, bool v6, bool tunnel, bool encap)
{
	dpc_esp_alg_t a;

	ck_assert_msg(dpc_esp_alg_parse(alg, &a), "%s not parsed", alg);
	return dpc_esp_inner_mtu(&a, 1500, v6, tunnel, encap);
}

START_TEST(test_gcm16)
{
	/* header 8 + IV 8 (+ 20/40 outer, + 8 UDP), ICV 16, block 1 -> 4 */
	ck_assert_int_eq(mtu("AES_GCM_16_256", false, true, false), 1446);
	ck_assert_int_eq(mtu("AES_GCM_16_256", false, true, true), 1438);
	ck_assert_int_eq(mtu("AES_GCM_16_128", true, true, false), 1426);
	ck_assert_int_eq(mtu("AES_GCM_16_128", true, true, true), 1418);
	/* transport: the IP header is not part of header_len but net_adj */
	ck_assert_int_eq(mtu("AES_GCM_16_256", false, false, false), 1466);
	/* the same sizes as GCM-16 */
	ck_assert_int_eq(mtu("CHACHA20_POLY1305_256", false, true, true), 1438);
}
END_TEST

START_TEST(test_cbc_sha256)
{
	/* header 8 + IV 16 (+ outer, + UDP), ICV 16, padded to 16 */
	ck_assert_int_eq(mtu("AES_CBC_256/HMAC_SHA2_256_128", false, true, false),
					 1438);
	ck_assert_int_eq(mtu("AES_CBC_256/HMAC_SHA2_256_128", false, true, true),
					 1422);
	ck_assert_int_eq(mtu("AES_CBC_128/HMAC_SHA2_256_128", true, true, false),
					 1406);
	ck_assert_int_eq(mtu("AES_CBC_128/HMAC_SHA2_256_128", true, true, true),
					 1406);
	/* 3DES: 8-byte IV and blocks, SHA1-96: 12-byte ICV */
	ck_assert_int_eq(mtu("3DES_CBC/HMAC_SHA1_96", false, true, false), 1446);
}
END_TEST

START_TEST(test_parse)
{
	dpc_esp_alg_t a;

	ck_assert(dpc_esp_alg_parse("AES_GCM_12_128", &a));
	ck_assert_int_eq(a.icv, 12);
	ck_assert_int_eq(a.iv, 8);
	ck_assert(dpc_esp_alg_parse("AES_CBC_192/HMAC_SHA2_512_256", &a));
	ck_assert_int_eq(a.icv, 32);
	ck_assert_int_eq(a.block, 16);
	ck_assert(dpc_esp_alg_parse("AES_CTR_128/AES_XCBC_96", &a));
	ck_assert_int_eq(a.icv, 12);
	ck_assert_int_eq(a.block, 1);
	ck_assert(dpc_esp_alg_parse("NULL/HMAC_SHA2_256_128", &a));
	ck_assert_int_eq(a.iv, 0);
	/* a cipher without integrity, an AEAD with one, unknown names */
	ck_assert(!dpc_esp_alg_parse("AES_CBC_128", &a));
	ck_assert(!dpc_esp_alg_parse("AES_GCM_16_256/HMAC_SHA1_96", &a));
	ck_assert(!dpc_esp_alg_parse("AES_GCM_160_256", &a));
	ck_assert(!dpc_esp_alg_parse("AES_CBC_128/HMAC_SHA2_256_12x", &a));
	ck_assert(!dpc_esp_alg_parse("", &a));
	ck_assert(!dpc_esp_alg_parse(NULL, &a));
}
END_TEST

START_TEST(test_mss_and_small_links)
{
	dpc_esp_alg_t a;

	ck_assert_int_eq(dpc_esp_mss(1446, false), 1406);
	ck_assert_int_eq(dpc_esp_mss(1426, true), 1366);
	ck_assert_int_eq(dpc_esp_mss(30, false), 0);
	ck_assert(dpc_esp_alg_parse("AES_GCM_16_256", &a));
	/* a 1400-byte hop: 1346 */
	ck_assert_int_eq(dpc_esp_inner_mtu(&a, 1400, false, true, false), 1346);
	ck_assert_int_eq(dpc_esp_inner_mtu(&a, 40, false, true, true), 0);
	ck_assert_int_eq(dpc_esp_inner_mtu(&a, 0, true, true, true), 0);
}
END_TEST

Suite *esp_mtu_suite(void)
{
	Suite *s = suite_create("esp_mtu");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_gcm16);
	tcase_add_test(tc, test_cbc_sha256);
	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_mss_and_small_links);
	suite_add_tcase(s, tc);
	return s;
}
