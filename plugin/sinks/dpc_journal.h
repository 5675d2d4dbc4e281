/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_journal dpc_journal
 * @{ @ingroup dataplane_check
 *
 * Direct writes to the systemd journal (sd_journal_sendv), when the plugin
 * is built with libsystemd and charon runs as charon-systemd. Without
 * libsystemd, dpc_journal_stream() is always FALSE.
 */

#ifndef DPC_JOURNAL_H_
#define DPC_JOURNAL_H_

#include "model/dpc_journal_entry.h"

#include <utils/debug.h>

/**
 * Whether journald is charon's log stream and entries can be written:
 * charon runs as charon-systemd and the plugin has libsystemd.
 *
 * @return			TRUE if dpc_journal_send() may be used
 */
bool dpc_journal_stream(void);

/**
 * The level charon-systemd's journal logger logs a group at, read from the
 * settings it reads (<ns>.journal.<group>, <ns>.journal.default, 1).
 *
 * @param group		log group
 * @return			level, -1 if silent
 */
int dpc_journal_level(debug_t group);

/**
 * Write one entry to the journal.
 *
 * @param e			the entry
 * @return			TRUE if journald accepted it
 */
bool dpc_journal_send(const dpc_journal_entry_t *e);

#endif /** DPC_JOURNAL_H_ @}*/
