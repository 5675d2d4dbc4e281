/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_route_questions dpc_route_questions
 * @{ @ingroup dpc_facts
 *
 * Route questions in the order they were asked, found again by a hash of
 * what the kernel is asked (destination, source, input interface, mark).
 * The route cache of a round keeps its answers beside them; the questions
 * of the last full round tell the next one which questions follow the one
 * it asks, so they can go to the kernel together.
 */

#ifndef DPC_ROUTE_QUESTIONS_H_
#define DPC_ROUTE_QUESTIONS_H_

#include "facts/dpc_facts.h"

/** most questions held (a round with more asks the rest one by one) */
#define DPC_ROUTE_QUESTIONS_MAX 262144

typedef struct dpc_route_questions_t dpc_route_questions_t;

/**
 * Route questions in asking order, each held once.
 */
struct dpc_route_questions_t {

	/**
	 * Find a question.
	 *
	 * @param q			the question (the port of its addresses is ignored)
	 * @param pos		receives its position, from 0 in asking order
	 * @return			FALSE if not held
	 */
	bool (*find)(dpc_route_questions_t *this, const dpc_route_query_t *q,
				 size_t *pos);

	/**
	 * Add a question that is not held yet.
	 *
	 * @param q			the question
	 * @param pos		receives its position (count() - 1 after the call)
	 * @return			FALSE if full or out of memory
	 */
	bool (*add)(dpc_route_questions_t *this, const dpc_route_query_t *q,
				size_t *pos);

	/**
	 * The question at a position, as asked (ports 0).
	 *
	 * @param pos		position, below count()
	 * @param q			receives the question
	 * @return			FALSE if pos is past the end
	 */
	bool (*get)(dpc_route_questions_t *this, size_t pos, dpc_route_query_t *q);

	/**
	 * Number of questions held.
	 */
	size_t (*count)(dpc_route_questions_t *this);

	/**
	 * Destroy the list.
	 */
	void (*destroy)(dpc_route_questions_t *this);
};

/**
 * Create an empty list.
 *
 * @param expect	questions expected, so that a round asking as many as the
 *					last one never grows its arrays (0 if unknown)
 * @return			the list, NULL if out of memory
 */
dpc_route_questions_t *dpc_route_questions_create(size_t expect);

#endif /** DPC_ROUTE_QUESTIONS_H_ @}*/
