/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_xfrm_stat.h"

#include <ctype.h>
#include <string.h>

/**
 * The counters of Documentation/networking/xfrm_proc.rst, with what they
 * mean where charon manages the SPD and the SAD.
 */
static const dpc_xfrm_stat_info_t infos[] = {
	{ "XfrmInError", true, "inbound error not counted elsewhere",
	  "check 'dmesg' and the SAs with 'ip -s xfrm state'" },
	{ "XfrmInBufferError", true, "no buffer left for inbound packets",
	  "the gateway is short of memory" },
	{ "XfrmInHdrError", true, "inbound packets with a bad header",
	  "look for a broken path or MTU problem between the peers" },
	{ "XfrmInNoStates", true,
	  "inbound ESP/AH for no SA: SPI, address or protocol unknown (an SA "
	  "deleted on one side only, or the peer uses an SA this side lost)",
	  "compare 'ip xfrm state' with the peer's; rekey or re-establish "
	  "the CHILD_SA (swanctl --rekey --child NAME)" },
	{ "XfrmInStateProtoError", true,
	  "inbound packets failed the SA's protocol (wrong key or ICV, "
	  "replayed or corrupted packets)",
	  "rekey the CHILD_SA so both sides derive new keys "
	  "(swanctl --rekey --child NAME)" },
	{ "XfrmInStateModeError", true, "inbound packets failed the SA's mode",
	  "check that both peers agree on tunnel or transport mode" },
	{ "XfrmInStateSeqError", true,
	  "inbound packets outside the replay window",
	  "reordering on the path: raise replay_window in swanctl.conf" },
	{ "XfrmInStateExpired", true, "inbound packets for an expired SA",
	  "check the CHILD_SA's lifetimes and rekeying" },
	{ "XfrmInStateMismatch", true,
	  "inbound packets that do not fit their SA (e.g. UDP encapsulation "
	  "type or ports differ)",
	  "a NAT or a MOBIKE update changed the peer's ports: check "
	  "'ip xfrm state' encap against the IKE_SA's endpoints" },
	{ "XfrmInStateInvalid", true, "inbound packets for an invalid SA",
	  "check 'ip xfrm state' for SAs in state other than valid" },
	{ "XfrmInTmplMismatch", true,
	  "decrypted packets whose SA does not match the template of the "
	  "inbound policy (SAs correct, policy wrong: other reqid, mode or "
	  "tunnel addresses)",
	  "compare the templates of the in/fwd policies ('ip xfrm policy') "
	  "with the SAs ('ip xfrm state'); charon reinstalls its policies "
	  "with the CHILD_SA (swanctl --terminate --child NAME, then "
	  "--initiate)" },
	{ "XfrmInNoPols", true,
	  "decrypted packets for which no inbound policy exists (SAs correct, "
	  "policy missing, e.g. route-based tunnels without the policy or with "
	  "disable_policy off)",
	  "reinstall the CHILD_SA's policies (swanctl --terminate/--initiate), "
	  "or set net.ipv4.conf.<vti>.disable_policy=1 on a VTI" },
	{ "XfrmInPolBlock", true, "inbound packets dropped by a block policy",
	  "find the block policy with 'ip xfrm policy' and remove it" },
	{ "XfrmInPolError", true, "inbound policy error",
	  "check 'ip xfrm policy' and 'dmesg'" },
	{ "XfrmAcquireError", false,
	  "a state was used before it was fully acquired",
	  "check charon's log for failed acquires" },
	{ "XfrmFwdHdrError", true, "forwarded packets not allowed by routing",
	  "check the routes for the decrypted traffic" },
	{ "XfrmInStateDirError", true, "inbound packets on an outbound SA",
	  "check the SA directions with 'ip xfrm state'" },
	{ "XfrmOutError", false, "outbound error not counted elsewhere",
	  "check 'dmesg' and the SAs with 'ip -s xfrm state'" },
	{ "XfrmOutBundleGenError", false, "outbound bundle could not be built",
	  "check the route towards the peer and the SA's tunnel addresses" },
	{ "XfrmOutBundleCheckError", false, "outbound bundle check failed",
	  "check 'ip xfrm policy' and 'ip xfrm state'" },
	{ "XfrmOutNoStates", false,
	  "a policy matched outbound traffic but no SA exists for it (the SA "
	  "was lost, e.g. after a rekey collision, or the CHILD_SA is only "
	  "trapped)",
	  "rekey or re-establish the CHILD_SA (swanctl --rekey --child NAME, "
	  "or --terminate and --initiate)" },
	{ "XfrmOutStateProtoError", false,
	  "outbound packets failed the SA's protocol",
	  "check 'dmesg' and rekey the CHILD_SA" },
	{ "XfrmOutStateModeError", false,
	  "outbound packets failed the SA's mode (too big after encapsulation "
	  "with DF set)",
	  "clamp the TCP MSS for the tunnel or lower the MTU of the inner "
	  "routes" },
	{ "XfrmOutStateSeqError", false,
	  "outbound sequence number overflow",
	  "rekey the CHILD_SA earlier (a lower rekey_packets) or enable ESN" },
	{ "XfrmOutStateExpired", false, "outbound packets on an expired SA",
	  "check the CHILD_SA's lifetimes and rekeying" },
	{ "XfrmOutPolBlock", false, "outbound packets dropped by a block policy",
	  "find the block policy with 'ip xfrm policy' and remove it, or bring "
	  "up the CHILD_SA it stands for" },
	{ "XfrmOutPolDead", false, "outbound packets on a dead policy",
	  "the policy was deleted while in use: reinstall the CHILD_SA" },
	{ "XfrmOutPolError", false, "outbound policy error",
	  "check 'ip xfrm policy' and 'dmesg'" },
	{ "XfrmOutStateInvalid", false, "outbound packets on an invalid SA",
	  "check 'ip xfrm state' for SAs in state other than valid" },
	{ "XfrmOutStateDirError", false, "outbound packets on an inbound SA",
	  "check the SA directions with 'ip xfrm state'" },
};

bool dpc_xfrm_stat_parse(const char *text, size_t len, dpc_xfrm_stat_t *st)
{
	const char *end = text + len, *p = text, *name, *eol;
	dpc_xfrm_counter_t *c;
	uint64_t value;
	size_t nlen;
	bool digits;

	memset(st, 0, sizeof(*st));
	while (p < end && st->count < DPC_XFRM_STAT_MAX)
	{
		eol = memchr(p, '\n', end - p);
		if (!eol)
		{
			eol = end;
		}
		name = p;
		while (p < eol && isalnum((unsigned char)*p))
		{
			p++;
		}
		nlen = p - name;
		while (p < eol && (*p == ' ' || *p == '\t'))
		{
			p++;
		}
		value = 0;
		digits = false;
		while (p < eol && isdigit((unsigned char)*p) &&
			   value <= (UINT64_MAX - 9) / 10)
		{
			value = value * 10 + (*p++ - '0');
			digits = true;
		}
		while (p < eol && (*p == ' ' || *p == '\t' || *p == '\r'))
		{
			p++;
		}
		if (nlen && nlen < DPC_XFRM_STAT_NAMELEN && digits && p == eol)
		{
			c = &st->c[st->count++];
			memcpy(c->name, name, nlen);
			c->name[nlen] = '\0';
			c->value = value;
		}
		p = eol + 1;
	}
	return st->count > 0;
}

const dpc_xfrm_counter_t *dpc_xfrm_stat_get(const dpc_xfrm_stat_t *st,
											const char *name)
{
	int i;

	for (i = 0; i < st->count; i++)
	{
		if (strcmp(st->c[i].name, name) == 0)
		{
			return &st->c[i];
		}
	}
	return NULL;
}

void dpc_xfrm_stat_delta(dpc_xfrm_stat_t *st, const dpc_xfrm_stat_t *prev,
						 time_t now)
{
	const dpc_xfrm_counter_t *old;
	int i;

	for (i = 0; i < st->count; i++)
	{
		old = dpc_xfrm_stat_get(prev, st->c[i].name);
		if (!old || old->value > st->c[i].value)
		{	/* new counter or reset */
			st->c[i].delta = old ? st->c[i].value : 0;
		}
		else
		{
			st->c[i].delta = st->c[i].value - old->value;
		}
		st->c[i].grew = st->c[i].delta ? now : old ? old->grew : 0;
	}
	st->has_delta = true;
}

const dpc_xfrm_stat_info_t *dpc_xfrm_stat_info(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(infos) / sizeof(infos[0]); i++)
	{
		if (strcmp(infos[i].name, name) == 0)
		{
			return &infos[i];
		}
	}
	return NULL;
}
