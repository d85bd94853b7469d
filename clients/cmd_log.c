/*
 * cmd_log.c: reading a forum's log: quorum log, checkpoint, proof, tail.
 *
 * The client trusts only the daemon's public key file (--server-key): checkpoints are verified
 * with its signing key under the checkpoint's origin, and proofs are verified here against the
 * signed root, so a daemon cannot show this client a history it did not sign.
 */
#include "client.h"

#include "checkpoint.h"
#include "merkle.h"
#include "note.h"
#include "util.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

/* Parse the checkpoint body of a signed note (signatures not checked here). */
int qr_cli_note_checkpoint(const char *note, qr_checkpoint *cp)
{
    qr_note parsed;
    int rc = qr_note_parse(note, strlen(note), &parsed);
    return rc == QR_OK ? qr_checkpoint_parse(note, parsed.text_len, cp) : rc;
}

/* ---- sources --------------------------------------------------------------------------- */

int qr_source_open(qr_cli *cli, qr_source *src)
{
    memset(src, 0, sizeof *src);
    src->cli = cli;
    if (*cli->db) {
        char err[1024];
        int rc = qr_store_open(cli->db, QR_STORE_READONLY, &src->store, err, sizeof err);
        return rc == QR_OK ? 0 : qr_cli_fail(cli, rc, "%s", err);
    }
    return qr_cli_connect(cli, &src->conn, NULL);
}

void qr_source_close(qr_source *src)
{
    qr_client_destroy(&src->conn);
    qr_store_destroy(&src->store);
}

static int call(qr_source *src, Quorum__Request *req, Quorum__Reply **r,
                Quorum__Reply__ResultCase want)
{
    int rc = qr_client_call(src->conn, req, r);
    if (rc != QR_OK)
        return qr_cli_fail(src->cli, rc, "no answer from %s", src->cli->endpoint);
    if (qr_reply_code(*r) != QR_OK || (*r)->result_case != want) {
        int status = qr_cli_refused(src->cli, *r);
        quorum__reply__free_unpacked(*r, NULL);
        *r = NULL;
        return status;
    }
    return 0;
}

int qr_source_read(qr_source *src, const char *forum, uint64_t from, uint64_t to,
                   qr_store_entry_fn fn, void *ctx, uint64_t *size)
{
    if (src->store) {
        const qr_store_forum *f = qr_store_forum_find(src->store, forum);
        if (!f)
            return qr_cli_fail(src->cli, QR_UNKNOWN_FORUM, "there is no forum %s in %s", forum,
                               src->cli->db);
        *size = f->size;
        int rc = qr_store_read(src->store, forum, from, to - from, fn, ctx);
        return rc == QR_OK ? 0 : qr_cli_fail(src->cli, rc, "cannot read %s", src->cli->db);
    }
    *size = 0;
    for (uint64_t next = from;;) {
        Quorum__Request req = QUORUM__REQUEST__INIT;
        Quorum__ReadEntries re = QUORUM__READ_ENTRIES__INIT;
        Quorum__Reply *r = NULL;
        re.forum = (char *)forum;
        re.from = next;
        re.count = to - next > QR_MAX_READ_ENTRIES ? QR_MAX_READ_ENTRIES : to - next;
        req.op_case = QUORUM__REQUEST__OP_READ_ENTRIES;
        req.read_entries = &re;
        int status = call(src, &req, &r, QUORUM__REPLY__RESULT_ENTRIES);
        if (status)
            return status;
        *size = r->entries->tree_size;
        size_t n = r->entries->n_entries;
        for (size_t i = 0; i < n && status == 0; i++, next++)
            if (fn(ctx, next, r->entries->entries[i].data, r->entries->entries[i].len) != QR_OK)
                status = 1;
        quorum__reply__free_unpacked(r, NULL);
        if (status || n == 0 || next >= to || next >= *size)
            return status;
    }
}

/* The verifier key of a forum's checkpoints, from a trusted public key file of the daemon. */
static char *vkey_from_file(const char *path, const char *origin)
{
    qr_key *k = NULL;
    char err[256], vkey[QR_NOTE_VKEY_MAX];
    if (qr_key_load(path, &k, err, sizeof err) != QR_OK)
        return NULL;
    int rc = qr_key_vkey(k, origin, vkey, sizeof vkey);
    qr_key_destroy(&k);
    return rc == QR_OK ? strdup(vkey) : NULL;
}

int qr_source_checkpoint(qr_source *src, const char *forum, char **note, char **vkey)
{
    *note = *vkey = NULL;
    char origin[QR_MAX_NAME + 1];
    qr_checkpoint cp;
    if (src->store) {
        uint64_t size;
        int rc = qr_store_latest_checkpoint(src->store, forum, note, &size);
        if (rc != QR_OK)
            return qr_cli_fail(src->cli, rc, "no checkpoint for forum %s in %s", forum,
                               src->cli->db);
        /* quorumd keeps its public key file beside its database */
        char dir[1024], path[1100];
        snprintf(dir, sizeof dir, "%s", src->cli->db);
        snprintf(path, sizeof path, "%s/quorumd.pub", dirname(dir));
        if (qr_cli_note_checkpoint(*note, &cp) == QR_OK)
            *vkey = vkey_from_file(path, cp.origin);
        return 0;
    }
    Quorum__Request req = QUORUM__REQUEST__INIT;
    Quorum__GetCheckpoint gc = QUORUM__GET_CHECKPOINT__INIT;
    Quorum__Reply *r = NULL;
    gc.forum = (char *)forum;
    req.op_case = QUORUM__REQUEST__OP_GET_CHECKPOINT;
    req.get_checkpoint = &gc;
    int status = call(src, &req, &r, QUORUM__REPLY__RESULT_CHECKPOINT);
    if (status)
        return status;
    *note = strdup(r->checkpoint->note ? r->checkpoint->note : "");
    if (qr_cli_note_checkpoint(*note, &cp) == QR_OK) {
        snprintf(origin, sizeof origin, "%s", cp.origin);
        *vkey = vkey_from_file(src->cli->server_key, origin);
    }
    quorum__reply__free_unpacked(r, NULL);
    return 0;
}

/* Verify a checkpoint note with a verifier key; fills cp.  QR_OK or why not. */
static int verify_checkpoint(const char *note, const char *vkey, qr_checkpoint *cp)
{
    qr_note parsed;
    qr_note_verifier v;
    int rc;
    if (!vkey)
        return QR_BAD_KEY;
    if ((rc = qr_note_vkey_parse(vkey, &v)) != QR_OK ||
        (rc = qr_note_parse(note, strlen(note), &parsed)) != QR_OK ||
        (rc = qr_note_verify(note, &parsed, &v)) != QR_OK)
        return rc == QR_BAD_KEY ? QR_BAD_KEY : QR_BAD_NOTE;
    return qr_checkpoint_parse(note, parsed.text_len, cp);
}

/* ---- quorum log ------------------------------------------------------------------------ */

typedef struct {
    qr_cli *cli;
    const char *forum;
} print_ctx;

static int print_one(void *ctx, uint64_t seq, const uint8_t *entry, size_t len)
{
    print_ctx *p = ctx;
    (void)seq;
    qr_cli_print_entry(p->cli, p->forum, entry, len);
    return QR_OK;
}

int cmd_log(qr_cli *cli)
{
    uint64_t from = 0, to = UINT64_MAX, size = 0;
    const char *f = qr_cli_opt(cli, "from"), *t = qr_cli_opt(cli, "to");
    const char *forum = qr_cli_arg(cli, 0);
    if (!forum || (f && qr_cli_parse_u64(f, &from)) || (t && qr_cli_parse_u64(t, &to)) ||
        to < from) {
        fprintf(stderr, "usage: quorum log FORUM [--from N] [--to N]   (entries N with from <= "
                        "N < to)\nexample: quorum log city-pb --from 10 --json\n");
        return 2;
    }
    qr_source src;
    int status = qr_source_open(cli, &src);
    if (status)
        return status;
    print_ctx p = {cli, forum};
    status = qr_source_read(&src, forum, from, to, print_one, &p, &size);
    if (!status && !cli->json && from >= size)
        printf("forum %s has %llu entries; none from %llu\n", forum, (unsigned long long)size,
               (unsigned long long)from);
    qr_source_close(&src);
    return status;
}

/* ---- quorum checkpoint ----------------------------------------------------------------- */

/* The checkpoint's cosignatures: which of the given witnesses cosigned it (verified). */
static size_t check_witnesses(const char *note, const char **wkeys, size_t nw, int *verified)
{
    qr_note parsed;
    size_t ok = 0;
    if (qr_note_parse(note, strlen(note), &parsed) != QR_OK)
        return 0;
    for (size_t i = 0; i < nw; i++) {
        qr_note_verifier v;
        uint64_t ts;
        verified[i] = qr_note_vkey_parse(wkeys[i], &v) == QR_OK && v.type == QR_NOTE_COSIG &&
                      qr_cosig_verify(note, &parsed, &v, &ts) == QR_OK;
        ok += (size_t)verified[i];
    }
    return ok;
}

int cmd_checkpoint(qr_cli *cli)
{
    const char *wkeys[32];
    int wok[32];
    size_t nw = 0;
    for (const char *w; nw < 32 && (w = qr_cli_opt(cli, "witness"));)
        wkeys[nw++] = w;
    const char *forum = qr_cli_arg(cli, 0);
    if (!forum) {
        fprintf(stderr, "usage: quorum checkpoint FORUM [--witness VKEY]...\n"
                        "  --witness: a witness's cosignature vkey (quorum key show prints it);\n"
                        "             fails unless each given witness cosigned the checkpoint\n"
                        "example: quorum checkpoint city-pb --witness \"$(cat nhft.wvkey)\"\n");
        return 2;
    }
    qr_source src;
    char *note = NULL, *vkey = NULL;
    int status = qr_source_open(cli, &src);
    if (!status)
        status = qr_source_checkpoint(&src, forum, &note, &vkey);
    if (!status) {
        qr_checkpoint cp;
        int rc = verify_checkpoint(note, vkey, &cp);
        size_t cosigned = check_witnesses(note, wkeys, nw, wok);
        if (cli->json) {
            qr_json j;
            qr_json_init(&j, stdout);
            qr_json_object(&j, NULL);
            qr_json_str(&j, "forum", forum);
            qr_json_str(&j, "note", note);
            qr_json_str(&j, "log_vkey", vkey);
            qr_json_bool(&j, "verified", rc == QR_OK);
            if (rc == QR_OK) {
                qr_json_str(&j, "origin", cp.origin);
                qr_json_u64(&j, "size", cp.size);
                qr_json_b64(&j, "root", cp.root, QR_HASH_LEN);
            }
            qr_json_array(&j, "witnesses");
            for (size_t i = 0; i < nw; i++) {
                qr_json_object(&j, NULL);
                qr_json_str(&j, "vkey", wkeys[i]);
                qr_json_bool(&j, "cosigned", wok[i]);
                qr_json_end(&j);
            }
            qr_json_end(&j);
            qr_json_end(&j);
            qr_json_end_line(&j);
        } else {
            fputs(note, stdout); /* exactly as signed, with any cosignatures */
            for (size_t i = 0; i < nw; i++)
                fprintf(stderr, "witness %s: %s\n", wkeys[i],
                        wok[i] ? "cosigned (verified)" : "NOT cosigned");
        }
        if (rc != QR_OK)
            status = qr_cli_fail(NULL, rc, "the checkpoint does not verify with the daemon's "
                                           "key (%s)",
                                 vkey ? vkey : "no key");
        else if (cosigned != nw)
            status = qr_cli_fail(NULL, QR_BAD_NOTE, "%zu of the %zu witnesses given have not "
                                                    "cosigned this checkpoint",
                                 nw - cosigned, nw);
    }
    free(note);
    free(vkey);
    qr_source_close(&src);
    return status;
}

/* ---- quorum proof ---------------------------------------------------------------------- */

static int to_proof(ProtobufCBinaryData *h, size_t n, qr_merkle_proof *p)
{
    if (n > QR_MERKLE_MAX_PROOF)
        return QR_BAD_PROOF;
    for (size_t i = 0; i < n; i++) {
        if (h[i].len != QR_HASH_LEN)
            return QR_BAD_PROOF;
        memcpy(p->hash[i], h[i].data, QR_HASH_LEN);
    }
    p->n = n;
    return QR_OK;
}

static void print_proof_json(qr_cli *cli, const char *kind, const Quorum__Proof *p,
                             const uint8_t *leaf)
{
    qr_json j;
    qr_json_init(&j, stdout);
    qr_json_object(&j, NULL);
    qr_json_str(&j, "kind", kind);
    qr_json_str(&j, "forum", p->forum);
    if (leaf) {
        qr_json_u64(&j, "index", p->index);
        qr_json_b64(&j, "leaf_hash", leaf, QR_HASH_LEN);
    } else {
        qr_json_u64(&j, "old_size", p->index);
        qr_json_b64(&j, "old_root", p->old_root.data, p->old_root.len);
    }
    qr_json_u64(&j, "size", p->size);
    qr_json_b64(&j, "root", p->root.data, p->root.len);
    qr_json_array(&j, "proof");
    for (size_t i = 0; i < p->n_hashes; i++)
        qr_json_b64(&j, NULL, p->hashes[i].data, p->hashes[i].len);
    qr_json_end(&j);
    qr_json_bool(&j, "verified", 1);
    qr_json_end(&j);
    qr_json_end_line(&j);
    (void)cli;
}

typedef struct {
    uint8_t leaf[QR_HASH_LEN];
    int found;
} leaf_ctx;

static int hash_leaf(void *ctx, uint64_t seq, const uint8_t *entry, size_t len)
{
    leaf_ctx *l = ctx;
    (void)seq;
    qr_merkle_leaf_hash(entry, len, l->leaf);
    l->found = 1;
    return QR_OK;
}

static int proof_usage(void)
{
    fprintf(stderr, "usage: quorum proof inclusion FORUM INDEX [SIZE]\n"
                    "       quorum proof consistency FORUM OLD [NEW]\n"
                    "SIZE and NEW default to the latest signed checkpoint.\n"
                    "example: quorum proof inclusion city-pb 3 --json\n");
    return 2;
}

int cmd_proof(qr_cli *cli)
{
    const char *kind = qr_cli_arg(cli, 0), *forum = qr_cli_arg(cli, 1);
    uint64_t a = 0, b = 0;
    int inclusion = kind && !strcmp(kind, "inclusion");
    if (!kind || !forum || (!inclusion && strcmp(kind, "consistency")) ||
        qr_cli_parse_u64(qr_cli_arg(cli, 2), &a) ||
        (qr_cli_arg(cli, 3) && qr_cli_parse_u64(qr_cli_arg(cli, 3), &b)))
        return proof_usage();
    if (*cli->db)
        return qr_cli_fail(cli, QR_USAGE, "proofs are fetched from the daemon (no --db)");

    qr_source src;
    char *note = NULL, *vkey = NULL;
    Quorum__Reply *r = NULL;
    qr_checkpoint cp;
    int status = qr_source_open(cli, &src);
    if (!status)
        status = qr_source_checkpoint(&src, forum, &note, &vkey);
    if (status)
        goto out;
    int rc = verify_checkpoint(note, vkey, &cp);
    if (rc != QR_OK) {
        status = qr_cli_fail(cli, QR_BAD_NOTE, "the latest checkpoint does not verify");
        goto out;
    }
    if (b == 0)
        b = cp.size;

    Quorum__Request req = QUORUM__REQUEST__INIT;
    Quorum__InclusionProofRequest ip = QUORUM__INCLUSION_PROOF_REQUEST__INIT;
    Quorum__ConsistencyProofRequest cq = QUORUM__CONSISTENCY_PROOF_REQUEST__INIT;
    if (inclusion) {
        ip.forum = (char *)forum;
        ip.index = a;
        ip.size = b;
        req.op_case = QUORUM__REQUEST__OP_INCLUSION_PROOF;
        req.inclusion_proof = &ip;
    } else {
        cq.forum = (char *)forum;
        cq.old_size = a;
        cq.new_size = b;
        req.op_case = QUORUM__REQUEST__OP_CONSISTENCY_PROOF;
        req.consistency_proof = &cq;
    }
    if ((status = call(&src, &req, &r, QUORUM__REPLY__RESULT_PROOF)))
        goto out;
    const Quorum__Proof *p = r->proof;
    qr_merkle_proof proof;
    /* The root to check against: the signed one when the sizes match, else the daemon's. */
    if (p->root.len != QR_HASH_LEN || p->size != b ||
        (b == cp.size && memcmp(p->root.data, cp.root, QR_HASH_LEN) != 0) ||
        to_proof(p->hashes, p->n_hashes, &proof) != QR_OK) {
        status = qr_cli_fail(cli, QR_BAD_PROOF, "the daemon's proof does not match its signed "
                                                "checkpoint");
        goto out;
    }
    if (inclusion) {
        leaf_ctx l = {{0}, 0};
        uint64_t size;
        if ((status = qr_source_read(&src, forum, a, a + 1, hash_leaf, &l, &size)))
            goto out;
        rc = l.found ? qr_merkle_verify_inclusion(a, b, l.leaf, &proof, p->root.data)
                     : QR_NOT_FOUND;
        if (rc == QR_OK && cli->json)
            print_proof_json(cli, "inclusion", p, l.leaf);
        else if (rc == QR_OK)
            printf("verified: entry %llu of forum %s is in the tree of size %llu%s\n",
                   (unsigned long long)a, forum, (unsigned long long)b,
                   b == cp.size ? " (the signed checkpoint)" : " (root as served, unsigned)");
    } else {
        rc = p->old_root.len == QR_HASH_LEN
                 ? qr_merkle_verify_consistency(a, b, p->old_root.data, p->root.data, &proof)
                 : QR_BAD_PROOF;
        if (rc == QR_OK && cli->json)
            print_proof_json(cli, "consistency", p, NULL);
        else if (rc == QR_OK)
            printf("verified: forum %s at size %llu is a prefix of size %llu%s\n", forum,
                   (unsigned long long)a, (unsigned long long)b,
                   b == cp.size ? " (the signed checkpoint)" : "");
    }
    if (rc != QR_OK)
        status = qr_cli_fail(cli, QR_BAD_PROOF, "the %s proof does not verify", kind);
out:
    if (r)
        quorum__reply__free_unpacked(r, NULL);
    free(note);
    free(vkey);
    qr_source_close(&src);
    return status;
}

/* ---- quorum tail ----------------------------------------------------------------------- */

/* The zguide's Clone pattern on a persistent log: subscribe first, then fetch what is missing
 * over the request socket, then apply only sequence numbers beyond what was printed.  A gap
 * (the publisher dropped messages at its high-water mark) is filled by fetching. */
typedef struct {
    qr_cli *cli;
    const char *forum;
    uint64_t next, printed, count;
} tail_ctx;

static int tail_print(void *ctx, uint64_t seq, const uint8_t *entry, size_t len)
{
    tail_ctx *t = ctx;
    if (seq != t->next)
        return QR_OK;
    qr_cli_print_entry(t->cli, t->forum, entry, len);
    fflush(stdout);
    t->next++;
    t->printed++;
    return t->count && t->printed >= t->count ? QR_TIMEOUT : QR_OK; /* stop reading: done */
}

static int catch_up(qr_source *src, tail_ctx *t, uint64_t upto)
{
    uint64_t size;
    while (t->next < upto && !(t->count && t->printed >= t->count)) {
        uint64_t before = t->next;
        int status = qr_source_read(src, t->forum, t->next, upto, tail_print, t, &size);
        if (status && !(t->count && t->printed >= t->count))
            return status;
        if (t->next == before)
            break;
    }
    return 0;
}

/* One event: topic frame, then the Event.  *known gets the tree size the event shows (so a
 * caller can fetch what it lacks), or the event is malformed and -1 is returned.  An entry is
 * printed at once if it is the next one; checkpoint-only events (cosignatures, heartbeats)
 * carry only the size. */
static int tail_event(void *sub, tail_ctx *t, uint64_t *known)
{
    char topic[QR_TOPIC_MAX];
    Quorum__Event *ev = NULL;
    qr_wire_recv_event(sub, topic, &ev);
    int rc = -1;
    if (ev && ev->forum && !strcmp(ev->forum, t->forum)) {
        if (ev->entry.len == 0) {
            *known = ev->size;
        } else {
            *known = ev->seq + 1;
            if (ev->seq == t->next)
                tail_print(t, ev->seq, ev->entry.data, ev->entry.len);
        }
        rc = 0;
    }
    if (ev)
        quorum__event__free_unpacked(ev, NULL);
    return rc;
}

int cmd_tail(qr_cli *cli)
{
    uint64_t from = UINT64_MAX, count = 0, idle = 0;
    const char *f = qr_cli_opt(cli, "from"), *c = qr_cli_opt(cli, "count"),
               *i = qr_cli_opt(cli, "idle");
    const char *forum = qr_cli_arg(cli, 0);
    if (!forum || (f && qr_cli_parse_u64(f, &from)) || (c && qr_cli_parse_u64(c, &count)) ||
        (i && qr_cli_parse_u64(i, &idle))) {
        fprintf(stderr, "usage: quorum tail FORUM [--from N] [--count N] [--idle SECONDS]\n"
                        "  --from N     start at entry N (default: only new entries)\n"
                        "  --count N    exit after N entries\n"
                        "  --idle S     exit with status 7 after S seconds with nothing new\n"
                        "example: quorum tail city-pb --from 0\n");
        return 2;
    }
    if (*cli->db)
        return qr_cli_fail(cli, QR_USAGE, "tail follows the daemon (no --db)");
    qr_source src;
    int status = qr_source_open(cli, &src);
    if (status)
        return status;
    void *sub = qr_cli_subscribe(cli, src.conn, forum, &status);
    tail_ctx t = {cli, forum, 0, 0, count};
    uint64_t size = 0;
    if (!sub)
        goto out;
    /* Where the log is now; a --from beyond it just waits. */
    if ((status = qr_source_read(&src, forum, 0, 0, tail_print, &t, &size)))
        goto out;
    t.next = from == UINT64_MAX ? size : from;
    if ((status = catch_up(&src, &t, size)))
        goto out;
    /* --idle counts time with no new entry: the daemon's heartbeat events (a checkpoint every
     * few seconds) are not new entries, so they do not keep a finished tail waiting. */
    qr_cli_idle quiet = {0};
    while (!(count && t.printed >= count)) {
        int r = qr_cli_wait_event(cli, sub, idle, t.printed, &quiet, &status);
        if (r < 0)
            break;
        if (r == 0) {
            /* An idle subscriber may have lost the tail: ask where the log is. */
            if ((status = qr_source_read(&src, forum, t.next, t.next, tail_print, &t, &size)) ||
                (status = catch_up(&src, &t, size)))
                break;
            continue;
        }
        uint64_t known = 0;
        if (tail_event(sub, &t, &known) == 0 && known > t.next &&
            (status = catch_up(&src, &t, known)))
            break;
    }
out:
    if (sub)
        zmq_close(sub);
    qr_source_close(&src);
    return status;
}
