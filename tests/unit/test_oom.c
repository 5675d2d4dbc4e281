/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * Out of memory: the records behind the registry and the findings store go
 * through a scenario (IKE_SA up, CHILD_SAs up, rekeys both ways, alerts,
 * samples, snapshots, expiry, store merges with new, changed and resolved
 * findings) once for every allocation it makes, with that allocation
 * failing (and, in a second sweep, every one after it too): no crash, no
 * endless loop (an alarm), nothing leaked, and the indices consistent.
 */

#include "dpc_tests.h"
#include "test_oom_wrap.h"
#include "test_registry.h"
#include "model/dpc_slab.h"
#include "model/dpc_table.h"
#include "model/dpc_store.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/** seconds one run of the scenario may take */
#define RUN_GUARD 10

static void on_alarm(int sig)
{
	static const char msg[] = "OOM scenario did not finish: endless loop?\n";

	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	_exit(3);
}

static void up(dpc_table_t *t, uint32_t id)
{
	dpc_ike_rec_t rec;

	reg_ike(&rec, id, "s2s");
	dpc_table_ike_set(t, &rec);
	dpc_ike_rec_clear(&rec);
}

static void child(dpc_table_t *t, uint32_t ike_id, uint32_t id,
				  uint32_t rekeyed)
{
	dpc_child_rec_t rec;

	reg_child(&rec, id, "net");
	if (rekeyed)
	{
		dpc_table_child_rekey(t, ike_id, rekeyed, &rec, 20);
	}
	else
	{
		dpc_table_child_up(t, ike_id, &rec, 10);
	}
	dpc_child_rec_clear(&rec);
}

/**
 * Are the counters and indices consistent with what a snapshot shows?
 * (Runs unarmed.)
 */
static void check_consistent(dpc_table_t *t)
{
	dpc_table_stats_t stats;
	dpc_tunnels_t snap;
	dpc_subject_t s = {};
	uint32_t records = 0;
	int i, j;

	dpc_tunnels_init(&snap);
	ck_assert(dpc_table_snapshot(t, &snap));
	for (i = 0; i < snap.count; i++)
	{
		records += 1 + snap.ikes[i]->n_children;
		s.ike_id = snap.ikes[i]->unique_id;
		s.child_id = 0;
		ck_assert(dpc_table_is_alive(t, &s) ==
				  (snap.ikes[i]->state == DPC_STATE_UP));
		for (j = 0; j < snap.ikes[i]->n_children; j++)
		{
			s.child_id = snap.ikes[i]->children[j]->unique_id;
			ck_assert(dpc_table_is_alive(t, &s) ==
					  (snap.ikes[i]->children[j]->state == DPC_STATE_UP));
		}
	}
	dpc_table_get_stats(t, &stats);
	ck_assert_uint_eq(stats.records, records);
	dpc_tunnels_clear(&snap);
}

/**
 * The registry's part: returns with everything freed.
 */
static void records_scenario(void)
{
	dpc_child_sample_t samples[] = {
		{ .child_id = 11, .sample = { .time = 5, .packets_in = 3 } },
		{ .child_id = 12, .sample = { .time = 5, .packets_out = 4 } },
	};
	dpc_alert_t a = { .type = DPC_ALERT_TS_MISMATCH, .time = 5 };
	dpc_tunnels_t s1, s2;
	dpc_ike_rec_t rec;
	dpc_addr_t addr = { .family = 2, .port = 500 };
	dpc_table_t *t;

	t = dpc_table_create(1000, 30);
	if (!t)
	{
		return;
	}
	dpc_tunnels_init(&s1);
	dpc_tunnels_init(&s2);
	dpc_table_ike_init(t, 1, &addr, &addr, 10);
	dpc_table_ike_init(t, 2, &addr, &addr, 10);
	dpc_table_add_alert(t, 1, "s2s", &a, false, 10);
	up(t, 1);
	child(t, 1, 11, 0);
	child(t, 1, 12, 0);
	dpc_table_mark_narrowed(t, 13);
	child(t, 1, 13, 0);
	a.type = DPC_ALERT_INSTALL_SA_FAILED;
	dpc_table_add_alert(t, 1, "s2s", &a, true, 10);
	dpc_table_snapshot(t, &s1);
	dpc_table_add_samples(t, samples, 2, 60);
	child(t, 1, 14, 11);
	dpc_table_set_mss(t, 12, "1360");
	reg_ike(&rec, 3, "s2s");
	dpc_table_ike_rekey(t, 1, &rec, 30);
	dpc_ike_rec_clear(&rec);
	dpc_table_ike_update(t, 3, &addr, &addr, 31);
	dpc_table_child_down(t, 12, 32);
	dpc_table_snapshot(t, &s2);
	dpc_tunnels_clear(&s1);
	up(t, 2);
	child(t, 2, 21, 0);
	dpc_table_add_samples(t, samples, 2, 60);
	dpc_table_ike_gone(t, 4);
	dpc_table_ike_down(t, 3, 40);
	dpc_table_expire(t, 100, 300);

	oom_pause(true);
	check_consistent(t);
	oom_pause(false);

	dpc_table_expire(t, 1000, 300);
	dpc_tunnels_clear(&s2);
	dpc_table_destroy(t);
}

static void count_event(void *ctx, dpc_event_type_t type,
						const dpc_finding_t *f)
{
	(*(int*)ctx)++;
}

static void add(dpc_findings_t *list, const char *code, uint32_t ike,
				const char *msg)
{
	dpc_subject_t s = { .ike_id = ike };
	dpc_finding_t *f;

	f = dpc_findings_add(list, code, DPC_WARNING, &s);
	if (f)
	{
		dpc_finding_message(f, "%s", msg);
	}
}

/**
 * The store's part: three merges (appear; change, resolve, appear, same;
 * everything resolves).
 */
static void store_scenario(void)
{
	dpc_findings_t round, active;
	dpc_store_events_t events;
	dpc_store_t *store;
	int n = 0;

	store = dpc_store_create();
	if (!store)
	{
		return;
	}
	dpc_findings_init(&round);
	add(&round, "a", 1, "one");
	add(&round, "b", 1, "two");
	add(&round, "c", 2, "three");
	dpc_store_update(store, &round, 10, 10, NULL, count_event, &n);
	dpc_findings_clear(&round);

	add(&round, "a", 1, "one, changed");
	add(&round, "c", 2, "three");
	add(&round, "d", 2, "four");
	add(&round, "d", 2, "four again");
	if (dpc_store_merge(store, &round, 20, 20, NULL, NULL, &events))
	{
		dpc_store_emit(store, &events, count_event, &n);
	}
	dpc_findings_clear(&round);

	dpc_findings_init(&active);
	dpc_store_get_active(store, &active);
	dpc_findings_clear(&active);
	dpc_store_update(store, &round, 30, 30, NULL, count_event, &n);
	dpc_store_destroy(store);
}

/**
 * One run, failing the nth allocation (0: none); returns the number of
 * allocations made.
 */
static unsigned long run(unsigned long nth, bool sticky)
{
	unsigned long calls;
	long live = oom_live();

	alarm(RUN_GUARD);
	/* records from malloc, to fail them too and count them */
	dpc_slab_use_malloc(true);
	oom_arm(nth, sticky);
	records_scenario();
	store_scenario();
	calls = oom_calls();
	oom_disarm();
	dpc_slab_use_malloc(false);
	alarm(0);
	ck_assert_msg(oom_live() == live, "%ld blocks leaked when allocation %lu "
				  "failed%s", oom_live() - live, nth, sticky ? " (sticky)" : "");
	return calls;
}

/**
 * Fail every allocation of the scenario in turn.
 */
static void sweep(bool sticky)
{
	unsigned long total, nth, failed = 0;

	signal(SIGALRM, on_alarm);
	total = run(0, false);
	/* the scenario must be worth it */
	ck_assert_uint_gt(total, 50);
	for (nth = 1; nth <= total; nth++)
	{
		run(nth, sticky);
		failed++;
	}
	ck_assert_uint_eq(failed, total);
}

START_TEST(test_oom_each)
{
	sweep(false);
}
END_TEST

START_TEST(test_oom_from_each)
{
	sweep(true);
}
END_TEST

START_TEST(test_oom_wrapped)
{
	void *p;

	/* the wrapper is in place: an armed allocation fails */
	oom_arm(1, false);
	p = malloc(16);
	oom_disarm();
	ck_assert_ptr_null(p);
	ck_assert_uint_eq(oom_failures(), 1);
}
END_TEST

Suite *oom_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("out of memory");
	tc = tcase_create("registry and store");
	tcase_add_test(tc, test_oom_wrapped);
	tcase_add_test(tc, test_oom_each);
	tcase_add_test(tc, test_oom_from_each);
	tcase_set_timeout(tc, 300);
	suite_add_tcase(s, tc);
	return s;
}
