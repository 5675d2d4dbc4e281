/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_text dpc_text
 * @{ @ingroup dataplane_check
 *
 * Shared, reference counted texts (pure, libc only): what many records
 * hold alike, an algorithm ("AES_GCM_16_256") or the MSS clamp found for
 * their traffic, is kept once however many CHILD_SAs and their copies hold
 * it, each holding a reference. A text is never changed: a holder that
 * wants another one drops its reference and takes one to the other.
 *
 * The empty text is dpc_text_empty, a constant that holds no reference.
 * Thread-safe; the table's lock is held for a lookup or a count only.
 */

#ifndef DPC_TEXT_H_
#define DPC_TEXT_H_

#include <stdbool.h>
#include <stddef.h>

/** the empty text (no reference to take or drop) */
extern const char dpc_text_empty[];

/**
 * A reference to the shared copy of a text (made on first use).
 *
 * @param text		the text, NULL for the empty one
 * @return			the shared text, NULL on allocation failure
 */
const char *dpc_text_get(const char *text);

/**
 * One more reference to a shared text.
 *
 * @param text		a text from dpc_text_get() (or dpc_text_empty)
 * @return			text
 */
const char *dpc_text_ref(const char *text);

/**
 * Drop a reference; the last one frees the shared text.
 *
 * @param text		a text from dpc_text_get() (or dpc_text_empty, NULL)
 */
void dpc_text_put(const char *text);

/**
 * Replace a held text by another (nothing changes on allocation failure).
 *
 * @param held		the reference held, replaced
 * @param text		the new text, NULL for the empty one
 * @return			false on allocation failure
 */
bool dpc_text_set(const char **held, const char *text);

/**
 * Number of different texts shared now (for tests).
 */
size_t dpc_text_count(void);

#endif /** DPC_TEXT_H_ @}*/
