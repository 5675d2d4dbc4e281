/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "test_registry.h"

#include <stdio.h>

void reg_ike(dpc_ike_rec_t *rec, uint32_t id, const char *name)
{
	dpc_ike_rec_init(rec);
	snprintf(rec->name, sizeof(rec->name), "%s", name);
	rec->unique_id = id;
	rec->state = DPC_STATE_UP;
	rec->version = 2;
	dpc_addr_parse(&rec->local, "192.0.2.2");
	rec->local.port = 4500;
	dpc_addr_parse(&rec->remote, "198.51.100.2");
	rec->remote.port = 4500;
	rec->initial_local = rec->local;
	rec->initial_remote = rec->remote;
	rec->established = 100;
}

bool reg_child(dpc_child_rec_t *rec, uint32_t id, const char *name)
{
	dpc_ts_t ts;

	dpc_child_rec_init(rec);
	if (!dpc_child_rec_set_name(rec, name))
	{
		return false;
	}
	rec->unique_id = id;
	rec->state = DPC_STATE_UP;
	rec->installed = 100;
	return dpc_ts_parse(&ts, "10.10.1.0/24") &&
		   dpc_ts_list_add(&rec->local, &ts) &&
		   dpc_ts_list_add(&rec->cfg_local, &ts) &&
		   dpc_ts_parse(&ts, "10.20.1.0/24") &&
		   dpc_ts_list_add(&rec->remote, &ts) &&
		   dpc_ts_list_add(&rec->cfg_remote, &ts);
}
