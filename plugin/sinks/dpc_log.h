/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_log dpc_log
 * @{ @ingroup dataplane_check
 */

#ifndef DPC_LOG_H_
#define DPC_LOG_H_

#include "model/dpc_store.h"

/**
 * Log a finding event through charon's bus: warnings and errors at level 1
 * (journald, syslog, swanctl --log), info and drops at level 2; under
 * charon-systemd as a journal entry with fields (see dpc_log.c).
 *
 * @param type				what happened
 * @param f					the finding
 * @param journal_fields	write journal entries with fields under
 *							charon-systemd (setting journal_fields)
 */
void dpc_log_event(dpc_event_type_t type, const dpc_finding_t *f,
				   bool journal_fields);

#endif /** DPC_LOG_H_ @}*/
