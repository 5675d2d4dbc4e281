/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_route_questions.h"
#include "model/dpc_bulk.h"

#include <stdlib.h>
#include <string.h>

#include <utils/utils.h>

/** fewest slots of the hash table (a power of two) */
#define SLOTS_MIN 64

/** longest encoded question: header, mark, iif, two IPv6 addresses */
#define KEY_MAX (1 + 4 + 1 + IF_NAMESIZE + 2 * (1 + 16))

/** bytes per question the arrays are first sized for */
#define KEY_TYPICAL 16

/** address codes in a key's header byte */
enum {
	ADDR_NONE = 0,
	ADDR_V4 = 1,
	ADDR_V6 = 2,
	/** another family: its number and all 16 bytes */
	ADDR_OTHER = 3,
};

/** header flags, above the two address codes */
#define KEY_MARK 0x10
#define KEY_IIF 0x20

/**
 * A slot of the hash table: small, so that probing and doubling touch
 * little memory (the keys stay where they are).
 */
typedef struct {
	/** hash of the key */
	uint32_t hash;
	/** position of the key + 1, 0 if free */
	uint32_t entry;
} slot_t;

typedef struct private_dpc_route_questions_t private_dpc_route_questions_t;

/**
 * Private data. The questions are kept encoded, as short as their families
 * make them (an IPv4 question without mark and input interface is 9 bytes
 * instead of the 56 of a fixed key): the list of a full round stays until
 * the next one, four or so questions for every CHILD_SA.
 */
struct private_dpc_route_questions_t {

	/**
	 * Public interface.
	 */
	dpc_route_questions_t public;

	/**
	 * The encoded questions, one after the other in asking order, and the
	 * bytes used and allocated.
	 */
	uint8_t *bytes;
	size_t bytes_used, bytes_alloc;

	/**
	 * Where each question starts in bytes, and how many are held and
	 * allocated.
	 */
	uint32_t *offsets;
	size_t used, alloc;

	/**
	 * Open-addressing table over the keys (a power of two, load at most
	 * one half).
	 */
	slot_t *slots;
	size_t slots_size;
};

/**
 * Encode an address after its code.
 *
 * @return			bytes written
 */
static size_t put_addr(uint8_t *out, const dpc_addr_t *addr, uint8_t *code)
{
	switch (addr->family)
	{
		case 0:
			*code = ADDR_NONE;
			return 0;
		case AF_INET:
			*code = ADDR_V4;
			memcpy(out, addr->a, 4);
			return 4;
		case AF_INET6:
			*code = ADDR_V6;
			memcpy(out, addr->a, 16);
			return 16;
		default:
			*code = ADDR_OTHER;
			out[0] = addr->family;
			memcpy(out + 1, addr->a, 16);
			return 17;
	}
}

/**
 * Encode a question (ports ignored).
 *
 * @param key		receives up to KEY_MAX bytes
 * @return			length
 */
static size_t encode(uint8_t *key, const dpc_route_query_t *q)
{
	size_t len = 1, iif = strnlen(q->iif, sizeof(q->iif));
	uint8_t dst, src;

	key[0] = 0;
	if (q->mark)
	{
		key[0] |= KEY_MARK;
		memcpy(key + len, &q->mark, sizeof(q->mark));
		len += sizeof(q->mark);
	}
	if (iif)
	{
		iif = min(iif, (size_t)IF_NAMESIZE - 1);
		key[0] |= KEY_IIF;
		key[len++] = iif;
		memcpy(key + len, q->iif, iif);
		len += iif;
	}
	len += put_addr(key + len, &q->dst, &dst);
	len += put_addr(key + len, &q->src, &src);
	key[0] |= dst | src << 2;
	return len;
}

/**
 * Length of an encoded address by its code.
 */
static size_t addr_len(uint8_t code)
{
	static const size_t len[] = { 0, 4, 16, 17 };

	return len[code & 3];
}

/**
 * Length of an encoded question.
 */
static size_t key_len(const uint8_t *key)
{
	size_t len = 1;

	if (key[0] & KEY_MARK)
	{
		len += 4;
	}
	if (key[0] & KEY_IIF)
	{
		len += 1 + key[len];
	}
	return len + addr_len(key[0]) + addr_len(key[0] >> 2);
}

/**
 * Decode an address of a code.
 *
 * @return			bytes read
 */
static size_t get_addr(const uint8_t *in, uint8_t code, dpc_addr_t *addr)
{
	switch (code & 3)
	{
		case ADDR_V4:
			addr->family = AF_INET;
			memcpy(addr->a, in, 4);
			return 4;
		case ADDR_V6:
			addr->family = AF_INET6;
			memcpy(addr->a, in, 16);
			return 16;
		case ADDR_OTHER:
			addr->family = in[0];
			memcpy(addr->a, in + 1, 16);
			return 17;
		default:
			return 0;
	}
}

/**
 * FNV-1a over an encoded question.
 */
static uint32_t hash_key(const uint8_t *key, size_t len)
{
	uint32_t hash = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
	{
		hash = (hash ^ key[i]) * 16777619u;
	}
	return hash;
}

/**
 * The slot holding a key, or the free slot where it goes.
 */
static slot_t *find_slot(private_dpc_route_questions_t *this,
						 const uint8_t *key, size_t len, uint32_t hash)
{
	size_t i = hash & (this->slots_size - 1);
	const uint8_t *held;
	slot_t *slot;

	for (;; i = (i + 1) & (this->slots_size - 1))
	{
		slot = &this->slots[i];
		if (!slot->entry)
		{
			return slot;
		}
		if (slot->hash == hash)
		{
			held = this->bytes + this->offsets[slot->entry - 1];
			if (key_len(held) == len && !memcmp(held, key, len))
			{
				return slot;
			}
		}
	}
}

/**
 * Make the table at least size slots (a power of two) and rehash.
 */
static bool grow_slots(private_dpc_route_questions_t *this, size_t size)
{
	slot_t *slots, *old = this->slots;
	size_t i, j;

	slots = dpc_bulk_calloc(size, sizeof(*slots));
	if (!slots)
	{
		return FALSE;
	}
	for (i = 0; i < this->slots_size; i++)
	{	/* the keys are distinct: the first free slot is theirs */
		if (old[i].entry)
		{
			for (j = old[i].hash & (size - 1); slots[j].entry;
				 j = (j + 1) & (size - 1))
			{
			}
			slots[j] = old[i];
		}
	}
	dpc_bulk_free(old);
	this->slots = slots;
	this->slots_size = size;
	return TRUE;
}

/**
 * Make room for one more question of up to KEY_MAX bytes.
 */
static bool grow(private_dpc_route_questions_t *this)
{
	uint32_t *offsets;
	uint8_t *bytes;
	size_t size;

	if (this->used >= DPC_ROUTE_QUESTIONS_MAX)
	{
		return FALSE;
	}
	if (this->used == this->alloc)
	{
		size = this->alloc ? this->alloc * 2 : SLOTS_MIN / 2;
		offsets = dpc_bulk_reallocarray(this->offsets, size,
										sizeof(*offsets));
		if (!offsets)
		{
			return FALSE;
		}
		this->offsets = offsets;
		this->alloc = size;
	}
	if (this->bytes_alloc - this->bytes_used < KEY_MAX)
	{
		size = max(this->bytes_alloc * 2, (size_t)SLOTS_MIN * KEY_MAX);
		bytes = dpc_bulk_reallocarray(this->bytes, size, 1);
		if (!bytes)
		{
			return FALSE;
		}
		this->bytes = bytes;
		this->bytes_alloc = size;
	}
	if (this->slots_size && (this->used + 1) * 2 <= this->slots_size)
	{
		return TRUE;
	}
	return grow_slots(this, this->slots_size ? this->slots_size * 2
											 : SLOTS_MIN);
}

METHOD(dpc_route_questions_t, find, bool,
	private_dpc_route_questions_t *this, const dpc_route_query_t *q,
	size_t *pos)
{
	uint8_t key[KEY_MAX];
	slot_t *slot;
	size_t len;

	if (!this->used)
	{
		return FALSE;
	}
	len = encode(key, q);
	slot = find_slot(this, key, len, hash_key(key, len));
	if (!slot->entry)
	{
		return FALSE;
	}
	*pos = slot->entry - 1;
	return TRUE;
}

METHOD(dpc_route_questions_t, add, bool,
	private_dpc_route_questions_t *this, const dpc_route_query_t *q,
	size_t *pos)
{
	uint8_t *key;
	slot_t *slot;
	uint32_t hash;
	size_t len;

	if (!grow(this))
	{
		return FALSE;
	}
	/* encoded in place, kept only if not held yet */
	key = this->bytes + this->bytes_used;
	len = encode(key, q);
	hash = hash_key(key, len);
	slot = find_slot(this, key, len, hash);
	if (slot->entry)
	{	/* held already: the caller breaks its promise, keep one copy */
		*pos = slot->entry - 1;
		return TRUE;
	}
	this->offsets[this->used] = this->bytes_used;
	this->bytes_used += len;
	slot->hash = hash;
	slot->entry = ++this->used;
	*pos = this->used - 1;
	return TRUE;
}

METHOD(dpc_route_questions_t, get, bool,
	private_dpc_route_questions_t *this, size_t pos, dpc_route_query_t *q)
{
	const uint8_t *key;
	size_t len = 1;

	if (pos >= this->used)
	{
		return FALSE;
	}
	key = this->bytes + this->offsets[pos];
	memset(q, 0, sizeof(*q));
	if (key[0] & KEY_MARK)
	{
		memcpy(&q->mark, key + len, sizeof(q->mark));
		len += sizeof(q->mark);
	}
	if (key[0] & KEY_IIF)
	{
		memcpy(q->iif, key + len + 1, key[len]);
		len += 1 + key[len];
	}
	len += get_addr(key + len, key[0], &q->dst);
	get_addr(key + len, key[0] >> 2, &q->src);
	return TRUE;
}

METHOD(dpc_route_questions_t, count, size_t,
	private_dpc_route_questions_t *this)
{
	return this->used;
}

METHOD(dpc_route_questions_t, destroy, void,
	private_dpc_route_questions_t *this)
{
	dpc_bulk_free(this->bytes);
	dpc_bulk_free(this->offsets);
	dpc_bulk_free(this->slots);
	free(this);
}

/*
 * Described in header
 */
dpc_route_questions_t *dpc_route_questions_create(size_t expect)
{
	private_dpc_route_questions_t *this;
	size_t size = SLOTS_MIN;

	INIT(this,
		.public = {
			.find = _find,
			.add = _add,
			.get = _get,
			.count = _count,
			.destroy = _destroy,
		},
	);
	expect = min(expect, (size_t)DPC_ROUTE_QUESTIONS_MAX);
	if (expect)
	{	/* room for as many as the last round asked, without doubling */
		this->offsets = dpc_bulk_calloc(expect, sizeof(*this->offsets));
		this->alloc = this->offsets ? expect : 0;
		/* IPv4 questions are 9-14 bytes, IPv6 ones up to 38 (a reused
		 * mapping is zeroed, so its pages are not sized for the longest) */
		this->bytes = dpc_bulk_calloc(expect + 1, KEY_TYPICAL);
		this->bytes_alloc = this->bytes ? (expect + 1) * KEY_TYPICAL : 0;
		while (size < expect * 2)
		{
			size *= 2;
		}
		if (!grow_slots(this, size))
		{
			destroy(this);
			return NULL;
		}
	}
	return &this->public;
}
