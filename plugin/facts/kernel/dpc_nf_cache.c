/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#define _GNU_SOURCE
#include <netinet/in.h>

#include "dpc_nf_cache.h"
#include "facts/nft/dpc_nft_read.h"
#include "facts/ipt/dpc_ipt_read.h"

#include <nfsim/nfsim_ruleset.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/netfilter.h>

#include <utils/utils.h>

typedef struct private_dpc_nf_cache_t private_dpc_nf_cache_t;

/**
 * Private data.
 */
struct private_dpc_nf_cache_t {

	/**
	 * Public interface.
	 */
	dpc_nf_cache_t public;

	/**
	 * The ruleset read last, NULL if none
	 */
	nfsim_ruleset_t *rs;

	/**
	 * nftables generation id of rs
	 */
	uint32_t genid;

	/**
	 * iptables-legacy signatures of rs (IPv4, IPv6)
	 */
	uint64_t sig4, sig6;

	/**
	 * Incremented on every read
	 */
	uint64_t generation;

	/**
	 * What could not be read
	 */
	char error[128];

	/**
	 * Size limits of a read
	 */
	uint32_t max_elements, max_bytes;

	/**
	 * The ruleset of the generation and signatures above exceeds the limits
	 * (rs is NULL then)
	 */
	bool too_large;
};

/**
 * Describe a negative errno of a reader.
 */
static void note(private_dpc_nf_cache_t *this, const char *what, int err)
{
	size_t len = strlen(this->error);

	snprintf(this->error + len, sizeof(this->error) - len, "%s%s: %s",
			 len ? "; " : "", what, strerror(-err));
}

/**
 * Has the ruleset changed since rs was read (or found too large)?
 */
static bool changed(private_dpc_nf_cache_t *this, uint32_t *genid,
					uint64_t *sig4, uint64_t *sig6)
{
	bool nft_ok, v4_ok, v6_ok;

	nft_ok = dpc_nft_genid(genid) == 0;
	v4_ok = dpc_ipt_signature(NFPROTO_IPV4, sig4) == 0;
	v6_ok = dpc_ipt_signature(NFPROTO_IPV6, sig6) == 0;
	if ((!this->rs && !this->too_large) || !nft_ok || !v4_ok || !v6_ok)
	{	/* can't tell: read it again */
		return TRUE;
	}
	return *genid != this->genid || *sig4 != this->sig4 ||
		   *sig6 != this->sig6;
}

/**
 * Why a reader stopped, if it was the budget (the round reports that
 * itself) or the size.
 */
static bool stopped(int err)
{
	return err == -ETIMEDOUT || err == -ECANCELED || err == -EFBIG;
}

/**
 * Read every backend into rs.
 *
 * @return			backends read, or the negative errno of a stop
 */
static int read_all(private_dpc_nf_cache_t *this, nfsim_ruleset_t *rs,
					uint32_t *genid, dpc_read_limits_t *limits)
{
	static const struct {
		const char *name;
		uint8_t family;
	} legacy[] = {
		{ "iptables-legacy", NFPROTO_IPV4 },
		{ "ip6tables-legacy", NFPROTO_IPV6 },
	};
	int err, read = 0;
	size_t i;

	err = dpc_nft_read(rs, genid, limits, NULL, NULL);
	if (stopped(err))
	{
		return err;
	}
	if (err < 0)
	{
		note(this, "nftables", err);
	}
	else
	{
		read++;
	}
	for (i = 0; i < countof(legacy); i++)
	{
		err = dpc_ipt_read(rs, legacy[i].family, limits, NULL, NULL);
		if (stopped(err))
		{
			return err;
		}
		if (err < 0)
		{
			note(this, legacy[i].name, err);
		}
		else
		{
			read++;
		}
	}
	return read;
}

/**
 * Forget the cached ruleset.
 */
static void drop(private_dpc_nf_cache_t *this)
{
	nfsim_ruleset_destroy(this->rs);
	this->rs = NULL;
}

/**
 * Read the ruleset again.
 */
static void reread(private_dpc_nf_cache_t *this, uint32_t genid,
				   uint64_t sig4, uint64_t sig6, const dpc_budget_t *budget)
{
	dpc_read_limits_t limits = {
		.budget = budget,
		.max_elements = this->max_elements,
		.max_bytes = this->max_bytes,
	};
	nfsim_ruleset_t *rs;
	int read;

	this->error[0] = '\0';
	this->too_large = FALSE;
	this->generation++;
	rs = nfsim_ruleset_create();
	if (!rs)
	{
		note(this, "ruleset", -ENOMEM);
		return;
	}
	read = read_all(this, rs, &genid, &limits);
	if (read <= 0)
	{	/* nothing readable at all: don't pretend the ruleset is empty */
		nfsim_ruleset_destroy(rs);
		drop(this);
		if (read == -EFBIG)
		{	/* not read again before it changes */
			this->too_large = TRUE;
			snprintf(this->error, sizeof(this->error), "more than %u rules "
					 "and set elements or %u bytes", this->max_elements,
					 this->max_bytes);
			this->genid = genid;
			this->sig4 = sig4;
			this->sig6 = sig6;
		}
		return;
	}
	nfsim_ruleset_finalize(rs);
	drop(this);
	this->rs = rs;
	this->genid = genid;
	this->sig4 = sig4;
	this->sig6 = sig6;
}

METHOD(dpc_nf_cache_t, get, const nfsim_ruleset_t*,
	private_dpc_nf_cache_t *this, const dpc_budget_t *budget)
{
	uint32_t genid = 0;
	uint64_t sig4 = 0, sig6 = 0;

	if (changed(this, &genid, &sig4, &sig6))
	{
		reread(this, genid, sig4, sig6, budget);
	}
	/* evaluations of this round stop with its budget */
	nfsim_ruleset_set_stop(this->rs, budget ? dpc_budget_over_cb : NULL,
						   (void*)budget);
	return this->rs;
}

METHOD(dpc_nf_cache_t, set_limits, void,
	private_dpc_nf_cache_t *this, uint32_t max_elements, uint32_t max_bytes)
{
	if (max_elements != this->max_elements || max_bytes != this->max_bytes)
	{	/* judge it again against the new limits */
		this->too_large = FALSE;
	}
	this->max_elements = max_elements;
	this->max_bytes = max_bytes;
}

METHOD(dpc_nf_cache_t, too_large, bool,
	private_dpc_nf_cache_t *this)
{
	return this->too_large;
}

METHOD(dpc_nf_cache_t, get_generation, uint64_t,
	private_dpc_nf_cache_t *this)
{
	return this->generation;
}

METHOD(dpc_nf_cache_t, get_error, const char*,
	private_dpc_nf_cache_t *this)
{
	return this->error;
}

METHOD(dpc_nf_cache_t, destroy, void,
	private_dpc_nf_cache_t *this)
{
	nfsim_ruleset_destroy(this->rs);
	free(this);
}

/*
 * Described in header
 */
dpc_nf_cache_t *dpc_nf_cache_create()
{
	private_dpc_nf_cache_t *this;

	INIT(this,
		.public = {
			.get = _get,
			.set_limits = _set_limits,
			.too_large = _too_large,
			.get_generation = _get_generation,
			.get_error = _get_error,
			.destroy = _destroy,
		},
	);
	return &this->public;
}
