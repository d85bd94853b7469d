/*
 * check.c: the unit tests' shared harness (see check.h).
 */
#include "check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static const char *test_name = "test";
static unsigned long passed, failed;

void t_begin(const char *name)
{
    test_name = name;
    passed = 0;
    failed = 0;
}

int check(int ok, int line, const char *fmt, ...)
{
    va_list ap;

    if (ok) {
        passed++;
        return 1;
    }
    failed++;
    printf("FAIL %s:%d: ", test_name, line);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    return 0;
}

void check_rc(int got, int want, int line, const char *what)
{
    check(got == want, line, "%s: got %s, want %s", what, qr_code_name(got), qr_code_name(want));
}

void tally(int bad, int line, const char *what)
{
    if (bad == 0) {
        passed++;
        return;
    }
    failed += (unsigned long)bad;
    printf("FAIL %s:%d: %s: %d probe(s) went wrong\n", test_name, line, what, bad);
}

uint64_t t_rand(void)
{
    static uint64_t state = 0x9e3779b97f4a7c15ULL;

    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 2685821657736338717ULL;
}

void *t_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (!p) {
        fprintf(stderr, "%s: out of memory\n", test_name);
        exit(2);
    }
    return p;
}

int t_end(void)
{
    printf("%s: %lu passed, %lu failed\n", test_name, passed, failed);
    fflush(stdout);
    return failed ? 1 : 0;
}
