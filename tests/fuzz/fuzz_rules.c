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

#include <stdlib.h>
#include <string.h>

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
    fx_played p;
    if (fx_play(&p, data, size) == QR_OK)
        views(p.r);
    fx_played_free(&p);
    return 0;
}
