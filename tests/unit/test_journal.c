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

/* ids are derived and compared with the README by msgid_check.py; here,
 * the lookup */
START_TEST(test_msgid_published)
{
	const char *id;

	id = dpc_msgid("forwarding-disabled");
	ck_assert(id != NULL);
	ck_assert_str_eq(id, "a9f58affecea5f5889d995ca968b0c8f");
	/* a version 5, RFC 4122 variant UUID */
	ck_assert_int_eq(id[12], '5');
	ck_assert(strchr("89ab", id[16]) != NULL);
	ck_assert_str_eq(dpc_msgid("ruleset-uncertain"),
					 "30dce22269d25c33bf77ce3ae7acd50c");
	ck_assert(dpc_msgid("no-such-code") == NULL);
	ck_assert(dpc_msgid(NULL) == NULL);
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
