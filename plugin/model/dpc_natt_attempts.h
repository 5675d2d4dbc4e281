/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_natt_attempts dpc_natt_attempts
 * @{ @ingroup dataplane_check
 *
 * IKE_SAs this gateway initiated whose IKE_SA_INIT worked on UDP 500 and
 * whose next request, sent to port 4500 after the NAT-T float, goes
 * unanswered (pure, libc only, not locked). Such an IKE_SA never gets a
 * record (it is not authenticated), and it is gone when charon gives up,
 * so what it showed is kept here until an IKE_SA of the same config is
 * established or keep_closed passes.
 *
 * Only the gateway's own retransmissions create entries, never a peer's
 * packets; still bounded: DPC_NATT_ATTEMPTS_MAX, one per config name (a
 * new attempt replaces the config's older one).
 */

#ifndef DPC_NATT_ATTEMPTS_H_
#define DPC_NATT_ATTEMPTS_H_

#include "dpc_ts.h"
#include "dpc_finding.h"

#include <time.h>

/** attempts kept at most */
#define DPC_NATT_ATTEMPTS_MAX 16

/**
 * One IKE_SA whose requests on port 4500 go unanswered.
 */
typedef struct {
	/** peer config name */
	char name[DPC_NAME_LEN];
	/** IKE_SA unique id */
	uint32_t ike_id;
	/** endpoints of the IKE_SA_INIT that worked */
	dpc_addr_t init_local, init_remote;
	/** endpoints of the unanswered request */
	dpc_addr_t local, remote;
	/** retransmits seen so far */
	uint32_t retransmits;
	/** charon gave up (the IKE_SA is gone) */
	bool timed_out;
	/** monotonic time of the first and the last retransmit */
	time_t first, last;
} dpc_natt_attempt_t;

/**
 * The attempts, in no particular order.
 */
typedef struct {
	/** entries in use first */
	dpc_natt_attempt_t entries[DPC_NATT_ATTEMPTS_MAX];
	/** in use */
	int count;
} dpc_natt_attempts_t;

/**
 * Record a retransmit of an attempt (the same IKE_SA updates its entry,
 * another one of the same config replaces it; when full, the entry
 * retransmitted least recently goes).
 *
 * @param a			attempts
 * @param attempt	name, ike_id, endpoints, retransmits, timed_out, last
 */
void dpc_natt_attempts_note(dpc_natt_attempts_t *a,
							const dpc_natt_attempt_t *attempt);

/**
 * Forget the attempts of a config (an IKE_SA of it is established).
 */
void dpc_natt_attempts_forget(dpc_natt_attempts_t *a, const char *name);

/**
 * Forget attempts whose last retransmit is older than keep seconds.
 */
void dpc_natt_attempts_expire(dpc_natt_attempts_t *a, time_t now,
							  uint32_t keep);

#endif /** DPC_NATT_ATTEMPTS_H_ @}*/
