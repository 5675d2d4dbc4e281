/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_trace_xfrm dpc_trace_xfrm
 * @{ @ingroup dpc_trace
 *
 * The XFRM policy lookup phase of a trace (kernel-netlink data plane): the
 * SPD entry the kernel picks for the packet (lowest priority value first),
 * with its priority and action, and the SA its template resolves to in the
 * SAD, or none. Informational beside the route and netfilter phases: what
 * the kernel's own tables say, in "ip xfrm" terms.
 */

#ifndef DPC_TRACE_XFRM_H_
#define DPC_TRACE_XFRM_H_

#include "dpc_trace_state.h"

/**
 * Add the "xfrm" phase for the packet as it is now, looked up in one
 * direction (nothing under kernel-libipsec or if the SPD cannot be read).
 *
 * @param t			the trace
 * @param out		TRUE for the out policy (sent or forwarded packets),
 *					FALSE for the in (delivered) or fwd (forwarded) policy of
 *					a decrypted packet
 * @param forward	the packet is forwarded (fwd policy when inbound)
 */
void dpc_trace_xfrm(dpc_trace_state_t *t, bool out, bool forward);

#endif /** DPC_TRACE_XFRM_H_ @}*/
