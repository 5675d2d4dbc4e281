/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup nfsim_expr nfsim_expr
 * @{ @ingroup nfsim
 *
 * The rule model: expressions as the kernel runs them.
 *
 * A rule is a list of expressions working on a register file of twenty
 * 32-bit words (the first four hold the verdict), exactly like nf_tables:
 * loads (payload, meta, ct, rt, xfrm, fib, exthdr) write registers, matches
 * (cmp, range, lookup) break the rule when they fail, statements (nat,
 * masq, redir, reject, immediate verdicts) end it. iptables rules are the
 * same list: the ipt_entry header becomes an "ipt" expression, matches and
 * targets become "xt" expressions with their decoded info blobs, standard
 * targets become immediate verdicts.
 *
 * Registers are addressed by byte offset into the register file; the
 * constructors take nftables register numbers (NFT_REG_*, NFT_REG32_*) and
 * reject a register/length pair the kernel would reject.
 *
 * Every expression kind has its own file under expr/ (and xt/ for the
 * xtables extensions) holding its private data, its evaluation, rendering
 * and netlink decoding, and its nfsim_expr_ops_t (nfsim_expr_ops.h).
 */

#ifndef NFSIM_EXPR_H_
#define NFSIM_EXPR_H_

#include "nfsim.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** size of the register file in bytes (NFT_REG32_15 + 1 words) */
#define NFSIM_REGS_LEN 80

/** longest constant an expression carries (NFT_DATA_VALUE_MAXLEN) */
#define NFSIM_DATA_MAX 64

typedef struct nfsim_expr_t nfsim_expr_t;
typedef struct nfsim_set_t nfsim_set_t;

/**
 * Pseudo verdict codes next to the kernel's NF_* and NFT_* ones.
 */
enum {
	/** dropped with an ICMP error or TCP reset (REJECT) */
	NFSIM_V_REJECT = 0x100,
	/** the verdict cannot be determined (unknown target, queue, ...) */
	NFSIM_V_UNKNOWN = 0x101,
};

/**
 * What an opaque expression does when evaluated.
 */
typedef enum {
	/** nothing that affects the verdict (counter, log, notrack, ...) */
	NFSIM_OPAQUE_PASSIVE,
	/** may or may not match (limit, quota, connlimit, ...) */
	NFSIM_OPAQUE_MATCH,
	/** writes a value that cannot be known into dreg (numgen, hash,
	 *  socket, osf, tunnel, ...) */
	NFSIM_OPAQUE_LOAD,
	/** decides the packet's fate in an unknown way (queue, tproxy,
	 *  synproxy, fwd, an unknown expression, ...) */
	NFSIM_OPAQUE_VERDICT,
} nfsim_opaque_mode_t;

/**
 * Legacy ipt_entry header (struct ipt_ip / ip6t_ip6), either family.
 */
typedef struct {
	/** AF_INET or AF_INET6 */
	uint8_t family;
	/** source address and mask, network order */
	uint8_t src[16], smsk[16];
	/** destination address and mask, network order */
	uint8_t dst[16], dmsk[16];
	/** interface names and masks as in ipt_ip */
	char iniface[IF_NAMESIZE], outiface[IF_NAMESIZE];
	/** interface masks as in ipt_ip */
	uint8_t iniface_mask[IF_NAMESIZE], outiface_mask[IF_NAMESIZE];
	/** protocol, 0 for any */
	uint16_t proto;
	/** IPv6: protocol given (IP6T_F_PROTO); IPv4: proto != 0 */
	bool has_proto;
	/** IPv4: -f (IPT_F_FRAG) */
	bool frag;
	/** IPv6: TOS match (IP6T_F_TOS) and its value */
	bool has_tos;
	/** IPv6 TOS value */
	uint8_t tos;
	/** NFSIM_IPT_INV_* */
	uint8_t inv;
} nfsim_ipt_t;

/** nfsim_ipt_t.inv bits */
enum {
	NFSIM_IPT_INV_VIA_IN = 1 << 0,
	NFSIM_IPT_INV_VIA_OUT = 1 << 1,
	NFSIM_IPT_INV_TOS = 1 << 2,
	NFSIM_IPT_INV_SRCIP = 1 << 3,
	NFSIM_IPT_INV_DSTIP = 1 << 4,
	NFSIM_IPT_INV_FRAG = 1 << 5,
	NFSIM_IPT_INV_PROTO = 1 << 6,
};

/**
 * Translate an nftables register number and the length accessed into a
 * byte offset into the register file, like the kernel's
 * nft_parse_register_load()/store().
 *
 * @param reg		NFT_REG_VERDICT, NFT_REG_1..4 or NFT_REG32_00..15
 * @param len		bytes accessed (1..64)
 * @param off		receives the byte offset
 * @return			false if the kernel would reject it
 */
bool nfsim_reg_offset(uint32_t reg, uint32_t len, uint8_t *off);

/*
 * Constructors: append an expression to a rule. Register arguments are
 * nftables register numbers. Each returns false (and appends an invalid
 * expression that cannot be judged, so the rule keeps its shape) if the
 * arguments are ones the kernel would reject; data pointers may be NULL
 * when their length is 0.
 */

/** [ payload load len @ base + offset => dreg ] */
bool nfsim_add_payload(nfsim_rule_t *rule, uint32_t base, uint32_t offset,
					   uint32_t len, uint32_t dreg);
/** [ payload write sreg => len @ base + offset ] */
bool nfsim_add_payload_set(nfsim_rule_t *rule, uint32_t base, uint32_t offset,
						   uint32_t len, uint32_t sreg);
/** [ meta load key => dreg ] */
bool nfsim_add_meta(nfsim_rule_t *rule, uint32_t key, uint32_t dreg);
/** [ meta set key with sreg ] */
bool nfsim_add_meta_set(nfsim_rule_t *rule, uint32_t key, uint32_t sreg);
/** [ cmp op sreg data ] */
bool nfsim_add_cmp(nfsim_rule_t *rule, uint32_t sreg, uint32_t op,
				   const void *data, uint32_t len);
/** [ bitwise dreg = (sreg & mask) ^ xor ] */
bool nfsim_add_bitwise(nfsim_rule_t *rule, uint32_t sreg, uint32_t dreg,
					   uint32_t len, const void *mask, const void *xor,
					   uint32_t dlen);
/** [ bitwise dreg = sreg << shift / >> shift ] (NFT_BITWISE_LSHIFT/RSHIFT) */
bool nfsim_add_bitwise_shift(nfsim_rule_t *rule, uint32_t op, uint32_t sreg,
							 uint32_t dreg, uint32_t len, uint32_t shift);
/** [ byteorder dreg = op(sreg, size, len) ] */
bool nfsim_add_byteorder(nfsim_rule_t *rule, uint32_t sreg, uint32_t dreg,
						 uint32_t op, uint32_t len, uint32_t size);
/** [ range op sreg from to ] */
bool nfsim_add_range(nfsim_rule_t *rule, uint32_t sreg, uint32_t op,
					 const void *from, const void *to, uint32_t len);
/** [ lookup sreg set [dreg] [inv] ]; dreg < 0: no data */
bool nfsim_add_lookup(nfsim_rule_t *rule, uint32_t sreg, int dreg,
					  const char *set, bool inv);
/** [ immediate reg data ] */
bool nfsim_add_immediate(nfsim_rule_t *rule, uint32_t dreg, const void *data,
						 uint32_t len);
/** [ immediate verdict [chain] ] (NF_ACCEPT, NF_DROP, NFT_JUMP, ...) */
bool nfsim_add_verdict(nfsim_rule_t *rule, int code, const char *chain);
/** [ ct load key => dreg [dir] ]; dir < 0: none */
bool nfsim_add_ct(nfsim_rule_t *rule, uint32_t key, int dir, uint32_t dreg);
/** [ ct set key with sreg ] */
bool nfsim_add_ct_set(nfsim_rule_t *rule, uint32_t key, uint32_t sreg);
/** [ rt load key => dreg ] */
bool nfsim_add_rt(nfsim_rule_t *rule, uint32_t key, uint32_t dreg);
/** [ xfrm load dir spnum key => dreg ] */
bool nfsim_add_xfrm(nfsim_rule_t *rule, uint32_t key, uint8_t dir,
					uint8_t spnum, uint32_t dreg);
/** [ fib flags result => dreg ] */
bool nfsim_add_fib(nfsim_rule_t *rule, uint32_t result, uint32_t flags,
				   uint32_t dreg);
/** [ nat type family addr_min addr_max proto_min proto_max flags ];
 *  register arguments of 0 mean "not given" */
bool nfsim_add_nat(nfsim_rule_t *rule, nfsim_nat_type_t type, uint8_t family,
				   uint32_t reg_addr_min, uint32_t reg_addr_max,
				   uint32_t reg_proto_min, uint32_t reg_proto_max,
				   uint32_t flags);
/** [ reject type code ] */
bool nfsim_add_reject(nfsim_rule_t *rule, uint32_t type, uint8_t code);
/** [ exthdr load type offset len flags op => dreg ] */
bool nfsim_add_exthdr(nfsim_rule_t *rule, uint8_t type, uint32_t offset,
					  uint32_t len, uint32_t flags, uint8_t op, uint32_t dreg);
/** [ exthdr write type offset len op sreg ] */
bool nfsim_add_exthdr_set(nfsim_rule_t *rule, uint8_t type, uint32_t offset,
						  uint32_t len, uint8_t op, uint32_t sreg);
/** an expression judged only by its mode; text is its rendering (may be
 *  NULL: the name is used), dreg/dlen for NFSIM_OPAQUE_LOAD, likely is
 *  the primary guess for NFSIM_OPAQUE_MATCH */
bool nfsim_add_opaque(nfsim_rule_t *rule, const char *name,
					  nfsim_opaque_mode_t mode, bool likely, uint32_t dreg,
					  uint32_t dlen, const char *text);
/** xt match or target with its info blob (copied) */
bool nfsim_add_xt(nfsim_rule_t *rule, bool target, const char *name,
				  uint8_t rev, uint8_t family, const void *info,
				  uint32_t info_len);
/** legacy entry header */
bool nfsim_add_ipt(nfsim_rule_t *rule, const nfsim_ipt_t *ipt);
/** an expression that cannot be judged (malformed or unsupported) */
void nfsim_add_invalid(nfsim_rule_t *rule, const char *name);

struct nfsim_attr_tb_t;

/**
 * Decodes one nf_tables expression from its netlink attributes and appends
 * it to a rule, with the same checks as the constructors; attributes that
 * are missing or malformed append an expression that cannot be judged.
 *
 * @param rule		the rule
 * @param name		expression name (NFTA_EXPR_NAME)
 * @param family	table family (NFPROTO_*), for xt extensions
 * @param tb		attributes of NFTA_EXPR_DATA (nfsim_attr.h), all NULL
 *					if it is absent
 */
typedef void (*nfsim_expr_decode_t)(nfsim_rule_t *rule, const char *name,
									uint8_t family,
									const struct nfsim_attr_tb_t *tb);

/**
 * Find the decoder of an nf_tables expression in the registry of expression
 * kinds.
 *
 * @param name		expression name (NFTA_EXPR_NAME: "cmp", "payload", ...)
 * @return			its decoder, NULL if no kind decodes that name
 */
nfsim_expr_decode_t nfsim_expr_decoder(const char *name);

#endif /** NFSIM_EXPR_H_ @}*/
