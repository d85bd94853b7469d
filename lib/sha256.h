/*
 * sha256.h: SHA-256 (FIPS 180-4) for the hashes quorum computes per entry: leaf and node hashes
 * of the Merkle tree, statement hashes.
 *
 * The same function as libsodium's crypto_hash_sha256, byte for byte, but where the CPU has the
 * x86 SHA extensions (SHA-NI) the compression runs on them, several times faster than
 * libsodium 1.0.18's portable C.  Elsewhere, and on builds for other architectures, a portable C
 * compression does the work.  Which one is chosen once, at first use, from CPUID; the choice is
 * safe to race between threads (both find the same answer).  Nothing here is secret, so no state
 * is wiped; the state is a plain struct the caller owns.
 */
#ifndef QR_SHA256_H
#define QR_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define QR_SHA256_BYTES 32
#define QR_SHA256_BLOCK 64

typedef struct {
    uint32_t h[8];                /* the chaining value, H0..H7 */
    uint64_t bytes;               /* message bytes taken so far */
    uint8_t buf[QR_SHA256_BLOCK]; /* the last bytes % 64 of them, not yet compressed */
} qr_sha256_state;

/* Incremental hashing: init, any number of updates (in may be NULL when len is 0), final.
 * After final the state is spent; init it again to reuse it. */
void qr_sha256_init(qr_sha256_state *st);
void qr_sha256_update(qr_sha256_state *st, const uint8_t *in, size_t len);
void qr_sha256_final(qr_sha256_state *st, uint8_t out[QR_SHA256_BYTES]);

/* SHA-256 of in[0..len) in one call.  Messages under 120 bytes (a Merkle node's 65) take a
 * single pass of the compression function over a stack copy, with no state struct. */
void qr_sha256(uint8_t out[QR_SHA256_BYTES], const uint8_t *in, size_t len);

/* 1 if hashing uses the SHA extensions now, 0 if the portable compression. */
int qr_sha256_accelerated(void);

/* For tests and benchmarks only: on != 0 makes every later call use the portable compression
 * even where the SHA extensions exist; 0 goes back to choosing by CPUID.  Takes effect for all
 * threads; do not call it while other threads hash. */
void qr_sha256_force_portable(int on);

#endif
