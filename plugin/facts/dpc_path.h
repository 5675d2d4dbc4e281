/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_path dpc_path
 * @{ @ingroup dpc_facts
 *
 * The path of a CHILD_SA's packets of one address family through the
 * gateway: a LAN host and a remote host standing for its selectors of that
 * family, the interfaces their packets use and the kernel's route between
 * them. A CHILD_SA whose selectors hold both families (local_ts =
 * 10.1.0.0/16,fd00:1::/64) has two paths, one per family; each is checked
 * on its own, since IPv4 and IPv6 are routed, forwarded and filtered by
 * separate switches, tables and rules. Worked out once per round from the
 * facts, before the checks run, and shared by every check family (and the
 * packet tracer), so they ask the same questions once and agree on the
 * answers.
 *
 * A part that could not be worked out is missing from the known flags;
 * each check asks for the parts it needs.
 */

#ifndef DPC_PATH_H_
#define DPC_PATH_H_

#include "dpc_facts.h"
#include "model/dpc_record.h"

/**
 * Parts of a path, as flags of dpc_path_t.known.
 */
typedef enum {
	/** rhost: the CHILD_SA has local and remote selectors of the path's
	 *  family (nothing but wan is worked out without) */
	DPC_PATH_RHOST = (1 << 0),
	/** lhost: a host of the local selector that is not the gateway itself
	 *  (the CHILD_SA carries forwarded LAN traffic) */
	DPC_PATH_LHOST = (1 << 1),
	/** lan: the interface packets from lhost arrive on */
	DPC_PATH_LAN = (1 << 2),
	/** tun: the interface decapsulated packets arrive on */
	DPC_PATH_TUN = (1 << 3),
	/** wan: the interface of the IKE_SA's local address */
	DPC_PATH_WAN = (1 << 4),
	/** fwd: the kernel's route for a packet from lhost to rhost arriving on
	 *  lan */
	DPC_PATH_FWD = (1 << 5),
	/** out: the interface that route leaves through (with kernel-libipsec
	 *  the TUN device, with XFRM where the encrypted packets leave) */
	DPC_PATH_OUT = (1 << 6),
} dpc_path_part_t;

/**
 * What the packets of one CHILD_SA look like.
 */
typedef struct {
	/** unique id of the IKE_SA */
	uint32_t ike_id;
	/** unique id of the CHILD_SA */
	uint32_t child_id;
	/** address family of the inner packets, AF_INET or AF_INET6 */
	uint8_t family;
	/** first local selector of that family (DPC_PATH_RHOST) */
	dpc_ts_t lts;
	/** first remote selector of that family (DPC_PATH_RHOST) */
	dpc_ts_t rts;
	/** how ESP is handled */
	dpc_dataplane_t dataplane;
	/** parts worked out, DPC_PATH_* flags; the others are zero */
	unsigned int known;
	/** a host of the local selector (DPC_PATH_LHOST) */
	dpc_addr_t lhost;
	/** a host of the remote selector (DPC_PATH_RHOST) */
	dpc_addr_t rhost;
	/** LAN interface (DPC_PATH_LAN) */
	char lan[IF_NAMESIZE];
	/** interface of decapsulated packets (DPC_PATH_TUN) */
	char tun[IF_NAMESIZE];
	/** WAN interface (DPC_PATH_WAN) */
	char wan[IF_NAMESIZE];
	/** interface forwarded LAN packets leave through (DPC_PATH_OUT) */
	char out[IF_NAMESIZE];
	/** route of forwarded LAN packets (DPC_PATH_FWD) */
	dpc_route_t fwd;
} dpc_path_t;

/**
 * The paths of the CHILD_SAs of one round.
 */
typedef struct {
	/** paths, ordered by IKE_SA and CHILD_SA unique id and family */
	dpc_path_t *items;
	/** number of paths */
	size_t count;
} dpc_paths_t;

/**
 * Work out the path of a CHILD_SA's packets of one family.
 *
 * @param facts		the facts of the round
 * @param ike		the IKE_SA
 * @param child		the CHILD_SA
 * @param family	AF_INET or AF_INET6
 * @param path		receives the path (without DPC_PATH_RHOST if the
 *					CHILD_SA has no local or no remote selector of family)
 */
void dpc_path_compute(dpc_facts_t *facts, const dpc_ike_rec_t *ike,
					  const dpc_child_rec_t *child, uint8_t family,
					  dpc_path_t *path);


/**
 * Are all of some parts of a path known?
 *
 * @param path		the path
 * @param parts		DPC_PATH_* flags
 * @return			TRUE if every one of them is known
 */
static inline bool dpc_path_has(const dpc_path_t *path, unsigned int parts)
{
	return (path->known & parts) == parts;
}

/**
 * Initialize an empty list of paths.
 *
 * @param paths		the list
 */
void dpc_paths_init(dpc_paths_t *paths);

/**
 * Work out the paths of every CHILD_SA that is up on an IKE_SA that is up
 * (the ones the checks look at), one for each family both its local and
 * its remote selectors hold, replacing what the list held.
 *
 * @param paths		the list
 * @param facts		the facts of the round
 * @param tunnels	the tunnels of the round
 * @return			FALSE if out of memory (the list is empty then)
 */
bool dpc_paths_build(dpc_paths_t *paths, dpc_facts_t *facts,
					 const dpc_tunnels_t *tunnels);

/**
 * Find the path of a CHILD_SA for a family.
 *
 * @param paths		the list
 * @param ike_id	unique id of the IKE_SA
 * @param child_id	unique id of the CHILD_SA
 * @param family	AF_INET or AF_INET6; 0 for its first path (IPv4 if it
 *					has one)
 * @return			the path, NULL if the list has none for it
 */
const dpc_path_t *dpc_paths_find(const dpc_paths_t *paths, uint32_t ike_id,
								 uint32_t child_id, uint8_t family);

/**
 * Free the paths of a list, leaving it empty.
 *
 * @param paths		the list
 */
void dpc_paths_clear(dpc_paths_t *paths);

#endif /** DPC_PATH_H_ @}*/
