/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_tests.h"
#include "fixture_facts.h"
#include "fixture_tunnel.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <string.h>

/**
 * Add a sample at time t with cumulative packet counters.
 */
static void sample(dpc_child_rec_t *child, time_t t, uint64_t in, uint64_t out)
{
	dpc_sample_t s = {
		.time = t,
		.packets_in = in,
		.packets_out = out,
		.bytes_in = in * 84,
		.bytes_out = out * 84,
	};
	dpc_child_rec_add_sample(child, &s, 60);
}

static void init(bed_t *bed)
{
	bed_init(bed);
	bed->settings.traffic_window = 60;
	bed->settings.traffic_min_packets = 3;
	bed->ctx.now = 2000;
}

START_TEST(test_both_ways)
{
	bed_t bed;

	init(&bed);
	sample(bed_child(&bed), 1900, 10, 10);
	sample(bed_child(&bed), 1930, 20, 20);
	sample(bed_child(&bed), 1960, 30, 30);
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "traffic-one-way-out"));
	ck_assert_ptr_null(bed_find(&bed, "traffic-one-way-in"));
	ck_assert_int_eq(bed_problems(&bed), 0);
	bed_free(&bed);
}
END_TEST

START_TEST(test_one_way_out)
{
	bed_t bed;
	dpc_finding_t *f;

	init(&bed);
	sample(bed_child(&bed), 1900, 5, 10);
	sample(bed_child(&bed), 1930, 5, 20);
	sample(bed_child(&bed), 1960, 5, 30);
	bed_run(&bed);
	f = bed_find(&bed, "traffic-one-way-out");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_ERROR);
	ck_assert_ptr_null(bed_find(&bed, "traffic-one-way-in"));
	bed_free(&bed);
}
END_TEST

START_TEST(test_one_way_in)
{
	bed_t bed;

	init(&bed);
	sample(bed_child(&bed), 1900, 10, 0);
	sample(bed_child(&bed), 1960, 40, 0);
	bed_run(&bed);
	ck_assert_ptr_nonnull(bed_find(&bed, "traffic-one-way-in"));
	ck_assert_ptr_null(bed_find(&bed, "traffic-one-way-out"));
	bed_free(&bed);
}
END_TEST

START_TEST(test_below_threshold)
{
	bed_t bed;

	init(&bed);
	sample(bed_child(&bed), 1900, 0, 0);
	sample(bed_child(&bed), 1960, 0, 2);
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "traffic-one-way-out"));
	bed_free(&bed);
}
END_TEST

START_TEST(test_short_history)
{
	bed_t bed;

	init(&bed);
	/* 30s of history are not enough to judge a 60s window */
	sample(bed_child(&bed), 1930, 0, 0);
	sample(bed_child(&bed), 1960, 0, 50);
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "traffic-one-way-out"));
	bed_free(&bed);
}
END_TEST

START_TEST(test_window_uses_recent_samples)
{
	bed_t bed;

	init(&bed);
	/* replies came back long ago, but not within the last window */
	sample(bed_child(&bed), 1800, 0, 0);
	sample(bed_child(&bed), 1850, 10, 10);
	sample(bed_child(&bed), 1900, 10, 20);
	sample(bed_child(&bed), 1960, 10, 30);
	bed_run(&bed);
	ck_assert_ptr_nonnull(bed_find(&bed, "traffic-one-way-out"));
	bed_free(&bed);
}
END_TEST

START_TEST(test_none)
{
	bed_t bed;
	dpc_finding_t *f;

	init(&bed);
	bed.settings.idle_warn = 300;
	bed_child(&bed)->installed = 1500;
	sample(bed_child(&bed), 1960, 0, 0);
	bed_run(&bed);
	f = bed_find(&bed, "traffic-none");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_INFO);

	/* off by default */
	bed.settings.idle_warn = 0;
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "traffic-none"));

	/* any packet makes it quiet */
	bed.settings.idle_warn = 300;
	sample(bed_child(&bed), 1990, 1, 0);
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "traffic-none"));
	bed_free(&bed);
}
END_TEST

/**
 * Make the bed's CHILD_SA the successor of a rekeyed one.
 */
static void rekeyed(bed_t *bed, uint64_t pred_in, uint64_t pred_out)
{
	dpc_child_rec_t *child = bed_child(bed);

	child->rekeyed_from = 7;
	child->pred_first = (dpc_packets_t){ .time = 1800 };
	child->pred_last = (dpc_packets_t){
		.time = 1880, .packets_in = pred_in, .packets_out = pred_out,
	};
	child->n_pred_samples = 2;
	child->installed = 1900;
}

START_TEST(test_stopped_after_rekey)
{
	bed_t bed;
	dpc_finding_t *f;

	init(&bed);
	rekeyed(&bed, 40, 40);
	sample(bed_child(&bed), 1930, 0, 10);
	sample(bed_child(&bed), 1990, 0, 30);
	bed_run(&bed);
	f = bed_find(&bed, "traffic-stopped-after-rekey");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(f->message, "outbound packets only"));
	/* one cause, one finding */
	ck_assert_ptr_null(bed_find(&bed, "traffic-one-way-out"));
	bed_free(&bed);
}
END_TEST

START_TEST(test_stopped_after_rekey_sad)
{
	dpc_xfrm_sad_t sad;
	dpc_xfrm_sa_t sa = {};
	dpc_child_rec_t *child;
	dpc_finding_t *f;
	bed_t bed;

	init(&bed);
	/* kernel-netlink: the SAD tells which SA of the new CHILD_SA is gone */
	bed.facts->destroy(bed.facts);
	bed.facts = fixture_facts_create(DPC_DATAPLANE_XFRM, NULL);
	bed.ctx.facts = bed.facts;
	child = bed_child(&bed);
	child->spi_in = 0xc1000001;
	child->spi_out = 0xc2000002;
	rekeyed(&bed, 40, 40);
	sample(child, 1930, 10, 0);
	sample(child, 1990, 30, 0);
	dpc_xfrm_sad_init(&sad);
	/* the inbound SA is there and in use, the outbound one is not */
	sa.id.family = AF_INET;
	sa.id.proto = IPPROTO_ESP;
	sa.id.spi = htonl(0xc1000001);
	inet_pton(AF_INET, "192.0.2.2", sa.id.dst);
	sa.packets = 30;
	ck_assert(dpc_xfrm_sad_add(&sad, &sa, 0));
	dpc_xfrm_sad_sort(&sad);
	fixture_facts_sad(bed.facts, &sad);
	bed_run(&bed);
	f = bed_find(&bed, "traffic-stopped-after-rekey");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(f->message,
							"the kernel has no outbound SA for it"));
	ck_assert(bed_has_evidence(f, "sa_out", "c2000002 missing"));
	ck_assert(bed_has_evidence(f, "sa_in", "c1000001 30 packets"));

	/* both there, the outbound one never used */
	sa.id.spi = htonl(0xc2000002);
	inet_pton(AF_INET, "198.51.100.2", sa.id.dst);
	sa.packets = 0;
	ck_assert(dpc_xfrm_sad_add(&sad, &sa, 0));
	dpc_xfrm_sad_sort(&sad);
	bed_run(&bed);
	f = bed_find(&bed, "traffic-stopped-after-rekey");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(f->message, "never sent a packet"));
	ck_assert(bed_has_evidence(f, "sa_out", "c2000002 installed, 0 packets"));
	dpc_xfrm_sad_clear(&sad);
	bed_free(&bed);
}
END_TEST

START_TEST(test_stopped_after_rekey_stray_packet)
{
	bed_t bed;

	init(&bed);
	rekeyed(&bed, 40, 40);
	/* one reply made it through the new SA before the return path broke */
	sample(bed_child(&bed), 1930, 1, 10);
	sample(bed_child(&bed), 1990, 1, 30);
	bed_run(&bed);
	ck_assert_ptr_nonnull(bed_find(&bed, "traffic-stopped-after-rekey"));
	ck_assert_ptr_null(bed_find(&bed, "traffic-one-way-out"));
	bed_free(&bed);
}
END_TEST

START_TEST(test_one_way_long_after_rekey)
{
	bed_t bed;

	init(&bed);
	rekeyed(&bed, 40, 40);
	bed_child(&bed)->installed = 1700;
	/* the new SA worked both ways for a while, then replies stopped:
	 * that is not the rekey's fault */
	sample(bed_child(&bed), 1710, 0, 0);
	sample(bed_child(&bed), 1780, 20, 20);
	sample(bed_child(&bed), 1900, 20, 40);
	sample(bed_child(&bed), 1960, 20, 60);
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "traffic-stopped-after-rekey"));
	ck_assert_ptr_nonnull(bed_find(&bed, "traffic-one-way-out"));
	bed_free(&bed);
}
END_TEST

START_TEST(test_rekey_healthy)
{
	bed_t bed;

	init(&bed);
	rekeyed(&bed, 40, 40);
	sample(bed_child(&bed), 1930, 5, 5);
	sample(bed_child(&bed), 1990, 20, 20);
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "traffic-stopped-after-rekey"));
	ck_assert_int_eq(bed_problems(&bed), 0);
	bed_free(&bed);
}
END_TEST

START_TEST(test_rekey_of_idle_sa)
{
	bed_t bed;

	init(&bed);
	/* the old SA was idle: silence after the rekey proves nothing */
	rekeyed(&bed, 0, 0);
	sample(bed_child(&bed), 1930, 0, 0);
	sample(bed_child(&bed), 1990, 0, 0);
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "traffic-stopped-after-rekey"));
	bed_free(&bed);
}
END_TEST

Suite *traffic_suite(void)
{
	Suite *s = suite_create("traffic");
	TCase *tc = tcase_create("window");

	tcase_add_test(tc, test_both_ways);
	tcase_add_test(tc, test_one_way_out);
	tcase_add_test(tc, test_one_way_in);
	tcase_add_test(tc, test_below_threshold);
	tcase_add_test(tc, test_short_history);
	tcase_add_test(tc, test_window_uses_recent_samples);
	tcase_add_test(tc, test_none);
	tcase_add_test(tc, test_stopped_after_rekey);
	tcase_add_test(tc, test_stopped_after_rekey_sad);
	tcase_add_test(tc, test_stopped_after_rekey_stray_packet);
	tcase_add_test(tc, test_one_way_long_after_rekey);
	tcase_add_test(tc, test_rekey_healthy);
	tcase_add_test(tc, test_rekey_of_idle_sa);
	suite_add_tcase(s, tc);
	return s;
}
