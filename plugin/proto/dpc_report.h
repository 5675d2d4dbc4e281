/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_report dpc_report
 * @{ @ingroup dataplane_check
 *
 * The messages of the query socket (pure, libc only): the `status` and
 * `version` replies and the `finding` event, in the vici message format.
 *
 * Lists of objects are sections of index-named sub-sections ("0", "1", ...),
 * see dpc_vici_msg.h. The `status` reply:
 *
 * @code
 * version, strongswan, dataplane, last_round, now   (keys)
 * records { tracked max half_open refused slots_kib }   what the plugin keeps
 * triggers { watch_kernel route rule addr link xfrm_policy xfrm_state
 *            xfrm_expire nft overrun changes_unmatched rounds_full
 *            rounds_incremental rechecked_last tunnels_last }
 *                                       kernel changes seen and rounds run
 * findings { 0 { <finding> } ... }     gateway-wide and orphaned findings
 * ike_sas {
 *   0 {
 *     name uniqueid state ike_version initiator established
 *     local_host local_port remote_host remote_port
 *     initial_local_port initial_remote_port
 *     nat_local nat_remote nat_fake nat_any dpd_delay rekeys rekeyed_from
 *     updates
 *     findings { 0 { <finding> } ... }
 *     children {
 *       0 {
 *         name uniqueid reqid state mode protocol encap spi_in spi_out
 *         local_ts [ ] remote_ts [ ] cfg_local_ts [ ] cfg_remote_ts [ ]
 *         alg installed installed_at rekeyed_from
 *         packets_in packets_out bytes_in bytes_out   (latest sample)
 *         findings { 0 { <finding> } ... }
 *       } ...
 *     }
 *   } ...
 * }
 * truncated                             only if IKE_SAs were left out
 * @endcode
 *
 * A finding: code, severity, message, evidence { key = value ... }, hint,
 * first_seen (ISO 8601 UTC), state ("active"/"resolved"), and, when not
 * nested under its subject, ike, ike_id, child, child_id.
 *
 * The `finding` event: type (appear/change/resolve/drop), time, subject,
 * ike, ike_id, child, child_id and a section `finding`.
 */

#ifndef DPC_REPORT_H_
#define DPC_REPORT_H_

#include "dpc_vici_msg.h"
#include "model/dpc_record.h"
#include "model/dpc_store.h"
#include "model/dpc_change.h"

/** room kept free in a status message for what follows the IKE_SAs */
#define DPC_REPORT_RESERVE 1024

/**
 * What the plugin says about itself.
 */
typedef struct {
	/** plugin version */
	const char *version;
	/** strongSwan version */
	const char *strongswan;
	/** data plane mode, e.g. "kernel-netlink" or "kernel-libipsec" */
	const char *dataplane;
	/** wall clock time of the last completed round, 0 if none yet */
	time_t last_round;
	/** monotonic now (for "seconds ago" values) */
	time_t now;
	/** wall clock now */
	time_t now_wall;
	/** IKE_SA and CHILD_SA records kept */
	uint32_t records;
	/** the limit on records (max_records) */
	uint32_t records_max;
	/** IKE_SAs not authenticated yet that left something (bounded) */
	uint32_t half_open;
	/** records refused because of the limit, since the start */
	uint64_t records_refused;
	/** bytes mapped for the records' slots */
	uint64_t records_mapped;
	/** counters of kernel changes and rounds, NULL to leave them out */
	const dpc_change_stats_t *changes;
} dpc_report_info_t;

/**
 * Name of a record state: "up", "rekeyed", "down".
 */
const char *dpc_report_state_name(dpc_state_t state);

/**
 * Format a wall clock time as ISO 8601 UTC ("2026-01-02T03:04:05Z") into
 * buf (at least 21 bytes); "" for 0.
 */
char *dpc_report_time(time_t t, char *buf, size_t len);

/**
 * Add the keys of a finding to the open section of b.
 *
 * @param with_subject	add ike, ike_id, child, child_id
 */
void dpc_report_add_finding(dpc_vici_builder_t *b, const dpc_finding_t *f,
							bool with_subject);

/**
 * Build the `status` reply. Findings are placed under the CHILD_SA or
 * IKE_SA they are about; gateway-wide ones, and those whose subject is not
 * in tunnels, go to the top-level `findings`. If the IKE_SAs do not fit in
 * one message, the remaining ones are left out and `truncated` says how
 * many.
 *
 * @param info		plugin information
 * @param tunnels	tracked tunnels
 * @param findings	active findings
 * @param msg		receives the encoded message, free() it
 * @param len		receives its length
 * @return			FALSE on allocation failure
 */
bool dpc_report_status(const dpc_report_info_t *info,
					   const dpc_tunnels_t *tunnels,
					   const dpc_findings_t *findings,
					   uint8_t **msg, size_t *len);

/**
 * Build the `version` reply: version, strongswan, dataplane.
 *
 * @return			FALSE on allocation failure
 */
bool dpc_report_version(const dpc_report_info_t *info, uint8_t **msg,
						size_t *len);

/**
 * Build a failed reply to any command: success = no, errmsg.
 *
 * @return			FALSE on allocation failure
 */
bool dpc_report_error(const char *errmsg, uint8_t **msg, size_t *len);

/**
 * Build the reply to a command that is not run now: success = no,
 * busy = yes, errmsg "busy: <reason>, try again later".
 *
 * @return			FALSE on allocation failure
 */
bool dpc_report_busy(const char *reason, uint8_t **msg, size_t *len);

/**
 * Build a `finding` event message.
 *
 * @param type		what happened
 * @param f			the finding
 * @param wall		wall clock time of the event
 * @return			FALSE on allocation failure
 */
bool dpc_report_event(dpc_event_type_t type, const dpc_finding_t *f,
					  time_t wall, uint8_t **msg, size_t *len);

#endif /** DPC_REPORT_H_ @}*/
