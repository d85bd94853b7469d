/*
 * concerns.h: which organisations an entry concerns, for each organisation's own feed.
 *
 * A governance team follows "what binds us" across every forum its organisation sits on in
 * one feed (the "org/<id>/" topic).  An entry goes to an organisation's feed when it changes
 * what that organisation is bound to or owes, or asks something of its board:
 *
 *   OrganisationJoined, DelegationGranted/Revoked,
 *   MatterReserved                                 the organisation itself
 *   ProposalClosed                                 every organisation with an outcome (its
 *                                                  outcome; a ratification asked of its board)
 *   Ratified, RatificationRefused                  the organisation whose board decided
 *   DecisionOverturned                             every member organisation: partners are
 *                                                  told at once
 *   ActionAssigned, ActionUpdated                  the owning organisation
 *
 * The rules state is read after the entry was applied (ActionUpdated is found by its action).
 */
#ifndef QR_CONCERNS_H
#define QR_CONCERNS_H

#include "rules.h"

#define QR_CONCERNS_MAX 64 /* organisations named for one entry; the rest are not fed */

/* The organisations `st` concerns, into orgs[0..*n) (borrowed from st or r). */
void qr_concerns(const qr_rules *r, const Quorum__Statement *st, const char *orgs[QR_CONCERNS_MAX],
                 size_t *n);

#endif
