/*
 * fuzz.h: the one entry point every harness defines (libFuzzer's), and what they share.
 *
 * Each tests/fuzz/fuzz_<target>.c feeds its bytes to the project's real parsing and
 * validation code.  Built with -DQR_FUZZ=ON (clang), it links libFuzzer's main; in every other
 * build it links replay.c's, which runs the committed corpus as a CTest case.
 */
#ifndef FX_FUZZ_H
#define FX_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated malloc'd copy of the input, for parsers that take C strings (exits on
 * OOM). */
char *fx_cstr(const uint8_t *data, size_t size);

/* Big-endian framing for harnesses that take several pieces from one input: the next piece
 * of at most `max` bytes, length-prefixed by two bytes; 0 when the input is used up. */
typedef struct {
    const uint8_t *p;
    size_t left;
} fx_reader;
int fx_next(fx_reader *r, const uint8_t **piece, size_t *len);
/* The next byte (0 when used up). */
uint8_t fx_byte(fx_reader *r);

/* For parsers that read only from a path: a memfd (memory, not a file on disk) and the
 * /proc/self/fd path that opens it; fx_memfd_set replaces its contents.  Aborts on failure. */
int fx_memfd(char *path, size_t pathlen);
void fx_memfd_set(int fd, const uint8_t *data, size_t size);
/* Send stdout (what a command prints for people) to /dev/null. */
void fx_quiet_stdout(void);

#endif
