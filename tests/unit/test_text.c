/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * Shared texts (dpc_text) and the CHILD_SA records holding them: one copy
 * per different text however many records and copies hold it, freed with
 * the last reference, records' copies and clears counting right, the table
 * growing under many texts and from several threads at once.
 */

#include "dpc_tests.h"
#include "model/dpc_record.h"
#include "model/dpc_text.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

START_TEST(test_text_shared)
{
	const char *a, *b, *c;

	ck_assert_uint_eq(dpc_text_count(), 0);
	a = dpc_text_get("AES_GCM_16_256");
	b = dpc_text_get("AES_GCM_16_256");
	c = dpc_text_get("AES_CBC_128/HMAC_SHA2_256_128");
	ck_assert_ptr_eq(a, b);
	ck_assert_ptr_ne(a, c);
	ck_assert_str_eq(c, "AES_CBC_128/HMAC_SHA2_256_128");
	ck_assert_uint_eq(dpc_text_count(), 2);
	ck_assert_ptr_eq(dpc_text_get(""), dpc_text_empty);
	ck_assert_ptr_eq(dpc_text_get(NULL), dpc_text_empty);
	ck_assert_uint_eq(dpc_text_count(), 2);

	dpc_text_put(a);
	ck_assert_uint_eq(dpc_text_count(), 2);
	dpc_text_put(b);
	ck_assert_uint_eq(dpc_text_count(), 1);
	ck_assert_ptr_eq(dpc_text_ref(c), c);
	dpc_text_put(c);
	ck_assert_uint_eq(dpc_text_count(), 1);
	dpc_text_put(c);
	dpc_text_put(dpc_text_empty);
	dpc_text_put(NULL);
	ck_assert_uint_eq(dpc_text_count(), 0);
}
END_TEST

START_TEST(test_text_set)
{
	const char *held = dpc_text_empty, *before;

	ck_assert(dpc_text_set(&held, "none"));
	ck_assert_str_eq(held, "none");
	before = held;
	ck_assert(dpc_text_set(&held, "none"));
	ck_assert_ptr_eq(held, before);
	ck_assert_uint_eq(dpc_text_count(), 1);
	ck_assert(dpc_text_set(&held, "1360 (ip mangle FORWARD #1)"));
	ck_assert_str_eq(held, "1360 (ip mangle FORWARD #1)");
	ck_assert_uint_eq(dpc_text_count(), 1);
	ck_assert(dpc_text_set(&held, NULL));
	ck_assert_ptr_eq(held, dpc_text_empty);
	ck_assert_uint_eq(dpc_text_count(), 0);
}
END_TEST

/* 1,000 CHILD_SAs with one algorithm hold one copy of it; clones share it,
 * the last clear frees it; a text too long is cut */
START_TEST(test_text_records)
{
	dpc_child_rec_t *recs[1000], *clone, stack;
	char longer[DPC_ALG_LEN * 2];
	int i;

	for (i = 0; i < 1000; i++)
	{
		recs[i] = dpc_child_rec_create();
		ck_assert(recs[i]);
		ck_assert_str_eq(recs[i]->alg, "");
		ck_assert(dpc_child_rec_set_text(&recs[i]->alg, "AES_GCM_16_256"));
		ck_assert(dpc_child_rec_set_text(&recs[i]->mss_clamp,
										 i % 2 ? "none" : "1360"));
	}
	ck_assert_uint_eq(dpc_text_count(), 3);
	ck_assert_ptr_eq(recs[0]->alg, recs[999]->alg);

	clone = dpc_child_rec_clone(recs[1]);
	ck_assert(clone);
	ck_assert_ptr_eq(clone->alg, recs[1]->alg);
	ck_assert_str_eq(clone->mss_clamp, "none");
	for (i = 0; i < 1000; i++)
	{
		dpc_child_rec_put(recs[i]);
	}
	ck_assert_uint_eq(dpc_text_count(), 2);
	ck_assert_str_eq(clone->alg, "AES_GCM_16_256");
	dpc_child_rec_put(clone);
	ck_assert_uint_eq(dpc_text_count(), 0);

	memset(longer, 'x', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	dpc_child_rec_init(&stack);
	ck_assert(dpc_child_rec_set_text(&stack.alg, longer));
	ck_assert_uint_eq(strlen(stack.alg), DPC_ALG_LEN - 1);
	dpc_child_rec_clear(&stack);
	ck_assert_ptr_eq(stack.alg, dpc_text_empty);
	ck_assert_uint_eq(dpc_text_count(), 0);
}
END_TEST

#define THREADS 4
#define TEXTS 2000

static void *churn(void *arg)
{
	const char *held[TEXTS];
	char text[32];
	int i, round;

	for (round = 0; round < 5; round++)
	{
		for (i = 0; i < TEXTS; i++)
		{	/* half the texts are every thread's, half this thread's */
			snprintf(text, sizeof(text), "t%d-%d", i % 2 ? 0 : *(int*)arg, i);
			held[i] = dpc_text_get(text);
			ck_assert(held[i]);
			ck_assert_str_eq(held[i], text);
		}
		for (i = 0; i < TEXTS; i++)
		{
			dpc_text_put(held[i]);
		}
	}
	return NULL;
}

/* many different texts (the table grows) from several threads at once */
START_TEST(test_text_threads)
{
	pthread_t threads[THREADS];
	int ids[THREADS], i;

	for (i = 0; i < THREADS; i++)
	{
		ids[i] = i + 1;
		ck_assert_int_eq(pthread_create(&threads[i], NULL, churn, &ids[i]), 0);
	}
	for (i = 0; i < THREADS; i++)
	{
		pthread_join(threads[i], NULL);
	}
	ck_assert_uint_eq(dpc_text_count(), 0);
}
END_TEST

Suite *text_suite(void)
{
	Suite *s = suite_create("shared texts");
	TCase *tc = tcase_create("text");

	tcase_add_test(tc, test_text_shared);
	tcase_add_test(tc, test_text_set);
	tcase_add_test(tc, test_text_records);
	tcase_add_test(tc, test_text_threads);
	suite_add_tcase(s, tc);
	return s;
}
