/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_check_index dpc_check_index
 * @{ @ingroup dpc_check
 *
 * What the checks of one CHILD_SA ask about all the others, indexed once
 * per round: the installed CHILD_SAs by local and remote selector, their
 * reqids, the SPD's policies by selector, the routes by destination, and
 * the coverage of a configuration's selectors. Built on first use
 * (dpc_check_index()), freed by dpc_check_all(); without it, these
 * questions scan every CHILD_SA, policy or route per CHILD_SA, a round
 * quadratic in tunnels. Answers
 * list candidates in the order a full scan visits them; callers apply
 * their own exact test to each, so results are those of the scan.
 */

#ifndef DPC_CHECK_INDEX_H_
#define DPC_CHECK_INDEX_H_

#include "dpc_check.h"

/**
 * An installed CHILD_SA (up, of an IKE_SA that is up).
 */
typedef struct {
	/** its IKE_SA */
	const dpc_ike_rec_t *ike;
	/** the CHILD_SA */
	const dpc_child_rec_t *child;
} dpc_check_sa_t;

/**
 * The index of the round, built on the first call.
 *
 * @param ctx		the check context
 * @return			the index, NULL if out of memory
 */
dpc_check_index_t *dpc_check_index(dpc_check_ctx_t *ctx);

/**
 * Free the round's index, if built.
 *
 * @param ctx		the check context
 */
void dpc_check_index_free(dpc_check_ctx_t *ctx);

/**
 * The installed CHILD_SAs one of whose selectors of a side overlaps one of
 * a list in addresses (protocols and ports are the caller's test), in
 * tunnel order.
 *
 * @param idx		the index
 * @param local		the CHILD_SAs' local selectors, else their remote ones
 * @param ts		the selectors asked about
 * @param sas		set to an allocated array the caller frees
 * @return			number of CHILD_SAs, -1 if out of memory
 */
int dpc_check_index_sas(dpc_check_index_t *idx, bool local,
						const dpc_ts_list_t *ts, dpc_check_sa_t **sas);

/**
 * Does an installed CHILD_SA use a reqid?
 */
bool dpc_check_index_reqid(dpc_check_index_t *idx, uint32_t reqid);

/**
 * The positions in an SPD of the policies whose selector's source (src)
 * or destination overlaps a range in addresses, ascending. The SPD must
 * be the same for every call of a round.
 *
 * @param idx		the index
 * @param spd		the SPD of the round's facts
 * @param src		look at the policies' source, else their destination
 * @param ts		the range asked about
 * @param pos		set to an allocated array the caller frees
 * @return			number of policies, -1 if out of memory
 */
int dpc_check_index_policies(dpc_check_index_t *idx,
							 const struct dpc_xfrm_spd_t *spd, bool src,
							 const dpc_ts_t *ts, uint32_t **pos);

/**
 * The positions in a route dump of the first max routes whose destination
 * prefix overlaps a range in addresses, ascending. The dump of a family
 * must be the same for every call of a round.
 *
 * @param idx		the index
 * @param routes	the route dump of the round's facts
 * @param count		its number of routes
 * @param ts		the range asked about, of the dump's family
 * @param max		most positions returned
 * @param pos		set to an allocated array the caller frees
 * @return			number of routes, -1 if out of memory
 */
int dpc_check_index_routes(dpc_check_index_t *idx,
						   const struct dpc_rtentry_t *routes, size_t count,
						   const dpc_ts_t *ts, size_t max, uint32_t **pos);

/**
 * What of a configured side no installed CHILD_SA covers, remembered per
 * round for each configuration: cfg minus the selectors of that side of
 * every installed CHILD_SA whose other side overlaps other_cfg.
 *
 * @param idx		the index
 * @param local		cfg is a local side
 * @param cfg		the configured selectors of the side
 * @param other_cfg	the configured selectors of the other side
 * @param gap		the uncovered part, appended
 * @return			FALSE if out of memory
 */
bool dpc_check_index_gap(dpc_check_index_t *idx, bool local,
						 const dpc_ts_list_t *cfg,
						 const dpc_ts_list_t *other_cfg, dpc_ts_list_t *gap);

#endif /** DPC_CHECK_INDEX_H_ @}*/
