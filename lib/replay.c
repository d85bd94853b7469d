/*
 * replay.c: one stored entry through the rulebook.
 */
#include "replay.h"

#include "merkle.h"

#include <stdio.h>
#include <string.h>

#define CHECKED 1 /* the caller already verified the signature, with the result signature_ok */
#define TRUSTED 2 /* start-up: no signature, no statement hash, the leaf given */

static int replay(qr_rules *r, const uint8_t *entry, size_t len, int how, int signature_ok,
                  const uint8_t *given_leaf, qr_statement **stmt, qr_refusal *why)
{
    Quorum__LogEntry *e = NULL;
    qr_statement *st = NULL;
    uint8_t leaf[QR_HASH_LEN];
    why->code = QR_OK;
    why->message[0] = 0;
    int rc = qr_entry_decode(entry, len, &e);
    if (rc != QR_OK) {
        snprintf(why->message, sizeof why->message, "entry %llu does not decode",
                 (unsigned long long)r->size);
        why->code = rc;
        goto out;
    }
    if (e->seq != r->size) {
        snprintf(why->message, sizeof why->message, "entry %llu says it is entry %llu",
                 (unsigned long long)r->size, (unsigned long long)e->seq);
        rc = why->code = QR_TAMPERED;
        goto out;
    }
    const ProtobufCBinaryData *b = &e->signed_statement;
    char *msg = why->message;
    size_t mlen = sizeof why->message;
    rc = how == TRUSTED   ? qr_statement_open_trusted(b->data, b->len, &st, msg, mlen)
         : how == CHECKED ? qr_statement_open_checked(b->data, b->len, signature_ok, &st, msg, mlen)
                          : qr_statement_open(b->data, b->len, &st, msg, mlen);
    if (rc != QR_OK) {
        why->code = rc;
        goto out;
    }
    if (given_leaf)
        memcpy(leaf, given_leaf, QR_HASH_LEN);
    else
        qr_merkle_leaf_hash(entry, len, leaf);
    rc = qr_rules_apply(r, st, e->seq, e->logged_at, leaf, why);
    if (rc == QR_OK && stmt) {
        *stmt = st;
        st = NULL;
    }
out:
    if (rc != QR_OK) {
        if (given_leaf)
            memcpy(leaf, given_leaf, QR_HASH_LEN);
        else
            qr_merkle_leaf_hash(entry, len, leaf);
        qr_rules_skip(r, leaf);
    }
    qr_statement_destroy(&st);
    if (e)
        quorum__log_entry__free_unpacked(e, NULL);
    return rc;
}

int qr_replay_entry(qr_rules *r, const uint8_t *entry, size_t len, qr_statement **stmt,
                    qr_refusal *why)
{
    return replay(r, entry, len, 0, 0, NULL, stmt, why);
}

int qr_replay_entry_checked(qr_rules *r, const uint8_t *entry, size_t len, int signature_ok,
                            qr_statement **stmt, qr_refusal *why)
{
    return replay(r, entry, len, CHECKED, signature_ok, NULL, stmt, why);
}

int qr_replay_entry_trusted(qr_rules *r, const uint8_t *entry, size_t len,
                            const uint8_t leaf[QR_HASH_LEN], qr_statement **stmt, qr_refusal *why)
{
    return replay(r, entry, len, TRUSTED, 1, leaf, stmt, why);
}
