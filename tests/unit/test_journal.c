/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_tests.h"

#include <model/dpc_journal_entry.h>
#include <model/dpc_msgid.h>

#include <stdio.h>
#include <string.h>
#include <syslog.h>

/* the published MESSAGE_IDs (README): they must never change */
static const struct {
	const char *code;
	const char *id;
} published[] = {
	{ "nat-detected", "b1127b1307085d759d831e04c54f1f38" },
	{ "ts-narrowed", "4a28dd46175453fc8875853bf1220ccc" },
	{ "ts-unprotected", "b5ec3072ce915d8b9d19780aa0fd47c7" },
	{ "ts-mismatch", "6988960433ac56b881da1764008af7d6" },
	{ "child-install-failed", "dd0f30bc422b569a861005197cf1e305" },
	{ "child-proposal-mismatch", "bbf9d28333745011acef0531d1ca2710" },
	{ "forwarding-disabled", "a9f58affecea5f5889d995ca968b0c8f" },
	{ "route-missing", "d1065f39c2185659bf6da78c2af0db26" },
	{ "inbound-undeliverable", "2d1baa9ddc32558cbd2919adfe8d6a2c" },
	{ "keepalive-off", "826bbbeb2b49585d95d91f3b263014ed" },
	{ "keepalive-slow", "b79d02e0744758828af38891f3818a34" },
	{ "traffic-one-way-out", "4e0283519eae5e0c9c6cb6e596dad5ac" },
	{ "traffic-one-way-in", "f32a195e03fc5f37aca934963ab43f0a" },
	{ "traffic-none", "dadc7d7416f054448ea4645981dadc60" },
	{ "traffic-stopped-after-rekey", "de3c6dcfeb24574aa94d0054e02b40ff" },
	{ "nat-before-ipsec", "c4c883b4ad575f2faa8aaab66e32956b" },
	{ "nat-hides-source", "788bdd0d1b0250de95aed67383dc6307" },
	{ "nat-rewrites-ike", "1ea29c83968e54659002564dec03b40d" },
	{ "filter-blocks-forward", "ec720ba2181a5cfe8f812a793be3e2fb" },
	{ "filter-blocks-ike", "85985fe83d6a54e2a5a0abafb66e4106" },
	{ "filter-blocks-pmtu", "4cbe7e3198635f4f82f949d297fd80b8" },
	{ "iptables-mixed-backends", "3beed9fc3fc958018e19769771e577de" },
	{ "ruleset-uncertain", "30dce22269d25c33bf77ce3ae7acd50c" },
};

START_TEST(test_msgid_published)
{
	const char *id;
	size_t i, j;

	for (i = 0; i < sizeof(published) / sizeof(published[0]); i++)
	{
		id = dpc_msgid(published[i].code);
		ck_assert(id != NULL);
		ck_assert_str_eq(id, published[i].id);
		/* a version 5, RFC 4122 variant UUID */
		ck_assert_int_eq(id[12], '5');
		ck_assert(strchr("89ab", id[16]) != NULL);
		for (j = 0; j < i; j++)
		{
			ck_assert_str_ne(published[j].id, published[i].id);
		}
	}
}
END_TEST

START_TEST(test_route)
{
	dpc_journal_route_t r;

	/* not charon-systemd: the bus line as ever */
	r = dpc_journal_route(1, false, 1);
	ck_assert(!r.journal);
	ck_assert_int_eq(r.bus_level, 1);
	/* charon-systemd, journal at 1: entry direct, bus line at 2 */
	r = dpc_journal_route(1, true, 1);
	ck_assert(r.journal);
	ck_assert_int_eq(r.bus_level, 2);
	/* info (level 2) while the journal shows 1: it never showed it */
	r = dpc_journal_route(2, true, 1);
	ck_assert(!r.journal);
	ck_assert_int_eq(r.bus_level, 2);
	/* journal at 2: direct, bus line at 3 */
	r = dpc_journal_route(2, true, 2);
	ck_assert(r.journal);
	ck_assert_int_eq(r.bus_level, 3);
	r = dpc_journal_route(1, true, 3);
	ck_assert(r.journal);
	ck_assert_int_eq(r.bus_level, 4);
	/* journal shows everything: the bus line is its only copy */
	r = dpc_journal_route(1, true, 4);
	ck_assert(!r.journal);
	ck_assert_int_eq(r.bus_level, 1);
	/* journal silent */
	r = dpc_journal_route(1, true, -1);
	ck_assert(!r.journal);
	ck_assert_int_eq(r.bus_level, 1);
}
END_TEST

START_TEST(test_priority)
{
	ck_assert_int_eq(dpc_journal_priority(DPC_EVENT_APPEAR, DPC_ERROR), LOG_ERR);
	ck_assert_int_eq(dpc_journal_priority(DPC_EVENT_CHANGE, DPC_WARNING), LOG_WARNING);
	ck_assert_int_eq(dpc_journal_priority(DPC_EVENT_APPEAR, DPC_INFO), LOG_INFO);
	ck_assert_int_eq(dpc_journal_priority(DPC_EVENT_RESOLVE, DPC_ERROR), LOG_NOTICE);
	ck_assert_int_eq(dpc_journal_priority(DPC_EVENT_RESOLVE, DPC_INFO), LOG_INFO);
	ck_assert_int_eq(dpc_journal_priority(DPC_EVENT_DROP, DPC_ERROR), LOG_DEBUG);
}
END_TEST

/** the value of field KEY in an entry, NULL if absent (fails if twice) */
static const char *field(const dpc_journal_entry_t *e, const char *key)
{
	const char *found = NULL;
	size_t klen = strlen(key);
	int i;

	for (i = 0; i < e->count; i++)
	{
		ck_assert_uint_eq(strlen(e->fields[i]), e->lens[i]);
		if (strncmp(e->fields[i], key, klen) == 0 && e->fields[i][klen] == '=')
		{
			ck_assert_msg(!found, "%s twice", key);
			found = e->fields[i] + klen + 1;
		}
	}
	return found;
}

START_TEST(test_entry_child)
{
	dpc_journal_entry_t e;
	dpc_finding_t f = {
		.code = "forwarding-disabled",
		.severity = DPC_ERROR,
		.subject = {
			.ike_name = "s2s", .ike_id = 7, .child_name = "net", .child_id = 12,
		},
	};

	ck_assert(dpc_journal_entry_build(&e, DPC_EVENT_APPEAR, &f,
									  "dataplane-check: error x", "CFG", 1, 9));
	ck_assert_int_eq(e.count, 13);
	ck_assert_str_eq(field(&e, "MESSAGE"), "dataplane-check: error x");
	ck_assert_str_eq(field(&e, "PRIORITY"), "3");
	ck_assert_str_eq(field(&e, "MESSAGE_ID"), "a9f58affecea5f5889d995ca968b0c8f");
	ck_assert_str_eq(field(&e, "GROUP"), "CFG");
	ck_assert_str_eq(field(&e, "LEVEL"), "1");
	ck_assert_str_eq(field(&e, "THREAD"), "9");
	ck_assert_str_eq(field(&e, "DPC_CODE"), "forwarding-disabled");
	ck_assert_str_eq(field(&e, "DPC_SEVERITY"), "error");
	ck_assert_str_eq(field(&e, "DPC_EVENT"), "appeared");
	ck_assert_str_eq(field(&e, "IKE_SA_NAME"), "s2s");
	ck_assert_str_eq(field(&e, "IKE_SA_UNIQUE_ID"), "7");
	ck_assert_str_eq(field(&e, "CHILD_SA_NAME"), "net");
	ck_assert_str_eq(field(&e, "CHILD_SA_UNIQUE_ID"), "12");

	f.severity = DPC_WARNING;
	ck_assert(dpc_journal_entry_build(&e, DPC_EVENT_RESOLVE, &f, "m", "CFG", 1, 9));
	ck_assert_str_eq(field(&e, "PRIORITY"), "5");
	ck_assert_str_eq(field(&e, "DPC_SEVERITY"), "warning");
	ck_assert_str_eq(field(&e, "DPC_EVENT"), "resolved");
}
END_TEST

START_TEST(test_entry_subjects)
{
	dpc_journal_entry_t e;
	dpc_finding_t host = { .code = "iptables-mixed-backends", .severity = DPC_WARNING };
	dpc_finding_t cfg = {
		.code = "child-proposal-mismatch", .severity = DPC_ERROR,
		.subject = { .ike_name = "s2s", .ike_id = 3, .child_name = "net" },
	};

	/* host-wide: no subject fields at all */
	ck_assert(dpc_journal_entry_build(&e, DPC_EVENT_CHANGE, &host, "m", "CFG", 1, 1));
	ck_assert_int_eq(e.count, 9);
	ck_assert(!field(&e, "IKE_SA_NAME"));
	ck_assert(!field(&e, "IKE_SA_UNIQUE_ID"));
	ck_assert(!field(&e, "CHILD_SA_NAME"));
	ck_assert(!field(&e, "CHILD_SA_UNIQUE_ID"));
	ck_assert_str_eq(field(&e, "DPC_EVENT"), "changed");

	/* a child config without an installed CHILD_SA: name, no unique id */
	ck_assert(dpc_journal_entry_build(&e, DPC_EVENT_DROP, &cfg, "m", "CFG", 2, 1));
	ck_assert_str_eq(field(&e, "CHILD_SA_NAME"), "net");
	ck_assert(!field(&e, "CHILD_SA_UNIQUE_ID"));
	ck_assert_str_eq(field(&e, "IKE_SA_UNIQUE_ID"), "3");
	ck_assert_str_eq(field(&e, "PRIORITY"), "7");
	ck_assert_str_eq(field(&e, "DPC_EVENT"), "dropped");
}
END_TEST

START_TEST(test_entry_message_newline_and_overflow)
{
	static dpc_journal_entry_t e;
	static char big[DPC_JOURNAL_BUF_LEN];
	dpc_finding_t f = { .code = "route-missing", .severity = DPC_ERROR };

	/* a value with a newline stays one field (sd_journal_sendv encodes it) */
	ck_assert(dpc_journal_entry_build(&e, DPC_EVENT_APPEAR, &f, "a\nb", "CFG", 1, 1));
	ck_assert_str_eq(field(&e, "MESSAGE"), "a\nb");

	/* a message that cannot fit makes the entry unusable, never cut */
	memset(big, 'x', sizeof(big) - 1);
	ck_assert(!dpc_journal_entry_build(&e, DPC_EVENT_APPEAR, &f, big, "CFG", 1, 1));
}
END_TEST

Suite *journal_suite(void)
{
	Suite *s = suite_create("journal");
	TCase *tc = tcase_create("msgid");

	tcase_add_test(tc, test_msgid_published);
	suite_add_tcase(s, tc);

	tc = tcase_create("entry");
	tcase_add_test(tc, test_route);
	tcase_add_test(tc, test_priority);
	tcase_add_test(tc, test_entry_child);
	tcase_add_test(tc, test_entry_subjects);
	tcase_add_test(tc, test_entry_message_newline_and_overflow);
	suite_add_tcase(s, tc);
	return s;
}
