/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_msgid dpc_msgid
 * @{ @ingroup dataplane_check
 *
 * The journal MESSAGE_ID of a finding code (pure, libc only): the RFC 4122
 * name-based UUID, version 5 (SHA-1), of the code in the fixed namespace
 * DPC_MSGID_NAMESPACE, written as journald writes ids (32 lowercase hex
 * digits, no dashes). Stable forever: the namespace never changes, and the
 * same id comes out of any UUIDv5 implementation, e.g.
 * python3 -c 'import uuid; print(uuid.uuid5(uuid.UUID(
 * "4d8a161c-e7e3-4389-b94a-b5f7e857abaf"), "forwarding-disabled").hex)'
 */

#ifndef DPC_MSGID_H_
#define DPC_MSGID_H_


/** namespace of the MESSAGE_IDs of finding codes (never change it) */
#define DPC_MSGID_NAMESPACE "4d8a161c-e7e3-4389-b94a-b5f7e857abaf"

/** length of a MESSAGE_ID string, with its terminating NUL */
#define DPC_MSGID_LEN 33

/**
 * The MESSAGE_ID of a finding code.
 *
 * @param code		finding code, e.g. "forwarding-disabled"
 * @return			32 lowercase hex digits, NULL for a code without one
 */
const char *dpc_msgid(const char *code);

#endif /** DPC_MSGID_H_ @}*/
