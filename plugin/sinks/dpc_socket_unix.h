/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_socket_unix dpc_socket_unix
 * @{ @ingroup dataplane_check
 *
 * Creating the query socket's UNIX listening socket (libc only) so that no
 * one can connect before its mode and group are final, and without
 * following symlinks:
 *
 * - the socket's mode is set before bind(), so the file is created with
 *   it (less what the umask removes);
 * - after bind() the new file is opened with O_PATH|O_NOFOLLOW and checked
 *   (a socket, ours); owner, group and the exact mode are set through that
 *   descriptor, never through the path;
 * - only then listen() is called: until then connect() is refused.
 */

#ifndef DPC_SOCKET_UNIX_H_
#define DPC_SOCKET_UNIX_H_

#include <stddef.h>
#include <stdbool.h>
#include <sys/types.h>

/**
 * Create a listening UNIX stream socket.
 *
 * An existing socket or symlink at path is replaced; anything else there
 * is an error.
 *
 * @param path		file system path
 * @param mode		file mode (permission bits)
 * @param uid		owner, (uid_t)-1 to keep the process' one
 * @param gid		group, (gid_t)-1 to keep the process' one
 * @param backlog	listen() backlog
 * @param err		receives the reason on failure
 * @param errlen	size of err
 * @return			descriptor (non-blocking, close-on-exec), -1 on failure
 */
int dpc_socket_unix_listen(const char *path, mode_t mode, uid_t uid,
						   gid_t gid, int backlog, char *err, size_t errlen);

/**
 * Resolve a group name or number.
 *
 * @param name		group name, or its number
 * @param gid		receives the group id
 * @return			FALSE if there is no such group
 */
bool dpc_socket_unix_group(const char *name, gid_t *gid);

#endif /** DPC_SOCKET_UNIX_H_ @}*/
