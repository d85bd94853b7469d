/*
 * handlers.c: what the daemon does with each request, and how a batch of submits is committed.
 *
 * Every request is length-checked before it is decoded and every field checked before use.
 * A refused submit is answered at once with its code and a sentence, and leaves no trace.
 * An accepted submit is appended to the open batch; its reply waits for the batch's commit
 * (qr_batch_start, then qr_batch_finish), which signs one checkpoint per changed forum inside
 * the same transaction, commits (WAL, synchronous=FULL, on the commit thread), and only then
 * replies and publishes.  If the commit fails, every submit of the batch is answered
 * UNAVAILABLE and nothing of the batch remains.
 */
#include "server.h"

#include "checkpoint.h"
#include "log.h"
#include "merkle.h"
#include "note.h"
#include "util.h"
#include "wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void send_reply(qr_server *s, zmq_msg_t *peer, Quorum__Reply *r)
{
    zmq_msg_t id;
    zmq_msg_init(&id);
    zmq_msg_copy(&id, peer);
    if (zmq_msg_send(&id, s->router, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&id);
        return; /* the peer is gone or its queue is full: it will time out and retry */
    }
    if (qr_wire_send(s->router, &r->base, ZMQ_DONTWAIT) != QR_OK)
        qr_warn("could not send reply %llu", (unsigned long long)r->id);
}

void qr_reply_status(qr_server *s, zmq_msg_t *peer, uint64_t id, int code, const char *message)
{
    Quorum__Reply r = QUORUM__REPLY__INIT;
    Quorum__Status st = QUORUM__STATUS__INIT;
    st.code = (char *)qr_code_name(code);
    st.message = (char *)(message && *message ? message : qr_strerror(code));
    r.id = id;
    r.status = &st;
    send_reply(s, peer, &r);
}

static void reply_ok(qr_server *s, zmq_msg_t *peer, Quorum__Reply *r)
{
    Quorum__Status st = QUORUM__STATUS__INIT;
    st.code = "OK";
    st.message = "";
    r->status = &st;
    send_reply(s, peer, r);
}

void qr_reply_ok(qr_server *s, zmq_msg_t *peer, Quorum__Reply *r)
{
    reply_ok(s, peer, r);
}

/* ---- submit ---------------------------------------------------------------------------- */

static int is_operator(const qr_server *s, const uint8_t signer[32])
{
    return s->operator_key && memcmp(signer, s->operator_key->sign_pk, 32) == 0;
}

/* What the daemon decides before the rulebook: only a configured operator charters a forum;
 * everything else needs a chartered forum; no statement is recorded twice. */
static int admit(qr_server *s, const qr_statement *st, char *msg, size_t msglen)
{
    const char *forum = st->st->forum;
    if (st->st->kind_case == QUORUM__STATEMENT__KIND_FORUM_CHARTERED) {
        if (!is_operator(s, st->signer)) {
            snprintf(msg, msglen, "forum %s can be chartered only by the operator's key", forum);
            return QR_WRONG_SIGNER;
        }
        if (qr_store_forum_find(s->store, forum)) {
            snprintf(msg, msglen, "forum %s is already chartered", forum);
            return QR_FORUM_EXISTS;
        }
        return QR_OK;
    }
    if (!qr_store_forum_find(s->store, forum)) {
        snprintf(msg, msglen, "there is no forum %s: charter it first", forum);
        return QR_UNKNOWN_FORUM;
    }
    int dup = qr_store_has_statement(s->store, forum, st->stmt_hash);
    if (dup < 0)
        return QR_UNAVAILABLE;
    if (dup) {
        snprintf(msg, msglen, "this %s is already recorded in forum %s",
                 qr_statement_kind(st->st), forum);
        return QR_DUPLICATE;
    }
    return QR_OK;
}

/* The signer as the log names it: the first 8 bytes of its public signing key, in hex. */
static void signer_hex(const qr_statement *st, char out[17])
{
    if (st)
        qr_hex(st->signer, 8, out);
    else
        snprintf(out, 17, "?");
}

static void pending_free(qr_pending *p)
{
    zmq_msg_close(&p->peer);
    qr_statement_destroy(&p->stmt);
    free(p->entry);
}

/* What a submit is told when the database cannot take it: why, that nothing of it is
 * written, and that sending it again will work once the cause is gone. */
static void unwritten(const qr_server *s, char *out, size_t outlen)
{
    const char *fault = qr_store_fault(s->store);
    snprintf(out, outlen,
             "not recorded: %s, so nothing of this statement was written. Send it again "
             "later: quorumd records again by itself as soon as its database can be written",
             fault ? fault : "the daemon could not write to its database");
}

/* Undo a batch: the file and the store's memory roll back, and every forum the batch touched
 * has its rulebook state rebuilt from what is committed.  Every submit of it is answered and
 * logged with why. */
static void batch_fail(qr_server *s, const char *what)
{
    char why[512], detail[256];
    const char *fault = qr_store_fault(s->store);
    unwritten(s, why, sizeof why);
    qr_store_fault_detail(s->store, detail, sizeof detail);
    qr_error("cannot %s a batch of %zu statements in %s/quorumd.db: %s (%s); it is rolled "
             "back, and submits are refused until the database can be written",
             what, s->nbatch, s->cfg.state_dir, fault ? fault : "the write failed", detail);
    s->unwritten += s->nbatch;
    qr_store_rollback(s->store);
    for (size_t i = 0; i < s->nbatch; i++)
        qr_rulebooks_drop(s, s->batch[i].forum); /* rebuilt from what is committed */
    for (size_t i = 0; i < s->nbatch; i++) {
        qr_pending *p = &s->batch[i];
        char signer[17];
        signer_hex(p->stmt, signer);
        qr_warn("refused %s in forum %s from %s (signer %s): UNAVAILABLE: %s",
                qr_statement_kind(p->stmt->st), p->forum, p->who, signer, why);
        qr_reply_status(s, &p->peer, p->req_id, QR_UNAVAILABLE, why);
        pending_free(p);
    }
    s->nbatch = 0;
}

/* Who did what, and the result: one line per submit, accepted or refused.  Only names and
 * public keys: nothing secret ever reaches the log. */
static void refuse(qr_server *s, zmq_msg_t *peer, uint64_t id, const char *who,
                   const qr_statement *st, int rc, const char *msg)
{
    char signer[17];
    signer_hex(st, signer);
    qr_stats_refused(&s->stats);
    qr_info("refused %s in forum %s from %s (signer %s): %s: %s",
            st ? qr_statement_kind(st->st) : "statement", st ? st->st->forum : "?",
            *who ? who : "?", signer, qr_code_name(rc), msg);
    qr_reply_status(s, peer, id, rc, msg);
}

static void handle_submit(qr_server *s, zmq_msg_t *peer, uint64_t id, const char *who,
                          const Quorum__Submit *sub, int signature)
{
    qr_refusal why = {QR_OK, ""};
    qr_statement *st = NULL;
    qr_rules *fresh = NULL;
    uint8_t *entry = NULL;
    size_t entry_len = 0;
    /* The signature was checked on a worker thread (verify.c) unless signature is -1. */
    int rc = signature < 0
                 ? qr_statement_open(sub->signed_statement.data, sub->signed_statement.len, &st,
                                     why.message, sizeof why.message)
                 : qr_statement_open_checked(sub->signed_statement.data, sub->signed_statement.len,
                                             signature, &st, why.message, sizeof why.message);
    if (rc == QR_OK && s->nbatch == 0 && (rc = qr_store_begin(s->store)) != QR_OK) {
        unwritten(s, why.message, sizeof why.message);
        s->unwritten++;
    }
    if (rc == QR_OK)
        rc = admit(s, st, why.message, sizeof why.message);
    qr_rules *rules = NULL;
    uint64_t seq = 0;
    int64_t now = qr_now();
    if (rc == QR_OK) {
        const qr_store_forum *f = qr_store_forum_find(s->store, st->st->forum);
        if (f && (rc = qr_rulebooks_get(s, f->forum, &rules)) != QR_OK) {
            snprintf(why.message, sizeof why.message,
                     "quorumd cannot read forum %s's entries to judge this statement (%s); "
                     "nothing was recorded",
                     f->forum, qr_code_name(rc));
            rc = rc == QR_NOMEM ? rc : QR_UNAVAILABLE;
        } else if (!f && (rules = fresh = qr_rules_new(st->st->forum)) == NULL)
            rc = QR_NOMEM;
        seq = f ? f->size : 0;
        if (rc == QR_OK)
            rc = qr_entry_encode(seq, now, sub->signed_statement.data, sub->signed_statement.len,
                                 &entry, &entry_len);
    }
    if (rc == QR_OK) {
        uint8_t leaf[QR_HASH_LEN];
        qr_merkle_leaf_hash(entry, entry_len, leaf);
        rc = qr_rules_apply(rules, st, seq, now, leaf, &why);
    }
    if (rc != QR_OK) {
        refuse(s, peer, id, who, st, rc, why.message);
        qr_statement_destroy(&st);
        qr_rules_destroy(&fresh);
        free(entry);
        if (s->nbatch == 0)
            qr_store_rollback(s->store);
        return;
    }

    qr_pending *p = &s->batch[s->nbatch++];
    memset(p, 0, sizeof *p);
    zmq_msg_init(&p->peer);
    zmq_msg_copy(&p->peer, peer);
    p->req_id = id;
    snprintf(p->who, sizeof p->who, "%s", *who ? who : "?");
    p->stmt = st;
    p->entry = entry;
    p->entry_len = entry_len;
    snprintf(p->forum, sizeof p->forum, "%s", st->st->forum);
    if (fresh) { /* the map owns the new forum's state from here */
        rc = qr_store_forum_create(s->store, p->forum, st->st->forum_chartered->charter->name, now);
        if (rc == QR_OK)
            rc = qr_rulebooks_put(s, fresh);
        if (rc != QR_OK)
            qr_rules_destroy(&fresh);
    }
    if (rc == QR_OK)
        rc = qr_store_append(s->store, p->forum, p->entry, p->entry_len, st->stmt_hash, &p->seq);
    if (rc == QR_OK && p->seq != seq)
        rc = QR_INTERNAL;
    if (rc != QR_OK)
        batch_fail(s, "append to");
}

/* Sign the new tree head of every forum the batch changed, inside the batch's transaction. */
static int sign_checkpoints(qr_server *s)
{
    size_t n = qr_store_dirty_count(s->store);
    for (size_t i = 0; i < n; i++) {
        const qr_store_forum *f = qr_store_dirty_at(s->store, i);
        qr_checkpoint cp;
        char text[512], line[QR_NOTE_SIGLINE_MAX];
        if (qr_checkpoint_origin(s->cfg.origin, f->forum, cp.origin, sizeof cp.origin) != QR_OK)
            return QR_TOO_LARGE;
        cp.size = f->size;
        qr_merkle_frontier_root(&f->fr, cp.root);
        int rc = qr_checkpoint_format(&cp, text, sizeof text);
        if (rc == QR_OK)
            rc = qr_note_sign_line(text, strlen(text), cp.origin, s->key->sign_sk, line,
                                   sizeof line);
        if (rc != QR_OK)
            return rc;
        size_t len = strlen(text) + 1 + strlen(line) + 1;
        if ((s->checkpoints[i] = malloc(len)) == NULL)
            return QR_NOMEM;
        snprintf(s->checkpoints[i], len, "%s\n%s", text, line);
        if ((rc = qr_store_put_checkpoint(s->store, f->forum, f->size, s->checkpoints[i])) !=
            QR_OK)
            return rc;
    }
    return QR_OK;
}

static void free_checkpoints(qr_server *s, size_t ndirty)
{
    for (size_t i = 0; i < ndirty && s->checkpoints; i++)
        free(s->checkpoints[i]);
    free(s->checkpoints);
    s->checkpoints = NULL;
}

static const char *checkpoint_for(qr_server *s, const char *forum)
{
    size_t n = qr_store_dirty_count(s->store);
    for (size_t i = 0; i < n; i++)
        if (strcmp(qr_store_dirty_at(s->store, i)->forum, forum) == 0)
            return s->checkpoints[i];
    return "";
}

/* To the forum's topic, then to the feed of every organisation the entry concerns. */
static void publish(qr_server *s, const qr_pending *p, const char *checkpoint)
{
    char topic[QR_MAX_ID + 16];
    qr_topic_forum(p->forum, topic, sizeof topic);
    Quorum__Event ev = QUORUM__EVENT__INIT;
    ev.forum = (char *)p->forum;
    ev.seq = p->seq;
    ev.entry = (ProtobufCBinaryData){p->entry_len, p->entry};
    ev.checkpoint = (char *)checkpoint;
    if (zmq_send(s->xpub, topic, strlen(topic), ZMQ_SNDMORE | ZMQ_DONTWAIT) >= 0)
        qr_wire_send(s->xpub, &ev.base, ZMQ_DONTWAIT);
    qr_feed_publish(s, p->forum, p->stmt->st, &ev);
}

void qr_batch_start(qr_server *s)
{
    if (s->nbatch == 0 || s->committing)
        return;
    size_t ndirty = qr_store_dirty_count(s->store);
    s->commit_began_us = qr_stats_now_us();
    int rc = (s->checkpoints = calloc(ndirty, sizeof *s->checkpoints)) ? QR_OK : QR_NOMEM;
    if (rc == QR_OK)
        rc = sign_checkpoints(s);
    if (rc != QR_OK) {
        batch_fail(s, "sign the checkpoints of");
        free_checkpoints(s, ndirty);
        return;
    }
    s->committing = 1;
    qr_committer_send(s->committer);
}

int qr_batch_finish(qr_server *s)
{
    if (!s->committing)
        return QR_OK;
    int64_t done_us = 0;
    size_t ndirty = qr_store_dirty_count(s->store);
    int rc = qr_store_commit_end(s->store, qr_committer_wait(s->committer, &done_us));
    s->committing = 0;
    if (rc != QR_OK) {
        batch_fail(s, "commit");
    } else {
        if (s->unwritten) {
            qr_info("recording again: the database took a batch of %zu statements, after %llu "
                    "submits refused while it could not be written",
                    s->nbatch, (unsigned long long)s->unwritten);
            s->unwritten = 0;
        }
        s->commits++;
        qr_stats_commit(&s->stats, (uint64_t)(done_us - s->commit_began_us));
        qr_stats_accepted(&s->stats, s->nbatch);
        for (size_t i = 0; i < s->nbatch; i++) {
            qr_pending *p = &s->batch[i];
            const char *cp = checkpoint_for(s, p->forum);
            Quorum__Reply r = QUORUM__REPLY__INIT;
            Quorum__Submitted sub = QUORUM__SUBMITTED__INIT;
            uint8_t leaf[QR_HASH_LEN];
            qr_merkle_leaf_hash(p->entry, p->entry_len, leaf);
            sub.forum = p->forum;
            sub.seq = p->seq;
            sub.leaf_hash = (ProtobufCBinaryData){QR_HASH_LEN, leaf};
            sub.checkpoint = (char *)cp;
            r.id = p->req_id;
            r.result_case = QUORUM__REPLY__RESULT_SUBMITTED;
            r.submitted = &sub;
            reply_ok(s, &p->peer, &r);
            publish(s, p, cp);
            qr_server_index_statement(s, p->stmt->st);
            char signer[17];
            signer_hex(p->stmt, signer);
            qr_info("accepted %s in forum %s as entry %llu from %s (signer %s)",
                    qr_statement_kind(p->stmt->st), p->forum, (unsigned long long)p->seq, p->who,
                    signer);
            pending_free(p);
        }
        s->submits += s->nbatch;
        s->nbatch = 0;
    }
    free_checkpoints(s, ndirty);
    return rc;
}

int qr_batch_commit(qr_server *s)
{
    qr_batch_start(s);
    return qr_batch_finish(s);
}

/* ---- reads ----------------------------------------------------------------------------- */

typedef struct {
    ProtobufCBinaryData *v;
    size_t n, cap, bytes;
} entry_list;

static int collect_entry(void *ctx, uint64_t seq, const uint8_t *entry, size_t len)
{
    entry_list *l = ctx;
    (void)seq;
    if (l->n == l->cap || l->bytes + len > QR_MAX_MESSAGE - 4096)
        return QR_TOO_LARGE; /* stop here: the reply carries what fits */
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return QR_NOMEM;
    memcpy(copy, entry, len);
    l->v[l->n++] = (ProtobufCBinaryData){len, copy};
    l->bytes += len + 8;
    return QR_OK;
}

/* Reads of a forum need read access (access.h): refused NOT_AUTHORISED, logged with who
 * asked, before anything about the forum (even whether it exists) is told. */
static int may_read(qr_server *s, zmq_msg_t *peer, uint64_t id, const char *who,
                    const char *forum, const char *what)
{
    if (qr_access_forum(s, who, forum ? forum : ""))
        return 1;
    char msg[256];
    snprintf(msg, sizeof msg, "this key may not read forum %.64s: it is not named in the forum's "
             "charter nor registered to one of its member organisations", forum ? forum : "");
    qr_info("refused %s of forum %.64s from %s: NOT_AUTHORISED", what, forum ? forum : "",
            *who ? who : "?");
    qr_reply_status(s, peer, id, QR_NOT_AUTHORISED, msg);
    return 0;
}

static void handle_read(qr_server *s, zmq_msg_t *peer, uint64_t id, const Quorum__ReadEntries *q)
{
    const qr_store_forum *f = qr_store_forum_find(s->store, q->forum ? q->forum : "");
    if (!f) {
        qr_reply_status(s, peer, id, QR_UNKNOWN_FORUM, "there is no forum with that id");
        return;
    }
    /* count 0 reads nothing: it asks only where the log is (tree_size) */
    uint64_t count = q->count > QR_MAX_READ_ENTRIES ? QR_MAX_READ_ENTRIES : q->count;
    ProtobufCBinaryData items[QR_MAX_READ_ENTRIES];
    entry_list l = {items, 0, QR_MAX_READ_ENTRIES, 0};
    int rc = qr_store_read(s->store, f->forum, q->from, count, collect_entry, &l);
    if (rc != QR_OK && rc != QR_TOO_LARGE) {
        qr_reply_status(s, peer, id, rc, "cannot read the log");
    } else {
        Quorum__Reply r = QUORUM__REPLY__INIT;
        Quorum__Entries e = QUORUM__ENTRIES__INIT;
        e.forum = (char *)f->forum;
        e.n_entries = l.n;
        e.entries = l.v;
        e.tree_size = f->size;
        r.id = id;
        r.result_case = QUORUM__REPLY__RESULT_ENTRIES;
        r.entries = &e;
        reply_ok(s, peer, &r);
    }
    for (size_t i = 0; i < l.n; i++)
        free(l.v[i].data);
}

static void forum_vkey(qr_server *s, const char *forum, char *out, size_t outlen)
{
    char origin[QR_MAX_NAME + 1];
    if (qr_checkpoint_origin(s->cfg.origin, forum, origin, sizeof origin) != QR_OK ||
        qr_key_vkey(s->key, origin, out, outlen) != QR_OK)
        *out = 0;
}

static void handle_checkpoint(qr_server *s, zmq_msg_t *peer, uint64_t id,
                              const Quorum__GetCheckpoint *q)
{
    const char *forum = q->forum ? q->forum : "";
    char *note = NULL, vkey[QR_NOTE_VKEY_MAX];
    uint64_t size;
    int rc = qr_store_latest_checkpoint(s->store, forum, &note, &size);
    if (rc != QR_OK) {
        qr_reply_status(s, peer, id, rc, rc == QR_UNKNOWN_FORUM ? "there is no forum with that id"
                                                                : "no checkpoint yet");
        return;
    }
    forum_vkey(s, forum, vkey, sizeof vkey);
    char *cosigned = qr_witness_cosigned_note(s, forum, note, size);
    Quorum__Reply r = QUORUM__REPLY__INIT;
    Quorum__Checkpoint c = QUORUM__CHECKPOINT__INIT;
    c.forum = (char *)forum;
    c.note = cosigned ? cosigned : note;
    c.log_vkey = vkey;
    r.id = id;
    r.result_case = QUORUM__REPLY__RESULT_CHECKPOINT;
    r.checkpoint = &c;
    reply_ok(s, peer, &r);
    free(cosigned);
    free(note);
}

static void reply_proof(qr_server *s, zmq_msg_t *peer, uint64_t id, Quorum__Proof *p,
                        const qr_merkle_proof *proof)
{
    ProtobufCBinaryData h[QR_MERKLE_MAX_PROOF];
    for (size_t i = 0; i < proof->n; i++)
        h[i] = (ProtobufCBinaryData){QR_HASH_LEN, (uint8_t *)proof->hash[i]};
    p->n_hashes = proof->n;
    p->hashes = h;
    Quorum__Reply r = QUORUM__REPLY__INIT;
    r.id = id;
    r.result_case = QUORUM__REPLY__RESULT_PROOF;
    r.proof = p;
    reply_ok(s, peer, &r);
}

static const char *proof_error(int rc)
{
    switch (rc) {
    case QR_UNKNOWN_FORUM: return "there is no forum with that id";
    case QR_OUT_OF_RANGE: return "the index or sizes are outside the tree";
    default: return "cannot compute the proof";
    }
}

static void handle_inclusion(qr_server *s, zmq_msg_t *peer, uint64_t id,
                             const Quorum__InclusionProofRequest *q)
{
    const char *forum = q->forum ? q->forum : "";
    const qr_store_forum *f = qr_store_forum_find(s->store, forum);
    uint64_t size = f && q->size == 0 ? f->size : q->size;
    qr_merkle_proof proof;
    uint8_t root[QR_HASH_LEN], leaf[QR_HASH_LEN];
    qr_store_read_begin(s->store);
    int rc = qr_store_inclusion_proof(s->store, forum, q->index, size, &proof);
    if (rc == QR_OK)
        rc = qr_store_tree_hash(s->store, forum, size, root);
    if (rc == QR_OK)
        rc = qr_store_leaf_hash(s->store, forum, q->index, leaf);
    qr_store_read_end(s->store);
    if (rc != QR_OK) {
        qr_reply_status(s, peer, id, rc, proof_error(rc));
        return;
    }
    Quorum__Proof p = QUORUM__PROOF__INIT;
    p.forum = (char *)forum;
    p.index = q->index;
    p.size = size;
    p.root = (ProtobufCBinaryData){QR_HASH_LEN, root};
    p.leaf_hash = (ProtobufCBinaryData){QR_HASH_LEN, leaf};
    reply_proof(s, peer, id, &p, &proof);
}

static void handle_consistency(qr_server *s, zmq_msg_t *peer, uint64_t id,
                               const Quorum__ConsistencyProofRequest *q)
{
    const char *forum = q->forum ? q->forum : "";
    const qr_store_forum *f = qr_store_forum_find(s->store, forum);
    uint64_t size = f && q->new_size == 0 ? f->size : q->new_size;
    qr_merkle_proof proof;
    uint8_t root[QR_HASH_LEN], old_root[QR_HASH_LEN];
    qr_store_read_begin(s->store);
    int rc = qr_store_consistency_proof(s->store, forum, q->old_size, size, &proof);
    if (rc == QR_OK)
        rc = qr_store_tree_hash(s->store, forum, size, root);
    if (rc == QR_OK)
        rc = qr_store_tree_hash(s->store, forum, q->old_size, old_root);
    qr_store_read_end(s->store);
    if (rc != QR_OK) {
        qr_reply_status(s, peer, id, rc, proof_error(rc));
        return;
    }
    Quorum__Proof p = QUORUM__PROOF__INIT;
    p.forum = (char *)forum;
    p.index = q->old_size;
    p.size = size;
    p.root = (ProtobufCBinaryData){QR_HASH_LEN, root};
    p.old_root = (ProtobufCBinaryData){QR_HASH_LEN, old_root};
    reply_proof(s, peer, id, &p, &proof);
}

/* The forums this connection may read (the others are not mentioned). */
static void handle_list(qr_server *s, zmq_msg_t *peer, uint64_t id, const char *who)
{
    size_t all = qr_store_forum_count(s->store), n = 0;
    size_t cap = all > 2000 ? 2000 : all; /* keeps the reply under the message limit */
    Quorum__ForumInfo *info = calloc(cap ? cap : 1, sizeof *info);
    Quorum__ForumInfo **ptrs = calloc(cap ? cap : 1, sizeof *ptrs);
    if (!info || !ptrs) {
        qr_reply_status(s, peer, id, QR_NOMEM, NULL);
        goto out;
    }
    for (size_t i = 0; i < all && n < cap; i++) {
        const qr_store_forum *f = qr_store_forum_at(s->store, i);
        if (!qr_access_forum(s, who, f->forum))
            continue;
        quorum__forum_info__init(&info[n]);
        info[n].forum = (char *)f->forum;
        info[n].name = (char *)f->name;
        info[n].size = f->size;
        ptrs[n] = &info[n];
        n++;
    }
    Quorum__Reply r = QUORUM__REPLY__INIT;
    Quorum__Forums fs = QUORUM__FORUMS__INIT;
    fs.n_forums = n;
    fs.forums = ptrs;
    r.id = id;
    r.result_case = QUORUM__REPLY__RESULT_FORUMS;
    r.forums = &fs;
    reply_ok(s, peer, &r);
out:
    free(info);
    free(ptrs);
}

/* The forum a read request reads (NULL for requests that are not reads of one forum). */
static const char *read_forum(const Quorum__Request *req)
{
    switch (req->op_case) {
    case QUORUM__REQUEST__OP_READ_ENTRIES: return req->read_entries->forum;
    case QUORUM__REQUEST__OP_GET_CHECKPOINT: return req->get_checkpoint->forum;
    case QUORUM__REQUEST__OP_INCLUSION_PROOF: return req->inclusion_proof->forum;
    case QUORUM__REQUEST__OP_CONSISTENCY_PROOF: return req->consistency_proof->forum;
    default: return NULL;
    }
}

static const char *read_name(const Quorum__Request *req)
{
    switch (req->op_case) {
    case QUORUM__REQUEST__OP_READ_ENTRIES: return "a read";
    case QUORUM__REQUEST__OP_GET_CHECKPOINT: return "the checkpoint";
    default: return "a proof";
    }
}

void qr_handle_request(qr_server *s, zmq_msg_t *peer, const char *who, const uint8_t *data,
                       size_t len, int signature)
{
    if (len > (size_t)s->cfg.max_message_size) {
        char msg[128];
        snprintf(msg, sizeof msg, "the request is %zu bytes; the limit is %ld", len,
                 s->cfg.max_message_size);
        qr_info("refused a request from %s: TOO_LARGE: %s", *who ? who : "?", msg);
        qr_reply_status(s, peer, 0, QR_TOO_LARGE, msg);
        return;
    }
    Quorum__Request *req = quorum__request__unpack(NULL, len, data);
    if (!req) {
        qr_info("refused a request from %s: BAD_REQUEST: it is not a quorum request",
                *who ? who : "?");
        qr_reply_status(s, peer, 0, QR_BAD_REQUEST, "the message is not a quorum request");
        return;
    }
    if (req->op_case != QUORUM__REQUEST__OP_SUBMIT && s->nbatch)
        qr_batch_commit(s); /* readers see only what is committed */
    const char *forum = read_forum(req);
    if (forum && !may_read(s, peer, req->id, who, forum, read_name(req))) {
        quorum__request__free_unpacked(req, NULL);
        return;
    }
    switch (req->op_case) {
    case QUORUM__REQUEST__OP_SUBMIT:
        if ((long)s->nbatch >= s->cfg.batch_max)
            qr_batch_commit(s);
        handle_submit(s, peer, req->id, who, req->submit, signature);
        break;
    case QUORUM__REQUEST__OP_READ_ENTRIES: handle_read(s, peer, req->id, req->read_entries); break;
    case QUORUM__REQUEST__OP_GET_CHECKPOINT:
        handle_checkpoint(s, peer, req->id, req->get_checkpoint);
        break;
    case QUORUM__REQUEST__OP_INCLUSION_PROOF:
        handle_inclusion(s, peer, req->id, req->inclusion_proof);
        break;
    case QUORUM__REQUEST__OP_CONSISTENCY_PROOF:
        handle_consistency(s, peer, req->id, req->consistency_proof);
        break;
    case QUORUM__REQUEST__OP_LIST_FORUMS: handle_list(s, peer, req->id, who); break;
    case QUORUM__REQUEST__OP_GET_STATUS: qr_handle_status(s, peer, req->id, who); break;
    case QUORUM__REQUEST__OP_BACKUP: qr_backup_request(s, peer, req->id, who, req->backup); break;
    case QUORUM__REQUEST__OP_ADD_COSIGNATURE:
        qr_witness_handle_add(s, peer, req->id, who, req->add_cosignature);
        break;
    default:
        qr_info("refused a request from %s: BAD_REQUEST: it names no operation",
                *who ? who : "?");
        qr_reply_status(s, peer, req->id, QR_BAD_REQUEST, "the request names no operation");
        break;
    }
    quorum__request__free_unpacked(req, NULL);
}
