/*
 * cmd_audit.c: quorum audit FORUM: the report an auditor files on a whole forum.
 *
 * It reads every entry under the forum's latest signed checkpoint, from the daemon or straight
 * from a database file (--db), and reports, trusting neither:
 *
 *   - the entries: how many, of which kinds, every statement's signature;
 *   - the signers: who made how many statements, named from the replayed charter and
 *     memberships (a key the forum does not know is a finding);
 *   - the checkpoints held: the latest the source serves, every one a database file holds
 *     (--db), any the auditor kept (--checkpoint FILE), and those earlier approved minutes
 *     pinned; each one's signature by the log key, who cosigned it (verified against the
 *     charter's witnesses and --witness keys; anyone else is unknown), its root against the
 *     root recomputed from the entries at its size, and a consistency proof from it to the
 *     latest, computed here and verified;
 *   - the rule replay: every entry judged again by the rulebook at its logged time;
 *   - findings: anything above that is wrong.  Exit status 1 if there is any.
 */
#include "client.h"

#include "memtree.h"
#include "minutes.h"
#include "note.h"
#include "replay.h"
#include "util.h"
#include "witness.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CHECKPOINTS 100000
#define MAX_FINDINGS_SHOWN 200

typedef struct {
    uint8_t pk[32];
    uint64_t count, first, last;
} signer;

typedef struct {
    uint64_t size;
    char *note;
    const char *from;
} held;

typedef struct {
    qr_cli *cli;
    qr_rules *r;
    qr_memtree *tree;
    uint64_t entries, unlawful, bad_signature;
    uint64_t kinds[64];
    signer *signers;
    size_t nsigners;
    held *cps;
    size_t ncps;
    char **findings;
    size_t nfindings;
    const char **witness_keys;
    size_t nwitness;
    qr_note_verifier logv;
    int have_logv;
} audit;

static void finding(audit *a, const char *fmt, ...) QR_PRINTF(2, 3);
static void finding(audit *a, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char **f = realloc(a->findings, (a->nfindings + 1) * sizeof *f);
    if (!f)
        return;
    a->findings = f;
    if ((f[a->nfindings] = strdup(msg)) != NULL)
        a->nfindings++;
}

static void count_signer(audit *a, const uint8_t pk[32], uint64_t seq)
{
    for (size_t i = 0; i < a->nsigners; i++)
        if (!memcmp(a->signers[i].pk, pk, 32)) {
            a->signers[i].count++;
            a->signers[i].last = seq;
            return;
        }
    signer *s = realloc(a->signers, (a->nsigners + 1) * sizeof *s);
    if (!s)
        return;
    a->signers = s;
    memcpy(s[a->nsigners].pk, pk, 32);
    s[a->nsigners].count = 1;
    s[a->nsigners].first = s[a->nsigners].last = seq;
    a->nsigners++;
}

static int one_entry(void *ctx, uint64_t seq, const uint8_t *entry, size_t len)
{
    audit *a = ctx;
    qr_refusal why;
    qr_statement *st = NULL;
    uint8_t leaf[QR_HASH_LEN];
    if (seq != a->entries)
        return QR_TAMPERED;
    qr_merkle_leaf_hash(entry, len, leaf);
    if (qr_memtree_append(a->tree, leaf) != QR_OK)
        return QR_NOMEM;
    a->entries++;
    if (qr_replay_entry(a->r, entry, len, &st, &why) != QR_OK) {
        a->unlawful++;
        if (why.code < QR_CLOCK_SKEW)
            a->bad_signature++;
        finding(a, "entry %llu %s%s: %s", (unsigned long long)seq,
                why.code >= QR_CLOCK_SKEW ? "breaks the rule " : "is not a valid statement",
                why.code >= QR_CLOCK_SKEW ? qr_code_name(why.code) : "", why.message);
        return QR_OK;
    }
    if ((size_t)st->st->kind_case < sizeof a->kinds / sizeof *a->kinds)
        a->kinds[st->st->kind_case]++;
    count_signer(a, st->signer, seq);
    qr_statement_destroy(&st);
    return QR_OK;
}

static void hold(audit *a, uint64_t size, const char *note, const char *from)
{
    for (size_t i = 0; i < a->ncps; i++)
        if (a->cps[i].size == size && !strcmp(a->cps[i].note, note))
            return;
    if (a->ncps >= MAX_CHECKPOINTS)
        return;
    held *h = realloc(a->cps, (a->ncps + 1) * sizeof *h);
    if (!h)
        return;
    a->cps = h;
    if ((h[a->ncps].note = strdup(note)) == NULL)
        return;
    h[a->ncps].size = size;
    h[a->ncps++].from = from;
}

typedef struct {
    audit *a;
    qr_store *store;
    const char *forum;
} db_ctx;

static int from_db(void *ctx, uint64_t size, const char *note)
{
    db_ctx *d = ctx;
    char *lines = NULL;
    if (qr_witness_cosigs(d->store, d->forum, size, &lines) == QR_OK && lines && *lines) {
        size_t n = strlen(note) + strlen(lines) + 1;
        char *both = malloc(n);
        if (both) {
            snprintf(both, n, "%s%s", note, lines);
            hold(d->a, size, both, "in the database");
        }
        free(both);
    } else {
        hold(d->a, size, note, "in the database");
    }
    free(lines);
    return QR_OK;
}

/* ---- checking one checkpoint ---------------------------------------------------------- */

static void cosigners(audit *a, const char *note, const qr_note *parsed, uint64_t size, char *out,
                      size_t n)
{
    size_t used = 0;
    out[0] = 0;
    for (size_t i = 0; i < parsed->nsigs; i++) {
        const qr_note_sig *s = &parsed->sigs[i];
        qr_note_verifier w;
        int known = 0, ok = 0;
        if (a->have_logv && !strcmp(s->name, a->logv.name) && !memcmp(s->id, a->logv.id, 4))
            continue;
        for (size_t k = 0; k < a->nwitness && !known; k++)
            known = qr_note_vkey_parse(a->witness_keys[k], &w) == QR_OK &&
                    w.type == QR_NOTE_COSIG && !strcmp(w.name, s->name) && !memcmp(w.id, s->id, 4);
        const Quorum__Charter *ch = a->r->charter;
        for (size_t k = 0; ch && k < ch->n_witnesses && !known; k++) {
            const Quorum__Party *p = ch->witnesses[k];
            if (p->sign_key.len != 32)
                continue;
            memset(&w, 0, sizeof w);
            snprintf(w.name, sizeof w.name, "%s", s->name);
            w.type = QR_NOTE_COSIG;
            memcpy(w.pk, p->sign_key.data, 32);
            qr_note_key_id(w.name, QR_NOTE_COSIG, w.pk, w.id);
            known = !memcmp(w.id, s->id, 4);
        }
        if (known)
            ok = qr_cosig_verify(note, parsed, &w, NULL) == QR_OK;
        used += (size_t)snprintf(out + used, used < n ? n - used : 0, "%s%s (%s)", used ? ", " : "",
                                 s->name,
                                 !known ? "UNKNOWN witness, not verified"
                                 : ok   ? "verified"
                                        : "DOES NOT VERIFY");
        if (!known || !ok)
            finding(a, "a checkpoint of size %llu carries a signature by %s that %s",
                    (unsigned long long)size, s->name,
                    !known ? "is by no witness the charter names or --witness gives"
                           : "does not verify");
    }
    if (!used)
        snprintf(out, n, "none");
}

static void check_held(audit *a, const held *h, const qr_checkpoint *latest)
{
    qr_note parsed;
    qr_checkpoint cp;
    uint8_t root[QR_HASH_LEN];
    qr_merkle_proof p;
    char cos[2048], *b64;
    if (qr_note_parse(h->note, strlen(h->note), &parsed) != QR_OK ||
        qr_checkpoint_parse(h->note, parsed.text_len, &cp) != QR_OK) {
        finding(a, "a checkpoint %s does not parse", h->from);
        return;
    }
    b64 = qr_b64(cp.root, QR_HASH_LEN);
    int sig_ok = a->have_logv && qr_note_verify(h->note, &parsed, &a->logv) == QR_OK;
    cosigners(a, h->note, &parsed, cp.size, cos, sizeof cos);
    int root_ok = cp.size <= a->entries && qr_memtree_root(a->tree, cp.size, root) == QR_OK &&
                  !sodium_memcmp(root, cp.root, QR_HASH_LEN);
    int cons_ok =
        root_ok && cp.size > 0 && cp.size <= latest->size &&
        qr_memtree_consistency(a->tree, cp.size, latest->size, &p) == QR_OK &&
        qr_merkle_verify_consistency(cp.size, latest->size, cp.root, latest->root, &p) == QR_OK;
    if (!a->cli->json)
        printf("  size %-8llu root %s  (%s)\n    signed by the log key: %s; cosigned by: %s\n"
               "    root matches the entries: %s; consistent with the latest (size %llu): %s\n",
               (unsigned long long)cp.size, b64 ? b64 : "", h->from, sig_ok ? "yes" : "NO", cos,
               root_ok ? "yes" : "NO", (unsigned long long)latest->size,
               cons_ok || cp.size == 0 ? "yes (proof computed and verified)" : "NO");
    free(b64);
    if (!sig_ok)
        finding(a, "the checkpoint of size %llu %s is not signed by the log key",
                (unsigned long long)cp.size, h->from);
    if (!root_ok)
        finding(a,
                "the checkpoint of size %llu %s does not match the entries: the log does not "
                "hash to its root there (history rewritten, or a split view)",
                (unsigned long long)cp.size, h->from);
    else if (!cons_ok && cp.size)
        finding(a, "the checkpoint of size %llu %s is not consistent with the latest",
                (unsigned long long)cp.size, h->from);
}

/* ---- the report -------------------------------------------------------------------------- */

static const char *kind_name(int k)
{
    Quorum__Statement s = QUORUM__STATEMENT__INIT;
    s.kind_case = (Quorum__Statement__KindCase)k;
    return qr_statement_kind(&s);
}

static void print_report(audit *a, const char *forum, const char *source, const char *vkey_from)
{
    char who[512];
    const Quorum__Charter *ch = a->r->charter;
    printf("Audit of forum %s (%s)\n  source: %s\n  log key: %s (%s)\n\n", forum,
           ch && ch->name ? ch->name : "not chartered", source,
           a->have_logv ? a->logv.name : "none", vkey_from);
    printf("Entries: %llu; statements with a bad signature or encoding: %llu\n",
           (unsigned long long)a->entries, (unsigned long long)a->bad_signature);
    for (int k = 0; k < 64; k++)
        if (a->kinds[k])
            printf("  %-22s %llu\n", kind_name(k), (unsigned long long)a->kinds[k]);
    printf("\nSigners\n");
    for (size_t i = 0; i < a->nsigners; i++) {
        const signer *s = &a->signers[i];
        printf("  %-60s %llu statement%s (entries %llu to %llu)\n",
               qr_minutes_signer(a->r, s->pk, who, sizeof who), (unsigned long long)s->count,
               s->count == 1 ? "" : "s", (unsigned long long)s->first, (unsigned long long)s->last);
    }
    printf("\nRule replay: %s\n",
           a->unlawful ? "some entries are unlawful (see findings)"
                       : "every entry is lawful under the rulebook at its logged time");
    printf("\nApproved minutes\n");
    for (size_t i = 0; i < a->r->napprovals; i++) {
        const qr_approval *p = &a->r->approvals[i];
        char hex[2 * QR_HASH_LEN + 1];
        qr_hex(p->minutes_hash, QR_HASH_LEN, hex);
        printf("  meeting %s: SHA-256 %s, checkpoint size %llu, approved by %s at entry %llu\n",
               p->meeting, hex, (unsigned long long)p->checkpoint_size,
               p->org[0] ? p->org : "the chair", (unsigned long long)p->seq);
    }
    if (!a->r->napprovals)
        printf("  none\n");
}

static void check_approvals(audit *a)
{
    uint8_t root[QR_HASH_LEN];
    for (size_t i = 0; i < a->r->napprovals; i++) {
        const qr_approval *p = &a->r->approvals[i];
        if (p->checkpoint_size && p->checkpoint_size <= a->entries &&
            qr_memtree_root(a->tree, p->checkpoint_size, root) == QR_OK &&
            sodium_memcmp(root, p->checkpoint_root, QR_HASH_LEN) != 0)
            finding(a,
                    "the minutes of meeting %s were approved (entry %llu) pinning checkpoint "
                    "size %llu, whose root is not this log's root at that size",
                    p->meeting, (unsigned long long)p->seq, (unsigned long long)p->checkpoint_size);
    }
}

static void print_findings(audit *a, const char *forum)
{
    if (a->cli->json) {
        qr_json j;
        qr_json_init(&j, stdout);
        qr_json_object(&j, NULL);
        qr_json_str(&j, "forum", forum);
        qr_json_u64(&j, "entries", a->entries);
        qr_json_u64(&j, "unlawful", a->unlawful);
        qr_json_u64(&j, "signers", a->nsigners);
        qr_json_u64(&j, "checkpoints", a->ncps);
        qr_json_array(&j, "findings");
        for (size_t i = 0; i < a->nfindings; i++)
            qr_json_str(&j, NULL, a->findings[i]);
        qr_json_end(&j);
        qr_json_bool(&j, "clean", a->nfindings == 0);
        qr_json_end(&j);
        qr_json_end_line(&j);
        return;
    }
    printf("\nFindings: %s\n", a->nfindings ? "" : "none");
    for (size_t i = 0; i < a->nfindings && i < MAX_FINDINGS_SHOWN; i++)
        printf("  - %s\n", a->findings[i]);
    if (a->nfindings > MAX_FINDINGS_SHOWN)
        printf("  ... and %zu more\n", a->nfindings - MAX_FINDINGS_SHOWN);
}

/* ---- the command ------------------------------------------------------------------------ */

static int audit_usage(void)
{
    fprintf(stderr,
            "usage: quorum audit FORUM [--log-key VKEY] [--witness VKEY]... [--checkpoint "
            "FILE]...\n"
            "  Every entry, signer, checkpoint (with --db: every one the file holds) and who\n"
            "  cosigned it, the rule replay and consistency across every checkpoint held.\n"
            "  Exit status 1 if there is any finding.\n"
            "example: quorum --db /var/lib/quorum/quorumd.db audit city-pb > city-pb.audit\n");
    return 2;
}

static int by_size(const void *x, const void *y)
{
    const held *a = x, *b = y;
    return a->size < b->size ? -1 : a->size > b->size;
}

static void hold_files(audit *a, const char **files, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t *text = NULL;
        size_t len = 0;
        qr_checkpoint cp;
        if (qr_read_file(files[i], QR_NOTE_MAX_TEXT * 4, &text, &len) != QR_OK ||
            memchr(text, 0, len) || qr_cli_note_checkpoint((const char *)text, &cp) != QR_OK)
            finding(a, "%s is not a signed checkpoint this auditor can read", files[i]);
        else
            hold(a, cp.size, (const char *)text, files[i]);
        free(text);
    }
}

static void audit_free(audit *a)
{
    for (size_t i = 0; i < a->ncps; i++)
        free(a->cps[i].note);
    for (size_t i = 0; i < a->nfindings; i++)
        free(a->findings[i]);
    free(a->cps);
    free(a->findings);
    free(a->signers);
    qr_memtree_destroy(&a->tree);
    qr_rules_destroy(&a->r);
}

int cmd_audit(qr_cli *cli)
{
    const char *wk[QR_CLI_MAX_REPEAT], *files[QR_CLI_MAX_REPEAT];
    size_t nw = qr_cli_opt_all(cli, "witness", wk, QR_CLI_MAX_REPEAT);
    size_t nf = qr_cli_opt_all(cli, "checkpoint", files, QR_CLI_MAX_REPEAT);
    const char *log_key = qr_cli_opt(cli, "log-key"), *forum = qr_cli_arg(cli, 0);
    if (!forum || qr_cli_extra(cli, 1))
        return audit_usage();
    int status = qr_cli_check_ids(cli, "forum", forum, NULL);
    if (status)
        return status;
    audit a;
    memset(&a, 0, sizeof a);
    a.cli = cli;
    a.witness_keys = wk;
    a.nwitness = nw;
    a.r = qr_rules_new(forum);
    a.tree = qr_memtree_new();
    qr_source src;
    char *note = NULL, *vkey = NULL, source[1200];
    qr_checkpoint latest;
    uint64_t size = 0;
    if (!a.r || !a.tree) {
        audit_free(&a);
        return qr_cli_fail(cli, QR_NOMEM, "out of memory");
    }
    if ((status = qr_source_open(cli, &src)) ||
        (status = qr_source_checkpoint(&src, forum, &note, &vkey)))
        goto out;
    if (qr_cli_note_checkpoint(note, &latest) != QR_OK) {
        status = qr_cli_fail(cli, QR_BAD_NOTE, "the latest checkpoint of %s does not parse", forum);
        goto out;
    }
    const char *key = log_key ? log_key : vkey;
    a.have_logv = key && qr_note_vkey_parse(key, &a.logv) == QR_OK;
    if ((status = qr_source_read(&src, forum, 0, latest.size, one_entry, &a, &size)))
        goto out;
    if (a.entries != latest.size)
        finding(&a, "the latest checkpoint covers %llu entries but %llu were read",
                (unsigned long long)latest.size, (unsigned long long)a.entries);
    if (size > latest.size)
        finding(&a, "%llu entries are in the log beyond the latest signed checkpoint",
                (unsigned long long)(size - latest.size));
    if (src.store) {
        db_ctx d = {&a, src.store, forum};
        qr_store_checkpoints(src.store, forum, from_db, &d);
        snprintf(source, sizeof source, "the database file %s", cli->db);
    } else {
        hold(&a, latest.size, note, "served as the latest");
        snprintf(source, sizeof source, "the daemon at %s", cli->endpoint);
    }
    hold_files(&a, files, nf);
    qsort(a.cps, a.ncps, sizeof *a.cps, by_size);
    if (!a.have_logv)
        finding(&a, "no log key to check the checkpoints with (give --log-key)");
    if (!cli->json) {
        print_report(&a, forum, source,
                     log_key ? "given with --log-key"
                     : vkey  ? "from the daemon's public key file: give --log-key to check "
                               "against a key you hold"
                             : "none");
        printf("\nCheckpoints (%zu held)\n", a.ncps);
    }
    for (size_t i = 0; i < a.ncps; i++)
        check_held(&a, &a.cps[i], &latest);
    check_approvals(&a);
    print_findings(&a, forum);
    status = a.nfindings ? 1 : 0;
out:
    free(note);
    free(vkey);
    qr_source_close(&src);
    audit_free(&a);
    return status;
}
