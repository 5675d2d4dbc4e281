/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#define _GNU_SOURCE
#include "dataplane_check_plugin.h"
#include "engine/dpc_listener.h"
#include "engine/dpc_query.h"
#include "engine/dpc_registry.h"
#include "engine/dpc_round.h"
#include "engine/dpc_watch.h"
#include "model/dpc_bulk.h"
#include "model/dpc_settings.h"

#include <daemon.h>

/* strongSwan's VERSION: config.h of the tree the plugin was built against */
const char *dataplane_check_plugin_version = VERSION;

typedef struct private_dataplane_check_plugin_t private_dataplane_check_plugin_t;

/**
 * Private data.
 */
struct private_dataplane_check_plugin_t {

	/**
	 * Public interface.
	 */
	dataplane_check_plugin_t public;

	/**
	 * Tunnel records
	 */
	dpc_registry_t *registry;

	/**
	 * Check rounds
	 */
	dpc_round_t *round;

	/**
	 * Bus listener
	 */
	dpc_listener_t *listener;

	/**
	 * Answers the query socket, NULL if the socket could not be created
	 */
	dpc_query_t *query;

	/**
	 * Watches the kernel for changes, NULL if off (watch_kernel = no)
	 */
	dpc_watch_t *watch;

	/**
	 * The plugin's features are registered
	 */
	bool registered;
};

/**
 * Start or stop watching the kernel as the settings say.
 */
static void set_watch(private_dataplane_check_plugin_t *this, bool on)
{
	if (on && !this->watch)
	{
		this->watch = dpc_watch_create(&this->round->trigger);
		if (!this->watch)
		{
			DBG1(DBG_CFG, "dataplane-check: cannot watch the kernel for "
				 "changes, rounds run after IKE events and every interval "
				 "only");
		}
	}
	else if (!on && this->watch)
	{
		this->watch->destroy(this->watch);
		this->watch = NULL;
	}
	this->round->set_watching(this->round, this->watch != NULL);
}

/**
 * Fetch a raw option from strongswan.conf.
 */
static const char *get_option(void *ctx, const char *key)
{
	if (strpfx(key, "charon."))
	{
		return lib->settings->get_str(lib->settings, "%s.%s", NULL, lib->ns,
									  key + strlen("charon."));
	}
	return lib->settings->get_str(lib->settings,
								  "%s.plugins.dataplane-check.%s", NULL,
								  lib->ns, key);
}

/**
 * Report a bad option value.
 */
static void warn_option(void *ctx, const char *line)
{
	DBG1(DBG_CFG, "dataplane-check: %s", line);
}

/**
 * Read and validate the settings.
 */
static void load_settings(dpc_settings_t *settings)
{
	dpc_settings_parse(settings, DPC_PIDDIR, get_option, warn_option, NULL);
}

METHOD(plugin_t, get_name, char*,
	private_dataplane_check_plugin_t *this)
{
	return "dataplane-check";
}

/**
 * (Un-)register the listener, the query socket and the periodic rounds.
 */
static bool plugin_cb(private_dataplane_check_plugin_t *this,
					  plugin_feature_t *feature, bool reg, void *cb_data)
{
	dpc_settings_t settings;

	if (reg)
	{
		this->round->get_settings(this->round, &settings);
		this->query = dpc_query_create(this->registry, this->round,
									   &settings);
		if (!this->query)
		{
			DBG1(DBG_CFG, "dataplane-check: query socket %s unavailable, "
				 "findings are only logged", settings.socket);
		}
		charon->bus->add_listener(charon->bus, &this->listener->listener);
		set_watch(this, settings.watch_kernel);
		this->registered = TRUE;
		this->round->start(this->round);
	}
	else
	{	/* a round still running stops at once */
		this->round->abort(this->round);
		set_watch(this, FALSE);
		this->registered = FALSE;
		charon->bus->remove_listener(charon->bus, &this->listener->listener);
		DESTROY_IF(this->query);
		this->query = NULL;
	}
	return TRUE;
}

METHOD(plugin_t, get_features, int,
	private_dataplane_check_plugin_t *this, plugin_feature_t *features[])
{
	static plugin_feature_t f[] = {
		PLUGIN_CALLBACK((plugin_feature_callback_t)plugin_cb, NULL),
			PLUGIN_PROVIDE(CUSTOM, "dataplane-check"),
	};
	*features = f;
	return countof(f);
}

METHOD(plugin_t, reload, bool,
	private_dataplane_check_plugin_t *this)
{
	dpc_settings_t settings;

	load_settings(&settings);
	this->registry->set_settings(this->registry, &settings);
	this->round->set_settings(this->round, &settings);
	if (this->registered)
	{	/* watch as the settings say now */
		set_watch(this, settings.watch_kernel);
	}
	return TRUE;
}

METHOD(plugin_t, destroy, void,
	private_dataplane_check_plugin_t *this)
{
	DESTROY_IF(this->watch);
	DESTROY_IF(this->query);
	this->listener->destroy(this->listener);
	this->round->destroy(this->round);
	this->registry->destroy(this->registry);
	dpc_bulk_release();
	free(this);
}

/*
 * Described in header
 */
plugin_t *dataplane_check_plugin_create()
{
	private_dataplane_check_plugin_t *this;
	dpc_settings_t settings;

	load_settings(&settings);
	/* dumping nf_tables and the SAD needs CAP_NET_ADMIN; the legacy tables
	 * are read through libiptc, which opens a raw socket (CAP_NET_RAW) for
	 * their getsockopt()s ("iptables-legacy -L" fails without it, so does
	 * reading iptables-legacy rules): keep both when charon drops its
	 * privileges, nothing else of the plugin needs CAP_NET_RAW */
	if (!lib->caps->keep(lib->caps, CAP_NET_ADMIN) ||
		!lib->caps->keep(lib->caps, CAP_NET_RAW))
	{
		DBG1(DBG_CFG, "dataplane-check: charon lacks CAP_NET_ADMIN or "
			 "CAP_NET_RAW, netfilter rules may not be readable");
	}

	INIT(this,
		.public = {
			.plugin = {
				.get_name = _get_name,
				.get_features = _get_features,
				.reload = _reload,
				.destroy = _destroy,
			},
		},
		.registry = dpc_registry_create(&settings),
	);
	if (!this->registry)
	{
		free(this);
		return NULL;
	}
	this->round = dpc_round_create(this->registry, &settings);
	if (!this->round)
	{
		this->registry->destroy(this->registry);
		free(this);
		return NULL;
	}
	this->listener = dpc_listener_create(this->registry,
										 &this->round->trigger);

	return &this->public.plugin;
}
