/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_budget.h"

#include <errno.h>
#include <stddef.h>
#include <time.h>

uint64_t dpc_budget_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void dpc_budget_start(dpc_budget_t *budget, int *abort, uint32_t ms)
{
	budget->abort = abort;
	budget->deadline_ms = ms ? dpc_budget_now_ms() + ms : 0;
}

void dpc_budget_sub(dpc_budget_t *budget, const dpc_budget_t *parent,
					uint32_t ms)
{
	dpc_budget_start(budget, parent ? parent->abort : NULL, ms);
	if (parent && parent->deadline_ms &&
		(!budget->deadline_ms || parent->deadline_ms < budget->deadline_ms))
	{
		budget->deadline_ms = parent->deadline_ms;
	}
}

dpc_budget_state_t dpc_budget_state(const dpc_budget_t *budget)
{
	if (!budget)
	{
		return DPC_BUDGET_LEFT;
	}
	if (budget->abort && __atomic_load_n(budget->abort, __ATOMIC_ACQUIRE))
	{
		return DPC_BUDGET_ABORTED;
	}
	if (budget->deadline_ms && dpc_budget_now_ms() >= budget->deadline_ms)
	{
		return DPC_BUDGET_EXPIRED;
	}
	return DPC_BUDGET_LEFT;
}

bool dpc_budget_over(const dpc_budget_t *budget)
{
	return dpc_budget_state(budget) != DPC_BUDGET_LEFT;
}

int dpc_budget_errno(const dpc_budget_t *budget)
{
	switch (dpc_budget_state(budget))
	{
		case DPC_BUDGET_ABORTED:
			return -ECANCELED;
		case DPC_BUDGET_EXPIRED:
			return -ETIMEDOUT;
		default:
			return 0;
	}
}

uint32_t dpc_budget_left_ms(const dpc_budget_t *budget)
{
	uint64_t now;

	if (dpc_budget_over(budget))
	{
		return 0;
	}
	if (!budget || !budget->deadline_ms)
	{
		return UINT32_MAX;
	}
	now = dpc_budget_now_ms();
	if (budget->deadline_ms - now > UINT32_MAX)
	{
		return UINT32_MAX;
	}
	return (uint32_t)(budget->deadline_ms - now);
}

void dpc_budget_raise(int *abort)
{
	__atomic_store_n(abort, 1, __ATOMIC_RELEASE);
}

bool dpc_budget_over_cb(void *ctx)
{
	return dpc_budget_over(ctx);
}
