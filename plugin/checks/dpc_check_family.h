/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_check_family dpc_check_family
 * @{ @ingroup dpc_check
 *
 * Check families, listed in one table the way libnftnl lists its
 * expression ops: each family file defines one descriptor with its entry
 * points, dpc_check_all() runs them. Adding a family is adding its file,
 * its declaration below and its line in the table.
 */

#ifndef DPC_CHECK_FAMILY_H_
#define DPC_CHECK_FAMILY_H_

#include "dpc_check.h"

/**
 * A family of checks: entry points per level, NULL where it has none.
 */
typedef struct {

	/** name of the family */
	const char *name;

	/**
	 * Gateway-wide checks.
	 *
	 * @param ctx		the check context
	 */
	void (*host)(dpc_check_ctx_t *ctx);

	/**
	 * Checks of an IKE_SA that is up.
	 *
	 * @param ctx		the check context
	 * @param ike		the IKE_SA
	 */
	void (*ike)(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike);

	/**
	 * TRUE if the child checks look at the packets of one family (the
	 * CHILD_SA's path, dpc_check_path()): they run once per family of the
	 * CHILD_SA's selectors, with ctx->family set.
	 */
	bool per_family;

	/**
	 * Checks of a CHILD_SA that is up, of an IKE_SA that is up.
	 *
	 * @param ctx		the check context
	 * @param ike		its IKE_SA
	 * @param child		the CHILD_SA
	 */
	void (*child)(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
				  const dpc_child_rec_t *child);

	/**
	 * Checks of an IKE_SA that went down, while its record is kept
	 * (keep_closed): what ended it, if that is worth reporting.
	 *
	 * @param ctx		the check context
	 * @param ike		the IKE_SA
	 */
	void (*closed)(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike);
} dpc_check_family_t;

/** nat-detected, keepalive-off, keepalive-slow */
extern const dpc_check_family_t dpc_check_family_natt;
/** ts-mismatch, child-install-failed, child-proposal-mismatch */
extern const dpc_check_family_t dpc_check_family_alerts;
/** ts-narrowed, ts-unprotected */
extern const dpc_check_family_t dpc_check_family_selectors;
/** forwarding-disabled, route-missing, inbound-undeliverable */
extern const dpc_check_family_t dpc_check_family_routing;
extern const dpc_check_family_t dpc_check_family_policy;
extern const dpc_check_family_t dpc_check_family_route_based;
extern const dpc_check_family_t dpc_check_family_holes;
extern const dpc_check_family_t dpc_check_family_rpfilter;
extern const dpc_check_family_t dpc_check_family_overlap;
/** traffic-one-way-out, traffic-one-way-in, traffic-none,
 *  traffic-stopped-after-rekey */
extern const dpc_check_family_t dpc_check_family_traffic;
extern const dpc_check_family_t dpc_check_family_rekey;
/** xfrm-policy-missing, xfrm-policy-shadowed, xfrm-state-missing,
 *  xfrm-errors */
extern const dpc_check_family_t dpc_check_family_xfrm;
/** iptables-mixed-backends */
extern const dpc_check_family_t dpc_check_family_nf_backends;
/** filter-blocks-ike (and ruleset-uncertain) */
extern const dpc_check_family_t dpc_check_family_nf_ike;
/** nat-rewrites-ike, nat-before-ipsec, nat-hides-source (and
 *  ruleset-uncertain) */
extern const dpc_check_family_t dpc_check_family_nf_nat;
/** filter-blocks-forward (and ruleset-uncertain) */
extern const dpc_check_family_t dpc_check_family_nf_forward;
/** filter-blocks-pmtu */
extern const dpc_check_family_t dpc_check_family_nf_pmtu;
/** mtu-blackhole-risk */
extern const dpc_check_family_t dpc_check_family_mtu;

/**
 * Every family, NULL-terminated. At each level (gateway, IKE_SA, CHILD_SA)
 * the families run in this order, which is the order of their findings.
 */
extern const dpc_check_family_t *const dpc_check_families[];

#endif /** DPC_CHECK_FAMILY_H_ @}*/
