/*
 * util.h: small helpers every program needs: identifiers, files, encodings, time, threads.
 */
#ifndef QR_UTIL_H
#define QR_UTIL_H

#include "qr.h"

#include <pthread.h>
#include <sys/types.h>

/* An identifier is a slug: [a-z0-9][a-z0-9-]*, at most QR_MAX_ID bytes. */
int qr_valid_id(const char *s);

/* A sentence for people into a caller's buffer (err may be NULL). */
void qr_errf(char *err, size_t errlen, const char *fmt, ...) QR_PRINTF(3, 4);

/* Whole file into a malloc'd buffer (NUL-terminated for convenience); QR_TOO_LARGE past max. */
int qr_read_file(const char *path, size_t max, uint8_t **out, size_t *len);
/* Write via a temporary file, fsync and rename; the file gets `mode`. */
/* The same read through stdio, so a pipe or /dev/stdin works too (for configuration files);
 * errno says why on QR_NOT_FOUND or QR_IO. */
int qr_read_stream(const char *path, size_t max, uint8_t **out, size_t *len);
int qr_write_file(const char *path, const void *data, size_t len, mode_t mode);
int qr_mkdir_p(const char *path, mode_t mode);

/* Standard base64 (RFC 4648, padded).  Encoding returns a malloc'd string. */
char *qr_b64(const uint8_t *data, size_t len);
/* QR_OK only if `s` is valid base64 of exactly `want` bytes. */
int qr_b64_decode_exact(const char *s, uint8_t *out, size_t want);
/* Lower-case hex into out (2*len+1 bytes). */
void qr_hex(const uint8_t *data, size_t len, char *out);

/* Seconds since the epoch, and a UTC ISO-8601 rendering into out (at least 21 bytes). */
int64_t qr_now(void);
void qr_time_iso(int64_t t, char *out, size_t outlen);

/* pthread_create for a long-lived helper thread, started with every signal blocked so that
 * signals keep reaching the thread that handles them (pthread_create's error number, 0 on
 * success). */
int qr_thread_start(pthread_t *t, void *(*fn)(void *), void *arg);

#endif
