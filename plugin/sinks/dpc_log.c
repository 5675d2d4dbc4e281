/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * Finding lines go through charon's bus (DBG, group CFG) to every logger:
 * syslog, file loggers, `swanctl --log` and charon-systemd's journal logger.
 *
 * The journal should also have fields to select findings by (IKE_SA_NAME,
 * IKE_SA_UNIQUE_ID, DPC_CODE, MESSAGE_ID, ...). charon-systemd's logger adds
 * IKE_SA_NAME/IKE_SA_UNIQUE_ID only from the bus's thread IKE_SA
 * (bus->set_sa), and fields of its own never. How this is done:
 *
 * - Not by setting the thread IKE_SA around the DBG call: findings are
 *   logged from the plugin's jobs, which hold no IKE_SA; checking one out
 *   can block the thread on another worker; ike_sa_create() gives an
 *   IKE_SA with a unique id of its own; and a stand-in ike_sa_t answering
 *   only get_name()/get_unique_id()/get_peer_cfg() breaks any logger that
 *   asks it more. It could not add DPC_* fields either.
 * - Not by a logger of our own: a logger sees lines, it cannot add fields
 *   to the journal logger's entry nor take a line away from it. The bus
 *   sends a line to every logger whose level for the group admits it; a
 *   level is the only filter there is.
 * - So, when charon runs as charon-systemd (journald is its stream) and the
 *   plugin has libsystemd, the plugin writes the finding's entry itself
 *   with sd_journal_sendv(), with charon-systemd's field names and values
 *   plus its own, if the journal logger shows the line's level for CFG
 *   (same settings: charon-systemd.journal.cfg / .default, 1). The bus
 *   line then goes one level above the journal logger's, so the journal
 *   gets the finding exactly once; file loggers and syslog at that level
 *   keep it. The cost: `swanctl --log` (fixed at level 1) does not show
 *   findings under charon-systemd; `journalctl -f` and the plugin's socket
 *   events do. If the journal logger shows every level, or journald does
 *   not take the entry, the line goes through the bus as usual (one copy,
 *   without the fields). Under charon (syslog, file loggers) nothing
 *   changes: journald gets syslog's copy, and a direct entry would double
 *   it. Setting journal_fields = no keeps the lines on the bus only.
 *
 * The clean fix belongs in charon-systemd (fields of a log context passed
 * down the bus); this works with the released daemon.
 *
 * sd_journal_sendv() is one datagram on a socket, as charon-systemd's own
 * logger sends for every line of every thread, so it adds no new way to
 * block a thread.
 */

#define _GNU_SOURCE
#include "dpc_log.h"
#include "dpc_journal.h"

#include <daemon.h>
#include <threading/thread.h>

/** a full line: message, evidence and hint */
#define LINE_LEN (DPC_MESSAGE_LEN + DPC_HINT_LEN + \
				  DPC_MAX_EVIDENCE * (DPC_EVKEY_LEN + DPC_EVVAL_LEN + 4) + 128)

/**
 * Log one line of a finding event at `level`, and its journal entry.
 */
static void log_line(dpc_event_type_t type, const dpc_finding_t *f,
					 bool journal_fields, int level, const char *line,
					 const char *suffix)
{
	dpc_journal_route_t route;
	dpc_journal_entry_t *entry;
	char msg[LINE_LEN + 32];
	bool stream = journal_fields && dpc_journal_stream();

	route = dpc_journal_route(level, stream,
							  stream ? dpc_journal_level(DBG_CFG) : -1);
	if (route.journal)
	{
		snprintf(msg, sizeof(msg), "dataplane-check: %s%s", line, suffix);
		entry = malloc(sizeof(*entry));
		if (entry &&
			dpc_journal_entry_build(entry, type, f, msg, "CFG", level,
									thread_current_id()) &&
			dpc_journal_send(entry))
		{
			level = route.bus_level;
		}
		free(entry);
	}
	dbg(DBG_CFG, level, "dataplane-check: %s%s", line, suffix);
}

/*
 * Described in header
 */
void dpc_log_event(dpc_event_type_t type, const dpc_finding_t *f,
				   bool journal_fields)
{
	char line[LINE_LEN];

	switch (type)
	{
		case DPC_EVENT_APPEAR:
		case DPC_EVENT_CHANGE:
			dpc_finding_format(f, FALSE, line, sizeof(line));
			log_line(type, f, journal_fields, f->severity >= DPC_WARNING ? 1 : 2,
					 line, "");
			break;
		case DPC_EVENT_RESOLVE:
			dpc_finding_format(f, TRUE, line, sizeof(line));
			log_line(type, f, journal_fields, f->severity >= DPC_WARNING ? 1 : 2,
					 line, "");
			break;
		case DPC_EVENT_DROP:
			dpc_finding_format(f, TRUE, line, sizeof(line));
			log_line(type, f, journal_fields, 2, line, " (SA closed)");
			break;
	}
}
