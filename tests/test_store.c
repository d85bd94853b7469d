/*
 * test_store.c: the SQLite store of every forum's log (lib/store.c).
 *
 * Usage: test_store [vectors dir]      (unused)
 *
 * Entries appended and committed must survive a reopen byte for byte and in order, with tree
 * heads equal to those computed independently from the same entry bytes; the store's proofs
 * must verify against those heads; a duplicate statement must be refused and its batch rolled
 * back in memory and in the file; the append-only triggers must stop changes made with a plain
 * SQL connection; a changed entry must be found by recompute and named; files that are not
 * quorum databases must be refused; a read-only open must serve reads.  With the WAL
 * checkpointed in the background (store_wal.c), commits split over two threads as quorumd
 * splits them (qr_store_commit_write on another thread, qr_store_commit_end after) must all
 * be there after a reopen, the checkpoints must have run, and the WAL must stay bounded.
 */
#include "check.h"
#include "statement.h"
#include "store.h"
#include "store_wal.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#define N_MAIN 300 /* entries in the main forum */
#define N_SMALL 20 /* entries in the forums of the tamper tests */

static char tmpdir[] = "/tmp/test_store.XXXXXX";

static void path_in(char *out, size_t outlen, const char *file)
{
    snprintf(out, outlen, "%s/%s", tmpdir, file);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

/* ---- the model: what a forum should hold, kept apart from the store ----------------------- */

typedef struct {
    uint8_t *bytes; /* LogEntry bytes */
    size_t len;
    uint8_t stmt_hash[QR_HASH_LEN];
    uint8_t leaf[QR_HASH_LEN];
} rec;

typedef struct {
    const char *forum;
    rec *r;
    size_t n, cap;
} model;

/* Leaf hash straight from RFC 6962, not through lib/merkle.c. */
static void ref_leaf(const uint8_t *e, size_t len, uint8_t out[QR_HASH_LEN])
{
    crypto_hash_sha256_state st;
    uint8_t zero = 0;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, &zero, 1);
    crypto_hash_sha256_update(&st, e, len);
    crypto_hash_sha256_final(&st, out);
}

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

/* MTH(D[n]) of RFC 6962 2.1, recursively. */
static void ref_mth(const rec *r, size_t n, uint8_t out[QR_HASH_LEN])
{
    if (n == 0) {
        crypto_hash_sha256(out, NULL, 0);
        return;
    }
    if (n == 1) {
        memcpy(out, r[0].leaf, QR_HASH_LEN);
        return;
    }
    size_t k = 1;
    while (k * 2 < n)
        k *= 2;
    uint8_t a[QR_HASH_LEN], b[QR_HASH_LEN];
    ref_mth(r, k, a);
    ref_mth(r + k, n - k, b);
    ref_node(a, b, out);
}

/* A new entry for seq: a LogEntry around arbitrary "statement" bytes unique to forum and tag. */
static rec make_rec(const char *forum, uint64_t seq, unsigned tag)
{
    uint8_t payload[256];
    rec r;
    int n = snprintf((char *)payload, sizeof payload, "statement %s #%" PRIu64 " tag %u ", forum,
                     seq, tag);
    size_t len = (size_t)n + (size_t)((seq * 37 + tag) % 64);
    for (size_t i = (size_t)n; i < len; i++)
        payload[i] = (uint8_t)(i * 131 + seq + tag);
    crypto_hash_sha256(r.stmt_hash, payload, len);
    if (qr_entry_encode(seq, 1700000000 + (int64_t)seq, payload, len, &r.bytes, &r.len) != QR_OK) {
        fprintf(stderr, "test_store: qr_entry_encode failed\n");
        exit(2);
    }
    ref_leaf(r.bytes, r.len, r.leaf);
    return r;
}

static void model_push(model *m, rec r)
{
    if (m->n == m->cap) {
        m->cap = m->cap ? 2 * m->cap : 64;
        rec *p = realloc(m->r, m->cap * sizeof *p);
        if (!p) {
            fprintf(stderr, "test_store: out of memory\n");
            exit(2);
        }
        m->r = p;
    }
    m->r[m->n++] = r;
}

static void model_free(model *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->r[i].bytes);
    free(m->r);
    m->r = NULL;
    m->n = m->cap = 0;
}

/* Root of the first `size` entries from a frontier built with qr_merkle_frontier_append. */
static void model_root(const model *m, size_t size, uint8_t root[QR_HASH_LEN])
{
    qr_merkle_frontier f;
    qr_merkle_frontier_init(&f);
    for (size_t i = 0; i < size; i++) {
        uint8_t leaf[QR_HASH_LEN];
        qr_merkle_leaf_hash(m->r[i].bytes, m->r[i].len, leaf);
        if (qr_merkle_frontier_append(&f, leaf, NULL, NULL) != QR_OK)
            memset(root, 0, QR_HASH_LEN);
    }
    qr_merkle_frontier_root(&f, root);
}

/* Append `count` new entries to forum and model (inside the caller's batch). */
static int append_n(qr_store *s, model *m, size_t count, unsigned tag)
{
    int bad = 0;
    for (size_t i = 0; i < count; i++) {
        rec r = make_rec(m->forum, m->n, tag);
        uint64_t seq = UINT64_MAX;
        int rc = qr_store_append(s, m->forum, r.bytes, r.len, r.stmt_hash, &seq);
        if (rc != QR_OK || seq != m->n) {
            printf("FAIL appending entry %zu to %s: %s, seq %" PRIu64 "\n", m->n, m->forum,
                   qr_code_name(rc), seq);
            bad++;
        }
        model_push(m, r);
    }
    return bad;
}

/* ---- reading back ------------------------------------------------------------------------ */

typedef struct {
    const model *m;
    uint64_t next; /* seq expected next */
    uint64_t got;
    int bad;
    uint64_t stop_after; /* 0 = never */
} read_ctx;

static int on_entry(void *ctx, uint64_t seq, const uint8_t *entry, size_t len)
{
    read_ctx *c = ctx;
    if (seq != c->next || seq >= c->m->n || len != c->m->r[seq].len ||
        memcmp(entry, c->m->r[seq].bytes, len) != 0) {
        if (c->bad++ < 5)
            printf("FAIL read %s: entry %" PRIu64 " (expected %" PRIu64 ") differs\n", c->m->forum,
                   seq, c->next);
    }
    c->next = seq + 1;
    c->got++;
    if (c->stop_after && c->got == c->stop_after)
        return QR_NOT_AUTHORISED; /* any code: the reader must pass it back */
    return QR_OK;
}

/* qr_store_read(from, count) yields exactly the model's entries [from, min(from+count, n)). */
static void check_read(qr_store *s, const model *m, uint64_t from, uint64_t count, int line)
{
    read_ctx c = {m, from, 0, 0, 0};
    uint64_t end = from + count < m->n ? from + count : m->n;
    uint64_t want = from < end ? end - from : 0;
    int rc = qr_store_read(s, m->forum, from, count, on_entry, &c);
    check(rc == QR_OK && c.bad == 0 && c.got == want, line,
          "read %s [%" PRIu64 ", +%" PRIu64 "): %s, %" PRIu64 " entries (want %" PRIu64
          "), %d wrong",
          m->forum, from, count, qr_code_name(rc), c.got, want, c.bad);
}
#define CHECK_READ(s, m, from, count) check_read((s), (m), (from), (count), __LINE__)

/* Forum present with the model's size and root, and the tree heads at every size agree. */
static void check_forum(qr_store *s, const model *m, const char *name, int line)
{
    const qr_store_forum *f = qr_store_forum_find(s, m->forum);
    uint8_t root[QR_HASH_LEN], want[QR_HASH_LEN];

    check(f != NULL, line, "forum %s is there", m->forum);
    if (!f)
        return;
    check(f->size == m->n, line, "forum %s has %" PRIu64 " entries, want %zu", m->forum, f->size,
          m->n);
    if (name)
        check(strcmp(f->name, name) == 0, line, "forum %s is named \"%s\", want \"%s\"", m->forum,
              f->name, name);
    model_root(m, m->n, want);
    int rc = qr_store_tree_hash(s, m->forum, m->n, root);
    check(rc == QR_OK && memcmp(root, want, QR_HASH_LEN) == 0, line,
          "forum %s: tree hash at %zu is the independently computed root (%s)", m->forum, m->n,
          qr_code_name(rc));
    qr_merkle_frontier_root(&f->fr, root);
    check(f->fr.size == m->n && memcmp(root, want, QR_HASH_LEN) == 0, line,
          "forum %s: the in-memory frontier gives the same root", m->forum);
}
#define CHECK_FORUM(s, m, name) check_forum((s), (m), (name), __LINE__)

static qr_store *open_store(const char *path, int flags, int line)
{
    char err[512] = "";
    qr_store *s = NULL;
    int rc = qr_store_open(path, flags, &s, err, sizeof err);
    check(rc == QR_OK && s != NULL, line, "opening %s: %s %s", path, qr_code_name(rc), err);
    return rc == QR_OK ? s : NULL;
}
#define OPEN(path, flags) open_store((path), (flags), __LINE__)

/* ---- the tests ----------------------------------------------------------------------------- */

static const char *CKPT_100 = "quorum.example/ics-board\n100\nAAAA\n\n\xe2\x80\x94 log abc\n";
static const char *CKPT_300 = "quorum.example/ics-board\n300\nBBBB\n\n\xe2\x80\x94 log def\n";

/* Build the main file: two forums, N_MAIN + 5 entries, two checkpoints. */
static void build_main(const char *path, model *ics, model *lpt)
{
    qr_store *s = OPEN(path, 0);
    if (!s)
        return;
    CHECK(qr_store_forum_count(s) == 0, "a new store has no forums");
    uint64_t seq;
    rec r = make_rec("nowhere", 0, 0);
    CHECK_RC(qr_store_append(s, ics->forum, r.bytes, r.len, r.stmt_hash, &seq), QR_INTERNAL,
             "appending outside a batch");
    CHECK_RC(qr_store_forum_create(s, "ics-board", "x", 0), QR_INTERNAL,
             "creating a forum outside a batch");
    CHECK_RC(qr_store_commit(s), QR_INTERNAL, "committing outside a batch");

    CHECK_RC(qr_store_begin(s), QR_OK, "begin");
    CHECK_RC(qr_store_begin(s), QR_INTERNAL, "begin inside a batch");
    CHECK_RC(qr_store_forum_create(s, "ics-board", "Leicester ICS Joint Board", 1700000000), QR_OK,
             "creating ics-board");
    CHECK_RC(qr_store_forum_create(s, "lpt-board", "LPT Board", 1700000001), QR_OK,
             "creating lpt-board");
    CHECK_RC(qr_store_forum_create(s, "ics-board", "again", 1700000002), QR_FORUM_EXISTS,
             "creating ics-board twice in one batch");
    CHECK_RC(qr_store_append(s, "no-such-forum", r.bytes, r.len, r.stmt_hash, &seq),
             QR_UNKNOWN_FORUM, "appending to an unknown forum");
    free(r.bytes);
    tally(append_n(s, ics, 100, 0), __LINE__, "appending the first 100 entries");
    tally(append_n(s, lpt, 5, 0), __LINE__, "appending 5 entries to lpt-board");
    CHECK_RC(qr_store_put_checkpoint(s, "ics-board", 100, CKPT_100), QR_OK, "checkpoint at 100");
    CHECK_RC(qr_store_commit(s), QR_OK, "commit");
    CHECK(qr_store_dirty_count(s) == 2, "the committed batch changed 2 forums (got %zu)",
          qr_store_dirty_count(s));

    CHECK_RC(qr_store_begin(s), QR_OK, "second begin");
    tally(append_n(s, ics, N_MAIN - 100, 0), __LINE__, "appending the rest");

    /* A reader on its own connection sees nothing of an uncommitted batch. */
    sqlite3 *db = NULL;
    int64_t seen = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_stmt *q = NULL;
        if (sqlite3_prepare_v2(db, "SELECT count(*) FROM entries", -1, &q, NULL) == SQLITE_OK &&
            sqlite3_step(q) == SQLITE_ROW)
            seen = sqlite3_column_int64(q, 0);
        sqlite3_finalize(q);
    }
    sqlite3_close(db);
    CHECK(seen == 105, "another connection sees %" PRId64 " entries during the batch, want 105",
          seen);

    CHECK_RC(qr_store_put_checkpoint(s, "ics-board", N_MAIN, CKPT_300), QR_OK, "checkpoint at 300");
    CHECK_RC(qr_store_commit(s), QR_OK, "second commit");
    CHECK(qr_store_dirty_count(s) == 1 && qr_store_dirty_at(s, 0) &&
              strcmp(qr_store_dirty_at(s, 0)->forum, "ics-board") == 0,
          "the second batch changed only ics-board");
    CHECK_FORUM(s, ics, "Leicester ICS Joint Board");
    CHECK_FORUM(s, lpt, "LPT Board");
    qr_store_destroy(&s);
    CHECK(s == NULL, "qr_store_destroy nulls the pointer");
    qr_store_destroy(&s);
}

/* Everything committed is there after a reopen. */
static void check_main(qr_store *s, const model *ics, const model *lpt, int writable)
{
    uint8_t root[QR_HASH_LEN], want[QR_HASH_LEN], ref[QR_HASH_LEN];
    int bad = 0;

    CHECK(qr_store_forum_count(s) == 2, "2 forums after reopening (got %zu)",
          qr_store_forum_count(s));
    CHECK(qr_store_forum_at(s, 0) && strcmp(qr_store_forum_at(s, 0)->forum, "ics-board") == 0 &&
              qr_store_forum_at(s, 1) && strcmp(qr_store_forum_at(s, 1)->forum, "lpt-board") == 0 &&
              qr_store_forum_at(s, 2) == NULL,
          "forums come back in creation order");
    CHECK_FORUM(s, ics, "Leicester ICS Joint Board");
    CHECK_FORUM(s, lpt, "LPT Board");
    CHECK(qr_store_forum_find(s, "no-such-forum") == NULL, "an unknown forum is not found");

    /* Tree heads at every size: frontier model and RFC 6962 reference. */
    qr_merkle_frontier f;
    qr_merkle_frontier_init(&f);
    for (size_t n = 0; n <= ics->n; n++) {
        if (n > 0) {
            uint8_t leaf[QR_HASH_LEN];
            qr_merkle_leaf_hash(ics->r[n - 1].bytes, ics->r[n - 1].len, leaf);
            if (memcmp(leaf, ics->r[n - 1].leaf, QR_HASH_LEN) != 0) {
                printf("FAIL qr_merkle_leaf_hash of entry %zu is not H(0x00 || entry)\n", n - 1);
                bad++;
            }
            if (qr_merkle_frontier_append(&f, leaf, NULL, NULL) != QR_OK)
                bad++;
        }
        qr_merkle_frontier_root(&f, want);
        int rc = qr_store_tree_hash(s, "ics-board", n, root);
        if (rc != QR_OK || memcmp(root, want, QR_HASH_LEN) != 0) {
            printf("FAIL tree hash at size %zu: %s, differs from the frontier's root\n", n,
                   qr_code_name(rc));
            bad++;
        }
        if (n % 17 == 0 || n == ics->n) {
            ref_mth(ics->r, n, ref);
            if (memcmp(ref, want, QR_HASH_LEN) != 0) {
                printf("FAIL tree hash at size %zu differs from RFC 6962 MTH\n", n);
                bad++;
            }
        }
        if (n < ics->n) {
            uint8_t leaf[QR_HASH_LEN];
            if (qr_store_leaf_hash(s, "ics-board", n, leaf) != QR_OK ||
                memcmp(leaf, ics->r[n].leaf, QR_HASH_LEN) != 0) {
                printf("FAIL stored leaf hash %zu\n", n);
                bad++;
            }
        }
    }
    tally(bad, __LINE__, "tree hashes at every size match the independent roots");
    CHECK_RC(qr_store_tree_hash(s, "ics-board", ics->n + 1, root), QR_OUT_OF_RANGE,
             "tree hash beyond the size");
    CHECK_RC(qr_store_tree_hash(s, "no-such-forum", 0, root), QR_UNKNOWN_FORUM,
             "tree hash of an unknown forum");

    /* Reads. */
    CHECK_READ(s, ics, 0, ics->n);
    CHECK_READ(s, ics, 0, UINT64_MAX);
    CHECK_READ(s, ics, 10, 5);
    CHECK_READ(s, ics, ics->n - 2, 10);
    CHECK_READ(s, ics, ics->n, 5);
    CHECK_READ(s, ics, 7, 0);
    CHECK_READ(s, lpt, 0, 1000);
    read_ctx c = {ics, 0, 0, 0, 3};
    CHECK(qr_store_read(s, "ics-board", 0, 100, on_entry, &c) == QR_NOT_AUTHORISED && c.got == 3,
          "a reader's error stops the read and comes back (got %" PRIu64 " entries)", c.got);
    CHECK(qr_store_read(s, "no-such-forum", 0, 10, on_entry, &c) == QR_UNKNOWN_FORUM,
          "reading an unknown forum");

    /* Checkpoints. */
    char *note = NULL;
    uint64_t size = 0;
    CHECK_RC(qr_store_latest_checkpoint(s, "ics-board", &note, &size), QR_OK, "latest checkpoint");
    CHECK(note && strcmp(note, CKPT_300) == 0 && size == N_MAIN,
          "the latest checkpoint is the last one put (size %" PRIu64 ")", size);
    free(note);
    note = NULL;
    CHECK_RC(qr_store_latest_checkpoint(s, "lpt-board", &note, &size), QR_NOT_FOUND,
             "a forum without checkpoints");
    free(note);

    /* Statements. */
    CHECK(qr_store_has_statement(s, "ics-board", ics->r[0].stmt_hash) == 1 &&
              qr_store_has_statement(s, "ics-board", ics->r[ics->n - 1].stmt_hash) == 1,
          "has_statement finds stored statements");
    rec r = make_rec("ics-board", 0, 999);
    CHECK(qr_store_has_statement(s, "ics-board", r.stmt_hash) == 0,
          "has_statement does not find an unknown statement");
    free(r.bytes);
    CHECK(qr_store_has_statement(s, "ics-board", lpt->r[0].stmt_hash) == 0,
          "has_statement is per forum");

    if (writable) {
        char err[512] = "";
        CHECK(qr_store_recompute(s, "ics-board", root, err, sizeof err) == QR_OK &&
                  memcmp(root, want, QR_HASH_LEN) == 0,
              "recompute of the untouched forum gives its root (%s)", err);
    }
}

static void check_proofs(qr_store *s, const model *m)
{
    size_t sizes[64], ns = 0;
    uint8_t roots[64][QR_HASH_LEN];
    qr_merkle_proof p;
    int bad = 0;

    for (size_t n = 1; n <= m->n && ns < 63; n += 13)
        sizes[ns++] = n;
    if (sizes[ns - 1] != m->n)
        sizes[ns++] = m->n;
    for (size_t i = 0; i < ns; i++)
        model_root(m, sizes[i], roots[i]);

    for (size_t k = 0; k < ns; k++) {
        size_t n = sizes[k];
        for (size_t i = 0; i < n; i++) {
            int rc = qr_store_inclusion_proof(s, m->forum, i, n, &p);
            if (rc != QR_OK ||
                qr_merkle_verify_inclusion(i, n, m->r[i].leaf, &p, roots[k]) != QR_OK) {
                printf("FAIL inclusion of %zu in %zu: %s\n", i, n, qr_code_name(rc));
                bad++;
            }
        }
        /* The same proof must not prove a different leaf. */
        if (n > 1 && qr_store_inclusion_proof(s, m->forum, 0, n, &p) == QR_OK &&
            qr_merkle_verify_inclusion(0, n, m->r[1].leaf, &p, roots[k]) == QR_OK) {
            printf("FAIL leaf 1 passes with leaf 0's proof in %zu\n", n);
            bad++;
        }
    }
    tally(bad, __LINE__, "inclusion proofs verify against independent roots");
    bad = 0;
    for (size_t a = 0; a < ns; a++)
        for (size_t b = a; b < ns; b++) {
            int rc = qr_store_consistency_proof(s, m->forum, sizes[a], sizes[b], &p);
            if (rc != QR_OK ||
                qr_merkle_verify_consistency(sizes[a], sizes[b], roots[a], roots[b], &p) != QR_OK) {
                printf("FAIL consistency %zu -> %zu: %s\n", sizes[a], sizes[b], qr_code_name(rc));
                bad++;
            }
            if (a != b &&
                qr_merkle_verify_consistency(sizes[a], sizes[b], roots[b], roots[b], &p) == QR_OK) {
                printf("FAIL consistency %zu -> %zu verifies with the wrong old root\n", sizes[a],
                       sizes[b]);
                bad++;
            }
        }
    tally(bad, __LINE__, "consistency proofs verify against independent roots");
    printf("# %zu tree sizes, inclusion of every leaf in each, consistency between each pair\n",
           ns);

    CHECK_RC(qr_store_inclusion_proof(s, m->forum, m->n, m->n, &p), QR_OUT_OF_RANGE,
             "inclusion of a leaf beyond the tree");
    CHECK_RC(qr_store_inclusion_proof(s, m->forum, 0, m->n + 1, &p), QR_OUT_OF_RANGE,
             "inclusion in a tree larger than the forum");
    CHECK_RC(qr_store_consistency_proof(s, m->forum, 0, m->n, &p), QR_OUT_OF_RANGE,
             "consistency from size 0");
    CHECK_RC(qr_store_consistency_proof(s, m->forum, 5, 4, &p), QR_OUT_OF_RANGE,
             "consistency from a larger size");
    CHECK_RC(qr_store_consistency_proof(s, m->forum, 1, m->n + 1, &p), QR_OUT_OF_RANGE,
             "consistency to a size beyond the forum");
}

/* A duplicate statement fails its append; the rolled-back batch leaves no trace. */
static void test_duplicate(const char *path, model *ics, model *lpt)
{
    uint8_t before[QR_HASH_LEN], after[QR_HASH_LEN], lpt_before[QR_HASH_LEN];
    qr_store *s = OPEN(path, 0);
    if (!s)
        return;
    model_root(ics, ics->n, before);
    model_root(lpt, lpt->n, lpt_before);
    size_t n0 = ics->n, l0 = lpt->n;

    CHECK_RC(qr_store_begin(s), QR_OK, "begin");
    model scratch = {ics->forum, NULL, 0, 0}, lscratch = {lpt->forum, NULL, 0, 0};
    /* New entries go into scratch models so that the real ones stay as committed. */
    for (size_t i = 0; i < 3; i++) {
        rec r = make_rec(ics->forum, n0 + i, 7);
        uint64_t seq = 0;
        CHECK(qr_store_append(s, ics->forum, r.bytes, r.len, r.stmt_hash, &seq) == QR_OK &&
                  seq == n0 + i,
              "appending new entry %zu in the batch", n0 + i);
        model_push(&scratch, r);
    }
    rec r = make_rec(lpt->forum, l0, 7);
    uint64_t seq = 0;
    CHECK_RC(qr_store_append(s, lpt->forum, r.bytes, r.len, r.stmt_hash, &seq), QR_OK,
             "appending to lpt-board in the same batch");
    model_push(&lscratch, r);
    CHECK(qr_store_has_statement(s, ics->forum, scratch.r[0].stmt_hash) == 1,
          "within the batch the new statement is found");

    rec dup = make_rec(ics->forum, n0 + 3, 7);
    int rc = qr_store_append(s, ics->forum, dup.bytes, dup.len, ics->r[5].stmt_hash, &seq);
    CHECK(rc == QR_DUPLICATE, "appending a statement already recorded: got %s", qr_code_name(rc));
    free(dup.bytes);
    qr_store_rollback(s);

    const qr_store_forum *f = qr_store_forum_find(s, ics->forum);
    CHECK(f && f->size == n0, "after rollback ics-board has %" PRIu64 " entries, want %zu",
          f ? f->size : 0, n0);
    CHECK(qr_store_tree_hash(s, ics->forum, n0, after) == QR_OK &&
              memcmp(before, after, QR_HASH_LEN) == 0,
          "after rollback the tree hash is as before the batch");
    if (f) {
        qr_merkle_frontier_root(&f->fr, after);
        CHECK(memcmp(before, after, QR_HASH_LEN) == 0, "after rollback the frontier is restored");
    }
    f = qr_store_forum_find(s, lpt->forum);
    CHECK(f && f->size == l0, "after rollback lpt-board is back to %zu entries", l0);
    if (f) {
        qr_merkle_frontier_root(&f->fr, after);
        CHECK(memcmp(lpt_before, after, QR_HASH_LEN) == 0,
              "after rollback lpt-board's frontier is restored");
    }
    CHECK(qr_store_has_statement(s, ics->forum, scratch.r[0].stmt_hash) == 0,
          "after rollback the batch's statements are gone");
    uint8_t tmp[QR_HASH_LEN];
    CHECK(qr_store_tree_hash(s, ics->forum, n0 + 1, tmp) == QR_OUT_OF_RANGE,
          "after rollback no tree beyond the old size");

    /* The store carries on: the next append takes the next number. */
    CHECK_RC(qr_store_begin(s), QR_OK, "begin after rollback");
    tally(append_n(s, ics, 1, 8), __LINE__, "appending after a rollback");
    CHECK_RC(qr_store_commit(s), QR_OK, "commit after rollback");
    CHECK_FORUM(s, ics, NULL);
    qr_store_destroy(&s);

    s = OPEN(path, 0);
    if (s) {
        CHECK_FORUM(s, ics, NULL);
        CHECK_FORUM(s, lpt, NULL);
        CHECK(qr_store_has_statement(s, ics->forum, scratch.r[1].stmt_hash) == 0 &&
                  qr_store_has_statement(s, lpt->forum, lscratch.r[0].stmt_hash) == 0,
              "after reopening nothing of the rolled-back batch is there");
        CHECK_READ(s, ics, 0, UINT64_MAX);
        CHECK_READ(s, lpt, 0, UINT64_MAX);
    }
    qr_store_destroy(&s);
    model_free(&scratch);
    model_free(&lscratch);
}

/* Rolling back a batch that created forums removes them from memory and from the file. */
static void test_rollback_forum(const char *path, const model *ics)
{
    char name[32];
    qr_store *s = OPEN(path, 0);
    if (!s)
        return;
    size_t nf = qr_store_forum_count(s);
    CHECK_RC(qr_store_begin(s), QR_OK, "begin");
    CHECK_RC(qr_store_forum_create(s, "temp-forum", "Temporary", 1700000500), QR_OK,
             "creating temp-forum");
    for (int i = 0; i < 40; i++) {
        snprintf(name, sizeof name, "extra-%d", i);
        if (qr_store_forum_create(s, name, "Extra", 1700000500) != QR_OK)
            CHECK(0, "creating %s", name);
    }
    model tmp = {"temp-forum", NULL, 0, 0};
    tally(append_n(s, &tmp, 3, 0), __LINE__, "appending to temp-forum");
    CHECK(qr_store_forum_find(s, "temp-forum") != NULL && qr_store_forum_count(s) == nf + 41,
          "the new forums are visible inside the batch");
    qr_store_rollback(s);
    CHECK(qr_store_forum_find(s, "temp-forum") == NULL && qr_store_forum_find(s, "extra-7") == NULL,
          "after rollback the created forums are gone from memory");
    CHECK(qr_store_forum_count(s) == nf, "after rollback %zu forums, want %zu",
          qr_store_forum_count(s), nf);
    CHECK(qr_store_forum_find(s, "ics-board") != NULL &&
              qr_store_forum_find(s, "lpt-board") != NULL,
          "after rollback the committed forums are still found");
    CHECK_FORUM(s, ics, NULL);
    CHECK_RC(qr_store_begin(s), QR_OK, "begin");
    CHECK_RC(qr_store_forum_create(s, "ics-board", "Again", 1700000550), QR_FORUM_EXISTS,
             "creating a forum committed earlier");
    qr_store_rollback(s);
    CHECK(qr_store_forum_count(s) == nf && qr_store_forum_find(s, "ics-board") != NULL,
          "rolling back a batch that created nothing keeps every forum");

    /* The name is free again, in memory and in the file. */
    CHECK_RC(qr_store_begin(s), QR_OK, "begin again");
    CHECK_RC(qr_store_forum_create(s, "temp-forum", "Temporary", 1700000600), QR_OK,
             "creating temp-forum again after the rollback");
    qr_store_rollback(s);
    qr_store_destroy(&s);

    s = OPEN(path, 0);
    if (s) {
        CHECK(qr_store_forum_count(s) == nf && qr_store_forum_find(s, "temp-forum") == NULL,
              "after reopening the rolled-back forums are not in the file");
        CHECK_FORUM(s, ics, NULL);
    }
    /* A batch left open when the store is destroyed is rolled back too. */
    if (s) {
        CHECK_RC(qr_store_begin(s), QR_OK, "begin before destroy");
        CHECK_RC(qr_store_forum_create(s, "abandoned", "Abandoned", 1), QR_OK,
                 "creating a forum and never committing");
    }
    qr_store_destroy(&s);
    s = OPEN(path, 0);
    CHECK(s && qr_store_forum_find(s, "abandoned") == NULL,
          "a batch never committed is not in the file");
    qr_store_destroy(&s);
    model_free(&tmp);
}

typedef struct {
    qr_store *s;
    int rc;
} commit_job;

static void *commit_elsewhere(void *arg)
{
    commit_job *j = arg;
    j->rc = qr_store_commit_write(j->s);
    return NULL;
}

static void test_wal_checkpointer(void)
{
    char path[512], wal[600], err[512] = "";
    path_in(path, sizeof path, "wal.db");
    snprintf(wal, sizeof wal, "%s-wal", path);
    model m = {"wal-forum", NULL, 0, 0};
    qr_store *s = OPEN(path, 0);
    if (!s)
        return;
    qr_wal_checkpointer *c = NULL;
    int rc = qr_wal_checkpointer_start(qr_store_sqlite(s), &c, err, sizeof err);
    CHECK(rc == QR_OK && c, "starting the checkpointer: %s %s", qr_code_name(rc), err);
    if (!c) {
        qr_store_destroy(&s);
        return;
    }
    CHECK_RC(qr_store_begin(s), QR_OK, "begin");
    CHECK_RC(qr_store_forum_create(s, m.forum, "WAL", 1700000000), QR_OK, "creating wal-forum");
    CHECK_RC(qr_store_commit(s), QR_OK, "commit");
    int bad = 0;
    off_t most = 0;
    for (int i = 0; i < 2500 && !bad; i++) {
        bad += qr_store_begin(s) != QR_OK;
        bad += append_n(s, &m, 1 + i % 4, 7);
        commit_job j = {s, QR_INTERNAL};
        pthread_t t;
        if (pthread_create(&t, NULL, commit_elsewhere, &j) != 0 || pthread_join(t, NULL) != 0)
            bad++;
        bad += qr_store_commit_end(s, j.rc) != QR_OK;
        struct stat st;
        if (stat(wal, &st) == 0 && st.st_size > most)
            most = st.st_size;
    }
    CHECK(bad == 0, "2,500 batches committed on another thread (%d failed)", bad);
    /* Someone reading the file with a transaction open keeps the WAL from starting again;
     * the RESTART must give up on them rather than hold commits back (for the writer's 5 s
     * timeout, as it did with SQLite's busy handler). */
    sqlite3 *reader = NULL;
    sqlite3_stmt *q = NULL;
    if (sqlite3_open_v2(path, &reader, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_exec(reader, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(reader, "SELECT count(*) FROM entries", -1, &q, NULL) != SQLITE_OK ||
        sqlite3_step(q) != SQLITE_ROW)
        CHECK(0, "a reader holds a snapshot: %s", reader ? sqlite3_errmsg(reader) : "no memory");
    double slowest = 0;
    for (int i = 0; i < 1500 && !bad; i++) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        bad += qr_store_begin(s) != QR_OK;
        bad += append_n(s, &m, 4, 8);
        bad += qr_store_commit(s) != QR_OK;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double took = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        slowest = took > slowest ? took : slowest;
    }
    CHECK(bad == 0 && slowest < 1.0,
          "1,500 commits while a reader holds the WAL: none waited for it (slowest %.3f s)",
          slowest);
    sqlite3_finalize(q);
    sqlite3_close(reader);
    uint64_t runs = 0, forced = 0;
    qr_wal_checkpointer_counts(c, &runs, &forced);
    CHECK(runs > 0, "the checkpointer ran (%" PRIu64 " times, %" PRIu64 " forced)", runs, forced);
    CHECK(most <= (off_t)2 * QR_WAL_CHECKPOINT_FORCE * 4120,
          "the WAL stayed bounded (largest %lld bytes)", (long long)most);
    qr_wal_checkpointer_stop(&c);
    CHECK(c == NULL, "the checkpointer stopped");
    CHECK_FORUM(s, &m, "WAL");
    qr_store_destroy(&s);
    s = OPEN(path, QR_STORE_READONLY);
    if (s) {
        CHECK_FORUM(s, &m, "WAL");
        CHECK_READ(s, &m, 0, m.n);
    }
    qr_store_destroy(&s);
    model_free(&m);
}

static int contains(const char *hay, const char *needle)
{
    return hay && strstr(hay, needle) != NULL;
}

/* A proof as quorumd serves it: with the tree heads and the leaf hash its reply carries, all
 * inside one read transaction (qr_store_read_begin).  Every leaf of the latest tree, and
 * consistency from every size to the latest and to a smaller tree, against independent roots. */
static int served_inclusion(qr_store *s, const model *m, size_t i, size_t n, const uint8_t *want)
{
    qr_merkle_proof p;
    uint8_t root[QR_HASH_LEN], leaf[QR_HASH_LEN];
    qr_store_read_begin(s);
    int rc = qr_store_inclusion_proof(s, m->forum, i, n, &p);
    if (rc == QR_OK)
        rc = qr_store_tree_hash(s, m->forum, n, root);
    if (rc == QR_OK)
        rc = qr_store_leaf_hash(s, m->forum, i, leaf);
    qr_store_read_end(s);
    if (rc == QR_OK && memcmp(root, want, QR_HASH_LEN) == 0 &&
        memcmp(leaf, m->r[i].leaf, QR_HASH_LEN) == 0 &&
        qr_merkle_verify_inclusion(i, n, leaf, &p, root) == QR_OK)
        return 0;
    printf("FAIL served inclusion of %zu in %zu: %s\n", i, n, qr_code_name(rc));
    return 1;
}

static int served_consistency(qr_store *s, const model *m, size_t old, size_t n,
                              const uint8_t *want_old, const uint8_t *want)
{
    qr_merkle_proof p;
    uint8_t root[QR_HASH_LEN], old_root[QR_HASH_LEN];
    qr_store_read_begin(s);
    int rc = qr_store_consistency_proof(s, m->forum, old, n, &p);
    if (rc == QR_OK)
        rc = qr_store_tree_hash(s, m->forum, n, root);
    if (rc == QR_OK)
        rc = qr_store_tree_hash(s, m->forum, old, old_root);
    qr_store_read_end(s);
    if (rc == QR_OK && memcmp(root, want, QR_HASH_LEN) == 0 &&
        memcmp(old_root, want_old, QR_HASH_LEN) == 0 &&
        qr_merkle_verify_consistency(old, n, old_root, root, &p) == QR_OK)
        return 0;
    printf("FAIL served consistency %zu -> %zu: %s\n", old, n, qr_code_name(rc));
    return 1;
}

static void check_served(qr_store *s, const model *m)
{
    size_t n = m->n, half = m->n / 2 + 3;
    uint8_t want[QR_HASH_LEN], want_half[QR_HASH_LEN], want_old[QR_HASH_LEN];
    int bad = 0;
    model_root(m, n, want);
    model_root(m, half, want_half);
    for (size_t i = 0; i < n; i++)
        bad += served_inclusion(s, m, i, n, want);
    for (size_t i = 0; i < half; i++)
        bad += served_inclusion(s, m, i, half, want_half);
    tally(bad, __LINE__, "inclusion proofs with their heads and leaves in one read");
    bad = 0;
    for (size_t old = 1; old <= n; old++) {
        model_root(m, old, want_old);
        bad += served_consistency(s, m, old, n, want_old, want);
        if (old <= half)
            bad += served_consistency(s, m, old, half, want_old, want_half);
    }
    tally(bad, __LINE__, "consistency proofs with both heads in one read");
}

/* Reads in a read transaction, and batches around them: no batch begins while a read is open,
 * and what a batch commits or rolls back is what the next read sees, tree heads included. */
static void test_read_transactions(const char *path, model *ics)
{
    uint8_t root[QR_HASH_LEN], want[QR_HASH_LEN];
    qr_store *s = OPEN(path, 0);
    if (!s)
        return;
    check_served(s, ics);

    qr_store_read_begin(s);
    CHECK_RC(qr_store_begin(s), QR_INTERNAL, "a batch while a read transaction is open");
    qr_store_read_end(s);
    CHECK_RC(qr_store_begin(s), QR_OK, "a batch once the read has ended");
    qr_store_read_begin(s); /* inside a batch: the batch is the snapshot */
    tally(append_n(s, ics, 3, 21), __LINE__, "appending inside a read in a batch");
    model_root(ics, ics->n, want);
    CHECK(qr_store_tree_hash(s, ics->forum, ics->n, root) == QR_OK &&
              memcmp(root, want, QR_HASH_LEN) == 0,
          "the batch's reads see its own appends");
    qr_store_read_end(s);
    CHECK_RC(qr_store_commit(s), QR_OK, "commit");
    CHECK(qr_store_tree_hash(s, ics->forum, ics->n, root) == QR_OK &&
              memcmp(root, want, QR_HASH_LEN) == 0,
          "after the commit the latest head is the new tree's");
    check_served(s, ics);

    /* A rolled-back batch: reads inside it see its appends, reads after it do not. */
    size_t n0 = ics->n;
    model scratch = {ics->forum, NULL, 0, 0};
    CHECK_RC(qr_store_begin(s), QR_OK, "begin a batch to roll back");
    for (size_t i = 0; i < 5; i++) {
        rec r = make_rec(ics->forum, n0 + i, 22);
        uint64_t seq = 0;
        CHECK(qr_store_append(s, ics->forum, r.bytes, r.len, r.stmt_hash, &seq) == QR_OK,
              "appending %zu to roll back", n0 + i);
        model_push(&scratch, r);
    }
    CHECK(qr_store_tree_hash(s, ics->forum, n0 + 5, root) == QR_OK &&
              memcmp(root, want, QR_HASH_LEN) != 0,
          "inside the batch the latest head is the longer tree's");
    qr_store_rollback(s);
    model_root(ics, n0, want);
    CHECK(qr_store_tree_hash(s, ics->forum, n0, root) == QR_OK &&
              memcmp(root, want, QR_HASH_LEN) == 0,
          "after the rollback the latest head is the committed tree's");
    qr_store_read_begin(s);
    CHECK_RC(qr_store_tree_hash(s, ics->forum, n0 + 5, root), QR_OUT_OF_RANGE,
             "after the rollback a read finds no longer tree");
    qr_store_read_end(s);
    check_served(s, ics);
    model_free(&scratch);
    qr_store_destroy(&s);
}

/* Two forums of 4096 entries: their nodes above the cache's level (31 a forum, at the same
 * places in both) share the hash cache, and proofs of both, interleaved, must each get their
 * own forum's.  Built as test_store_small_cache (a cache of one set of 4), they evict and
 * reorder it all the time. */
static void test_hash_cache(void)
{
    enum { N = 4096 };
    char path[512];
    model m[2] = {{"c-one", NULL, 0, 0}, {"c-two", NULL, 0, 0}};
    uint8_t root[2][QR_HASH_LEN], old_root[2][QR_HASH_LEN];
    qr_merkle_proof p;
    path_in(path, sizeof path, "cache.db");
    qr_store *s = OPEN(path, 0);
    if (!s)
        return;
    CHECK_RC(qr_store_begin(s), QR_OK, "begin");
    for (int k = 0; k < 2; k++) {
        CHECK_RC(qr_store_forum_create(s, m[k].forum, "Cache", 1700000000), QR_OK, "a forum");
        tally(append_n(s, &m[k], N, 30 + (unsigned)k), __LINE__, "appending 4096 entries");
        model_root(&m[k], N, root[k]);
    }
    CHECK_RC(qr_store_commit(s), QR_OK, "commit");
    /* Runs of 7 leaves of one forum, then of the other: a run reads the same upper nodes
     * again, or crosses into the next subtree and reads the sibling of what it just read. */
    int bad = 0;
    for (int in_read = 0; in_read < 2; in_read++)
        for (size_t run = 0; run < N; run += 7)
            for (int k = 0; k < 2; k++)
                for (size_t i = run; i < run + 7 && i < N; i++) {
                    if (in_read)
                        qr_store_read_begin(s);
                    int rc = qr_store_inclusion_proof(s, m[k].forum, i, N, &p);
                    qr_store_read_end(s);
                    if (rc != QR_OK ||
                        qr_merkle_verify_inclusion(i, N, m[k].r[i].leaf, &p, root[k]) != QR_OK)
                        bad++;
                }
    tally(bad, __LINE__, "inclusion proofs in two large forums, interleaved");
    bad = 0;
    for (size_t old = 1; old < N; old += 61) {
        for (int k = 0; k < 2; k++)
            model_root(&m[k], old, old_root[k]);
        for (int k = 0; k < 2; k++) {
            uint8_t head[QR_HASH_LEN];
            qr_store_read_begin(s);
            int rc = qr_store_consistency_proof(s, m[k].forum, old, N, &p);
            if (rc == QR_OK)
                rc = qr_store_tree_hash(s, m[k].forum, old, head);
            qr_store_read_end(s);
            if (rc != QR_OK || memcmp(head, old_root[k], QR_HASH_LEN) != 0 ||
                qr_merkle_verify_consistency(old, N, old_root[k], root[k], &p) != QR_OK)
                bad++;
        }
    }
    tally(bad, __LINE__, "consistency proofs and old heads in two large forums, interleaved");
    for (int k = 0; k < 2; k++)
        model_free(&m[k]);
    qr_store_destroy(&s);
}

/* Each change through a plain SQL connection is stopped by the triggers. */
static void test_triggers(const char *path, const model *ics, const model *lpt)
{
    static const char *const attempts[] = {
        "UPDATE entries SET entry = x'00'",
        "UPDATE entries SET entry = x'00' WHERE seq = 3",
        "DELETE FROM entries",
        "DELETE FROM entries WHERE seq = 299",
        "UPDATE hashes SET hash = zeroblob(32)",
        "DELETE FROM hashes",
        "UPDATE checkpoints SET note = 'forged'",
        "DELETE FROM checkpoints",
        "UPDATE forums SET name = 'renamed'",
        "DELETE FROM forums",
        "INSERT INTO entries(forum_id, seq, entry, stmt_hash) SELECT forum_id, seq, x'00', "
        "stmt_hash FROM entries WHERE seq = 0 ON CONFLICT(forum_id, seq) DO UPDATE SET entry = "
        "excluded.entry",
    };
    sqlite3 *db = NULL;
    int bad = 0;

    if (sqlite3_open(path, &db) != SQLITE_OK) {
        CHECK(0, "sqlite3_open %s: %s", path, db ? sqlite3_errmsg(db) : "no memory");
        sqlite3_close(db);
        return;
    }
    for (size_t i = 0; i < sizeof attempts / sizeof *attempts; i++) {
        char *msg = NULL;
        int rc = sqlite3_exec(db, attempts[i], NULL, NULL, &msg);
        if (rc == SQLITE_OK || !contains(msg, "append-only")) {
            printf("FAIL \"%s\" gives %d \"%s\", want a refusal mentioning append-only\n",
                   attempts[i], rc, msg ? msg : "");
            bad++;
        }
        sqlite3_free(msg);
    }
    tally(bad, __LINE__, "the triggers refuse updates and deletes");
    sqlite3_close(db);

    qr_store *s = OPEN(path, 0);
    if (s) {
        CHECK_FORUM(s, ics, "Leicester ICS Joint Board");
        CHECK_FORUM(s, lpt, "LPT Board");
        CHECK_READ(s, ics, 0, UINT64_MAX);
        char *note = NULL;
        uint64_t size = 0;
        CHECK(qr_store_latest_checkpoint(s, "ics-board", &note, &size) == QR_OK && note &&
                  strcmp(note, CKPT_300) == 0,
              "the checkpoint is unchanged after the refused changes");
        free(note);
        uint8_t root[QR_HASH_LEN];
        char err[512] = "";
        CHECK_RC(qr_store_recompute(s, "ics-board", root, err, sizeof err), QR_OK,
                 "recompute after the refused changes");
    }
    qr_store_destroy(&s);
}

/* REPLACE deletes the conflicting row without firing DELETE triggers (unless recursive
 * triggers are on, which a plain SQL shell does not turn on). */
static void test_replace(void)
{
    char path[512], err[512] = "";
    model m = {"replace-me", NULL, 0, 0};
    path_in(path, sizeof path, "replace.db");
    qr_store *s = OPEN(path, 0);
    if (!s)
        return;
    CHECK(qr_store_begin(s) == QR_OK && qr_store_forum_create(s, m.forum, "R", 1) == QR_OK,
          "creating replace-me");
    tally(append_n(s, &m, 4, 0), __LINE__, "appending to replace-me");
    CHECK_RC(qr_store_commit(s), QR_OK, "commit");
    qr_store_destroy(&s);

    sqlite3 *db = NULL;
    char *msg = NULL;
    int rc = SQLITE_ERROR;
    if (sqlite3_open(path, &db) == SQLITE_OK)
        rc = sqlite3_exec(db,
                          "INSERT OR REPLACE INTO entries(forum_id, seq, entry, stmt_hash) "
                          "SELECT forum_id, seq, x'0802', stmt_hash FROM entries WHERE seq = 2",
                          NULL, NULL, &msg);
    CHECK(rc != SQLITE_OK && contains(msg, "append-only"),
          "INSERT OR REPLACE over an entry is refused as append-only: got %d \"%s\"", rc,
          msg ? msg : "(no error)");
    sqlite3_free(msg);
    sqlite3_close(db);

    s = OPEN(path, 0);
    uint8_t root[QR_HASH_LEN];
    rc = s ? qr_store_recompute(s, m.forum, root, err, sizeof err) : QR_INTERNAL;
    CHECK(rc == QR_OK, "after the REPLACE attempt, recompute: %s %s", qr_code_name(rc), err);
    qr_store_destroy(&s);
    model_free(&m);
}

static int sql(sqlite3 *db, const char *text)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, text, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        printf("# sql \"%s\": %s\n", text, msg ? msg : "");
    sqlite3_free(msg);
    return rc;
}

/* Replace entry `seq` of `forum` by `bytes`, with the triggers on entries dropped. */
static int overwrite_entry(sqlite3 *db, const char *forum, uint64_t seq, const uint8_t *bytes,
                           size_t len)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(db,
                                "UPDATE entries SET entry = ?1 WHERE seq = ?2 AND forum_id = "
                                "(SELECT id FROM forums WHERE forum = ?3)",
                                -1, &q, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_blob(q, 1, bytes, (int)len, SQLITE_TRANSIENT);
        sqlite3_bind_int64(q, 2, (int64_t)seq);
        sqlite3_bind_text(q, 3, forum, -1, SQLITE_STATIC);
        rc = sqlite3_step(q) == SQLITE_DONE && sqlite3_changes(db) == 1 ? SQLITE_OK : SQLITE_ERROR;
    }
    sqlite3_finalize(q);
    return rc;
}

/* err names entry `seq` ("entry 7" not followed by another digit). */
static int names_entry(const char *err, uint64_t seq)
{
    char want[48];
    snprintf(want, sizeof want, "entry %" PRIu64, seq);
    for (const char *p = strstr(err, want); p; p = strstr(p + 1, want)) {
        char c = p[strlen(want)];
        if (c < '0' || c > '9')
            return 1;
    }
    return 0;
}

static void test_tamper(void)
{
    char path[512];
    model m[4] = {{"tamper-bytes", NULL, 0, 0},
                  {"tamper-seq", NULL, 0, 0},
                  {"tamper-gap", NULL, 0, 0},
                  {"untouched", NULL, 0, 0}};
    path_in(path, sizeof path, "tamper.db");
    qr_store *s = OPEN(path, 0);
    if (!s)
        return;
    CHECK_RC(qr_store_begin(s), QR_OK, "begin");
    for (int i = 0; i < 4; i++) {
        CHECK_RC(qr_store_forum_create(s, m[i].forum, "T", 1), QR_OK, "creating a forum");
        tally(append_n(s, &m[i], N_SMALL, 0), __LINE__, "appending to a tamper forum");
    }
    CHECK_RC(qr_store_commit(s), QR_OK, "commit");
    for (int i = 0; i < 4; i++) {
        char err[512] = "";
        uint8_t root[QR_HASH_LEN], want[QR_HASH_LEN];
        model_root(&m[i], m[i].n, want);
        CHECK(qr_store_recompute(s, m[i].forum, root, err, sizeof err) == QR_OK &&
                  memcmp(root, want, QR_HASH_LEN) == 0,
              "recompute before tampering gives the root (%s)", err);
    }
    qr_store_destroy(&s);

    sqlite3 *db = NULL;
    int ok = sqlite3_open(path, &db) == SQLITE_OK &&
             sql(db, "DROP TRIGGER entries_no_update") == SQLITE_OK &&
             sql(db, "DROP TRIGGER entries_no_delete") == SQLITE_OK;
    CHECK(ok, "dropping the triggers on entries with plain SQL");
    if (ok) {
        /* One byte inside the signed statement bytes (still decodes). */
        rec *r = &m[0].r[7];
        uint8_t *b = t_xmalloc(r->len);
        memcpy(b, r->bytes, r->len);
        b[r->len - 3] ^= 0x20;
        CHECK(overwrite_entry(db, m[0].forum, 7, b, r->len) == SQLITE_OK,
              "changing one byte of entry 7");
        /* The seq byte: entry 3 claims to be entry 2. */
        free(b);
        r = &m[1].r[3];
        b = t_xmalloc(r->len);
        memcpy(b, r->bytes, r->len);
        CHECK(b[0] == 0x08 && b[1] == 3, "entry 3 starts with its seq field");
        b[1] = 2;
        CHECK(overwrite_entry(db, m[1].forum, 3, b, r->len) == SQLITE_OK,
              "changing the seq byte of entry 3");
        free(b);
        CHECK(sql(db, "DELETE FROM entries WHERE seq = 11 AND forum_id = (SELECT id FROM forums "
                      "WHERE forum = 'tamper-gap')") == SQLITE_OK &&
                  sqlite3_changes(db) == 1,
              "deleting entry 11");
    }
    sqlite3_close(db);

    s = OPEN(path, 0);
    if (!s)
        return;
    const uint64_t which[3] = {7, 3, 11};
    for (int i = 0; i < 3; i++) {
        char err[512] = "";
        uint8_t root[QR_HASH_LEN];
        int rc = qr_store_recompute(s, m[i].forum, root, err, sizeof err);
        CHECK(rc == QR_TAMPERED, "recompute of %s after tampering: got %s, want TAMPERED",
              m[i].forum, qr_code_name(rc));
        CHECK(names_entry(err, which[i]), "the error for %s names entry %" PRIu64 ": \"%s\"",
              m[i].forum, which[i], err);
        CHECK(contains(err, m[i].forum), "the error names the forum: \"%s\"", err);
    }
    {
        char err[512] = "";
        uint8_t root[QR_HASH_LEN], want[QR_HASH_LEN];
        model_root(&m[3], m[3].n, want);
        CHECK(qr_store_recompute(s, "untouched", root, err, sizeof err) == QR_OK &&
                  memcmp(root, want, QR_HASH_LEN) == 0,
              "a forum nobody touched still recomputes cleanly (%s)", err);
        CHECK_RC(qr_store_recompute(s, "no-such-forum", root, err, sizeof err), QR_UNKNOWN_FORUM,
                 "recompute of an unknown forum");
    }
    qr_store_destroy(&s);
    for (int i = 0; i < 4; i++)
        model_free(&m[i]);
}

static int count_tables(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    int n = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master", -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        n = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return n;
}

static int make_db(const char *path, const char *schema)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open(path, &db) == SQLITE_OK ? sql(db, schema) : SQLITE_ERROR;
    sqlite3_close(db);
    return rc;
}

static void refused(const char *path, int flags, const char *what, int line)
{
    char err[512] = "";
    qr_store *s = NULL;
    int rc = qr_store_open(path, flags, &s, err, sizeof err);
    check(rc != QR_OK && s == NULL && err[0] != 0, line,
          "opening %s%s is refused with a message: got %s \"%s\"", what,
          flags & QR_STORE_READONLY ? " read-only" : "", qr_code_name(rc), err);
    qr_store_destroy(&s);
}
#define REFUSED(path, flags, what) refused((path), (flags), (what), __LINE__)

static void test_not_quorum(void)
{
    char path[512];

    path_in(path, sizeof path, "notes.txt");
    const char text[] = "These are not the minutes you are looking for.\n";
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    REFUSED(path, 0, "a text file");
    REFUSED(path, QR_STORE_READONLY, "a text file");
    struct stat st;
    CHECK(stat(path, &st) == 0 && (size_t)st.st_size == strlen(text),
          "the text file is left as it was");

    path_in(path, sizeof path, "other.db");
    CHECK(make_db(path, "CREATE TABLE people(name TEXT); INSERT INTO people VALUES('ann');") ==
              SQLITE_OK,
          "making another application's database");
    REFUSED(path, QR_STORE_READONLY, "another application's database");
    REFUSED(path, 0, "another application's database");
    int n = count_tables(path);
    CHECK(n == 1, "another application's database is left with its 1 table (has %d)", n);

    path_in(path, sizeof path, "future.db");
    CHECK(make_db(path, "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;"
                        "INSERT INTO meta VALUES('schema_version', '99');") == SQLITE_OK,
          "making a database of a later schema version");
    REFUSED(path, 0, "a database of schema version 99");
    REFUSED(path, QR_STORE_READONLY, "a database of schema version 99");

    path_in(path, sizeof path, "no-such-dir/store.db");
    REFUSED(path, 0, "a file in a missing directory");
    path_in(path, sizeof path, "missing.db");
    REFUSED(path, QR_STORE_READONLY, "a missing file");
    CHECK(access(path, F_OK) != 0, "a read-only open does not create the file");
}

static void test_readonly(const char *path, const model *ics, const model *lpt)
{
    qr_store *s = OPEN(path, QR_STORE_READONLY);
    if (!s)
        return;
    check_main(s, ics, lpt, 0);
    check_proofs(s, lpt);

    /* Writing through a read-only store fails and changes nothing. */
    int rc = qr_store_begin(s);
    if (rc == QR_OK) {
        rec r = make_rec(ics->forum, ics->n, 42);
        uint64_t seq;
        rc = qr_store_append(s, ics->forum, r.bytes, r.len, r.stmt_hash, &seq);
        free(r.bytes);
        if (rc == QR_OK)
            rc = qr_store_commit(s);
        else
            qr_store_rollback(s);
    }
    CHECK(rc != QR_OK, "a read-only store does not take writes");
    qr_store_destroy(&s);
    s = OPEN(path, 0);
    if (s)
        CHECK_FORUM(s, ics, NULL);
    qr_store_destroy(&s);
}

int main(int argc, char **argv)
{
    char path[512];
    model ics = {"ics-board", NULL, 0, 0}, lpt = {"lpt-board", NULL, 0, 0};

    t_begin("test_store");
    (void)argc, (void)argv;
    if (sodium_init() < 0) {
        fprintf(stderr, "test_store: sodium_init failed\n");
        return 2;
    }
    if (!mkdtemp(tmpdir)) {
        fprintf(stderr, "test_store: mkdtemp: %s\n", strerror(errno));
        return 2;
    }
    path_in(path, sizeof path, "main.db");
    build_main(path, &ics, &lpt);
    qr_store *s = OPEN(path, 0);
    if (s) {
        check_main(s, &ics, &lpt, 1);
        check_proofs(s, &ics);
    }
    qr_store_destroy(&s);
    test_duplicate(path, &ics, &lpt);
    test_rollback_forum(path, &ics);
    test_wal_checkpointer();
    test_read_transactions(path, &ics);
    test_hash_cache();
    test_triggers(path, &ics, &lpt);
    test_readonly(path, &ics, &lpt);
    test_replace();
    test_tamper();
    test_not_quorum();
    model_free(&ics);
    model_free(&lpt);
    nftw(tmpdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
    return t_end();
}
