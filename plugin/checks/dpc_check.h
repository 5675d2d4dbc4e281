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
 * findings, one file per family, listed in one table
 * (dpc_check_family.h). No charon, no sockets: everything they know comes
 * through dpc_check_ctx_t.
 */

#ifndef DPC_CHECK_H_
#define DPC_CHECK_H_

#include "model/dpc_record.h"
#include "model/dpc_finding.h"
#include "model/dpc_settings.h"
#include "facts/dpc_facts.h"
#include "facts/dpc_path.h"

typedef struct dpc_check_index_t dpc_check_index_t;

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
	/** the paths of the tunnels' CHILD_SAs (dpc_paths_build() on facts and
	 *  tunnels); checks needing the path of a CHILD_SA that has none skip
	 *  it */
	const dpc_paths_t *paths;
	/** family of the path the child checks of a per-family check family
	 *  look at (AF_INET, AF_INET6), 0 outside them */
	uint8_t family;
	/** monotonic time of the round */
	time_t now;
	/** one flag per tunnel of tunnels: the tunnels dpc_check_all() checks
	 *  (the others stay in tunnels for coverage and overlap questions);
	 *  NULL: all of them */
	const bool *recheck;
	/** set by a gateway-wide check while it looks at a tunnel that
	 *  recheck leaves out: its facts count for gateway-wide judgements,
	 *  its findings stay in the store (dpc_check_add() returns NULL) */
	bool muted;
	/** where findings go */
	dpc_findings_t *out;
	/** what the checks ask about all tunnels, indexed once per round
	 *  (dpc_check_index.h); NULL until first used, freed by
	 *  dpc_check_all() */
	dpc_check_index_t *index;
} dpc_check_ctx_t;

/**
 * Run every family of checks (dpc_check_family.h) on the gateway, then on
 * every IKE_SA that is up and its CHILD_SAs that are up (of those flagged
 * in ctx->recheck, if set); findings are appended to ctx->out (codes in
 * settings->disable are skipped).
 *
 * @param ctx		the check context
 */
void dpc_check_all(dpc_check_ctx_t *ctx);

/**
 * The path of a CHILD_SA, worked out before the checks ran: of the family
 * the per-family checks look at (ctx->family), else its first.
 *
 * @param ctx		the check context
 * @param ike		the IKE_SA of the CHILD_SA
 * @param child		the CHILD_SA
 * @return			the path, NULL if none was worked out for it
 */
const dpc_path_t *dpc_check_path(dpc_check_ctx_t *ctx,
								 const dpc_ike_rec_t *ike,
								 const dpc_child_rec_t *child);

/**
 * Start a finding about a CHILD_SA (NULL child: about the IKE_SA), unless
 * its code is disabled. In a per-family check of IPv6 packets the
 * discriminator is "ipv6", so the IPv4 and IPv6 findings of one code on a
 * dual-stack CHILD_SA are two findings (set it with dpc_check_discrim()).
 *
 * @param ctx		the check context
 * @param code		the finding's code
 * @param severity	its severity
 * @param ike		the IKE_SA it is about, NULL for the gateway
 * @param child		the CHILD_SA it is about, NULL for the IKE_SA
 * @return			the finding to fill in, NULL if disabled or out of memory
 */
dpc_finding_t *dpc_check_add(dpc_check_ctx_t *ctx, const char *code,
							 dpc_severity_t severity,
							 const dpc_ike_rec_t *ike,
							 const dpc_child_rec_t *child);

/**
 * Set the discriminator of a finding, keeping the family apart (see
 * dpc_check_add()): "what", or "what ipv6" in a per-family check of IPv6.
 *
 * @param ctx		the check context
 * @param f			the finding
 * @param what		what tells it apart from others of its code
 */
void dpc_check_discrim(dpc_check_ctx_t *ctx, dpc_finding_t *f,
					   const char *what);

#endif /** DPC_CHECK_H_ @}*/
