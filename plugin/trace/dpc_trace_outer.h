/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_trace_outer dpc_trace_outer
 * @{ @ingroup dpc_trace
 *
 * The outer packet phase of a trace: the ESP (or ESP in UDP, AH) packet a
 * CHILD_SA sends to the peer, its route and the OUTPUT and POSTROUTING
 * hooks it passes.
 */

#ifndef DPC_TRACE_OUTER_H_
#define DPC_TRACE_OUTER_H_

#include "dpc_trace_state.h"

/**
 * Follow the encrypted packet of a CHILD_SA through OUTPUT and POSTROUTING
 * (an "outer" phase).
 *
 * @param t			the trace
 * @param sa		the CHILD_SA the packet is encrypted into
 * @return			TRUE if it leaves (else the verdict is decided)
 */
bool dpc_trace_outer(dpc_trace_state_t *t, const dpc_trace_sa_t *sa);

#endif /** DPC_TRACE_OUTER_H_ @}*/
