/*
 * fuzz_statement.c: a SignedStatement or a LogEntry from outside, opened as the daemon and the
 * clients open them: qr_statement_open (size, decode, field lengths, unknown fields, the
 * signature over the domain string, the inner Statement, its forum id and kind), the same with
 * the signature taken as good (qr_statement_open_checked) so the checks after it are reached,
 * the statement judged by an empty forum's rulebook; and the bytes as a LogEntry
 * (qr_entry_decode) replayed into an empty forum (qr_replay_entry_checked, with the signature
 * checked and, as quorumd's start-up does, taken as good).  The start-up's peek at a LogEntry
 * (qr_entry_peek) must agree with a decode of the entry, its signed statement and its
 * statement wherever those decode.
 */
#include "fixture.h"
#include "fuzz.h"

#include "merkle.h"
#include "replay.h"

#include <stdlib.h>
#include <string.h>

static void judge(const qr_statement *s, const uint8_t *data, size_t size)
{
    qr_rules *r = qr_rules_new(s->st->forum);
    qr_refusal why;
    uint8_t leaf[QR_HASH_LEN];
    if (!r)
        return;
    qr_merkle_leaf_hash(data, size, leaf);
    if (strcmp(qr_statement_kind(s->st), "unknown") == 0)
        abort(); /* open refuses kinds it does not know */
    if (qr_rules_apply(r, s, 0, s->st->signed_at, leaf, &why) != QR_OK && why.code == QR_OK)
        abort(); /* a refusal always says why */
    qr_rules_destroy(&r);
}

/* What a decode says the entry's number and kind are; 0 if any layer does not decode. */
static int decoded_kind(const uint8_t *data, size_t size, uint64_t *seq, int *kind)
{
    Quorum__LogEntry *e = NULL;
    Quorum__SignedStatement *ss = NULL;
    Quorum__Statement *st = NULL;
    int ok = 0;
    if (qr_entry_decode(data, size, &e) == QR_OK &&
        (ss = quorum__signed_statement__unpack(NULL, e->signed_statement.len,
                                               e->signed_statement.data)) != NULL &&
        (st = quorum__statement__unpack(NULL, ss->statement.len, ss->statement.data)) != NULL) {
        *seq = e->seq;
        *kind = (int)st->kind_case;
        ok = 1;
    }
    if (st)
        quorum__statement__free_unpacked(st, NULL);
    if (ss)
        quorum__signed_statement__free_unpacked(ss, NULL);
    if (e)
        quorum__log_entry__free_unpacked(e, NULL);
    return ok;
}

static void peek(const uint8_t *data, size_t size)
{
    uint64_t seq = 0, dseq = 0;
    int kind = -1, dkind = -1;
    int peeked = qr_entry_peek(data, size, &seq, &kind) == QR_OK;
    if (decoded_kind(data, size, &dseq, &dkind) && (!peeked || seq != dseq || kind != dkind))
        abort(); /* start-up would open the wrong entries */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    qr_statement *s = NULL;
    char err[256];
    qr_refusal why;
    if (qr_statement_open(data, size, &s, err, sizeof err) == QR_OK) {
        judge(s, data, size);
        qr_statement_destroy(&s);
    }
    if (qr_statement_open_checked(data, size, 1, &s, err, sizeof err) == QR_OK) {
        judge(s, data, size);
        qr_statement_destroy(&s);
    }
    peek(data, size);
    for (int checked = 0; checked < 2; checked++) {
        qr_rules *r = qr_rules_new("city");
        if (!r)
            break;
        int rc = checked ? qr_replay_entry_checked(r, data, size, 1, &s, &why)
                         : qr_replay_entry(r, data, size, &s, &why);
        if (rc == QR_OK)
            qr_statement_destroy(&s);
        if (r->size != 1)
            abort(); /* accepted or stepped over, the entry is counted */
        qr_rules_destroy(&r);
    }
    return 0;
}
