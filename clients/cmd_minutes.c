/*
 * cmd_minutes.c: quorum minutes FORUM MEETING: signed minutes and their proof bundle.
 *
 * The minutes are cut from one signed checkpoint: the client fetches it, checks its signature
 * with the daemon's key, reads exactly the entries under it, recomputes the tree head from
 * those entries and refuses if it is not the signed root (so nothing the daemon says is taken
 * on trust), replays them through the rulebook and renders the minutes (lib/minutes.h).  It
 * then writes, into --out (default .):
 *
 *     MEETING.md          the minutes (Markdown): what is signed and what is approved
 *     MEETING.html        the same, one self-contained print-friendly page
 *     MEETING.md.minisig  the clerk's signature in minisign's format (lib/minisign.h); its
 *                         trusted comment names the forum, meeting and checkpoint
 *     MEETING.bundle      the proof bundle (lib/bundle.h)
 *
 * The signing key is the global --key and must be one of the forum's clerks: an auditor who
 * is given no key checks the signature against the clerks the charter names.
 *
 * Also here: what `minutes approve --minutes FILE.md` takes from signed minutes (their hash and
 * the checkpoint in the signature's trusted comment, the signature checked against the clerks).
 */
#include "client.h"

#include "bundle.h"
#include "minisign.h"
#include "minutes.h"
#include "note.h"
#include "sha256.h"
#include "util.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define MINUTES_MAX_FILE (64u * 1024 * 1024)

static int add_entry(void *ctx, uint64_t seq, const uint8_t *entry, size_t len)
{
    qr_bundle *b = ctx;
    return seq == b->nentries ? qr_bundle_add_entry(b, entry, len) : QR_TAMPERED;
}

static void warn_refused(void *ctx, uint64_t seq, const qr_refusal *why)
{
    const char *forum = ctx;
    fprintf(stderr,
            "quorum: warning: entry %llu of forum %s breaks the rule %s: %s (an unlawful entry: "
            "the minutes leave it out and list it)\n",
            (unsigned long long)seq, forum, qr_code_name(why->code), why->message);
}

/* The checkpoint and every entry under it, checked against each other and the daemon's key. */
static int fetch(qr_cli *cli, qr_bundle *b, qr_checkpoint *cp)
{
    qr_source src;
    char *note = NULL, *vkey = NULL;
    qr_note parsed;
    qr_note_verifier v;
    uint64_t size = 0;
    int status = qr_source_open(cli, &src);
    if (!status)
        status = qr_source_checkpoint(&src, b->forum, &note, &vkey);
    if (status)
        goto out;
    if (!vkey || qr_note_vkey_parse(vkey, &v) != QR_OK ||
        qr_note_parse(note, strlen(note), &parsed) != QR_OK ||
        qr_note_verify(note, &parsed, &v) != QR_OK ||
        qr_checkpoint_parse(note, parsed.text_len, cp) != QR_OK) {
        status = qr_cli_fail(cli, QR_BAD_NOTE,
                             "the checkpoint of forum %s does not verify with the daemon's key "
                             "(%s); no minutes were written",
                             b->forum, vkey ? vkey : "no key: see --server-key");
        goto out;
    }
    if (qr_bundle_set_checkpoint(b, note, vkey) != QR_OK) {
        status = qr_cli_fail(cli, QR_TOO_LARGE, "the checkpoint note is too large");
        goto out;
    }
    if ((status = qr_source_read(&src, b->forum, 0, cp->size, add_entry, b, &size)))
        goto out;
    if (b->nentries != cp->size)
        status =
            qr_cli_fail(cli, QR_TAMPERED, "the checkpoint covers %llu entries but %zu were read",
                        (unsigned long long)cp->size, b->nentries);
out:
    free(note);
    free(vkey);
    qr_source_close(&src);
    return status;
}

static int is_clerk(const qr_rules *r, const uint8_t pk[32])
{
    for (size_t i = 0; r->charter && i < r->charter->n_clerks; i++)
        if (r->charter->clerks[i]->sign_key.len == 32 &&
            memcmp(r->charter->clerks[i]->sign_key.data, pk, 32) == 0)
            return 1;
    return 0;
}

static int write_one(qr_cli *cli, const char *dir, const char *name, const char *suffix,
                     const void *data, size_t len, char *path, size_t pathlen)
{
    snprintf(path, pathlen, "%s/%s%s", dir, name, suffix);
    int rc = qr_write_file(path, data, len, 0644);
    return rc == QR_OK ? 0 : qr_cli_fail(cli, rc, "cannot write %s", path);
}

typedef struct {
    char md[1200], html[1200], sig[1200], bundle[1200];
    char hash[2 * QR_HASH_LEN + 1];
    char pubkey[QR_MINISIGN_PUBKEY_LEN + 1];
} written;

static void report(qr_cli *cli, const qr_bundle *b, const qr_checkpoint *cp, const qr_key *k,
                   const written *w)
{
    if (cli->json) {
        qr_json j;
        qr_json_init(&j, stdout);
        qr_json_object(&j, NULL);
        qr_json_str(&j, "forum", b->forum);
        qr_json_str(&j, "meeting", b->meeting);
        qr_json_str(&j, "markdown", w->md);
        qr_json_str(&j, "html", w->html);
        qr_json_str(&j, "signature", w->sig);
        qr_json_str(&j, "bundle", w->bundle);
        qr_json_str(&j, "minutes_sha256", w->hash);
        qr_json_str(&j, "minisign_key", w->pubkey);
        qr_json_str(&j, "log_vkey", b->vkey);
        qr_json_u64(&j, "checkpoint_size", cp->size);
        qr_json_b64(&j, "checkpoint_root", cp->root, QR_HASH_LEN);
        qr_json_u64(&j, "consistency_proofs", b->ncons);
        qr_json_end(&j);
        qr_json_end_line(&j);
        return;
    }
    printf("minutes of meeting %s of forum %s, cut from checkpoint size %llu:\n"
           "  %s   (SHA-256 %s)\n  %s\n  %s   (signed by %s, minisign key %s)\n"
           "  %s   (%zu entries with inclusion proofs, %zu consistency proof%s)\n"
           "check with: minisign -Vm %s -P %s\n"
           "        or: quorum verify-minutes %s --log-key '%s'\n",
           b->meeting, b->forum, (unsigned long long)cp->size, w->md, w->hash, w->html, w->sig,
           k->name, w->pubkey, w->bundle, b->nentries, b->ncons, b->ncons == 1 ? "" : "s", w->md,
           w->pubkey, w->md, b->vkey);
}

/* Render, sign and write the four files. */
static int produce(qr_cli *cli, qr_bundle *b, const qr_checkpoint *cp, const qr_key *k,
                   const char *dir)
{
    qr_minutes_log log;
    char *md = NULL, *html = NULL, *sig = NULL, *text = NULL, err[512];
    char trusted[QR_MINISIGN_MAX_TRUSTED], untrusted[QR_MINISIGN_MAX_UNTRUSTED];
    size_t mdlen = 0, htmllen = 0, textlen = 0;
    uint64_t sizes[QR_BUNDLE_MAX_CONSISTENCY];
    uint8_t root[QR_HASH_LEN], hash[QR_HASH_LEN];
    written w;
    int status = 0, rc;
    memset(&w, 0, sizeof w);
    if (qr_minutes_replay(b, &log, warn_refused, b->forum) != QR_OK)
        return qr_cli_fail(cli, QR_NOMEM, "out of memory");
    if (!is_clerk(log.r, k->sign_pk)) {
        status = qr_cli_fail(cli, QR_WRONG_SIGNER,
                             "minutes are signed by a clerk of forum %s, and the key %s (%s) is "
                             "not one of the clerks its charter names; give a clerk's --key",
                             b->forum, k->name, cli->key);
        goto out;
    }
    size_t nsizes =
        qr_minutes_earlier_sizes(log.r, b->meeting, cp->size, sizes, QR_BUNDLE_MAX_CONSISTENCY);
    if ((rc = qr_bundle_prove(b, sizes, nsizes, root)) != QR_OK) {
        status = qr_cli_fail(cli, rc, "cannot compute the proofs");
        goto out;
    }
    if (sodium_memcmp(root, cp->root, QR_HASH_LEN) != 0) {
        status = qr_cli_fail(cli, QR_TAMPERED,
                             "the %llu entries read do not hash to the signed root of forum %s: "
                             "the daemon served entries it did not sign; no minutes were written",
                             (unsigned long long)cp->size, b->forum);
        goto out;
    }
    if ((rc = qr_minutes_render(b, &log, &md, &mdlen, err, sizeof err)) != QR_OK) {
        status = qr_cli_fail(cli, rc, "%s", err);
        goto out;
    }
    qr_sha256(hash, (const uint8_t *)md, mdlen);
    qr_hex(hash, QR_HASH_LEN, w.hash);
    qr_minisign_pubkey(k->sign_pk, w.pubkey, sizeof w.pubkey);
    snprintf(untrusted, sizeof untrusted, "quorum minutes signed by %s, minisign key %s", k->name,
             w.pubkey);
    if ((rc = qr_minutes_trusted_comment(b->forum, b->meeting, cp, trusted, sizeof trusted)) ||
        (rc = qr_minisign_sign(k->sign_sk, (const uint8_t *)md, mdlen, untrusted, trusted, &sig)) ||
        (rc = qr_minutes_html(md, mdlen, &html, &htmllen)) ||
        (rc = qr_bundle_format(b, &text, &textlen))) {
        status = qr_cli_fail(cli, rc, "cannot sign or format the minutes");
        goto out;
    }
    if ((rc = qr_mkdir_p(dir, 0755)) != QR_OK) {
        status = qr_cli_fail(cli, rc, "cannot make the directory %s", dir);
        goto out;
    }
    if (!(status = write_one(cli, dir, b->meeting, ".bundle", text, textlen, w.bundle,
                             sizeof w.bundle)) &&
        !(status =
              write_one(cli, dir, b->meeting, ".html", html, htmllen, w.html, sizeof w.html)) &&
        !(status = write_one(cli, dir, b->meeting, ".md", md, mdlen, w.md, sizeof w.md)) &&
        !(status = write_one(cli, dir, b->meeting, ".md.minisig", sig, strlen(sig), w.sig,
                             sizeof w.sig)))
        report(cli, b, cp, k, &w);
out:
    free(md);
    free(html);
    free(sig);
    free(text);
    qr_minutes_log_free(&log);
    return status;
}

static int minutes_usage(void)
{
    fprintf(stderr,
            "usage: quorum minutes FORUM MEETING [--out DIR]\n"
            "       quorum minutes approve FORUM MEETING --minutes FILE.md [--org ORG]\n"
            "  Cuts the minutes of MEETING from the forum's latest signed checkpoint and writes\n"
            "  MEETING.md, MEETING.html, MEETING.md.minisig (signed with --key, a clerk's) and\n"
            "  MEETING.bundle (every entry with its inclusion proof) into DIR (default .).\n"
            "example: quorum --key clerk.key minutes city-pb m-2026-11 --out minutes/\n"
            "         quorum verify-minutes minutes/m-2026-11.md --log-key \"$(cat log.vkey)\"\n");
    return 2;
}

int cmd_minutes(qr_cli *cli)
{
    const char *sub = qr_cli_arg(cli, 0);
    if (sub && !strcmp(sub, "approve"))
        return cmd_minutes_approve(cli);
    const char *dir = qr_cli_opt(cli, "out");
    const char *forum = qr_cli_arg(cli, 0), *meeting = qr_cli_arg(cli, 1);
    if (!forum || !meeting || qr_cli_extra(cli, 2))
        return minutes_usage();
    int status = qr_cli_check_ids(cli, "forum", forum, "meeting", meeting, NULL);
    if (status)
        return status;
    qr_key *k = NULL;
    qr_checkpoint cp;
    qr_bundle *b = qr_bundle_new(forum, meeting);
    if (!b)
        return qr_cli_fail(cli, QR_NOMEM, "out of memory");
    int rc = qr_cli_load_key(cli->key, &k);
    if (rc != QR_OK)
        status = qr_code_exit(rc);
    else if (!k->has_secret)
        status = qr_cli_fail(cli, QR_BAD_KEY,
                             "%s is a public key file: minutes are signed with "
                             "a clerk's secret key (--key)",
                             cli->key);
    if (!status && !(status = fetch(cli, b, &cp)))
        status = produce(cli, b, &cp, k, dir && *dir ? dir : ".");
    qr_key_destroy(&k);
    qr_bundle_destroy(&b);
    return status;
}

/* ---- what minutes approve takes from signed minutes --------------------------------------- */

static int check_signer(qr_cli *cli, const char *forum, const qr_minisign_sig *s, const uint8_t *md,
                        size_t len)
{
    qr_source src;
    qr_rules *r = NULL;
    int status = qr_source_open(cli, &src);
    if (!status)
        status = qr_cli_replay(&src, forum, &r);
    qr_source_close(&src);
    if (status)
        return status;
    int ok = 0;
    for (size_t i = 0; r->charter && i < r->charter->n_clerks && !ok; i++) {
        const Quorum__Party *p = r->charter->clerks[i];
        uint8_t id[8];
        if (p->sign_key.len != 32)
            continue;
        qr_minisign_key_id(p->sign_key.data, id);
        ok = qr_minisign_verify(s, md, len, p->sign_key.data, id) == QR_OK;
    }
    qr_rules_destroy(&r);
    return ok ? 0
              : qr_cli_fail(cli, QR_BAD_SIGNATURE,
                            "the minutes are not signed by a clerk of forum %s (or were changed "
                            "after signing); nothing was recorded",
                            forum);
}

int qr_cli_minutes_pin(qr_cli *cli, const char *forum, const char *meeting, const char *path,
                       const char *sigpath, uint8_t hash[QR_HASH_LEN], uint64_t *size,
                       uint8_t root[QR_HASH_LEN])
{
    uint8_t *md = NULL, *sigtext = NULL;
    size_t mdlen = 0, siglen = 0;
    char defsig[1100], f[QR_MAX_ID + 1], m[QR_MAX_ID + 1];
    qr_minisign_sig s;
    qr_checkpoint cp;
    int status = 0, rc;
    if (!sigpath) {
        snprintf(defsig, sizeof defsig, "%s.minisig", path);
        sigpath = defsig;
    }
    if ((rc = qr_read_file(path, MINUTES_MAX_FILE, &md, &mdlen)) != QR_OK)
        status = qr_cli_fail(cli, rc, "cannot read the minutes %s", path);
    else if ((rc = qr_read_file(sigpath, QR_MINISIGN_MAX_FILE, &sigtext, &siglen)) != QR_OK)
        status = qr_cli_fail(cli, rc, "cannot read their signature %s", sigpath);
    else if (qr_minisign_parse((const char *)sigtext, siglen, &s) != QR_OK ||
             qr_minutes_parse_trusted(s.trusted, f, m, &cp) != QR_OK)
        status = qr_cli_fail(cli, QR_BAD_SIGNATURE,
                             "%s is not the minisign signature of quorum minutes", sigpath);
    else if (strcmp(f, forum) || strcmp(m, meeting))
        status = qr_cli_fail(cli, QR_USAGE,
                             "%s are the minutes of meeting %s of forum %s, not of meeting %s of "
                             "forum %s",
                             path, m, f, meeting, forum);
    else if (!(status = check_signer(cli, forum, &s, md, mdlen))) {
        qr_sha256(hash, md, mdlen);
        *size = cp.size;
        memcpy(root, cp.root, QR_HASH_LEN);
    }
    free(md);
    free(sigtext);
    return status;
}
