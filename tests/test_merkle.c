/*
 * test_merkle.c: the Merkle module against the published proof vectors, the RFC 6962 tree
 * heads, and a naive reference built straight from RFC 9162's definitions of MTH, PATH and
 * SUBPROOF.  Also checks that proofs over a store of a million leaves take O(log n) reads.
 *
 * Usage: test_merkle VECTORS_DIR      (the shared vectors, e.g. ../shared/vectors)
 */
#include "check.h"
#include "merkle.h"
#include "tjson.h"

#include <dirent.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SKIPPED_VECTOR "merkle/consistency/additional/sizes-are-equal-one-and-proof-is-empty.json"
#define MIN_VECTORS 190
#define MAX_READS (2 * 64)

static int same(const uint8_t a[QR_HASH_LEN], const uint8_t b[QR_HASH_LEN])
{
    return memcmp(a, b, QR_HASH_LEN) == 0;
}

/* An in-memory hash store: level L holds hashes (L, 0 .. count[L] - 1), written once, in order. */
typedef struct {
    uint8_t *level[64];
    uint64_t count[64], cap[64];
    unsigned long reads;
} mem_store;

static void store_init(mem_store *s, uint64_t max_leaves)
{
    memset(s, 0, sizeof *s);
    for (unsigned l = 0; l < 64 && (max_leaves >> l) > 0; l++) {
        s->cap[l] = max_leaves >> l;
        s->level[l] = t_xmalloc(s->cap[l] * QR_HASH_LEN);
    }
}

static void store_free(mem_store *s)
{
    for (unsigned l = 0; l < 64; l++)
        free(s->level[l]);
    memset(s, 0, sizeof *s);
}

static int store_read(void *ctx, unsigned level, uint64_t index, uint8_t out[QR_HASH_LEN])
{
    mem_store *s = ctx;

    s->reads++;
    if (level >= 64 || index >= s->count[level])
        return QR_NOT_FOUND;
    memcpy(out, s->level[level] + index * QR_HASH_LEN, QR_HASH_LEN);
    return QR_OK;
}

static int store_write(void *ctx, unsigned level, uint64_t index, const uint8_t hash[QR_HASH_LEN])
{
    mem_store *s = ctx;

    if (level >= 64 || index != s->count[level] || index >= s->cap[level])
        return QR_INTERNAL;
    memcpy(s->level[level] + index * QR_HASH_LEN, hash, QR_HASH_LEN);
    s->count[level]++;
    return QR_OK;
}

static int refuse_write(void *ctx, unsigned level, uint64_t index, const uint8_t hash[QR_HASH_LEN])
{
    (void)ctx, (void)index, (void)hash;
    return level == 0 ? QR_OK : QR_IO;
}

/*
 * The reference: RFC 9162 2.1.1, 2.1.3.1 and 2.1.4.1 transcribed recursively over an array of
 * leaf hashes, hashing with libsodium directly rather than through the module under test.
 */
static void ref_node(const uint8_t l[QR_HASH_LEN], const uint8_t r[QR_HASH_LEN],
                     uint8_t out[QR_HASH_LEN])
{
    crypto_hash_sha256_state st;
    uint8_t one = 1;

    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, &one, 1);
    crypto_hash_sha256_update(&st, l, QR_HASH_LEN);
    crypto_hash_sha256_update(&st, r, QR_HASH_LEN);
    crypto_hash_sha256_final(&st, out);
}

static void ref_leaf(uint64_t i, uint8_t out[QR_HASH_LEN])
{
    uint8_t entry[1 + 16];

    entry[0] = 0;
    for (int b = 0; b < 8; b++)
        entry[1 + b] = entry[9 + b] = (uint8_t)(i >> (8 * b));
    crypto_hash_sha256(out, entry, sizeof entry);
}

static uint64_t ref_k(uint64_t n)
{
    uint64_t k = 1;

    while (k * 2 < n)
        k *= 2;
    return k;
}

static void ref_mth(const uint8_t (*d)[QR_HASH_LEN], uint64_t n, uint8_t out[QR_HASH_LEN])
{
    uint8_t l[QR_HASH_LEN], r[QR_HASH_LEN];
    uint64_t k;

    if (n == 0) {
        crypto_hash_sha256(out, (const unsigned char *)"", 0);
        return;
    }
    if (n == 1) {
        memcpy(out, d[0], QR_HASH_LEN);
        return;
    }
    k = ref_k(n);
    ref_mth(d, k, l);
    ref_mth(d + k, n - k, r);
    ref_node(l, r, out);
}

static void ref_append(qr_merkle_proof *p, const uint8_t h[QR_HASH_LEN])
{
    if (p->n == QR_MERKLE_MAX_PROOF) {
        fprintf(stderr, "test_merkle: reference proof too long\n");
        exit(2);
    }
    memcpy(p->hash[p->n++], h, QR_HASH_LEN);
}

static void ref_path(uint64_t m, const uint8_t (*d)[QR_HASH_LEN], uint64_t n, qr_merkle_proof *p)
{
    uint8_t h[QR_HASH_LEN];
    uint64_t k;

    if (n <= 1)
        return;
    k = ref_k(n);
    if (m < k) {
        ref_path(m, d, k, p);
        ref_mth(d + k, n - k, h);
    } else {
        ref_path(m - k, d + k, n - k, p);
        ref_mth(d, k, h);
    }
    ref_append(p, h);
}

static void ref_subproof(uint64_t m, const uint8_t (*d)[QR_HASH_LEN], uint64_t n, int b,
                         qr_merkle_proof *p)
{
    uint8_t h[QR_HASH_LEN];
    uint64_t k;

    if (m == n) {
        if (!b) {
            ref_mth(d, m, h);
            ref_append(p, h);
        }
        return;
    }
    k = ref_k(n);
    if (m <= k) {
        ref_subproof(m, d, k, b, p);
        ref_mth(d + k, n - k, h);
    } else {
        ref_subproof(m - k, d + k, n - k, 0, p);
        ref_mth(d, k, h);
    }
    ref_append(p, h);
}

static int same_proof(const qr_merkle_proof *a, const qr_merkle_proof *b)
{
    return a->n == b->n && memcmp(a->hash, b->hash, a->n * QR_HASH_LEN) == 0;
}

static void drop(qr_merkle_proof *p, size_t i)
{
    memmove(p->hash[i], p->hash[i + 1], (p->n - i - 1) * QR_HASH_LEN);
    p->n--;
}

/* ---- published vectors ---- */

typedef struct {
    char **path;
    size_t n, cap;
} path_list;

static void walk(const char *dir, path_list *out)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (!d) {
        CHECK(0, "cannot open %s", dir);
        return;
    }
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        char *p;
        struct stat st;

        if (e->d_name[0] == '.')
            continue;
        p = t_xmalloc(strlen(dir) + len + 2);
        sprintf(p, "%s/%s", dir, e->d_name);
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            walk(p, out);
        } else if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0) {
            if (out->n == out->cap) {
                out->cap = out->cap ? out->cap * 2 : 64;
                out->path = realloc(out->path, out->cap * sizeof *out->path);
                if (!out->path) {
                    fprintf(stderr, "test_merkle: out of memory\n");
                    exit(2);
                }
            }
            out->path[out->n++] = p;
            continue;
        }
        free(p);
    }
    closedir(d);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 1 if v is a string holding the standard base64 of exactly 32 bytes. */
static int b64_hash(const tj_value *v, uint8_t out[QR_HASH_LEN])
{
    uint8_t buf[2 * QR_HASH_LEN];
    const char *end;
    size_t len;

    if (!v || v->type != TJ_STRING)
        return 0;
    if (sodium_base642bin(buf, sizeof buf, v->string, v->string_len, NULL, &len, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return 0;
    if (end != v->string + v->string_len || len != QR_HASH_LEN)
        return 0;
    memcpy(out, buf, QR_HASH_LEN);
    return 1;
}

/* A missing or null proof is empty; 1 only if every element is a 32-byte hash. */
static int b64_proof(const tj_value *v, qr_merkle_proof *p)
{
    p->n = 0;
    if (!v || v->type == TJ_NULL)
        return 1;
    if (v->type != TJ_ARRAY || v->n > QR_MERKLE_MAX_PROOF)
        return 0;
    for (size_t i = 0; i < v->n; i++)
        if (!b64_hash(v->items[i], p->hash[p->n++]))
            return 0;
    return 1;
}

/*
 * tjson numbers are doubles, exact only up to 2^53.  The one larger value in the vectors is
 * 2^64 - 1 (an index decremented below zero), which reads as 2^64: saturate that to UINT64_MAX
 * and refuse anything else above 2^53 rather than guess at it.
 */
static int get_u64(const tj_value *obj, const char *key, uint64_t *out)
{
    const tj_value *v = tj_get(obj, key);
    const double two53 = 9007199254740992.0, two64 = 18446744073709551616.0;

    if (!v || v->type != TJ_NUMBER || !(v->number >= 0))
        return 0;
    if (v->number == two64) {
        *out = UINT64_MAX;
        return 1;
    }
    if (v->number > two53 || (double)(uint64_t)v->number != v->number)
        return 0;
    *out = (uint64_t)v->number;
    return 1;
}

static int get_bool(const tj_value *obj, const char *key, int *out)
{
    const tj_value *v = tj_get(obj, key);

    if (!v || v->type != TJ_BOOL)
        return 0;
    *out = v->boolean;
    return 1;
}

/* The verdict against wantErr: hashes that are not 32 bytes cannot verify. */
static void judge(const char *rel, const tj_value *doc, int hashes_ok, int rc, int want_err)
{
    const char *desc = tj_str(doc, "desc") ? tj_str(doc, "desc") : "?";

    if (want_err)
        CHECK(rc == QR_BAD_PROOF || rc == QR_OUT_OF_RANGE, "%s (%s): must fail, got %s", rel, desc,
              qr_code_name(rc));
    else
        CHECK(rc == QR_OK, "%s (%s): must verify, got %s", rel, desc,
              hashes_ok ? qr_code_name(rc) : "a hash that is not 32 bytes");
}

static void run_inclusion(const char *rel, const tj_value *doc)
{
    uint8_t root[QR_HASH_LEN], leaf[QR_HASH_LEN];
    qr_merkle_proof proof;
    uint64_t index, size;
    int want_err, ok, rc = QR_BAD_PROOF;

    if (!get_u64(doc, "leafIdx", &index) || !get_u64(doc, "treeSize", &size) ||
        !get_bool(doc, "wantErr", &want_err)) {
        CHECK(0, "%s: malformed vector", rel);
        return;
    }
    ok = b64_hash(tj_get(doc, "root"), root) & b64_hash(tj_get(doc, "leafHash"), leaf) &
         b64_proof(tj_get(doc, "proof"), &proof);
    if (ok)
        rc = qr_merkle_verify_inclusion(index, size, leaf, &proof, root);
    judge(rel, doc, ok, rc, want_err);
}

static void run_consistency(const char *rel, const tj_value *doc)
{
    uint8_t root1[QR_HASH_LEN], root2[QR_HASH_LEN];
    qr_merkle_proof proof;
    uint64_t size1, size2;
    int want_err, ok, rc = QR_BAD_PROOF;

    if (!get_u64(doc, "size1", &size1) || !get_u64(doc, "size2", &size2) ||
        !get_bool(doc, "wantErr", &want_err)) {
        CHECK(0, "%s: malformed vector", rel);
        return;
    }
    ok = b64_hash(tj_get(doc, "root1"), root1) & b64_hash(tj_get(doc, "root2"), root2) &
         b64_proof(tj_get(doc, "proof"), &proof);
    if (ok)
        rc = qr_merkle_verify_consistency(size1, size2, root1, root2, &proof);
    judge(rel, doc, ok, rc, want_err);
}

static void test_vectors(const char *dir)
{
    static const char *const kinds[] = {"inclusion", "consistency"};
    size_t found = 0;

    for (int k = 0; k < 2; k++) {
        path_list list = {NULL, 0, 0};
        char *top = t_xmalloc(strlen(dir) + 32);

        sprintf(top, "%s/merkle/%s", dir, kinds[k]);
        walk(top, &list);
        if (list.n)
            qsort(list.path, list.n, sizeof *list.path, by_name);
        for (size_t i = 0; i < list.n; i++) {
            const char *rel = list.path[i] + strlen(dir) + 1;
            tj_value *doc;

            found++;
            if (strcmp(rel, SKIPPED_VECTOR) == 0) {
                printf("SKIP: %s: its roots are 12 bytes, which fixed 32-byte hashes cannot "
                       "express\n",
                       rel);
            } else if (CHECK((doc = tj_parse_file(list.path[i])) != NULL, "%s: unreadable", rel)) {
                (k == 0 ? run_inclusion : run_consistency)(rel, doc);
                tj_free(doc);
            }
            free(list.path[i]);
        }
        free(list.path);
        free(top);
    }
    CHECK(found >= MIN_VECTORS, "found %zu proof vectors under %s/merkle, expected at least %d",
          found, dir, MIN_VECTORS);
}

/* ---- RFC 6962 tree heads ---- */

static int hex_bytes(const char *hex, uint8_t *out, size_t max, size_t *len)
{
    const char *end;

    return hex && sodium_hex2bin(out, max, hex, strlen(hex), NULL, len, &end) == 0 && !*end;
}

static void test_tree_heads(const char *dir)
{
    char *path = t_xmalloc(strlen(dir) + 32);
    const tj_value *leaves, *roots;
    qr_merkle_frontier f, g;
    uint8_t want[9][QR_HASH_LEN], got[QR_HASH_LEN];
    mem_store s;
    tj_value *doc;
    char key[4];

    sprintf(path, "%s/merkle/tree-heads.json", dir);
    doc = tj_parse_file(path);
    free(path);
    leaves = tj_get(doc, "leaves");
    roots = tj_get(doc, "roots");
    if (!CHECK(doc && leaves && leaves->type == TJ_ARRAY && leaves->n == 8 && roots &&
                   roots->type == TJ_OBJECT,
               "tree-heads.json: missing or malformed")) {
        tj_free(doc);
        return;
    }
    for (int n = 0; n <= 8; n++) {
        size_t len;
        snprintf(key, sizeof key, "%d", n);
        if (!CHECK(hex_bytes(tj_str(roots, key), want[n], QR_HASH_LEN, &len) && len == QR_HASH_LEN,
                   "tree-heads.json: root %d malformed", n)) {
            tj_free(doc);
            return;
        }
    }
    store_init(&s, 8);
    qr_merkle_frontier_init(&f);
    for (int n = 0; n <= 8; n++) {
        uint8_t entry[64], leaf[QR_HASH_LEN];
        size_t len;

        qr_merkle_frontier_root(&f, got);
        CHECK(same(got, want[n]), "tree head %d: frontier root differs", n);
        if (n == 8)
            break;
        if (!CHECK(leaves->items[n]->type == TJ_STRING &&
                       hex_bytes(leaves->items[n]->string, entry, sizeof entry, &len),
                   "tree-heads.json: leaf %d malformed", n))
            break;
        qr_merkle_leaf_hash(entry, len, leaf);
        CHECK(qr_merkle_frontier_append(&f, leaf, store_write, &s) == QR_OK,
              "tree head %d: append failed", n + 1);
    }
    for (uint64_t n = 0; n <= 8; n++) {
        CHECK(qr_merkle_tree_hash(n, store_read, &s, got) == QR_OK && same(got, want[n]),
              "tree head %" PRIu64 ": tree hash from stored hashes differs", n);
        CHECK(qr_merkle_frontier_load(&g, n, store_read, &s) == QR_OK && g.size == n,
              "tree head %" PRIu64 ": frontier load failed", n);
        qr_merkle_frontier_root(&g, got);
        CHECK(same(got, want[n]), "tree head %" PRIu64 ": loaded frontier root differs", n);
    }
    qr_merkle_empty_root(got);
    CHECK(same(got, want[0]), "empty root differs from SHA-256 of nothing");
    store_free(&s);
    tj_free(doc);
}

/* ---- edges of the API ---- */

static void test_edges(void)
{
    uint8_t a[QR_HASH_LEN], b[QR_HASH_LEN];
    qr_merkle_frontier f, before;
    qr_merkle_proof p;
    mem_store s;

    memset(a, 0xaa, sizeof a);
    memset(b, 0xbb, sizeof b);
    memset(&p, 0, sizeof p);
    CHECK(qr_merkle_verify_inclusion(0, 0, a, &p, a) == QR_OUT_OF_RANGE, "index 0 of size 0");
    CHECK(qr_merkle_verify_inclusion(5, 5, a, &p, a) == QR_OUT_OF_RANGE, "index == size");
    CHECK(qr_merkle_verify_inclusion(0, 1, a, &p, a) == QR_OK, "single leaf is its own root");
    CHECK(qr_merkle_verify_inclusion(0, 1, a, &p, b) == QR_BAD_PROOF, "single leaf, wrong root");
    p.n = QR_MERKLE_MAX_PROOF + 1;
    CHECK(qr_merkle_verify_inclusion(0, 2, a, &p, a) == QR_BAD_PROOF, "over-long proof");
    CHECK(qr_merkle_verify_consistency(1, 2, a, b, &p) == QR_BAD_PROOF, "over-long proof");
    p.n = 0;
    CHECK(qr_merkle_verify_consistency(0, 0, a, a, &p) == QR_OUT_OF_RANGE, "consistency 0 -> 0");
    CHECK(qr_merkle_verify_consistency(0, 3, a, b, &p) == QR_OUT_OF_RANGE, "consistency 0 -> 3");
    CHECK(qr_merkle_verify_consistency(4, 3, a, b, &p) == QR_OUT_OF_RANGE, "consistency 4 -> 3");
    CHECK(qr_merkle_verify_consistency(3, 3, a, a, &p) == QR_OK, "equal sizes, equal roots");
    CHECK(qr_merkle_verify_consistency(3, 3, a, b, &p) == QR_BAD_PROOF, "equal sizes, two roots");
    CHECK(qr_merkle_verify_consistency(3, 4, a, b, &p) == QR_BAD_PROOF, "empty proof 3 -> 4");
    p.n = 1;
    memcpy(p.hash[0], a, QR_HASH_LEN);
    CHECK(qr_merkle_verify_consistency(3, 3, a, a, &p) == QR_BAD_PROOF, "equal sizes, a proof");

    store_init(&s, 16);
    qr_merkle_frontier_init(&f);
    for (uint64_t i = 0; i < 7; i++) {
        ref_leaf(i, a);
        CHECK(qr_merkle_frontier_append(&f, a, store_write, &s) == QR_OK, "append %" PRIu64, i);
    }
    CHECK(qr_merkle_inclusion_proof(0, 0, store_read, &s, &p) == QR_OUT_OF_RANGE, "proof in 0");
    CHECK(qr_merkle_inclusion_proof(7, 7, store_read, &s, &p) == QR_OUT_OF_RANGE, "index 7 of 7");
    CHECK(qr_merkle_consistency_proof(0, 5, store_read, &s, &p) == QR_OUT_OF_RANGE, "0 -> 5");
    CHECK(qr_merkle_consistency_proof(6, 5, store_read, &s, &p) == QR_OUT_OF_RANGE, "6 -> 5");
    /* Sizes beyond the store must fail, not produce proofs for leaves that do not exist. */
    CHECK(qr_merkle_tree_hash(8, store_read, &s, a) != QR_OK, "tree hash of 8 with 7 stored");
    CHECK(qr_merkle_frontier_load(&before, 8, store_read, &s) != QR_OK, "load 8 with 7 stored");
    CHECK(qr_merkle_inclusion_proof(7, 8, store_read, &s, &p) != QR_OK && p.n == 0,
          "proof for leaf 7 with 7 stored");
    CHECK(qr_merkle_inclusion_proof(2, 8, store_read, &s, &p) != QR_OK, "proof in 8, 7 stored");
    CHECK(qr_merkle_consistency_proof(3, 8, store_read, &s, &p) != QR_OK, "3 -> 8, 7 stored");
    CHECK(qr_merkle_consistency_proof(8, 8, store_read, &s, &p) != QR_OK, "8 -> 8, 7 stored");
    CHECK(qr_merkle_consistency_proof(7, 7, store_read, &s, &p) == QR_OK && p.n == 0, "7 -> 7");

    /* An append whose store fails leaves the frontier as it was. */
    before = f;
    ref_leaf(7, a);
    CHECK(qr_merkle_frontier_append(&f, a, refuse_write, NULL) == QR_IO, "append, store fails");
    CHECK(f.size == before.size && f.n == before.n &&
              memcmp(f.hash, before.hash, f.n * QR_HASH_LEN) == 0,
          "failed append changed the frontier");
    CHECK(qr_merkle_frontier_append(&f, a, NULL, NULL) == QR_OK && f.size == 8 && f.n == 1,
          "append without a store");
    f.size = 3;
    CHECK(qr_merkle_frontier_append(&f, a, NULL, NULL) == QR_INTERNAL, "append, frontier corrupt");
    f.size = UINT64_MAX;
    f.n = 64;
    CHECK(qr_merkle_frontier_append(&f, a, NULL, NULL) == QR_OUT_OF_RANGE, "append to a full tree");
    store_free(&s);
}

/* ---- properties against the reference ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rnd(uint64_t below)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state % below;
}

typedef struct {
    mem_store *s;
    const uint8_t (*leaf)[QR_HASH_LEN];
} tree;

static void prop_inclusion(const tree *t, uint64_t i, uint64_t n, const uint8_t root[QR_HASH_LEN])
{
    qr_merkle_proof got, want, bad;
    uint8_t up[QR_HASH_LEN];
    int rc;

    want.n = 0;
    ref_path(i, t->leaf, n, &want);
    rc = qr_merkle_inclusion_proof(i, n, store_read, t->s, &got);
    if (!CHECK(rc == QR_OK && same_proof(&got, &want), "inclusion %" PRIu64 " in %" PRIu64 ": %s",
               i, n, rc == QR_OK ? "differs from the reference" : qr_code_name(rc)))
        return;
    CHECK(qr_merkle_verify_inclusion(i, n, t->leaf[i], &got, root) == QR_OK,
          "inclusion %" PRIu64 " in %" PRIu64 ": does not verify", i, n);
    for (size_t j = 0; j < got.n; j++) {
        bad = got;
        bad.hash[j][(i + j) % QR_HASH_LEN] ^= (uint8_t)(1u << (j % 8));
        CHECK(qr_merkle_verify_inclusion(i, n, t->leaf[i], &bad, root) == QR_BAD_PROOF,
              "inclusion %" PRIu64 " in %" PRIu64 ": flipped bit in [%zu] verifies", i, n, j);
        bad = got;
        drop(&bad, j);
        CHECK(qr_merkle_verify_inclusion(i, n, t->leaf[i], &bad, root) == QR_BAD_PROOF,
              "inclusion %" PRIu64 " in %" PRIu64 ": proof without [%zu] verifies", i, n, j);
    }
    /* An extra hash must be refused, not folded into a root one level up. */
    bad = got;
    ref_append(&bad, root);
    ref_node(root, root, up);
    CHECK(qr_merkle_verify_inclusion(i, n, t->leaf[i], &bad, root) == QR_BAD_PROOF &&
              qr_merkle_verify_inclusion(i, n, t->leaf[i], &bad, up) == QR_BAD_PROOF,
          "inclusion %" PRIu64 " in %" PRIu64 ": proof with an extra hash verifies", i, n);
    if (i + 1 < n)
        CHECK(qr_merkle_verify_inclusion(i + 1, n, t->leaf[i], &got, root) == QR_BAD_PROOF,
              "inclusion %" PRIu64 " in %" PRIu64 ": verifies as index %" PRIu64, i, n, i + 1);
    if (i > 0)
        CHECK(qr_merkle_verify_inclusion(i - 1, n, t->leaf[i], &got, root) == QR_BAD_PROOF,
              "inclusion %" PRIu64 " in %" PRIu64 ": verifies as index %" PRIu64, i, n, i - 1);
    if (n > 1)
        CHECK(qr_merkle_verify_inclusion(i, n, t->leaf[(i + 1) % n], &got, root) == QR_BAD_PROOF,
              "inclusion %" PRIu64 " in %" PRIu64 ": verifies another leaf", i, n);
}

static void prop_consistency(const tree *t, uint64_t m, uint64_t n,
                             const uint8_t old_root[QR_HASH_LEN],
                             const uint8_t new_root[QR_HASH_LEN])
{
    qr_merkle_proof got, want, bad;
    uint8_t wrong[QR_HASH_LEN], up_old[QR_HASH_LEN], up_new[QR_HASH_LEN];
    int rc;

    want.n = 0;
    ref_subproof(m, t->leaf, n, 1, &want);
    rc = qr_merkle_consistency_proof(m, n, store_read, t->s, &got);
    if (!CHECK(rc == QR_OK && same_proof(&got, &want), "consistency %" PRIu64 " -> %" PRIu64 ": %s",
               m, n, rc == QR_OK ? "differs from the reference" : qr_code_name(rc)))
        return;
    CHECK(qr_merkle_verify_consistency(m, n, old_root, new_root, &got) == QR_OK,
          "consistency %" PRIu64 " -> %" PRIu64 ": does not verify", m, n);
    for (size_t j = 0; j < got.n; j++) {
        bad = got;
        bad.hash[j][(m + j) % QR_HASH_LEN] ^= (uint8_t)(1u << (j % 8));
        CHECK(qr_merkle_verify_consistency(m, n, old_root, new_root, &bad) == QR_BAD_PROOF,
              "consistency %" PRIu64 " -> %" PRIu64 ": flipped bit in [%zu] verifies", m, n, j);
        bad = got;
        drop(&bad, j);
        CHECK(qr_merkle_verify_consistency(m, n, old_root, new_root, &bad) == QR_BAD_PROOF,
              "consistency %" PRIu64 " -> %" PRIu64 ": proof without [%zu] verifies", m, n, j);
    }
    bad = got;
    ref_append(&bad, new_root);
    ref_node(new_root, old_root, up_old);
    ref_node(new_root, new_root, up_new);
    CHECK(qr_merkle_verify_consistency(m, n, old_root, new_root, &bad) == QR_BAD_PROOF &&
              qr_merkle_verify_consistency(m, n, up_old, up_new, &bad) == QR_BAD_PROOF,
          "consistency %" PRIu64 " -> %" PRIu64 ": proof with an extra hash verifies", m, n);
    memcpy(wrong, old_root, QR_HASH_LEN);
    wrong[0] ^= 1;
    CHECK(qr_merkle_verify_consistency(m, n, wrong, new_root, &got) == QR_BAD_PROOF,
          "consistency %" PRIu64 " -> %" PRIu64 ": verifies a wrong old root", m, n);
    CHECK(qr_merkle_verify_consistency(m, n, old_root, wrong, &got) == QR_BAD_PROOF,
          "consistency %" PRIu64 " -> %" PRIu64 ": verifies a wrong new root", m, n);
}

/* Root of the first n leaves four ways: reference, frontier, loaded frontier, stored hashes. */
static void prop_root(const tree *t, const qr_merkle_frontier *f, uint64_t n,
                      uint8_t want[QR_HASH_LEN])
{
    uint8_t got[QR_HASH_LEN];
    qr_merkle_frontier g;

    ref_mth(t->leaf, n, want);
    if (f) {
        qr_merkle_frontier_root(f, got);
        CHECK(same(got, want), "size %" PRIu64 ": frontier root differs", n);
    }
    CHECK(qr_merkle_frontier_load(&g, n, store_read, t->s) == QR_OK, "size %" PRIu64 ": load", n);
    qr_merkle_frontier_root(&g, got);
    CHECK(same(got, want), "size %" PRIu64 ": loaded frontier root differs", n);
    CHECK(!f || (g.n == f->n && memcmp(g.hash, f->hash, g.n * QR_HASH_LEN) == 0),
          "size %" PRIu64 ": loaded frontier differs from the appended one", n);
    CHECK(qr_merkle_tree_hash(n, store_read, t->s, got) == QR_OK && same(got, want),
          "size %" PRIu64 ": tree hash differs", n);
}

static void test_properties(void)
{
    enum { SMALL = 130, BIG = 5000, SIZES = 24, PICKS = 12 };
    uint8_t(*leaf)[QR_HASH_LEN] = t_xmalloc(BIG * sizeof *leaf);
    uint8_t(*root)[QR_HASH_LEN] = t_xmalloc((SMALL + 1) * sizeof *root);
    qr_merkle_frontier f;
    mem_store s;
    tree t = {&s, (const uint8_t(*)[QR_HASH_LEN])leaf};

    store_init(&s, BIG);
    qr_merkle_frontier_init(&f);
    for (uint64_t n = 1; n <= BIG; n++) {
        ref_leaf(n - 1, leaf[n - 1]);
        CHECK(qr_merkle_frontier_append(&f, leaf[n - 1], store_write, &s) == QR_OK && f.size == n,
              "append leaf %" PRIu64, n - 1);
        if (n <= SMALL)
            prop_root(&t, &f, n, root[n]);
    }
    for (uint64_t n = 1; n <= SMALL; n++) {
        for (uint64_t i = 0; i < n; i++)
            prop_inclusion(&t, i, n, root[n]);
        for (uint64_t m = 1; m <= n; m++)
            prop_consistency(&t, m, n, root[m], root[n]);
    }
    for (int k = 0; k < SIZES; k++) {
        uint64_t n = SMALL + 1 + rnd(BIG - SMALL);
        uint8_t rn[QR_HASH_LEN], rm[QR_HASH_LEN];

        prop_root(&t, NULL, n, rn);
        for (int j = 0; j < PICKS; j++) {
            uint64_t i = j == 0 ? 0 : j == 1 ? n - 1 : rnd(n);
            uint64_t m = j == 0 ? n : j == 1 ? n - 1 : 1 + rnd(n);

            prop_inclusion(&t, i, n, rn);
            ref_mth(t.leaf, m, rm);
            prop_consistency(&t, m, n, rm, rn);
        }
    }
    store_free(&s);
    free(leaf);
    free(root);
}

/* ---- O(log n) reads over a large store ---- */

static void test_read_counts(void)
{
    const uint64_t big = ((uint64_t)1 << 20) + 4321;
    const uint64_t sizes[] = {1000000, 999999, ((uint64_t)1 << 20) - 1, (uint64_t)1 << 20, big};
    unsigned long most = 0;
    qr_merkle_frontier f;
    uint8_t h[QR_HASH_LEN];
    mem_store s;

    store_init(&s, big);
    qr_merkle_frontier_init(&f);
    for (uint64_t i = 0; i < big; i++) {
        ref_leaf(i, h);
        if (qr_merkle_frontier_append(&f, h, store_write, &s) != QR_OK) {
            CHECK(0, "append leaf %" PRIu64 " of the large tree", i);
            store_free(&s);
            return;
        }
    }
    for (size_t z = 0; z < sizeof sizes / sizeof *sizes; z++) {
        uint64_t n = sizes[z];
        uint8_t root[QR_HASH_LEN], old_root[QR_HASH_LEN], leaf[QR_HASH_LEN];
        qr_merkle_proof p;

        s.reads = 0;
        CHECK(qr_merkle_tree_hash(n, store_read, &s, root) == QR_OK && s.reads <= 64,
              "tree hash of %" PRIu64 ": %lu reads", n, s.reads);
        for (int j = 0; j < 24; j++) {
            uint64_t i = j == 0 ? 0 : j == 1 ? n - 1 : j == 2 ? n / 2 : rnd(n);
            uint64_t m = j == 0 ? 1 : j == 1 ? n - 1 : j == 2 ? n / 2 : 1 + rnd(n);

            s.reads = 0;
            CHECK(qr_merkle_inclusion_proof(i, n, store_read, &s, &p) == QR_OK &&
                      s.reads <= MAX_READS,
                  "inclusion %" PRIu64 " in %" PRIu64 ": %lu reads", i, n, s.reads);
            most = s.reads > most ? s.reads : most;
            ref_leaf(i, leaf);
            CHECK(qr_merkle_verify_inclusion(i, n, leaf, &p, root) == QR_OK,
                  "inclusion %" PRIu64 " in %" PRIu64 ": does not verify", i, n);

            s.reads = 0;
            CHECK(qr_merkle_consistency_proof(m, n, store_read, &s, &p) == QR_OK &&
                      s.reads <= MAX_READS,
                  "consistency %" PRIu64 " -> %" PRIu64 ": %lu reads", m, n, s.reads);
            most = s.reads > most ? s.reads : most;
            CHECK(qr_merkle_tree_hash(m, store_read, &s, old_root) == QR_OK &&
                      qr_merkle_verify_consistency(m, n, old_root, root, &p) == QR_OK,
                  "consistency %" PRIu64 " -> %" PRIu64 ": does not verify", m, n);
        }
    }
    {
        uint8_t got[QR_HASH_LEN];
        qr_merkle_frontier_root(&f, h);
        CHECK(qr_merkle_tree_hash(big, store_read, &s, got) == QR_OK && same(got, h),
              "large tree: frontier root and tree hash differ");
    }
    printf("proofs over %" PRIu64 " stored leaves: at most %lu reads\n", big, most);
    store_free(&s);
}

int main(int argc, char **argv)
{
    t_begin("test_merkle");
    if (argc != 2) {
        fprintf(stderr, "usage: test_merkle VECTORS_DIR\n");
        return 2;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "test_merkle: sodium_init failed\n");
        return 2;
    }
    test_edges();
    test_vectors(argv[1]);
    test_tree_heads(argv[1]);
    test_properties();
    test_read_counts();
    return t_end();
}
