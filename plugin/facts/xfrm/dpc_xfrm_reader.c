/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_xfrm_reader.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <utils/utils.h>

typedef struct private_dpc_xfrm_reader_t private_dpc_xfrm_reader_t;

/**
 * Private data of the XFRM reads of a round.
 */
struct private_dpc_xfrm_reader_t {

	/**
	 * Public interface.
	 */
	dpc_xfrm_reader_t public;

	/**
	 * What the round may spend, NULL for no limit
	 */
	const dpc_budget_t *budget;

	/**
	 * The SAD, valid if sad_errno is 0 and sad_asked
	 */
	dpc_xfrm_sad_t sad;

	/**
	 * The SAD was read for this round
	 */
	bool sad_asked;

	/**
	 * errno of reading the SAD, 0 if it was read
	 */
	int sad_errno;

	/**
	 * The SPD, valid if spd_errno is 0 and sad_asked (read with the SAD)
	 */
	dpc_xfrm_spd_t spd;

	/**
	 * errno of reading the SPD, 0 if it was read
	 */
	int spd_errno;

	/**
	 * The XFRM drop counters, valid if stat_asked and stat_errno is 0
	 */
	dpc_xfrm_stat_t stat;

	/**
	 * The counters were read for this round
	 */
	bool stat_asked;

	/**
	 * errno of reading the counters, 0 if they were read
	 */
	int stat_errno;

	/**
	 * The counters of the previous round, NULL if not kept
	 */
	dpc_xfrm_stat_t *stat_last;
};

/**
 * Dump the SAD and the SPD once a round, one after the other.
 */
static void read_sad_spd(private_dpc_xfrm_reader_t *this)
{
	int err;

	if (this->sad_asked)
	{
		return;
	}
	this->sad_asked = TRUE;
	err = dpc_xfrm_dump_sad(&this->sad, this->budget);
	this->sad_errno = -err;
	if (err)
	{
		dpc_xfrm_sad_clear(&this->sad);
	}
	err = dpc_xfrm_dump_spd(&this->spd, this->budget);
	this->spd_errno = -err;
	if (err)
	{
		dpc_xfrm_spd_clear(&this->spd);
	}
}

METHOD(dpc_xfrm_reader_t, get_sad, const dpc_xfrm_sad_t*,
	private_dpc_xfrm_reader_t *this)
{
	read_sad_spd(this);
	if (this->sad_errno)
	{
		errno = this->sad_errno;
		return NULL;
	}
	return &this->sad;
}

METHOD(dpc_xfrm_reader_t, get_spd, const dpc_xfrm_spd_t*,
	private_dpc_xfrm_reader_t *this)
{
	read_sad_spd(this);
	if (this->spd_errno)
	{
		errno = this->spd_errno;
		return NULL;
	}
	return &this->spd;
}

/**
 * Read /proc/net/xfrm_stat into a buffer.
 *
 * @return			bytes read, -1 with errno set
 */
static ssize_t read_xfrm_stat(char *buf, size_t len)
{
	ssize_t n, total = 0;
	int fd;

	fd = open("/proc/net/xfrm_stat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
	{
		return -1;
	}
	while ((size_t)total < len)
	{
		n = read(fd, buf + total, len - total);
		if (n < 0 && errno == EINTR)
		{
			continue;
		}
		if (n <= 0)
		{
			break;
		}
		total += n;
	}
	close(fd);
	return total;
}

METHOD(dpc_xfrm_reader_t, get_stat, const dpc_xfrm_stat_t*,
	private_dpc_xfrm_reader_t *this)
{
	char buf[DPC_XFRM_STAT_FILE_MAX];
	ssize_t n;

	if (!this->stat_asked)
	{
		this->stat_asked = TRUE;
		n = read_xfrm_stat(buf, sizeof(buf));
		if (n < 0)
		{
			this->stat_errno = errno ? errno : EIO;
		}
		else if (!dpc_xfrm_stat_parse(buf, n, &this->stat))
		{
			this->stat_errno = ENODATA;
		}
		else if (this->stat_last)
		{
			if (this->stat_last->count)
			{
				dpc_xfrm_stat_delta(&this->stat, this->stat_last,
									time_monotonic(NULL));
			}
			*this->stat_last = this->stat;
		}
	}
	if (this->stat_errno)
	{
		errno = this->stat_errno;
		return NULL;
	}
	return &this->stat;
}

METHOD(dpc_xfrm_reader_t, keep_stat, void,
	private_dpc_xfrm_reader_t *this, dpc_xfrm_stat_t *last)
{
	this->stat_last = last;
}

METHOD(dpc_xfrm_reader_t, destroy, void,
	private_dpc_xfrm_reader_t *this)
{
	dpc_xfrm_sad_clear(&this->sad);
	dpc_xfrm_spd_clear(&this->spd);
	free(this);
}

/*
 * Described in header
 */
dpc_xfrm_reader_t *dpc_xfrm_reader_create(const dpc_budget_t *budget)
{
	private_dpc_xfrm_reader_t *this;

	INIT(this,
		.public = {
			.get_sad = _get_sad,
			.get_spd = _get_spd,
			.get_stat = _get_stat,
			.keep_stat = _keep_stat,
			.destroy = _destroy,
		},
		.budget = budget,
	);
	return &this->public;
}
