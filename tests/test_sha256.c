/*
 * test_sha256.c: lib/sha256.c against the FIPS 180-4 examples and, byte for byte, against
 * libsodium's crypto_hash_sha256: every length 0..2048, random lengths up to 64 KiB, at every
 * alignment, in one call and in incremental updates split at random points.  Everything runs
 * twice, on the SHA extensions and on the portable compression; the first half is skipped, with
 * a line saying so, on a CPU without SHA extensions.
 *
 * Usage: test_sha256 [vectors dir]      (unused)
 */
#include "check.h"
#include "sha256.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LEN (64 * 1024)
#define RANDOM_LENGTHS 300

static void hex(const uint8_t h[QR_SHA256_BYTES], char out[2 * QR_SHA256_BYTES + 1])
{
    sodium_bin2hex(out, 2 * QR_SHA256_BYTES + 1, h, QR_SHA256_BYTES);
}

/* Hashes msg in updates of random sizes: some empty, many under two blocks, some long. */
static void hash_in_pieces(const uint8_t *msg, size_t len, uint8_t out[QR_SHA256_BYTES])
{
    qr_sha256_state st;
    size_t off = 0;

    qr_sha256_init(&st);
    while (off < len) {
        size_t left = len - off;
        uint64_t pick = t_rand() % 4;
        size_t n = pick == 0   ? 0
                   : pick == 1 ? (size_t)(t_rand() % 130)
                               : (size_t)(t_rand() % (left + 1));

        n = n < left ? n : left;
        qr_sha256_update(&st, msg + off, n);
        off += n;
    }
    qr_sha256_final(&st, out);
}

/* The examples of FIPS 180-4 (NIST's "SHA256.pdf", "SHA256ShortMsg"): one-shot, one update,
 * and bytes one at a time. */
static void test_known_answers(const char *path_name)
{
    static const struct {
        const char *msg;
        size_t repeat;
        const char *want;
    } kat[] = {
        {"", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {"a", 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
    };

    for (size_t i = 0; i < sizeof kat / sizeof *kat; i++) {
        size_t unit = strlen(kat[i].msg), len = unit * kat[i].repeat;
        uint8_t *msg = t_xmalloc(len), h[QR_SHA256_BYTES];
        char got[2 * QR_SHA256_BYTES + 1];
        qr_sha256_state st;

        for (size_t r = 0; r < kat[i].repeat; r++)
            memcpy(msg + r * unit, kat[i].msg, unit);
        qr_sha256(h, msg, len);
        hex(h, got);
        CHECK(strcmp(got, kat[i].want) == 0, "%s: one-shot of %zu bytes: %s", path_name, len, got);

        qr_sha256_init(&st);
        qr_sha256_update(&st, msg, len);
        qr_sha256_final(&st, h);
        hex(h, got);
        CHECK(strcmp(got, kat[i].want) == 0, "%s: one update of %zu bytes: %s", path_name, len,
              got);

        qr_sha256_init(&st);
        for (size_t b = 0; b < len; b++)
            qr_sha256_update(&st, msg + b, 1);
        qr_sha256_final(&st, h);
        hex(h, got);
        CHECK(strcmp(got, kat[i].want) == 0, "%s: %zu one-byte updates: %s", path_name, len, got);
        free(msg);
    }
}

/* Nothing at all, through NULL pointers: the empty message. */
static void test_empty_null(const char *path_name)
{
    uint8_t h[QR_SHA256_BYTES], want[QR_SHA256_BYTES];
    qr_sha256_state st;

    crypto_hash_sha256(want, (const uint8_t *)"", 0);
    qr_sha256(h, NULL, 0);
    CHECK(memcmp(h, want, sizeof h) == 0, "%s: qr_sha256(NULL, 0)", path_name);
    qr_sha256_init(&st);
    qr_sha256_update(&st, NULL, 0);
    qr_sha256_final(&st, h);
    CHECK(memcmp(h, want, sizeof h) == 0, "%s: update(NULL, 0)", path_name);
}

/* One length, at an alignment that varies with it, one-shot and in pieces, against libsodium. */
static int differs(const uint8_t *pool, size_t len)
{
    const uint8_t *msg = pool + len % 61;
    uint8_t want[QR_SHA256_BYTES], one[QR_SHA256_BYTES], pieces[QR_SHA256_BYTES];

    crypto_hash_sha256(want, msg, len);
    qr_sha256(one, msg, len);
    hash_in_pieces(msg, len, pieces);
    return memcmp(one, want, sizeof want) != 0 || memcmp(pieces, want, sizeof want) != 0;
}

static void test_against_libsodium(const char *path_name)
{
    uint8_t *pool = t_xmalloc(MAX_LEN + 64);
    int bad = 0;

    for (size_t i = 0; i < MAX_LEN + 64; i++)
        pool[i] = (uint8_t)(t_rand() >> 56);
    for (size_t len = 0; len <= 2048; len++) {
        if (differs(pool, len)) {
            if (bad++ < 5)
                printf("%s: length %zu differs from libsodium\n", path_name, len);
        }
    }
    tally(bad, __LINE__, "every length 0..2048 against libsodium");

    bad = 0;
    for (int i = 0; i < RANDOM_LENGTHS; i++) {
        size_t len = (size_t)(t_rand() % (MAX_LEN + 1));
        if (differs(pool, len)) {
            if (bad++ < 5)
                printf("%s: length %zu differs from libsodium\n", path_name, len);
        }
    }
    tally(bad, __LINE__, "random lengths up to 64 KiB against libsodium");
    free(pool);
}

static void run_all(const char *path_name)
{
    test_known_answers(path_name);
    test_empty_null(path_name);
    test_against_libsodium(path_name);
}

/* What the kernel says about the CPU, so a CPUID check that wrongly says no cannot pass as a
 * skip on a machine that has the extensions.  Valgrind is the exception: it hides SHA-NI from
 * CPUID (it cannot run the instructions) but not from /proc/cpuinfo; its preload gives it away. */
static int kernel_says_sha_ni(void)
{
    const char *preload = getenv("LD_PRELOAD");
    FILE *f;
    char line[16384];
    int yes = 0;

    if (preload && strstr(preload, "vgpreload"))
        return 0;
    if (!(f = fopen("/proc/cpuinfo", "r")))
        return 0;
    while (!yes && fgets(line, sizeof line, f))
        yes = strncmp(line, "flags", 5) == 0 && strstr(line, " sha_ni") != NULL;
    fclose(f);
    return yes;
}

int main(void)
{
    t_begin("test_sha256");
    if (sodium_init() < 0) {
        fprintf(stderr, "test_sha256: sodium_init failed\n");
        return 2;
    }

    int accelerated = qr_sha256_accelerated();

    if (accelerated) {
        run_all("sha-ni");
    } else {
        CHECK(!kernel_says_sha_ni(), "/proc/cpuinfo lists sha_ni but the SHA path is not used");
        printf("SKIP the SHA-extensions half: this CPU (or build) has no SHA-NI\n");
    }

    qr_sha256_force_portable(1);
    CHECK(!qr_sha256_accelerated(), "qr_sha256_force_portable(1) left the SHA path on");
    run_all("portable");
    qr_sha256_force_portable(0);
    CHECK(qr_sha256_accelerated() == accelerated, "qr_sha256_force_portable(0) did not go back");
    return t_end();
}
