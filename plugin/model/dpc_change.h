/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_change dpc_change
 * @{ @ingroup dataplane_check
 *
 * Kernel changes and the tunnels they concern (pure, libc only).
 *
 * The kernel announces changes of routes, policy rules, addresses, links,
 * XFRM policies and states and the nftables ruleset; a change knows what it
 * touched (a prefix, a selector, an SPI) where the kernel says so. Which
 * tracked tunnels it concerns is decided here, conservatively: a tunnel is
 * concerned whenever the change may alter a verdict about it, and every
 * tunnel is when that cannot be told.
 */

#ifndef DPC_CHANGE_H_
#define DPC_CHANGE_H_

#include "dpc_record.h"
#include "dpc_ts.h"

/**
 * Kinds of kernel change.
 */
typedef enum {
	/** a route added, changed or deleted (any table) */
	DPC_CHANGE_ROUTE,
	/** a policy routing rule added or deleted */
	DPC_CHANGE_RULE,
	/** an address added or removed */
	DPC_CHANGE_ADDR,
	/** a link added, changed (state, MTU, ...) or deleted */
	DPC_CHANGE_LINK,
	/** an XFRM policy added, updated, deleted, expired or flushed */
	DPC_CHANGE_XFRM_POLICY,
	/** an XFRM state added, updated, deleted or flushed */
	DPC_CHANGE_XFRM_STATE,
	/** an XFRM state expired (soft or hard) */
	DPC_CHANGE_XFRM_EXPIRE,
	/** a new nftables ruleset generation */
	DPC_CHANGE_NFT,
	/** notifications were lost (receive buffer overrun): anything may have
	 *  changed */
	DPC_CHANGE_OVERRUN,
	/** number of kinds */
	DPC_CHANGE_KINDS,
} dpc_change_kind_t;

/**
 * One kernel change.
 */
typedef struct {
	/** what changed */
	dpc_change_kind_t kind;
	/** it may concern every tunnel (or what it concerns is unknown) */
	bool all;
	/** a route's destination prefix, an XFRM policy's source selector,
	 *  an address's network (family 0 if none) */
	dpc_ts_t src;
	/** an XFRM policy's destination selector (family 0 if none) */
	dpc_ts_t dst;
	/** an XFRM state's SPI, host order, 0 if none */
	uint32_t spi;
	/** an XFRM state's endpoints (family 0 if unknown) */
	dpc_addr_t saddr, daddr;
} dpc_change_t;

/**
 * Counters of the kernel change triggers and of the rounds, for status.
 */
typedef struct {
	/** the plugin watches the kernel (watch_kernel) */
	bool watching;
	/** changes received, by kind */
	uint64_t changes[DPC_CHANGE_KINDS];
	/** rounds that checked every tunnel */
	uint64_t rounds_full;
	/** rounds that checked only the tunnels concerned by changes */
	uint64_t rounds_incremental;
	/** tunnels (IKE_SAs) checked by the last round */
	uint32_t rechecked_last;
	/** tunnels tracked in the last round */
	uint32_t tunnels_last;
	/** changes that concerned no tracked tunnel */
	uint64_t changes_unmatched;
} dpc_change_stats_t;

/**
 * Name of a kind ("route", "rule", "addr", "link", "xfrm_policy",
 * "xfrm_state", "xfrm_expire", "nft", "overrun").
 */
const char *dpc_change_kind_name(dpc_change_kind_t kind);

/**
 * Does any selector of a list overlap a selector?
 */
bool dpc_change_list_overlaps(const dpc_ts_list_t *list, const dpc_ts_t *ts);

/**
 * Does a change concern a tunnel (an IKE_SA and its CHILD_SAs)?
 *
 * - every tunnel: rules, addresses, links, the nftables ruleset, an
 *   overrun, and any change marked all;
 * - a route: tunnels with a local or remote selector, a local or remote
 *   endpoint in its prefix (the route lookups of a tunnel are for those);
 * - an XFRM policy: tunnels with selectors on both sides of its selector;
 * - an XFRM state: tunnels with a CHILD_SA of its SPI or with its
 *   endpoints.
 *
 * @param c			the change
 * @param ike		the tunnel
 * @return			TRUE if the tunnel must be checked again
 */
bool dpc_change_concerns(const dpc_change_t *c, const dpc_ike_rec_t *ike);

/**
 * Mark the tunnels a change concerns.
 *
 * @param c			the change
 * @param tunnels	the tracked tunnels
 * @param dirty		one flag per tunnel of tunnels, set for those concerned
 * @return			number of tunnels concerned
 */
int dpc_change_mark(const dpc_change_t *c, const dpc_tunnels_t *tunnels,
					bool *dirty);

#endif /** DPC_CHANGE_H_ @}*/
