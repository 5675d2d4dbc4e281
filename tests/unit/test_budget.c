/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_tests.h"

#include <model/dpc_budget.h>

#include <errno.h>
#include <time.h>

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000 };

	while (nanosleep(&ts, &ts))
	{
	}
}

START_TEST(test_none)
{
	dpc_budget_t b;

	ck_assert_int_eq(dpc_budget_state(NULL), DPC_BUDGET_LEFT);
	ck_assert(!dpc_budget_over(NULL));
	ck_assert_uint_eq(dpc_budget_left_ms(NULL), UINT32_MAX);

	dpc_budget_start(&b, NULL, 0);
	ck_assert(!dpc_budget_over(&b));
	ck_assert_uint_eq(dpc_budget_left_ms(&b), UINT32_MAX);
}
END_TEST

START_TEST(test_deadline)
{
	dpc_budget_t b;

	dpc_budget_start(&b, NULL, 60000);
	ck_assert_int_eq(dpc_budget_state(&b), DPC_BUDGET_LEFT);
	ck_assert_uint_le(dpc_budget_left_ms(&b), 60000);
	ck_assert_uint_gt(dpc_budget_left_ms(&b), 50000);

	dpc_budget_start(&b, NULL, 20);
	sleep_ms(40);
	ck_assert_int_eq(dpc_budget_state(&b), DPC_BUDGET_EXPIRED);
	ck_assert_int_eq(dpc_budget_errno(&b), -ETIMEDOUT);
	ck_assert_int_eq(dpc_budget_errno(NULL), 0);
	ck_assert(dpc_budget_over(&b));
	ck_assert(dpc_budget_over_cb(&b));
	ck_assert_uint_eq(dpc_budget_left_ms(&b), 0);
}
END_TEST

START_TEST(test_abort)
{
	int flag = 0;
	dpc_budget_t b;

	dpc_budget_start(&b, &flag, 60000);
	ck_assert(!dpc_budget_over_cb(&b));
	ck_assert_int_eq(dpc_budget_errno(&b), 0);
	dpc_budget_raise(&flag);
	ck_assert_int_eq(dpc_budget_state(&b), DPC_BUDGET_ABORTED);
	ck_assert_int_eq(dpc_budget_errno(&b), -ECANCELED);
	ck_assert_uint_eq(dpc_budget_left_ms(&b), 0);

	/* an abort wins over an expired deadline */
	dpc_budget_start(&b, &flag, 1);
	sleep_ms(5);
	ck_assert_int_eq(dpc_budget_state(&b), DPC_BUDGET_ABORTED);
}
END_TEST

START_TEST(test_sub)
{
	dpc_budget_t parent, sub;
	int flag = 0;

	/* the shorter of both deadlines, the parent's abort flag */
	dpc_budget_start(&parent, &flag, 100);
	dpc_budget_sub(&sub, &parent, 60000);
	ck_assert_uint_le(dpc_budget_left_ms(&sub), 100);
	dpc_budget_sub(&sub, &parent, 10);
	ck_assert_uint_le(dpc_budget_left_ms(&sub), 10);
	dpc_budget_sub(&sub, &parent, 0);
	ck_assert_uint_le(dpc_budget_left_ms(&sub), 100);
	dpc_budget_raise(&flag);
	ck_assert_int_eq(dpc_budget_state(&sub), DPC_BUDGET_ABORTED);

	dpc_budget_sub(&sub, NULL, 0);
	ck_assert(!dpc_budget_over(&sub));
	dpc_budget_start(&parent, NULL, 0);
	dpc_budget_sub(&sub, &parent, 50);
	ck_assert_uint_le(dpc_budget_left_ms(&sub), 50);
}
END_TEST

Suite *budget_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("budget");
	tc = tcase_create("budget");
	tcase_add_test(tc, test_none);
	tcase_add_test(tc, test_deadline);
	tcase_add_test(tc, test_abort);
	tcase_add_test(tc, test_sub);
	suite_add_tcase(s, tc);
	return s;
}
