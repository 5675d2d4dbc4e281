/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_check_mss dpc_check_mss
 * @{ @ingroup dpc_check
 *
 * The TCP MSS clamp covering a CHILD_SA's traffic, recorded by the round
 * for reports and the MTU check.
 */

#ifndef DPC_CHECK_MSS_H_
#define DPC_CHECK_MSS_H_

#include "dpc_check.h"

/**
 * Find the TCP MSS clamp that applies to a CHILD_SA's outbound TCP.
 *
 * @param ctx		the check context (with the CHILD_SA's path)
 * @param ike		the IKE_SA
 * @param child		the CHILD_SA
 * @param buf		receives "1360 (ip mangle FORWARD #1)", "clamp-to-pmtu
 *					(...)" or "none"
 * @param len		size of buf
 * @return			FALSE if it cannot be told (no ruleset, no LAN host)
 */
bool dpc_check_mss(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
				   const dpc_child_rec_t *child, char *buf, size_t len);

#endif /** DPC_CHECK_MSS_H_ @}*/
