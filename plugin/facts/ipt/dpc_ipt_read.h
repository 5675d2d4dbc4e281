/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_ipt_read dpc_ipt_read
 * @{ @ingroup dpc_facts
 *
 * Reads iptables-legacy / ip6tables-legacy tables (x_tables) through libiptc
 * into an nfsim_ruleset_t.
 *
 * Only tables the kernel already instantiated are read (listed in
 * /proc/net/ip_tables_names): asking libiptc for another table would make
 * the kernel create it, registering legacy hooks on a system that uses
 * nftables only.
 *
 * Reading is split like the nftables reader: dpc_ipt_read() walks libiptc's
 * view and hands every chain and entry to the pure decoder dpc_ipt_add(),
 * which unit tests and fuzzers feed with stored records. The decoder checks
 * every offset and size of an entry, its matches and its target against the
 * entry's length.
 */

#ifndef DPC_IPT_READ_H_
#define DPC_IPT_READ_H_

#include "facts/dpc_read_limits.h"
#include "nfsim/nfsim.h"
#include "nfsim/nfsim_ruleset.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** longest table name (XT_TABLE_MAXNAMELEN) */
#define DPC_IPT_TABLE_LEN 32

/** most legacy tables per family */
#define DPC_IPT_MAX_TABLES 8

/**
 * What a record describes.
 */
typedef enum {
	/** a chain: built-in with a policy, or user-defined */
	DPC_IPT_CHAIN,
	/** an entry of a chain, in order */
	DPC_IPT_RULE,
} dpc_ipt_kind_t;

/**
 * One chain or entry of a legacy table.
 */
typedef struct {
	/** chain or rule */
	dpc_ipt_kind_t kind;
	/** NFPROTO_IPV4 or NFPROTO_IPV6 */
	uint8_t family;
	/** table name ("filter", "nat", "mangle", "raw", "security") */
	const char *table;
	/** chain name */
	const char *chain;
	/** DPC_IPT_CHAIN: "ACCEPT"/"DROP" for built-in chains, NULL for
	 *  user-defined ones */
	const char *policy;
	/** DPC_IPT_RULE: struct ipt_entry / ip6t_entry with its matches and
	 *  target */
	const void *entry;
	/** DPC_IPT_RULE: bytes at entry */
	size_t len;
	/** DPC_IPT_RULE: the target as libiptc names it: ACCEPT, DROP, RETURN,
	 *  QUEUE, a chain name, an extension name, or "" (none) */
	const char *target;
} dpc_ipt_record_t;

/**
 * Called with every chain and entry read (to record fixtures).
 */
typedef void (*dpc_ipt_tap_t)(void *user, const dpc_ipt_record_t *rec);

/**
 * Decode a chain or an entry into a ruleset (pure). Chains must be added
 * before their entries; jump targets are resolved by
 * nfsim_ruleset_finalize().
 *
 * @param rs		ruleset
 * @param rec		the record
 * @return			false if malformed (a malformed entry is added as a
 *					rule that cannot be judged)
 */
bool dpc_ipt_add(nfsim_ruleset_t *rs, const dpc_ipt_record_t *rec);

/**
 * Legacy tables the kernel has instantiated for a family.
 *
 * @param family	NFPROTO_IPV4 or NFPROTO_IPV6
 * @param names		receives up to max names
 * @param max		size of names
 * @return			number of tables, negative errno on failure
 */
int dpc_ipt_tables(uint8_t family, char names[][DPC_IPT_TABLE_LEN],
				   size_t max);

/**
 * Read all instantiated legacy tables of a family. With limits, the size
 * of each table is asked first (IPT_SO_GET_INFO): -EFBIG if its entries or
 * bytes exceed them (nothing of it is read), -ETIMEDOUT or -ECANCELED once
 * their budget is used up (checked before each table).
 *
 * @param rs		ruleset to add to (finalize it afterwards)
 * @param family	NFPROTO_IPV4 or NFPROTO_IPV6
 * @param limits	what the read may spend (what it read is added to
 *					their counts), NULL for no limits
 * @param tap		called with each record, or NULL
 * @param user		user data for tap
 * @return			number of tables read, a negative errno on failure
 */
int dpc_ipt_read(nfsim_ruleset_t *rs, uint8_t family,
				 dpc_read_limits_t *limits, dpc_ipt_tap_t tap, void *user);

/**
 * A cheap signature of the legacy tables of a family: it changes when
 * rules change (counters do not count). Zero without tables.
 *
 * @param family	NFPROTO_IPV4 or NFPROTO_IPV6
 * @param sig		receives the signature
 * @return			0 on success, a negative errno otherwise
 */
int dpc_ipt_signature(uint8_t family, uint64_t *sig);

#endif /** DPC_IPT_READ_H_ @}*/
