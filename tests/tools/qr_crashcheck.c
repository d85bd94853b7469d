/*
 * qr_crashcheck: what a crash or load test asserts about a running quorumd, checked from the
 * outside after each restart.  For every forum named:
 *
 *   - the latest checkpoint verifies with the daemon's public key file (not a key it serves);
 *   - every entry under it decodes, has the sequence number of its place, and holds a statement
 *     of this forum whose signature verifies (entries already verified by an earlier run of
 *     this tool are not verified again: the prefix check below proves them unchanged); the
 *     leaf hashes computed here give exactly the checkpoint's root (no entry is torn);
 *   - no statement is in the log twice;
 *   - every acknowledgement in the acks file (qr_load --acks) is at its sequence number with
 *     its leaf hash, and every "dup" (recorded, never acknowledged) is in the log;
 *   - every checkpoint ever seen (kept in the state directory as signed notes: the heads of
 *     earlier runs, those carried by acknowledgements, the mirrors' latest) verifies, is no
 *     larger than the log, and has the root of the log's prefix of its size; and a consistency
 *     proof served by the daemon, checked with lib/merkle.c against the two signed roots, shows
 *     it a prefix of the new head: every earlier head and every checkpoint seen since the last
 *     run, each to the new head.  (Earlier checkpoints were proven to an earlier head, and that
 *     head is proven to this one.)
 *   - each mirror's copy (--mirror DB, read-only beside the running mirror) is a prefix of the
 *     log, entry for entry, and its latest checkpoint is one more checkpoint seen; with
 *     --complete it must hold the whole log.
 *
 * usage: qr_crashcheck --forums F1,F2,... --state DIR [--acks FILE] [--mirror DB]...
 *                      [--complete] [--endpoint EP --server-key FILE --key FILE]
 * Prints one line of figures; exit 0, or 1 with every finding on stderr.
 */
#include "client.h"

#include "memtree.h"
#include "note.h"
#include "util.h"

#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FORUMS 64
#define MAX_MIRRORS 8
#define MAX_NOTE 4096

typedef struct {
    char kind; /* 'h' a head this tool saw, 'c' proven to a later head, 'n' new: prove now */
    uint64_t size;
    uint8_t root[QR_HASH_LEN];
    char *note_b64;
} seen_cp;

typedef struct {
    const char *name;
    char *vkey;
    qr_checkpoint head;
    char *head_note;
    qr_memtree *tree;
    uint8_t (*leaf)[QR_HASH_LEN];
    uint8_t (*stmt)[QR_HASH_LEN]; /* sorted once read */
    uint64_t n, cap, verified_before, sigs_checked;
    seen_cp *seen;
    size_t nseen, capseen;
    size_t *index, index_cap; /* open addressing by size: seen[index[h] - 1], 0 = empty */
    uint64_t proofs, acks;
} forum_t;

static int findings;
static const char *state_dir;

static void finding(const char *fmt, ...) QR_PRINTF(1, 2);
static void finding(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (findings < 50) {
        fprintf(stderr, "FINDING: ");
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
    }
    va_end(ap);
    findings++;
}

static void state_path(char *out, size_t n, const char *forum, const char *what)
{
    snprintf(out, n, "%s/%s.%s", state_dir, forum, what);
}

/* Verify a checkpoint note with the verifier key; fills cp. */
static int verify_note(const char *note, const char *vkey, qr_checkpoint *cp)
{
    qr_note parsed;
    qr_note_verifier v;
    if (!vkey || qr_note_vkey_parse(vkey, &v) != QR_OK ||
        qr_note_parse(note, strlen(note), &parsed) != QR_OK ||
        qr_note_verify(note, &parsed, &v) != QR_OK)
        return QR_BAD_NOTE;
    return qr_checkpoint_parse(note, parsed.text_len, cp);
}

/* ---- the checkpoints seen ------------------------------------------------------------- */

static size_t *seen_slot(forum_t *f, uint64_t size)
{
    size_t h = (size_t)(size * 0x9e3779b97f4a7c15ULL) & (f->index_cap - 1);
    while (f->index[h] && f->seen[f->index[h] - 1].size != size)
        h = (h + 1) & (f->index_cap - 1);
    return &f->index[h];
}

static seen_cp *seen_find(forum_t *f, uint64_t size)
{
    if (!f->index_cap)
        return NULL;
    size_t *slot = seen_slot(f, size);
    return *slot ? &f->seen[*slot - 1] : NULL;
}

/* Keep a checkpoint (its note in base64); two of one size with different roots are a fork. */
static void seen_add(forum_t *f, char kind, uint64_t size, const uint8_t root[QR_HASH_LEN],
                     const char *note_b64)
{
    seen_cp *s = seen_find(f, size);
    if (s) {
        if (memcmp(s->root, root, QR_HASH_LEN) != 0)
            finding("forum %s: two signed checkpoints of size %llu with different roots", f->name,
                    (unsigned long long)size);
        if (kind == 'h')
            s->kind = 'h';
        return;
    }
    if (f->nseen == f->capseen) {
        f->capseen = f->capseen ? f->capseen * 2 : 64;
        f->seen = realloc(f->seen, f->capseen * sizeof *f->seen);
        free(f->index); /* rebuilt at twice the size, so it is never more than half full */
        f->index_cap = f->capseen * 2;
        f->index = calloc(f->index_cap, sizeof *f->index);
        if (!f->seen || !f->index)
            exit(10);
        for (size_t i = 0; i < f->nseen; i++)
            *seen_slot(f, f->seen[i].size) = i + 1;
    }
    s = &f->seen[f->nseen++];
    s->kind = kind;
    s->size = size;
    memcpy(s->root, root, QR_HASH_LEN);
    s->note_b64 = strdup(note_b64);
    *seen_slot(f, size) = f->nseen;
}

/* A note as one base64 word, so the state file has one checkpoint a line. */
static void seen_add_note(forum_t *f, char kind, const char *note, const char *what)
{
    qr_checkpoint cp;
    seen_cp *held = qr_cli_note_checkpoint(note, &cp) == QR_OK ? seen_find(f, cp.size) : NULL;
    if (held && memcmp(held->root, cp.root, QR_HASH_LEN) == 0)
        return; /* this checkpoint is held already, its signature checked */
    if (verify_note(note, f->vkey, &cp) != QR_OK) {
        finding("forum %s: %s does not verify with the daemon's key", f->name, what);
        return;
    }
    char *b64 = qr_b64((const uint8_t *)note, strlen(note));
    if (b64)
        seen_add(f, kind, cp.size, cp.root, b64);
    free(b64);
}

static void seen_load(forum_t *f)
{
    char path[1200], line[8192], kind, root[64], note[8000];
    unsigned long long size;
    state_path(path, sizeof path, f->name, "seen");
    FILE *in = fopen(path, "r");
    if (!in)
        return;
    while (fgets(line, sizeof line, in)) {
        uint8_t r[QR_HASH_LEN];
        if (sscanf(line, "%c %llu %63s %7999s", &kind, &size, root, note) != 4 ||
            qr_b64_decode_exact(root, r, QR_HASH_LEN) != QR_OK) {
            finding("%s: a line that does not parse", path);
            continue;
        }
        seen_add(f, kind, size, r, note);
    }
    fclose(in);
}

static void seen_save(forum_t *f)
{
    char path[1200], tmp[1300];
    state_path(path, sizeof path, f->name, "seen");
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *out = fopen(tmp, "w");
    if (!out) {
        finding("cannot write %s: %s", tmp, strerror(errno));
        return;
    }
    for (size_t i = 0; i < f->nseen; i++) {
        char *r = qr_b64(f->seen[i].root, QR_HASH_LEN);
        fprintf(out, "%c %llu %s %s\n", f->seen[i].kind, (unsigned long long)f->seen[i].size,
                r ? r : "", f->seen[i].note_b64);
        free(r);
    }
    if (fclose(out) != 0 || rename(tmp, path) != 0)
        finding("cannot write %s: %s", path, strerror(errno));
}

static uint64_t number_load(const char *forum, const char *what)
{
    char path[1200];
    unsigned long long v = 0;
    state_path(path, sizeof path, forum, what);
    FILE *in = fopen(path, "r");
    if (in) {
        if (fscanf(in, "%llu", &v) != 1)
            v = 0;
        fclose(in);
    }
    return v;
}

static void number_save(const char *forum, const char *what, uint64_t v)
{
    char path[1200];
    state_path(path, sizeof path, forum, what);
    FILE *out = fopen(path, "w");
    if (!out || fprintf(out, "%llu\n", (unsigned long long)v) < 0 || fclose(out) != 0)
        finding("cannot write %s", path);
}

/* ---- the log -------------------------------------------------------------------------- */

static int one_entry(void *ctx, uint64_t seq, const uint8_t *entry, size_t len)
{
    forum_t *f = ctx;
    if (seq != f->n) {
        finding("forum %s: entry %llu came where %llu was expected", f->name,
                (unsigned long long)seq, (unsigned long long)f->n);
        return QR_INTERNAL;
    }
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 1024;
        f->leaf = realloc(f->leaf, f->cap * sizeof *f->leaf);
        f->stmt = realloc(f->stmt, f->cap * sizeof *f->stmt);
        if (!f->leaf || !f->stmt)
            exit(10);
    }
    Quorum__LogEntry *e = NULL;
    qr_statement *st = NULL;
    char err[256] = "";
    memset(f->stmt[f->n], 0, QR_HASH_LEN);
    if (qr_entry_decode(entry, len, &e) != QR_OK) {
        finding("forum %s: entry %llu does not decode (%zu bytes): torn", f->name,
                (unsigned long long)seq, len);
    } else {
        int full = seq >= f->verified_before;
        int rc = full ? qr_statement_open(e->signed_statement.data, e->signed_statement.len, &st,
                                          err, sizeof err)
                      : qr_statement_open_checked(e->signed_statement.data,
                                                  e->signed_statement.len, 1, &st, err, sizeof err);
        f->sigs_checked += full;
        if (e->seq != seq)
            finding("forum %s: entry %llu says it is entry %llu", f->name,
                    (unsigned long long)seq, (unsigned long long)e->seq);
        if (rc != QR_OK)
            finding("forum %s: entry %llu: %s", f->name, (unsigned long long)seq, err);
        else if (strcmp(st->st->forum, f->name) != 0)
            finding("forum %s: entry %llu is a statement of forum %s", f->name,
                    (unsigned long long)seq, st->st->forum);
        else
            memcpy(f->stmt[f->n], st->stmt_hash, QR_HASH_LEN);
    }
    qr_statement_destroy(&st);
    if (e)
        quorum__log_entry__free_unpacked(e, NULL);
    qr_merkle_leaf_hash(entry, len, f->leaf[f->n]);
    f->n++;
    return qr_memtree_append(f->tree, f->leaf[f->n - 1]);
}

static int cmp_hash(const void *a, const void *b)
{
    return memcmp(a, b, QR_HASH_LEN);
}

static int read_log(qr_source *src, forum_t *f)
{
    char *note = NULL, *vkey = NULL;
    int status = qr_source_checkpoint(src, f->name, &note, &vkey);
    if (status)
        return status;
    f->vkey = vkey;
    f->head_note = note;
    if (verify_note(note, vkey, &f->head) != QR_OK) {
        finding("forum %s: the latest checkpoint does not verify with the daemon's key", f->name);
        return 1;
    }
    f->tree = qr_memtree_new();
    f->verified_before = number_load(f->name, "verified");
    uint64_t size = 0;
    if (!f->tree || (status = qr_source_read(src, f->name, 0, f->head.size, one_entry, f, &size)))
        return status ? status : 10;
    if (f->n != f->head.size) {
        finding("forum %s: the checkpoint covers %llu entries but %llu were read", f->name,
                (unsigned long long)f->head.size, (unsigned long long)f->n);
        return 1;
    }
    uint8_t root[QR_HASH_LEN];
    if (qr_memtree_root(f->tree, f->n, root) != QR_OK ||
        memcmp(root, f->head.root, QR_HASH_LEN) != 0)
        finding("forum %s: the entries do not hash to the root of the checkpoint of size %llu",
                f->name, (unsigned long long)f->n);
    /* No statement twice (an entry that did not open left zeros, already a finding). */
    static const uint8_t zero[QR_HASH_LEN];
    qsort(f->stmt, f->n, QR_HASH_LEN, cmp_hash);
    for (uint64_t i = 1; i < f->n; i++)
        if (memcmp(f->stmt[i], f->stmt[i - 1], QR_HASH_LEN) == 0 &&
            memcmp(f->stmt[i], zero, QR_HASH_LEN) != 0)
            finding("forum %s: a statement is in the log twice", f->name);
    return 0;
}

static forum_t *forum_named(forum_t *fs, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(fs[i].name, name) == 0)
            return &fs[i];
    return NULL;
}

/* ---- the acknowledgements ----------------------------------------------------------------- */

/* One line of the acks file; `fresh` if no earlier run has read it (its checkpoint is new). */
static void one_ack(forum_t *fs, size_t nf, char *line, int fresh)
{
    char what[8], forum[QR_MAX_ID + 1], a[128], *rest;
    unsigned long long seq;
    if (sscanf(line, "%7s %64s", what, forum) != 2) {
        finding("acks: a line that does not parse: %.80s", line);
        return;
    }
    forum_t *f = forum_named(fs, nf, forum);
    if (!f) {
        finding("acks: forum %s is not one of those checked", forum);
        return;
    }
    if (strcmp(what, "dup") == 0) {
        uint8_t h[QR_HASH_LEN];
        if (sscanf(line, "%*s %*s %127s", a) != 1 || qr_b64_decode_exact(a, h, QR_HASH_LEN))
            finding("acks: a dup line that does not parse: %.80s", line);
        else if (!bsearch(h, f->stmt, f->n, QR_HASH_LEN, cmp_hash))
            finding("forum %s: the daemon called statement %s a duplicate, but it is not in the "
                    "log", forum, a);
        return;
    }
    uint8_t leaf[QR_HASH_LEN];
    int used = 0;
    if (strcmp(what, "ack") != 0 || sscanf(line, "%*s %*s %llu %127s %n", &seq, a, &used) != 2 ||
        qr_b64_decode_exact(a, leaf, QR_HASH_LEN) != QR_OK) {
        finding("acks: a line that does not parse: %.80s", line);
        return;
    }
    f->acks++;
    if (seq >= f->n)
        finding("forum %s: acknowledged entry %llu is missing (the log has %llu entries)", forum,
                seq, (unsigned long long)f->n);
    else if (memcmp(f->leaf[seq], leaf, QR_HASH_LEN) != 0)
        finding("forum %s: entry %llu is not the statement acknowledged as entry %llu", forum,
                seq, seq);
    rest = line + used;
    rest[strcspn(rest, " \n")] = 0;
    if (!fresh || !*rest || strcmp(rest, "-") == 0)
        return;
    size_t max = strlen(rest);
    char *note = calloc(1, max + 1);
    size_t len = 0;
    const char *end = NULL;
    if (!note || sodium_base642bin((uint8_t *)note, max, rest, max, NULL, &len, &end,
                                   sodium_base64_VARIANT_ORIGINAL) != 0 || *end) {
        finding("forum %s: the checkpoint acknowledged with entry %llu is not base64", forum, seq);
    } else {
        note[len] = 0;
        seen_add_note(f, 'n', note, "a checkpoint carried by an acknowledgement");
    }
    free(note);
}

typedef struct {
    char *data;           /* complete lines only */
    size_t len, done;     /* bytes; those before `done` were read by an earlier run */
} acks_snapshot;

/* Taken before anything is read from the daemon, so every acknowledgement in it was given
 * before the heads this run checks were signed. */
static void acks_take(acks_snapshot *a, const char *path)
{
    char opath[1200];
    unsigned long long done = 0;
    memset(a, 0, sizeof *a);
    snprintf(opath, sizeof opath, "%s/acks.offset", state_dir);
    FILE *o = fopen(opath, "r");
    if (o) {
        if (fscanf(o, "%llu", &done) != 1)
            done = 0;
        fclose(o);
    }
    uint8_t *data = NULL;
    size_t len = 0;
    int rc = qr_read_file(path, (size_t)1 << 30, &data, &len);
    if (rc == QR_NOT_FOUND)
        return;
    if (rc != QR_OK) {
        finding("cannot read %s", path);
        return;
    }
    while (len > 0 && data[len - 1] != '\n')
        len--; /* a line being written: the next run reads it */
    a->data = (char *)data;
    a->len = len;
    a->done = done;
}

static void acks_check(acks_snapshot *a, forum_t *fs, size_t nf)
{
    size_t at = 0;
    while (at < a->len) {
        char *nl = memchr(a->data + at, '\n', a->len - at);
        *nl = 0;
        one_ack(fs, nf, a->data + at, at >= a->done);
        at = (size_t)(nl - a->data) + 1;
    }
    char opath[1200];
    snprintf(opath, sizeof opath, "%s/acks.offset", state_dir);
    FILE *o = fopen(opath, "w");
    if (!o || fprintf(o, "%zu\n", a->len) < 0 || fclose(o) != 0)
        finding("cannot write %s", opath);
    free(a->data);
}

/* ---- mirrors ------------------------------------------------------------------------------ */

typedef struct {
    uint64_t n, cap;
    uint8_t (*leaf)[QR_HASH_LEN];
    char *note; /* its latest checkpoint */
} mirror_forum;

typedef struct {
    const char *db;
    mirror_forum f[MAX_FORUMS];
} mirror_t;

static int mirror_entry(void *ctx, uint64_t seq, const uint8_t *entry, size_t len)
{
    mirror_forum *m = ctx;
    (void)seq;
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 1024;
        if ((m->leaf = realloc(m->leaf, m->cap * sizeof *m->leaf)) == NULL)
            exit(10);
    }
    qr_merkle_leaf_hash(entry, len, m->leaf[m->n++]);
    return QR_OK;
}

/* A mirror's copy as it stands, read-only beside the running mirror, before the daemon is
 * read: all of it was then committed by the daemon before the heads this run checks. */
static void mirror_take(qr_cli *cli, mirror_t *mt, forum_t *fs, size_t nf)
{
    qr_cli m = *cli;
    qr_source src;
    snprintf(m.db, sizeof m.db, "%s", mt->db);
    if (qr_source_open(&m, &src) != 0) {
        finding("cannot open the mirror's database %s", mt->db);
        return;
    }
    for (size_t i = 0; i < nf; i++) {
        const qr_store_forum *sf = qr_store_forum_find(src.store, fs[i].name);
        if (!sf || sf->size == 0)
            continue;
        uint64_t got = 0;
        char *vkey = NULL;
        if (qr_source_read(&src, fs[i].name, 0, sf->size, mirror_entry, &mt->f[i], &got) != 0 ||
            qr_source_checkpoint(&src, fs[i].name, &mt->f[i].note, &vkey) != 0)
            finding("forum %s: cannot read mirror %s", fs[i].name, mt->db);
        free(vkey);
    }
    qr_source_close(&src);
}

/* The copy is a prefix of the log, entry for entry; its latest checkpoint is one more seen. */
static uint64_t mirror_check(mirror_t *mt, forum_t *fs, size_t nf, int complete)
{
    uint64_t total = 0;
    for (size_t i = 0; i < nf; i++) {
        forum_t *f = &fs[i];
        mirror_forum *m = &mt->f[i];
        total += m->n;
        if (m->n > f->n)
            finding("forum %s: mirror %s holds %llu entries, more than the daemon's %llu",
                    f->name, mt->db, (unsigned long long)m->n, (unsigned long long)f->n);
        else if (complete && m->n != f->n)
            finding("forum %s: mirror %s holds %llu of the daemon's %llu entries", f->name,
                    mt->db, (unsigned long long)m->n, (unsigned long long)f->n);
        for (uint64_t j = 0; j < m->n && j < f->n; j++)
            if (memcmp(m->leaf[j], f->leaf[j], QR_HASH_LEN) != 0) {
                finding("forum %s: mirror %s's entry %llu is not the daemon's", f->name, mt->db,
                        (unsigned long long)j);
                break;
            }
        if (m->note)
            seen_add_note(f, 'n', m->note, "a mirror's latest checkpoint");
        free(m->note);
        free(m->leaf);
    }
    return total;
}

/* ---- consistency -------------------------------------------------------------------------- */

static int proof_of(qr_source *src, forum_t *f, uint64_t old_size, qr_merkle_proof *proof)
{
    Quorum__Request req = QUORUM__REQUEST__INIT;
    Quorum__ConsistencyProofRequest cq = QUORUM__CONSISTENCY_PROOF_REQUEST__INIT;
    Quorum__Reply *r = NULL;
    cq.forum = (char *)f->name;
    cq.old_size = old_size;
    cq.new_size = f->head.size;
    req.op_case = QUORUM__REQUEST__OP_CONSISTENCY_PROOF;
    req.consistency_proof = &cq;
    int rc = qr_client_call(src->conn, &req, &r);
    if (rc != QR_OK)
        return rc;
    rc = qr_reply_code(r);
    if (rc == QR_OK && (r->result_case != QUORUM__REPLY__RESULT_PROOF ||
                        r->proof->n_hashes > QR_MERKLE_MAX_PROOF))
        rc = QR_BAD_PROOF;
    for (size_t i = 0; rc == QR_OK && i < r->proof->n_hashes; i++) {
        if (r->proof->hashes[i].len != QR_HASH_LEN)
            rc = QR_BAD_PROOF;
        else
            memcpy(proof->hash[i], r->proof->hashes[i].data, QR_HASH_LEN);
    }
    if (rc == QR_OK)
        proof->n = r->proof->n_hashes;
    quorum__reply__free_unpacked(r, NULL);
    return rc;
}

/* Every checkpoint seen is a prefix of the log; earlier heads and new ones are proven so. */
static void check_seen(qr_source *src, forum_t *f)
{
    for (size_t i = 0; i < f->nseen; i++) {
        seen_cp *s = &f->seen[i];
        uint8_t root[QR_HASH_LEN];
        if (s->size > f->head.size) {
            finding("forum %s: a checkpoint of size %llu was signed, but the log now has %llu "
                    "entries", f->name, (unsigned long long)s->size,
                    (unsigned long long)f->head.size);
            continue;
        }
        if (qr_memtree_root(f->tree, s->size, root) != QR_OK ||
            memcmp(root, s->root, QR_HASH_LEN) != 0)
            finding("forum %s: the checkpoint of size %llu is not a prefix of the log", f->name,
                    (unsigned long long)s->size);
        if (s->kind == 'c' || s->size == 0 || s->size == f->head.size)
            goto proven;
        qr_merkle_proof proof;
        int rc = proof_of(src, f, s->size, &proof);
        if (rc == QR_OK)
            rc = qr_merkle_verify_consistency(s->size, f->head.size, s->root, f->head.root,
                                              &proof);
        f->proofs++;
        if (rc != QR_OK)
            finding("forum %s: no consistency proof from size %llu to %llu: %s", f->name,
                    (unsigned long long)s->size, (unsigned long long)f->head.size,
                    qr_code_name(rc));
    proven:
        if (s->kind == 'n')
            s->kind = 'c';
    }
}

int main(int argc, char **argv)
{
    qr_cli cli;
    if (qr_cli_init(&cli, argc - 1, argv + 1) != QR_OK)
        return 2;
    const char *list = qr_cli_opt(&cli, "forums"), *acks = qr_cli_opt(&cli, "acks");
    state_dir = qr_cli_opt(&cli, "state");
    static mirror_t mirrors[MAX_MIRRORS];
    size_t nm = 0;
    while (nm < MAX_MIRRORS && (mirrors[nm].db = qr_cli_opt(&cli, "mirror")))
        nm++;
    int complete = qr_cli_flag(&cli, "complete");
    if (!list || !state_dir || cli.argc) {
        fprintf(stderr, "usage: qr_crashcheck --forums F1,F2,... --state DIR [--acks FILE] "
                        "[--mirror DB]... [--complete]\n");
        return 2;
    }
    if (qr_mkdir_p(state_dir, 0700) != QR_OK) {
        fprintf(stderr, "qr_crashcheck: cannot make %s\n", state_dir);
        return 10;
    }
    static forum_t fs[MAX_FORUMS];
    size_t nf = 0;
    char *names = strdup(list);
    for (char *save = NULL, *t = strtok_r(names, ",", &save); t && nf < MAX_FORUMS;
         t = strtok_r(NULL, ",", &save))
        fs[nf++].name = t;

    /* What was acknowledged and mirrored first, then the daemon: see acks_take. */
    acks_snapshot snap = {0};
    if (acks)
        acks_take(&snap, acks);
    for (size_t i = 0; i < nm; i++)
        mirror_take(&cli, &mirrors[i], fs, nf);
    qr_source src;
    if (qr_source_open(&cli, &src) != 0)
        return 7;
    unsigned long long entries = 0, sigs = 0, proofs = 0, nacks = 0, nseen = 0;
    for (size_t i = 0; i < nf; i++) {
        if (read_log(&src, &fs[i]) != 0) {
            finding("forum %s: cannot read the log and its checkpoint", fs[i].name);
            goto out;
        }
        entries += fs[i].n;
        sigs += fs[i].sigs_checked;
        seen_load(&fs[i]);
    }
    acks_check(&snap, fs, nf);
    snap.data = NULL;
    char figures[256] = "";
    for (size_t i = 0; i < nm; i++) {
        size_t used = strlen(figures);
        snprintf(figures + used, sizeof figures - used, ", mirror %llu entries",
                 (unsigned long long)mirror_check(&mirrors[i], fs, nf, complete));
    }
    for (size_t i = 0; i < nf; i++) {
        forum_t *f = &fs[i];
        char *b64 = qr_b64((const uint8_t *)f->head_note, strlen(f->head_note));
        seen_add(f, 'h', f->head.size, f->head.root, b64 ? b64 : "");
        free(b64);
        check_seen(&src, f);
        seen_save(f);
        proofs += f->proofs;
        nacks += f->acks;
        nseen += f->nseen;
    }
    if (!findings)
        for (size_t i = 0; i < nf; i++)
            number_save(fs[i].name, "verified", fs[i].n);
    printf("checked %zu forums: %llu entries (%llu signatures verified now), %llu "
           "acknowledgements, %llu checkpoints seen, %llu consistency proofs%s\n",
           nf, entries, sigs, nacks, nseen, proofs, figures);
out:
    free(snap.data);
    qr_source_close(&src);
    for (size_t i = 0; i < nf; i++) {
        for (size_t j = 0; j < fs[i].nseen; j++)
            free(fs[i].seen[j].note_b64);
        free(fs[i].seen);
        free(fs[i].index);
        free(fs[i].leaf);
        free(fs[i].stmt);
        free(fs[i].vkey);
        free(fs[i].head_note);
        qr_memtree_destroy(&fs[i].tree);
    }
    free(names);
    if (findings)
        fprintf(stderr, "qr_crashcheck: %d finding%s\n", findings, findings == 1 ? "" : "s");
    return findings ? 1 : 0;
}
