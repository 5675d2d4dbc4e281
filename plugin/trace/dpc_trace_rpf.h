/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_trace_rpf dpc_trace_rpf
 * @{ @ingroup dpc_trace
 *
 * The reverse path filter phase of a trace, beside the route phase: for an
 * IPv4 packet arriving on an interface where rp_filter is on (the higher of
 * net.ipv4.conf.all.rp_filter and net.ipv4.conf.IF.rp_filter), whether the
 * kernel's source check passes it, with the route back to its source.
 */

#ifndef DPC_TRACE_RPF_H_
#define DPC_TRACE_RPF_H_

#include "dpc_trace_state.h"

/**
 * Add the "rp_filter" phase of a packet arriving on iif, if rp_filter is
 * on there. Packets decrypted by XFRM carry a secpath and skip the check
 * (unless a VTI device, which scrubs it, received them);
 * the kernel's answer to the input route question decides (EXDEV, or EINVAL
 * for the gateway's own addresses confirmed by the route back).
 *
 * @param t			the trace
 * @param iif		the input interface
 * @return			FALSE if the filter drops the packet (verdict decided)
 */
bool dpc_trace_rp_filter(dpc_trace_state_t *t, const char *iif);

#endif /** DPC_TRACE_RPF_H_ @}*/
