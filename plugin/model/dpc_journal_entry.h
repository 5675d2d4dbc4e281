/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_journal_entry dpc_journal_entry
 * @{ @ingroup dataplane_check
 *
 * The journal entry of a finding event and the choice of where its line
 * goes (pure, libc only). The fields: MESSAGE (the log line), PRIORITY,
 * MESSAGE_ID (per code, see dpc_msgid.h), GROUP, LEVEL and THREAD as
 * charon-systemd writes them, IKE_SA_NAME and IKE_SA_UNIQUE_ID with
 * charon-systemd's names and values, CHILD_SA_NAME, CHILD_SA_UNIQUE_ID,
 * DPC_CODE, DPC_SEVERITY and DPC_EVENT. Subject fields are left out when
 * the finding has no such subject (host-wide findings).
 */

#ifndef DPC_JOURNAL_ENTRY_H_
#define DPC_JOURNAL_ENTRY_H_

#include "dpc_store.h"

#include <stdbool.h>

/** most fields of one entry */
#define DPC_JOURNAL_MAX_FIELDS 16

/** bytes for the fields of one entry: the line plus the short fields */
#define DPC_JOURNAL_BUF_LEN 8192

/** highest charon log level (LEVEL_PRIVATE) */
#define DPC_JOURNAL_LEVEL_MAX 4

/**
 * A finding event as journal fields.
 */
typedef struct {
	/** "KEY=value" fields, pointing into buf */
	const char *fields[DPC_JOURNAL_MAX_FIELDS];
	/** length of each field, without a terminator */
	size_t lens[DPC_JOURNAL_MAX_FIELDS];
	/** number of fields */
	int count;
	/** storage */
	char buf[DPC_JOURNAL_BUF_LEN];
} dpc_journal_entry_t;

/**
 * Where the line of a finding event goes.
 */
typedef struct {
	/** TRUE to write the entry to the journal directly */
	bool journal;
	/** level of the line on charon's bus */
	int bus_level;
} dpc_journal_route_t;

/**
 * Choose the route of a line of log level `level`.
 *
 * When journald is charon's stream (charon-systemd) and its journal logger
 * shows `level` for the group, the entry is written directly and the bus
 * line goes one level above the journal logger's, so the journal gets the
 * finding once. When the journal logger shows every level (4), the bus line
 * cannot be kept out of it, so it stays the journal's only copy.
 *
 * @param level				level of the line (1 or 2)
 * @param journal_stream	charon logs to journald natively (charon-systemd)
 *							and the direct writer is available
 * @param journal_level		the journal logger's level for the line's group
 * @return					the route
 */
dpc_journal_route_t dpc_journal_route(int level, bool journal_stream,
									  int journal_level);

/**
 * syslog priority of a finding event: err, warning or info as the severity,
 * notice for a resolved warning/error, debug for a drop.
 *
 * @param type		event
 * @param severity	the finding's severity
 * @return			priority (LOG_ERR ... LOG_DEBUG)
 */
int dpc_journal_priority(dpc_event_type_t type, dpc_severity_t severity);

/**
 * Build the fields of a finding event's entry.
 *
 * @param e			entry to fill
 * @param type		event
 * @param f			the finding
 * @param message	the log line (MESSAGE)
 * @param group		charon's name of the log group, e.g. "CFG"
 * @param level		the line's log level
 * @param thread	charon's thread id of the caller
 * @return			FALSE if a field did not fit (the entry is unusable)
 */
bool dpc_journal_entry_build(dpc_journal_entry_t *e, dpc_event_type_t type,
							 const dpc_finding_t *f, const char *message,
							 const char *group, int level, int thread);

#endif /** DPC_JOURNAL_ENTRY_H_ @}*/
