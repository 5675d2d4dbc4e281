/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_sysctl_cache dpc_sysctl_cache
 * @{ @ingroup dpc_facts
 *
 * Integer sysctls of a round, each read from /proc/sys at most once. Paths
 * are relative to /proc/sys, at most 127 bytes, without empty, "." or ".."
 * components or whitespace; a value must be one integer.
 */

#ifndef DPC_SYSCTL_CACHE_H_
#define DPC_SYSCTL_CACHE_H_

#include <stdbool.h>
#include <stddef.h>

typedef struct dpc_sysctl_cache_t dpc_sysctl_cache_t;

/**
 * Sysctls of a round.
 */
struct dpc_sysctl_cache_t {

	/**
	 * Value of an integer sysctl (e.g. "net/ipv4/ip_forward").
	 *
	 * @param path		path below /proc/sys
	 * @param value		receives the value
	 * @return			FALSE if the path is refused, unreadable or not
	 *					one integer
	 */
	bool (*get)(dpc_sysctl_cache_t *this, const char *path, int *value);

	/**
	 * The i-th sysctl read so far, so a caller can read the same ones again
	 * in a later round and see whether they changed.
	 *
	 * @param i			index, from 0
	 * @param path		receives the path (valid as long as the cache)
	 * @param value		receives its value (0 if unreadable)
	 * @param ok		receives whether it was readable
	 * @return			FALSE if fewer than i + 1 were read
	 */
	bool (*at)(dpc_sysctl_cache_t *this, size_t i, const char **path,
			   int *value, bool *ok);

	/**
	 * Destroy the cache.
	 */
	void (*destroy)(dpc_sysctl_cache_t *this);
};

/**
 * Create the sysctls of a round.
 *
 * @return				the cache
 */
dpc_sysctl_cache_t *dpc_sysctl_cache_create(void);

#endif /** DPC_SYSCTL_CACHE_H_ @}*/
