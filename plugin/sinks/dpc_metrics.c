/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#define _GNU_SOURCE
#include "dpc_metrics.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/** prefix of every metric name */
#define PREFIX "dataplane_check_"

/** random hex digits in the name of the temporary file */
#define TMP_RANDOM 16

/** names tried before giving up (only ever collides with planted files) */
#define TMP_TRIES 16

/** what an invalid UTF-8 byte in a label value becomes (U+FFFD) */
#define REPLACEMENT "\xef\xbf\xbd"

/**
 * A growing text buffer; once an allocation failed, everything is dropped.
 */
typedef struct {
	/** the text, NUL-terminated */
	char *buf;
	/** length of the text */
	size_t len;
	/** allocated */
	size_t size;
	/** an allocation failed */
	bool failed;
} out_t;

/**
 * Make room for n more bytes and the NUL.
 */
static bool out_reserve(out_t *o, size_t n)
{
	size_t size;
	char *buf;

	if (o->failed)
	{
		return false;
	}
	if (o->len + n < o->size)
	{
		return true;
	}
	size = o->size ? o->size : 1024;
	while (o->len + n >= size)
	{
		size *= 2;
	}
	buf = realloc(o->buf, size);
	if (!buf)
	{
		o->failed = true;
		return false;
	}
	o->buf = buf;
	o->size = size;
	return true;
}

/**
 * Append n bytes.
 */
static void out_mem(out_t *o, const char *data, size_t n)
{
	if (out_reserve(o, n))
	{
		memcpy(o->buf + o->len, data, n);
		o->len += n;
		o->buf[o->len] = '\0';
	}
}

/**
 * Append a string.
 */
static void out_str(out_t *o, const char *str)
{
	out_mem(o, str, strlen(str));
}

/**
 * Append printf() output.
 */
static void __attribute__((format(printf, 2, 3)))
out_printf(out_t *o, const char *fmt, ...)
{
	va_list args;
	int n;

	va_start(args, fmt);
	n = vsnprintf(NULL, 0, fmt, args);
	va_end(args);
	if (n < 0 || !out_reserve(o, (size_t)n))
	{
		o->failed = true;
		return;
	}
	va_start(args, fmt);
	vsnprintf(o->buf + o->len, (size_t)n + 1, fmt, args);
	va_end(args);
	o->len += (size_t)n;
}

/**
 * Length of the valid UTF-8 sequence at p (at most n bytes), 0 if invalid.
 */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (p[0] < 0x80)
	{
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
	{
		len = 2;
	}
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
	{
		len = 3;
		if (p[0] == 0xe0)
		{	/* no overlong forms */
			lo = 0xa0;
		}
		else if (p[0] == 0xed)
		{	/* no surrogates */
			hi = 0x9f;
		}
	}
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
	{
		len = 4;
		if (p[0] == 0xf0)
		{
			lo = 0x90;
		}
		else if (p[0] == 0xf4)
		{	/* nothing above U+10FFFF */
			hi = 0x8f;
		}
	}
	else
	{
		return 0;
	}
	if (len > n || p[1] < lo || p[1] > hi)
	{
		return 0;
	}
	for (i = 2; i < len; i++)
	{
		if (p[i] < 0x80 || p[i] > 0xbf)
		{
			return 0;
		}
	}
	return len;
}

/**
 * Append a label, name="value", preceded by a comma unless first. The value
 * (at most max bytes) is escaped as the exposition format wants it, bytes
 * that are not valid UTF-8 are replaced.
 */
static void out_label(out_t *o, bool first, const char *name,
					  const char *value, size_t max)
{
	const unsigned char *p = (const unsigned char*)value;
	size_t n = strnlen(value, max), len;

	out_str(o, first ? "" : ",");
	out_str(o, name);
	out_str(o, "=\"");
	while (n)
	{
		switch (*p)
		{
			case '\\':
				out_str(o, "\\\\");
				len = 1;
				break;
			case '"':
				out_str(o, "\\\"");
				len = 1;
				break;
			case '\n':
				out_str(o, "\\n");
				len = 1;
				break;
			default:
				len = utf8_len(p, n);
				if (len)
				{
					out_mem(o, (const char*)p, len);
				}
				else
				{
					out_str(o, REPLACEMENT);
					len = 1;
				}
				break;
		}
		p += len;
		n -= len;
	}
	out_str(o, "\"");
}

/**
 * Append a label with a numeric value, empty if 0 (none).
 */
static void out_label_id(out_t *o, const char *name, uint32_t id)
{
	char buf[16] = "";

	if (id)
	{
		snprintf(buf, sizeof(buf), "%u", id);
	}
	out_label(o, false, name, buf, sizeof(buf));
}

/**
 * Append the HELP and TYPE lines of a family.
 */
static void out_family(out_t *o, const char *name, const char *type,
					   const char *help)
{
	out_printf(o, "# HELP " PREFIX "%s %s\n# TYPE " PREFIX "%s %s\n",
			   name, help, name, type);
}

/**
 * Active findings per severity, every severity listed.
 */
static void render_severities(out_t *o, const dpc_findings_t *findings)
{
	size_t counts[DPC_ERROR + 1] = {}, i;
	dpc_severity_t sev;

	for (i = 0; i < findings->count; i++)
	{
		sev = findings->items[i].severity;
		if ((unsigned)sev <= DPC_ERROR)
		{
			counts[sev]++;
		}
	}
	out_family(o, "findings", "gauge", "Active findings by severity.");
	for (sev = DPC_INFO; sev <= DPC_ERROR; sev++)
	{
		out_str(o, PREFIX "findings{");
		out_label(o, true, "severity", dpc_severity_name(sev), DPC_NAME_LEN);
		out_printf(o, "} %zu\n", counts[sev]);
	}
}

/**
 * One series per active finding.
 */
static void render_findings(out_t *o, const dpc_findings_t *findings)
{
	const dpc_finding_t *f;
	size_t i;

	out_family(o, "finding", "gauge",
			   "An active finding, labeled with its code and subject.");
	for (i = 0; i < findings->count; i++)
	{
		f = &findings->items[i];
		out_str(o, PREFIX "finding{");
		out_label(o, true, "code", f->code, sizeof(f->code));
		out_label(o, false, "severity", dpc_severity_name(f->severity),
				  DPC_NAME_LEN);
		out_label(o, false, "ike", f->subject.ike_name,
				  sizeof(f->subject.ike_name));
		out_label_id(o, "ike_id", f->subject.ike_id);
		out_label(o, false, "child", f->subject.child_name,
				  sizeof(f->subject.child_name));
		out_label_id(o, "child_id", f->subject.child_id);
		out_label(o, false, "discriminator", f->discrim, sizeof(f->discrim));
		out_str(o, "} 1\n");
	}
}

/**
 * Number of IKE_SAs and CHILD_SAs that are up.
 */
static void render_sas(out_t *o, const dpc_tunnels_t *tunnels)
{
	size_t ikes = 0, children = 0;
	int i, j;

	for (i = 0; i < tunnels->count; i++)
	{
		if (tunnels->ikes[i]->state == DPC_STATE_UP)
		{
			ikes++;
		}
		for (j = 0; j < tunnels->ikes[i]->n_children; j++)
		{
			if (tunnels->ikes[i]->children[j]->state == DPC_STATE_UP)
			{
				children++;
			}
		}
	}
	out_family(o, "ike_sas", "gauge", "IKE_SAs that are up.");
	out_printf(o, PREFIX "ike_sas %zu\n", ikes);
	out_family(o, "child_sas", "gauge", "CHILD_SAs that are up.");
	out_printf(o, PREFIX "child_sas %zu\n", children);
}

/**
 * Append the labels of a CHILD_SA counter, with "{" and "}".
 */
static void out_child_labels(out_t *o, const dpc_ike_rec_t *ike,
							 const dpc_child_rec_t *child, const char *dir)
{
	out_str(o, "{");
	out_label(o, true, "ike", ike->name, sizeof(ike->name));
	out_label_id(o, "ike_id", ike->unique_id);
	out_label(o, false, "child", child->name, DPC_NAME_LEN);
	out_label_id(o, "child_id", child->unique_id);
	out_label(o, false, "direction", dir, DPC_NAME_LEN);
	out_str(o, "}");
}

/**
 * The latest packet or byte counters of every CHILD_SA that is up.
 */
static void render_counters(out_t *o, const dpc_tunnels_t *tunnels,
							bool bytes)
{
	const dpc_ike_rec_t *ike;
	const dpc_child_rec_t *child;
	dpc_sample_t s;
	const char *name = bytes ? "child_bytes_total" : "child_packets_total";
	int i, j;

	out_family(o, name, "counter", bytes ?
			   "Bytes through a CHILD_SA, at the last sample." :
			   "Packets through a CHILD_SA, at the last sample.");
	for (i = 0; i < tunnels->count; i++)
	{
		ike = tunnels->ikes[i];
		for (j = 0; j < ike->n_children; j++)
		{
			child = ike->children[j];
			if (child->state != DPC_STATE_UP || child->n_samples <= 0 ||
				child->n_samples > DPC_MAX_SAMPLES)
			{
				continue;
			}
			s = dpc_child_rec_last(child);
			out_str(o, PREFIX);
			out_str(o, name);
			out_child_labels(o, ike, child, "in");
			out_printf(o, " %" PRIu64 "\n", bytes ? s.bytes_in :
					   s.packets_in);
			out_str(o, PREFIX);
			out_str(o, name);
			out_child_labels(o, ike, child, "out");
			out_printf(o, " %" PRIu64 "\n", bytes ? s.bytes_out :
					   s.packets_out);
		}
	}
}

char *dpc_metrics_render(const dpc_findings_t *findings,
						 const dpc_tunnels_t *tunnels,
						 const dpc_metrics_round_t *round, size_t *len)
{
	static const dpc_findings_t no_findings;
	static const dpc_tunnels_t no_tunnels;
	out_t o = {};

	findings = findings ? findings : &no_findings;
	tunnels = tunnels ? tunnels : &no_tunnels;

	render_severities(&o, findings);
	render_findings(&o, findings);
	render_sas(&o, tunnels);
	render_counters(&o, tunnels, false);
	render_counters(&o, tunnels, true);
	out_family(&o, "last_round_timestamp_seconds", "gauge",
			   "Wall clock time of the last completed checking round.");
	out_printf(&o, PREFIX "last_round_timestamp_seconds %lld\n",
			   round ? (long long)round->last_round : 0LL);

	if (o.failed)
	{
		free(o.buf);
		return NULL;
	}
	if (len)
	{
		*len = o.len;
	}
	return o.buf;
}

/**
 * Write all bytes, retrying after interruptions and partial writes.
 */
static int write_all(int fd, const char *text, size_t len)
{
	ssize_t n;

	while (len)
	{
		n = write(fd, text, len);
		if (n < 0)
		{
			if (errno == EINTR)
			{
				continue;
			}
			return errno;
		}
		text += n;
		len -= (size_t)n;
	}
	return 0;
}

/**
 * Fill buf with n hex digits no one can predict (getrandom(), else a mix
 * of what changes between calls: the name only needs to be unpredictable
 * enough that no one plants a file there first, O_EXCL does the rest).
 */
static void random_hex(char *buf, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	static unsigned counter;
	uint8_t rnd[16];
	struct timespec ts;
	uint64_t mix;
	size_t i;

	if (n > 2 * sizeof(rnd))
	{
		n = 2 * sizeof(rnd);
	}
	if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd))
	{
		clock_gettime(CLOCK_MONOTONIC, &ts);
		mix = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^
			  ((uint64_t)getpid() << 17) ^ __atomic_add_fetch(&counter, 1,
														__ATOMIC_RELAXED);
		for (i = 0; i < sizeof(rnd); i++)
		{
			mix = mix * 6364136223846793005ULL + 1442695040888963407ULL;
			rnd[i] = mix >> 56;
		}
	}
	for (i = 0; i < n; i++)
	{
		buf[i] = hex[(rnd[i / 2] >> (i % 2 ? 0 : 4)) & 0xf];
	}
}

/**
 * Create a new temporary file next to path: ".<name>.<random>" in the same
 * directory (hidden, and not ending in .prom, so node_exporter skips it),
 * never an existing file, link or FIFO.
 *
 * @param tmp		receives the allocated name
 * @return			the file descriptor, -1 with errno set
 */
static int create_tmp(const char *path, char **tmp)
{
	const char *base = strrchr(path, '/');
	size_t dirlen, len;
	int fd, tries, err = EEXIST;
	char *name;

	base = base ? base + 1 : path;
	dirlen = base - path;
	len = dirlen + 1 + strlen(base) + 1 + TMP_RANDOM + 1;
	name = malloc(len);
	if (!name)
	{
		errno = ENOMEM;
		return -1;
	}
	for (tries = 0; tries < TMP_TRIES && err == EEXIST; tries++)
	{
		snprintf(name, len, "%.*s.%s.", (int)dirlen, path, base);
		random_hex(name + strlen(name), TMP_RANDOM);
		name[len - 1] = '\0';
		/* O_NONBLOCK: whatever is there, opening it never waits */
		fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
				  O_NONBLOCK | O_CLOEXEC, 0600);
		if (fd >= 0)
		{
			*tmp = name;
			return fd;
		}
		err = errno;
	}
	free(name);
	errno = err;
	return -1;
}

/**
 * The target may only be replaced if it is a regular file or missing.
 */
static int check_target(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0)
	{
		return S_ISREG(st.st_mode) ? 0 : DPC_METRICS_NOT_REGULAR;
	}
	return errno == ENOENT ? 0 : errno;
}

/**
 * Write, sync and close the temporary file.
 */
static int fill_tmp(int fd, const char *text, size_t len, mode_t mode)
{
	struct stat st;
	int err = 0;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
	{	/* created just now with O_EXCL, but be sure before writing */
		err = errno ? errno : DPC_METRICS_NOT_REGULAR;
	}
	if (!err && fchmod(fd, mode))
	{
		err = errno;
	}
	if (!err)
	{
		err = write_all(fd, text, len);
	}
	if (!err && fsync(fd))
	{
		err = errno;
	}
	if (close(fd) && !err)
	{
		err = errno;
	}
	return err;
}

int dpc_metrics_write(const char *path, const char *text, size_t len,
					  mode_t mode)
{
	char *tmp = NULL;
	int fd, err;

	if (!path || *path != '/' || (!text && len) || (mode & ~07777))
	{
		return EINVAL;
	}
	err = check_target(path);
	if (err)
	{
		return err;
	}
	fd = create_tmp(path, &tmp);
	if (fd < 0)
	{
		return errno;
	}
	errno = 0;
	err = fill_tmp(fd, text, len, mode);
	if (!err)
	{	/* checked again: rename() would replace whatever is there now */
		err = check_target(path);
	}
	if (!err && rename(tmp, path))
	{
		err = errno;
	}
	if (err)
	{
		unlink(tmp);
	}
	free(tmp);
	return err;
}

const char *dpc_metrics_strerror(int err)
{
	if (err == DPC_METRICS_NOT_REGULAR)
	{
		return "not a regular file";
	}
	return strerror(err);
}
