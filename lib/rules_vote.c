/*
 * rules_vote.c: the rulebook, part two: the decisions and what follows them.  Proposals and
 * the votes on them, the outcome per organisation and the forum's result, what each board
 * then did (ratified, refused, overturned), the actions that follow, and the corrections and
 * approvals of the record.  What decisions are judged against (charter, organisations,
 * members, delegations, reserved matters, meetings and attendance) and the entry point are
 * in rules.c, whose opening essay says how a statement is judged; everything here keeps to it.
 *
 * Votes and outcomes
 * ------------------
 * A vote is cast by an organisation, through a representative recorded present for it, and
 * only an organisation decides for itself: the outcome of a proposal is computed per
 * organisation from its latest vote (rule 1), with an abstention recorded as a decision not to
 * decide (rule 2).  A changed vote is a new vote; the earlier ones stay, marked superseded
 * (rule 3).  In a forum with delegated authority a vote FOR or AGAINST binds, so it must sit
 * inside a live delegation from that organisation's board (rule 4); an abstention binds no one
 * and needs none, and in a forum that only recommends or advises no vote binds anyone, so none
 * needs a delegation: there the outcome is a view (SUPPORTS, OPPOSES, NO_VIEW) and, where the
 * forum recommends, each board's ratification is the binding act (rule 7).
 *
 * An organisation not quorate at the meeting, by the charter's rule, cannot vote, and if it
 * cast no vote its outcome says INQUORATE rather than DID_NOT_VOTE: the minutes must show that
 * it could not have been bound.  The clerk signs the outcome when closing a proposal, and the
 * rulebook recomputes it here: a mismatch is refused, naming the first difference.
 */
#define QR_RULES_INTERNAL
#include "rules.h"

#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- proposals -------------------------------------------------------------------------- */

static qr_proposal *find_proposal(const qr_rules *r, const char *id)
{
    long i = qr_rules_ix_get(&r->proposal_ids, id);
    return i >= 0 ? &r->proposals[i] : NULL;
}

const qr_proposal *qr_rules_proposal(const qr_rules *r, const char *id)
{
    return find_proposal(r, id);
}

static int need_proposal(qr_rules_ctx *c, const char *id, qr_proposal **out)
{
    int rc;
    if ((rc = qr_rules_need_id(c, "proposal", id)) != QR_OK)
        return rc;
    if ((*out = find_proposal(c->r, id)) == NULL)
        return qr_rules_refuse(c, QR_NOT_FOUND, "there is no proposal %s in forum %s", id,
                               c->r->forum);
    return QR_OK;
}

static void free_proposal(qr_proposal *p)
{
    free(p->title);
    free(p->text);
    free(p->matter_class);
    for (size_t i = 0; i < p->nvotes; i++)
        free(p->votes[i].reason);
    free(p->votes);
    free(p->outcomes);
    free(p->reasons);
    free(p->debate);
    free(p->board);
    free(p->overturned);
}

static int apply_tabled(qr_rules_ctx *c)
{
    const Quorum__ProposalTabled *t = c->s->proposal_tabled;
    qr_rules *r = c->r;
    qr_meeting *m;
    int rc;
    if ((rc = qr_rules_need_id(c, "proposal", t->proposal)) != QR_OK ||
        (rc = qr_rules_need_id(c, "meeting", t->meeting)) != QR_OK ||
        (rc = qr_rules_need_clerk(c)) != QR_OK)
        return rc;
    const qr_proposal *old = find_proposal(r, t->proposal);
    if (old)
        return qr_rules_refuse(c, QR_DUPLICATE_ID,
                               "proposal %s was already tabled in forum %s, at meeting %s",
                               t->proposal, r->forum, old->meeting);
    if ((rc = qr_rules_need_open_meeting(c, t->meeting, &m)) != QR_OK)
        return rc;
    if (qr_rules_empty(t->title) || qr_rules_empty(t->matter_class))
        return qr_rules_refuse(c, QR_BAD_STATEMENT,
                               "proposal %s needs a title and a class of matter", t->proposal);
    if (t->financial_value < 0)
        return qr_rules_refuse(c, QR_BAD_STATEMENT, "proposal %s has a negative financial value",
                               t->proposal);
    if (t->stage < QUORUM__STAGE__STAGE_UNSPECIFIED || t->stage > QUORUM__STAGE__FOLLOW_THROUGH)
        return qr_rules_refuse(c, QR_BAD_STATEMENT,
                               "proposal %s has a stage this daemon does "
                               "not know",
                               t->proposal);

    qr_proposal p = {.statutory = t->statutory ? 1 : 0,
                     .financial_value = t->financial_value,
                     .stage = t->stage,
                     .tabled_seq = c->seq};
    snprintf(p.id, sizeof p.id, "%s", t->proposal);
    snprintf(p.meeting, sizeof p.meeting, "%s", t->meeting);
    p.title = qr_rules_strdup(t->title);
    p.text = qr_rules_strdup(t->text);
    p.matter_class = qr_rules_strdup(t->matter_class);
    qr_proposal *arr = qr_rules_room(r->proposals, r->nproposals, sizeof *arr);
    if (arr)
        r->proposals = arr;
    if (!arr || !p.title || !p.text || !p.matter_class ||
        qr_rules_ix_put(&r->proposal_ids, p.id, r->nproposals) != QR_OK) {
        free_proposal(&p);
        return qr_rules_refuse(c, QR_NOMEM, "out of memory recording a proposal");
    }
    r->proposals[r->nproposals++] = p;
    return QR_OK;
}

/* ---- votes ------------------------------------------------------------------------------ */

const qr_vote *qr_rules_latest_vote(const qr_proposal *p, const char *org)
{
    for (size_t i = p->nvotes; org && i-- > 0;)
        if (!p->votes[i].superseded && strcmp(p->votes[i].org, org) == 0)
            return &p->votes[i];
    return NULL;
}

static size_t quorum_needed(const qr_rules *r)
{
    uint32_t q = 0;
    if (r->charter && r->charter->quorum)
        q = r->charter->quorum->min_voting_members_per_org;
    return q ? q : 1;
}

static size_t voting_present(const qr_rules *r, const qr_meeting *m, const char *org)
{
    size_t n = 0;
    for (size_t i = 0; i < m->npresent; i++) {
        if (strcmp(m->present[i].org, org) != 0)
            continue;
        const qr_member *x = qr_rules_current_member(r, org, m->present[i].person);
        n += x && x->voting;
    }
    return n;
}

int qr_rules_quorate(const qr_rules *r, const qr_meeting *m, const char *org)
{
    if (!r || !m || !org)
        return 0;
    return voting_present(r, m, org) >= quorum_needed(r);
}

static const qr_attendee *find_attendee(const qr_attendee *a, size_t n, const char *org,
                                        const char *person)
{
    for (size_t i = 0; i < n; i++)
        if ((!org || strcmp(a[i].org, org) == 0) && strcmp(a[i].person, person) == 0)
            return &a[i];
    return NULL;
}

static int check_presence(qr_rules_ctx *c, const Quorum__VoteCast *v, const qr_meeting *m)
{
    if (find_attendee(m->present, m->npresent, v->organisation, v->person))
        return QR_OK;
    qr_label a, b; /* only a refusal needs them: labels cost a snprintf each */
    const char *who = qr_rules_person_label(c->r, v->organisation, v->person, &a);
    const char *org = qr_rules_org_label(c->r, v->organisation, &b);
    if (find_attendee(m->in_attendance, m->nin_attendance, NULL, v->person))
        return qr_rules_refuse(c, QR_NOT_PRESENT,
                               "%s cannot vote for %s: at meeting %s they are only in attendance, "
                               "and people in attendance never vote",
                               who, org, m->id);
    const qr_attendee *other = find_attendee(m->present, m->npresent, NULL, v->person);
    if (other)
        return qr_rules_refuse(c, QR_NOT_PRESENT,
                               "%s cannot vote for %s: at meeting %s they are recorded present "
                               "for %s, not for %s",
                               who, org, m->id, other->org, v->organisation);
    return qr_rules_refuse(c, QR_NOT_PRESENT,
                           "%s cannot vote for %s: they are not recorded as present at meeting %s",
                           who, org, m->id);
}

/* "£1,250,000.00" from pence (never negative here: values and limits are checked). */
static void money(int64_t pence, char out[48])
{
    char digits[24], grouped[32];
    int n = snprintf(digits, sizeof digits, "%lld", (long long)(pence / 100)), k = 0;
    for (int i = 0; i < n; i++) {
        grouped[k++] = digits[i];
        if (i < n - 1 && (n - 1 - i) % 3 == 0)
            grouped[k++] = ',';
    }
    grouped[k] = 0;
    snprintf(out, 48, "£%s.%02u", grouped, (unsigned)(pence % 100) % 100u);
}

static int holds(const qr_delegation *d, const char *person)
{
    for (size_t i = 0; i < d->nholders; i++)
        if (strcmp(d->holders[i], person) == 0)
            return 1;
    return 0;
}

static int covers(const qr_delegation *d, const char *cls)
{
    for (size_t i = 0; i < d->nclasses; i++)
        if (strcmp(d->classes[i], cls) == 0)
            return 1;
    return 0;
}

static void join_strv(char *const *v, size_t n, char *out, size_t outlen)
{
    size_t used = 0;
    out[0] = 0;
    for (size_t i = 0; i < n && used < outlen; i++) {
        int k = snprintf(out + used, outlen - used, "%s%s", i ? ", " : "", v[i]);
        used += k > 0 ? (size_t)k : 0;
    }
}

/* Rule 4: a vote that binds must sit inside a live delegation from the organisation's board,
 * checked in the order the refusal codes are listed in DESIGN.md's rule. */
/* A vote outside its envelope: "<person> cannot bind <organisation>" and then why.  The
 * labels are made only here, for a refusal: every lawful vote passes through these checks. */
static int refuse_bind(qr_rules_ctx *c, const Quorum__VoteCast *v, int code, const char *fmt, ...)
    QR_PRINTF(4, 5);
static int refuse_bind(qr_rules_ctx *c, const Quorum__VoteCast *v, int code, const char *fmt, ...)
{
    qr_label a, b;
    char why[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return qr_rules_refuse(c, code, "%s cannot bind %s%s",
                           qr_rules_person_label(c->r, v->organisation, v->person, &a),
                           qr_rules_org_label(c->r, v->organisation, &b), why);
}

static int check_envelope(qr_rules_ctx *c, const Quorum__VoteCast *v, const qr_proposal *p)
{
    qr_rules *r = c->r;
    qr_label x;
    char list[256], d1[32], m1[48], m2[48];
    if (qr_rules_reserved(r, v->organisation, p->matter_class))
        return refuse_bind(c, v, QR_RESERVED_MATTER,
                           " on proposal %s: the board of %s has reserved %s matters to itself",
                           p->id, v->organisation, p->matter_class);
    const qr_delegation *d = qr_rules_delegation(r, v->delegation);
    if (qr_rules_empty(v->delegation))
        return refuse_bind(c, v, QR_NO_DELEGATION,
                           ": the vote names no delegation, and in forum %s a vote %s binds only "
                           "under a delegation from the board",
                           r->forum, qr_rules_choice_name(v->choice));
    if (!d)
        return refuse_bind(c, v, QR_NO_DELEGATION, ": there is no delegation %s in forum %s",
                           v->delegation, r->forum);
    if (strcmp(d->org, v->organisation) != 0)
        return refuse_bind(c, v, QR_NO_DELEGATION, ": delegation %s was granted by %s, not by %s",
                           d->id, qr_rules_org_label(r, d->org, &x), v->organisation);
    if (!holds(d, v->person)) {
        join_strv(d->holders, d->nholders, list, sizeof list);
        return refuse_bind(c, v, QR_NO_DELEGATION, ": delegation %s is held by %s, not by %s",
                           d->id, list, v->person);
    }
    if (d->revoked)
        return refuse_bind(c, v, QR_DELEGATION_REVOKED, ": delegation %s was revoked by its board",
                           d->id);
    if (c->at < d->valid_from)
        return refuse_bind(c, v, QR_DELEGATION_EXPIRED, ": delegation %s is valid only from %s",
                           d->id, qr_rules_date(d->valid_from, d1));
    if (c->at > d->valid_until)
        return refuse_bind(c, v, QR_DELEGATION_EXPIRED, ": delegation %s expired on %s", d->id,
                           qr_rules_date(d->valid_until, d1));
    if (!covers(d, p->matter_class)) {
        join_strv(d->classes, d->nclasses, list, sizeof list);
        return refuse_bind(c, v, QR_OUT_OF_SCOPE,
                           " on proposal %s: delegation %s covers %s, not %s matters", p->id,
                           d->id, list, p->matter_class);
    }
    if (p->financial_value > d->financial_limit) {
        money(p->financial_value, m1);
        money(d->financial_limit, m2);
        return refuse_bind(c, v, QR_OVER_FINANCIAL_LIMIT,
                           " on proposal %s: it is worth %s, over the %s limit of delegation %s",
                           p->id, m1, m2, d->id);
    }
    return QR_OK;
}

static int need_voter_key(qr_rules_ctx *c, const Quorum__VoteCast *v, const qr_member *m)
{
    qr_label a, b, k;
    if (v->recorded_by_clerk) {
        if (qr_rules_is_clerk(c->r, c->st->signer))
            return QR_OK;
        return qr_rules_refuse(c, QR_WRONG_SIGNER,
                               "a vote recorded by the clerk for %s must be signed by a clerk of "
                               "forum %s; it was signed by %s",
                               qr_rules_org_label(c->r, v->organisation, &a), c->r->forum,
                               qr_rules_key_label(c->r, c->st->signer, &k));
    }
    if (memcmp(m->pk, c->st->signer, 32) == 0)
        return QR_OK;
    return qr_rules_refuse(c, QR_WRONG_SIGNER,
                           "the vote of %s for %s must be signed with their own key, or recorded "
                           "by a clerk; it was signed by %s",
                           qr_rules_person_label(c->r, v->organisation, v->person, &a),
                           qr_rules_org_label(c->r, v->organisation, &b),
                           qr_rules_key_label(c->r, c->st->signer, &k));
}

static int check_vote(qr_rules_ctx *c, const Quorum__VoteCast *v, qr_proposal **pp)
{
    qr_rules *r = c->r;
    qr_label a, b;
    qr_org *o;
    qr_member *mem;
    qr_proposal *p;
    int rc;
    if ((rc = qr_rules_need_id(c, "proposal", v->proposal)) != QR_OK ||
        (rc = qr_rules_need_id(c, "organisation", v->organisation)) != QR_OK ||
        (rc = qr_rules_need_id(c, "person", v->person)) != QR_OK ||
        (!qr_rules_empty(v->delegation) &&
         (rc = qr_rules_need_id(c, "delegation", v->delegation)) != QR_OK))
        return rc;
    if (v->choice < QUORUM__CHOICE__FOR || v->choice > QUORUM__CHOICE__ABSTAIN)
        return qr_rules_refuse(c, QR_BAD_STATEMENT,
                               "the vote of %s for %s on proposal %s must be FOR, AGAINST or "
                               "ABSTAIN",
                               v->person, v->organisation, v->proposal);
    if ((rc = need_proposal(c, v->proposal, &p)) != QR_OK)
        return rc;
    if (p->closed)
        return qr_rules_refuse(c, QR_PROPOSAL_CLOSED,
                               "proposal %s (%s) closed at entry %llu; the vote of %s for %s "
                               "comes too late",
                               p->id, p->title, (unsigned long long)p->closed_seq, v->person,
                               v->organisation);
    const qr_meeting *m = qr_rules_meeting(r, p->meeting);
    if (!m || !m->open)
        return qr_rules_refuse(c, QR_MEETING_NOT_OPEN,
                               "meeting %s, where proposal %s was tabled, is closed: votes on it "
                               "can no longer be cast",
                               p->meeting, p->id);
    if ((rc = qr_rules_need_org(c, v->organisation, &o)) != QR_OK ||
        (rc = qr_rules_need_member(c, v->organisation, v->person, &mem)) != QR_OK ||
        (rc = need_voter_key(c, v, mem)) != QR_OK)
        return rc;
    if ((rc = check_presence(c, v, m)) != QR_OK)
        return rc;
    if (p->statutory && o->membership == QUORUM__MEMBERSHIP__ASSOCIATE)
        return qr_rules_refuse(c, QR_ASSOCIATE_CANNOT_VOTE,
                               "%s is an associate member of forum %s, and proposal %s (%s) is a "
                               "statutory matter on which only full members vote",
                               qr_rules_org_label(r, o->id, &b), r->forum, p->id, p->title);
    if (!qr_rules_quorate(r, m, o->id))
        return qr_rules_refuse(c, QR_INQUORATE,
                               "%s is not quorate at meeting %s: it needs %zu voting member(s) of "
                               "its own present and has %zu, so it cannot vote on proposal %s",
                               qr_rules_org_label(r, o->id, &b), m->id, quorum_needed(r),
                               voting_present(r, m, o->id), p->id);
    if (!mem->voting)
        return qr_rules_refuse(
            c, QR_NOT_A_MEMBER, "%s sits for %s but is not a voting member, so cannot vote for it",
            qr_rules_person_label(r, o->id, v->person, &a), qr_rules_org_label(r, o->id, &b));
    *pp = p;
    if (r->charter->capacity == QUORUM__CAPACITY__DELEGATED &&
        (v->choice == QUORUM__CHOICE__FOR || v->choice == QUORUM__CHOICE__AGAINST))
        return check_envelope(c, v, p);
    return QR_OK;
}

static int apply_vote(qr_rules_ctx *c)
{
    const Quorum__VoteCast *v = c->s->vote_cast;
    qr_proposal *p = NULL;
    int rc;
    if ((rc = check_vote(c, v, &p)) != QR_OK)
        return rc;
    qr_vote x = {.seq = c->seq,
                 .org = qr_rules_intern(c->r, v->organisation),
                 .person = qr_rules_intern(c->r, v->person),
                 .delegation = qr_rules_intern(c->r, v->delegation),
                 .choice = v->choice,
                 .by_clerk = v->recorded_by_clerk ? 1 : 0};
    qr_vote *arr = qr_rules_room(p->votes, p->nvotes, sizeof *arr);
    if (arr)
        p->votes = arr;
    if (!arr || !x.org || !x.person || !x.delegation ||
        (x.reason = qr_rules_strdup(v->reason)) == NULL)
        return qr_rules_refuse(c, QR_NOMEM, "out of memory recording a vote");
    for (size_t i = 0; i < p->nvotes; i++)
        if (strcmp(p->votes[i].org, x.org) == 0)
            p->votes[i].superseded = 1;
    p->votes[p->nvotes++] = x;
    return QR_OK;
}

static int apply_vote_confirmed(qr_rules_ctx *c)
{
    const Quorum__VoteConfirmed *k = c->s->vote_confirmed;
    qr_rules *r = c->r;
    qr_proposal *p;
    qr_label a, b, s;
    int rc;
    if ((rc = qr_rules_need_id(c, "organisation", k->organisation)) != QR_OK ||
        (rc = need_proposal(c, k->proposal, &p)) != QR_OK)
        return rc;
    if (k->vote_entry_hash.len != QR_HASH_LEN)
        return qr_rules_refuse(c, QR_BAD_STATEMENT,
                               "a confirmation must name the vote by its 32-byte leaf hash");
    qr_vote *v = NULL;
    for (size_t i = 0; i < p->nvotes && !v; i++)
        if (p->votes[i].seq == k->vote_seq)
            v = &p->votes[i];
    if (!v || strcmp(v->org, k->organisation) != 0 || !v->by_clerk ||
        memcmp(r->leaves + v->seq * QR_HASH_LEN, k->vote_entry_hash.data, QR_HASH_LEN) != 0)
        return qr_rules_refuse(c, QR_NOT_FOUND,
                               "entry %llu is not a vote recorded by the clerk for %s on proposal "
                               "%s with the hash the confirmation gives",
                               (unsigned long long)k->vote_seq,
                               qr_rules_org_label(r, k->organisation, &a), p->id);
    const qr_member *m = qr_rules_member(r, v->org, v->person);
    if (!m || memcmp(m->pk, c->st->signer, 32) != 0)
        return qr_rules_refuse(c, QR_WRONG_SIGNER,
                               "the vote the clerk recorded at entry %llu for %s was cast by %s; "
                               "only they can confirm it, and this was signed by %s",
                               (unsigned long long)v->seq, qr_rules_org_label(r, v->org, &a),
                               qr_rules_person_label(r, v->org, v->person, &b),
                               qr_rules_key_label(r, c->st->signer, &s));
    if (v->confirmed)
        return qr_rules_refuse(c, QR_ALREADY_DECIDED,
                               "%s has already confirmed the vote the clerk recorded at entry %llu "
                               "for %s",
                               qr_rules_person_label(r, v->org, v->person, &b),
                               (unsigned long long)v->seq, qr_rules_org_label(r, v->org, &a));
    v->confirmed = 1;
    return QR_OK;
}

/* ---- outcomes --------------------------------------------------------------------------- */

static qr_outcome outcome_of(const qr_rules *r, const qr_proposal *p, const qr_meeting *m,
                             const qr_org *o)
{
    Quorum__Capacity cap = r->charter ? r->charter->capacity : QUORUM__CAPACITY__ADVISORY;
    int delegated = cap == QUORUM__CAPACITY__DELEGATED;
    const qr_vote *v = qr_rules_latest_vote(p, o->id);
    qr_outcome x = {.org = o->id,
                    .why = QUORUM__NO_DECISION_REASON__NDR_NONE,
                    .needs_ratification = cap == QUORUM__CAPACITY__RECOMMENDS};
    Quorum__Choice choice = v ? v->choice : QUORUM__CHOICE__CHOICE_UNSPECIFIED;
    if (choice == QUORUM__CHOICE__FOR) {
        x.outcome = delegated ? QUORUM__OUTCOME__BOUND : QUORUM__OUTCOME__SUPPORTS;
        return x;
    }
    if (choice == QUORUM__CHOICE__AGAINST) {
        x.outcome = delegated ? QUORUM__OUTCOME__NOT_BOUND : QUORUM__OUTCOME__OPPOSES;
        return x;
    }
    x.outcome = delegated ? QUORUM__OUTCOME__NO_DECISION : QUORUM__OUTCOME__NO_VIEW;
    if (choice == QUORUM__CHOICE__ABSTAIN)
        x.why = QUORUM__NO_DECISION_REASON__ABSTAINED;
    else if (!qr_rules_quorate(r, m, o->id))
        x.why = QUORUM__NO_DECISION_REASON__INQUORATE;
    else
        x.why = QUORUM__NO_DECISION_REASON__DID_NOT_VOTE;
    return x;
}

/* The forum's own result, for information beside the outcomes.  Unanimity counts only the
 * organisations entitled to vote: associates cannot vote on a statutory matter. */
static Quorum__ForumResult forum_result(const qr_rules *r, const qr_proposal *p)
{
    size_t nfor = 0, nagainst = 0, entitled = 0, entitled_for = 0;
    for (size_t i = 0; i < r->norgs; i++) {
        const qr_vote *v = qr_rules_latest_vote(p, r->orgs[i].id);
        int is_for = v && v->choice == QUORUM__CHOICE__FOR;
        nfor += is_for;
        nagainst += v && v->choice == QUORUM__CHOICE__AGAINST;
        if (!p->statutory || r->orgs[i].membership != QUORUM__MEMBERSHIP__ASSOCIATE) {
            entitled++;
            entitled_for += is_for;
        }
    }
    Quorum__DecisionRule rule =
        r->charter ? r->charter->decision_rule : QUORUM__DECISION_RULE__RULE_UNSPECIFIED;
    int carried;
    if (rule == QUORUM__DECISION_RULE__CONSENSUS)
        carried = nfor > 0 && nagainst == 0;
    else if (rule == QUORUM__DECISION_RULE__UNANIMITY)
        carried = entitled > 0 && entitled_for == entitled;
    else
        carried = nfor > nagainst;
    return carried ? QUORUM__FORUM_RESULT__CARRIED : QUORUM__FORUM_RESULT__NOT_CARRIED;
}

void qr_rules_outcome_message(const qr_outcome *o, Quorum__OrgOutcome *m)
{
    quorum__org_outcome__init(m);
    m->organisation = (char *)o->org;
    m->outcome = o->outcome;
    m->why = o->why;
    m->needs_ratification = o->needs_ratification != 0;
}

int qr_rules_outcomes(const qr_rules *r, const char *proposal, qr_outcome **out, size_t *n,
                      Quorum__ForumResult *result)
{
    const qr_proposal *p = r ? find_proposal(r, proposal) : NULL;
    if (!p)
        return QR_NOT_FOUND;
    const qr_meeting *m = qr_rules_meeting(r, p->meeting);
    qr_outcome *o = calloc(r->norgs ? r->norgs : 1, sizeof *o);
    if (!o)
        return QR_NOMEM;
    for (size_t i = 0; i < r->norgs; i++)
        o[i] = outcome_of(r, p, m, &r->orgs[i]);
    *out = o;
    *n = r->norgs;
    if (result)
        *result = forum_result(r, p);
    return QR_OK;
}

static const char *why_name(Quorum__NoDecisionReason w)
{
    switch (w) {
    case QUORUM__NO_DECISION_REASON__ABSTAINED:
        return "ABSTAINED";
    case QUORUM__NO_DECISION_REASON__DID_NOT_VOTE:
        return "DID_NOT_VOTE";
    case QUORUM__NO_DECISION_REASON__INQUORATE:
        return "INQUORATE";
    default:
        return "no reason";
    }
}

static const char *result_name(Quorum__ForumResult f)
{
    return f == QUORUM__FORUM_RESULT__CARRIED       ? "CARRIED"
           : f == QUORUM__FORUM_RESULT__NOT_CARRIED ? "NOT_CARRIED"
                                                    : "no result";
}

/* The clerk's outcome against the rulebook's, naming the first difference. */
static int compare_outcomes(qr_rules_ctx *c, const Quorum__ProposalClosed *k, const qr_outcome *o,
                            size_t n, Quorum__ForumResult result)
{
    qr_label a;
    for (size_t i = 0; i < n && i < k->n_outcomes; i++) {
        const Quorum__OrgOutcome *s = k->outcomes[i];
        if (s->organisation && strcmp(s->organisation, o[i].org) == 0 &&
            s->outcome == o[i].outcome && s->why == o[i].why &&
            !s->needs_ratification == !o[i].needs_ratification)
            continue; /* agrees: no label needed */
        const char *org = qr_rules_org_label(c->r, o[i].org, &a);
        if (!s->organisation || strcmp(s->organisation, o[i].org) != 0)
            return qr_rules_refuse(c, QR_OUTCOME_MISMATCH,
                                   "outcome %zu of the statement is for %.80s where the votes give "
                                   "one for %s (outcomes are listed in the order the "
                                   "organisations joined)",
                                   i + 1, s->organisation ? s->organisation : "", org);
        if (s->outcome != o[i].outcome)
            return qr_rules_refuse(
                c, QR_OUTCOME_MISMATCH, "for %s the votes give %s but the statement says %s", org,
                qr_rules_outcome_name(o[i].outcome), qr_rules_outcome_name(s->outcome));
        if (s->why != o[i].why)
            return qr_rules_refuse(c, QR_OUTCOME_MISMATCH,
                                   "for %s the votes give %s (%s) but the statement says %s (%s)",
                                   org, qr_rules_outcome_name(o[i].outcome), why_name(o[i].why),
                                   qr_rules_outcome_name(s->outcome), why_name(s->why));
        if (!s->needs_ratification != !o[i].needs_ratification)
            return qr_rules_refuse(c, QR_OUTCOME_MISMATCH,
                                   "for %s the statement says its board %s ratify the outcome, "
                                   "but in forum %s it %s",
                                   org, s->needs_ratification ? "must" : "need not", c->r->forum,
                                   o[i].needs_ratification ? "must" : "need not");
    }
    if (k->n_outcomes < n)
        return qr_rules_refuse(c, QR_OUTCOME_MISMATCH,
                               "the statement gives no outcome for %s (it gives %zu, for %zu "
                               "member organisations)",
                               qr_rules_org_label(c->r, o[k->n_outcomes].org, &a), k->n_outcomes,
                               n);
    if (k->n_outcomes > n)
        return qr_rules_refuse(c, QR_OUTCOME_MISMATCH,
                               "the statement gives %zu outcomes, but forum %s has %zu member "
                               "organisations",
                               k->n_outcomes, c->r->forum, n);
    if (k->forum_result != result)
        return qr_rules_refuse(c, QR_OUTCOME_MISMATCH,
                               "the votes give the forum result %s but the statement says %s",
                               result_name(result), result_name(k->forum_result));
    return QR_OK;
}

static int apply_closed(qr_rules_ctx *c)
{
    const Quorum__ProposalClosed *k = c->s->proposal_closed;
    qr_proposal *p;
    qr_outcome *o = NULL;
    size_t n = 0;
    Quorum__ForumResult result;
    int rc;
    if ((rc = need_proposal(c, k->proposal, &p)) != QR_OK || (rc = qr_rules_need_clerk(c)) != QR_OK)
        return rc;
    if (p->closed)
        return qr_rules_refuse(c, QR_PROPOSAL_CLOSED, "proposal %s (%s) is already closed", p->id,
                               p->title);
    if (qr_rules_empty(k->reasons))
        return qr_rules_refuse(c, QR_REASONS_REQUIRED,
                               "proposal %s (%s) cannot be closed without the reasons for the "
                               "decision",
                               p->id, p->title);
    if (qr_rules_outcomes(c->r, p->id, &o, &n, &result) != QR_OK)
        return qr_rules_refuse(c, QR_NOMEM, "out of memory computing outcomes");
    if ((rc = compare_outcomes(c, k, o, n, result)) != QR_OK) {
        free(o);
        return rc;
    }
    char *reasons = qr_rules_strdup(k->reasons), *debate = qr_rules_strdup(k->debate);
    qr_board_decision *board = calloc(n ? n : 1, sizeof *board);
    int *overturned = calloc(n ? n : 1, sizeof *overturned);
    int named = 1; /* the organisations' array may move as others join: keep our own ids */
    for (size_t i = 0; i < n && named; i++)
        named = (o[i].org = qr_rules_intern(c->r, o[i].org)) != NULL;
    if (!reasons || !debate || !board || !overturned || !named) {
        free(o);
        free(reasons);
        free(debate);
        free(board);
        free(overturned);
        return qr_rules_refuse(c, QR_NOMEM, "out of memory closing a proposal");
    }
    p->outcomes = o;
    p->noutcomes = n;
    p->result = result;
    p->reasons = reasons;
    p->debate = debate;
    p->board = board;
    p->overturned = overturned;
    p->closed = 1;
    p->closed_seq = c->seq;
    return QR_OK;
}

/* ---- what boards do afterwards ---------------------------------------------------------- */

static long find_outcome(const qr_proposal *p, const char *org)
{
    for (size_t i = 0; i < p->noutcomes; i++)
        if (strcmp(p->outcomes[i].org, org) == 0)
            return (long)i;
    return -1;
}

/* The proposal and organisation a board decision names, the board's key, and its outcome. */
static int need_board_decision(qr_rules_ctx *c, const char *proposal, const char *org,
                               qr_proposal **pp, long *idx)
{
    qr_org *o;
    qr_label a;
    int rc;
    if ((rc = qr_rules_need_id(c, "organisation", org)) != QR_OK ||
        (rc = need_proposal(c, proposal, pp)) != QR_OK ||
        (rc = qr_rules_need_org(c, org, &o)) != QR_OK || (rc = qr_rules_need_board(c, o)) != QR_OK)
        return rc;
    if ((*pp)->closed && (*idx = find_outcome(*pp, org)) < 0)
        return qr_rules_refuse(c, QR_NOT_FOUND,
                               "proposal %s recorded no outcome for %s: it joined forum %s after "
                               "the proposal closed",
                               proposal, qr_rules_org_label(c->r, org, &a), c->r->forum);
    return QR_OK;
}

static int apply_board_ratification(qr_rules_ctx *c)
{
    int ratify = c->s->kind_case == QUORUM__STATEMENT__KIND_RATIFIED;
    const char *proposal = ratify ? c->s->ratified->proposal : c->s->ratification_refused->proposal;
    const char *org =
        ratify ? c->s->ratified->organisation : c->s->ratification_refused->organisation;
    qr_proposal *p;
    long i = -1;
    qr_label a;
    int rc;
    if ((rc = need_board_decision(c, proposal, org, &p, &i)) != QR_OK)
        return rc;
    if (!p->closed)
        return qr_rules_refuse(c, QR_NOT_A_RECOMMENDATION,
                               "proposal %s is not closed yet, so there is no recommendation to "
                               "ratify",
                               p->id);
    if (!p->outcomes[i].needs_ratification)
        return qr_rules_refuse(c, QR_NOT_A_RECOMMENDATION,
                               "proposal %s was not a recommendation: forum %s did not only "
                               "recommend when it closed, so there is nothing for the board of "
                               "%s to ratify",
                               p->id, c->r->forum, qr_rules_org_label(c->r, org, &a));
    if (p->board[i] != QR_BOARD_PENDING)
        return qr_rules_refuse(c, QR_ALREADY_DECIDED,
                               "the board of %s has already %s the recommendation of proposal %s",
                               qr_rules_org_label(c->r, org, &a),
                               p->board[i] == QR_BOARD_RATIFIED ? "ratified" : "refused", p->id);
    p->board[i] = ratify ? QR_BOARD_RATIFIED : QR_BOARD_REFUSED;
    return QR_OK;
}

static int apply_overturned(qr_rules_ctx *c)
{
    const Quorum__DecisionOverturned *k = c->s->decision_overturned;
    qr_proposal *p;
    long i = -1;
    qr_label a;
    int rc;
    if ((rc = need_board_decision(c, k->proposal, k->organisation, &p, &i)) != QR_OK)
        return rc;
    const char *org = qr_rules_org_label(c->r, k->organisation, &a);
    if (!p->closed)
        return qr_rules_refuse(c, QR_NOT_UNDER_DELEGATION,
                               "proposal %s is not closed yet, so %s has no decision on it to "
                               "overturn",
                               p->id, org);
    Quorum__Outcome out = p->outcomes[i].outcome;
    if (out != QUORUM__OUTCOME__BOUND && out != QUORUM__OUTCOME__NOT_BOUND) {
        if (out == QUORUM__OUTCOME__NO_DECISION)
            return qr_rules_refuse(c, QR_NOT_UNDER_DELEGATION,
                                   "%s took no decision on proposal %s (%s), so there is nothing "
                                   "to overturn",
                                   org, p->id, why_name(p->outcomes[i].why));
        return qr_rules_refuse(c, QR_NOT_UNDER_DELEGATION,
                               "proposal %s was decided in forum %s without delegated authority: "
                               "its outcome for %s (%s) is a view, which the board ratifies or "
                               "refuses rather than overturns",
                               p->id, c->r->forum, org, qr_rules_outcome_name(out));
    }
    if (qr_rules_empty(k->reason))
        return qr_rules_refuse(c, QR_REASONS_REQUIRED,
                               "the board of %s must give its reason for overturning the decision "
                               "on proposal %s",
                               org, p->id);
    if (p->overturned[i])
        return qr_rules_refuse(c, QR_ALREADY_DECIDED,
                               "the board of %s has already overturned its decision on proposal "
                               "%s",
                               org, p->id);
    p->overturned[i] = 1;
    return QR_OK;
}

/* ---- actions ---------------------------------------------------------------------------- */

static qr_action *find_action(const qr_rules *r, const char *id)
{
    long i = qr_rules_ix_get(&r->action_ids, id);
    return i >= 0 ? &r->actions[i] : NULL;
}

const qr_action *qr_rules_action(const qr_rules *r, const char *id)
{
    return find_action(r, id);
}

static void free_action(qr_action *a)
{
    free(a->owner);
    free(a->text);
    for (size_t i = 0; i < a->nhistory; i++)
        free(a->history[i].note);
    free(a->history);
}

/* Rule 11: an action belongs to one member organisation and a named person. */
static int check_action(qr_rules_ctx *c, const Quorum__ActionAssigned *k)
{
    qr_proposal *p;
    qr_label a;
    int rc;
    if ((rc = qr_rules_need_id(c, "action", k->action)) != QR_OK ||
        (rc = qr_rules_need_clerk(c)) != QR_OK)
        return rc;
    if (find_action(c->r, k->action))
        return qr_rules_refuse(c, QR_DUPLICATE_ID, "action %s already exists in forum %s",
                               k->action, c->r->forum);
    if ((rc = need_proposal(c, k->proposal, &p)) != QR_OK)
        return rc;
    if (qr_rules_empty(k->organisation))
        return qr_rules_refuse(c, QR_ACTION_NEEDS_OWNER,
                               "action %s names no owning organisation: an action must be owned "
                               "by one member organisation of forum %s and a named person, not "
                               "by the partnership as a whole",
                               k->action, c->r->forum);
    if (!qr_rules_find_org(c->r, k->organisation))
        return qr_rules_refuse(c, QR_ACTION_NEEDS_OWNER,
                               "action %s cannot be owned by \"%.80s\", which is not a member "
                               "organisation of forum %s: an action must be owned by one member "
                               "organisation and a named person",
                               k->action, k->organisation, c->r->forum);
    if (qr_rules_empty(k->owner))
        return qr_rules_refuse(c, QR_ACTION_NEEDS_OWNER,
                               "action %s for %s needs a named person as its owner", k->action,
                               qr_rules_org_label(c->r, k->organisation, &a));
    if (k->due <= 0)
        return qr_rules_refuse(c, QR_BAD_STATEMENT, "action %s needs a due date", k->action);
    return QR_OK;
}

static int apply_action_assigned(qr_rules_ctx *c)
{
    const Quorum__ActionAssigned *k = c->s->action_assigned;
    qr_rules *r = c->r;
    int rc;
    if ((rc = check_action(c, k)) != QR_OK)
        return rc;
    qr_action x = {.due = k->due};
    snprintf(x.id, sizeof x.id, "%s", k->action);
    snprintf(x.proposal, sizeof x.proposal, "%s", k->proposal);
    snprintf(x.org, sizeof x.org, "%s", k->organisation);
    x.owner = qr_rules_strdup(k->owner);
    x.text = qr_rules_strdup(k->text);
    x.history = qr_rules_room(NULL, 0, sizeof *x.history);
    if (x.history) {
        x.history[0] = (qr_action_step){c->seq, QUORUM__ACTION_STATUS__OPEN, qr_rules_strdup("")};
        x.nhistory = x.history[0].note ? 1 : 0;
    }
    qr_action *arr = qr_rules_room(r->actions, r->nactions, sizeof *arr);
    if (arr)
        r->actions = arr;
    if (!arr || !x.owner || !x.text || x.nhistory != 1 ||
        qr_rules_ix_put(&r->action_ids, x.id, r->nactions) != QR_OK) {
        free_action(&x);
        return qr_rules_refuse(c, QR_NOMEM, "out of memory recording an action");
    }
    r->actions[r->nactions++] = x;
    return QR_OK;
}

static int may_update_action(const qr_rules *r, const qr_action *a, const uint8_t pk[32])
{
    const qr_org *o = qr_rules_find_org(r, a->org);
    if (qr_rules_is_clerk(r, pk) || (o && memcmp(o->board_pk, pk, 32) == 0))
        return 1;
    const qr_member *m = qr_rules_current_member(r, a->org, a->owner);
    return m && memcmp(m->pk, pk, 32) == 0;
}

static int apply_action_updated(qr_rules_ctx *c)
{
    const Quorum__ActionUpdated *k = c->s->action_updated;
    qr_label a, o, s;
    int rc;
    if ((rc = qr_rules_need_id(c, "action", k->action)) != QR_OK)
        return rc;
    qr_action *x = find_action(c->r, k->action);
    if (!x)
        return qr_rules_refuse(c, QR_NOT_FOUND, "there is no action %s in forum %s", k->action,
                               c->r->forum);
    if (!may_update_action(c->r, x, c->st->signer))
        return qr_rules_refuse(c, QR_WRONG_SIGNER,
                               "action %s can be updated by a clerk, by the board of %s or by its "
                               "owner %s; it was signed by %s",
                               x->id, qr_rules_org_label(c->r, x->org, &a),
                               qr_rules_person_label(c->r, x->org, x->owner, &o),
                               qr_rules_key_label(c->r, c->st->signer, &s));
    if (k->status < QUORUM__ACTION_STATUS__OPEN || k->status > QUORUM__ACTION_STATUS__DROPPED)
        return qr_rules_refuse(c, QR_BAD_STATEMENT,
                               "the update of action %s must give its status (OPEN, IN_PROGRESS, "
                               "DONE, BLOCKED or DROPPED)",
                               x->id);
    qr_action_step step = {c->seq, k->status, qr_rules_strdup(k->note)};
    qr_action_step *arr = qr_rules_room(x->history, x->nhistory, sizeof *arr);
    if (arr)
        x->history = arr;
    if (!arr || !step.note) {
        free(step.note);
        return qr_rules_refuse(c, QR_NOMEM, "out of memory recording an action's progress");
    }
    x->history[x->nhistory++] = step;
    return QR_OK;
}

/* ---- corrections and minutes ------------------------------------------------------------ */

static int apply_correction(qr_rules_ctx *c)
{
    const Quorum__Correction *k = c->s->correction;
    qr_rules *r = c->r;
    int rc;
    if ((rc = qr_rules_need_clerk(c)) != QR_OK)
        return rc;
    if (k->corrects_hash.len != QR_HASH_LEN)
        return qr_rules_refuse(c, QR_BAD_STATEMENT,
                               "a correction must name the entry it corrects by its 32-byte leaf "
                               "hash");
    if (k->corrects_seq >= c->seq)
        return qr_rules_refuse(c, QR_NOT_FOUND,
                               "a correction can only correct an earlier entry; forum %s has no "
                               "entry %llu before this one",
                               r->forum, (unsigned long long)k->corrects_seq);
    if (memcmp(r->leaves + k->corrects_seq * QR_HASH_LEN, k->corrects_hash.data, QR_HASH_LEN) != 0)
        return qr_rules_refuse(c, QR_NOT_FOUND,
                               "entry %llu of forum %s does not have the hash the correction "
                               "gives; it names an entry that is not in this log",
                               (unsigned long long)k->corrects_seq, r->forum);
    if (qr_rules_empty(k->what))
        return qr_rules_refuse(c, QR_BAD_STATEMENT,
                               "the correction of entry %llu must say what is wrong",
                               (unsigned long long)k->corrects_seq);
    if (qr_rules_empty(k->reason))
        return qr_rules_refuse(c, QR_REASONS_REQUIRED,
                               "the correction of entry %llu must give its reason",
                               (unsigned long long)k->corrects_seq);
    qr_correction x = {.seq = c->seq, .corrects_seq = k->corrects_seq};
    x.what = qr_rules_strdup(k->what);
    x.reason = qr_rules_strdup(k->reason);
    qr_correction *arr = qr_rules_room(r->corrections, r->ncorrections, sizeof *arr);
    if (arr)
        r->corrections = arr;
    if (!arr || !x.what || !x.reason) {
        free(x.what);
        free(x.reason);
        return qr_rules_refuse(c, QR_NOMEM, "out of memory recording a correction");
    }
    r->corrections[r->ncorrections++] = x;
    return QR_OK;
}

static int need_approver(qr_rules_ctx *c, const Quorum__MinutesApproved *a)
{
    qr_org *o;
    qr_label l1, k;
    int rc;
    if (qr_rules_empty(a->organisation))
        return qr_rules_need_clerk(c);
    if ((rc = qr_rules_need_id(c, "organisation", a->organisation)) != QR_OK ||
        (rc = qr_rules_need_org(c, a->organisation, &o)) != QR_OK)
        return rc;
    if (memcmp(o->board_pk, c->st->signer, 32) == 0)
        return QR_OK;
    for (size_t i = 0; i < c->r->nmembers; i++) {
        const qr_member *m = &c->r->members[i];
        if (!m->stood_down && strcmp(m->org, o->id) == 0 && memcmp(m->pk, c->st->signer, 32) == 0)
            return QR_OK;
    }
    return qr_rules_refuse(c, QR_WRONG_SIGNER,
                           "%s's approval of the minutes of meeting %s must be signed by its "
                           "board or one of its current members; it was signed by %s",
                           qr_rules_org_label(c->r, o->id, &l1), a->meeting,
                           qr_rules_key_label(c->r, c->st->signer, &k));
}

static int apply_minutes_approved(qr_rules_ctx *c)
{
    const Quorum__MinutesApproved *a = c->s->minutes_approved;
    qr_rules *r = c->r;
    int rc;
    if ((rc = qr_rules_need_id(c, "meeting", a->meeting)) != QR_OK)
        return rc;
    const qr_meeting *m = qr_rules_meeting(r, a->meeting);
    if (!m)
        return qr_rules_refuse(c, QR_NOT_FOUND, "there is no meeting %s in forum %s", a->meeting,
                               r->forum);
    if ((rc = need_approver(c, a)) != QR_OK)
        return rc;
    if (m->open)
        return qr_rules_refuse(c, QR_BAD_STATEMENT,
                               "meeting %s is still open: its minutes can be approved only after "
                               "it closes",
                               a->meeting);
    if (a->minutes_hash.len != 32 || a->checkpoint_root.len != 32)
        return qr_rules_refuse(c, QR_BAD_STATEMENT,
                               "the approval of the minutes of meeting %s must pin the minutes' "
                               "32-byte hash and the 32-byte root of their checkpoint",
                               a->meeting);
    if (a->checkpoint_size > c->seq)
        return qr_rules_refuse(c, QR_OUT_OF_RANGE,
                               "the minutes of meeting %s cite a checkpoint of %llu entries, but "
                               "forum %s has only %llu",
                               a->meeting, (unsigned long long)a->checkpoint_size, r->forum,
                               (unsigned long long)c->seq);
    qr_approval p = {.seq = c->seq, .checkpoint_size = a->checkpoint_size};
    snprintf(p.meeting, sizeof p.meeting, "%s", a->meeting);
    snprintf(p.org, sizeof p.org, "%s", a->organisation ? a->organisation : "");
    memcpy(p.minutes_hash, a->minutes_hash.data, 32);
    memcpy(p.checkpoint_root, a->checkpoint_root.data, 32);
    qr_approval *arr = qr_rules_room(r->approvals, r->napprovals, sizeof *arr);
    if (!arr)
        return qr_rules_refuse(c, QR_NOMEM, "out of memory recording an approval");
    r->approvals = arr;
    r->approvals[r->napprovals++] = p;
    return QR_OK;
}

/* ---- names, dispatch and clean-up ------------------------------------------------------- */

const char *qr_rules_outcome_name(Quorum__Outcome o)
{
    switch (o) {
    case QUORUM__OUTCOME__BOUND:
        return "BOUND";
    case QUORUM__OUTCOME__NOT_BOUND:
        return "NOT_BOUND";
    case QUORUM__OUTCOME__NO_DECISION:
        return "NO_DECISION";
    case QUORUM__OUTCOME__SUPPORTS:
        return "SUPPORTS";
    case QUORUM__OUTCOME__OPPOSES:
        return "OPPOSES";
    case QUORUM__OUTCOME__NO_VIEW:
        return "NO_VIEW";
    default:
        return "UNSPECIFIED";
    }
}

const char *qr_rules_choice_name(Quorum__Choice c)
{
    switch (c) {
    case QUORUM__CHOICE__FOR:
        return "FOR";
    case QUORUM__CHOICE__AGAINST:
        return "AGAINST";
    case QUORUM__CHOICE__ABSTAIN:
        return "ABSTAIN";
    default:
        return "UNSPECIFIED";
    }
}

Quorum__ActionStatus qr_rules_action_status(const qr_action *a)
{
    return a->nhistory ? a->history[a->nhistory - 1].status : QUORUM__ACTION_STATUS__OPEN;
}

int qr_rules_action_overdue(const qr_action *a, int64_t now)
{
    Quorum__ActionStatus st = qr_rules_action_status(a);
    return st != QUORUM__ACTION_STATUS__DONE && st != QUORUM__ACTION_STATUS__DROPPED &&
           a->due + 86400 <= now;
}

const char *qr_rules_action_status_name(Quorum__ActionStatus s)
{
    switch (s) {
    case QUORUM__ACTION_STATUS__OPEN:
        return "OPEN";
    case QUORUM__ACTION_STATUS__IN_PROGRESS:
        return "IN_PROGRESS";
    case QUORUM__ACTION_STATUS__DONE:
        return "DONE";
    case QUORUM__ACTION_STATUS__BLOCKED:
        return "BLOCKED";
    case QUORUM__ACTION_STATUS__DROPPED:
        return "DROPPED";
    default:
        return "UNSPECIFIED";
    }
}

int qr_rules_apply_decision(qr_rules_ctx *c)
{
    switch (c->s->kind_case) {
    case QUORUM__STATEMENT__KIND_PROPOSAL_TABLED:
        return apply_tabled(c);
    case QUORUM__STATEMENT__KIND_VOTE_CAST:
        return apply_vote(c);
    case QUORUM__STATEMENT__KIND_VOTE_CONFIRMED:
        return apply_vote_confirmed(c);
    case QUORUM__STATEMENT__KIND_PROPOSAL_CLOSED:
        return apply_closed(c);
    case QUORUM__STATEMENT__KIND_RATIFIED:
    case QUORUM__STATEMENT__KIND_RATIFICATION_REFUSED:
        return apply_board_ratification(c);
    case QUORUM__STATEMENT__KIND_DECISION_OVERTURNED:
        return apply_overturned(c);
    case QUORUM__STATEMENT__KIND_ACTION_ASSIGNED:
        return apply_action_assigned(c);
    case QUORUM__STATEMENT__KIND_ACTION_UPDATED:
        return apply_action_updated(c);
    case QUORUM__STATEMENT__KIND_CORRECTION:
        return apply_correction(c);
    case QUORUM__STATEMENT__KIND_MINUTES_APPROVED:
        return apply_minutes_approved(c);
    default:
        return qr_rules_refuse(c, QR_BAD_STATEMENT,
                               "the statement has no kind this rulebook knows");
    }
}

void qr_rules_free_decisions(qr_rules *r)
{
    for (size_t i = 0; i < r->nproposals; i++)
        free_proposal(&r->proposals[i]);
    free(r->proposals);
    for (size_t i = 0; i < r->nactions; i++)
        free_action(&r->actions[i]);
    free(r->actions);
    for (size_t i = 0; i < r->ncorrections; i++) {
        free(r->corrections[i].what);
        free(r->corrections[i].reason);
    }
    free(r->corrections);
    free(r->approvals);
}

Quorum__Outcome qr_rules_effective_outcome(const qr_proposal *p, size_t i)
{
    if (i >= p->noutcomes)
        return QUORUM__OUTCOME__OUTCOME_UNSPECIFIED;
    Quorum__Outcome o = p->outcomes[i].outcome;
    if (p->board && p->board[i] == QR_BOARD_RATIFIED)
        return QUORUM__OUTCOME__BOUND;
    if (p->board && p->board[i] == QR_BOARD_REFUSED)
        return QUORUM__OUTCOME__NOT_BOUND;
    if (p->overturned && p->overturned[i] && o == QUORUM__OUTCOME__BOUND)
        return QUORUM__OUTCOME__NOT_BOUND;
    return o;
}
