/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Captured messages stored as hex (tests/unit/fixtures/<dir>/<name>.hex).
 */

#ifndef FIXTURE_HEX_H_
#define FIXTURE_HEX_H_

#include <stddef.h>
#include <stdint.h>

/**
 * The bytes of one hex file.
 */
typedef struct {
	/** the bytes, to free() */
	uint8_t *buf;
	/** their number */
	size_t len;
} fixture_hex_t;

/**
 * Load tests/unit/fixtures/<dir>/<name>.hex: "#" lines are comments, the
 * rest is hex bytes separated by whitespace (fails the test if unreadable).
 */
fixture_hex_t fixture_hex_load(const char *dir, const char *name);

#endif /* FIXTURE_HEX_H_ */
