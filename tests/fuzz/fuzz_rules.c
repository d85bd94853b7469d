/*
 * fuzz_rules.c: every statement kind through the rulebook (lib/rules.c, lib/rules_vote.c), deep
 * in a forum's life.
 *
 * Signatures are taken as good (qr_statement_open_checked), so the fuzzer can speak as anyone:
 * the signer field of each SignedStatement is the key the rules check (operator, clerk, a
 * board, a member); with bit 2 of byte 0 set they are verified instead (qr_statement_open), as
 * the daemon does, and only statements signed for real (the seeds) get past.  Each input
 * starts from a forum the fixture builds with real statements:
 *
 *   byte 0 % 4:  0 an empty forum "city"; 1 "city" chartered with members, delegations, meeting
 *                m1 open with attendance and proposals p1, p2 tabled; 2 the recommending forum
 *                "ics" at the same point; 3 "city" with all its business done (meeting closed)
 *
 * then takes up to 64 SignedStatements, each prefixed by a two-byte big-endian length, and
 * judges each as the next entry, logged at fx_time(seq) (statements signed then pass the clock
 * check).  A statement that does not open, or is refused, is stepped over as a replay does.
 * A refusal must say why and leave the state as it was; after the last statement the views a
 * clerk sees (outcomes, effective outcomes, quorum, latest votes) are computed.
 */
#include "fixture.h"
#include "fuzz.h"

#include "merkle.h"

#include <stdlib.h>
#include <string.h>

#define MAX_STATEMENTS 64

typedef struct {
    uint64_t size;
    size_t counts[10];
    size_t votes, history;
} shape;

static shape shape_of(const qr_rules *r)
{
    shape s;
    memset(&s, 0, sizeof s);
    s.size = r->size;
    size_t c[10] = {r->norgs,      r->nmembers,         r->ndelegations, r->nmeetings,
                    r->nproposals, r->nactions,         r->ncorrections, r->napprovals,
                    r->nreserved,  (size_t)r->chartered};
    memcpy(s.counts, c, sizeof c);
    for (size_t i = 0; i < r->nproposals; i++)
        s.votes += r->proposals[i].nvotes + (size_t)r->proposals[i].closed;
    for (size_t i = 0; i < r->nactions; i++)
        s.history += r->actions[i].nhistory;
    return s;
}

static void views(const qr_rules *r)
{
    for (size_t i = 0; i < r->nproposals; i++) {
        const qr_proposal *p = &r->proposals[i];
        qr_outcome *o = NULL;
        size_t n = 0;
        Quorum__ForumResult res;
        if (qr_rules_outcomes(r, p->id, &o, &n, &res) == QR_OK)
            free(o);
        for (size_t k = 0; k < p->noutcomes; k++) {
            (void)qr_rules_effective_outcome(p, k);
            (void)qr_rules_latest_vote(p, p->outcomes[k].org);
        }
        if (qr_rules_proposal(r, p->id) != p)
            abort();
    }
    const qr_meeting *m = qr_rules_open_meeting(r);
    for (size_t i = 0; m && i < r->norgs; i++)
        (void)qr_rules_quorate(r, m, r->orgs[i].id);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fx_reader in = {data, size};
    uint8_t first = fx_byte(&in);
    int base = first % 4, verify = first & 4;
    const fx_forum *f = base == 2 ? fx_ics() : fx_city();
    qr_rules *r = fx_rules(f, base == 0 ? 0 : base == 3 ? f->n : f->base);
    const uint8_t *piece;
    size_t len;
    if (!r)
        return 0;
    for (int i = 0; i < MAX_STATEMENTS && fx_next(&in, &piece, &len); i++) {
        qr_statement *s = NULL;
        qr_refusal why;
        uint8_t leaf[QR_HASH_LEN];
        uint64_t seq = r->size;
        qr_merkle_leaf_hash(piece, len, leaf); /* stands in for the entry's leaf */
        int rc = verify ? qr_statement_open(piece, len, &s, NULL, 0)
                        : qr_statement_open_checked(piece, len, 1, &s, NULL, 0);
        if (rc != QR_OK) {
            qr_rules_skip(r, leaf);
            continue;
        }
        shape before = shape_of(r);
        rc = qr_rules_apply(r, s, seq, fx_time(seq), leaf, &why);
        if (rc != QR_OK) {
            shape after = shape_of(r);
            if (why.code != rc || !why.message[0] || memcmp(&before, &after, sizeof before) != 0)
                abort(); /* a refusal says why and changes nothing */
            qr_rules_skip(r, leaf);
        } else if (r->size != seq + 1) {
            abort();
        }
        qr_statement_destroy(&s);
    }
    views(r);
    qr_rules_destroy(&r);
    return 0;
}
