/*
 * replay.c: one stored entry through the rulebook.
 */
#include "replay.h"

#include "merkle.h"

#include <stdio.h>

/* checked: the caller already verified the signature, with the result signature_ok. */
static int replay(qr_rules *r, const uint8_t *entry, size_t len, int checked, int signature_ok,
                  qr_statement **stmt, qr_refusal *why)
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
    rc = checked ? qr_statement_open_checked(e->signed_statement.data, e->signed_statement.len,
                                             signature_ok, &st, why->message, sizeof why->message)
                 : qr_statement_open(e->signed_statement.data, e->signed_statement.len, &st,
                                     why->message, sizeof why->message);
    if (rc != QR_OK) {
        why->code = rc;
        goto out;
    }
    qr_merkle_leaf_hash(entry, len, leaf);
    rc = qr_rules_apply(r, st, e->seq, e->logged_at, leaf, why);
    if (rc == QR_OK && stmt) {
        *stmt = st;
        st = NULL;
    }
out:
    if (rc != QR_OK) {
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
    return replay(r, entry, len, 0, 0, stmt, why);
}

int qr_replay_entry_checked(qr_rules *r, const uint8_t *entry, size_t len, int signature_ok,
                            qr_statement **stmt, qr_refusal *why)
{
    return replay(r, entry, len, 1, signature_ok, stmt, why);
}
