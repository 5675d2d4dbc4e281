/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_dirty dpc_dirty
 * @{ @ingroup dataplane_check
 *
 * Which tunnels a round checks again (pure, libc only, not locked).
 *
 * Kernel changes and the IKE_SAs whose records changed wait in bounded
 * lists (dpc_pending_t) until a round takes them; the round turns them into
 * the set of tunnels they concern (dpc_dirty_t), checks those and the gateway-wide questions only, and
 * merges its findings into the store within that scope, so the findings of
 * the other tunnels stay.
 */

#ifndef DPC_DIRTY_H_
#define DPC_DIRTY_H_

#include "dpc_change.h"
#include "dpc_finding.h"

/** most changes waiting for a round; more make it check every tunnel */
#define DPC_PENDING_MAX 256

/** most changed records waiting for a round; more make it check every
 *  tunnel */
#define DPC_PENDING_RECORDS 64

/**
 * Changes waiting for a round.
 */
typedef struct {
	/** the changes, oldest first */
	dpc_change_t changes[DPC_PENDING_MAX];
	/** number of changes */
	size_t count;
	/** unique ids of the IKE_SAs whose records changed */
	uint32_t records[DPC_PENDING_RECORDS];
	/** number of records */
	size_t n_records;
	/** every tunnel must be checked (a record changed, a full round was
	 *  asked for, or the list overflowed) */
	bool all;
} dpc_pending_t;

/**
 * Add a change (an overflow makes the round check every tunnel).
 */
void dpc_pending_add(dpc_pending_t *p, const dpc_change_t *c);

/**
 * Add an IKE_SA whose record changed (an IKE_SA or CHILD_SA event); 0 for
 * one not known, or an overflow, make the round check every tunnel.
 */
void dpc_pending_record(dpc_pending_t *p, uint32_t ike_id);

/**
 * Empty the list.
 */
void dpc_pending_reset(dpc_pending_t *p);

/**
 * The tunnels a round checks.
 */
typedef struct {
	/** one flag per tunnel of the round's snapshot, TRUE if checked */
	bool *flags;
	/** number of tunnels */
	int count;
	/** number of tunnels checked */
	int dirty;
	/** unique ids of the IKE_SAs checked, sorted */
	uint32_t *ids;
	/** every tunnel is checked */
	bool all;
} dpc_dirty_t;

/**
 * Work out the tunnels a round checks: those the kernel changes concern
 * (dpc_change_mark()), and for each changed record its tunnel and those
 * compared with it (coverage and overlap): of the same config, or with a
 * local or remote selector overlapping one of its own. A record missing
 * from the snapshot makes it check every tunnel.
 *
 * @param d			receives the set (dpc_dirty_clear() it)
 * @param p			the changes the round took (NULL: none)
 * @param tunnels	the round's snapshot
 * @param all		check every tunnel anyway
 * @param unmatched	incremented for each change that concerns no tunnel
 * @return			FALSE if out of memory (then every tunnel is checked)
 */
bool dpc_dirty_build(dpc_dirty_t *d, const dpc_pending_t *p,
					 const dpc_tunnels_t *tunnels, bool all,
					 uint64_t *unmatched);

/**
 * Did the round check a finding's subject? Gateway-wide findings are
 * always checked.
 */
bool dpc_dirty_in_scope(const dpc_dirty_t *d, const dpc_subject_t *subject);

/**
 * Free a set.
 */
void dpc_dirty_clear(dpc_dirty_t *d);

#endif /** DPC_DIRTY_H_ @}*/
