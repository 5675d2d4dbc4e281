/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_check_family.h"

#include <stddef.h>

/*
 * Described in header
 */
const dpc_check_family_t *const dpc_check_families[] = {
	&dpc_check_family_natt,
	&dpc_check_family_alerts,
	&dpc_check_family_selectors,
	&dpc_check_family_routing,
	&dpc_check_family_policy,
	&dpc_check_family_route_based,
	&dpc_check_family_holes,
	&dpc_check_family_rpfilter,
	&dpc_check_family_overlap,
	&dpc_check_family_traffic,
	&dpc_check_family_rekey,
	&dpc_check_family_xfrm,
	&dpc_check_family_nf_backends,
	&dpc_check_family_nf_ike,
	&dpc_check_family_nf_nat,
	&dpc_check_family_nf_forward,
	&dpc_check_family_nf_pmtu,
	&dpc_check_family_mtu,
	NULL,
};
