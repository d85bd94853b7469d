/*
 * test_rules.c: the rulebook (lib/rules.c, lib/rules_vote.c) over whole forums.
 *
 * Usage: test_rules [vectors dir]      (unused)
 *
 * Every statement is built, sealed with a real key, opened and applied as the daemon would, at
 * an increasing entry number and a logged time a minute after the last.  Two forums are played
 * through: committees in common of two trusts that only recommend (a joint chief executive
 * votes for each trust with one key; boards ratify or refuse), and a city partnership board
 * with delegated authority, full and associate members, where every refusal of the delegated
 * envelope, attendance, quorum, closing, overturning, actions, corrections and minutes is
 * tried beside a statement that is accepted.  Every refusal is checked for its exact code, for
 * a message that names who and what is involved, and for leaving the state exactly as it was.
 */
#include "check.h"
#include "merkle.h"
#include "concerns.h"
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define T0 1780000000LL /* 2026-05-28T20:26:40Z */
#define DAY 86400LL
#define TODAY (T0 - T0 % DAY)
#define POUNDS(x) ((int64_t)(x)*100)

/* ---- keys ------------------------------------------------------------------------------- */

static qr_key *all_keys[64];
static size_t nkeys;

static qr_key *key(const char *name)
{
    qr_key *k = qr_key_generate(name);
    if (!k || nkeys == sizeof all_keys / sizeof *all_keys) {
        fprintf(stderr, "test_rules: cannot make key %s\n", name);
        exit(2);
    }
    return all_keys[nkeys++] = k;
}

static ProtobufCBinaryData bin(const uint8_t *p, size_t n)
{
    return (ProtobufCBinaryData){n, (uint8_t *)p};
}

/* ---- a forum under test ------------------------------------------------------------------ */

typedef struct {
    const char *id;
    qr_rules *r;
    int64_t now;    /* logged time of the next entry */
    int64_t skew;   /* added to the next statement's signed time */
    const char *as; /* when set, the next statement claims this forum id */
    qr_refusal why;
    uint8_t leaf[512][QR_HASH_LEN];
} forum;

static void forum_init(forum *f, const char *id)
{
    memset(f, 0, sizeof *f);
    f->id = id;
    f->r = qr_rules_new(id);
    f->now = T0;
    if (!f->r) {
        fprintf(stderr, "test_rules: qr_rules_new(%s) failed\n", id);
        exit(2);
    }
}

/* Seal with k, open, make the log entry and its leaf, and apply as entry r->size. */
static int submit(forum *f, const qr_key *k, Quorum__Statement *st)
{
    uint8_t *sealed = NULL, *entry = NULL, leaf[QR_HASH_LEN];
    size_t len = 0, elen = 0;
    qr_statement *s = NULL;
    char err[256];
    uint64_t seq = f->r->size;
    st->forum = (char *)(f->as ? f->as : f->id);
    st->signed_at = f->now + f->skew;
    f->as = NULL;
    f->skew = 0;
    memset(&f->why, 0, sizeof f->why);
    int rc = qr_statement_seal(st, k, &sealed, &len);
    if (rc == QR_OK)
        rc = qr_statement_open(sealed, len, &s, err, sizeof err);
    if (rc == QR_OK)
        rc = qr_entry_encode(seq, f->now, sealed, len, &entry, &elen);
    if (rc != QR_OK) {
        fprintf(stderr, "test_rules: cannot build a %s: %s\n", qr_statement_kind(st),
                qr_code_name(rc));
        exit(2);
    }
    qr_merkle_leaf_hash(entry, elen, leaf);
    rc = qr_rules_apply(f->r, s, seq, f->now, leaf, &f->why);
    if (rc == QR_OK && seq < 512)
        memcpy(f->leaf[seq], leaf, QR_HASH_LEN);
    f->now += 60;
    qr_statement_destroy(&s);
    free(sealed);
    free(entry);
    return rc;
}

#define STATEMENT(var, kind_enum, field, msg)                                                      \
    Quorum__Statement var = QUORUM__STATEMENT__INIT;                                               \
    var.kind_case = QUORUM__STATEMENT__KIND_##kind_enum;                                           \
    var.field = &(msg)

/* ---- what the forum's state looks like, to prove a refusal changed nothing ---------------- */

typedef struct {
    uint64_t v[32];
} snap;

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ULL;
    return h;
}

static snap snapshot(const qr_rules *r)
{
    snap s;
    size_t i = 0;
    memset(&s, 0, sizeof s);
    s.v[i++] = r->size;
    s.v[i++] = (uint64_t)r->chartered;
    s.v[i++] = r->charter ? (uint64_t)r->charter->capacity : 99;
    s.v[i++] = r->norgs;
    s.v[i++] = r->nmembers;
    for (size_t j = 0; j < r->nmembers; j++)
        s.v[i] += (uint64_t)r->members[j].stood_down;
    i++;
    s.v[i++] = r->ndelegations;
    for (size_t j = 0; j < r->ndelegations; j++)
        s.v[i] += (uint64_t)r->delegations[j].revoked;
    i++;
    s.v[i++] = r->nreserved;
    s.v[i++] = r->nmeetings;
    for (size_t j = 0; j < r->nmeetings; j++) {
        const qr_meeting *m = &r->meetings[j];
        s.v[i] += (uint64_t)m->open;
        s.v[i + 1] += m->npresent + m->nin_attendance * 100 + m->napologies * 10000;
    }
    i += 2;
    s.v[i++] = r->nproposals;
    uint64_t h = 1469598103934665603ULL;
    for (size_t j = 0; j < r->nproposals; j++) {
        const qr_proposal *p = &r->proposals[j];
        s.v[i] += (uint64_t)p->closed;
        s.v[i + 1] += p->nvotes;
        for (size_t k = 0; k < p->nvotes; k++) {
            s.v[i + 2] += (uint64_t)p->votes[k].superseded;
            s.v[i + 3] += (uint64_t)p->votes[k].confirmed;
        }
        for (size_t k = 0; k < p->noutcomes; k++) {
            s.v[i + 4] += (uint64_t)p->board[k] * (k + 1);
            s.v[i + 5] += (uint64_t)p->overturned[k] * (k + 1);
        }
        qr_outcome *o = NULL;
        size_t n = 0;
        Quorum__ForumResult res = 0;
        if (qr_rules_outcomes(r, p->id, &o, &n, &res) == QR_OK) {
            for (size_t k = 0; k < n; k++) {
                h = fnv(h, o[k].org, strlen(o[k].org));
                h = fnv(h, &o[k].outcome, sizeof o[k].outcome);
                h = fnv(h, &o[k].why, sizeof o[k].why);
                h = fnv(h, &o[k].needs_ratification, sizeof o[k].needs_ratification);
            }
            h = fnv(h, &res, sizeof res);
            free(o);
        }
    }
    i += 6;
    s.v[i++] = h;
    s.v[i++] = r->nactions;
    for (size_t j = 0; j < r->nactions; j++)
        s.v[i] += r->actions[j].nhistory;
    i++;
    s.v[i++] = r->ncorrections;
    s.v[i++] = r->napprovals;
    return s;
}

static void expect_refusal(forum *f, int line, const char *what, const snap *before, int rc,
                           int want, const char *needles)
{
    if (getenv("TEST_RULES_VERBOSE"))
        printf("%-24s %s\n", qr_code_name(rc), f->why.message);
    check(rc == want && f->why.code == want, line, "%s: got %s (%s), want %s", what,
          qr_code_name(rc), f->why.message, qr_code_name(want));
    char buf[512];
    snprintf(buf, sizeof buf, "%s", needles);
    for (char *save = NULL, *n = strtok_r(buf, "|", &save); n; n = strtok_r(NULL, "|", &save))
        check(strstr(f->why.message, n) != NULL, line, "%s: message \"%s\" does not mention \"%s\"",
              what, f->why.message, n);
    snap after = snapshot(f->r);
    check(memcmp(before, &after, sizeof after) == 0, line, "%s: the refusal changed the state",
          what);
}

static void expect_accept(forum *f, int line, const char *what, uint64_t before, int rc)
{
    check(rc == QR_OK, line, "%s: got %s: %s", what, qr_code_name(rc), f->why.message);
    check(f->r->size == before + 1, line, "%s: size %llu, want %llu", what,
          (unsigned long long)f->r->size, (unsigned long long)before + 1);
}

/* REFUSE(forum, code, "needle|needle", statement helper call) */
#define REFUSE(f, code, needles, expr)                                                             \
    do {                                                                                           \
        snap b_ = snapshot((f)->r);                                                                \
        int rc_ = (expr);                                                                          \
        expect_refusal((f), __LINE__, #expr, &b_, rc_, (code), (needles));                         \
    } while (0)

#define ACCEPT(f, expr)                                                                            \
    do {                                                                                           \
        uint64_t s_ = (f)->r->size;                                                                \
        int rc_ = (expr);                                                                          \
        expect_accept((f), __LINE__, #expr, s_, rc_);                                              \
    } while (0)

/* ---- one helper per statement kind ------------------------------------------------------- */

typedef struct {
    Quorum__Charter ch;
    Quorum__Relationship rel[2];
    Quorum__Relationship *relp[2];
    Quorum__Party clerk;
    Quorum__Party *clerkp[1];
    Quorum__QuorumRule quorum;
} charter_buf;

static Quorum__Charter *charter(charter_buf *b, const char *name, Quorum__Capacity cap,
                                Quorum__DecisionRule rule, const char *reports_to,
                                const char *reports_to2, const qr_key *clerk)
{
    Quorum__Charter ch = QUORUM__CHARTER__INIT;
    Quorum__Relationship rel = QUORUM__RELATIONSHIP__INIT;
    Quorum__Party party = QUORUM__PARTY__INIT;
    Quorum__QuorumRule q = QUORUM__QUORUM_RULE__INIT;
    b->ch = ch;
    b->ch.name = (char *)name;
    b->ch.purpose = (char *)"to decide together what each organisation decides for itself";
    b->ch.capacity = cap;
    b->ch.decision_rule = rule;
    b->ch.chair = (char *)"Independent chair";
    for (int i = 0; i < 2; i++) {
        b->rel[i] = rel;
        b->rel[i].relation = (char *)"reports to";
        b->relp[i] = &b->rel[i];
    }
    b->rel[0].body = (char *)reports_to;
    b->rel[1].body = (char *)reports_to2;
    b->ch.n_relationships = reports_to2 ? 2 : reports_to ? 1 : 0;
    b->ch.relationships = b->relp;
    b->quorum = q;
    b->quorum.text = (char *)"at least one voting member of each organisation";
    b->ch.quorum = &b->quorum;
    b->clerk = party;
    b->clerk.name = (char *)"Ms L Clerk";
    b->clerk.sign_key = bin(clerk->sign_pk, 32);
    b->clerk.curve_key = bin(clerk->curve_pk, 32);
    b->clerkp[0] = &b->clerk;
    b->ch.n_clerks = 1;
    b->ch.clerks = b->clerkp;
    return &b->ch;
}

static int chartered(forum *f, const qr_key *k, Quorum__Charter *ch)
{
    Quorum__ForumChartered m = QUORUM__FORUM_CHARTERED__INIT;
    m.charter = ch;
    STATEMENT(st, FORUM_CHARTERED, forum_chartered, m);
    return submit(f, k, &st);
}

static int amended(forum *f, const qr_key *k, Quorum__Charter *ch)
{
    Quorum__CharterAmended m = QUORUM__CHARTER_AMENDED__INIT;
    m.charter = ch;
    m.reason = (char *)"new chair";
    STATEMENT(st, CHARTER_AMENDED, charter_amended, m);
    return submit(f, k, &st);
}

static int join(forum *f, const qr_key *k, const char *org, const char *name, Quorum__OrgKind kind,
                Quorum__Membership mem, const qr_key *board)
{
    Quorum__OrganisationJoined m = QUORUM__ORGANISATION_JOINED__INIT;
    m.organisation = (char *)org;
    m.name = (char *)name;
    m.kind = kind;
    m.membership = mem;
    m.board_sign_key = bin(board->sign_pk, 32);
    m.board_curve_key = bin(board->curve_pk, 32);
    STATEMENT(st, ORGANISATION_JOINED, organisation_joined, m);
    return submit(f, k, &st);
}

static int appoint(forum *f, const qr_key *board, const char *org, const char *person,
                   const char *name, Quorum__MemberCapacity cap, int voting, const qr_key *pk)
{
    Quorum__MemberAppointed m = QUORUM__MEMBER_APPOINTED__INIT;
    m.organisation = (char *)org;
    m.person = (char *)person;
    m.name = (char *)name;
    m.role = (char *)"member";
    m.capacity = cap;
    m.voting = voting;
    m.sign_key = bin(pk->sign_pk, 32);
    m.curve_key = bin(pk->curve_pk, 32);
    STATEMENT(st, MEMBER_APPOINTED, member_appointed, m);
    return submit(f, board, &st);
}

static int stand_down(forum *f, const qr_key *board, const char *org, const char *person)
{
    Quorum__MemberStoodDown m = QUORUM__MEMBER_STOOD_DOWN__INIT;
    m.organisation = (char *)org;
    m.person = (char *)person;
    m.reason = (char *)"retired";
    STATEMENT(st, MEMBER_STOOD_DOWN, member_stood_down, m);
    return submit(f, board, &st);
}

static size_t count(const char *const *v)
{
    size_t n = 0;
    while (v && v[n])
        n++;
    return n;
}

static int delegate(forum *f, const qr_key *board, const char *org, const char *id,
                    const char *const *holders, const char *const *classes, int64_t limit,
                    int64_t from, int64_t until)
{
    Quorum__DelegationGranted m = QUORUM__DELEGATION_GRANTED__INIT;
    m.organisation = (char *)org;
    m.delegation = (char *)id;
    m.n_holders = count(holders);
    m.holders = (char **)holders;
    m.n_classes = count(classes);
    m.classes = (char **)classes;
    m.financial_limit = limit;
    m.valid_from = from;
    m.valid_until = until;
    m.scheme_reference = (char *)"SoD 4.2";
    STATEMENT(st, DELEGATION_GRANTED, delegation_granted, m);
    return submit(f, board, &st);
}

/* A delegation valid from a month ago for a year. */
static int delegate_now(forum *f, const qr_key *board, const char *org, const char *id,
                        const char *const *holders, const char *const *classes, int64_t limit)
{
    return delegate(f, board, org, id, holders, classes, limit, TODAY - 30 * DAY,
                    TODAY + 365 * DAY);
}

static int revoke(forum *f, const qr_key *board, const char *org, const char *id)
{
    Quorum__DelegationRevoked m = QUORUM__DELEGATION_REVOKED__INIT;
    m.organisation = (char *)org;
    m.delegation = (char *)id;
    m.reason = (char *)"superseded";
    STATEMENT(st, DELEGATION_REVOKED, delegation_revoked, m);
    return submit(f, board, &st);
}

static int reserve(forum *f, const qr_key *board, const char *org, const char *const *classes)
{
    Quorum__MatterReserved m = QUORUM__MATTER_RESERVED__INIT;
    m.organisation = (char *)org;
    m.n_classes = count(classes);
    m.classes = (char **)classes;
    m.reason = (char *)"the board decides these itself";
    STATEMENT(st, MATTER_RESERVED, matter_reserved, m);
    return submit(f, board, &st);
}

static int meeting_open(forum *f, const qr_key *clerk, const char *id)
{
    Quorum__MeetingOpened m = QUORUM__MEETING_OPENED__INIT;
    m.meeting = (char *)id;
    m.date = TODAY;
    m.place = (char *)"City Hall";
    STATEMENT(st, MEETING_OPENED, meeting_opened, m);
    return submit(f, clerk, &st);
}

static int meeting_close(forum *f, const qr_key *clerk, const char *id)
{
    Quorum__MeetingClosed m = QUORUM__MEETING_CLOSED__INIT;
    m.meeting = (char *)id;
    STATEMENT(st, MEETING_CLOSED, meeting_closed, m);
    return submit(f, clerk, &st);
}

/* Attendees as "org/person/name" strings; org and person may be empty. */
typedef struct {
    Quorum__Attendee a[16];
    Quorum__Attendee *p[16];
    char text[16][128];
    size_t n;
} att_list;

static void att_fill(att_list *l, const char *const *v)
{
    Quorum__Attendee init = QUORUM__ATTENDEE__INIT;
    l->n = count(v);
    for (size_t i = 0; i < l->n && i < 16; i++) {
        snprintf(l->text[i], sizeof l->text[i], "%s", v[i]);
        char *org = l->text[i], *person = strchr(org, '/');
        *person++ = 0;
        char *name = strchr(person, '/');
        *name++ = 0;
        l->a[i] = init;
        l->a[i].organisation = org;
        l->a[i].person = person;
        l->a[i].name = name;
        l->p[i] = &l->a[i];
    }
}

static int attend(forum *f, const qr_key *clerk, const char *meeting, const char *const *present,
                  const char *const *in_attendance, const char *const *apologies)
{
    static att_list p, i, a;
    Quorum__AttendanceRecorded m = QUORUM__ATTENDANCE_RECORDED__INIT;
    att_fill(&p, present);
    att_fill(&i, in_attendance);
    att_fill(&a, apologies);
    m.meeting = (char *)meeting;
    m.n_present = p.n;
    m.present = p.p;
    m.n_in_attendance = i.n;
    m.in_attendance = i.p;
    m.n_apologies = a.n;
    m.apologies = a.p;
    STATEMENT(st, ATTENDANCE_RECORDED, attendance_recorded, m);
    return submit(f, clerk, &st);
}

static int table(forum *f, const qr_key *clerk, const char *id, const char *meeting,
                 const char *title, const char *cls, int statutory, int64_t value)
{
    Quorum__ProposalTabled m = QUORUM__PROPOSAL_TABLED__INIT;
    m.proposal = (char *)id;
    m.meeting = (char *)meeting;
    m.title = (char *)title;
    m.text = (char *)"as circulated";
    m.matter_class = (char *)cls;
    m.statutory = statutory;
    m.financial_value = value;
    m.stage = QUORUM__STAGE__CHOOSE;
    STATEMENT(st, PROPOSAL_TABLED, proposal_tabled, m);
    return submit(f, clerk, &st);
}

static int vote_as(forum *f, const qr_key *k, const char *proposal, const char *org,
                   const char *person, Quorum__Choice choice, const char *delegation, int by_clerk)
{
    Quorum__VoteCast m = QUORUM__VOTE_CAST__INIT;
    m.proposal = (char *)proposal;
    m.organisation = (char *)org;
    m.person = (char *)person;
    m.choice = choice;
    m.delegation = (char *)(delegation ? delegation : "");
    m.reason = (char *)"as discussed";
    m.recorded_by_clerk = by_clerk;
    STATEMENT(st, VOTE_CAST, vote_cast, m);
    return submit(f, k, &st);
}

static int vote(forum *f, const qr_key *k, const char *proposal, const char *org,
                const char *person, Quorum__Choice choice, const char *delegation)
{
    return vote_as(f, k, proposal, org, person, choice, delegation, 0);
}

static int confirm(forum *f, const qr_key *k, const char *proposal, const char *org, uint64_t seq,
                   const uint8_t hash[QR_HASH_LEN])
{
    Quorum__VoteConfirmed m = QUORUM__VOTE_CONFIRMED__INIT;
    m.proposal = (char *)proposal;
    m.organisation = (char *)org;
    m.vote_seq = seq;
    m.vote_entry_hash = bin(hash, QR_HASH_LEN);
    STATEMENT(st, VOTE_CONFIRMED, vote_confirmed, m);
    return submit(f, k, &st);
}

static int close_proposal(forum *f, const qr_key *clerk, const char *proposal, const char *reasons,
                          const qr_outcome *o, size_t n, Quorum__ForumResult result)
{
    Quorum__OrgOutcome oo[16], *op[16];
    Quorum__ProposalClosed m = QUORUM__PROPOSAL_CLOSED__INIT;
    for (size_t i = 0; i < n && i < 16; i++) {
        qr_rules_outcome_message(&o[i], &oo[i]);
        op[i] = &oo[i];
    }
    m.proposal = (char *)proposal;
    m.reasons = (char *)reasons;
    m.debate = (char *)"members discussed winter pressures";
    m.n_outcomes = n;
    m.outcomes = op;
    m.forum_result = result;
    STATEMENT(st, PROPOSAL_CLOSED, proposal_closed, m);
    return submit(f, clerk, &st);
}

static int ratify(forum *f, const qr_key *board, const char *proposal, const char *org, int yes)
{
    Quorum__Ratified r = QUORUM__RATIFIED__INIT;
    Quorum__RatificationRefused n = QUORUM__RATIFICATION_REFUSED__INIT;
    r.proposal = n.proposal = (char *)proposal;
    r.organisation = n.organisation = (char *)org;
    r.board_meeting = n.board_meeting = (char *)"board-2026-07";
    n.reason = (char *)"not affordable this year";
    Quorum__Statement st = QUORUM__STATEMENT__INIT;
    if (yes) {
        st.kind_case = QUORUM__STATEMENT__KIND_RATIFIED;
        st.ratified = &r;
    } else {
        st.kind_case = QUORUM__STATEMENT__KIND_RATIFICATION_REFUSED;
        st.ratification_refused = &n;
    }
    return submit(f, board, &st);
}

static int overturn(forum *f, const qr_key *board, const char *proposal, const char *org,
                    const char *reason)
{
    Quorum__DecisionOverturned m = QUORUM__DECISION_OVERTURNED__INIT;
    m.proposal = (char *)proposal;
    m.organisation = (char *)org;
    m.reason = (char *)reason;
    m.board_meeting = (char *)"board-2026-07";
    STATEMENT(st, DECISION_OVERTURNED, decision_overturned, m);
    return submit(f, board, &st);
}

static int assign(forum *f, const qr_key *clerk, const char *action, const char *proposal,
                  const char *org, const char *owner, int64_t due)
{
    Quorum__ActionAssigned m = QUORUM__ACTION_ASSIGNED__INIT;
    m.action = (char *)action;
    m.proposal = (char *)proposal;
    m.organisation = (char *)org;
    m.owner = (char *)owner;
    m.due = due;
    m.text = (char *)"publish the winter plan";
    STATEMENT(st, ACTION_ASSIGNED, action_assigned, m);
    return submit(f, clerk, &st);
}

static int update(forum *f, const qr_key *k, const char *action, Quorum__ActionStatus status)
{
    Quorum__ActionUpdated m = QUORUM__ACTION_UPDATED__INIT;
    m.action = (char *)action;
    m.status = status;
    m.note = (char *)"progress";
    STATEMENT(st, ACTION_UPDATED, action_updated, m);
    return submit(f, k, &st);
}

static int correct(forum *f, const qr_key *clerk, uint64_t seq, const uint8_t *hash, size_t hlen,
                   const char *reason)
{
    Quorum__Correction m = QUORUM__CORRECTION__INIT;
    m.corrects_seq = seq;
    m.corrects_hash = bin(hash, hlen);
    m.what = (char *)"the reason minuted for the vote was another organisation's";
    m.reason = (char *)reason;
    STATEMENT(st, CORRECTION, correction, m);
    return submit(f, clerk, &st);
}

static int approve(forum *f, const qr_key *k, const char *meeting, const char *org, uint64_t size,
                   size_t hash_len)
{
    static const uint8_t h[32] = {1, 2, 3}, root[32] = {4, 5, 6};
    Quorum__MinutesApproved m = QUORUM__MINUTES_APPROVED__INIT;
    m.meeting = (char *)meeting;
    m.organisation = (char *)org;
    m.minutes_hash = bin(h, hash_len);
    m.checkpoint_size = size;
    m.checkpoint_root = bin(root, 32);
    STATEMENT(st, MINUTES_APPROVED, minutes_approved, m);
    return submit(f, k, &st);
}

/* ---- reading the state ------------------------------------------------------------------- */

static size_t votes_of(const qr_proposal *p, const char *org, size_t *superseded)
{
    size_t n = 0;
    *superseded = 0;
    for (size_t i = 0; p && i < p->nvotes; i++)
        if (strcmp(p->votes[i].org, org) == 0) {
            n++;
            *superseded += (size_t)p->votes[i].superseded;
        }
    return n;
}

static const qr_outcome *outcome_for(const qr_outcome *o, size_t n, const char *org)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(o[i].org, org) == 0)
            return &o[i];
    return NULL;
}

static void date_of(int64_t t, char out[16])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 16, "%Y-%m-%d", &tm);
}

#define L(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NONE ((const char *const *)NULL)

/* ---- scenario 1: committees in common of two trusts, recommending --------------------------- */

static void scenario_committees_in_common(void)
{
    forum F, *f = &F;
    charter_buf cb;
    qr_key *op = key("operator"), *clerk = key("clerk");
    qr_key *lpt = key("lpt-board"), *nhft = key("nhft-board");
    qr_key *jce = key("jce"), *jdf = key("jdf"), *cos = key("nhft-cos");
    qr_key *lned1 = key("lpt-ned1"), *lned2 = key("lpt-ned2");
    qr_key *nned1 = key("nhft-ned1"), *nned2 = key("nhft-ned2");
    const char *LPT = "Leicestershire Partnership NHS Trust";
    const char *NHFT = "Northamptonshire Healthcare NHS Foundation Trust";
    forum_init(f, "lpt-nhft-cic");

    /* Nothing before the charter; one charter only. */
    REFUSE(f, QR_UNKNOWN_FORUM, "lpt-nhft-cic|ForumChartered",
           join(f, op, "lpt", LPT, QUORUM__ORG_KIND__NHS_TRUST, QUORUM__MEMBERSHIP__FULL, lpt));
    Quorum__Charter *ch = charter(&cb, "LPT and NHFT Committees in Common",
                                  QUORUM__CAPACITY__RECOMMENDS, QUORUM__DECISION_RULE__CONSENSUS,
                                  "LPT Trust Board", "NHFT Board of Directors", clerk);
    ACCEPT(f, chartered(f, op, ch));
    CHECK(f->r->chartered && memcmp(f->r->operator_pk, op->sign_pk, 32) == 0,
          "the charter's signer is the operator");
    REFUSE(f, QR_FORUM_EXISTS, "lpt-nhft-cic|already chartered", chartered(f, op, ch));
    f->as = "another-forum";
    REFUSE(f, QR_BAD_STATEMENT, "another-forum|lpt-nhft-cic",
           join(f, op, "lpt", LPT, QUORUM__ORG_KIND__NHS_TRUST, QUORUM__MEMBERSHIP__FULL, lpt));
    cb.ch.chair = (char *)"Ms M Chair";
    REFUSE(f, QR_WRONG_SIGNER, "operator|the clerk Ms L Clerk", amended(f, clerk, ch));
    ACCEPT(f, amended(f, op, ch));
    CHECK(strcmp(f->r->charter->chair, "Ms M Chair") == 0, "the amendment replaced the charter");

    /* Two trusts join. */
    REFUSE(f, QR_WRONG_SIGNER, "operator|the clerk",
           join(f, clerk, "lpt", LPT, QUORUM__ORG_KIND__NHS_TRUST, QUORUM__MEMBERSHIP__FULL, lpt));
    REFUSE(f, QR_BAD_STATEMENT, "Leicestershire Partnership",
           join(f, op, "Leicestershire Partnership", LPT, QUORUM__ORG_KIND__NHS_TRUST,
                QUORUM__MEMBERSHIP__FULL, lpt));
    ACCEPT(f, join(f, op, "lpt", LPT, QUORUM__ORG_KIND__NHS_TRUST, QUORUM__MEMBERSHIP__FULL, lpt));
    ACCEPT(f, join(f, op, "nhft", NHFT, QUORUM__ORG_KIND__FOUNDATION_TRUST,
                   QUORUM__MEMBERSHIP__FULL, nhft));
    REFUSE(f, QR_DUPLICATE_ID, "lpt|already joined",
           join(f, op, "lpt", LPT, QUORUM__ORG_KIND__NHS_TRUST, QUORUM__MEMBERSHIP__FULL, lpt));

    /* A joint chief executive and a joint director, appointed by both boards with one key. */
    const Quorum__MemberCapacity EX = QUORUM__MEMBER_CAPACITY__EXECUTIVE;
    const Quorum__MemberCapacity NED = QUORUM__MEMBER_CAPACITY__NON_EXECUTIVE;
    ACCEPT(f, appoint(f, lpt, "lpt", "jce", "Ms A Khan", EX, 1, jce));
    ACCEPT(f, appoint(f, nhft, "nhft", "jce", "Ms A Khan", EX, 1, jce));
    ACCEPT(f, appoint(f, lpt, "lpt", "jdf", "Mr B Okafor", EX, 1, jdf));
    ACCEPT(f, appoint(f, nhft, "nhft", "jdf", "Mr B Okafor", EX, 1, jdf));
    ACCEPT(f, appoint(f, lpt, "lpt", "lpt-ned1", "Dr A Patel", NED, 1, lned1));
    ACCEPT(f, appoint(f, lpt, "lpt", "lpt-ned2", "Mrs C Jones", NED, 1, lned2));
    ACCEPT(f, appoint(f, nhft, "nhft", "nhft-ned1", "Prof D Evans", NED, 1, nned1));
    ACCEPT(f, appoint(f, nhft, "nhft", "nhft-ned2", "Mr E Murphy", NED, 1, nned2));
    ACCEPT(f, appoint(f, nhft, "nhft", "nhft-cos", "Ms F Green", QUORUM__MEMBER_CAPACITY__OFFICER,
                      0, cos));
    CHECK(f->r->nmembers == 9, "nine appointments, got %zu", f->r->nmembers);
    REFUSE(f, QR_DUPLICATE_ID, "Ms A Khan|Leicestershire Partnership NHS Trust (lpt)",
           appoint(f, lpt, "lpt", "jce", "Ms A Khan", EX, 1, jce));
    REFUSE(f, QR_WRONG_SIGNER,
           "board of Leicestershire Partnership NHS Trust (lpt)|the board of "
           "Northamptonshire",
           appoint(f, nhft, "lpt", "lpt-ned3", "Mr Z", NED, 1, lned2));
    REFUSE(f, QR_NOT_A_MEMBER, "organisation uhl has not joined forum lpt-nhft-cic",
           appoint(f, op, "uhl", "x", "Mr Z", NED, 1, lned2));
    REFUSE(f, QR_BAD_STATEMENT, "capacity|lpt-ned3",
           appoint(f, lpt, "lpt", "lpt-ned3", "Mr Z",
                   QUORUM__MEMBER_CAPACITY__MEMBER_CAPACITY_UNSPECIFIED, 1, lned2));

    /* Rule 5: a foundation trust delegates only to an executive director or a committee of
     * directors; an NHS trust's scheme is recorded, not checked. */
    REFUSE(f, QR_NED_CANNOT_BIND,
           "Northamptonshire Healthcare NHS Foundation Trust|Prof D Evans|nhft-d1",
           delegate_now(f, nhft, "nhft", "nhft-d1", L("nhft-ned1"), L("strategy"), 0));
    REFUSE(f, QR_DELEGATE_NOT_DIRECTOR, "Ms F Green|an officer|nhft-d1",
           delegate_now(f, nhft, "nhft", "nhft-d1", L("nhft-cos"), L("strategy"), 0));
    REFUSE(f, QR_DELEGATE_NOT_DIRECTOR, "committee|Ms F Green|nhft-d1",
           delegate_now(f, nhft, "nhft", "nhft-d1", L("nhft-ned1", "nhft-cos"), L("strategy"), 0));
    REFUSE(f, QR_NOT_A_MEMBER, "lpt-ned1|nhft-d1",
           delegate_now(f, nhft, "nhft", "nhft-d1", L("lpt-ned1"), L("strategy"), 0));
    REFUSE(f, QR_WRONG_SIGNER, "board of Northamptonshire|board of Leicestershire",
           delegate_now(f, lpt, "nhft", "nhft-d1", L("nhft-ned1", "nhft-ned2"), L("strategy"), 0));
    REFUSE(f, QR_BAD_STATEMENT, "nhft-d1",
           delegate(f, nhft, "nhft", "nhft-d1", L("jce"), L("strategy"), 0, TODAY, TODAY));
    REFUSE(f, QR_BAD_STATEMENT, "nhft-d1|no class",
           delegate_now(f, nhft, "nhft", "nhft-d1", L("jce"), NONE, 0));
    ACCEPT(f,
           delegate_now(f, nhft, "nhft", "nhft-d1", L("nhft-ned1", "nhft-ned2"), L("strategy"), 0));
    ACCEPT(f, delegate_now(f, nhft, "nhft", "nhft-d2", L("jce"), L("strategy"), POUNDS(100000)));
    ACCEPT(f, delegate_now(f, lpt, "lpt", "lpt-d1", L("lpt-ned1"), L("strategy"), 0));
    REFUSE(f, QR_DUPLICATE_ID, "nhft-d1",
           delegate_now(f, nhft, "nhft", "nhft-d1", L("jce"), L("strategy"), 0));
    CHECK(f->r->ndelegations == 3, "three delegations, got %zu", f->r->ndelegations);

    /* A meeting, attendance recorded twice (a union), a proposal. */
    ACCEPT(f, meeting_open(f, clerk, "cic-2026-05"));
    REFUSE(f, QR_MEETING_ALREADY_OPEN, "cic-2026-06|cic-2026-05",
           meeting_open(f, clerk, "cic-2026-06"));
    REFUSE(f, QR_WRONG_SIGNER, "clerk|Ms A Khan", meeting_open(f, jce, "cic-2026-06"));
    ACCEPT(f, attend(f, clerk, "cic-2026-05",
                     L("lpt/jce/Ms A Khan", "nhft/jce/Ms A Khan", "lpt/lpt-ned1/Dr A Patel",
                       "nhft/nhft-ned1/Prof D Evans", "lpt/jdf/Mr B Okafor"),
                     L("//Mr G Observer"), L("lpt/lpt-ned2/Mrs C Jones")));
    ACCEPT(f, attend(f, clerk, "cic-2026-05",
                     L("lpt/jce/Ms A Khan", "nhft/jdf/Mr B Okafor", "nhft/nhft-ned2/Mr E Murphy",
                       "nhft/nhft-cos/Ms F Green"),
                     L("//Mr G Observer"), NONE));
    const qr_meeting *m = qr_rules_meeting(f->r, "cic-2026-05");
    CHECK(m && m->npresent == 8 && m->nin_attendance == 1 && m->napologies == 1,
          "attendance is a union: 8 present, 1 in attendance, 1 apology");
    REFUSE(f, QR_NOT_A_MEMBER, "lpt-ned1|Northamptonshire",
           attend(f, clerk, "cic-2026-05", L("nhft/lpt-ned1/Dr A Patel"), NONE, NONE));
    CHECK(qr_rules_quorate(f->r, m, "lpt") && qr_rules_quorate(f->r, m, "nhft"),
          "both trusts are quorate");
    ACCEPT(f,
           table(f, clerk, "p-2026-01", "cic-2026-05", "Joint digital strategy", "strategy", 0, 0));

    /* The joint chief executive votes for each trust with the same key: two votes. */
    REFUSE(f, QR_NOT_A_RECOMMENDATION, "proposal p-2026-01 is not closed yet",
           ratify(f, lpt, "p-2026-01", "lpt", 1));
    ACCEPT(f, vote(f, jce, "p-2026-01", "lpt", "jce", QUORUM__CHOICE__FOR, NULL));
    ACCEPT(f, vote(f, jce, "p-2026-01", "nhft", "jce", QUORUM__CHOICE__FOR, NULL));
    REFUSE(f, QR_NOT_A_MEMBER, "lpt-ned1|Northamptonshire",
           vote(f, lned1, "p-2026-01", "nhft", "lpt-ned1", QUORUM__CHOICE__FOR, NULL));
    REFUSE(f, QR_NOT_A_MEMBER, "Ms F Green|not a voting member",
           vote(f, cos, "p-2026-01", "nhft", "nhft-cos", QUORUM__CHOICE__FOR, NULL));
    REFUSE(f, QR_WRONG_SIGNER, "Ms A Khan|own key|board of Northamptonshire",
           vote(f, nhft, "p-2026-01", "lpt", "jce", QUORUM__CHOICE__FOR, NULL));
    const qr_proposal *p = qr_rules_proposal(f->r, "p-2026-01");
    const qr_vote *vl = qr_rules_latest_vote(p, "lpt"), *vn = qr_rules_latest_vote(p, "nhft");
    CHECK(p && p->nvotes == 2 && vl && vn && vl != vn && strcmp(vl->person, "jce") == 0 &&
              strcmp(vn->person, "jce") == 0 && !vl->superseded && !vn->superseded,
          "two accepted votes by the joint chief executive, one per trust");

    qr_outcome *o = NULL;
    size_t n = 0;
    Quorum__ForumResult res = 0;
    CHECK_RC(qr_rules_outcomes(f->r, "p-2026-01", &o, &n, &res), QR_OK, "outcomes");
    CHECK(n == 2 && strcmp(o[0].org, "lpt") == 0 && strcmp(o[1].org, "nhft") == 0,
          "outcomes in join order");
    for (size_t i = 0; i < n; i++)
        CHECK(o[i].outcome == QUORUM__OUTCOME__SUPPORTS && o[i].needs_ratification &&
                  o[i].why == QUORUM__NO_DECISION_REASON__NDR_NONE,
              "%s supports, needing ratification", o[i].org);
    CHECK(res == QUORUM__FORUM_RESULT__CARRIED, "consensus carried");
    ACCEPT(f, close_proposal(f, clerk, "p-2026-01", "both trusts support a joint strategy", o, n,
                             res));
    free(o);

    /* Each board ratifies or refuses for itself, once. */
    ACCEPT(f, ratify(f, lpt, "p-2026-01", "lpt", 1));
    ACCEPT(f, ratify(f, nhft, "p-2026-01", "nhft", 0));
    p = qr_rules_proposal(f->r, "p-2026-01");
    CHECK(p->board[0] == QR_BOARD_RATIFIED && p->board[1] == QR_BOARD_REFUSED,
          "lpt ratified, nhft refused");
    REFUSE(f, QR_ALREADY_DECIDED, "Leicestershire Partnership NHS Trust (lpt)|ratified|p-2026-01",
           ratify(f, lpt, "p-2026-01", "lpt", 1));
    REFUSE(f, QR_ALREADY_DECIDED, "Northamptonshire|refused",
           ratify(f, nhft, "p-2026-01", "nhft", 1));
    REFUSE(f, QR_WRONG_SIGNER,
           "board of Northamptonshire Healthcare NHS Foundation Trust (nhft)|"
           "signed by the board of Leicestershire",
           ratify(f, lpt, "p-2026-01", "nhft", 1));
    REFUSE(f, QR_NOT_UNDER_DELEGATION, "p-2026-01|SUPPORTS",
           overturn(f, lpt, "p-2026-01", "lpt", "we changed our mind"));
    REFUSE(f, QR_NOT_FOUND, "p-2026-99", ratify(f, lpt, "p-2026-99", "lpt", 1));

    qr_rules_destroy(&f->r);
    CHECK(f->r == NULL, "destroy nulls the pointer");
    qr_rules_destroy(&f->r);
}

/* ---- scenario 2: a city partnership board with delegated authority -------------------------- */

typedef struct {
    qr_key *op, *clerk;
    qr_key *uhl, *mhft, *lcht, *lcc, *icb, *gpc, *hw, *vcs, *hosp; /* boards */
    qr_key *uhl_ceo, *uhl_cfo, *mhft_ceo, *mhft_dir, *lcht_dir, *lcht_coo, *lcc_dir, *lcc_old;
    qr_key *icb_cfo, *gpc_lead, *gpc_mgr, *hw_chair, *vcs_lead, *hosp_ceo;
} city;

static void city_keys(city *c)
{
    c->op = key("operator");
    c->clerk = key("clerk");
    c->uhl = key("uhl-board");
    c->mhft = key("mhft-board");
    c->lcht = key("lcht-board");
    c->lcc = key("lcc-cabinet");
    c->icb = key("icb-board");
    c->gpc = key("gpc-board");
    c->hw = key("hw-board");
    c->vcs = key("vcs-board");
    c->hosp = key("hospices-board");
    c->uhl_ceo = key("uhl-ceo");
    c->uhl_cfo = key("uhl-cfo");
    c->mhft_ceo = key("mhft-ceo");
    c->mhft_dir = key("mhft-dir");
    c->lcht_dir = key("lcht-dir");
    c->lcht_coo = key("lcht-coo");
    c->lcc_dir = key("lcc-dir");
    c->lcc_old = key("lcc-old");
    c->icb_cfo = key("icb-cfo");
    c->gpc_lead = key("gpc-lead");
    c->gpc_mgr = key("gpc-mgr");
    c->hw_chair = key("hw-chair");
    c->vcs_lead = key("vcs-lead");
    c->hosp_ceo = key("hosp-ceo");
}

/* Charter, nine organisations, their people and their delegations. */
static void city_constitution(forum *f, city *c, charter_buf *cb)
{
    const Quorum__Membership FULL = QUORUM__MEMBERSHIP__FULL, ASSOC = QUORUM__MEMBERSHIP__ASSOCIATE;
    const Quorum__MemberCapacity EX = QUORUM__MEMBER_CAPACITY__EXECUTIVE;
    const Quorum__MemberCapacity OFF = QUORUM__MEMBER_CAPACITY__OFFICER;
    const Quorum__MemberCapacity REP = QUORUM__MEMBER_CAPACITY__FUNCTION_REPRESENTATIVE;
    ACCEPT(f, chartered(f, c->op,
                        charter(cb, "Leicester City Partnership Board", QUORUM__CAPACITY__DELEGATED,
                                QUORUM__DECISION_RULE__MAJORITY,
                                "Leicester City Health and Wellbeing Board", NULL, c->clerk)));
    ACCEPT(f, join(f, c->op, "uhl", "University Hospitals of Leicester NHS Trust",
                   QUORUM__ORG_KIND__NHS_TRUST, FULL, c->uhl));
    ACCEPT(f, join(f, c->op, "mhft", "Leicester Mental Health NHS Foundation Trust",
                   QUORUM__ORG_KIND__FOUNDATION_TRUST, FULL, c->mhft));
    ACCEPT(f, join(f, c->op, "lcht", "Leicester Community Health NHS Trust",
                   QUORUM__ORG_KIND__NHS_TRUST, FULL, c->lcht));
    ACCEPT(f, join(f, c->op, "lcc", "Leicester City Council", QUORUM__ORG_KIND__LOCAL_AUTHORITY,
                   FULL, c->lcc));
    ACCEPT(f,
           join(f, c->op, "icb", "LLR Integrated Care Board", QUORUM__ORG_KIND__ICB, FULL, c->icb));
    ACCEPT(f, join(f, c->op, "gpc", "Leicester GP Confederation", QUORUM__ORG_KIND__GP_FEDERATION,
                   FULL, c->gpc));
    ACCEPT(f, join(f, c->op, "healthwatch", "Healthwatch Leicester", QUORUM__ORG_KIND__THIRD_SECTOR,
                   ASSOC, c->hw));
    ACCEPT(f, join(f, c->op, "vcs", "Voluntary and Community Sector Forum",
                   QUORUM__ORG_KIND__THIRD_SECTOR, ASSOC, c->vcs));
    ACCEPT(f, join(f, c->op, "hospices", "Leicester Hospices", QUORUM__ORG_KIND__OTHER, ASSOC,
                   c->hosp));

    ACCEPT(f, appoint(f, c->uhl, "uhl", "uhl-ceo", "Mr R Patel", EX, 1, c->uhl_ceo));
    ACCEPT(f, appoint(f, c->uhl, "uhl", "uhl-cfo", "Ms S Lee", EX, 1, c->uhl_cfo));
    ACCEPT(f, appoint(f, c->mhft, "mhft", "mhft-ceo", "Dr T Brown", EX, 1, c->mhft_ceo));
    ACCEPT(f, appoint(f, c->mhft, "mhft", "mhft-dir", "Ms U White", EX, 1, c->mhft_dir));
    ACCEPT(f, appoint(f, c->lcht, "lcht", "lcht-dir", "Mr V Singh", EX, 1, c->lcht_dir));
    ACCEPT(f, appoint(f, c->lcht, "lcht", "lcht-coo", "Ms W Ahmed", EX, 1, c->lcht_coo));
    ACCEPT(f, appoint(f, c->lcc, "lcc", "lcc-dir", "Mr X Clarke", OFF, 1, c->lcc_dir));
    ACCEPT(f, appoint(f, c->lcc, "lcc", "lcc-old", "Mr K Old", OFF, 1, c->lcc_old));
    ACCEPT(f, appoint(f, c->icb, "icb", "icb-cfo", "Mrs Y Hall", EX, 1, c->icb_cfo));
    ACCEPT(f, appoint(f, c->gpc, "gpc", "gpc-lead", "Dr Z Ali", OFF, 1, c->gpc_lead));
    ACCEPT(f, appoint(f, c->gpc, "gpc", "gpc-mgr", "Mr Q Wood", OFF, 0, c->gpc_mgr));
    ACCEPT(f, appoint(f, c->hw, "healthwatch", "hw-chair", "Ms H Reid", REP, 1, c->hw_chair));
    ACCEPT(f, appoint(f, c->vcs, "vcs", "vcs-lead", "Mr I Shaw", REP, 1, c->vcs_lead));
    ACCEPT(f, appoint(f, c->hosp, "hospices", "hosp-ceo", "Mrs J Dale", EX, 1, c->hosp_ceo));

    /* Standing down, once. */
    REFUSE(f, QR_WRONG_SIGNER, "Leicester City Council",
           stand_down(f, c->lcc_dir, "lcc", "lcc-old"));
    ACCEPT(f, stand_down(f, c->lcc, "lcc", "lcc-old"));
    REFUSE(f, QR_NOT_A_MEMBER, "Mr K Old|stood down|Leicester City Council",
           stand_down(f, c->lcc, "lcc", "lcc-old"));

    const char *const *SC = L("service-change");
    const int64_t FIVE_M = POUNDS(5000000);
    ACCEPT(f, delegate_now(f, c->uhl, "uhl", "uhl-d1", L("uhl-ceo"), L("service-change", "estates"),
                           FIVE_M));
    ACCEPT(f, delegate_now(f, c->mhft, "mhft", "mhft-d1", L("mhft-ceo"), SC, FIVE_M));
    ACCEPT(f, delegate(f, c->lcht, "lcht", "lcht-d1", L("lcht-dir"), SC, FIVE_M, TODAY - 365 * DAY,
                       TODAY - DAY));
    ACCEPT(f, delegate_now(f, c->lcht, "lcht", "lcht-d2", L("lcht-coo"), SC, FIVE_M));
    ACCEPT(f, delegate_now(f, c->lcc, "lcc", "lcc-d1", L("lcc-dir"), SC, FIVE_M));
    ACCEPT(f, delegate_now(f, c->icb, "icb", "icb-d1", L("icb-cfo"), L("primary-care"), FIVE_M));
    ACCEPT(f, delegate_now(f, c->icb, "icb", "icb-d2", L("icb-cfo"), SC, FIVE_M));
    ACCEPT(f, delegate_now(f, c->icb, "icb", "icb-d3", L("icb-cfo"), SC, POUNDS(500000)));
    ACCEPT(f, delegate_now(f, c->icb, "icb", "icb-d4", L("icb-cfo"), SC, FIVE_M));
    ACCEPT(f, delegate_now(f, c->hw, "healthwatch", "hw-d1", L("hw-chair"), L("estates"), 0));
    ACCEPT(f, delegate(f, c->gpc, "gpc", "gpc-d1", L("gpc-lead"), SC, FIVE_M, TODAY + 30 * DAY,
                       TODAY + 365 * DAY));

    /* Revoking: only the granting board, only once. */
    REFUSE(f, QR_NOT_FOUND, "icb-d2|granted by LLR Integrated Care Board (icb)|uhl",
           revoke(f, c->uhl, "uhl", "icb-d2"));
    REFUSE(f, QR_WRONG_SIGNER, "board of LLR Integrated Care Board",
           revoke(f, c->uhl, "icb", "icb-d2"));
    ACCEPT(f, revoke(f, c->icb, "icb", "icb-d2"));
    REFUSE(f, QR_ALREADY_DECIDED, "icb-d2|already revoked", revoke(f, c->icb, "icb", "icb-d2"));
    REFUSE(f, QR_NOT_FOUND, "icb-d9", revoke(f, c->icb, "icb", "icb-d9"));

    /* The council keeps service changes to itself. */
    REFUSE(f, QR_WRONG_SIGNER, "board of Leicester City Council",
           reserve(f, c->lcc_dir, "lcc", SC));
    ACCEPT(f, reserve(f, c->lcc, "lcc", L("service-change", "service-change")));
    ACCEPT(f, reserve(f, c->lcc, "lcc", L("service-change", "budget")));
    CHECK(f->r->nreserved == 2, "reserved pairs are kept once: got %zu", f->r->nreserved);
}

static void check_outcome(const qr_outcome *o, size_t n, const char *org, Quorum__Outcome want,
                          Quorum__NoDecisionReason why, int line)
{
    const qr_outcome *x = outcome_for(o, n, org);
    check(x && x->outcome == want && x->why == why && !x->needs_ratification, line,
          "outcome for %s: got %s/%d, want %s/%d", org,
          x ? qr_rules_outcome_name(x->outcome) : "none", x ? (int)x->why : -1,
          qr_rules_outcome_name(want), (int)why);
}

static void scenario_city_partnership(void)
{
    forum F, *f = &F;
    charter_buf cb;
    city C, *c = &C;
    const Quorum__Choice FOR = QUORUM__CHOICE__FOR, AGAINST = QUORUM__CHOICE__AGAINST;
    const Quorum__Choice ABSTAIN = QUORUM__CHOICE__ABSTAIN;
    const char *P = "p-winter", *M = "lcpb-2026-05";
    char yesterday[16];
    date_of(TODAY - DAY, yesterday);
    city_keys(c);
    forum_init(f, "leicester-city-partnership");
    city_constitution(f, c, &cb);

    /* Attendance: members present per organisation; others in attendance; apologies. */
    REFUSE(f, QR_NOT_FOUND, M, attend(f, c->clerk, M, L("uhl/uhl-ceo/Mr R Patel"), NONE, NONE));
    ACCEPT(f, meeting_open(f, c->clerk, M));
    REFUSE(f, QR_NOT_A_MEMBER, "nhs-england|has not joined",
           attend(f, c->clerk, M, L("nhs-england/ne-1/Ms N"), NONE, NONE));
    REFUSE(f, QR_NOT_A_MEMBER, "lcc-old|stood down",
           attend(f, c->clerk, M, L("lcc/lcc-old/Mr K Old"), NONE, NONE));
    REFUSE(f, QR_WRONG_SIGNER, "clerk|Mr R Patel",
           attend(f, c->uhl_ceo, M, L("uhl/uhl-ceo/Mr R Patel"), NONE, NONE));
    ACCEPT(f, attend(f, c->clerk, M,
                     L("uhl/uhl-ceo/Mr R Patel", "mhft/mhft-ceo/Dr T Brown",
                       "lcht/lcht-dir/Mr V Singh", "lcht/lcht-coo/Ms W Ahmed",
                       "lcc/lcc-dir/Mr X Clarke", "icb/icb-cfo/Mrs Y Hall", "gpc/gpc-mgr/Mr Q Wood",
                       "healthwatch/hw-chair/Ms H Reid", "vcs/vcs-lead/Mr I Shaw",
                       "hospices/hosp-ceo/Mrs J Dale"),
                     L("mhft/mhft-dir/Ms U White", "//Ms P Press"), L("gpc/gpc-lead/Dr Z Ali")));
    const qr_meeting *m = qr_rules_meeting(f->r, M);
    CHECK(m && m->open && m->npresent == 10 && m->nin_attendance == 2 && m->napologies == 1,
          "attendance recorded");
    CHECK(!qr_rules_quorate(f->r, m, "gpc") && qr_rules_quorate(f->r, m, "uhl"),
          "the GP confederation has no voting member present");

    REFUSE(f, QR_BAD_STATEMENT, "p-winter|title",
           table(f, c->clerk, P, M, "", "service-change", 1, POUNDS(1000000)));
    ACCEPT(f, table(f, c->clerk, P, M, "Winter resilience plan", "service-change", 1,
                    POUNDS(1000000)));
    REFUSE(f, QR_DUPLICATE_ID, "p-winter|lcpb-2026-05",
           table(f, c->clerk, P, M, "Winter resilience plan", "service-change", 1, 0));
    ACCEPT(f, table(f, c->clerk, "p-estates", M, "Shared estates review", "estates", 0, 0));

    /* Rule 6: on a statutory matter only full members vote. */
    REFUSE(f, QR_ASSOCIATE_CANNOT_VOTE, "Healthwatch Leicester (healthwatch)|associate|p-winter",
           vote(f, c->hw_chair, P, "healthwatch", "hw-chair", FOR, "hw-d1"));
    ACCEPT(f, vote(f, c->hw_chair, "p-estates", "healthwatch", "hw-chair", FOR, "hw-d1"));

    /* Rule 13: a show of hands recorded by the clerk, confirmed later by the representative. */
    REFUSE(f, QR_WRONG_SIGNER, "clerk|Mr R Patel",
           vote_as(f, c->uhl_ceo, P, "uhl", "uhl-ceo", FOR, "uhl-d1", 1));
    REFUSE(f, QR_WRONG_SIGNER, "Mr R Patel (uhl-ceo)|own key|the clerk",
           vote_as(f, c->clerk, P, "uhl", "uhl-ceo", FOR, "uhl-d1", 0));
    uint64_t uhl_seq = f->r->size;
    ACCEPT(f, vote_as(f, c->clerk, P, "uhl", "uhl-ceo", FOR, "uhl-d1", 1));

    /* Rule 3 (first half): the mental-health trust votes against, for now. */
    uint64_t mhft_seq = f->r->size;
    ACCEPT(f, vote(f, c->mhft_ceo, P, "mhft", "mhft-ceo", AGAINST, "mhft-d1"));

    /* Rule 4: the delegated envelope, refusal by refusal. */
    char msg[256];
    snprintf(msg, sizeof msg,
             "Mr V Singh (lcht-dir) cannot bind Leicester Community Health NHS Trust (lcht): "
             "delegation lcht-d1 expired on %s",
             yesterday);
    REFUSE(f, QR_DELEGATION_EXPIRED, msg,
           vote(f, c->lcht_dir, P, "lcht", "lcht-dir", AGAINST, "lcht-d1"));
    ACCEPT(f, vote(f, c->lcht_coo, P, "lcht", "lcht-coo", AGAINST, "lcht-d2"));
    REFUSE(f, QR_RESERVED_MATTER, "Mr X Clarke|Leicester City Council (lcc)|service-change",
           vote(f, c->lcc_dir, P, "lcc", "lcc-dir", FOR, "lcc-d1"));
    ACCEPT(f, vote(f, c->lcc_dir, P, "lcc", "lcc-dir", ABSTAIN, NULL));
    REFUSE(f, QR_OUT_OF_SCOPE,
           "Mrs Y Hall|LLR Integrated Care Board|icb-d1|primary-care|"
           "service-change",
           vote(f, c->icb_cfo, P, "icb", "icb-cfo", FOR, "icb-d1"));
    REFUSE(f, QR_DELEGATION_REVOKED, "Mrs Y Hall|LLR Integrated Care Board|icb-d2|revoked",
           vote(f, c->icb_cfo, P, "icb", "icb-cfo", FOR, "icb-d2"));
    REFUSE(f, QR_OVER_FINANCIAL_LIMIT, "Mrs Y Hall|icb-d3|£1,000,000.00|£500,000.00|p-winter",
           vote(f, c->icb_cfo, P, "icb", "icb-cfo", FOR, "icb-d3"));
    REFUSE(f, QR_NO_DELEGATION, "Mrs Y Hall|LLR Integrated Care Board|names no delegation",
           vote(f, c->icb_cfo, P, "icb", "icb-cfo", FOR, NULL));
    REFUSE(f, QR_NO_DELEGATION, "uhl-d1|granted by University Hospitals of Leicester",
           vote(f, c->icb_cfo, P, "icb", "icb-cfo", FOR, "uhl-d1"));
    REFUSE(f, QR_NO_DELEGATION, "icb-d9|no delegation",
           vote(f, c->icb_cfo, P, "icb", "icb-cfo", FOR, "icb-d9"));
    ACCEPT(f, vote(f, c->icb_cfo, P, "icb", "icb-cfo", FOR, "icb-d4"));

    /* Rule 10: presence, attendance and quorum. */
    REFUSE(f, QR_NOT_PRESENT, "Ms S Lee (uhl-cfo)|University Hospitals of Leicester|not recorded",
           vote(f, c->uhl_cfo, P, "uhl", "uhl-cfo", FOR, "uhl-d1"));
    REFUSE(f, QR_NOT_PRESENT, "Ms U White (mhft-dir)|only in attendance",
           vote(f, c->mhft_dir, P, "mhft", "mhft-dir", FOR, "mhft-d1"));
    REFUSE(f, QR_INQUORATE, "Leicester GP Confederation (gpc)|not quorate|lcpb-2026-05",
           vote(f, c->gpc_mgr, P, "gpc", "gpc-mgr", FOR, NULL));
    REFUSE(f, QR_NOT_A_MEMBER, "Mr K Old|stood down",
           vote(f, c->lcc_old, P, "lcc", "lcc-old", FOR, "lcc-d1"));
    REFUSE(f, QR_NOT_A_MEMBER, "nhs-england|has not joined",
           vote(f, c->icb_cfo, P, "nhs-england", "icb-cfo", FOR, NULL));
    REFUSE(f, QR_WRONG_SIGNER, "Mrs Y Hall|own key|Mr R Patel",
           vote(f, c->uhl_ceo, P, "icb", "icb-cfo", FOR, "icb-d4"));
    REFUSE(f, QR_NOT_FOUND, "p-nothing",
           vote(f, c->icb_cfo, "p-nothing", "icb", "icb-cfo", FOR, "icb-d4"));
    REFUSE(f, QR_BAD_STATEMENT, "FOR, AGAINST or ABSTAIN",
           vote(f, c->icb_cfo, P, "icb", "icb-cfo", QUORUM__CHOICE__CHOICE_UNSPECIFIED, NULL));

    /* Rule 3 (second half): the mental-health trust changes its vote to go with the majority. */
    ACCEPT(f, vote(f, c->mhft_ceo, P, "mhft", "mhft-ceo", FOR, "mhft-d1"));
    const qr_proposal *p = qr_rules_proposal(f->r, P);
    size_t sup = 0;
    const qr_vote *latest = qr_rules_latest_vote(p, "mhft");
    CHECK(votes_of(p, "mhft", &sup) == 2 && sup == 1 && latest &&
              latest->choice == QUORUM__CHOICE__FOR && latest->seq > mhft_seq,
          "both mhft votes kept, the earlier superseded, the latest FOR");

    /* The clerk-recorded vote is confirmed by its representative, once. */
    REFUSE(f, QR_WRONG_SIGNER, "Mr R Patel (uhl-ceo)|only they can confirm|Mrs Y Hall",
           confirm(f, c->icb_cfo, P, "uhl", uhl_seq, f->leaf[uhl_seq]));
    REFUSE(f, QR_NOT_FOUND, "University Hospitals of Leicester",
           confirm(f, c->uhl_ceo, P, "uhl", uhl_seq, f->leaf[mhft_seq]));
    REFUSE(f, QR_NOT_FOUND, "Leicester Mental Health",
           confirm(f, c->mhft_ceo, P, "mhft", mhft_seq, f->leaf[mhft_seq]));
    ACCEPT(f, confirm(f, c->uhl_ceo, P, "uhl", uhl_seq, f->leaf[uhl_seq]));
    REFUSE(f, QR_ALREADY_DECIDED, "Mr R Patel|already confirmed",
           confirm(f, c->uhl_ceo, P, "uhl", uhl_seq, f->leaf[uhl_seq]));
    const qr_vote *uv = qr_rules_latest_vote(p, "uhl");
    CHECK(uv && uv->by_clerk && uv->confirmed,
          "the uhl vote is recorded by the clerk and confirmed");

    /* The outcome per organisation, including associates, before closing. */
    qr_outcome *o = NULL;
    size_t n = 0;
    Quorum__ForumResult res = 0;
    CHECK_RC(qr_rules_outcomes(f->r, P, &o, &n, &res), QR_OK, "outcomes");
    CHECK(n == 9, "one outcome per member organisation, got %zu", n);
    const char *order[] = {"uhl", "mhft",        "lcht", "lcc",     "icb",
                           "gpc", "healthwatch", "vcs",  "hospices"};
    int in_order = n == 9;
    for (size_t i = 0; in_order && i < n; i++)
        in_order = strcmp(o[i].org, order[i]) == 0;
    CHECK(in_order, "outcomes in join order");
    const Quorum__NoDecisionReason NONE_ = QUORUM__NO_DECISION_REASON__NDR_NONE;
    check_outcome(o, n, "uhl", QUORUM__OUTCOME__BOUND, NONE_, __LINE__);
    check_outcome(o, n, "mhft", QUORUM__OUTCOME__BOUND, NONE_, __LINE__);
    check_outcome(o, n, "lcht", QUORUM__OUTCOME__NOT_BOUND, NONE_, __LINE__);
    check_outcome(o, n, "lcc", QUORUM__OUTCOME__NO_DECISION, QUORUM__NO_DECISION_REASON__ABSTAINED,
                  __LINE__);
    check_outcome(o, n, "icb", QUORUM__OUTCOME__BOUND, NONE_, __LINE__);
    check_outcome(o, n, "gpc", QUORUM__OUTCOME__NO_DECISION, QUORUM__NO_DECISION_REASON__INQUORATE,
                  __LINE__);
    for (size_t i = 6; i < 9; i++)
        check_outcome(o, n, order[i], QUORUM__OUTCOME__NO_DECISION,
                      QUORUM__NO_DECISION_REASON__DID_NOT_VOTE, __LINE__);
    CHECK(res == QUORUM__FORUM_RESULT__CARRIED, "the majority carried it");

    /* Rule 9 and the recomputed outcome. */
    REFUSE(f, QR_REASONS_REQUIRED, "p-winter|Winter resilience plan|reasons",
           close_proposal(f, c->clerk, P, "", o, n, res));
    REFUSE(f, QR_WRONG_SIGNER, "clerk|Mr R Patel",
           close_proposal(f, c->uhl_ceo, P, "agreed", o, n, res));
    o[2].outcome = QUORUM__OUTCOME__BOUND;
    REFUSE(f, QR_OUTCOME_MISMATCH,
           "for Leicester Community Health NHS Trust (lcht) the votes give NOT_BOUND but the "
           "statement says BOUND",
           close_proposal(f, c->clerk, P, "agreed", o, n, res));
    o[2].outcome = QUORUM__OUTCOME__NOT_BOUND;
    o[5].why = QUORUM__NO_DECISION_REASON__DID_NOT_VOTE;
    REFUSE(f, QR_OUTCOME_MISMATCH, "Leicester GP Confederation|INQUORATE|DID_NOT_VOTE",
           close_proposal(f, c->clerk, P, "agreed", o, n, res));
    o[5].why = QUORUM__NO_DECISION_REASON__INQUORATE;
    REFUSE(f, QR_OUTCOME_MISMATCH, "no outcome for Leicester Hospices (hospices)",
           close_proposal(f, c->clerk, P, "agreed", o, n - 1, res));
    REFUSE(f, QR_OUTCOME_MISMATCH, "forum result CARRIED|NOT_CARRIED",
           close_proposal(f, c->clerk, P, "agreed", o, n, QUORUM__FORUM_RESULT__NOT_CARRIED));
    o[0].needs_ratification = 1;
    REFUSE(f, QR_OUTCOME_MISMATCH, "University Hospitals of Leicester|ratify",
           close_proposal(f, c->clerk, P, "agreed", o, n, res));
    o[0].needs_ratification = 0;
    ACCEPT(f, close_proposal(f, c->clerk, P, "Winter pressures need a joint plan; costs shared", o,
                             n, res));
    free(o);
    p = qr_rules_proposal(f->r, P);
    CHECK(p->closed && p->noutcomes == 9 && p->result == QUORUM__FORUM_RESULT__CARRIED &&
              strcmp(p->reasons, "Winter pressures need a joint plan; costs shared") == 0,
          "closing recorded the outcomes, result and reasons");
    int pending = 1;
    for (size_t i = 0; i < p->noutcomes; i++)
        pending = pending && p->board[i] == QR_BOARD_PENDING && !p->overturned[i];
    CHECK(pending, "no board has acted yet");
    REFUSE(f, QR_PROPOSAL_CLOSED, "p-winter|closed",
           vote(f, c->icb_cfo, P, "icb", "icb-cfo", AGAINST, "icb-d4"));
    REFUSE(f, QR_PROPOSAL_CLOSED, "p-winter|already closed",
           close_proposal(f, c->clerk, P, "again", NULL, 0, res));

    /* Rule 8: boards may overturn what was decided under their delegation, with a reason. */
    REFUSE(f, QR_NOT_A_RECOMMENDATION, "p-winter|University Hospitals of Leicester",
           ratify(f, c->uhl, P, "uhl", 1));
    REFUSE(f, QR_REASONS_REQUIRED, "University Hospitals of Leicester NHS Trust (uhl)|reason",
           overturn(f, c->uhl, P, "uhl", ""));
    REFUSE(f, QR_WRONG_SIGNER, "board of University Hospitals of Leicester|Mr R Patel",
           overturn(f, c->uhl_ceo, P, "uhl", "unaffordable"));
    REFUSE(f, QR_NOT_UNDER_DELEGATION, "Leicester City Council (lcc)|no decision|ABSTAINED",
           overturn(f, c->lcc, P, "lcc", "we would have voted against"));
    REFUSE(f, QR_NOT_UNDER_DELEGATION, "p-estates|not closed yet",
           overturn(f, c->hw, "p-estates", "healthwatch", "no"));
    ACCEPT(f, overturn(f, c->uhl, P, "uhl", "the trust board cannot fund its share this year"));
    ACCEPT(f, overturn(f, c->lcht, P, "lcht", "the board supports the plan after all"));
    REFUSE(f, QR_ALREADY_DECIDED, "University Hospitals of Leicester|already overturned",
           overturn(f, c->uhl, P, "uhl", "again"));
    CHECK(p->overturned[0] == 1 && p->overturned[2] == 1 && p->overturned[1] == 0,
          "uhl and lcht overturned, mhft not");

    /* Rule 11: actions belong to one member organisation and a named person. */
    REFUSE(f, QR_ACTION_NEEDS_OWNER, "a-winter-1|partnership|one member organisation",
           assign(f, c->clerk, "a-winter-1", P, "partnership", "uhl-ceo", TODAY + 14 * DAY));
    REFUSE(f, QR_ACTION_NEEDS_OWNER, "a-winter-1|one member organisation",
           assign(f, c->clerk, "a-winter-1", P, "", "uhl-ceo", TODAY + 14 * DAY));
    REFUSE(f, QR_ACTION_NEEDS_OWNER, "a-winter-1|University Hospitals of Leicester|named",
           assign(f, c->clerk, "a-winter-1", P, "uhl", "", TODAY + 14 * DAY));
    REFUSE(f, QR_NOT_FOUND, "p-nothing",
           assign(f, c->clerk, "a-winter-1", "p-nothing", "uhl", "uhl-ceo", TODAY + 14 * DAY));
    REFUSE(f, QR_BAD_STATEMENT, "a-winter-1|due",
           assign(f, c->clerk, "a-winter-1", P, "uhl", "uhl-ceo", 0));
    REFUSE(f, QR_WRONG_SIGNER, "clerk|Mr R Patel",
           assign(f, c->uhl_ceo, "a-winter-1", P, "uhl", "uhl-ceo", TODAY + 14 * DAY));
    ACCEPT(f, assign(f, c->clerk, "a-winter-1", P, "uhl", "uhl-ceo", TODAY + 14 * DAY));
    REFUSE(f, QR_DUPLICATE_ID, "a-winter-1",
           assign(f, c->clerk, "a-winter-1", P, "uhl", "uhl-ceo", TODAY + 14 * DAY));
    ACCEPT(f, update(f, c->clerk, "a-winter-1", QUORUM__ACTION_STATUS__IN_PROGRESS));
    ACCEPT(f, update(f, c->uhl_ceo, "a-winter-1", QUORUM__ACTION_STATUS__DONE));
    REFUSE(f, QR_WRONG_SIGNER,
           "a-winter-1|University Hospitals of Leicester|Mr R Patel (uhl-ceo)|Mrs Y Hall",
           update(f, c->icb_cfo, "a-winter-1", QUORUM__ACTION_STATUS__DROPPED));
    REFUSE(f, QR_NOT_FOUND, "a-winter-9",
           update(f, c->clerk, "a-winter-9", QUORUM__ACTION_STATUS__DONE));
    REFUSE(f, QR_BAD_STATEMENT, "a-winter-1|status",
           update(f, c->clerk, "a-winter-1", QUORUM__ACTION_STATUS__ACTION_STATUS_UNSPECIFIED));
    const qr_action *a = qr_rules_action(f->r, "a-winter-1");
    CHECK(a && a->nhistory == 3 && a->history[0].status == QUORUM__ACTION_STATUS__OPEN &&
              a->history[1].status == QUORUM__ACTION_STATUS__IN_PROGRESS &&
              a->history[2].status == QUORUM__ACTION_STATUS__DONE,
          "the action's history: OPEN, IN_PROGRESS, DONE");
    CHECK(!qr_rules_action_overdue(a, TODAY + 100 * DAY), "a done action is never overdue");

    /* Each organisation's feed (lib/concerns.h): who hears of what. */
    const char *orgs[QR_CONCERNS_MAX];
    size_t nc = 0;
    Quorum__DecisionOverturned dov = QUORUM__DECISION_OVERTURNED__INIT;
    dov.proposal = (char *)P;
    dov.organisation = "uhl";
    STATEMENT(s_over, DECISION_OVERTURNED, decision_overturned, dov);
    qr_concerns(f->r, &s_over, orgs, &nc);
    CHECK(nc == f->r->norgs && nc == 9, "an overturn goes to every member's feed (%zu)", nc);
    Quorum__ProposalClosed pc = QUORUM__PROPOSAL_CLOSED__INIT;
    pc.proposal = (char *)P;
    STATEMENT(s_close, PROPOSAL_CLOSED, proposal_closed, pc);
    qr_concerns(f->r, &s_close, orgs, &nc);
    CHECK(nc == 9, "a close goes to every organisation with an outcome (%zu)", nc);
    Quorum__ActionUpdated au = QUORUM__ACTION_UPDATED__INIT;
    au.action = "a-winter-1";
    STATEMENT(s_upd, ACTION_UPDATED, action_updated, au);
    qr_concerns(f->r, &s_upd, orgs, &nc);
    CHECK(nc == 1 && strcmp(orgs[0], "uhl") == 0, "an action's update goes to its owner only");
    Quorum__VoteCast vc = QUORUM__VOTE_CAST__INIT;
    vc.proposal = (char *)P;
    vc.organisation = "uhl";
    STATEMENT(s_vote, VOTE_CAST, vote_cast, vc);
    qr_concerns(f->r, &s_vote, orgs, &nc);
    CHECK(nc == 0, "a vote is on the forum's feed only");

    /* The signer's clock. */
    f->skew = 2 * 3600;
    REFUSE(f, QR_CLOCK_SKEW, "ActionUpdated|10 minutes",
           update(f, c->clerk, "a-winter-1", QUORUM__ACTION_STATUS__DONE));
    f->skew = -2 * 3600;
    REFUSE(f, QR_CLOCK_SKEW, "ActionUpdated",
           update(f, c->clerk, "a-winter-1", QUORUM__ACTION_STATUS__DONE));
    f->skew = QR_RULES_MAX_SKEW;
    ACCEPT(f, update(f, c->clerk, "a-winter-1", QUORUM__ACTION_STATUS__DONE));

    /* Rule 14: corrections name a real entry. */
    uint8_t wrong[QR_HASH_LEN];
    memcpy(wrong, f->leaf[mhft_seq], QR_HASH_LEN);
    wrong[0] ^= 1;
    REFUSE(f, QR_NOT_FOUND, "entry", correct(f, c->clerk, mhft_seq, wrong, QR_HASH_LEN, "typo"));
    REFUSE(f, QR_NOT_FOUND, "earlier entry",
           correct(f, c->clerk, f->r->size, f->leaf[mhft_seq], QR_HASH_LEN, "typo"));
    REFUSE(f, QR_BAD_STATEMENT, "32-byte",
           correct(f, c->clerk, mhft_seq, f->leaf[mhft_seq], 31, "typo"));
    REFUSE(f, QR_REASONS_REQUIRED, "reason",
           correct(f, c->clerk, mhft_seq, f->leaf[mhft_seq], QR_HASH_LEN, ""));
    REFUSE(f, QR_WRONG_SIGNER, "clerk|Dr T Brown",
           correct(f, c->mhft_ceo, mhft_seq, f->leaf[mhft_seq], QR_HASH_LEN, "typo"));
    ACCEPT(f, correct(f, c->clerk, mhft_seq, f->leaf[mhft_seq], QR_HASH_LEN,
                      "the clerk minuted the wrong reason"));
    CHECK(f->r->ncorrections == 1 && f->r->corrections[0].corrects_seq == mhft_seq,
          "the correction names the entry it corrects");

    /* Meetings close; nothing more is voted or tabled in them. */
    REFUSE(f, QR_BAD_STATEMENT, "lcpb-2026-05|still open",
           approve(f, c->clerk, M, "", f->r->size, 32));
    ACCEPT(f, meeting_close(f, c->clerk, M));
    REFUSE(f, QR_MEETING_NOT_OPEN, "lcpb-2026-05", meeting_close(f, c->clerk, M));
    REFUSE(f, QR_MEETING_NOT_OPEN, "lcpb-2026-05|p-estates",
           vote(f, c->uhl_ceo, "p-estates", "uhl", "uhl-ceo", FOR, "uhl-d1"));
    REFUSE(f, QR_MEETING_NOT_OPEN, "lcpb-2026-05",
           table(f, c->clerk, "p-late", M, "Late item", "estates", 0, 0));
    CHECK(qr_rules_open_meeting(f->r) == NULL, "no meeting open");

    /* Rule 15: minutes approved as a decision. */
    uint64_t size = f->r->size;
    REFUSE(f, QR_NOT_FOUND, "lcpb-2099", approve(f, c->clerk, "lcpb-2099", "", size, 32));
    REFUSE(f, QR_BAD_STATEMENT, "32-byte", approve(f, c->clerk, M, "", size, 31));
    REFUSE(f, QR_OUT_OF_RANGE, "lcpb-2026-05", approve(f, c->clerk, M, "", size + 5, 32));
    REFUSE(f, QR_WRONG_SIGNER, "University Hospitals of Leicester|Ms H Reid",
           approve(f, c->hw_chair, M, "uhl", size, 32));
    REFUSE(f, QR_WRONG_SIGNER, "clerk|Mr R Patel", approve(f, c->uhl_ceo, M, "", size, 32));
    ACCEPT(f, approve(f, c->clerk, M, "", size, 32));
    ACCEPT(f, approve(f, c->uhl_ceo, M, "uhl", size, 32));
    ACCEPT(f, approve(f, c->icb, M, "icb", size, 32));
    CHECK(f->r->napprovals == 3 && f->r->approvals[0].org[0] == 0 &&
              strcmp(f->r->approvals[1].org, "uhl") == 0,
          "the chair's approval, then each organisation's sign-off");

    /* A stood-down member may be appointed again. */
    ACCEPT(f, appoint(f, c->lcc, "lcc", "lcc-old", "Mr K Old", QUORUM__MEMBER_CAPACITY__OFFICER, 1,
                      c->lcc_old));
    const qr_member *mem = qr_rules_member(f->r, "lcc", "lcc-old");
    CHECK(mem && !mem->stood_down, "the reappointment is the current record");

    /* An entry a replay stepped over keeps its number, and corrections can name it. */
    uint8_t skipped[QR_HASH_LEN] = {9, 9, 9};
    uint64_t sk = f->r->size;
    qr_rules_skip(f->r, skipped);
    CHECK(f->r->size == sk + 1, "a skipped entry keeps its number");
    ACCEPT(f, correct(f, c->clerk, sk, skipped, QR_HASH_LEN, "that entry was unlawful"));

    qr_rules_destroy(&f->r);
}

/* ---- a charter must say whom the forum reports to ---------------------------------------- */

static void scenario_fresh_charter(void)
{
    forum F, *f = &F;
    charter_buf cb;
    qr_key *op = key("operator"), *clerk = key("clerk");
    forum_init(f, "north-place-board");
    Quorum__Charter *ch = charter(&cb, "North Place Board", QUORUM__CAPACITY__DELEGATED,
                                  QUORUM__DECISION_RULE__UNANIMITY, NULL, NULL, clerk);
    REFUSE(f, QR_CHARTER_NEEDS_RELATIONSHIP, "North Place Board|reports to", chartered(f, op, ch));
    CHECK(f->r->size == 0 && !f->r->chartered && !f->r->charter, "the forum is still unchartered");
    ch = charter(&cb, "North Place Board", QUORUM__CAPACITY__DELEGATED,
                 QUORUM__DECISION_RULE__UNANIMITY, "", NULL, clerk);
    REFUSE(f, QR_CHARTER_NEEDS_RELATIONSHIP, "North Place Board", chartered(f, op, ch));
    ch = charter(&cb, "North Place Board", QUORUM__CAPACITY__CAPACITY_UNSPECIFIED,
                 QUORUM__DECISION_RULE__UNANIMITY, "Place Partnership", NULL, clerk);
    REFUSE(f, QR_BAD_STATEMENT, "North Place Board|capacity", chartered(f, op, ch));
    ch = charter(&cb, "North Place Board", QUORUM__CAPACITY__DELEGATED,
                 QUORUM__DECISION_RULE__UNANIMITY, "Place Partnership", NULL, clerk);
    cb.clerk.sign_key.len = 31;
    REFUSE(f, QR_BAD_STATEMENT, "clerk|Ms L Clerk|32-byte", chartered(f, op, ch));
    cb.clerk.sign_key.len = 32;
    ACCEPT(f, chartered(f, op, ch));
    CHECK(f->r->chartered && f->r->charter && f->r->charter->n_relationships == 1,
          "chartered with its relationship");
    qr_rules_destroy(&f->r);
}

int main(void)
{
    t_begin("test_rules");
    CHECK(qr_rules_new("Not A Slug") == NULL, "a forum id must be a slug");
    scenario_committees_in_common();
    scenario_city_partnership();
    scenario_fresh_charter();
    for (size_t i = 0; i < nkeys; i++)
        qr_key_destroy(&all_keys[i]);
    return t_end();
}
