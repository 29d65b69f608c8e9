/*
 * fuzz.h - shared by the fuzz targets in tests/fuzz/.
 *
 * Each target is one file defining LLVMFuzzerTestOneInput (and, when it needs
 * set-up, LLVMFuzzerInitialize). `make fuzz` links it with clang's libFuzzer
 * and runs it for a while on a copy of its seed corpus; `make test` links it
 * with replay.c under the gcc sanitizer build and runs it over the committed
 * corpus in tests/fuzz/corpus/<target>/, so every input that once found a bug
 * stays a regression test.
 *
 * A target checks properties, not only "no crash": FUZZ_CHECK aborts (which
 * both libFuzzer and the replay driver report as a failure) when a property
 * the code promises does not hold.
 */
#ifndef SY_FUZZ_H
#define SY_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_CHECK(cond)                                                                   \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                           \
		}                                                                          \
	} while (0)

#endif
