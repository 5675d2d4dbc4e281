/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#define _GNU_SOURCE
#include "dpc_socket_unix.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/**
 * Remove a stale socket (or a symlink) at path, nothing else.
 */
static bool remove_stale(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (lstat(path, &st) != 0)
	{
		if (errno == ENOENT)
		{
			return true;
		}
		snprintf(err, errlen, "cannot stat '%s': %s", path, strerror(errno));
		return false;
	}
	if (!S_ISSOCK(st.st_mode) && !S_ISLNK(st.st_mode))
	{
		snprintf(err, errlen, "'%s' exists and is not a socket", path);
		return false;
	}
	if (unlink(path) != 0 && errno != ENOENT)
	{
		snprintf(err, errlen, "cannot remove '%s': %s", path, strerror(errno));
		return false;
	}
	return true;
}

/**
 * Check that the file just bound is our socket, opened without following
 * symlinks.
 */
static int open_bound(const char *path, struct stat *st, char *err,
					  size_t errlen)
{
	int pfd;

	pfd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (pfd < 0)
	{
		snprintf(err, errlen, "cannot open '%s' after bind: %s", path,
				 strerror(errno));
		return -1;
	}
	if (fstat(pfd, st) != 0 || !S_ISSOCK(st->st_mode) ||
		st->st_uid != geteuid())
	{
		snprintf(err, errlen, "'%s' was replaced after bind", path);
		close(pfd);
		return -1;
	}
	return pfd;
}

/**
 * Set owner, group and mode of the file just bound through a descriptor of
 * it, never through the path.
 */
static bool set_perms(const char *path, mode_t mode, uid_t uid, gid_t gid,
					  char *err, size_t errlen)
{
	char proc[64];
	struct stat st;
	bool ok = true;
	int pfd;

	pfd = open_bound(path, &st, err, errlen);
	if (pfd < 0)
	{
		return false;
	}
	if (((uid != (uid_t)-1 && uid != st.st_uid) ||
		 (gid != (gid_t)-1 && gid != st.st_gid)) &&
		fchownat(pfd, "", uid, gid, AT_EMPTY_PATH) != 0)
	{
		snprintf(err, errlen, "cannot change owner/group of '%s': %s", path,
				 strerror(errno));
		ok = false;
	}
	if (ok && (st.st_mode & 07777) != mode)
	{	/* the umask took bits away: chmod the inode behind the descriptor */
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
		if (chmod(proc, mode) != 0)
		{
			snprintf(err, errlen, "cannot chmod %04o '%s': %s", (u_int)mode,
					 path, strerror(errno));
			ok = false;
		}
	}
	close(pfd);
	return ok;
}

int dpc_socket_unix_listen(const char *path, mode_t mode, uid_t uid,
						   gid_t gid, int backlog, char *err, size_t errlen)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	err[0] = '\0';
	mode &= 07777;
	if (strlen(path) >= sizeof(addr.sun_path))
	{
		snprintf(err, errlen, "socket path '%s' too long", path);
		return -1;
	}
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
	{
		snprintf(err, errlen, "socket() failed: %s", strerror(errno));
		return -1;
	}
	/* the file bind() creates gets this mode, less the umask */
	if (fchmod(fd, mode) != 0 || !remove_stale(path, err, errlen))
	{
		if (!err[0])
		{
			snprintf(err, errlen, "fchmod() failed: %s", strerror(errno));
		}
		close(fd);
		return -1;
	}
	if (bind(fd, (struct sockaddr*)&addr, sizeof(addr)) != 0)
	{
		snprintf(err, errlen, "binding '%s' failed: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!set_perms(path, mode, uid, gid, err, errlen) ||
		listen(fd, backlog) != 0)
	{
		if (!err[0])
		{
			snprintf(err, errlen, "listen on '%s' failed: %s", path,
					 strerror(errno));
		}
		close(fd);
		unlink(path);
		return -1;
	}
	return fd;
}

/*
 * Described in header
 */
bool dpc_socket_unix_group(const char *name, gid_t *gid)
{
	struct group grp, *res = NULL;
	char buf[16384], *end;
	unsigned long num;

	errno = 0;
	num = strtoul(name, &end, 10);
	if (*name && !*end && !errno)
	{
		*gid = num;
		return true;
	}
	if (getgrnam_r(name, &grp, buf, sizeof(buf), &res) == 0 && res)
	{
		*gid = res->gr_gid;
		return true;
	}
	return false;
}
