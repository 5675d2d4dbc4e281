/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_settings dpc_settings
 * @{ @ingroup dataplane_check
 *
 * The plugin's settings (charon.plugins.dataplane-check.*) and their
 * validation (pure, libc only): every value is read as a string, checked,
 * and a bad one is reported once and replaced by its default.
 */

#ifndef DPC_SETTINGS_H_
#define DPC_SETTINGS_H_

#include <stdbool.h>
#include <stdint.h>

#define DPC_SOCKET_URI_LEN 256
#define DPC_PATH_LEN 256
#define DPC_DISABLE_LEN 512
#define DPC_GROUP_LEN 64
/** default limit on records: about 40,000 tunnels of one CHILD_SA each,
 *  with closed ones kept for keep_closed */
#define DPC_MAX_RECORDS_DEFAULT 100000

/**
 * All settings, validated.
 */
typedef struct {
	/** periodic round interval, seconds (30) */
	uint32_t interval;
	/** delay after up/rekey/update before checking, milliseconds (2000) */
	uint32_t settle_ms;
	/** window for one-way traffic detection, seconds (60) */
	uint32_t traffic_window;
	/** packets that must move in one direction within the window (3) */
	uint32_t traffic_min_packets;
	/** warn after this many seconds without any traffic, 0 = off (0) */
	uint32_t idle_warn;
	/** shortest UDP NAT mapping lifetime assumed on the path, seconds (30) */
	uint32_t nat_timeout;
	/** rekeys per hour of one tunnel before warning (30) */
	uint32_t rekey_churn;
	/** query socket URI */
	char socket[DPC_SOCKET_URI_LEN];
	/** query socket file mode (0600) */
	uint32_t socket_mode;
	/** group owning the socket, empty = charon's */
	char socket_group[DPC_GROUP_LEN];

	/* load limits of the query socket */
	/** most clients connected at once (32) */
	uint32_t socket_clients;
	/** requests per second one client may send (10) */
	uint32_t socket_rate;
	/** seconds a connection may stay silent, 0 = forever (10) */
	uint32_t socket_idle_timeout;

	/** Prometheus textfile, empty = off */
	char metrics_file[DPC_PATH_LEN];
	/** disabled codes, comma separated */
	char disable[DPC_DISABLE_LEN];
	/** how long records of closed SAs are kept, seconds (300) */
	uint32_t keep_closed;
	/** charon.keep_alive, seconds (20) */
	uint32_t keep_alive;

	/* what a round may cost, and the metrics file's mode */

	/** file mode of the metrics file (0640: it names tunnels and peers) */
	uint32_t metrics_mode;
	/** wall clock budget of one round (facts and checks), ms (10s) */
	uint32_t round_budget_ms;
	/** rules and set elements beyond which the ruleset is not judged */
	uint32_t ruleset_max_elements;
	/** bytes of rules the kernel returns beyond which it is not judged */
	uint32_t ruleset_max_bytes;
	/** IKE_SA and CHILD_SA records kept at most (100000) */
	uint32_t max_records;
	/** charon.half_open_timeout, seconds (30) */
	uint32_t half_open_timeout;
	/** 1: findings as journal entries with fields under charon-systemd,
	 *  0: only through charon's bus (1) */
	uint32_t journal_fields;
	/** 1: rounds after kernel changes (routes, rules, addresses, links,
	 *  XFRM, nftables), 0: only after IKE events and periodically (1) */
	uint32_t watch_kernel;
} dpc_settings_t;

/** longest accepted interval, seconds (one day: the rounds are a safety
 *  net, rounds also run after every change) */
#define DPC_INTERVAL_MAX 86400

/**
 * Fetch the raw string of an option ("interval", ...), NULL if unset.
 */
typedef const char *(*dpc_settings_get_t)(void *ctx, const char *key);

/**
 * Report a bad value: one complete line, e.g.
 * "invalid interval 'abc' (a duration like 30s, 5m), using 30s".
 */
typedef void (*dpc_settings_warn_t)(void *ctx, const char *line);

/**
 * Fill settings with the defaults (socket URI from the pid directory).
 */
void dpc_settings_defaults(dpc_settings_t *s, const char *piddir);

/**
 * Read and validate every option through get; bad values are reported
 * through warn and replaced by the default.
 *
 * charon.keep_alive and charon.half_open_timeout are read with their
 * full keys ("charon.keep_alive").
 *
 * @return			number of bad values
 */
int dpc_settings_parse(dpc_settings_t *s, const char *piddir,
					   dpc_settings_get_t get, dpc_settings_warn_t warn,
					   void *ctx);

/**
 * Parse a duration: "30", "30s", "5m", "2h", "1d"; "500ms" for ms.
 *
 * @param ms		TRUE to return milliseconds, FALSE for seconds
 * @return			TRUE if valid
 */
bool dpc_settings_parse_duration(const char *str, bool ms, uint32_t *out);

/**
 * The periodic interval in milliseconds, as the scheduler takes it: never
 * wraps (capped at DPC_INTERVAL_MAX seconds), at least one second.
 */
uint32_t dpc_settings_interval_ms(const dpc_settings_t *s);

/**
 * Parse a size: "65536", "512k", "64M", "1G" (binary multiples).
 *
 * @return			TRUE if valid and below 4 GiB
 */
bool dpc_settings_parse_size(const char *str, uint32_t *out);

/**
 * Is a code in the comma separated disable list?
 */
bool dpc_settings_is_disabled(const dpc_settings_t *s, const char *code);

#endif /** DPC_SETTINGS_H_ @}*/
