/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What every fuzz target shares: the libFuzzer entry point, and CHECK(),
 * which prints the condition that failed and aborts (a crash libFuzzer
 * and the corpus replay both report).
 */
#ifndef IOAS_FUZZ_CHECK_H
#define IOAS_FUZZ_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
				__LINE__, #cond);                              \
			abort();                                               \
		}                                                              \
	} while (0)

#endif
