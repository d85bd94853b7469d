/*
 * check.h: the unit tests' harness: pass/fail counters, CHECK, CHECK_RC, tally and a summary.
 * Shared so every test counts and reports failures the same way.
 */
#ifndef CHECK_H
#define CHECK_H

#include "qr.h"

#include <stddef.h>

/* Names the test in failure lines and the summary ("test_keys"). */
void t_begin(const char *name);

/* Counts one pass or one failure; a failure prints "FAIL <name>:<line>: <message>".
 * Returns ok (as 0 or 1) so a caller can skip what depends on it. */
int check(int ok, int line, const char *fmt, ...) QR_PRINTF(3, 4);
#define CHECK(ok, ...) check((ok), __LINE__, __VA_ARGS__)

/* A check that a result code is the one wanted, naming both codes on failure. */
void check_rc(int got, int want, int line, const char *what);
#define CHECK_RC(got, want, what) check_rc((got), (want), __LINE__, (what))

/* A loop of many probes counts once if clean, else once per probe that went wrong. */
void tally(int bad, int line, const char *what);

/* Deterministic pseudo-random numbers (xorshift64*, one fixed seed), so failures reproduce. */
uint64_t t_rand(void);

/* malloc that exits 2 when out of memory. */
void *t_xmalloc(size_t n);

/* Prints "<name>: N passed, M failed"; returns 0 if nothing failed, else 1. */
int t_end(void);

#endif
