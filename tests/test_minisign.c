/*
 * test_minisign.c: minisign-format signatures (lib/minisign.c).
 *
 * Usage: test_minisign [vectors dir]      (unused)
 *
 * A signature made here must verify, and stop verifying under any single-bit change to the
 * signed file, to either signature or to the trusted comment, or with another key; the public
 * key string must be exactly base64("Ed" || id || pk) with the id recomputed here from its
 * definition, and must parse back from both its bare form and a minisign .pub file; the
 * signature file must have minisign's four lines and the prehashed "ED" algorithm; and every
 * malformed or oversized signature file must be refused cleanly.  That stock `minisign -V`
 * accepts these signatures is shown by the integration test it_minutes.
 */
#include "check.h"
#include "keys.h"
#include "minisign.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char msg[] = "# Minutes\n\nA test document, with a £ sign and a — dash.\n";
static const char trusted[] = "quorum-minutes forum:f meeting:m origin:o size:3 root:x";

static void test_pubkey(const qr_key *k)
{
    char s[QR_MINISIGN_PUBKEY_LEN + 1], file[256], hex[17], want_hex[17];
    uint8_t blob[64], pk[32], id[8], want_id[8], h[crypto_generichash_BYTES];
    size_t len = 0;
    CHECK_RC(qr_minisign_pubkey(k->sign_pk, s, sizeof s), QR_OK, "public key string");
    CHECK(strlen(s) == QR_MINISIGN_PUBKEY_LEN && !strncmp(s, "RW", 2),
          "a minisign public key is 56 characters starting RW: %s", s);
    CHECK(sodium_base642bin(blob, sizeof blob, s, strlen(s), NULL, &len, NULL,
                            sodium_base64_VARIANT_ORIGINAL) == 0 &&
              len == 42,
          "it is base64 of 42 bytes");
    crypto_generichash(h, sizeof h, k->sign_pk, 32, NULL, 0);
    memcpy(want_id, h, 8);
    CHECK(blob[0] == 'E' && blob[1] == 'd' && !memcmp(blob + 2, want_id, 8) &&
              !memcmp(blob + 10, k->sign_pk, 32),
          "\"Ed\" || first 8 bytes of BLAKE2b-256(pk) || pk");
    qr_minisign_key_id(k->sign_pk, id);
    CHECK(!memcmp(id, want_id, 8), "qr_minisign_key_id is that id");
    qr_minisign_key_id_hex(id, hex);
    for (int i = 0; i < 8; i++)
        snprintf(want_hex + 2 * i, 3, "%02X", id[7 - i]);
    CHECK(!strcmp(hex, want_hex), "the id prints as minisign prints it: %s", hex);

    CHECK_RC(qr_minisign_pubkey_parse(s, pk, id), QR_OK, "the bare string parses");
    CHECK(!memcmp(pk, k->sign_pk, 32) && !memcmp(id, want_id, 8), "to the same key and id");
    snprintf(file, sizeof file, "untrusted comment: minisign public key %s\n%s\n", hex, s);
    CHECK_RC(qr_minisign_pubkey_parse(file, pk, id), QR_OK, "a .pub file parses");
    CHECK(!memcmp(pk, k->sign_pk, 32), "to the same key");

    char bad[128];
    snprintf(bad, sizeof bad, "%s", s);
    bad[1] = 'U'; /* "RU..." is "ED" or other: not a public key */
    CHECK_RC(qr_minisign_pubkey_parse(bad, pk, id), QR_BAD_KEY, "a wrong algorithm");
    snprintf(bad, sizeof bad, "%.55s", s);
    CHECK_RC(qr_minisign_pubkey_parse(bad, pk, id), QR_BAD_KEY, "a short key");
    snprintf(bad, sizeof bad, "%s junk", s);
    CHECK_RC(qr_minisign_pubkey_parse(bad, pk, id), QR_BAD_KEY, "trailing junk");
    CHECK_RC(qr_minisign_pubkey_parse("", pk, id), QR_BAD_KEY, "nothing");
    CHECK_RC(qr_minisign_pubkey_parse("untrusted comment: x", pk, id), QR_BAD_KEY,
             "a comment and no key");
}

/* Flip bit b of the signature file's line `line` (0-based) decoded field and re-encode. */
static char *flip_field(const char *sig, int line, size_t bit)
{
    char lines[4][8192];
    const char *p = sig;
    for (int i = 0; i < 4; i++) {
        const char *nl = strchr(p, '\n');
        snprintf(lines[i], sizeof lines[i], "%.*s", (int)(nl - p), p);
        p = nl + 1;
    }
    uint8_t bin[128];
    size_t len = 0;
    sodium_base642bin(bin, sizeof bin, lines[line], strlen(lines[line]), NULL, &len, NULL,
                      sodium_base64_VARIANT_ORIGINAL);
    bin[bit / 8 % len] ^= (uint8_t)(1u << (bit % 8));
    sodium_bin2base64(lines[line], sizeof lines[line], bin, len, sodium_base64_VARIANT_ORIGINAL);
    size_t n = strlen(lines[0]) + strlen(lines[1]) + strlen(lines[2]) + strlen(lines[3]) + 5;
    char *out = t_xmalloc(n);
    snprintf(out, n, "%s\n%s\n%s\n%s\n", lines[0], lines[1], lines[2], lines[3]);
    return out;
}

static int verifies(const char *sig, const uint8_t *m, size_t len, const qr_key *k)
{
    qr_minisign_sig s;
    uint8_t id[8];
    qr_minisign_key_id(k->sign_pk, id);
    return qr_minisign_parse(sig, strlen(sig), &s) == QR_OK &&
           qr_minisign_verify(&s, m, len, k->sign_pk, id) == QR_OK;
}

static void test_sign_verify(const qr_key *k, const qr_key *other)
{
    char *sig = NULL;
    qr_minisign_sig s;
    uint8_t id[8];
    CHECK_RC(
        qr_minisign_sign(k->sign_sk, (const uint8_t *)msg, strlen(msg), "a test", trusted, &sig),
        QR_OK, "sign");
    if (!sig)
        return;
    CHECK(!strncmp(sig, "untrusted comment: a test\nRU", 28), "untrusted comment, then \"ED\"...");
    CHECK(strstr(sig, "\ntrusted comment: quorum-minutes forum:f ") != NULL,
          "the trusted comment line");
    size_t nl = 0;
    for (const char *p = sig; *p; p++)
        nl += *p == '\n';
    CHECK(nl == 4 && sig[strlen(sig) - 1] == '\n', "four lines, each ended");
    CHECK_RC(qr_minisign_parse(sig, strlen(sig), &s), QR_OK, "parse");
    CHECK(!strcmp(s.trusted, trusted) && !strcmp(s.untrusted, "a test"), "comments kept");
    qr_minisign_key_id(k->sign_pk, id);
    CHECK(!memcmp(s.key_id, id, 8), "the key id is the signer's");
    CHECK(verifies(sig, (const uint8_t *)msg, strlen(msg), k), "round trip verifies");

    /* every bit of the message */
    int bad = 0;
    uint8_t *m = t_xmalloc(sizeof msg);
    for (size_t bit = 0; bit < 8 * strlen(msg); bit++) {
        memcpy(m, msg, sizeof msg);
        m[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        bad += verifies(sig, m, strlen(msg), k);
    }
    tally(bad, __LINE__, "a flipped bit in the signed file is caught");
    CHECK(!verifies(sig, (const uint8_t *)msg, strlen(msg) - 1, k), "a shortened file fails");
    free(m);

    /* every bit of the signature blob (past the algorithm) and the global signature */
    bad = 0;
    for (size_t bit = 16; bit < 8 * 74; bit++) {
        char *f = flip_field(sig, 1, bit);
        bad += verifies(f, (const uint8_t *)msg, strlen(msg), k);
        free(f);
    }
    for (size_t bit = 0; bit < 8 * 64; bit++) {
        char *f = flip_field(sig, 3, bit);
        bad += verifies(f, (const uint8_t *)msg, strlen(msg), k);
        free(f);
    }
    tally(bad, __LINE__, "a flipped bit in either signature is caught");

    /* the trusted comment is signed: change one character */
    char *t = strdup(sig);
    char *tc = strstr(t, "forum:f");
    tc[6] = 'g';
    CHECK(!verifies(t, (const uint8_t *)msg, strlen(msg), k), "an edited trusted comment fails");
    free(t);
    /* the untrusted comment is not */
    t = strdup(sig);
    t[19] = 'A';
    CHECK(verifies(t, (const uint8_t *)msg, strlen(msg), k), "the untrusted comment is not signed");
    free(t);

    /* another key: the ids differ, and with a forged id the signature still fails */
    uint8_t oid[8];
    qr_minisign_key_id(other->sign_pk, oid);
    CHECK_RC(qr_minisign_verify(&s, (const uint8_t *)msg, strlen(msg), other->sign_pk, oid),
             QR_WRONG_SIGNER, "another key's id");
    CHECK_RC(qr_minisign_verify(&s, (const uint8_t *)msg, strlen(msg), other->sign_pk, id),
             QR_BAD_SIGNATURE, "another key under this id");
    free(sig);
}

static void test_refusals(const qr_key *k)
{
    char *sig = NULL, buf[QR_MINISIGN_MAX_FILE + 64];
    qr_minisign_sig s;
    CHECK_RC(qr_minisign_sign(k->sign_sk, (const uint8_t *)msg, 3, "x", "a\nb", &sig), QR_TOO_LARGE,
             "a trusted comment may not hold a newline");
    free(sig);
    sig = NULL;
    char longer[QR_MINISIGN_MAX_TRUSTED + 2];
    memset(longer, 'a', sizeof longer - 1);
    longer[sizeof longer - 1] = 0;
    CHECK_RC(qr_minisign_sign(k->sign_sk, (const uint8_t *)msg, 3, "x", longer, &sig), QR_TOO_LARGE,
             "an over-long trusted comment");
    free(sig);
    sig = NULL;
    if (qr_minisign_sign(k->sign_sk, (const uint8_t *)msg, strlen(msg), "c", "t", &sig) != QR_OK)
        return;
    size_t n = strlen(sig);
    /* every truncation is refused (the last line needs its newline) */
    int bad = 0;
    for (size_t cut = 0; cut < n; cut++)
        bad += qr_minisign_parse(sig, cut, &s) == QR_OK;
    tally(bad, __LINE__, "every truncated signature file is refused");
    CHECK_RC(qr_minisign_parse(sig, QR_MINISIGN_MAX_FILE + 1, &s), QR_TOO_LARGE,
             "an oversized signature file");
    snprintf(buf, sizeof buf, "%sextra\n", sig);
    CHECK(qr_minisign_parse(buf, strlen(buf), &s) != QR_OK, "a fifth line is refused");
    snprintf(buf, sizeof buf, "%s", sig);
    buf[0] = 'U';
    CHECK(qr_minisign_parse(buf, strlen(buf), &s) != QR_OK, "a bad untrusted prefix");
    snprintf(buf, sizeof buf, "%s", sig);
    char *alg = strchr(buf, '\n') + 1;
    alg[1] = 'W'; /* "RW...": the legacy "Ed" algorithm */
    CHECK(qr_minisign_parse(buf, strlen(buf), &s) != QR_OK, "the legacy algorithm is refused");
    snprintf(buf, sizeof buf, "%s", sig);
    buf[5] = 0;
    CHECK(qr_minisign_parse(buf, n, &s) != QR_OK, "a NUL is refused");
    /* CRLF line ends are read as minisign reads them */
    char crlf[QR_MINISIGN_MAX_FILE * 2];
    size_t k2 = 0;
    for (size_t i = 0; i < n; i++) {
        if (sig[i] == '\n')
            crlf[k2++] = '\r';
        crlf[k2++] = sig[i];
    }
    CHECK(qr_minisign_parse(crlf, k2, &s) == QR_OK &&
              qr_minisign_verify(&s, (const uint8_t *)msg, strlen(msg), k->sign_pk, s.key_id) ==
                  QR_OK,
          "CRLF line ends are accepted");
    /* garbage */
    uint8_t junk[600];
    bad = 0;
    for (int i = 0; i < 200; i++) {
        randombytes_buf(junk, sizeof junk);
        bad += qr_minisign_parse((const char *)junk, sizeof junk, &s) == QR_OK;
    }
    tally(bad, __LINE__, "random bytes are refused");
    free(sig);
}

int main(void)
{
    t_begin("test_minisign");
    if (sodium_init() < 0)
        return 2;
    qr_key *k = qr_key_generate("clerk.test"), *other = qr_key_generate("other");
    if (!k || !other)
        return 2;
    test_pubkey(k);
    test_sign_verify(k, other);
    test_refusals(k);
    qr_key_destroy(&k);
    qr_key_destroy(&other);
    return t_end();
}
