/*
 * rules.c: the rulebook, part one: what every decision is judged against.  The forum's
 * charter, its organisations and their members, the delegations their boards grant and the
 * matters they reserve, and the meetings with who was present; and the one entry point,
 * qr_rules_apply().  Part two, rules_vote.c, is the decisions themselves and what follows
 * them: proposals, votes and outcomes, board decisions, actions, corrections and minutes.
 *
 * How a statement is judged
 * -------------------------
 * A forum's state is a pure function of its log: qr_rules_apply() is called once per entry, in
 * sequence order, with the time the daemon logged it.  The daemon calls it when a statement
 * arrives; `quorum verify` calls it again over a stored log, and must reach the same verdict on
 * every entry, so nothing here may look at a clock, a file or anything but the state and the
 * entry.  Rules that depend on time (a delegation's validity) use the entry's logged time; the
 * signer's own clock is only checked to be within QR_RULES_MAX_SKEW of it.
 *
 * Every handler works in two phases.  First it judges: identifiers are slugs, the things
 * named exist, the key that signed is the one the rule requires, and the rule of DESIGN.md's
 * governance model holds.  The first failure returns a refusal code with a sentence for the
 * clerk that names the people, organisations and delegations involved.  Only then does it
 * change anything, and it builds whatever it needs (copies of strings, room in arrays) before
 * it commits, so that even running out of memory leaves the state as it was.  A refused
 * statement never reaches the log, so the state never records it.
 *
 * The order of checks is part of the contract, because it decides which code a clerk sees
 * when a statement breaks two rules: first the statement's shape (BAD_STATEMENT), then that
 * what it names exists (NOT_FOUND, NOT_A_MEMBER), then who signed it (WRONG_SIGNER), then the
 * governance rules in the order DESIGN.md gives them.
 *
 * Arrays grow by doubling.  No capacity is stored: qr_rules_room() knows an array of n elements
 * built only by it has room for the next power of two (at least 4), so it grows exactly when n
 * is 0 or a power of two of at least 4.  Lookups of organisations, members and delegations are
 * linear (a forum has tens of each); proposals, meetings and actions, which grow with the
 * forum's history, are found through id maps, so a statement costs the same to judge in a
 * forum's first year as in its twentieth (bench/ replays logs of a million entries).
 *
 * The state of people over time is kept by appending, never rewriting: a member who stands
 * down keeps their record, marked stood down, and a reappointment is a new record; lookups
 * return the latest.
 */
#define QR_RULES_INTERNAL
#include "rules.h"

#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers shared with rules_vote.c --------------------------------------------------- */

int qr_rules_refuse(qr_rules_ctx *c, int code, const char *fmt, ...)
{
    va_list ap;
    c->why->code = code;
    va_start(ap, fmt);
    vsnprintf(c->why->message, sizeof c->why->message, fmt, ap);
    va_end(ap);
    return code;
}

void *qr_rules_room(void *arr, size_t n, size_t size)
{
    if (n != 0 && (n < 4 || (n & (n - 1)) != 0))
        return arr; /* room is left below the next power of two */
    size_t cap = n ? n * 2 : 4;
    if (cap > SIZE_MAX / size)
        return NULL;
    return realloc(arr, cap * size);
}

char *qr_rules_strdup(const char *s)
{
    return strdup(s ? s : "");
}

int qr_rules_empty(const char *s)
{
    return !s || !*s;
}

long qr_rules_ix_get(const qr_strmap *m, const char *id)
{
    uintptr_t v = id ? (uintptr_t)qr_strmap_get(m, id) : 0;
    return v ? (long)(v - 1) : -1;
}

int qr_rules_ix_put(qr_strmap *m, const char *id, size_t index)
{
    return qr_strmap_put(m, id, (void *)(uintptr_t)(index + 1));
}

const char *qr_rules_org_label(const qr_rules *r, const char *org, qr_label *l)
{
    const qr_org *o = qr_rules_org(r, org);
    if (o && !qr_rules_empty(o->name))
        snprintf(l->s, sizeof l->s, "%s (%s)", o->name, o->id);
    else
        snprintf(l->s, sizeof l->s, "%s", org ? org : "");
    return l->s;
}

const char *qr_rules_person_label(const qr_rules *r, const char *org, const char *person,
                                  qr_label *l)
{
    const qr_member *m = qr_rules_member(r, org, person);
    if (m && !qr_rules_empty(m->name))
        snprintf(l->s, sizeof l->s, "%s (%s)", m->name, m->person);
    else
        snprintf(l->s, sizeof l->s, "%s", person ? person : "");
    return l->s;
}

/* Who holds a key, for "it was signed by ..." in refusals. */
const char *qr_rules_key_label(const qr_rules *r, const uint8_t pk[32], qr_label *l)
{
    qr_label a;
    if (r->charter)
        for (size_t i = 0; i < r->charter->n_clerks; i++) {
            const Quorum__Party *p = r->charter->clerks[i];
            if (p->sign_key.len == 32 && memcmp(p->sign_key.data, pk, 32) == 0) {
                snprintf(l->s, sizeof l->s, "the clerk %s", p->name);
                return l->s;
            }
        }
    for (size_t i = 0; i < r->norgs; i++)
        if (memcmp(r->orgs[i].board_pk, pk, 32) == 0) {
            snprintf(l->s, sizeof l->s, "the board of %s",
                     qr_rules_org_label(r, r->orgs[i].id, &a));
            return l->s;
        }
    for (size_t i = r->nmembers; i-- > 0;)
        if (memcmp(r->members[i].pk, pk, 32) == 0) {
            snprintf(l->s, sizeof l->s, "%s (%s) of %s", r->members[i].name, r->members[i].person,
                     r->members[i].org);
            return l->s;
        }
    if (r->chartered && memcmp(r->operator_pk, pk, 32) == 0) {
        snprintf(l->s, sizeof l->s, "the operator");
        return l->s;
    }
    char hex[17];
    qr_hex(pk, 8, hex);
    snprintf(l->s, sizeof l->s, "a key this forum does not know (%s...)", hex);
    return l->s;
}

int qr_rules_is_clerk(const qr_rules *r, const uint8_t pk[32])
{
    if (!r->charter)
        return 0;
    for (size_t i = 0; i < r->charter->n_clerks; i++) {
        const Quorum__Party *p = r->charter->clerks[i];
        if (p->sign_key.len == 32 && memcmp(p->sign_key.data, pk, 32) == 0)
            return 1;
    }
    return 0;
}

int qr_rules_need_clerk(qr_rules_ctx *c)
{
    if (qr_rules_is_clerk(c->r, c->st->signer))
        return QR_OK;
    qr_label k;
    return qr_rules_refuse(
        c, QR_WRONG_SIGNER, "%s must be signed by a clerk of forum %s; it was signed by %s",
        qr_statement_kind(c->s), c->r->forum, qr_rules_key_label(c->r, c->st->signer, &k));
}

int qr_rules_need_board(qr_rules_ctx *c, const qr_org *o)
{
    if (memcmp(o->board_pk, c->st->signer, 32) == 0)
        return QR_OK;
    qr_label a, k;
    return qr_rules_refuse(c, QR_WRONG_SIGNER,
                           "%s for %s must be signed by the board of %s; it was signed by %s",
                           qr_statement_kind(c->s), o->id, qr_rules_org_label(c->r, o->id, &a),
                           qr_rules_key_label(c->r, c->st->signer, &k));
}

int qr_rules_need_id(qr_rules_ctx *c, const char *what, const char *id)
{
    if (qr_valid_id(id))
        return QR_OK;
    return qr_rules_refuse(c, QR_BAD_STATEMENT,
                           "%s: the %s \"%.80s\" is missing or not an identifier (lower-case "
                           "letters, digits and '-', at most %d)",
                           qr_statement_kind(c->s), what, id ? id : "", QR_MAX_ID);
}

qr_org *qr_rules_find_org(const qr_rules *r, const char *org)
{
    for (size_t i = 0; org && i < r->norgs; i++)
        if (strcmp(r->orgs[i].id, org) == 0)
            return &r->orgs[i];
    return NULL;
}

qr_member *qr_rules_current_member(const qr_rules *r, const char *org, const char *person)
{
    qr_member *m = (qr_member *)qr_rules_member(r, org, person);
    return m && !m->stood_down ? m : NULL;
}

int qr_rules_need_org(qr_rules_ctx *c, const char *org, qr_org **out)
{
    if ((*out = qr_rules_find_org(c->r, org)) != NULL)
        return QR_OK;
    return qr_rules_refuse(c, QR_NOT_A_MEMBER, "organisation %s has not joined forum %s", org,
                           c->r->forum);
}

int qr_rules_need_member(qr_rules_ctx *c, const char *org, const char *person, qr_member **out)
{
    qr_label a, b;
    if ((*out = qr_rules_current_member(c->r, org, person)) != NULL)
        return QR_OK;
    const qr_member *m = qr_rules_member(c->r, org, person);
    if (m)
        return qr_rules_refuse(c, QR_NOT_A_MEMBER, "%s has stood down from %s",
                               qr_rules_person_label(c->r, org, person, &a),
                               qr_rules_org_label(c->r, org, &b));
    return qr_rules_refuse(c, QR_NOT_A_MEMBER, "%s is not a member for %s in forum %s", person,
                           qr_rules_org_label(c->r, org, &b), c->r->forum);
}

const char *qr_rules_date(int64_t t, char out[32])
{
    char iso[32];
    qr_time_iso(t, iso, sizeof iso);
    snprintf(out, 32, "%.10s", iso);
    return out;
}

static int key_len_ok(const ProtobufCBinaryData *b)
{
    return b->len == 32 && b->data;
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

static char **dup_strv(char *const *v, size_t n)
{
    char **out = calloc(n ? n : 1, sizeof *out);
    for (size_t i = 0; out && i < n; i++)
        if ((out[i] = qr_rules_strdup(v[i])) == NULL) {
            free_strv(out, i);
            return NULL;
        }
    return out;
}

/* ---- lifecycle and lookups ---------------------------------------------------------------- */

const char *qr_rules_intern(qr_rules *r, const char *id)
{
    const char *key = id ? id : "";
    char *v = qr_strmap_get(&r->ids, key);
    if (v)
        return v;
    if ((v = strdup(key)) == NULL || qr_strmap_put(&r->ids, key, v) != QR_OK) {
        free(v);
        return NULL;
    }
    return v;
}

qr_rules *qr_rules_new(const char *forum)
{
    if (!qr_valid_id(forum))
        return NULL;
    qr_rules *r = calloc(1, sizeof *r);
    if (r)
        snprintf(r->forum, sizeof r->forum, "%s", forum);
    return r;
}

static void free_attendees(qr_attendee *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(a[i].name);
    free(a);
}

void qr_rules_destroy(qr_rules **rp)
{
    if (!rp || !*rp)
        return;
    qr_rules *r = *rp;
    if (r->charter)
        quorum__charter__free_unpacked(r->charter, NULL);
    for (size_t i = 0; i < r->ids.cap; i++)
        if (r->ids.keys[i])
            free(r->ids.values[i]);
    qr_strmap_free(&r->ids);
    for (size_t i = 0; i < r->norgs; i++)
        free(r->orgs[i].name);
    free(r->orgs);
    for (size_t i = 0; i < r->nmembers; i++) {
        free(r->members[i].name);
        free(r->members[i].role);
    }
    free(r->members);
    for (size_t i = 0; i < r->ndelegations; i++) {
        qr_delegation *d = &r->delegations[i];
        free_strv(d->holders, d->nholders);
        free_strv(d->classes, d->nclasses);
        free(d->scheme_reference);
    }
    free(r->delegations);
    for (size_t i = 0; i < r->nmeetings; i++) {
        qr_meeting *m = &r->meetings[i];
        free(m->place);
        free_attendees(m->present, m->npresent);
        free_attendees(m->in_attendance, m->nin_attendance);
        free_attendees(m->apologies, m->napologies);
    }
    free(r->meetings);
    qr_rules_free_decisions(r);
    free_strv(r->reserved_org, r->nreserved);
    free_strv(r->reserved_class, r->nreserved);
    free(r->leaves);
    qr_strmap_free(&r->proposal_ids);
    qr_strmap_free(&r->meeting_ids);
    qr_strmap_free(&r->action_ids);
    free(r);
    *rp = NULL;
}

const qr_org *qr_rules_org(const qr_rules *r, const char *org)
{
    return qr_rules_find_org(r, org);
}

const qr_member *qr_rules_member(const qr_rules *r, const char *org, const char *person)
{
    for (size_t i = r->nmembers; org && person && i-- > 0;)
        if (strcmp(r->members[i].org, org) == 0 && strcmp(r->members[i].person, person) == 0)
            return &r->members[i];
    return NULL;
}

const qr_delegation *qr_rules_delegation(const qr_rules *r, const char *id)
{
    for (size_t i = 0; id && i < r->ndelegations; i++)
        if (strcmp(r->delegations[i].id, id) == 0)
            return &r->delegations[i];
    return NULL;
}

const qr_meeting *qr_rules_meeting(const qr_rules *r, const char *id)
{
    long i = qr_rules_ix_get(&r->meeting_ids, id);
    return i >= 0 ? &r->meetings[i] : NULL;
}

const qr_meeting *qr_rules_open_meeting(const qr_rules *r)
{
    return r->open_meeting ? &r->meetings[r->open_meeting - 1] : NULL;
}

int qr_rules_reserved(const qr_rules *r, const char *org, const char *cls)
{
    for (size_t i = 0; i < r->nreserved; i++)
        if (strcmp(r->reserved_org[i], org) == 0 && strcmp(r->reserved_class[i], cls) == 0)
            return 1;
    return 0;
}

/* ---- the charter ------------------------------------------------------------------------ */

static int check_parties(qr_rules_ctx *c, const char *what, Quorum__Party *const *p, size_t n)
{
    int rc;
    for (size_t i = 0; i < n; i++) {
        if (!key_len_ok(&p[i]->sign_key) || !key_len_ok(&p[i]->curve_key))
            return qr_rules_refuse(c, QR_BAD_STATEMENT,
                                   "the charter's %s %s needs a 32-byte signing key and a 32-byte "
                                   "CURVE key",
                                   what, qr_rules_empty(p[i]->name) ? "(unnamed)" : p[i]->name);
        /* A witness may name the organisation whose mirror it is. */
        if (!qr_rules_empty(p[i]->organisation) &&
            (rc = qr_rules_need_id(c, "witness organisation", p[i]->organisation)) != QR_OK)
            return rc;
    }
    return QR_OK;
}

static int check_charter(qr_rules_ctx *c, const Quorum__Charter *ch)
{
    int rc;
    const char *kind = qr_statement_kind(c->s);
    if (!ch || qr_rules_empty(ch->name))
        return qr_rules_refuse(c, QR_BAD_STATEMENT, "%s for forum %s needs a charter with a name",
                               kind, c->r->forum);
    if (ch->capacity < QUORUM__CAPACITY__DELEGATED || ch->capacity > QUORUM__CAPACITY__ADVISORY)
        return qr_rules_refuse(c, QR_BAD_STATEMENT,
                               "the charter of %s must state its decision-making capacity "
                               "(delegated, recommends or advisory)",
                               ch->name);
    if (ch->decision_rule < QUORUM__DECISION_RULE__RULE_UNSPECIFIED ||
        ch->decision_rule > QUORUM__DECISION_RULE__MAJORITY)
        return qr_rules_refuse(c, QR_BAD_STATEMENT,
                               "the charter of %s has a decision rule this daemon does not know",
                               ch->name);
    size_t rel = 0;
    for (size_t i = 0; i < ch->n_relationships; i++)
        rel += !qr_rules_empty(ch->relationships[i]->body);
    if (rel == 0)
        return qr_rules_refuse(c, QR_CHARTER_NEEDS_RELATIONSHIP,
                               "the charter of %s names no body it reports to or has a "
                               "relationship with; add at least one (for example \"reports to "
                               "the Health and Wellbeing Board\")",
                               ch->name);
    for (size_t i = 0; i < ch->n_members; i++)
        if ((rc = qr_rules_need_id(c, "charter member organisation",
                                   ch->members[i]->organisation)) != QR_OK)
            return rc;
    if ((rc = check_parties(c, "clerk", ch->clerks, ch->n_clerks)) != QR_OK ||
        (rc = check_parties(c, "auditor", ch->auditors, ch->n_auditors)) != QR_OK ||
        (rc = check_parties(c, "witness", ch->witnesses, ch->n_witnesses)) != QR_OK)
        return rc;
    return QR_OK;
}

/* An owned copy, by the only faithful route protobuf-c offers. */
static Quorum__Charter *copy_charter(const Quorum__Charter *ch)
{
    size_t n = quorum__charter__get_packed_size(ch);
    uint8_t *buf = malloc(n ? n : 1);
    if (!buf)
        return NULL;
    quorum__charter__pack(ch, buf);
    Quorum__Charter *cp = quorum__charter__unpack(NULL, n, buf);
    free(buf);
    return cp;
}

static int apply_charter(qr_rules_ctx *c)
{
    int chartering = c->s->kind_case == QUORUM__STATEMENT__KIND_FORUM_CHARTERED;
    const Quorum__Charter *ch =
        chartering ? c->s->forum_chartered->charter : c->s->charter_amended->charter;
    int rc;
    if (!chartering && memcmp(c->st->signer, c->r->operator_pk, 32) != 0) {
        qr_label k;
        return qr_rules_refuse(c, QR_WRONG_SIGNER,
                               "CharterAmended must be signed by the operator who chartered "
                               "forum %s; it was signed by %s",
                               c->r->forum, qr_rules_key_label(c->r, c->st->signer, &k));
    }
    if ((rc = check_charter(c, ch)) != QR_OK)
        return rc;
    Quorum__Charter *cp = copy_charter(ch);
    if (!cp)
        return qr_rules_refuse(c, QR_NOMEM, "out of memory recording the charter");
    if (c->r->charter)
        quorum__charter__free_unpacked(c->r->charter, NULL);
    c->r->charter = cp;
    if (chartering) {
        memcpy(c->r->operator_pk, c->st->signer, 32);
        c->r->chartered = 1;
    }
    return QR_OK;
}

/* ---- organisations and people ----------------------------------------------------------- */

static int apply_org_joined(qr_rules_ctx *c)
{
    const Quorum__OrganisationJoined *j = c->s->organisation_joined;
    qr_rules *r = c->r;
    qr_label a, k;
    int rc;
    if ((rc = qr_rules_need_id(c, "organisation", j->organisation)) != QR_OK)
        return rc;
    if (memcmp(c->st->signer, r->operator_pk, 32) != 0)
        return qr_rules_refuse(c, QR_WRONG_SIGNER,
                               "OrganisationJoined must be signed by the operator of forum %s; "
                               "it was signed by %s",
                               r->forum, qr_rules_key_label(r, c->st->signer, &k));
    if (qr_rules_find_org(r, j->organisation))
        return qr_rules_refuse(c, QR_DUPLICATE_ID, "%s has already joined forum %s",
                               qr_rules_org_label(r, j->organisation, &a), r->forum);
    if (j->kind < QUORUM__ORG_KIND__FOUNDATION_TRUST || j->kind > QUORUM__ORG_KIND__OTHER)
        return qr_rules_refuse(c, QR_BAD_STATEMENT,
                               "organisation %s must say what kind of organisation it is",
                               j->organisation);
    if (j->membership != QUORUM__MEMBERSHIP__FULL && j->membership != QUORUM__MEMBERSHIP__ASSOCIATE)
        return qr_rules_refuse(c, QR_BAD_STATEMENT,
                               "organisation %s must join as a full or an associate member",
                               j->organisation);
    if (!key_len_ok(&j->board_sign_key) || !key_len_ok(&j->board_curve_key))
        return qr_rules_refuse(c, QR_BAD_STATEMENT,
                               "the board of organisation %s needs a 32-byte signing key and a "
                               "32-byte CURVE key",
                               j->organisation);

    qr_org o = {.kind = j->kind, .membership = j->membership, .seq = c->seq};
    snprintf(o.id, sizeof o.id, "%s", j->organisation);
    memcpy(o.board_pk, j->board_sign_key.data, 32);
    memcpy(o.board_curve, j->board_curve_key.data, 32);
    qr_org *arr = qr_rules_room(r->orgs, r->norgs, sizeof *arr);
    if (arr)
        r->orgs = arr;
    if (!arr || (o.name = qr_rules_strdup(j->name)) == NULL)
        return qr_rules_refuse(c, QR_NOMEM, "out of memory recording an organisation");
    r->orgs[r->norgs++] = o;
    return QR_OK;
}

static int apply_member_appointed(qr_rules_ctx *c)
{
    const Quorum__MemberAppointed *a = c->s->member_appointed;
    qr_rules *r = c->r;
    qr_org *o;
    qr_label l1, l2;
    int rc;
    if ((rc = qr_rules_need_id(c, "organisation", a->organisation)) != QR_OK ||
        (rc = qr_rules_need_id(c, "person", a->person)) != QR_OK ||
        (rc = qr_rules_need_org(c, a->organisation, &o)) != QR_OK ||
        (rc = qr_rules_need_board(c, o)) != QR_OK)
        return rc;
    if (qr_rules_current_member(r, a->organisation, a->person))
        return qr_rules_refuse(c, QR_DUPLICATE_ID, "%s is already a member for %s",
                               qr_rules_person_label(r, a->organisation, a->person, &l1),
                               qr_rules_org_label(r, a->organisation, &l2));
    if (a->capacity < QUORUM__MEMBER_CAPACITY__EXECUTIVE ||
        a->capacity > QUORUM__MEMBER_CAPACITY__FUNCTION_REPRESENTATIVE)
        return qr_rules_refuse(c, QR_BAD_STATEMENT,
                               "the appointment of %s to %s must give their capacity (executive, "
                               "non-executive, officer or function representative)",
                               a->person, qr_rules_org_label(r, a->organisation, &l2));
    if (!key_len_ok(&a->sign_key) || !key_len_ok(&a->curve_key))
        return qr_rules_refuse(c, QR_BAD_STATEMENT,
                               "the appointment of %s to %s needs their 32-byte signing key and "
                               "32-byte CURVE key",
                               a->person, qr_rules_org_label(r, a->organisation, &l2));

    qr_member m = {.capacity = a->capacity, .voting = a->voting ? 1 : 0};
    snprintf(m.org, sizeof m.org, "%s", a->organisation);
    snprintf(m.person, sizeof m.person, "%s", a->person);
    memcpy(m.pk, a->sign_key.data, 32);
    memcpy(m.curve, a->curve_key.data, 32);
    m.name = qr_rules_strdup(a->name);
    m.role = qr_rules_strdup(a->role);
    qr_member *arr = qr_rules_room(r->members, r->nmembers, sizeof *arr);
    if (arr)
        r->members = arr;
    if (!arr || !m.name || !m.role) {
        free(m.name);
        free(m.role);
        return qr_rules_refuse(c, QR_NOMEM, "out of memory recording an appointment");
    }
    r->members[r->nmembers++] = m;
    return QR_OK;
}

static int apply_member_stood_down(qr_rules_ctx *c)
{
    const Quorum__MemberStoodDown *d = c->s->member_stood_down;
    qr_org *o;
    qr_member *m;
    int rc;
    if ((rc = qr_rules_need_id(c, "organisation", d->organisation)) != QR_OK ||
        (rc = qr_rules_need_id(c, "person", d->person)) != QR_OK ||
        (rc = qr_rules_need_org(c, d->organisation, &o)) != QR_OK ||
        (rc = qr_rules_need_board(c, o)) != QR_OK ||
        (rc = qr_rules_need_member(c, d->organisation, d->person, &m)) != QR_OK)
        return rc;
    m->stood_down = 1;
    return QR_OK;
}

/* ---- delegations and reserved matters --------------------------------------------------- */

static int is_director(Quorum__MemberCapacity k)
{
    return k == QUORUM__MEMBER_CAPACITY__EXECUTIVE || k == QUORUM__MEMBER_CAPACITY__NON_EXECUTIVE;
}

static const char *capacity_words(Quorum__MemberCapacity k)
{
    switch (k) {
    case QUORUM__MEMBER_CAPACITY__EXECUTIVE:
        return "an executive director";
    case QUORUM__MEMBER_CAPACITY__NON_EXECUTIVE:
        return "a non-executive director";
    case QUORUM__MEMBER_CAPACITY__OFFICER:
        return "an officer";
    case QUORUM__MEMBER_CAPACITY__FUNCTION_REPRESENTATIVE:
        return "a function representative";
    default:
        return "of no stated capacity";
    }
}

/* Rule 5: a foundation trust delegates to an executive director or a committee of directors. */
static int check_foundation_trust(qr_rules_ctx *c, const Quorum__DelegationGranted *g)
{
    qr_label a, b;
    const char *org = g->organisation;
    if (g->n_holders == 1) {
        const qr_member *m = qr_rules_current_member(c->r, org, g->holders[0]);
        if (m->capacity == QUORUM__MEMBER_CAPACITY__EXECUTIVE)
            return QR_OK;
        int code = m->capacity == QUORUM__MEMBER_CAPACITY__NON_EXECUTIVE ? QR_NED_CANNOT_BIND
                                                                         : QR_DELEGATE_NOT_DIRECTOR;
        return qr_rules_refuse(c, code,
                               "%s, a foundation trust, cannot delegate %s to %s, %s, alone: a "
                               "foundation trust delegates only to an executive director or to a "
                               "committee of two or more directors",
                               qr_rules_org_label(c->r, org, &a), g->delegation,
                               qr_rules_person_label(c->r, org, m->person, &b),
                               capacity_words(m->capacity));
    }
    for (size_t i = 0; i < g->n_holders; i++) {
        const qr_member *m = qr_rules_current_member(c->r, org, g->holders[i]);
        if (!is_director(m->capacity))
            return qr_rules_refuse(c, QR_DELEGATE_NOT_DIRECTOR,
                                   "%s, a foundation trust, cannot delegate %s to a committee "
                                   "that includes %s, who is %s: a committee holding a "
                                   "foundation trust's delegation must be all directors",
                                   qr_rules_org_label(c->r, org, &a), g->delegation,
                                   qr_rules_person_label(c->r, org, m->person, &b),
                                   capacity_words(m->capacity));
    }
    return QR_OK;
}

static int check_delegation(qr_rules_ctx *c, const Quorum__DelegationGranted *g)
{
    qr_rules *r = c->r;
    qr_label a;
    qr_member *m;
    int rc;
    const qr_delegation *old = qr_rules_delegation(r, g->delegation);
    if (old)
        return qr_rules_refuse(c, QR_DUPLICATE_ID,
                               "delegation %s already exists in forum %s (granted by %s)",
                               g->delegation, r->forum, qr_rules_org_label(r, old->org, &a));
    if (g->n_holders == 0)
        return qr_rules_refuse(c, QR_BAD_STATEMENT, "delegation %s from %s names no holder",
                               g->delegation, qr_rules_org_label(r, g->organisation, &a));
    for (size_t i = 0; i < g->n_holders; i++) {
        if ((rc = qr_rules_need_id(c, "holder", g->holders[i])) != QR_OK)
            return rc;
        for (size_t j = 0; j < i; j++)
            if (strcmp(g->holders[i], g->holders[j]) == 0)
                return qr_rules_refuse(c, QR_BAD_STATEMENT,
                                       "delegation %s names %s twice among its holders",
                                       g->delegation, g->holders[i]);
        if (!qr_rules_current_member(r, g->organisation, g->holders[i])) {
            qr_rules_need_member(c, g->organisation, g->holders[i], &m);
            size_t n = strlen(c->why->message);
            snprintf(c->why->message + n, sizeof c->why->message - n,
                     ", so cannot hold delegation %s", g->delegation);
            return QR_NOT_A_MEMBER;
        }
    }
    if (g->n_classes == 0)
        return qr_rules_refuse(c, QR_BAD_STATEMENT,
                               "delegation %s from %s covers no class of matter", g->delegation,
                               qr_rules_org_label(r, g->organisation, &a));
    for (size_t i = 0; i < g->n_classes; i++)
        if (qr_rules_empty(g->classes[i]))
            return qr_rules_refuse(c, QR_BAD_STATEMENT,
                                   "delegation %s has an empty class of matter", g->delegation);
    if (g->valid_until <= g->valid_from) {
        char d1[32], d2[32];
        return qr_rules_refuse(c, QR_BAD_STATEMENT,
                               "delegation %s would be valid until %s, which is not after %s "
                               "when it starts",
                               g->delegation, qr_rules_date(g->valid_until, d1),
                               qr_rules_date(g->valid_from, d2));
    }
    if (g->financial_limit < 0)
        return qr_rules_refuse(c, QR_BAD_STATEMENT, "delegation %s has a negative financial limit",
                               g->delegation);
    const qr_org *o = qr_rules_find_org(r, g->organisation);
    if (o->kind == QUORUM__ORG_KIND__FOUNDATION_TRUST)
        return check_foundation_trust(c, g);
    return QR_OK;
}

static int apply_delegation_granted(qr_rules_ctx *c)
{
    const Quorum__DelegationGranted *g = c->s->delegation_granted;
    qr_rules *r = c->r;
    qr_org *o;
    int rc;
    if ((rc = qr_rules_need_id(c, "organisation", g->organisation)) != QR_OK ||
        (rc = qr_rules_need_id(c, "delegation", g->delegation)) != QR_OK ||
        (rc = qr_rules_need_org(c, g->organisation, &o)) != QR_OK ||
        (rc = qr_rules_need_board(c, o)) != QR_OK || (rc = check_delegation(c, g)) != QR_OK)
        return rc;

    qr_delegation d = {.financial_limit = g->financial_limit,
                       .valid_from = g->valid_from,
                       .valid_until = g->valid_until,
                       .seq = c->seq,
                       .nholders = g->n_holders,
                       .nclasses = g->n_classes};
    snprintf(d.id, sizeof d.id, "%s", g->delegation);
    snprintf(d.org, sizeof d.org, "%s", g->organisation);
    d.holders = dup_strv(g->holders, g->n_holders);
    d.classes = dup_strv(g->classes, g->n_classes);
    d.scheme_reference = qr_rules_strdup(g->scheme_reference);
    qr_delegation *arr = qr_rules_room(r->delegations, r->ndelegations, sizeof *arr);
    if (arr)
        r->delegations = arr;
    if (!arr || !d.holders || !d.classes || !d.scheme_reference) {
        free_strv(d.holders, d.holders ? d.nholders : 0);
        free_strv(d.classes, d.classes ? d.nclasses : 0);
        free(d.scheme_reference);
        return qr_rules_refuse(c, QR_NOMEM, "out of memory recording a delegation");
    }
    r->delegations[r->ndelegations++] = d;
    return QR_OK;
}

static int apply_delegation_revoked(qr_rules_ctx *c)
{
    const Quorum__DelegationRevoked *v = c->s->delegation_revoked;
    qr_rules *r = c->r;
    qr_org *o;
    qr_label a, b;
    int rc;
    if ((rc = qr_rules_need_id(c, "organisation", v->organisation)) != QR_OK ||
        (rc = qr_rules_need_id(c, "delegation", v->delegation)) != QR_OK ||
        (rc = qr_rules_need_org(c, v->organisation, &o)) != QR_OK ||
        (rc = qr_rules_need_board(c, o)) != QR_OK)
        return rc;
    qr_delegation *d = (qr_delegation *)qr_rules_delegation(r, v->delegation);
    if (!d)
        return qr_rules_refuse(c, QR_NOT_FOUND, "there is no delegation %s in forum %s to revoke",
                               v->delegation, r->forum);
    if (strcmp(d->org, v->organisation) != 0)
        return qr_rules_refuse(c, QR_NOT_FOUND,
                               "delegation %s was granted by %s, not by %s, so %s cannot revoke "
                               "it",
                               d->id, qr_rules_org_label(r, d->org, &a),
                               qr_rules_org_label(r, v->organisation, &b), v->organisation);
    if (d->revoked)
        return qr_rules_refuse(c, QR_ALREADY_DECIDED, "delegation %s from %s is already revoked",
                               d->id, qr_rules_org_label(r, d->org, &a));
    d->revoked = 1;
    return QR_OK;
}

static int apply_matter_reserved(qr_rules_ctx *c)
{
    const Quorum__MatterReserved *m = c->s->matter_reserved;
    qr_rules *r = c->r;
    qr_org *o;
    qr_label a;
    int rc;
    if ((rc = qr_rules_need_id(c, "organisation", m->organisation)) != QR_OK ||
        (rc = qr_rules_need_org(c, m->organisation, &o)) != QR_OK ||
        (rc = qr_rules_need_board(c, o)) != QR_OK)
        return rc;
    if (m->n_classes == 0)
        return qr_rules_refuse(c, QR_BAD_STATEMENT, "%s reserves no class of matter",
                               qr_rules_org_label(r, m->organisation, &a));
    for (size_t i = 0; i < m->n_classes; i++)
        if (qr_rules_empty(m->classes[i]))
            return qr_rules_refuse(c, QR_BAD_STATEMENT, "%s reserves an empty class of matter",
                                   qr_rules_org_label(r, m->organisation, &a));

    /* New pairs only (a pair already reserved, or listed twice, is kept once), copied and
     * given room before any is added. */
    size_t k = 0;
    char **add = calloc(m->n_classes, sizeof *add);
    for (size_t i = 0; add && i < m->n_classes; i++) {
        int seen = qr_rules_reserved(r, m->organisation, m->classes[i]);
        for (size_t j = 0; j < k && !seen; j++)
            seen = strcmp(add[j], m->classes[i]) == 0;
        if (!seen && (add[k++] = qr_rules_strdup(m->classes[i])) == NULL)
            break;
    }
    char **orgs = add ? calloc(k ? k : 1, sizeof *orgs) : NULL;
    int ok = orgs && (k == 0 || add[k - 1]);
    for (size_t j = 0; ok && j < k; j++)
        ok = (orgs[j] = qr_rules_strdup(m->organisation)) != NULL;
    for (size_t j = 0; ok && j < k; j++) {
        char **ro = qr_rules_room(r->reserved_org, r->nreserved + j, sizeof *ro);
        if (ro)
            r->reserved_org = ro;
        char **rc2 = ro ? qr_rules_room(r->reserved_class, r->nreserved + j, sizeof *rc2) : NULL;
        if (rc2)
            r->reserved_class = rc2;
        ok = rc2 != NULL;
    }
    if (!ok) {
        free_strv(add, k);
        free_strv(orgs, orgs ? k : 0);
        return qr_rules_refuse(c, QR_NOMEM, "out of memory recording a reserved matter");
    }
    for (size_t j = 0; j < k; j++) {
        r->reserved_org[r->nreserved] = orgs[j];
        r->reserved_class[r->nreserved++] = add[j];
    }
    free(add);
    free(orgs);
    return QR_OK;
}

/* ---- meetings --------------------------------------------------------------------------- */

static int apply_meeting_opened(qr_rules_ctx *c)
{
    const Quorum__MeetingOpened *o = c->s->meeting_opened;
    qr_rules *r = c->r;
    int rc;
    if ((rc = qr_rules_need_id(c, "meeting", o->meeting)) != QR_OK ||
        (rc = qr_rules_need_clerk(c)) != QR_OK)
        return rc;
    if (qr_rules_meeting(r, o->meeting))
        return qr_rules_refuse(c, QR_DUPLICATE_ID, "meeting %s already exists in forum %s",
                               o->meeting, r->forum);
    const qr_meeting *open = qr_rules_open_meeting(r);
    if (open)
        return qr_rules_refuse(c, QR_MEETING_ALREADY_OPEN,
                               "meeting %s cannot open while meeting %s of forum %s is still "
                               "open; close it first",
                               o->meeting, open->id, r->forum);
    qr_meeting m = {.date = o->date, .open = 1, .opened_seq = c->seq};
    snprintf(m.id, sizeof m.id, "%s", o->meeting);
    qr_meeting *arr = qr_rules_room(r->meetings, r->nmeetings, sizeof *arr);
    if (arr)
        r->meetings = arr;
    if (!arr || (m.place = qr_rules_strdup(o->place)) == NULL ||
        qr_rules_ix_put(&r->meeting_ids, m.id, r->nmeetings) != QR_OK) {
        free(m.place);
        return qr_rules_refuse(c, QR_NOMEM, "out of memory recording a meeting");
    }
    r->meetings[r->nmeetings++] = m;
    r->open_meeting = r->nmeetings;
    return QR_OK;
}

int qr_rules_need_open_meeting(qr_rules_ctx *c, const char *id, qr_meeting **out)
{
    int rc;
    if ((rc = qr_rules_need_id(c, "meeting", id)) != QR_OK)
        return rc;
    if ((*out = (qr_meeting *)qr_rules_meeting(c->r, id)) == NULL)
        return qr_rules_refuse(c, QR_NOT_FOUND, "there is no meeting %s in forum %s", id,
                               c->r->forum);
    if (!(*out)->open)
        return qr_rules_refuse(c, QR_MEETING_NOT_OPEN, "meeting %s of forum %s is closed", id,
                               c->r->forum);
    return QR_OK;
}

static int same_attendee(const qr_attendee *a, const Quorum__Attendee *x)
{
    const char *org = x->organisation ? x->organisation : "";
    if (strcmp(a->org, org) != 0)
        return 0;
    if (!qr_rules_empty(x->person) || a->person[0])
        return strcmp(a->person, x->person ? x->person : "") == 0;
    return strcmp(a->name, x->name ? x->name : "") == 0;
}

static int check_attendees(qr_rules_ctx *c, const char *list, Quorum__Attendee *const *v, size_t n,
                           int members)
{
    int rc;
    qr_org *o;
    qr_member *m;
    for (size_t i = 0; i < n; i++) {
        const Quorum__Attendee *x = v[i];
        if (members) {
            if ((rc = qr_rules_need_id(c, "organisation of someone present", x->organisation)) ||
                (rc = qr_rules_need_id(c, "person present", x->person)) ||
                (rc = qr_rules_need_org(c, x->organisation, &o)) ||
                (rc = qr_rules_need_member(c, x->organisation, x->person, &m)))
                return rc;
            continue;
        }
        if ((!qr_rules_empty(x->organisation) &&
             (rc = qr_rules_need_id(c, "organisation", x->organisation))) ||
            (!qr_rules_empty(x->person) && (rc = qr_rules_need_id(c, "person", x->person))))
            return rc;
        if (qr_rules_empty(x->person) && qr_rules_empty(x->name))
            return qr_rules_refuse(c, QR_BAD_STATEMENT,
                                   "everyone recorded among the %s needs a person id or a name",
                                   list);
    }
    return QR_OK;
}

/* What is new in v for *list (a union: someone recorded twice is kept once), copied. */
typedef struct {
    qr_attendee *add;
    size_t n;
} attendee_batch;

static int new_attendees(const qr_attendee *list, size_t n, Quorum__Attendee *const *v, size_t nv,
                         attendee_batch *b)
{
    b->n = 0;
    if ((b->add = calloc(nv ? nv : 1, sizeof *b->add)) == NULL)
        return QR_NOMEM;
    for (size_t i = 0; i < nv; i++) {
        int seen = 0;
        for (size_t j = 0; j < n && !seen; j++)
            seen = same_attendee(&list[j], v[i]);
        for (size_t j = 0; j < b->n && !seen; j++)
            seen = same_attendee(&b->add[j], v[i]);
        if (seen)
            continue;
        qr_attendee *a = &b->add[b->n];
        snprintf(a->org, sizeof a->org, "%s", v[i]->organisation ? v[i]->organisation : "");
        snprintf(a->person, sizeof a->person, "%s", v[i]->person ? v[i]->person : "");
        if ((a->name = qr_rules_strdup(v[i]->name)) == NULL)
            return QR_NOMEM;
        b->n++;
    }
    return QR_OK;
}

/* Room for the batch (the list's contents unchanged if it fails). */
static int attendee_room(qr_attendee **list, size_t n, const attendee_batch *b)
{
    if (b->n == 0)
        return QR_OK;
    qr_attendee *grown = realloc(*list, (n + b->n) * sizeof *grown);
    if (!grown)
        return QR_NOMEM;
    *list = grown;
    return QR_OK;
}

static void attendee_commit(qr_attendee *list, size_t *n, attendee_batch *b)
{
    if (b->n) /* an empty batch may have list == NULL: no memcpy from or to NULL */
        memcpy(list + *n, b->add, b->n * sizeof *b->add);
    *n += b->n;
    free(b->add);
    b->add = NULL;
    b->n = 0;
}

static int apply_attendance(qr_rules_ctx *c)
{
    const Quorum__AttendanceRecorded *a = c->s->attendance_recorded;
    qr_meeting *m;
    int rc;
    if ((rc = qr_rules_need_id(c, "meeting", a->meeting)) != QR_OK ||
        (rc = qr_rules_need_clerk(c)) != QR_OK ||
        (rc = qr_rules_need_open_meeting(c, a->meeting, &m)) != QR_OK ||
        (rc = check_attendees(c, "present", a->present, a->n_present, 1)) != QR_OK ||
        (rc = check_attendees(c, "in attendance", a->in_attendance, a->n_in_attendance, 0)) !=
            QR_OK ||
        (rc = check_attendees(c, "apologies", a->apologies, a->n_apologies, 0)) != QR_OK)
        return rc;
    attendee_batch p = {0}, i = {0}, x = {0};
    int ok =
        new_attendees(m->present, m->npresent, a->present, a->n_present, &p) == QR_OK &&
        new_attendees(m->in_attendance, m->nin_attendance, a->in_attendance, a->n_in_attendance,
                      &i) == QR_OK &&
        new_attendees(m->apologies, m->napologies, a->apologies, a->n_apologies, &x) == QR_OK &&
        attendee_room(&m->present, m->npresent, &p) == QR_OK &&
        attendee_room(&m->in_attendance, m->nin_attendance, &i) == QR_OK &&
        attendee_room(&m->apologies, m->napologies, &x) == QR_OK;
    if (!ok) {
        free_attendees(p.add, p.n);
        free_attendees(i.add, i.n);
        free_attendees(x.add, x.n);
        return qr_rules_refuse(c, QR_NOMEM, "out of memory recording attendance");
    }
    attendee_commit(m->present, &m->npresent, &p);
    attendee_commit(m->in_attendance, &m->nin_attendance, &i);
    attendee_commit(m->apologies, &m->napologies, &x);
    return QR_OK;
}

static int apply_meeting_closed(qr_rules_ctx *c)
{
    const Quorum__MeetingClosed *k = c->s->meeting_closed;
    qr_meeting *m;
    int rc;
    if ((rc = qr_rules_need_id(c, "meeting", k->meeting)) != QR_OK ||
        (rc = qr_rules_need_clerk(c)) != QR_OK ||
        (rc = qr_rules_need_open_meeting(c, k->meeting, &m)) != QR_OK)
        return rc;
    m->open = 0;
    m->closed_seq = c->seq;
    if (c->r->open_meeting && &c->r->meetings[c->r->open_meeting - 1] == m)
        c->r->open_meeting = 0;
    return QR_OK;
}

/* ---- the entry point -------------------------------------------------------------------- */

static int dispatch(qr_rules_ctx *c)
{
    switch (c->s->kind_case) {
    case QUORUM__STATEMENT__KIND_FORUM_CHARTERED:
    case QUORUM__STATEMENT__KIND_CHARTER_AMENDED:
        return apply_charter(c);
    case QUORUM__STATEMENT__KIND_ORGANISATION_JOINED:
        return apply_org_joined(c);
    case QUORUM__STATEMENT__KIND_MEMBER_APPOINTED:
        return apply_member_appointed(c);
    case QUORUM__STATEMENT__KIND_MEMBER_STOOD_DOWN:
        return apply_member_stood_down(c);
    case QUORUM__STATEMENT__KIND_DELEGATION_GRANTED:
        return apply_delegation_granted(c);
    case QUORUM__STATEMENT__KIND_DELEGATION_REVOKED:
        return apply_delegation_revoked(c);
    case QUORUM__STATEMENT__KIND_MATTER_RESERVED:
        return apply_matter_reserved(c);
    case QUORUM__STATEMENT__KIND_MEETING_OPENED:
        return apply_meeting_opened(c);
    case QUORUM__STATEMENT__KIND_ATTENDANCE_RECORDED:
        return apply_attendance(c);
    case QUORUM__STATEMENT__KIND_MEETING_CLOSED:
        return apply_meeting_closed(c);
    default:
        return qr_rules_apply_decision(c);
    }
}

/* The kind's message must be present: protobuf-c leaves a oneof member NULL when it carried
 * no bytes at all, never for a present but empty message, so check it once here. */
static int kind_present(const Quorum__Statement *s)
{
    switch (s->kind_case) {
    case QUORUM__STATEMENT__KIND_FORUM_CHARTERED:
        return s->forum_chartered != NULL;
    case QUORUM__STATEMENT__KIND_CHARTER_AMENDED:
        return s->charter_amended != NULL;
    case QUORUM__STATEMENT__KIND_ORGANISATION_JOINED:
        return s->organisation_joined != NULL;
    case QUORUM__STATEMENT__KIND_MEMBER_APPOINTED:
        return s->member_appointed != NULL;
    case QUORUM__STATEMENT__KIND_MEMBER_STOOD_DOWN:
        return s->member_stood_down != NULL;
    case QUORUM__STATEMENT__KIND_DELEGATION_GRANTED:
        return s->delegation_granted != NULL;
    case QUORUM__STATEMENT__KIND_DELEGATION_REVOKED:
        return s->delegation_revoked != NULL;
    case QUORUM__STATEMENT__KIND_MATTER_RESERVED:
        return s->matter_reserved != NULL;
    case QUORUM__STATEMENT__KIND_MEETING_OPENED:
        return s->meeting_opened != NULL;
    case QUORUM__STATEMENT__KIND_ATTENDANCE_RECORDED:
        return s->attendance_recorded != NULL;
    case QUORUM__STATEMENT__KIND_MEETING_CLOSED:
        return s->meeting_closed != NULL;
    case QUORUM__STATEMENT__KIND_PROPOSAL_TABLED:
        return s->proposal_tabled != NULL;
    case QUORUM__STATEMENT__KIND_VOTE_CAST:
        return s->vote_cast != NULL;
    case QUORUM__STATEMENT__KIND_VOTE_CONFIRMED:
        return s->vote_confirmed != NULL;
    case QUORUM__STATEMENT__KIND_PROPOSAL_CLOSED:
        return s->proposal_closed != NULL;
    case QUORUM__STATEMENT__KIND_RATIFIED:
        return s->ratified != NULL;
    case QUORUM__STATEMENT__KIND_RATIFICATION_REFUSED:
        return s->ratification_refused != NULL;
    case QUORUM__STATEMENT__KIND_DECISION_OVERTURNED:
        return s->decision_overturned != NULL;
    case QUORUM__STATEMENT__KIND_ACTION_ASSIGNED:
        return s->action_assigned != NULL;
    case QUORUM__STATEMENT__KIND_ACTION_UPDATED:
        return s->action_updated != NULL;
    case QUORUM__STATEMENT__KIND_CORRECTION:
        return s->correction != NULL;
    case QUORUM__STATEMENT__KIND_MINUTES_APPROVED:
        return s->minutes_approved != NULL;
    default:
        return 0;
    }
}

static int judge_envelope(qr_rules_ctx *c)
{
    const Quorum__Statement *s = c->s;
    qr_rules *r = c->r;
    if (c->seq != r->size)
        return qr_rules_refuse(c, QR_OUT_OF_RANGE,
                               "forum %s has %llu entries, so the next is entry %llu, not %llu",
                               r->forum, (unsigned long long)r->size, (unsigned long long)r->size,
                               (unsigned long long)c->seq);
    if (!s->forum || strcmp(s->forum, r->forum) != 0)
        return qr_rules_refuse(c, QR_BAD_STATEMENT,
                               "the statement is for forum %.80s, not forum %s",
                               s->forum ? s->forum : "", r->forum);
    if (!kind_present(s))
        return qr_rules_refuse(c, QR_BAD_STATEMENT,
                               "the statement has no kind this rulebook knows");
    /* The difference of two int64 values always fits in a uint64. */
    uint64_t d = s->signed_at > c->at ? (uint64_t)s->signed_at - (uint64_t)c->at
                                      : (uint64_t)c->at - (uint64_t)s->signed_at;
    if (d > QR_RULES_MAX_SKEW) {
        char t1[32], t2[32];
        qr_time_iso(s->signed_at, t1, sizeof t1);
        qr_time_iso(c->at, t2, sizeof t2);
        return qr_rules_refuse(c, QR_CLOCK_SKEW,
                               "%s was signed at %s but arrived at %s; the signer's clock must be "
                               "within %d minutes of the daemon's",
                               qr_statement_kind(s), t1, t2, QR_RULES_MAX_SKEW / 60);
    }
    int chartering = s->kind_case == QUORUM__STATEMENT__KIND_FORUM_CHARTERED;
    if (!r->chartered && !chartering)
        return qr_rules_refuse(c, QR_UNKNOWN_FORUM,
                               "forum %s has not been chartered; its first statement must be "
                               "ForumChartered, not %s",
                               r->forum, qr_statement_kind(s));
    if (r->chartered && chartering)
        return qr_rules_refuse(c, QR_FORUM_EXISTS,
                               "forum %s is already chartered; change its charter with "
                               "CharterAmended",
                               r->forum);
    return QR_OK;
}

/* Room for one more leaf hash, kept in step with r->size. */
static int leaf_room(qr_rules *r)
{
    uint8_t *l = qr_rules_room(r->leaves, r->size, QR_HASH_LEN);
    if (!l)
        return QR_NOMEM;
    r->leaves = l;
    return QR_OK;
}

int qr_rules_apply(qr_rules *r, const qr_statement *st, uint64_t seq, int64_t logged_at,
                   const uint8_t leaf[QR_HASH_LEN], qr_refusal *why)
{
    qr_refusal scratch;
    if (!why)
        why = &scratch;
    why->code = QR_OK;
    why->message[0] = 0;
    qr_rules_ctx c = {r, st, st ? st->st : NULL, seq, logged_at, leaf, why};
    if (!r || !st || !st->st || !leaf)
        return qr_rules_refuse(&c, QR_INTERNAL, "the rulebook was called without a statement");
    int rc = judge_envelope(&c);
    if (rc == QR_OK && leaf_room(r) != QR_OK)
        rc = qr_rules_refuse(&c, QR_NOMEM, "out of memory");
    if (rc == QR_OK)
        rc = dispatch(&c);
    if (rc != QR_OK) {
        why->code = rc;
        return rc;
    }
    memcpy(r->leaves + seq * QR_HASH_LEN, leaf, QR_HASH_LEN);
    r->size = seq + 1;
    return QR_OK;
}

void qr_rules_skip(qr_rules *r, const uint8_t leaf[QR_HASH_LEN])
{
    if (!r || leaf_room(r) != QR_OK)
        return;
    memcpy(r->leaves + r->size * QR_HASH_LEN, leaf, QR_HASH_LEN);
    r->size++;
}
