/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_trace_xfrm.h"
#include "dpc_trace_verdict.h"

#include "facts/xfrm/dpc_xfrm_sad.h"
#include "facts/xfrm/dpc_xfrm_spd.h"

#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <linux/xfrm.h>

/**
 * The flow of the packet as the kernel's policy lookup sees it (ICMP type
 * and code where the ports would be).
 */
static void packet_flow(dpc_trace_state_t *t, dpc_xfrm_flow_t *fl)
{
	memset(fl, 0, sizeof(*fl));
	fl->family = t->src.family;
	memcpy(fl->src, t->src.a, sizeof(fl->src));
	memcpy(fl->dst, t->dst.a, sizeof(fl->dst));
	fl->proto = t->proto;
	if (dpc_trace_is_icmp(t->proto))
	{
		fl->sport = t->icmp_type;
		fl->dport = t->icmp_code;
	}
	else if (dpc_trace_has_ports(t->proto))
	{
		fl->sport = t->sport;
		fl->dport = t->dport;
	}
}

/**
 * The SA an out policy's first template resolves to: by SPI if the template
 * names one (charon's out policies do), else by reqid and destination.
 */
static const dpc_xfrm_sa_t *resolve(const dpc_xfrm_sad_t *sad,
									const dpc_xfrm_policy_t *pol)
{
	const dpc_xfrm_tmpl_t *tmpl = &pol->tmpls[0];
	const dpc_xfrm_sa_t *sa;
	dpc_xfrm_sa_id_t id = {
		.family = tmpl->family,
		.proto = tmpl->proto,
		.spi = tmpl->spi,
		.mark_value = pol->mark_value,
		.mark_mask = pol->mark_mask,
	};
	size_t i, len = tmpl->family == AF_INET ? 4 : 16;

	memcpy(id.dst, tmpl->dst, sizeof(id.dst));
	if (tmpl->spi)
	{
		sa = dpc_xfrm_sad_find(sad, &id);
		return sa && !sa->larval ? sa : NULL;
	}
	for (i = 0; i < sad->count; i++)
	{
		sa = &sad->sas[i];
		if (!sa->larval && sa->reqid == tmpl->reqid &&
			sa->id.proto == tmpl->proto && sa->id.family == tmpl->family &&
			(tmpl->mode != XFRM_MODE_TUNNEL ||
			 memcmp(sa->id.dst, tmpl->dst, len) == 0))
		{
			return sa;
		}
	}
	return NULL;
}

/*
 * Described in header
 */
void dpc_trace_xfrm(dpc_trace_state_t *t, bool out, bool forward)
{
	char text[DPC_XFRM_POLICY_STRLEN], dst[INET6_ADDRSTRLEN];
	const dpc_xfrm_policy_t *pol;
	const dpc_xfrm_spd_t *spd;
	const dpc_xfrm_sad_t *sad;
	const dpc_xfrm_sa_t *sa;
	dpc_xfrm_dir_t dir;
	dpc_xfrm_flow_t fl;

	if (!t->xfrm || !t->facts->get_spd)
	{
		return;
	}
	spd = t->facts->get_spd(t->facts);
	if (!spd)
	{
		return;
	}
	dir = out ? DPC_XFRM_DIR_OUT : forward ? DPC_XFRM_DIR_FWD
										   : DPC_XFRM_DIR_IN;
	packet_flow(t, &fl);
	pol = dpc_xfrm_spd_lookup(spd, dir, &fl);
	if (!pol)
	{
		dpc_trace_add_phase(t, "xfrm", DPC_TRACE_ALLOW, "SPD dir %s: no "
							"policy matches (%s)", dpc_xfrm_dir_name(dir),
							out ? "sent unprotected" :
							"accepted only if it arrived unprotected or in "
							"transport mode");
		return;
	}
	dpc_xfrm_policy_to_str(pol, text, sizeof(text));
	if (pol->action == XFRM_POLICY_BLOCK)
	{
		dpc_trace_add_phase(t, "xfrm", DPC_TRACE_DROP, "SPD: %s: dropped "
							"(Xfrm%sPolBlock)", text, out ? "Out" : "In");
		return;
	}
	if (!pol->n_tmpls)
	{
		dpc_trace_add_phase(t, "xfrm", DPC_TRACE_ALLOW, "SPD: %s: bypass, "
							"%s", text, out ? "sent unprotected" : "no SA required");
		return;
	}
	if (!out)
	{
		dpc_trace_add_phase(t, "xfrm", DPC_TRACE_ALLOW, "SPD: %s: the packet "
							"must have been decrypted by an SA of reqid %u",
							text,
							pol->tmpls[0].reqid);
		return;
	}
	sad = t->facts->get_sad(t->facts);
	sa = sad ? resolve(sad, pol) : NULL;
	if (!sa)
	{
		dpc_trace_add_phase(t, "xfrm", sad ? DPC_TRACE_DROP : DPC_TRACE_UNKNOWN,
							"SPD: %s: %s", text, sad ?
							"no SA in the SAD: dropped (XfrmOutNoStates)" :
							"the SAD cannot be read");
		return;
	}
	inet_ntop(sa->id.family, sa->id.dst, dst, sizeof(dst));
	dpc_trace_add_phase(t, "xfrm", DPC_TRACE_ENCRYPT, "SPD: %s: SA dst %s "
						"proto %s spi 0x%.8x reqid %u", text, dst,
						sa->id.proto == IPPROTO_AH ? "ah" : "esp",
						ntohl(sa->id.spi), sa->reqid);
}
