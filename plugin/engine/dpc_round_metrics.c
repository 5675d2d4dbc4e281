/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_round_metrics.h"
#include "sinks/dpc_metrics.h"

#include <library.h>
#include <utils/debug.h>

#include <errno.h>
#include <stdlib.h>

void dpc_round_write_metrics(const dpc_settings_t *settings,
							 const dpc_findings_t *active,
							 const dpc_tunnels_t *tunnels, time_t last,
							 int *last_errno)
{
	dpc_metrics_round_t round = { .last_round = last };
	size_t len;
	char *text;
	int err;

	text = dpc_metrics_render(active, tunnels, &round, &len);
	err = text ? dpc_metrics_write(settings->metrics_file, text, len,
								   settings->metrics_mode) : ENOMEM;
	free(text);
	if (err && err != *last_errno)
	{
		DBG1(DBG_CFG, "dataplane-check: cannot write metrics file %s: %s",
			 settings->metrics_file, dpc_metrics_strerror(err));
	}
	*last_errno = err;
}
