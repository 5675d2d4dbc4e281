/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_nf_cache dpc_nf_cache
 * @{ @ingroup dpc_facts
 */

#ifndef DPC_NF_CACHE_H_
#define DPC_NF_CACHE_H_

#include "model/dpc_budget.h"
#include "nfsim/nfsim.h"

typedef struct dpc_nf_cache_t dpc_nf_cache_t;

/**
 * The live netfilter ruleset, read again only when it changed: the
 * nftables generation id and a signature of the iptables-legacy tables
 * are compared first, which costs one netlink request and a getsockopt()
 * per table instead of reading thousands of rules every round.
 *
 * Not thread safe: used by one check round at a time.
 */
struct dpc_nf_cache_t {

	/**
	 * Get the current ruleset. Reading stops when the budget is used up,
	 * and the ruleset is not read at all while it exceeds the limits
	 * (set_limits()); evaluations of the ruleset stop when the budget is
	 * used up, until the next get().
	 *
	 * @param budget	what reading and evaluating may spend, NULL for no
	 *					limit; must stay valid until the next get()
	 * @return			finalized ruleset, valid until the next get() or
	 *					destroy(); NULL if it could not be read, is too
	 *					large, or the budget ran out
	 */
	const nfsim_ruleset_t *(*get)(dpc_nf_cache_t *this,
								  const dpc_budget_t *budget);

	/**
	 * Set the size beyond which the ruleset is not read (0: no limit).
	 *
	 * @param max_elements	rules and set elements of all backends
	 * @param max_bytes		bytes the kernel returns for them
	 */
	void (*set_limits)(dpc_nf_cache_t *this, uint32_t max_elements,
					   uint32_t max_bytes);

	/**
	 * Did the last get() find the ruleset larger than the limits?
	 */
	bool (*too_large)(dpc_nf_cache_t *this);

	/**
	 * A number that changes whenever get() read the ruleset again.
	 */
	uint64_t (*get_generation)(dpc_nf_cache_t *this);

	/**
	 * Why the last get() returned NULL, or what it could not read of the
	 * ruleset (e.g. "iptables-legacy: permission denied"); empty if all
	 * was read.
	 */
	const char *(*get_error)(dpc_nf_cache_t *this);

	/**
	 * Destroy the cache and the ruleset.
	 */
	void (*destroy)(dpc_nf_cache_t *this);
};

/**
 * Create an empty cache; nothing is read before the first get().
 */
dpc_nf_cache_t *dpc_nf_cache_create(void);

#endif /** DPC_NF_CACHE_H_ @}*/
