/*
 * make_seeds.c: writes the seed corpora of tests/fuzz/corpus from the fixture, with the real
 * code (sealing, entries, checkpoints, cosignatures, proofs, bundles, minisign).
 *
 * Usage: fuzz_make_seeds DIR      (DIR/<target>/<name> for every target; DIR must exist)
 *
 * The seeds are committed; run this again only to change them (keys are derived from names,
 * so the output is the same every time except where noted).
 */
#include "fixture.h"

#include "bundle.h"
#include "checkpoint.h"
#include "memtree.h"
#include "minisign.h"
#include "minutes.h"
#include "note.h"
#include "util.h"
#include "wire.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *outdir;

static void die(const char *what)
{
    fprintf(stderr, "fuzz_make_seeds: %s\n", what);
    exit(2);
}

static void put(const char *target, const char *name, const void *data, size_t len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", outdir, target);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/%s/%s", outdir, target, name);
    FILE *f = fopen(path, "wb");
    if (!f || (len && fwrite(data, 1, len, f) != len) || fclose(f) != 0)
        die(path);
}

static void puts_(const char *target, const char *name, const char *text)
{
    put(target, name, text, strlen(text));
}

static void putf(const char *target, const char *name, const char *fmt, ...) QR_PRINTF(3, 4);
static void putf(const char *target, const char *name, const char *fmt, ...)
{
    char buf[8192];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof buf)
        die("putf");
    put(target, name, buf, (size_t)n);
}

/* ---- notes, checkpoints, cosignatures ----------------------------------------------------- */

static char *cosign(const char *note, uint64_t ts)
{
    qr_note parsed;
    char line[QR_NOTE_SIGLINE_MAX];
    if (qr_note_parse(note, strlen(note), &parsed) != QR_OK ||
        qr_cosig_sign_line(note, parsed.text_len, "witness", fx_key("witness")->sign_sk, ts, line,
                           sizeof line) != QR_OK)
        die("cosign");
    size_t n = strlen(note) + strlen(line) + 1;
    char *out = malloc(n);
    snprintf(out, n, "%s%s", note, line);
    return out;
}

static void notes(void)
{
    const fx_forum *f = fx_city();
    char vkey[QR_NOTE_VKEY_MAX], *cp0 = fx_checkpoint(f, 0), *cpb = fx_checkpoint(f, f->base),
                                 *cpn = fx_checkpoint(f, f->n);
    puts_("note", "checkpoint-empty", cp0);
    puts_("note", "checkpoint-base", cpb);
    puts_("note", "checkpoint-full", cpn);
    char *co = cosign(cpn, (uint64_t)FX_T0);
    puts_("note", "checkpoint-cosigned", co);
    free(co);
    /* an extension line in the body, and a second, unknown signer */
    const char *text = strchr(strchr(strchr(cpn, '\n') + 1, '\n') + 1, '\n') + 1;
    putf("note", "checkpoint-extension", "%.*sext line\n%s", (int)(text - cpn), cpn, text);
    putf("note", "two-signers",
         "%s\xe2\x80\x94 other.example "
         "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
         "\n",
         cpn);
    fx_log_vkey(f, vkey);
    puts_("note", "vkey-log", vkey);
    if (qr_note_vkey_format("witness", QR_NOTE_COSIG, fx_key("witness")->sign_pk, vkey,
                            sizeof vkey) != QR_OK)
        die("vkey");
    puts_("note", "vkey-witness", vkey);
    puts_("note", "plain-note", "hello, world\n\n\xe2\x80\x94 name AAAA\n");

    /* cosig: byte 0 picks the checkpoint (0..3 of fuzz_cosig.c's sizes), then a line */
    size_t sizes[4] = {0, f->n / 3, 2 * f->n / 3, f->n};
    for (int i = 0; i < 4; i++) {
        char *cp = fx_checkpoint(f, sizes[i]), *c = cosign(cp, (uint64_t)FX_T0 + (uint64_t)i);
        qr_note parsed;
        if (qr_note_parse(c, strlen(c), &parsed) != QR_OK)
            die("cosig parse");
        const char *line = c + strlen(cp);
        char name[32];
        snprintf(name, sizeof name, "witness-size-%zu", sizes[i]);
        putf("cosig", name, "%c%s", (char)i, line);
        if (i == 3) {
            /* the log's own line (not a cosignature) and a witness line of another size */
            putf("cosig", "log-line", "%c%s", 3, strchr(cp, '\n') ? cp + parsed.text_len + 1 : "");
            putf("cosig", "wrong-size", "%c%s", 0, line);
        }
        free(cp);
        free(c);
    }
    free(cp0);
    free(cpb);
    free(cpn);
}

/* ---- proofs ------------------------------------------------------------------------------ */

static void be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static void proof_seed(const char *name, int mode, uint64_t a, uint64_t b, const uint8_t *h1,
                       const uint8_t *h2, const qr_merkle_proof *p)
{
    uint8_t buf[17 + 64 + QR_MERKLE_MAX_PROOF * QR_HASH_LEN];
    size_t n = 17;
    buf[0] = (uint8_t)mode;
    be64(buf + 1, a);
    be64(buf + 9, b);
    if (mode & 2) {
        memcpy(buf + n, h1, 32);
        memcpy(buf + n + 32, h2, 32);
        n += 64;
    }
    memcpy(buf + n, p->hash, p->n * QR_HASH_LEN);
    put("proof", name, buf, n + p->n * QR_HASH_LEN);
}

static void proofs(void)
{
    const fx_forum *f = fx_city();
    qr_memtree *t = qr_memtree_new();
    qr_merkle_proof p;
    uint8_t r1[32], r2[32];
    char name[64];
    for (size_t i = 0; i < f->n; i++)
        if (qr_memtree_append(t, f->leaf[i]) != QR_OK)
            die("memtree");
    uint64_t inc[][2] = {{0, 1}, {0, 2}, {5, 16}, {15, 31}, {30, 31}, {7, 8}};
    for (size_t i = 0; i < sizeof inc / sizeof *inc; i++) {
        if (inc[i][1] > f->n || qr_memtree_inclusion(t, inc[i][0], inc[i][1], &p) != QR_OK)
            die("inclusion");
        snprintf(name, sizeof name, "inclusion-%llu-%llu", (unsigned long long)inc[i][0],
                 (unsigned long long)inc[i][1]);
        proof_seed(name, 0, inc[i][0], inc[i][1], NULL, NULL, &p);
        if (i == 3 && qr_memtree_root(t, inc[i][1], r2) == QR_OK) /* raw: the same, roots given */
            proof_seed("raw-inclusion", 2, inc[i][0], inc[i][1], f->leaf[inc[i][0]], r2, &p);
    }
    uint64_t con[][2] = {{1, 31}, {4, 8}, {7, 31}, {15, 16}, {16, 31}, {31, 31}};
    for (size_t i = 0; i < sizeof con / sizeof *con; i++) {
        if (con[i][1] > f->n || qr_memtree_consistency(t, con[i][0], con[i][1], &p) != QR_OK)
            die("consistency");
        snprintf(name, sizeof name, "consistency-%llu-%llu", (unsigned long long)con[i][0],
                 (unsigned long long)con[i][1]);
        proof_seed(name, 1, con[i][0], con[i][1], NULL, NULL, &p);
        if (i == 2 && qr_memtree_root(t, con[i][0], r1) == QR_OK &&
            qr_memtree_root(t, con[i][1], r2) == QR_OK)
            proof_seed("raw-consistency", 3, con[i][0], con[i][1], r1, r2, &p);
    }
    memset(&p, 0, sizeof p);
    proof_seed("raw-huge-sizes", 3, UINT64_MAX - 1, UINT64_MAX, r1, r2, &p);
    qr_memtree_destroy(&t);
}

/* ---- key files, minisign ----------------------------------------------------------------- */

static void keyfiles(void)
{
    const qr_key *k = fx_key("uhl-ceo");
    char text[1024], *seed = NULL, *curve = NULL, mpk[QR_MINISIGN_PUBKEY_LEN + 1];
    if (qr_key_format_public(k, text, sizeof text) != QR_OK)
        die("public");
    puts_("keyfile", "public", text);
    seed = qr_b64(k->sign_sk, 32);
    curve = qr_b64(k->curve_sk, 32);
    putf("keyfile", "secret", "quorum-secret-key-v1\nname %s\ned25519-seed %s\ncurve-secret %s\n",
         k->name, seed, curve);
    putf("keyfile", "secret-comments",
         "quorum-secret-key-v1\n# made by quorum key new\n\nname %s\ned25519-seed %s\n"
         "curve-secret %s",
         k->name, seed, curve);
    free(seed);
    free(curve);
    if (qr_minisign_pubkey(k->sign_pk, mpk, sizeof mpk) != QR_OK)
        die("minisign pubkey");
    puts_("keyfile", "minisign-key", mpk);
    putf("keyfile", "minisign-pub-file", "untrusted comment: minisign public key\n%s\n", mpk);
}

static void minisign(void)
{
    const qr_key *k = fx_key("clerk");
    const fx_forum *f = fx_city();
    char *note = fx_checkpoint(f, f->n), trusted[512], *sig = NULL;
    qr_note parsed;
    qr_checkpoint cp;
    const char *doc = "# Minutes of meeting m1\n";
    if (qr_note_parse(note, strlen(note), &parsed) != QR_OK ||
        qr_checkpoint_parse(note, parsed.text_len, &cp) != QR_OK ||
        qr_minutes_trusted_comment(f->id, "m1", &cp, trusted, sizeof trusted) != QR_OK)
        die("trusted comment");
    if (qr_minisign_sign(k->sign_sk, (const uint8_t *)doc, strlen(doc),
                         "signature from quorum secret key", trusted, &sig) != QR_OK)
        die("minisign");
    puts_("minisign", "minutes-signature", sig);
    free(sig);
    if (qr_minisign_sign(k->sign_sk, (const uint8_t *)"other", 5, "x", "plain comment", &sig) !=
        QR_OK)
        die("minisign");
    puts_("minisign", "other-document", sig);
    free(sig);
    free(note);
}

/* ---- bundles ----------------------------------------------------------------------------- */

/* A bundle of the first `size` entries; with earlier = 0 it proves consistency from two
 * arbitrary sizes, else from those `quorum minutes` would (earlier approved minutes). */
static qr_bundle *bundle_of(const fx_forum *f, size_t size, int cosigned, int earlier)
{
    char vkey[QR_NOTE_VKEY_MAX], *note = fx_checkpoint(f, size);
    uint8_t rt[QR_HASH_LEN];
    uint64_t old[8] = {size / 2, size - 1};
    size_t nold = 2;
    if (earlier) {
        qr_rules *r = fx_rules(f, size);
        nold = qr_minutes_earlier_sizes(r, "m1", size, old, 8);
        qr_rules_destroy(&r);
    }
    fx_log_vkey(f, vkey);
    if (cosigned) {
        char *c = cosign(note, (uint64_t)FX_T0);
        free(note);
        note = c;
    }
    qr_bundle *b = qr_bundle_new(f->id, "m1");
    if (!b || qr_bundle_set_checkpoint(b, note, vkey) != QR_OK)
        die("bundle");
    for (size_t i = 0; i < size; i++)
        if (qr_bundle_add_entry(b, f->entry[i].bytes, f->entry[i].len) != QR_OK)
            die("bundle entry");
    if (qr_bundle_prove(b, old, nold, rt) != QR_OK)
        die("bundle prove");
    free(note);
    return b;
}

static void bundle(const fx_forum *f, size_t size, const char *name, int cosigned)
{
    qr_bundle *b = bundle_of(f, size, cosigned, 0);
    char *text = NULL;
    size_t len = 0;
    if (qr_bundle_format(b, &text, &len) != QR_OK)
        die("bundle format");
    put("bundle", name, text, len);
    free(text);
    qr_bundle_destroy(&b);
}

static size_t piece(uint8_t *out, const void *p, size_t n)
{
    if (n > 0xffff)
        die("piece too long");
    out[0] = (uint8_t)(n >> 8);
    out[1] = (uint8_t)n;
    memcpy(out + 2, p, n);
    return n + 2;
}

/* fuzz_verify_minutes input: the minutes as `quorum minutes` renders them, their minisign
 * signature by the clerk, and the bundle. */
static void signed_minutes(const fx_forum *f, const char *name)
{
    qr_bundle *b = bundle_of(f, f->n, 1, 1);
    qr_minutes_log log;
    qr_note parsed;
    qr_checkpoint cp;
    char *md = NULL, *text = NULL, *sig = NULL, err[256], trusted[512];
    size_t mdlen = 0, len = 0;
    if (qr_minutes_replay(b, &log, NULL, NULL) != QR_OK ||
        qr_minutes_render(b, &log, &md, &mdlen, err, sizeof err) != QR_OK ||
        qr_note_parse(b->note, strlen(b->note), &parsed) != QR_OK ||
        qr_checkpoint_parse(b->note, parsed.text_len, &cp) != QR_OK ||
        qr_minutes_trusted_comment(f->id, "m1", &cp, trusted, sizeof trusted) != QR_OK ||
        qr_minisign_sign(fx_key("clerk")->sign_sk, (const uint8_t *)md, mdlen,
                         "signature from quorum secret key", trusted, &sig) != QR_OK ||
        qr_bundle_format(b, &text, &len) != QR_OK)
        die("signed minutes");
    uint8_t *buf = malloc(6 + mdlen + strlen(sig) + len);
    size_t n = piece(buf, md, mdlen);
    n += piece(buf + n, sig, strlen(sig));
    n += piece(buf + n, text, len);
    put("verify_minutes", name, buf, n);
    free(buf);
    free(md);
    free(text);
    free(sig);
    qr_minutes_log_free(&log);
    qr_bundle_destroy(&b);
}

/* An export as `quorum export` writes it: the first `size` entries under their checkpoint. */
static void export_seed(const fx_forum *f, size_t size, const char *name, int with_vkey)
{
    char vkey[QR_NOTE_VKEY_MAX], *note = fx_checkpoint(f, size);
    char *b = qr_b64((const uint8_t *)note, strlen(note));
    size_t cap = 4096 + strlen(b);
    for (size_t i = 0; i < size; i++)
        cap += 64 + 2 * f->entry[i].len;
    char *out = malloc(cap);
    size_t n = 0;
    fx_log_vkey(f, vkey);
    n += (size_t)snprintf(out + n, cap - n, "quorum-export-v1\nforum %s\n", f->id);
    if (with_vkey)
        n += (size_t)snprintf(out + n, cap - n, "log-vkey %s\n", vkey);
    n += (size_t)snprintf(out + n, cap - n, "checkpoint %s\n", b);
    for (size_t i = 0; i < size; i++) {
        char *e = qr_b64(f->entry[i].bytes, f->entry[i].len);
        n += (size_t)snprintf(out + n, cap - n, "entry %zu %s\n", i, e);
        free(e);
    }
    n += (size_t)snprintf(out + n, cap - n, "end %zu\n", size);
    put("export", name, out, n);
    free(out);
    free(b);
    free(note);
}

/* ---- statements and the rulebook --------------------------------------------------------- */

static void statements(const fx_forum *f)
{
    char name[64];
    for (size_t i = 0; i < f->n; i++) {
        qr_statement *s = NULL;
        if (qr_statement_open(f->stmt[i].bytes, f->stmt[i].len, &s, NULL, 0) != QR_OK)
            die("open");
        snprintf(name, sizeof name, "%s-%02zu-%s", f->id, i, qr_statement_kind(s->st));
        put("statement", name, f->stmt[i].bytes, f->stmt[i].len);
        qr_statement_destroy(&s);
    }
    for (size_t i = 0; i < 3; i++) {
        snprintf(name, sizeof name, "%s-entry-%zu", f->id, i);
        put("statement", name, f->entry[i].bytes, f->entry[i].len);
    }
}

/* fuzz_rules input: a base byte, then length-prefixed statements [from, to) of f. */
static void rules_seed(const char *name, int base, const fx_forum *f, size_t from, size_t to)
{
    size_t n = 1;
    for (size_t i = from; i < to; i++)
        n += 2 + f->stmt[i].len;
    uint8_t *buf = malloc(n), *p = buf;
    *p++ = (uint8_t)base;
    for (size_t i = from; i < to; i++) {
        *p++ = (uint8_t)(f->stmt[i].len >> 8);
        *p++ = (uint8_t)f->stmt[i].len;
        memcpy(p, f->stmt[i].bytes, f->stmt[i].len);
        p += f->stmt[i].len;
    }
    put("rules", name, buf, n);
    free(buf);
}

static void rules(void)
{
    const fx_forum *c = fx_city(), *i = fx_ics();
    char name[64];
    rules_seed("city-whole-log", 0, c, 0, c->n);
    rules_seed("city-business", 1, c, c->base, c->n);
    rules_seed("city-business-verified", 1 | 4, c, c->base, c->n);
    rules_seed("ics-whole-log", 0, i, 0, i->n);
    rules_seed("ics-business", 2, i, i->base, i->n);
    rules_seed("city-done", 3, c, 0, 0);
    for (size_t k = c->base; k < c->n; k++) {
        qr_statement *s = NULL;
        if (qr_statement_open(c->stmt[k].bytes, c->stmt[k].len, &s, NULL, 0) != QR_OK)
            die("open");
        snprintf(name, sizeof name, "city-%02zu-%s-alone", k, qr_statement_kind(s->st));
        rules_seed(name, 1, c, k, k + 1);
        qr_statement_destroy(&s);
    }
    /* the recommending forum's board decisions against the delegated forum, and back */
    rules_seed("ics-business-in-city", 1, i, i->base, i->n);
    rules_seed("city-business-in-ics", 2, c, c->base, c->n);
}

/* ---- configuration ------------------------------------------------------------------------ */

static void configs(void)
{
    puts_("config", "empty", "");
    puts_("config", "every-option",
          "# quorumd.conf\n"
          "state_dir = ${STATE_DIRECTORY:-./quorum-state}\n"
          "request_endpoint = tcp://127.0.0.1:7370\n"
          "event_endpoint = tcp://127.0.0.1:7371\n"
          "origin = quorum.example.nhs.uk\n"
          "curve = on\n"
          "allow_keys = ${STATE_DIRECTORY}/allow.keys\n"
          "operator_key = credential:operator.pub\n"
          "key_file = credential:quorumd.key\n"
          "backup_dir = /var/backups/quorum\n"
          "max_message_size = 262144\n"
          "batch_max = 1024\n"
          "hwm = 100000\n"
          "log_level = debug   # trailing comment\n");
    puts_("config", "plaintext-ipc",
          "\tcurve = off\r\nrequest_endpoint = ipc:///run/quorum/req\r\n"
          "event_endpoint = ipc:///run/quorum/ev\r\n");
    puts_("config", "bad-value", "batch_max = 0x10\n");
    puts_("config", "no-equals", "curve\n");
    puts_("client_config", "every-setting",
          "endpoint = tcp://quorum.example.nhs.uk:7370\n"
          "events = tcp://quorum.example.nhs.uk:7371\n"
          "server_key = /etc/quorum/quorumd.pub\n"
          "key = /home/clerk/.quorum/clerk.key\n"
          "# comment\n\ntimeout = 30\nplaintext = off\n");
    puts_("client_config", "plaintext-no-newline",
          "  plaintext = on\nendpoint = tcp://127.0.0.1:7370");
    puts_("client_config", "unknown-setting", "colour = blue\n");

    /* allow.keys: "<name> <curve key base64>" lines; names taken twice get "~<hex>" */
    char *k1 = qr_b64(fx_key("lcc-dir")->curve_pk, 32),
         *k2 = qr_b64(fx_key("vcs-rep")->curve_pk, 32), *k3 = qr_b64(fx_key("clerk")->curve_pk, 32);
    putf("allow_keys", "two-keys", "# allow.keys\nlcc-dir %s\n\tvcs-rep %s\n", k1, k2);
    putf("allow_keys", "names-taken", "operator %s\nclerk %s\nclerk %s\nlcc-dir %s\n", k1, k2, k3,
         k1);
    putf("allow_keys", "bad-key", "lcc-dir %.20s\n", k1);
    free(k1);
    free(k2);
    free(k3);
}

/* ---- requests and replies ------------------------------------------------------------------ */

static void request(const char *name, Quorum__Request *r)
{
    size_t n = quorum__request__get_packed_size(r);
    uint8_t *buf = malloc(n + 1);
    quorum__request__pack(r, buf);
    put("request", name, buf, n);
    free(buf);
}

static void requests(void)
{
    const fx_forum *c = fx_city();
    Quorum__Request r = QUORUM__REQUEST__INIT;
    r.id = 7;
    Quorum__Submit sub = QUORUM__SUBMIT__INIT;
    sub.signed_statement = (ProtobufCBinaryData){c->stmt[0].len, c->stmt[0].bytes};
    r.op_case = QUORUM__REQUEST__OP_SUBMIT;
    r.submit = &sub;
    request("submit-charter-again", &r);
    sub.signed_statement = (ProtobufCBinaryData){c->stmt[c->n - 1].len, c->stmt[c->n - 1].bytes};
    request("submit-duplicate", &r);
    Quorum__ReadEntries re = QUORUM__READ_ENTRIES__INIT;
    re.forum = "city";
    re.from = 3;
    re.count = 5;
    r.op_case = QUORUM__REQUEST__OP_READ_ENTRIES;
    r.read_entries = &re;
    request("read-entries", &r);
    Quorum__GetCheckpoint gc = QUORUM__GET_CHECKPOINT__INIT;
    gc.forum = "ics";
    r.op_case = QUORUM__REQUEST__OP_GET_CHECKPOINT;
    r.get_checkpoint = &gc;
    request("get-checkpoint", &r);
    Quorum__InclusionProofRequest ip = QUORUM__INCLUSION_PROOF_REQUEST__INIT;
    ip.forum = "city";
    ip.index = 4;
    ip.size = 0;
    r.op_case = QUORUM__REQUEST__OP_INCLUSION_PROOF;
    r.inclusion_proof = &ip;
    request("inclusion-proof", &r);
    Quorum__ConsistencyProofRequest cp = QUORUM__CONSISTENCY_PROOF_REQUEST__INIT;
    cp.forum = "city";
    cp.old_size = 10;
    cp.new_size = 0;
    r.op_case = QUORUM__REQUEST__OP_CONSISTENCY_PROOF;
    r.consistency_proof = &cp;
    request("consistency-proof", &r);
    Quorum__ListForums lf = QUORUM__LIST_FORUMS__INIT;
    r.op_case = QUORUM__REQUEST__OP_LIST_FORUMS;
    r.list_forums = &lf;
    request("list-forums", &r);
    Quorum__GetStatus gs = QUORUM__GET_STATUS__INIT;
    r.op_case = QUORUM__REQUEST__OP_GET_STATUS;
    r.get_status = &gs;
    request("get-status", &r);
    Quorum__Backup bk = QUORUM__BACKUP__INIT;
    bk.path = "copy.db";
    r.op_case = QUORUM__REQUEST__OP_BACKUP;
    r.backup = &bk;
    request("backup-not-operator", &r);
    /* a cosignature of the daemon's checkpoint of ics at its full size */
    const fx_forum *i = fx_ics();
    char *note = fx_checkpoint(i, i->n), *co = cosign(note, (uint64_t)FX_T0);
    Quorum__AddCosignature ac = QUORUM__ADD_COSIGNATURE__INIT;
    ac.forum = "ics";
    ac.size = i->n;
    ac.line = co + strlen(note);
    r.op_case = QUORUM__REQUEST__OP_ADD_COSIGNATURE;
    r.add_cosignature = &ac;
    request("add-cosignature", &r);
    free(note);
    free(co);
    r.op_case = QUORUM__REQUEST__OP__NOT_SET;
    request("no-operation", &r);
}

static void reply_seed(const char *name, Quorum__Reply *r)
{
    size_t n = quorum__reply__get_packed_size(r);
    uint8_t *buf = malloc(n + 1);
    buf[0] = 0;
    quorum__reply__pack(r, buf + 1);
    put("reply", name, buf, n + 1);
    free(buf);
}

static void replies(void)
{
    const fx_forum *c = fx_city();
    char vkey[QR_NOTE_VKEY_MAX], *note = fx_checkpoint(c, c->n);
    Quorum__Reply r = QUORUM__REPLY__INIT;
    Quorum__Status st = QUORUM__STATUS__INIT;
    fx_log_vkey(c, vkey);
    st.code = "OK";
    st.message = "";
    r.id = 9;
    r.status = &st;
    Quorum__Checkpoint cp = QUORUM__CHECKPOINT__INIT;
    cp.forum = "city";
    cp.note = note;
    cp.log_vkey = vkey;
    r.result_case = QUORUM__REPLY__RESULT_CHECKPOINT;
    r.checkpoint = &cp;
    reply_seed("checkpoint", &r);
    Quorum__Entries en = QUORUM__ENTRIES__INIT;
    ProtobufCBinaryData e[4];
    for (int k = 0; k < 4; k++)
        e[k] = (ProtobufCBinaryData){c->entry[k].len, c->entry[k].bytes};
    en.forum = "city";
    en.n_entries = 4;
    en.entries = e;
    en.tree_size = c->n;
    r.result_case = QUORUM__REPLY__RESULT_ENTRIES;
    r.entries = &en;
    reply_seed("entries", &r);
    qr_memtree *t = qr_memtree_new();
    for (size_t k = 0; k < c->n; k++)
        qr_memtree_append(t, c->leaf[k]);
    qr_merkle_proof mp;
    uint8_t root[32], old_root[32];
    ProtobufCBinaryData h[QR_MERKLE_MAX_PROOF];
    Quorum__Proof pr = QUORUM__PROOF__INIT;
    if (qr_memtree_inclusion(t, 5, c->n, &mp) != QR_OK || qr_memtree_root(t, c->n, root) != QR_OK)
        die("reply proof");
    for (size_t k = 0; k < mp.n; k++)
        h[k] = (ProtobufCBinaryData){32, mp.hash[k]};
    pr.forum = "city";
    pr.index = 5;
    pr.size = c->n;
    pr.n_hashes = mp.n;
    pr.hashes = h;
    pr.root = (ProtobufCBinaryData){32, root};
    pr.leaf_hash = (ProtobufCBinaryData){32, (uint8_t *)c->leaf[5]};
    r.result_case = QUORUM__REPLY__RESULT_PROOF;
    r.proof = &pr;
    reply_seed("inclusion-proof", &r);
    qr_merkle_proof mp2;
    if (qr_memtree_consistency(t, 10, c->n, &mp2) != QR_OK ||
        qr_memtree_root(t, 10, old_root) != QR_OK)
        die("reply consistency");
    for (size_t k = 0; k < mp2.n; k++)
        h[k] = (ProtobufCBinaryData){32, mp2.hash[k]};
    pr.index = 10;
    pr.n_hashes = mp2.n;
    pr.leaf_hash = (ProtobufCBinaryData){0, NULL};
    pr.old_root = (ProtobufCBinaryData){32, old_root};
    reply_seed("consistency-proof", &r);
    Quorum__ForumInfo fi = QUORUM__FORUM_INFO__INIT, *fip[1] = {&fi};
    Quorum__Forums fs = QUORUM__FORUMS__INIT;
    fi.forum = "city";
    fi.name = "City Partnership Board";
    fi.size = c->n;
    fs.n_forums = 1;
    fs.forums = fip;
    r.result_case = QUORUM__REPLY__RESULT_FORUMS;
    r.forums = &fs;
    reply_seed("forums", &r);
    Quorum__Submitted sb = QUORUM__SUBMITTED__INIT;
    sb.forum = "city";
    sb.seq = c->n - 1;
    sb.leaf_hash = (ProtobufCBinaryData){32, (uint8_t *)c->leaf[c->n - 1]};
    sb.checkpoint = note;
    r.result_case = QUORUM__REPLY__RESULT_SUBMITTED;
    r.submitted = &sb;
    reply_seed("submitted", &r);
    st.code = "NED_CANNOT_BIND";
    st.message = "a non-executive director of a foundation trust cannot bind it alone";
    r.result_case = QUORUM__REPLY__RESULT__NOT_SET;
    reply_seed("refusal", &r);
    /* an event: the charter entry and the checkpoint after it */
    Quorum__Event ev = QUORUM__EVENT__INIT;
    char *n1 = fx_checkpoint(c, 1);
    ev.forum = "city";
    ev.seq = 0;
    ev.entry = (ProtobufCBinaryData){c->entry[0].len, c->entry[0].bytes};
    ev.checkpoint = n1;
    ev.size = 1;
    size_t n = quorum__event__get_packed_size(&ev);
    uint8_t *buf = malloc(n + 1);
    buf[0] = 1;
    quorum__event__pack(&ev, buf + 1);
    put("reply", "event-charter", buf, n + 1);
    free(buf);
    qr_memtree_destroy(&t);
    free(n1);
    free(note);
}

int main(int argc, char **argv)
{
    if (argc != 2 || sodium_init() < 0)
        die("usage: fuzz_make_seeds DIR");
    outdir = argv[1];
    notes();
    proofs();
    keyfiles();
    minisign();
    bundle(fx_ics(), fx_ics()->n, "ics-whole", 1);
    bundle(fx_city(), fx_city()->base, "city-meeting-open", 0);
    bundle(fx_city(), fx_city()->n, "city-whole", 1);
    signed_minutes(fx_city(), "city-m1");
    signed_minutes(fx_ics(), "ics-m1");
    export_seed(fx_city(), fx_city()->n, "city-whole", 1);
    export_seed(fx_ics(), fx_ics()->n, "ics-whole", 1);
    export_seed(fx_city(), 5, "city-first-five-no-vkey", 0);
    statements(fx_city());
    statements(fx_ics());
    rules();
    configs();
    requests();
    replies();
    return 0;
}
