/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * An in-process charon for the stress test and the soak: libstrongswan and
 * libcharon initialised as the daemon does, charon's worker pool running,
 * and the plugin loaded by name from this executable (it is linked in, so
 * sanitizers instrument it; the plugin loader finds the constructor with
 * dlsym(RTLD_DEFAULT)). No socket, no kernel interface: the bus, the IKE_SA
 * manager, the scheduler, the processor, the watcher and the streams are
 * charon's own.
 */

#ifndef HX_CHARON_H_
#define HX_CHARON_H_

#include <stdbool.h>

/**
 * Start charon with the plugin.
 *
 * @param threads		charon worker threads
 * @param dpc_lines		extra lines inside charon.plugins.dataplane-check,
 *						may be NULL (they override the harness defaults:
 *						interval 1s, settle 0, keep_closed 10s)
 *
 * HX_PLUGIN=0 in the environment starts charon without the plugin (a
 * baseline for the harness itself), HX_LOGLEVEL=N logs charon to stderr,
 * HX_NETNS=0 stays in the current network namespace.
 * @return				FALSE (after a message on stderr) on failure
 */
bool hx_charon_init(int threads, const char *dpc_lines);

/**
 * Path of the plugin's query socket.
 */
const char *hx_charon_socket(void);

/**
 * The scratch directory (strongswan.conf, socket, metrics file).
 */
const char *hx_charon_dir(void);

/**
 * Apply a setting of the plugin as `swanctl --reload-settings` would
 * (lib->settings, then the plugin's reload()).
 *
 * @param key			option below charon.plugins.dataplane-check
 * @param value			new value
 */
void hx_charon_reload(const char *key, const char *value);

/**
 * The state of charon's worker pool.
 *
 * @param idle			receives the number of idle workers
 * @param queued		receives the number of queued jobs, all priorities
 */
void hx_charon_workers(unsigned int *idle, unsigned int *queued);

/**
 * Stop charon as the daemon does at shutdown and remove the scratch
 * directory. Every IKE_SA of the harness must have been destroyed.
 */
void hx_charon_deinit(void);

/**
 * Resident set size of this process (VmRSS), in KiB; 0 if unknown.
 */
long hx_rss_kib(void);

/**
 * Heap in use (malloc'ed and not freed, all arenas), in KiB.
 */
long hx_heap_kib(void);

#endif /** HX_CHARON_H_ */
