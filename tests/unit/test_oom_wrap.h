/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * An allocation wrapper for tests: the test binaries are linked with
 * -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free, so every
 * allocation of the code linked into them (not of shared libraries) goes
 * through here. It counts allocations and live blocks, and fails the Nth
 * allocation (or every one from the Nth on) when armed. Unarmed it only
 * counts.
 */

#ifndef TEST_OOM_WRAP_H_
#define TEST_OOM_WRAP_H_

#include <stdbool.h>
#include <stddef.h>

/**
 * Fail the nth allocation from now on (1 = the next one); with sticky,
 * every later one fails too. 0: fail none (only count).
 */
void oom_arm(unsigned long nth, bool sticky);

/**
 * Stop failing; counting goes on.
 */
void oom_disarm(void);

/**
 * Pause (or resume) counting and failing, e.g. while a test checks
 * (libcheck allocates for its assertions); what is allocated while paused
 * must be freed while paused.
 */
void oom_pause(bool pause);

/**
 * Allocations (malloc, calloc, realloc) since the last oom_arm().
 */
unsigned long oom_calls(void);

/**
 * Allocations that were made to fail since the last oom_arm().
 */
unsigned long oom_failures(void);

/**
 * Blocks allocated and not freed (by the wrapped code) since the start.
 */
long oom_live(void);

#endif /* TEST_OOM_WRAP_H_ */
