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

/**
 * A question as a hash key, padding zeroed.
 */
typedef struct {
	/** destination */
	uint8_t dst_family;
	uint8_t dst[16];
	/** source */
	uint8_t src_family;
	uint8_t src[16];
	/** input interface */
	char iif[IF_NAMESIZE];
	/** firewall mark */
	uint32_t mark;
} question_key_t;

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
 * Private data of a dpc_route_questions_t object.
 */
struct private_dpc_route_questions_t {

	/**
	 * Public interface.
	 */
	dpc_route_questions_t public;

	/**
	 * The questions in asking order, and how many are held and allocated.
	 */
	question_key_t *keys;
	size_t used, alloc;

	/**
	 * Open-addressing table over the keys (a power of two, load at most
	 * one half).
	 */
	slot_t *slots;
	size_t slots_size;
};

/**
 * Build the key of a question.
 */
static void make_key(question_key_t *key, const dpc_route_query_t *q)
{
	memset(key, 0, sizeof(*key));
	key->dst_family = q->dst.family;
	memcpy(key->dst, q->dst.a, sizeof(key->dst));
	key->src_family = q->src.family;
	if (q->src.family)
	{
		memcpy(key->src, q->src.a, sizeof(key->src));
	}
	memcpy(key->iif, q->iif, strnlen(q->iif, sizeof(key->iif)));
	key->mark = q->mark;
}

/**
 * FNV-1a hash of a key.
 */
static uint32_t hash_key(const question_key_t *key)
{
	const uint8_t *p = (const uint8_t*)key;
	uint32_t hash = 2166136261u;
	size_t i;

	for (i = 0; i < sizeof(*key); i++)
	{
		hash = (hash ^ p[i]) * 16777619u;
	}
	return hash;
}

/**
 * Slot of a key: the one holding it, or the free one to put it in.
 */
static slot_t *find_slot(private_dpc_route_questions_t *this,
						 const question_key_t *key, uint32_t hash)
{
	size_t i = hash & (this->slots_size - 1);
	slot_t *slot;

	for (;; i = (i + 1) & (this->slots_size - 1))
	{
		slot = &this->slots[i];
		if (!slot->entry || (slot->hash == hash &&
			!memcmp(&this->keys[slot->entry - 1], key, sizeof(*key))))
		{
			return slot;
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
 * Make room for one more question.
 */
static bool grow(private_dpc_route_questions_t *this)
{
	question_key_t *keys;
	size_t size;

	if (this->used >= DPC_ROUTE_QUESTIONS_MAX)
	{
		return FALSE;
	}
	if (this->used == this->alloc)
	{
		size = this->alloc ? this->alloc * 2 : SLOTS_MIN / 2;
		keys = dpc_bulk_reallocarray(this->keys, size, sizeof(*keys));
		if (!keys)
		{
			return FALSE;
		}
		this->keys = keys;
		this->alloc = size;
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
	slot_t *slot;
	question_key_t key;

	if (!this->used)
	{
		return FALSE;
	}
	make_key(&key, q);
	slot = find_slot(this, &key, hash_key(&key));
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
	slot_t *slot;
	uint32_t hash;

	if (!grow(this))
	{
		return FALSE;
	}
	make_key(&this->keys[this->used], q);
	hash = hash_key(&this->keys[this->used]);
	slot = find_slot(this, &this->keys[this->used], hash);
	if (slot->entry)
	{	/* held already: the caller breaks its promise, keep one copy */
		*pos = slot->entry - 1;
		return TRUE;
	}
	slot->hash = hash;
	slot->entry = ++this->used;
	*pos = this->used - 1;
	return TRUE;
}

METHOD(dpc_route_questions_t, get, bool,
	private_dpc_route_questions_t *this, size_t pos, dpc_route_query_t *q)
{
	const question_key_t *key;

	if (pos >= this->used)
	{
		return FALSE;
	}
	key = &this->keys[pos];
	memset(q, 0, sizeof(*q));
	q->dst.family = key->dst_family;
	memcpy(q->dst.a, key->dst, sizeof(q->dst.a));
	q->src.family = key->src_family;
	memcpy(q->src.a, key->src, sizeof(q->src.a));
	memcpy(q->iif, key->iif, sizeof(q->iif));
	q->mark = key->mark;
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
	dpc_bulk_free(this->keys);
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
		this->keys = dpc_bulk_calloc(expect, sizeof(*this->keys));
		this->alloc = this->keys ? expect : 0;
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
