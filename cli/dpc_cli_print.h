/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Output of the dataplane-check CLI: human readable text and JSON of the
 * messages the plugin sends (see plugin/dpc_report.h for their layout).
 */

#ifndef DPC_CLI_PRINT_H_
#define DPC_CLI_PRINT_H_

#include "proto/dpc_vici_msg.h"

#include <stdio.h>

/**
 * Worst severity of the findings in a status message: 0 none or info only,
 * 1 warning, 2 error (the monitoring-plugins exit status).
 */
int dpc_cli_status_severity(const dpc_vici_node_t *status);

/**
 * Replace control characters in every name and value by '?' (tabs by
 * spaces), so text output cannot play tricks on a terminal.
 */
void dpc_cli_sanitize(dpc_vici_node_t *root);

/**
 * Print a message as JSON: sections become objects, lists arrays of
 * strings, index-named sections ("0", "1", ...) and the empty sections
 * findings, ike_sas and children arrays. Counters, ids and ports become
 * numbers and yes/no flags booleans; evidence values stay strings.
 *
 * @param pretty	indent over several lines, else one line
 */
void dpc_cli_print_json(FILE *out, const dpc_vici_node_t *root, bool pretty);

/**
 * Print a status message for humans: gateway-wide findings first, then per
 * IKE_SA a header line, its findings and its CHILD_SAs with theirs, then a
 * summary line.
 */
void dpc_cli_print_status(FILE *out, const dpc_vici_node_t *status);

/**
 * Print a finding event as one line, like the plugin's log line.
 */
void dpc_cli_print_event(FILE *out, const dpc_vici_node_t *event);

/**
 * Print a trace reply for humans, the way packet-tracer does: numbered
 * phases with type, result, the deciding rule and details, then the result
 * with interfaces, CHILD_SA and the one-line verdict.
 */
void dpc_cli_print_trace(FILE *out, const dpc_vici_node_t *trace);

/**
 * Print a version reply for humans.
 */
void dpc_cli_print_version(FILE *out, const dpc_vici_node_t *version);

#endif /* DPC_CLI_PRINT_H_ */
