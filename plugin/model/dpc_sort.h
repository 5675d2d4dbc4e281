/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_sort dpc_sort
 * @{ @ingroup dataplane_check
 *
 * Sorting arrays that grow with the number of tunnels (pure, libc only).
 */

#ifndef DPC_SORT_H_
#define DPC_SORT_H_

#include <stddef.h>

/**
 * Sort an array, stable (equal elements keep their order), as qsort(3) does
 * in glibc; its scratch copy comes from dpc_bulk (glibc's qsort takes it
 * from malloc, see dpc_bulk.h). Without memory for it, the array is sorted
 * in place, slowly.
 *
 * @param base		the elements
 * @param n			number of elements
 * @param size		bytes per element
 * @param cmp		order of two elements, as for qsort(3)
 */
void dpc_sort(void *base, size_t n, size_t size,
			  int (*cmp)(const void *a, const void *b));

#endif /** DPC_SORT_H_ @}*/
