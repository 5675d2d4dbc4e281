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
#include "dpc_nft_read.h"
#include "dpc_ipt_read.h"

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
 * Has the ruleset changed since rs was read?
 */
static bool changed(private_dpc_nf_cache_t *this, uint32_t *genid,
					uint64_t *sig4, uint64_t *sig6)
{
	bool nft_ok, v4_ok, v6_ok;

	nft_ok = dpc_nft_genid(genid) == 0;
	v4_ok = dpc_ipt_signature(NFPROTO_IPV4, sig4) == 0;
	v6_ok = dpc_ipt_signature(NFPROTO_IPV6, sig6) == 0;
	if (!this->rs || !nft_ok || !v4_ok || !v6_ok)
	{	/* can't tell: read it again */
		return TRUE;
	}
	return *genid != this->genid || *sig4 != this->sig4 ||
		   *sig6 != this->sig6;
}

METHOD(dpc_nf_cache_t, get, const nfsim_ruleset_t*,
	private_dpc_nf_cache_t *this)
{
	nfsim_ruleset_t *rs;
	uint32_t genid = 0;
	uint64_t sig4 = 0, sig6 = 0;
	int err, read = 0;

	if (!changed(this, &genid, &sig4, &sig6))
	{
		return this->rs;
	}
	this->error[0] = '\0';
	this->generation++;
	rs = nfsim_ruleset_create();
	if (!rs)
	{
		note(this, "ruleset", -ENOMEM);
		return this->rs;
	}
	err = dpc_nft_read(rs, &genid, NULL, NULL);
	if (err < 0)
	{
		note(this, "nftables", err);
	}
	else
	{
		read++;
	}
	err = dpc_ipt_read(rs, NFPROTO_IPV4, NULL, NULL);
	if (err < 0)
	{
		note(this, "iptables-legacy", err);
	}
	else
	{
		read++;
	}
	err = dpc_ipt_read(rs, NFPROTO_IPV6, NULL, NULL);
	if (err < 0)
	{
		note(this, "ip6tables-legacy", err);
	}
	else
	{
		read++;
	}
	if (!read)
	{	/* nothing readable at all: don't pretend the ruleset is empty */
		nfsim_ruleset_destroy(rs);
		nfsim_ruleset_destroy(this->rs);
		this->rs = NULL;
		return NULL;
	}
	nfsim_ruleset_finalize(rs);
	nfsim_ruleset_destroy(this->rs);
	this->rs = rs;
	this->genid = genid;
	this->sig4 = sig4;
	this->sig6 = sig6;
	return this->rs;
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
			.get_generation = _get_generation,
			.get_error = _get_error,
			.destroy = _destroy,
		},
	);
	return &this->public;
}
