/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * The round runner (dpc_round_runner) with libstrongswan's threads and
 * locks: work runs on the runner's one thread, never on the caller's, and
 * the caller returns only when it is done; callers from several threads
 * take turns (never two works at once); destroying the runner finishes the
 * work it was given and waits for its caller.
 */

#include "engine/dpc_round_runner.h"

#include <library.h>
#include <threading/thread.h>

#include <check.h>
#include <pthread.h>
#include <unistd.h>

/** what the works saw */
typedef struct {
	pthread_mutex_t lock;
	/** thread ids the works ran on */
	u_int first_tid, other_tids;
	/** works done, works that overlapped another */
	int done, overlaps;
	/** a work runs */
	bool running;
	/** a blocking work started, may end */
	bool entered, release;
} works_t;

static void work(works_t *w)
{
	u_int tid = thread_current_id();

	pthread_mutex_lock(&w->lock);
	if (w->running)
	{
		w->overlaps++;
	}
	w->running = TRUE;
	if (!w->first_tid)
	{
		w->first_tid = tid;
	}
	else if (tid != w->first_tid)
	{
		w->other_tids++;
	}
	pthread_mutex_unlock(&w->lock);
	usleep(200);
	pthread_mutex_lock(&w->lock);
	w->running = FALSE;
	w->done++;
	pthread_mutex_unlock(&w->lock);
}

START_TEST(test_runner_own_thread)
{
	works_t w = { .lock = PTHREAD_MUTEX_INITIALIZER };
	dpc_round_runner_t *runner;
	int i;

	runner = dpc_round_runner_create();
	ck_assert_ptr_nonnull(runner);
	for (i = 0; i < 5; i++)
	{
		ck_assert(runner->run(runner, (dpc_round_runner_cb_t)work, &w));
		/* done when run() returns */
		ck_assert_int_eq(w.done, i + 1);
	}
	ck_assert_uint_ne(w.first_tid, thread_current_id());
	ck_assert_uint_eq(w.other_tids, 0);
	runner->destroy(runner);
}
END_TEST

#define CALLERS 4
#define RUNS 200

typedef struct {
	dpc_round_runner_t *runner;
	works_t *w;
	int refused;
} caller_t;

static void *caller(caller_t *c)
{
	int i;

	for (i = 0; i < RUNS; i++)
	{
		if (!c->runner->run(c->runner, (dpc_round_runner_cb_t)work, c->w))
		{
			c->refused++;
		}
	}
	return NULL;
}

START_TEST(test_runner_turns)
{
	works_t w = { .lock = PTHREAD_MUTEX_INITIALIZER };
	caller_t c[CALLERS];
	thread_t *threads[CALLERS];
	int i;

	c[0] = (caller_t){ .runner = dpc_round_runner_create(), .w = &w };
	ck_assert_ptr_nonnull(c[0].runner);
	for (i = 0; i < CALLERS; i++)
	{
		c[i] = c[0];
		threads[i] = thread_create((thread_main_t)caller, &c[i]);
		ck_assert_ptr_nonnull(threads[i]);
	}
	for (i = 0; i < CALLERS; i++)
	{
		threads[i]->join(threads[i]);
		ck_assert_int_eq(c[i].refused, 0);
	}
	ck_assert_int_eq(w.done, CALLERS * RUNS);
	ck_assert_int_eq(w.overlaps, 0);
	ck_assert_uint_eq(w.other_tids, 0);
	c[0].runner->destroy(c[0].runner);
}
END_TEST

static void blocking_work(works_t *w)
{
	pthread_mutex_lock(&w->lock);
	w->entered = TRUE;
	pthread_mutex_unlock(&w->lock);
	while (TRUE)
	{
		pthread_mutex_lock(&w->lock);
		if (w->release)
		{
			w->done++;
			pthread_mutex_unlock(&w->lock);
			return;
		}
		pthread_mutex_unlock(&w->lock);
		usleep(1000);
	}
}

typedef struct {
	dpc_round_runner_t *runner;
	works_t *w;
	dpc_round_runner_cb_t cb;
	bool ran;
} blocked_t;

static void *blocked_caller(blocked_t *b)
{
	b->ran = b->runner->run(b->runner, b->cb, b->w);
	return NULL;
}

static void *destroyer(dpc_round_runner_t *runner)
{
	runner->destroy(runner);
	return NULL;
}

START_TEST(test_runner_destroy_while_running)
{
	works_t w = { .lock = PTHREAD_MUTEX_INITIALIZER };
	dpc_round_runner_t *runner;
	blocked_t a;
	thread_t *ta, *td;
	bool entered = FALSE;

	runner = dpc_round_runner_create();
	ck_assert_ptr_nonnull(runner);
	a = (blocked_t){ .runner = runner, .w = &w,
					 .cb = (dpc_round_runner_cb_t)blocking_work };
	ta = thread_create((thread_main_t)blocked_caller, &a);
	while (!entered)
	{
		usleep(1000);
		pthread_mutex_lock(&w.lock);
		entered = w.entered;
		pthread_mutex_unlock(&w.lock);
	}
	td = thread_create((thread_main_t)destroyer, runner);
	usleep(50000);
	pthread_mutex_lock(&w.lock);
	/* destroy() waits for the work given and its caller */
	ck_assert_int_eq(w.done, 0);
	w.release = TRUE;
	pthread_mutex_unlock(&w.lock);
	ta->join(ta);
	td->join(td);
	ck_assert(a.ran);
	ck_assert_int_eq(w.done, 1);
}
END_TEST

Suite *round_runner_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("round runner");
	tc = tcase_create("runner");
	tcase_add_test(tc, test_runner_own_thread);
	tcase_add_test(tc, test_runner_turns);
	tcase_add_test(tc, test_runner_destroy_while_running);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
