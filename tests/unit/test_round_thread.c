/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * The round thread (dpc_round_thread) with libstrongswan's threads, locks
 * and monotonic clock: rounds after the settle delay coalesce, periodic
 * rounds keep their interval and follow a new one at once, a round on
 * demand is one that starts after the request, trigger() never waits for a
 * running round, and stopping ends the thread while a round runs. The
 * bounds on time are loose (sanitizer builds are slow): they tell a round
 * that came from one that did not.
 */

#include "engine/dpc_round_thread.h"

#include <library.h>
#include <threading/mutex.h>

#include <check.h>
#include <stdlib.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

/** what the rounds did */
typedef struct {
	pthread_mutex_t lock;
	/** rounds after the settle delay, full rounds */
	int triggered, full;
	/** monotonic ms when the last round started */
	uint64_t last_start;
	/** each round takes this long, ms */
	int duration_ms;
	/** a round runs */
	bool running;
} rounds_t;

static uint64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void round_cb(rounds_t *r, bool full)
{
	pthread_mutex_lock(&r->lock);
	r->last_start = ms_now();
	r->running = true;
	pthread_mutex_unlock(&r->lock);
	usleep(r->duration_ms * 1000);
	pthread_mutex_lock(&r->lock);
	r->running = false;
	if (full)
	{
		r->full++;
	}
	else
	{
		r->triggered++;
	}
	pthread_mutex_unlock(&r->lock);
}

/* wait until a round runs */
static void wait_running(rounds_t *r)
{
	bool running = false;

	while (!running)
	{
		usleep(1000);
		pthread_mutex_lock(&r->lock);
		running = r->running;
		pthread_mutex_unlock(&r->lock);
	}
}

/* a round thread with a round after the settle delay running */
static dpc_round_thread_t *running_thread(rounds_t *r)
{
	dpc_round_thread_t *th;

	th = dpc_round_thread_create((dpc_round_thread_cb_t)round_cb, r);
	ck_assert(th);
	th->trigger(th, 0);
	wait_running(r);
	return th;
}

static uint64_t last_start(rounds_t *r)
{
	uint64_t t;

	pthread_mutex_lock(&r->lock);
	t = r->last_start;
	pthread_mutex_unlock(&r->lock);
	return t;
}

static void counts(rounds_t *r, int *triggered, int *full)
{
	pthread_mutex_lock(&r->lock);
	*triggered = r->triggered;
	*full = r->full;
	pthread_mutex_unlock(&r->lock);
}

/* wait up to ms for a count to reach n */
static bool wait_for(rounds_t *r, bool full, int n, int ms)
{
	int t, f;
	uint64_t until = ms_now() + ms;

	do
	{
		counts(r, &t, &f);
		if ((full ? f : t) >= n)
		{
			return true;
		}
		usleep(5000);
	}
	while (ms_now() < until);
	return false;
}

static rounds_t *rounds_new(int duration_ms)
{
	rounds_t *r = calloc(1, sizeof(*r));

	pthread_mutex_init(&r->lock, NULL);
	r->duration_ms = duration_ms;
	return r;
}

/* ten triggers within the settle delay: one round, not before the delay */
START_TEST(test_trigger_coalesces)
{
	rounds_t *r = rounds_new(0);
	dpc_round_thread_t *th;
	uint64_t start;
	int i, t, f;

	th = dpc_round_thread_create((dpc_round_thread_cb_t)round_cb, r);
	ck_assert(th);
	start = ms_now();
	for (i = 0; i < 10; i++)
	{
		th->trigger(th, 200);
	}
	ck_assert(wait_for(r, false, 1, 10000));
	ck_assert_msg(last_start(r) - start >= 190, "round after %llu ms, "
				  "before the settle delay",
				  (unsigned long long)(last_start(r) - start));
	usleep(400 * 1000);
	counts(r, &t, &f);
	ck_assert_int_eq(t, 1);
	ck_assert_int_eq(f, 0);
	/* a trigger after the round: another one */
	th->trigger(th, 10);
	ck_assert(wait_for(r, false, 2, 10000));
	th->destroy(th);
	free(r);
}
END_TEST

/* periodic rounds only after start(); a shorter interval takes effect at
 * once, not after the old one */
START_TEST(test_periodic)
{
	rounds_t *r = rounds_new(0);
	dpc_round_thread_t *th;
	int t, f;

	th = dpc_round_thread_create((dpc_round_thread_cb_t)round_cb, r);
	ck_assert(th);
	usleep(200 * 1000);
	counts(r, &t, &f);
	ck_assert_int_eq(f, 0);

	th->start(th, 3600 * 1000);
	usleep(200 * 1000);
	counts(r, &t, &f);
	ck_assert_int_eq(f, 0);

	th->set_interval(th, 50);
	ck_assert(wait_for(r, true, 3, 10000));
	counts(r, &t, &f);
	ck_assert_int_eq(t, 0);
	th->destroy(th);
	free(r);
}
END_TEST

typedef struct {
	dpc_round_thread_t *th;
	rounds_t *r;
	uint64_t asked, returned;
	bool done;
} demand_t;

static void *ask(demand_t *d)
{
	d->asked = ms_now();
	d->done = d->th->run(d->th);
	d->returned = ms_now();
	return NULL;
}

/* run() while a round runs: it returns after a full round that started
 * after the call, and trigger() meanwhile returns at once */
START_TEST(test_run_waits_for_a_new_round)
{
	rounds_t *r = rounds_new(300);
	dpc_round_thread_t *th;
	demand_t d;
	pthread_t thread;
	uint64_t t0;
	int t, f;

	th = running_thread(r);
	d = (demand_t){ .th = th, .r = r };
	pthread_create(&thread, NULL, (void*)ask, &d);

	t0 = ms_now();
	th->trigger(th, 0);
	ck_assert_msg(ms_now() - t0 < 100, "trigger() waited for a round");

	pthread_join(thread, NULL);
	ck_assert(d.done);
	counts(r, &t, &f);
	ck_assert_int_eq(f, 1);
	ck_assert_msg(last_start(r) >= d.asked || t == 2,
				  "run() returned without a round of its own");
	/* a full round of 300 ms after the running one: at least 300 ms */
	ck_assert_uint_ge(d.returned - d.asked, 300);
	th->destroy(th);
	free(r);
}
END_TEST

/* stop(): run() returns FALSE at once; destroy() while a round runs waits
 * for it and ends the thread */
START_TEST(test_stop)
{
	rounds_t *r = rounds_new(200);
	dpc_round_thread_t *th;
	uint64_t t0;
	int t, f;

	th = running_thread(r);
	th->stop(th);
	t0 = ms_now();
	ck_assert(!th->run(th));
	ck_assert_uint_lt(ms_now() - t0, 100);
	th->trigger(th, 0);
	th->start(th, 10);
	th->destroy(th);
	counts(r, &t, &f);
	ck_assert_int_eq(t, 1);
	ck_assert_int_eq(f, 0);
	free(r);
}
END_TEST

Suite *round_thread_suite(void)
{
	Suite *s = suite_create("round thread");
	TCase *tc = tcase_create("round thread");

	tcase_add_test(tc, test_trigger_coalesces);
	tcase_add_test(tc, test_periodic);
	tcase_add_test(tc, test_run_waits_for_a_new_round);
	tcase_add_test(tc, test_stop);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
