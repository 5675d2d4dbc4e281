/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * The texts of an interning table of their own (dpc_intern), with their
 * terminating NUL; the empty text is a constant outside it.
 */

#include "dpc_text.h"
#include "dpc_intern.h"

#include <string.h>

const char dpc_text_empty[] = "";

/** the shared texts */
static dpc_intern_t texts = DPC_INTERN_INIT;

const char *dpc_text_get(const char *text)
{
	if (!text || !text[0])
	{
		return dpc_text_empty;
	}
	return dpc_intern_get(&texts, text, strlen(text) + 1);
}

const char *dpc_text_ref(const char *text)
{
	if (text && text != dpc_text_empty)
	{
		dpc_intern_ref(&texts, text);
	}
	return text;
}

void dpc_text_put(const char *text)
{
	if (text && text != dpc_text_empty)
	{
		dpc_intern_put(&texts, text);
	}
}

bool dpc_text_set(const char **held, const char *text)
{
	const char *shared;

	if (*held && strcmp(*held, text ?: "") == 0)
	{
		return true;
	}
	shared = dpc_text_get(text);
	if (!shared)
	{
		return false;
	}
	dpc_text_put(*held);
	*held = shared;
	return true;
}

size_t dpc_text_count(void)
{
	return dpc_intern_count(&texts);
}
