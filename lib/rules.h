/*
 * rules.h: the rulebook of joint governance, one state machine per forum.
 *
 * The same code runs in the daemon, on every statement submitted, and in the clients: `quorum
 * verify` replays it over a whole log so an auditor can prove each statement was lawful when
 * it was recorded, `quorum state` replays it to show the live tally, and `quorum close` uses it
 * to compute the per-organisation outcome the clerk signs (which the daemon recomputes).
 *
 * qr_rules_apply() either refuses a statement (state unchanged, a stable code and a sentence a
 * clerk understands, naming the people, organisations and delegations involved) or accepts it
 * and updates the state.  Rules are judged at the entry's logged time, never the signer's
 * clock: a statement signed more than QR_RULES_MAX_SKEW seconds from it is refused.
 *
 * The state is exposed read-only through the view structs below, for `quorum state` and the
 * minutes.  Everything in them is owned by the qr_rules object.
 */
#ifndef QR_RULES_H
#define QR_RULES_H

#include "qr.h"
#include "statement.h"
#include "strmap.h"

#define QR_RULES_MAX_SKEW 600

typedef struct {
    int code;           /* a qr_code: QR_OK or a refusal */
    char message[768];  /* for people */
} qr_refusal;

typedef struct {
    char id[QR_MAX_ID + 1];
    char *name;
    Quorum__OrgKind kind;
    Quorum__Membership membership;
    uint8_t board_pk[32];
    uint8_t board_curve[32];
    uint64_t seq; /* entry that recorded it */
} qr_org;

typedef struct {
    char org[QR_MAX_ID + 1];
    char person[QR_MAX_ID + 1];
    char *name;
    char *role;
    Quorum__MemberCapacity capacity;
    int voting;
    int stood_down;
    uint8_t pk[32];
    uint8_t curve[32];
} qr_member;

typedef struct {
    char id[QR_MAX_ID + 1];
    char org[QR_MAX_ID + 1];
    char **holders;
    size_t nholders;
    char **classes;
    size_t nclasses;
    int64_t financial_limit, valid_from, valid_until;
    char *scheme_reference;
    int revoked;
    uint64_t seq;
} qr_delegation;

typedef struct {
    char org[QR_MAX_ID + 1];
    char person[QR_MAX_ID + 1]; /* empty for someone from no member organisation */
    char *name;
} qr_attendee;

typedef struct {
    char id[QR_MAX_ID + 1];
    int64_t date;
    char *place;
    int open;            /* opened and not yet closed */
    qr_attendee *present, *in_attendance, *apologies;
    size_t npresent, nin_attendance, napologies;
    uint64_t opened_seq, closed_seq;
} qr_meeting;

/* A forum records many votes and few distinct organisations, people and delegations, so a
 * vote points at the forum's one copy of each id (qr_rules.ids) and its leaf hash is the
 * forum's (qr_rules.leaves at seq): about 60 bytes a vote instead of 270. */
typedef struct {
    uint64_t seq;
    const char *org;
    const char *person;
    const char *delegation; /* "" when none was named */
    char *reason;
    Quorum__Choice choice;
    int by_clerk;
    int confirmed;      /* a clerk-recorded vote later confirmed by the representative */
    int superseded;     /* a later vote by the same organisation replaced it */
} qr_vote;

typedef struct {
    const char *org;    /* recorded outcomes: the forum's copy (qr_rules.ids) */
    Quorum__Outcome outcome;
    Quorum__NoDecisionReason why;
    int needs_ratification;
} qr_outcome;

typedef enum { QR_BOARD_PENDING = 0, QR_BOARD_RATIFIED, QR_BOARD_REFUSED } qr_board_decision;

typedef struct {
    char id[QR_MAX_ID + 1];
    char meeting[QR_MAX_ID + 1];
    char *title, *text, *matter_class;
    int statutory;
    int64_t financial_value;
    Quorum__Stage stage;
    int closed;
    qr_vote *votes;              /* every vote, in log order (changed votes kept) */
    size_t nvotes;
    qr_outcome *outcomes;        /* as recorded at close, one per member organisation */
    size_t noutcomes;
    Quorum__ForumResult result;
    char *reasons, *debate;
    qr_board_decision *board;    /* per outcome: ratification status (recommending forums) */
    int *overturned;             /* per outcome: overturned by its board */
    uint64_t tabled_seq, closed_seq;
} qr_proposal;

typedef struct {
    uint64_t seq;
    Quorum__ActionStatus status;
    char *note;
} qr_action_step;

typedef struct {
    char id[QR_MAX_ID + 1];
    char proposal[QR_MAX_ID + 1];
    char org[QR_MAX_ID + 1];
    char *owner;
    int64_t due;
    char *text;
    qr_action_step *history;     /* starts with OPEN at assignment */
    size_t nhistory;
} qr_action;

typedef struct {
    uint64_t seq;                /* the correction's own entry */
    uint64_t corrects_seq;
    char *what, *reason;
} qr_correction;

typedef struct {
    uint64_t seq;
    char meeting[QR_MAX_ID + 1];
    char org[QR_MAX_ID + 1];     /* empty: the chair's approval */
    uint8_t minutes_hash[32];
    uint64_t checkpoint_size;
    uint8_t checkpoint_root[32];
} qr_approval;

/* The whole state of one forum, read-only for callers. */
typedef struct {
    char forum[QR_MAX_ID + 1];
    uint64_t size;                     /* entries applied */
    int chartered;
    Quorum__Charter *charter;          /* latest charter (owned copy) */
    uint8_t operator_pk[32];           /* the charter's signer */
    qr_org *orgs;             size_t norgs;
    qr_member *members;       size_t nmembers;
    qr_delegation *delegations; size_t ndelegations;
    qr_meeting *meetings;     size_t nmeetings;
    qr_proposal *proposals;   size_t nproposals;
    qr_action *actions;       size_t nactions;
    qr_correction *corrections; size_t ncorrections;
    qr_approval *approvals;   size_t napprovals;
    char **reserved_org, **reserved_class; size_t nreserved; /* (org, class) pairs */
    uint8_t *leaves;                   /* leaf hash of every entry, QR_HASH_LEN bytes each, by
                                        * seq (skipped entries too): corrections name them */
    /* What grows with the forum's history is found by id through these (values are the
     * array index + 1), so judging a statement does not slow as the log grows. */
    qr_strmap proposal_ids, meeting_ids, action_ids;
    qr_strmap ids;                     /* one copy of each id votes name (values own them) */
    size_t open_meeting;               /* index + 1 of the open meeting; 0 if none is open */
} qr_rules;

qr_rules *qr_rules_new(const char *forum);
void qr_rules_destroy(qr_rules **r);

/* Judge one statement as the forum's entry `seq`, logged at `logged_at`, whose leaf hash is
 * `leaf`.  QR_OK: accepted and applied.  Otherwise a refusal code (why->code too) with the
 * state unchanged.  `seq` must equal r->size. */
int qr_rules_apply(qr_rules *r, const qr_statement *st, uint64_t seq, int64_t logged_at,
                   const uint8_t leaf[QR_HASH_LEN], qr_refusal *why);

/* Step over entry r->size without applying it (an entry a replay found unlawful), so later
 * entries keep their numbers; its leaf hash is still remembered for corrections. */
void qr_rules_skip(qr_rules *r, const uint8_t leaf[QR_HASH_LEN]);

/* Lookups (NULL if absent). */
const qr_org *qr_rules_org(const qr_rules *r, const char *org);
const qr_member *qr_rules_member(const qr_rules *r, const char *org, const char *person);
const qr_delegation *qr_rules_delegation(const qr_rules *r, const char *id);
const qr_meeting *qr_rules_meeting(const qr_rules *r, const char *id);
const qr_meeting *qr_rules_open_meeting(const qr_rules *r);
const qr_proposal *qr_rules_proposal(const qr_rules *r, const char *id);
const qr_action *qr_rules_action(const qr_rules *r, const char *id);

/* The outcome per member organisation (in the order they joined) and the forum's result, as
 * closing the proposal now would record them.  *out is malloc'd; caller frees; its org names
 * are r's and last until r next changes. */
int qr_rules_outcomes(const qr_rules *r, const char *proposal, qr_outcome **out, size_t *n,
                      Quorum__ForumResult *result);
/* The outcome as a ProposalClosed statement records it (m borrows o's organisation id). */
void qr_rules_outcome_message(const qr_outcome *o, Quorum__OrgOutcome *m);
/* Is the organisation quorate at the meeting (by the charter's rule; default one voting
 * member of its own present)? */
int qr_rules_quorate(const qr_rules *r, const qr_meeting *m, const char *org);
/* The latest vote of an organisation on a proposal that is not superseded, or NULL. */
const qr_vote *qr_rules_latest_vote(const qr_proposal *p, const char *org);

/* What binds the organisation of outcome i now, after its board acted: a ratified
 * recommendation is BOUND, a refused one NOT_BOUND, an overturned BOUND becomes NOT_BOUND;
 * otherwise the outcome recorded at close. */
Quorum__Outcome qr_rules_effective_outcome(const qr_proposal *p, size_t i);

/* An action's status now (OPEN until first updated). */
Quorum__ActionStatus qr_rules_action_status(const qr_action *a);
/* 1 if the action is not done or dropped and the whole of its due day has passed. */
int qr_rules_action_overdue(const qr_action *a, int64_t now);

/* Names for people: "BOUND", "FOR", "OPEN", "recommends" ... */
const char *qr_rules_outcome_name(Quorum__Outcome o);
const char *qr_rules_choice_name(Quorum__Choice c);
const char *qr_rules_action_status_name(Quorum__ActionStatus s);

#ifdef QR_RULES_INTERNAL
/* ---- internal to lib/rules.c and lib/rules_vote.c: the seam between them ---------------- */

/* One statement being judged. */
typedef struct {
    qr_rules *r;
    const qr_statement *st;
    const Quorum__Statement *s;
    uint64_t seq;
    int64_t at; /* logged_at */
    const uint8_t *leaf;
    qr_refusal *why;
} qr_rules_ctx;

/* A name for people: "Leicestershire Partnership NHS Trust (lpt)", "Dr A Patel (apatel)". */
typedef struct {
    char s[320];
} qr_label;

/* Sets why (code and message) and returns code. */
int qr_rules_refuse(qr_rules_ctx *c, int code, const char *fmt, ...) QR_PRINTF(3, 4);
/* The forum's one copy of an id ("" for NULL), kept until the state is destroyed; NULL on
 * OOM. */
const char *qr_rules_intern(qr_rules *r, const char *id);
/* Room for element n of an array grown only by this function; NULL (arr untouched) on OOM. */
void *qr_rules_room(void *arr, size_t n, size_t size);
char *qr_rules_strdup(const char *s); /* NULL is copied as "" */
int qr_rules_empty(const char *s);
const char *qr_rules_org_label(const qr_rules *r, const char *org, qr_label *l);
const char *qr_rules_person_label(const qr_rules *r, const char *org, const char *person,
                                  qr_label *l);
const char *qr_rules_key_label(const qr_rules *r, const uint8_t pk[32], qr_label *l);
const char *qr_rules_date(int64_t t, char out[32]); /* "2026-11-23" */
int qr_rules_is_clerk(const qr_rules *r, const uint8_t pk[32]);
int qr_rules_reserved(const qr_rules *r, const char *org, const char *matter_class);
/* The array index recorded for an id in one of the id maps, or -1; and recording one. */
long qr_rules_ix_get(const qr_strmap *m, const char *id);
int qr_rules_ix_put(qr_strmap *m, const char *id, size_t index);
qr_org *qr_rules_find_org(const qr_rules *r, const char *org);
qr_member *qr_rules_current_member(const qr_rules *r, const char *org, const char *person);
/* Checks that refuse with a sentence naming what is wrong. */
int qr_rules_need_id(qr_rules_ctx *c, const char *what, const char *id);
int qr_rules_need_clerk(qr_rules_ctx *c);
int qr_rules_need_board(qr_rules_ctx *c, const qr_org *o);
int qr_rules_need_org(qr_rules_ctx *c, const char *org, qr_org **out);
int qr_rules_need_member(qr_rules_ctx *c, const char *org, const char *person, qr_member **out);
int qr_rules_need_open_meeting(qr_rules_ctx *c, const char *id, qr_meeting **out);
/* rules_vote.c: proposals, votes, outcomes, board decisions, actions, corrections and
 * minutes: judges the statements of those kinds, and frees their state. */
int qr_rules_apply_decision(qr_rules_ctx *c);
void qr_rules_free_decisions(qr_rules *r);
#endif

#endif
