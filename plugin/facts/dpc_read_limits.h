/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_read_limits dpc_read_limits
 * @{ @ingroup dpc_facts
 *
 * What a reader of kernel state may spend: the round's budget, and the
 * size beyond which it gives up instead of reading on. Readers fail with
 * -ETIMEDOUT when the budget's deadline passed (or the kernel stopped
 * answering), -ECANCELED when it was aborted, -EFBIG beyond the sizes.
 */

#ifndef DPC_READ_LIMITS_H_
#define DPC_READ_LIMITS_H_

#include "model/dpc_budget.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** receive timeout of one read from a netlink socket, in milliseconds */
#define DPC_READ_TIMEOUT_MS 1000

/**
 * Limits of one read.
 */
typedef struct {
	/** stop when used up, NULL for no deadline */
	const dpc_budget_t *budget;
	/** most rules, set elements or SAs, 0 for no limit */
	uint32_t max_elements;
	/** most bytes the kernel returns, 0 for no limit */
	uint32_t max_bytes;
	/** rules, set elements or SAs read so far by the readers sharing these
	 *  limits (they count against the maximum together) */
	uint64_t elements;
	/** bytes read so far */
	uint64_t bytes;
} dpc_read_limits_t;

/**
 * dpc_budget_errno() of the budget of limits (NULL for none).
 */
static inline int dpc_read_limits_check(const dpc_read_limits_t *limits)
{
	return dpc_budget_errno(limits ? limits->budget : NULL);
}

/**
 * Would count more elements and len more bytes exceed the limits (NULL for
 * none)?
 */
static inline bool dpc_read_limits_exceeded(const dpc_read_limits_t *limits,
											uint64_t count, uint64_t len)
{
	return limits &&
		((limits->max_elements &&
		  limits->elements + count > limits->max_elements) ||
		 (limits->max_bytes && limits->bytes + len > limits->max_bytes));
}

/**
 * Count elements and bytes read (limits may be NULL).
 */
static inline void dpc_read_limits_add(dpc_read_limits_t *limits,
									   uint64_t count, uint64_t len)
{
	if (limits)
	{
		limits->elements += count;
		limits->bytes += len;
	}
}

#endif /** DPC_READ_LIMITS_H_ @}*/
