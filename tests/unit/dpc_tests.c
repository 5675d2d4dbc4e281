/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_tests.h"

#include <stdlib.h>

int main(void)
{
	Suite *(*suites[])(void) = {
		ts_suite, store_suite, settings_suite, vici_msg_suite,
		rtnl_parse_suite, checks_suite, traffic_suite, report_suite,
		metrics_suite, nfsim_suite, nfsim_guard_suite, nf_checks_suite, firewalld_suite,
		nf_managers_suite, trace_suite,
		vici_frame_suite, socket_suite,
		budget_suite, xfrm_sad_suite, xfrm_spd_suite, policy_routing_suite,
		registry_suite, oom_suite, journal_suite, esp_mtu_suite, ipv6_suite,
		change_suite, bulk_suite, slab_suite, text_suite,
	};
	SRunner *sr;
	size_t i;
	int failed;

	sr = srunner_create(NULL);
	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
	{
		srunner_add_suite(sr, suites[i]());
	}
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
