/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * Slots for records (dpc_slab): objects packed in chunks, a freed slot
 * taken again before a chunk is added, memory bounded by the most objects
 * alive at once when records are copied on write again and again, empty
 * chunks given back. Under AddressSanitizer or valgrind every object comes
 * from malloc: the tests that look at chunks say so and check objects only.
 */

#include "dpc_tests.h"
#include "test_oom_wrap.h"
#include "model/dpc_slab.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

/** an object the size of a CHILD_SA record */
typedef struct {
	char bytes[552];
} object_t;

/** objects a test keeps at most */
#define MAX_OBJECTS 4096

/**
 * Do objects of the slab come from its chunks here (not under ASan or
 * valgrind)?
 */
static bool chunked(dpc_slab_t *slab)
{
	dpc_slab_stats_t stats;
	void *probe;

	probe = dpc_slab_alloc(slab);
	ck_assert_ptr_nonnull(probe);
	dpc_slab_get_stats(slab, &stats);
	dpc_slab_free(slab, probe);
	return stats.live == 1;
}

/**
 * Chunks the slab maps now.
 */
static uint32_t chunks(dpc_slab_t *slab)
{
	dpc_slab_stats_t stats;

	dpc_slab_get_stats(slab, &stats);
	return stats.chunks;
}

START_TEST(test_slab_packed)
{
	static dpc_slab_t slab = DPC_SLAB_INIT(object_t);
	static void *objs[MAX_OBJECTS];
	dpc_slab_stats_t stats;
	bool in_chunks = chunked(&slab);
	uint32_t per, n, i, j;

	dpc_slab_get_stats(&slab, &stats);
	per = stats.per_chunk;
	/* 64 KiB less the header, 560-byte slots */
	ck_assert_uint_eq(per, 116);
	n = 3 * per;
	for (i = 0; i < n; i++)
	{
		objs[i] = dpc_slab_alloc(&slab);
		ck_assert_ptr_nonnull(objs[i]);
		ck_assert_uint_eq((uintptr_t)objs[i] % 16, 0);
		/* every byte is the caller's */
		memset(objs[i], (int)i, sizeof(object_t));
	}
	for (i = 0; i < n; i++)
	{	/* one assertion per object: libcheck sends a message for each */
		for (j = 0; j < sizeof(object_t) &&
			 ((uint8_t*)objs[i])[j] == (uint8_t)i; j++)
		{
		}
		ck_assert_uint_eq(j, sizeof(object_t));
	}
	if (in_chunks)
	{
		dpc_slab_get_stats(&slab, &stats);
		ck_assert_uint_eq(stats.live, n);
		ck_assert_uint_eq(stats.chunks, 3);
	}
	/* a freed slot is taken again before a chunk is added */
	dpc_slab_free(&slab, objs[per + 5]);
	objs[per + 5] = dpc_slab_alloc(&slab);
	ck_assert_ptr_nonnull(objs[per + 5]);
	if (in_chunks)
	{
		ck_assert_uint_eq(chunks(&slab), 3);
	}
	for (i = 0; i < n; i++)
	{
		dpc_slab_free(&slab, objs[i]);
	}
	dpc_slab_free(&slab, NULL);
	dpc_slab_get_stats(&slab, &stats);
	ck_assert_uint_eq(stats.live, 0);
	/* the empty ones wait for reuse until released */
	ck_assert_uint_eq(stats.chunks, in_chunks ? 3 : 0);
	objs[0] = dpc_slab_alloc(&slab);
	ck_assert_uint_eq(chunks(&slab), in_chunks ? 3 : 0);
	dpc_slab_free(&slab, objs[0]);
	dpc_slab_release(&slab, 1);
	ck_assert_uint_eq(chunks(&slab), in_chunks ? 1 : 0);
	dpc_slab_release(&slab, 0);
	ck_assert_uint_eq(chunks(&slab), 0);
}
END_TEST

START_TEST(test_slab_copy_on_write_bounded)
{
	static dpc_slab_t slab = DPC_SLAB_INIT(object_t);
	static void *recs[1000], *copies[1000];
	dpc_slab_stats_t stats;
	uint32_t most = 0, bound, r, i, k, failed = 0;
	bool in_chunks = chunked(&slab);

	for (i = 0; i < 1000; i++)
	{
		recs[i] = dpc_slab_alloc(&slab);
		ck_assert_ptr_nonnull(recs[i]);
	}
	/* 300 rounds: a snapshot holds the records while part of them is
	 * copied (a different part each time), then lets them go */
	for (r = 0; r < 300; r++)
	{
		k = 0;
		for (i = r % 7; i < 1000; i += 1 + r % 5)
		{
			copies[k] = recs[i];
			recs[i] = dpc_slab_alloc(&slab);
			failed += !recs[i];
			k++;
		}
		dpc_slab_get_stats(&slab, &stats);
		most = stats.chunks > most ? stats.chunks : most;
		while (k > 0)
		{
			dpc_slab_free(&slab, copies[--k]);
		}
	}
	ck_assert_uint_eq(failed, 0);
	dpc_slab_get_stats(&slab, &stats);
	if (in_chunks)
	{
		ck_assert_uint_eq(stats.live, 1000);
		/* never more than the most alive at once (2,000) take, a chunk
		 * being filled and the spare */
		bound = (2000 + stats.per_chunk - 1) / stats.per_chunk + 2;
		ck_assert_uint_le(most, bound);
	}
	for (i = 0; i < 1000; i++)
	{
		dpc_slab_free(&slab, recs[i]);
	}
	dpc_slab_release(&slab, 1);
	ck_assert_uint_le(chunks(&slab), 1);
}
END_TEST

START_TEST(test_slab_from_malloc)
{
	static dpc_slab_t slab = DPC_SLAB_INIT(object_t);
	dpc_slab_stats_t stats;
	void *from_malloc, *from_slab;
	bool in_chunks = chunked(&slab);

	/* objects of either kind freed where they came from */
	dpc_slab_use_malloc(true);
	from_malloc = dpc_slab_alloc(&slab);
	dpc_slab_use_malloc(false);
	from_slab = dpc_slab_alloc(&slab);
	ck_assert_ptr_nonnull(from_malloc);
	ck_assert_ptr_nonnull(from_slab);
	dpc_slab_get_stats(&slab, &stats);
	ck_assert_uint_eq(stats.live, in_chunks ? 1 : 0);
	memset(from_malloc, 1, sizeof(object_t));
	dpc_slab_free(&slab, from_malloc);
	dpc_slab_get_stats(&slab, &stats);
	ck_assert_uint_eq(stats.live, in_chunks ? 1 : 0);
	dpc_slab_free(&slab, from_slab);
	dpc_slab_get_stats(&slab, &stats);
	ck_assert_uint_eq(stats.live, 0);

	/* a failed allocation from malloc is a failed allocation */
	dpc_slab_use_malloc(true);
	oom_arm(1, false);
	from_malloc = dpc_slab_alloc(&slab);
	oom_disarm();
	dpc_slab_use_malloc(false);
	ck_assert_ptr_null(from_malloc);
}
END_TEST

/** the slab two threads share */
static dpc_slab_t shared = DPC_SLAB_INIT(object_t);

/**
 * Allocate and free on one thread; returns the number of objects that were
 * not there or not as written (assertions in the loop would cost libcheck
 * a message each).
 */
static void *churn(void *arg)
{
	uint8_t mark = (uint8_t)(uintptr_t)arg;
	uintptr_t bad = 0;
	void *objs[64];
	int i, r;

	for (r = 0; r < 2000; r++)
	{
		for (i = 0; i < 64; i++)
		{
			objs[i] = dpc_slab_alloc(&shared);
			if (objs[i])
			{
				memset(objs[i], mark, sizeof(object_t));
			}
		}
		for (i = 0; i < 64; i++)
		{
			if (!objs[i] || ((uint8_t*)objs[i])[100] != mark ||
				((uint8_t*)objs[i])[sizeof(object_t) - 1] != mark)
			{
				bad++;
			}
			dpc_slab_free(&shared, objs[i]);
		}
	}
	return (void*)bad;
}

START_TEST(test_slab_threads)
{
	pthread_t a, b;
	dpc_slab_stats_t stats;
	void *bad_a, *bad_b;

	ck_assert_int_eq(pthread_create(&a, NULL, churn, (void*)1), 0);
	ck_assert_int_eq(pthread_create(&b, NULL, churn, (void*)2), 0);
	ck_assert_int_eq(pthread_join(a, &bad_a), 0);
	ck_assert_int_eq(pthread_join(b, &bad_b), 0);
	/* no object missing or written over by the other thread */
	ck_assert_uint_eq((uintptr_t)bad_a, 0);
	ck_assert_uint_eq((uintptr_t)bad_b, 0);
	dpc_slab_release(&shared, 1);
	dpc_slab_get_stats(&shared, &stats);
	ck_assert_uint_eq(stats.live, 0);
	ck_assert_uint_le(stats.chunks, 1);
}
END_TEST

Suite *slab_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("slab");
	tc = tcase_create("records' slots");
	tcase_add_test(tc, test_slab_packed);
	tcase_add_test(tc, test_slab_copy_on_write_bounded);
	tcase_add_test(tc, test_slab_from_malloc);
	tcase_add_test(tc, test_slab_threads);
	suite_add_tcase(s, tc);
	return s;
}
