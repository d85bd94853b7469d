/*
 * fuzz_reply.c: what a client or mirror receives from a daemon it need not trust: a Reply
 * frame on the request socket (byte 0 even) or an Event frame on the event socket (byte 0
 * odd), decoded as lib/wire.c and the clients decode them, then every part they go on to
 * parse: the status code (qr_reply_code), checkpoint notes and their bodies, the log's
 * verifier key and its signature, proofs (hash lengths, then qr_merkle_verify_inclusion or
 * _consistency against the reply's own roots), entries (qr_entry_decode, then
 * qr_statement_open), forum ids, and an event's entry replayed into a forum's rulebook as the
 * mirror does.
 */
#include "fuzz.h"

#include "checkpoint.h"
#include "merkle.h"
#include "note.h"
#include "replay.h"
#include "util.h"
#include "wire.h"

#include <stdlib.h>
#include <string.h>

static void note(const char *text, const char *vkey)
{
    qr_note *n = malloc(sizeof *n);
    qr_checkpoint cp;
    qr_note_verifier v;
    if (n && text && qr_note_parse(text, strlen(text), n) == QR_OK) {
        (void)qr_checkpoint_parse(text, n->text_len, &cp);
        if (vkey && qr_note_vkey_parse(vkey, &v) == QR_OK)
            (void)!qr_note_verify(text, n, &v);
    }
    free(n);
}

static void proof(const Quorum__Proof *p)
{
    qr_merkle_proof *m = calloc(1, sizeof *m);
    if (!m || p->n_hashes > QR_MERKLE_MAX_PROOF || p->root.len != QR_HASH_LEN)
        goto out;
    for (size_t i = 0; i < p->n_hashes; i++) {
        if (p->hashes[i].len != QR_HASH_LEN)
            goto out;
        memcpy(m->hash[i], p->hashes[i].data, QR_HASH_LEN);
    }
    m->n = p->n_hashes;
    if (p->leaf_hash.len == QR_HASH_LEN)
        (void)!qr_merkle_verify_inclusion(p->index, p->size, p->leaf_hash.data, m, p->root.data);
    else if (p->old_root.len == QR_HASH_LEN)
        (void)!qr_merkle_verify_consistency(p->index, p->size, p->old_root.data, p->root.data, m);
out:
    free(m);
}

static void entry(const uint8_t *bytes, size_t len)
{
    Quorum__LogEntry *e = NULL;
    qr_statement *s = NULL;
    char err[256];
    if (qr_entry_decode(bytes, len, &e) != QR_OK)
        return;
    if (qr_statement_open(e->signed_statement.data, e->signed_statement.len, &s, err, sizeof err) ==
        QR_OK)
        qr_statement_destroy(&s);
    quorum__log_entry__free_unpacked(e, NULL);
}

static void reply(const uint8_t *data, size_t size)
{
    Quorum__Reply *r = quorum__reply__unpack(NULL, size, data);
    if (!r)
        return;
    (void)qr_code_name(qr_reply_code(r));
    switch (r->result_case) {
    case QUORUM__REPLY__RESULT_SUBMITTED:
        note(r->submitted->checkpoint, NULL);
        break;
    case QUORUM__REPLY__RESULT_ENTRIES:
        for (size_t i = 0; i < r->entries->n_entries && i < QR_MAX_READ_ENTRIES; i++)
            entry(r->entries->entries[i].data, r->entries->entries[i].len);
        break;
    case QUORUM__REPLY__RESULT_CHECKPOINT:
        note(r->checkpoint->note, r->checkpoint->log_vkey);
        break;
    case QUORUM__REPLY__RESULT_PROOF:
        proof(r->proof);
        break;
    case QUORUM__REPLY__RESULT_FORUMS:
        for (size_t i = 0; i < r->forums->n_forums; i++)
            (void)qr_valid_id(r->forums->forums[i]->forum);
        break;
    default:
        break;
    }
    quorum__reply__free_unpacked(r, NULL);
}

static void event(const uint8_t *data, size_t size)
{
    Quorum__Event *ev = quorum__event__unpack(NULL, size, data);
    qr_refusal why;
    if (!ev)
        return;
    note(ev->checkpoint, NULL);
    if (ev->entry.len && qr_valid_id(ev->forum)) {
        qr_rules *r = qr_rules_new(ev->forum);
        if (r && qr_replay_entry(r, ev->entry.data, ev->entry.len, NULL, &why) != QR_OK &&
            why.code == QR_OK)
            abort(); /* a refusal says why */
        qr_rules_destroy(&r);
    }
    quorum__event__free_unpacked(ev, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > QR_MAX_MESSAGE)
        return 0;
    if (data[0] & 1)
        event(data + 1, size - 1);
    else
        reply(data + 1, size - 1);
    return 0;
}
