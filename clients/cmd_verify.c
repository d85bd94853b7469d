/*
 * cmd_verify.c: quorum export and quorum verify.
 *
 * An export is a text file an auditor can keep, copy and check offline:
 *
 *     quorum-export-v1
 *     forum <forum id>
 *     log-vkey <the daemon's C2SP verifier key for this forum>
 *     checkpoint <base64 of the signed checkpoint note>
 *     entry <seq> <base64 of the exact LogEntry bytes>      (one per entry, from 0)
 *     end <number of entries>
 *
 * The entries are exactly those under the checkpoint, so the export is one consistent cut.
 * `quorum verify` checks every statement signature, every sequence number, every leaf hash,
 * replays the rulebook over every entry (a daemon could append a validly signed but unlawful
 * statement), checks the root against the checkpoint and the checkpoint's signature, and names
 * each entry that fails.  It trusts the file's log-vkey only if no --log-key is given, and says so.
 *
 * Signatures are most of the work (one Ed25519 verification per entry), and each stands
 * alone, so verify reads entries in chunks and checks a chunk's signatures on --threads
 * threads (default: every CPU) while this thread reads the next chunk and takes the one before
 * in order for everything whose verdict depends on what came before: numbering, the rulebook
 * replay and the tree.  With --threads 1 it does everything on one thread.
 */
#include "client.h"

#include "checkpoint.h"
#include "merkle.h"
#include "note.h"
#include "replay.h"
#include "util.h"

#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXPORT_MAX_LINE (2 * QR_MAX_STATEMENT + 1024)
#define VERIFY_CHUNK 2048 /* entries read before their signatures are checked together */
#define VERIFY_MAX_THREADS 256

typedef struct {
    FILE *out;
    uint64_t n;
} export_ctx;

static int export_entry(void *ctx, uint64_t seq, const uint8_t *entry, size_t len)
{
    export_ctx *x = ctx;
    char *b = qr_b64(entry, len);
    if (!b)
        return QR_NOMEM;
    fprintf(x->out, "entry %llu %s\n", (unsigned long long)seq, b);
    free(b);
    x->n++;
    return QR_OK;
}

int cmd_export(qr_cli *cli)
{
    const char *forum = qr_cli_arg(cli, 0);
    if (!forum) {
        fprintf(stderr, "usage: quorum export FORUM > FILE\n"
                        "example: quorum export city-pb > city-pb.export && quorum verify "
                        "city-pb.export\n");
        return 2;
    }
    qr_source src;
    char *note = NULL, *vkey = NULL;
    qr_checkpoint cp;
    int status = qr_source_open(cli, &src);
    if (!status)
        status = qr_source_checkpoint(&src, forum, &note, &vkey);
    if (!status && qr_cli_note_checkpoint(note, &cp) != QR_OK)
        status = qr_cli_fail(cli, QR_BAD_NOTE, "the latest checkpoint does not parse");
    if (!status) {
        char *b = qr_b64((const uint8_t *)note, strlen(note));
        printf("quorum-export-v1\nforum %s\n", forum);
        if (vkey)
            printf("log-vkey %s\n", vkey);
        printf("checkpoint %s\n", b ? b : "");
        free(b);
        export_ctx x = {stdout, 0};
        uint64_t size;
        status = qr_source_read(&src, forum, 0, cp.size, export_entry, &x, &size);
        if (!status)
            printf("end %llu\n", (unsigned long long)x.n);
        if (!status && x.n != cp.size)
            status = qr_cli_fail(cli, QR_TAMPERED, "the checkpoint covers %llu entries but %llu "
                                                   "were read",
                                 (unsigned long long)cp.size, (unsigned long long)x.n);
    }
    if (fflush(stdout) != 0 && !status)
        status = qr_cli_fail(cli, QR_IO, "cannot write the export");
    free(note);
    free(vkey);
    qr_source_close(&src);
    return status;
}

/* ---- verify ---------------------------------------------------------------------------- */

typedef struct {
    qr_cli *cli;
    uint64_t entries, problems;
    char forum[QR_MAX_ID + 1];
    char *note;
    char vkey[QR_NOTE_VKEY_MAX];
    int have_end;
    uint64_t end_count;
    qr_merkle_frontier fr;
    qr_rules *rules; /* the rulebook replayed over the entries */
    int threads;
} verify_state;

/* An entry line read but not yet verified. */
typedef struct {
    char *seqtext, *b64; /* one allocation: the line's two fields */
    uint8_t *bytes;      /* the decoded entry; NULL if the line is not base64 */
    size_t len;
    int checked, signature_ok;
} pending_entry;

typedef struct {
    pending_entry *e;
    size_t from, to;
} signature_job;

/* Entries read together, whose signatures are checked together. */
typedef struct {
    pending_entry *e;
    size_t n;
    size_t nthreads; /* checking it now */
    pthread_t tid[VERIFY_MAX_THREADS];
    signature_job job[VERIFY_MAX_THREADS];
} chunk;

static void problem(verify_state *v, const char *fmt, ...) QR_PRINTF(2, 3);
static void problem(verify_state *v, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    v->problems++;
    if (v->cli->json) {
        qr_json j;
        qr_json_init(&j, stdout);
        qr_json_object(&j, NULL);
        qr_json_str(&j, "finding", msg);
        qr_json_end(&j);
        qr_json_end_line(&j);
    } else
        printf("FAIL  %s\n", msg);
}

/* Decode one entry and check its statement's signature: what needs nothing but the entry.
 * Anything that does not decode is left for verify_entry to name. */
static void check_signature(pending_entry *p)
{
    size_t cap = strlen(p->b64);
    Quorum__LogEntry *e = NULL;
    p->checked = 1;
    p->signature_ok = 0;
    if ((p->bytes = malloc(cap + 1)) == NULL)
        return;
    if (sodium_base642bin(p->bytes, cap, p->b64, cap, NULL, &p->len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0) {
        free(p->bytes);
        p->bytes = NULL;
        p->len = 0;
        return;
    }
    if (qr_entry_decode(p->bytes, p->len, &e) != QR_OK)
        return;
    Quorum__SignedStatement *s = e->signed_statement.len <= QR_MAX_STATEMENT + 128
                                     ? quorum__signed_statement__unpack(
                                           NULL, e->signed_statement.len, e->signed_statement.data)
                                     : NULL;
    if (s && s->signer.len == 32 && s->signature.len == 64)
        p->signature_ok = qr_key_verify_statement(s->signer.data, s->statement.data,
                                                  s->statement.len, s->signature.data) == QR_OK;
    if (s)
        quorum__signed_statement__free_unpacked(s, NULL);
    quorum__log_entry__free_unpacked(e, NULL);
}

static void *check_signatures(void *arg)
{
    signature_job *j = arg;
    for (size_t i = j->from; i < j->to; i++)
        check_signature(&j->e[i]);
    return NULL;
}

/* Check the chunk's signatures on v->threads threads, in the background (with one thread,
 * process_chunk checks them as it goes). */
static void start_checks(verify_state *v, chunk *c)
{
    size_t t = v->threads < 2 ? 0 : (size_t)v->threads;
    if (t > c->n / 64 + 1)
        t = c->n / 64 + 1; /* not worth a thread for fewer than 64 entries */
    size_t per = t ? (c->n + t - 1) / t : 0;
    c->nthreads = 0;
    for (size_t i = 0; i < t; i++) {
        signature_job *j = &c->job[c->nthreads];
        *j = (signature_job){c->e, i * per < c->n ? i * per : c->n,
                             (i + 1) * per < c->n ? (i + 1) * per : c->n};
        if (pthread_create(&c->tid[c->nthreads], NULL, check_signatures, j) == 0)
            c->nthreads++;
        else
            check_signatures(j); /* no thread to be had: do it here */
    }
}

static void finish_checks(chunk *c)
{
    for (size_t i = 0; i < c->nthreads; i++)
        pthread_join(c->tid[i], NULL);
    c->nthreads = 0;
}

/* One entry, in order: its number, its lawfulness under the rulebook at the time it was
 * logged (the same replay the daemon ran when it accepted it, with the signature checked in
 * check_signature) and its place in the tree. */
static void verify_entry(verify_state *v, const pending_entry *p)
{
    uint64_t seq;
    uint8_t leaf[QR_HASH_LEN];
    qr_refusal why;
    if (!v->rules && (v->rules = qr_rules_new(v->forum)) == NULL)
        return problem(v, "out of memory");
    if (qr_cli_parse_u64(p->seqtext, &seq) != QR_OK || seq != v->entries) {
        problem(v, "entry %llu: the export's entries are out of order (found '%s')",
                (unsigned long long)v->entries, p->seqtext);
    } else if (!p->bytes) {
        problem(v, "entry %llu: not valid base64", (unsigned long long)seq);
    } else if (qr_replay_entry_checked(v->rules, p->bytes, p->len, p->signature_ok, NULL, &why) !=
               QR_OK) {
        if (why.code == QR_BAD_SIGNATURE || why.code == QR_BAD_STATEMENT ||
            why.code == QR_TOO_LARGE || why.code == QR_TAMPERED)
            problem(v, "entry %llu: %s", (unsigned long long)seq, why.message);
        else
            problem(v, "entry %llu breaks rule %s: %s", (unsigned long long)seq,
                    qr_code_name(why.code), why.message);
    }
    qr_merkle_leaf_hash(p->bytes ? p->bytes : (const uint8_t *)"", p->len, leaf);
    qr_merkle_frontier_append(&v->fr, leaf, NULL, NULL);
    v->entries++;
}

/* Verify a chunk whose checks are finished, in order, and forget it. */
static void process_chunk(verify_state *v, chunk *c)
{
    for (size_t i = 0; i < c->n; i++) {
        if (!c->e[i].checked)
            check_signature(&c->e[i]);
        verify_entry(v, &c->e[i]);
        free(c->e[i].seqtext);
        free(c->e[i].bytes);
    }
    c->n = 0;
}

/* The chunk being filled is full: its signatures are checked in the background while this
 * thread verifies the chunk before it. */
static void next_chunk(verify_state *v, chunk *ch, int *fill, int *busy)
{
    start_checks(v, &ch[*fill]);
    if (*busy >= 0) {
        finish_checks(&ch[*busy]);
        process_chunk(v, &ch[*busy]);
    }
    *busy = *fill;
    *fill ^= 1;
}

/* Verify every entry read so far. */
static void drain_chunks(verify_state *v, chunk *ch, int *fill, int *busy)
{
    if (*busy >= 0) {
        finish_checks(&ch[*busy]);
        process_chunk(v, &ch[*busy]);
        *busy = -1;
    }
    if (ch[*fill].n) {
        start_checks(v, &ch[*fill]);
        finish_checks(&ch[*fill]);
        process_chunk(v, &ch[*fill]);
    }
}

static void verify_checkpoint_line(verify_state *v, const char *b64)
{
    size_t cap = strlen(b64), len = 0;
    char *note = malloc(cap + 1);
    if (!note || sodium_base642bin((uint8_t *)note, cap, b64, cap, NULL, &len, NULL,
                                   sodium_base64_VARIANT_ORIGINAL) != 0) {
        free(note);
        return problem(v, "the checkpoint line is not valid base64");
    }
    note[len] = 0;
    free(v->note);
    v->note = note;
}

static void verify_head(verify_state *v, const char *log_key)
{
    qr_note parsed;
    qr_note_verifier nv;
    qr_checkpoint cp;
    const char *vkey = log_key ? log_key : v->vkey;
    if (!v->note)
        return problem(v, "the export has no checkpoint");
    if (!*vkey)
        return problem(v, "no log key to check the checkpoint with (give --log-key)");
    if (qr_note_vkey_parse(vkey, &nv) != QR_OK)
        return problem(v, "the log key '%s' is not a C2SP verifier key", vkey);
    if (qr_note_parse(v->note, strlen(v->note), &parsed) != QR_OK ||
        qr_note_verify(v->note, &parsed, &nv) != QR_OK)
        return problem(v, "the checkpoint is not signed by %s", vkey);
    if (qr_checkpoint_parse(v->note, parsed.text_len, &cp) != QR_OK)
        return problem(v, "the checkpoint body does not parse");
    uint8_t root[QR_HASH_LEN];
    qr_merkle_frontier_root(&v->fr, root);
    if (cp.size != v->entries)
        problem(v, "the checkpoint covers %llu entries but the export holds %llu",
                (unsigned long long)cp.size, (unsigned long long)v->entries);
    else if (sodium_memcmp(root, cp.root, QR_HASH_LEN) != 0)
        problem(v, "the entries do not hash to the signed root: an entry was changed after it "
                   "was recorded");
    if (!v->have_end || v->end_count != v->entries)
        problem(v, "the export is truncated (no matching 'end' line)");
}

int cmd_verify(qr_cli *cli)
{
    const char *log_key = qr_cli_opt(cli, "log-key"), *threads = qr_cli_opt(cli, "threads");
    const char *path = qr_cli_arg(cli, 0);
    uint64_t nthreads = 0;
    if (!path || (threads && (qr_cli_parse_u64(threads, &nthreads) != QR_OK ||
                              nthreads > VERIFY_MAX_THREADS))) {
        fprintf(stderr, "usage: quorum verify FILE [--log-key VKEY] [--threads N]\n"
                        "  --threads N  check signatures on N threads (default: every CPU)\n"
                        "example: quorum verify city-pb.export --log-key "
                        "\"$(cat city-pb.vkey)\"\n");
        return 2;
    }
    if (nthreads == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        nthreads = cpus < 1 ? 1 : cpus > VERIFY_MAX_THREADS ? VERIFY_MAX_THREADS : (uint64_t)cpus;
    }
    FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
    if (!f)
        return qr_cli_fail(cli, QR_NOT_FOUND, "cannot open %s", path);
    verify_state v;
    memset(&v, 0, sizeof v);
    v.cli = cli;
    v.threads = (int)nthreads;
    qr_merkle_frontier_init(&v.fr);
    char *line = malloc(EXPORT_MAX_LINE);
    chunk ch[2] = {{.e = calloc(VERIFY_CHUNK, sizeof(pending_entry))},
                   {.e = calloc(VERIFY_CHUNK, sizeof(pending_entry))}};
    int fill = 0, busy = -1; /* the chunk being read; the one being checked, or -1 */
    uint64_t lineno = 0;
    int oom = !line || !ch[0].e || !ch[1].e;
    if (oom) {
        free(line);
        line = NULL;
    }
    while (line && fgets(line, EXPORT_MAX_LINE, f)) {
        lineno++;
        size_t n = strlen(line);
        if (n == 0 || line[n - 1] != '\n') {
            problem(&v, "line %llu is too long or unterminated", (unsigned long long)lineno);
            break;
        }
        line[n - 1] = 0;
        char *sp = strchr(line, ' '), *arg = sp ? sp + 1 : (char *)"";
        if (sp)
            *sp = 0;
        if (strcmp(line, "entry") != 0) /* entries are verified before what follows */
            drain_chunks(&v, ch, &fill, &busy);
        if (lineno == 1) {
            if (strcmp(line, "quorum-export-v1") != 0) {
                problem(&v, "%s is not a quorum export", path);
                break;
            }
        } else if (!strcmp(line, "forum") && qr_valid_id(arg))
            snprintf(v.forum, sizeof v.forum, "%s", arg);
        else if (!strcmp(line, "log-vkey"))
            snprintf(v.vkey, sizeof v.vkey, "%s", arg);
        else if (!strcmp(line, "checkpoint"))
            verify_checkpoint_line(&v, arg);
        else if (!strcmp(line, "entry")) {
            char *b64 = strchr(arg, ' ');
            if (!b64) {
                drain_chunks(&v, ch, &fill, &busy);
                problem(&v, "line %llu: an entry line needs a number and bytes",
                        (unsigned long long)lineno);
                continue;
            }
            *b64++ = 0;
            size_t at = strlen(arg) + 1, blen = strlen(b64);
            char *copy = malloc(at + blen + 1);
            if (!copy) {
                oom = 1;
                break;
            }
            memcpy(copy, arg, at);
            memcpy(copy + at, b64, blen + 1);
            chunk *c = &ch[fill];
            c->e[c->n++] = (pending_entry){.seqtext = copy, .b64 = copy + at};
            if (c->n == VERIFY_CHUNK)
                next_chunk(&v, ch, &fill, &busy);
        } else if (!strcmp(line, "end")) {
            v.have_end = qr_cli_parse_u64(arg, &v.end_count) == QR_OK;
        } else
            problem(&v, "line %llu: '%s' is not understood", (unsigned long long)lineno, line);
    }
    drain_chunks(&v, ch, &fill, &busy);
    if (oom)
        problem(&v, "out of memory");
    free(ch[0].e);
    free(ch[1].e);
    free(line);
    if (f != stdin)
        fclose(f);
    if (lineno > 0 && *v.forum)
        verify_head(&v, log_key);
    else if (v.problems == 0)
        problem(&v, "%s is empty or names no forum", path);

    if (!log_key && *v.vkey && !cli->json)
        printf("note: trusted the log key in the file; pass --log-key with the key from the "
               "operator to check it independently\n");
    if (cli->json) {
        qr_json j;
        qr_json_init(&j, stdout);
        qr_json_object(&j, NULL);
        qr_json_str(&j, "forum", v.forum);
        qr_json_u64(&j, "entries", v.entries);
        qr_json_u64(&j, "problems", v.problems);
        qr_json_bool(&j, "verified", v.problems == 0);
        qr_json_end(&j);
        qr_json_end_line(&j);
    } else if (v.problems == 0)
        printf("verified forum %s: %llu entries, every signature, hash and rule, and the signed "
               "checkpoint\n",
               v.forum, (unsigned long long)v.entries);
    else
        printf("NOT VERIFIED: forum %s: %llu problem%s in %llu entries\n", v.forum,
               (unsigned long long)v.problems, v.problems == 1 ? "" : "s",
               (unsigned long long)v.entries);
    free(v.note);
    qr_rules_destroy(&v.rules);
    return v.problems ? 1 : 0;
}
