/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_tests.h"

#include <model/dpc_finding.h>
#include <model/dpc_record.h>
#include <model/dpc_store.h>
#include <model/dpc_ts_shared.h>

#include <stdio.h>
#include <string.h>

/**
 * A subject: IKE name/id, child name/id.
 */
static dpc_subject_t subject(const char *ike, uint32_t ike_id,
							 const char *child, uint32_t child_id)
{
	dpc_subject_t s;

	memset(&s, 0, sizeof(s));
	snprintf(s.ike_name, sizeof(s.ike_name), "%s", ike);
	s.ike_id = ike_id;
	snprintf(s.child_name, sizeof(s.child_name), "%s", child);
	s.child_id = child_id;
	return s;
}

/**
 * Events seen by the store callback.
 */
typedef struct {
	/** "type code subject sev", one per event */
	char lines[16][256];
	/** first_seen of each event's finding */
	time_t first_seen[16];
	/** number of events */
	int count;
	/** subjects with this IKE_SA id are gone */
	uint32_t dead_ike;
} events_t;

static void on_event(void *ctx, dpc_event_type_t type, const dpc_finding_t *f)
{
	events_t *ev = ctx;
	char subj[128];

	ck_assert_int_lt(ev->count, 16);
	ck_assert(f->active == (type == DPC_EVENT_APPEAR ||
							type == DPC_EVENT_CHANGE));
	dpc_subject_to_str(&f->subject, subj, sizeof(subj));
	snprintf(ev->lines[ev->count], sizeof(ev->lines[0]), "%s %s %s %s",
			 dpc_event_type_name(type), f->code, subj,
			 dpc_severity_name(f->severity));
	ev->first_seen[ev->count] = f->first_seen;
	ev->count++;
}

static bool is_alive(void *ctx, const dpc_subject_t *s)
{
	events_t *ev = ctx;

	return s->ike_id != ev->dead_ike;
}

/**
 * Add a finding with a message to a round.
 */
static dpc_finding_t *add(dpc_findings_t *round, const char *code,
						  dpc_severity_t sev, dpc_subject_t s, const char *msg)
{
	dpc_finding_t *f = dpc_findings_add(round, code, sev, &s);

	ck_assert_ptr_nonnull(f);
	dpc_finding_message(f, "%s", msg);
	return f;
}

START_TEST(test_severity)
{
	dpc_severity_t sev;

	ck_assert_str_eq(dpc_severity_name(DPC_INFO), "info");
	ck_assert_str_eq(dpc_severity_name(DPC_WARNING), "warning");
	ck_assert_str_eq(dpc_severity_name(DPC_ERROR), "error");
	ck_assert_str_eq(dpc_severity_name((dpc_severity_t)7), "unknown");
	ck_assert(dpc_severity_parse("warning", &sev));
	ck_assert_int_eq(sev, DPC_WARNING);
	ck_assert(dpc_severity_parse("error", &sev));
	ck_assert_int_eq(sev, DPC_ERROR);
	ck_assert(dpc_severity_parse("info", &sev));
	ck_assert_int_eq(sev, DPC_INFO);
	ck_assert(!dpc_severity_parse("fatal", &sev));
	ck_assert(!dpc_severity_parse("", &sev));
	ck_assert(!dpc_severity_parse(NULL, &sev));
	ck_assert_str_eq(dpc_event_type_name(DPC_EVENT_APPEAR), "appear");
	ck_assert_str_eq(dpc_event_type_name(DPC_EVENT_CHANGE), "change");
	ck_assert_str_eq(dpc_event_type_name(DPC_EVENT_RESOLVE), "resolve");
	ck_assert_str_eq(dpc_event_type_name(DPC_EVENT_DROP), "drop");
}
END_TEST

START_TEST(test_subject_to_str)
{
	dpc_subject_t s;
	char buf[128];

	s = subject("s2s", 1, "net", 3);
	ck_assert_str_eq(dpc_subject_to_str(&s, buf, sizeof(buf)), "s2s[1] net{3}");
	s = subject("s2s", 1, "net", 0);
	ck_assert_str_eq(dpc_subject_to_str(&s, buf, sizeof(buf)), "s2s[1] net");
	s = subject("s2s", 1, "", 0);
	ck_assert_str_eq(dpc_subject_to_str(&s, buf, sizeof(buf)), "s2s[1]");
	s = subject("", 0, "", 0);
	ck_assert_str_eq(dpc_subject_to_str(&s, buf, sizeof(buf)), "host");
	s = subject("s2s", 0, "", 0);
	ck_assert_str_eq(dpc_subject_to_str(&s, buf, sizeof(buf)), "s2s");
	s = subject("s2s", 0, "net", 0);
	ck_assert_str_eq(dpc_subject_to_str(&s, buf, sizeof(buf)), "s2s net");
	s = subject("s2s", 4294967295u, "net", 4294967295u);
	ck_assert_str_eq(dpc_subject_to_str(&s, buf, sizeof(buf)),
					 "s2s[4294967295] net{4294967295}");
	ck_assert_str_eq(dpc_subject_to_str(&s, buf, 8), "s2s[429");
	strcpy(buf, "x");
	dpc_subject_to_str(&s, buf, 0);
	ck_assert_str_eq(buf, "x");
}
END_TEST

START_TEST(test_findings_add)
{
	dpc_findings_t list;
	dpc_subject_t s = subject("s2s", 1, "net", 3);
	dpc_finding_t *f;
	char code[100];
	int i;

	dpc_findings_init(&list);
	f = dpc_findings_add(&list, "ts-narrowed", DPC_WARNING, &s);
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->code, "ts-narrowed");
	ck_assert_int_eq(f->severity, DPC_WARNING);
	ck_assert_str_eq(f->subject.child_name, "net");
	ck_assert_uint_eq(f->subject.child_id, 3);
	ck_assert(f->active);
	ck_assert_str_eq(f->message, "");
	ck_assert_str_eq(f->hint, "");
	ck_assert_str_eq(f->discrim, "");
	ck_assert_int_eq(f->n_evidence, 0);

	/* a host finding without subject, an over-long code is cut */
	memset(code, 'c', sizeof(code) - 1);
	code[sizeof(code) - 1] = '\0';
	f = dpc_findings_add(&list, code, DPC_INFO, NULL);
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(strlen(f->code), DPC_CODE_LEN - 1);
	ck_assert_uint_eq(f->subject.ike_id, 0);

	for (i = 0; i < 100; i++)
	{
		ck_assert_ptr_nonnull(dpc_findings_add(&list, "x", DPC_INFO, &s));
	}
	ck_assert_uint_eq(list.count, 102);
	ck_assert_str_eq(list.items[0].code, "ts-narrowed");
	dpc_findings_clear(&list);
	ck_assert_uint_eq(list.count, 0);
	ck_assert_ptr_null(list.items);
}
END_TEST

START_TEST(test_finding_fill)
{
	dpc_findings_t list;
	dpc_subject_t s = subject("s2s", 1, "net", 3);
	dpc_finding_t *f;
	char big[1000];
	int i;

	dpc_findings_init(&list);
	f = dpc_findings_add(&list, "route-missing", DPC_ERROR, &s);
	dpc_finding_message(f, "no route to %s", "10.20.1.0/24");
	dpc_finding_hint(f, "ip route add %s dev %s", "10.20.1.0/24", "wan");
	ck_assert_str_eq(f->message, "no route to 10.20.1.0/24");
	ck_assert_str_eq(f->hint, "ip route add 10.20.1.0/24 dev wan");

	memset(big, 'm', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	dpc_finding_message(f, "%s", big);
	ck_assert_uint_eq(strlen(f->message), DPC_MESSAGE_LEN - 1);
	dpc_finding_hint(f, "%s", big);
	ck_assert_uint_eq(strlen(f->hint), DPC_HINT_LEN - 1);

	for (i = 0; i < DPC_MAX_EVIDENCE + 5; i++)
	{
		dpc_finding_evidence(f, "k", "%d", i);
	}
	ck_assert_int_eq(f->n_evidence, DPC_MAX_EVIDENCE);
	ck_assert_str_eq(f->evidence[DPC_MAX_EVIDENCE - 1].value, "9");
	f->n_evidence = 0;
	dpc_finding_evidence(f, big, "%s", big);
	ck_assert_uint_eq(strlen(f->evidence[0].key), DPC_EVKEY_LEN - 1);
	ck_assert_uint_eq(strlen(f->evidence[0].value), DPC_EVVAL_LEN - 1);
	dpc_findings_clear(&list);
}
END_TEST

START_TEST(test_same_key)
{
	dpc_finding_t a, b;

	memset(&a, 0, sizeof(a));
	strcpy(a.code, "ts-narrowed");
	a.subject = subject("s2s", 1, "net", 3);
	b = a;
	ck_assert(dpc_finding_same_key(&a, &b));
	/* content does not matter */
	b.severity = DPC_ERROR;
	b.message = "other";
	ck_assert(dpc_finding_same_key(&a, &b));
	/* names do not matter where ids tell */
	strcpy(b.subject.ike_name, "renamed");
	strcpy(b.subject.child_name, "renamed");
	ck_assert(dpc_finding_same_key(&a, &b));
	b.subject.child_id = 4;
	ck_assert(!dpc_finding_same_key(&a, &b));
	b = a;
	b.subject.ike_id = 2;
	ck_assert(!dpc_finding_same_key(&a, &b));
	b = a;
	strcpy(b.discrim, "in");
	ck_assert(!dpc_finding_same_key(&a, &b));
	b = a;
	strcpy(b.code, "ts-unprotected");
	ck_assert(!dpc_finding_same_key(&a, &b));

	/* config-level findings: the child name is the key */
	a.subject = subject("s2s", 1, "net", 0);
	b = a;
	ck_assert(dpc_finding_same_key(&a, &b));
	strcpy(b.subject.child_name, "other");
	ck_assert(!dpc_finding_same_key(&a, &b));
	b = a;
	b.subject.child_id = 5;
	ck_assert(!dpc_finding_same_key(&a, &b));
}
END_TEST

/**
 * A finding's text holds what its fixed arrays held: every string set again
 * and again keeps only its last value, the longest message, hint and ten
 * longest evidence entries fit at once, and a copy owns its own text.
 */
START_TEST(test_finding_text)
{
	char big[1024], want[DPC_EVVAL_LEN], key[16];
	dpc_findings_t list;
	dpc_subject_t s = subject("s2s", 1, "net", 3);
	dpc_finding_t *f, copy;
	int i;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	dpc_findings_init(&list);
	f = dpc_findings_add(&list, "route-missing", DPC_ERROR, &s);
	ck_assert_str_eq(f->message, "");
	ck_assert_str_eq(f->hint, "");
	for (i = 0; i < 200; i++)
	{	/* the old strings are dropped when the text is full */
		dpc_finding_message(f, "%d %.*s", i, i % 300, big);
		dpc_finding_hint(f, "hint %d %s", i, big);
	}
	ck_assert_uint_eq(strlen(f->hint), DPC_HINT_LEN - 1);
	ck_assert(strncmp(f->hint, "hint 199 xx", 11) == 0);
	ck_assert(strncmp(f->message, "199 xx", 6) == 0);
	ck_assert_uint_eq(strlen(f->message), 4 + 199 % 300);
	for (i = 0; i < DPC_MAX_EVIDENCE; i++)
	{
		snprintf(key, sizeof(key), "k%d", i);
		dpc_finding_evidence(f, key, "%d%s", i, big);
	}
	dpc_finding_message(f, "%s", big);
	ck_assert_uint_eq(strlen(f->message), DPC_MESSAGE_LEN - 1);
	ck_assert_uint_le(f->text_len, DPC_MESSAGE_LEN + DPC_HINT_LEN +
			DPC_MAX_EVIDENCE * (DPC_EVKEY_LEN + DPC_EVVAL_LEN));
	for (i = 0; i < DPC_MAX_EVIDENCE; i++)
	{
		snprintf(key, sizeof(key), "k%d", i);
		snprintf(want, sizeof(want), "%d%.190s", i, big);
		ck_assert_str_eq(f->evidence[i].key, key);
		ck_assert_str_eq(f->evidence[i].value, want);
	}
	ck_assert(strncmp(f->hint, "hint 199 xx", 11) == 0);

	ck_assert(dpc_finding_copy(&copy, f));
	dpc_finding_message(f, "changed");
	dpc_finding_free_text(f);
	ck_assert_str_eq(f->message, "");
	ck_assert_str_eq(f->evidence[3].value, "");
	ck_assert_uint_eq(strlen(copy.message), DPC_MESSAGE_LEN - 1);
	ck_assert_str_eq(copy.evidence[3].key, "k3");
	ck_assert(strncmp(copy.hint, "hint 199 xx", 11) == 0);
	dpc_finding_free_text(&copy);
	dpc_findings_clear(&list);
}
END_TEST

START_TEST(test_same_content)
{
	dpc_findings_t list;
	dpc_subject_t s = subject("s2s", 1, "net", 3);
	dpc_finding_t *a, *b;

	dpc_findings_init(&list);
	a = dpc_findings_add(&list, "route-missing", DPC_ERROR, &s);
	dpc_finding_message(a, "m");
	dpc_finding_evidence(a, "route", "unreachable");
	dpc_finding_hint(a, "h");
	b = dpc_findings_add(&list, "route-missing", DPC_ERROR, &s);
	a = &list.items[0];
	ck_assert(dpc_finding_copy(b, a));
	ck_assert_ptr_ne(b->text, a->text);
	ck_assert_ptr_ne(b->message, a->message);
	ck_assert(dpc_finding_same_content(a, b));
	/* the hint and times are not content */
	dpc_finding_hint(b, "other");
	b->first_seen = 7;
	ck_assert(dpc_finding_same_content(a, b));
	b->severity = DPC_WARNING;
	ck_assert(!dpc_finding_same_content(a, b));
	dpc_finding_free_text(b);
	ck_assert(dpc_finding_copy(b, a));
	dpc_finding_message(b, "n");
	ck_assert(!dpc_finding_same_content(a, b));
	dpc_finding_free_text(b);
	ck_assert(dpc_finding_copy(b, a));
	b->evidence[0].value = "prohibit";
	ck_assert(!dpc_finding_same_content(a, b));
	dpc_finding_free_text(b);
	ck_assert(dpc_finding_copy(b, a));
	b->evidence[0].key = "rt";
	ck_assert(!dpc_finding_same_content(a, b));
	dpc_finding_free_text(b);
	ck_assert(dpc_finding_copy(b, a));
	dpc_finding_evidence(b, "more", "x");
	ck_assert(!dpc_finding_same_content(a, b));
	dpc_findings_clear(&list);
}
END_TEST

START_TEST(test_format)
{
	dpc_findings_t list;
	dpc_subject_t s = subject("s2s", 1, "net", 3);
	dpc_finding_t *f;
	char buf[1024];

	dpc_findings_init(&list);
	f = dpc_findings_add(&list, "route-missing", DPC_ERROR, &s);
	dpc_finding_message(f, "no route for 10.20.1.0/24");
	ck_assert_str_eq(dpc_finding_format(f, false, buf, sizeof(buf)),
					 "error route-missing s2s[1] net{3}: "
					 "no route for 10.20.1.0/24");
	dpc_finding_hint(f, "add a route");
	ck_assert_str_eq(dpc_finding_format(f, false, buf, sizeof(buf)),
					 "error route-missing s2s[1] net{3}: "
					 "no route for 10.20.1.0/24 fix: add a route");
	dpc_finding_evidence(f, "route", "10.20.1.10 from 10.10.1.10 iif lan: "
						 "unreachable");
	dpc_finding_evidence(f, "table", "main");
	dpc_finding_evidence(f, "quoted", "a \"b\" c\\d");
	dpc_finding_evidence(f, "empty", "%s", "");
	dpc_finding_evidence(f, "bs", "c:\\x");
	ck_assert_str_eq(dpc_finding_format(f, false, buf, sizeof(buf)),
					 "error route-missing s2s[1] net{3}: "
					 "no route for 10.20.1.0/24 [route=\"10.20.1.10 from "
					 "10.10.1.10 iif lan: unreachable\" table=main "
					 "quoted=\"a \\\"b\\\" c\\\\d\" empty=\"\" bs=c:\\x] "
					 "fix: add a route");
	ck_assert_str_eq(dpc_finding_format(f, true, buf, sizeof(buf)),
					 "resolved route-missing s2s[1] net{3}: "
					 "no route for 10.20.1.0/24");

	/* evidence without hint, other subjects */
	f = dpc_findings_add(&list, "nat-detected", DPC_INFO, NULL);
	dpc_finding_message(f, "behind NAT");
	dpc_finding_evidence(f, "nat", "local");
	ck_assert_str_eq(dpc_finding_format(f, false, buf, sizeof(buf)),
					 "info nat-detected host: behind NAT [nat=local]");
	f->subject = subject("s2s", 1, "", 0);
	ck_assert_str_eq(dpc_finding_format(f, false, buf, sizeof(buf)),
					 "info nat-detected s2s[1]: behind NAT [nat=local]");
	f->subject = subject("s2s", 1, "net", 0);
	f->severity = DPC_WARNING;
	ck_assert_str_eq(dpc_finding_format(f, false, buf, sizeof(buf)),
					 "warning nat-detected s2s[1] net: behind NAT [nat=local]");

	/* one line, whatever the texts contain */
	dpc_finding_message(f, "two\nlines\r");
	dpc_finding_evidence(f, "tab", "a\tb");
	ck_assert_str_eq(dpc_finding_format(f, false, buf, sizeof(buf)),
					 "warning nat-detected s2s[1] net: two lines  "
					 "[nat=local tab=\"a b\"]");
	dpc_findings_clear(&list);
}
END_TEST

START_TEST(test_format_truncated)
{
	dpc_findings_t list;
	dpc_subject_t s = subject("s2s", 1, "net", 3);
	dpc_finding_t *f;
	char buf[64], full[2048];
	size_t len;
	int i;

	dpc_findings_init(&list);
	f = dpc_findings_add(&list, "route-missing", DPC_ERROR, &s);
	dpc_finding_message(f, "no route for 10.20.1.0/24");
	for (i = 0; i < DPC_MAX_EVIDENCE; i++)
	{
		dpc_finding_evidence(f, "key", "value with spaces %d", i);
	}
	dpc_finding_hint(f, "add a route");
	dpc_finding_format(f, false, full, sizeof(full));
	for (len = 1; len < sizeof(buf); len++)
	{
		memset(buf, 'X', sizeof(buf));
		dpc_finding_format(f, false, buf, len);
		ck_assert_uint_eq(strlen(buf), len - 1);
		ck_assert(strncmp(buf, full, len - 1) == 0);
		ck_assert(buf[len] == 'X');
	}
	strcpy(buf, "untouched");
	dpc_finding_format(f, false, buf, 0);
	ck_assert_str_eq(buf, "untouched");
	dpc_findings_clear(&list);
}
END_TEST

/* ------------------------------------------------------------------------ */

START_TEST(test_store_appear)
{
	dpc_store_t *store = dpc_store_create();
	dpc_findings_t round, active;
	events_t ev = {};

	dpc_findings_init(&round);
	add(&round, "ts-narrowed", DPC_WARNING, subject("s2s", 1, "net", 3), "m");
	add(&round, "nat-detected", DPC_INFO, subject("s2s", 1, "", 0), "m");
	dpc_store_update(store, &round, 100, 5000, is_alive, on_event, &ev);
	ck_assert_int_eq(ev.count, 2);
	ck_assert_str_eq(ev.lines[0], "appear ts-narrowed s2s[1] net{3} warning");
	ck_assert_str_eq(ev.lines[1], "appear nat-detected s2s[1] info");
	ck_assert_int_eq(ev.first_seen[0], 100);
	ck_assert_uint_eq(dpc_store_count(store), 2);

	dpc_findings_init(&active);
	ck_assert_uint_eq(dpc_store_get_active(store, &active), 2);
	ck_assert_uint_eq(active.count, 2);
	ck_assert_str_eq(active.items[0].code, "ts-narrowed");
	ck_assert(active.items[0].active);
	ck_assert_int_eq(active.items[0].first_seen, 100);
	ck_assert_int_eq(active.items[0].last_seen, 100);
	ck_assert_int_eq(active.items[0].first_seen_wall, 5000);
	/* appended */
	ck_assert_uint_eq(dpc_store_get_active(store, &active), 2);
	ck_assert_uint_eq(active.count, 4);
	dpc_findings_clear(&active);

	/* the same again: nothing to say, last_seen moves */
	ev.count = 0;
	dpc_store_update(store, &round, 130, 5030, is_alive, on_event, &ev);
	ck_assert_int_eq(ev.count, 0);
	ck_assert_uint_eq(dpc_store_count(store), 2);
	ck_assert_uint_eq(dpc_store_get_active(store, &active), 2);
	ck_assert_int_eq(active.items[0].first_seen, 100);
	ck_assert_int_eq(active.items[0].last_seen, 130);
	dpc_findings_clear(&active);

	dpc_findings_clear(&round);
	dpc_store_destroy(store);
}
END_TEST

START_TEST(test_store_change)
{
	dpc_store_t *store = dpc_store_create();
	dpc_findings_t round, active;
	dpc_finding_t *f;
	events_t ev = {};

	dpc_findings_init(&round);
	f = add(&round, "traffic-one-way-out", DPC_WARNING,
			subject("s2s", 1, "net", 3), "one way");
	dpc_finding_evidence(f, "out", "10");
	dpc_store_update(store, &round, 100, 5000, is_alive, on_event, &ev);
	ck_assert_int_eq(ev.count, 1);

	/* severity */
	round.items[0].severity = DPC_ERROR;
	dpc_store_update(store, &round, 130, 5030, is_alive, on_event, &ev);
	ck_assert_int_eq(ev.count, 2);
	ck_assert_str_eq(ev.lines[1],
					 "change traffic-one-way-out s2s[1] net{3} error");
	ck_assert_int_eq(ev.first_seen[1], 100);

	/* evidence */
	round.items[0].evidence[0].value = "20";
	dpc_store_update(store, &round, 160, 5060, is_alive, on_event, &ev);
	ck_assert_int_eq(ev.count, 3);
	ck_assert_str_eq(ev.lines[2],
					 "change traffic-one-way-out s2s[1] net{3} error");

	/* the hint alone changes silently, but is kept */
	dpc_finding_hint(&round.items[0], "new hint");
	dpc_store_update(store, &round, 190, 5090, is_alive, on_event, &ev);
	ck_assert_int_eq(ev.count, 3);

	dpc_findings_init(&active);
	dpc_store_get_active(store, &active);
	ck_assert_uint_eq(active.count, 1);
	ck_assert_str_eq(active.items[0].evidence[0].value, "20");
	ck_assert_int_eq(active.items[0].severity, DPC_ERROR);
	ck_assert_str_eq(active.items[0].hint, "new hint");
	ck_assert_int_eq(active.items[0].first_seen, 100);
	ck_assert_int_eq(active.items[0].first_seen_wall, 5000);
	ck_assert_int_eq(active.items[0].last_seen, 190);
	dpc_findings_clear(&active);

	dpc_findings_clear(&round);
	dpc_store_destroy(store);
}
END_TEST

START_TEST(test_store_resolve_drop)
{
	dpc_store_t *store = dpc_store_create();
	dpc_findings_t round, active;
	events_t ev = {};

	dpc_findings_init(&round);
	add(&round, "route-missing", DPC_ERROR, subject("a", 1, "net", 3), "m");
	add(&round, "route-missing", DPC_ERROR, subject("b", 2, "net", 4), "m");
	add(&round, "forwarding-disabled", DPC_ERROR, subject("", 0, "", 0), "m");
	dpc_store_update(store, &round, 100, 5000, is_alive, on_event, &ev);
	ck_assert_int_eq(ev.count, 3);

	/* IKE_SA 2 is gone, the route came back for 1, new findings appear */
	dpc_findings_clear(&round);
	add(&round, "ts-narrowed", DPC_INFO, subject("a", 1, "net", 3), "m");
	add(&round, "forwarding-disabled", DPC_ERROR, subject("", 0, "", 0), "m");
	ev.count = 0;
	ev.dead_ike = 2;
	dpc_store_update(store, &round, 130, 5030, is_alive, on_event, &ev);
	/* resolves and drops first, then appears in round order */
	ck_assert_int_eq(ev.count, 3);
	ck_assert_str_eq(ev.lines[0], "resolve route-missing a[1] net{3} error");
	ck_assert_str_eq(ev.lines[1], "drop route-missing b[2] net{4} error");
	ck_assert_str_eq(ev.lines[2], "appear ts-narrowed a[1] net{3} info");
	ck_assert_uint_eq(dpc_store_count(store), 2);

	dpc_findings_init(&active);
	dpc_store_get_active(store, &active);
	ck_assert_str_eq(active.items[0].code, "forwarding-disabled");
	ck_assert_int_eq(active.items[0].first_seen, 100);
	ck_assert_str_eq(active.items[1].code, "ts-narrowed");
	dpc_findings_clear(&active);

	/* without alive callback everything resolves */
	dpc_findings_clear(&round);
	ev.count = 0;
	dpc_store_update(store, &round, 160, 5060, NULL, on_event, &ev);
	ck_assert_int_eq(ev.count, 2);
	ck_assert_str_eq(ev.lines[0], "resolve forwarding-disabled host error");
	ck_assert_str_eq(ev.lines[1], "resolve ts-narrowed a[1] net{3} info");
	ck_assert_uint_eq(dpc_store_count(store), 0);

	/* a resolved finding that comes back appears anew */
	add(&round, "ts-narrowed", DPC_INFO, subject("a", 1, "net", 3), "m");
	ev.count = 0;
	dpc_store_update(store, &round, 190, 5090, NULL, on_event, &ev);
	ck_assert_int_eq(ev.count, 1);
	ck_assert_str_eq(ev.lines[0], "appear ts-narrowed a[1] net{3} info");
	ck_assert_int_eq(ev.first_seen[0], 190);

	/* no event callback at all */
	dpc_findings_clear(&round);
	dpc_store_update(store, &round, 220, 5120, NULL, NULL, NULL);
	ck_assert_uint_eq(dpc_store_count(store), 0);

	dpc_findings_clear(&round);
	dpc_store_destroy(store);
}
END_TEST

START_TEST(test_store_keys)
{
	dpc_store_t *store = dpc_store_create();
	dpc_findings_t round;
	dpc_finding_t *f;
	events_t ev = {};

	dpc_findings_init(&round);
	/* the discriminator and the child name of configs tell them apart */
	f = add(&round, "xfrm-policy-missing", DPC_ERROR,
			subject("s2s", 1, "net", 3), "out");
	strcpy(f->discrim, "out");
	f = add(&round, "xfrm-policy-missing", DPC_ERROR,
			subject("s2s", 1, "net", 3), "in");
	strcpy(f->discrim, "in");
	add(&round, "ts-mismatch", DPC_ERROR, subject("s2s", 1, "net", 0), "a");
	add(&round, "ts-mismatch", DPC_ERROR, subject("s2s", 1, "web", 0), "b");
	/* a duplicate within a round counts once (the first) */
	add(&round, "ts-mismatch", DPC_WARNING, subject("s2s", 1, "web", 0), "c");
	dpc_store_update(store, &round, 100, 5000, is_alive, on_event, &ev);
	ck_assert_int_eq(ev.count, 4);
	ck_assert_str_eq(ev.lines[3], "appear ts-mismatch s2s[1] web error");
	ck_assert_uint_eq(dpc_store_count(store), 4);

	ev.count = 0;
	dpc_store_update(store, &round, 130, 5030, is_alive, on_event, &ev);
	ck_assert_int_eq(ev.count, 0);

	/* a renamed CHILD_SA with the same id is the same subject */
	strcpy(round.items[0].subject.child_name, "renamed");
	dpc_store_update(store, &round, 160, 5060, is_alive, on_event, &ev);
	ck_assert_int_eq(ev.count, 0);

	dpc_findings_clear(&round);
	dpc_store_destroy(store);
}
END_TEST

/**
 * Counts events by type only (for rounds with many events).
 */
static void count_event(void *ctx, dpc_event_type_t type,
						const dpc_finding_t *f)
{
	int *counts = ctx;

	counts[type]++;
}

START_TEST(test_store_many)
{
	dpc_store_t *store = dpc_store_create();
	dpc_findings_t round;
	int counts[4] = {}, i;

	dpc_findings_init(&round);
	for (i = 0; i < 5000; i++)
	{
		add(&round, "route-missing", DPC_ERROR,
			subject("s2s", i / 2 + 1, "net", i + 1), "m");
	}
	dpc_store_update(store, &round, 100, 5000, NULL, NULL, NULL);
	ck_assert_uint_eq(dpc_store_count(store), 5000);
	/* drop every other one, the rest must match exactly */
	for (i = 0; i < 2500; i++)
	{
		dpc_finding_free_text(&round.items[i * 2 + 1]);
		round.items[i] = round.items[i * 2];
	}
	round.count = 2500;
	dpc_store_update(store, &round, 130, 5030, NULL, count_event, counts);
	ck_assert_int_eq(counts[DPC_EVENT_APPEAR], 0);
	ck_assert_int_eq(counts[DPC_EVENT_CHANGE], 0);
	ck_assert_int_eq(counts[DPC_EVENT_RESOLVE], 2500);
	ck_assert_uint_eq(dpc_store_count(store), 2500);
	dpc_findings_clear(&round);
	dpc_store_destroy(store);
	dpc_store_destroy(NULL);
}
END_TEST

START_TEST(test_store_many_events)
{
	dpc_store_t *store = dpc_store_create();
	dpc_findings_t round;
	int counts[4] = {}, i;

	dpc_findings_init(&round);
	for (i = 0; i < 3000; i++)
	{
		add(&round, "route-missing", DPC_ERROR,
			subject("s2s", 1, "net", i + 1), "m");
	}
	dpc_store_update(store, &round, 100, 5000, NULL, count_event, counts);
	ck_assert_int_eq(counts[DPC_EVENT_APPEAR], 3000);
	for (i = 0; i < 1000; i++)
	{
		round.items[i].severity = DPC_WARNING;
	}
	for (i = 2000; i < 3000; i++)
	{
		dpc_finding_free_text(&round.items[i]);
	}
	round.count = 2000;
	memset(counts, 0, sizeof(counts));
	dpc_store_update(store, &round, 130, 5030, NULL, count_event, counts);
	ck_assert_int_eq(counts[DPC_EVENT_APPEAR], 0);
	ck_assert_int_eq(counts[DPC_EVENT_CHANGE], 1000);
	ck_assert_int_eq(counts[DPC_EVENT_RESOLVE], 1000);
	ck_assert_uint_eq(dpc_store_count(store), 2000);
	dpc_findings_clear(&round);
	dpc_store_destroy(store);
}
END_TEST

/* ------------------------------------------------------------------------ */

START_TEST(test_record_samples)
{
	dpc_child_rec_t child;
	dpc_sample_t s = {};
	int i;

	dpc_child_rec_init(&child);
	for (i = 0; i < DPC_MAX_SAMPLES + 10; i++)
	{	/* a window of 8 s: samples a second apart are all kept */
		s.time = i;
		s.packets_out = i * 10;
		dpc_child_rec_add_sample(&child, &s, 8);
		ck_assert_int_eq(child.n_samples,
						 i < DPC_MAX_SAMPLES ? i + 1 : DPC_MAX_SAMPLES);
	}
	/* the oldest dropped, oldest first */
	ck_assert_int_eq(child.samples[0].time, 10);
	ck_assert_int_eq(child.samples[DPC_MAX_SAMPLES - 1].time,
					 DPC_MAX_SAMPLES + 9);
	ck_assert_uint_eq(child.samples[1].packets_out, 110);
	/* only one direction ever */
	ck_assert(!child.both_ways);
	dpc_child_rec_clear(&child);
}
END_TEST

/**
 * Samples every second with a 60 s window are thinned to 7 s apart (all
 * but the newest), so the history still spans the window; the newest is
 * always the last sample.
 */
START_TEST(test_record_samples_thinned)
{
	dpc_child_rec_t child;
	dpc_sample_t s = {}, last;
	int i, j;

	dpc_child_rec_init(&child);
	last = dpc_child_rec_last(&child);
	ck_assert_int_eq(last.time + last.packets_in + last.bytes_in, 0);
	for (i = 0; i < 600; i++)
	{
		s.time = 1000 + i;
		s.packets_in = i;
		s.bytes_in = 100 * i;
		s.bytes_out = 300 * i;
		dpc_child_rec_add_sample(&child, &s, 60);
		ck_assert_int_le(child.n_samples, DPC_MAX_SAMPLES);
		ck_assert_int_eq(child.samples[child.n_samples - 1].time, s.time);
		last = dpc_child_rec_last(&child);
		ck_assert(memcmp(&last, &s, sizeof(s)) == 0);
		for (j = 1; j < child.n_samples - 1; j++)
		{
			ck_assert_int_ge(child.samples[j].time -
							 child.samples[j - 1].time, 7);
		}
		if (i >= 120)
		{
			ck_assert_int_ge(s.time - child.samples[0].time, 60);
		}
	}
	ck_assert(!child.both_ways);
	dpc_child_rec_clear(&child);
}
END_TEST

/**
 * both_ways: packets in one window inbound and in the next outbound do not
 * count, both within one window do, and it stays set.
 */
START_TEST(test_record_both_ways)
{
	dpc_child_rec_t child;
	dpc_sample_t s = {};

	dpc_child_rec_init(&child);
	s.time = 100;
	dpc_child_rec_add_sample(&child, &s, 60);
	s.time = 130;
	s.packets_in = 5;
	dpc_child_rec_add_sample(&child, &s, 60);
	s.time = 160;
	dpc_child_rec_add_sample(&child, &s, 60);
	s.time = 190;
	s.packets_out = 5;
	dpc_child_rec_add_sample(&child, &s, 60);
	s.time = 220;
	dpc_child_rec_add_sample(&child, &s, 60);
	ck_assert(!child.both_ways);
	s.time = 250;
	s.packets_in = 9;
	s.packets_out = 9;
	dpc_child_rec_add_sample(&child, &s, 60);
	ck_assert(child.both_ways);
	s.time = 280;
	dpc_child_rec_add_sample(&child, &s, 60);
	s.time = 310;
	dpc_child_rec_add_sample(&child, &s, 60);
	ck_assert(child.both_ways);
	dpc_child_rec_clear(&child);
}
END_TEST

/**
 * A record the table adopts keeps no spare selector slots: it lives as long
 * as its CHILD_SA. Its lists hold shared arrays: lists alike, of one record
 * or of many, hold one array; a copy holds it too, adding to a list copies
 * the array first, and the last holder frees it.
 */
START_TEST(test_record_adopt_fits)
{
	dpc_child_rec_t child, *kept, *other, *clone;
	dpc_ts_t ts, ts2;
	int i;

	ck_assert_uint_eq(dpc_ts_shared_count(), 0);
	dpc_child_rec_init(&child);
	ck_assert(dpc_ts_parse(&ts, "10.1.0.0/16"));
	ck_assert(dpc_ts_parse(&ts2, "10.2.0.0/16"));
	ck_assert(dpc_ts_list_add(&child.local, &ts));
	ck_assert(dpc_ts_list_add(&child.cfg_local, &ts));
	for (i = 0; i < 5; i++)
	{
		ck_assert(dpc_ts_list_add(&child.remote, &ts));
	}
	ck_assert_uint_gt(child.local.size, child.local.count);
	kept = dpc_child_rec_adopt(&child);
	ck_assert(kept);
	ck_assert_uint_eq(kept->local.size, DPC_TS_LIST_SHARED);
	ck_assert_uint_eq(kept->local.count, 1);
	ck_assert_uint_eq(kept->remote.count, 5);
	/* the configured and the negotiated local selectors: one array */
	ck_assert_ptr_eq(kept->cfg_local.ts, kept->local.ts);
	ck_assert_uint_eq(kept->cfg_remote.size, 0);
	ck_assert_ptr_null(kept->cfg_remote.ts);
	ck_assert(!memcmp(&kept->remote.ts[4], &ts, sizeof(ts)));
	ck_assert_uint_eq(child.local.count, 0);
	ck_assert_uint_eq(dpc_ts_shared_count(), 2);

	/* another record alike shares them, its clone too */
	dpc_child_rec_init(&child);
	ck_assert(dpc_ts_list_add(&child.local, &ts));
	other = dpc_child_rec_adopt(&child);
	ck_assert(other);
	ck_assert_ptr_eq(other->local.ts, kept->local.ts);
	clone = dpc_child_rec_clone(other);
	ck_assert(clone);
	ck_assert_ptr_eq(clone->local.ts, kept->local.ts);
	ck_assert_uint_eq(dpc_ts_shared_count(), 2);

	/* adding to a shared list makes it its own; the others keep theirs */
	ck_assert(dpc_ts_list_add(&clone->local, &ts2));
	ck_assert_uint_eq(clone->local.count, 2);
	ck_assert_ptr_ne(clone->local.ts, kept->local.ts);
	ck_assert_uint_eq(kept->local.count, 1);
	ck_assert(!memcmp(&kept->local.ts[0], &ts, sizeof(ts)));
	ck_assert(!memcmp(&clone->local.ts[1], &ts2, sizeof(ts2)));

	dpc_child_rec_put(clone);
	dpc_child_rec_put(other);
	ck_assert_uint_eq(dpc_ts_shared_count(), 2);
	dpc_child_rec_put(kept);
	ck_assert_uint_eq(dpc_ts_shared_count(), 0);
}
END_TEST

START_TEST(test_record_copy)
{
	dpc_ike_rec_t ike, copy, *heap;
	dpc_child_rec_t *child, *c2, cc;
	dpc_tunnels_t tunnels;
	dpc_alert_t a = { .type = DPC_ALERT_TS_MISMATCH, .time = 1 };
	dpc_ts_t ts;
	char name[16], longer[100];
	size_t texts = dpc_text_count();
	int i;

	dpc_ike_rec_init(&ike);
	strcpy(ike.name, "s2s");
	ike.unique_id = 1;
	ck_assert_ptr_null(ike.alerts);
	for (i = 0; i < 5; i++)
	{
		child = dpc_ike_rec_add_child(&ike);
		ck_assert_ptr_nonnull(child);
		child->unique_id = i + 10;
		snprintf(name, sizeof(name), "net%d", i);
		ck_assert(dpc_child_rec_set_name(child, name));
		ck_assert(dpc_ts_parse(&ts, "10.20.1.0/24"));
		ck_assert(dpc_ts_list_add(&child->cfg_remote, &ts));
		ck_assert(dpc_ts_list_add(&child->remote, &ts));
		ck_assert(dpc_ts_parse(&ts, "10.10.1.0/24"));
		ck_assert(dpc_ts_list_add(&child->local, &ts));
		ck_assert(dpc_ts_list_add(&child->cfg_local, &ts));
	}
	ck_assert_int_eq(ike.n_children, 5);
	ck_assert(dpc_ike_rec_add_alert(&ike, &a));

	/* a copy shares the CHILD_SAs and copies the alerts */
	ck_assert(dpc_ike_rec_copy(&copy, &ike));
	ck_assert_int_eq(copy.n_children, 5);
	ck_assert(copy.children != ike.children);
	ck_assert(copy.children[0] == ike.children[0]);
	ck_assert(!dpc_child_rec_unique(ike.children[0]));
	ck_assert_str_eq(copy.children[4]->name, "net4");
	ck_assert_uint_eq(copy.children[4]->cfg_local.count, 1);
	ck_assert_int_eq(copy.n_alerts, 1);
	ck_assert(copy.alerts != ike.alerts);

	/* a private copy of a shared CHILD_SA leaves the other alone */
	c2 = dpc_child_rec_clone(ike.children[0]);
	ck_assert_ptr_nonnull(c2);
	ck_assert(c2->remote.ts != ike.children[0]->remote.ts);
	dpc_ike_rec_set_child(&ike, 0, c2);
	ck_assert(dpc_child_rec_unique(ike.children[0]));
	ck_assert(dpc_child_rec_unique(copy.children[0]));
	ike.children[0]->remote.ts[0].proto = 6;
	ck_assert_int_eq(copy.children[0]->remote.ts[0].proto, 0);

	child = dpc_ike_rec_find_child(&ike, 12);
	ck_assert_ptr_nonnull(child);
	ck_assert_str_eq(child->name, "net2");
	ck_assert_int_eq(dpc_ike_rec_child_index(&ike, 12), 2);
	ck_assert_ptr_null(dpc_ike_rec_find_child(&ike, 99));
	dpc_ike_rec_remove_child(&ike, 2);
	ck_assert_int_eq(ike.n_children, 4);
	ck_assert_ptr_null(dpc_ike_rec_find_child(&ike, 12));
	ck_assert_str_eq(ike.children[2]->name, "net3");
	/* still in the copy */
	ck_assert(dpc_child_rec_unique(copy.children[2]));
	dpc_ike_rec_remove_child(&ike, 3);
	dpc_ike_rec_remove_child(&ike, 7);
	dpc_ike_rec_remove_child(&ike, -1);
	ck_assert_int_eq(ike.n_children, 3);

	/* a deep child copy */
	c2 = copy.children[1];
	child = &cc;
	dpc_child_rec_init(child);
	ck_assert(dpc_child_rec_copy(child, c2));
	ck_assert(child->local.ts != c2->local.ts);
	/* texts are shared, a name is cut like an IKE_SA's */
	ck_assert(child->name == c2->name);
	ck_assert_str_eq(child->name, "net1");
	memset(longer, 'n', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	ck_assert(dpc_child_rec_set_name(child, longer));
	ck_assert_uint_eq(strlen(child->name), DPC_NAME_LEN - 1);
	ck_assert_str_eq(c2->name, "net1");
	ck_assert_uint_eq(child->local.count, 1);
	ck_assert_uint_eq(child->unique_id, 11);
	ck_assert_uint_eq(child->refs, 0);
	dpc_child_rec_clear(child);

	/* snapshots hold references, copies are private */
	heap = dpc_ike_rec_clone(&ike);
	ck_assert_ptr_nonnull(heap);
	ck_assert(dpc_ike_rec_unique(heap));
	dpc_tunnels_init(&tunnels);
	for (i = 0; i < 20; i++)
	{
		ike.unique_id = i;
		ck_assert(dpc_tunnels_add_copy(&tunnels, &ike));
	}
	ck_assert(dpc_tunnels_add(&tunnels, heap));
	ck_assert(!dpc_ike_rec_unique(heap));
	ck_assert_int_eq(tunnels.count, 21);
	ck_assert_int_eq(tunnels.ikes[19]->unique_id, 19);
	ck_assert_int_eq(tunnels.ikes[19]->n_children, 3);
	ck_assert(tunnels.ikes[20] == heap);
	dpc_tunnels_clear(&tunnels);
	ck_assert_int_eq(tunnels.count, 0);
	ck_assert(dpc_ike_rec_unique(heap));
	dpc_ike_rec_put(heap);

	dpc_ike_rec_clear(&ike);
	dpc_ike_rec_clear(&copy);
	ck_assert_int_eq(copy.n_children, 0);
	ck_assert_ptr_null(copy.children);
	ck_assert_ptr_null(copy.alerts);
	/* the last holders dropped the names */
	ck_assert_uint_eq(dpc_text_count(), texts);
}
END_TEST

static dpc_alert_t alert(dpc_alert_type_t type, const char *child, time_t t,
						 const char *detail)
{
	dpc_alert_t a;

	memset(&a, 0, sizeof(a));
	a.type = type;
	snprintf(a.child_name, sizeof(a.child_name), "%s", child);
	a.time = t;
	snprintf(a.detail, sizeof(a.detail), "%s", detail);
	return a;
}

START_TEST(test_record_alerts)
{
	dpc_ike_rec_t ike;
	dpc_alert_t a;
	int i;

	dpc_ike_rec_init(&ike);
	a = alert(DPC_ALERT_TS_MISMATCH, "net", 10, "first");
	dpc_ike_rec_add_alert(&ike, &a);
	ck_assert_int_eq(ike.n_alerts, 1);
	ck_assert_uint_eq(ike.alerts[0].count, 1);

	/* same type and child: updated in place */
	a = alert(DPC_ALERT_TS_MISMATCH, "net", 20, "second");
	dpc_ike_rec_add_alert(&ike, &a);
	ck_assert_int_eq(ike.n_alerts, 1);
	ck_assert_uint_eq(ike.alerts[0].count, 2);
	ck_assert_int_eq(ike.alerts[0].time, 20);
	ck_assert_str_eq(ike.alerts[0].detail, "second");

	/* other child or type: new */
	a = alert(DPC_ALERT_TS_MISMATCH, "web", 30, "");
	dpc_ike_rec_add_alert(&ike, &a);
	a = alert(DPC_ALERT_INSTALL_SA_FAILED, "net", 40, "");
	dpc_ike_rec_add_alert(&ike, &a);
	ck_assert_int_eq(ike.n_alerts, 3);

	/* refresh the first so it is no longer the oldest */
	a = alert(DPC_ALERT_TS_MISMATCH, "net", 100, "third");
	dpc_ike_rec_add_alert(&ike, &a);
	ck_assert_uint_eq(ike.alerts[0].count, 3);

	/* full: the least recently raised goes ("web", time 30) */
	for (i = 0; i < DPC_MAX_ALERTS - 3; i++)
	{
		a = alert(DPC_ALERT_RETRANSMIT, "", 0, "");
		a.child_name[0] = 'a' + i;
		a.time = 50 + i;
		dpc_ike_rec_add_alert(&ike, &a);
	}
	ck_assert_int_eq(ike.n_alerts, DPC_MAX_ALERTS);
	a = alert(DPC_ALERT_PROPOSAL_MISMATCH_CHILD, "net", 200, "new");
	a.count = 4;
	dpc_ike_rec_add_alert(&ike, &a);
	ck_assert_int_eq(ike.n_alerts, DPC_MAX_ALERTS);
	for (i = 0; i < ike.n_alerts; i++)
	{
		ck_assert_str_ne(ike.alerts[i].child_name, "web");
	}
	ck_assert_int_eq(ike.alerts[DPC_MAX_ALERTS - 1].type,
					 DPC_ALERT_PROPOSAL_MISMATCH_CHILD);
	ck_assert_uint_eq(ike.alerts[DPC_MAX_ALERTS - 1].count, 4);
	ck_assert_str_eq(ike.alerts[0].detail, "third");

	/* clearing by type and name, or any name */
	dpc_ike_rec_clear_alerts(&ike, DPC_ALERT_TS_MISMATCH, "other");
	ck_assert_int_eq(ike.n_alerts, DPC_MAX_ALERTS);
	dpc_ike_rec_clear_alerts(&ike, DPC_ALERT_TS_MISMATCH, "net");
	ck_assert_int_eq(ike.n_alerts, DPC_MAX_ALERTS - 1);
	dpc_ike_rec_clear_alerts(&ike, DPC_ALERT_RETRANSMIT, NULL);
	ck_assert_int_eq(ike.n_alerts, 2);
	ck_assert_int_eq(ike.alerts[0].type, DPC_ALERT_INSTALL_SA_FAILED);
	ck_assert_int_eq(ike.alerts[1].type, DPC_ALERT_PROPOSAL_MISMATCH_CHILD);
	dpc_ike_rec_clear(&ike);
}
END_TEST

Suite *store_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("store");

	tc = tcase_create("finding");
	tcase_add_test(tc, test_severity);
	tcase_add_test(tc, test_subject_to_str);
	tcase_add_test(tc, test_findings_add);
	tcase_add_test(tc, test_finding_fill);
	tcase_add_test(tc, test_same_key);
	tcase_add_test(tc, test_finding_text);
	tcase_add_test(tc, test_same_content);
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_format_truncated);
	suite_add_tcase(s, tc);

	tc = tcase_create("diff");
	tcase_add_test(tc, test_store_appear);
	tcase_add_test(tc, test_store_change);
	tcase_add_test(tc, test_store_resolve_drop);
	tcase_add_test(tc, test_store_keys);
	tcase_add_test(tc, test_store_many);
	tcase_add_test(tc, test_store_many_events);
	suite_add_tcase(s, tc);

	tc = tcase_create("record");
	tcase_add_test(tc, test_record_samples);
	tcase_add_test(tc, test_record_samples_thinned);
	tcase_add_test(tc, test_record_both_ways);
	tcase_add_test(tc, test_record_adopt_fits);
	tcase_add_test(tc, test_record_copy);
	tcase_add_test(tc, test_record_alerts);
	suite_add_tcase(s, tc);

	return s;
}
