/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_trace_ipsec.h"
#include "dpc_trace_nf.h"
#include "dpc_trace_outer.h"
#include "dpc_trace_sa.h"
#include "dpc_trace_verdict.h"
#include "facts/dpc_path.h"
#include "facts/dpc_questions.h"

#include <string.h>

/** longest name of a CHILD_SA */
#define NAME_LEN (DPC_NAME_LEN * 2 + 32)
/** longest selectors of a CHILD_SA */
#define SEL_LEN (DPC_TS_STRLEN * 4 + 8)

/**
 * What IPsec sees of a leaving packet.
 */
typedef struct {
	/** the POSTROUTING result */
	const nfsim_result_t *post;
	/** the interface the route leads to */
	const char *oif;
	/** the kernel-libipsec device, NULL if none */
	const char *tun;
	/** routed into the kernel-libipsec device */
	bool into_tun;
	/** source NAT applies */
	bool snat;
	/** the source NAT as text */
	char nat[DPC_TRACE_DETAIL_LEN];
	/** the source after source NAT */
	dpc_addr_t nsrc;
} leaving_t;

/*
 * Described in header
 */
void dpc_trace_decrypted(dpc_trace_state_t *t, const char *iif)
{
	dpc_trace_sa_t in;
	dpc_path_t path;
	char name[NAME_LEN], a[DPC_ADDR_STRLEN];

	in = dpc_trace_find_sa(t, &t->src, &t->dst, true, false);
	if (!in.child)
	{
		return;
	}
	dpc_path_compute(t->facts, in.ike, in.child, t->dst.family, &path);
	if (!dpc_path_has(&path, DPC_PATH_TUN) || !dpc_streq(path.tun, iif))
	{
		return;
	}
	t->in = in;
	t->res->decrypted = true;
	dpc_trace_set_child(t, &in, true);
	dpc_trace_add_phase(t, "ipsec-in", DPC_TRACE_ALLOW, "arrives decrypted "
						"from CHILD_SA %s (%s SPI %08x from %s) on %s",
						dpc_trace_sa_name(&in, name, sizeof(name)),
						dpc_trace_sa_encap(&in), in.child->spi_in,
						dpc_addr_to_str(&in.ike->remote, a, sizeof(a)), iif);
}

/*
 * Described in header
 */
bool dpc_trace_inbound_policy(dpc_trace_state_t *t, const char *iif)
{
	char name[NAME_LEN], sel[SEL_LEN];
	dpc_trace_sa_t sa;

	if (!t->xfrm || t->in.child)
	{
		return true;
	}
	sa = dpc_trace_find_sa(t, &t->src, &t->dst, true, false);
	if (!sa.child)
	{
		return true;
	}
	dpc_trace_add_phase(t, "ipsec-in", DPC_TRACE_DROP, "arrives on %s "
						"unencrypted, but the inbound policy of CHILD_SA %s "
						"(%s) only admits it decrypted", iif,
						dpc_trace_sa_name(&sa, name, sizeof(name)),
						dpc_trace_sa_selectors(&sa, false, sel, sizeof(sel)));
	dpc_trace_set_child(t, &sa, false);
	dpc_trace_decide(t, DPC_TRACE_DROP, "dropped by the IPsec inbound policy "
					 "of CHILD_SA %s: it did not arrive encrypted",
					 dpc_trace_sa_name(&sa, name, sizeof(name)));
	return false;
}

/**
 * Source NAT to an address that cannot be told, of a packet a CHILD_SA
 * covers before it.
 */
static void nat_unknown(dpc_trace_state_t *t, const leaving_t *l,
						const dpc_trace_sa_t *m0)
{
	dpc_trace_phase_t *ph;
	char name[NAME_LEN];

	ph = dpc_trace_add_phase(t, "ipsec", DPC_TRACE_UNKNOWN, "%s: whether it "
							 "still matches CHILD_SA %s cannot be told",
							 l->nat,
							 dpc_trace_sa_name(m0, name, sizeof(name)));
	if (l->post->nat.rule)
	{
		dpc_trace_rule_info(ph, l->post->nat.rule);
	}
	dpc_trace_set_child(t, m0, false);
	dpc_trace_unsure(t, "the source address %s sets",
					 nfsim_nat_name(l->post->nat.type));
	dpc_trace_decide(t, DPC_TRACE_UNKNOWN, "%s, so whether it matches "
					 "CHILD_SA %s cannot be told", l->nat,
					 dpc_trace_sa_name(m0, name, sizeof(name)));
}

/**
 * Encrypted into a CHILD_SA.
 */
static void encrypt(dpc_trace_state_t *t, const leaving_t *l,
					const dpc_trace_sa_t *m1)
{
	char name[NAME_LEN], sel[SEL_LEN], a[DPC_ADDR_STRLEN];

	dpc_trace_add_phase(t, "ipsec", DPC_TRACE_ENCRYPT, "matches CHILD_SA %s "
						"(reqid %u, %s)%s%s%s: %s to %s",
						dpc_trace_sa_name(m1, name, sizeof(name)),
						m1->child->reqid,
						dpc_trace_sa_selectors(m1, false, sel, sizeof(sel)),
						l->snat ? " after " : "", l->snat ? l->nat : "",
						l->into_tun ? ", routed into the kernel-libipsec "
									  "device" : "",
						dpc_trace_sa_encap(m1),
						dpc_addr_to_str(&m1->ike->remote, a, sizeof(a)));
	dpc_trace_set_child(t, m1, true);
	if (dpc_trace_outer(t, m1))
	{
		dpc_trace_decide(t, DPC_TRACE_ENCRYPT, "encrypted into CHILD_SA %s "
						 "(reqid %u), sent as %s to %s",
						 dpc_trace_sa_name(m1, name, sizeof(name)),
						 m1->child->reqid, dpc_trace_sa_encap(m1), a);
	}
}

/**
 * kernel-libipsec: a CHILD_SA covers the packet, but it is routed
 * elsewhere than into the TUN device.
 */
static void bypass(dpc_trace_state_t *t, const leaving_t *l,
				   const dpc_trace_sa_t *m1)
{
	char name[NAME_LEN], sel[SEL_LEN];

	dpc_trace_add_phase(t, "ipsec", DPC_TRACE_CLEARTEXT, "matches CHILD_SA %s "
						"(%s), but the route leads to %s, not into the "
						"kernel-libipsec device %s: it leaves unprotected",
						dpc_trace_sa_name(m1, name, sizeof(name)),
						dpc_trace_sa_selectors(m1, false, sel, sizeof(sel)),
						l->oif, l->tun ? l->tun : "(none)");
	dpc_trace_set_child(t, m1, false);
	dpc_trace_decide(t, DPC_TRACE_CLEARTEXT, "leaves in cleartext via %s: "
					 "the route bypasses the kernel-libipsec device although "
					 "CHILD_SA %s covers it", l->oif,
					 dpc_trace_sa_name(m1, name, sizeof(name)));
}

/**
 * Source NAT moved the packet out of the selectors of the CHILD_SA that
 * covered it.
 */
static void nat_breaks(dpc_trace_state_t *t, const leaving_t *l,
					   const dpc_trace_sa_t *m0)
{
	dpc_trace_phase_t *ph;
	char name[NAME_LEN], sel[SEL_LEN], nat[DPC_TRACE_DETAIL_LEN];
	char a[DPC_ADDR_STRLEN];

	dpc_ts_list_to_str(&m0->child->local, sel, sizeof(sel));
	dpc_trace_fmt(nat, sizeof(nat), "%s to %s",
				  nfsim_nat_name(l->post->nat.type),
				  dpc_addr_to_str(&l->nsrc, a, sizeof(a)));
	ph = dpc_trace_add_phase(t, "ipsec", l->into_tun ? DPC_TRACE_DROP
													 : DPC_TRACE_CLEARTEXT,
							 "after %s the source is outside the local "
							 "selectors of CHILD_SA %s (%s): %s", nat,
							 dpc_trace_sa_name(m0, name, sizeof(name)), sel,
							 l->into_tun ? "kernel-libipsec has no policy "
										   "for it and drops it" :
										   "no IPsec policy matches any "
										   "more");
	if (l->post->nat.rule)
	{
		dpc_trace_rule_info(ph, l->post->nat.rule);
	}
	dpc_trace_set_child(t, m0, false);
	if (l->into_tun)
	{
		dpc_trace_decide(t, DPC_TRACE_DROP, "dropped by kernel-libipsec: %s "
						 "breaks the match with CHILD_SA %s", nat,
						 dpc_trace_sa_name(m0, name, sizeof(name)));
	}
	else
	{
		dpc_trace_decide(t, DPC_TRACE_CLEARTEXT, "leaves in cleartext via "
						 "%s: %s breaks the match with CHILD_SA %s", l->oif,
						 nat, dpc_trace_sa_name(m0, name, sizeof(name)));
	}
}

/**
 * Only the configured selectors of a CHILD_SA cover the packet: it was
 * narrowed.
 */
static void narrowed(dpc_trace_state_t *t, const leaving_t *l,
					 const dpc_trace_sa_t *cfg)
{
	char name[NAME_LEN], sel[SEL_LEN], neg[SEL_LEN];

	dpc_trace_add_phase(t, "ipsec", l->into_tun ? DPC_TRACE_DROP
												: DPC_TRACE_CLEARTEXT,
						"only the configured selectors of CHILD_SA %s (%s) "
						"cover it, the negotiated ones (%s) do not: %s",
						dpc_trace_sa_name(cfg, name, sizeof(name)),
						dpc_trace_sa_selectors(cfg, true, sel, sizeof(sel)),
						dpc_trace_sa_selectors(cfg, false, neg, sizeof(neg)),
						l->into_tun ? "kernel-libipsec has no policy for it "
									  "and drops it" :
									  "no IPsec policy matches");
	dpc_trace_set_child(t, cfg, false);
	if (l->into_tun)
	{
		dpc_trace_decide(t, DPC_TRACE_DROP, "dropped by kernel-libipsec: "
						 "CHILD_SA %s was narrowed and does not cover it",
						 dpc_trace_sa_name(cfg, name, sizeof(name)));
	}
	else
	{
		dpc_trace_decide(t, DPC_TRACE_CLEARTEXT, "leaves in cleartext via "
						 "%s: CHILD_SA %s was narrowed and does not cover it",
						 l->oif, dpc_trace_sa_name(cfg, name, sizeof(name)));
	}
}

/**
 * No CHILD_SA covers the packet, not even by its configured selectors.
 */
static void uncovered(dpc_trace_state_t *t, const leaving_t *l)
{
	char name[NAME_LEN];

	if (l->into_tun)
	{
		dpc_trace_add_phase(t, "ipsec", DPC_TRACE_DROP, "routed into the "
							"kernel-libipsec device %s, but no CHILD_SA "
							"covers it", l->tun);
		dpc_trace_decide(t, DPC_TRACE_DROP, "dropped by kernel-libipsec: "
						 "routed into %s, but no CHILD_SA covers it", l->tun);
		return;
	}
	if (t->in.child)
	{
		dpc_trace_decide(t, DPC_TRACE_ALLOW, "decrypted from CHILD_SA %s and "
						 "forwarded via %s",
						 dpc_trace_sa_name(&t->in, name, sizeof(name)),
						 l->oif);
		return;
	}
	dpc_trace_add_phase(t, "ipsec", DPC_TRACE_ALLOW, "no CHILD_SA covers it: "
						"sent unprotected");
	dpc_trace_decide(t, DPC_TRACE_ALLOW, "%s unprotected via %s (no CHILD_SA "
					 "covers it)", dpc_streq(t->res->path, "output") ?
										"sent" : "forwarded", l->oif);
}

/*
 * Described in header
 */
void dpc_trace_ipsec(dpc_trace_state_t *t, const nfsim_result_t *post,
					 const dpc_trace_sa_t *m0)
{
	leaving_t l = {
		.post = post,
		.oif = t->route.oif,
		.tun = t->facts->get_tun(t->facts),
		.nsrc = t->src,
	};
	dpc_trace_sa_t m1 = *m0, cfg;

	l.snat = post->nat.type == NFSIM_NAT_SNAT ||
			 post->nat.type == NFSIM_NAT_MASQUERADE;
	l.into_tun = !t->xfrm && l.tun && dpc_streq(l.oif, l.tun);
	if (l.snat)
	{
		dpc_trace_nat_text(&post->nat, t->src.family, l.nat, sizeof(l.nat));
		if (post->nat.addr_known)
		{
			memcpy(l.nsrc.a, post->nat.addr, sizeof(l.nsrc.a));
			m1 = dpc_trace_find_sa(t, &l.nsrc, &t->dst, false, false);
		}
		else if (m0->child)
		{
			nat_unknown(t, &l, m0);
			return;
		}
		else
		{	/* unprotected either way */
			l.snat = false;
		}
	}
	if (m1.child)
	{
		if (t->xfrm || l.into_tun)
		{
			encrypt(t, &l, &m1);
		}
		else
		{
			bypass(t, &l, &m1);
		}
		return;
	}
	if (m0->child)
	{
		nat_breaks(t, &l, m0);
		return;
	}
	cfg = dpc_trace_find_sa(t, &t->src, &t->dst, false, true);
	if (cfg.child)
	{
		narrowed(t, &l, &cfg);
		return;
	}
	uncovered(t, &l);
}
