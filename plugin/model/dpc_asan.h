/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_asan dpc_asan
 * @{ @ingroup dataplane_check
 *
 * Whether the code is built with AddressSanitizer (GCC and clang say it
 * differently). The plugin's own allocators (dpc_bulk, dpc_slab) then hand
 * out malloc's blocks: only those get redzones and leak checks.
 */

#ifndef DPC_ASAN_H_
#define DPC_ASAN_H_

#if defined(__SANITIZE_ADDRESS__)
#define DPC_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DPC_ASAN 1
#endif
#endif
#ifndef DPC_ASAN
#define DPC_ASAN 0
#endif

#endif /** DPC_ASAN_H_ @}*/
