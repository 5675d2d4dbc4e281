/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dataplane_check dataplane_check
 * @ingroup cplugins
 *
 * @defgroup dataplane_check_plugin dataplane_check_plugin
 * @{ @ingroup dataplane_check
 */

#ifndef DATAPLANE_CHECK_PLUGIN_H_
#define DATAPLANE_CHECK_PLUGIN_H_

#include <plugins/plugin.h>

typedef struct dataplane_check_plugin_t dataplane_check_plugin_t;

/**
 * Plugin that cross-checks each CHILD_SA against the kernel's data plane
 * (routes, forwarding, selectors, NAT keepalives, traffic counters) and
 * reports what would keep its packets from flowing.
 */
struct dataplane_check_plugin_t {

	/**
	 * Implements plugin interface.
	 */
	plugin_t plugin;
};

/**
 * What charon looks up in the plugin: the plugin is built with hidden
 * visibility, so these are the only symbols it exports.
 */
#define DPC_EXPORT __attribute__((visibility("default")))

/**
 * Create the plugin; charon finds the constructor by the plugin's name.
 *
 * @return			plugin_t object
 */
DPC_EXPORT plugin_t *dataplane_check_plugin_create();

/**
 * The strongSwan version the plugin was built for; charon 6.0.3 and later
 * refuse plugins whose version differs from theirs.
 */
DPC_EXPORT extern const char *dataplane_check_plugin_version;

#endif /** DATAPLANE_CHECK_PLUGIN_H_ @}*/
