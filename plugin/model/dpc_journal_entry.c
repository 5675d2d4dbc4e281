/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_journal_entry.h"
#include "dpc_msgid.h"

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

/** the journal's name of each event */
static const char *event_names[] = {
	[DPC_EVENT_APPEAR] = "appeared",
	[DPC_EVENT_CHANGE] = "changed",
	[DPC_EVENT_RESOLVE] = "resolved",
	[DPC_EVENT_DROP] = "dropped",
};

/*
 * Described in header
 */
dpc_journal_route_t dpc_journal_route(int level, bool journal_stream,
									  int journal_level)
{
	dpc_journal_route_t route = { .journal = false, .bus_level = level };

	if (journal_stream && journal_level >= level &&
		journal_level < DPC_JOURNAL_LEVEL_MAX)
	{
		route.journal = true;
		route.bus_level = journal_level + 1;
	}
	return route;
}

/*
 * Described in header
 */
int dpc_journal_priority(dpc_event_type_t type, dpc_severity_t severity)
{
	switch (type)
	{
		case DPC_EVENT_APPEAR:
		case DPC_EVENT_CHANGE:
			switch (severity)
			{
				case DPC_ERROR:
					return LOG_ERR;
				case DPC_WARNING:
					return LOG_WARNING;
				default:
					return LOG_INFO;
			}
		case DPC_EVENT_RESOLVE:
			return severity >= DPC_WARNING ? LOG_NOTICE : LOG_INFO;
		default:
			return LOG_DEBUG;
	}
}

/**
 * Append one "KEY=value" field.
 */
static bool add(dpc_journal_entry_t *e, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool add(dpc_journal_entry_t *e, size_t *used, const char *fmt, ...)
{
	va_list args;
	int len;

	if (e->count >= DPC_JOURNAL_MAX_FIELDS || *used >= sizeof(e->buf))
	{
		return false;
	}
	va_start(args, fmt);
	len = vsnprintf(e->buf + *used, sizeof(e->buf) - *used, fmt, args);
	va_end(args);
	if (len < 0 || (size_t)len >= sizeof(e->buf) - *used)
	{
		return false;
	}
	e->fields[e->count] = e->buf + *used;
	e->lens[e->count] = len;
	e->count++;
	*used += len + 1;
	return true;
}

/*
 * Described in header
 */
bool dpc_journal_entry_build(dpc_journal_entry_t *e, dpc_event_type_t type,
							 const dpc_finding_t *f, const char *message,
							 const char *group, int level, int thread)
{
	const dpc_subject_t *s = &f->subject;
	const char *msgid = dpc_msgid(f->code);
	size_t used = 0;
	bool ok;

	e->count = 0;
	ok = add(e, &used, "MESSAGE=%s", message) &&
		 add(e, &used, "PRIORITY=%d", dpc_journal_priority(type, f->severity)) &&
		 (!msgid || add(e, &used, "MESSAGE_ID=%s", msgid)) &&
		 add(e, &used, "GROUP=%s", group) &&
		 add(e, &used, "LEVEL=%d", level) &&
		 add(e, &used, "THREAD=%d", thread) &&
		 add(e, &used, "DPC_CODE=%s", f->code) &&
		 add(e, &used, "DPC_SEVERITY=%s", dpc_severity_name(f->severity)) &&
		 add(e, &used, "DPC_EVENT=%s", (unsigned)type < sizeof(event_names) /
			 sizeof(event_names[0]) ? event_names[type] : "unknown");
	/* as charon-systemd: a unique id whenever there is an IKE_SA, its
	 * name when known */
	if (ok && s->ike_id)
	{
		ok = add(e, &used, "IKE_SA_UNIQUE_ID=%u", s->ike_id);
	}
	if (ok && s->ike_name[0])
	{
		ok = add(e, &used, "IKE_SA_NAME=%s", s->ike_name);
	}
	if (ok && s->child_name[0])
	{
		ok = add(e, &used, "CHILD_SA_NAME=%s", s->child_name);
	}
	if (ok && s->child_id)
	{
		ok = add(e, &used, "CHILD_SA_UNIQUE_ID=%u", s->child_id);
	}
	return ok;
}
