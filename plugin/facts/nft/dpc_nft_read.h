/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_nft_read dpc_nft_read
 * @{ @ingroup dpc_facts
 *
 * Reads the live nftables ruleset (tables, chains, sets with their
 * elements, rules, the generation id) into an nfsim_ruleset_t.
 *
 * Reading is split in two: dpc_nft_read() (dpc_nft_dump.c) dumps the
 * ruleset over netlink (libmnl socket, requests built with libnftnl) and
 * hands each message to the pure decoder dpc_nft_parse_msg(), which unit tests and fuzzers feed
 * with stored messages. The decoder walks attributes with libmnl's
 * length-checked iteration and never reads past an attribute: libnftnl's
 * own parsers are not used for decoding because they terminate the process
 * on attributes of unexpected size.
 */

#ifndef DPC_NFT_READ_H_
#define DPC_NFT_READ_H_

#include "facts/dpc_read_limits.h"
#include "nfsim/nfsim.h"
#include "nfsim/nfsim_ruleset.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

struct nlattr;

/**
 * Called with every message a dump returns (to record fixtures).
 *
 * @param user		user data
 * @param nlh		the message, nlmsg_len bytes
 */
typedef void (*dpc_nft_tap_t)(void *user, const struct nlmsghdr *nlh);

/**
 * Decode one nf_tables message (NFT_MSG_NEWTABLE, NEWCHAIN, NEWSET,
 * NEWSETELEM, NEWRULE, NEWGEN) into a ruleset; other messages are ignored.
 * Tables and chains a message refers to are created when missing; set
 * elements of an unknown set are dropped.
 *
 * @param rs		ruleset to add to
 * @param nlh		message
 * @param len		bytes available at nlh (nlmsg_len is checked against it)
 * @param genid		receives the generation id of a NEWGEN message
 * @return			false if the message was malformed (partly decoded)
 */
bool dpc_nft_parse_msg(nfsim_ruleset_t *rs, const struct nlmsghdr *nlh,
					   size_t len, uint32_t *genid);

/**
 * Walk consecutive messages: the next one that fits completely.
 * (mnl_nlmsg_ok() compares a message length cast to int, so a length beyond
 * 2 GiB passes it and walks backwards; this checks it.)
 *
 * @param buf		messages
 * @param len		length of buf
 * @param off		offset of the next message, advanced
 * @return			the message, NULL at the end or at a truncated one
 */
const struct nlmsghdr *dpc_nft_next_msg(const uint8_t *buf, size_t len,
										size_t *off);

/**
 * Decode a buffer of consecutive netlink messages.
 *
 * @param rs		ruleset to add to
 * @param buf		messages
 * @param len		length of buf
 * @param genid		receives the last generation id seen (may be NULL)
 * @return			number of malformed messages
 */
unsigned dpc_nft_parse(nfsim_ruleset_t *rs, const void *buf, size_t len,
					   uint32_t *genid);

/**
 * Decode one expression (an NFTA_LIST_ELEM of NFTA_RULE_EXPRESSIONS) and
 * append it to a rule; expressions not understood are appended as ones
 * that cannot be judged.
 *
 * @param rule		the rule
 * @param family	table family (NFPROTO_*), for xt extensions
 * @param expr		the attribute
 * @return			false if not understood
 */
bool dpc_nft_expr_add(nfsim_rule_t *rule, uint8_t family,
					  const struct nlattr *expr);

/**
 * Read the live nftables ruleset of the current network namespace.
 * Retries when the ruleset changes while it is dumped. Gives up with
 * -EFBIG as soon as the rules and set elements or the bytes of the dump
 * exceed the limits, with -ETIMEDOUT or -ECANCELED when their budget is
 * used up while dumping or decoding, with -ETIMEDOUT when the kernel does
 * not answer within DPC_READ_TIMEOUT_MS; the ruleset may then hold a part.
 *
 * @param rs		ruleset to add to (finalize it afterwards)
 * @param genid		receives the generation id the dump is consistent with
 * @param limits	what the read may spend (what it read is added to
 *					their counts), NULL for no limits
 * @param tap		called with each message, or NULL
 * @param user		user data for tap
 * @return			0 on success, a negative errno otherwise
 */
int dpc_nft_read(nfsim_ruleset_t *rs, uint32_t *genid,
				 dpc_read_limits_t *limits, dpc_nft_tap_t tap,
				 void *user);

/**
 * Ask only the nftables generation id: it changes with every ruleset
 * update, so a cached ruleset stays valid while it does not.
 *
 * @param genid		receives the generation id
 * @return			0 on success, a negative errno otherwise
 */
int dpc_nft_genid(uint32_t *genid);

#endif /** DPC_NFT_READ_H_ @}*/
