/*
 * qb_served: quorumd serving a large database that qb_gen made.
 *
 *   --mode startup    start quorumd on the database --runs times; the start-up time is from
 *                     exec to the request port accepting connections (quorumd binds only after
 *                     it has checked every tree head against its signed checkpoint); then it
 *                     serves reads across the forums (checkpoints, proofs) and its peak
 *                     resident set (VmHWM) is read.  Then (with qb_gen's clerk.key) one
 *                     statement is judged in every forum, each forum's first since the start,
 *                     so quorumd builds every rulebook state from its entries: the time per
 *                     statement, and the peak resident set again.
 *   --mode proofs     inclusion and consistency proofs in the largest forum, from sending the
 *                     request to receiving the reply, one at a time over CURVE; each proof is
 *                     then checked here (outside the timing).  The figure per run is the median
 *                     of --requests requests.
 *   --mode replicate  what an organisation's mirror does with a forum: fetch the signed
 *                     checkpoint and check its signature, fetch every entry under it over
 *                     CURVE (pages of 1,000), check every statement's signature, replay the
 *                     rulebook and rebuild the tree, and compare the root.  Entries per second.
 *
 * The database's pages are in the page cache (it was just written or read): these are warm
 * figures.
 *
 * usage: qb_served --quorumd PATH --state DIR --mode startup|proofs|replicate [--runs 5]
 *                  [--requests 1000]
 */
#include "qb.h"

#include "checkpoint.h"
#include "merkle.h"
#include "note.h"
#include "replay.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char **id;
    uint64_t *size;
    size_t n;
    uint64_t entries;
} forum_list;

static Quorum__Reply *call(qr_client *c, Quorum__Request *req, Quorum__Reply__ResultCase want)
{
    Quorum__Reply *r = NULL;
    if (qr_client_call(c, req, &r) != QR_OK)
        qb_die("no reply from quorumd within the timeout");
    if (qr_reply_code(r) != QR_OK || r->result_case != want)
        qb_die("quorumd refused a request: %s: %s", r->status ? r->status->code : "?",
               r->status && r->status->message ? r->status->message : "");
    return r;
}

static void list_forums(qr_client *c, forum_list *l)
{
    Quorum__Request req = QUORUM__REQUEST__INIT;
    Quorum__ListForums lf = QUORUM__LIST_FORUMS__INIT;
    req.op_case = QUORUM__REQUEST__OP_LIST_FORUMS;
    req.list_forums = &lf;
    Quorum__Reply *r = call(c, &req, QUORUM__REPLY__RESULT_FORUMS);
    l->n = r->forums->n_forums;
    l->id = calloc(l->n ? l->n : 1, sizeof *l->id);
    l->size = calloc(l->n ? l->n : 1, sizeof *l->size);
    if (!l->id || !l->size)
        qb_die("out of memory");
    l->entries = 0;
    for (size_t i = 0; i < l->n; i++) {
        l->id[i] = strdup(r->forums->forums[i]->forum);
        l->size[i] = r->forums->forums[i]->size;
        l->entries += l->size[i];
    }
    quorum__reply__free_unpacked(r, NULL);
}

static void free_forums(forum_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->id[i]);
    free(l->id);
    free(l->size);
}

static Quorum__Reply *inclusion(qr_client *c, const char *forum, uint64_t index)
{
    Quorum__Request req = QUORUM__REQUEST__INIT;
    Quorum__InclusionProofRequest ip = QUORUM__INCLUSION_PROOF_REQUEST__INIT;
    ip.forum = (char *)forum;
    ip.index = index;
    req.op_case = QUORUM__REQUEST__OP_INCLUSION_PROOF;
    req.inclusion_proof = &ip;
    return call(c, &req, QUORUM__REPLY__RESULT_PROOF);
}

static Quorum__Reply *consistency(qr_client *c, const char *forum, uint64_t old_size)
{
    Quorum__Request req = QUORUM__REQUEST__INIT;
    Quorum__ConsistencyProofRequest cq = QUORUM__CONSISTENCY_PROOF_REQUEST__INIT;
    cq.forum = (char *)forum;
    cq.old_size = old_size;
    req.op_case = QUORUM__REQUEST__OP_CONSISTENCY_PROOF;
    req.consistency_proof = &cq;
    return call(c, &req, QUORUM__REPLY__RESULT_PROOF);
}

static Quorum__Reply *checkpoint(qr_client *c, const char *forum)
{
    Quorum__Request req = QUORUM__REQUEST__INIT;
    Quorum__GetCheckpoint gc = QUORUM__GET_CHECKPOINT__INIT;
    gc.forum = (char *)forum;
    req.op_case = QUORUM__REQUEST__OP_GET_CHECKPOINT;
    req.get_checkpoint = &gc;
    return call(c, &req, QUORUM__REPLY__RESULT_CHECKPOINT);
}

static void to_proof(const Quorum__Proof *p, qr_merkle_proof *out)
{
    if (p->n_hashes > QR_MERKLE_MAX_PROOF)
        qb_die("a proof of %zu hashes", p->n_hashes);
    out->n = p->n_hashes;
    for (size_t i = 0; i < p->n_hashes; i++) {
        if (p->hashes[i].len != QR_HASH_LEN)
            qb_die("a proof hash of %zu bytes", p->hashes[i].len);
        memcpy(out->hash[i], p->hashes[i].data, QR_HASH_LEN);
    }
}

static qr_key *state_key(const char *state, const char *file, int needed)
{
    char path[1200], err[512];
    qr_key *k = NULL;
    snprintf(path, sizeof path, "%s/%s", state, file);
    if (qr_key_load(path, &k, err, sizeof err) != QR_OK && needed)
        qb_die("%s", err);
    return k;
}

static qr_key *operator_key(const char *state)
{
    return state_key(state, "operator.key", 1);
}

/* A statement judged in every forum, so that quorumd builds every forum's rulebook state from
 * its entries: a proposal tabled at a meeting that does not exist, which the rulebook refuses
 * (nothing is recorded, so the database stays as qb_gen made it).  Seconds in all. */
static double judge_in_every_forum(const qb_daemon *d, const qr_key *clerk, const forum_list *l)
{
    qr_client *c = qb_connect(d, clerk, 60000);
    double t0 = qb_now();
    for (size_t i = 0; i < l->n; i++) {
        uint8_t *b = NULL;
        size_t n = 0;
        Quorum__Request req;
        Quorum__Submit sub;
        Quorum__Reply *r = NULL;
        qb_seal_tabled(clerk, l->id[i], "qb-no-such-meeting", "qb-probe", &b, &n);
        qb_submit_request(&req, &sub, b, n);
        if (qr_client_call(c, &req, &r) != QR_OK || qr_reply_code(r) == QR_OK)
            qb_die("forum %s: the probe statement was not refused as it should be", l->id[i]);
        quorum__reply__free_unpacked(r, NULL);
        free(b);
    }
    double secs = qb_now() - t0;
    qr_client_destroy(&c);
    return secs;
}

/* ---- start-up and peak memory ----------------------------------------------------------- */

static void mode_startup(const char *quorumd, const char *state, long runs)
{
    qr_key *op = operator_key(state), *clerk = state_key(state, "clerk.key", 0);
    double secs[64], mib[64], used_mib[64], judge_ms[64];
    forum_list l = {0};
    long n = runs < 64 ? runs : 64;
    for (long r = 0; r < n; r++) {
        qb_daemon d;
        qb_daemon_start(&d, quorumd, state, NULL);
        secs[r] = qb_daemon_wait_port(&d, 900);
        qb_daemon_wait_ready(&d, op, 60);
        qr_client *c = qb_connect(&d, op, 30000);
        free_forums(&l);
        list_forums(c, &l);
        /* Serve something from every part of the database before reading the peak. */
        for (size_t i = 0; i<l.n; i += l.n> 200 ? l.n / 200 : 1) {
            Quorum__Reply *x = checkpoint(c, l.id[i]);
            quorum__reply__free_unpacked(x, NULL);
            if (l.size[i] > 1) {
                x = inclusion(c, l.id[i], l.size[i] / 2);
                quorum__reply__free_unpacked(x, NULL);
            }
        }
        mib[r] = (double)qb_peak_rss_kib(d.pid) / 1024.0;
        qr_client_destroy(&c);
        if (clerk) {
            judge_ms[r] = 1000 * judge_in_every_forum(&d, clerk, &l) / (double)(l.n ? l.n : 1);
            used_mib[r] = (double)qb_peak_rss_kib(d.pid) / 1024.0;
        }
        if (qb_daemon_stop(&d) != 0)
            qb_die("quorumd did not stop cleanly (log: %s)", d.log);
        qb_say("start-up run %ld: %.2f s, peak RSS %.1f MiB", r, secs[r], mib[r]);
        if (clerk)
            qb_say("  then a statement judged in each forum: %.2f ms each (its rulebook state "
                   "built from its entries), peak RSS %.1f MiB",
                   judge_ms[r], used_mib[r]);
    }
    char label[128];
    snprintf(label, sizeof label, "quorumd start-up, %zu forums, %llu entries", l.n,
             (unsigned long long)l.entries);
    /* The targets are for 1,000 forums and 1,000,000 entries. */
    int at_scale = l.n >= 1000 && l.entries >= 1000000;
    qb_row("startup", label, "s", "lo", at_scale ? "2" : "-", "-", secs, (size_t)n);
    snprintf(label, sizeof label, "quorumd peak RSS, %zu forums, %llu entries", l.n,
             (unsigned long long)l.entries);
    qb_row("rss", label, "MiB", "lo", at_scale ? "64" : "-", "-", mib, (size_t)n);
    if (clerk) {
        snprintf(label, sizeof label, "quorumd peak RSS, then a statement judged in every forum");
        qb_row("rss_used", label, "MiB", "lo", at_scale ? "64" : "-", "-", used_mib, (size_t)n);
        snprintf(label, sizeof label, "first statement in a forum of %llu entries, judged",
                 (unsigned long long)(l.n ? l.entries / l.n : 0));
        qb_row("first_judged", label, "ms", "lo", "-", "-", judge_ms, (size_t)n);
    }
    free_forums(&l);
    qr_key_destroy(&op);
    qr_key_destroy(&clerk);
}

/* ---- proofs ----------------------------------------------------------------------------- */

static void mode_proofs(const char *quorumd, const char *state, long runs, long requests)
{
    qr_key *op = operator_key(state);
    qb_daemon d;
    qb_daemon_start(&d, quorumd, state, NULL);
    double up = qb_daemon_wait_port(&d, 900);
    qb_daemon_wait_ready(&d, op, 60);
    qr_client *c = qb_connect(&d, op, 30000);
    forum_list l;
    list_forums(c, &l);
    size_t big = 0;
    for (size_t i = 1; i < l.n; i++)
        big = l.size[i] > l.size[big] ? i : big;
    const char *forum = l.id[big];
    uint64_t size = l.size[big];
    if (size < 2)
        qb_die("the largest forum has %llu entries", (unsigned long long)size);
    qb_note("quorumd started on the %llu-entry forum in %.1f s (peak RSS %.0f MiB)",
            (unsigned long long)size, up, (double)qb_peak_rss_kib(d.pid) / 1024.0);

    double incl[64], cons[64], cpu0 = 0;
    long n = runs < 64 ? runs : 64;
    srandom(42);
    for (long r = -1; r < n; r++) { /* run -1 warms up */
        qb_samples si = {0}, sc = {0};
        for (long k = 0; k < requests; k++) {
            uint64_t index = (uint64_t)random() % size;
            double t = qb_now();
            Quorum__Reply *x = inclusion(c, forum, index);
            qb_samples_add(&si, (qb_now() - t) * 1e6);
            qr_merkle_proof proof;
            to_proof(x->proof, &proof);
            if (x->proof->root.len != QR_HASH_LEN || x->proof->leaf_hash.len != QR_HASH_LEN ||
                qr_merkle_verify_inclusion(index, x->proof->size, x->proof->leaf_hash.data, &proof,
                                           x->proof->root.data) != QR_OK)
                qb_die("an inclusion proof of entry %llu does not verify",
                       (unsigned long long)index);
            quorum__reply__free_unpacked(x, NULL);

            uint64_t old = 1 + (uint64_t)random() % (size - 1);
            t = qb_now();
            x = consistency(c, forum, old);
            qb_samples_add(&sc, (qb_now() - t) * 1e6);
            to_proof(x->proof, &proof);
            if (x->proof->root.len != QR_HASH_LEN || x->proof->old_root.len != QR_HASH_LEN ||
                qr_merkle_verify_consistency(old, x->proof->size, x->proof->old_root.data,
                                             x->proof->root.data, &proof) != QR_OK)
                qb_die("a consistency proof from %llu does not verify", (unsigned long long)old);
            quorum__reply__free_unpacked(x, NULL);
        }
        if (r == -1)
            cpu0 = qb_cpu_seconds(d.pid);
        if (r >= 0) {
            incl[r] = qb_samples_pct(&si, 50);
            cons[r] = qb_samples_pct(&sc, 50);
            qb_say("proofs run %ld: inclusion p50 %.0f us (p99 %.0f), consistency p50 %.0f us "
                   "(p99 %.0f)",
                   r, incl[r], qb_samples_pct(&si, 99), cons[r], qb_samples_pct(&sc, 99));
        }
        qb_samples_free(&si);
        qb_samples_free(&sc);
    }
    qb_note("proofs: quorumd used %.0f us of CPU per proof (all its threads)",
            (qb_cpu_seconds(d.pid) - cpu0) / (double)(2 * n * requests) * 1e6);
    char label[128];
    snprintf(label, sizeof label, "inclusion proof at %llu entries (p50, request to reply)",
             (unsigned long long)size);
    const char *target = size >= 1000000 ? "200" : "-"; /* the target is at 1M */
    qb_row("proof_incl", label, "us", "lo", target, "-", incl, (size_t)n);
    snprintf(label, sizeof label, "consistency proof at %llu entries (p50, request to reply)",
             (unsigned long long)size);
    qb_row("proof_cons", label, "us", "lo", target, "-", cons, (size_t)n);
    qr_client_destroy(&c);
    free_forums(&l);
    if (qb_daemon_stop(&d) != 0)
        qb_die("quorumd did not stop cleanly (log: %s)", d.log);
    qr_key_destroy(&op);
}

/* ---- replicate and verify --------------------------------------------------------------- */

typedef struct {
    qr_rules *rules;
    qr_merkle_frontier fr;
} replica;

static double replicate_once(const qb_daemon *d, const qr_key *op, const char *forum,
                             const char *vkey, uint64_t *count)
{
    double t0 = qb_now();
    qr_client *c = qb_connect(d, op, 30000);
    Quorum__Reply *x = checkpoint(c, forum);
    qr_note parsed;
    qr_note_verifier v;
    qr_checkpoint cp;
    const char *note = x->checkpoint->note;
    if (qr_note_vkey_parse(vkey, &v) != QR_OK || qr_note_parse(note, strlen(note), &parsed) ||
        qr_note_verify(note, &parsed, &v) != QR_OK ||
        qr_checkpoint_parse(note, parsed.text_len, &cp) != QR_OK)
        qb_die("the checkpoint of forum %s does not verify", forum);
    quorum__reply__free_unpacked(x, NULL);

    replica rep = {qr_rules_new(forum), {0}};
    qr_merkle_frontier_init(&rep.fr);
    for (uint64_t next = 0; next < cp.size;) {
        Quorum__Request req = QUORUM__REQUEST__INIT;
        Quorum__ReadEntries re = QUORUM__READ_ENTRIES__INIT;
        re.forum = (char *)forum;
        re.from = next;
        re.count = cp.size - next;
        req.op_case = QUORUM__REQUEST__OP_READ_ENTRIES;
        req.read_entries = &re;
        x = call(c, &req, QUORUM__REPLY__RESULT_ENTRIES);
        if (x->entries->n_entries == 0)
            qb_die("no entries from %llu", (unsigned long long)next);
        for (size_t i = 0; i < x->entries->n_entries && next < cp.size; i++, next++) {
            const ProtobufCBinaryData *e = &x->entries->entries[i];
            qr_refusal why;
            uint8_t leaf[QR_HASH_LEN];
            if (qr_replay_entry(rep.rules, e->data, e->len, NULL, &why) != QR_OK)
                qb_die("entry %llu does not verify: %s", (unsigned long long)next, why.message);
            qr_merkle_leaf_hash(e->data, e->len, leaf);
            qr_merkle_frontier_append(&rep.fr, leaf, NULL, NULL);
        }
        quorum__reply__free_unpacked(x, NULL);
    }
    uint8_t root[QR_HASH_LEN];
    qr_merkle_frontier_root(&rep.fr, root);
    if (memcmp(root, cp.root, QR_HASH_LEN) != 0)
        qb_die("the replicated entries do not hash to the signed root");
    double secs = qb_now() - t0;
    qr_rules_destroy(&rep.rules);
    qr_client_destroy(&c);
    *count = cp.size;
    return secs;
}

static void mode_replicate(const char *quorumd, const char *state, long runs)
{
    qr_key *op = operator_key(state);
    qb_daemon d;
    qb_daemon_start(&d, quorumd, state, NULL);
    qb_daemon_wait_ready(&d, op, 300);
    qr_client *c = qb_connect(&d, op, 30000);
    forum_list l;
    list_forums(c, &l);
    qr_client_destroy(&c);
    if (l.n == 0)
        qb_die("no forum to replicate");
    char path[1200], err[512], origin[QR_MAX_NAME + 1], vkey[QR_NOTE_VKEY_MAX];
    qr_key *pub = NULL;
    snprintf(path, sizeof path, "%s/quorumd.pub", state);
    if (qr_key_load(path, &pub, err, sizeof err) != QR_OK ||
        qr_checkpoint_origin(QB_ORIGIN, l.id[0], origin, sizeof origin) != QR_OK ||
        qr_key_vkey(pub, origin, vkey, sizeof vkey) != QR_OK)
        qb_die("cannot make the log's verifier key from %s", path);
    qr_key_destroy(&pub);
    double v[64];
    long n = runs < 64 ? runs : 64;
    uint64_t count = 0;
    for (long r = 0; r < n; r++) {
        double secs = replicate_once(&d, op, l.id[0], vkey, &count);
        v[r] = (double)count / secs;
        qb_say("replicate run %ld: %llu entries in %.2f s (%.0f/s)", r, (unsigned long long)count,
               secs, v[r]);
    }
    char label[128];
    snprintf(label, sizeof label, "replicate and verify %llu entries (over CURVE)",
             (unsigned long long)count);
    qb_row("replicate", label, "entries/s", "hi", "-", "hc_replicate", v, (size_t)n);
    free_forums(&l);
    if (qb_daemon_stop(&d) != 0)
        qb_die("quorumd did not stop cleanly (log: %s)", d.log);
    qr_key_destroy(&op);
}

int main(int argc, char **argv)
{
    const char *quorumd = qb_opt(argc, argv, "quorumd", NULL),
               *state = qb_opt(argc, argv, "state", NULL), *mode = qb_opt(argc, argv, "mode", "");
    long runs = qb_opt_long(argc, argv, "runs", 5),
         requests = qb_opt_long(argc, argv, "requests", 1000);
    if (!quorumd || !state || runs < 1 || requests < 1) {
        fprintf(stderr, "usage: qb_served --quorumd PATH --state DIR --mode "
                        "startup|proofs|replicate [--runs 5] [--requests 1000]\n");
        return 2;
    }
    qb_watchdog(3600);
    if (!strcmp(mode, "startup"))
        mode_startup(quorumd, state, runs);
    else if (!strcmp(mode, "proofs"))
        mode_proofs(quorumd, state, runs, requests);
    else if (!strcmp(mode, "replicate"))
        mode_replicate(quorumd, state, runs);
    else
        qb_die("--mode is startup, proofs or replicate, not '%s'", mode);
    return 0;
}
