/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_check dpc_check
 * @{ @ingroup dataplane_check
 *
 * The checks: pure functions from tunnel records and system facts to
 * findings, one file per family. No charon, no sockets: everything they
 * know comes through dpc_check_ctx_t.
 */

#ifndef DPC_CHECK_H_
#define DPC_CHECK_H_

#include "../dpc_record.h"
#include "../dpc_finding.h"
#include "../dpc_settings.h"
#include "../facts/dpc_facts.h"

/**
 * What a check sees.
 */
typedef struct {
	/** validated settings */
	const dpc_settings_t *settings;
	/** system facts of this round */
	dpc_facts_t *facts;
	/** every tracked tunnel (for coverage and overlap questions) */
	const dpc_tunnels_t *tunnels;
	/** monotonic time of the round */
	time_t now;
	/** where findings go */
	dpc_findings_t *out;
} dpc_check_ctx_t;

/**
 * Run every check on every tracked tunnel; findings are appended to
 * ctx->out (codes in settings->disable are skipped).
 */
void dpc_check_all(dpc_check_ctx_t *ctx);

/**
 * nat-detected, keepalive-off, keepalive-slow (per IKE_SA).
 */
void dpc_check_natt(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike);

/**
 * ts-mismatch, child-install-failed, child-proposal-mismatch (per IKE_SA,
 * from recorded alerts).
 */
void dpc_check_alerts(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike);

/**
 * ts-narrowed, ts-unprotected (per CHILD_SA).
 */
void dpc_check_selectors(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						 const dpc_child_rec_t *child);

/**
 * forwarding-disabled, route-missing, inbound-undeliverable (per CHILD_SA).
 */
void dpc_check_routing(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
					   const dpc_child_rec_t *child);

/**
 * traffic-one-way-out, traffic-one-way-in, traffic-none,
 * traffic-stopped-after-rekey (per CHILD_SA).
 */
void dpc_check_traffic(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
					   const dpc_child_rec_t *child);

/**
 * iptables-mixed-backends (gateway-wide).
 */
void dpc_check_netfilter_host(dpc_check_ctx_t *ctx);

/**
 * filter-blocks-ike, nat-rewrites-ike (per IKE_SA).
 */
void dpc_check_netfilter_ike(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike);

/**
 * nat-before-ipsec, nat-hides-source, filter-blocks-forward,
 * filter-blocks-pmtu, ruleset-uncertain (per CHILD_SA).
 */
void dpc_check_netfilter(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						 const dpc_child_rec_t *child);

/**
 * Start a finding about a CHILD_SA (NULL child: about the IKE_SA), unless
 * its code is disabled.
 *
 * @return			the finding to fill in, NULL if disabled or out of memory
 */
dpc_finding_t *dpc_check_add(dpc_check_ctx_t *ctx, const char *code,
							 dpc_severity_t severity,
							 const dpc_ike_rec_t *ike,
							 const dpc_child_rec_t *child);

#endif /** DPC_CHECK_H_ @}*/
