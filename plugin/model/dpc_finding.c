/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_finding.h"
#include "dpc_bulk.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *severity_names[] = {
	[DPC_INFO] = "info",
	[DPC_WARNING] = "warning",
	[DPC_ERROR] = "error",
};

const char *dpc_severity_name(dpc_severity_t severity)
{
	if ((unsigned)severity < sizeof(severity_names) / sizeof(severity_names[0]))
	{
		return severity_names[severity];
	}
	return "unknown";
}

bool dpc_severity_parse(const char *name, dpc_severity_t *severity)
{
	size_t i;

	for (i = 0; name && i < sizeof(severity_names) / sizeof(severity_names[0]);
		 i++)
	{
		if (strcmp(name, severity_names[i]) == 0)
		{
			*severity = (dpc_severity_t)i;
			return true;
		}
	}
	return false;
}

/**
 * Bounded string copy that always terminates (and truncates silently).
 */
static void copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

/** most text a finding holds: what the fixed arrays of old could */
#define TEXT_MAX (DPC_MESSAGE_LEN + DPC_HINT_LEN + \
				  DPC_MAX_EVIDENCE * (DPC_EVKEY_LEN + DPC_EVVAL_LEN))

/** first allocation of a finding's text */
#define TEXT_FIRST 256

/** what an unset string points to; never inside a finding's text */
static const char empty[] = "";

/**
 * Number of strings of a finding: message, hint, then key and value of
 * each evidence entry.
 */
static int n_strings(const dpc_finding_t *f)
{
	int n = f->n_evidence;

	return 2 + 2 * (n < 0 ? 0 : n > DPC_MAX_EVIDENCE ? DPC_MAX_EVIDENCE : n);
}

/**
 * The i-th string pointer of a finding.
 */
static const char **string_at(dpc_finding_t *f, int i)
{
	switch (i)
	{
		case 0:
			return &f->message;
		case 1:
			return &f->hint;
		default:
			return (i - 2) % 2 ? &f->evidence[(i - 2) / 2].value
							   : &f->evidence[(i - 2) / 2].key;
	}
}

/**
 * Does a string point into a text?
 */
static bool in_text(const char *p, const char *text, size_t len)
{
	uintptr_t a = (uintptr_t)p, t = (uintptr_t)text;

	return text && a >= t && a < t + len;
}

/**
 * Offsets of the strings in the text, -1 for the others.
 */
static void offsets(dpc_finding_t *f, int off[2 + 2 * DPC_MAX_EVIDENCE])
{
	const char **p;
	int i;

	for (i = 0; i < n_strings(f); i++)
	{
		p = string_at(f, i);
		off[i] = in_text(*p, f->text, f->text_len) ? (int)(*p - f->text)
												   : -1;
	}
}

/**
 * Point the strings that were in the text at their offsets in it (at empty
 * if the finding has no text now); NULL strings (a finding built by hand)
 * become empty, others stay.
 */
static void apply(dpc_finding_t *f, const int off[2 + 2 * DPC_MAX_EVIDENCE])
{
	const char **p;
	int i;

	for (i = 0; i < n_strings(f); i++)
	{
		p = string_at(f, i);
		if (off[i] >= 0)
		{
			*p = f->text ? f->text + off[i] : empty;
		}
		else if (!*p)
		{
			*p = empty;
		}
	}
}

/**
 * Rewrite the text with only the strings in use (a message or hint set
 * again leaves its old one behind).
 */
static void compact(dpc_finding_t *f)
{
	int off[2 + 2 * DPC_MAX_EVIDENCE];
	char buf[TEXT_MAX];
	size_t len, pos = 0;
	int i;

	offsets(f, off);
	for (i = 0; i < n_strings(f); i++)
	{
		if (off[i] >= 0)
		{
			len = strlen(f->text + off[i]) + 1;
			memcpy(buf + pos, f->text + off[i], len);
			off[i] = pos;
			pos += len;
		}
	}
	memcpy(f->text, buf, pos);
	f->text_len = pos;
	apply(f, off);
}

/**
 * Keep a copy of s (cut to max - 1 characters) in the finding's text.
 *
 * @return			the copy, empty if s is empty or the text cannot grow
 */
static const char *keep(dpc_finding_t *f, const char *s, size_t max)
{
	int off[2 + 2 * DPC_MAX_EVIDENCE];
	size_t len = strnlen(s, max - 1), size;
	char *text;

	if (!len)
	{
		return empty;
	}
	if (f->text_len + len + 1 > TEXT_MAX && f->text)
	{
		compact(f);
	}
	if (f->text_len + len + 1 > TEXT_MAX)
	{
		return empty;
	}
	if (f->text_len + len + 1 > f->text_size)
	{
		size = f->text_size ? f->text_size * 2 : TEXT_FIRST;
		while (size < f->text_len + len + 1)
		{
			size *= 2;
		}
		size = size > TEXT_MAX ? TEXT_MAX : size;
		offsets(f, off);
		text = realloc(f->text, size);
		if (!text)
		{
			return empty;
		}
		f->text = text;
		f->text_size = size;
		apply(f, off);
	}
	text = f->text + f->text_len;
	memcpy(text, s, len);
	text[len] = '\0';
	f->text_len += len + 1;
	return text;
}

bool dpc_finding_copy(dpc_finding_t *dst, const dpc_finding_t *src)
{
	int off[2 + 2 * DPC_MAX_EVIDENCE];

	*dst = *src;
	offsets(dst, off);
	dst->text = NULL;
	dst->text_len = dst->text_size = 0;
	if (src->text_len)
	{
		dst->text = malloc(src->text_len);
		if (dst->text)
		{
			memcpy(dst->text, src->text, src->text_len);
			dst->text_len = dst->text_size = src->text_len;
		}
	}
	apply(dst, off);
	return dst->text || !src->text_len;
}

void dpc_finding_free_text(dpc_finding_t *f)
{
	int off[2 + 2 * DPC_MAX_EVIDENCE];

	offsets(f, off);
	free(f->text);
	f->text = NULL;
	f->text_len = f->text_size = 0;
	apply(f, off);
}

void dpc_findings_init(dpc_findings_t *list)
{
	list->items = NULL;
	list->count = 0;
	list->size = 0;
}

void dpc_findings_clear(dpc_findings_t *list)
{
	size_t i;

	for (i = 0; i < list->count; i++)
	{
		free(list->items[i].text);
	}
	dpc_bulk_free(list->items);
	dpc_findings_init(list);
}

dpc_finding_t *dpc_findings_add(dpc_findings_t *list, const char *code,
								dpc_severity_t severity,
								const dpc_subject_t *subject)
{
	dpc_finding_t *grown, *f;
	size_t size;

	if (list->count == list->size)
	{
		size = list->size ? list->size * 2 : 8;
		if (size < list->size || size > SIZE_MAX / sizeof(dpc_finding_t))
		{
			return NULL;
		}
		grown = dpc_bulk_reallocarray(list->items, size,
									  sizeof(dpc_finding_t));
		if (!grown)
		{
			return NULL;
		}
		list->items = grown;
		list->size = size;
	}
	f = &list->items[list->count++];
	memset(f, 0, sizeof(*f));
	f->message = f->hint = empty;
	copy_str(f->code, sizeof(f->code), code);
	f->severity = severity;
	if (subject)
	{
		f->subject = *subject;
		/* the caller's names may be unterminated when they fill the array */
		f->subject.ike_name[DPC_NAME_LEN - 1] = '\0';
		f->subject.child_name[DPC_NAME_LEN - 1] = '\0';
	}
	f->active = true;
	return f;
}

void dpc_finding_message(dpc_finding_t *f, const char *fmt, ...)
{
	char buf[DPC_MESSAGE_LEN];
	va_list args;

	va_start(args, fmt);
	vsnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);
	f->message = empty;
	f->message = keep(f, buf, sizeof(buf));
}

void dpc_finding_hint(dpc_finding_t *f, const char *fmt, ...)
{
	char buf[DPC_HINT_LEN];
	va_list args;

	va_start(args, fmt);
	vsnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);
	f->hint = empty;
	f->hint = keep(f, buf, sizeof(buf));
}

void dpc_finding_evidence(dpc_finding_t *f, const char *key,
						  const char *fmt, ...)
{
	char buf[DPC_EVVAL_LEN];
	dpc_evidence_t *ev;
	va_list args;

	if (f->n_evidence < 0 || f->n_evidence >= DPC_MAX_EVIDENCE)
	{
		return;
	}
	va_start(args, fmt);
	vsnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);
	ev = &f->evidence[f->n_evidence++];
	ev->key = ev->value = empty;
	ev->key = keep(f, key ? key : "", DPC_EVKEY_LEN);
	ev->value = keep(f, buf, sizeof(buf));
}

/**
 * Names only identify a subject where no unique id does (configs, host).
 */
static bool same_subject(const dpc_subject_t *a, const dpc_subject_t *b)
{
	return a->ike_id == b->ike_id && a->child_id == b->child_id &&
		   (a->ike_id || strcmp(a->ike_name, b->ike_name) == 0) &&
		   (a->child_id || strcmp(a->child_name, b->child_name) == 0);
}

bool dpc_finding_same_key(const dpc_finding_t *a, const dpc_finding_t *b)
{
	return strcmp(a->code, b->code) == 0 &&
		   strcmp(a->discrim, b->discrim) == 0 &&
		   same_subject(&a->subject, &b->subject);
}

bool dpc_finding_same_content(const dpc_finding_t *a, const dpc_finding_t *b)
{
	int i;

	if (a->severity != b->severity || a->n_evidence != b->n_evidence ||
		strcmp(a->message, b->message) != 0)
	{
		return false;
	}
	for (i = 0; i < a->n_evidence && i < DPC_MAX_EVIDENCE; i++)
	{
		if (strcmp(a->evidence[i].key, b->evidence[i].key) != 0 ||
			strcmp(a->evidence[i].value, b->evidence[i].value) != 0)
		{
			return false;
		}
	}
	return true;
}

/**
 * A bounded output buffer; it stays NUL-terminated and drops what does not
 * fit.
 */
typedef struct {
	char *buf;
	size_t len;
	size_t pos;
} out_t;

static void out_char(out_t *o, char c)
{
	if (o->pos + 1 < o->len)
	{
		o->buf[o->pos++] = c;
		o->buf[o->pos] = '\0';
	}
	else
	{
		o->pos = o->len;
	}
}

/**
 * Append text; control characters become spaces, a finding is one line.
 */
static void out_str(out_t *o, const char *s)
{
	for (; *s; s++)
	{
		out_char(o, (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
	}
}

static void out_fmt(out_t *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void out_fmt(out_t *o, const char *fmt, ...)
{
	char tmp[64];
	va_list args;

	va_start(args, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, args);
	va_end(args);
	out_str(o, tmp);
}

/**
 * Values with blanks (or nothing, or quotes) are quoted so that the
 * key=value list splits unambiguously.
 */
static void out_value(out_t *o, const char *v)
{
	const char *p;

	if (*v && !strpbrk(v, " \t\""))
	{
		out_str(o, v);
		return;
	}
	out_char(o, '"');
	for (p = v; *p; p++)
	{
		if (*p == '"' || *p == '\\')
		{
			out_char(o, '\\');
			out_char(o, *p);
		}
		else
		{
			out_char(o, (unsigned char)*p < 0x20 || *p == 0x7f ? ' ' : *p);
		}
	}
	out_char(o, '"');
}

static void out_subject(out_t *o, const dpc_subject_t *s)
{
	if (!s->ike_id && !s->ike_name[0])
	{
		out_str(o, "host");
	}
	else
	{
		out_str(o, s->ike_name);
		if (s->ike_id)
		{
			out_fmt(o, "[%u]", s->ike_id);
		}
	}
	if (s->child_name[0] || s->child_id)
	{
		out_char(o, ' ');
		out_str(o, s->child_name);
		if (s->child_id)
		{
			out_fmt(o, "{%u}", s->child_id);
		}
	}
}

char *dpc_subject_to_str(const dpc_subject_t *subject, char *buf, size_t len)
{
	out_t o = { .buf = buf, .len = len };

	if (len)
	{
		buf[0] = '\0';
		out_subject(&o, subject);
	}
	return buf;
}

char *dpc_finding_format(const dpc_finding_t *f, bool resolved, char *buf,
						 size_t len)
{
	out_t o = { .buf = buf, .len = len };
	int i;

	if (!len)
	{
		return buf;
	}
	buf[0] = '\0';
	out_str(&o, resolved ? "resolved" : dpc_severity_name(f->severity));
	out_char(&o, ' ');
	out_str(&o, f->code);
	out_char(&o, ' ');
	out_subject(&o, &f->subject);
	out_str(&o, ": ");
	out_str(&o, f->message);
	if (resolved)
	{
		return buf;
	}
	for (i = 0; i < f->n_evidence && i < DPC_MAX_EVIDENCE; i++)
	{
		out_str(&o, i ? " " : " [");
		out_str(&o, f->evidence[i].key);
		out_char(&o, '=');
		out_value(&o, f->evidence[i].value);
	}
	if (i)
	{
		out_char(&o, ']');
	}
	if (f->hint[0])
	{
		out_str(&o, " fix: ");
		out_str(&o, f->hint);
	}
	return buf;
}
