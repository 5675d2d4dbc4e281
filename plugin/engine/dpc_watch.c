/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_watch.h"
#include "facts/dpc_change_parse.h"

#include <library.h>
#include <utils/debug.h>
#include <threading/thread.h>
#include <threading/mutex.h>

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/xfrm.h>
#include <linux/netfilter/nfnetlink.h>

/** kernel receive buffer of each socket (the kernel doubles it) */
#define RCVBUF (256 * 1024)

/** one datagram read at a time; larger ones are truncated (and ignored) */
#define MSGBUF (64 * 1024)

/** datagrams read from one socket before the others get their turn */
#define BATCH 64

/** the sockets: rtnetlink, XFRM, nftables */
#define SOCKS 3

typedef struct private_dpc_watch_t private_dpc_watch_t;

/**
 * Private data.
 */
struct private_dpc_watch_t {

	/**
	 * Public interface.
	 */
	dpc_watch_t public;

	/**
	 * Receives the changes
	 */
	dpc_trigger_t *trigger;

	/**
	 * The sockets, -1 if unavailable
	 */
	int fd[SOCKS];

	/**
	 * Their netlink protocols
	 */
	int protocol[SOCKS];

	/**
	 * Wakes the thread to stop
	 */
	int wake;

	/**
	 * Protects stopping
	 */
	mutex_t *mutex;

	/**
	 * The thread shall stop
	 */
	bool stopping;

	/**
	 * The thread
	 */
	thread_t *thread;

	/**
	 * Receive buffer of MSGBUF bytes, used by the thread only (from
	 * malloc, not zeroed: only the pages datagrams reach become resident)
	 */
	uint8_t *buf;
};

/**
 * Open a non-blocking netlink socket of protocol joined to groups.
 */
static int open_socket(int protocol, const unsigned *groups, int count)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };
	int fd, size = RCVBUF, i;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
				protocol);
	if (fd < 0)
	{
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(fd, (struct sockaddr*)&addr, sizeof(addr)) < 0)
	{
		close(fd);
		return -1;
	}
	for (i = 0; i < count; i++)
	{
		if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &groups[i],
					   sizeof(groups[i])) < 0)
		{
			DBG1(DBG_CFG, "dataplane-check: cannot watch netlink group %u "
				 "of protocol %d: %s", groups[i], protocol, strerror(errno));
		}
	}
	return fd;
}

/**
 * Report every change in one datagram.
 */
static void datagram(private_dpc_watch_t *this, int protocol, size_t size)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr*)this->buf;
	dpc_change_t change;
	/* signed: NLMSG_NEXT() takes the aligned length, which may pass the
	 * end of a malformed last message */
	int len = size;

	for (; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len))
	{
		if (dpc_change_parse(protocol, nlh, len, &change))
		{
			this->trigger->changed(this->trigger, &change);
		}
	}
}

/**
 * Read what one socket has (a batch at most).
 */
static void drain(private_dpc_watch_t *this, int i)
{
	struct sockaddr_nl from;
	socklen_t fromlen;
	dpc_change_t overrun = { .kind = DPC_CHANGE_OVERRUN, .all = TRUE };
	ssize_t len;
	int n;

	for (n = 0; n < BATCH; n++)
	{
		fromlen = sizeof(from);
		len = recvfrom(this->fd[i], this->buf, MSGBUF, MSG_TRUNC,
					   (struct sockaddr*)&from, &fromlen);
		if (len < 0)
		{
			if (errno == ENOBUFS)
			{	/* the kernel dropped notifications: anything may have
				 * changed */
				this->trigger->changed(this->trigger, &overrun);
				continue;
			}
			if (errno == EINTR)
			{
				continue;
			}
			return;
		}
		if (fromlen < sizeof(from) || from.nl_pid != 0)
		{	/* only the kernel announces changes */
			continue;
		}
		if ((size_t)len > MSGBUF)
		{	/* truncated: its messages cannot be told apart */
			this->trigger->changed(this->trigger, &overrun);
			continue;
		}
		datagram(this, this->protocol[i], len);
	}
}

/**
 * The watcher's thread.
 */
static void *run(private_dpc_watch_t *this)
{
	struct pollfd pfd[SOCKS + 1];
	uint64_t counter;
	bool stopping;
	int i;

	/* stopped through the wake fd, never cancelled */
	thread_cancelability(FALSE);
	while (TRUE)
	{
		pfd[0] = (struct pollfd){ .fd = this->wake, .events = POLLIN };
		for (i = 0; i < SOCKS; i++)
		{
			pfd[1 + i] = (struct pollfd){ .fd = this->fd[i],
										  .events = POLLIN };
		}
		if (poll(pfd, SOCKS + 1, -1) < 0 && errno != EINTR)
		{
			DBG1(DBG_CFG, "dataplane-check: kernel watch poll failed: %s",
				 strerror(errno));
			poll(NULL, 0, 1000);
			continue;
		}
		if (pfd[0].revents && read(this->wake, &counter, sizeof(counter)) < 0)
		{	/* EAGAIN: drained already */
		}
		this->mutex->lock(this->mutex);
		stopping = this->stopping;
		this->mutex->unlock(this->mutex);
		if (stopping)
		{
			break;
		}
		for (i = 0; i < SOCKS; i++)
		{
			if (this->fd[i] >= 0 && pfd[1 + i].revents)
			{
				drain(this, i);
			}
		}
	}
	return NULL;
}

METHOD(dpc_watch_t, destroy, void,
	private_dpc_watch_t *this)
{
	uint64_t one = 1;
	int i;

	if (this->thread)
	{
		this->mutex->lock(this->mutex);
		this->stopping = TRUE;
		this->mutex->unlock(this->mutex);
		if (write(this->wake, &one, sizeof(one)) < 0)
		{	/* EAGAIN: a wake-up is pending already */
		}
		this->thread->join(this->thread);
	}
	for (i = 0; i < SOCKS; i++)
	{
		if (this->fd[i] >= 0)
		{
			close(this->fd[i]);
		}
	}
	if (this->wake >= 0)
	{
		close(this->wake);
	}
	this->mutex->destroy(this->mutex);
	free(this->buf);
	free(this);
}

/*
 * Described in header
 */
dpc_watch_t *dpc_watch_create(dpc_trigger_t *trigger)
{
	static const unsigned rtnl[] = {
		RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV4_ROUTE,
		RTNLGRP_IPV4_RULE, RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV6_ROUTE,
		RTNLGRP_IPV6_RULE,
	};
	static const unsigned xfrm[] = {
		XFRMNLGRP_SA, XFRMNLGRP_POLICY, XFRMNLGRP_EXPIRE,
	};
	static const unsigned nft[] = {
		NFNLGRP_NFTABLES,
	};
	private_dpc_watch_t *this;

	INIT(this,
		.public = {
			.destroy = _destroy,
		},
		.trigger = trigger,
		.protocol = { NETLINK_ROUTE, NETLINK_XFRM, NETLINK_NETFILTER },
		.wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC),
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
		.buf = malloc(MSGBUF),
	);
	this->fd[0] = open_socket(NETLINK_ROUTE, rtnl, countof(rtnl));
	this->fd[1] = open_socket(NETLINK_XFRM, xfrm, countof(xfrm));
	this->fd[2] = open_socket(NETLINK_NETFILTER, nft, countof(nft));
	if (this->wake < 0 || !this->buf ||
		(this->fd[0] < 0 && this->fd[1] < 0 && this->fd[2] < 0))
	{
		destroy(this);
		return NULL;
	}
	this->thread = thread_create((thread_main_t)run, this);
	if (!this->thread)
	{
		destroy(this);
		return NULL;
	}
	return &this->public;
}
