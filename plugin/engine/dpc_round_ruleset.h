/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_round_ruleset dpc_round_ruleset
 * @{ @ingroup dataplane_check
 *
 * What a round says about the netfilter ruleset it read, after the checks:
 * the gateway-wide finding when the ruleset was too large to judge, the
 * read errors in the log (once per change), and the TCP MSS clamp each
 * CHILD_SA's traffic meets, noted in its record.
 */

#ifndef DPC_ROUND_RULESET_H_
#define DPC_ROUND_RULESET_H_

#include "dpc_registry.h"
#include "checks/dpc_check.h"
#include "facts/kernel/dpc_nf_cache.h"

/**
 * Add the info finding ruleset-uncertain if the ruleset was too large to
 * read, so no netfilter check ran.
 *
 * @param nf			the ruleset cache of the round's facts
 * @param ctx			the round's check context (its findings)
 */
void dpc_round_ruleset_not_judged(dpc_nf_cache_t *nf, dpc_check_ctx_t *ctx);

/**
 * A clamp to note in a CHILD_SA's record.
 */
typedef struct {
	/** the CHILD_SA's unique id */
	uint32_t child_id;
	/** the clamp, as the record shows it */
	char mss[DPC_ALG_LEN];
} dpc_mss_note_t;

/**
 * Clamps found by a round, noted once it released its snapshot: a record
 * the snapshot holds would have to be copied to change.
 */
typedef struct {
	/** the clamps (dpc_bulk memory) */
	dpc_mss_note_t *notes;
	/** clamps in notes */
	int count;
	/** slots of notes */
	int size;
} dpc_mss_notes_t;

/**
 * Find which MSS clamp covers each CHILD_SA the round checked where its
 * record shows another: again for every one after the ruleset changed, else
 * only for those that have none noted yet.
 *
 * @param registry		the records (noted right away if out holds no more)
 * @param nf			the ruleset cache of the round's facts
 * @param generation	the ruleset generation the clamps were found in,
 *						updated
 * @param ctx			the round's check context
 * @param out			clamps to note, zeroed by the caller
 */
void dpc_round_find_mss(dpc_registry_t *registry, dpc_nf_cache_t *nf,
						uint64_t *generation, dpc_check_ctx_t *ctx,
						dpc_mss_notes_t *out);

/**
 * Note clamps in the records, and free them.
 *
 * @param registry		the records
 * @param notes			clamps of dpc_round_find_mss(), emptied
 */
void dpc_round_note_mss(dpc_registry_t *registry, dpc_mss_notes_t *notes);

/**
 * Log what could not be read of the ruleset, once per change of the error.
 *
 * @param nf			the ruleset cache
 * @param last			the error logged last, updated
 * @param len			size of last
 */
void dpc_round_nf_errors(dpc_nf_cache_t *nf, char *last, size_t len);

#endif /** DPC_ROUND_RULESET_H_ @}*/
