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
#include "dpc_listener.h"
#include "dpc_report.h"
#include "dpc_registry.h"
#include "dpc_round.h"
#include "dpc_settings.h"
#include "dpc_socket.h"
#include "dpc_trace.h"

#include <daemon.h>

#include <errno.h>

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
	 * Query socket, NULL if it could not be created
	 */
	dpc_socket_t *socket;

	/**
	 * Answers the socket's commands
	 */
	dpc_socket_provider_t provider;
};

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

/**
 * What the plugin says about itself in reports.
 */
static void report_info(private_dataplane_check_plugin_t *this,
						dpc_report_info_t *info, time_t last)
{
	*info = (dpc_report_info_t){
		.version = DPC_VERSION,
		.strongswan = VERSION,
		.dataplane = this->round->get_dataplane(this->round),
		.last_round = last,
		.now = time_monotonic(NULL),
		.now_wall = time(NULL),
	};
}

/**
 * The plugin owning an embedded provider.
 */
static inline private_dataplane_check_plugin_t *of(dpc_socket_provider_t *p)
{
	return (private_dataplane_check_plugin_t*)((char*)p -
						offsetof(private_dataplane_check_plugin_t, provider));
}

/**
 * Leave out records of IKE_SAs that never came up (IKE_SA_INIT only).
 */
static void drop_stubs(dpc_tunnels_t *tunnels)
{
	int i, n = 0;

	for (i = 0; i < tunnels->count; i++)
	{
		if (tunnels->ikes[i].established)
		{
			tunnels->ikes[n++] = tunnels->ikes[i];
		}
		else
		{
			dpc_ike_rec_clear(&tunnels->ikes[i]);
		}
	}
	tunnels->count = n;
}

/**
 * Build the status reply.
 */
static chunk_t status_msg(private_dataplane_check_plugin_t *this)
{
	dpc_report_info_t info;
	dpc_findings_t findings;
	dpc_tunnels_t tunnels;
	uint8_t *msg;
	size_t len;
	time_t last;

	dpc_findings_init(&findings);
	dpc_tunnels_init(&tunnels);
	this->round->get_state(this->round, &findings, &tunnels, &last);
	drop_stubs(&tunnels);
	report_info(this, &info, last);
	if (!dpc_report_status(&info, &tunnels, &findings, &msg, &len))
	{
		msg = NULL;
		len = 0;
	}
	dpc_findings_clear(&findings);
	dpc_tunnels_clear(&tunnels);
	return chunk_create(msg, len);
}

static chunk_t provide_status(dpc_socket_provider_t *provider)
{
	return status_msg(of(provider));
}

static chunk_t provide_check(dpc_socket_provider_t *provider)
{
	private_dataplane_check_plugin_t *this = of(provider);

	this->round->run(this->round);
	return status_msg(this);
}

static chunk_t provide_version(dpc_socket_provider_t *provider)
{
	private_dataplane_check_plugin_t *this = of(provider);
	dpc_report_info_t info;
	uint8_t *msg;
	size_t len;

	report_info(this, &info, 0);
	if (!dpc_report_version(&info, &msg, &len))
	{
		return chunk_empty;
	}
	return chunk_create(msg, len);
}

static chunk_t provide_trace(dpc_socket_provider_t *provider, chunk_t request)
{
	private_dataplane_check_plugin_t *this = of(provider);
	dpc_vici_node_t *req;
	dpc_trace_query_t q;
	dpc_trace_result_t *res;
	const char *perr = NULL;
	char err[256];
	uint8_t *msg;
	size_t len;
	bool ok;

	req = dpc_vici_parse(request.ptr, request.len, &perr);
	if (!req)
	{
		snprintf(err, sizeof(err), "malformed request: %s",
				 perr ? perr : "cannot parse");
	}
	if (!req || !dpc_trace_parse_request(req, &q, err, sizeof(err)))
	{
		dpc_vici_node_free(req);
		if (!dpc_trace_report_error(err, &msg, &len))
		{
			return chunk_empty;
		}
		return chunk_create(msg, len);
	}
	dpc_vici_node_free(req);

	res = malloc(sizeof(*res));
	if (!res)
	{
		return chunk_empty;
	}
	if (this->round->trace(this->round, &q, res))
	{
		ok = dpc_trace_report(&q, res, &msg, &len);
	}
	else
	{
		snprintf(err, sizeof(err), "cannot read the kernel's state over "
				 "netlink: %s", strerror(errno));
		ok = dpc_trace_report_error(err, &msg, &len);
	}
	free(res);
	return ok ? chunk_create(msg, len) : chunk_empty;
}

/**
 * Raise finding events on the socket.
 */
static void raise_event(private_dataplane_check_plugin_t *this,
						dpc_event_type_t type, const dpc_finding_t *f)
{
	uint8_t *msg;
	size_t len;

	if (this->socket && this->socket->has_listeners(this->socket) &&
		dpc_report_event(type, f, time(NULL), &msg, &len))
	{
		this->socket->notify(this->socket, chunk_create(msg, len));
		free(msg);
	}
}

METHOD(plugin_t, get_name, char*,
	private_dataplane_check_plugin_t *this)
{
	return "dataplane-check";
}

/**
 * (Un-)register the listener, the socket and the periodic rounds.
 */
static bool plugin_cb(private_dataplane_check_plugin_t *this,
					  plugin_feature_t *feature, bool reg, void *cb_data)
{
	dpc_settings_t settings;

	if (reg)
	{
		this->round->get_settings(this->round, &settings);
		this->socket = dpc_socket_create(&settings, &this->provider);
		if (!this->socket)
		{
			DBG1(DBG_CFG, "dataplane-check: query socket %s unavailable, "
				 "findings are only logged", settings.socket);
		}
		this->round->set_event_cb(this->round,
								  (dpc_round_event_cb_t)raise_event, this);
		charon->bus->add_listener(charon->bus, &this->listener->listener);
		this->round->start(this->round);
	}
	else
	{
		charon->bus->remove_listener(charon->bus, &this->listener->listener);
		this->round->set_event_cb(this->round, NULL, NULL);
		DESTROY_IF(this->socket);
		this->socket = NULL;
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
	this->round->set_settings(this->round, &settings);
	return TRUE;
}

METHOD(plugin_t, destroy, void,
	private_dataplane_check_plugin_t *this)
{
	DESTROY_IF(this->socket);
	this->listener->destroy(this->listener);
	this->round->destroy(this->round);
	this->registry->destroy(this->registry);
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
	/* reading nf_tables needs CAP_NET_ADMIN, the legacy tables a raw
	 * socket: keep both when charon drops its privileges */
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
		.provider = {
			.status = provide_status,
			.check = provide_check,
			.trace = provide_trace,
			.version = provide_version,
		},
		.registry = dpc_registry_create(),
	);
	this->round = dpc_round_create(this->registry, &settings);
	this->listener = dpc_listener_create(this->registry, this->round);

	return &this->public.plugin;
}
