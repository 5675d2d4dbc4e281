/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * The records behind the registry (model/dpc_table): what unauthenticated
 * IKE_SAs leave, the cap, sharing with snapshots, rekeys, expiry.
 */

#include "dpc_tests.h"
#include "test_registry.h"
#include "test_oom_wrap.h"
#include "model/dpc_slab.h"
#include "model/dpc_table.h"

#include <stdio.h>
#include <string.h>

/**
 * Insert an IKE_SA that is up.
 */
static void up(dpc_table_t *t, uint32_t id)
{
	dpc_ike_rec_t rec;

	reg_ike(&rec, id, "s2s");
	dpc_table_ike_set(t, &rec);
	dpc_ike_rec_clear(&rec);
}

/**
 * Install a CHILD_SA.
 */
static void child_up(dpc_table_t *t, uint32_t ike_id, uint32_t id)
{
	dpc_child_rec_t rec;

	ck_assert(reg_child(&rec, id, "net"));
	dpc_table_child_up(t, ike_id, &rec, 100);
	dpc_child_rec_clear(&rec);
}

static dpc_table_stats_t stats(dpc_table_t *t)
{
	dpc_table_stats_t s;

	dpc_table_get_stats(t, &s);
	return s;
}

/**
 * The IKE_SA of a snapshot by id, NULL if absent.
 */
static dpc_ike_rec_t *find(dpc_tunnels_t *snap, uint32_t id)
{
	int i;

	for (i = 0; i < snap->count; i++)
	{
		if (snap->ikes[i]->unique_id == id)
		{
			return snap->ikes[i];
		}
	}
	return NULL;
}

static dpc_alert_t alert(dpc_alert_type_t type, const char *child)
{
	dpc_alert_t a = {
		.type = type,
		.time = 50,
		.count = 1,
	};

	snprintf(a.child_name, sizeof(a.child_name), "%s", child);
	return a;
}

START_TEST(test_half_open_no_record)
{
	dpc_table_t *t = dpc_table_create(100, 30);
	dpc_tunnels_t snap;
	dpc_addr_t l, r;
	dpc_ike_rec_t *ike;

	dpc_addr_parse(&l, "192.0.2.2");
	l.port = 500;
	dpc_addr_parse(&r, "198.51.100.2");
	r.port = 500;
	/* IKE_SA_INIT leaves no record, only the bounded map */
	dpc_table_ike_init(t, 1, &l, &r, 10);
	dpc_table_ike_init(t, 2, &l, &r, 10);
	ck_assert_uint_eq(stats(t).records, 0);
	ck_assert_uint_eq(stats(t).half_open, 2);
	dpc_tunnels_init(&snap);
	ck_assert(dpc_table_snapshot(t, &snap));
	ck_assert_int_eq(snap.count, 0);

	/* authenticated: the record takes the endpoints of IKE_SA_INIT */
	up(t, 1);
	ck_assert_uint_eq(stats(t).records, 1);
	ck_assert_uint_eq(stats(t).half_open, 1);
	ck_assert(dpc_table_snapshot(t, &snap));
	ike = find(&snap, 1);
	ck_assert_ptr_nonnull(ike);
	ck_assert_uint_eq(ike->initial_local.port, 500);
	ck_assert_uint_eq(ike->initial_remote.port, 500);
	ck_assert_uint_eq(ike->local.port, 4500);
	ck_assert_ptr_null(ike->alerts);
	dpc_tunnels_clear(&snap);

	/* destroyed before it came up: nothing left */
	dpc_table_ike_gone(t, 2);
	ck_assert_uint_eq(stats(t).half_open, 0);
	dpc_table_destroy(t);
}
END_TEST

START_TEST(test_half_open_timeout)
{
	dpc_table_t *t = dpc_table_create(100, 30);
	dpc_addr_t a = {};

	dpc_table_ike_init(t, 1, &a, &a, 100);
	dpc_table_ike_init(t, 2, &a, &a, 115);
	dpc_table_expire(t, 130, 300);
	ck_assert_uint_eq(stats(t).half_open, 2);
	dpc_table_expire(t, 131, 300);
	ck_assert_uint_eq(stats(t).half_open, 1);
	/* a new IKE_SA_INIT drops the stale ones too */
	dpc_table_ike_init(t, 3, &a, &a, 146);
	ck_assert_uint_eq(stats(t).half_open, 1);
	dpc_table_expire(t, 200, 300);
	ck_assert_uint_eq(stats(t).half_open, 0);
	ck_assert_uint_eq(stats(t).records, 0);
	dpc_table_destroy(t);
}
END_TEST

START_TEST(test_half_open_bounded)
{
	dpc_table_stats_t flood, after;
	dpc_table_t *t;
	dpc_addr_t a = {};
	long live, d_flood, d_empty, d_end;
	uint32_t i;

	/* no assertions in between: libcheck allocates for them; records
	 * from malloc, to count them */
	dpc_slab_use_malloc(true);
	live = oom_live();
	t = dpc_table_create(100, 30);
	/* a flood from many addresses: the oldest make room */
	for (i = 1; i <= 10 * DPC_HALF_OPEN_MAX; i++)
	{
		dpc_table_ike_init(t, i, &a, &a, 10);
	}
	dpc_table_get_stats(t, &flood);
	d_flood = oom_live() - live;
	up(t, 10 * DPC_HALF_OPEN_MAX);
	dpc_table_get_stats(t, &after);
	/* memory goes back once it is empty */
	dpc_table_expire(t, 100, 300);
	d_empty = oom_live() - live;
	dpc_table_destroy(t);
	d_end = oom_live() - live;
	dpc_slab_use_malloc(false);

	ck_assert_uint_eq(flood.half_open, DPC_HALF_OPEN_MAX);
	ck_assert_uint_eq(flood.records, 0);
	/* a handful of blocks, whatever the flood */
	ck_assert_int_le(d_flood, 8);
	ck_assert_uint_eq(after.half_open, DPC_HALF_OPEN_MAX - 1);
	ck_assert_uint_eq(after.records, 1);
	/* the table, its array and index, one record */
	ck_assert_int_eq(d_empty, 5);
	ck_assert_int_eq(d_end, 0);
}
END_TEST

START_TEST(test_alert_before_auth)
{
	dpc_table_t *t = dpc_table_create(100, 30);
	dpc_tunnels_t snap;
	dpc_alert_t a = alert(DPC_ALERT_TS_MISMATCH, "net");
	dpc_addr_t l = {};

	/* TS_UNACCEPTABLE in the IKE_AUTH response: waits for the IKE_SA */
	dpc_table_ike_init(t, 1, &l, &l, 10);
	dpc_table_add_alert(t, 1, "s2s", &a, false, 10);
	/* an unauthenticated IKE_SA without IKE_SA_INIT endpoints: bounded too */
	dpc_table_add_alert(t, 5, "s2s", &a, false, 10);
	ck_assert_uint_eq(stats(t).records, 0);
	ck_assert_uint_eq(stats(t).half_open, 2);
	up(t, 1);
	dpc_tunnels_init(&snap);
	ck_assert(dpc_table_snapshot(t, &snap));
	ck_assert_int_eq(snap.count, 1);
	ck_assert_int_eq(snap.ikes[0]->n_alerts, 1);
	ck_assert_str_eq(snap.ikes[0]->alerts[0].child_name, "net");
	dpc_tunnels_clear(&snap);
	dpc_table_ike_gone(t, 5);
	ck_assert_uint_eq(stats(t).half_open, 0);

	/* authenticated but unknown (CHILD_SA alerts before ike_updown): a
	 * stub, left out of reports as it never was established */
	dpc_table_add_alert(t, 7, "s2s", &a, true, 20);
	ck_assert(dpc_table_snapshot(t, &snap));
	ck_assert_int_eq(snap.count, 2);
	ck_assert_ptr_nonnull(find(&snap, 7));
	ck_assert_int_eq(find(&snap, 7)->established, 0);
	ck_assert_int_eq(find(&snap, 7)->state, DPC_STATE_DOWN);
	dpc_tunnels_clear(&snap);
	/* it expires like a closed one */
	dpc_table_expire(t, 321, 300);
	ck_assert_uint_eq(stats(t).records, 1);
	dpc_table_destroy(t);
}
END_TEST

START_TEST(test_cap)
{
	dpc_table_t *t = dpc_table_create(20, 30);
	dpc_alert_t a = alert(DPC_ALERT_TS_MISMATCH, "net");
	dpc_subject_t s = { .ike_id = 11 };
	uint32_t i;

	for (i = 1; i <= 10; i++)
	{
		up(t, i);
		child_up(t, i, 100 + i);
	}
	ck_assert_uint_eq(stats(t).records, 20);
	ck_assert(!stats(t).full);
	/* full: new records are refused, known ones still change */
	up(t, 11);
	child_up(t, 1, 201);
	dpc_table_add_alert(t, 12, "x", &a, true, 10);
	ck_assert_uint_eq(stats(t).records, 20);
	ck_assert_uint_eq(stats(t).refused, 3);
	ck_assert(stats(t).full);
	ck_assert(!dpc_table_is_alive(t, &s));
	child_up(t, 1, 101);
	dpc_table_child_down(t, 102, 100);
	ck_assert_uint_eq(stats(t).refused, 3);
	/* just below the limit: still full (one line per episode) */
	dpc_table_expire(t, 401, 300);
	ck_assert_uint_eq(stats(t).records, 19);
	ck_assert(stats(t).full);
	up(t, 11);
	ck_assert_uint_eq(stats(t).records, 20);
	ck_assert(dpc_table_is_alive(t, &s));
	/* well below it: no longer full */
	dpc_table_ike_down(t, 3, 402);
	dpc_table_expire(t, 703, 300);
	ck_assert_uint_eq(stats(t).records, 18);
	ck_assert(!stats(t).full);
	/* a lower limit leaves what is there */
	dpc_table_set_limits(t, 5, 30);
	up(t, 12);
	ck_assert_uint_eq(stats(t).records, 18);
	ck_assert(stats(t).full);
	dpc_table_destroy(t);
}
END_TEST

/**
 * A direction the kernel did not report keeps the counters of the
 * CHILD_SA's newest sample (none: zero); the other takes the new ones.
 */
START_TEST(test_samples_kept)
{
	dpc_table_t *t = dpc_table_create(100, 30);
	dpc_child_sample_t s[] = {
		{ .child_id = 11, .sample = { .time = 10, .packets_in = 5,
			.packets_out = 7, .bytes_in = 500, .bytes_out = 700 } },
		{ .child_id = 12, .kept_in = true, .sample = { .time = 10,
			.packets_in = 99, .bytes_in = 9900, .packets_out = 3 } },
	};
	dpc_tunnels_t snap;
	dpc_sample_t last;

	up(t, 1);
	child_up(t, 1, 11);
	child_up(t, 1, 12);
	dpc_table_add_samples(t, s, 2, 60);
	s[0].sample = (dpc_sample_t){ .time = 20, .packets_in = 9,
		.bytes_in = 900, .packets_out = 1234, .bytes_out = 5678 };
	s[0].kept_out = true;
	dpc_table_add_samples(t, s, 1, 60);

	dpc_tunnels_init(&snap);
	ck_assert(dpc_table_snapshot(t, &snap));
	ck_assert_int_eq(snap.ikes[0]->n_children, 2);
	last = dpc_child_rec_last(snap.ikes[0]->children[0]);
	ck_assert_int_eq(last.time, 20);
	ck_assert_uint_eq(last.packets_in, 9);
	ck_assert_uint_eq(last.bytes_in, 900);
	ck_assert_uint_eq(last.packets_out, 7);
	ck_assert_uint_eq(last.bytes_out, 700);
	last = dpc_child_rec_last(snap.ikes[0]->children[1]);
	ck_assert_uint_eq(last.packets_in, 0);
	ck_assert_uint_eq(last.bytes_in, 0);
	ck_assert_uint_eq(last.packets_out, 3);
	dpc_tunnels_clear(&snap);
	dpc_table_destroy(t);
}
END_TEST

START_TEST(test_snapshot_shared)
{
	dpc_table_t *t = dpc_table_create(100, 30);
	dpc_tunnels_t s1, s2;
	dpc_child_sample_t sample = {
		.child_id = 11,
		.sample = { .time = 5, .packets_in = 7 },
	};
	dpc_ike_rec_t *ike;
	dpc_child_rec_t *child;
	dpc_addr_t a = {};

	up(t, 1);
	child_up(t, 1, 11);
	dpc_tunnels_init(&s1);
	dpc_tunnels_init(&s2);
	ck_assert(dpc_table_snapshot(t, &s1));
	ike = s1.ikes[0];
	child = ike->children[0];
	/* a snapshot holds references, it copies nothing (the CHILD_SA is
	 * shared through its IKE_SA's record) */
	ck_assert(!dpc_ike_rec_unique(ike));
	ck_assert(dpc_child_rec_unique(child));

	/* samples are added in place (no copy per status), with no
	 * allocation */
	dpc_slab_use_malloc(true);
	oom_arm(0, false);
	dpc_table_add_samples(t, &sample, 1, 60);
	ck_assert_uint_eq(oom_calls(), 0);
	dpc_slab_use_malloc(false);
	ck_assert_int_eq(child->n_samples, 1);
	ck_assert_uint_eq(dpc_child_rec_last(child).packets_in, 7);
	ck_assert(s1.ikes[0] == ike);

	/* other changes after the snapshot go to private copies */
	dpc_table_ike_update(t, 1, &a, &a, 9);
	dpc_table_child_down(t, 11, 9);
	ck_assert_int_eq(child->state, DPC_STATE_UP);
	ck_assert_uint_eq(ike->updates, 0);
	ck_assert(dpc_table_snapshot(t, &s2));
	ck_assert(s2.ikes[0] != ike);
	ck_assert(s2.ikes[0]->children[0] != child);
	ck_assert_int_eq(s2.ikes[0]->children[0]->n_samples, 1);
	ck_assert_int_eq(s2.ikes[0]->children[0]->state, DPC_STATE_DOWN);
	ck_assert_uint_eq(s2.ikes[0]->updates, 1);

	/* the old version goes with the first snapshot */
	ck_assert(dpc_ike_rec_unique(ike));
	dpc_tunnels_clear(&s1);
	dpc_tunnels_clear(&s2);

	/* nobody else holds them: changed in place */
	ck_assert(dpc_table_snapshot(t, &s1));
	ike = s1.ikes[0];
	dpc_tunnels_clear(&s1);
	dpc_table_ike_update(t, 1, &a, &a, 10);
	ck_assert(dpc_table_snapshot(t, &s1));
	ck_assert(s1.ikes[0] == ike);
	ck_assert_uint_eq(ike->updates, 2);
	/* the endpoint before the update and when it happened, for
	 * nat-mapping-changed */
	ck_assert_int_eq(ike->prev_remote.family, a.family);
	ck_assert_int_eq(ike->update_history.n, 2);
	ck_assert_int_eq(ike->update_history.at[1], 10);
	dpc_tunnels_clear(&s1);
	dpc_table_destroy(t);
}
END_TEST

START_TEST(test_rekeys)
{
	dpc_table_t *t = dpc_table_create(100, 30);
	dpc_child_sample_t sample = {
		.child_id = 11,
		.sample = { .time = 5, .packets_in = 7, .packets_out = 9 },
	};
	dpc_alert_t a = alert(DPC_ALERT_INSTALL_SA_FAILED, "web");
	dpc_subject_t s = {};
	dpc_child_rec_t rec;
	dpc_ike_rec_t ike;
	dpc_tunnels_t snap;
	dpc_ike_rec_t *new;

	up(t, 1);
	child_up(t, 1, 11);
	child_up(t, 1, 12);
	dpc_table_add_samples(t, &sample, 1, 60);
	dpc_table_add_alert(t, 1, "s2s", &a, true, 10);
	/* the CHILD_SA rekey carries the counters over */
	ck_assert(reg_child(&rec, 13, "net"));
	dpc_table_child_rekey(t, 1, 11, &rec, 20);
	dpc_child_rec_clear(&rec);
	s.ike_id = 1;
	s.child_id = 11;
	ck_assert(!dpc_table_is_alive(t, &s));
	s.child_id = 13;
	ck_assert(dpc_table_is_alive(t, &s));

	/* the IKE_SA rekey moves the CHILD_SAs and the history */
	dpc_tunnels_init(&snap);
	ck_assert(dpc_table_snapshot(t, &snap));
	reg_ike(&ike, 2, "s2s");
	dpc_table_ike_rekey(t, 1, &ike, 30);
	dpc_ike_rec_clear(&ike);
	/* the snapshot still sees the old one */
	ck_assert_int_eq(snap.ikes[0]->n_children, 3);
	ck_assert_int_eq(snap.ikes[0]->state, DPC_STATE_UP);
	dpc_tunnels_clear(&snap);
	ck_assert(dpc_table_snapshot(t, &snap));
	ck_assert_int_eq(snap.count, 2);
	ck_assert_int_eq(find(&snap, 1)->state, DPC_STATE_REKEYED);
	ck_assert_int_eq(find(&snap, 1)->n_children, 0);
	new = find(&snap, 2);
	ck_assert_int_eq(new->n_children, 3);
	ck_assert_uint_eq(new->rekeys, 1);
	ck_assert_uint_eq(new->rekeyed_from, 1);
	ck_assert_int_eq(new->n_alerts, 1);
	ck_assert_uint_eq(new->children[2]->unique_id, 13);
	ck_assert_uint_eq(new->children[2]->rekeyed_from, 11);
	ck_assert_uint_eq(new->children[2]->pred_last.packets_out, 9);
	ck_assert_uint_eq(new->children[2]->pred_first.packets_out, 9);
	ck_assert_int_eq(new->children[2]->n_pred_samples, 1);
	ck_assert_uint_eq(new->children[0]->rekeyed_to, 13);
	/* both lineages remember when they rekeyed (rekey-churn) */
	ck_assert_int_eq(new->rekey_history.n, 1);
	ck_assert_int_eq(new->rekey_history.at[0], 30);
	ck_assert_int_eq(new->children[2]->rekey_history.n, 1);
	ck_assert_int_eq(new->children[2]->rekey_history.at[0], 20);
	ck_assert_int_eq(new->children[1]->rekey_history.n, 0);
	dpc_tunnels_clear(&snap);
	/* the moved CHILD_SAs are found with their new IKE_SA */
	dpc_table_child_down(t, 12, 40);
	s.ike_id = 2;
	s.child_id = 12;
	ck_assert(!dpc_table_is_alive(t, &s));
	ck_assert_uint_eq(stats(t).records, 5);
	/* everything expires */
	dpc_table_ike_down(t, 2, 50);
	dpc_table_expire(t, 351, 300);
	ck_assert_uint_eq(stats(t).records, 0);
	dpc_table_destroy(t);
}
END_TEST

START_TEST(test_expire_compacts)
{
	dpc_table_t *t = dpc_table_create(1000000, 30);
	dpc_tunnels_t snap;
	dpc_subject_t s = {};
	uint32_t i, n = 20000;

	for (i = 1; i <= n; i++)
	{
		up(t, i);
		child_up(t, i, n + i);
	}
	/* every other IKE_SA closes, every third CHILD_SA of the others */
	for (i = 1; i <= n; i++)
	{
		if (i % 2)
		{
			dpc_table_ike_down(t, i, 100);
		}
		else if (i % 3 == 0)
		{
			dpc_table_child_down(t, n + i, 100);
		}
	}
	dpc_table_expire(t, 401, 300);
	ck_assert_uint_eq(stats(t).records, n / 2 + n / 2 - n / 6);
	dpc_tunnels_init(&snap);
	ck_assert(dpc_table_snapshot(t, &snap));
	ck_assert_int_eq(snap.count, n / 2);
	/* order kept, lookups right after the move */
	for (i = 0; i < (uint32_t)snap.count; i++)
	{
		ck_assert_uint_eq(snap.ikes[i]->unique_id, 2 * (i + 1));
		s.ike_id = 2 * (i + 1);
		s.child_id = 0;
		ck_assert(dpc_table_is_alive(t, &s));
		s.child_id = n + s.ike_id;
		ck_assert(dpc_table_is_alive(t, &s) == (s.ike_id % 3 != 0));
	}
	dpc_tunnels_clear(&snap);
	dpc_table_destroy(t);
}
END_TEST

START_TEST(test_idmap)
{
	dpc_idmap_t m;
	uint32_t i, v;

	dpc_idmap_init(&m);
	ck_assert(!dpc_idmap_put(&m, 0, 1));
	ck_assert(!dpc_idmap_get(&m, 1, &v));
	for (i = 1; i <= 5000; i++)
	{
		ck_assert(dpc_idmap_put(&m, i * 7, i));
	}
	ck_assert(dpc_idmap_put(&m, 7, 99));
	ck_assert_uint_eq(m.count, 5000);
	/* removals keep every other key reachable */
	for (i = 1; i <= 5000; i += 2)
	{
		ck_assert(dpc_idmap_remove(&m, i * 7));
	}
	ck_assert(!dpc_idmap_remove(&m, 7));
	for (i = 1; i <= 5000; i++)
	{
		ck_assert(dpc_idmap_get(&m, i * 7, &v) == !(i % 2));
		if (!(i % 2))
		{
			ck_assert_uint_eq(v, i);
		}
	}
	ck_assert_uint_eq(m.count, 2500);
	dpc_idmap_clear(&m);
	ck_assert(!dpc_idmap_get(&m, 14, NULL));
}
END_TEST

START_TEST(test_natt_attempts)
{
	dpc_table_t *t = dpc_table_create(100, 30);
	dpc_addr_t l500, r500, l4500, r4500;
	dpc_tunnels_t snap;

	dpc_addr_parse(&l500, "192.0.2.2");
	dpc_addr_parse(&r500, "198.51.100.2");
	l500.port = r500.port = 500;
	l4500 = l500;
	r4500 = r500;
	l4500.port = r4500.port = 4500;
	dpc_table_ike_init(t, 5, &l500, &r500, 1);
	/* IKE_SA_INIT itself retransmitted: the peer is down, not NAT-T */
	dpc_table_ike_retransmit(t, 5, "s2s", &l500, &r500, 1, false, 2);
	dpc_tunnels_init(&snap);
	ck_assert(dpc_table_snapshot(t, &snap));
	ck_assert_int_eq(snap.natt.count, 0);
	dpc_tunnels_clear(&snap);
	/* IKE_AUTH to 4500 retransmitted, then given up */
	dpc_table_ike_retransmit(t, 5, "s2s", &l4500, &r4500, 1, false, 5);
	dpc_table_ike_retransmit(t, 5, "s2s", &l4500, &r4500, 2, false, 9);
	dpc_table_ike_retransmit(t, 5, "s2s", &l4500, &r4500, 0, true, 20);
	ck_assert(dpc_table_snapshot(t, &snap));
	ck_assert_int_eq(snap.natt.count, 1);
	ck_assert_str_eq(snap.natt.entries[0].name, "s2s");
	ck_assert_uint_eq(snap.natt.entries[0].retransmits, 2);
	ck_assert(snap.natt.entries[0].timed_out);
	ck_assert_int_eq(snap.natt.entries[0].first, 5);
	ck_assert_int_eq(snap.natt.entries[0].init_remote.port, 500);
	ck_assert_int_eq(snap.natt.entries[0].remote.port, 4500);
	dpc_tunnels_clear(&snap);
	/* the IKE_SA is gone: what it showed stays until keep_closed */
	dpc_table_ike_gone(t, 5);
	dpc_table_expire(t, 100, 300);
	ck_assert(dpc_table_snapshot(t, &snap));
	ck_assert_int_eq(snap.natt.count, 1);
	dpc_tunnels_clear(&snap);
	dpc_table_expire(t, 400, 300);
	ck_assert(dpc_table_snapshot(t, &snap));
	ck_assert_int_eq(snap.natt.count, 0);
	dpc_tunnels_clear(&snap);

	/* an established IKE_SA of the config clears it; retransmits of an
	 * authenticated IKE_SA (DPD) are none of this */
	dpc_table_ike_init(t, 6, &l500, &r500, 500);
	dpc_table_ike_retransmit(t, 6, "s2s", &l4500, &r4500, 3, false, 510);
	up(t, 6);
	dpc_table_ike_retransmit(t, 6, "s2s", &l4500, &r4500, 4, false, 520);
	ck_assert(dpc_table_snapshot(t, &snap));
	ck_assert_int_eq(snap.natt.count, 0);
	dpc_tunnels_clear(&snap);
	dpc_table_destroy(t);
}
END_TEST

START_TEST(test_natt_attempts_bounded)
{
	dpc_natt_attempts_t a = {};
	dpc_natt_attempt_t e = {};
	int i;

	for (i = 0; i < DPC_NATT_ATTEMPTS_MAX + 5; i++)
	{
		snprintf(e.name, sizeof(e.name), "peer%d", i);
		e.ike_id = i + 1;
		e.last = 100 + i;
		dpc_natt_attempts_note(&a, &e);
	}
	ck_assert_int_eq(a.count, DPC_NATT_ATTEMPTS_MAX);
	/* the least recent ones made room */
	for (i = 0; i < a.count; i++)
	{
		ck_assert_int_ge(a.entries[i].last, 105);
	}
	/* a new IKE_SA of a config replaces the config's entry */
	snprintf(e.name, sizeof(e.name), "peer20");
	e.ike_id = 99;
	e.last = 200;
	dpc_natt_attempts_note(&a, &e);
	ck_assert_int_eq(a.count, DPC_NATT_ATTEMPTS_MAX);
	dpc_natt_attempts_forget(&a, "peer20");
	ck_assert_int_eq(a.count, DPC_NATT_ATTEMPTS_MAX - 1);
}
END_TEST

Suite *registry_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("registry");
	tc = tcase_create("table");
	tcase_add_test(tc, test_half_open_no_record);
	tcase_add_test(tc, test_half_open_timeout);
	tcase_add_test(tc, test_half_open_bounded);
	tcase_add_test(tc, test_alert_before_auth);
	tcase_add_test(tc, test_cap);
	tcase_add_test(tc, test_snapshot_shared);
	tcase_add_test(tc, test_samples_kept);
	tcase_add_test(tc, test_rekeys);
	tcase_add_test(tc, test_natt_attempts);
	tcase_add_test(tc, test_natt_attempts_bounded);
	tcase_add_test(tc, test_expire_compacts);
	tcase_add_test(tc, test_idmap);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
