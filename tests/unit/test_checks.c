/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_tests.h"
#include "fixture_facts.h"
#include "fixture_tunnel.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

START_TEST(test_healthy)
{
	bed_t bed;
	dpc_finding_t *f;

	bed_init(&bed);
	bed_run(&bed);
	ck_assert_int_eq(bed_problems(&bed), 0);
	/* gateway A is behind the NAT: an info finding says so */
	f = bed_find(&bed, "nat-detected");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_INFO);
	ck_assert_ptr_nonnull(strstr(f->message, "this gateway is behind NAT"));
	ck_assert(bed_has_evidence(f, "ports", "500->4500"));
	bed_free(&bed);
}
END_TEST

START_TEST(test_narrowed_unprotected)
{
	bed_t bed;
	dpc_finding_t *f;

	bed_init(&bed);
	bed_set_ts(&bed_child(&bed)->remote, "10.20.1.0/29");
	bed_run(&bed);
	f = bed_find(&bed, "ts-narrowed");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_WARNING);
	ck_assert(bed_has_evidence(f, "configured", "10.20.1.0/24"));
	ck_assert(bed_has_evidence(f, "negotiated", "10.20.1.0/29"));
	f = bed_find(&bed, "ts-unprotected");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_ERROR);
	ck_assert(bed_has_evidence(f, "uncovered", "10.20.1.8-10.20.1.255"));
	/* the table 220 route only covers the /24 here; the fixture's default
	 * route is what the uncovered hosts take */
	bed_free(&bed);
}
END_TEST

START_TEST(test_unprotected_cleartext_via_wan)
{
	bed_t bed;
	dpc_finding_t *f;

	bed_init(&bed);
	/* as charon installs it: only the narrowed /29 goes into ipsec0 */
	fixture_facts_reset_routes(bed.facts);
	fixture_facts_route(bed.facts, "10.20.1.0/29", "*", 0, DPC_RT_UNICAST,
						"ipsec0", NULL, 220);
	fixture_facts_route(bed.facts, "10.10.1.0/24", "*", 0, DPC_RT_UNICAST,
						"lan", NULL, 254);
	fixture_facts_route(bed.facts, "0.0.0.0/0", "*", 0, DPC_RT_UNICAST,
						"wan", "192.0.2.1", 254);
	bed_set_ts(&bed_child(&bed)->remote, "10.20.1.0/29");
	bed_run(&bed);
	f = bed_find(&bed, "ts-unprotected");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(f->message, "cleartext via wan"));
	ck_assert(bed_has_evidence(f, "route", "dev wan"));
	bed_free(&bed);
}
END_TEST

/* a side without negotiated (or any) selectors must not crash the check */
START_TEST(test_narrowed_one_side_empty)
{
	dpc_child_rec_t *child;
	dpc_finding_t *f;
	bed_t bed;
	int local;

	for (local = 0; local < 2; local++)
	{
		bed_init(&bed);
		child = bed_child(&bed);
		bed_set_ts(local ? &child->local : &child->remote,
				   local ? "10.10.1.0/25" : "10.20.1.0/25");
		dpc_ts_list_clear(local ? &child->remote : &child->local);
		bed_run(&bed);
		f = bed_find(&bed, "ts-unprotected");
		ck_assert_ptr_nonnull(f);
		ck_assert_str_eq(f->discrim, local ? "local" : "remote");
		/* and without configured ones either */
		dpc_ts_list_clear(local ? &child->cfg_remote : &child->cfg_local);
		bed_run(&bed);
		f = bed_find(&bed, "ts-unprotected");
		ck_assert_ptr_nonnull(f);
		ck_assert_ptr_nonnull(strstr(f->message, "no traffic selectors"));
		bed_free(&bed);
	}
}
END_TEST

START_TEST(test_narrowed_but_covered)
{
	bed_t bed;
	dpc_ike_rec_t *ike;
	dpc_child_rec_t *second;

	bed_init(&bed);
	bed_set_ts(&bed_child(&bed)->remote, "10.20.1.0/25");
	ike = bed_ike(&bed);
	second = dpc_ike_rec_add_child(ike);
	dpc_child_rec_copy(second, ike->children[0]);
	second->unique_id = 2;
	bed_set_ts(&second->remote, "10.20.1.128/25");
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "ts-unprotected"));
	ck_assert_int_eq(bed_find(&bed, "ts-narrowed")->severity, DPC_INFO);
	ck_assert_int_eq(bed_problems(&bed), 0);
	bed_free(&bed);
}
END_TEST

START_TEST(test_forwarding_disabled)
{
	bed_t bed;
	dpc_finding_t *f;

	bed_init(&bed);
	fixture_facts_sysctl(bed.facts, "net/ipv4/ip_forward", 0);
	fixture_facts_sysctl(bed.facts, "net/ipv4/conf/lan/forwarding", 0);
	fixture_facts_sysctl(bed.facts, "net/ipv4/conf/ipsec0/forwarding", 0);
	bed_run(&bed);
	f = bed_find(&bed, "forwarding-disabled");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_ERROR);
	ck_assert(bed_has_evidence(f, "net.ipv4.ip_forward", "0"));
	ck_assert_ptr_nonnull(strstr(f->hint, "net.ipv4.ip_forward=1"));
	/* the lookups that fail because of it are not blamed on routes */
	ck_assert_ptr_null(bed_find(&bed, "inbound-undeliverable"));
	bed_free(&bed);
}
END_TEST

START_TEST(test_forwarding_not_needed_for_gateway_ts)
{
	bed_t bed;

	bed_init(&bed);
	fixture_facts_sysctl(bed.facts, "net/ipv4/ip_forward", 0);
	bed_set_ts(&bed_child(&bed)->local, "10.10.1.1/32");
	bed_set_ts(&bed_child(&bed)->cfg_local, "10.10.1.1/32");
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "forwarding-disabled"));
	bed_free(&bed);
}
END_TEST

START_TEST(test_route_missing)
{
	bed_t bed;
	dpc_finding_t *f;

	bed_init(&bed);
	/* gateway B after 'ip route del ... table 220': no default either */
	fixture_facts_reset_routes(bed.facts);
	fixture_facts_route(bed.facts, "10.10.1.0/24", "*", 0, DPC_RT_UNICAST,
						"lan", NULL, 254);
	fixture_facts_route(bed.facts, "192.0.2.0/24", "*", 0, DPC_RT_UNICAST,
						"wan", NULL, 254);
	bed_run(&bed);
	f = bed_find(&bed, "route-missing");
	ck_assert_ptr_nonnull(f);
	ck_assert(bed_has_evidence(f, "route", "iif lan"));
	ck_assert(bed_has_evidence(f, "route_own", "from 10.10.1.1"));
	ck_assert_ptr_nonnull(strstr(f->hint, "table 220"));
	ck_assert_ptr_nonnull(strstr(f->hint, "dev ipsec0"));
	bed_free(&bed);
}
END_TEST

START_TEST(test_route_blackhole)
{
	bed_t bed;

	bed_init(&bed);
	fixture_facts_reset_routes(bed.facts);
	/* the kernel answers lookups hitting a blackhole route with EINVAL */
	fixture_facts_route(bed.facts, "10.20.1.0/24", "*", EINVAL, 0,
						NULL, NULL, 0);
	fixture_facts_route(bed.facts, "10.10.1.0/24", "*", 0, DPC_RT_UNICAST,
						"lan", NULL, 254);
	bed_run(&bed);
	ck_assert_ptr_nonnull(bed_find(&bed, "route-missing"));
	bed_free(&bed);
}
END_TEST

START_TEST(test_source_check_is_no_missing_route)
{
	bed_t bed;

	bed_init(&bed);
	/* EINVAL for the input lookup only: rp_filter, not a missing route */
	fixture_facts_reset_routes(bed.facts);
	fixture_facts_route(bed.facts, "10.20.1.0/24", "lan", EINVAL, 0,
						NULL, NULL, 0);
	fixture_facts_route(bed.facts, "10.20.1.0/24", "*", 0, DPC_RT_UNICAST,
						"ipsec0", NULL, 220);
	fixture_facts_route(bed.facts, "10.10.1.0/24", "*", 0, DPC_RT_UNICAST,
						"lan", NULL, 254);
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "route-missing"));
	bed_free(&bed);
}
END_TEST

START_TEST(test_inbound_undeliverable)
{
	bed_t bed;
	dpc_finding_t *f;

	bed_init(&bed);
	/* the LAN route is gone: decrypted packets follow the default route */
	fixture_facts_reset_routes(bed.facts);
	fixture_facts_route(bed.facts, "10.20.1.0/24", "*", 0, DPC_RT_UNICAST,
						"ipsec0", NULL, 220);
	fixture_facts_route(bed.facts, "0.0.0.0/0", "*", 0, DPC_RT_UNICAST,
						"wan", "192.0.2.1", 254);
	bed_run(&bed);
	f = bed_find(&bed, "inbound-undeliverable");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(f->message, "routed back out of wan"));
	ck_assert(bed_has_evidence(f, "route", "iif ipsec0"));
	bed_free(&bed);
}
END_TEST

START_TEST(test_keepalive)
{
	bed_t bed;
	dpc_finding_t *f;

	bed_init(&bed);
	bed.settings.keep_alive = 0;
	bed_run(&bed);
	f = bed_find(&bed, "keepalive-off");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_ERROR);
	ck_assert_ptr_null(bed_find(&bed, "keepalive-slow"));

	bed.settings.keep_alive = 60;
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "keepalive-off"));
	f = bed_find(&bed, "keepalive-slow");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_WARNING);

	/* not behind NAT: keepalives don't matter */
	bed_ike(&bed)->nat = DPC_NAT_ANY | DPC_NAT_THERE;
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "keepalive-slow"));
	bed_free(&bed);
}
END_TEST

START_TEST(test_alerts)
{
	bed_t bed;
	dpc_alert_t alert = { .type = DPC_ALERT_TS_MISMATCH, .count = 1 };
	dpc_finding_t *f;

	bed_init(&bed);
	snprintf(alert.detail, sizeof(alert.detail), "10.10.1.0/24");
	snprintf(alert.detail2, sizeof(alert.detail2), "10.20.1.0/24");
	dpc_ike_rec_add_alert(bed_ike(&bed), &alert);
	alert = (dpc_alert_t){ .type = DPC_ALERT_INSTALL_SA_FAILED, .count = 1 };
	snprintf(alert.child_name, sizeof(alert.child_name), "net");
	dpc_ike_rec_add_alert(bed_ike(&bed), &alert);
	alert = (dpc_alert_t){ .type = DPC_ALERT_PROPOSAL_MISMATCH_CHILD,
						   .count = 1 };
	snprintf(alert.detail, sizeof(alert.detail), "ESP:AES_GCM_16_256");
	dpc_ike_rec_add_alert(bed_ike(&bed), &alert);
	bed_run(&bed);

	f = bed_find(&bed, "ts-mismatch");
	ck_assert_ptr_nonnull(f);
	ck_assert(bed_has_evidence(f, "tsi", "10.10.1.0/24"));
	ck_assert_int_eq(f->subject.child_id, 0);
	f = bed_find(&bed, "child-install-failed");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->subject.child_name, "net");
	f = bed_find(&bed, "child-proposal-mismatch");
	ck_assert_ptr_nonnull(f);
	/* a CHILD_SA is installed: it works until the rekey */
	ck_assert_ptr_nonnull(strstr(f->message, "until they must be rekeyed"));
	bed_free(&bed);
}
END_TEST

START_TEST(test_alerts_closed)
{
	static const struct {
		/** the IKE_SA had its CHILD_SA installed */
		bool installed;
		/** seconds from the failure to the IKE_SA's end */
		int after;
		bool found;
	} tests[] = {
		{ false, 0, true },
		{ false, 10, true },
		{ false, 11, false },
		{ true, 0, false },
	};
	dpc_alert_t alert;
	dpc_ike_rec_t *ike;
	dpc_finding_t *f;
	bed_t bed;
	int i;

	for (i = 0; i < (int)(sizeof(tests) / sizeof(tests[0])); i++)
	{
		bed_init(&bed);
		ike = bed_ike(&bed);
		/* charon 6.0: the IKE_SA was deleted right after the failure */
		ike->state = DPC_STATE_DOWN;
		bed_child(&bed)->state = DPC_STATE_DOWN;
		bed_child(&bed)->installed = tests[i].installed ? 1000 : 0;
		alert = (dpc_alert_t){ .type = DPC_ALERT_INSTALL_SA_FAILED,
							   .count = 1, .time = 2000 };
		snprintf(alert.child_name, sizeof(alert.child_name), "net");
		dpc_ike_rec_add_alert(ike, &alert);
		ike->gone = 2000 + tests[i].after;
		bed_run(&bed);
		f = bed_find(&bed, "child-install-failed");
		ck_assert_msg(!f == !tests[i].found, "test %d", i);
		if (f)
		{
			ck_assert_str_eq(f->subject.ike_name, "s2s");
			ck_assert(bed_has_evidence(f, "ike-sa", "after the failure"));
		}
		/* nothing else is judged of an IKE_SA that is down */
		ck_assert_int_eq(bed.findings.count, tests[i].found ? 1 : 0);
		bed_free(&bed);
	}
}
END_TEST

START_TEST(test_disabled)
{
	bed_t bed;

	bed_init(&bed);
	snprintf(bed.settings.disable, sizeof(bed.settings.disable),
			 "nat-detected,forwarding-disabled");
	fixture_facts_sysctl(bed.facts, "net/ipv4/ip_forward", 0);
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "nat-detected"));
	ck_assert_ptr_null(bed_find(&bed, "forwarding-disabled"));
	bed_free(&bed);
}
END_TEST

START_TEST(test_down_sa_ignored)
{
	bed_t bed;

	bed_init(&bed);
	fixture_facts_sysctl(bed.facts, "net/ipv4/ip_forward", 0);
	bed_child(&bed)->state = DPC_STATE_REKEYED;
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "forwarding-disabled"));
	bed_free(&bed);
}
END_TEST

START_TEST(test_dpd_off_behind_nat)
{
	bed_t bed;
	dpc_finding_t *f;

	bed_init(&bed);
	bed_ike(&bed)->dpd_delay = 0;
	bed_run(&bed);
	f = bed_find(&bed, "dpd-off-behind-nat");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_WARNING);
	ck_assert(strstr(f->message, "this gateway is behind NAT"));
	ck_assert(bed_has_evidence(f, "nat", "local"));

	/* the peer behind NAT: its mapping can die just the same */
	bed_ike(&bed)->nat = DPC_NAT_ANY | DPC_NAT_THERE;
	bed_run(&bed);
	f = bed_find(&bed, "dpd-off-behind-nat");
	ck_assert_ptr_nonnull(f);
	ck_assert(strstr(f->message, "the peer is behind NAT"));

	/* NAT only faked (forced encapsulation): no mapping to lose */
	bed_ike(&bed)->nat = DPC_NAT_ANY | DPC_NAT_FAKE;
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "dpd-off-behind-nat"));

	/* DPD on behind NAT: silent */
	bed_ike(&bed)->nat = DPC_NAT_ANY | DPC_NAT_HERE;
	bed_ike(&bed)->dpd_delay = 30;
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "dpd-off-behind-nat"));
	bed_free(&bed);
}
END_TEST

START_TEST(test_nat_mapping_changed)
{
	bed_t bed;
	dpc_finding_t *f;
	dpc_ike_rec_t *ike;

	bed_init(&bed);
	ike = bed_ike(&bed);
	/* the peer's NAT moved it from port 4500 to 31337, 5 minutes ago */
	ike->prev_remote = ike->remote;
	ike->remote.port = 31337;
	dpc_times_add(&ike->update_history, 1700);
	bed_run(&bed);
	f = bed_find(&bed, "nat-mapping-changed");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_INFO);
	ck_assert(bed_has_evidence(f, "side", "remote"));
	ck_assert(bed_has_evidence(f, "old", "198.51.100.2[4500]"));
	ck_assert(bed_has_evidence(f, "new", "198.51.100.2[31337]"));
	ck_assert(strstr(f->message, "a NAT on the path made a new mapping"));

	/* three within the hour: frequent */
	dpc_times_add(&ike->update_history, 1800);
	dpc_times_add(&ike->update_history, 1900);
	bed_run(&bed);
	f = bed_find(&bed, "nat-mapping-changed");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_WARNING);
	ck_assert(bed_has_evidence(f, "interval", "100-100s"));
	ck_assert(strstr(f->hint, "every 100 s"));

	/* an hour after the last one: resolved */
	bed.ctx.now = 1900 + 3600;
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "nat-mapping-changed"));
	bed.ctx.now = 2000;

	/* the local side moved (MOBIKE) */
	ike->prev_remote = ike->remote;
	ike->prev_local = ike->local;
	dpc_addr_parse(&ike->local, "192.0.2.3");
	ike->local.port = 4500;
	bed_run(&bed);
	f = bed_find(&bed, "nat-mapping-changed");
	ck_assert_ptr_nonnull(f);
	ck_assert(bed_has_evidence(f, "side", "local"));

	/* an update that changed nothing we keep: silent */
	ike->prev_local = ike->local;
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "nat-mapping-changed"));
	bed_free(&bed);
}
END_TEST

START_TEST(test_natt_port_blocked)
{
	bed_t bed;
	dpc_finding_t *f;
	dpc_natt_attempt_t *a;

	bed_init(&bed);
	a = &bed.tunnels.natt.entries[bed.tunnels.natt.count++];
	snprintf(a->name, sizeof(a->name), "s2s");
	a->ike_id = 7;
	dpc_addr_parse(&a->init_local, "192.0.2.2");
	dpc_addr_parse(&a->init_remote, "198.51.100.2");
	a->init_local.port = a->init_remote.port = 500;
	a->local = a->init_local;
	a->remote = a->init_remote;
	a->local.port = a->remote.port = 4500;
	a->retransmits = 1;
	a->first = a->last = 1990;
	/* one retransmit may be a lost packet */
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "natt-port-blocked"));
	a->retransmits = 3;
	bed_run(&bed);
	f = bed_find(&bed, "natt-port-blocked");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_ERROR);
	ck_assert_str_eq(f->subject.ike_name, "s2s");
	ck_assert_uint_eq(f->subject.ike_id, 7);
	ck_assert(bed_has_evidence(f, "ike_sa_init",
						   "192.0.2.2[500] -> 198.51.100.2[500] answered"));
	ck_assert(bed_has_evidence(f, "natt",
						   "192.0.2.2[4500] -> 198.51.100.2[4500] unanswered"));
	ck_assert(strstr(f->message, "UDP 4500 is blocked"));
	ck_assert(strstr(f->hint, "udp dport 4500 accept"));
	bed_free(&bed);
}
END_TEST

START_TEST(test_rekey_churn)
{
	bed_t bed;
	dpc_finding_t *f;
	dpc_child_rec_t *child;
	int i;

	bed_init(&bed);
	child = bed_child(&bed);
	/* rekey_time 10s: three rekeys 10 s apart, the round 2 s later */
	child->cfg_rekey_time = 10;
	for (i = 0; i < 3; i++)
	{
		dpc_times_add(&child->rekey_history, 1968 + 10 * i);
	}
	bed_run(&bed);
	f = bed_find(&bed, "rekey-churn");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_WARNING);
	ck_assert_uint_eq(f->subject.child_id, 1);
	/* 3 rekeys in the 32 s since the first */
	ck_assert(bed_has_evidence(f, "rate", "337/h"));
	ck_assert(bed_has_evidence(f, "interval", "10-10s"));
	ck_assert(bed_has_evidence(f, "rekey_time", "10s"));
	ck_assert(strstr(f->hint, "raise rekey_time (now 10s"));

	/* far faster than our own 1h timer: the peer drives them */
	child->cfg_rekey_time = 3600;
	bed_run(&bed);
	f = bed_find(&bed, "rekey-churn");
	ck_assert_ptr_nonnull(f);
	ck_assert(strstr(f->hint, "the peer starts them"));

	/* the churn stopped 50 minutes ago: 3 in 53 min is below 30/h */
	bed.ctx.now = 2000 + 3000;
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "rekey-churn"));
	bed.ctx.now = 2000;

	/* two quick rekeys are a collision, not churn */
	child->rekey_history.n = 2;
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "rekey-churn"));

	/* a higher limit: silent */
	child->rekey_history.n = 3;
	bed.settings.rekey_churn = 400;
	bed_run(&bed);
	ck_assert_ptr_null(bed_find(&bed, "rekey-churn"));
	bed.settings.rekey_churn = 30;

	/* the IKE_SA's lineage too, reported without a CHILD_SA */
	child->rekey_history.n = 0;
	for (i = 0; i < 4; i++)
	{
		dpc_times_add(&bed_ike(&bed)->rekey_history, 1900 + 25 * i);
	}
	bed_run(&bed);
	f = bed_find(&bed, "rekey-churn");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->subject.child_id, 0);
	ck_assert(bed_has_evidence(f, "rekeys", "4 in the last 100s"));
	ck_assert(bed_has_evidence(f, "rekey_time", "14400s"));
	bed_free(&bed);
}
END_TEST

START_TEST(test_times_history)
{
	dpc_times_t r = {};
	dpc_times_rate_t rate;
	int i;

	ck_assert(!dpc_times_rate(&r, 100, 3, &rate));
	ck_assert_int_eq(rate.count, 0);
	/* bounded: the oldest goes */
	for (i = 0; i < DPC_TIMES_KEPT + 3; i++)
	{
		dpc_times_add(&r, 100 + i * 60);
	}
	ck_assert_int_eq(r.n, DPC_TIMES_KEPT);
	ck_assert_int_eq(r.at[0], 100 + 3 * 60);
	ck_assert(dpc_times_rate(&r, r.at[DPC_TIMES_KEPT - 1], 3, &rate));
	ck_assert_int_eq(rate.count, DPC_TIMES_KEPT);
	ck_assert_int_eq(rate.min_gap, 60);
	ck_assert_int_eq(rate.max_gap, 60);
	ck_assert_uint_eq(rate.per_hour, DPC_TIMES_KEPT * 3600 /
					  ((DPC_TIMES_KEPT - 1) * 60));
	/* only the last hour counts */
	ck_assert(!dpc_times_rate(&r, r.at[DPC_TIMES_KEPT - 3] + 3600, 3, &rate));
	ck_assert_int_eq(rate.count, 2);
	/* a corrupt count is refused, not read past the array */
	r.n = DPC_TIMES_KEPT + 1;
	ck_assert(!dpc_times_rate(&r, 1000, 3, &rate));
	dpc_times_add(&r, 5);
	ck_assert_int_eq(r.n, 1);
}
END_TEST

Suite *checks_suite(void)
{
	Suite *s = suite_create("checks");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_healthy);
	tcase_add_test(tc, test_narrowed_unprotected);
	tcase_add_test(tc, test_unprotected_cleartext_via_wan);
	tcase_add_test(tc, test_narrowed_but_covered);
	tcase_add_test(tc, test_narrowed_one_side_empty);
	tcase_add_test(tc, test_forwarding_disabled);
	tcase_add_test(tc, test_forwarding_not_needed_for_gateway_ts);
	tcase_add_test(tc, test_route_missing);
	tcase_add_test(tc, test_route_blackhole);
	tcase_add_test(tc, test_source_check_is_no_missing_route);
	tcase_add_test(tc, test_inbound_undeliverable);
	tcase_add_test(tc, test_keepalive);
	tcase_add_test(tc, test_dpd_off_behind_nat);
	tcase_add_test(tc, test_rekey_churn);
	tcase_add_test(tc, test_natt_port_blocked);
	tcase_add_test(tc, test_nat_mapping_changed);
	tcase_add_test(tc, test_times_history);
	tcase_add_test(tc, test_alerts);
	tcase_add_test(tc, test_alerts_closed);
	tcase_add_test(tc, test_disabled);
	tcase_add_test(tc, test_down_sa_ignored);
	suite_add_tcase(s, tc);
	return s;
}
