/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup nfsim_ruleset nfsim_ruleset
 * @{ @ingroup nfsim
 *
 * Building a ruleset: tables, chains, rules and sets, as the readers (and
 * tests) find them. Expressions are appended with the constructors of
 * nfsim_expr.h. Once complete, nfsim_ruleset_finalize() resolves jump
 * targets and set references and orders the base chains of every hook.
 */

#ifndef NFSIM_RULESET_H_
#define NFSIM_RULESET_H_

#include "nfsim.h"
#include "nfsim_expr.h"

/**
 * Chain types.
 */
typedef enum {
	NFSIM_CHAIN_FILTER = 0,
	NFSIM_CHAIN_NAT,
	NFSIM_CHAIN_ROUTE,
} nfsim_chain_type_t;

/** most fields of a concatenated set key (NFT_REG32_COUNT) */
#define NFSIM_SET_FIELDS 16

/**
 * Asked while a ruleset is evaluated whether to stop now (a deadline passed,
 * the daemon shuts down).
 *
 * @param ctx		registered context
 * @return			TRUE to stop: the evaluation ends uncertain
 */
typedef bool (*nfsim_stop_cb_t)(void *ctx);

/**
 * Create an empty ruleset.
 */
nfsim_ruleset_t *nfsim_ruleset_create(void);

/**
 * Add a table (or return the existing one of that family, name and
 * backend).
 *
 * @param rs		ruleset
 * @param backend	where the table lives
 * @param family	NFPROTO_IPV4, NFPROTO_IPV6, NFPROTO_INET, NFPROTO_NETDEV,
 *					NFPROTO_BRIDGE, NFPROTO_ARP
 * @param name		table name
 * @return			the table, NULL on allocation failure
 */
nfsim_table_t *nfsim_table_add(nfsim_ruleset_t *rs, nfsim_backend_t backend,
							   uint8_t family, const char *name);

/**
 * Find a table.
 */
nfsim_table_t *nfsim_table_find(const nfsim_ruleset_t *rs,
								nfsim_backend_t backend, uint8_t family,
								const char *name);

/**
 * Set the table flags (NFT_TABLE_F_DORMANT makes its chains inactive).
 */
void nfsim_table_set_flags(nfsim_table_t *table, uint32_t flags);

/**
 * Add a chain (or return the existing one of that name).
 */
nfsim_chain_t *nfsim_chain_add(nfsim_table_t *table, const char *name);

/**
 * Find a chain.
 */
nfsim_chain_t *nfsim_chain_find(const nfsim_table_t *table, const char *name);

/**
 * Make a chain a base chain.
 *
 * @param chain		the chain
 * @param type		filter, nat or route
 * @param hook		hook it is attached to
 * @param prio		priority
 * @param policy	NF_ACCEPT or NF_DROP
 * @param dev		device of an ingress chain, NULL otherwise
 */
void nfsim_chain_set_base(nfsim_chain_t *chain, nfsim_chain_type_t type,
						  nfsim_hook_t hook, int32_t prio, int policy,
						  const char *dev);

/**
 * Set the nftables handle of a chain.
 */
void nfsim_chain_set_handle(nfsim_chain_t *chain, uint64_t handle);

/**
 * Append a rule to a chain.
 *
 * @param chain		the chain
 * @param handle	nftables handle, 0 for legacy rules
 * @return			the rule, NULL on allocation failure
 */
nfsim_rule_t *nfsim_rule_add(nfsim_chain_t *chain, uint64_t handle);

/**
 * Attach a comment to a rule (nft comment, -m comment).
 */
void nfsim_rule_set_comment(nfsim_rule_t *rule, const char *comment);

/**
 * Add a set (or return the existing one of that name).
 *
 * @param table		the table
 * @param name		set name (anonymous sets: "__set%d")
 * @param flags		NFT_SET_* flags
 * @param klen		key length in bytes
 * @param dlen		data length in bytes (maps), 0 otherwise
 * @param dtype		data type (NFT_DATA_VERDICT for verdict maps)
 * @return			the set, NULL on allocation failure or bad lengths
 */
nfsim_set_t *nfsim_set_add(nfsim_table_t *table, const char *name,
						   uint32_t flags, uint32_t klen, uint32_t dlen,
						   uint32_t dtype);

/**
 * Find a set.
 */
nfsim_set_t *nfsim_set_find(const nfsim_table_t *table, const char *name);

/**
 * Key and data lengths and data type of a set.
 */
void nfsim_set_get_lengths(const nfsim_set_t *set, uint32_t *klen,
						   uint32_t *dlen, uint32_t *dtype);

/**
 * Describe the fields of a concatenated key (NFTA_SET_DESC_CONCAT).
 *
 * @param set		the set
 * @param lens		length of each field in bytes (unpadded)
 * @param count		number of fields (at most NFSIM_SET_FIELDS)
 * @return			false if the fields do not fit the key
 */
bool nfsim_set_set_fields(nfsim_set_t *set, const uint8_t *lens,
						  unsigned count);

/**
 * Add an element to a set.
 *
 * @param set		the set
 * @param key		key (klen bytes), NULL for a catch-all element
 * @param key_len	length of key (must equal the set's klen)
 * @param key_end	end of a range element (klen bytes) or NULL
 * @param flags		NFT_SET_ELEM_INTERVAL_END, NFT_SET_ELEM_CATCHALL
 * @param data		map data (dlen bytes) or NULL
 * @param data_len	length of data
 * @param verdict	verdict of a verdict map element
 * @param chain		jump/goto target of a verdict map element or NULL
 * @return			false if the lengths do not fit the set
 */
bool nfsim_set_add_elem(nfsim_set_t *set, const void *key, uint32_t key_len,
						const void *key_end, uint32_t flags, const void *data,
						uint32_t data_len, int verdict, const char *chain);

/**
 * Resolve references (jump targets, sets), sort set elements and order the
 * base chains of every hook. Call once the ruleset is complete; it can be
 * evaluated afterwards. Unresolvable references make the expressions
 * holding them unknown (the kernel would not have loaded such a rule).
 *
 * @param rs		ruleset
 * @return			number of unresolvable references
 */
unsigned nfsim_ruleset_finalize(nfsim_ruleset_t *rs);

/**
 * Let evaluations skip a rule whose leading test of constant packet bytes
 * (payload, optional mask, equality) fails without running its expressions
 * (the default), or make them run every expression. The outcome is the
 * same either way; the switch exists to compare the two.
 *
 * @param rs		ruleset
 * @param use		true to use the guards
 */
void nfsim_ruleset_set_guards(nfsim_ruleset_t *rs, bool use);

/**
 * Register (or with NULL remove) the callback nfsim_eval() asks every few
 * thousand expressions, and before it starts, whether to stop.
 *
 * @param rs		ruleset
 * @param stop		callback, NULL for none
 * @param ctx		its context
 */
void nfsim_ruleset_set_stop(nfsim_ruleset_t *rs, nfsim_stop_cb_t stop,
							void *ctx);

#endif /** NFSIM_RULESET_H_ @}*/
