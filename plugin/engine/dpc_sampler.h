/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_sampler dpc_sampler
 * @{ @ingroup dataplane_check
 */

#ifndef DPC_SAMPLER_H_
#define DPC_SAMPLER_H_

#include "dpc_registry.h"
#include "facts/dpc_facts.h"
#include "model/dpc_budget.h"

typedef struct dpc_sampler_t dpc_sampler_t;

/**
 * CHILD_SAs whose counters a round asks kernel-libipsec for. Each query is
 * a linear search of libipsec's list of SAs, so asking for all of them is
 * quadratic in tunnels; beyond this many, rounds take turns (in order of
 * unique id, starting after the last one sampled), so a round costs at
 * most this many queries per direction, and each CHILD_SA is sampled every
 * ceil(CHILD_SAs / DPC_SAMPLER_LIBIPSEC_MAX) rounds. The traffic checks
 * work on the samples' own times, so a CHILD_SA sampled less often is
 * judged later, never on counters of different ages.
 */
#define DPC_SAMPLER_LIBIPSEC_MAX 1000

/**
 * What one sampling did.
 */
typedef struct {
	/** installed CHILD_SAs found in charon's table */
	int children;
	/** CHILD_SAs sampled */
	int sampled;
	/** CHILD_SAs not sampled this round: the time cap was reached */
	int not_sampled;
	/** CHILD_SAs left to a later round: under kernel-libipsec, rounds take
	 *  turns beyond DPC_SAMPLER_LIBIPSEC_MAX CHILD_SAs */
	int deferred;
	/** the time cap stopped the enumeration (more may not be counted) */
	bool capped;
	/** SAs not found in the kernel (their last counters were kept) */
	int missing;
	/** errno of reading the SAD, 0 if it was read or not needed */
	int sad_errno;
} dpc_sample_stats_t;

/**
 * Samples the traffic counters of every installed CHILD_SA, never calling
 * the kernel while charon's IKE_SA table is held.
 */
struct dpc_sampler_t {

	/**
	 * Sample the counters of every installed CHILD_SA.
	 *
	 * @param dataplane	how ESP is handled
	 * @param facts		the round's facts (the SAD of kernel-netlink), NULL
	 *					if they could not be read
	 * @param budget	sampling stops when it is used up: the CHILD_SAs
	 *					left are not sampled this round
	 * @param samples	receives an allocated array of samples (free it with
	 *					dpc_bulk_free())
	 * @param stats		receives what was done
	 * @return			number of samples
	 */
	int (*sample)(dpc_sampler_t *this, dpc_dataplane_t dataplane,
				  dpc_facts_t *facts, const dpc_budget_t *budget,
				  dpc_child_sample_t **samples, dpc_sample_stats_t *stats);

	/**
	 * Destroy the sampler.
	 */
	void (*destroy)(dpc_sampler_t *this);
};

/**
 * Create a sampler.
 */
dpc_sampler_t *dpc_sampler_create(void);

#endif /** DPC_SAMPLER_H_ @}*/
