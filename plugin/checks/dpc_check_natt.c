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

#include <stdio.h>

/** endpoint changes within an hour from which they are "frequent": one is a
 *  NAT reboot or a new public address, three mean a NAT that keeps
 *  forgetting the mapping */
#define MAPPING_FREQUENT 3

/**
 * Print "addr[port]".
 */
static const char *endpoint(const dpc_addr_t *addr, char *buf, size_t len)
{
	char a[DPC_ADDR_STRLEN];

	snprintf(buf, len, "%s[%u]", dpc_addr_to_str(addr, a, sizeof(a)),
			 addr->port);
	return buf;
}

/**
 * nat-detected: who is behind NAT, and how ESP travels.
 */
static void nat_detected(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike)
{
	dpc_finding_t *f;
	const char *who;
	char l[DPC_ADDR_STRLEN + 8], r[DPC_ADDR_STRLEN + 8];
	int i, encap = 0;

	if (!(ike->nat & (DPC_NAT_HERE | DPC_NAT_THERE | DPC_NAT_FAKE)))
	{
		return;
	}
	f = dpc_check_add(ctx, "nat-detected", DPC_INFO, ike, NULL);
	if (!f)
	{
		return;
	}
	if ((ike->nat & DPC_NAT_HERE) && (ike->nat & DPC_NAT_THERE))
	{
		who = "both hosts are behind NAT";
	}
	else if (ike->nat & DPC_NAT_HERE)
	{
		who = "this gateway is behind NAT";
	}
	else if (ike->nat & DPC_NAT_THERE)
	{
		who = "the peer is behind NAT";
	}
	else
	{
		who = "NAT is faked to force UDP encapsulation";
	}
	for (i = 0; i < ike->n_children; i++)
	{
		encap += ike->children[i]->state == DPC_STATE_UP &&
				 ike->children[i]->encap;
	}
	dpc_finding_message(f, "%s; ESP travels in UDP %u", who, ike->local.port);
	dpc_finding_evidence(f, "local", "%s",
						 endpoint(&ike->local, l, sizeof(l)));
	dpc_finding_evidence(f, "remote", "%s",
						 endpoint(&ike->remote, r, sizeof(r)));
	if (ike->initial_local.port != ike->local.port ||
		ike->initial_remote.port != ike->remote.port)
	{
		dpc_finding_evidence(f, "ports", "%u->%u/%u->%u",
							 ike->initial_local.port, ike->local.port,
							 ike->initial_remote.port, ike->remote.port);
	}
	dpc_finding_evidence(f, "nat", "%s%s%s",
						 ike->nat & DPC_NAT_HERE ? "local" : "",
						 (ike->nat & DPC_NAT_HERE) &&
						 (ike->nat & (DPC_NAT_THERE | DPC_NAT_FAKE)) ? "," : "",
						 ike->nat & DPC_NAT_THERE ? "remote" :
						 ike->nat & DPC_NAT_FAKE ? "fake" : "");
	dpc_finding_evidence(f, "encap_child_sas", "%d", encap);
	if (ctx->facts->get_dataplane(ctx->facts) == DPC_DATAPLANE_LIBIPSEC &&
		(ike->nat & DPC_NAT_THERE))
	{
		dpc_finding_evidence(f, "note", "kernel-libipsec fakes NAT-D, "
							 "so 'peer behind NAT' may not be real");
	}
}

/**
 * keepalive-off / keepalive-slow: a gateway behind NAT must refresh the
 * mapping more often than the NAT forgets it.
 */
static void keepalive(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike)
{
	const dpc_settings_t *s = ctx->settings;
	dpc_finding_t *f;

	if (!(ike->nat & DPC_NAT_HERE))
	{
		return;
	}
	if (s->keep_alive == 0)
	{
		f = dpc_check_add(ctx, "keepalive-off", DPC_ERROR, ike, NULL);
		if (!f)
		{
			return;
		}
		dpc_finding_message(f, "this gateway is behind NAT but NAT keepalives "
							"are disabled: the NAT mapping expires after idle "
							"periods and inbound ESP/IKE is dropped until we "
							"send again");
	}
	else if (s->keep_alive > s->nat_timeout)
	{
		f = dpc_check_add(ctx, "keepalive-slow", DPC_WARNING, ike, NULL);
		if (!f)
		{
			return;
		}
		dpc_finding_message(f, "this gateway is behind NAT and sends "
							"keepalives every %us, longer than the %us a NAT "
							"may keep an idle UDP mapping", s->keep_alive,
							s->nat_timeout);
	}
	else
	{
		return;
	}
	dpc_finding_evidence(f, "charon.keep_alive", "%us", s->keep_alive);
	dpc_finding_evidence(f, "nat_timeout", "%us", s->nat_timeout);
	dpc_finding_evidence(f, "dpd_delay", "%us", ike->dpd_delay);
	dpc_finding_hint(f, "set charon.keep_alive = 20s (below nat_timeout "
					 "= %us) in strongswan.conf and reload the settings "
					 "(swanctl --reload-settings)", s->nat_timeout);
}

/**
 * dpd-off-behind-nat: a NAT forgets idle mappings, and without DPD nothing
 * notices the tunnel died with it: both sides keep SAs that carry nothing.
 */
static void dpd_behind_nat(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike)
{
	dpc_finding_t *f;
	const char *who;

	if (!(ike->nat & (DPC_NAT_HERE | DPC_NAT_THERE)) || ike->dpd_delay)
	{
		return;
	}
	f = dpc_check_add(ctx, "dpd-off-behind-nat", DPC_WARNING, ike, NULL);
	if (!f)
	{
		return;
	}
	who = (ike->nat & DPC_NAT_HERE) && (ike->nat & DPC_NAT_THERE) ?
		  "both gateways are" : ike->nat & DPC_NAT_HERE ?
		  "this gateway is" : "the peer is";
	dpc_finding_message(f, "%s behind NAT and DPD is off: when the NAT "
						"forgets the mapping (idle timeout, reboot, new "
						"public address) the SAs stay up here while no "
						"packet gets through, until they expire", who);
	dpc_finding_evidence(f, "nat", "%s%s%s",
						 ike->nat & DPC_NAT_HERE ? "local" : "",
						 (ike->nat & DPC_NAT_HERE) &&
						 (ike->nat & DPC_NAT_THERE) ? "," : "",
						 ike->nat & DPC_NAT_THERE ? "remote" : "");
	dpc_finding_evidence(f, "dpd_delay", "0");
	dpc_finding_evidence(f, "charon.keep_alive", "%us",
						 ctx->settings->keep_alive);
	dpc_finding_hint(f, "set dpd_delay = 30s in connections.%s of "
					 "swanctl.conf, with dpd_action = restart on the "
					 "initiator's children (clear on the responder's), then "
					 "swanctl --load-conns", ike->name);
}

/**
 * Whether an endpoint moved (address or port).
 */
static bool moved(const dpc_addr_t *prev, const dpc_addr_t *cur)
{
	return prev->family &&
		   (dpc_addr_cmp(prev, cur) != 0 || prev->port != cur->port);
}

/**
 * nat-mapping-changed: charon saw the IKE_SA's endpoints move within the
 * last hour (charon follows a NAT rebinding on the next authenticated
 * message, and on the kernel's NAT-T mapping event under kernel-netlink).
 */
static void nat_mapping(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike)
{
	dpc_times_rate_t rate;
	dpc_finding_t *f;
	const dpc_addr_t *prev, *cur;
	char o[DPC_ADDR_STRLEN + 8], n[DPC_ADDR_STRLEN + 8];
	bool remote, frequent;

	if (!dpc_times_rate(&ike->update_history, ctx->now, 1, &rate))
	{
		return;
	}
	remote = moved(&ike->prev_remote, &ike->remote);
	if (!remote && !moved(&ike->prev_local, &ike->local))
	{
		return;
	}
	prev = remote ? &ike->prev_remote : &ike->prev_local;
	cur = remote ? &ike->remote : &ike->local;
	frequent = rate.count >= MAPPING_FREQUENT;
	f = dpc_check_add(ctx, "nat-mapping-changed",
					  frequent ? DPC_WARNING : DPC_INFO, ike, NULL);
	if (!f)
	{
		return;
	}
	endpoint(prev, o, sizeof(o));
	endpoint(cur, n, sizeof(n));
	dpc_finding_message(f, "the %s endpoint moved from %s to %s%s; %d "
						"change%s in the last %llds", remote ? "peer's" :
						"local", o, n, ike->nat & (DPC_NAT_HERE |
						DPC_NAT_THERE) ? " (a NAT on the path made a new "
						"mapping)" : "", rate.count, rate.count == 1 ? "" :
						"s", (long long)rate.span);
	dpc_finding_evidence(f, "side", "%s", remote ? "remote" : "local");
	dpc_finding_evidence(f, "old", "%s", o);
	dpc_finding_evidence(f, "new", "%s", n);
	dpc_finding_evidence(f, "changes", "%d in the last %llds", rate.count,
						 (long long)rate.span);
	if (rate.count > 1)
	{	/* one change has no rate */
		dpc_finding_evidence(f, "rate", "%u/h", rate.per_hour);
		dpc_finding_evidence(f, "interval", "%lld-%llds",
							 (long long)rate.min_gap, (long long)rate.max_gap);
	}
	dpc_finding_evidence(f, "charon.keep_alive", "%us",
						 ctx->settings->keep_alive);
	dpc_finding_evidence(f, "dpd_delay", "%us", ike->dpd_delay);
	if (frequent)
	{
		dpc_finding_hint(f, "a NAT on the path forgets the mapping every %lld "
						 "s or so, and traffic to the old one is lost until "
						 "the next IKE message: send keepalives more often "
						 "on the gateway behind the NAT (charon.keep_alive, "
						 "now %us here) than the NAT's UDP timeout, or raise "
						 "that timeout on the NAT", (long long)rate.min_gap,
						 ctx->settings->keep_alive);
	}
	else
	{
		dpc_finding_hint(f, "nothing to do after a NAT reboot or a new public "
						 "address; if it recurs, the NAT's UDP timeout is "
						 "shorter than the keepalive interval");
	}
}

/**
 * natt-port-blocked: IKE_SA_INIT with the peer worked, the next request
 * after the float to the NAT-T port goes unanswered.
 */
static void natt_blocked(dpc_check_ctx_t *ctx, const dpc_natt_attempt_t *a)
{
	dpc_ike_rec_t subject = {};
	dpc_finding_t *f;
	char il[DPC_ADDR_STRLEN + 8], ir[DPC_ADDR_STRLEN + 8];
	char l[DPC_ADDR_STRLEN + 8], r[DPC_ADDR_STRLEN + 8];

	/* one unanswered request may be a lost packet */
	if (!a->timed_out && a->retransmits < 2)
	{
		return;
	}
	snprintf(subject.name, sizeof(subject.name), "%s", a->name);
	subject.unique_id = a->ike_id;
	f = dpc_check_add(ctx, "natt-port-blocked", DPC_ERROR, &subject, NULL);
	if (!f)
	{
		return;
	}
	endpoint(&a->init_local, il, sizeof(il));
	endpoint(&a->init_remote, ir, sizeof(ir));
	endpoint(&a->local, l, sizeof(l));
	endpoint(&a->remote, r, sizeof(r));
	dpc_finding_message(f, "IKE_SA_INIT with %s worked on UDP %u, but the "
						"next request, sent to UDP %u after the NAT-T float, "
						"%s: UDP %u is blocked between this gateway and the "
						"peer (a firewall or NAT on the path, or the peer's "
						"input filter), so the IKE_SA never comes up",
						ir, a->init_remote.port, a->remote.port,
						a->timed_out ? "was never answered (charon gave up)"
									 : "goes unanswered", a->remote.port);
	dpc_finding_evidence(f, "ike_sa_init", "%s -> %s answered", il, ir);
	dpc_finding_evidence(f, "natt", "%s -> %s unanswered", l, r);
	dpc_finding_evidence(f, "retransmits", "%u%s", a->retransmits,
						 a->timed_out ? ", gave up" : "");
	dpc_finding_evidence(f, "since", "%llds", (long long)(ctx->now - a->first));
	dpc_finding_hint(f, "let UDP %u through in both directions between "
					 "%s and %s (the peer's input, every firewall and NAT "
					 "on the path; e.g. nft add rule inet filter input udp "
					 "dport %u accept); a filter-blocks-ike finding names the "
					 "rule when it is on this gateway", a->remote.port,
					 dpc_addr_to_str(&a->local, l, sizeof(l)),
					 dpc_addr_to_str(&a->remote, r, sizeof(r)),
					 a->remote.port);
}

/**
 * Gateway-wide: the failing NAT-T floats of initiated IKE_SAs.
 */
static void natt_host(dpc_check_ctx_t *ctx)
{
	int i;

	for (i = 0; i < ctx->tunnels->natt.count &&
		 i < DPC_NATT_ATTEMPTS_MAX; i++)
	{
		natt_blocked(ctx, &ctx->tunnels->natt.entries[i]);
	}
}

/**
 * The checks of one IKE_SA.
 */
static void natt_ike(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike)
{
	nat_detected(ctx, ike);
	keepalive(ctx, ike);
	dpd_behind_nat(ctx, ike);
	nat_mapping(ctx, ike);
}

/**
 * nat-detected, keepalive-off, keepalive-slow, dpd-off-behind-nat,
 * nat-mapping-changed: per IKE_SA; natt-port-blocked: gateway-wide.
 */
const dpc_check_family_t dpc_check_family_natt = {
	.name = "natt",
	.host = natt_host,
	.ike = natt_ike,
};
