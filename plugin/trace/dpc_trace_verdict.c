/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_trace_verdict.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/*
 * Described in header
 */
dpc_trace_phase_t *dpc_trace_add_phase(dpc_trace_state_t *t, const char *name,
									   dpc_trace_verdict_t verdict,
									   const char *format, ...)
{
	dpc_trace_phase_t *ph = &t->scratch;
	va_list args;

	if (t->res->count < DPC_TRACE_MAX_PHASES - 1)
	{
		ph = &t->res->phases[t->res->count++];
	}
	memset(ph, 0, sizeof(*ph));
	dpc_trace_fmt(ph->name, sizeof(ph->name), "%s", name);
	ph->verdict = verdict;
	va_start(args, format);
	if (vsnprintf(ph->detail, sizeof(ph->detail), format, args) < 0)
	{
		ph->detail[0] = '\0';
	}
	va_end(args);
	return ph;
}

/*
 * Described in header
 */
void dpc_trace_detail(dpc_trace_phase_t *ph, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	if (vsnprintf(ph->detail, sizeof(ph->detail), format, args) < 0)
	{
		ph->detail[0] = '\0';
	}
	va_end(args);
}

/*
 * Described in header
 */
void dpc_trace_detail_add(dpc_trace_phase_t *ph, const char *format, ...)
{
	size_t used = strlen(ph->detail);
	va_list args;

	if (used + 1 >= sizeof(ph->detail))
	{
		return;
	}
	va_start(args, format);
	if (vsnprintf(ph->detail + used, sizeof(ph->detail) - used, format,
				  args) < 0)
	{
		ph->detail[used] = '\0';
	}
	va_end(args);
}

/*
 * Described in header
 */
void dpc_trace_decide(dpc_trace_state_t *t, dpc_trace_verdict_t verdict,
					  const char *format, ...)
{
	va_list args;

	if (t->line[0])
	{
		return;
	}
	t->verdict = verdict;
	va_start(args, format);
	if (vsnprintf(t->line, sizeof(t->line), format, args) < 0)
	{
		dpc_trace_fmt(t->line, sizeof(t->line), "%s",
					  dpc_trace_verdict_name(verdict));
	}
	va_end(args);
}

/*
 * Described in header
 */
void dpc_trace_unsure(dpc_trace_state_t *t, const char *format, ...)
{
	va_list args;

	if (t->unsure[0])
	{
		return;
	}
	va_start(args, format);
	if (vsnprintf(t->unsure, sizeof(t->unsure), format, args) < 0)
	{
		dpc_trace_fmt(t->unsure, sizeof(t->unsure), "something");
	}
	va_end(args);
}

/*
 * Described in header
 */
void dpc_trace_finish(dpc_trace_state_t *t)
{
	dpc_trace_result_t *res = t->res;
	dpc_trace_phase_t *ph;
	char line[DPC_TRACE_DETAIL_LEN];

	if (!t->line[0])
	{
		dpc_trace_decide(t, DPC_TRACE_UNKNOWN, "no verdict");
	}
	res->verdict = t->verdict;
	if (t->verdict == DPC_TRACE_UNKNOWN)
	{
		res->certain = false;
	}
	else if (t->unsure[0] && t->verdict != DPC_TRACE_DROP &&
			 t->verdict != DPC_TRACE_REJECT)
	{	/* a drop stands whatever could not be judged, the rest depends */
		res->certain = false;
		res->verdict = DPC_TRACE_UNKNOWN;
		dpc_trace_fmt(line, sizeof(line), "uncertain: depends on %s; if it "
					  "passes: %s", t->unsure, t->line);
		memcpy(t->line, line, sizeof(t->line));
	}
	dpc_trace_fmt(res->summary, sizeof(res->summary), "%s: %s", t->desc,
				  t->line);
	/* dpc_trace_add_phase() keeps the last slot free for the result */
	ph = &res->phases[res->count < DPC_TRACE_MAX_PHASES ? res->count++
														: res->count - 1];
	memset(ph, 0, sizeof(*ph));
	dpc_trace_fmt(ph->name, sizeof(ph->name), "result");
	ph->verdict = res->verdict;
	dpc_trace_fmt(ph->detail, sizeof(ph->detail), "%s", res->summary);
}

/*
 * Described in header
 */
void dpc_trace_fail(dpc_trace_result_t *res, const char *why)
{
	memset(res, 0, sizeof(*res));
	res->verdict = DPC_TRACE_UNKNOWN;
	res->certain = false;
	dpc_trace_fmt(res->summary, sizeof(res->summary), "%s", why);
	res->count = 1;
	dpc_trace_fmt(res->phases[0].name, sizeof(res->phases[0].name),
				  "result");
	res->phases[0].verdict = DPC_TRACE_UNKNOWN;
	dpc_trace_fmt(res->phases[0].detail, sizeof(res->phases[0].detail), "%s",
				  res->summary);
}
