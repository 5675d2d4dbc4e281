/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_table dpc_table
 * @{ @ingroup dataplane_check
 *
 * The records of every tracked IKE_SA and CHILD_SA (pure, libc only, not
 * locked: dpc_registry_t puts a lock around it).
 *
 * Only authenticated IKE_SAs get a record; what an unauthenticated message
 * leaves is kept in a small, bounded map (dpc_half_open.h). The number of
 * records is capped. Records are shared with snapshots (dpc_record.h): a
 * snapshot takes references, a change replaces a shared record by a
 * private copy. Every allocation is checked; when one fails, the change is
 * lost (counted in the stats), never half applied.
 */

#ifndef DPC_TABLE_H_
#define DPC_TABLE_H_

#include "dpc_record.h"
#include "dpc_half_open.h"

typedef struct dpc_table_t dpc_table_t;

/**
 * Traffic counters of one CHILD_SA, sampled by a round.
 */
typedef struct {
	/** CHILD_SA unique id */
	uint32_t child_id;
	/** the kernel did not report the inbound SA: its counters are kept
	 *  from the CHILD_SA's newest sample */
	bool kept_in;
	/** the same for the outbound SA */
	bool kept_out;
	/** the counters */
	dpc_sample_t sample;
} dpc_child_sample_t;

/**
 * How full the table is.
 */
typedef struct {
	/** IKE_SA and CHILD_SA records */
	uint32_t records;
	/** the limit on records */
	uint32_t max_records;
	/** IKE_SAs not authenticated yet (dpc_half_open.h) */
	uint32_t half_open;
	/** records refused because of the limit, since the start */
	uint64_t refused;
	/** changes lost for lack of memory, since the start */
	uint64_t failed;
	/** the limit was reached and the table did not get well below it
	 *  since */
	bool full;
} dpc_table_stats_t;

/**
 * Create an empty table.
 *
 * @param max_records	IKE_SA plus CHILD_SA records kept at most
 * @param half_open_timeout	seconds an unauthenticated IKE_SA is remembered
 * @return				the table, NULL on allocation failure
 */
dpc_table_t *dpc_table_create(uint32_t max_records,
							  uint32_t half_open_timeout);

/**
 * Destroy a table (snapshots keep their records).
 */
void dpc_table_destroy(dpc_table_t *t);

/**
 * Change the limits (records above a lowered limit stay until they
 * expire).
 */
void dpc_table_set_limits(dpc_table_t *t, uint32_t max_records,
						  uint32_t half_open_timeout);

/**
 * An IKE_SA is up (authenticated): insert or update its record. Known
 * records keep their children, alerts, rekey history and initial
 * endpoints; a new one takes what its IKE_SA_INIT left.
 *
 * @param rec		filled record, fields copied (children, alerts ignored)
 */
void dpc_table_ike_set(dpc_table_t *t, const dpc_ike_rec_t *rec);

/**
 * An IKE_SA went down.
 */
void dpc_table_ike_down(dpc_table_t *t, uint32_t ike_id, time_t now);

/**
 * An IKE_SA was rekeyed: the new one inherits history and CHILD_SAs.
 *
 * @param rec		filled record of the new IKE_SA
 */
void dpc_table_ike_rekey(dpc_table_t *t, uint32_t old_id,
						 const dpc_ike_rec_t *rec, time_t now);

/**
 * The endpoints of an IKE_SA's IKE_SA_INIT (before a move to port 4500),
 * kept in the bounded map until the IKE_SA is authenticated.
 */
void dpc_table_ike_init(dpc_table_t *t, uint32_t ike_id,
						const dpc_addr_t *local, const dpc_addr_t *remote,
						time_t now);

/**
 * An IKE_SA is destroyed: forget what its IKE_SA_INIT left.
 */
void dpc_table_ike_gone(dpc_table_t *t, uint32_t ike_id);

/**
 * An IKE_SA this gateway initiated retransmits a request (or gave up).
 * Kept (bounded) when it is not authenticated and its IKE_SA_INIT went on
 * another port than this request to port 4500: the NAT-T float failed.
 *
 * @param name		peer config name
 * @param local		source of the request
 * @param remote	destination of the request
 * @param retransmits	retransmits so far
 * @param timed_out	charon gave up
 */
void dpc_table_ike_retransmit(dpc_table_t *t, uint32_t ike_id,
							  const char *name, const dpc_addr_t *local,
							  const dpc_addr_t *remote, uint32_t retransmits,
							  bool timed_out, time_t now);

/**
 * An IKE_SA's endpoints changed (NAT rebinding, MOBIKE).
 */
void dpc_table_ike_update(dpc_table_t *t, uint32_t ike_id,
						  const dpc_addr_t *local, const dpc_addr_t *remote,
						  time_t now);

/**
 * A CHILD_SA was installed.
 *
 * @param rec		filled record; its lists are taken (rec left empty) if
 *					it is recorded
 */
void dpc_table_child_up(dpc_table_t *t, uint32_t ike_id,
						dpc_child_rec_t *rec, time_t now);

/**
 * A CHILD_SA went down.
 */
void dpc_table_child_down(dpc_table_t *t, uint32_t child_id, time_t now);

/**
 * A CHILD_SA was replaced by a rekey.
 *
 * @param rec		record of the new CHILD_SA, as for child_up()
 */
void dpc_table_child_rekey(dpc_table_t *t, uint32_t ike_id, uint32_t old_id,
						   dpc_child_rec_t *rec, time_t now);

/**
 * Record an alert for an IKE_SA. Without a record, an authenticated IKE_SA
 * gets one, the alert of an unauthenticated one waits in the bounded map.
 *
 * @param authenticated	the IKE_SA is authenticated
 */
void dpc_table_add_alert(dpc_table_t *t, uint32_t ike_id,
						 const char *ike_name, const dpc_alert_t *alert,
						 bool authenticated, time_t now);

/**
 * The narrow hook saw a CHILD_SA's selectors narrowed.
 */
void dpc_table_mark_narrowed(dpc_table_t *t, uint32_t child_id);

/**
 * Store traffic samples (unknown CHILD_SAs are ignored), see
 * dpc_child_rec_add_sample() for the traffic window. A direction the
 * kernel did not report keeps the counters of the CHILD_SA's newest sample,
 * as charon's own cache does: a lost SA shows as flat counters. Added in
 * place, to records snapshots hold too (see dpc_child_rec_add_sample()):
 * only the round adds samples, before it takes its own snapshot.
 */
void dpc_table_add_samples(dpc_table_t *t, const dpc_child_sample_t *s,
						   int count, uint32_t window);

/**
 * Note which TCP MSS clamp covers a CHILD_SA's traffic.
 */
void dpc_table_set_mss(dpc_table_t *t, uint32_t child_id, const char *mss);

/**
 * Take references to all records (one allocation, no copies).
 *
 * @param out		initialized, receives the references
 * @return			FALSE on allocation failure (out is left as it was)
 */
bool dpc_table_snapshot(dpc_table_t *t, dpc_tunnels_t *out);

/**
 * Drop records that are down for longer than keep seconds, and
 * unauthenticated IKE_SAs older than the half-open timeout, in one pass.
 */
void dpc_table_expire(dpc_table_t *t, time_t now, uint32_t keep);

/**
 * Is the subject still up (host, IKE_SA or CHILD_SA)?
 */
bool dpc_table_is_alive(dpc_table_t *t, const dpc_subject_t *subject);

/**
 * How full the table is.
 */
void dpc_table_get_stats(dpc_table_t *t, dpc_table_stats_t *stats);

#endif /** DPC_TABLE_H_ @}*/
