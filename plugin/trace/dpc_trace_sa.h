/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_trace_sa dpc_trace_sa
 * @{ @ingroup dpc_trace
 *
 * The IPsec policies a trace matches packets against: the negotiated (or
 * configured) selectors of the CHILD_SAs that are up, and how to name them.
 */

#ifndef DPC_TRACE_SA_H_
#define DPC_TRACE_SA_H_

#include "dpc_trace_state.h"

/**
 * Find the CHILD_SA (up) whose selectors cover a packet with the trace's
 * protocol and ports; the most specific one if several do, as the kernel
 * prefers narrower policies.
 *
 * @param t			the trace
 * @param src		source address
 * @param dst		destination address
 * @param inbound	match src against the remote selectors, dst against
 *					the local ones
 * @param cfg		use the configured selectors instead of the negotiated
 * @return			the CHILD_SA, child NULL if none
 */
dpc_trace_sa_t dpc_trace_find_sa(dpc_trace_state_t *t, const dpc_addr_t *src,
								 const dpc_addr_t *dst, bool inbound,
								 bool cfg);

/**
 * Record the CHILD_SA concerned in the result.
 *
 * @param t			the trace
 * @param sa		the CHILD_SA
 * @param landed	the packet is encrypted into (or arrived through) it
 */
void dpc_trace_set_child(dpc_trace_state_t *t, const dpc_trace_sa_t *sa,
						 bool landed);

/**
 * Name a CHILD_SA: "net{3} of s2s[1]".
 *
 * @param sa		the CHILD_SA
 * @param buf		receives the name
 * @param len		size of buf
 * @return			buf
 */
char *dpc_trace_sa_name(const dpc_trace_sa_t *sa, char *buf, size_t len);

/**
 * The selectors of a CHILD_SA: "10.1.0.0/24 === 10.2.0.0/16".
 *
 * @param sa		the CHILD_SA
 * @param cfg		the configured selectors instead of the negotiated
 * @param buf		receives the text
 * @param len		size of buf
 * @return			buf
 */
char *dpc_trace_sa_selectors(const dpc_trace_sa_t *sa, bool cfg, char *buf,
							 size_t len);

/**
 * How a CHILD_SA's packets travel: "ESP in UDP", "ESP" or "AH".
 *
 * @param sa		the CHILD_SA
 * @return			the text
 */
const char *dpc_trace_sa_encap(const dpc_trace_sa_t *sa);

#endif /** DPC_TRACE_SA_H_ @}*/
