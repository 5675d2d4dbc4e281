/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#define _GNU_SOURCE
#include "hx_tunnel.h"

#include <daemon.h>
#include <encoding/payloads/ike_header.h>

#include <stdio.h>

struct hx_tunnel_t {
	/** number of the tunnel */
	u_int index;
	/** peer config (holds child_cfg) */
	peer_cfg_t *peer_cfg;
	/** the child config */
	child_cfg_t *child_cfg;
	/** ESP proposal of the CHILD_SAs */
	proposal_t *proposal;
	/** our and the peer's IKE endpoints */
	host_t *me, *other;
	/** configured and narrowed remote selectors */
	traffic_selector_t *remote_ts, *narrow_ts, *local_ts;
	/** unique id of the current IKE_SA */
	uint32_t ike_id;
	/** unique id of the newest CHILD_SA, 0 if none */
	uint32_t child_id;
};

/**
 * Check the tunnel's IKE_SA out and make it the thread's SA on the bus.
 */
static ike_sa_t *checkout(hx_tunnel_t *t)
{
	ike_sa_t *ike_sa;

	ike_sa = charon->ike_sa_manager->checkout_by_id(charon->ike_sa_manager,
													t->ike_id);
	if (!ike_sa)
	{
		fprintf(stderr, "harness: IKE_SA #%u of tunnel %u is gone\n",
				t->ike_id, t->index);
		return NULL;
	}
	charon->bus->set_sa(charon->bus, ike_sa);
	return ike_sa;
}

static void checkin(ike_sa_t *ike_sa)
{
	charon->bus->set_sa(charon->bus, NULL);
	charon->ike_sa_manager->checkin(charon->ike_sa_manager, ike_sa);
}

/**
 * A packet-less message for the message hook.
 */
static message_t *new_message(host_t *src, host_t *dst, exchange_type_t type,
							  bool request)
{
	message_t *message;

	message = message_create(IKEV2_MAJOR_VERSION, IKEV2_MINOR_VERSION);
	message->set_source(message, src->clone(src));
	message->set_destination(message, dst->clone(dst));
	message->set_exchange_type(message, type);
	message->set_request(message, request);
	return message;
}

/**
 * A new IKE_SA of the tunnel, checked out, established (no hooks besides
 * the IKE_SA_INIT message and the state changes).
 */
static ike_sa_t *new_ike_sa(hx_tunnel_t *t)
{
	ike_sa_t *ike_sa;
	message_t *message;

	ike_sa = charon->ike_sa_manager->create_new(charon->ike_sa_manager,
												IKEV2, TRUE);
	if (!ike_sa)
	{
		return NULL;
	}
	charon->ike_sa_manager->checkout_new(charon->ike_sa_manager, ike_sa);
	charon->bus->set_sa(charon->bus, ike_sa);
	ike_sa->set_peer_cfg(ike_sa, t->peer_cfg);
	ike_sa->set_my_host(ike_sa, t->me->clone(t->me));
	ike_sa->set_other_host(ike_sa, t->other->clone(t->other));
	ike_sa->set_state(ike_sa, IKE_CONNECTING);
	message = new_message(t->me, t->other, IKE_SA_INIT, TRUE);
	charon->bus->message(charon->bus, message, FALSE, TRUE);
	message->destroy(message);
	ike_sa->set_state(ike_sa, IKE_ESTABLISHED);
	return ike_sa;
}

/**
 * A list holding one selector (cloned).
 */
static linked_list_t *ts_list(traffic_selector_t *ts)
{
	return linked_list_create_with_items(ts->clone(ts), NULL);
}

static void ts_list_destroy(linked_list_t *list)
{
	list->destroy_offset(list, offsetof(traffic_selector_t, destroy));
}

/**
 * Negotiate and install a CHILD_SA on a checked out IKE_SA (no up event).
 */
static child_sa_t *new_child_sa(hx_tunnel_t *t, ike_sa_t *ike_sa, bool narrow)
{
	child_sa_create_t data = {};
	linked_list_t *local, *remote;
	child_sa_t *child_sa;

	child_sa = child_sa_create(ike_sa->get_my_host(ike_sa),
							   ike_sa->get_other_host(ike_sa), t->child_cfg,
							   &data);
	child_sa->set_protocol(child_sa, PROTO_ESP);
	child_sa->set_mode(child_sa, MODE_TUNNEL);
	child_sa->set_proposal(child_sa, t->proposal);
	local = ts_list(t->local_ts);
	remote = ts_list(narrow ? t->narrow_ts : t->remote_ts);
	charon->bus->narrow(charon->bus, child_sa, NARROW_INITIATOR_POST_AUTH,
						local, remote);
	child_sa->set_policies(child_sa, local, remote);
	ts_list_destroy(local);
	ts_list_destroy(remote);
	child_sa->set_state(child_sa, CHILD_INSTALLING);
	child_sa->set_state(child_sa, CHILD_INSTALLED);
	ike_sa->add_child_sa(ike_sa, child_sa);
	return child_sa;
}

/**
 * Find a CHILD_SA of a checked out IKE_SA by unique id, remove it (with a
 * down event if asked) and destroy it.
 */
static bool remove_child_sa(ike_sa_t *ike_sa, uint32_t id, bool updown)
{
	enumerator_t *enumerator;
	child_sa_t *child_sa, *found = NULL;

	enumerator = ike_sa->create_child_sa_enumerator(ike_sa);
	while (enumerator->enumerate(enumerator, &child_sa))
	{
		if (child_sa->get_unique_id(child_sa) == id)
		{
			ike_sa->remove_child_sa(ike_sa, enumerator);
			found = child_sa;
			break;
		}
	}
	enumerator->destroy(enumerator);
	if (!found)
	{
		return FALSE;
	}
	if (updown)
	{
		charon->bus->child_updown(charon->bus, found, FALSE);
	}
	found->set_state(found, CHILD_DELETED);
	found->destroy(found);
	return TRUE;
}

/**
 * The newest CHILD_SA of a checked out IKE_SA.
 */
static child_sa_t *newest_child_sa(hx_tunnel_t *t, ike_sa_t *ike_sa)
{
	enumerator_t *enumerator;
	child_sa_t *child_sa, *found = NULL;

	enumerator = ike_sa->create_child_sa_enumerator(ike_sa);
	while (enumerator->enumerate(enumerator, &child_sa))
	{
		if (child_sa->get_unique_id(child_sa) == t->child_id)
		{
			found = child_sa;
		}
	}
	enumerator->destroy(enumerator);
	return found;
}

/**
 * The configs of tunnel i.
 */
static bool create_configs(hx_tunnel_t *t)
{
	ike_cfg_create_t ike = {
		.version = IKEV2,
		.local = "192.0.2.1",
		.local_port = IKEV2_UDP_PORT,
		.remote_port = IKEV2_UDP_PORT,
	};
	peer_cfg_create_t peer = {
		.cert_policy = CERT_SEND_IF_ASKED,
		.unique = UNIQUE_NO,
		.keyingtries = 1,
	};
	child_cfg_create_t child = {
		.mode = MODE_TUNNEL,
		.dpd_action = ACTION_START,
	};
	char name[32], remote[64], cidr[64];
	u_int i = t->index;

	snprintf(remote, sizeof(remote), "198.18.%u.%u", (i >> 8) & 0xff, i & 0xff);
	ike.remote = remote;
	snprintf(name, sizeof(name), "t%u", i);
	t->peer_cfg = peer_cfg_create(name, ike_cfg_create(&ike), &peer);
	snprintf(name, sizeof(name), "c%u", i);
	t->child_cfg = child_cfg_create(name, &child);
	t->local_ts = traffic_selector_create_from_cidr("10.10.0.0/24", 0, 0,
													65535);
	snprintf(cidr, sizeof(cidr), "10.%u.%u.0/24", 128 + ((i >> 8) & 0x7f),
			 i & 0xff);
	t->remote_ts = traffic_selector_create_from_cidr(cidr, 0, 0, 65535);
	snprintf(cidr, sizeof(cidr), "10.%u.%u.0/25", 128 + ((i >> 8) & 0x7f),
			 i & 0xff);
	t->narrow_ts = traffic_selector_create_from_cidr(cidr, 0, 0, 65535);
	t->proposal = proposal_create_from_string(PROTO_ESP, "aes256gcm16");
	t->me = host_create_from_string("192.0.2.1", IKEV2_UDP_PORT);
	t->other = host_create_from_string(remote, IKEV2_UDP_PORT);
	if (!t->local_ts || !t->remote_ts || !t->narrow_ts || !t->proposal ||
		!t->me || !t->other)
	{
		return FALSE;
	}
	t->child_cfg->add_traffic_selector(t->child_cfg, TRUE,
									   t->local_ts->clone(t->local_ts));
	t->child_cfg->add_traffic_selector(t->child_cfg, FALSE,
									   t->remote_ts->clone(t->remote_ts));
	t->child_cfg->add_proposal(t->child_cfg, t->proposal->clone(t->proposal,
																0));
	t->peer_cfg->add_child_cfg(t->peer_cfg,
							   t->child_cfg->get_ref(t->child_cfg));
	return TRUE;
}

static void destroy_configs(hx_tunnel_t *t)
{
	DESTROY_IF(t->local_ts);
	DESTROY_IF(t->remote_ts);
	DESTROY_IF(t->narrow_ts);
	DESTROY_IF(t->proposal);
	DESTROY_IF(t->me);
	DESTROY_IF(t->other);
	DESTROY_IF(t->child_cfg);
	DESTROY_IF(t->peer_cfg);
}

/*
 * Described in header
 */
hx_tunnel_t *hx_tunnel_create(u_int index)
{
	hx_tunnel_t *t;
	ike_sa_t *ike_sa;

	INIT(t,
		.index = index,
	);
	if (!create_configs(t))
	{
		destroy_configs(t);
		free(t);
		return NULL;
	}
	ike_sa = new_ike_sa(t);
	if (!ike_sa)
	{
		destroy_configs(t);
		free(t);
		return NULL;
	}
	t->ike_id = ike_sa->get_unique_id(ike_sa);
	charon->bus->ike_updown(charon->bus, ike_sa, TRUE);
	checkin(ike_sa);
	return t;
}

/*
 * Described in header
 */
bool hx_tunnel_child_up(hx_tunnel_t *t, bool narrow)
{
	ike_sa_t *ike_sa;
	child_sa_t *child_sa;

	ike_sa = checkout(t);
	if (!ike_sa)
	{
		return FALSE;
	}
	child_sa = new_child_sa(t, ike_sa, narrow);
	t->child_id = child_sa->get_unique_id(child_sa);
	charon->bus->child_updown(charon->bus, child_sa, TRUE);
	checkin(ike_sa);
	return TRUE;
}

/*
 * Described in header
 */
bool hx_tunnel_child_rekey(hx_tunnel_t *t)
{
	ike_sa_t *ike_sa;
	child_sa_t *old, *new;
	bool ok = FALSE;

	ike_sa = checkout(t);
	if (!ike_sa)
	{
		return FALSE;
	}
	old = newest_child_sa(t, ike_sa);
	if (old)
	{
		old->set_state(old, CHILD_REKEYING);
		new = new_child_sa(t, ike_sa, FALSE);
		charon->bus->child_rekey(charon->bus, old, new);
		old->set_state(old, CHILD_REKEYED);
		t->child_id = new->get_unique_id(new);
		ok = remove_child_sa(ike_sa, old->get_unique_id(old), FALSE);
	}
	checkin(ike_sa);
	return ok;
}

/*
 * Described in header
 */
bool hx_tunnel_child_down(hx_tunnel_t *t)
{
	ike_sa_t *ike_sa;
	bool ok;

	ike_sa = checkout(t);
	if (!ike_sa)
	{
		return FALSE;
	}
	ok = remove_child_sa(ike_sa, t->child_id, TRUE);
	t->child_id = 0;
	checkin(ike_sa);
	return ok;
}

/*
 * Described in header
 */
bool hx_tunnel_cycle(hx_tunnel_t *t, bool narrow)
{
	return hx_tunnel_child_up(t, narrow) && hx_tunnel_child_rekey(t) &&
		   hx_tunnel_child_down(t);
}

/*
 * Described in header
 */
bool hx_tunnel_ike_rekey(hx_tunnel_t *t)
{
	ike_sa_t *old, *new;
	enumerator_t *enumerator;
	child_sa_t *child_sa;

	old = checkout(t);
	if (!old)
	{
		return FALSE;
	}
	new = new_ike_sa(t);
	if (!new)
	{
		checkin(old);
		return FALSE;
	}
	/* the CHILD_SAs move over, as charon's ike_rekey task does */
	charon->bus->set_sa(charon->bus, old);
	enumerator = old->create_child_sa_enumerator(old);
	while (enumerator->enumerate(enumerator, &child_sa))
	{
		old->remove_child_sa(old, enumerator);
		new->add_child_sa(new, child_sa);
	}
	enumerator->destroy(enumerator);
	charon->bus->ike_rekey(charon->bus, old, new);
	t->ike_id = new->get_unique_id(new);
	checkin(new);
	charon->bus->set_sa(charon->bus, old);
	old->set_state(old, IKE_REKEYED);
	charon->bus->set_sa(charon->bus, NULL);
	charon->ike_sa_manager->checkin_and_destroy(charon->ike_sa_manager, old);
	return TRUE;
}

/*
 * Described in header
 */
bool hx_tunnel_ike_update(hx_tunnel_t *t, uint16_t port)
{
	ike_sa_t *ike_sa;
	host_t *other;

	ike_sa = checkout(t);
	if (!ike_sa)
	{
		return FALSE;
	}
	other = t->other->clone(t->other);
	other->set_port(other, port);
	charon->bus->ike_update(charon->bus, ike_sa, ike_sa->get_my_host(ike_sa),
							other);
	ike_sa->set_other_host(ike_sa, other);
	checkin(ike_sa);
	return TRUE;
}

/**
 * The alert of a failed CHILD_SA installation, with a CHILD_SA that never
 * gets installed.
 */
static void install_failed(hx_tunnel_t *t, ike_sa_t *ike_sa)
{
	child_sa_create_t data = {};
	linked_list_t *local, *remote;
	child_sa_t *child_sa;

	child_sa = child_sa_create(ike_sa->get_my_host(ike_sa),
							   ike_sa->get_other_host(ike_sa), t->child_cfg,
							   &data);
	local = ts_list(t->local_ts);
	remote = ts_list(t->remote_ts);
	child_sa->set_policies(child_sa, local, remote);
	charon->bus->alert(charon->bus, ALERT_INSTALL_CHILD_SA_FAILED, child_sa);
	ts_list_destroy(local);
	ts_list_destroy(remote);
	child_sa->destroy(child_sa);
}

/*
 * Described in header
 */
bool hx_tunnel_alerts(hx_tunnel_t *t)
{
	linked_list_t *local, *remote, *proposals;
	message_t *message;
	ike_sa_t *ike_sa;

	ike_sa = checkout(t);
	if (!ike_sa)
	{
		return FALSE;
	}
	local = ts_list(t->local_ts);
	remote = ts_list(t->narrow_ts);
	charon->bus->alert(charon->bus, ALERT_TS_MISMATCH, local, remote);
	ts_list_destroy(local);
	ts_list_destroy(remote);

	install_failed(t, ike_sa);

	proposals = linked_list_create_with_items(
							t->proposal->clone(t->proposal, 0), NULL);
	charon->bus->alert(charon->bus, ALERT_PROPOSAL_MISMATCH_CHILD, proposals);
	proposals->destroy_offset(proposals, offsetof(proposal_t, destroy));

	message = new_message(t->other, t->me, CREATE_CHILD_SA, FALSE);
	message->add_notify(message, FALSE, TS_UNACCEPTABLE, chunk_empty);
	charon->bus->message(charon->bus, message, TRUE, TRUE);
	message->destroy(message);
	checkin(ike_sa);
	return TRUE;
}

/*
 * Described in header
 */
u_int hx_tunnel_children(hx_tunnel_t *t)
{
	ike_sa_t *ike_sa;
	u_int count;

	ike_sa = checkout(t);
	if (!ike_sa)
	{
		return 0;
	}
	count = ike_sa->get_child_count(ike_sa);
	checkin(ike_sa);
	return count;
}

/*
 * Described in header
 */
void hx_tunnel_destroy(hx_tunnel_t *t)
{
	ike_sa_t *ike_sa;

	ike_sa = checkout(t);
	if (ike_sa)
	{
		charon->bus->ike_updown(charon->bus, ike_sa, FALSE);
		ike_sa->set_state(ike_sa, IKE_DELETING);
		charon->bus->set_sa(charon->bus, NULL);
		charon->ike_sa_manager->checkin_and_destroy(charon->ike_sa_manager,
													ike_sa);
	}
	destroy_configs(t);
	free(t);
}

/*
 * Described in header
 */
bool hx_half_open(u_int source)
{
	ike_sa_t *ike_sa;
	message_t *message;
	host_t *me, *other;
	char addr[32];

	ike_sa = charon->ike_sa_manager->create_new(charon->ike_sa_manager,
												IKEV2, FALSE);
	if (!ike_sa)
	{
		return FALSE;
	}
	charon->ike_sa_manager->checkout_new(charon->ike_sa_manager, ike_sa);
	charon->bus->set_sa(charon->bus, ike_sa);
	snprintf(addr, sizeof(addr), "203.0.%u.%u", (source >> 8) & 0xff,
			 source & 0xff);
	me = host_create_from_string("192.0.2.1", IKEV2_UDP_PORT);
	other = host_create_from_string(addr, IKEV2_UDP_PORT);
	ike_sa->set_my_host(ike_sa, me->clone(me));
	ike_sa->set_other_host(ike_sa, other->clone(other));
	message = new_message(other, me, IKE_SA_INIT, TRUE);
	charon->bus->message(charon->bus, message, TRUE, TRUE);
	message->destroy(message);
	me->destroy(me);
	other->destroy(other);
	charon->bus->set_sa(charon->bus, NULL);
	charon->ike_sa_manager->checkin_and_destroy(charon->ike_sa_manager,
												ike_sa);
	return TRUE;
}
