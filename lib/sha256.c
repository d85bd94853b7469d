/*
 * sha256.c: SHA-256 (FIPS 180-4) with two compression functions, the x86 SHA extensions and
 * portable C, chosen once by CPUID.
 *
 * The message and its padding
 * ---------------------------
 * SHA-256 pads a message of L bytes with 0x80, zeros, and L * 8 as a big-endian 64-bit count,
 * to a multiple of 64 bytes, then runs the compression function over each 64-byte block, from
 * the chaining value H0..H7 of section 5.3.3.  The tail (L % 64 bytes) and its padding fill one
 * block if the tail is under 56 bytes, else two, so `finish` always ends with one call of the
 * compression over one or two blocks on the stack.  The one-shot qr_sha256 takes short messages
 * (under 120 bytes: all of it fits in two padded blocks) straight to `finish`, which makes a
 * Merkle node hash (65 bytes) one call that compresses two blocks.
 *
 * The SHA extensions
 * ------------------
 * SHA256RNDS2 runs two rounds.  It keeps the eight working variables in two registers laid out
 * as the instruction wants them, not as H0..H7: one holds A, B, E, F (A in the top lane, F in
 * lane 0), the other C, D, G, H, and its third operand (XMM0) holds W[i] + K[i] in lane 0 and
 * W[i+1] + K[i+1] in lane 1.  It returns the new ABEF; after two rounds the new C, D, G, H are
 * the old A, B, E, F, so the register that held ABEF becomes CDGH and the next two rounds run
 * with the roles swapped (rounds4).  SHA256MSG1 adds sigma0 of the next word to each of four
 * words, SHA256MSG2 adds sigma1 of the words two back; with W[i+9..i+12] added between them
 * (an ALIGNR of two schedule registers) they produce W[i+16..i+19] (schedule).  SSSE3's PSHUFB
 * turns the big-endian message words around; SSE4.1's PBLENDW and SSSE3's PALIGNR move the
 * chaining value between the two layouts once per call, not once per block.
 *
 * Those functions are compiled for the SHA target one by one (no -m flags for the whole file),
 * and called only after CPUID (leaf 1 ECX for SSSE3 and SSE4.1, leaf 7 EBX bit 29 for SHA)
 * has said the CPU has them.
 *
 * The choice
 * ----------
 * One process-wide pointer to the compression function: a fact about the CPU, not state of any
 * server, so it does not hang off one.  It starts at `compress_first`, which looks at CPUID,
 * stores the answer and carries on; threads that race there store the same pointer, and the
 * pointer is atomic so no reader sees half of one.  Valgrind's CPU does not offer SHA, so under
 * memcheck the portable path runs; AddressSanitizer is what checks the SHA path.
 */
#include "sha256.h"

#include <stdatomic.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

/* FIPS 180-4 4.2.2: the first 32 bits of the fractional parts of the cube roots of the first
 * 64 primes.  Aligned so the SHA path can load four at a time. */
static _Alignas(16) const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* FIPS 180-4 5.3.3: the square roots of the first eight primes. */
static const uint32_t IV[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

/* Runs the compression over n consecutive 64-byte blocks, updating h. */
typedef void compress_fn(uint32_t h[8], const uint8_t *blocks, size_t n);

static uint32_t load_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void store_be32(uint8_t *p, uint32_t x)
{
    p[0] = (uint8_t)(x >> 24);
    p[1] = (uint8_t)(x >> 16);
    p[2] = (uint8_t)(x >> 8);
    p[3] = (uint8_t)x;
}

static uint32_t ror(uint32_t x, unsigned n)
{
    return x >> n | x << (32 - n);
}

/* One round (FIPS 180-4 6.2.2 step 3), with the renaming of the eight variables left to the
 * caller: it updates d and h in place and the next round passes the names shifted by one. */
static inline void sha_round(uint32_t a, uint32_t b, uint32_t c, uint32_t *d, uint32_t e,
                             uint32_t f, uint32_t g, uint32_t *h, uint32_t wk)
{
    uint32_t t1 = *h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + wk;
    uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));

    *d += t1;
    *h = t1 + t2;
}

static void compress_portable(uint32_t h[8], const uint8_t *p, size_t n)
{
    for (; n > 0; n--, p += QR_SHA256_BLOCK) {
        uint32_t w[64];
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];

        for (int i = 0; i < 16; i++)
            w[i] = load_be32(p + 4 * i);
        for (int i = 16; i < 64; i++) {
            uint32_t w15 = w[i - 15], w2 = w[i - 2];
            w[i] = (ror(w2, 17) ^ ror(w2, 19) ^ w2 >> 10) + w[i - 7] +
                   (ror(w15, 7) ^ ror(w15, 18) ^ w15 >> 3) + w[i - 16];
        }
        for (int i = 0; i < 64; i += 8) {
            sha_round(a, b, c, &d, e, f, g, &k, K[i] + w[i]);
            sha_round(k, a, b, &c, d, e, f, &g, K[i + 1] + w[i + 1]);
            sha_round(g, k, a, &b, c, d, e, &f, K[i + 2] + w[i + 2]);
            sha_round(f, g, k, &a, b, c, d, &e, K[i + 3] + w[i + 3]);
            sha_round(e, f, g, &k, a, b, c, &d, K[i + 4] + w[i + 4]);
            sha_round(d, e, f, &g, k, a, b, &c, K[i + 5] + w[i + 5]);
            sha_round(c, d, e, &f, g, k, a, &b, K[i + 6] + w[i + 6]);
            sha_round(b, c, d, &e, f, g, k, &a, K[i + 7] + w[i + 7]);
        }
        h[0] += a;
        h[1] += b;
        h[2] += c;
        h[3] += d;
        h[4] += e;
        h[5] += f;
        h[6] += g;
        h[7] += k;
    }
}

#if defined(__x86_64__)
#define SHA_TARGET __attribute__((target("sha,sse4.1,ssse3")))

/* Four rounds; wk holds W[i..i+3] + K[i..i+3], lane 0 first. */
SHA_TARGET static inline void rounds4(__m128i *abef, __m128i *cdgh, __m128i wk)
{
    *cdgh = _mm_sha256rnds2_epu32(*cdgh, *abef, wk);
    *abef = _mm_sha256rnds2_epu32(*abef, *cdgh, _mm_shuffle_epi32(wk, 0x0e));
}

/* W[i+16..i+19] from W[i..i+3], W[i+4..i+7], W[i+8..i+11], W[i+12..i+15]. */
SHA_TARGET static inline __m128i schedule(__m128i w0, __m128i w1, __m128i w2, __m128i w3)
{
    __m128i t = _mm_add_epi32(_mm_sha256msg1_epu32(w0, w1), _mm_alignr_epi8(w3, w2, 4));

    return _mm_sha256msg2_epu32(t, w3);
}

SHA_TARGET static inline __m128i k4(int i)
{
    return _mm_load_si128((const __m128i *)(K + 4 * i));
}

/* Four message words, big-endian in memory, lane 0 first. */
SHA_TARGET static inline __m128i load_words(const uint8_t *p)
{
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0b, 0x0405060700010203);

    return _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)p), bswap);
}

SHA_TARGET static void compress_sha(uint32_t h[8], const uint8_t *p, size_t n)
{
    __m128i t0 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)h), 0xb1);
    __m128i t1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(h + 4)), 0x1b);
    __m128i abef = _mm_alignr_epi8(t0, t1, 8); /* t0 = B A D C, t1 = H G F E, lane 0 first */
    __m128i cdgh = _mm_blend_epi16(t1, t0, 0xf0);

    for (; n > 0; n--, p += QR_SHA256_BLOCK) {
        const __m128i abef0 = abef, cdgh0 = cdgh;
        __m128i w0 = load_words(p), w1 = load_words(p + 16), w2 = load_words(p + 32),
                w3 = load_words(p + 48);

        rounds4(&abef, &cdgh, _mm_add_epi32(w0, k4(0)));
        rounds4(&abef, &cdgh, _mm_add_epi32(w1, k4(1)));
        rounds4(&abef, &cdgh, _mm_add_epi32(w2, k4(2)));
        rounds4(&abef, &cdgh, _mm_add_epi32(w3, k4(3)));
        for (int i = 4; i < 16; i += 4) {
            w0 = schedule(w0, w1, w2, w3);
            rounds4(&abef, &cdgh, _mm_add_epi32(w0, k4(i)));
            w1 = schedule(w1, w2, w3, w0);
            rounds4(&abef, &cdgh, _mm_add_epi32(w1, k4(i + 1)));
            w2 = schedule(w2, w3, w0, w1);
            rounds4(&abef, &cdgh, _mm_add_epi32(w2, k4(i + 2)));
            w3 = schedule(w3, w0, w1, w2);
            rounds4(&abef, &cdgh, _mm_add_epi32(w3, k4(i + 3)));
        }
        abef = _mm_add_epi32(abef, abef0);
        cdgh = _mm_add_epi32(cdgh, cdgh0);
    }
    t0 = _mm_shuffle_epi32(abef, 0x1b); /* A B E F */
    t1 = _mm_shuffle_epi32(cdgh, 0xb1); /* G H C D */
    _mm_storeu_si128((__m128i *)h, _mm_blend_epi16(t0, t1, 0xf0));
    _mm_storeu_si128((__m128i *)(h + 4), _mm_alignr_epi8(t1, t0, 8));
}

static int cpu_has_sha(void)
{
    unsigned a, b, c, d;

    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 9)) || !(c & (1u << 19)))
        return 0; /* SSSE3, SSE4.1 */
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
        return 0;
    return (b & (1u << 29)) != 0; /* SHA */
}
#endif

static compress_fn compress_first;
static _Atomic(compress_fn *) compress_impl = compress_first;

static compress_fn *choose(void)
{
    compress_fn *f = compress_portable;

#if defined(__x86_64__)
    if (cpu_has_sha())
        f = compress_sha;
#endif
    atomic_store_explicit(&compress_impl, f, memory_order_relaxed);
    return f;
}

static void compress_first(uint32_t h[8], const uint8_t *blocks, size_t n)
{
    choose()(h, blocks, n);
}

static void run(uint32_t h[8], const uint8_t *blocks, size_t n)
{
    atomic_load_explicit(&compress_impl, memory_order_relaxed)(h, blocks, n);
}

/* Pads the last n < 120 bytes of a total-byte message, compresses them and writes the hash. */
static void finish(uint32_t h[8], const uint8_t *tail, size_t n, uint64_t total,
                   uint8_t out[QR_SHA256_BYTES])
{
    uint8_t pad[2 * QR_SHA256_BLOCK] = {0};
    size_t blocks = n < QR_SHA256_BLOCK - 8 ? 1 : 2;
    uint8_t *count = pad + blocks * QR_SHA256_BLOCK - 8;

    if (n > 0)
        memcpy(pad, tail, n);
    pad[n] = 0x80;
    store_be32(count, (uint32_t)(total >> 29));
    store_be32(count + 4, (uint32_t)(total << 3));
    run(h, pad, blocks);
    for (int i = 0; i < 8; i++)
        store_be32(out + 4 * i, h[i]);
}

void qr_sha256_init(qr_sha256_state *st)
{
    memcpy(st->h, IV, sizeof st->h);
    st->bytes = 0;
}

void qr_sha256_update(qr_sha256_state *st, const uint8_t *in, size_t len)
{
    size_t have = (size_t)(st->bytes % QR_SHA256_BLOCK);

    if (len == 0)
        return;
    st->bytes += len;
    if (have > 0) {
        size_t take = QR_SHA256_BLOCK - have < len ? QR_SHA256_BLOCK - have : len;

        memcpy(st->buf + have, in, take);
        in += take;
        len -= take;
        if (have + take < QR_SHA256_BLOCK)
            return;
        run(st->h, st->buf, 1);
    }
    if (len >= QR_SHA256_BLOCK) {
        run(st->h, in, len / QR_SHA256_BLOCK);
        in += len - len % QR_SHA256_BLOCK;
        len %= QR_SHA256_BLOCK;
    }
    if (len > 0)
        memcpy(st->buf, in, len);
}

void qr_sha256_final(qr_sha256_state *st, uint8_t out[QR_SHA256_BYTES])
{
    finish(st->h, st->buf, (size_t)(st->bytes % QR_SHA256_BLOCK), st->bytes, out);
}

void qr_sha256(uint8_t out[QR_SHA256_BYTES], const uint8_t *in, size_t len)
{
    uint32_t h[8];
    size_t head = len < 2 * QR_SHA256_BLOCK - 8 ? 0 : len - len % QR_SHA256_BLOCK;
    const uint8_t *tail = in;

    memcpy(h, IV, sizeof h);
    if (head > 0) {
        run(h, in, head / QR_SHA256_BLOCK);
        tail += head;
    }
    finish(h, tail, len - head, len, out);
}

int qr_sha256_accelerated(void)
{
    compress_fn *f = atomic_load_explicit(&compress_impl, memory_order_relaxed);

    if (f == compress_first)
        f = choose();
    return f != compress_portable;
}

void qr_sha256_force_portable(int on)
{
    compress_fn *f = on ? compress_portable : compress_first;

    atomic_store_explicit(&compress_impl, f, memory_order_relaxed);
}
