/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_record dpc_record
 * @{ @ingroup dataplane_check
 *
 * What the plugin knows about each IKE_SA and CHILD_SA: plain copies of the
 * facts charon's bus told us (pure, libc only).
 *
 * Records on the heap are reference counted and shared: the registry's
 * current version of a record is also referenced by every snapshot taken
 * since it last changed, so a snapshot is an array of references, not a
 * copy. A shared record is never modified; whoever changes it works on a
 * private copy (dpc_ike_rec_clone(), dpc_child_rec_clone()) and replaces
 * it. Records on the stack (listener hooks, tests) have no references.
 */

#ifndef DPC_RECORD_H_
#define DPC_RECORD_H_

#include "dpc_ts.h"
#include "dpc_finding.h"
#include "dpc_times.h"
#include "dpc_natt_attempts.h"
#include "dpc_text.h"

#include <time.h>

/** traffic counter samples kept per CHILD_SA: thinned to at least an
 *  eighth of the traffic window apart, twelve span at least 11/8 windows,
 *  more than the checks look back (one window) */
#define DPC_MAX_SAMPLES 12
/** samples of the predecessor kept after a rekey */
#define DPC_MAX_PRED_SAMPLES 8
/** alerts kept per IKE_SA */
#define DPC_MAX_ALERTS 8
/** longest algorithm/proposal or MSS clamp text kept */
#define DPC_ALG_LEN 96
/** length of an alert's detail text */
#define DPC_ALERT_TEXT_LEN 256

/** NAT conditions of an IKE_SA (like charon's COND_NAT_*) */
enum {
	DPC_NAT_ANY = (1 << 0),
	DPC_NAT_HERE = (1 << 1),
	DPC_NAT_THERE = (1 << 2),
	DPC_NAT_FAKE = (1 << 3),
};

/** life cycle of a record */
typedef enum {
	/** IKE_SA established / CHILD_SA installed */
	DPC_STATE_UP,
	/** replaced by a rekey, waiting to be deleted */
	DPC_STATE_REKEYED,
	/** gone, kept for a bounded time */
	DPC_STATE_DOWN,
} dpc_state_t;

/** which alerts the plugin records */
typedef enum {
	DPC_ALERT_TS_MISMATCH,
	DPC_ALERT_INSTALL_SA_FAILED,
	DPC_ALERT_INSTALL_POLICY_FAILED,
	DPC_ALERT_PROPOSAL_MISMATCH_CHILD,
	DPC_ALERT_TS_NARROWED,
	DPC_ALERT_RETRANSMIT,
} dpc_alert_type_t;

/**
 * An alert charon raised for an IKE_SA, kept until it no longer applies.
 */
typedef struct {
	/** kind */
	dpc_alert_type_t type;
	/** CHILD_SA config name, if known */
	char child_name[DPC_NAME_LEN];
	/** CHILD_SA unique id, if any */
	uint32_t child_id;
	/** selectors (TS mismatch: TSi/TSr; install failures: local/remote) */
	char detail[DPC_ALERT_TEXT_LEN];
	/** a second detail (TSr, proposals offered, ...) */
	char detail2[DPC_ALERT_TEXT_LEN];
	/** the peer refused what we proposed (details: our local/remote TS) */
	bool peer_refused;
	/** monotonic time raised */
	time_t time;
	/** how often raised */
	uint32_t count;
} dpc_alert_t;

/**
 * One sample of a CHILD_SA's traffic counters.
 */
typedef struct {
	/** monotonic seconds */
	time_t time;
	/** inbound packets */
	uint64_t packets_in;
	/** outbound packets */
	uint64_t packets_out;
	/** inbound bytes */
	uint64_t bytes_in;
	/** outbound bytes */
	uint64_t bytes_out;
} dpc_sample_t;

/**
 * The packet counters of one sample, what a CHILD_SA's history keeps (the
 * checks compare packets; only the newest sample's bytes are reported).
 * Packed to 20 bytes: a record keeps DPC_MAX_SAMPLES of them inline.
 */
typedef struct {
	/** inbound packets */
	uint64_t packets_in;
	/** outbound packets */
	uint64_t packets_out;
	/** monotonic seconds (since boot: 32 bits last 136 years) */
	uint32_t time;
} __attribute__((packed, aligned(4))) dpc_packets_t;

/**
 * A CHILD_SA.
 *
 * Its texts are shared, reference-counted texts (see dpc_text.h): many
 * CHILD_SAs and their copies hold the same config name, mode or algorithm
 * once. They are never NULL; set them with dpc_child_rec_set_name() and
 * dpc_child_rec_set_text().
 */
typedef struct {
	/** config name (cut to DPC_NAME_LEN - 1 characters) */
	const char *name;
	/** MODE_TUNNEL etc. as text: "TUNNEL", "TRANSPORT", "BEET", "PASS",
	 *  "DROP" */
	const char *mode;
	/** "ESP" or "AH" */
	const char *protocol;
	/** negotiated algorithms, e.g. "AES_GCM_16_256" */
	const char *alg;
	/** TCP MSS clamp covering outbound TCP, from the last round ("1360
	 *  (ip mangle FORWARD #1)", "none"), empty if unknown */
	const char *mss_clamp;
	/** unique id */
	uint32_t unique_id;
	/** reqid */
	uint32_t reqid;
	/** state */
	dpc_state_t state;
	/** SPIs, host order */
	uint32_t spi_in, spi_out;
	/** marks and interface ids */
	uint32_t mark_in, mark_out, if_id_in, if_id_out;
	/** UDP encapsulated */
	bool encap;
	/** the narrow hook reported narrowing */
	bool narrowed;
	/** the config installs no policies (swanctl.conf policies = no) */
	bool no_policies;
	/** packets went both ways within one traffic window at some sample */
	bool both_ways;
	/** configured selectors (dynamic resolved to our/their hosts) */
	dpc_ts_list_t cfg_local, cfg_remote;
	/** negotiated selectors */
	dpc_ts_list_t local, remote;
	/** monotonic install time */
	time_t installed;
	/** wall clock install time */
	time_t installed_wall;
	/** monotonic time it went down/rekeyed, 0 while up */
	time_t gone;
	/** unique id of the CHILD_SA this one replaced, 0 if none */
	uint32_t rekeyed_from;
	/** unique id of the CHILD_SA that replaced this one, 0 if none */
	uint32_t rekeyed_to;
	/** the predecessor's counters DPC_MAX_PRED_SAMPLES - 1 samples before
	 *  its last (or at its first, if it has fewer), and at its last */
	dpc_packets_t pred_first, pred_last;
	/** predecessor samples those span (at most DPC_MAX_PRED_SAMPLES), 0 if
	 *  none */
	int n_pred_samples;
	/** samples in use */
	int n_samples;
	/** packet counters of the traffic samples, oldest first; all but the
	 *  newest at least an eighth of the traffic window apart */
	dpc_packets_t samples[DPC_MAX_SAMPLES];
	/** byte counters of the newest sample (valid if n_samples; the rest of
	 *  it is the last of samples, see dpc_child_rec_last()) */
	uint64_t bytes_in, bytes_out;
	/** rekeys of this CHILD_SA's lineage (passed on to the replacement) */
	dpc_times_t rekey_history;
	/** configured rekey limits of the child config (rekey_time in
	 *  seconds, rekey_bytes, rekey_packets), 0 if none */
	uint64_t cfg_rekey_time, cfg_rekey_bytes, cfg_rekey_packets;
	/** references held (dpc_child_rec_get/put), 0 on the stack; the last
	 * member: copies skip it */
	uint32_t refs;
} dpc_child_rec_t;

/**
 * An IKE_SA with its CHILD_SAs.
 */
typedef struct {
	/** peer config name */
	char name[DPC_NAME_LEN];
	/** unique id */
	uint32_t unique_id;
	/** state */
	dpc_state_t state;
	/** IKE version 1 or 2 */
	int version;
	/** current local/remote endpoint with ports */
	dpc_addr_t local, remote;
	/** endpoint at establishment (to see the move 500 -> 4500) */
	dpc_addr_t initial_local, initial_remote;
	/** DPC_NAT_* */
	uint32_t nat;
	/** DPD delay of the peer config, seconds (0 = off) */
	uint32_t dpd_delay;
	/** were we the original initiator */
	bool initiator;
	/** monotonic time established */
	time_t established;
	/** monotonic time it went down, 0 while up */
	time_t gone;
	/** IKE rekeys seen (this record continues the old IKE_SA's) */
	uint32_t rekeys;
	/** unique id of the IKE_SA this one replaced by rekeying, 0 if none */
	uint32_t rekeyed_from;
	/** endpoint updates (NAT rebinding / MOBIKE) */
	uint32_t updates;
	/** monotonic time of the last endpoint update */
	time_t last_update;
	/** the endpoints before the last update, family 0 if none */
	dpc_addr_t prev_local, prev_remote;
	/** endpoint updates of this IKE_SA's lineage */
	dpc_times_t update_history;
	/** rekeys of this IKE_SA's lineage (passed on to the replacement) */
	dpc_times_t rekey_history;
	/** configured IKE rekey_time and reauth_time, seconds, 0 if none */
	uint32_t cfg_rekey_time, cfg_reauth_time;
	/** alerts, oldest first, allocated when the first one arrives */
	dpc_alert_t *alerts;
	/** alerts in use (at most DPC_MAX_ALERTS) */
	int n_alerts;
	/** CHILD_SAs, shared references */
	dpc_child_rec_t **children;
	/** CHILD_SAs in use */
	int n_children;
	/** CHILD_SA slots allocated */
	int children_size;
	/** references held (dpc_ike_rec_get/put), 0 on the stack; the last
	 * member: copies skip it */
	uint32_t refs;
} dpc_ike_rec_t;

/**
 * What one round checks: references to the records of every IKE_SA, read
 * only (they are shared with the registry and other snapshots).
 */
typedef struct {
	/** IKE_SAs */
	dpc_ike_rec_t **ikes;
	/** in use */
	int count;
	/** allocated */
	int size;
	/** initiated IKE_SAs whose NAT-T float fails (a copy) */
	dpc_natt_attempts_t natt;
} dpc_tunnels_t;

/**
 * Initialize a CHILD_SA record on the stack (zeroed, empty lists).
 */
void dpc_child_rec_init(dpc_child_rec_t *child);

/**
 * Free what a CHILD_SA record on the stack owns (and leave it initialized).
 */
void dpc_child_rec_clear(dpc_child_rec_t *child);

/**
 * Set one of a CHILD_SA record's shared texts, cut to DPC_ALG_LEN - 1
 * characters (the name: dpc_child_rec_set_name()).
 *
 * @param held		&child->mode, &child->protocol, &child->alg or
 *					&child->mss_clamp
 * @param text		the text, NULL for none
 * @return			false on allocation failure (the text stays)
 */
bool dpc_child_rec_set_text(const char **held, const char *text);

/**
 * Set a CHILD_SA record's config name, cut to DPC_NAME_LEN - 1 characters.
 *
 * @return			false on allocation failure (the name stays)
 */
bool dpc_child_rec_set_name(dpc_child_rec_t *child, const char *name);

/**
 * Deep copy the content of a CHILD_SA record into an initialized, empty
 * one; the references of dst are kept.
 *
 * @return			FALSE on allocation failure (dst is then empty)
 */
bool dpc_child_rec_copy(dpc_child_rec_t *dst, const dpc_child_rec_t *src);

/**
 * Create an empty CHILD_SA record on the heap, with one reference.
 *
 * @return			the record, NULL on allocation failure
 */
dpc_child_rec_t *dpc_child_rec_create(void);

/**
 * Move the content of a record on the stack into a new one on the heap
 * (src is left empty, also on failure nothing is lost: src keeps it).
 *
 * @return			the record with one reference, NULL on allocation failure
 */
dpc_child_rec_t *dpc_child_rec_adopt(dpc_child_rec_t *src);

/**
 * A private deep copy of a record, with one reference.
 *
 * @return			the copy, NULL on allocation failure
 */
dpc_child_rec_t *dpc_child_rec_clone(const dpc_child_rec_t *src);

/**
 * Take a reference.
 */
dpc_child_rec_t *dpc_child_rec_get(dpc_child_rec_t *child);

/**
 * Drop a reference; the last one frees the record.
 */
void dpc_child_rec_put(dpc_child_rec_t *child);

/**
 * Is the caller's reference the only one (the record may be modified)?
 */
bool dpc_child_rec_unique(const dpc_child_rec_t *child);

/**
 * Add a traffic sample. It replaces the newest if that one is less than an
 * eighth of the traffic window after the one before, so frequent rounds
 * don't shorten the span; the oldest is dropped when full. Notes whether
 * packets went both ways within a window up to this sample (both_ways).
 *
 * The samples are the one part of a record changed while snapshots hold
 * it: the round adds them before it takes its own snapshot, so rounds see
 * a record's samples fixed, and a status being built reads the newest
 * through dpc_child_rec_last() only, which takes the same lock. Copying
 * every record a status holds, a round a second, would cost more than the
 * samples are worth.
 *
 * @param child		the record
 * @param sample	the sample, newer than the ones held
 * @param window	the traffic window in seconds
 */
void dpc_child_rec_add_sample(dpc_child_rec_t *child,
							  const dpc_sample_t *sample, uint32_t window);

/**
 * The newest traffic sample of a CHILD_SA, bytes included (all zero if it
 * has none); safe while a round adds one.
 */
dpc_sample_t dpc_child_rec_last(const dpc_child_rec_t *child);

/**
 * Initialize an IKE_SA record on the stack.
 */
void dpc_ike_rec_init(dpc_ike_rec_t *ike);

/**
 * Free what an IKE_SA record on the stack owns (its alerts, its
 * references to CHILD_SAs).
 */
void dpc_ike_rec_clear(dpc_ike_rec_t *ike);

/**
 * Copy an IKE_SA record into an uninitialized one on the stack: the alerts
 * are copied, the CHILD_SAs shared.
 *
 * @return			FALSE on allocation failure (dst is then empty)
 */
bool dpc_ike_rec_copy(dpc_ike_rec_t *dst, const dpc_ike_rec_t *src);

/**
 * Create an empty IKE_SA record on the heap, with one reference.
 *
 * @return			the record, NULL on allocation failure
 */
dpc_ike_rec_t *dpc_ike_rec_create(void);

/**
 * A private copy of a record (alerts copied, CHILD_SAs shared), with one
 * reference.
 *
 * @return			the copy, NULL on allocation failure
 */
dpc_ike_rec_t *dpc_ike_rec_clone(const dpc_ike_rec_t *src);

/**
 * Take a reference.
 */
dpc_ike_rec_t *dpc_ike_rec_get(dpc_ike_rec_t *ike);

/**
 * Drop a reference; the last one frees the record and drops its
 * references to CHILD_SAs.
 */
void dpc_ike_rec_put(dpc_ike_rec_t *ike);

/**
 * Is the caller's reference the only one (the record may be modified)?
 */
bool dpc_ike_rec_unique(const dpc_ike_rec_t *ike);

/**
 * Give back the memory of records freed since the last call (see
 * dpc_slab.h), after a round.
 *
 * @param all		every empty chunk (the plugin goes), else one of each
 *					size is kept for reuse
 */
void dpc_rec_release(bool all);

/**
 * Bytes mapped for records (their slots, used or not; records from malloc
 * under AddressSanitizer or valgrind are not counted).
 */
size_t dpc_rec_mapped(void);

/**
 * Index of a CHILD_SA by unique id, -1 if none.
 */
int dpc_ike_rec_child_index(const dpc_ike_rec_t *ike, uint32_t unique_id);

/**
 * Find a CHILD_SA by unique id.
 */
dpc_child_rec_t *dpc_ike_rec_find_child(dpc_ike_rec_t *ike,
										uint32_t unique_id);

/**
 * Make room for n more CHILD_SAs, so that adding them cannot fail.
 *
 * @return			FALSE on allocation failure
 */
bool dpc_ike_rec_reserve_children(dpc_ike_rec_t *ike, int n);

/**
 * Append a CHILD_SA, taking over the caller's reference.
 *
 * @return			FALSE on allocation failure (the reference stays the
 *					caller's)
 */
bool dpc_ike_rec_append_child(dpc_ike_rec_t *ike, dpc_child_rec_t *child);

/**
 * Append a new, empty CHILD_SA record (owned by the IKE_SA record).
 *
 * @return			the record, NULL on allocation failure
 */
dpc_child_rec_t *dpc_ike_rec_add_child(dpc_ike_rec_t *ike);

/**
 * Replace the CHILD_SA at index i, taking over the caller's reference to
 * the new one and dropping the old one's.
 */
void dpc_ike_rec_set_child(dpc_ike_rec_t *ike, int i, dpc_child_rec_t *child);

/**
 * Remove the CHILD_SA at index i (order of the others kept).
 */
void dpc_ike_rec_remove_child(dpc_ike_rec_t *ike, int i);

/**
 * Record an alert; an alert of the same type and child config is updated
 * in place (count, time), the oldest is dropped when full.
 *
 * @return			FALSE on allocation failure (the alert is not recorded)
 */
bool dpc_ike_rec_add_alert(dpc_ike_rec_t *ike, const dpc_alert_t *alert);

/**
 * Remove alerts of a type for a child config name (NULL: any name).
 */
void dpc_ike_rec_clear_alerts(dpc_ike_rec_t *ike, dpc_alert_type_t type,
							  const char *child_name);

/**
 * Initialize an empty set of tunnels.
 */
void dpc_tunnels_init(dpc_tunnels_t *t);

/**
 * Make room for n more IKE_SAs, so that adding them cannot fail.
 *
 * @return			FALSE on allocation failure
 */
bool dpc_tunnels_reserve(dpc_tunnels_t *t, int n);

/**
 * Append a reference to a record on the heap.
 *
 * @return			FALSE on allocation failure
 */
bool dpc_tunnels_add(dpc_tunnels_t *t, dpc_ike_rec_t *ike);

/**
 * Append a private copy of a record (on the stack or the heap).
 *
 * @return			FALSE on allocation failure
 */
bool dpc_tunnels_add_copy(dpc_tunnels_t *t, const dpc_ike_rec_t *ike);

/**
 * Drop all references.
 */
void dpc_tunnels_clear(dpc_tunnels_t *t);

#endif /** DPC_RECORD_H_ @}*/
