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
 * Note in the records which MSS clamp covers each CHILD_SA the round
 * checked: again for every one after the ruleset changed, else only for
 * those that have none noted yet.
 *
 * @param registry		the records
 * @param nf			the ruleset cache of the round's facts
 * @param generation	the ruleset generation the clamps were found in,
 *						updated
 * @param ctx			the round's check context
 */
void dpc_round_note_mss(dpc_registry_t *registry, dpc_nf_cache_t *nf,
						uint64_t *generation, dpc_check_ctx_t *ctx);

/**
 * Log what could not be read of the ruleset, once per change of the error.
 *
 * @param nf			the ruleset cache
 * @param last			the error logged last, updated
 * @param len			size of last
 */
void dpc_round_nf_errors(dpc_nf_cache_t *nf, char *last, size_t len);

#endif /** DPC_ROUND_RULESET_H_ @}*/
