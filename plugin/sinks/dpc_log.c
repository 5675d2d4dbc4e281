/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#define _GNU_SOURCE
#include "dpc_log.h"

#include <daemon.h>

/** a full line: message, evidence and hint */
#define LINE_LEN (DPC_MESSAGE_LEN + DPC_HINT_LEN + \
				  DPC_MAX_EVIDENCE * (DPC_EVKEY_LEN + DPC_EVVAL_LEN + 4) + 128)

/*
 * Described in header
 */
void dpc_log_event(dpc_event_type_t type, const dpc_finding_t *f)
{
	char line[LINE_LEN];

	switch (type)
	{
		case DPC_EVENT_APPEAR:
		case DPC_EVENT_CHANGE:
			dpc_finding_format(f, FALSE, line, sizeof(line));
			if (f->severity >= DPC_WARNING)
			{
				DBG1(DBG_CFG, "dataplane-check: %s", line);
			}
			else
			{
				DBG2(DBG_CFG, "dataplane-check: %s", line);
			}
			break;
		case DPC_EVENT_RESOLVE:
			dpc_finding_format(f, TRUE, line, sizeof(line));
			if (f->severity >= DPC_WARNING)
			{
				DBG1(DBG_CFG, "dataplane-check: %s", line);
			}
			else
			{
				DBG2(DBG_CFG, "dataplane-check: %s", line);
			}
			break;
		case DPC_EVENT_DROP:
			dpc_finding_format(f, TRUE, line, sizeof(line));
			DBG2(DBG_CFG, "dataplane-check: %s (SA closed)", line);
			break;
	}
}
