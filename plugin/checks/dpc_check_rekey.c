/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_check.h"
#include "dpc_check_family.h"

#include <inttypes.h>
#include <stdio.h>

/** rekeys a rate needs before it is trusted: one or two quick rekeys are
 *  a collision or a manual rekey, not churn */
#define CHURN_MIN_REKEYS 3

/**
 * Whether an SA's lineage rekeys faster than rekey_churn allows.
 */
static bool churning(dpc_check_ctx_t *ctx, const dpc_times_t *history,
					 dpc_times_rate_t *rate)
{
	return dpc_times_rate(history, ctx->now, CHURN_MIN_REKEYS, rate) &&
		   rate->per_hour > ctx->settings->rekey_churn;
}

/**
 * The evidence both kinds of SAs share.
 */
static void churn_evidence(dpc_check_ctx_t *ctx, dpc_finding_t *f,
						   const dpc_times_rate_t *rate)
{
	dpc_finding_evidence(f, "rekeys", "%d in the last %llds", rate->count,
						 (long long)rate->span);
	dpc_finding_evidence(f, "rate", "%u/h", rate->per_hour);
	if (rate->count > 1)
	{
		dpc_finding_evidence(f, "interval", "%lld-%llds",
							 (long long)rate->min_gap,
							 (long long)rate->max_gap);
	}
	dpc_finding_evidence(f, "rekey_churn", "%u/h",
						 ctx->settings->rekey_churn);
}

/**
 * rekey-churn of a CHILD_SA: every rekey is a moment where a collision, a
 * lost delete or a proposal change can break the data plane.
 */
static void child_churn(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						const dpc_child_rec_t *child)
{
	dpc_times_rate_t rate;
	dpc_finding_t *f;

	if (!churning(ctx, &child->rekey_history, &rate))
	{
		return;
	}
	f = dpc_check_add(ctx, "rekey-churn", DPC_WARNING, ike, child);
	if (!f)
	{
		return;
	}
	dpc_finding_message(f, "the CHILD_SA rekeys about %u times an hour (%d "
						"rekeys in %llds), more than the %u/h rekey_churn "
						"allows: each rekey risks a collision or a lost SA",
						rate.per_hour, rate.count, (long long)rate.span,
						ctx->settings->rekey_churn);
	churn_evidence(ctx, f, &rate);
	dpc_finding_evidence(f, "rekey_time", "%" PRIu64 "s",
						 child->cfg_rekey_time);
	if (child->cfg_rekey_bytes || child->cfg_rekey_packets)
	{
		dpc_finding_evidence(f, "rekey_volume", "%" PRIu64 " bytes, %"
							 PRIu64 " packets", child->cfg_rekey_bytes,
							 child->cfg_rekey_packets);
	}
	if (child->cfg_rekey_time > 2 * (uint64_t)rate.max_gap &&
		!child->cfg_rekey_bytes && !child->cfg_rekey_packets)
	{	/* far faster than our own timer (jitter only shortens it): the
		 * peer's lifetime drives them */
		dpc_finding_hint(f, "the rekeys come far faster than this side's "
						 "rekey_time (%" PRIu64 "s), so the peer starts them: "
						 "raise the peer's rekey_time/lifetime (or "
						 "rekey_bytes/rekey_packets) of this CHILD_SA "
						 "(children.%s)", child->cfg_rekey_time, child->name);
	}
	else
	{
		dpc_finding_hint(f, "raise rekey_time (now %" PRIu64 "s; strongSwan's "
						 "default is 1h) and any rekey_bytes/rekey_packets "
						 "of children.%s in swanctl.conf, then swanctl "
						 "--load-conns; check the peer's lifetime too",
						 child->cfg_rekey_time, child->name);
	}
}

/**
 * rekey-churn of an IKE_SA.
 */
static void ike_churn(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike)
{
	dpc_times_rate_t rate;
	dpc_finding_t *f;

	if (!churning(ctx, &ike->rekey_history, &rate))
	{
		return;
	}
	f = dpc_check_add(ctx, "rekey-churn", DPC_WARNING, ike, NULL);
	if (!f)
	{
		return;
	}
	dpc_finding_message(f, "the IKE_SA rekeys about %u times an hour (%d "
						"rekeys in %llds), more than the %u/h rekey_churn "
						"allows", rate.per_hour, rate.count,
						(long long)rate.span, ctx->settings->rekey_churn);
	churn_evidence(ctx, f, &rate);
	dpc_finding_evidence(f, "rekey_time", "%us", ike->cfg_rekey_time);
	if (ike->cfg_reauth_time)
	{
		dpc_finding_evidence(f, "reauth_time", "%us", ike->cfg_reauth_time);
	}
	dpc_finding_hint(f, "raise rekey_time of connections.%s in swanctl.conf "
					 "(now %us; strongSwan's default is 4h) and check the "
					 "peer's IKE lifetime, then swanctl --load-conns",
					 ike->name, ike->cfg_rekey_time);
}

/**
 * rekey-churn: per IKE_SA and per CHILD_SA.
 */
const dpc_check_family_t dpc_check_family_rekey = {
	.name = "rekey",
	.ike = ike_churn,
	.child = child_churn,
};
