/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_tests.h"

#include <proto/dpc_report.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static dpc_tunnels_t tunnels;
static dpc_findings_t findings;

static const dpc_report_info_t info = {
	.version = "0.1.0",
	.strongswan = "5.9.8",
	.dataplane = "kernel-netlink",
	.last_round = 1767225600,	/* 2026-01-01T00:00:00Z */
	.now = 1000,
	.now_wall = 1767225630,
	.records = 3,
	.records_max = 100000,
	.half_open = 7,
	.records_refused = 2,
	.records_mapped = 3 * 65536,
};

static void add_ts(dpc_ts_list_t *list, const char *str)
{
	dpc_ts_t ts;

	ck_assert(dpc_ts_parse(&ts, str));
	ck_assert(dpc_ts_list_add(list, &ts));
}

static dpc_finding_t *add_finding(const char *code, dpc_severity_t sev,
								  const char *ike, uint32_t ike_id,
								  const char *child, uint32_t child_id)
{
	dpc_subject_t s = {
		.ike_id = ike_id,
		.child_id = child_id,
	};
	dpc_finding_t *f;

	snprintf(s.ike_name, sizeof(s.ike_name), "%s", ike);
	snprintf(s.child_name, sizeof(s.child_name), "%s", child);
	f = dpc_findings_add(&findings, code, sev, &s);
	ck_assert_ptr_nonnull(f);
	dpc_finding_message(f, "%s happened", code);
	dpc_finding_hint(f, "fix %s", code);
	f->first_seen_wall = 1767225600;
	f->active = true;
	return f;
}

/**
 * One IKE_SA "s2s"[1] with CHILD_SAs "net"{3} and "dmz"{4}; findings on
 * the host, the IKE_SA, each CHILD_SA, an unknown IKE_SA and an unknown
 * CHILD_SA.
 */
static void setup(void)
{
	dpc_child_rec_t *child;
	dpc_sample_t sample = {
		.time = 990,
		.packets_in = 120,
		.packets_out = 118,
		.bytes_in = 10080,
		.bytes_out = 9912,
	};
	dpc_ike_rec_t ike;
	dpc_finding_t *f;

	dpc_tunnels_init(&tunnels);
	dpc_findings_init(&findings);

	dpc_ike_rec_init(&ike);
	snprintf(ike.name, sizeof(ike.name), "s2s");
	ike.unique_id = 1;
	ike.version = 2;
	ck_assert(dpc_addr_parse(&ike.local, "192.0.2.1"));
	ike.local.port = 4500;
	ck_assert(dpc_addr_parse(&ike.remote, "198.51.100.2"));
	ike.remote.port = 4500;
	ike.initial_local = ike.local;
	ike.initial_local.port = 500;
	ike.initial_remote = ike.remote;
	ike.initial_remote.port = 500;
	ike.nat = DPC_NAT_ANY | DPC_NAT_HERE;
	ike.dpd_delay = 30;
	ike.established = 400;

	child = dpc_ike_rec_add_child(&ike);
	ck_assert_ptr_nonnull(child);
	dpc_child_rec_set_name(child, "net");
	child->unique_id = 3;
	child->reqid = 1;
	dpc_child_rec_set_text(&child->mode, "TUNNEL");
	dpc_child_rec_set_text(&child->protocol, "ESP");
	child->encap = true;
	child->spi_in = 0xc1234567;
	child->spi_out = 0x0000abcd;
	add_ts(&child->local, "10.1.0.0/24");
	add_ts(&child->remote, "10.2.0.0/16");
	add_ts(&child->cfg_local, "10.1.0.0/16");
	add_ts(&child->cfg_remote, "10.2.0.0/16");
	dpc_child_rec_set_text(&child->alg, "AES_GCM_16_256");
	child->installed = 660;
	child->installed_wall = 1767225290;
	dpc_child_rec_add_sample(child, &sample, 60);

	child = dpc_ike_rec_add_child(&ike);
	ck_assert_ptr_nonnull(child);
	dpc_child_rec_set_name(child, "dmz");
	child->unique_id = 4;
	child->rekeyed_from = 2;
	add_ts(&child->local, "10.3.0.0/24");
	add_ts(&child->local, "fd00::/64");
	add_ts(&child->remote, "10.4.0.0/24");

	ck_assert(dpc_tunnels_add_copy(&tunnels, &ike));
	dpc_ike_rec_clear(&ike);

	/* in mixed order: placement must not depend on it */
	f = add_finding("traffic-one-way-out", DPC_ERROR, "s2s", 1, "net", 3);
	dpc_finding_evidence(f, "packets_out", "%d", 118);
	dpc_finding_evidence(f, "packets_in", "%d", 0);
	f = add_finding("forwarding-disabled", DPC_ERROR, "", 0, "", 0);
	dpc_finding_evidence(f, "sysctl", "net.ipv4.ip_forward = 0");
	f = add_finding("keepalive-slow", DPC_WARNING, "s2s", 1, "", 0);
	f = add_finding("ts-narrowed", DPC_INFO, "s2s", 1, "dmz", 4);
	dpc_finding_evidence(f, "rule", "first");
	dpc_finding_evidence(f, "rule", "second");
	f = add_finding("ts-mismatch", DPC_ERROR, "s2s", 1, "web", 0);
	f = add_finding("nat-detected", DPC_INFO, "gone", 9, "", 0);
}

static void teardown(void)
{
	dpc_tunnels_clear(&tunnels);
	dpc_findings_clear(&findings);
}

static dpc_vici_node_t *build_status(void)
{
	dpc_vici_node_t *root;
	const char *err = NULL;
	uint8_t *msg;
	size_t len;

	ck_assert(dpc_report_status(&info, &tunnels, &findings, &msg, &len));
	ck_assert_uint_le(len, DPC_VICI_MAX_MESSAGE);
	root = dpc_vici_parse(msg, len, &err);
	ck_assert_msg(root, "status does not parse: %s", err);
	dpc_vici_msg_free(msg);
	return root;
}

START_TEST(test_status_top)
{
	const dpc_vici_node_t *top;
	dpc_vici_node_t *root;

	root = build_status();
	ck_assert_str_eq(dpc_vici_find_str(root, "version", ""), "0.1.0");
	ck_assert_str_eq(dpc_vici_find_str(root, "strongswan", ""), "5.9.8");
	ck_assert_str_eq(dpc_vici_find_str(root, "dataplane", ""),
					 "kernel-netlink");
	ck_assert_str_eq(dpc_vici_find_str(root, "last_round", ""),
					 "2026-01-01T00:00:00Z");
	ck_assert_ptr_null(dpc_vici_get(root, "truncated"));

	/* host finding plus the one about an IKE_SA we do not track */
	top = dpc_vici_get(root, "findings");
	ck_assert(dpc_vici_is_array(top));
	ck_assert_uint_eq(top->count, 2);
	ck_assert_str_eq(dpc_vici_find_str(top, "0.code", ""),
					 "forwarding-disabled");
	ck_assert_str_eq(dpc_vici_find_str(top, "0.severity", ""), "error");
	ck_assert_str_eq(dpc_vici_find_str(top, "0.message", ""),
					 "forwarding-disabled happened");
	ck_assert_str_eq(dpc_vici_find_str(top, "0.evidence.sysctl", ""),
					 "net.ipv4.ip_forward = 0");
	ck_assert_str_eq(dpc_vici_find_str(top, "0.hint", ""),
					 "fix forwarding-disabled");
	ck_assert_str_eq(dpc_vici_find_str(top, "0.first_seen", ""),
					 "2026-01-01T00:00:00Z");
	ck_assert_str_eq(dpc_vici_find_str(top, "0.state", ""), "active");
	ck_assert_ptr_null(dpc_vici_find(top, "0.ike"));
	ck_assert_str_eq(dpc_vici_find_str(top, "1.code", ""), "nat-detected");
	ck_assert_str_eq(dpc_vici_find_str(top, "1.ike", ""), "gone");
	ck_assert_str_eq(dpc_vici_find_str(top, "1.ike_id", ""), "9");
	dpc_vici_node_free(root);
}
END_TEST

START_TEST(test_status_ike)
{
	const dpc_vici_node_t *ikes, *ike, *f;
	dpc_vici_node_t *root;

	root = build_status();
	ikes = dpc_vici_get(root, "ike_sas");
	ck_assert(dpc_vici_is_array(ikes));
	ck_assert_uint_eq(ikes->count, 1);
	ike = dpc_vici_get(ikes, "0");
	ck_assert_str_eq(dpc_vici_find_str(ike, "name", ""), "s2s");
	ck_assert_str_eq(dpc_vici_find_str(ike, "uniqueid", ""), "1");
	ck_assert_str_eq(dpc_vici_find_str(ike, "state", ""), "up");
	ck_assert_str_eq(dpc_vici_find_str(ike, "ike_version", ""), "2");
	ck_assert_str_eq(dpc_vici_find_str(ike, "local_host", ""), "192.0.2.1");
	ck_assert_str_eq(dpc_vici_find_str(ike, "local_port", ""), "4500");
	ck_assert_str_eq(dpc_vici_find_str(ike, "remote_host", ""),
					 "198.51.100.2");
	ck_assert_str_eq(dpc_vici_find_str(ike, "initial_local_port", ""), "500");
	ck_assert_str_eq(dpc_vici_find_str(ike, "initial_remote_port", ""),
					 "500");
	ck_assert_str_eq(dpc_vici_find_str(ike, "nat_local", ""), "yes");
	ck_assert_str_eq(dpc_vici_find_str(ike, "nat_remote", ""), "no");
	ck_assert_str_eq(dpc_vici_find_str(ike, "nat_fake", ""), "no");
	ck_assert_str_eq(dpc_vici_find_str(ike, "nat_any", ""), "yes");
	ck_assert_str_eq(dpc_vici_find_str(ike, "dpd_delay", ""), "30");
	ck_assert_str_eq(dpc_vici_find_str(ike, "established", ""), "600");
	ck_assert_str_eq(dpc_vici_find_str(ike, "rekeys", ""), "0");
	ck_assert_str_eq(dpc_vici_find_str(ike, "updates", ""), "0");

	/* IKE_SA findings: keepalive-slow, and ts-mismatch about a child
	 * config that has no CHILD_SA, saying which */
	f = dpc_vici_get(ike, "findings");
	ck_assert(dpc_vici_is_array(f));
	ck_assert_uint_eq(f->count, 2);
	ck_assert_str_eq(dpc_vici_find_str(f, "0.code", ""), "keepalive-slow");
	ck_assert_str_eq(dpc_vici_find_str(f, "0.severity", ""), "warning");
	ck_assert_ptr_null(dpc_vici_find(f, "0.child"));
	ck_assert_str_eq(dpc_vici_find_str(f, "1.code", ""), "ts-mismatch");
	ck_assert_str_eq(dpc_vici_find_str(f, "1.child", ""), "web");
	dpc_vici_node_free(root);
}
END_TEST

/**
 * Items of a list as "a, b".
 */
static char *items(const dpc_vici_node_t *list, char *buf, size_t len)
{
	const dpc_vici_node_t *item;

	ck_assert_ptr_nonnull(list);
	ck_assert_int_eq(list->type, DPC_VICI_NODE_LIST);
	buf[0] = '\0';
	for (item = list->first; item; item = item->next)
	{
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
				 item == list->first ? "" : ", ", item->value);
	}
	return buf;
}

START_TEST(test_status_children)
{
	const dpc_vici_node_t *children, *c, *f;
	dpc_vici_node_t *root;
	char buf[256];

	root = build_status();
	children = dpc_vici_find(root, "ike_sas.0.children");
	ck_assert(dpc_vici_is_array(children));
	ck_assert_uint_eq(children->count, 2);

	c = dpc_vici_get(children, "0");
	ck_assert_str_eq(dpc_vici_find_str(c, "name", ""), "net");
	ck_assert_str_eq(dpc_vici_find_str(c, "uniqueid", ""), "3");
	ck_assert_str_eq(dpc_vici_find_str(c, "reqid", ""), "1");
	ck_assert_str_eq(dpc_vici_find_str(c, "state", ""), "up");
	ck_assert_str_eq(dpc_vici_find_str(c, "mode", ""), "TUNNEL");
	ck_assert_str_eq(dpc_vici_find_str(c, "protocol", ""), "ESP");
	ck_assert_str_eq(dpc_vici_find_str(c, "encap", ""), "yes");
	ck_assert_str_eq(dpc_vici_find_str(c, "spi_in", ""), "c1234567");
	ck_assert_str_eq(dpc_vici_find_str(c, "spi_out", ""), "0000abcd");
	ck_assert_str_eq(items(dpc_vici_get(c, "local_ts"), buf, sizeof(buf)),
					 "10.1.0.0/24");
	ck_assert_str_eq(items(dpc_vici_get(c, "cfg_local_ts"), buf,
						   sizeof(buf)), "10.1.0.0/16");
	ck_assert_str_eq(items(dpc_vici_get(c, "remote_ts"), buf, sizeof(buf)),
					 "10.2.0.0/16");
	ck_assert_str_eq(dpc_vici_find_str(c, "alg", ""), "AES_GCM_16_256");
	ck_assert_str_eq(dpc_vici_find_str(c, "installed", ""), "340");
	ck_assert_str_eq(dpc_vici_find_str(c, "installed_at", ""),
					 "2025-12-31T23:54:50Z");
	ck_assert_str_eq(dpc_vici_find_str(c, "packets_in", ""), "120");
	ck_assert_str_eq(dpc_vici_find_str(c, "packets_out", ""), "118");
	ck_assert_str_eq(dpc_vici_find_str(c, "bytes_in", ""), "10080");
	ck_assert_str_eq(dpc_vici_find_str(c, "bytes_out", ""), "9912");
	ck_assert_str_eq(dpc_vici_find_str(c, "rekeyed_from", ""), "0");
	f = dpc_vici_get(c, "findings");
	ck_assert_uint_eq(f->count, 1);
	ck_assert_str_eq(dpc_vici_find_str(f, "0.code", ""),
					 "traffic-one-way-out");
	ck_assert_str_eq(dpc_vici_find_str(f, "0.evidence.packets_out", ""),
					 "118");
	ck_assert_str_eq(dpc_vici_find_str(f, "0.evidence.packets_in", ""), "0");

	c = dpc_vici_get(children, "1");
	ck_assert_str_eq(dpc_vici_find_str(c, "name", ""), "dmz");
	ck_assert_str_eq(dpc_vici_find_str(c, "rekeyed_from", ""), "2");
	ck_assert_str_eq(items(dpc_vici_get(c, "local_ts"), buf, sizeof(buf)),
					 "10.3.0.0/24, fd00::/64");
	ck_assert_str_eq(items(dpc_vici_get(c, "cfg_remote_ts"), buf,
						   sizeof(buf)), "");
	/* no sample yet: no counters */
	ck_assert_ptr_null(dpc_vici_get(c, "packets_in"));
	f = dpc_vici_get(c, "findings");
	ck_assert_uint_eq(f->count, 1);
	/* repeated evidence keys stay unique */
	ck_assert_str_eq(dpc_vici_find_str(f, "0.evidence.rule", ""), "first");
	ck_assert_str_eq(dpc_vici_find_str(f, "0.evidence.rule_2", ""),
					 "second");
	ck_assert_str_eq(dpc_vici_find_str(f, "0.severity", ""), "info");
	dpc_vici_node_free(root);
}
END_TEST

START_TEST(test_status_empty)
{
	dpc_tunnels_t none;
	dpc_findings_t nothing;
	dpc_vici_node_t *root;
	uint8_t *msg;
	size_t len;

	dpc_tunnels_init(&none);
	dpc_findings_init(&nothing);
	ck_assert(dpc_report_status(&info, &none, &nothing, &msg, &len));
	root = dpc_vici_parse(msg, len, NULL);
	ck_assert_ptr_nonnull(root);
	ck_assert_int_eq(dpc_vici_get(root, "findings")->type,
					 DPC_VICI_NODE_SECTION);
	ck_assert_uint_eq(dpc_vici_get(root, "findings")->count, 0);
	ck_assert_uint_eq(dpc_vici_get(root, "ike_sas")->count, 0);
	/* what the plugin keeps */
	ck_assert_str_eq(dpc_vici_find_str(root, "records.tracked", ""), "3");
	ck_assert_str_eq(dpc_vici_find_str(root, "records.max", ""), "100000");
	ck_assert_str_eq(dpc_vici_find_str(root, "records.half_open", ""), "7");
	ck_assert_str_eq(dpc_vici_find_str(root, "records.refused", ""), "2");
	ck_assert_str_eq(dpc_vici_find_str(root, "records.slots_kib", ""), "192");
	dpc_vici_node_free(root);
	dpc_vici_msg_free(msg);
}
END_TEST

START_TEST(test_status_truncated)
{
	const dpc_vici_node_t *ikes;
	dpc_vici_node_t *root;
	dpc_ike_rec_t ike;
	int i, n = 4000;

	/* thousands of IKE_SAs do not fit in one message */
	for (i = 0; i < n; i++)
	{
		ck_assert(dpc_ike_rec_copy(&ike, tunnels.ikes[0]));
		ike.unique_id = 100 + i;
		ck_assert(dpc_tunnels_add_copy(&tunnels, &ike));
		dpc_ike_rec_clear(&ike);
	}
	root = build_status();
	ikes = dpc_vici_get(root, "ike_sas");
	ck_assert(dpc_vici_is_array(ikes));
	ck_assert_uint_lt(ikes->count, n + 1);
	ck_assert_uint_gt(ikes->count, 100);
	ck_assert_int_eq(atoi(dpc_vici_find_str(root, "truncated", "0")),
					 n + 1 - (int)ikes->count);
	/* findings stay with their IKE_SA */
	ck_assert_uint_eq(dpc_vici_find(root, "ike_sas.0.findings")->count, 2);
	ck_assert_uint_eq(dpc_vici_find(root, "ike_sas.1.findings")->count, 0);
	dpc_vici_node_free(root);
}
END_TEST

START_TEST(test_event)
{
	const dpc_vici_node_t *f;
	dpc_vici_node_t *root;
	uint8_t *msg;
	size_t len;

	ck_assert(dpc_report_event(DPC_EVENT_APPEAR, &findings.items[0],
							   1767225630, &msg, &len));
	root = dpc_vici_parse(msg, len, NULL);
	ck_assert_ptr_nonnull(root);
	ck_assert_str_eq(dpc_vici_find_str(root, "type", ""), "appear");
	ck_assert_str_eq(dpc_vici_find_str(root, "time", ""),
					 "2026-01-01T00:00:30Z");
	ck_assert_str_eq(dpc_vici_find_str(root, "subject", ""), "s2s[1] net{3}");
	ck_assert_str_eq(dpc_vici_find_str(root, "ike", ""), "s2s");
	ck_assert_str_eq(dpc_vici_find_str(root, "ike_id", ""), "1");
	ck_assert_str_eq(dpc_vici_find_str(root, "child", ""), "net");
	ck_assert_str_eq(dpc_vici_find_str(root, "child_id", ""), "3");
	f = dpc_vici_get(root, "finding");
	ck_assert_str_eq(dpc_vici_find_str(f, "code", ""), "traffic-one-way-out");
	ck_assert_str_eq(dpc_vici_find_str(f, "severity", ""), "error");
	ck_assert_str_eq(dpc_vici_find_str(f, "evidence.packets_out", ""), "118");
	ck_assert_str_eq(dpc_vici_find_str(f, "hint", ""),
					 "fix traffic-one-way-out");
	dpc_vici_node_free(root);
	dpc_vici_msg_free(msg);

	findings.items[1].active = false;
	ck_assert(dpc_report_event(DPC_EVENT_RESOLVE, &findings.items[1],
							   1767225630, &msg, &len));
	root = dpc_vici_parse(msg, len, NULL);
	ck_assert_ptr_nonnull(root);
	ck_assert_str_eq(dpc_vici_find_str(root, "type", ""), "resolve");
	ck_assert_str_eq(dpc_vici_find_str(root, "subject", ""), "host");
	ck_assert_ptr_null(dpc_vici_get(root, "ike"));
	ck_assert_str_eq(dpc_vici_find_str(root, "finding.state", ""),
					 "resolved");
	dpc_vici_node_free(root);
	dpc_vici_msg_free(msg);
}
END_TEST

START_TEST(test_version)
{
	dpc_vici_node_t *root;
	uint8_t *msg;
	size_t len;

	ck_assert(dpc_report_version(&info, &msg, &len));
	root = dpc_vici_parse(msg, len, NULL);
	ck_assert_ptr_nonnull(root);
	ck_assert_str_eq(dpc_vici_find_str(root, "plugin", ""), "dataplane-check");
	ck_assert_str_eq(dpc_vici_find_str(root, "version", ""), "0.1.0");
	ck_assert_str_eq(dpc_vici_find_str(root, "strongswan", ""), "5.9.8");
	ck_assert_str_eq(dpc_vici_find_str(root, "dataplane", ""),
					 "kernel-netlink");
	dpc_vici_node_free(root);
	dpc_vici_msg_free(msg);
}
END_TEST

START_TEST(test_time)
{
	char buf[32];

	ck_assert_str_eq(dpc_report_time(0, buf, sizeof(buf)), "");
	ck_assert_str_eq(dpc_report_time(1767225600, buf, sizeof(buf)),
					 "2026-01-01T00:00:00Z");
	ck_assert_str_eq(dpc_report_time(1767225600, buf, 5), "");
	ck_assert_str_eq(dpc_report_state_name(DPC_STATE_REKEYED), "rekeyed");
}
END_TEST

Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc;

	tc = tcase_create("status");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_status_top);
	tcase_add_test(tc, test_status_ike);
	tcase_add_test(tc, test_status_children);
	tcase_add_test(tc, test_status_empty);
	tcase_add_test(tc, test_status_truncated);
	tcase_add_test(tc, test_event);
	tcase_add_test(tc, test_version);
	tcase_add_test(tc, test_time);
	suite_add_tcase(s, tc);

	return s;
}
