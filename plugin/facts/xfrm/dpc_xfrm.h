/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_xfrm dpc_xfrm
 * @{ @ingroup dpc_facts
 *
 * Reads the kernel's SAD with one XFRM_MSG_GETSA dump and its SPD with one
 * XFRM_MSG_GETPOLICY dump over the plugin's own NETLINK_XFRM socket (not
 * charon's), so a round learns the counters of every SA and every policy
 * at once instead of asking for each on its own. The dump
 * carries the SAs' keys: every received buffer is wiped once parsed, only
 * what dpc_xfrm_sad keeps is kept. Needs CAP_NET_ADMIN.
 */

#ifndef DPC_XFRM_H_
#define DPC_XFRM_H_

#include "dpc_xfrm_sad.h"
#include "dpc_xfrm_spd.h"
#include "model/dpc_budget.h"

/** most SAs kept from one dump (a quarter million CHILD_SAs) */
#define DPC_XFRM_MAX_SAS (1 << 19)

/** most policies kept from one dump (in, out and fwd of a quarter
 *  million CHILD_SAs) */
#define DPC_XFRM_MAX_POLICIES (1 << 20)

/** receive timeout of one read, in milliseconds */
#define DPC_XFRM_TIMEOUT_MS 1000

/** longest time a dump may take without a budget, in milliseconds */
#define DPC_XFRM_DEADLINE_MS 30000

/**
 * Dump the SAD into sad (sorted for lookups once complete). SAs beyond
 * DPC_XFRM_MAX_SAS are counted in sad->dropped.
 *
 * @param sad		receives the SAs (added to what it holds)
 * @param budget	stops the dump when used up, NULL for none (then
 *					DPC_XFRM_DEADLINE_MS); no single read waits longer than
 *					DPC_XFRM_TIMEOUT_MS
 * @return			0, or a negative errno: -ETIMEDOUT or -ECANCELED when
 *					the budget ran out or the kernel stopped answering,
 *					-EPERM without CAP_NET_ADMIN, ...; sad holds what was
 *					read before
 */
int dpc_xfrm_dump_sad(dpc_xfrm_sad_t *sad, const dpc_budget_t *budget);

/**
 * Dump the SPD into spd (in the kernel's order). Policies beyond
 * DPC_XFRM_MAX_POLICIES are counted in spd->dropped. Same budget and
 * errors as dpc_xfrm_dump_sad().
 *
 * @param spd		receives the policies (added to what it holds)
 * @param budget	stops the dump when used up, NULL for none
 * @return			0, or a negative errno; spd holds what was read before
 */
int dpc_xfrm_dump_spd(dpc_xfrm_spd_t *spd, const dpc_budget_t *budget);

#endif /** DPC_XFRM_H_ @}*/
