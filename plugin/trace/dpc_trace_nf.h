/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_trace_nf dpc_trace_nf
 * @{ @ingroup dpc_trace
 *
 * The netfilter phases of a trace: the packet as the simulator sees it,
 * one hook judged into a phase, destination NAT applied to the packet.
 */

#ifndef DPC_TRACE_NF_H_
#define DPC_TRACE_NF_H_

#include "dpc_trace_state.h"

/**
 * Describe the conntrack state and status the trace assumed, in the result.
 *
 * @param t			the trace, done
 */
void dpc_trace_conntrack(dpc_trace_state_t *t);

/**
 * Build the simulator's packet for the packet as it is now.
 *
 * @param t			the trace
 * @param pkt		receives the packet
 * @param iif		input interface, "" for none
 * @param oif		output interface, "" for none
 * @param out		the CHILD_SA an outbound XFRM policy sends it to, if any
 */
void dpc_trace_packet(dpc_trace_state_t *t, nfsim_packet_t *pkt,
					  const char *iif, const char *oif,
					  const dpc_trace_sa_t *out);

/**
 * Note where a rule lives and what it says in a phase.
 *
 * @param ph		the phase
 * @param rule		the rule
 */
void dpc_trace_rule_info(dpc_trace_phase_t *ph, const nfsim_rule_t *rule);

/**
 * Describe a NAT binding: "source translated to 192.0.2.2 (masquerade)".
 *
 * @param nat		the binding
 * @param family	address family of the packet
 * @param buf		receives the text
 * @param len		size of buf
 */
void dpc_trace_nat_text(const nfsim_nat_t *nat, uint8_t family, char *buf,
						size_t len);

/**
 * Judge one hook into a phase.
 *
 * @param t			the trace
 * @param hook		the hook
 * @param pkt		the packet
 * @param res		receives the simulator's answer
 * @param ph		the phase to fill in
 * @return			TRUE if the packet goes on
 */
bool dpc_trace_judge(dpc_trace_state_t *t, nfsim_hook_t hook,
					 const nfsim_packet_t *pkt, nfsim_result_t *res,
					 dpc_trace_phase_t *ph);

/**
 * Run a hook as a phase of its own, deciding the verdict if it stops the
 * packet.
 *
 * @param t			the trace
 * @param hook		the hook
 * @param pkt		the packet
 * @param res		receives the simulator's answer
 * @return			TRUE if the packet goes on
 */
bool dpc_trace_hook(dpc_trace_state_t *t, nfsim_hook_t hook,
					const nfsim_packet_t *pkt, nfsim_result_t *res);

/**
 * Apply a destination NAT binding of PREROUTING/OUTPUT to the packet.
 *
 * @param t			the trace
 * @param res		the hook's answer
 * @return			TRUE if the destination changed
 */
bool dpc_trace_apply_dnat(dpc_trace_state_t *t, const nfsim_result_t *res);

#endif /** DPC_TRACE_NF_H_ @}*/
