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
 * The NAT of the connections new flows of each direction and kind start,
 * worked out when a verdict depends on it.
 */
typedef struct {
	/** source NATed, by direction (0 out, 1 in) and kind */
	nfsim_tri_t src[2][DPC_NF_FLOWS];
	/** destination NATed */
	nfsim_tri_t dst[2][DPC_NF_FLOWS];
	/** src and dst are worked out */
	bool known[2][DPC_NF_FLOWS];
} fwd_nat_t;

/**
 * What is being judged: a CHILD_SA's path through a ruleset.
 */
typedef struct {
	/** the check context */
	dpc_check_ctx_t *ctx;
	/** the IKE_SA */
	const dpc_ike_rec_t *ike;
	/** the CHILD_SA */
	const dpc_child_rec_t *child;
	/** the ruleset */
	const nfsim_ruleset_t *rs;
	/** the CHILD_SA's path */
	const dpc_path_t *p;
	/** the verdicts, out and in */
	fwd_dir_t *d;
	/** the NAT of the connections */
	fwd_nat_t nat;
} fwd_t;

/**
 * The NAT of connections of a kind started in a direction.
 */
static void conn_nat(fwd_t *fw, int start, dpc_nf_flow_t k)
{
	nfsim_packet_t pkt;

	if (!fw->nat.known[start][k])
	{
		dpc_nf_direction(fw->ctx->facts, fw->ike, fw->child, fw->p, start,
						 NFSIM_CT_NEW, &pkt);
		dpc_nf_flow(&pkt, k, NFSIM_CT_NEW, 0, NFSIM_UNKNOWN, NFSIM_UNKNOWN);
		dpc_nf_conn_nat(fw->rs, &pkt, &fw->nat.src[start][k],
						&fw->nat.dst[start][k]);
		fw->nat.known[start][k] = true;
	}
}

/**
 * Evaluate FORWARD for a packet of a direction, kind, state and conntrack
 * direction; note an uncertain result. The NAT of its connection is worked
 * out only if the verdict depends on the status bits it sets.
 *
 * @return			TRUE if the packet is certainly dropped or rejected
 */
static bool forward_blocks(fwd_t *fw, int dir, dpc_nf_flow_t k, uint32_t ct,
						   int cdir, nfsim_result_t *res)
{
	fwd_dir_t *d = &fw->d[dir];
	nfsim_packet_t pkt;
	/* the direction that started the connection */
	int start = cdir ? !dir : dir;
	/* a new connection's source NAT comes after forward */
	nfsim_tri_t src = ct == NFSIM_CT_NEW ? NFSIM_NO : NFSIM_UNKNOWN;

	dpc_nf_direction(fw->ctx->facts, fw->ike, fw->child, fw->p, dir,
					 NFSIM_CT_NEW, &pkt);
	dpc_nf_flow(&pkt, k, ct, cdir, src, NFSIM_UNKNOWN);
	nfsim_eval(fw->rs, NFSIM_HOOK_FORWARD, &pkt, res);
	if (!res->certain)
	{
		conn_nat(fw, start, k);
		dpc_nf_flow(&pkt, k, ct, cdir, ct == NFSIM_CT_NEW ? NFSIM_NO :
					fw->nat.src[start][k], fw->nat.dst[start][k]);
		nfsim_eval(fw->rs, NFSIM_HOOK_FORWARD, &pkt, res);
	}
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
 * Judge the new flows of both directions.
 */
static void judge_new(fwd_t *fw)
{
	int dir, k;

	for (dir = 0; dir < 2; dir++)
	{
		for (k = 0; k < DPC_NF_FLOWS; k++)
		{
			fw->d[dir].new_blocked[k] = forward_blocks(fw, dir, k,
							NFSIM_CT_NEW, 0, &fw->d[dir].new_res[k]);
		}
	}
}

/**
 * Judge established packets of a direction: one continuing a connection
 * started in that direction and a reply to one the other side started, each
 * of the first kind of flow (TCP, else UDP, else ICMP) that can start at
 * all (a connection that cannot start has no established packets; one kind
 * each keeps a round over thousands of CHILD_SAs cheap).
 */
static void judge_established(fwd_t *fw, int dir)
{
	fwd_dir_t *d = fw->d;
	nfsim_result_t res;
	int k, cdir, start;

	for (cdir = 0; cdir < 2 && !d[dir].est_blocked; cdir++)
	{
		start = cdir ? !dir : dir;
		for (k = 0; k < DPC_NF_FLOWS && d[start].new_blocked[k]; k++)
		{
			/* find a kind that can start */
		}
		if (k < DPC_NF_FLOWS &&
			forward_blocks(fw, dir, k, NFSIM_CT_ESTABLISHED, cdir, &res))
		{
			d[dir].est_res = res;
			d[dir].est_blocked = true;
			d[dir].est_flow = k;
			d[dir].est_reply = cdir == 1;
		}
	}
}

/**
 * The verdict of one kind of flow as evidence.
 */
static void flow_evidence(dpc_finding_t *f, const char *key,
						  const nfsim_result_t *res, bool blocked)
{
	char text[NFSIM_RULE_STRLEN + 128];

	if (!blocked)
	{
		dpc_finding_evidence(f, key, "%s", res->certain ?
							 nfsim_verdict_name(res->verdict) : "uncertain");
		return;
	}
	if (dpc_nf_decider(res, text, sizeof(text)))
	{	/* "drop by inet filter forward handle 7: ..." */
		dpc_finding_evidence(f, key, "%s by %s",
							 nfsim_verdict_name(res->verdict), text);
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
						both ? " (and the other way too)" : "",
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
	dpc_ts_to_str(&p->lts, lts, sizeof(lts));
	dpc_ts_to_str(&p->rts, rts, sizeof(rts));
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
	dpc_check_discrim(ctx, f, dir ? "in" : "out");
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
						 "e.g. nft '%s \"%s\" accept' or '%s saddr %s "
						 "%s daddr %s accept' in the forward chain "
						 "(%s: -%s %s -j ACCEPT)",
						 dir ? "iifname" : "oifname", p->tun,
						 dpc_nf_ip(p->family), dir ? rts : lts,
						 dpc_nf_ip(p->family), dir ? lts : rts,
						 dpc_nf_iptables(p->family), dir ? "i" : "o",
						 p->tun);
	}
	else
	{
		dpc_finding_hint(f, "accept tunnel traffic before that rule, "
						 "e.g. nft '%s accept' or '%s saddr %s %s daddr "
						 "%s accept' in the forward chain (%s: -m "
						 "policy --pol ipsec --dir %s -j ACCEPT)",
						 dir ? "meta ipsec exists" : "rt ipsec exists",
						 dpc_nf_ip(p->family), dir ? rts : lts,
						 dpc_nf_ip(p->family), dir ? lts : rts,
						 dpc_nf_iptables(p->family), dir ? "in" : "out");
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
	fwd_t *fw;
	fwd_dir_t *d;
	int dir;

	if (!dpc_nf_forwarded(ctx, ike, child, &rs, &p))
	{
		return;
	}
	fw = calloc(1, sizeof(*fw));
	d = calloc(2, sizeof(*d));
	if (!fw || !d)
	{
		free(fw);
		free(d);
		return;
	}
	*fw = (fwd_t){ .ctx = ctx, .ike = ike, .child = child, .rs = rs, .p = p,
				   .d = d };
	judge_new(fw);
	for (dir = 0; dir < 2; dir++)
	{
		judge_established(fw, dir);
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
	free(fw);
	free(d);
}

/**
 * filter-blocks-forward: per CHILD_SA.
 */
const dpc_check_family_t dpc_check_family_nf_forward = {
	.name = "nf-forward",
	.per_family = true,
	.child = forward_filter,
};
