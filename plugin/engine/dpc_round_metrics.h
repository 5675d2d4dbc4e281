/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_round_metrics dpc_round_metrics
 * @{ @ingroup dataplane_check
 *
 * The metrics file a complete round writes (metrics_file), from its active
 * findings and the tunnels it checked.
 */

#ifndef DPC_ROUND_METRICS_H_
#define DPC_ROUND_METRICS_H_

#include "model/dpc_settings.h"
#include "model/dpc_finding.h"
#include "model/dpc_record.h"

#include <time.h>

/**
 * Write the metrics file; a failure is logged once until the file can be
 * written again.
 *
 * @param settings		the round's settings (metrics_file set)
 * @param active		the active findings after the round
 * @param tunnels		the tunnels of the round
 * @param last			wall clock time of the round
 * @param last_errno	errno of the last failed write, 0 after a successful
 *						one; updated
 */
void dpc_round_write_metrics(const dpc_settings_t *settings,
							 const dpc_findings_t *active,
							 const dpc_tunnels_t *tunnels, time_t last,
							 int *last_errno);

#endif /** DPC_ROUND_METRICS_H_ @}*/
