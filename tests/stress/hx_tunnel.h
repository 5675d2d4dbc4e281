/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * A tunnel of the in-process charon (hx_charon.h): a peer config with one
 * child config, and an IKE_SA in charon's IKE_SA manager. Every operation
 * checks the IKE_SA out, raises the bus events charon raises for it, with
 * real ike_sa_t and child_sa_t objects, and checks it in again, as charon's
 * tasks do. One tunnel is used by one thread at a time.
 *
 * Tunnel i: IKE 192.0.2.1 <-> 198.18.x.y, child 10.10.0.0/24 <-> its own
 * /24 in 10.128.0.0/9 (a /25 of it when narrowed).
 */

#ifndef HX_TUNNEL_H_
#define HX_TUNNEL_H_

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct hx_tunnel_t hx_tunnel_t;

/**
 * Create the configs and establish the IKE_SA (IKE_SA_INIT message hook,
 * ike_updown up).
 *
 * @param index			number of the tunnel, picks addresses and selectors
 * @return				tunnel, NULL on failure
 */
hx_tunnel_t *hx_tunnel_create(u_int index);

/**
 * Install a CHILD_SA: narrow hook, state change, child_updown up.
 *
 * @param narrow		negotiate a narrower remote selector than configured
 */
bool hx_tunnel_child_up(hx_tunnel_t *t, bool narrow);

/**
 * Rekey the newest CHILD_SA: child_rekey old -> new, the old one removed
 * without a down event (as charon deletes rekeyed ones).
 */
bool hx_tunnel_child_rekey(hx_tunnel_t *t);

/**
 * Close the newest CHILD_SA: child_updown down, removed.
 */
bool hx_tunnel_child_down(hx_tunnel_t *t);

/**
 * One CHILD_SA cycle: up, rekey, down.
 */
bool hx_tunnel_cycle(hx_tunnel_t *t, bool narrow);

/**
 * Rekey the IKE_SA: ike_rekey old -> new, CHILD_SAs move to the new one,
 * the old one is destroyed.
 */
bool hx_tunnel_ike_rekey(hx_tunnel_t *t);

/**
 * The peer's endpoint moved to another port (NAT rebinding): ike_update.
 */
bool hx_tunnel_ike_update(hx_tunnel_t *t, uint16_t port);

/**
 * Raise the alerts the listener decodes (TS mismatch, install failed,
 * proposal mismatch) and a CREATE_CHILD_SA response with TS_UNACCEPTABLE.
 */
bool hx_tunnel_alerts(hx_tunnel_t *t);

/**
 * Number of CHILD_SAs the tunnel holds.
 */
u_int hx_tunnel_children(hx_tunnel_t *t);

/**
 * Close the IKE_SA (ike_updown down, which downs its CHILD_SAs) and
 * destroy it and the configs.
 */
void hx_tunnel_destroy(hx_tunnel_t *t);

/**
 * A half-open IKE_SA: a responder IKE_SA sees IKE_SA_INIT from the given
 * source, then is dropped without coming up.
 *
 * @param source		picks the source address
 */
bool hx_half_open(u_int source);

#endif /** HX_TUNNEL_H_ */
