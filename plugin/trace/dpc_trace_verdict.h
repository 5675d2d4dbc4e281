/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_trace_verdict dpc_trace_verdict
 * @{ @ingroup dpc_trace
 *
 * Phases and the verdict of a trace: each phase adds what it decided, the
 * first final decision counts, and what could not be judged makes the
 * verdict uncertain unless the packet is dropped anyway.
 */

#ifndef DPC_TRACE_VERDICT_H_
#define DPC_TRACE_VERDICT_H_

#include "dpc_trace_state.h"

/**
 * Start a phase (a scratch one once the result is full, keeping the last
 * slot for the result).
 *
 * @param t			the trace
 * @param name		phase name
 * @param verdict	what the phase decided
 * @param format	printf() format of its detail
 * @return			the phase
 */
dpc_trace_phase_t *dpc_trace_add_phase(dpc_trace_state_t *t, const char *name,
									   dpc_trace_verdict_t verdict,
									   const char *format, ...)
	__attribute__((format(printf, 4, 5)));

/**
 * Replace the detail of a phase.
 *
 * @param ph		the phase
 * @param format	printf() format
 */
void dpc_trace_detail(dpc_trace_phase_t *ph, const char *format, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * Append to the detail of a phase.
 *
 * @param ph		the phase
 * @param format	printf() format
 */
void dpc_trace_detail_add(dpc_trace_phase_t *ph, const char *format, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * Decide the final verdict (the first decision counts).
 *
 * @param t			the trace
 * @param verdict	the verdict
 * @param format	printf() format of the line saying why
 */
void dpc_trace_decide(dpc_trace_state_t *t, dpc_trace_verdict_t verdict,
					  const char *format, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * Remember the first thing that could not be judged.
 *
 * @param t			the trace
 * @param format	printf() format of what it is
 */
void dpc_trace_unsure(dpc_trace_state_t *t, const char *format, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * Complete the result: the final verdict, whether it is certain, the
 * summary and the "result" phase.
 *
 * @param t			the trace
 */
void dpc_trace_finish(dpc_trace_state_t *t);

/**
 * Fill in the result of a trace that could not run at all.
 *
 * @param res		the result
 * @param why		what went wrong, the summary
 */
void dpc_trace_fail(dpc_trace_result_t *res, const char *why);

#endif /** DPC_TRACE_VERDICT_H_ @}*/
