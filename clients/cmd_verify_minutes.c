/*
 * cmd_verify_minutes.c: quorum verify-minutes FILE.md, offline, trusting no daemon.
 *
 * Signed minutes come with two files beside them: FILE.md.minisig and the proof bundle
 * (lib/bundle.h).  An auditor holding them, and the log's verifier key from the operator,
 * learns here that:
 *
 *   1. the checkpoint in the bundle is signed by the log's key (from --log-key, or the one the
 *      bundle names, which is said), and each cosignature on it is by a witness whose key was
 *      given (--witness) or that the forum's charter names; a cosignature by anyone else is
 *      reported as unknown, because a checkpoint vouched for by strangers proves nothing;
 *   2. every entry in the bundle is in the log under that checkpoint (its inclusion proof),
 *      the entries are the whole log up to it (their tree head is the signed root), every
 *      statement's signature verifies and every entry is lawful under the rulebook;
 *   3. the history the checkpoints of earlier approved minutes describe is a prefix of this one
 *      (each consistency proof, and the roots those approvals pinned);
 *   4. the document is signed in minisign's format by the key given (--clerk-key) or else by a
 *      clerk the charter names, and the signature's trusted comment names this forum, meeting
 *      and checkpoint;
 *   5. the document says exactly what the entries say: the minutes are rendered again from the
 *      bundle and compared line by line; each difference is reported with its line number and
 *      both versions, so an edit to the document or to the bundle is named, not just detected.
 *
 * Exit status 0 only if all of it holds; 1 with every problem listed otherwise.
 */
#include "client.h"

#include "bundle.h"
#include "memtree.h"
#include "minisign.h"
#include "minutes.h"
#include "note.h"
#include "sha256.h"
#include "util.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MINUTES_MAX_FILE (64u * 1024 * 1024)
#define MAX_REPORTED 12 /* differences or failed proofs named one by one */

typedef struct {
    qr_cli *cli;
    size_t problems;
    qr_bundle *b;
    qr_minutes_log log;
    qr_checkpoint cp;
    int have_cp;
    qr_memtree *tree;
    char signer[512];
    size_t cosigs;
} vm_state;

static void say(vm_state *v, int ok, const char *fmt, ...) QR_PRINTF(3, 4);
static void say(vm_state *v, int ok, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    v->problems += !ok;
    if (v->cli->json) {
        qr_json j;
        qr_json_init(&j, stdout);
        qr_json_object(&j, NULL);
        qr_json_str(&j, ok ? "ok" : "finding", msg);
        qr_json_end(&j);
        qr_json_end_line(&j);
    } else {
        printf("%s  %s\n", ok ? "ok  " : "FAIL", msg);
    }
}

static void refused(void *ctx, uint64_t seq, const qr_refusal *why)
{
    say(ctx, 0, "entry %llu: %s%s%s", (unsigned long long)seq,
        why->code >= QR_CLOCK_SKEW ? "breaks the rule " : "",
        why->code >= QR_CLOCK_SKEW ? qr_code_name(why->code) : "", why->message);
}

/* ---- 1. the checkpoint and its cosignatures -------------------------------------------- */

/* A verifier for a cosignature line: a --witness key, or a witness the charter names. */
static int find_witness(vm_state *v, const qr_note_sig *s, const char **witness_keys, size_t nw,
                        qr_note_verifier *out, const char **from)
{
    for (size_t i = 0; i < nw; i++)
        if (qr_note_vkey_parse(witness_keys[i], out) == QR_OK && out->type == QR_NOTE_COSIG &&
            !strcmp(out->name, s->name) && !memcmp(out->id, s->id, 4)) {
            *from = "given with --witness";
            return 1;
        }
    const Quorum__Charter *ch = v->log.r ? v->log.r->charter : NULL;
    for (size_t i = 0; ch && i < ch->n_witnesses; i++) {
        const Quorum__Party *p = ch->witnesses[i];
        uint8_t id[4];
        if (p->sign_key.len != 32 || strlen(s->name) > QR_MAX_NAME)
            continue;
        qr_note_key_id(s->name, QR_NOTE_COSIG, p->sign_key.data, id);
        if (memcmp(id, s->id, 4) == 0) {
            memset(out, 0, sizeof *out);
            snprintf(out->name, sizeof out->name, "%s", s->name);
            out->type = QR_NOTE_COSIG;
            memcpy(out->id, id, 4);
            memcpy(out->pk, p->sign_key.data, 32);
            *from = "named in the charter";
            return 1;
        }
    }
    return 0;
}

static void check_cosignatures(vm_state *v, const qr_note *parsed, const qr_note_verifier *log,
                               const char **wk, size_t nw)
{
    for (size_t i = 0; i < parsed->nsigs; i++) {
        const qr_note_sig *s = &parsed->sigs[i];
        qr_note_verifier w;
        const char *from = "";
        char id[9], when[32];
        uint64_t ts = 0;
        qr_hex(s->id, 4, id);
        if (!strcmp(s->name, log->name) && !memcmp(s->id, log->id, 4))
            continue;
        if (!find_witness(v, s, wk, nw, &w, &from)) {
            say(v, 0,
                "the checkpoint carries a signature by %s (key id %s): a witness whose key was "
                "neither given (--witness) nor named in the charter, so unknown and not verified",
                s->name, id);
            continue;
        }
        if (qr_cosig_verify(v->b->note, parsed, &w, &ts) != QR_OK) {
            say(v, 0, "the cosignature by witness %s (key id %s, %s) does not verify", s->name, id,
                from);
            continue;
        }
        qr_time_iso(ts > INT64_MAX ? 0 : (int64_t)ts, when, sizeof when);
        say(v, 1, "cosigned by witness %s (key %s) at %s", s->name, from, when);
        v->cosigs++;
    }
}

static void check_checkpoint(vm_state *v, const char *log_key, const char **wk, size_t nw)
{
    qr_note parsed;
    qr_note_verifier lv;
    const char *vkey = log_key ? log_key : v->b->vkey;
    if (qr_note_parse(v->b->note, strlen(v->b->note), &parsed) != QR_OK ||
        qr_checkpoint_parse(v->b->note, parsed.text_len, &v->cp) != QR_OK)
        return say(v, 0, "the bundle's checkpoint is not a signed C2SP checkpoint");
    v->have_cp = 1;
    if (!*vkey)
        return say(v, 0, "no log key to check the checkpoint with: give --log-key");
    if (qr_note_vkey_parse(vkey, &lv) != QR_OK)
        return say(v, 0, "the log key '%s' is not a C2SP verifier key", vkey);
    if (qr_note_verify(v->b->note, &parsed, &lv) != QR_OK)
        return say(v, 0, "the checkpoint of size %llu is not signed by the log key %s",
                   (unsigned long long)v->cp.size, vkey);
    say(v, 1, "the checkpoint (%s, size %llu) is signed by the log key %s%s", v->cp.origin,
        (unsigned long long)v->cp.size, lv.name,
        log_key ? " (given with --log-key)"
                : " (taken from the bundle: give --log-key to check it independently)");
    check_cosignatures(v, &parsed, &lv, wk, nw);
    if (!parsed.nsigs || parsed.nsigs == 1)
        say(v, 1, "the checkpoint carries no cosignatures yet");
}

/* ---- 2, 3. entries and proofs ------------------------------------------------------------ */

static void check_entries(vm_state *v)
{
    size_t bad = 0;
    uint8_t leaf[QR_HASH_LEN], root[QR_HASH_LEN];
    if (v->b->nentries != v->cp.size)
        say(v, 0,
            "the bundle holds %zu entries but the checkpoint covers %llu: minutes are proved "
            "with every entry up to their checkpoint",
            v->b->nentries, (unsigned long long)v->cp.size);
    for (size_t i = 0; i < v->b->nentries; i++) {
        const qr_bundle_entry *e = &v->b->entries[i];
        qr_merkle_proof p;
        qr_merkle_leaf_hash(e->bytes, e->len, leaf);
        qr_memtree_append(v->tree, leaf);
        p.n = e->nproof;
        memcpy(p.hash, e->proof, e->nproof * QR_HASH_LEN);
        if (qr_merkle_verify_inclusion(i, v->cp.size, leaf, &p, v->cp.root) != QR_OK &&
            bad++ < MAX_REPORTED)
            say(v, 0,
                "entry %zu: its inclusion proof does not verify under the checkpoint of size "
                "%llu (a proof from another checkpoint, or changed bytes)",
                i, (unsigned long long)v->cp.size);
    }
    if (bad)
        say(v, 0, "%zu of %zu inclusion proofs fail", bad, v->b->nentries);
    else
        say(v, 1, "all %zu entries are in the log under the checkpoint (inclusion proofs)",
            v->b->nentries);
    if (qr_memtree_root(v->tree, qr_memtree_size(v->tree), root) == QR_OK &&
        v->b->nentries == v->cp.size && sodium_memcmp(root, v->cp.root, QR_HASH_LEN) != 0)
        say(v, 0, "the entries do not hash to the signed root");
}

static const qr_approval *pinning(const qr_rules *r, uint64_t size)
{
    for (size_t i = 0; i < r->napprovals; i++)
        if (r->approvals[i].checkpoint_size == size)
            return &r->approvals[i];
    return NULL;
}

static void check_consistency(vm_state *v)
{
    uint64_t sizes[QR_BUNDLE_MAX_CONSISTENCY];
    uint8_t root[QR_HASH_LEN];
    size_t n = qr_minutes_earlier_sizes(v->log.r, v->b->meeting, v->cp.size, sizes,
                                        QR_BUNDLE_MAX_CONSISTENCY);
    for (size_t i = 0; i < v->b->ncons; i++) {
        const qr_bundle_consistency *c = &v->b->cons[i];
        const qr_approval *a = pinning(v->log.r, c->old_size);
        if (qr_merkle_verify_consistency(c->old_size, v->cp.size, c->old_root, v->cp.root,
                                         &c->proof) != QR_OK)
            say(v, 0, "the consistency proof from size %llu to %llu does not verify",
                (unsigned long long)c->old_size, (unsigned long long)v->cp.size);
        else if (!a)
            say(v, 0,
                "the bundle proves consistency from size %llu, which no approved minutes "
                "pin",
                (unsigned long long)c->old_size);
        else
            say(v, 1,
                "consistent with the checkpoint of size %llu pinned by the approved "
                "minutes of meeting %s",
                (unsigned long long)c->old_size, a->meeting);
    }
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < v->b->ncons && v->b->cons[k].old_size != sizes[i])
            k++;
        if (k == v->b->ncons)
            say(v, 0,
                "no consistency proof from size %llu, the checkpoint of earlier approved "
                "minutes",
                (unsigned long long)sizes[i]);
    }
    /* every approval's pinned root against this log's own root at that size */
    for (size_t i = 0; i < v->log.r->napprovals; i++) {
        const qr_approval *a = &v->log.r->approvals[i];
        if (a->checkpoint_size == 0 || a->checkpoint_size > qr_memtree_size(v->tree) ||
            qr_memtree_root(v->tree, a->checkpoint_size, root) != QR_OK)
            continue;
        if (sodium_memcmp(root, a->checkpoint_root, QR_HASH_LEN) != 0)
            say(v, 0,
                "the minutes of meeting %s were approved at entry %llu pinning checkpoint size "
                "%llu, but this log's root at that size differs: the history was rewritten",
                a->meeting, (unsigned long long)a->seq, (unsigned long long)a->checkpoint_size);
    }
}

/* ---- 4. the signature -------------------------------------------------------------------- */

/* --clerk-key: a minisign public key (string or .pub file) or a quorum key file. */
static int clerk_key(const char *arg, uint8_t pk[32], uint8_t id[8])
{
    if (qr_minisign_pubkey_parse(arg, pk, id) == QR_OK)
        return QR_OK;
    uint8_t *text = NULL;
    size_t len = 0;
    qr_key *k = NULL;
    char err[256];
    int rc = qr_read_file(arg, QR_KEY_FILE_MAX, &text, &len);
    if (rc == QR_OK && qr_minisign_pubkey_parse((const char *)text, pk, id) != QR_OK) {
        rc = qr_key_parse((const char *)text, len, &k, err, sizeof err);
        if (rc == QR_OK) {
            memcpy(pk, k->sign_pk, 32);
            qr_minisign_key_id(pk, id);
        }
    }
    qr_key_destroy(&k);
    if (text)
        sodium_memzero(text, len);
    free(text);
    return rc;
}

static void check_signature(vm_state *v, const uint8_t *md, size_t mdlen, const char *sigtext,
                            size_t siglen, const char *sigpath, const char *key)
{
    qr_minisign_sig s;
    uint8_t pk[32], id[8];
    char f[QR_MAX_ID + 1], m[QR_MAX_ID + 1];
    qr_checkpoint tc;
    if (qr_minisign_parse(sigtext, siglen, &s) != QR_OK)
        return say(v, 0, "%s is not a minisign signature", sigpath);
    if (key) {
        if (clerk_key(key, pk, id) != QR_OK)
            return say(v, 0, "--clerk-key '%s' is neither a minisign public key nor a key file",
                       key);
        if (qr_minisign_verify(&s, md, mdlen, pk, id) != QR_OK)
            return say(v, 0,
                       "the signature in %s is not by the key given with --clerk-key, or "
                       "the minutes were changed after signing",
                       sigpath);
        snprintf(v->signer, sizeof v->signer, "the key given with --clerk-key");
    } else {
        const Quorum__Charter *ch = v->log.r ? v->log.r->charter : NULL;
        for (size_t i = 0; ch && i < ch->n_clerks && !v->signer[0]; i++) {
            const Quorum__Party *p = ch->clerks[i];
            if (p->sign_key.len != 32)
                continue;
            qr_minisign_key_id(p->sign_key.data, id);
            if (qr_minisign_verify(&s, md, mdlen, p->sign_key.data, id) == QR_OK)
                snprintf(v->signer, sizeof v->signer,
                         "the clerk %s named in the charter (give --clerk-key to check against a "
                         "key you hold)",
                         p->name);
        }
        if (!v->signer[0])
            return say(v, 0,
                       "the signature in %s is by none of the forum's clerks, or the "
                       "minutes were changed after signing",
                       sigpath);
    }
    say(v, 1, "the minutes are signed (minisign) by %s", v->signer);
    if (qr_minutes_parse_trusted(s.trusted, f, m, &tc) != QR_OK)
        return say(v, 0, "the signature's trusted comment '%s' does not name quorum minutes",
                   s.trusted);
    if (strcmp(f, v->b->forum) || strcmp(m, v->b->meeting) || !v->have_cp ||
        strcmp(tc.origin, v->cp.origin) || tc.size != v->cp.size ||
        memcmp(tc.root, v->cp.root, QR_HASH_LEN))
        say(v, 0,
            "the signature says these are the minutes of meeting %s of forum %s cut at size "
            "%llu, but the bundle is for meeting %s of forum %s at size %llu",
            m, f, (unsigned long long)tc.size, v->b->meeting, v->b->forum,
            (unsigned long long)v->cp.size);
}

/* ---- 5. the words ------------------------------------------------------------------------ */

typedef struct {
    const char **s;
    size_t *n;
    size_t count;
} lines;

static int split_lines(const char *text, size_t len, lines *l)
{
    size_t cap = 1;
    for (size_t i = 0; i < len; i++)
        cap += text[i] == '\n';
    l->s = malloc(cap * sizeof *l->s);
    l->n = malloc(cap * sizeof *l->n);
    l->count = 0;
    if (!l->s || !l->n)
        return QR_NOMEM;
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t k = nl ? (size_t)(nl - text - pos) : len - pos;
        l->s[l->count] = text + pos;
        l->n[l->count++] = k;
        pos += k + 1;
    }
    return QR_OK;
}

static int same_line(const lines *a, size_t i, const lines *b, size_t k)
{
    return a->n[i] == b->n[k] && memcmp(a->s[i], b->s[k], a->n[i]) == 0;
}

/* A line for a message, from byte `from` (moved back to a UTF-8 boundary): at most 160 bytes,
 * with "…" where it was cut. */
static const char *show_from(const lines *l, size_t i, size_t from, char out[200])
{
    const char *s = l->s[i];
    size_t n = l->n[i];
    if (from > n)
        from = n;
    while (from > 0 && ((unsigned char)s[from] & 0xC0) == 0x80)
        from--;
    size_t len = n - from;
    const char *more = "";
    if (len > 160) {
        len = 160;
        while (len > 0 && ((unsigned char)s[from + len] & 0xC0) == 0x80)
            len--;
        more = "…";
    }
    snprintf(out, 200, "%s%.*s%s", from ? "…" : "", (int)len, s + from, more);
    return out;
}

static const char *show(const lines *l, size_t i, char out[200])
{
    return show_from(l, i, 0, out);
}

/* Where two lines first differ, less some context, so a message shows the change. */
static size_t diff_start(const lines *a, size_t i, const lines *b, size_t k)
{
    size_t n = 0;
    while (n < a->n[i] && n < b->n[k] && a->s[i][n] == b->s[k][n])
        n++;
    return n > 60 ? n - 60 : 0;
}

static void compare(vm_state *v, const lines *doc, const lines *log)
{
    size_t pre = 0, suf = 0;
    char a[200], b[200];
    while (pre < doc->count && pre < log->count && same_line(doc, pre, log, pre))
        pre++;
    while (suf < doc->count - pre && suf < log->count - pre &&
           same_line(doc, doc->count - 1 - suf, log, log->count - 1 - suf))
        suf++;
    size_t nd = doc->count - pre - suf, nl = log->count - pre - suf;
    if (!nd && !nl) {
        say(v, 1,
            "the minutes say exactly what the entries say (%zu lines, rendered again from "
            "the bundle)",
            doc->count);
        return;
    }
    if (!nd) {
        say(v, 0,
            "the minutes leave out %zu line%s the log gives, after line %zu; the first is '%s'", nl,
            nl == 1 ? "" : "s", pre, show(log, pre, b));
        return;
    }
    if (!nl) {
        say(v, 0, "the minutes add %zu line%s the log does not give, from line %zu: '%s'", nd,
            nd == 1 ? "" : "s", pre + 1, show(doc, pre, a));
        return;
    }
    size_t reported = 0;
    for (size_t i = 0; i < nd && i < nl && reported < MAX_REPORTED; i++)
        if (!same_line(doc, pre + i, log, pre + i)) {
            size_t at = diff_start(doc, pre + i, log, pre + i);
            say(v, 0, "line %zu differs: the minutes say '%s', the log says '%s'", pre + i + 1,
                show_from(doc, pre + i, at, a), show_from(log, pre + i, at, b));
            reported++;
        }
    if (nd != nl)
        say(v, 0, "lines %zu to %zu of the minutes stand where the log gives %zu line%s", pre + 1,
            pre + nd, nl, nl == 1 ? "" : "s");
}

static void check_words(vm_state *v, const char *md, size_t mdlen)
{
    char *again = NULL, err[512];
    size_t len = 0;
    lines doc = {0}, log = {0};
    int rc = qr_minutes_render(v->b, &v->log, &again, &len, err, sizeof err);
    if (rc != QR_OK)
        say(v, 0, "the minutes cannot be rendered from the bundle: %s", err);
    else if (split_lines(md, mdlen, &doc) != QR_OK || split_lines(again, len, &log) != QR_OK)
        say(v, 0, "out of memory comparing the minutes");
    else
        compare(v, &doc, &log);
    free(doc.s);
    free(doc.n);
    free(log.s);
    free(log.n);
    free(again);
}

/* ---- the command ------------------------------------------------------------------------ */

static int usage(void)
{
    fprintf(stderr,
            "usage: quorum verify-minutes FILE.md [--bundle FILE] [--sig FILE] [--log-key VKEY]\n"
            "         [--clerk-key MINISIGN_KEY|KEYFILE] [--witness VKEY]...\n"
            "  Offline: the minisign signature, the checkpoint and its cosignatures, every\n"
            "  inclusion and consistency proof in the bundle (default FILE.bundle), every\n"
            "  statement and rule, and that the minutes say exactly what the entries say.\n"
            "example: quorum verify-minutes m-2026-11.md --log-key \"$(cat city-pb.vkey)\"\n");
    return 2;
}

static void default_path(const char *md, const char *suffix, int replace, char *out, size_t outlen)
{
    size_t n = strlen(md);
    if (replace && n > 3 && !strcmp(md + n - 3, ".md"))
        snprintf(out, outlen, "%.*s%s", (int)(n - 3), md, suffix);
    else
        snprintf(out, outlen, "%s%s", md, suffix);
}

static void summary(vm_state *v, const uint8_t *md, size_t mdlen)
{
    uint8_t hash[QR_HASH_LEN];
    char hex[2 * QR_HASH_LEN + 1];
    qr_sha256(hash, md, mdlen);
    qr_hex(hash, QR_HASH_LEN, hex);
    const char *forum = v->b ? v->b->forum : "?", *meeting = v->b ? v->b->meeting : "?";
    if (v->cli->json) {
        qr_json j;
        qr_json_init(&j, stdout);
        qr_json_object(&j, NULL);
        qr_json_str(&j, "forum", forum);
        qr_json_str(&j, "meeting", meeting);
        qr_json_str(&j, "minutes_sha256", hex);
        qr_json_u64(&j, "checkpoint_size", v->have_cp ? v->cp.size : 0);
        qr_json_u64(&j, "cosignatures_verified", v->cosigs);
        qr_json_u64(&j, "problems", v->problems);
        qr_json_bool(&j, "verified", v->problems == 0);
        qr_json_end(&j);
        qr_json_end_line(&j);
    } else if (!v->problems) {
        printf("verified: the minutes of meeting %s of forum %s (SHA-256 %s), checkpoint size "
               "%llu, %zu cosignature%s\n",
               meeting, forum, hex, (unsigned long long)v->cp.size, v->cosigs,
               v->cosigs == 1 ? "" : "s");
    } else {
        printf("NOT VERIFIED: the minutes of meeting %s of forum %s: %zu problem%s\n", meeting,
               forum, v->problems, v->problems == 1 ? "" : "s");
    }
}

int cmd_verify_minutes(qr_cli *cli)
{
    const char *wk[QR_CLI_MAX_REPEAT];
    size_t nw = qr_cli_opt_all(cli, "witness", wk, QR_CLI_MAX_REPEAT);
    const char *bpath = qr_cli_opt(cli, "bundle"), *spath = qr_cli_opt(cli, "sig"),
               *log_key = qr_cli_opt(cli, "log-key"), *ckey = qr_cli_opt(cli, "clerk-key");
    const char *path = qr_cli_arg(cli, 0);
    char bdef[1100], sdef[1100], err[512];
    if (!path || qr_cli_extra(cli, 1))
        return usage();
    default_path(path, ".bundle", 1, bdef, sizeof bdef);
    default_path(path, ".minisig", 0, sdef, sizeof sdef);
    bpath = bpath ? bpath : bdef;
    spath = spath ? spath : sdef;

    uint8_t *md = NULL, *sig = NULL, *bundle = NULL;
    size_t mdlen = 0, siglen = 0, blen = 0;
    int rc;
    if ((rc = qr_read_file(path, MINUTES_MAX_FILE, &md, &mdlen)) != QR_OK ||
        (rc = qr_read_file(spath, QR_MINISIGN_MAX_FILE, &sig, &siglen)) != QR_OK ||
        (rc = qr_read_file(bpath, QR_BUNDLE_MAX_FILE, &bundle, &blen)) != QR_OK) {
        int status = qr_cli_fail(cli, rc, "cannot read %s", !md ? path : !sig ? spath : bpath);
        free(md);
        free(sig);
        free(bundle);
        return status == qr_code_exit(QR_TOO_LARGE) ? 1 : status;
    }
    vm_state v;
    memset(&v, 0, sizeof v);
    v.cli = cli;
    if ((rc = qr_bundle_parse((const char *)bundle, blen, &v.b, err, sizeof err)) != QR_OK) {
        say(&v, 0, "%s: %s", bpath, err);
    } else if (!(v.tree = qr_memtree_new()) ||
               qr_minutes_replay(v.b, &v.log, refused, &v) != QR_OK) {
        say(&v, 0, "out of memory");
    } else {
        check_checkpoint(&v, log_key, wk, nw);
        if (v.have_cp) {
            check_entries(&v);
            check_consistency(&v);
        }
        check_signature(&v, md, mdlen, (const char *)sig, siglen, spath, ckey);
        if (v.have_cp)
            check_words(&v, (const char *)md, mdlen);
    }
    summary(&v, md, mdlen);
    qr_minutes_log_free(&v.log);
    qr_memtree_destroy(&v.tree);
    qr_bundle_destroy(&v.b);
    free(md);
    free(sig);
    free(bundle);
    return v.problems ? 1 : 0;
}
