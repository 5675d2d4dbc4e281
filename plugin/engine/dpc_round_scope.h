/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_round_scope dpc_round_scope
 * @{ @ingroup dataplane_check
 */

#ifndef DPC_ROUND_SCOPE_H_
#define DPC_ROUND_SCOPE_H_

#include "dpc_registry.h"
#include "facts/dpc_facts.h"
#include "facts/kernel/dpc_nf_cache.h"
#include "model/dpc_dirty.h"

typedef struct dpc_round_scope_t dpc_round_scope_t;

/**
 * The scope of the rounds (see dpc_dirty.h): the changes of records and of
 * the kernel that wait for the next round, the tunnels a round checks
 * because of them, the state kept between rounds to tell changes that no
 * notification announces (sysctls) and the rule and route dumps a round
 * may use again; with the counters of changes and rounds.
 *
 * record() and changed() come from bus hooks and the kernel watch, the
 * counters from reports; the rest is for the running round (one at a
 * time). Its lock is a leaf: the round may hold its own while calling.
 */
struct dpc_round_scope_t {

	/**
	 * Note a changed record: its tunnel, and those compared with it for
	 * coverage and overlap, are checked again.
	 *
	 * @param ike_id	unique id of the IKE_SA, 0 if not known
	 */
	void (*record)(dpc_round_scope_t *this, uint32_t ike_id);

	/**
	 * Note a change of the kernel.
	 *
	 * @param change	the change
	 */
	void (*changed)(dpc_round_scope_t *this, const dpc_change_t *change);

	/**
	 * Take the changes that wait and work out the tunnels a round checks;
	 * tell the round's facts whether they may use the rule and route dumps
	 * of the last round again.
	 *
	 * @param facts		the round's facts
	 * @param tunnels	the round's snapshot
	 * @param full		check every tunnel
	 * @param nf_generation	generation of the ruleset the last round judged
	 * @param dirty		receives the tunnels (dpc_dirty_clear() it)
	 */
	void (*find_dirty)(dpc_round_scope_t *this, dpc_facts_t *facts,
					   const dpc_tunnels_t *tunnels, bool full,
					   uint64_t nf_generation, dpc_dirty_t *dirty);

	/**
	 * Drop the changes that wait (a round that could not read the
	 * kernel).
	 */
	void (*drop_changes)(dpc_round_scope_t *this);

	/**
	 * Remember the sysctls a complete round read, to tell whether they
	 * changed by the next one.
	 *
	 * @param facts		the round's facts
	 */
	void (*remember_sysctls)(dpc_round_scope_t *this, dpc_facts_t *facts);

	/**
	 * Count a complete round.
	 *
	 * @param dirty		the tunnels it checked
	 */
	void (*count_round)(dpc_round_scope_t *this, const dpc_dirty_t *dirty);

	/**
	 * Did a round look at a finding's subject (it checked it, or the
	 * subject is gone)? For dpc_store_merge_scope().
	 *
	 * @param dirty		the tunnels the round checked, NULL: all
	 * @param subject	the finding's subject
	 * @return			TRUE if its findings resolve when the round lacks
	 *					them
	 */
	bool (*in_scope)(dpc_round_scope_t *this, const dpc_dirty_t *dirty,
					 const dpc_subject_t *subject);

	/**
	 * Get the counters of kernel changes and rounds.
	 */
	void (*get_stats)(dpc_round_scope_t *this, dpc_change_stats_t *stats);

	/**
	 * Say whether the kernel is watched: only then may a round use the
	 * dumps of the last one again.
	 */
	void (*set_watching)(dpc_round_scope_t *this, bool watching);

	/**
	 * Destroy the scope.
	 */
	void (*destroy)(dpc_round_scope_t *this);
};

/**
 * The tunnels of a snapshot that a round checks (references borrowed from
 * the snapshot: free only sub->ikes, with dpc_bulk_free(); NULL if all are
 * checked).
 *
 * @param tunnels	the round's snapshot
 * @param dirty		the tunnels it checks
 * @param sub		receives those tunnels
 */
void dpc_round_scope_view(const dpc_tunnels_t *tunnels,
						  const dpc_dirty_t *dirty, dpc_tunnels_t *sub);

/**
 * Create the scope of the rounds.
 *
 * @param registry	the records (to tell subjects that are gone)
 * @param nf		the rounds' ruleset cache (its generation tells a change)
 * @return			the scope, NULL if out of memory
 */
dpc_round_scope_t *dpc_round_scope_create(dpc_registry_t *registry,
										  dpc_nf_cache_t *nf);

#endif /** DPC_ROUND_SCOPE_H_ @}*/
