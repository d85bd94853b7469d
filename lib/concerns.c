/*
 * concerns.c: which organisations an entry concerns (see concerns.h for the rule).
 */
#include "concerns.h"

#include <string.h>

static void add(const char *orgs[QR_CONCERNS_MAX], size_t *n, const char *org)
{
    if (!org || !*org || *n == QR_CONCERNS_MAX)
        return;
    for (size_t i = 0; i < *n; i++)
        if (strcmp(orgs[i], org) == 0)
            return;
    orgs[(*n)++] = org;
}

void qr_concerns(const qr_rules *r, const Quorum__Statement *st, const char *orgs[QR_CONCERNS_MAX],
                 size_t *n)
{
    *n = 0;
    switch (st->kind_case) {
    case QUORUM__STATEMENT__KIND_ORGANISATION_JOINED:
        add(orgs, n, st->organisation_joined->organisation);
        break;
    case QUORUM__STATEMENT__KIND_DELEGATION_GRANTED:
        add(orgs, n, st->delegation_granted->organisation);
        break;
    case QUORUM__STATEMENT__KIND_DELEGATION_REVOKED:
        add(orgs, n, st->delegation_revoked->organisation);
        break;
    case QUORUM__STATEMENT__KIND_MATTER_RESERVED:
        add(orgs, n, st->matter_reserved->organisation);
        break;
    case QUORUM__STATEMENT__KIND_PROPOSAL_CLOSED: {
        const qr_proposal *p = qr_rules_proposal(r, st->proposal_closed->proposal);
        for (size_t i = 0; p && i < p->noutcomes; i++)
            add(orgs, n, p->outcomes[i].org);
        break;
    }
    case QUORUM__STATEMENT__KIND_RATIFIED:
        add(orgs, n, st->ratified->organisation);
        break;
    case QUORUM__STATEMENT__KIND_RATIFICATION_REFUSED:
        add(orgs, n, st->ratification_refused->organisation);
        break;
    case QUORUM__STATEMENT__KIND_DECISION_OVERTURNED:
        for (size_t i = 0; i < r->norgs; i++)
            add(orgs, n, r->orgs[i].id);
        break;
    case QUORUM__STATEMENT__KIND_ACTION_ASSIGNED:
        add(orgs, n, st->action_assigned->organisation);
        break;
    case QUORUM__STATEMENT__KIND_ACTION_UPDATED: {
        const qr_action *a = qr_rules_action(r, st->action_updated->action);
        if (a)
            add(orgs, n, a->org);
        break;
    }
    default:
        break;
    }
}
