/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Tunnel records and a check context for tests of the checks: the lab's
 * gateway A (10.10.1.0/24 <-> 10.20.1.0/24, behind NAT, kernel-libipsec).
 */

#ifndef FIXTURE_TUNNEL_H_
#define FIXTURE_TUNNEL_H_

#include "checks/dpc_check.h"

/**
 * A test bed: settings, facts, one IKE_SA with one CHILD_SA, findings.
 */
typedef struct {
	dpc_settings_t settings;
	dpc_facts_t *facts;
	dpc_tunnels_t tunnels;
	dpc_findings_t findings;
	dpc_paths_t paths;
	dpc_check_ctx_t ctx;
} bed_t;

/**
 * Set up gateway A of the lab with a healthy tunnel: addresses, routes
 * (table 220 to 10.20.1.0/24 via ipsec0, default via wan), forwarding on.
 */
void bed_init(bed_t *bed);

/**
 * The IKE_SA and CHILD_SA of the bed.
 */
dpc_ike_rec_t *bed_ike(bed_t *bed);
dpc_child_rec_t *bed_child(bed_t *bed);

/**
 * Work out the paths on the bed's facts and run all checks (findings are
 * cleared first).
 */
void bed_run(bed_t *bed);

/**
 * Run a full round, then one round per tunnel that re-checks only it (as
 * an incremental round does, the others staying in the view), and assert
 * that each of these finds for its tunnel, and for the gateway, exactly
 * what the full round found (code, subject, discriminator, message). The
 * bed's findings are those of the full round afterwards.
 *
 * @return			number of findings of the full round
 */
int bed_assert_incremental(bed_t *bed);

/**
 * Find a finding by code, NULL if absent.
 */
dpc_finding_t *bed_find(bed_t *bed, const char *code);

/**
 * Whether a finding has evidence KEY whose value contains PART.
 */
bool bed_has_evidence(const dpc_finding_t *f, const char *key,
					  const char *part);

/**
 * Number of warning and error findings.
 */
int bed_problems(bed_t *bed);

/**
 * Replace a selector list with one parsed selector.
 */
void bed_set_ts(dpc_ts_list_t *list, const char *ts);

/**
 * Add a selector to a list.
 */
void bed_add_ts(dpc_ts_list_t *list, const char *ts);

/**
 * Make the bed's gateway dual stack, as the lab's gwA with LAB_IPV6=1: LAN
 * fd10::1/64 on lan, 2001:db8:a::2 on wan, the table 220 route to
 * 2001:db8:20::/64 via ipsec0, IPv6 forwarding on, and the CHILD_SA's
 * selectors 10.10.1.0/24,fd10::/64 <-> 10.20.1.0/24,2001:db8:20::/64.
 */
void bed_dual_stack(bed_t *bed);

/**
 * Free everything.
 */
void bed_free(bed_t *bed);

#endif /* FIXTURE_TUNNEL_H_ */
