/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_trace_route dpc_trace_route
 * @{ @ingroup dpc_trace
 *
 * The routing phase of a trace: where the packet arrives, the route the
 * kernel gives it, and whether the route back to its source uses the
 * interface it arrived on.
 */

#ifndef DPC_TRACE_ROUTE_H_
#define DPC_TRACE_ROUTE_H_

#include "dpc_trace_state.h"

/**
 * Find the interface a packet from outside arrives on: the one given, or
 * the one the route back to its source uses (res->iif).
 *
 * @param t			the trace
 * @param iif		receives the interface
 * @return			FALSE if it cannot be told (the verdict is decided)
 */
bool dpc_trace_input_iif(dpc_trace_state_t *t, char iif[IF_NAMESIZE]);

/**
 * Ask for the route of the packet as it is now (t->route), as a phase.
 *
 * @param t			the trace
 * @param iif		input interface, "" for locally generated packets
 * @return			TRUE if routed somewhere (else the verdict is decided)
 */
bool dpc_trace_route(dpc_trace_state_t *t, const char *iif);

/**
 * Work out whether the route back to the source uses the input interface
 * (t->rpf_ok, t->rpf_known).
 *
 * @param t			the trace
 * @param iif		input interface
 */
void dpc_trace_reverse_path(dpc_trace_state_t *t, const char *iif);

/**
 * Is a route one for this host?
 *
 * @param route		the kernel's answer
 * @return			TRUE for local and broadcast routes
 */
bool dpc_trace_route_local(const dpc_route_t *route);

#endif /** DPC_TRACE_ROUTE_H_ @}*/
