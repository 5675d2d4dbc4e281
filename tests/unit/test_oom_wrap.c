/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "test_oom_wrap.h"

#include <stdlib.h>

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *ptr, size_t size);
void __real_free(void *ptr);

void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *ptr, size_t size);
void __wrap_free(void *ptr);

/* atomics: threads of the engine tests allocate too */
static unsigned long fail_at, calls, failures;
static bool sticky_fail, paused;
static long live;

#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_SEQ_CST)
#define STORE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_SEQ_CST)
#define ADD(x, v) __atomic_add_fetch(&(x), (v), __ATOMIC_SEQ_CST)

void oom_arm(unsigned long nth, bool sticky)
{
	STORE(fail_at, 0);
	STORE(calls, 0);
	STORE(failures, 0);
	STORE(sticky_fail, sticky);
	STORE(fail_at, nth);
}

void oom_disarm(void)
{
	STORE(fail_at, 0);
}

void oom_pause(bool pause)
{
	STORE(paused, pause);
}

unsigned long oom_calls(void)
{
	return LOAD(calls);
}

unsigned long oom_failures(void)
{
	return LOAD(failures);
}

long oom_live(void)
{
	return LOAD(live);
}

/**
 * Count a block that was allocated (n = 1) or freed (n = -1).
 */
static void count_live(long n)
{
	if (!LOAD(paused))
	{
		ADD(live, n);
	}
}

/**
 * Count an allocation; should it fail?
 */
static bool fail_now(void)
{
	unsigned long n, at;

	if (LOAD(paused))
	{
		return false;
	}
	n = ADD(calls, 1);
	at = LOAD(fail_at);
	if (at && (n == at || (LOAD(sticky_fail) && n > at)))
	{
		ADD(failures, 1);
		return true;
	}
	return false;
}

void *__wrap_malloc(size_t size)
{
	void *ptr;

	if (fail_now())
	{
		return NULL;
	}
	ptr = __real_malloc(size);
	if (ptr)
	{
		count_live(1);
	}
	return ptr;
}

void *__wrap_calloc(size_t n, size_t size)
{
	void *ptr;

	if (fail_now())
	{
		return NULL;
	}
	ptr = __real_calloc(n, size);
	if (ptr)
	{
		count_live(1);
	}
	return ptr;
}

void *__wrap_realloc(void *ptr, size_t size)
{
	void *grown;

	if (fail_now())
	{
		return NULL;
	}
	grown = __real_realloc(ptr, size);
	if (grown && !ptr)
	{
		count_live(1);
	}
	return grown;
}

void __wrap_free(void *ptr)
{
	if (ptr)
	{
		count_live(-1);
	}
	__real_free(ptr);
}
