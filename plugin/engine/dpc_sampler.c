/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * Traffic counters without holding charon's IKE_SA table while the kernel
 * is asked.
 *
 * Step 1, inside the IKE_SA manager's enumerator (it holds a segment lock
 * between its steps; IKE_SAs checked out elsewhere are skipped this round):
 * copy what identifies the SAs of each installed CHILD_SA: unique id, SPIs,
 * protocol, the IKE_SA's endpoints (the CHILD_SA's SAs use them), marks (the
 * inbound one only where the config puts it on the SA, as charon does) and
 * interface ids. No kernel call, no allocation per CHILD_SA beyond a growing
 * array, no lock of ours; it stops at the time cap.
 *
 * Step 2, with the table released:
 * - kernel-netlink: the round's SAD fact (one XFRM_MSG_GETSA dump for all
 *   SAs instead of two requests per CHILD_SA), matched by destination, SPI,
 *   protocol and mark the way the kernel matches an XFRM_MSG_GETSA.
 * - kernel-libipsec (no SAD in the kernel): charon->kernel->query_sa() per
 *   SA, with the copied identity. It ends in libipsec's ipsec_sa_mgr, which
 *   finds the SA under its own mutex and waits at most for a packet being
 *   processed with it; it never touches the IKE_SA table.
 *   child_sa_t.get_usestats() is not used: it needs the CHILD_SA object,
 *   i.e. finding it in the table again (a checkout per CHILD_SA), only to
 *   make the same query_sa() call.
 *
 * An SA the kernel does not report keeps its last counters, as child_sa_t's
 * own cache does: a lost outbound SA shows as flat outbound counters. The
 * sample only marks it; the registry takes them from the CHILD_SA's record.
 */

#include "dpc_sampler.h"
#include "facts/xfrm/dpc_xfrm_sad.h"
#include "model/dpc_bulk.h"
#include "model/dpc_sort.h"

#include <daemon.h>

#include <errno.h>

/** directions of a CHILD_SA's SAs */
enum {
	DIR_IN = 0,
	DIR_OUT = 1,
};

/**
 * What identifies the SAs of one CHILD_SA.
 */
typedef struct {
	/** CHILD_SA unique id */
	uint32_t child_id;
	/** inbound and outbound SA, family 0 if not installed */
	dpc_xfrm_sa_id_t sa[2];
	/** their source addresses (for libipsec's query) */
	uint8_t src[2][16];
	/** their interface ids */
	uint32_t if_id[2];
} sa_ref_t;

typedef struct private_dpc_sampler_t private_dpc_sampler_t;

/**
 * Private data.
 */
struct private_dpc_sampler_t {

	/**
	 * Public interface.
	 */
	dpc_sampler_t public;

	/**
	 * The SAD error logged last, 0 if none
	 */
	int sad_errno;

	/**
	 * The time cap stopped the last sampling
	 */
	bool capped;

	/**
	 * kernel-libipsec: unique id of the last CHILD_SA sampled; the next
	 * round starts after it
	 */
	uint32_t cursor;

	/**
	 * The last sampling left CHILD_SAs to later rounds
	 */
	bool taking_turns;
};

/**
 * Copy an address of a host.
 */
static void copy_addr(host_t *host, uint8_t addr[16])
{
	chunk_t a = host->get_address(host);

	memset(addr, 0, 16);
	memcpy(addr, a.ptr, min(a.len, 16));
}

/**
 * Copy the identity of one SA.
 */
static void copy_sa(sa_ref_t *ref, int dir, host_t *src, host_t *dst,
					uint32_t spi, uint8_t proto, mark_t mark, uint32_t if_id)
{
	dpc_xfrm_sa_id_t *id = &ref->sa[dir];

	if (!spi)
	{
		return;
	}
	id->family = dst->get_family(dst);
	id->proto = proto;
	id->spi = spi;
	id->mark_value = mark.value;
	id->mark_mask = mark.mask;
	copy_addr(dst, id->dst);
	copy_addr(src, ref->src[dir]);
	ref->if_id[dir] = if_id;
}

/**
 * The IP protocol of a CHILD_SA's SAs.
 */
static uint8_t ip_proto(child_sa_t *child_sa)
{
	switch (child_sa->get_protocol(child_sa))
	{
		case PROTO_AH:
			return IPPROTO_AH;
		default:
			return IPPROTO_ESP;
	}
}

/**
 * Copy what identifies the SAs of an installed CHILD_SA (no kernel call).
 */
static void copy_child(ike_sa_t *ike_sa, child_sa_t *child_sa, sa_ref_t *ref)
{
	host_t *me = ike_sa->get_my_host(ike_sa);
	host_t *other = ike_sa->get_other_host(ike_sa);
	child_cfg_t *cfg = child_sa->get_config(child_sa);
	mark_t none = {}, in = child_sa->get_mark(child_sa, TRUE);
	uint8_t proto = ip_proto(child_sa);

	memset(ref, 0, sizeof(*ref));
	ref->child_id = child_sa->get_unique_id(child_sa);
	if (me->get_family(me) != other->get_family(other))
	{
		return;
	}
	/* charon puts the inbound mark on the SA only with mark_in_sa */
	copy_sa(ref, DIR_IN, other, me, child_sa->get_spi(child_sa, TRUE), proto,
			cfg->has_option(cfg, OPT_MARK_IN_SA) ? in : none,
			child_sa->get_if_id(child_sa, TRUE));
	if (child_sa->get_outbound_state(child_sa) & CHILD_OUTBOUND_SA)
	{
		copy_sa(ref, DIR_OUT, me, other, child_sa->get_spi(child_sa, FALSE),
				proto, child_sa->get_mark(child_sa, FALSE),
				child_sa->get_if_id(child_sa, FALSE));
	}
}

/**
 * Step 1: copy the identities of every installed CHILD_SA's SAs, while the
 * budget lasts.
 *
 * @param refs		receives an allocated array
 * @param capped	set if the budget stopped it
 * @return			number of entries
 */
static int copy_refs(const dpc_budget_t *budget, sa_ref_t **refs, bool *capped)
{
	enumerator_t *enumerator, *children;
	ike_sa_t *ike_sa;
	child_sa_t *child_sa;
	sa_ref_t *grown;
	int count = 0, size = 0;

	*refs = NULL;
	enumerator = charon->ike_sa_manager->create_enumerator(
											charon->ike_sa_manager, FALSE);
	while (!*capped && enumerator->enumerate(enumerator, &ike_sa))
	{
		children = ike_sa->create_child_sa_enumerator(ike_sa);
		while (children->enumerate(children, &child_sa))
		{
			if (child_sa->get_state(child_sa) != CHILD_INSTALLED)
			{
				continue;
			}
			if (dpc_budget_over(budget))
			{
				*capped = TRUE;
				break;
			}
			if (count == size)
			{
				size = size ? size * 2 : 64;
				grown = dpc_bulk_reallocarray(*refs, size, sizeof(sa_ref_t));
				if (!grown)
				{	/* the rest is not sampled this round */
					*capped = TRUE;
					break;
				}
				*refs = grown;
			}
			copy_child(ike_sa, child_sa, &(*refs)[count++]);
		}
		children->destroy(children);
	}
	enumerator->destroy(enumerator);
	return count;
}

/**
 * Ask libipsec for the counters of one SA.
 */
static bool query_libipsec(const sa_ref_t *ref, int dir, uint64_t *bytes,
						   uint64_t *packets)
{
	const dpc_xfrm_sa_id_t *sa = &ref->sa[dir];
	int len = sa->family == AF_INET ? 4 : 16;
	kernel_ipsec_query_sa_t query = {};
	kernel_ipsec_sa_id_t id = {
		.spi = sa->spi,
		.proto = sa->proto,
		.mark = { .value = sa->mark_value, .mask = sa->mark_mask },
		.if_id = ref->if_id[dir],
	};
	time_t time;
	status_t status = FAILED;

	id.src = host_create_from_chunk(sa->family,
						chunk_create((u_char*)ref->src[dir], len), 0);
	id.dst = host_create_from_chunk(sa->family,
						chunk_create((u_char*)sa->dst, len), 0);
	if (id.src && id.dst)
	{
		status = charon->kernel->query_sa(charon->kernel, &id, &query,
										  bytes, packets, &time);
	}
	DESTROY_IF(id.src);
	DESTROY_IF(id.dst);
	return status == SUCCESS;
}

/**
 * Step 2 for one SA: its counters, FALSE if the kernel does not know it.
 */
static bool count_sa(const sa_ref_t *ref, int dir, const dpc_xfrm_sad_t *sad,
					 uint64_t *bytes, uint64_t *packets)
{
	const dpc_xfrm_sa_t *sa;

	if (!sad)
	{
		return query_libipsec(ref, dir, bytes, packets);
	}
	sa = dpc_xfrm_sad_find(sad, &ref->sa[dir]);
	if (!sa)
	{
		return FALSE;
	}
	*bytes = sa->bytes;
	*packets = sa->packets;
	return TRUE;
}

/**
 * Step 2 for a CHILD_SA: fill its sample; an SA the kernel does not know is
 * marked to keep its last counters (the registry has them).
 *
 * @return			number of SAs not found
 */
static int count_child(const sa_ref_t *ref, const dpc_xfrm_sad_t *sad,
					   time_t now, dpc_child_sample_t *s)
{
	s->child_id = ref->child_id;
	s->sample.time = now;
	if (ref->sa[DIR_IN].family &&
		!count_sa(ref, DIR_IN, sad, &s->sample.bytes_in, &s->sample.packets_in))
	{
		s->kept_in = TRUE;
	}
	if (ref->sa[DIR_OUT].family &&
		!count_sa(ref, DIR_OUT, sad, &s->sample.bytes_out,
				  &s->sample.packets_out))
	{
		s->kept_out = TRUE;
	}
	return s->kept_in + s->kept_out;
}

/**
 * kernel-libipsec: the first CHILD_SA of this round's turn, the one after
 * the last sampled (refs sorted by unique id).
 */
static int turn_start(private_dpc_sampler_t *this, const sa_ref_t *refs,
					  int count)
{
	int i;

	for (i = 0; i < count; i++)
	{
		if (refs[i].child_id > this->cursor)
		{
			return i;
		}
	}
	return 0;
}

static int cmp_ref(const void *a, const void *b)
{
	uint32_t x = ((const sa_ref_t*)a)->child_id;
	uint32_t y = ((const sa_ref_t*)b)->child_id;

	return (x > y) - (x < y);
}

/**
 * Say once when sampling starts or stops being cut short, or the SAD
 * cannot be read.
 */
static void report(private_dpc_sampler_t *this, const dpc_sample_stats_t *st)
{
	if (st->sad_errno != this->sad_errno && st->sad_errno)
	{
		DBG1(DBG_CFG, "dataplane-check: cannot read the kernel's SAs (%s): "
			 "traffic counters not sampled", strerror(st->sad_errno));
	}
	this->sad_errno = st->sad_errno;
	if (st->capped != this->capped)
	{
		if (st->capped)
		{
			DBG1(DBG_CFG, "dataplane-check: sampling traffic counters hit its "
				 "time cap (half of round_budget) after %d CHILD_SAs: the "
				 "others are not sampled this round", st->sampled);
		}
		else
		{
			DBG1(DBG_CFG, "dataplane-check: traffic counters of all %d "
				 "CHILD_SAs sampled again", st->sampled);
		}
	}
	this->capped = st->capped;
	if ((st->deferred > 0) != this->taking_turns)
	{
		if (st->deferred)
		{
			DBG1(DBG_CFG, "dataplane-check: %d CHILD_SAs under "
				 "kernel-libipsec: each round samples the traffic counters "
				 "of %d of them, in turns", st->children,
				 DPC_SAMPLER_LIBIPSEC_MAX);
		}
		else
		{
			DBG1(DBG_CFG, "dataplane-check: traffic counters of all %d "
				 "CHILD_SAs sampled each round again", st->children);
		}
	}
	this->taking_turns = st->deferred > 0;
}

METHOD(dpc_sampler_t, sample, int,
	private_dpc_sampler_t *this, dpc_dataplane_t dataplane,
	dpc_facts_t *facts, const dpc_budget_t *budget,
	dpc_child_sample_t **samples, dpc_sample_stats_t *stats)
{
	const dpc_xfrm_sad_t *sad = NULL;
	dpc_child_sample_t *out;
	sa_ref_t *refs;
	time_t now;
	int count, i, k, n = 0, turn, start = 0;

	memset(stats, 0, sizeof(*stats));
	*samples = NULL;
	count = copy_refs(budget, &refs, &stats->capped);
	stats->children = count;
	/* the table is released: now ask the kernel */
	if (dataplane == DPC_DATAPLANE_XFRM)
	{
		sad = facts ? facts->get_sad(facts) : NULL;
		if (!sad)
		{
			stats->sad_errno = facts ? errno : ENODATA;
			count = 0;
		}
	}
	out = count ? dpc_bulk_calloc(count, sizeof(*out)) : NULL;
	if (count && out)
	{
		dpc_sort(refs, count, sizeof(*refs), cmp_ref);
		now = time_monotonic(NULL);
		turn = count;
		if (!sad && count > DPC_SAMPLER_LIBIPSEC_MAX)
		{	/* a linear search per query: rounds take turns */
			turn = DPC_SAMPLER_LIBIPSEC_MAX;
			start = turn_start(this, refs, count);
			stats->deferred = count - turn;
		}
		for (k = 0; k < turn; k++)
		{	/* in order of unique id from the turn's first */
			i = (start + k) % count;
			if (!sad && dpc_budget_over(budget))
			{	/* one query per SA: the cap applies to them too */
				stats->capped = TRUE;
				stats->not_sampled = turn - k;
				break;
			}
			stats->missing += count_child(&refs[i], sad, now, &out[n]);
			n++;
		}
		if (turn < count && n)
		{	/* the next turn starts after the last one sampled */
			this->cursor = out[n - 1].child_id;
		}
	}
	stats->sampled = n;
	dpc_bulk_free(refs);
	report(this, stats);
	*samples = out;
	return n;
}

METHOD(dpc_sampler_t, destroy, void,
	private_dpc_sampler_t *this)
{
	free(this);
}

/*
 * Described in header
 */
dpc_sampler_t *dpc_sampler_create()
{
	private_dpc_sampler_t *this;

	INIT(this,
		.public = {
			.sample = _sample,
			.destroy = _destroy,
		},
	);
	return &this->public;
}
