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
#include <string.h>

/** s between a failed install and the IKE_SA's end that tie the two */
#define CLOSED_AFTER_FAILURE_S 10

/**
 * Start a finding about an alert: the subject is the IKE_SA plus the child
 * config's name, as no CHILD_SA exists for a failed one.
 */
static dpc_finding_t *add(dpc_check_ctx_t *ctx, const char *code,
						  const dpc_ike_rec_t *ike, const dpc_alert_t *alert)
{
	dpc_finding_t *f;

	f = dpc_check_add(ctx, code, DPC_ERROR, ike, NULL);
	if (f)
	{
		snprintf(f->subject.child_name, sizeof(f->subject.child_name), "%s",
				 alert->child_name);
		snprintf(f->discrim, sizeof(f->discrim), "%s", alert->child_name);
	}
	return f;
}

/**
 * Does the IKE_SA still have installed CHILD_SAs?
 */
static int installed(const dpc_ike_rec_t *ike)
{
	int i, n = 0;

	for (i = 0; i < ike->n_children; i++)
	{
		n += ike->children[i]->state == DPC_STATE_UP;
	}
	return n;
}

static void ts_mismatch(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						const dpc_alert_t *alert)
{
	dpc_finding_t *f;

	f = add(ctx, "ts-mismatch", ike, alert);
	if (!f)
	{
		return;
	}
	if (alert->peer_refused)
	{
		dpc_finding_message(f, "CHILD_SA not created: the peer refused our "
							"traffic selectors (TS_UNACCEPTABLE)%s%s%s%s",
							alert->detail[0] ? ": local " : "", alert->detail,
							alert->detail2[0] ? ", remote " : "",
							alert->detail2);
		if (alert->detail[0])
		{
			dpc_finding_evidence(f, "local_ts", "%s", alert->detail);
			dpc_finding_evidence(f, "remote_ts", "%s", alert->detail2);
		}
		dpc_finding_evidence(f, "notify", "TS_UNACCEPTABLE");
	}
	else
	{
		dpc_finding_message(f, "CHILD_SA refused: the traffic selectors "
							"TSi %s / TSr %s match no local child config",
							alert->detail, alert->detail2);
		dpc_finding_evidence(f, "tsi", "%s", alert->detail);
		dpc_finding_evidence(f, "tsr", "%s", alert->detail2);
	}
	dpc_finding_hint(f, "make local_ts/remote_ts of both ends mirror each "
					 "other (our local_ts = their remote_ts and vice versa); "
					 "compare 'swanctl --list-conns' on both gateways");
}

/**
 * child-install-failed of an alert.
 *
 * @return			the finding, NULL if disabled
 */
static dpc_finding_t *install_failed(dpc_check_ctx_t *ctx,
									 const dpc_ike_rec_t *ike,
									 const dpc_alert_t *alert)
{
	dpc_finding_t *f;
	bool policy = alert->type == DPC_ALERT_INSTALL_POLICY_FAILED;

	f = add(ctx, "child-install-failed", ike, alert);
	if (!f)
	{
		return NULL;
	}
	snprintf(f->discrim, sizeof(f->discrim), "%s:%s", policy ? "policy" : "sa",
			 alert->child_name);
	dpc_finding_message(f, "installing the IPsec %s of CHILD_SA %s in the "
						"kernel failed: no traffic is protected",
						policy ? "policies" : "SAs",
						alert->child_name[0] ? alert->child_name : "(unnamed)");
	if (alert->detail[0])
	{
		dpc_finding_evidence(f, "selectors", "%s", alert->detail);
	}
	dpc_finding_evidence(f, "what", "%s", policy ? "policy (SPD)" : "SA (SAD)");
	if (policy)
	{
		dpc_finding_hint(f, "look for 'unable to install policy' in the "
						 "charon log: a conflicting policy of another "
						 "connection or tool ('ip xfrm policy') is the usual "
						 "cause");
	}
	else
	{
		dpc_finding_hint(f, "look for 'unable to add SAD entry' in the charon "
						 "log: the kernel lacks ESP or the negotiated "
						 "algorithm (modprobe esp4/esp6 and the crypto "
						 "modules), or use kernel-libipsec");
	}
	return f;
}

static void proposal_mismatch(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
							  const dpc_alert_t *alert)
{
	dpc_finding_t *f;
	int up;

	f = add(ctx, "child-proposal-mismatch", ike, alert);
	if (!f)
	{
		return;
	}
	up = installed(ike);
	if (up)
	{
		dpc_finding_message(f, "creating or rekeying a CHILD_SA failed: no "
							"ESP/AH proposal in common; the %d installed "
							"CHILD_SA(s) work only until they must be "
							"rekeyed", up);
	}
	else
	{
		dpc_finding_message(f, "CHILD_SA not created: no ESP/AH proposal in "
							"common with the peer");
	}
	dpc_finding_evidence(f, "proposals", "%s", alert->detail);
	dpc_finding_hint(f, "give both ends a common esp_proposals entry (mind "
					 "the DH group used when rekeying with PFS); if the peer "
					 "logs 'unable to add SAD entry', its kernel failed "
					 "instead");
}

/**
 * The checks of one IKE_SA.
 */
static void alerts_ike(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike)
{
	const dpc_alert_t *alert;
	int i;

	for (i = 0; i < ike->n_alerts; i++)
	{
		alert = &ike->alerts[i];
		switch (alert->type)
		{
			case DPC_ALERT_TS_MISMATCH:
				ts_mismatch(ctx, ike, alert);
				break;
			case DPC_ALERT_INSTALL_SA_FAILED:
			case DPC_ALERT_INSTALL_POLICY_FAILED:
				install_failed(ctx, ike, alert);
				break;
			case DPC_ALERT_PROPOSAL_MISMATCH_CHILD:
				proposal_mismatch(ctx, ike, alert);
				break;
			default:
				break;
		}
	}
}

/**
 * A failed CHILD_SA install of an IKE_SA that went down with it: charon 6.0
 * answers IKE_AUTH with a bare NO_PROPOSAL_CHOSEN when the responder cannot
 * install the SAs, and the initiator deletes the IKE_SA at once, before any
 * round sees it up. Reported while the record is kept; an IKE_SA that ever
 * had a CHILD_SA installed, or that lived on after the failure, ended for
 * another reason.
 */
static void alerts_closed(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike)
{
	const dpc_alert_t *alert;
	dpc_finding_t *f;
	int i;

	for (i = 0; i < ike->n_children; i++)
	{
		if (ike->children[i]->installed)
		{
			return;
		}
	}
	for (i = 0; i < ike->n_alerts; i++)
	{
		alert = &ike->alerts[i];
		if ((alert->type != DPC_ALERT_INSTALL_SA_FAILED &&
			 alert->type != DPC_ALERT_INSTALL_POLICY_FAILED) ||
			!ike->gone || ike->gone < alert->time ||
			ike->gone - alert->time > CLOSED_AFTER_FAILURE_S)
		{
			continue;
		}
		f = install_failed(ctx, ike, alert);
		if (f)
		{
			dpc_finding_evidence(f, "ike-sa", "deleted %ds after the failure, "
								 "without a CHILD_SA",
								 (int)(ike->gone - alert->time));
		}
	}
}

/**
 * ts-mismatch, child-install-failed, child-proposal-mismatch: per IKE_SA,
 * from its recorded alerts.
 */
const dpc_check_family_t dpc_check_family_alerts = {
	.name = "alerts",
	.ike = alerts_ike,
	.closed = alerts_closed,
};
