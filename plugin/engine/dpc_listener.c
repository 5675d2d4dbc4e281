/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#define _GNU_SOURCE
#include "dpc_listener.h"

#include <daemon.h>
#include <sa/ike_sa.h>
#include <sa/child_sa.h>
#include <encoding/payloads/notify_payload.h>

#include <stdarg.h>
#include <string.h>

typedef struct private_dpc_listener_t private_dpc_listener_t;

/**
 * Private data.
 */
struct private_dpc_listener_t {

	/**
	 * Public interface.
	 */
	dpc_listener_t public;

	/**
	 * Records
	 */
	dpc_registry_t *registry;

	/**
	 * Asks for check rounds
	 */
	dpc_trigger_t *trigger;
};

/**
 * Copy a host into a plain address.
 */
static void host2addr(host_t *host, dpc_addr_t *addr)
{
	chunk_t a;

	memset(addr, 0, sizeof(*addr));
	if (!host)
	{
		return;
	}
	a = host->get_address(host);
	if (a.len == 4 || a.len == 16)
	{
		addr->family = host->get_family(host);
		memcpy(addr->a, a.ptr, a.len);
		addr->port = host->get_port(host);
	}
}

/**
 * Copy a traffic selector into a plain one.
 */
static bool ts2dpc(traffic_selector_t *ts, dpc_ts_t *out)
{
	chunk_t from, to;

	memset(out, 0, sizeof(*out));
	from = ts->get_from_address(ts);
	to = ts->get_to_address(ts);
	if (from.len != to.len || (from.len != 4 && from.len != 16))
	{
		return FALSE;
	}
	out->family = ts->get_type(ts) == TS_IPV4_ADDR_RANGE ? AF_INET : AF_INET6;
	out->proto = ts->get_protocol(ts);
	out->from_port = ts->get_from_port(ts);
	out->to_port = ts->get_to_port(ts);
	memcpy(out->from, from.ptr, from.len);
	memcpy(out->to, to.ptr, to.len);
	return TRUE;
}

/**
 * Copy a list or enumerator of traffic selectors.
 *
 * @return			FALSE if out of memory (the list is incomplete)
 */
static bool enum2list(enumerator_t *enumerator, dpc_ts_list_t *list)
{
	traffic_selector_t *ts;
	dpc_ts_t copy;
	bool ok = TRUE;

	while (ok && enumerator->enumerate(enumerator, &ts))
	{
		if (ts2dpc(ts, &copy))
		{
			ok = dpc_ts_list_add(list, &copy);
		}
	}
	enumerator->destroy(enumerator);
	return ok;
}

/**
 * The configured selectors of one side, for our/their current hosts
 * (destroy with destroy_offset()).
 */
static linked_list_t *cfg_ts(ike_sa_t *ike_sa, child_cfg_t *cfg, bool local)
{
	linked_list_t *hosts, *list;

	/* supplied = NULL and log = FALSE: no narrowing, no alert */
	hosts = ike_sa_get_dynamic_hosts(ike_sa, local);
	list = cfg->get_traffic_selectors(cfg, local, NULL, hosts, FALSE);
	hosts->destroy(hosts);
	return list;
}

/**
 * Copy the configured selectors of one side.
 */
static bool cfg2list(ike_sa_t *ike_sa, child_cfg_t *cfg, bool local,
					 dpc_ts_list_t *out)
{
	linked_list_t *list;
	bool ok;

	list = cfg_ts(ike_sa, cfg, local);
	ok = enum2list(list->create_enumerator(list), out);
	list->destroy_offset(list, offsetof(traffic_selector_t, destroy));
	return ok;
}

/**
 * Has the IKE_SA authenticated the peer? Only then may it make records.
 */
static bool authenticated(ike_sa_t *ike_sa)
{
	switch (ike_sa->get_state(ike_sa))
	{
		case IKE_CREATED:
		case IKE_CONNECTING:
			/* IKEv2 sets the condition before it is established */
			return ike_sa->has_condition(ike_sa, COND_AUTHENTICATED);
		default:
			return TRUE;
	}
}

/**
 * Print a list of traffic selectors into buf.
 */
static void tslist2str(linked_list_t *list, char *buf, size_t len)
{
	if (list && list->get_count(list))
	{
		snprintf(buf, len, "%#R", list);
	}
	else
	{
		snprintf(buf, len, "(none)");
	}
}

/**
 * Copy the facts of an IKE_SA into a record.
 */
static void ike2rec(ike_sa_t *ike_sa, dpc_ike_rec_t *rec)
{
	peer_cfg_t *peer_cfg;

	dpc_ike_rec_init(rec);
	snprintf(rec->name, sizeof(rec->name), "%s", ike_sa->get_name(ike_sa));
	rec->unique_id = ike_sa->get_unique_id(ike_sa);
	rec->state = DPC_STATE_UP;
	rec->version = ike_sa->get_version(ike_sa) == IKEV1 ? 1 : 2;
	host2addr(ike_sa->get_my_host(ike_sa), &rec->local);
	host2addr(ike_sa->get_other_host(ike_sa), &rec->remote);
	rec->initial_local = rec->local;
	rec->initial_remote = rec->remote;
	if (ike_sa->has_condition(ike_sa, COND_NAT_ANY))
	{
		rec->nat |= DPC_NAT_ANY;
	}
	if (ike_sa->has_condition(ike_sa, COND_NAT_HERE))
	{
		rec->nat |= DPC_NAT_HERE;
	}
	if (ike_sa->has_condition(ike_sa, COND_NAT_THERE))
	{
		rec->nat |= DPC_NAT_THERE;
	}
	if (ike_sa->has_condition(ike_sa, COND_NAT_FAKE))
	{
		rec->nat |= DPC_NAT_FAKE;
	}
	rec->initiator = ike_sa->has_condition(ike_sa, COND_ORIGINAL_INITIATOR);
	peer_cfg = ike_sa->get_peer_cfg(ike_sa);
	if (peer_cfg)
	{
		rec->dpd_delay = peer_cfg->get_dpd(peer_cfg);
		rec->cfg_rekey_time = peer_cfg->get_rekey_time(peer_cfg, FALSE);
		rec->cfg_reauth_time = peer_cfg->get_reauth_time(peer_cfg, FALSE);
	}
	rec->established = time_monotonic(NULL);
}

/**
 * Describe the negotiated algorithms of a CHILD_SA.
 */
static void child_alg(child_sa_t *child_sa, char *buf, size_t size)
{
	proposal_t *proposal;
	uint16_t alg, ks;
	int len = 0;

	proposal = child_sa->get_proposal(child_sa);
	if (!proposal)
	{
		return;
	}
	if (proposal->get_algorithm(proposal, ENCRYPTION_ALGORITHM, &alg, &ks))
	{
		len += snprintf(buf + len, size - len, "%N",
						encryption_algorithm_names, alg);
		if (ks && len < (int)size)
		{
			len += snprintf(buf + len, size - len, "_%u", ks);
		}
	}
	if (len < (int)size &&
		proposal->get_algorithm(proposal, INTEGRITY_ALGORITHM, &alg, NULL))
	{
		snprintf(buf + len, size - len, "%s%N", len ? "/" : "",
				 integrity_algorithm_names, alg);
	}
}

/**
 * Copy the facts of a CHILD_SA into a record.
 *
 * @return			FALSE if out of memory (rec must still be cleared)
 */
static bool child2rec(ike_sa_t *ike_sa, child_sa_t *child_sa,
					  dpc_child_rec_t *rec)
{
	child_cfg_t *cfg;
	char alg[DPC_ALG_LEN], text[32];
	mark_t mark;

	dpc_child_rec_init(rec);
	snprintf(text, sizeof(text), "%N", ipsec_mode_names,
			 child_sa->get_mode(child_sa));
	if (!dpc_child_rec_set_name(rec, child_sa->get_name(child_sa)) ||
		!dpc_child_rec_set_text(&rec->mode, text))
	{
		return FALSE;
	}
	snprintf(text, sizeof(text), "%N", protocol_id_names,
			 child_sa->get_protocol(child_sa));
	if (!dpc_child_rec_set_text(&rec->protocol, text))
	{
		return FALSE;
	}
	rec->unique_id = child_sa->get_unique_id(child_sa);
	rec->reqid = child_sa->get_reqid(child_sa);
	rec->state = DPC_STATE_UP;
	rec->encap = child_sa->has_encap(child_sa);
	rec->spi_in = ntohl(child_sa->get_spi(child_sa, TRUE));
	rec->spi_out = ntohl(child_sa->get_spi(child_sa, FALSE));
	mark = child_sa->get_mark(child_sa, TRUE);
	rec->mark_in = mark.value;
	mark = child_sa->get_mark(child_sa, FALSE);
	rec->mark_out = mark.value;
	rec->if_id_in = child_sa->get_if_id(child_sa, TRUE);
	rec->if_id_out = child_sa->get_if_id(child_sa, FALSE);
	child_alg(child_sa, alg, sizeof(alg));
	if (!dpc_child_rec_set_text(&rec->alg, alg))
	{
		return FALSE;
	}
	rec->installed = child_sa->get_installtime(child_sa);
	if (!rec->installed)
	{
		rec->installed = time_monotonic(NULL);
	}
	rec->installed_wall = time(NULL);
	if (!enum2list(child_sa->create_ts_enumerator(child_sa, TRUE),
				   &rec->local) ||
		!enum2list(child_sa->create_ts_enumerator(child_sa, FALSE),
				   &rec->remote))
	{
		return FALSE;
	}
	cfg = child_sa->get_config(child_sa);
	if (cfg)
	{
		lifetime_cfg_t *lifetime;

		lifetime = cfg->get_lifetime(cfg, FALSE);
		if (lifetime)
		{
			rec->cfg_rekey_time = lifetime->time.rekey;
			rec->cfg_rekey_bytes = lifetime->bytes.rekey;
			rec->cfg_rekey_packets = lifetime->packets.rekey;
			free(lifetime);
		}
		rec->no_policies = cfg->has_option(cfg, OPT_NO_POLICIES);
		return cfg2list(ike_sa, cfg, TRUE, &rec->cfg_local) &&
			   cfg2list(ike_sa, cfg, FALSE, &rec->cfg_remote);
	}
	return TRUE;
}

METHOD(listener_t, ike_updown, bool,
	private_dpc_listener_t *this, ike_sa_t *ike_sa, bool up)
{
	dpc_ike_rec_t rec;

	if (up)
	{
		ike2rec(ike_sa, &rec);
		this->registry->ike_set(this->registry, &rec);
		dpc_ike_rec_clear(&rec);
		this->trigger->trigger(this->trigger,
							   ike_sa->get_unique_id(ike_sa));
	}
	else
	{
		this->registry->ike_down(this->registry,
								 ike_sa->get_unique_id(ike_sa),
								 time_monotonic(NULL));
	}
	return TRUE;
}

METHOD(listener_t, ike_rekey, bool,
	private_dpc_listener_t *this, ike_sa_t *old, ike_sa_t *new)
{
	dpc_ike_rec_t rec;

	ike2rec(new, &rec);
	this->registry->ike_rekey(this->registry, old->get_unique_id(old), &rec,
							  time_monotonic(NULL));
	dpc_ike_rec_clear(&rec);
	this->trigger->trigger(this->trigger, new->get_unique_id(new));
	return TRUE;
}

METHOD(listener_t, ike_update, bool,
	private_dpc_listener_t *this, ike_sa_t *ike_sa, host_t *local,
	host_t *remote)
{
	dpc_addr_t l, r;

	host2addr(local, &l);
	host2addr(remote, &r);
	this->registry->ike_update(this->registry, ike_sa->get_unique_id(ike_sa),
							   &l, &r, time_monotonic(NULL));
	this->trigger->trigger(this->trigger, ike_sa->get_unique_id(ike_sa));
	return TRUE;
}

METHOD(listener_t, child_updown, bool,
	private_dpc_listener_t *this, ike_sa_t *ike_sa, child_sa_t *child_sa,
	bool up)
{
	dpc_ike_rec_t ike;
	dpc_child_rec_t rec;

	if (up)
	{
		/* NAT detection and endpoints may have changed since ike_updown */
		ike2rec(ike_sa, &ike);
		this->registry->ike_set(this->registry, &ike);
		dpc_ike_rec_clear(&ike);
		if (child2rec(ike_sa, child_sa, &rec))
		{	/* else out of memory: not tracked */
			this->registry->child_up(this->registry,
									 ike_sa->get_unique_id(ike_sa), &rec);
		}
		dpc_child_rec_clear(&rec);
		this->trigger->trigger(this->trigger,
							   ike_sa->get_unique_id(ike_sa));
	}
	else
	{
		this->registry->child_down(this->registry,
								   ike_sa->get_unique_id(ike_sa),
								   child_sa->get_unique_id(child_sa),
								   time_monotonic(NULL));
	}
	return TRUE;
}

METHOD(listener_t, child_rekey, bool,
	private_dpc_listener_t *this, ike_sa_t *ike_sa, child_sa_t *old,
	child_sa_t *new)
{
	dpc_child_rec_t rec;

	if (!child2rec(ike_sa, new, &rec))
	{	/* out of memory: the new one is not tracked, the old one ends */
		dpc_child_rec_clear(&rec);
		dpc_child_rec_init(&rec);
	}
	this->registry->child_rekey(this->registry, ike_sa->get_unique_id(ike_sa),
								old->get_unique_id(old), &rec,
								time_monotonic(NULL));
	dpc_child_rec_clear(&rec);
	this->trigger->trigger(this->trigger, ike_sa->get_unique_id(ike_sa));
	return TRUE;
}

/**
 * Do the final selectors of one side differ from the configured ones?
 */
static bool differs(ike_sa_t *ike_sa, child_cfg_t *cfg, bool local,
					linked_list_t *final)
{
	linked_list_t *list;
	bool differ;

	list = cfg_ts(ike_sa, cfg, local);
	differ = list->get_count(list) != final->get_count(final) ||
			 !list->equals_offset(list, final,
								  offsetof(traffic_selector_t, equals));
	list->destroy_offset(list, offsetof(traffic_selector_t, destroy));
	return differ;
}

METHOD(listener_t, narrow, bool,
	private_dpc_listener_t *this, ike_sa_t *ike_sa, child_sa_t *child_sa,
	narrow_hook_t type, linked_list_t *local, linked_list_t *remote)
{
	child_cfg_t *cfg;

	/* only the final lists are of interest, and they are just observed */
	if (type != NARROW_INITIATOR_POST_AUTH &&
		type != NARROW_INITIATOR_POST_NOAUTH &&
		type != NARROW_RESPONDER_POST)
	{
		return TRUE;
	}
	cfg = child_sa->get_config(child_sa);
	if (cfg && (differs(ike_sa, cfg, TRUE, local) ||
				differs(ike_sa, cfg, FALSE, remote)))
	{
		this->registry->mark_narrowed(this->registry,
									  child_sa->get_unique_id(child_sa));
	}
	return TRUE;
}

/**
 * Record an alert about a CHILD_SA or a child config.
 */
static void record_alert(private_dpc_listener_t *this, ike_sa_t *ike_sa,
						 dpc_alert_type_t type, child_sa_t *child_sa,
						 const char *detail, const char *detail2)
{
	dpc_alert_t alert = {
		.type = type,
		.time = time_monotonic(NULL),
		.count = 1,
	};

	if (!ike_sa)
	{
		return;
	}
	if (child_sa)
	{
		snprintf(alert.child_name, sizeof(alert.child_name), "%s",
				 child_sa->get_name(child_sa));
		alert.child_id = child_sa->get_unique_id(child_sa);
	}
	snprintf(alert.detail, sizeof(alert.detail), "%s", detail ?: "");
	snprintf(alert.detail2, sizeof(alert.detail2), "%s", detail2 ?: "");
	this->registry->add_alert(this->registry, ike_sa->get_unique_id(ike_sa),
							  ike_sa->get_name(ike_sa), &alert,
							  authenticated(ike_sa));
	this->trigger->trigger(this->trigger, ike_sa->get_unique_id(ike_sa));
}

/**
 * Print the negotiated or installed selectors of a CHILD_SA.
 */
static void child_ts2str(child_sa_t *child_sa, char *buf, size_t len)
{
	traffic_selector_t *my_ts, *other_ts;
	enumerator_t *enumerator;
	int pos = 0;

	buf[0] = '\0';
	enumerator = child_sa->create_policy_enumerator(child_sa);
	while (pos < (int)len &&
		   enumerator->enumerate(enumerator, &my_ts, &other_ts))
	{
		pos += snprintf(buf + pos, len - pos, "%s%R === %R", pos ? ", " : "",
						my_ts, other_ts);
	}
	enumerator->destroy(enumerator);
}

/**
 * A request of ours goes unanswered: the registry keeps it if it shows a
 * NAT-T float that fails (natt-port-blocked).
 */
static void retransmit(private_dpc_listener_t *this, ike_sa_t *ike_sa,
					   packet_t *packet, u_int count, bool timed_out)
{
	dpc_addr_t local, remote;

	if (!ike_sa || !packet || ike_sa->get_state(ike_sa) == IKE_ESTABLISHED)
	{	/* established IKE_SAs: DPD and rekeys, not the float */
		return;
	}
	host2addr(packet->get_source(packet), &local);
	host2addr(packet->get_destination(packet), &remote);
	this->registry->ike_retransmit(this->registry,
								   ike_sa->get_unique_id(ike_sa),
								   ike_sa->get_name(ike_sa), &local, &remote,
								   count, timed_out);
}

METHOD(listener_t, alert, bool,
	private_dpc_listener_t *this, ike_sa_t *ike_sa, alert_t alert,
	va_list args)
{
	linked_list_t *list, *list2;
	child_sa_t *child_sa;
	packet_t *packet;
	u_int count;
	char d1[DPC_ALERT_TEXT_LEN], d2[DPC_ALERT_TEXT_LEN];

	switch (alert)
	{
		case ALERT_TS_MISMATCH:
			list = va_arg(args, linked_list_t*);
			list2 = va_arg(args, linked_list_t*);
			tslist2str(list, d1, sizeof(d1));
			tslist2str(list2, d2, sizeof(d2));
			record_alert(this, ike_sa, DPC_ALERT_TS_MISMATCH, NULL, d1, d2);
			break;
		case ALERT_INSTALL_CHILD_SA_FAILED:
		case ALERT_INSTALL_CHILD_POLICY_FAILED:
			child_sa = va_arg(args, child_sa_t*);
			if (child_sa)
			{
				child_ts2str(child_sa, d1, sizeof(d1));
			}
			else
			{
				d1[0] = '\0';
			}
			record_alert(this, ike_sa, alert == ALERT_INSTALL_CHILD_SA_FAILED ?
						 DPC_ALERT_INSTALL_SA_FAILED :
						 DPC_ALERT_INSTALL_POLICY_FAILED, child_sa, d1, NULL);
			break;
		case ALERT_PROPOSAL_MISMATCH_CHILD:
			list = va_arg(args, linked_list_t*);
			if (list && list->get_count(list))
			{
				snprintf(d1, sizeof(d1), "%#P", list);
			}
			else
			{
				snprintf(d1, sizeof(d1), "(none)");
			}
			record_alert(this, ike_sa, DPC_ALERT_PROPOSAL_MISMATCH_CHILD, NULL,
						 d1, NULL);
			break;
		case ALERT_RETRANSMIT_SEND:
			/* one after the other: argument evaluation has no order */
			packet = va_arg(args, packet_t*);
			count = va_arg(args, u_int);
			retransmit(this, ike_sa, packet, count, FALSE);
			break;
		case ALERT_RETRANSMIT_SEND_TIMEOUT:
			retransmit(this, ike_sa, va_arg(args, packet_t*), 0, TRUE);
			break;
		default:
			break;
	}
	return TRUE;
}

/**
 * The peer refused our traffic selectors: name the child config and its
 * selectors when the peer config has only one (the message does not say
 * which CHILD_SA it answers).
 */
static void ts_unacceptable(private_dpc_listener_t *this, ike_sa_t *ike_sa)
{
	peer_cfg_t *peer_cfg;
	child_cfg_t *cfg, *only = NULL;
	enumerator_t *enumerator;
	linked_list_t *local, *remote;
	dpc_alert_t alert = {
		.type = DPC_ALERT_TS_MISMATCH,
		.time = time_monotonic(NULL),
		.count = 1,
		.peer_refused = TRUE,
	};
	int count = 0;

	peer_cfg = ike_sa->get_peer_cfg(ike_sa);
	if (peer_cfg)
	{
		enumerator = peer_cfg->create_child_cfg_enumerator(peer_cfg);
		while (enumerator->enumerate(enumerator, &cfg))
		{
			only = cfg;
			count++;
		}
		enumerator->destroy(enumerator);
	}
	if (count == 1)
	{
		local = cfg_ts(ike_sa, only, TRUE);
		remote = cfg_ts(ike_sa, only, FALSE);
		snprintf(alert.child_name, sizeof(alert.child_name), "%s",
				 only->get_name(only));
		tslist2str(local, alert.detail, sizeof(alert.detail));
		tslist2str(remote, alert.detail2, sizeof(alert.detail2));
		local->destroy_offset(local, offsetof(traffic_selector_t, destroy));
		remote->destroy_offset(remote, offsetof(traffic_selector_t, destroy));
	}
	/* in the IKE_AUTH response this waits until the IKE_SA is up */
	this->registry->add_alert(this->registry, ike_sa->get_unique_id(ike_sa),
							  ike_sa->get_name(ike_sa), &alert,
							  authenticated(ike_sa));
	this->trigger->trigger(this->trigger, ike_sa->get_unique_id(ike_sa));
}

METHOD(listener_t, message_hook, bool,
	private_dpc_listener_t *this, ike_sa_t *ike_sa, message_t *message,
	bool incoming, bool plain)
{
	dpc_addr_t local, remote;

	if (!ike_sa)
	{
		return TRUE;
	}
	/* remember where IKE_SA_INIT ran, to show the move to port 4500 (in a
	 * bounded map: anyone can send IKE_SA_INIT) */
	if (plain && message->get_exchange_type(message) == IKE_SA_INIT &&
		!message->get_source(message)->is_anyaddr(message->get_source(message)))
	{
		host2addr(incoming ? message->get_destination(message)
						   : message->get_source(message), &local);
		host2addr(incoming ? message->get_source(message)
						   : message->get_destination(message), &remote);
		this->registry->ike_initial(this->registry,
									ike_sa->get_unique_id(ike_sa),
									&local, &remote);
	}
	/* the initiator of a CHILD_SA raises no alert for TS_UNACCEPTABLE */
	if (incoming && plain && !message->get_request(message) &&
		message->get_notify(message, TS_UNACCEPTABLE))
	{
		ts_unacceptable(this, ike_sa);
	}
	return TRUE;
}

METHOD(listener_t, ike_state_change, bool,
	private_dpc_listener_t *this, ike_sa_t *ike_sa, ike_sa_state_t state)
{
	if (state == IKE_DESTROYING)
	{	/* a half-open IKE_SA leaves nothing behind */
		this->registry->ike_gone(this->registry,
								 ike_sa->get_unique_id(ike_sa));
	}
	return TRUE;
}

METHOD(dpc_listener_t, destroy, void,
	private_dpc_listener_t *this)
{
	free(this);
}

/*
 * Described in header
 */
dpc_listener_t *dpc_listener_create(dpc_registry_t *registry,
									dpc_trigger_t *trigger)
{
	private_dpc_listener_t *this;

	INIT(this,
		.public = {
			.listener = {
				.ike_state_change = _ike_state_change,
				.ike_updown = _ike_updown,
				.ike_rekey = _ike_rekey,
				.ike_update = _ike_update,
				.child_updown = _child_updown,
				.child_rekey = _child_rekey,
				.narrow = _narrow,
				.alert = _alert,
				.message = _message_hook,
			},
			.destroy = _destroy,
		},
		.registry = registry,
		.trigger = trigger,
	);
	return &this->public;
}
