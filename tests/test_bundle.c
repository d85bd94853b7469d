/*
 * test_bundle.c: the minutes' proof bundle (lib/bundle.c) and the in-memory tree it is proved
 * with (lib/memtree.c).
 *
 * Usage: test_bundle [vectors dir]      (unused)
 *
 * A bundle built from entries must carry, for each, an inclusion proof that verifies under the
 * root of all of them, and consistency proofs that verify from each earlier size; written and
 * parsed back it must be the same bundle; the in-memory tree must agree with a reference
 * computation at every size.  Auditors receive bundles from others, so every malformed input
 * must be refused cleanly, with a reason, and without a crash or a leak: every truncation of a
 * good bundle, an oversized file and an over-long line, too long a proof, entries out of order,
 * lines after the end, non-canonical base64, a spliced end count, random garbage, and random
 * single-byte changes (which may parse, but must then still be a well-formed bundle).
 */
#include "bundle.h"
#include "check.h"
#include "memtree.h"
#include "util.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 37

/* RFC 6962 MTH over leaves [lo, hi), by its definition. */
static void mth(uint8_t leaves[][QR_HASH_LEN], size_t lo, size_t hi, uint8_t out[QR_HASH_LEN])
{
    if (hi - lo == 0) {
        qr_merkle_empty_root(out);
        return;
    }
    if (hi - lo == 1) {
        memcpy(out, leaves[lo], QR_HASH_LEN);
        return;
    }
    size_t k = 1;
    while (k * 2 < hi - lo)
        k *= 2;
    uint8_t l[QR_HASH_LEN], r[QR_HASH_LEN];
    mth(leaves, lo, lo + k, l);
    mth(leaves, lo + k, hi, r);
    qr_merkle_node_hash(l, r, out);
}

static qr_bundle *build(uint8_t leaves[N][QR_HASH_LEN], uint8_t root[QR_HASH_LEN])
{
    qr_bundle *b = qr_bundle_new("city-pb", "m-2026-11");
    static const uint64_t old[] = {1, 5, 16, 16, N, N + 3, 0};
    char note[256];
    snprintf(note, sizeof note,
             "quorum.test/forum/city-pb\n%d\nROOT\n\n— quorum.test/forum/city-pb "
             "AAAA\n",
             N);
    CHECK_RC(qr_bundle_set_checkpoint(b, note, NULL), QR_OK, "set the checkpoint");
    for (int i = 0; i < N; i++) {
        uint8_t entry[100];
        size_t len = 1 + (size_t)i * 2;
        randombytes_buf(entry, len);
        qr_merkle_leaf_hash(entry, len, leaves[i]);
        CHECK_RC(qr_bundle_add_entry(b, entry, len), QR_OK, "add an entry");
    }
    CHECK_RC(qr_bundle_prove(b, old, sizeof old / sizeof *old, root), QR_OK, "prove");
    return b;
}

static void test_build_and_proofs(void)
{
    uint8_t leaves[N][QR_HASH_LEN], root[QR_HASH_LEN], want[QR_HASH_LEN];
    qr_bundle *b = build(leaves, root);
    mth(leaves, 0, N, want);
    CHECK(!memcmp(root, want, QR_HASH_LEN), "the root is RFC 6962's");
    int bad = 0;
    for (size_t i = 0; i < b->nentries; i++) {
        qr_merkle_proof p = {.n = b->entries[i].nproof};
        memcpy(p.hash, b->entries[i].proof, p.n * QR_HASH_LEN);
        bad += qr_merkle_verify_inclusion(i, N, leaves[i], &p, root) != QR_OK;
    }
    tally(bad, __LINE__, "every inclusion proof verifies");
    CHECK(b->ncons == 4, "consistency from 1, 5, 16 and 37 (duplicates, 0 and >N skipped): %zu",
          b->ncons);
    bad = 0;
    for (size_t i = 0; i < b->ncons; i++) {
        uint8_t old[QR_HASH_LEN];
        mth(leaves, 0, b->cons[i].old_size, old);
        bad += memcmp(old, b->cons[i].old_root, QR_HASH_LEN) != 0 ||
               qr_merkle_verify_consistency(b->cons[i].old_size, N, old, root, &b->cons[i].proof) !=
                   QR_OK;
    }
    tally(bad, __LINE__, "every consistency proof verifies from the right old root");

    /* write, parse, compare */
    char *text = NULL, err[512];
    size_t len = 0;
    qr_bundle *back = NULL;
    CHECK_RC(qr_bundle_format(b, &text, &len), QR_OK, "format");
    CHECK_RC(qr_bundle_parse(text, len, &back, err, sizeof err), QR_OK, "parse what was written");
    if (back) {
        int same = !strcmp(back->forum, b->forum) && !strcmp(back->meeting, b->meeting) &&
                   !strcmp(back->note, b->note) && back->nentries == b->nentries &&
                   back->ncons == b->ncons;
        for (size_t i = 0; same && i < b->nentries; i++)
            same = back->entries[i].len == b->entries[i].len &&
                   !memcmp(back->entries[i].bytes, b->entries[i].bytes, b->entries[i].len) &&
                   back->entries[i].nproof == b->entries[i].nproof &&
                   !memcmp(back->entries[i].proof, b->entries[i].proof,
                           b->entries[i].nproof * QR_HASH_LEN);
        for (size_t i = 0; same && i < b->ncons; i++)
            same = back->cons[i].old_size == b->cons[i].old_size &&
                   back->cons[i].proof.n == b->cons[i].proof.n &&
                   !memcmp(&back->cons[i].proof.hash, &b->cons[i].proof.hash,
                           b->cons[i].proof.n * QR_HASH_LEN);
        CHECK(same, "the parsed bundle is the bundle written");
    }
    qr_bundle_destroy(&back);
    free(text);
    qr_bundle_destroy(&b);
}

static void test_memtree(void)
{
    uint8_t leaves[70][QR_HASH_LEN], root[QR_HASH_LEN], want[QR_HASH_LEN];
    qr_memtree *t = qr_memtree_new();
    int bad = 0;
    for (int i = 0; i < 70; i++) {
        randombytes_buf(leaves[i], QR_HASH_LEN);
        qr_memtree_append(t, leaves[i]);
    }
    for (uint64_t n = 0; n <= 70; n++) {
        mth(leaves, 0, n, want);
        bad += qr_memtree_root(t, n, root) != QR_OK || memcmp(root, want, QR_HASH_LEN) != 0;
    }
    tally(bad, __LINE__, "memtree roots at every size are RFC 6962's");
    CHECK_RC(qr_memtree_root(t, 71, root), QR_OUT_OF_RANGE, "no root beyond the leaves");
    qr_merkle_proof p;
    CHECK_RC(qr_memtree_inclusion(t, 70, 70, &p), QR_OUT_OF_RANGE, "no proof of a missing leaf");
    CHECK_RC(qr_memtree_consistency(t, 0, 5, &p), QR_OUT_OF_RANGE, "no consistency from 0");
    qr_memtree_destroy(&t);
    CHECK(t == NULL, "destroy nulls the pointer");
}

/* Parse must refuse with a reason; returns 1 if it wrongly accepted. */
static int refused(const char *text, size_t len, int want_code, const char *why)
{
    qr_bundle *b = NULL;
    char err[512] = "";
    int rc = qr_bundle_parse(text, len, &b, err, sizeof err);
    int wrong = rc == QR_OK || b != NULL || (want_code && rc != want_code) || !err[0];
    if (wrong)
        printf("  %s: got %s (%s)\n", why, qr_code_name(rc), err);
    qr_bundle_destroy(&b);
    return wrong;
}

static char *replace(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    size_t n = strlen(text) + strlen(to) + 1;
    char *out = t_xmalloc(n);
    if (!at) {
        snprintf(out, n, "%s", text);
        return out;
    }
    snprintf(out, n, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    return out;
}

static void test_refusals(void)
{
    uint8_t leaves[N][QR_HASH_LEN], root[QR_HASH_LEN];
    qr_bundle *b = build(leaves, root);
    char *text = NULL, *t;
    size_t len = 0;
    if (qr_bundle_format(b, &text, &len) != QR_OK)
        return;
    qr_bundle_destroy(&b);

    int bad = 0;
    for (size_t cut = 0; cut < len; cut += 1 + cut / 50)
        bad += refused(text, cut, 0, "truncated");
    tally(bad, __LINE__, "every truncated bundle is refused");

    /* only the length is looked at before refusing an oversized file */
    CHECK(!refused(text, (size_t)QR_BUNDLE_MAX_FILE + 1, QR_TOO_LARGE, "oversized"),
          "an oversized bundle is refused as too large");
    size_t big = QR_BUNDLE_MAX_LINE + 100;
    char *line = t_xmalloc(big + 64);
    memcpy(line, "quorum-minutes-bundle-v1\nforum ", 31);
    memset(line + 31, 'a', big);
    line[31 + big] = '\n';
    CHECK(!refused(line, 32 + big, QR_TOO_LARGE, "long line"), "an over-long line");
    free(line);

    t = replace(text, "quorum-minutes-bundle-v1", "quorum-export-v1");
    CHECK(!refused(t, strlen(t), QR_BAD_PROOF, "magic"), "not a bundle");
    free(t);
    t = replace(text, "\nentry 3 ", "\nentry 4 ");
    CHECK(!refused(t, strlen(t), QR_BAD_PROOF, "order"), "entries out of order");
    free(t);
    t = replace(text, "\nentry 0 ", "\nentry 00 ");
    CHECK(!refused(t, strlen(t), QR_BAD_PROOF, "leading zero"), "a number with a leading zero");
    free(t);
    char end[64];
    snprintf(end, sizeof end, "\nend %d 4\n", N);
    t = replace(text, end, "\nend 36 4\n");
    CHECK(!refused(t, strlen(t), QR_BAD_PROOF, "count"), "an end line that miscounts");
    free(t);
    t = replace(text, end, "\nend 37 4\nentry 37 AAAA -\n");
    CHECK(!refused(t, strlen(t), QR_BAD_PROOF, "after end"), "a line after the end");
    free(t);
    t = replace(text, "\nforum city-pb\n", "\nforum City PB\n");
    CHECK(!refused(t, strlen(t), QR_BAD_PROOF, "forum"), "a forum that is not a slug");
    free(t);
    t = replace(text, "\nmeeting m-2026-11\n", "\n");
    CHECK(!refused(t, strlen(t), QR_BAD_PROOF, "meeting"), "no meeting line");
    free(t);
    t = replace(text, "\nforum city-pb\n", "\nforum city-pb\nforum city-pb\n");
    CHECK(!refused(t, strlen(t), QR_BAD_PROOF, "twice"), "a forum line twice");
    free(t);
    t = replace(text, "\nforum city-pb\n", "\nforum city-pb\r\n");
    CHECK(!refused(t, strlen(t), QR_BAD_PROOF, "cr"), "a carriage return");
    free(t);
    t = replace(text, "\nforum city-pb\n", "\nforum  city-pb\n");
    CHECK(!refused(t, strlen(t), QR_BAD_PROOF, "spaces"), "two spaces");
    free(t);
    t = replace(text, "\nentry 0 ", "\nentry 0 !!!! ");
    CHECK(!refused(t, strlen(t), QR_BAD_PROOF, "base64"), "bytes that are not base64");
    free(t);

    /* a proof of 65 hashes */
    char *proof65 = qr_b64((uint8_t[65 *QR_HASH_LEN]){0}, 65 * QR_HASH_LEN);
    char *lastent = strstr(text, "\nentry 36 ");
    char *sp = strchr(lastent + 10, ' ');
    size_t keep = (size_t)(sp - text) + 1;
    size_t n = keep + strlen(proof65) + 64;
    t = t_xmalloc(n);
    snprintf(t, n, "%.*s%s\nend %d 0\n", (int)keep, text, proof65, N);
    CHECK(!refused(t, strlen(t), QR_BAD_PROOF, "proof"), "a proof of more than 64 hashes");
    free(t);
    free(proof65);

    /* non-canonical base64: the last character before '=' with stray low bits */
    char *ck = strstr(text, "\ncheckpoint ") + 12;
    char *ce = strchr(ck, '\n');
    t = strdup(text);
    size_t at = (size_t)(ce - text);
    while (t[at - 1] == '=')
        at--;
    if (ce[-1] == '=') {
        /* bump the final significant character by one: different stray bits */
        t[at - 1] = t[at - 1] == 'z' ? 'y' : (char)(t[at - 1] + 1);
        CHECK(!refused(t, strlen(t), QR_BAD_PROOF, "canonical"), "non-canonical base64");
    }
    free(t);

    /* garbage, and random single-byte changes: refused or well-formed, never a crash */
    bad = 0;
    char junk[4096];
    for (int i = 0; i < 300; i++) {
        randombytes_buf(junk, sizeof junk);
        if (i % 2)
            memcpy(junk, "quorum-minutes-bundle-v1\n", 25);
        bad += refused(junk, sizeof junk, 0, "garbage");
    }
    tally(bad, __LINE__, "random bytes are refused");
    bad = 0;
    t = t_xmalloc(len);
    for (int i = 0; i < 2000; i++) {
        memcpy(t, text, len);
        t[randombytes_uniform((uint32_t)len)] = (char)randombytes_uniform(256);
        qr_bundle *x = NULL;
        char err[512];
        if (qr_bundle_parse(t, len, &x, err, sizeof err) == QR_OK)
            bad += !x || x->nentries != N || !x->note;
        else
            bad += x != NULL;
        qr_bundle_destroy(&x);
    }
    tally(bad, __LINE__, "a changed byte is refused or still parses to a whole bundle");
    free(t);
    free(text);
}

int main(void)
{
    t_begin("test_bundle");
    if (sodium_init() < 0)
        return 2;
    test_build_and_proofs();
    test_memtree();
    test_refusals();
    return t_end();
}
