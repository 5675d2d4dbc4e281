/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#define _GNU_SOURCE
#include "hx_charon.h"

#include <daemon.h>

#include <errno.h>
#include <ftw.h>
#include <malloc.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* charon needs SHA1, RNGs and a nonce generator, found in the installed
 * plugin directory; dataplane-check is this executable's own */
#define HX_CHARON_PLUGINS "random nonce sha1"
#define HX_PLUGINS HX_CHARON_PLUGINS " dataplane-check"

static char hx_dir[256];
static char hx_socket[300];

/**
 * With root, run in a network namespace of our own, so the rounds read an
 * empty, stable kernel state (lo only); HX_NETNS=0 keeps the current one
 * (the rounds only read it). Threads created later inherit it.
 */
static void enter_netns(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	const char *env = getenv("HX_NETNS");
	int fd;

	if (geteuid() != 0 || (env && streq(env, "0")))
	{
		return;
	}
	if (unshare(CLONE_NEWNET) != 0)
	{
		fprintf(stderr, "harness: unshare(CLONE_NEWNET): %s, using the "
				"current network namespace\n", strerror(errno));
		return;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && ioctl(fd, SIOCGIFFLAGS, &ifr) == 0)
	{
		ifr.ifr_flags |= IFF_UP;
		ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	if (fd >= 0)
	{
		close(fd);
	}
}

static bool provide(plugin_t *plugin, plugin_feature_t *feature, bool reg,
					void *data)
{
	return TRUE;
}

/**
 * What charon's core needs besides crypto, provided without anything
 * behind it: no IKE socket (nothing is sent or received) and no kernel
 * interface (the plugin reads the kernel itself; charon's kernel calls
 * fail with NOT_SUPPORTED).
 */
static void add_placeholders(void)
{
	static plugin_feature_t features[] = {
		PLUGIN_CALLBACK(provide, NULL),
			PLUGIN_PROVIDE(CUSTOM, "kernel-ipsec"),
			PLUGIN_PROVIDE(CUSTOM, "kernel-net"),
			PLUGIN_PROVIDE(CUSTOM, "socket"),
	};

	lib->plugins->add_static_features(lib->plugins, "harness", features,
									  countof(features), TRUE, NULL, NULL);
}

/**
 * Write the strongswan.conf of the harness into the scratch directory.
 */
static bool write_conf(const char *path, const char *dpc_lines)
{
	FILE *f;
	int ok;

	f = fopen(path, "we");
	if (!f)
	{
		return FALSE;
	}
	fprintf(f,
		"charon {\n"
		"  load_modular = no\n"
		"  filelog {\n"
		"    stderr {\n"
		"      default = %s\n"
		"    }\n"
		"  }\n"
		"  plugins {\n"
		"    dataplane-check {\n"
		"      interval = 1s\n"
		"      settle = 0\n"
		"      keep_closed = 10s\n"
		"      socket = unix://%s\n"
		"      metrics_file = %s/metrics.prom\n"
		"      %s\n"
		"    }\n"
		"  }\n"
		"}\n", getenv("HX_LOGLEVEL") ?: "-1", hx_socket, hx_dir,
		dpc_lines ?: "");
	ok = !ferror(f);
	return fclose(f) == 0 && ok;
}

/*
 * Described in header
 */
bool hx_charon_init(int threads, const char *dpc_lines)
{
	const char *env = getenv("HX_PLUGIN");
	bool plugin = !env || !streq(env, "0");
	char conf[300];

	/* as charon's main(): a client that went away must not kill us */
	signal(SIGPIPE, SIG_IGN);
	enter_netns();
	snprintf(hx_dir, sizeof(hx_dir), "%s/dpc-harness.XXXXXX",
			 getenv("TMPDIR") ?: "/tmp");
	if (!mkdtemp(hx_dir))
	{
		fprintf(stderr, "harness: mkdtemp %s: %s\n", hx_dir, strerror(errno));
		return FALSE;
	}
	snprintf(hx_socket, sizeof(hx_socket), "%s/dpc.sock", hx_dir);
	snprintf(conf, sizeof(conf), "%s/strongswan.conf", hx_dir);
	if (!write_conf(conf, dpc_lines))
	{
		fprintf(stderr, "harness: cannot write %s\n", conf);
		return FALSE;
	}
	if (!library_init(conf, "charon"))
	{
		fprintf(stderr, "harness: library_init failed\n");
		return FALSE;
	}
	if (!libcharon_init())
	{
		fprintf(stderr, "harness: libcharon_init failed\n");
		return FALSE;
	}
	charon->load_loggers(charon);
	add_placeholders();
	if (!charon->initialize(charon, plugin ? HX_PLUGINS : HX_CHARON_PLUGINS) ||
		!charon->ike_sa_manager || (plugin &&
		!lib->plugins->has_feature(lib->plugins,
								   PLUGIN_PROVIDE(CUSTOM, "dataplane-check"))))
	{
		fprintf(stderr, "harness: charon or the plugin did not initialise "
				"(plugins: %s)\n", HX_PLUGINS);
		return FALSE;
	}
	lib->processor->set_threads(lib->processor, threads);
	return TRUE;
}

/*
 * Described in header
 */
const char *hx_charon_socket(void)
{
	return hx_socket;
}

/*
 * Described in header
 */
const char *hx_charon_dir(void)
{
	return hx_dir;
}

/*
 * Described in header
 */
void hx_charon_reload(const char *key, const char *value)
{
	lib->settings->set_str(lib->settings, "charon.plugins.dataplane-check.%s",
						   (char*)value, key);
	lib->plugins->reload(lib->plugins, "dataplane-check");
}

/*
 * Described in header
 */
void hx_charon_workers(u_int *idle, u_int *queued)
{
	job_priority_t prio;

	*idle = lib->processor->get_idle_threads(lib->processor);
	*queued = 0;
	for (prio = 0; prio < JOB_PRIO_MAX; prio++)
	{
		*queued += lib->processor->get_job_load(lib->processor, prio);
	}
}

static int remove_entry(const char *path, const struct stat *sb, int flag,
						struct FTW *ftw)
{
	return remove(path);
}

/*
 * Described in header
 */
void hx_charon_deinit(void)
{
	libcharon_deinit();
	library_deinit();
	if (hx_dir[0])
	{
		nftw(hx_dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	}
}

/*
 * Described in header
 */
long hx_rss_kib(void)
{
	char line[256];
	long kib = 0;
	FILE *f;

	f = fopen("/proc/self/status", "re");
	if (!f)
	{
		return 0;
	}
	while (fgets(line, sizeof(line), f))
	{
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
		{
			break;
		}
	}
	fclose(f);
	return kib;
}

/*
 * Described in header
 */
long hx_heap_kib(void)
{
	struct mallinfo2 mi = mallinfo2();

	return (long)(mi.uordblks + mi.hblkhd) / 1024;
}
