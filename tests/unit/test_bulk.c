/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * Large blocks and sorting (dpc_bulk, dpc_sort), and what they are for: a
 * round over 10,000 tunnels leaves glibc's mmap threshold where it was, so
 * charon's allocation arenas keep no more free memory than without the
 * plugin. Each test runs in a process of its own (check forks), so the
 * threshold starts at glibc's default in each.
 */

#include "dpc_tests.h"
#include "fixture_facts.h"
#include "fixture_tunnel.h"
#include "model/dpc_bulk.h"
#include "model/dpc_sort.h"
#include "model/dpc_store.h"

#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the threshold is glibc's: AddressSanitizer and ThreadSanitizer bring
 * allocators of their own (under ASan every block comes from its malloc,
 * see dpc_bulk.c) */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define OTHER_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define OTHER_MALLOC 1
#endif
#endif
#ifndef OTHER_MALLOC
#define OTHER_MALLOC 0
#endif

/** a block glibc maps while its threshold is the default (128 KiB) */
#define PROBE (256 * 1024)

/**
 * Allocate a probe in an arena of its own (the thread's first block makes
 * the arena small, so the probe does not fit in it: malloc maps it if the
 * threshold is below its size, else grows the arena). The probe is never
 * freed: freeing it would raise the threshold itself.
 */
static void *probe_thread(void *arg)
{
	size_t before;
	void *first, *probe;

	first = malloc(16);
	before = mallinfo2().hblks;
	probe = malloc(PROBE);
	*(bool*)arg = first && probe && mallinfo2().hblks == before + 1;
	return NULL;
}

/**
 * Does malloc still map a block of PROBE bytes, i.e. has nothing raised
 * glibc's mmap threshold?
 */
static bool threshold_default(void)
{
	pthread_t thread;
	bool mapped = false;

	ck_assert_int_eq(pthread_create(&thread, NULL, probe_thread, &mapped), 0);
	ck_assert_int_eq(pthread_join(thread, NULL), 0);
	return mapped;
}

START_TEST(test_bulk_blocks)
{
	size_t sizes[] = { 0, 100, DPC_BULK_MAP_MIN - 16, DPC_BULK_MAP_MIN,
					   1024 * 1024 };
	uint8_t *p, *q;
	size_t i, j;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
	{	/* zeroed, writable, freed */
		p = dpc_bulk_alloc(sizes[i]);
		ck_assert_ptr_nonnull(p);
		for (j = 0; j < sizes[i] && !p[j]; j++)
		{
			p[j] = j % 251 + 1;
		}
		ck_assert_uint_eq(j, sizes[i]);
		dpc_bulk_free(p);
	}
	/* grows from malloc's range into a mapping and shrinks back, keeping
	 * what it held */
	p = dpc_bulk_realloc(NULL, 100);
	ck_assert_ptr_nonnull(p);
	for (j = 0; j < 100; j++)
	{
		p[j] = j;
	}
	for (i = 1000; i <= 4 * 1024 * 1024; i *= 4)
	{
		q = dpc_bulk_realloc(p, i);
		ck_assert_ptr_nonnull(q);
		p = q;
		for (j = 0; j < 100 && p[j] == j; j++)
		{
		}
		ck_assert_uint_eq(j, 100);
		p[i - 1] = 7;
	}
	p = dpc_bulk_realloc(p, 50);
	ck_assert_ptr_nonnull(p);
	for (j = 0; j < 50; j++)
	{
		ck_assert_uint_eq(p[j], j);
	}
	dpc_bulk_free(p);
	dpc_bulk_free(NULL);
	/* a freed mapping is handed out again, cleared */
	for (i = 0; i < 3; i++)
	{
		p = dpc_bulk_alloc(i == 1 ? 300 * 1024 : 1024 * 1024);
		ck_assert_ptr_nonnull(p);
		for (j = 0; j < (i == 1 ? 300 * 1024 : 1024 * 1024) && !p[j]; j++)
		{
		}
		ck_assert_uint_eq(j, i == 1 ? 300 * 1024 : 1024 * 1024);
		memset(p, 0xff, i == 1 ? 300 * 1024 : 1024 * 1024);
		dpc_bulk_free(p);
	}
	dpc_bulk_release();
	/* sizes that overflow are refused */
	ck_assert_ptr_null(dpc_bulk_calloc(SIZE_MAX / 2, 4));
	ck_assert_ptr_null(dpc_bulk_alloc(SIZE_MAX - 4));
	p = dpc_bulk_alloc(10);
	ck_assert_ptr_null(dpc_bulk_reallocarray(p, SIZE_MAX / 8, 16));
	dpc_bulk_free(p);
}
END_TEST

START_TEST(test_bulk_threshold)
{
	void *p;

	if (OTHER_MALLOC)
	{
		return;
	}
	p = dpc_bulk_alloc(4 * 1024 * 1024);
	ck_assert_ptr_nonnull(p);
	memset(p, 1, 4 * 1024 * 1024);
	dpc_bulk_free(p);
	ck_assert(threshold_default());
}
END_TEST

START_TEST(test_bulk_threshold_control)
{
	void *p;

	if (OTHER_MALLOC)
	{
		return;
	}
	/* what the probe sees when a block of 4 MiB came from malloc: the
	 * threshold follows it up */
	p = malloc(4 * 1024 * 1024);
	ck_assert_ptr_nonnull(p);
	memset(p, 1, 4 * 1024 * 1024);
	free(p);
	ck_assert(!threshold_default());
}
END_TEST

static bool in_scope_all(void *ctx, const dpc_subject_t *subject)
{
	return true;
}

/**
 * Add tunnel i: an IKE_SA behind a NAT with one CHILD_SA (two findings).
 */
static void add_tunnel(bed_t *bed, int i)
{
	dpc_child_rec_t *child;
	dpc_ike_rec_t ike;
	char ts[32];

	dpc_ike_rec_init(&ike);
	snprintf(ike.name, sizeof(ike.name), "peer%d", i);
	ike.unique_id = i + 2;
	ike.state = DPC_STATE_UP;
	ike.version = 2;
	dpc_addr_parse(&ike.local, "192.0.2.2");
	ike.local.port = 4500;
	dpc_addr_parse(&ike.remote, "198.51.100.2");
	ike.remote.port = 4500;
	ike.nat = DPC_NAT_ANY | DPC_NAT_HERE;
	child = dpc_ike_rec_add_child(&ike);
	ck_assert_ptr_nonnull(child);
	dpc_child_rec_set_name(child, "net");
	child->unique_id = i + 2;
	child->state = DPC_STATE_UP;
	dpc_child_rec_set_text(&child->mode, "TUNNEL");
	bed_set_ts(&child->local, "10.10.1.0/24");
	snprintf(ts, sizeof(ts), "10.%d.%d.0/24", 128 + i / 256, i % 256);
	bed_set_ts(&child->remote, ts);
	ck_assert(dpc_tunnels_add_copy(&bed->tunnels, &ike));
	dpc_ike_rec_clear(&ike);
}

START_TEST(test_round_keeps_threshold)
{
	dpc_store_events_t events;
	dpc_store_t *store;
	bed_t bed;
	int i;

	if (OTHER_MALLOC)
	{
		return;
	}
	bed_init(&bed);
	for (i = 0; i < 10000; i++)
	{
		add_tunnel(&bed, i);
	}
	store = dpc_store_create();
	ck_assert_ptr_nonnull(store);
	for (i = 0; i < 2; i++)
	{	/* paths, checks, the merge into the store, and freeing the round */
		bed_run(&bed);
		ck_assert_uint_ge(bed.findings.count, 20000);
		ck_assert(dpc_store_merge_scope(store, &bed.findings, 400, 400, NULL,
										in_scope_all, NULL, &events));
		dpc_store_emit(store, &events, NULL, NULL);
	}
	ck_assert_uint_ge(dpc_store_count(store), 20000);
	dpc_findings_clear(&bed.findings);
	dpc_paths_clear(&bed.paths);
	dpc_tunnels_clear(&bed.tunnels);
	dpc_store_destroy(store);
	ck_assert(threshold_default());
}
END_TEST

static int cmp_key(const void *a, const void *b)
{
	const uint32_t *x = a, *y = b;

	return (x[0] > y[0]) - (x[0] < y[0]);
}

/**
 * Sort n elements of words 32-bit words each (key, position, and from 3
 * words on a check word last), keys with many ties, and check the order is
 * the stable one.
 */
static void check_sort(size_t n, size_t words)
{
	uint32_t *a, *b;
	size_t i, w = words;

	a = calloc(n + 1, w * sizeof(uint32_t));
	b = calloc(n + 1, w * sizeof(uint32_t));
	ck_assert(a && b);
	for (i = 0; i < n; i++)
	{
		a[w * i] = random() % 50;
		a[w * i + 1] = i;
		if (w > 2)
		{
			a[w * i + w - 1] = ~(uint32_t)i;
		}
	}
	memcpy(b, a, n * w * sizeof(uint32_t));
	dpc_sort(a, n, w * sizeof(uint32_t), cmp_key);
	for (i = 1; i < n; i++)
	{	/* ordered by key, ties in their first order */
		ck_assert(a[w * (i - 1)] < a[w * i] ||
				  (a[w * (i - 1)] == a[w * i] &&
				   a[w * (i - 1) + 1] < a[w * i + 1]));
	}
	for (i = 0; i < n; i++)
	{	/* a permutation, each element whole */
		ck_assert_uint_eq(b[w * a[w * i + 1]], a[w * i]);
		ck_assert(w < 3 || a[w * i + w - 1] == ~a[w * i + 1]);
	}
	free(a);
	free(b);
}

START_TEST(test_sort_stable)
{
	size_t sizes[] = { 0, 1, 2, 7, 8, 9, 100, 1000, 20000 };
	size_t k;

	srandom(4711);
	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++)
	{	/* small elements sorted in place, large ones by pointer */
		check_sort(sizes[k], 2);
		check_sort(sizes[k], 3);
		check_sort(sizes[k], 12);
	}
}
END_TEST

Suite *bulk_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("bulk");
	tc = tcase_create("bulk");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_bulk_blocks);
	tcase_add_test(tc, test_bulk_threshold);
	tcase_add_test(tc, test_bulk_threshold_control);
	tcase_add_test(tc, test_sort_stable);
	suite_add_tcase(s, tc);
	tc = tcase_create("round");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_round_keeps_threshold);
	suite_add_tcase(s, tc);
	return s;
}
