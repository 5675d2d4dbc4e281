/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_check_nf dpc_check_nf
 * @{ @ingroup dpc_check
 *
 * Synthetic packets for the netfilter simulator, shared by the netfilter
 * checks and the packet tracer.
 */

#ifndef DPC_CHECK_NF_H_
#define DPC_CHECK_NF_H_

#include "dpc_check.h"

/**
 * Start a packet from src to dst (NEW connection, ICMP echo for ICMP),
 * with the gateway's addresses for masquerade and address type lookups.
 */
void dpc_nf_packet(dpc_check_ctx_t *ctx, nfsim_packet_t *pkt,
				   const dpc_addr_t *src, const dpc_addr_t *dst,
				   uint8_t proto);

/**
 * Set the input and output interfaces ("" for none, NULL: unknown).
 */
void dpc_nf_ifaces(nfsim_packet_t *pkt, const char *iif, const char *oif);

/**
 * Describe the SA of a CHILD_SA a packet passes through.
 *
 * @param inbound	TRUE for the inbound SA (decrypted packets)
 */
void dpc_nf_xfrm(nfsim_xfrm_t *x, const dpc_ike_rec_t *ike,
				 const dpc_child_rec_t *child, bool inbound);

/**
 * Add the deciding rule (or chain policy) of a result as evidence.
 */
void dpc_nf_evidence(dpc_finding_t *f, const char *key,
					 const nfsim_result_t *res);

/**
 * Find the TCP MSS clamp that applies to a CHILD_SA's outbound TCP.
 *
 * @param buf		receives "1360 (ip mangle FORWARD #1)", "clamp-to-pmtu
 *					(...)" or "none"
 * @return			FALSE if it cannot be told (no ruleset, no LAN host)
 */
bool dpc_check_mss(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
				   const dpc_child_rec_t *child, char *buf, size_t len);

#endif /** DPC_CHECK_NF_H_ @}*/
