/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "fixture_hex.h"
#include "dpc_tests.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

fixture_hex_t fixture_hex_load(const char *dir, const char *name)
{
	fixture_hex_t f = {};
	char path[512];
	size_t size = 0;
	int c, hi = -1;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s/%s.hex", FIXTURES, dir, name);
	fp = fopen(path, "r");
	ck_assert_msg(fp, "cannot open %s: %s", path, strerror(errno));
	while ((c = fgetc(fp)) != EOF)
	{
		if (c == '#')
		{
			while ((c = fgetc(fp)) != EOF && c != '\n')
			{
				/* skip comment */
			}
			continue;
		}
		if (isspace(c))
		{
			continue;
		}
		ck_assert_msg(isxdigit(c), "%s: bad character '%c'", path, c);
		c = isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
		if (hi < 0)
		{
			hi = c;
			continue;
		}
		if (f.len == size)
		{
			size = size ? size * 2 : 256;
			f.buf = realloc(f.buf, size);
			ck_assert(f.buf);
		}
		f.buf[f.len++] = hi << 4 | c;
		hi = -1;
	}
	fclose(fp);
	ck_assert_msg(hi < 0 && f.len, "%s: odd or no hex digits", path);
	return f;
}
