/*
 * mirror_sync.c: fetching, verifying, appending and cosigning (see mirror.h for the why).
 */
#include "mirror.h"

#include "checkpoint.h"
#include "log.h"
#include "merkle.h"
#include "note.h"
#include "replay.h"
#include "sha256.h"
#include "util.h"
#include "witness.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

/* Replay a forum's entries from our own file into a fresh rulebook state. */
typedef struct {
    qr_mirror *m;
    qr_rules *rules;
} load_ctx;

static int load_entry(void *ctx, uint64_t seq, const uint8_t *entry, size_t len)
{
    load_ctx *l = ctx;
    qr_refusal why;
    (void)seq;
    (void)qr_replay_entry(l->rules, entry, len, NULL, &why); /* alerted when first seen */
    return QR_OK;
}

static int reload_rules(qr_mirror *m, qr_mforum *f)
{
    qr_rules_destroy(&f->rules);
    if ((f->rules = qr_rules_new(f->forum)) == NULL)
        return QR_NOMEM;
    if (!qr_store_forum_find(m->store, f->forum))
        return QR_OK;
    load_ctx l = {m, f->rules};
    return qr_store_read(m->store, f->forum, 0, UINT64_MAX / 2, load_entry, &l);
}

qr_mforum *qr_mirror_forum(qr_mirror *m, const char *forum, int create)
{
    qr_mforum *f = qr_strmap_get(&m->forums, forum);
    if (f || !create || !qr_valid_id(forum))
        return f;
    if ((f = calloc(1, sizeof *f)) == NULL)
        return NULL;
    snprintf(f->forum, sizeof f->forum, "%s", forum);
    if (reload_rules(m, f) != QR_OK || qr_strmap_put(&m->forums, f->forum, f) != QR_OK) {
        qr_rules_destroy(&f->rules);
        free(f);
        return NULL;
    }
    qr_witness_last_cosigned(m->store, forum, m->key->name, &f->cosigned);
    uint64_t evidence = 0;
    qr_witness_evidence_count(m->store, forum, &evidence);
    f->halted = evidence > 0; /* a split view seen before a restart still stands */
    if (f->halted)
        qr_warn("forum %s: evidence of a split view is on file; not cosigning it", forum);
    char topic[QR_MAX_ID + 16];
    qr_topic_forum(forum, topic, sizeof topic);
    zmq_setsockopt(m->sub, ZMQ_SUBSCRIBE, topic, strlen(topic));
    return f;
}

int qr_mirror_open_forums(qr_mirror *m)
{
    for (size_t i = 0; i < qr_store_forum_count(m->store); i++)
        if (!qr_mirror_forum(m, qr_store_forum_at(m->store, i)->forum, 1))
            return QR_NOMEM;
    return QR_OK;
}

static uint64_t held(qr_mirror *m, const qr_mforum *f)
{
    const qr_store_forum *sf = qr_store_forum_find(m->store, f->forum);
    return sf ? sf->size : 0;
}

/* SHA-256 of the statement bytes inside an entry: the store's duplicate key. */
static int entry_stmt_hash(const uint8_t *entry, size_t len, uint8_t out[QR_HASH_LEN])
{
    Quorum__LogEntry *e = NULL;
    if (qr_entry_decode(entry, len, &e) != QR_OK)
        return QR_BAD_STATEMENT;
    Quorum__SignedStatement *ss = quorum__signed_statement__unpack(
        NULL, e->signed_statement.len, e->signed_statement.data);
    int rc = QR_BAD_STATEMENT;
    if (ss) {
        qr_sha256(out, ss->statement.data, ss->statement.len);
        quorum__signed_statement__free_unpacked(ss, NULL);
        rc = QR_OK;
    }
    quorum__log_entry__free_unpacked(e, NULL);
    return rc;
}

/* Append one fetched entry inside the open transaction, judging it as the daemon should have. */
static int append_entry(qr_mirror *m, qr_mforum *f, const uint8_t *entry, size_t len)
{
    uint64_t seq = held(m, f), got;
    qr_statement *st = NULL;
    qr_refusal why;
    uint8_t hash[QR_HASH_LEN];
    int lawful = qr_replay_entry(f->rules, entry, len, &st, &why) == QR_OK;
    int rc = lawful ? (memcpy(hash, st->stmt_hash, QR_HASH_LEN), QR_OK)
                    : entry_stmt_hash(entry, len, hash);
    if (rc == QR_OK && seq == 0) {
        const char *name = lawful && st->st->kind_case == QUORUM__STATEMENT__KIND_FORUM_CHARTERED
                               ? st->st->forum_chartered->charter->name
                               : f->forum;
        rc = qr_store_forum_create(m->store, f->forum, name, qr_now());
    }
    if (rc == QR_OK)
        rc = qr_store_append(m->store, f->forum, entry, len, hash, &got);
    if (rc == QR_OK && !lawful) {
        char key[128];
        snprintf(key, sizeof key, "unlawful/%s/%llu", f->forum, (unsigned long long)seq);
        qr_mirror_alert(m, "unlawful-entry", f->forum, seq, key,
                        "forum %s entry %llu breaks rule %s: %s", f->forum,
                        (unsigned long long)seq, qr_code_name(why.code), why.message);
    }
    if (rc == QR_OK)
        m->appended++;
    if (rc == QR_OK && lawful)
        qr_mirror_notice(m, f, st, seq);
    qr_statement_destroy(&st);
    return rc;
}

static int verify_note(qr_mirror *m, const char *note, qr_note *parsed, qr_checkpoint *cp)
{
    char vkey[QR_NOTE_VKEY_MAX];
    qr_note_verifier v;
    int rc = qr_note_parse(note, strlen(note), parsed);
    if (rc == QR_OK)
        rc = qr_checkpoint_parse(note, parsed->text_len, cp);
    if (rc == QR_OK)
        rc = qr_key_vkey(m->server, cp->origin, vkey, sizeof vkey);
    if (rc == QR_OK)
        rc = qr_note_vkey_parse(vkey, &v);
    if (rc == QR_OK)
        rc = qr_note_verify(note, parsed, &v);
    return rc == QR_OK ? QR_OK : QR_BAD_NOTE;
}

/* Our copy disagrees with a checkpoint the daemon signed: keep both as evidence, stop. */
static void split_view(qr_mirror *m, qr_mforum *f, const char *what, const char *theirs,
                       uint64_t size)
{
    char *ours = NULL;
    uint64_t ours_size = 0;
    if (qr_witness_checkpoint_at(m->store, f->forum, size, &ours) != QR_OK)
        qr_store_latest_checkpoint(m->store, f->forum, &ours, &ours_size);
    qr_witness_put_evidence(m->store, f->forum, what, ours ? ours : "", theirs, qr_now());
    free(ours);
    f->halted = 1;
    char key[128];
    snprintf(key, sizeof key, "split/%s/%llu", f->forum, (unsigned long long)size);
    qr_mirror_alert(m, "consistency", f->forum, size, key,
                    "forum %s: %s; this mirror keeps its own copy, stops cosigning the forum, "
                    "and holds both signed checkpoints as evidence",
                    f->forum, what);
}

/* Cosign a checkpoint our copy has just matched, recording it before sending it. */
static int cosign(qr_mirror *m, qr_mforum *f, const char *note, const qr_note *parsed,
                  const qr_checkpoint *cp)
{
    char line[QR_NOTE_SIGLINE_MAX];
    char *stored = NULL;
    int rc = qr_cosig_sign_line(note, parsed->text_len, m->key->name, m->key->sign_sk,
                                (uint64_t)qr_now(), line, sizeof line);
    if (rc == QR_OK && (rc = qr_store_begin(m->store)) == QR_OK) {
        if (qr_witness_checkpoint_at(m->store, f->forum, cp->size, &stored) != QR_OK)
            rc = qr_store_put_checkpoint(m->store, f->forum, cp->size, note);
        if (rc == QR_OK)
            rc = qr_witness_put_cosig(m->store, f->forum, cp->size, m->key->name, line,
                                      qr_now());
        if (rc == QR_OK)
            rc = qr_store_commit(m->store);
        else
            qr_store_rollback(m->store);
    }
    free(stored);
    if (rc != QR_OK)
        return rc;
    f->cosigned = cp->size;
    m->cosigned++;
    Quorum__Request req = QUORUM__REQUEST__INIT;
    Quorum__AddCosignature add = QUORUM__ADD_COSIGNATURE__INIT;
    Quorum__Reply *r = NULL;
    add.forum = f->forum;
    add.size = cp->size;
    add.line = line;
    req.op_case = QUORUM__REQUEST__OP_ADD_COSIGNATURE;
    req.add_cosignature = &add;
    if (qr_client_call(m->conn, &req, &r) != QR_OK)
        qr_warn("forum %s: the daemon did not answer our cosignature of size %llu", f->forum,
                (unsigned long long)cp->size);
    else if (qr_reply_code(r) != QR_OK)
        qr_warn("forum %s: the daemon refused our cosignature: %s: %s", f->forum,
                r->status->code, r->status->message);
    else
        qr_info("cosigned forum %s at size %llu", f->forum, (unsigned long long)cp->size);
    if (r)
        quorum__reply__free_unpacked(r, NULL);
    return QR_OK;
}

int qr_mirror_check_checkpoint(qr_mirror *m, qr_mforum *f, const char *note)
{
    qr_note parsed;
    qr_checkpoint cp;
    uint8_t root[QR_HASH_LEN];
    if (verify_note(m, note, &parsed, &cp) != QR_OK) {
        qr_warn("forum %s: a checkpoint that is not signed by the daemon's log key", f->forum);
        return QR_BAD_NOTE;
    }
    if (f->halted)
        return QR_TAMPERED;
    uint64_t have = held(m, f);
    if (cp.size > have)
        return QR_OUT_OF_RANGE; /* newer than our copy: sync first */
    if (cp.size == 0 || qr_store_tree_hash(m->store, f->forum, cp.size, root) != QR_OK ||
        sodium_memcmp(root, cp.root, QR_HASH_LEN) != 0) {
        char what[160];
        snprintf(what, sizeof what,
                 "the daemon signed a checkpoint of size %llu whose root is not our copy's",
                 (unsigned long long)cp.size);
        split_view(m, f, what, note, cp.size);
        return QR_TAMPERED;
    }
    if (cp.size > f->cosigned)
        return cosign(m, f, note, &parsed, &cp);
    return QR_OK;
}

/* One page of entries from `from`; *size gets the daemon's tree size. */
static int fetch(qr_mirror *m, const char *forum, uint64_t from, Quorum__Reply **r)
{
    Quorum__Request req = QUORUM__REQUEST__INIT;
    Quorum__ReadEntries re = QUORUM__READ_ENTRIES__INIT;
    re.forum = (char *)forum;
    re.from = from;
    re.count = QR_MAX_READ_ENTRIES;
    req.op_case = QUORUM__REQUEST__OP_READ_ENTRIES;
    req.read_entries = &re;
    int rc = qr_client_call(m->conn, &req, r);
    if (rc == QR_OK && (qr_reply_code(*r) != QR_OK ||
                        (*r)->result_case != QUORUM__REPLY__RESULT_ENTRIES)) {
        rc = qr_reply_code(*r);
        quorum__reply__free_unpacked(*r, NULL);
        *r = NULL;
    }
    return rc;
}

static int latest_checkpoint(qr_mirror *m, const char *forum, char **note)
{
    Quorum__Request req = QUORUM__REQUEST__INIT;
    Quorum__GetCheckpoint gc = QUORUM__GET_CHECKPOINT__INIT;
    Quorum__Reply *r = NULL;
    gc.forum = (char *)forum;
    req.op_case = QUORUM__REQUEST__OP_GET_CHECKPOINT;
    req.get_checkpoint = &gc;
    int rc = qr_client_call(m->conn, &req, &r);
    if (rc == QR_OK && (qr_reply_code(r) != QR_OK ||
                        r->result_case != QUORUM__REPLY__RESULT_CHECKPOINT || !r->checkpoint->note))
        rc = qr_reply_code(r) != QR_OK ? qr_reply_code(r) : QR_BAD_REQUEST;
    if (rc == QR_OK)
        rc = (*note = strdup(r->checkpoint->note)) ? QR_OK : QR_NOMEM;
    if (r)
        quorum__reply__free_unpacked(r, NULL);
    return rc;
}

/* Append what the daemon has beyond our copy, up to its latest checkpoint, and keep it only if
 * that checkpoint's root is our new root. */
int qr_mirror_sync(qr_mirror *m, qr_mforum *f)
{
    char *note = NULL;
    int rc = QR_OK, in_batch = 0;
    if (f->halted)
        return QR_TAMPERED;
    for (int round = 0; round < 1000000; round++) {
        free(note);
        note = NULL;
        if ((rc = latest_checkpoint(m, f->forum, &note)) != QR_OK)
            break;
        qr_note parsed;
        qr_checkpoint cp;
        if (verify_note(m, note, &parsed, &cp) != QR_OK) {
            qr_warn("forum %s: the daemon served a checkpoint its log key did not sign",
                    f->forum);
            rc = QR_BAD_NOTE;
            break;
        }
        uint64_t have = held(m, f);
        if (cp.size < have && !in_batch) {
            char what[160];
            snprintf(what, sizeof what,
                     "the daemon's tree shrank from %llu entries (ours) to %llu",
                     (unsigned long long)have, (unsigned long long)cp.size);
            split_view(m, f, what, note, cp.size);
            rc = QR_TAMPERED;
            break;
        }
        if (cp.size == have)
            break; /* caught up: verify and cosign below */
        if (!in_batch) {
            if ((rc = qr_store_begin(m->store)) != QR_OK)
                break;
            in_batch = 1;
        }
        while (have < cp.size) {
            Quorum__Reply *r = NULL;
            if ((rc = fetch(m, f->forum, have, &r)) != QR_OK)
                break;
            size_t n = r->entries->n_entries;
            for (size_t i = 0; i < n && rc == QR_OK && have < cp.size; i++, have++)
                rc = append_entry(m, f, r->entries->entries[i].data,
                                  r->entries->entries[i].len);
            quorum__reply__free_unpacked(r, NULL);
            if (rc == QR_OK && n == 0)
                rc = QR_BAD_REQUEST; /* it signed entries it will not serve */
            if (rc != QR_OK)
                break;
        }
        if (rc != QR_OK)
            break;
        if (have == cp.size) {
            /* Check the new root before keeping anything. */
            uint8_t root[QR_HASH_LEN];
            if (qr_store_tree_hash(m->store, f->forum, cp.size, root) != QR_OK ||
                sodium_memcmp(root, cp.root, QR_HASH_LEN) != 0) {
                qr_store_rollback(m->store);
                in_batch = 0;
                reload_rules(m, f);
                char what[200];
                snprintf(what, sizeof what,
                         "the entries the daemon served do not hash to its checkpoint of size "
                         "%llu: its history differs from ours",
                         (unsigned long long)cp.size);
                split_view(m, f, what, note, cp.size);
                rc = QR_TAMPERED;
                break;
            }
            if ((rc = qr_store_put_checkpoint(m->store, f->forum, cp.size, note)) != QR_OK ||
                (rc = qr_store_commit(m->store)) != QR_OK)
                break;
            in_batch = 0;
            /* Cosign what was just verified now rather than chase a live stream: the next
             * event brings the mirror back for the rest. */
            break;
        }
    }
    if (in_batch) {
        qr_store_rollback(m->store);
        reload_rules(m, f);
    }
    if (rc == QR_OK && note)
        rc = qr_mirror_check_checkpoint(m, f, note);
    free(note);
    return rc == QR_OUT_OF_RANGE ? QR_OK : rc;
}
