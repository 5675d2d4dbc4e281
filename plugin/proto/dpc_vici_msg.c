/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_vici_msg.h"
#include "model/dpc_bulk.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/socket.h>

/* ------------------------------------------------------------------------
 * builder
 */

void dpc_vici_builder_init(dpc_vici_builder_t *b)
{
	memset(b, 0, sizeof(*b));
	b->limit = DPC_VICI_MAX_MESSAGE;
}

void dpc_vici_builder_clear(dpc_vici_builder_t *b)
{
	size_t limit = b->limit;

	dpc_bulk_free(b->buf);
	dpc_vici_builder_init(b);
	b->limit = limit;
}

/**
 * Make room for n more bytes, fail the builder if over its limit.
 */
static bool reserve(dpc_vici_builder_t *b, size_t n)
{
	size_t size;
	uint8_t *buf;

	if (b->failed)
	{
		return false;
	}
	if (n > b->limit || b->len > b->limit - n)
	{
		b->failed = true;
		return false;
	}
	if (b->len + n <= b->size)
	{
		return true;
	}
	size = b->size ? b->size : 256;
	while (size < b->len + n)
	{
		size *= 2;
	}
	buf = dpc_bulk_realloc(b->buf, size);
	if (!buf)
	{
		b->failed = true;
		return false;
	}
	b->buf = buf;
	b->size = size;
	return true;
}

/**
 * Append an element: type, optional name (NULL: none), optional value.
 */
static void put(dpc_vici_builder_t *b, dpc_vici_element_t type,
				const char *name, const void *value, size_t vlen,
				bool has_value)
{
	size_t nlen = 0, n = 1;

	if (b->failed)
	{
		return;
	}
	if (name)
	{
		nlen = strlen(name);
		if (nlen == 0 || nlen > DPC_VICI_MAX_NAME)
		{
			b->failed = true;
			return;
		}
		n += 1 + nlen;
	}
	if (has_value)
	{
		if (vlen > DPC_VICI_MAX_VALUE)
		{
			b->failed = true;
			return;
		}
		n += 2 + vlen;
	}
	if (!reserve(b, n))
	{
		return;
	}
	b->buf[b->len++] = type;
	if (name)
	{
		b->buf[b->len++] = nlen;
		memcpy(b->buf + b->len, name, nlen);
		b->len += nlen;
	}
	if (has_value)
	{
		b->buf[b->len++] = vlen >> 8;
		b->buf[b->len++] = vlen & 0xff;
		if (vlen)
		{
			memcpy(b->buf + b->len, value, vlen);
		}
		b->len += vlen;
	}
}

/**
 * Fail the builder unless cond holds.
 */
static bool expect(dpc_vici_builder_t *b, bool cond)
{
	if (!cond)
	{
		b->failed = true;
	}
	return !b->failed;
}

void dpc_vici_begin_section(dpc_vici_builder_t *b, const char *name)
{
	if (expect(b, !b->in_list && b->depth < DPC_VICI_MAX_DEPTH))
	{
		put(b, DPC_VICI_SECTION_START, name, NULL, 0, false);
		b->depth++;
	}
}

void dpc_vici_end_section(dpc_vici_builder_t *b)
{
	if (expect(b, !b->in_list && b->depth > 0))
	{
		put(b, DPC_VICI_SECTION_END, NULL, NULL, 0, false);
		b->depth--;
	}
}

void dpc_vici_add_kv(dpc_vici_builder_t *b, const char *key,
					 const void *value, size_t len)
{
	if (expect(b, !b->in_list))
	{
		put(b, DPC_VICI_KEY_VALUE, key, value, len, true);
	}
}

void dpc_vici_add_kv_str(dpc_vici_builder_t *b, const char *key,
						 const char *value)
{
	value = value ? value : "";
	dpc_vici_add_kv(b, key, value, strlen(value));
}

/**
 * Format into a heap string (bounded by the largest value).
 */
static char *vformat(const char *fmt, va_list args, size_t *len)
{
	va_list copy;
	char *str;
	int n;

	va_copy(copy, args);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0 || n > DPC_VICI_MAX_VALUE)
	{
		return NULL;
	}
	str = malloc(n + 1);
	if (str)
	{
		vsnprintf(str, n + 1, fmt, args);
		*len = n;
	}
	return str;
}

void dpc_vici_add_kvf(dpc_vici_builder_t *b, const char *key,
					  const char *fmt, ...)
{
	va_list args;
	size_t len = 0;
	char *str;

	if (b->failed)
	{
		return;
	}
	va_start(args, fmt);
	str = vformat(fmt, args, &len);
	va_end(args);
	if (expect(b, str != NULL))
	{
		dpc_vici_add_kv(b, key, str, len);
	}
	free(str);
}

void dpc_vici_begin_list(dpc_vici_builder_t *b, const char *name)
{
	if (expect(b, !b->in_list))
	{
		put(b, DPC_VICI_LIST_START, name, NULL, 0, false);
		b->in_list = true;
	}
}

void dpc_vici_add_item(dpc_vici_builder_t *b, const void *value, size_t len)
{
	if (expect(b, b->in_list))
	{
		put(b, DPC_VICI_LIST_ITEM, NULL, value, len, true);
	}
}

void dpc_vici_add_itemf(dpc_vici_builder_t *b, const char *fmt, ...)
{
	va_list args;
	size_t len = 0;
	char *str;

	if (b->failed)
	{
		return;
	}
	va_start(args, fmt);
	str = vformat(fmt, args, &len);
	va_end(args);
	if (expect(b, str != NULL))
	{
		dpc_vici_add_item(b, str, len);
	}
	free(str);
}

void dpc_vici_end_list(dpc_vici_builder_t *b)
{
	if (expect(b, b->in_list))
	{
		put(b, DPC_VICI_LIST_END, NULL, NULL, 0, false);
		b->in_list = false;
	}
}

void dpc_vici_builder_mark(dpc_vici_builder_t *b, dpc_vici_mark_t *mark)
{
	mark->len = b->len;
	mark->depth = b->depth;
	mark->in_list = b->in_list;
	mark->failed = b->failed;
}

void dpc_vici_builder_rollback(dpc_vici_builder_t *b,
							   const dpc_vici_mark_t *mark)
{
	if (mark->len <= b->len)
	{
		b->len = mark->len;
		b->depth = mark->depth;
		b->in_list = mark->in_list;
		b->failed = mark->failed;
	}
}

void dpc_vici_msg_free(void *msg)
{
	dpc_bulk_free(msg);
}

bool dpc_vici_builder_finish(dpc_vici_builder_t *b, uint8_t **msg,
							 size_t *len)
{
	if (b->failed || b->depth || b->in_list ||
		(!b->buf && !reserve(b, 1)))
	{
		dpc_vici_builder_clear(b);
		return false;
	}
	*msg = b->buf;
	*len = b->len;
	b->buf = NULL;
	dpc_vici_builder_clear(b);
	return true;
}

/* ------------------------------------------------------------------------
 * parser
 */

/**
 * Reading position in a message.
 */
typedef struct {
	const uint8_t *pos;
	const uint8_t *end;
	const char *err;
} reader_t;

static bool fail(reader_t *r, const char *err)
{
	if (!r->err)
	{
		r->err = err;
	}
	return false;
}

/**
 * Read a name: 1-byte length, non-empty, no NUL bytes.
 */
static bool read_name(reader_t *r, const uint8_t **name, size_t *len)
{
	if (r->pos >= r->end)
	{
		return fail(r, "truncated name length");
	}
	*len = *r->pos++;
	if (*len == 0)
	{
		return fail(r, "empty name");
	}
	if ((size_t)(r->end - r->pos) < *len)
	{
		return fail(r, "truncated name");
	}
	if (memchr(r->pos, 0, *len))
	{
		return fail(r, "NUL byte in name");
	}
	*name = r->pos;
	r->pos += *len;
	return true;
}

/**
 * Read a value: 2-byte big-endian length and the bytes.
 */
static bool read_value(reader_t *r, const uint8_t **value, size_t *len)
{
	if (r->end - r->pos < 2)
	{
		return fail(r, "truncated value length");
	}
	*len = (r->pos[0] << 8) | r->pos[1];
	r->pos += 2;
	if ((size_t)(r->end - r->pos) < *len)
	{
		return fail(r, "truncated value");
	}
	*value = r->pos;
	r->pos += *len;
	return true;
}

/**
 * Allocate a node with copies of name and value in one block.
 */
static dpc_vici_node_t *node_create(dpc_vici_node_type_t type,
									const uint8_t *name, size_t nlen,
									const uint8_t *value, size_t vlen)
{
	dpc_vici_node_t *node;
	char *pos;

	node = calloc(1, sizeof(*node) + nlen + 1 + (value ? vlen + 1 : 0));
	if (!node)
	{
		return NULL;
	}
	node->type = type;
	pos = (char*)(node + 1);
	if (nlen)
	{
		memcpy(pos, name, nlen);
	}
	node->name = pos;
	pos += nlen + 1;
	if (value)
	{
		if (vlen)
		{
			memcpy(pos, value, vlen);
		}
		node->value = pos;
		node->len = vlen;
	}
	return node;
}

static void node_append(dpc_vici_node_t *parent, dpc_vici_node_t *child)
{
	if (parent->last)
	{
		parent->last->next = child;
	}
	else
	{
		parent->first = child;
	}
	parent->last = child;
	parent->count++;
}

void dpc_vici_node_free(dpc_vici_node_t *root)
{
	dpc_vici_node_t *stack[DPC_VICI_MAX_DEPTH + 2], *node, *next;
	int depth = 0;

	/* iterative: children lists are freed level by level, bounded by the
	 * nesting limit enforced when parsing */
	if (!root)
	{
		return;
	}
	stack[depth++] = root;
	while (depth)
	{
		node = stack[depth - 1];
		if (node->first)
		{
			next = node->first;
			node->first = next->next;
			next->next = NULL;
			if (depth < (int)(sizeof(stack) / sizeof(stack[0])))
			{
				stack[depth++] = next;
			}
			else
			{	/* cannot happen for parsed trees */
				free(next);
			}
			continue;
		}
		free(node);
		depth--;
	}
}

/**
 * State of a parse: the reader, the open sections and the open list.
 */
typedef struct {
	/** the message */
	reader_t r;
	/** open sections, the root first */
	dpc_vici_node_t *stack[DPC_VICI_MAX_DEPTH + 2];
	/** index of the innermost open section */
	int depth;
	/** the open list, NULL if none */
	dpc_vici_node_t *list;
} parser_t;

/**
 * Append a parsed section, key/value or list to the innermost section and
 * open it if it is a section or list.
 */
static void add_node(parser_t *p, dpc_vici_node_t *node)
{
	if (p->r.err)
	{
		return;
	}
	if (!node)
	{
		fail(&p->r, "out of memory");
		return;
	}
	node_append(p->stack[p->depth], node);
	if (node->type == DPC_VICI_NODE_SECTION)
	{
		p->stack[++p->depth] = node;
	}
	else if (node->type == DPC_VICI_NODE_LIST)
	{
		p->list = node;
	}
}

/**
 * Parse a list item into the open list.
 */
static void parse_item(parser_t *p)
{
	const uint8_t *value = NULL;
	dpc_vici_node_t *node;
	size_t vlen = 0;

	if (!p->list)
	{
		fail(&p->r, "list item outside a list");
		return;
	}
	if (!read_value(&p->r, &value, &vlen))
	{
		return;
	}
	node = node_create(DPC_VICI_NODE_ITEM, NULL, 0, value, vlen);
	if (!node)
	{
		fail(&p->r, "out of memory");
		return;
	}
	node_append(p->list, node);
}

/**
 * Parse one element of the given type; sets p->r.err on failure.
 */
static void parse_element(parser_t *p, uint8_t type)
{
	const uint8_t *name = NULL, *value = NULL;
	size_t nlen = 0, vlen = 0;
	dpc_vici_node_t *node = NULL;

	if (p->list && type != DPC_VICI_LIST_ITEM && type != DPC_VICI_LIST_END)
	{
		fail(&p->r, "element other than item inside a list");
		return;
	}
	switch (type)
	{
		case DPC_VICI_SECTION_START:
			if (p->depth >= DPC_VICI_MAX_DEPTH)
			{
				fail(&p->r, "sections nested too deep");
				return;
			}
			if (read_name(&p->r, &name, &nlen))
			{
				node = node_create(DPC_VICI_NODE_SECTION, name, nlen, NULL, 0);
			}
			break;
		case DPC_VICI_SECTION_END:
			if (p->depth == 0)
			{
				fail(&p->r, "section end without section");
				return;
			}
			p->depth--;
			return;
		case DPC_VICI_KEY_VALUE:
			if (read_name(&p->r, &name, &nlen) &&
				read_value(&p->r, &value, &vlen))
			{
				node = node_create(DPC_VICI_NODE_KV, name, nlen, value, vlen);
			}
			break;
		case DPC_VICI_LIST_START:
			if (read_name(&p->r, &name, &nlen))
			{
				node = node_create(DPC_VICI_NODE_LIST, name, nlen, NULL, 0);
			}
			break;
		case DPC_VICI_LIST_ITEM:
			parse_item(p);
			return;
		case DPC_VICI_LIST_END:
			if (!p->list)
			{
				fail(&p->r, "list end without list");
				return;
			}
			p->list = NULL;
			return;
		default:
			fail(&p->r, "unknown element type");
			return;
	}
	add_node(p, node);
}

/**
 * Report why a message was refused and free what was parsed of it.
 */
static dpc_vici_node_t *refuse(const char **err, const char *why,
							   dpc_vici_node_t *root)
{
	if (err)
	{
		*err = why;
	}
	dpc_vici_node_free(root);
	return NULL;
}

dpc_vici_node_t *dpc_vici_parse(const uint8_t *msg, size_t len,
								const char **err)
{
	parser_t p = {
		.r = {
			.pos = msg,
			.end = msg + len,
		},
	};

	if (len > DPC_VICI_MAX_PACKET)
	{
		return refuse(err, "message too large", NULL);
	}
	p.stack[0] = node_create(DPC_VICI_NODE_SECTION, NULL, 0, NULL, 0);
	if (!p.stack[0])
	{
		return refuse(err, "out of memory", NULL);
	}
	while (p.r.pos < p.r.end && !p.r.err)
	{
		parse_element(&p, *p.r.pos++);
	}
	if (!p.r.err && p.list)
	{
		fail(&p.r, "unterminated list");
	}
	if (!p.r.err && p.depth)
	{
		fail(&p.r, "unterminated section");
	}
	if (p.r.err)
	{
		return refuse(err, p.r.err, p.stack[0]);
	}
	return p.stack[0];
}

const dpc_vici_node_t *dpc_vici_get(const dpc_vici_node_t *section,
									const char *name)
{
	const dpc_vici_node_t *node;

	if (!section || section->type != DPC_VICI_NODE_SECTION)
	{
		return NULL;
	}
	for (node = section->first; node; node = node->next)
	{
		if (strcmp(node->name, name) == 0)
		{
			return node;
		}
	}
	return NULL;
}

const dpc_vici_node_t *dpc_vici_find(const dpc_vici_node_t *section,
									 const char *path)
{
	char name[DPC_VICI_MAX_NAME + 1];
	const char *dot;
	size_t len;

	while (section && *path)
	{
		dot = strchr(path, '.');
		len = dot ? (size_t)(dot - path) : strlen(path);
		if (len == 0 || len > DPC_VICI_MAX_NAME)
		{
			return NULL;
		}
		memcpy(name, path, len);
		name[len] = '\0';
		section = dpc_vici_get(section, name);
		path += len + (dot ? 1 : 0);
	}
	return section;
}

const char *dpc_vici_find_str(const dpc_vici_node_t *section,
							  const char *path, const char *def)
{
	const dpc_vici_node_t *node = dpc_vici_find(section, path);

	if (node && node->type == DPC_VICI_NODE_KV)
	{
		return node->value;
	}
	return def;
}

bool dpc_vici_is_array(const dpc_vici_node_t *section)
{
	const dpc_vici_node_t *node;
	char idx[24];
	size_t i = 0;

	if (!section || section->type != DPC_VICI_NODE_SECTION || !section->first)
	{
		return false;
	}
	for (node = section->first; node; node = node->next, i++)
	{
		snprintf(idx, sizeof(idx), "%zu", i);
		if (node->type != DPC_VICI_NODE_SECTION || strcmp(node->name, idx))
		{
			return false;
		}
	}
	return true;
}

/* ------------------------------------------------------------------------
 * packets
 */

const char *dpc_vici_packet_type_name(int type)
{
	static const char *names[] = {
		"CMD_REQUEST", "CMD_RESPONSE", "CMD_UNKNOWN", "EVENT_REGISTER",
		"EVENT_UNREGISTER", "EVENT_CONFIRM", "EVENT_UNKNOWN", "EVENT",
	};

	if (type < 0 || type >= (int)(sizeof(names) / sizeof(names[0])))
	{
		return "unknown";
	}
	return names[type];
}

bool dpc_vici_packet_has_name(int type)
{
	switch (type)
	{
		case DPC_VICI_CMD_REQUEST:
		case DPC_VICI_EVENT_REGISTER:
		case DPC_VICI_EVENT_UNREGISTER:
		case DPC_VICI_EVENT:
			return true;
		default:
			return false;
	}
}

bool dpc_vici_packet_has_message(int type)
{
	switch (type)
	{
		case DPC_VICI_CMD_REQUEST:
		case DPC_VICI_CMD_RESPONSE:
		case DPC_VICI_EVENT:
			return true;
		default:
			return false;
	}
}

uint32_t dpc_vici_get_len(const uint8_t hdr[4])
{
	return ((uint32_t)hdr[0] << 24) | ((uint32_t)hdr[1] << 16) |
		   ((uint32_t)hdr[2] << 8) | hdr[3];
}

void dpc_vici_put_len(uint8_t hdr[4], uint32_t len)
{
	hdr[0] = len >> 24;
	hdr[1] = len >> 16;
	hdr[2] = len >> 8;
	hdr[3] = len;
}

uint8_t *dpc_vici_packet_build(dpc_vici_packet_type_t type, const char *name,
							   const uint8_t *msg, size_t len,
							   size_t *out_len)
{
	size_t nlen = 0, total;
	uint8_t *pkt, *pos;

	if ((int)type < DPC_VICI_CMD_REQUEST || type > DPC_VICI_EVENT)
	{
		return NULL;
	}
	if (dpc_vici_packet_has_name(type))
	{
		nlen = name ? strlen(name) : 0;
		if (nlen == 0 || nlen > DPC_VICI_MAX_NAME)
		{
			return NULL;
		}
	}
	if (!dpc_vici_packet_has_message(type))
	{
		len = 0;
	}
	if (len > DPC_VICI_MAX_PACKET)
	{
		return NULL;
	}
	total = 1 + (nlen ? 1 + nlen : 0) + len;
	if (total > DPC_VICI_MAX_PACKET)
	{
		return NULL;
	}
	pkt = dpc_bulk_alloc(4 + total);
	if (!pkt)
	{
		return NULL;
	}
	dpc_vici_put_len(pkt, total);
	pos = pkt + 4;
	*pos++ = type;
	if (nlen)
	{
		*pos++ = nlen;
		memcpy(pos, name, nlen);
		pos += nlen;
	}
	if (len)
	{
		memcpy(pos, msg, len);
	}
	*out_len = 4 + total;
	return pkt;
}

bool dpc_vici_packet_parse(const uint8_t *data, size_t len,
						   dpc_vici_packet_t *pkt, const char **err)
{
	reader_t r = {
		.pos = data,
		.end = data + len,
	};
	const uint8_t *name;
	size_t nlen;

	memset(pkt, 0, sizeof(*pkt));
	if (len > DPC_VICI_MAX_PACKET)
	{
		fail(&r, "packet too large");
	}
	else if (len < 1)
	{
		fail(&r, "empty packet");
	}
	else if (*r.pos > DPC_VICI_EVENT)
	{
		fail(&r, "unknown packet type");
	}
	else
	{
		pkt->type = *r.pos++;
		if (dpc_vici_packet_has_name(pkt->type) &&
			read_name(&r, &name, &nlen))
		{
			memcpy(pkt->name, name, nlen);
			pkt->name[nlen] = '\0';
		}
		if (!r.err && !dpc_vici_packet_has_message(pkt->type) &&
			r.pos != r.end)
		{
			fail(&r, "unexpected data after packet");
		}
		pkt->msg = r.pos;
		pkt->len = r.end - r.pos;
	}
	if (r.err && err)
	{
		*err = r.err;
	}
	return !r.err;
}

/*
 * Described in header
 */
bool dpc_vici_packet_send(int fd, dpc_vici_packet_type_t type,
						  const char *name, const uint8_t *msg, size_t len)
{
	uint8_t *pkt;
	size_t total, done = 0;
	ssize_t n;

	pkt = dpc_vici_packet_build(type, name, msg, len, &total);
	if (!pkt)
	{
		errno = EMSGSIZE;
		return false;
	}
	while (done < total)
	{
		n = send(fd, pkt + done, total - done, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
		{
			continue;
		}
		if (n <= 0)
		{
			if (n == 0)
			{
				errno = EPIPE;
			}
			break;
		}
		done += n;
	}
	dpc_bulk_free(pkt);
	return done == total;
}
