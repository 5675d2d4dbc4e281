/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Records for the registry's tests.
 */

#ifndef TEST_REGISTRY_H_
#define TEST_REGISTRY_H_

#include "model/dpc_record.h"

/**
 * Fill an IKE_SA record on the stack: up, 192.0.2.2 <-> 198.51.100.2.
 */
void reg_ike(dpc_ike_rec_t *rec, uint32_t id, const char *name);

/**
 * Fill a CHILD_SA record on the stack: up, 10.10.1.0/24 <-> 10.20.1.0/24.
 *
 * @return			FALSE if out of memory (clear it anyway)
 */
bool reg_child(dpc_child_rec_t *rec, uint32_t id, const char *name);

#endif /* TEST_REGISTRY_H_ */
