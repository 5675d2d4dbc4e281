/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup nfsim_expr_ops nfsim_expr_ops
 * @{ @ingroup nfsim
 *
 * What an expression kind implements (libnftnl's struct expr_ops is the
 * model).
 *
 * An expression is its kind's ops and the kind's private data behind them:
 * the data's layout is known only to the kind's file under expr/, which
 * reaches it through nfsim_expr_data(). Nothing outside a kind's file looks
 * at its data or tests which kind an expression is; what the rest of the
 * simulator needs to know of an expression is an op.
 */

#ifndef NFSIM_EXPR_OPS_H_
#define NFSIM_EXPR_OPS_H_

#include "nfsim_expr.h"

typedef struct nfsim_expr_ops_t nfsim_expr_ops_t;
typedef struct nfsim_ctx_t nfsim_ctx_t;
typedef struct nfsim_render_t nfsim_render_t;

/**
 * A constant.
 */
typedef struct {
	/** length in bytes */
	uint8_t len;
	/** bytes, as they appear in the register file */
	uint8_t data[NFSIM_DATA_MAX];
} nfsim_data_t;

/**
 * A verdict with its target chain.
 */
typedef struct {
	/** NF_ACCEPT, NF_DROP, NFT_JUMP, NFT_GOTO, NFT_RETURN, NFT_CONTINUE,
	 *  NFT_BREAK, NF_QUEUE, NFSIM_V_* */
	int code;
	/** target chain name (jump/goto), NULL otherwise */
	char *chain_name;
	/** resolved target chain, set by nfsim_ruleset_finalize() */
	const nfsim_chain_t *chain;
} nfsim_verdict_data_t;

/**
 * Tells whether the edge from an expression to a chain it may jump to
 * closes a loop (and walks on from that chain if not).
 *
 * @param target	the chain jumped to
 * @param user		user data
 * @return			true if the edge closes a loop
 */
typedef bool (*nfsim_jump_cb_t)(const nfsim_chain_t *target, void *user);

/**
 * A rule's leading tests: each loads packet bytes or a key of the packet's
 * metadata (payload, meta), optionally masks them (bitwise) and compares
 * them with a constant (cmp). The evaluation skips a rule one of whose
 * tests fails without running its expressions, leaving the registers as
 * they would have; consecutive rules with tests of the same shape are
 * indexed by their constants (nfsim_guard.c).
 */
#define NFSIM_GUARD_MAX 16

/** tests of a guard */
#define NFSIM_GUARD_TESTS 4

/** base of a test loading a meta key (else a payload base) */
#define NFSIM_GUARD_META 0xff

typedef struct {
	/** the expression loading the bytes (a meta key is loaded by it) */
	const nfsim_expr_t *load;
	/** payload base (NFT_PAYLOAD_NETWORK_HEADER, _TRANSPORT_HEADER) or
	 *  NFSIM_GUARD_META */
	uint8_t base;
	/** register offset loaded, masked and compared */
	uint8_t reg;
	/** bytes loaded (and masked) */
	uint8_t len;
	/** leading bytes compared (iptables-nft compares an interface name
	 *  up to its NUL) */
	uint8_t clen;
	/** a mask applies */
	bool masked;
	/** expressions of the rule up to and including this test's cmp */
	uint8_t nexprs;
	/** offset from the payload base, or the meta key */
	uint32_t offset;
	/** the mask (masked) */
	uint8_t mask[NFSIM_GUARD_MAX];
	/** the constant the first clen masked bytes must equal */
	uint8_t value[NFSIM_GUARD_MAX];
} nfsim_guard_test_t;

typedef struct {
	/** complete tests; the rule has a guard if there is one */
	uint8_t ntests;
	/** expressions taken so far, the test being built included */
	uint8_t nexprs;
	/** tests[ntests] has loaded and waits for a mask or its constant */
	bool open;
	/** the tests, in the rule's order */
	nfsim_guard_test_t tests[NFSIM_GUARD_TESTS];
} nfsim_guard_t;

/**
 * Start a guard's next test with a load (the payload and meta kinds).
 *
 * @return			the test to fill, NULL if the guard takes no more
 */
static inline nfsim_guard_test_t *nfsim_guard_open(nfsim_guard_t *g,
												   const nfsim_expr_t *load)
{
	nfsim_guard_test_t *t;

	if (g->open || g->ntests >= NFSIM_GUARD_TESTS)
	{
		return NULL;
	}
	t = &g->tests[g->ntests];
	*t = (nfsim_guard_test_t){ .load = load };
	g->open = true;
	t->nexprs = ++g->nexprs;
	return t;
}

/**
 * An nf_tables expression an expression kind is decoded from.
 */
typedef struct {
	/** expression name (NFTA_EXPR_NAME) */
	const char *name;
	/** its decoder */
	nfsim_expr_decode_t decode;
} nfsim_expr_decoder_t;

/**
 * Implementation of an expression kind.
 */
struct nfsim_expr_ops_t {
	/** name as in nf_tables ("payload", "cmp", ...) */
	const char *name;
	/** size of the kind's private data */
	size_t data_len;
	/** run it: update ctx registers/packet, set ctx->verdict */
	void (*eval)(const nfsim_expr_t *e, nfsim_ctx_t *ctx);
	/** append a readable rendering */
	void (*render)(const nfsim_expr_t *e, nfsim_render_t *r);
	/** release what the private data points to (optional) */
	void (*destroy)(nfsim_expr_t *e);
	/** resolve references once all tables are known (optional); return
	 *  false if unresolvable: the expression then cannot be judged */
	bool (*finalize)(nfsim_expr_t *e, nfsim_rule_t *rule);
	/** follow the chains a verdict of it may jump to or go to (optional,
	 *  after finalize): make each edge for which closes() says it closes a
	 *  loop undecidable, and return how many there were */
	unsigned (*jumps)(nfsim_expr_t *e, nfsim_jump_cb_t closes, void *user);
	/** extend a rule's guard by this expression (optional): return false
	 *  if it does not fit the guard built so far (a load opens a test,
	 *  a mask may follow, a constant completes it) */
	bool (*guard)(const nfsim_expr_t *e, nfsim_guard_t *guard);
	/** the nf_tables expressions decoded into this kind, terminated by an
	 *  entry without name; NULL if none (built by constructors only) */
	const nfsim_expr_decoder_t *decoders;
};

/*
 * The kinds, for the registry (nfsim_expr.c) and each kind's constructors.
 */
extern const nfsim_expr_ops_t nfsim_expr_payload_ops;
extern const nfsim_expr_ops_t nfsim_expr_meta_ops;
extern const nfsim_expr_ops_t nfsim_expr_cmp_ops;
extern const nfsim_expr_ops_t nfsim_expr_bitwise_ops;
extern const nfsim_expr_ops_t nfsim_expr_byteorder_ops;
extern const nfsim_expr_ops_t nfsim_expr_range_ops;
extern const nfsim_expr_ops_t nfsim_expr_lookup_ops;
extern const nfsim_expr_ops_t nfsim_expr_immediate_ops;
extern const nfsim_expr_ops_t nfsim_expr_ct_ops;
extern const nfsim_expr_ops_t nfsim_expr_rt_ops;
extern const nfsim_expr_ops_t nfsim_expr_xfrm_ops;
extern const nfsim_expr_ops_t nfsim_expr_fib_ops;
extern const nfsim_expr_ops_t nfsim_expr_nat_ops;
extern const nfsim_expr_ops_t nfsim_expr_reject_ops;
extern const nfsim_expr_ops_t nfsim_expr_exthdr_ops;
extern const nfsim_expr_ops_t nfsim_expr_opaque_ops;
extern const nfsim_expr_ops_t nfsim_expr_xt_ops;
extern const nfsim_expr_ops_t nfsim_expr_ipt_ops;
extern const nfsim_expr_ops_t nfsim_expr_invalid_ops;

/** room for private data every expression has, whatever its kind needs:
 *  enough for the invalid kind, so that finalize can make any expression
 *  invalid in place */
#define NFSIM_EXPR_DATA_MIN 24

/**
 * An expression: its kind and the kind's private data.
 */
struct nfsim_expr_t {
	/** implementation */
	const nfsim_expr_ops_t *ops;
	/** private data, ops->data_len bytes (at least NFSIM_EXPR_DATA_MIN) */
	char data[] __attribute__((aligned(8)));
};

/**
 * The kind-private data of an expression (for the kind's own file).
 */
static inline void *nfsim_expr_data(const nfsim_expr_t *e)
{
	return (void*)e->data;
}

/**
 * Create an expression of a kind with zeroed private data.
 *
 * @param ops		the kind
 * @return			the expression, NULL on allocation failure
 */
nfsim_expr_t *nfsim_expr_create(const nfsim_expr_ops_t *ops);

/**
 * Release an expression and what its private data points to.
 */
void nfsim_expr_destroy(nfsim_expr_t *e);

/**
 * Turn an expression into one that cannot be judged, in place, keeping the
 * name of its kind (a reference finalize cannot resolve, a jump closing a
 * loop: the kernel would not have loaded such a rule).
 */
void nfsim_expr_invalidate(nfsim_expr_t *e);

#endif /** NFSIM_EXPR_OPS_H_ @}*/
