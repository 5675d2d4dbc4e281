/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_finding dpc_finding
 * @{ @ingroup dataplane_check
 *
 * A finding: what a check concluded about one subject (pure, libc only).
 *
 * Its message, hint and evidence live in one buffer the finding owns,
 * sized by what they hold (a few hundred bytes where fixed arrays took
 * over 3 KB): a round of 10,000 tunnels makes tens of thousands of
 * findings. Copies go through dpc_finding_copy(), lists free their
 * findings' text; a finding may be moved (struct assignment) from one list
 * to another as long as only one of them keeps it.
 */

#ifndef DPC_FINDING_H_
#define DPC_FINDING_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define DPC_CODE_LEN 32
#define DPC_NAME_LEN 64
#define DPC_MESSAGE_LEN 320
#define DPC_HINT_LEN 320
#define DPC_EVKEY_LEN 48
#define DPC_EVVAL_LEN 192
#define DPC_MAX_EVIDENCE 10
#define DPC_DISCRIM_LEN 80

/**
 * How bad a finding is.
 */
typedef enum {
	/** recorded fact */
	DPC_INFO = 0,
	/** likely to break, or partly broken */
	DPC_WARNING = 1,
	/** data plane broken for some traffic */
	DPC_ERROR = 2,
} dpc_severity_t;

/**
 * One key/value fact that proves a finding.
 */
typedef struct {
	/** key, e.g. "route" (shorter than DPC_EVKEY_LEN) */
	const char *key;
	/** value, e.g. "10.20.1.10 from 10.10.1.10 iif lan: unreachable"
	 *  (shorter than DPC_EVVAL_LEN) */
	const char *value;
} dpc_evidence_t;

/**
 * What a finding is about: the gateway ("host"), an IKE_SA or a CHILD_SA.
 */
typedef struct {
	/** IKE_SA name, empty for host-wide findings */
	char ike_name[DPC_NAME_LEN];
	/** IKE_SA unique id, 0 for host-wide findings */
	uint32_t ike_id;
	/** CHILD_SA name, empty unless about a CHILD_SA (or a child config) */
	char child_name[DPC_NAME_LEN];
	/** CHILD_SA unique id, 0 unless about an installed CHILD_SA */
	uint32_t child_id;
} dpc_subject_t;

/**
 * A finding.
 */
typedef struct {
	/** stable kebab-case code from the catalogue */
	char code[DPC_CODE_LEN];
	/** severity */
	dpc_severity_t severity;
	/** what it is about */
	dpc_subject_t subject;
	/** tells apart findings of one code on one subject (e.g. "out"/"in") */
	char discrim[DPC_DISCRIM_LEN];
	/** one line a network engineer understands (shorter than
	 *  DPC_MESSAGE_LEN; never NULL in a finding of a list) */
	const char *message;
	/** facts proving it */
	dpc_evidence_t evidence[DPC_MAX_EVIDENCE];
	/** number of evidence entries used */
	int n_evidence;
	/** the concrete fix (shorter than DPC_HINT_LEN; never NULL in a finding
	 *  of a list) */
	const char *hint;
	/** when first seen (monotonic seconds) */
	time_t first_seen;
	/** when last seen (monotonic seconds) */
	time_t last_seen;
	/** wall clock time of first_seen, for reports */
	time_t first_seen_wall;
	/** TRUE while active, FALSE once resolved */
	bool active;
	/** what message, hint and evidence point into, owned */
	char *text;
	/** bytes of text used and allocated */
	uint16_t text_len, text_size;
} dpc_finding_t;

/**
 * A growable list of findings, what one round of checks produces.
 */
typedef struct {
	/** the findings */
	dpc_finding_t *items;
	/** number in use */
	size_t count;
	/** allocated */
	size_t size;
} dpc_findings_t;

/**
 * Name of a severity: "info", "warning", "error".
 */
const char *dpc_severity_name(dpc_severity_t severity);

/**
 * Parse a severity name.
 *
 * @return			TRUE if known
 */
bool dpc_severity_parse(const char *name, dpc_severity_t *severity);

/**
 * Initialize an empty list.
 */
void dpc_findings_init(dpc_findings_t *list);

/**
 * Free a list's storage and its findings' text.
 */
void dpc_findings_clear(dpc_findings_t *list);

/**
 * Copy a finding with its own text; on allocation failure the copy has no
 * message, hint or evidence.
 *
 * @param dst		overwritten (its text, if any, is not freed)
 * @param src		the finding to copy
 * @return			FALSE if the text could not be copied
 */
bool dpc_finding_copy(dpc_finding_t *dst, const dpc_finding_t *src);

/**
 * Free a finding's text (the finding stays usable, without text).
 */
void dpc_finding_free_text(dpc_finding_t *f);

/**
 * Append a new finding with code, severity and subject set, everything else
 * empty; the caller fills in message, evidence and hint.
 *
 * @return			the new finding, NULL on allocation failure
 */
dpc_finding_t *dpc_findings_add(dpc_findings_t *list, const char *code,
								dpc_severity_t severity,
								const dpc_subject_t *subject);

/**
 * printf() into the message.
 */
void dpc_finding_message(dpc_finding_t *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * printf() into the hint.
 */
void dpc_finding_hint(dpc_finding_t *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * Add an evidence entry (silently dropped past DPC_MAX_EVIDENCE, or
 * empty where the text cannot grow).
 */
void dpc_finding_evidence(dpc_finding_t *f, const char *key,
						  const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * Same code, subject and discriminator: the same finding over time.
 */
bool dpc_finding_same_key(const dpc_finding_t *a, const dpc_finding_t *b);

/**
 * Same severity, message and evidence (what a "changed" line reports).
 */
bool dpc_finding_same_content(const dpc_finding_t *a, const dpc_finding_t *b);

/**
 * Print a subject as "s2s[1] net{3}", "s2s[1]" or "host" into buf.
 */
char *dpc_subject_to_str(const dpc_subject_t *subject, char *buf, size_t len);

/**
 * Print the log line of a finding event (without "dataplane-check: "):
 * "<severity> <code> <subject>: <message> [<k=v> ...] fix: <hint>", or
 * "resolved <code> <subject>: <message>" when resolved is TRUE. The
 * evidence list and the hint are left out when empty; evidence values that
 * are empty or contain blanks or quotes are written quoted, k="v", with
 * quotes and backslashes inside escaped by a backslash. Control characters
 * become spaces, so it is always one line, NUL-terminated and truncated to
 * len.
 *
 * @return			buf
 */
char *dpc_finding_format(const dpc_finding_t *f, bool resolved, char *buf,
						 size_t len);

#endif /** DPC_FINDING_H_ @}*/
