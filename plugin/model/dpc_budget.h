/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_budget dpc_budget
 * @{ @ingroup dataplane_check
 *
 * How long a round may still run (pure, libc only): a wall clock deadline
 * and an abort flag that another thread raises when charon shuts down.
 * The kernel readers check it between messages, the simulator between
 * rules, so neither a huge ruleset nor a slow kernel keeps a round (and
 * with it charon's shutdown) waiting.
 */

#ifndef DPC_BUDGET_H_
#define DPC_BUDGET_H_

#include <stdbool.h>
#include <stdint.h>

/**
 * Why a budget is used up.
 */
typedef enum {
	/** it is not */
	DPC_BUDGET_LEFT = 0,
	/** the deadline passed */
	DPC_BUDGET_EXPIRED,
	/** the abort flag was raised */
	DPC_BUDGET_ABORTED,
} dpc_budget_state_t;

/**
 * A deadline and an abort flag.
 */
typedef struct {
	/** raised (non-zero) by another thread to stop at once, NULL if none;
	 *  read and written with atomic builtins */
	int *abort;
	/** CLOCK_MONOTONIC milliseconds after which it is used up, 0: never */
	uint64_t deadline_ms;
} dpc_budget_t;

/**
 * Monotonic clock in milliseconds.
 */
uint64_t dpc_budget_now_ms(void);

/**
 * Start a budget of ms milliseconds from now (0: no deadline).
 *
 * @param abort		the abort flag, NULL for none
 */
void dpc_budget_start(dpc_budget_t *budget, int *abort, uint32_t ms);

/**
 * A budget that ends at most ms milliseconds from now, and with its parent.
 */
void dpc_budget_sub(dpc_budget_t *budget, const dpc_budget_t *parent,
					uint32_t ms);

/**
 * Is the budget used up, and why? A NULL budget never is.
 */
dpc_budget_state_t dpc_budget_state(const dpc_budget_t *budget);

/**
 * Is the budget used up (deadline passed or abort raised)?
 */
bool dpc_budget_over(const dpc_budget_t *budget);

/**
 * 0 while the budget (NULL for none) lasts, else the negative errno to fail
 * with: -ETIMEDOUT once its deadline passed, -ECANCELED once aborted.
 */
int dpc_budget_errno(const dpc_budget_t *budget);

/**
 * Milliseconds left, 0 if used up, UINT32_MAX without a deadline.
 */
uint32_t dpc_budget_left_ms(const dpc_budget_t *budget);

/**
 * Raise an abort flag (from any thread).
 */
void dpc_budget_raise(int *abort);

/**
 * dpc_budget_over() as a callback, for the simulator (ctx: the budget).
 */
bool dpc_budget_over_cb(void *ctx);

#endif /** DPC_BUDGET_H_ @}*/
