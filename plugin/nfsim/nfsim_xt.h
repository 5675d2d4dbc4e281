/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup nfsim_xt nfsim_xt
 * @{ @ingroup nfsim
 *
 * xtables extensions: decoders and evaluators of the match and target info
 * blobs that iptables-nft leaves in "xt" expressions and iptables-legacy
 * keeps in its entries. One file per extension family under xt/.
 */

#ifndef NFSIM_XT_H_
#define NFSIM_XT_H_

#include "nfsim_private.h"

typedef struct nfsim_xt_type_t nfsim_xt_type_t;

/**
 * Private data of the xt expression kind: an xt match or target with its
 * info blob, as the extensions see it.
 */
typedef struct {
	/** extension name */
	char name[32];
	/** revision */
	uint8_t rev;
	/** NFPROTO_IPV4 or NFPROTO_IPV6 */
	uint8_t family;
	/** a target (else a match) */
	bool target;
	/** the extension, NULL if not known */
	const nfsim_xt_type_t *type;
	/** info blob (copied) */
	void *info;
	/** its length */
	uint32_t info_len;
} nfsim_xt_t;

/**
 * An xtables extension revision.
 */
struct nfsim_xt_type_t {
	/** extension name ("policy", "MASQUERADE", ...) */
	const char *name;
	/** revision, -1 for any */
	int rev;
	/** NFPROTO_IPV4/NFPROTO_IPV6, 0 for both */
	uint8_t family;
	/** a target (else a match) */
	bool target;
	/** smallest info blob accepted */
	uint32_t size;
	/** evaluate (NULL: judged by mode) */
	void (*eval)(const nfsim_xt_t *xt, nfsim_ctx_t *ctx);
	/** render the iptables arguments (NULL: none) */
	void (*render)(const nfsim_xt_t *xt, nfsim_render_t *r);
	/** without eval: what it does */
	nfsim_opaque_mode_t mode;
	/** without eval, NFSIM_OPAQUE_MATCH: primary guess */
	bool likely;
};

/** extension tables, each terminated by an entry with a NULL name */
extern const nfsim_xt_type_t nfsim_xt_policy_types[];
extern const nfsim_xt_type_t nfsim_xt_nat_types[];
extern const nfsim_xt_type_t nfsim_xt_tcpmss_types[];
extern const nfsim_xt_type_t nfsim_xt_conntrack_types[];
extern const nfsim_xt_type_t nfsim_xt_ports_types[];
extern const nfsim_xt_type_t nfsim_xt_misc_types[];
extern const nfsim_xt_type_t nfsim_xt_packet_types[];

/**
 * Find the extension for a name, revision and family.
 */
const nfsim_xt_type_t *nfsim_xt_find(const char *name, uint8_t rev,
									 bool target, uint8_t family);

/**
 * Set the verdict of a match outcome: YES continues, NO breaks, UNKNOWN
 * asks the oracle.
 */
void nfsim_xt_result(nfsim_ctx_t *ctx, nfsim_tri_t res);

/**
 * Three-valued and.
 */
nfsim_tri_t nfsim_tri_and(nfsim_tri_t a, nfsim_tri_t b);

/**
 * Three-valued exclusive or with a known value (inversion).
 */
nfsim_tri_t nfsim_tri_inv(nfsim_tri_t a, bool inv);

/**
 * Read the current 16-bit ports of the packet (host order).
 *
 * @return			false if they are unknown
 */
bool nfsim_xt_ports(const nfsim_ctx_t *ctx, uint16_t *sport, uint16_t *dport);

/**
 * Masked address comparison: (a & mask) == (b & mask), three-valued over
 * unknown bits of a.
 */
nfsim_tri_t nfsim_addr_match(const uint8_t *a, const uint8_t *a_unk,
							 const uint8_t *b, const uint8_t *mask,
							 uint32_t len);

/**
 * Apply a decoded NAT range (xt targets) like the nat expression does.
 */
void nfsim_xt_nat(nfsim_ctx_t *ctx, nfsim_nat_type_t type, uint32_t flags,
				  const uint8_t *min, const uint8_t *max, uint16_t pmin,
				  uint16_t pmax);

/**
 * Whether a NAT kind may run at a hook (SNAT/masquerade: postrouting and
 * input, DNAT/redirect: prerouting and output).
 */
bool nfsim_nat_hook_ok(nfsim_nat_type_t type, nfsim_hook_t hook);

/**
 * Address a redirect translates to: the input interface's first address,
 * loopback for locally generated packets.
 */
bool nfsim_redirect_addr(const nfsim_ctx_t *ctx, uint8_t *addr);

/**
 * Translate NF_NAT_RANGE_* flags into NFSIM_NAT_* flags.
 */
uint32_t nfsim_nat_flags(uint32_t range_flags);

/**
 * Prefix mapping of NETMAP and "snat prefix".
 */
void nfsim_nat_netmap(uint8_t *addr, const uint8_t *cur, const uint8_t *min,
					  const uint8_t *max, uint32_t alen);

#endif /** NFSIM_XT_H_ @}*/
