/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_trace_ipsec dpc_trace_ipsec
 * @{ @ingroup dpc_trace
 *
 * The IPsec policy phases of a trace: a packet arriving decrypted, XFRM's
 * inbound policy check, and what IPsec does with a packet leaving (encrypt
 * it into a CHILD_SA, or let it leave unprotected).
 */

#ifndef DPC_TRACE_IPSEC_H_
#define DPC_TRACE_IPSEC_H_

#include "dpc_trace_state.h"

/**
 * Trace a packet as decrypted if it comes from a CHILD_SA's remote to its
 * local selectors and arrives where that CHILD_SA's decrypted packets
 * arrive (t->in, an "ipsec-in" phase).
 *
 * @param t			the trace
 * @param iif		the interface it arrives on
 */
void dpc_trace_decrypted(dpc_trace_state_t *t, const char *iif);

/**
 * A plain packet from a CHILD_SA's remote to its local selectors: XFRM's
 * inbound policy check drops what did not arrive decrypted.
 *
 * @param t			the trace
 * @param iif		the interface it arrives on
 * @return			TRUE if the packet goes on (else the verdict is decided)
 */
bool dpc_trace_inbound_policy(dpc_trace_state_t *t, const char *iif);

/**
 * Decide what IPsec does with a packet leaving through t->route after
 * POSTROUTING.
 *
 * @param t			the trace
 * @param post		the POSTROUTING result (source NAT)
 * @param m0		the CHILD_SA matching the packet before source NAT
 */
void dpc_trace_ipsec(dpc_trace_state_t *t, const nfsim_result_t *post,
					 const dpc_trace_sa_t *m0);

#endif /** DPC_TRACE_IPSEC_H_ @}*/
