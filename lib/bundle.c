/*
 * bundle.c: writing and parsing the minutes' proof bundle (format and limits in bundle.h).
 */
#include "bundle.h"

#include "memtree.h"
#include "util.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC "quorum-minutes-bundle-v1"

qr_bundle *qr_bundle_new(const char *forum, const char *meeting)
{
    if (!qr_valid_id(forum) || !qr_valid_id(meeting))
        return NULL;
    qr_bundle *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    snprintf(b->forum, sizeof b->forum, "%s", forum);
    snprintf(b->meeting, sizeof b->meeting, "%s", meeting);
    return b;
}

void qr_bundle_destroy(qr_bundle **bp)
{
    if (!bp || !*bp)
        return;
    qr_bundle *b = *bp;
    for (size_t i = 0; i < b->nentries; i++) {
        free(b->entries[i].bytes);
        free(b->entries[i].proof);
    }
    free(b->entries);
    free(b->cons);
    free(b->note);
    free(b);
    *bp = NULL;
}

int qr_bundle_set_checkpoint(qr_bundle *b, const char *note, const char *vkey)
{
    if (strlen(note) > QR_BUNDLE_MAX_NOTE || (vkey && strlen(vkey) >= sizeof b->vkey))
        return QR_TOO_LARGE;
    char *copy = strdup(note);
    if (!copy)
        return QR_NOMEM;
    free(b->note);
    b->note = copy;
    snprintf(b->vkey, sizeof b->vkey, "%s", vkey ? vkey : "");
    return QR_OK;
}

/* Room for one more element in an array that grows by doubling from 16. */
static int grow(void **arr, size_t n, size_t size)
{
    if (n != 0 && (n < 16 || (n & (n - 1)) != 0))
        return QR_OK;
    size_t cap = n ? n * 2 : 16;
    if (cap > SIZE_MAX / size)
        return QR_NOMEM;
    void *p = realloc(*arr, cap * size);
    if (!p)
        return QR_NOMEM;
    *arr = p;
    return QR_OK;
}

int qr_bundle_add_entry(qr_bundle *b, const uint8_t *entry, size_t len)
{
    if (b->nentries >= QR_BUNDLE_MAX_ENTRIES || len > QR_MAX_MESSAGE)
        return QR_TOO_LARGE;
    if (grow((void **)&b->entries, b->nentries, sizeof *b->entries) != QR_OK)
        return QR_NOMEM;
    qr_bundle_entry *e = &b->entries[b->nentries];
    memset(e, 0, sizeof *e);
    if ((e->bytes = malloc(len ? len : 1)) == NULL)
        return QR_NOMEM;
    memcpy(e->bytes, entry, len);
    e->len = len;
    e->seq = b->nentries++;
    return QR_OK;
}

static int set_proof(qr_bundle_entry *e, const qr_merkle_proof *p)
{
    free(e->proof);
    e->proof = malloc(p->n ? p->n * QR_HASH_LEN : 1);
    if (!e->proof)
        return QR_NOMEM;
    memcpy(e->proof, p->hash, p->n * QR_HASH_LEN);
    e->nproof = p->n;
    return QR_OK;
}

int qr_bundle_prove(qr_bundle *b, const uint64_t *old_sizes, size_t nold, uint8_t root[QR_HASH_LEN])
{
    qr_memtree *t = qr_memtree_new();
    qr_merkle_proof p;
    uint8_t leaf[QR_HASH_LEN];
    int rc = t ? QR_OK : QR_NOMEM;
    for (size_t i = 0; rc == QR_OK && i < b->nentries; i++) {
        qr_merkle_leaf_hash(b->entries[i].bytes, b->entries[i].len, leaf);
        rc = qr_memtree_append(t, leaf);
    }
    for (size_t i = 0; rc == QR_OK && i < b->nentries; i++)
        if ((rc = qr_memtree_inclusion(t, i, b->nentries, &p)) == QR_OK)
            rc = set_proof(&b->entries[i], &p);
    for (size_t i = 0; rc == QR_OK && i < nold; i++) {
        int dup = old_sizes[i] == 0 || old_sizes[i] > b->nentries;
        for (size_t k = 0; k < b->ncons && !dup; k++)
            dup = b->cons[k].old_size == old_sizes[i];
        if (dup)
            continue;
        if (b->ncons >= QR_BUNDLE_MAX_CONSISTENCY) {
            rc = QR_TOO_LARGE;
            break;
        }
        if ((rc = grow((void **)&b->cons, b->ncons, sizeof *b->cons)) != QR_OK)
            break;
        qr_bundle_consistency *c = &b->cons[b->ncons];
        c->old_size = old_sizes[i];
        if ((rc = qr_memtree_root(t, c->old_size, c->old_root)) == QR_OK &&
            (rc = qr_memtree_consistency(t, c->old_size, b->nentries, &c->proof)) == QR_OK)
            b->ncons++;
    }
    if (rc == QR_OK)
        rc = qr_memtree_root(t, b->nentries, root);
    qr_memtree_destroy(&t);
    return rc;
}

/* ---- writing ------------------------------------------------------------------------------ */

static void put_b64(FILE *f, const uint8_t *data, size_t len)
{
    if (len == 0) {
        fputc('-', f);
        return;
    }
    char *s = qr_b64(data, len);
    fputs(s ? s : "!", f); /* "!" can never parse: a failed write is caught on reading */
    free(s);
}

int qr_bundle_format(const qr_bundle *b, char **out, size_t *len)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    if (!f)
        return QR_NOMEM;
    fprintf(f, MAGIC "\nforum %s\nmeeting %s\n", b->forum, b->meeting);
    if (b->vkey[0])
        fprintf(f, "log-vkey %s\n", b->vkey);
    fputs("checkpoint ", f);
    put_b64(f, (const uint8_t *)(b->note ? b->note : ""), b->note ? strlen(b->note) : 0);
    fputc('\n', f);
    for (size_t i = 0; i < b->nentries; i++) {
        const qr_bundle_entry *e = &b->entries[i];
        fprintf(f, "entry %llu ", (unsigned long long)e->seq);
        put_b64(f, e->bytes, e->len);
        fputc(' ', f);
        put_b64(f, (const uint8_t *)e->proof, e->nproof * QR_HASH_LEN);
        fputc('\n', f);
    }
    for (size_t i = 0; i < b->ncons; i++) {
        const qr_bundle_consistency *c = &b->cons[i];
        fprintf(f, "consistency %llu ", (unsigned long long)c->old_size);
        put_b64(f, c->old_root, QR_HASH_LEN);
        fputc(' ', f);
        put_b64(f, (const uint8_t *)c->proof.hash, c->proof.n * QR_HASH_LEN);
        fputc('\n', f);
    }
    fprintf(f, "end %zu %zu\n", b->nentries, b->ncons);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad || !buf) {
        free(buf);
        return QR_NOMEM;
    }
    *out = buf;
    *len = n;
    return QR_OK;
}

/* ---- parsing ------------------------------------------------------------------------------ */

typedef struct {
    qr_bundle *b;
    uint64_t lineno;
    char *err;
    size_t errlen;
    int have_forum, have_meeting, have_vkey, have_end;
} parser;

static int fail(parser *p, int code, const char *fmt, ...) QR_PRINTF(3, 4);
static int fail(parser *p, int code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(p->err, p->errlen, "bundle line %llu: %s", (unsigned long long)p->lineno, msg);
    return code;
}

/* Canonical padded base64 of at most `max` bytes into a malloc'd buffer ("-" is empty). */
static int field_b64(const char *s, size_t max, uint8_t **out, size_t *len)
{
    size_t n = strlen(s), got = 0;
    const char *end = NULL;
    *out = NULL;
    *len = 0;
    if (strcmp(s, "-") == 0)
        return (*out = malloc(1)) ? QR_OK : QR_NOMEM;
    if (n == 0 || n % 4 != 0 || n / 4 * 3 > max + 2)
        return QR_BAD_PROOF;
    uint8_t *buf = malloc(n / 4 * 3);
    if (!buf)
        return QR_NOMEM;
    if (sodium_base642bin(buf, n / 4 * 3, s, n, NULL, &got, &end, sodium_base64_VARIANT_ORIGINAL) !=
            0 ||
        end != s + n || got == 0 || got > max) {
        free(buf);
        return QR_BAD_PROOF;
    }
    /* canonical: re-encoding gives the same text (no stray bits before the padding) */
    char *again = qr_b64(buf, got);
    int same = again && strcmp(again, s) == 0;
    free(again);
    if (!same) {
        free(buf);
        return QR_BAD_PROOF;
    }
    *out = buf;
    *len = got;
    return QR_OK;
}

static int parse_u64(const char *s, uint64_t *v)
{
    if (!s || !*s || strlen(s) > 20 || strspn(s, "0123456789") != strlen(s) ||
        (s[0] == '0' && s[1]))
        return QR_BAD_PROOF;
    char *end;
    unsigned long long x = strtoull(s, &end, 10);
    if (*end || x > INT64_MAX)
        return QR_BAD_PROOF;
    *v = x;
    return QR_OK;
}

/* Split `line` in place at single spaces into at most max fields; the count, or -1 if it has
 * more fields, an empty field or a stray space. */
static int split(char *line, char **f, int max)
{
    int n = 0;
    for (char *s = line;;) {
        if (n == max || !*s || *s == ' ')
            return -1;
        f[n++] = s;
        char *sp = strchr(s, ' ');
        if (!sp)
            return n;
        *sp = 0;
        s = sp + 1;
    }
}

static int proof_field(parser *p, const char *s, uint8_t (**out)[QR_HASH_LEN], size_t *n)
{
    uint8_t *buf;
    size_t len;
    int rc = field_b64(s, QR_MERKLE_MAX_PROOF * QR_HASH_LEN, &buf, &len);
    if (rc == QR_NOMEM)
        return fail(p, rc, "out of memory");
    if (rc != QR_OK || len % QR_HASH_LEN != 0) {
        free(buf);
        return fail(p, QR_BAD_PROOF, "a proof must be whole 32-byte hashes in base64 (at most %d)",
                    QR_MERKLE_MAX_PROOF);
    }
    *out = (uint8_t(*)[QR_HASH_LEN])buf;
    *n = len / QR_HASH_LEN;
    return QR_OK;
}

static int parse_entry(parser *p, char **f, int nf)
{
    qr_bundle *b = p->b;
    uint64_t seq;
    if (nf != 4)
        return fail(p, QR_BAD_PROOF, "an entry line is 'entry SEQ BYTES PROOF'");
    if (parse_u64(f[1], &seq) != QR_OK || seq != b->nentries)
        return fail(p, QR_BAD_PROOF, "entry '%.24s' out of order: expected entry %zu", f[1],
                    b->nentries);
    if (b->ncons)
        return fail(p, QR_BAD_PROOF, "entries must come before consistency proofs");
    if (b->nentries >= QR_BUNDLE_MAX_ENTRIES)
        return fail(p, QR_TOO_LARGE, "more than %d entries", QR_BUNDLE_MAX_ENTRIES);
    if (grow((void **)&b->entries, b->nentries, sizeof *b->entries) != QR_OK)
        return fail(p, QR_NOMEM, "out of memory");
    qr_bundle_entry e = {.seq = seq};
    int rc = field_b64(f[2], QR_MAX_MESSAGE, &e.bytes, &e.len);
    if (rc != QR_OK || e.len == 0) {
        free(e.bytes);
        return rc == QR_NOMEM ? fail(p, rc, "out of memory")
                              : fail(p, QR_BAD_PROOF,
                                     "entry %llu: its bytes are not base64 of "
                                     "1 to %d bytes",
                                     (unsigned long long)seq, QR_MAX_MESSAGE);
    }
    if ((rc = proof_field(p, f[3], &e.proof, &e.nproof)) != QR_OK) {
        free(e.bytes);
        return rc;
    }
    b->entries[b->nentries++] = e;
    return QR_OK;
}

static int parse_consistency(parser *p, char **f, int nf)
{
    qr_bundle *b = p->b;
    qr_bundle_consistency c;
    uint8_t *root = NULL, (*hashes)[QR_HASH_LEN] = NULL;
    size_t len = 0, n = 0;
    memset(&c, 0, sizeof c);
    if (nf != 4)
        return fail(p, QR_BAD_PROOF, "a consistency line is 'consistency SIZE ROOT PROOF'");
    if (b->ncons >= QR_BUNDLE_MAX_CONSISTENCY)
        return fail(p, QR_TOO_LARGE, "more than %d consistency proofs", QR_BUNDLE_MAX_CONSISTENCY);
    if (parse_u64(f[1], &c.old_size) != QR_OK || c.old_size == 0)
        return fail(p, QR_BAD_PROOF, "'%.24s' is not a tree size", f[1]);
    int rc = field_b64(f[2], QR_HASH_LEN, &root, &len);
    if (rc != QR_OK || len != QR_HASH_LEN) {
        free(root);
        return fail(p, QR_BAD_PROOF, "the old root must be a 32-byte hash in base64");
    }
    memcpy(c.old_root, root, QR_HASH_LEN);
    free(root);
    if ((rc = proof_field(p, f[3], &hashes, &n)) != QR_OK)
        return rc;
    memcpy(c.proof.hash, hashes, n * QR_HASH_LEN);
    c.proof.n = n;
    free(hashes);
    if (grow((void **)&b->cons, b->ncons, sizeof *b->cons) != QR_OK)
        return fail(p, QR_NOMEM, "out of memory");
    b->cons[b->ncons++] = c;
    return QR_OK;
}

static int parse_checkpoint(parser *p, char **f, int nf)
{
    uint8_t *note;
    size_t len;
    if (nf != 2)
        return fail(p, QR_BAD_PROOF, "a checkpoint line is 'checkpoint NOTE'");
    if (p->b->note)
        return fail(p, QR_BAD_PROOF, "a second checkpoint");
    int rc = field_b64(f[1], QR_BUNDLE_MAX_NOTE, &note, &len);
    if (rc != QR_OK || len == 0 || memchr(note, 0, len)) {
        free(note);
        return fail(p, rc == QR_NOMEM ? rc : QR_BAD_PROOF,
                    "the checkpoint is not base64 of a signed note");
    }
    char *text = malloc(len + 1);
    if (!text) {
        free(note);
        return fail(p, QR_NOMEM, "out of memory");
    }
    memcpy(text, note, len);
    text[len] = 0;
    free(note);
    p->b->note = text;
    return QR_OK;
}

static int parse_id(parser *p, char *dst, size_t n, int *seen, char **f, int nf)
{
    if (nf != 2 || !qr_valid_id(f[1]) || *seen)
        return fail(p, QR_BAD_PROOF, "'%s' needs one identifier, once", f[0]);
    snprintf(dst, n, "%s", f[1]);
    *seen = 1;
    return QR_OK;
}

static int parse_end(parser *p, char **f, int nf)
{
    uint64_t ne, nc;
    if (nf != 3 || parse_u64(f[1], &ne) != QR_OK || parse_u64(f[2], &nc) != QR_OK)
        return fail(p, QR_BAD_PROOF, "the end line is 'end ENTRIES CONSISTENCY'");
    if (ne != p->b->nentries || nc != p->b->ncons)
        return fail(p, QR_BAD_PROOF,
                    "the end line counts %llu entries and %llu consistency proofs, but the "
                    "bundle holds %zu and %zu: it was cut short or spliced",
                    (unsigned long long)ne, (unsigned long long)nc, p->b->nentries, p->b->ncons);
    p->have_end = 1;
    return QR_OK;
}

static int parse_line(parser *p, char *line)
{
    char *f[5] = {0}; /* every field is set by split(); gcc -O3 cannot see it */
    int nf = split(line, f, 5);
    if (nf < 1)
        return fail(p, QR_BAD_PROOF, "fields must be separated by single spaces");
    if (p->lineno == 1)
        return nf == 1 && strcmp(f[0], MAGIC) == 0
                   ? QR_OK
                   : fail(p, QR_BAD_PROOF, "not a quorum minutes bundle (no '" MAGIC "')");
    if (p->have_end)
        return fail(p, QR_BAD_PROOF, "nothing may follow the end line");
    if (!strcmp(f[0], "forum"))
        return parse_id(p, p->b->forum, sizeof p->b->forum, &p->have_forum, f, nf);
    if (!strcmp(f[0], "meeting"))
        return parse_id(p, p->b->meeting, sizeof p->b->meeting, &p->have_meeting, f, nf);
    if (!strcmp(f[0], "log-vkey")) {
        qr_note_verifier v;
        if (nf != 2 || p->have_vkey || qr_note_vkey_parse(f[1], &v) != QR_OK)
            return fail(p, QR_BAD_PROOF, "log-vkey needs one C2SP verifier key, once");
        snprintf(p->b->vkey, sizeof p->b->vkey, "%s", f[1]);
        p->have_vkey = 1;
        return QR_OK;
    }
    if (!strcmp(f[0], "checkpoint"))
        return parse_checkpoint(p, f, nf);
    if (!p->b->note && (!strcmp(f[0], "entry") || !strcmp(f[0], "consistency")))
        return fail(p, QR_BAD_PROOF, "the checkpoint must come before entries and proofs");
    if (!strcmp(f[0], "entry"))
        return parse_entry(p, f, nf);
    if (!strcmp(f[0], "consistency"))
        return parse_consistency(p, f, nf);
    if (!strcmp(f[0], "end"))
        return parse_end(p, f, nf);
    return fail(p, QR_BAD_PROOF, "'%.40s' is not a line a bundle has", f[0]);
}

int qr_bundle_parse(const char *text, size_t len, qr_bundle **out, char *err, size_t errlen)
{
    parser p = {.err = err, .errlen = errlen};
    char *line = NULL;
    int rc = QR_OK;
    *out = NULL;
    snprintf(err, errlen, "no error");
    if (len > QR_BUNDLE_MAX_FILE) {
        snprintf(err, errlen, "the bundle is over %u bytes", QR_BUNDLE_MAX_FILE);
        return QR_TOO_LARGE;
    }
    if ((p.b = calloc(1, sizeof *p.b)) == NULL || (line = malloc(QR_BUNDLE_MAX_LINE + 1)) == NULL)
        rc = QR_NOMEM;
    for (size_t pos = 0; rc == QR_OK && pos < len;) {
        p.lineno++;
        const char *nl = memchr(text + pos, '\n', len - pos);
        if (!nl) {
            rc = fail(&p, QR_BAD_PROOF, "the last line is not terminated: the file was cut short");
            break;
        }
        size_t n = (size_t)(nl - (text + pos));
        if (n > QR_BUNDLE_MAX_LINE) {
            rc = fail(&p, QR_TOO_LARGE, "longer than %d bytes", QR_BUNDLE_MAX_LINE);
            break;
        }
        memcpy(line, text + pos, n);
        line[n] = 0;
        if (memchr(line, 0, n) || strchr(line, '\r')) {
            rc = fail(&p, QR_BAD_PROOF, "a NUL or carriage return");
            break;
        }
        pos += n + 1;
        rc = parse_line(&p, line);
    }
    free(line);
    if (rc == QR_OK && (!p.have_forum || !p.have_meeting || !p.b->note || !p.have_end)) {
        snprintf(err, errlen, "the bundle is incomplete: it lacks its %s line",
                 !p.have_forum     ? "forum"
                 : !p.have_meeting ? "meeting"
                 : !p.b->note      ? "checkpoint"
                                   : "end");
        rc = QR_BAD_PROOF;
    }
    if (rc == QR_NOMEM)
        snprintf(err, errlen, "out of memory");
    if (rc != QR_OK)
        qr_bundle_destroy(&p.b);
    *out = p.b;
    return rc;
}
