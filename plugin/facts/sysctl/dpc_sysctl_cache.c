/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_sysctl_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <utils/utils.h>

/** longest sysctl path accepted (below /proc/sys/) */
#define SYSCTL_PATH_MAX 128

/** longest sysctl value read */
#define SYSCTL_VALUE_MAX 32

/**
 * A cached sysctl.
 */
typedef struct {
	/** path below /proc/sys */
	char path[SYSCTL_PATH_MAX];
	/** readable and an integer */
	bool ok;
	/** the value */
	int value;
} sysctl_entry_t;

typedef struct private_dpc_sysctl_cache_t private_dpc_sysctl_cache_t;

/**
 * Private data of the sysctls of a round.
 */
struct private_dpc_sysctl_cache_t {

	/**
	 * Public interface.
	 */
	dpc_sysctl_cache_t public;

	/**
	 * Cached sysctls.
	 */
	sysctl_entry_t *sysctls;

	/**
	 * Number of cached sysctls.
	 */
	size_t nsysctls;
};

/**
 * Accept a sysctl path: relative, no empty, "." or ".." components, no
 * whitespace.
 */
static bool path_ok(const char *path)
{
	const char *c, *start = path;
	size_t len;

	len = strnlen(path, SYSCTL_PATH_MAX);
	if (!len || len >= SYSCTL_PATH_MAX)
	{
		return FALSE;
	}
	for (c = path; ; c++)
	{
		if (*c == '/' || *c == '\0')
		{
			len = c - start;
			if (!len || (len == 1 && start[0] == '.') ||
				(len == 2 && start[0] == '.' && start[1] == '.'))
			{
				return FALSE;
			}
			if (*c == '\0')
			{
				return TRUE;
			}
			start = c + 1;
		}
		else if ((unsigned char)*c <= ' ' || *c == 0x7f)
		{
			return FALSE;
		}
	}
}

/**
 * Read /proc/sys/<path> as a single integer.
 */
static bool read_sysctl(const char *path, int *value)
{
	char file[sizeof("/proc/sys/") + SYSCTL_PATH_MAX];
	char buf[SYSCTL_VALUE_MAX + 1], *end;
	ssize_t len;
	long val;
	int fd;

	if (!path_ok(path))
	{
		return FALSE;
	}
	snprintf(file, sizeof(file), "/proc/sys/%s", path);
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
	{
		return FALSE;
	}
	do
	{
		len = read(fd, buf, sizeof(buf));
	}
	while (len < 0 && errno == EINTR);
	close(fd);
	if (len <= 0 || len > SYSCTL_VALUE_MAX)
	{	/* empty, unreadable or too long for one integer */
		return FALSE;
	}
	buf[len] = '\0';
	errno = 0;
	val = strtol(buf, &end, 10);
	if (end == buf || errno || val < INT_MIN || val > INT_MAX)
	{
		return FALSE;
	}
	while (*end == '\n' || *end == ' ')
	{
		end++;
	}
	if (*end)
	{	/* several values (e.g. "4096 131072 6291456") or text */
		return FALSE;
	}
	*value = val;
	return TRUE;
}

METHOD(dpc_sysctl_cache_t, get, bool,
	private_dpc_sysctl_cache_t *this, const char *path, int *value)
{
	sysctl_entry_t *entry, *grown;
	size_t i;

	for (i = 0; i < this->nsysctls; i++)
	{
		entry = &this->sysctls[i];
		if (strncmp(entry->path, path, sizeof(entry->path)) == 0)
		{
			*value = entry->value;
			return entry->ok;
		}
	}
	if (strnlen(path, SYSCTL_PATH_MAX) >= SYSCTL_PATH_MAX)
	{
		return FALSE;
	}
	grown = realloc(this->sysctls, (this->nsysctls + 1) * sizeof(*grown));
	if (!grown)
	{
		return read_sysctl(path, value);
	}
	this->sysctls = grown;
	entry = &this->sysctls[this->nsysctls++];
	memset(entry, 0, sizeof(*entry));
	strcpy(entry->path, path);
	entry->ok = read_sysctl(path, &entry->value);
	*value = entry->value;
	return entry->ok;
}

METHOD(dpc_sysctl_cache_t, at, bool,
	private_dpc_sysctl_cache_t *this, size_t i, const char **path,
	int *value, bool *ok)
{
	if (i >= this->nsysctls)
	{
		return FALSE;
	}
	*path = this->sysctls[i].path;
	*value = this->sysctls[i].value;
	*ok = this->sysctls[i].ok;
	return TRUE;
}

METHOD(dpc_sysctl_cache_t, destroy, void,
	private_dpc_sysctl_cache_t *this)
{
	free(this->sysctls);
	free(this);
}

/*
 * Described in header
 */
dpc_sysctl_cache_t *dpc_sysctl_cache_create(void)
{
	private_dpc_sysctl_cache_t *this;

	INIT(this,
		.public = {
			.get = _get,
			.at = _at,
			.destroy = _destroy,
		},
	);
	return &this->public;
}
