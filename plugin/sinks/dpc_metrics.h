/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_metrics dpc_metrics
 * @{ @ingroup dataplane_check
 *
 * Prometheus metrics (libc only): the active findings, the tracked SAs and
 * their traffic counters in the text exposition format, for node_exporter's
 * textfile collector, and an atomic writer for that file.
 *
 * Rendered metric families:
 * - dataplane_check_findings{severity} (gauge): active findings per severity,
 *   every severity always present
 * - dataplane_check_finding{code,severity,ike,ike_id,child,child_id,
 *   discriminator} (gauge): 1 per active finding; labels a finding does not
 *   have are empty
 * - dataplane_check_ike_sas, dataplane_check_child_sas (gauge): tracked
 *   SAs that are up
 * - dataplane_check_child_packets_total, dataplane_check_child_bytes_total
 *   {ike,ike_id,child,child_id,direction} (counter): the latest counter
 *   sample of every CHILD_SA that is up
 * - dataplane_check_last_round_timestamp_seconds (gauge): wall clock time of
 *   the last completed round
 */

#ifndef DPC_METRICS_H_
#define DPC_METRICS_H_

#include "model/dpc_finding.h"
#include "model/dpc_record.h"

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

/**
 * What the metrics tell about the checking rounds.
 */
typedef struct {
	/** wall clock time of the last completed round, 0 if none yet */
	time_t last_round;
} dpc_metrics_round_t;

/**
 * Render the metrics in the Prometheus text exposition format (version
 * 0.0.4): HELP and TYPE lines for every family, label values escaped
 * (backslash, double quote, newline) and made valid UTF-8.
 *
 * @param findings	the active findings
 * @param tunnels	the tracked IKE_SAs and CHILD_SAs
 * @param round		round information
 * @param len		receives the length of the text, without the NUL
 * @return			allocated, NUL-terminated text, NULL on allocation failure
 */
char *dpc_metrics_render(const dpc_findings_t *findings,
						 const dpc_tunnels_t *tunnels,
						 const dpc_metrics_round_t *round, size_t *len);

/** what dpc_metrics_write() returns when the target is not a regular file */
#define DPC_METRICS_NOT_REGULAR (-1)

/**
 * Replace a file atomically: write the text to a new temporary file in the
 * same directory, fsync() it and rename() it to path. Readers see either the
 * old or the new content, never a partial one.
 *
 * Nothing planted in the directory can block or redirect the write: the
 * temporary file gets an unpredictable name and is created exclusively
 * (O_CREAT|O_EXCL|O_NOFOLLOW|O_NONBLOCK, so no link is followed and no FIFO
 * opened), and a target that exists but is not a regular file (a FIFO, a
 * link, a directory) is left alone. The temporary file is removed on
 * failure.
 *
 * @param path		absolute path of the file
 * @param text		content
 * @param len		bytes of content
 * @param mode		file mode, whatever the umask
 * @return			0 on success, an errno value or DPC_METRICS_NOT_REGULAR
 */
int dpc_metrics_write(const char *path, const char *text, size_t len,
					  mode_t mode);

/**
 * Describe what dpc_metrics_write() returned.
 */
const char *dpc_metrics_strerror(int err);

#endif /** DPC_METRICS_H_ @}*/
