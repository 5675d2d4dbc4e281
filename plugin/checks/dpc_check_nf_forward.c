/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_check.h"
#include "dpc_check_family.h"
#include "dpc_check_nf.h"
#include "facts/dpc_questions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/**
 * What the FORWARD filter does to the flows of one direction of a CHILD_SA.
 */
typedef struct {
	/** the first packet of a new flow of each kind */
	nfsim_result_t new_res[DPC_NF_FLOWS];
	/** ... is certainly dropped or rejected */
	bool new_blocked[DPC_NF_FLOWS];
	/** the first established packet dropped, if any */
	nfsim_result_t est_res;
	/** an established packet is dropped */
	bool est_blocked;
	/** its kind of flow */
	dpc_nf_flow_t est_flow;
	/** it answers a flow the other side started */
	bool est_reply;
	/** the first result the simulator could not judge */
	nfsim_result_t unsure;
	/** there is one */
	bool has_unsure;
} fwd_dir_t;

/**
 * The NAT of the connections new flows of a direction start.
 */
typedef struct {
	nfsim_tri_t src[DPC_NF_FLOWS];
	nfsim_tri_t dst[DPC_NF_FLOWS];
} fwd_nat_t;

/**
 * Evaluate FORWARD for a packet; note an uncertain result.
 *
 * @return			TRUE if the packet is certainly dropped or rejected
 */
static bool forward_blocks(const nfsim_ruleset_t *rs, const nfsim_packet_t *pkt,
						   nfsim_result_t *res, fwd_dir_t *d)
{
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, pkt, res);
	if (!res->certain)
	{
		if (!d->has_unsure)
		{
			d->unsure = *res;
			d->has_unsure = true;
		}
		return dpc_nf_stops(res->verdict) && dpc_nf_stops(res->alt_verdict);
	}
	return dpc_nf_stops(res->verdict);
}

/**
 * Judge the new flows of both directions, and the NAT of their connections.
 */
static void judge_new(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
					  const dpc_child_rec_t *child, const nfsim_ruleset_t *rs,
					  const dpc_path_t *p, fwd_dir_t d[2], fwd_nat_t nat[2])
{
	nfsim_packet_t pkt;
	int dir, k;

	for (dir = 0; dir < 2; dir++)
	{
		for (k = 0; k < DPC_NF_FLOWS; k++)
		{
			dpc_nf_direction(ctx->facts, ike, child, p, dir, NFSIM_CT_NEW,
							 &pkt);
			dpc_nf_flow(&pkt, k, NFSIM_CT_NEW, 0, NFSIM_UNKNOWN, NFSIM_UNKNOWN);
			dpc_nf_conn_nat(rs, &pkt, &nat[dir].src[k], &nat[dir].dst[k]);
			/* source NAT happens after forward */
			dpc_nf_flow(&pkt, k, NFSIM_CT_NEW, 0, NFSIM_NO, nat[dir].dst[k]);
			d[dir].new_blocked[k] = forward_blocks(rs, &pkt,
											&d[dir].new_res[k], &d[dir]);
		}
	}
}

/**
 * Judge established packets of a direction: those continuing a flow
 * started in that direction and replies to flows the other side started,
 * for each kind of flow that can be started at all.
 */
static void judge_established(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
							  const dpc_child_rec_t *child,
							  const nfsim_ruleset_t *rs, const dpc_path_t *p,
							  fwd_dir_t d[2], const fwd_nat_t nat[2], int dir)
{
	nfsim_packet_t pkt;
	nfsim_result_t res;
	int k, cdir, start;

	for (k = 0; k < DPC_NF_FLOWS && !d[dir].est_blocked; k++)
	{
		for (cdir = 0; cdir < 2 && !d[dir].est_blocked; cdir++)
		{
			/* the direction that started the connection */
			start = cdir ? !dir : dir;
			if (d[start].new_blocked[k])
			{	/* such connections never exist */
				continue;
			}
			dpc_nf_direction(ctx->facts, ike, child, p, dir, NFSIM_CT_NEW,
							 &pkt);
			dpc_nf_flow(&pkt, k, NFSIM_CT_ESTABLISHED, cdir,
						nat[start].src[k], nat[start].dst[k]);
			if (forward_blocks(rs, &pkt, &res, &d[dir]))
			{
				d[dir].est_res = res;
				d[dir].est_blocked = true;
				d[dir].est_flow = k;
				d[dir].est_reply = cdir == 1;
			}
		}
	}
}

/**
 * The verdict of one kind of flow as evidence.
 */
static void flow_evidence(dpc_finding_t *f, const char *key,
						  const nfsim_result_t *res, bool blocked)
{
	if (!blocked)
	{
		dpc_finding_evidence(f, key, "%s", res->certain ?
							 nfsim_verdict_name(res->verdict) : "uncertain");
		return;
	}
	dpc_nf_evidence(f, key, res);
	/* prefix the verdict: "drop by inet filter forward handle 7: ..." */
	if (f->n_evidence > 0)
	{
		dpc_evidence_t *e = &f->evidence[f->n_evidence - 1];
		char v[DPC_EVVAL_LEN];

		if (dpc_streq(e->key, key))
		{
			snprintf(v, sizeof(v), "%s by %s", nfsim_verdict_name(res->verdict),
					 e->value);
			snprintf(e->value, sizeof(e->value), "%s", v);
		}
	}
}

/**
 * Append to a list "a, b and c" of n items being built.
 */
static void list_add(char *buf, size_t len, int *i, int n, const char *item)
{
	size_t used = strlen(buf);

	if (used < len)
	{
		snprintf(buf + used, len - used, "%s%s", *i == 0 ? "" :
				 *i == n - 1 ? " and " : ", ", item);
	}
	(*i)++;
}

/**
 * What a direction drops (blocked TRUE) or lets through as a list: "new TCP
 * and UDP connections and pings".
 *
 * @return			number of kinds of flow listed
 */
static int flows_text(const fwd_dir_t *d, bool blocked, const char *from,
					  const char *to, char *buf, size_t len)
{
	bool tcp = d->new_blocked[DPC_NF_FLOW_TCP] == blocked;
	bool udp = d->new_blocked[DPC_NF_FLOW_UDP] == blocked;
	bool icmp = d->new_blocked[DPC_NF_FLOW_ICMP] == blocked;
	bool est = blocked && d->est_blocked;
	int n = (tcp || udp) + icmp + est, i = 0;
	char item[96];

	buf[0] = '\0';
	if (tcp || udp)
	{
		snprintf(item, sizeof(item), "new %s%s%s connections",
				 tcp ? "TCP" : "", tcp && udp ? " and " : "", udp ? "UDP" : "");
		list_add(buf, len, &i, n, item);
	}
	if (icmp)
	{
		list_add(buf, len, &i, n, blocked ? "pings" : "ping");
	}
	if (est)
	{
		snprintf(item, sizeof(item), "established %s traffic (%s %s)",
				 dpc_nf_flow_name(d->est_flow), d->est_reply ?
				 "replies to connections from" : "connections from",
				 d->est_reply ? to : from);
		list_add(buf, len, &i, n, item);
	}
	return tcp + udp + icmp + est;
}

/**
 * The message: what is dropped, what passes.
 */
static void forward_message(dpc_finding_t *f, const fwd_dir_t *d,
							const char *from, const char *to, bool both)
{
	char dropped[200], passes[64];
	int npass;

	flows_text(d, true, from, to, dropped, sizeof(dropped));
	npass = flows_text(d, false, from, to, passes, sizeof(passes));
	dpc_finding_message(f, "the FORWARD filter drops %s from %s to %s%s%s%s%s",
						dropped, from, to,
						both ? " (the other way too: nothing can connect)" : "",
						npass ? "; " : "", passes,
						!npass ? "" : dpc_streq(passes, "ping") ? " passes"
															  : " pass");
}

/**
 * Report one direction.
 */
static void forward_report(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						   const dpc_child_rec_t *child, const dpc_path_t *p,
						   const fwd_dir_t d[2], int dir)
{
	const fwd_dir_t *me = &d[dir];
	const nfsim_result_t *first = NULL;
	dpc_finding_t *f;
	char lts[DPC_TS_STRLEN], rts[DPC_TS_STRLEN];
	bool both = false, any = me->est_blocked;
	int k;

	for (k = 0; k < DPC_NF_FLOWS; k++)
	{
		if (me->new_blocked[k])
		{
			any = true;
			both |= d[!dir].new_blocked[k];
			first = first ?: &me->new_res[k];
		}
	}
	if (!any)
	{
		return;
	}
	if (me->est_blocked)
	{
		first = &me->est_res;
	}
	dpc_ts_to_str(&child->local.ts[0], lts, sizeof(lts));
	dpc_ts_to_str(&child->remote.ts[0], rts, sizeof(rts));
	/* dropping new connections of one direction may be intended; dropping
	 * established traffic breaks what gets through, dropping both
	 * directions leaves nothing that can connect */
	f = dpc_check_add(ctx, "filter-blocks-forward",
					  me->est_blocked || both ? DPC_ERROR : DPC_WARNING,
					  ike, child);
	if (!f)
	{
		return;
	}
	snprintf(f->discrim, sizeof(f->discrim), "%s", dir ? "in" : "out");
	forward_message(f, me, dir ? rts : lts, dir ? lts : rts, both);
	dpc_finding_evidence(f, "direction", "%s", dir ? "in" : "out");
	dpc_finding_evidence(f, "interfaces", "iif %s oif %s",
						 dir ? p->tun : p->lan, dir ? p->lan : p->out);
	dpc_nf_evidence(f, "rule", first);
	flow_evidence(f, "tcp", &me->new_res[DPC_NF_FLOW_TCP],
				  me->new_blocked[DPC_NF_FLOW_TCP]);
	flow_evidence(f, "udp", &me->new_res[DPC_NF_FLOW_UDP],
				  me->new_blocked[DPC_NF_FLOW_UDP]);
	flow_evidence(f, "icmp", &me->new_res[DPC_NF_FLOW_ICMP],
				  me->new_blocked[DPC_NF_FLOW_ICMP]);
	if (me->est_blocked)
	{
		flow_evidence(f, "established", &me->est_res, true);
	}
	else
	{
		dpc_finding_evidence(f, "established", "accept");
	}
	if (ctx->facts->get_dataplane(ctx->facts) == DPC_DATAPLANE_LIBIPSEC)
	{	/* no XFRM: policy matches never match, the TUN device does */
		dpc_finding_hint(f, "accept tunnel traffic before that rule, "
						 "e.g. nft '%s \"%s\" accept' or 'ip saddr %s "
						 "ip daddr %s accept' in the forward chain "
						 "(iptables: -%s %s -j ACCEPT)",
						 dir ? "iifname" : "oifname", p->tun,
						 dir ? rts : lts, dir ? lts : rts,
						 dir ? "i" : "o", p->tun);
	}
	else
	{
		dpc_finding_hint(f, "accept tunnel traffic before that rule, "
						 "e.g. nft '%s accept' or 'ip saddr %s ip daddr "
						 "%s accept' in the forward chain (iptables: -m "
						 "policy --pol ipsec --dir %s -j ACCEPT)",
						 dir ? "meta ipsec exists" : "rt ipsec exists",
						 dir ? rts : lts, dir ? lts : rts,
						 dir ? "in" : "out");
	}
}

/**
 * filter-blocks-forward: FORWARD must let each kind of tunnel flow through
 * both ways, new and established.
 */
static void forward_filter(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						   const dpc_child_rec_t *child)
{
	const nfsim_ruleset_t *rs;
	const dpc_path_t *p;
	fwd_dir_t *d;
	fwd_nat_t nat[2];
	int dir;

	if (!dpc_nf_forwarded(ctx, ike, child, &rs, &p))
	{
		return;
	}
	d = calloc(2, sizeof(*d));
	if (!d)
	{
		return;
	}
	judge_new(ctx, ike, child, rs, p, d, nat);
	for (dir = 0; dir < 2; dir++)
	{
		judge_established(ctx, ike, child, rs, p, d, nat, dir);
	}
	for (dir = 0; dir < 2; dir++)
	{
		if (d[dir].has_unsure)
		{
			dpc_nf_uncertain(ctx, ike, child,
							 dir ? "inbound tunnel traffic in forward"
								 : "outbound tunnel traffic in forward",
							 &d[dir].unsure);
		}
		forward_report(ctx, ike, child, p, d, dir);
	}
	free(d);
}

/**
 * filter-blocks-forward: per CHILD_SA.
 */
const dpc_check_family_t dpc_check_family_nf_forward = {
	.name = "nf-forward",
	.child = forward_filter,
};
