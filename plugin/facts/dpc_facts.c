/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_facts.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/**
 * Text being built in a fixed buffer, silently truncated when full.
 */
typedef struct {
	/** the buffer */
	char *buf;
	/** its size */
	size_t size;
	/** bytes written so far (excluding the NUL) */
	size_t len;
} text_t;

/**
 * Append formatted text.
 */
static void add(text_t *t, const char *fmt, ...)
{
	va_list args;
	int written;

	if (t->len + 1 >= t->size)
	{
		return;
	}
	va_start(args, fmt);
	written = vsnprintf(t->buf + t->len, t->size - t->len, fmt, args);
	va_end(args);
	if (written < 0)
	{
		t->buf[t->len] = '\0';
		return;
	}
	t->len += written;
	if (t->len >= t->size)
	{
		t->len = t->size - 1;
	}
}

/**
 * Append " <label> <address>" if the address is set.
 */
static void add_addr(text_t *t, const char *label, const dpc_addr_t *addr)
{
	char buf[DPC_ADDR_STRLEN];

	if (addr->family)
	{
		add(t, "%s%s%s", label, label[0] ? " " : "",
			dpc_addr_to_str(addr, buf, sizeof(buf)));
	}
}

/**
 * Route types other than unicast the way iproute2 names them.
 */
static const char *type_name(dpc_rt_type_t type)
{
	switch ((int)type)
	{
		case DPC_RT_LOCAL:
			return "local";
		case DPC_RT_BROADCAST:
			return "broadcast";
		case 4:
			return "anycast";
		case 5:
			return "multicast";
		case DPC_RT_BLACKHOLE:
			return "blackhole";
		case DPC_RT_UNREACHABLE:
			return "unreachable";
		case DPC_RT_PROHIBIT:
			return "prohibit";
		case DPC_RT_THROW:
			return "throw";
		case 10:
			return "nat";
		default:
			return NULL;
	}
}

/**
 * Routes that reject the packet instead of sending it somewhere.
 */
static bool is_reject(dpc_rt_type_t type)
{
	return type == DPC_RT_BLACKHOLE || type == DPC_RT_UNREACHABLE ||
		   type == DPC_RT_PROHIBIT || type == DPC_RT_THROW;
}

/**
 * Append the table the way iproute2 names the reserved ones.
 */
static void add_table(text_t *t, uint32_t table)
{
	switch (table)
	{
		case 0:
			add(t, " table unspec");
			break;
		case 253:
			add(t, " table default");
			break;
		case 254:
			add(t, " table main");
			break;
		case 255:
			add(t, " table local");
			break;
		default:
			add(t, " table %u", table);
			break;
	}
}

void dpc_route_format(const dpc_route_query_t *q, dpc_route_t *route)
{
	text_t t = { .buf = route->text, .size = sizeof(route->text) };
	const char *name;

	route->text[0] = '\0';
	if (!route->error)
	{
		name = type_name(route->type);
		if (name)
		{
			add(&t, "%s ", name);
		}
		else if (route->type != DPC_RT_UNICAST)
		{
			add(&t, "%d ", (int)route->type);
		}
	}
	add_addr(&t, "", &q->dst);
	add_addr(&t, " from", &q->src);
	if (route->error)
	{
		if (q->iif[0])
		{
			add(&t, " iif %.*s", IF_NAMESIZE, q->iif);
		}
		if (q->mark)
		{
			add(&t, " mark 0x%x", q->mark);
		}
		/* glibc's texts for known errno values are constant strings */
		add(&t, ": %s", strerror(route->error));
		return;
	}
	add_addr(&t, " via", &route->gateway);
	if (route->oif[0] && !is_reject(route->type))
	{
		add(&t, " dev %.*s", IF_NAMESIZE, route->oif);
	}
	add_table(&t, route->table);
	add_addr(&t, " src", &route->prefsrc);
	if (q->mark)
	{
		add(&t, " mark 0x%x", q->mark);
	}
	if (q->iif[0])
	{
		add(&t, " iif %.*s", IF_NAMESIZE, q->iif);
	}
}
