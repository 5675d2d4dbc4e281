/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Suites of the unit test runner, one per test file.
 */

#ifndef DPC_TESTS_H_
#define DPC_TESTS_H_

#include <check.h>

Suite *ts_suite(void);
Suite *nfsim_guard_suite(void);
Suite *esp_mtu_suite(void);
Suite *store_suite(void);
Suite *settings_suite(void);
Suite *vici_msg_suite(void);
Suite *rtnl_parse_suite(void);
Suite *policy_routing_suite(void);
Suite *checks_suite(void);
Suite *traffic_suite(void);
Suite *report_suite(void);
Suite *metrics_suite(void);
Suite *nfsim_suite(void);
Suite *nf_checks_suite(void);
Suite *firewalld_suite(void);
Suite *nf_managers_suite(void);
Suite *trace_suite(void);
Suite *vici_frame_suite(void);
Suite *socket_suite(void);
Suite *budget_suite(void);
Suite *xfrm_sad_suite(void);
Suite *xfrm_spd_suite(void);
Suite *registry_suite(void);
Suite *oom_suite(void);
Suite *journal_suite(void);
Suite *ipv6_suite(void);
Suite *change_suite(void);
Suite *bulk_suite(void);
Suite *slab_suite(void);
Suite *text_suite(void);

#endif /* DPC_TESTS_H_ */
