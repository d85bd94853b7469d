/*
 * fixture.c: the forums of fixture.h, every statement checked by the rulebook as it is added.
 */
#include "fixture.h"

#include "checkpoint.h"
#include "fuzz.h"
#include "merkle.h"
#include "note.h"
#include "util.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400LL
#define TODAY (clock_t0 - clock_t0 % DAY)

static int64_t clock_t0 = FX_T0, clock_step = 60;

static struct {
    char name[32];
    qr_key *k;
} keys[32];

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz fixture: %s: %s\n", what, detail);
    exit(2);
}

int64_t fx_time(uint64_t seq)
{
    return clock_t0 + clock_step * (int64_t)seq;
}

void fx_set_clock(int64_t t0, int64_t step)
{
    clock_t0 = t0;
    clock_step = step;
}

static void derive(const char *name, const char *label, char out[64])
{
    uint8_t h[32];
    crypto_hash_sha256_state s;
    crypto_hash_sha256_init(&s);
    crypto_hash_sha256_update(&s, (const uint8_t *)label, strlen(label));
    crypto_hash_sha256_update(&s, (const uint8_t *)name, strlen(name));
    crypto_hash_sha256_final(&s, h);
    char *b = qr_b64(h, 32);
    if (!b)
        die("out of memory", name);
    snprintf(out, 64, "%s", b);
    free(b);
}

const qr_key *fx_key(const char *name)
{
    size_t i;
    for (i = 0; i < sizeof keys / sizeof *keys && keys[i].k; i++)
        if (strcmp(keys[i].name, name) == 0)
            return keys[i].k;
    if (i == sizeof keys / sizeof *keys)
        die("too many keys", name);
    char seed[64], curve[64], text[256], err[128];
    derive(name, "ed25519 ", seed);
    derive(name, "curve ", curve);
    int n = snprintf(text, sizeof text,
                     "quorum-secret-key-v1\nname %s\ned25519-seed %s\ncurve-secret %s\n", name,
                     seed, curve);
    if (qr_key_parse(text, (size_t)n, &keys[i].k, err, sizeof err) != QR_OK)
        die("cannot make key", err);
    snprintf(keys[i].name, sizeof keys[i].name, "%s", name);
    return keys[i].k;
}

static ProtobufCBinaryData bin(const uint8_t *p, size_t n)
{
    return (ProtobufCBinaryData){n, (uint8_t *)p};
}

/* ---- building a forum ------------------------------------------------------------------- */

typedef struct {
    fx_forum *f;
    qr_rules *r; /* the state so far: every statement is judged as it is added */
} builder;

static void add(builder *b, const char *signer, Quorum__Statement *st)
{
    fx_forum *f = b->f;
    size_t i = f->n;
    char err[256];
    qr_statement *s = NULL;
    qr_refusal why;
    if (i == FX_MAX)
        die("forum too long", f->id);
    st->forum = (char *)f->id;
    st->signed_at = fx_time(i);
    if (qr_statement_seal(st, fx_key(signer), &f->stmt[i].bytes, &f->stmt[i].len) != QR_OK ||
        qr_entry_encode(i, fx_time(i), f->stmt[i].bytes, f->stmt[i].len, &f->entry[i].bytes,
                        &f->entry[i].len) != QR_OK)
        die("cannot seal", qr_statement_kind(st));
    qr_merkle_leaf_hash(f->entry[i].bytes, f->entry[i].len, f->leaf[i]);
    if (qr_statement_open(f->stmt[i].bytes, f->stmt[i].len, &s, err, sizeof err) != QR_OK)
        die("cannot open", err);
    if (qr_rules_apply(b->r, s, i, fx_time(i), f->leaf[i], &why) != QR_OK)
        die(qr_statement_kind(st), why.message);
    qr_statement_destroy(&s);
    f->n++;
}

#define STATEMENT(var, kind_enum, field, msg)                                                      \
    Quorum__Statement var = QUORUM__STATEMENT__INIT;                                               \
    var.kind_case = QUORUM__STATEMENT__KIND_##kind_enum;                                           \
    var.field = &(msg)

static Quorum__Party party(const char *name)
{
    Quorum__Party p = QUORUM__PARTY__INIT;
    const qr_key *k = fx_key(name);
    p.name = (char *)name;
    p.sign_key = bin(k->sign_pk, 32);
    p.curve_key = bin(k->curve_pk, 32);
    return p;
}

static void charter(builder *b, Quorum__Capacity cap, int amend)
{
    Quorum__Charter ch = QUORUM__CHARTER__INIT;
    Quorum__Relationship rel = QUORUM__RELATIONSHIP__INIT;
    Quorum__Relationship *relp[1] = {&rel};
    Quorum__CharterMember m[2] = {QUORUM__CHARTER_MEMBER__INIT, QUORUM__CHARTER_MEMBER__INIT};
    Quorum__CharterMember *mp[2] = {&m[0], &m[1]};
    Quorum__QuorumRule q = QUORUM__QUORUM_RULE__INIT;
    Quorum__Party clerk = party("clerk"), chair = party("chair"), wit = party("witness"),
                  aud = party("auditor");
    Quorum__Party *clerks[2] = {&clerk, &chair}, *wits[1] = {&wit}, *auds[1] = {&aud};
    ch.name = amend ? (char *)"City Partnership Board (amended)" : (char *)"City Partnership Board";
    ch.purpose = (char *)"to decide together what each organisation decides for itself";
    ch.scope = (char *)"community services";
    ch.out_of_scope = (char *)"acute contracts";
    ch.capacity = cap;
    ch.chair = (char *)"Independent chair";
    ch.frequency = (char *)"monthly";
    ch.supported_by = (char *)"the ICB governance team";
    ch.contact = (char *)"board@example.nhs.uk";
    rel.body = (char *)"Health and Wellbeing Board";
    rel.relation = (char *)"reports to";
    ch.n_relationships = 1;
    ch.relationships = relp;
    m[0].organisation = (char *)"uhl";
    m[0].role = (char *)"full member";
    m[1].organisation = (char *)"lcc";
    m[1].role = (char *)"full member";
    ch.n_members = 2;
    ch.members = mp;
    q.text = (char *)"at least one voting member of each organisation";
    q.min_voting_members_per_org = 1;
    ch.quorum = &q;
    ch.decision_rule = QUORUM__DECISION_RULE__CONSENSUS;
    ch.n_clerks = 2;
    ch.clerks = clerks;
    ch.n_witnesses = 1;
    ch.witnesses = wits;
    ch.n_auditors = 1;
    ch.auditors = auds;
    if (amend) {
        Quorum__CharterAmended a = QUORUM__CHARTER_AMENDED__INIT;
        a.charter = &ch;
        a.reason = (char *)"a new name";
        STATEMENT(st, CHARTER_AMENDED, charter_amended, a);
        add(b, "operator", &st);
    } else {
        Quorum__ForumChartered c = QUORUM__FORUM_CHARTERED__INIT;
        c.charter = &ch;
        STATEMENT(st, FORUM_CHARTERED, forum_chartered, c);
        add(b, "operator", &st);
    }
}

static void join(builder *b, const char *org, const char *name, Quorum__OrgKind kind,
                 Quorum__Membership mem)
{
    char board[64];
    snprintf(board, sizeof board, "%s-board", org);
    const qr_key *k = fx_key(board);
    Quorum__OrganisationJoined m = QUORUM__ORGANISATION_JOINED__INIT;
    m.organisation = (char *)org;
    m.name = (char *)name;
    m.kind = kind;
    m.membership = mem;
    m.board_sign_key = bin(k->sign_pk, 32);
    m.board_curve_key = bin(k->curve_pk, 32);
    STATEMENT(st, ORGANISATION_JOINED, organisation_joined, m);
    add(b, "operator", &st);
}

static void appoint(builder *b, const char *org, const char *person, const char *name,
                    Quorum__MemberCapacity cap)
{
    char board[64], who[64];
    snprintf(board, sizeof board, "%s-board", org);
    snprintf(who, sizeof who, "%s-%s", org, person);
    const qr_key *k = fx_key(who);
    Quorum__MemberAppointed m = QUORUM__MEMBER_APPOINTED__INIT;
    m.organisation = (char *)org;
    m.person = (char *)person;
    m.name = (char *)name;
    m.role = (char *)"Director";
    m.capacity = cap;
    m.sign_key = bin(k->sign_pk, 32);
    m.curve_key = bin(k->curve_pk, 32);
    m.voting = 1;
    STATEMENT(st, MEMBER_APPOINTED, member_appointed, m);
    add(b, board, &st);
}

static void delegate(builder *b, const char *org, const char *id, const char *holder,
                     const char **classes, size_t nclasses)
{
    char board[64];
    snprintf(board, sizeof board, "%s-board", org);
    Quorum__DelegationGranted m = QUORUM__DELEGATION_GRANTED__INIT;
    m.organisation = (char *)org;
    m.delegation = (char *)id;
    m.n_holders = 1;
    m.holders = (char **)&holder;
    m.n_classes = nclasses;
    m.classes = (char **)classes;
    m.financial_limit = 100000000; /* one million pounds */
    m.valid_from = TODAY - 30 * DAY;
    m.valid_until = TODAY + 365 * DAY;
    m.scheme_reference = (char *)"SoD 4.2";
    STATEMENT(st, DELEGATION_GRANTED, delegation_granted, m);
    add(b, board, &st);
}

static void reserve(builder *b, const char *org, const char *cls)
{
    char board[64];
    snprintf(board, sizeof board, "%s-board", org);
    Quorum__MatterReserved m = QUORUM__MATTER_RESERVED__INIT;
    m.organisation = (char *)org;
    m.n_classes = 1;
    m.classes = (char **)&cls;
    m.reason = (char *)"the board decides these itself";
    STATEMENT(st, MATTER_RESERVED, matter_reserved, m);
    add(b, board, &st);
}

static void meeting(builder *b, const char *id)
{
    const char *agenda[2] = {"apologies", "community beds"};
    Quorum__MeetingOpened m = QUORUM__MEETING_OPENED__INIT;
    m.meeting = (char *)id;
    m.date = TODAY;
    m.place = (char *)"City Hall";
    m.n_agenda = 2;
    m.agenda = (char **)agenda;
    STATEMENT(st, MEETING_OPENED, meeting_opened, m);
    add(b, "clerk", &st);
}

static Quorum__Attendee attendee(const char *org, const char *person, const char *name)
{
    Quorum__Attendee a = QUORUM__ATTENDEE__INIT;
    a.organisation = (char *)org;
    a.person = (char *)person;
    a.name = (char *)name;
    return a;
}

static void attendance(builder *b, const char *id, const char *const *present, size_t n, int extras)
{
    Quorum__Attendee p[8], obs = attendee("", "", "A Observer"), apol = attendee("uhl", "ned", "");
    Quorum__Attendee *pp[8], *obsp[1] = {&obs}, *apolp[1] = {&apol};
    for (size_t i = 0; i < n && i < 8; i++) {
        p[i] = attendee(present[2 * i], present[2 * i + 1], "");
        pp[i] = &p[i];
    }
    Quorum__AttendanceRecorded m = QUORUM__ATTENDANCE_RECORDED__INIT;
    m.meeting = (char *)id;
    m.n_present = n;
    m.present = pp;
    if (extras) {
        m.n_in_attendance = 1;
        m.in_attendance = obsp;
        m.n_apologies = 1;
        m.apologies = apolp;
    }
    STATEMENT(st, ATTENDANCE_RECORDED, attendance_recorded, m);
    add(b, "clerk", &st);
}

static void table(builder *b, const char *id, const char *meeting_id, const char *cls,
                  int statutory, int64_t value)
{
    Quorum__ProposalTabled m = QUORUM__PROPOSAL_TABLED__INIT;
    m.proposal = (char *)id;
    m.meeting = (char *)meeting_id;
    m.title = (char *)"Community beds";
    m.text = (char *)"Commission 40 community beds for winter.";
    m.matter_class = (char *)cls;
    m.statutory = statutory;
    m.financial_value = value;
    m.stage = QUORUM__STAGE__CHOOSE;
    STATEMENT(st, PROPOSAL_TABLED, proposal_tabled, m);
    add(b, "clerk", &st);
}

static void vote(builder *b, const char *signer, const char *proposal, const char *org,
                 const char *person, Quorum__Choice choice, const char *delegation, int by_clerk)
{
    Quorum__VoteCast m = QUORUM__VOTE_CAST__INIT;
    m.proposal = (char *)proposal;
    m.organisation = (char *)org;
    m.person = (char *)person;
    m.choice = choice;
    m.delegation = (char *)delegation;
    m.reason = choice == QUORUM__CHOICE__ABSTAIN ? (char *)"conflict of interest" : (char *)"";
    m.recorded_by_clerk = by_clerk;
    STATEMENT(st, VOTE_CAST, vote_cast, m);
    add(b, signer, &st);
}

static void confirm(builder *b, const char *signer, const char *proposal, const char *org,
                    uint64_t seq)
{
    Quorum__VoteConfirmed m = QUORUM__VOTE_CONFIRMED__INIT;
    m.proposal = (char *)proposal;
    m.organisation = (char *)org;
    m.vote_entry_hash = bin(b->f->leaf[seq], QR_HASH_LEN);
    m.vote_seq = seq;
    STATEMENT(st, VOTE_CONFIRMED, vote_confirmed, m);
    add(b, signer, &st);
}

/* Close with the outcomes the rulebook computes, as `quorum close` does. */
static void close_proposal(builder *b, const char *proposal)
{
    qr_outcome *o = NULL;
    size_t n = 0;
    Quorum__ForumResult result;
    if (qr_rules_outcomes(b->r, proposal, &o, &n, &result) != QR_OK || n > 8)
        die("cannot compute outcomes", proposal);
    Quorum__OrgOutcome oo[8], *oop[8];
    for (size_t i = 0; i < n; i++) {
        qr_rules_outcome_message(&o[i], &oo[i]);
        oop[i] = &oo[i];
    }
    Quorum__ProposalClosed m = QUORUM__PROPOSAL_CLOSED__INIT;
    m.proposal = (char *)proposal;
    m.reasons = (char *)"winter pressures; within budget";
    m.debate = (char *)"members discussed staffing";
    m.n_outcomes = n;
    m.outcomes = oop;
    m.forum_result = result;
    STATEMENT(st, PROPOSAL_CLOSED, proposal_closed, m);
    add(b, "clerk", &st);
    free(o);
}

static void board_act(builder *b, Quorum__Statement__KindCase kind, const char *proposal,
                      const char *org)
{
    char board[64];
    snprintf(board, sizeof board, "%s-board", org);
    Quorum__Statement st = QUORUM__STATEMENT__INIT;
    Quorum__Ratified ra = QUORUM__RATIFIED__INIT;
    Quorum__RatificationRefused rr = QUORUM__RATIFICATION_REFUSED__INIT;
    Quorum__DecisionOverturned ov = QUORUM__DECISION_OVERTURNED__INIT;
    st.kind_case = kind;
    if (kind == QUORUM__STATEMENT__KIND_RATIFIED) {
        ra.proposal = (char *)proposal;
        ra.organisation = (char *)org;
        ra.board_meeting = (char *)"board-2026-06";
        st.ratified = &ra;
    } else if (kind == QUORUM__STATEMENT__KIND_RATIFICATION_REFUSED) {
        rr.proposal = (char *)proposal;
        rr.organisation = (char *)org;
        rr.board_meeting = (char *)"board-2026-06";
        rr.reason = (char *)"not affordable this year";
        st.ratification_refused = &rr;
    } else {
        ov.proposal = (char *)proposal;
        ov.organisation = (char *)org;
        ov.reason = (char *)"the board reserves bed numbers";
        ov.board_meeting = (char *)"board-2026-06";
        st.decision_overturned = &ov;
    }
    add(b, board, &st);
}

static void action(builder *b)
{
    Quorum__ActionAssigned m = QUORUM__ACTION_ASSIGNED__INIT;
    m.action = (char *)"a1";
    m.proposal = (char *)"p1";
    m.organisation = (char *)"lcc";
    m.owner = (char *)"Director of Adult Social Care";
    m.due = TODAY + 30 * DAY;
    m.text = (char *)"report bed occupancy";
    STATEMENT(st, ACTION_ASSIGNED, action_assigned, m);
    add(b, "clerk", &st);
    Quorum__ActionUpdated u = QUORUM__ACTION_UPDATED__INIT;
    u.action = (char *)"a1";
    u.status = QUORUM__ACTION_STATUS__IN_PROGRESS;
    u.note = (char *)"first report drafted";
    STATEMENT(st2, ACTION_UPDATED, action_updated, u);
    add(b, "clerk", &st2);
}

static void correction(builder *b, uint64_t seq)
{
    Quorum__Correction m = QUORUM__CORRECTION__INIT;
    m.corrects_seq = seq;
    m.corrects_hash = bin(b->f->leaf[seq], QR_HASH_LEN);
    m.what = (char *)"the abstention's reason was misheard";
    m.reason = (char *)"the member wrote to the clerk";
    STATEMENT(st, CORRECTION, correction, m);
    add(b, "clerk", &st);
}

static void revoke_and_stand_down(builder *b)
{
    Quorum__DelegationRevoked r = QUORUM__DELEGATION_REVOKED__INIT;
    r.organisation = (char *)"uhl";
    r.delegation = (char *)"d-uhl";
    r.reason = (char *)"superseded";
    STATEMENT(st, DELEGATION_REVOKED, delegation_revoked, r);
    add(b, "uhl-board", &st);
    Quorum__MemberStoodDown s = QUORUM__MEMBER_STOOD_DOWN__INIT;
    s.organisation = (char *)"uhl";
    s.person = (char *)"ned";
    s.reason = (char *)"retired";
    STATEMENT(st2, MEMBER_STOOD_DOWN, member_stood_down, s);
    add(b, "uhl-board", &st2);
}

static void close_meeting(builder *b, const char *id)
{
    Quorum__MeetingClosed m = QUORUM__MEETING_CLOSED__INIT;
    m.meeting = (char *)id;
    STATEMENT(st, MEETING_CLOSED, meeting_closed, m);
    add(b, "clerk", &st);
}

/* Approve the minutes of m1 as cut from the checkpoint of every entry so far. */
static void approve(builder *b, const char *signer, const char *org)
{
    uint8_t hash[32], root[QR_HASH_LEN];
    qr_merkle_frontier fr;
    crypto_hash_sha256(hash, (const uint8_t *)"minutes", 7);
    qr_merkle_frontier_init(&fr);
    for (size_t i = 0; i < b->f->n; i++)
        if (qr_merkle_frontier_append(&fr, b->f->leaf[i], NULL, NULL) != QR_OK)
            die("frontier", b->f->id);
    qr_merkle_frontier_root(&fr, root);
    Quorum__MinutesApproved m = QUORUM__MINUTES_APPROVED__INIT;
    m.meeting = (char *)"m1";
    m.minutes_hash = bin(hash, 32);
    m.checkpoint_size = b->f->n;
    m.checkpoint_root = bin(root, 32);
    m.organisation = (char *)org;
    STATEMENT(st, MINUTES_APPROVED, minutes_approved, m);
    add(b, signer, &st);
}

static void build_city(fx_forum *f)
{
    builder b = {f, qr_rules_new("city")};
    static const char *const present[] = {"uhl", "ceo", "lcc", "dir", "vcs", "rep"};
    const char *uhl_classes[] = {"community-services"};
    const char *lcc_classes[] = {"community-services", "estates"};
    f->id = "city";
    charter(&b, QUORUM__CAPACITY__DELEGATED, 0);
    join(&b, "uhl", "University Hospitals NHS Foundation Trust", QUORUM__ORG_KIND__FOUNDATION_TRUST,
         QUORUM__MEMBERSHIP__FULL);
    join(&b, "lcc", "City Council", QUORUM__ORG_KIND__LOCAL_AUTHORITY, QUORUM__MEMBERSHIP__FULL);
    join(&b, "vcs", "Voluntary Action", QUORUM__ORG_KIND__THIRD_SECTOR,
         QUORUM__MEMBERSHIP__ASSOCIATE);
    appoint(&b, "uhl", "ceo", "Dr R Mitchell", QUORUM__MEMBER_CAPACITY__EXECUTIVE);
    appoint(&b, "uhl", "ned", "Ms J Okafor", QUORUM__MEMBER_CAPACITY__NON_EXECUTIVE);
    appoint(&b, "lcc", "dir", "Mr S Patel", QUORUM__MEMBER_CAPACITY__OFFICER);
    appoint(&b, "vcs", "rep", "Mrs K Jones", QUORUM__MEMBER_CAPACITY__FUNCTION_REPRESENTATIVE);
    delegate(&b, "uhl", "d-uhl", "ceo", uhl_classes, 1);
    delegate(&b, "lcc", "d-lcc", "dir", lcc_classes, 2);
    reserve(&b, "uhl", "land");
    meeting(&b, "m1");
    attendance(&b, "m1", present, 3, 1);
    table(&b, "p1", "m1", "community-services", 0, 5000000);
    table(&b, "p2", "m1", "estates", 1, 0);
    f->base = f->n;
    vote(&b, "uhl-ceo", "p1", "uhl", "ceo", QUORUM__CHOICE__FOR, "d-uhl", 0);
    vote(&b, "clerk", "p1", "lcc", "dir", QUORUM__CHOICE__AGAINST, "d-lcc", 1);
    confirm(&b, "lcc-dir", "p1", "lcc", f->n - 1);
    vote(&b, "lcc-dir", "p1", "lcc", "dir", QUORUM__CHOICE__FOR, "d-lcc", 0);
    vote(&b, "lcc-dir", "p2", "lcc", "dir", QUORUM__CHOICE__ABSTAIN, "d-lcc", 0);
    close_proposal(&b, "p1");
    board_act(&b, QUORUM__STATEMENT__KIND_DECISION_OVERTURNED, "p1", "uhl");
    action(&b);
    correction(&b, f->n - 5);
    close_proposal(&b, "p2");
    revoke_and_stand_down(&b);
    close_meeting(&b, "m1");
    approve(&b, "clerk", "");
    approve(&b, "lcc-dir", "lcc");
    charter(&b, QUORUM__CAPACITY__DELEGATED, 1);
    qr_rules_destroy(&b.r);
}

static void build_ics(fx_forum *f)
{
    builder b = {f, qr_rules_new("ics")};
    static const char *const present[] = {"uhl", "ceo", "lpt", "ceo"};
    f->id = "ics";
    charter(&b, QUORUM__CAPACITY__RECOMMENDS, 0);
    join(&b, "uhl", "University Hospitals NHS Foundation Trust", QUORUM__ORG_KIND__FOUNDATION_TRUST,
         QUORUM__MEMBERSHIP__FULL);
    join(&b, "lpt", "Partnership NHS Trust", QUORUM__ORG_KIND__NHS_TRUST, QUORUM__MEMBERSHIP__FULL);
    appoint(&b, "uhl", "ceo", "Dr R Mitchell", QUORUM__MEMBER_CAPACITY__EXECUTIVE);
    appoint(&b, "lpt", "ceo", "Ms A Brown", QUORUM__MEMBER_CAPACITY__EXECUTIVE);
    meeting(&b, "m1");
    attendance(&b, "m1", present, 2, 0);
    table(&b, "p1", "m1", "community-services", 0, 100000);
    f->base = f->n;
    vote(&b, "uhl-ceo", "p1", "uhl", "ceo", QUORUM__CHOICE__FOR, "", 0);
    vote(&b, "lpt-ceo", "p1", "lpt", "ceo", QUORUM__CHOICE__FOR, "", 0);
    close_proposal(&b, "p1");
    board_act(&b, QUORUM__STATEMENT__KIND_RATIFIED, "p1", "uhl");
    board_act(&b, QUORUM__STATEMENT__KIND_RATIFICATION_REFUSED, "p1", "lpt");
    qr_rules_destroy(&b.r);
}

const fx_forum *fx_city(void)
{
    static fx_forum f;
    if (!f.n)
        build_city(&f);
    return &f;
}

const fx_forum *fx_ics(void)
{
    static fx_forum f;
    if (!f.n)
        build_ics(&f);
    return &f;
}

qr_rules *fx_rules(const fx_forum *f, size_t upto)
{
    qr_rules *r = qr_rules_new(f->id);
    for (size_t i = 0; r && i < upto && i < f->n; i++) {
        qr_statement *s = NULL;
        qr_refusal why;
        if (qr_statement_open_checked(f->stmt[i].bytes, f->stmt[i].len, 1, &s, NULL, 0) != QR_OK ||
            qr_rules_apply(r, s, i, fx_time(i), f->leaf[i], &why) != QR_OK)
            die("cannot replay the fixture", f->id);
        qr_statement_destroy(&s);
    }
    return r;
}

/* ---- playing a fuzz input ----------------------------------------------------------------- */

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

/* Judge one statement as the next entry; keep it if lawful. */
static void play_one(fx_played *p, const uint8_t *bytes, size_t len, int verify,
                     const uint8_t leaf[QR_HASH_LEN])
{
    qr_statement *s = NULL;
    qr_refusal why;
    uint64_t seq = p->r->size;
    p->at[p->n] = fx_time(seq);
    p->st[p->n++] = NULL;
    int rc = verify ? qr_statement_open(bytes, len, &s, NULL, 0)
                    : qr_statement_open_checked(bytes, len, 1, &s, NULL, 0);
    if (rc != QR_OK) {
        qr_rules_skip(p->r, leaf);
        return;
    }
    shape before = shape_of(p->r);
    rc = qr_rules_apply(p->r, s, seq, fx_time(seq), leaf, &why);
    if (rc != QR_OK) {
        shape after = shape_of(p->r);
        if (why.code != rc || !why.message[0] || memcmp(&before, &after, sizeof before) != 0)
            abort(); /* a refusal says why and changes nothing */
        qr_rules_skip(p->r, leaf);
        qr_statement_destroy(&s);
    } else if (p->r->size != seq + 1) {
        abort();
    } else {
        p->st[p->n - 1] = s;
    }
}

int fx_play(fx_played *p, const uint8_t *data, size_t size)
{
    fx_reader in = {data, size};
    uint8_t first = fx_byte(&in);
    int base = first % 4, verify = first & 4;
    const fx_forum *f = base == 2 ? fx_ics() : fx_city();
    size_t upto = base == 0 ? 0 : base == 3 ? f->n : f->base;
    const uint8_t *piece;
    size_t len;
    memset(p, 0, sizeof *p);
    if ((p->r = qr_rules_new(f->id)) == NULL)
        return QR_NOMEM;
    for (size_t i = 0; i < upto; i++)
        play_one(p, f->stmt[i].bytes, f->stmt[i].len, 0, f->leaf[i]);
    for (int i = 0; i < FX_PLAY_MAX && fx_next(&in, &piece, &len); i++) {
        uint8_t leaf[QR_HASH_LEN];
        qr_merkle_leaf_hash(piece, len, leaf); /* stands in for the entry's leaf */
        play_one(p, piece, len, verify, leaf);
    }
    return QR_OK;
}

void fx_played_free(fx_played *p)
{
    for (size_t i = 0; i < p->n; i++)
        qr_statement_destroy(&p->st[i]);
    qr_rules_destroy(&p->r);
}

static void origin(const fx_forum *f, char *out, size_t outlen)
{
    if (qr_checkpoint_origin("quorum.localhost", f->id, out, outlen) != QR_OK)
        die("origin", f->id);
}

char *fx_checkpoint(const fx_forum *f, size_t size)
{
    qr_checkpoint cp;
    char text[512], line[QR_NOTE_SIGLINE_MAX];
    qr_merkle_frontier fr;
    memset(&cp, 0, sizeof cp);
    origin(f, cp.origin, sizeof cp.origin);
    cp.size = size;
    qr_merkle_frontier_init(&fr);
    for (size_t i = 0; i < size && i < f->n; i++)
        if (qr_merkle_frontier_append(&fr, f->leaf[i], NULL, NULL) != QR_OK)
            die("frontier", f->id);
    qr_merkle_frontier_root(&fr, cp.root);
    const qr_key *k = fx_key("log");
    if (qr_checkpoint_format(&cp, text, sizeof text) != QR_OK ||
        qr_note_sign_line(text, strlen(text), cp.origin, k->sign_sk, line, sizeof line) != QR_OK)
        die("cannot sign a checkpoint", f->id);
    size_t n = strlen(text) + 1 + strlen(line) + 1;
    char *note = malloc(n);
    if (!note)
        die("out of memory", f->id);
    snprintf(note, n, "%s\n%s", text, line);
    return note;
}

void fx_log_vkey(const fx_forum *f, char *out)
{
    char o[QR_MAX_NAME + 1];
    origin(f, o, sizeof o);
    if (qr_note_vkey_format(o, QR_NOTE_ED25519, fx_key("log")->sign_pk, out, QR_NOTE_VKEY_MAX) !=
        QR_OK)
        die("vkey", f->id);
}
