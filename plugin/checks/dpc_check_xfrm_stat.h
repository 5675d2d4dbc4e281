/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_check_xfrm_stat dpc_check_xfrm_stat
 * @{ @ingroup dpc_check
 *
 * The kernel's XFRM drop counters (/proc/net/xfrm_stat) for the XFRM
 * checks: a growing counter is reported on the CHILD_SAs whose SPD and SAD
 * facts explain it, gateway-wide if none does.
 */

#ifndef DPC_CHECK_XFRM_STAT_H_
#define DPC_CHECK_XFRM_STAT_H_

#include "dpc_check.h"

/**
 * What the SPD and SAD say about one CHILD_SA, for tying counters to it.
 */
typedef struct {
	/** the outbound SA is missing */
	bool out_sa_missing;
	/** the inbound SA is missing */
	bool in_sa_missing;
	/** an in or fwd policy is missing */
	bool in_pol_missing;
	/** an out policy is missing */
	bool out_pol_missing;
	/** outbound traffic is taken by a block policy */
	bool out_blocked;
	/** inbound traffic is taken by a block policy */
	bool in_blocked;
	/** an in or fwd policy's templates do not have the CHILD_SA's mode */
	bool in_tmpl_mismatch;
} dpc_check_xfrm_child_t;

/**
 * One CHILD_SA's facts, for tying counters.
 */
typedef struct {
	/** its IKE_SA */
	const dpc_ike_rec_t *ike;
	/** the CHILD_SA */
	const dpc_child_rec_t *child;
	/** what the SPD and SAD say about it */
	dpc_check_xfrm_child_t cx;
	/** not re-checked this round: ties, but reports nothing */
	bool muted;
} dpc_check_xfrm_tie_t;

/**
 * Does a counter grow that a CHILD_SA's facts may be tied to? Then the
 * XFRM checks look at the CHILD_SAs an incremental round does not re-check
 * too (muted).
 *
 * @param ctx		the check context
 * @return			TRUE if a counter grows within the traffic window
 */
bool dpc_check_xfrm_ties_needed(dpc_check_ctx_t *ctx);

/**
 * Report the counters that grow (xfrm-errors), each on the CHILD_SAs it
 * ties to, gateway-wide if it ties to none.
 *
 * @param ctx		the check context
 * @param ties		the CHILD_SAs checked, with their facts
 * @param n			number of entries in ties
 */
void dpc_check_xfrm_counters(dpc_check_ctx_t *ctx,
							 const dpc_check_xfrm_tie_t *ties, int n);

#endif /** DPC_CHECK_XFRM_STAT_H_ @}*/
