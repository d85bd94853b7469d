/*
 * test_note.c: signed notes, cosignatures and checkpoints (lib/note.c, lib/checkpoint.c).
 *
 * Usage: test_note <vectors dir>      (e.g. ../shared/vectors)
 *
 * The published vectors in notes.json must verify, and signing from their seeds must give
 * back their signature lines byte for byte; then every single-bit change to a text, a
 * signature or a public key must make verification fail, and each malformed input a note,
 * a verifier key or a checkpoint can arrive as must be refused.
 */
#include "check.h"
#include "checkpoint.h"
#include "note.h"
#include "tjson.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define DASH "\xe2\x80\x94 " /* what starts every signature line */
#define MAX_PAYLOAD 128      /* key id and signature bytes of any vector */

/* A growable string; tests abort on allocation failure rather than limp on. */
typedef struct {
    char *p;
    size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            fprintf(stderr, "test_note: out of memory\n");
            exit(2);
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_str(sbuf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

static void sb_reset(sbuf *b)
{
    b->len = 0;
    sb_add(b, "", 0);
}

static void sb_free(sbuf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

/* "— name base64(payload)\n" */
static void sb_sigline(sbuf *b, const char *name, const uint8_t *payload, size_t n)
{
    char b64[sodium_base64_ENCODED_LEN(4096, sodium_base64_VARIANT_ORIGINAL)];

    sodium_bin2base64(b64, sizeof b64, payload, n, sodium_base64_VARIANT_ORIGINAL);
    sb_str(b, DASH);
    sb_str(b, name);
    sb_str(b, " ");
    sb_str(b, b64);
    sb_str(b, "\n");
}

static int unhex(const char *hex, uint8_t *out, size_t want)
{
    size_t n;

    if (!hex || strlen(hex) != 2 * want)
        return -1;
    if (sodium_hex2bin(out, want, hex, 2 * want, NULL, &n, NULL) != 0 || n != want)
        return -1;
    return 0;
}

/* Split a vector's signature line "— name b64" into name and decoded payload. */
static int split_sigline(const char *line, char name[QR_MAX_NAME + 1], uint8_t *payload,
                         size_t *plen)
{
    if (strncmp(line, DASH, 4) != 0)
        return -1;
    const char *sp = strchr(line + 4, ' ');
    if (!sp || (size_t)(sp - line - 4) > QR_MAX_NAME)
        return -1;
    memcpy(name, line + 4, (size_t)(sp - line - 4));
    name[sp - line - 4] = '\0';
    return sodium_base642bin(payload, MAX_PAYLOAD, sp + 1, strlen(sp + 1), NULL, plen, NULL,
                             sodium_base64_VARIANT_ORIGINAL);
}

/* Parse, then verify with v as its type says; the first code that is not QR_OK. */
static int open_note(const char *note, size_t len, const qr_note_verifier *v, uint64_t *ts)
{
    static qr_note parsed;
    uint64_t t = 0;
    int r;

    if ((r = qr_note_parse(note, len, &parsed)) != QR_OK)
        return r;
    if (v->type == QR_NOTE_COSIG) {
        r = qr_cosig_verify(note, &parsed, v, &t);
        if (ts)
            *ts = t;
        return r;
    }
    return qr_note_verify(note, &parsed, v);
}

/* Every bit of every byte of the text, flipped in turn, must break the signature. */
static void flip_text(const char *text, const char *sigline, const qr_note_verifier *v)
{
    sbuf note = {0};
    size_t n = strlen(text);
    int bad = 0;

    for (size_t i = 0; i < n * 8; i++) {
        sb_reset(&note);
        sb_str(&note, text);
        note.p[i / 8] = (char)(note.p[i / 8] ^ (1 << (i % 8)));
        sb_str(&note, "\n");
        sb_str(&note, sigline);
        sb_str(&note, "\n");
        int r = open_note(note.p, note.len, v, NULL);
        if (r == QR_OK) {
            bad++;
            printf("FAIL %s: text bit %zu flipped still verifies\n", v->name, i);
        }
    }
    tally(bad, __LINE__, "text bit flips");
    sb_free(&note);
}

/* Every bit of key id and signature: an id bit makes the line a stranger's, any other bit a
 * forgery. */
static void flip_sig(const char *text, const char *name, const uint8_t *payload, size_t plen,
                     const qr_note_verifier *v)
{
    sbuf note = {0};
    uint8_t p[MAX_PAYLOAD];
    int bad = 0;

    for (size_t i = 0; i < plen * 8; i++) {
        memcpy(p, payload, plen);
        p[i / 8] = (uint8_t)(p[i / 8] ^ (1u << (i % 8)));
        sb_reset(&note);
        sb_str(&note, text);
        sb_str(&note, "\n");
        sb_sigline(&note, name, p, plen);
        int want = i < 32 ? QR_NOT_FOUND : QR_BAD_SIGNATURE;
        int r = open_note(note.p, note.len, v, NULL);
        if (r != want) {
            bad++;
            printf("FAIL %s: signature bit %zu flipped gives %s, want %s\n", v->name, i,
                   qr_code_name(r), qr_code_name(want));
        }
    }
    tally(bad, __LINE__, "signature bit flips");
    sb_free(&note);
}

/*
 * Every bit of the public key, three ways: in the vkey string (its id no longer matches);
 * in a verifier whose id is left stale (refused as a key); and in a verifier with a fresh id
 * whose signature line is relabelled to match, so that only Ed25519 itself stands between
 * the wrong key and acceptance.
 */
static void flip_key(const char *vkey, const char *text, const char *name, const uint8_t *payload,
                     size_t plen, const qr_note_verifier *v)
{
    sbuf note = {0}, s = {0};
    uint8_t p[MAX_PAYLOAD], raw[33];
    char b64[sodium_base64_ENCODED_LEN(33, sodium_base64_VARIANT_ORIGINAL)];
    qr_note_verifier w, parsed;
    int bad = 0;

    /* The name holds no '+' and the id none, so the key follows the second '+'. */
    const char *key_at = strchr(strchr(vkey, '+') + 1, '+') + 1;
    raw[0] = v->type;
    memcpy(raw + 1, v->pk, 32);
    for (size_t i = 0; i < sizeof raw * 8; i++) {
        raw[i / 8] = (uint8_t)(raw[i / 8] ^ (1u << (i % 8)));
        sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_ORIGINAL);
        raw[i / 8] = (uint8_t)(raw[i / 8] ^ (1u << (i % 8)));
        sb_reset(&s);
        sb_add(&s, vkey, (size_t)(key_at - vkey));
        sb_str(&s, b64);
        int r = qr_note_vkey_parse(s.p, &parsed);
        if (r != QR_BAD_KEY) {
            bad++;
            printf("FAIL %s: vkey bit %zu flipped gives %s\n", v->name, i, qr_code_name(r));
        }
    }
    for (size_t i = 0; i < 256; i++) {
        w = *v;
        w.pk[i / 8] = (uint8_t)(w.pk[i / 8] ^ (1u << (i % 8)));
        sb_reset(&note);
        sb_str(&note, text);
        sb_str(&note, "\n");
        sb_sigline(&note, name, payload, plen);
        int r = open_note(note.p, note.len, &w, NULL);
        if (r != QR_BAD_KEY) {
            bad++;
            printf("FAIL %s: pk bit %zu with stale id gives %s\n", v->name, i, qr_code_name(r));
        }
        qr_note_key_id(w.name, w.type, w.pk, w.id);
        memcpy(p, payload, plen);
        memcpy(p, w.id, 4);
        sb_reset(&note);
        sb_str(&note, text);
        sb_str(&note, "\n");
        sb_sigline(&note, name, p, plen);
        r = open_note(note.p, note.len, &w, NULL);
        if (r != QR_BAD_SIGNATURE) {
            bad++;
            printf("FAIL %s: pk bit %zu flipped gives %s\n", v->name, i, qr_code_name(r));
        }
    }
    tally(bad, __LINE__, "public key bit flips");
    sb_free(&note);
    sb_free(&s);
}

static const tj_value *find_kind(const tj_value *doc, const char *kind)
{
    for (size_t i = 0; i < doc->n; i++) {
        const char *k = tj_str(doc->items[i], "kind");
        if (k && strcmp(k, kind) == 0)
            return doc->items[i];
    }
    return NULL;
}

static void test_checkpoint_vector(const char *text, const char *origin, const uint8_t *root8)
{
    qr_checkpoint cp, built;
    char out[512];

    CHECK_RC(qr_checkpoint_parse(text, strlen(text), &cp), QR_OK, "checkpoint vector parses");
    CHECK(strcmp(cp.origin, origin) == 0, "checkpoint origin %s, want %s", cp.origin, origin);
    CHECK(cp.size == 8, "checkpoint size %" PRIu64 ", want 8", cp.size);
    CHECK(memcmp(cp.root, root8, QR_HASH_LEN) == 0, "checkpoint root is tree-heads size 8");
    CHECK_RC(qr_checkpoint_format(&cp, out, sizeof out), QR_OK, "checkpoint formats");
    CHECK(strcmp(out, text) == 0, "checkpoint formats back to the vector's text");

    memset(&built, 0, sizeof built);
    snprintf(built.origin, sizeof built.origin, "%s", origin);
    built.size = 8;
    memcpy(built.root, root8, QR_HASH_LEN);
    CHECK_RC(qr_checkpoint_format(&built, out, sizeof out), QR_OK, "checkpoint from parts");
    CHECK(strcmp(out, text) == 0, "checkpoint from its parts is the vector's text");
}

/* The cosigned note carries the log's signature and the witness's cosignature. */
static void test_cosigned_note(const char *note, const qr_note_verifier *log,
                               const qr_note_verifier *witness, uint64_t want_ts)
{
    static qr_note parsed;
    uint64_t ts = 0;

    CHECK_RC(qr_note_parse(note, strlen(note), &parsed), QR_OK, "cosigned note parses");
    CHECK(parsed.nsigs == 2, "cosigned note has %zu signatures, want 2", parsed.nsigs);
    CHECK_RC(qr_note_verify(note, &parsed, log), QR_OK, "cosigned note: log signature");
    CHECK_RC(qr_cosig_verify(note, &parsed, witness, &ts), QR_OK, "cosigned note: cosignature");
    CHECK(ts == want_ts, "cosignature timestamp %" PRIu64 ", want %" PRIu64, ts, want_ts);
    CHECK_RC(qr_note_verify(note, &parsed, witness), QR_BAD_KEY, "a witness key is not a note key");
    CHECK_RC(qr_cosig_verify(note, &parsed, log, &ts), QR_BAD_KEY,
             "a log key is not a witness key");
}

static void test_vector(const tj_value *vec, const tj_value *doc, const uint8_t *root8)
{
    const char *kind = tj_str(vec, "kind"), *vkey = tj_str(vec, "vkey");
    const char *sigline = tj_str(vec, "signature"), *seed_hex = tj_str(vec, "seed_hex");
    const char *text = tj_str(vec, "text");
    int cosig = kind && strcmp(kind, "cosignature") == 0;
    qr_note_verifier v;
    char name[QR_MAX_NAME + 1], line[QR_NOTE_SIGLINE_MAX], vk[QR_NOTE_VKEY_MAX];
    uint8_t payload[MAX_PAYLOAD];
    size_t plen = 0;
    uint64_t want_ts = 0, ts = 0;
    sbuf note = {0};

    if (cosig) {
        const tj_value *t = tj_get(vec, "timestamp");
        text = tj_str(vec, "checkpoint_text");
        if (t && t->type == TJ_NUMBER)
            want_ts = (uint64_t)t->number;
    }
    if (!kind || !vkey || !sigline || !text) {
        CHECK(0, "vector is missing kind, vkey, text or signature");
        return;
    }
    printf("# %s %s\n", kind, vkey);

    CHECK_RC(qr_note_vkey_parse(vkey, &v), QR_OK, "vector vkey parses");
    CHECK(v.type == (cosig ? QR_NOTE_COSIG : QR_NOTE_ED25519), "vkey type %d", v.type);
    CHECK_RC(qr_note_vkey_format(v.name, v.type, v.pk, vk, sizeof vk), QR_OK, "vkey formats");
    CHECK(strcmp(vk, vkey) == 0, "vkey formats back to %s, got %s", vkey, vk);

    sb_str(&note, text);
    sb_str(&note, "\n");
    sb_str(&note, sigline);
    sb_str(&note, "\n");
    const char *whole = tj_str(vec, "note");
    if (whole)
        CHECK(strcmp(whole, note.p) == 0, "the vector's note is text, blank line, signature");
    CHECK_RC(open_note(note.p, note.len, &v, &ts), QR_OK, "vector note verifies");
    if (cosig)
        CHECK(ts == want_ts, "cosignature timestamp %" PRIu64 ", want %" PRIu64, ts, want_ts);

    int split_ok = split_sigline(sigline, name, payload, &plen) == 0;
    CHECK(split_ok && strcmp(name, v.name) == 0, "vector signature line names its key");
    CHECK(plen == (cosig ? 76u : 68u), "vector signature payload is %zu bytes", plen);

    if (seed_hex) {
        uint8_t seed[32], pk[32], sk[64];
        CHECK(unhex(seed_hex, seed, sizeof seed) == 0, "seed_hex is 32 bytes of hex");
        crypto_sign_seed_keypair(pk, sk, seed);
        CHECK(memcmp(pk, v.pk, 32) == 0, "seed gives the vkey's public key");
        int r = cosig
                    ? qr_cosig_sign_line(text, strlen(text), v.name, sk, want_ts, line, sizeof line)
                    : qr_note_sign_line(text, strlen(text), v.name, sk, line, sizeof line);
        CHECK_RC(r, QR_OK, "signing from the seed");
        CHECK(strlen(line) == strlen(sigline) + 1 && strncmp(line, sigline, strlen(sigline)) == 0 &&
                  line[strlen(sigline)] == '\n',
              "signing from the seed reproduces the signature line: got %s", line);
        sodium_memzero(sk, sizeof sk);
        sodium_memzero(seed, sizeof seed);
    }
    if (cosig) {
        const char *msg = tj_str(vec, "signed_message");
        CHECK(msg && plen == 76 &&
                  crypto_sign_verify_detached(payload + 12, (const uint8_t *)msg, strlen(msg),
                                              v.pk) == 0,
              "the cosignature's Ed25519 part signs the vector's signed_message");
        const tj_value *cp = find_kind(doc, "checkpoint");
        const char *cnote = tj_str(vec, "cosigned_note");
        qr_note_verifier logv;
        if (cp && cnote && qr_note_vkey_parse(tj_str(cp, "vkey"), &logv) == QR_OK)
            test_cosigned_note(cnote, &logv, &v, want_ts);
        else
            CHECK(0, "cosignature vector lacks a cosigned note or the checkpoint's vkey");
    }
    if (strcmp(kind, "checkpoint") == 0)
        test_checkpoint_vector(text, v.name, root8);

    if (split_ok) {
        flip_text(text, sigline, &v);
        flip_sig(text, name, payload, plen, &v);
        flip_key(vkey, text, name, payload, plen, &v);
    }
    sb_free(&note);
}

/* A key of our own, from a fixed seed so failures reproduce. */
typedef struct {
    uint8_t pk[32], sk[64];
    qr_note_verifier v, cv; /* as note signer and as witness */
} test_key;

static void make_key(test_key *k, const char *name)
{
    uint8_t seed[32];
    char vk[QR_NOTE_VKEY_MAX];

    crypto_hash_sha256(seed, (const uint8_t *)name, strlen(name));
    crypto_sign_seed_keypair(k->pk, k->sk, seed);
    if (qr_note_vkey_format(name, QR_NOTE_ED25519, k->pk, vk, sizeof vk) != QR_OK ||
        qr_note_vkey_parse(vk, &k->v) != QR_OK ||
        qr_note_vkey_format(name, QR_NOTE_COSIG, k->pk, vk, sizeof vk) != QR_OK ||
        qr_note_vkey_parse(vk, &k->cv) != QR_OK) {
        fprintf(stderr, "test_note: cannot make key %s\n", name);
        exit(2);
    }
}

/* text + "\n" + one signature line by k. */
static void signed_note(sbuf *b, const test_key *k, const char *text, size_t len)
{
    char line[QR_NOTE_SIGLINE_MAX];

    sb_reset(b);
    sb_add(b, text, len);
    sb_str(b, "\n");
    if (qr_note_sign_line(text, len, k->v.name, k->sk, line, sizeof line) == QR_OK)
        sb_str(b, line);
}

/* The example note and its signature line, spliced in the ways a note can be malformed. */
static void test_parse_negative(void)
{
    static const char text[] = "This is an example message.\n";
    static const char name[] = "example.com/foo";
    static const char b64[] = "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH"
                              "3mFXmRKuwHjG1Yu72IneyaQM=";
    static const struct {
        const char *what, *note;
        int want;
    } cases[] = {
        {"well-formed", "T\n\n" DASH "n AAAAAAA=\n", QR_OK},
        {"empty input", "", QR_BAD_NOTE},
        {"only a newline", "\n", QR_BAD_NOTE},
        {"no signatures", "T\n\n", QR_BAD_NOTE},
        {"missing blank line", "T\n" DASH "n AAAAAAA=\n", QR_BAD_NOTE},
        {"no trailing newline", "T\n\n" DASH "n AAAAAAA=", QR_BAD_NOTE},
        {"blank line after signatures", "T\n\n" DASH "n AAAAAAA=\n\n", QR_BAD_NOTE},
        {"text without newline", "T" DASH "n AAAAAAA=\n", QR_BAD_NOTE},
        /* the last blank line splits, so the first "signature" is text */
        {"blank line between signatures", "T\n\n" DASH "n AAAAAAA=\n\n" DASH "n AAAAAAA=\n", QR_OK},
        {"ASCII dashes", "T\n\n-- n AAAAAAA=\n", QR_BAD_NOTE},
        {"en dash", "T\n\n\xe2\x80\x93 n AAAAAAA=\n", QR_BAD_NOTE},
        {"no space after dash", "T\n\n\xe2\x80\x94n AAAAAAA=\n", QR_BAD_NOTE},
        {"space before dash", "T\n\n " DASH "n AAAAAAA=\n", QR_BAD_NOTE},
        {"no signature after name", "T\n\n" DASH "n\n", QR_BAD_NOTE},
        {"empty signature", "T\n\n" DASH "n \n", QR_BAD_NOTE},
        {"empty name", "T\n\n" DASH " AAAAAAA=\n", QR_BAD_NOTE},
        {"name with '+'", "T\n\n" DASH "n+m AAAAAAA=\n", QR_BAD_NOTE},
        {"name with NBSP", "T\n\n" DASH "n\xc2\xa0m AAAAAAA=\n", QR_BAD_NOTE},
        {"name with ideographic space", "T\n\n" DASH "n\xe3\x80\x80m AAAAAAA=\n", QR_BAD_NOTE},
        {"name with line separator", "T\n\n" DASH "n\xe2\x80\xa8m AAAAAAA=\n", QR_BAD_NOTE},
        {"UTF-8 name", "T\n\n" DASH "n\xc3\xa8m AAAAAAA=\n", QR_OK},
        {"two spaces", "T\n\n" DASH "n  AAAAAAA=\n", QR_BAD_NOTE},
        {"trailing space", "T\n\n" DASH "n AAAAAAA= \n", QR_BAD_NOTE},
        {"base64 with a bad character", "T\n\n" DASH "n AAA!AAA=\n", QR_BAD_NOTE},
        {"base64 without padding", "T\n\n" DASH "n AAAAAAA\n", QR_BAD_NOTE},
        {"base64 with extra padding", "T\n\n" DASH "n AAAAAAA==\n", QR_BAD_NOTE},
        {"base64 with stray bits", "T\n\n" DASH "n AAAAAAB=\n", QR_BAD_NOTE},
        {"URL-safe base64", "T\n\n" DASH "n AAAA_-A=\n", QR_BAD_NOTE},
        {"signature of 4 bytes", "T\n\n" DASH "n AAAAAA==\n", QR_BAD_NOTE},
        {"carriage return", "T\r\n\n" DASH "n AAAAAAA=\n", QR_BAD_NOTE},
        {"CRLF signature line", "T\n\n" DASH "n AAAAAAA=\r\n", QR_BAD_NOTE},
        {"tab in text", "a\tb\n\n" DASH "n AAAAAAA=\n", QR_BAD_NOTE},
        {"invalid UTF-8", "\xff\n\n" DASH "n AAAAAAA=\n", QR_BAD_NOTE},
        {"overlong UTF-8", "\xc0\xaf\n\n" DASH "n AAAAAAA=\n", QR_BAD_NOTE},
        {"overlong 3-byte UTF-8", "\xe0\x80\xaf\n\n" DASH "n AAAAAAA=\n", QR_BAD_NOTE},
        {"overlong 4-byte UTF-8", "\xf0\x80\x80\xaf\n\n" DASH "n AAAAAAA=\n", QR_BAD_NOTE},
        {"UTF-16 surrogate", "\xed\xa0\x80\n\n" DASH "n AAAAAAA=\n", QR_BAD_NOTE},
        {"truncated UTF-8", "\xe2\x80\n\n" DASH "n AAAAAAA=\n", QR_BAD_NOTE},
        {"beyond U+10FFFF", "\xf4\x90\x80\x80\n\n" DASH "n AAAAAAA=\n", QR_BAD_NOTE},
        {"UTF-8 text", "ed \xc3\xa8 subito sera.\n\n" DASH "n AAAAAAA=\n", QR_OK},
        {"blank lines in text", "a\n\nb\n\n\n" DASH "n AAAAAAA=\n", QR_OK},
    };
    static qr_note parsed;
    sbuf note = {0};
    char what[160];

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(what, sizeof what, "parse: %s", cases[i].what);
        CHECK_RC(qr_note_parse(cases[i].note, strlen(cases[i].note), &parsed), cases[i].want, what);
    }
    static const char blank2[] = "a\n\nb\n\n\n" DASH "n AAAAAAA=\n";
    CHECK_RC(qr_note_parse(blank2, strlen(blank2), &parsed), QR_OK,
             "parse: text ending in a blank line");
    CHECK(parsed.text_len == 6, "the text ends at the last blank line (text_len %zu, want 6)",
          parsed.text_len);
    static const char blank1[] = "a\n\nb\n\n" DASH "n AAAAAAA=\n";
    CHECK_RC(qr_note_parse(blank1, strlen(blank1), &parsed), QR_OK,
             "parse: text with a blank line");
    CHECK(parsed.text_len == 5, "a blank line inside the text stays in it (text_len %zu, want 5)",
          parsed.text_len);
    static const char utf8name[] = "T\n\n" DASH "n\xc3\xa8m AAAAAAA=\n";
    CHECK_RC(qr_note_parse(utf8name, strlen(utf8name), &parsed), QR_OK, "parse: UTF-8 name");
    CHECK(strcmp(parsed.sigs[0].name, "n\xc3\xa8m") == 0 && parsed.sigs[0].sig_len == 0,
          "a short signature is kept by name with sig_len 0");

    static const char nul[] = "T\0U\n\n" DASH "n AAAAAAA=\n";
    CHECK_RC(qr_note_parse(nul, sizeof nul - 1, &parsed), QR_BAD_NOTE, "parse: NUL in text");
    static const char nul2[] = "T\n\n" DASH "n AAAA\0AAA=\n";
    CHECK_RC(qr_note_parse(nul2, sizeof nul2 - 1, &parsed), QR_BAD_NOTE, "parse: NUL in signature");
    CHECK_RC(qr_note_parse(NULL, 0, &parsed), QR_BAD_NOTE, "parse: NULL note");

    /* The real example with one change at a time. */
    sb_str(&note, text);
    sb_str(&note, "\n" DASH);
    sb_str(&note, name);
    sb_str(&note, " ");
    sb_str(&note, b64);
    sb_str(&note, "\n");
    CHECK_RC(qr_note_parse(note.p, note.len, &parsed), QR_OK, "parse: the spec's example");
    CHECK(parsed.nsigs == 1 && parsed.sigs[0].sig_len == 64 &&
              strcmp(parsed.sigs[0].name, name) == 0 &&
              memcmp(parsed.sigs[0].id, "\x53\x0d\x90\x3a", 4) == 0,
          "the example's signature line is read as name, id, 64 bytes");
    CHECK(parsed.text_len == strlen(text), "the example's text_len");
    CHECK_RC(qr_note_parse(note.p, note.len - 1, &parsed), QR_BAD_NOTE,
             "parse: the example without its last newline");
    note.p[strlen(text)] = 'x';
    CHECK_RC(qr_note_parse(note.p, note.len, &parsed), QR_BAD_NOTE,
             "parse: the example without its blank line");
    note.p[strlen(text)] = '\n';
    note.p[note.len - 3] = 'N'; /* "M=" -> "N=": a set bit where padding must be zero */
    CHECK_RC(qr_note_parse(note.p, note.len, &parsed), QR_BAD_NOTE,
             "parse: the example with non-canonical base64");
    sb_free(&note);
}

static void test_limits(const test_key *k)
{
    static qr_note parsed;
    sbuf note = {0}, text = {0}, s = {0};
    char line[QR_NOTE_SIGLINE_MAX];
    char name[QR_MAX_NAME + 2];

    /* Text of exactly the limit signs and verifies; one byte more is refused. */
    for (int i = 0; i < QR_NOTE_MAX_TEXT / 64; i++)
        sb_str(&text, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\n");
    CHECK(text.len == QR_NOTE_MAX_TEXT, "limit text is %zu bytes", text.len);
    signed_note(&note, k, text.p, text.len);
    CHECK_RC(open_note(note.p, note.len, &k->v, NULL), QR_OK, "text of QR_NOTE_MAX_TEXT");
    sb_reset(&s);
    sb_str(&s, "x");
    sb_add(&s, note.p, note.len);
    CHECK_RC(qr_note_parse(s.p, s.len, &parsed), QR_TOO_LARGE, "text of QR_NOTE_MAX_TEXT + 1");
    sb_reset(&s);
    sb_str(&s, "x");
    sb_add(&s, text.p, text.len);
    CHECK_RC(qr_note_sign_line(s.p, s.len, k->v.name, k->sk, line, sizeof line), QR_BAD_NOTE,
             "signing text of QR_NOTE_MAX_TEXT + 1");
    CHECK_RC(qr_cosig_sign_line(s.p, s.len, k->v.name, k->sk, 1, line, sizeof line), QR_BAD_NOTE,
             "cosigning text of QR_NOTE_MAX_TEXT + 1");

    /* QR_NOTE_MAX_SIGS signatures are fine, one more is not. */
    signed_note(&note, k, "hello\n", 6);
    size_t one = note.len - 7;
    sb_reset(&s);
    sb_add(&s, note.p, note.len);
    for (int i = 1; i < QR_NOTE_MAX_SIGS; i++)
        sb_add(&s, note.p + 7, one);
    CHECK_RC(open_note(s.p, s.len, &k->v, NULL), QR_OK, "QR_NOTE_MAX_SIGS signatures");
    sb_add(&s, note.p + 7, one);
    CHECK_RC(qr_note_parse(s.p, s.len, &parsed), QR_TOO_LARGE, "QR_NOTE_MAX_SIGS + 1 signatures");

    /* Names of QR_MAX_NAME bytes, and one more. */
    memset(name, 'n', QR_MAX_NAME);
    name[QR_MAX_NAME] = '\0';
    sb_reset(&s);
    sb_str(&s, "T\n\n" DASH);
    sb_str(&s, name);
    sb_str(&s, " AAAAAAA=\n");
    CHECK_RC(qr_note_parse(s.p, s.len, &parsed), QR_OK, "a name of QR_MAX_NAME bytes");
    CHECK(strcmp(parsed.sigs[0].name, name) == 0, "a long name is kept whole");
    CHECK_RC(qr_note_sign_line("T\n", 2, name, k->sk, line, sizeof line), QR_OK,
             "signing under a name of QR_MAX_NAME bytes fits QR_NOTE_SIGLINE_MAX");
    CHECK_RC(qr_cosig_sign_line("T\n", 2, name, k->sk, INT64_MAX, line, sizeof line), QR_OK,
             "cosigning under a name of QR_MAX_NAME bytes fits QR_NOTE_SIGLINE_MAX");
    name[QR_MAX_NAME] = 'n';
    name[QR_MAX_NAME + 1] = '\0';
    sb_reset(&s);
    sb_str(&s, "T\n\n" DASH);
    sb_str(&s, name);
    sb_str(&s, " AAAAAAA=\n");
    CHECK_RC(qr_note_parse(s.p, s.len, &parsed), QR_BAD_NOTE, "a name of QR_MAX_NAME + 1 bytes");
    CHECK_RC(qr_note_sign_line("T\n", 2, name, k->sk, line, sizeof line), QR_BAD_KEY,
             "signing under a name of QR_MAX_NAME + 1 bytes");

    /* A post-quantum-sized signature from someone else is carried, unparsed. */
    uint8_t big[4 + 8 + 2420];
    memset(big, 0xa5, sizeof big);
    sb_reset(&s);
    sb_add(&s, note.p, note.len);
    sb_sigline(&s, "other.example/pq", big, sizeof big);
    CHECK_RC(qr_note_parse(s.p, s.len, &parsed), QR_OK, "a long unknown signature is carried");
    CHECK(parsed.nsigs == 2 && parsed.sigs[1].sig_len == 0, "and kept with sig_len 0");
    CHECK_RC(qr_note_verify(s.p, &parsed, &k->v), QR_OK, "and does not disturb verification");
    uint8_t huge[3200];
    memset(huge, 0x5a, sizeof huge);
    sb_reset(&s);
    sb_add(&s, note.p, note.len);
    sb_sigline(&s, "other.example/huge", huge, sizeof huge);
    CHECK_RC(qr_note_parse(s.p, s.len, &parsed), QR_TOO_LARGE, "an over-long signature line");

    sb_free(&note);
    sb_free(&text);
    sb_free(&s);
}

/* Which signature lines a verifier listens to, and what one bad line does to a note. */
static void test_matching(const test_key *k, const test_key *other)
{
    static qr_note parsed;
    sbuf note = {0}, s = {0};
    char line[QR_NOTE_SIGLINE_MAX];
    uint8_t payload[MAX_PAYLOAD];
    char name[QR_MAX_NAME + 1];
    size_t plen;
    uint64_t ts = 0;

    signed_note(&note, k, "hello\n", 6);
    CHECK_RC(open_note(note.p, note.len, &k->v, NULL), QR_OK, "own note verifies");
    CHECK_RC(open_note(note.p, note.len, &other->v, NULL), QR_NOT_FOUND,
             "another key finds no signature of its own");
    CHECK_RC(open_note(note.p, note.len, &k->cv, NULL), QR_NOT_FOUND,
             "the same key as witness does not take a note signature for a cosignature");
    note.p[note.len - 1] = '\0';
    CHECK(split_sigline(note.p + 7, name, payload, &plen) == 0, "own signature line splits");
    note.p[note.len - 1] = '\n';

    /* Right name, wrong id; right id, wrong name: both strangers, both ignored. */
    payload[3] ^= 1;
    sb_reset(&s);
    sb_str(&s, "hello\n\n");
    sb_sigline(&s, name, payload, plen);
    CHECK_RC(open_note(s.p, s.len, &k->v, NULL), QR_NOT_FOUND, "wrong key id is ignored");
    payload[3] ^= 1;
    sb_reset(&s);
    sb_str(&s, "hello\n\n");
    sb_sigline(&s, "quorum.test/other-name", payload, plen);
    CHECK_RC(open_note(s.p, s.len, &k->v, NULL), QR_NOT_FOUND, "wrong key name is ignored");

    /* A good signature beside strangers verifies; beside a bad one from the same key not. */
    sb_reset(&s);
    sb_add(&s, note.p, note.len);
    uint8_t zeros[68] = {0};
    sb_sigline(&s, "someone.else", zeros, sizeof zeros);
    CHECK_RC(open_note(s.p, s.len, &k->v, NULL), QR_OK, "a stranger's line is ignored");
    CHECK_RC(open_note(s.p, s.len, &other->v, NULL), QR_NOT_FOUND, "and matches no one we know");
    payload[20] ^= 0x40;
    sb_sigline(&s, name, payload, plen);
    CHECK_RC(open_note(s.p, s.len, &k->v, NULL), QR_BAD_SIGNATURE,
             "one bad signature from the key rejects the note");
    payload[20] ^= 0x40;
    sb_reset(&s);
    sb_add(&s, note.p, note.len);
    sb_add(&s, note.p + 7, note.len - 7);
    CHECK_RC(open_note(s.p, s.len, &k->v, NULL), QR_OK, "a duplicated good signature");
    sb_reset(&s);
    sb_str(&s, "hello\n\n");
    sb_sigline(&s, name, payload, plen - 1);
    CHECK_RC(open_note(s.p, s.len, &k->v, NULL), QR_BAD_SIGNATURE,
             "a known key's line of an unknown length never verifies");

    /* Cosignatures: the same rules, and a timestamp. */
    CHECK_RC(qr_cosig_sign_line("hello\n", 6, k->cv.name, k->sk, 42, line, sizeof line), QR_OK,
             "cosign");
    sb_reset(&s);
    sb_add(&s, note.p, note.len);
    sb_str(&s, line);
    CHECK_RC(open_note(s.p, s.len, &k->cv, &ts), QR_OK, "cosignature beside a note signature");
    CHECK(ts == 42, "cosignature timestamp %" PRIu64 ", want 42", ts);
    CHECK_RC(open_note(s.p, s.len, &k->v, NULL), QR_OK, "and the note signature still verifies");
    CHECK_RC(qr_note_parse(s.p, s.len, &parsed), QR_OK, "parse cosigned");
    CHECK_RC(qr_cosig_verify(s.p, &parsed, &k->cv, NULL), QR_OK, "timestamp pointer optional");
    CHECK_RC(qr_cosig_verify(s.p, &parsed, &other->cv, &ts), QR_NOT_FOUND,
             "another witness finds nothing");
    CHECK_RC(qr_cosig_sign_line("hello\n", 6, k->cv.name, k->sk, INT64_MAX, line, sizeof line),
             QR_OK, "cosign at 2^63 - 1");
    sb_reset(&s);
    sb_str(&s, "hello\n\n");
    sb_str(&s, line);
    CHECK_RC(open_note(s.p, s.len, &k->cv, &ts), QR_OK, "cosignature at 2^63 - 1");
    CHECK(ts == INT64_MAX, "timestamp 2^63 - 1 comes back");
    CHECK_RC(qr_cosig_sign_line("hello\n", 6, k->cv.name, k->sk, (uint64_t)INT64_MAX + 1, line,
                                sizeof line),
             QR_BAD_NOTE, "cosign at 2^63");

    /* A validly signed cosignature whose timestamp is past 2^63 - 1 is still refused. */
    static const char msg[] = "cosignature/v1\ntime 9223372036854775808\nhello\n";
    uint8_t cosig[4 + 8 + 64] = {0};
    memcpy(cosig, k->cv.id, 4);
    cosig[4] = 0x80;
    crypto_sign_detached(cosig + 12, NULL, (const uint8_t *)msg, sizeof msg - 1, k->sk);
    sb_reset(&s);
    sb_str(&s, "hello\n\n");
    sb_sigline(&s, k->cv.name, cosig, sizeof cosig);
    CHECK_RC(open_note(s.p, s.len, &k->cv, &ts), QR_BAD_SIGNATURE,
             "a cosignature dated 2^63 is refused even though it is signed");
    cosig[4] = 0x7f;
    memset(cosig + 5, 0xff, 7);
    static const char msg_max[] = "cosignature/v1\ntime 9223372036854775807\nhello\n";
    crypto_sign_detached(cosig + 12, NULL, (const uint8_t *)msg_max, sizeof msg_max - 1, k->sk);
    sb_reset(&s);
    sb_str(&s, "hello\n\n");
    sb_sigline(&s, k->cv.name, cosig, sizeof cosig);
    CHECK_RC(open_note(s.p, s.len, &k->cv, &ts), QR_OK,
             "a cosignature made by hand over the spec's message verifies");

    /* Handing the parse of one note to the verifier of another is caught where it can be. */
    qr_note bogus = {0};
    bogus.text_len = 3;
    CHECK_RC(qr_note_verify("hello\n", &bogus, &k->v), QR_BAD_NOTE,
             "parsed text that does not end in a newline");
    bogus.text_len = QR_NOTE_MAX_TEXT + 1;
    CHECK_RC(qr_note_verify("hello\n", &bogus, &k->v), QR_BAD_NOTE, "parsed text too long");

    sb_free(&note);
    sb_free(&s);
}

static void test_signing_errors(const test_key *k)
{
    char line[QR_NOTE_SIGLINE_MAX];
    static const char nul[] = "a\0b\n";

    CHECK_RC(qr_note_sign_line("hello", 5, k->v.name, k->sk, line, sizeof line), QR_BAD_NOTE,
             "sign: text without final newline");
    CHECK_RC(qr_note_sign_line("", 0, k->v.name, k->sk, line, sizeof line), QR_BAD_NOTE,
             "sign: empty text");
    CHECK_RC(qr_note_sign_line(nul, sizeof nul - 1, k->v.name, k->sk, line, sizeof line),
             QR_BAD_NOTE, "sign: NUL in text");
    CHECK_RC(qr_note_sign_line("\xff\n", 2, k->v.name, k->sk, line, sizeof line), QR_BAD_NOTE,
             "sign: invalid UTF-8");
    CHECK_RC(qr_note_sign_line("hi\n", 3, "a+b", k->sk, line, sizeof line), QR_BAD_KEY,
             "sign: name with '+'");
    CHECK_RC(qr_note_sign_line("hi\n", 3, "a b", k->sk, line, sizeof line), QR_BAD_KEY,
             "sign: name with a space");
    CHECK_RC(qr_note_sign_line("hi\n", 3, "", k->sk, line, sizeof line), QR_BAD_KEY,
             "sign: empty name");
    CHECK_RC(qr_cosig_sign_line("hi\n", 3, "a+b", k->sk, 1, line, sizeof line), QR_BAD_KEY,
             "cosign: name with '+'");
    CHECK_RC(qr_cosig_sign_line("hi", 2, k->cv.name, k->sk, 1, line, sizeof line), QR_BAD_NOTE,
             "cosign: text without final newline");

    CHECK_RC(qr_note_sign_line("hi\n", 3, k->v.name, k->sk, line, sizeof line), QR_OK, "sign");
    size_t need = strlen(line) + 1;
    CHECK_RC(qr_note_sign_line("hi\n", 3, k->v.name, k->sk, line, need), QR_OK,
             "sign: exact buffer");
    CHECK_RC(qr_note_sign_line("hi\n", 3, k->v.name, k->sk, line, need - 1), QR_TOO_LARGE,
             "sign: buffer one byte short");
    CHECK(line[0] == '\0', "a short buffer is left empty, not truncated");
    CHECK_RC(qr_cosig_sign_line("hi\n", 3, k->cv.name, k->sk, 1, line, 20), QR_TOO_LARGE,
             "cosign: short buffer");
}

static void test_vkeys(void)
{
    static const char good[] =
        "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
    static const struct {
        const char *what, *vkey;
    } bad[] = {
        {"empty", ""},
        {"no '+' at all", "example.com/foo"},
        {"empty name", "+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"},
        {"name with a space",
         "example.com foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"},
        {"other name, same id",
         "example.com/fo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"},
        {"no key", "example.com/foo+530d903a"},
        {"no key after '+'", "example.com/foo+530d903a+"},
        {"id of 7 digits", "example.com/foo+530d903+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"},
        {"id of 9 digits",
         "example.com/foo+530d903a0+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"},
        {"id not hex", "example.com/foo+530d903g+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"},
        {"id with sign", "example.com/foo+-30d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"},
        {"wrong id", "example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"},
        {"id and key swapped",
         "example.com/foo+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k+530d903a"},
        {"key without padding",
         "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2"},
        {"key with bad base64",
         "example.com/foo+530d903a+Aeky!Rrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"},
        {"trailing newline",
         "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k\n"},
        {"trailing space",
         "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k "},
        {"leading space", " example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"},
    };
    qr_note_verifier v;
    char what[160], out[QR_NOTE_VKEY_MAX], name[QR_MAX_NAME + 2];
    uint8_t pk[32];

    CHECK_RC(qr_note_vkey_parse(good, &v), QR_OK, "vkey: the spec's example");
    CHECK(strcmp(v.name, "example.com/foo") == 0 && v.type == QR_NOTE_ED25519 &&
              memcmp(v.id, "\x53\x0d\x90\x3a", 4) == 0,
          "vkey: name, type and id of the example");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(what, sizeof what, "vkey: %s", bad[i].what);
        CHECK_RC(qr_note_vkey_parse(bad[i].vkey, &v), QR_BAD_KEY, what);
    }
    CHECK_RC(qr_note_vkey_parse(NULL, &v), QR_BAD_KEY, "vkey: NULL");

    /* Keys of the wrong length or type, each under the id its bytes would have. */
    uint8_t raw[34];
    size_t raw_len;
    char b64[64], vk[QR_NOTE_VKEY_MAX];
    static const struct {
        const char *what;
        size_t len;
        uint8_t type;
    } keys[] = {
        {"key of 32 bytes", 32, QR_NOTE_ED25519},
        {"key of 34 bytes", 34, QR_NOTE_ED25519},
        {"type 0x00", 33, 0x00},
        {"type 0x02 (ECDSA)", 33, 0x02},
        {"type 0xff", 33, 0xff},
    };
    if (sodium_base642bin(raw, sizeof raw, good + 25, strlen(good + 25), NULL, &raw_len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        raw_len != 33) {
        CHECK(0, "vkey: the example's key decodes");
        return;
    }
    raw[33] = 0;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        uint8_t id[4];
        raw[0] = keys[i].type;
        qr_note_key_id("example.com/foo", keys[i].type, raw + 1, id);
        sodium_bin2base64(b64, sizeof b64, raw, keys[i].len, sodium_base64_VARIANT_ORIGINAL);
        snprintf(vk, sizeof vk, "example.com/foo+%02x%02x%02x%02x+%s", id[0], id[1], id[2], id[3],
                 b64);
        snprintf(what, sizeof what, "vkey: %s", keys[i].what);
        CHECK_RC(qr_note_vkey_parse(vk, &v), QR_BAD_KEY, what);
    }

    /* Upper-case hex names the same id. */
    CHECK_RC(qr_note_vkey_parse(
                 "example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k", &v),
             QR_OK, "vkey: upper-case id");

    /* Names at and over the limit, through format and parse. */
    memset(pk, 7, sizeof pk);
    memset(name, 'n', QR_MAX_NAME);
    name[QR_MAX_NAME] = '\0';
    CHECK_RC(qr_note_vkey_format(name, QR_NOTE_COSIG, pk, out, sizeof out), QR_OK,
             "vkey: format a name of QR_MAX_NAME bytes within QR_NOTE_VKEY_MAX");
    CHECK_RC(qr_note_vkey_parse(out, &v), QR_OK, "vkey: parse a name of QR_MAX_NAME bytes");
    CHECK(v.type == QR_NOTE_COSIG && memcmp(v.pk, pk, 32) == 0, "vkey: long name round trip");
    name[QR_MAX_NAME] = 'n';
    name[QR_MAX_NAME + 1] = '\0';
    CHECK_RC(qr_note_vkey_format(name, QR_NOTE_ED25519, pk, out, sizeof out), QR_BAD_KEY,
             "vkey: format a name of QR_MAX_NAME + 1 bytes");
    CHECK_RC(qr_note_vkey_format("a+b", QR_NOTE_ED25519, pk, out, sizeof out), QR_BAD_KEY,
             "vkey: format a name with '+'");
    CHECK_RC(qr_note_vkey_format("a\xc2\xa0"
                                 "b",
                                 QR_NOTE_ED25519, pk, out, sizeof out),
             QR_BAD_KEY, "vkey: format a name with NBSP");
    CHECK_RC(qr_note_vkey_format("ab", 0x02, pk, out, sizeof out), QR_BAD_KEY,
             "vkey: format an unsupported type");
    CHECK_RC(qr_note_vkey_format("ab", QR_NOTE_ED25519, pk, out, 20), QR_TOO_LARGE,
             "vkey: format into a short buffer");
}

static void test_checkpoints(void)
{
    static const char *root = "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=";
    static const struct {
        const char *what, *origin, *size, *root, *tail;
        int want;
    } cases[] = {
        {"plain", "o", "8", NULL, "", QR_OK},
        {"size 0", "o", "0", NULL, "", QR_OK},
        {"size 2^64 - 1", "o", "18446744073709551615", NULL, "", QR_OK},
        {"size 2^64", "o", "18446744073709551616", NULL, "", QR_BAD_NOTE},
        {"size of 21 digits", "o", "100000000000000000000", NULL, "", QR_BAD_NOTE},
        {"leading zero", "o", "08", NULL, "", QR_BAD_NOTE},
        {"zero as 00", "o", "00", NULL, "", QR_BAD_NOTE},
        {"negative size", "o", "-1", NULL, "", QR_BAD_NOTE},
        {"plus sign", "o", "+1", NULL, "", QR_BAD_NOTE},
        {"empty size", "o", "", NULL, "", QR_BAD_NOTE},
        {"space before size", "o", " 8", NULL, "", QR_BAD_NOTE},
        {"space after size", "o", "8 ", NULL, "", QR_BAD_NOTE},
        {"hex size", "o", "0x8", NULL, "", QR_BAD_NOTE},
        {"empty origin", "", "8", NULL, "", QR_BAD_NOTE},
        {"origin with CR", "o\r", "8", NULL, "", QR_BAD_NOTE},
        {"root of 31 bytes", "o", "8", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", "",
         QR_BAD_NOTE},
        {"root of 33 bytes", "o", "8", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "",
         QR_BAD_NOTE},
        {"root without padding", "o", "8", "Xcnaeacgwamtvzy3ad7zoqudgjqtl0lgz+nw7/rgqyg", "",
         QR_BAD_NOTE},
        {"root with stray bits", "o", "8", "Xcnaeacgwamtvzy3ad7zoqudgjqtl0lgz+nw7/rgqyh=", "",
         QR_BAD_NOTE},
        {"root in hex", "o", "8",
         "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328", "", QR_BAD_NOTE},
        {"empty root", "o", "8", "", "", QR_BAD_NOTE},
        {"extension line", "o", "8", NULL, "ext\n", QR_OK},
        {"two extension lines", "o", "8", NULL, "ext\nmore ext\n", QR_OK},
        {"empty extension line", "o", "8", NULL, "\n", QR_BAD_NOTE},
        {"empty line after extension", "o", "8", NULL, "ext\n\n", QR_BAD_NOTE},
        {"extension without newline", "o", "8", NULL, "ext", QR_BAD_NOTE},
    };
    qr_checkpoint cp;
    char text[512], what[160];

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(text, sizeof text, "%s\n%s\n%s\n%s", cases[i].origin, cases[i].size,
                 cases[i].root ? cases[i].root : root, cases[i].tail);
        snprintf(what, sizeof what, "checkpoint: %s", cases[i].what);
        CHECK_RC(qr_checkpoint_parse(text, strlen(text), &cp), cases[i].want, what);
    }
    snprintf(text, sizeof text, "o\n18446744073709551615\n%s\n", root);
    CHECK_RC(qr_checkpoint_parse(text, strlen(text), &cp), QR_OK, "checkpoint: largest size");
    CHECK(cp.size == UINT64_MAX, "checkpoint: largest size reads back");
    CHECK_RC(qr_checkpoint_parse("o\n8\n", 4, &cp), QR_BAD_NOTE, "checkpoint: no root line");
    CHECK_RC(qr_checkpoint_parse("o\n8\n", 2, &cp), QR_BAD_NOTE, "checkpoint: origin only");
    CHECK_RC(qr_checkpoint_parse("", 0, &cp), QR_BAD_NOTE, "checkpoint: empty");
    snprintf(text, sizeof text, "o\n8\n%s", root);
    CHECK_RC(qr_checkpoint_parse(text, strlen(text), &cp), QR_BAD_NOTE,
             "checkpoint: no final newline");
    static const char nul[] = "o\0p\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n";
    CHECK_RC(qr_checkpoint_parse(nul, sizeof nul - 1, &cp), QR_BAD_NOTE,
             "checkpoint: NUL in origin");

    char origin[QR_MAX_NAME + 2];
    memset(origin, 'o', sizeof origin - 1);
    origin[QR_MAX_NAME] = '\0';
    snprintf(text, sizeof text, "%s\n8\n%s\n", origin, root);
    CHECK_RC(qr_checkpoint_parse(text, strlen(text), &cp), QR_OK,
             "checkpoint: origin of QR_MAX_NAME bytes");
    origin[QR_MAX_NAME] = 'o';
    origin[QR_MAX_NAME + 1] = '\0';
    snprintf(text, sizeof text, "%s\n8\n%s\n", origin, root);
    CHECK_RC(qr_checkpoint_parse(text, strlen(text), &cp), QR_TOO_LARGE,
             "checkpoint: origin of QR_MAX_NAME + 1 bytes");

    char *big = malloc(QR_NOTE_MAX_TEXT + 1);
    if (big) {
        snprintf(text, sizeof text, "o\n8\n%s\n", root);
        memset(big, 'e', QR_NOTE_MAX_TEXT + 1);
        memcpy(big, text, strlen(text));
        big[QR_NOTE_MAX_TEXT] = '\n';
        CHECK_RC(qr_checkpoint_parse(big, QR_NOTE_MAX_TEXT + 1, &cp), QR_TOO_LARGE,
                 "checkpoint: longer than QR_NOTE_MAX_TEXT");
        big[QR_NOTE_MAX_TEXT - 1] = '\n';
        CHECK_RC(qr_checkpoint_parse(big, QR_NOTE_MAX_TEXT, &cp), QR_OK,
                 "checkpoint: QR_NOTE_MAX_TEXT with a long extension line");
        free(big);
    }

    /* Formatting refuses what parsing would refuse, and never truncates. */
    memset(&cp, 0, sizeof cp);
    cp.size = 1;
    CHECK_RC(qr_checkpoint_format(&cp, text, sizeof text), QR_BAD_NOTE,
             "checkpoint: format empty origin");
    snprintf(cp.origin, sizeof cp.origin, "a\nb");
    CHECK_RC(qr_checkpoint_format(&cp, text, sizeof text), QR_BAD_NOTE,
             "checkpoint: format origin with newline");
    snprintf(cp.origin, sizeof cp.origin, "example.com/log");
    CHECK_RC(qr_checkpoint_format(&cp, text, sizeof text), QR_OK, "checkpoint: format");
    size_t need = strlen(text) + 1;
    CHECK(strcmp(text, "example.com/log\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n") == 0,
          "checkpoint: formatted text %s", text);
    CHECK_RC(qr_checkpoint_format(&cp, text, need), QR_OK, "checkpoint: exact buffer");
    CHECK_RC(qr_checkpoint_format(&cp, text, need - 1), QR_TOO_LARGE,
             "checkpoint: buffer one byte short");
    CHECK(text[0] == '\0', "checkpoint: a short buffer is left empty");
}

/* A checkpoint made, signed, cosigned and read back entirely by this code. */
static void test_round_trip(const test_key *log, const test_key *witness)
{
    static qr_note parsed;
    qr_checkpoint cp, back;
    char text[512], line[QR_NOTE_SIGLINE_MAX];
    sbuf note = {0};
    uint64_t ts = 0;

    memset(&cp, 0, sizeof cp);
    snprintf(cp.origin, sizeof cp.origin, "%s", log->v.name);
    cp.size = 1234567;
    crypto_hash_sha256(cp.root, (const uint8_t *)"root", 4);
    CHECK_RC(qr_checkpoint_format(&cp, text, sizeof text), QR_OK, "round trip: format");
    signed_note(&note, log, text, strlen(text));
    CHECK_RC(qr_cosig_sign_line(text, strlen(text), witness->cv.name, witness->sk, 1700000001, line,
                                sizeof line),
             QR_OK, "round trip: cosign");
    sb_str(&note, line);
    CHECK_RC(qr_note_parse(note.p, note.len, &parsed), QR_OK, "round trip: parse note");
    CHECK_RC(qr_note_verify(note.p, &parsed, &log->v), QR_OK, "round trip: log signature");
    CHECK_RC(qr_cosig_verify(note.p, &parsed, &witness->cv, &ts), QR_OK, "round trip: cosignature");
    CHECK(ts == 1700000001, "round trip: timestamp");
    CHECK_RC(qr_checkpoint_parse(note.p, parsed.text_len, &back), QR_OK,
             "round trip: parse checkpoint");
    CHECK(strcmp(back.origin, cp.origin) == 0 && back.size == cp.size &&
              memcmp(back.root, cp.root, QR_HASH_LEN) == 0,
          "round trip: checkpoint fields");
    sb_free(&note);
}

static tj_value *load(const char *dir, const char *file)
{
    char path[4096];

    snprintf(path, sizeof path, "%s/%s", dir, file);
    tj_value *v = tj_parse_file(path);
    if (!v)
        fprintf(stderr, "test_note: cannot read %s\n", path);
    return v;
}

int main(int argc, char **argv)
{
    test_key k1, k2, witness;
    uint8_t root8[QR_HASH_LEN];

    t_begin("test_note");
    if (argc != 2) {
        fprintf(stderr, "usage: test_note <vectors dir>\n");
        return 2;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "test_note: sodium_init failed\n");
        return 2;
    }
    tj_value *doc = load(argv[1], "notes.json");
    tj_value *heads = load(argv[1], "merkle/tree-heads.json");
    if (!doc || !heads || doc->type != TJ_ARRAY) {
        tj_free(doc);
        tj_free(heads);
        return 2;
    }
    const char *hex8 = tj_str(tj_get(heads, "roots"), "8");
    if (unhex(hex8, root8, sizeof root8) != 0) {
        fprintf(stderr, "test_note: tree-heads.json has no size-8 root\n");
        tj_free(doc);
        tj_free(heads);
        return 2;
    }

    CHECK(doc->n >= 4, "notes.json holds %zu vectors", doc->n);
    for (size_t i = 0; i < doc->n; i++)
        test_vector(doc->items[i], doc, root8);

    make_key(&k1, "quorum.test/note-one");
    make_key(&k2, "quorum.test/note-two");
    make_key(&witness, "quorum.test/witness");
    test_parse_negative();
    test_limits(&k1);
    test_matching(&k1, &k2);
    test_signing_errors(&k1);
    test_vkeys();
    test_checkpoints();
    test_round_trip(&k1, &witness);

    tj_free(doc);
    tj_free(heads);
    return t_end();
}
