/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup nfsim_private nfsim_private
 * @{ @ingroup nfsim
 *
 * Internals shared by the simulator's files: the ruleset objects, the
 * evaluation context with its register file and packet image, and the
 * helpers expression evaluators and renderers use.
 */

#ifndef NFSIM_PRIVATE_H_
#define NFSIM_PRIVATE_H_

#include "nfsim.h"
#include "nfsim_expr.h"
#include "nfsim_expr_ops.h"
#include "nfsim_ruleset.h"

#include <stdarg.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

/** depth of the jump stack (NFT_JUMP_STACK_SIZE) */
#define NFSIM_JUMP_STACK 16

/** expressions one evaluation may run before it gives up (loops) */
#define NFSIM_EXPR_BUDGET 1000000

/** unknown expressions explored per evaluation */
#define NFSIM_MAX_SITES 24

/** evaluations one nfsim_eval() may run exploring unknowns */
#define NFSIM_MAX_RUNS 48

/** expressions run between two questions to the stop callback */
#define NFSIM_STOP_EVERY 4096

/** bytes of the synthetic packet image */
#define NFSIM_IMG_MAX 160

/**
 * Consecutive rules of a chain whose guards have one shape, indexed by
 * their constants (nfsim_guard.c).
 */
typedef struct nfsim_guard_run_t nfsim_guard_run_t;

/**
 * A ruleset.
 */
struct nfsim_ruleset_t {
	/** tables in the order they were added */
	nfsim_table_t **tables;
	/** number of tables */
	size_t ntables;
	/** allocated table slots */
	size_t tables_size;
	/** base chains per hook, in evaluation order (after finalize) */
	const nfsim_chain_t **hooks[NFSIM_HOOK_MAX];
	/** number of base chains per hook */
	size_t nhooks[NFSIM_HOOK_MAX];
	/** finalized */
	bool finalized;
	/** asked during evaluations whether to stop, NULL if never */
	nfsim_stop_cb_t stop;
	/** its context */
	void *stop_ctx;
	/** evaluations run every expression, rule guards unused */
	bool no_guards;
};

/**
 * A table.
 */
struct nfsim_table_t {
	/** the ruleset */
	nfsim_ruleset_t *rs;
	/** name */
	char *name;
	/** NFPROTO_* */
	uint8_t family;
	/** backend */
	nfsim_backend_t backend;
	/** NFT_TABLE_F_* */
	uint32_t flags;
	/** holds xt expressions */
	bool xt;
	/** position in the ruleset */
	size_t order;
	/** chains in the order they were added */
	nfsim_chain_t **chains;
	/** number of chains */
	size_t nchains;
	/** allocated chain slots */
	size_t chains_size;
	/** sets */
	nfsim_set_t **sets;
	/** number of sets */
	size_t nsets;
	/** allocated set slots */
	size_t sets_size;
};

/**
 * A chain.
 */
struct nfsim_chain_t {
	/** the table */
	nfsim_table_t *table;
	/** name */
	char *name;
	/** nftables handle */
	uint64_t handle;
	/** attached to a hook */
	bool base;
	/** type of a base chain */
	nfsim_chain_type_t type;
	/** hook of a base chain */
	nfsim_hook_t hook;
	/** priority of a base chain */
	int32_t prio;
	/** policy of a base chain (NF_ACCEPT/NF_DROP) */
	int policy;
	/** device of an ingress chain */
	char dev[IF_NAMESIZE];
	/** rules */
	nfsim_rule_t **rules;
	/** number of rules */
	size_t nrules;
	/** allocated rule slots */
	size_t rules_size;
	/** loop check state during finalize */
	uint8_t visit;
	/** runs of rules with guards of one shape (nfsim_guard.c) */
	nfsim_guard_run_t **runs;
	/** number of runs */
	size_t nruns;
};

/**
 * A rule.
 */
struct nfsim_rule_t {
	/** the chain */
	nfsim_chain_t *chain;
	/** nftables handle, 0 for legacy */
	uint64_t handle;
	/** position in the chain, from 1 */
	unsigned position;
	/** comment or NULL */
	char *comment;
	/** expressions */
	nfsim_expr_t **exprs;
	/** number of expressions */
	size_t nexprs;
	/** allocated expression slots */
	size_t exprs_size;
	/** its leading tests (after finalize; ntests 0 if none) */
	nfsim_guard_t guard;
	/** the run of rules it is in, NULL if none */
	const nfsim_guard_run_t *run;
	/** its position in the run */
	uint32_t run_pos;
};

/**
 * A set element.
 */
typedef struct {
	/** key (klen bytes), NULL for catch-all */
	uint8_t *key;
	/** end of a range element or NULL */
	uint8_t *key_end;
	/** NFT_SET_ELEM_* */
	uint32_t flags;
	/** map data (dlen bytes) or NULL */
	uint8_t *data;
	/** verdict of verdict maps */
	nfsim_verdict_data_t verdict;
} nfsim_elem_t;

/**
 * A set or map.
 */
struct nfsim_set_t {
	/** the table */
	nfsim_table_t *table;
	/** name */
	char *name;
	/** NFT_SET_* */
	uint32_t flags;
	/** key length */
	uint32_t klen;
	/** data length */
	uint32_t dlen;
	/** data type */
	uint32_t dtype;
	/** field lengths of concatenated keys */
	uint8_t field_len[NFSIM_SET_FIELDS];
	/** number of fields, 0 if not described */
	unsigned nfields;
	/** elements (sorted by key after finalize) */
	nfsim_elem_t *elems;
	/** number of elements */
	size_t nelems;
	/** allocated element slots */
	size_t elems_size;
	/** at least one element has key_end */
	bool ranges;
	/** catch-all element or NULL (after finalize) */
	const nfsim_elem_t *catchall;
};

/**
 * The synthetic packet: header bytes and which bits of them are unknown.
 */
typedef struct {
	/** bytes: network header at 0, transport header at thoff */
	uint8_t b[NFSIM_IMG_MAX];
	/** unknown bits of b */
	uint8_t u[NFSIM_IMG_MAX];
	/** transport header offset */
	uint16_t thoff;
	/** bytes of the image that are modelled */
	uint16_t end;
	/** total length of the packet, if known */
	uint16_t len;
	/** len is known */
	bool len_known;
	/** layer 4 protocol */
	uint8_t l4proto;
} nfsim_image_t;

/**
 * A place where the evaluation met something it could not judge.
 */
typedef struct {
	/** the rule */
	const nfsim_rule_t *rule;
	/** the expression */
	const nfsim_expr_t *expr;
} nfsim_site_t;

/**
 * Decides the unknowns of one evaluation run: the first nforce ones as
 * forced, the others by their likely outcome.
 */
typedef struct {
	/** forced decisions, bit i for unknown i */
	uint32_t force;
	/** number of forced decisions */
	unsigned nforce;
	/** decisions taken, bit i for unknown i */
	uint32_t taken;
	/** unknowns met */
	unsigned seen;
	/** where they were met */
	nfsim_site_t site[NFSIM_MAX_SITES];
} nfsim_oracle_t;

/**
 * Evaluation context: what the kernel keeps in nft_regs and nft_pktinfo.
 */
struct nfsim_ctx_t {
	/** register file */
	uint8_t regs[NFSIM_REGS_LEN];
	/** unknown bits of the register file */
	uint8_t unk[NFSIM_REGS_LEN];
	/** verdict code of the current rule */
	int verdict;
	/** jump/goto target */
	const nfsim_chain_t *jump;
	/** the packet description */
	const nfsim_packet_t *pkt;
	/** hook being run */
	nfsim_hook_t hook;
	/** AF_INET or AF_INET6 */
	uint8_t family;
	/** packet bytes */
	nfsim_image_t img;
	/** current mark */
	uint32_t mark;
	/** the mark was set from a value that cannot be known */
	bool mark_unknown;
	/** the table of the chain being run */
	const nfsim_table_t *table;
	/** the base chain being run */
	const nfsim_chain_t *base;
	/** the rule being run */
	const nfsim_rule_t *rule;
	/** the expression being run */
	const nfsim_expr_t *expr;
	/** the base chain is a NAT chain */
	bool nat_chain;
	/** NAT binding set up by the current rule */
	nfsim_nat_t nat;
	/** MSS clamp */
	nfsim_mss_t mss;
	/** decisions on unknowns */
	nfsim_oracle_t *oracle;
	/** the expression whose outcome is undecidable, if any */
	const nfsim_expr_t *undecided;
	/** its rule */
	const nfsim_rule_t *undecided_rule;
	/** expressions left to run */
	unsigned long budget;
	/** the ruleset's stop callback, NULL if none */
	nfsim_stop_cb_t stop;
	/** its context */
	void *stop_ctx;
	/** the stop callback asked to stop */
	bool stopped;
	/** run every expression, ignoring rule guards */
	bool no_guards;
	/** the run where passing over rules failed last (nfsim_guard.c) */
	const nfsim_guard_run_t *run_missed;
	/** position in it before which that is not tried again */
	uint32_t run_retry;
	/** conntrack status bits NAT bindings of this hook set (NAT chains
	 *  of higher priority run first) */
	uint32_t ct_nat_status;
};

/**
 * What the renderer knows a register holds.
 */
typedef enum {
	NFSIM_VT_RAW = 0,
	NFSIM_VT_IPV4,
	NFSIM_VT_IPV6,
	NFSIM_VT_PORT,
	NFSIM_VT_PROTO,
	NFSIM_VT_IFNAME,
	NFSIM_VT_DEC,
	NFSIM_VT_HEX,
	NFSIM_VT_CTSTATE,
	NFSIM_VT_CTDIR,
	NFSIM_VT_CTSTATUS,
	NFSIM_VT_BOOL,
	NFSIM_VT_ICMP,
	NFSIM_VT_ICMP6,
	NFSIM_VT_NFPROTO,
	NFSIM_VT_ETHER,
	NFSIM_VT_ADDRTYPE,
	NFSIM_VT_TCPFLAGS,
	NFSIM_VT_BE_DEC,
	NFSIM_VT_PKTTYPE,
	NFSIM_VT_ICMP_TC,
	NFSIM_VT_ICMP6_TC,
} nfsim_vtype_t;

/**
 * Renderer's knowledge of one register word.
 */
typedef struct {
	/** what was loaded, e.g. "ip saddr"; empty if nothing known */
	char name[40];
	/** how to print values compared with it */
	nfsim_vtype_t vt;
	/** bytes loaded */
	uint8_t len;
	/** a bitwise mask was applied (mask holds it) */
	bool masked;
	/** the mask */
	uint8_t mask[16];
	/** holds a constant (immediate), cval */
	bool is_const;
	/** the constant */
	uint8_t cval[16];
} nfsim_rdesc_t;

/**
 * Rendering state.
 */
struct nfsim_render_t {
	/** output buffer */
	char *buf;
	/** its size */
	size_t len;
	/** characters written (may exceed len: truncated) */
	size_t pos;
	/** family for naming network header fields (NFPROTO_*) */
	uint8_t family;
	/** table family */
	uint8_t table_family;
	/** legacy iptables rule */
	bool legacy;
	/** layer 4 protocol the rule matched on so far, 0 if none */
	uint8_t l4proto;
	/** register knowledge, per 32-bit word */
	nfsim_rdesc_t regs[NFSIM_REGS_LEN / 4];
};

/* ---- rule guards and runs (nfsim_guard.c) ---- */

/**
 * Build the guards of a chain's rules and index its runs (again, if it
 * had some).
 */
void nfsim_guard_chain(nfsim_chain_t *c);

/**
 * Free the runs of a chain.
 */
void nfsim_guard_chain_free(nfsim_chain_t *c);

/**
 * Free a run.
 */
void nfsim_guard_run_free(nfsim_guard_run_t *run);

/**
 * End a rule one of whose guard's tests fails for the packet as running
 * its expressions up to that test would (registers, budget, NFT_BREAK).
 *
 * @return			false if the rule must be run instead
 */
bool nfsim_guard_skip(nfsim_ctx_t *ctx, const nfsim_rule_t *r);

/**
 * Pass over the rules of r's run from r on that fail their guard for the
 * packet, up to the next one whose tests all pass, as running each of them
 * would (the registers, budget and stop callback's turns; the last one's
 * NFT_BREAK).
 *
 * @return			rules passed over, 0 if r must be run (or skipped on
 *					its own)
 */
size_t nfsim_guard_skip_run(nfsim_ctx_t *ctx, const nfsim_rule_t *r);

/* ---- evaluation helpers (nfsim_eval.c) ---- */

/**
 * The current expression cannot be judged but either outcome is possible:
 * let the oracle decide (likely outcome unless forced) and set
 * ctx->verdict to NFT_CONTINUE (matches) or NFT_BREAK.
 */
void nfsim_unknown(nfsim_ctx_t *ctx, bool likely);

/**
 * The current expression decides the packet's fate in a way that cannot
 * be judged: end the evaluation with an unknown verdict.
 */
void nfsim_undecidable(nfsim_ctx_t *ctx);

/**
 * Store bytes into the register file the way the kernel does (the last
 * partial 32-bit word is zeroed first), all bits known.
 */
void nfsim_reg_store(nfsim_ctx_t *ctx, uint8_t off, const void *data,
					 uint32_t len);

/**
 * Store bytes and their unknown bits into the register file.
 */
void nfsim_reg_store_masked(nfsim_ctx_t *ctx, uint8_t off, const void *data,
							const void *unk, uint32_t len);

/**
 * Mark len bytes at off (rounded up to whole words) unknown.
 */
void nfsim_reg_store_unknown(nfsim_ctx_t *ctx, uint8_t off, uint32_t len);

/**
 * Store a byte (the rest of the word zeroed, nft_reg_store8()).
 */
void nfsim_reg_store8(nfsim_ctx_t *ctx, uint8_t off, uint8_t val);

/**
 * Store a 16-bit value as is (nft_reg_store16(): zero-extended word).
 */
void nfsim_reg_store16(nfsim_ctx_t *ctx, uint8_t off, uint16_t val);

/**
 * Store a 32-bit value in host order.
 */
void nfsim_reg_store32(nfsim_ctx_t *ctx, uint8_t off, uint32_t val);

/**
 * Whether len bytes at off are fully known.
 */
bool nfsim_reg_known(const nfsim_ctx_t *ctx, uint8_t off, uint32_t len);

/**
 * Three-valued comparison of register bytes (with unknown bits) and a
 * constant, NFT_CMP_* operator, memcmp order.
 */
nfsim_tri_t nfsim_cmp_tri(const uint8_t *reg, const uint8_t *unk,
						  uint8_t op, const uint8_t *data, uint32_t len);

/**
 * The conntrack status of the packet's connection at the current point of
 * the hook (expr/ct.c).
 *
 * @param ctx		the evaluation context
 * @param status	receives the status bits (NFSIM_CTS_*)
 * @param unknown	receives the bits that depend on runtime state
 * @return			false if the status is not known at all
 */
bool nfsim_ct_status(const nfsim_ctx_t *ctx, uint32_t *status,
					 uint32_t *unknown);

/* ---- packet helpers (nfsim_packet.c) ---- */

/**
 * Build the packet image from the packet description.
 */
void nfsim_image_build(nfsim_image_t *img, const nfsim_packet_t *pkt);

/**
 * Read len bytes at off of the image.
 *
 * @return			false if the bytes are beyond the end of the packet
 */
bool nfsim_image_read(const nfsim_image_t *img, uint32_t off, uint32_t len,
					  uint8_t *data, uint8_t *unk);

/**
 * Write bytes (with unknown bits, NULL: all known) into the image.
 *
 * @return			false if beyond the modelled image
 */
bool nfsim_image_write(nfsim_image_t *img, uint32_t off, uint32_t len,
					   const uint8_t *data, const uint8_t *unk);

/**
 * Apply a NAT binding to the image (source or destination address and
 * port).
 */
void nfsim_image_nat(nfsim_image_t *img, uint8_t family, const nfsim_nat_t *nat);

/**
 * Packet type as seen on input (PACKET_HOST, _BROADCAST, _MULTICAST), from
 * the destination address of the image: what "meta pkttype" loads and the
 * pkttype match compares.
 */
uint8_t nfsim_pkttype(const nfsim_ctx_t *ctx);

/**
 * Current source/destination address of the image (after NAT).
 */
const uint8_t *nfsim_image_saddr(const nfsim_image_t *img, uint8_t family);

/**
 * Current destination address of the image.
 */
const uint8_t *nfsim_image_daddr(const nfsim_image_t *img, uint8_t family);

/**
 * The input (in) or output device name as the kernel sees it at the
 * current hook: empty if there is none.
 *
 * @param ctx		context
 * @param in		input device, else output device
 * @param name		receives the name (IF_NAMESIZE bytes, zero padded)
 * @return			true if known
 */
bool nfsim_dev_name(const nfsim_ctx_t *ctx, bool in, char *name);

/**
 * Select the masquerade source address: IPv4, the gateway address on the
 * output interface (in the next hop's network if known); IPv6,
 * nfsim_saddr6() over every address when the list is complete.
 *
 * @return			true if found (addr set)
 */
bool nfsim_masq_source(const nfsim_packet_t *pkt, uint8_t *addr);

/**
 * The source address the kernel picks for an IPv6 destination leaving
 * through a device (ipv6_dev_get_saddr(), RFC 6724), as IPv6 masquerade
 * does.
 *
 * @param addrs		every address of the gateway
 * @param count		number of addrs
 * @param oif		the output device
 * @param dst		the destination
 * @param src		receives the source (16 bytes)
 * @return			false if the gateway has no IPv6 candidate
 */
bool nfsim_saddr6(const nfsim_ifaddr_t *addrs, size_t count, const char *oif,
				  const uint8_t *dst, uint8_t *src);

/**
 * Classify an address like the kernel's inet_addr_type() as far as it can
 * be told: RTN_LOCAL, RTN_MULTICAST, RTN_BROADCAST, RTN_UNICAST; 0 if not
 * known.
 */
uint8_t nfsim_addr_type(const nfsim_packet_t *pkt, uint8_t family,
						const uint8_t *addr);

/**
 * Address length of a family (4 or 16).
 */
static inline uint32_t nfsim_addr_len(uint8_t family)
{
	return family == 10 ? 16 : 4;
}

/* ---- set lookups (nfsim_set.c) ---- */

/**
 * Look a key up in a set.
 *
 * @param set		the set
 * @param key		key bytes (klen)
 * @param unk		unknown bits of key
 * @param elem		receives the matching element
 * @return			NFSIM_YES, NFSIM_NO, or NFSIM_UNKNOWN if unknown key
 *					bits could make a difference
 */
nfsim_tri_t nfsim_set_lookup(const nfsim_set_t *set, const uint8_t *key,
							 const uint8_t *unk, const nfsim_elem_t **elem);

/**
 * Sort elements, find the catch-all one and resolve the jump targets of
 * verdict map elements (called by finalize).
 *
 * @return			number of elements whose target cannot be resolved
 *					(made undecidable)
 */
unsigned nfsim_set_finalize(nfsim_set_t *set);

/**
 * Follow the jump/goto targets of a verdict map's elements; those whose
 * edge closes a loop are made undecidable.
 *
 * @param set		the verdict map
 * @param closes	tells whether an edge closes a loop
 * @param user		passed to closes
 * @return			number of edges cut
 */
unsigned nfsim_set_jumps(nfsim_set_t *set, nfsim_jump_cb_t closes, void *user);

/**
 * Release a set.
 */
void nfsim_set_destroy(nfsim_set_t *set);

/* ---- rendering helpers (nfsim_render.c) ---- */

/**
 * Append formatted text.
 */
void nfsim_render_printf(nfsim_render_t *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * Append a separating space unless at the start.
 */
void nfsim_render_space(nfsim_render_t *r);

/**
 * Record what a register holds.
 */
void nfsim_render_desc(nfsim_render_t *r, uint8_t off, uint32_t len,
					   nfsim_vtype_t vt, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/**
 * What a register holds (NULL if unknown).
 */
nfsim_rdesc_t *nfsim_render_get(nfsim_render_t *r, uint8_t off);

/**
 * Forget what a register holds.
 */
void nfsim_render_forget(nfsim_render_t *r, uint8_t off, uint32_t len);

/**
 * Append a value formatted by type.
 */
void nfsim_render_value(nfsim_render_t *r, nfsim_vtype_t vt,
						const uint8_t *data, uint32_t len);

/**
 * Append the values of a (possibly concatenated) key whose fields are
 * described by the registers from off on.
 */
void nfsim_render_key(nfsim_render_t *r, uint8_t off, const uint8_t *data,
					  uint32_t len);

/**
 * Name of the register contents from off on for len bytes, fields joined
 * with " . " (concatenations); a register name if unknown.
 */
void nfsim_render_regname(nfsim_render_t *r, uint8_t off, uint32_t len);

/**
 * Append a verdict ("accept", "jump foo").
 */
void nfsim_render_verdict(nfsim_render_t *r, const nfsim_verdict_data_t *v);

/**
 * Append an address of a family.
 */
void nfsim_render_addr(nfsim_render_t *r, uint8_t family, const uint8_t *addr);

/**
 * Render one expression on its own (for "what could not be judged").
 */
void nfsim_expr_format(const nfsim_rule_t *rule, const nfsim_expr_t *expr,
					   char *buf, size_t len);

/**
 * Protocol name ("tcp") or NULL.
 */
const char *nfsim_proto_name(uint8_t proto);

/* ---- ruleset helpers (nfsim_ruleset.c) ---- */

/**
 * Append an expression of a kind to a rule (for the kind's constructors).
 *
 * @param rule		the rule
 * @param ops		the kind
 * @return			the expression's private data (zeroed), NULL on
 *					allocation failure
 */
void *nfsim_rule_push(nfsim_rule_t *rule, const nfsim_expr_ops_t *ops);

/**
 * Drop the last expression of a rule (constructor failed).
 */
void nfsim_rule_pop(nfsim_rule_t *rule);

/**
 * Resolve the target chain of a jump/goto verdict in its table (other
 * verdicts need none).
 *
 * @return			false if the target does not exist or is a base chain
 *					(the kernel refuses both)
 */
bool nfsim_verdict_resolve(nfsim_verdict_data_t *v, const nfsim_table_t *t);

/**
 * Make room for one more element in a growable array.
 *
 * @param arr		the array (reallocated)
 * @param size		its allocated elements (updated)
 * @param count		elements in use
 * @param elem		size of an element
 * @return			false on allocation failure
 */
bool nfsim_grow(void **arr, size_t *size, size_t count, size_t elem);

/**
 * Duplicate a string (NULL on allocation failure or NULL input).
 */
char *nfsim_strdup(const char *s);

#endif /** NFSIM_PRIVATE_H_ @}*/
