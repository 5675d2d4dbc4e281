/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * The registry and the round with their real locks (libstrongswan, a
 * stand-in for charon's IKE_SA manager): what bus hooks may have to wait
 * for.
 *
 * - a snapshot of 10,000 IKE_SAs and CHILD_SAs makes no copies (counted
 *   allocations, through test_oom_wrap.c);
 * - expiry is one pass: expiring ten times as many records takes about ten
 *   times as long, not a hundred;
 * - hooks (registry updates, trigger()) and status requests complete while
 *   a round reports its findings to a slow receiver;
 * - the registry survives every allocation failing in a scenario of hooks.
 */

#include "test_oom_wrap.h"
#include "test_registry.h"
#include "engine/dpc_registry.h"
#include "model/dpc_slab.h"
#include "engine/dpc_round.h"
#include "facts/rtnl/dpc_rtnl_tables.h"
#include "facts/kernel/dpc_kernel_facts.h"

#include <daemon.h>
#include <library.h>

#include <check.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/** seconds the slow receiver waits for the hooks before it gives up */
#define HOOK_WAIT 10

static void quiet(debug_t group, level_t level, char *fmt, ...)
{
}

/* ----- charon stand-in: a bus that logs nothing, an IKE_SA manager
 * without IKE_SAs ---------------------------------------------------------- */

static void no_log(bus_t *this, debug_t group, level_t level, char *fmt, ...)
{
}

static bus_t bus = {
	.log = no_log,
};

static enumerator_t *no_ike_sas(ike_sa_manager_t *this, bool wait)
{
	return enumerator_create_empty();
}

static ike_sa_manager_t manager = {
	.create_enumerator = no_ike_sas,
};

static daemon_t daemon_stub = {
	.bus = &bus,
	.ike_sa_manager = &manager,
};

/* ----- helpers ------------------------------------------------------------ */

static dpc_settings_t settings(void)
{
	dpc_settings_t s;

	dpc_settings_defaults(&s, "/tmp");
	s.max_records = 1000000;
	return s;
}

static void up(dpc_registry_t *r, uint32_t id, uint32_t nat)
{
	dpc_ike_rec_t rec;

	reg_ike(&rec, id, "s2s");
	rec.nat = nat;
	r->ike_set(r, &rec);
	dpc_ike_rec_clear(&rec);
}

static void child_up(dpc_registry_t *r, uint32_t ike_id, uint32_t id)
{
	dpc_child_rec_t rec;

	reg_child(&rec, id, "net");
	r->child_up(r, ike_id, &rec);
	dpc_child_rec_clear(&rec);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ----- snapshots ---------------------------------------------------------- */

START_TEST(test_snapshot_no_copies)
{
	dpc_settings_t s = settings();
	dpc_registry_t *r = dpc_registry_create(&s);
	dpc_tunnels_t snap;
	unsigned long calls;
	uint32_t i, n = 10000;

	for (i = 1; i <= n; i++)
	{
		up(r, i, 0);
		child_up(r, i, n + i);
	}
	dpc_tunnels_init(&snap);
	oom_arm(0, false);
	ck_assert(r->snapshot(r, &snap));
	calls = oom_calls();
	ck_assert_int_eq(snap.count, n);
	/* one array of references, not a copy of each record */
	ck_assert_msg(calls <= 2, "a snapshot of %u IKE_SAs made %lu allocations",
				  n, calls);
	dpc_tunnels_clear(&snap);
	r->destroy(r);
}
END_TEST

/* ----- expiry ------------------------------------------------------------- */

/**
 * Best of some runs: seconds to record n IKE_SAs, and to expire the middle
 * half of them once they are closed.
 */
static void expire_time(uint32_t n, int runs, double *build, double *expire)
{
	dpc_settings_t s = settings();
	dpc_registry_t *r;
	double t;
	uint32_t i;
	int run;

	*build = *expire = 1e9;
	for (run = 0; run < runs; run++)
	{
		r = dpc_registry_create(&s);
		t = now_s();
		for (i = 1; i <= n; i++)
		{
			up(r, i, 0);
		}
		t = now_s() - t;
		*build = t < *build ? t : *build;
		for (i = n / 4; i < 3 * n / 4; i++)
		{
			r->ike_down(r, i + 1, 100);
		}
		t = now_s();
		r->expire(r, 401, 300);
		t = now_s() - t;
		*expire = t < *expire ? t : *expire;
		r->destroy(r);
	}
}

START_TEST(test_expire_linear)
{
	double build, expire;

	/* measured against recording them, in the same conditions: one pass
	 * takes a fraction of that, one removal at a time shifting the array
	 * a multiple */
	expire_time(100000, 5, &build, &expire);
	ck_assert_msg(expire < build / 4, "expiring 50,000 of 100,000 records "
				  "took %.1f ms, recording them %.1f ms", expire * 1e3,
				  build * 1e3);
}
END_TEST

/* ----- a round reporting to a slow receiver ------------------------------ */

typedef struct {
	pthread_mutex_t mutex;
	pthread_cond_t cond;
	/** the receiver is reporting an event */
	bool in_event;
	/** the hooks are done */
	bool hooks_done;
	/** the receiver saw the hooks done while it was still reporting */
	bool overlapped;
	/** events received */
	int events;
} slow_t;

/**
 * A receiver that takes its time: it waits (for at most HOOK_WAIT seconds)
 * until the hooks were run while it is busy.
 */
static void slow_event(void *ctx, dpc_event_type_t type,
					   const dpc_finding_t *f)
{
	slow_t *slow = ctx;
	struct timespec until;

	pthread_mutex_lock(&slow->mutex);
	slow->events++;
	if (!slow->in_event && !slow->hooks_done)
	{
		slow->in_event = true;
		pthread_cond_broadcast(&slow->cond);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += HOOK_WAIT;
		while (!slow->hooks_done &&
			   pthread_cond_timedwait(&slow->cond, &slow->mutex, &until) == 0)
		{
		}
		slow->overlapped = slow->hooks_done;
	}
	pthread_mutex_unlock(&slow->mutex);
}

static void *run_round(void *round)
{
	((dpc_round_t*)round)->run(round);
	return NULL;
}

START_TEST(test_hooks_during_report)
{
	dpc_settings_t s = settings();
	dpc_registry_t *r;
	dpc_round_t *round;
	dpc_findings_t findings;
	dpc_tunnels_t snap;
	slow_t slow = {
		.mutex = PTHREAD_MUTEX_INITIALIZER,
		.cond = PTHREAD_COND_INITIALIZER,
	};
	struct timespec until;
	pthread_t thread;
	time_t last;
	double t;

	r = dpc_registry_create(&s);
	round = dpc_round_create(r, &s);
	round->set_event_cb(round, slow_event, &slow);
	/* behind NAT: the round reports nat-detected (and more) */
	up(r, 1, DPC_NAT_ANY | DPC_NAT_HERE);
	child_up(r, 1, 11);

	pthread_create(&thread, NULL, run_round, round);
	pthread_mutex_lock(&slow.mutex);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 60;
	while (!slow.in_event &&
		   pthread_cond_timedwait(&slow.cond, &slow.mutex, &until) == 0)
	{
	}
	ck_assert_msg(slow.in_event, "the round reported nothing");
	pthread_mutex_unlock(&slow.mutex);

	/* what bus hooks and status requests do, while the round reports */
	t = now_s();
	up(r, 2, 0);
	child_up(r, 2, 21);
	r->child_down(r, 1, 11, 500);
	round->trigger.trigger(&round->trigger, 0);
	dpc_tunnels_init(&snap);
	ck_assert(r->snapshot(r, &snap));
	dpc_tunnels_clear(&snap);
	dpc_findings_init(&findings);
	round->get_state(round, &findings, NULL, &last);
	dpc_findings_clear(&findings);
	t = now_s() - t;

	pthread_mutex_lock(&slow.mutex);
	slow.hooks_done = true;
	pthread_cond_broadcast(&slow.cond);
	pthread_mutex_unlock(&slow.mutex);
	pthread_join(thread, NULL);

	ck_assert_msg(slow.overlapped, "hooks waited %.1f s for the round's "
				  "reporting", t);
	ck_assert_int_gt(slow.events, 0);
	round->set_event_cb(round, NULL, NULL);
	round->destroy(round);
	r->destroy(r);
}
END_TEST

/* ----- out of memory ------------------------------------------------------ */

static void on_alarm(int sig)
{
	static const char msg[] = "registry scenario did not finish\n";

	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	_exit(3);
}

/**
 * Hooks, rekeys both ways, samples, a snapshot held across changes,
 * expiry; returns the number of allocations made.
 */
static unsigned long scenario(unsigned long nth)
{
	dpc_settings_t s = settings();
	dpc_child_sample_t sample = { .child_id = 11 };
	dpc_alert_t a = { .type = DPC_ALERT_TS_MISMATCH };
	dpc_addr_t addr = { .family = 2, .port = 500 };
	dpc_child_rec_t rec;
	dpc_ike_rec_t ike;
	dpc_tunnels_t snap;
	dpc_registry_t *r;
	unsigned long calls;

	alarm(10);
	oom_arm(nth, false);
	r = dpc_registry_create(&s);
	if (r)
	{
		dpc_tunnels_init(&snap);
		r->ike_initial(r, 1, &addr, &addr);
		up(r, 1, 0);
		child_up(r, 1, 11);
		child_up(r, 1, 12);
		r->add_alert(r, 1, "s2s", &a, TRUE);
		r->snapshot(r, &snap);
		r->add_samples(r, &sample, 1, 60);
		reg_child(&rec, 13, "net");
		r->child_rekey(r, 1, 11, &rec, 20);
		dpc_child_rec_clear(&rec);
		reg_ike(&ike, 2, "s2s");
		r->ike_rekey(r, 1, &ike, 30);
		dpc_ike_rec_clear(&ike);
		r->child_down(r, 2, 12, 40);
		r->ike_down(r, 2, 50);
		dpc_tunnels_clear(&snap);
		r->expire(r, 1000, 300);
		r->destroy(r);
	}
	calls = oom_calls();
	oom_disarm();
	alarm(0);
	return calls;
}

START_TEST(test_registry_oom)
{
	unsigned long total, nth;
	long live;

	signal(SIGALRM, on_alarm);
	/* records from malloc, to fail them too and count them */
	dpc_slab_use_malloc(true);
	total = scenario(0);
	ck_assert_uint_gt(total, 20);
	for (nth = 1; nth <= total; nth++)
	{
		live = oom_live();
		scenario(nth);
		ck_assert_msg(oom_live() == live, "%ld blocks leaked when "
					  "allocation %lu failed", oom_live() - live, nth);
	}
	dpc_slab_use_malloc(false);
}
END_TEST

/**
 * Interface names for the tables test: none known ("ifN").
 */
static bool no_name(dpc_ifmap_t *map, uint32_t index, char name[IF_NAMESIZE])
{
	return FALSE;
}

static bool no_index(dpc_ifmap_t *map, const char *name, uint32_t *index)
{
	return FALSE;
}

/**
 * Rule and route dumps kept across rounds: a round reads the kernel once
 * and hands its dumps over, the next one uses them without reading, one
 * after they were invalidated reads again and replaces them; nothing is
 * freed twice or lost (ASan in CI), here over the test's own rtnetlink.
 */
START_TEST(test_tables_kept)
{
	dpc_ifmap_t map = { .get_name = no_name, .get_index = no_index };
	const dpc_rtentry_t *routes, *first;
	const dpc_rule_t *rules;
	dpc_rtnl_dumps_t kept;
	dpc_rtnl_tables_t *tables;
	dpc_rtnl_t *rtnl;
	size_t n, nrules;

	memset(&kept, 0, sizeof(kept));
	rtnl = dpc_rtnl_create();
	ck_assert(rtnl);

	tables = dpc_rtnl_tables_create(rtnl, &map);
	tables->keep(tables, &kept);
	n = tables->get_routes(tables, AF_INET, &first);
	nrules = tables->get_rules(tables, AF_INET, &rules);
	ck_assert(kept.rt[0].valid);
	ck_assert(!kept.rt[1].valid);
	ck_assert(kept.rt[0].routes == first);
	ck_assert_uint_eq(kept.rt[0].nroutes, n);
	ck_assert_uint_eq(kept.rt[0].nrules, nrules);
	ck_assert_uint_gt(nrules, 0);
	tables->destroy(tables);

	/* the next round: the same arrays, no dump */
	tables = dpc_rtnl_tables_create(rtnl, &map);
	tables->keep(tables, &kept);
	ck_assert_uint_eq(tables->get_routes(tables, AF_INET, &routes), n);
	ck_assert(routes == first);
	tables->destroy(tables);
	ck_assert(kept.rt[0].routes == first);

	/* invalidated: read again, the kept arrays replaced */
	kept.rt[0].valid = FALSE;
	tables = dpc_rtnl_tables_create(rtnl, &map);
	tables->keep(tables, &kept);
	tables->get_rules(tables, AF_INET, &rules);
	ck_assert(kept.rt[0].valid);
	ck_assert_uint_eq(tables->get_routes(tables, AF_INET, &routes),
					  kept.rt[0].nroutes);
	ck_assert(routes == kept.rt[0].routes);
	tables->destroy(tables);

	/* without keep(): its own dumps, freed with it */
	tables = dpc_rtnl_tables_create(rtnl, &map);
	tables->get_routes(tables, AF_INET6, &routes);
	tables->destroy(tables);
	ck_assert(!kept.rt[1].valid);

	dpc_rtnl_dumps_clear(&kept);
	ck_assert(!kept.rt[0].valid && !kept.rt[0].routes);
	rtnl->destroy(rtnl);
}
END_TEST

/**
 * An answer is what a fresh round's kernel facts answer to the question,
 * and is about its destination.
 */
static void assert_fresh_answer(const dpc_route_query_t *q,
								const dpc_route_t *a, const char *dst)
{
	dpc_facts_t *fresh;
	dpc_route_t b;

	fresh = dpc_kernel_facts_create(DPC_DATAPLANE_XFRM, NULL, NULL, NULL);
	ck_assert(fresh);
	ck_assert(fresh->route_get(fresh, q, &b));
	fresh->destroy(fresh);
	ck_assert_str_eq(a->text, b.text);
	ck_assert_ptr_nonnull(strstr(a->text, dst));
	ck_assert_int_eq(a->error, b.error);
	ck_assert_int_eq(a->type, b.type);
	ck_assert_int_eq(a->table, b.table);
	ck_assert_str_eq(a->oif, b.oif);
}

/**
 * The round's route cache answers each question as the kernel does, also
 * across the growth of its table (hundreds of distinct questions, asked
 * again in another order), and never mixes up two questions' answers.
 */
START_TEST(test_route_cache)
{
	enum { QUESTIONS = 600 };
	dpc_facts_t *cached;
	dpc_route_query_t q;
	dpc_route_t a;
	char dst[32];
	int i, k;

	cached = dpc_kernel_facts_create(DPC_DATAPLANE_XFRM, NULL, NULL, NULL);
	ck_assert(cached);
	for (k = 0; k < 2 * QUESTIONS; k++)
	{	/* every question twice, the second time in another order */
		i = k < QUESTIONS ? k : (int)((k * 7L) % QUESTIONS);
		memset(&q, 0, sizeof(q));
		snprintf(dst, sizeof(dst), "127.%d.%d.%d", 1 + i % 2, i / 256,
				 i % 256);
		ck_assert(dpc_addr_parse(&q.dst, dst));
		if (i % 3 == 0)
		{	/* same destination, another question */
			q.mark = 7;
		}
		ck_assert(cached->route_get(cached, &q, &a));
		assert_fresh_answer(&q, &a, dst);
	}
	cached->destroy(cached);
}
END_TEST

/**
 * A question of test_route_ask_ahead, distinct for each i: IPv4 loopback and
 * IPv6 destinations,
 * output and input lookups, marks, and an input interface that does not
 * exist (answered without asking the kernel).
 */
static void ahead_question(int i, dpc_route_query_t *q, char *dst, size_t len)
{
	memset(q, 0, sizeof(*q));
	if (i % 5 == 4)
	{
		snprintf(dst, len, "64:ff9b::%x", i);
	}
	else
	{
		snprintf(dst, len, "127.%d.%d.%d", 1 + i % 3, i / 256, i % 256);
	}
	ck_assert(dpc_addr_parse(&q->dst, dst));
	if (i % 4 == 1)
	{
		snprintf(q->iif, sizeof(q->iif), "lo");
	}
	if (i % 11 == 3)
	{
		snprintf(q->iif, sizeof(q->iif), "dpcnosuch%d", i % 7);
	}
	if (i % 3 == 0)
	{
		q->mark = 7;
	}
}

/**
 * Route questions are kept encoded by their families: each comes back from
 * get() as it was added (addresses, source, mark, input interface up to the
 * longest name), find() gives its position, a question held already is not
 * added again, and the arrays grow past their first size.
 */
START_TEST(test_route_questions_round_trip)
{
	enum { N = 3000 };
	dpc_route_questions_t *questions;
	dpc_route_query_t q, back;
	size_t pos;
	int i, j;

	questions = dpc_route_questions_create(100);
	ck_assert(questions);
	for (j = 0; j < 2; j++)
	{
		for (i = 0; i < N; i++)
		{
			memset(&q, 0, sizeof(q));
			q.dst.family = i % 3 == 0 ? AF_INET6 : AF_INET;
			q.dst.a[0] = 10;
			q.dst.a[1] = i >> 8;
			q.dst.a[3] = i;
			q.dst.a[15] = i % 3 == 0 ? 0x42 : 0;
			if (i % 7 == 0)
			{	/* a family the encoding keeps as it is */
				q.dst.family = 99;
				memset(q.dst.a + 4, 0xa5, 12);
			}
			if (i % 2)
			{
				q.src.family = i % 5 == 0 ? AF_INET6 : AF_INET;
				q.src.a[0] = 192;
				q.src.a[3] = i;
			}
			if (i % 4 == 1)
			{
				snprintf(q.iif, sizeof(q.iif), i % 8 == 1 ?
						 "if0123456789abc" : "lan%d", i % 9);
			}
			q.mark = i % 6 == 0 ? 0xff000000u + i : 0;
			if (j == 0)
			{
				ck_assert(!questions->find(questions, &q, &pos));
			}
			ck_assert(questions->add(questions, &q, &pos));
			ck_assert_int_eq(pos, i);
			ck_assert(questions->find(questions, &q, &pos));
			ck_assert_int_eq(pos, i);
			ck_assert(questions->get(questions, i, &back));
			ck_assert_int_eq(back.dst.family, q.dst.family);
			ck_assert(!memcmp(back.dst.a, q.dst.a,
				q.dst.family == AF_INET ? 4 : sizeof(q.dst.a)));
			ck_assert_int_eq(back.src.family, q.src.family);
			ck_assert(!memcmp(back.src.a, q.src.a,
				q.src.family == AF_INET ? 4 : sizeof(q.src.a)));
			ck_assert_str_eq(back.iif, q.iif);
			ck_assert_uint_eq(back.mark, q.mark);
		}
		ck_assert_int_eq(questions->count(questions), N);
	}
	ck_assert(!questions->get(questions, N, &back));
	questions->destroy(questions);
}
END_TEST

/**
 * A round asking ahead what the last full round asked gets the answers the
 * kernel gives to each question alone, in far fewer requests; questions the
 * last round did not ask, or asked in another order, are answered too.
 */
START_TEST(test_route_ask_ahead)
{
	enum { QUESTIONS = 400 };
	dpc_route_questions_t *questions = NULL;
	dpc_facts_t *facts;
	dpc_route_query_t q;
	dpc_route_t a;
	char dst[64];
	size_t requests;
	int round, k, i;

	for (round = 0; round < 3; round++)
	{
		facts = dpc_kernel_facts_create(DPC_DATAPLANE_XFRM, NULL, NULL, NULL);
		ck_assert(facts);
		dpc_kernel_facts_ask_ahead(facts, &questions);
		dpc_kernel_facts_remember_questions(facts);
		for (k = 0; k < QUESTIONS; k++)
		{	/* round 2: a tenth new questions, the rest from the back */
			i = round < 2 ? k : (k % 10 == 0 ? QUESTIONS + k
											 : QUESTIONS - 1 - k);
			ahead_question(i, &q, dst, sizeof(dst));
			ck_assert(facts->route_get(facts, &q, &a));
			assert_fresh_answer(&q, &a, dst);
		}
		requests = dpc_kernel_facts_route_requests(facts);
		facts->destroy(facts);
		ck_assert(questions);
		switch (round)
		{
			case 0:	/* nothing to ask ahead yet */
				ck_assert_int_eq(requests, QUESTIONS);
				break;
			case 1:	/* the same questions in the same order */
				ck_assert_int_le(requests,
								 (QUESTIONS + DPC_RTNL_BATCH - 1) /
								 DPC_RTNL_BATCH);
				break;
			default: /* reversed: nothing follows a question in the last
					  * round's order that is not answered already, but
					  * the new ones still cost one each */
				ck_assert_int_ge(requests, QUESTIONS / 10);
				ck_assert_int_le(requests, QUESTIONS);
				break;
		}
		/* round 2 also holds what it asked ahead and then did not ask */
		ck_assert_int_ge(questions->count(questions), QUESTIONS);
		if (round < 2)
		{
			ck_assert_int_eq(questions->count(questions), QUESTIONS);
		}
	}
	questions->destroy(questions);
}
END_TEST

/* tests/unit/test_round_runner.c */
Suite *round_runner_suite(void);

static Suite *engine_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("registry and round locks");
	tc = tcase_create("engine");
	tcase_add_test(tc, test_snapshot_no_copies);
	tcase_add_test(tc, test_expire_linear);
	tcase_add_test(tc, test_hooks_during_report);
	tcase_add_test(tc, test_registry_oom);
	tcase_add_test(tc, test_tables_kept);
	tcase_add_test(tc, test_route_cache);
	tcase_add_test(tc, test_route_questions_round_trip);
	tcase_add_test(tc, test_route_ask_ahead);
	tcase_set_timeout(tc, 300);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	dbg = quiet;
	if (!library_init(NULL, "dpc-engine-tests"))
	{
		library_deinit();
		return EXIT_FAILURE;
	}
	charon = &daemon_stub;
	sr = srunner_create(engine_suite());
	srunner_add_suite(sr, round_runner_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	charon = NULL;
	library_deinit();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
