/*
 * minutes_items.c: rendering minutes, part two: what was decided.  Each item with every
 * organisation's vote, under what authority and how it was recorded, the count reconciled
 * against who was present, the outcome per organisation and what it means, what each board did
 * afterwards, the reasons; then the actions that follow, and the approval of earlier minutes.
 *
 * "Who is bound, and why" is the sentence a reader who never saw the meeting needs, so each
 * item ends with it, computed from the outcomes and the boards' decisions exactly as the
 * rulebook defines them (DESIGN.md rules 1, 2, 7 and 8).
 */
#define QR_MINUTES_INTERNAL
#include "minutes.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

/* The proposal a statement concerns, or NULL. */
static const char *proposal_of(const Quorum__Statement *s)
{
    switch (s ? s->kind_case : QUORUM__STATEMENT__KIND__NOT_SET) {
    case QUORUM__STATEMENT__KIND_PROPOSAL_TABLED:
        return s->proposal_tabled->proposal;
    case QUORUM__STATEMENT__KIND_VOTE_CAST:
        return s->vote_cast->proposal;
    case QUORUM__STATEMENT__KIND_VOTE_CONFIRMED:
        return s->vote_confirmed->proposal;
    case QUORUM__STATEMENT__KIND_PROPOSAL_CLOSED:
        return s->proposal_closed->proposal;
    case QUORUM__STATEMENT__KIND_RATIFIED:
        return s->ratified->proposal;
    case QUORUM__STATEMENT__KIND_RATIFICATION_REFUSED:
        return s->ratification_refused->proposal;
    case QUORUM__STATEMENT__KIND_DECISION_OVERTURNED:
        return s->decision_overturned->proposal;
    default:
        return NULL;
    }
}

static int about_proposal(qr_minutes_ctx *c, uint64_t seq, void *arg)
{
    const char *p = proposal_of(qr_minutes_stmt(c, seq));
    return p && !strcmp(p, ((const qr_proposal *)arg)->id);
}

/* A board's decision on (proposal, org): its entry, or 0 with *s NULL. */
static uint64_t board_entry(qr_minutes_ctx *c, const char *proposal, const char *org,
                            const Quorum__Statement **s)
{
    for (uint64_t i = 0; i < c->in->nentries; i++) {
        const Quorum__Statement *x = qr_minutes_stmt(c, i);
        const char *o = NULL;
        if (!x || !proposal_of(x) || strcmp(proposal_of(x), proposal) != 0)
            continue;
        if (x->kind_case == QUORUM__STATEMENT__KIND_RATIFIED)
            o = x->ratified->organisation;
        else if (x->kind_case == QUORUM__STATEMENT__KIND_RATIFICATION_REFUSED)
            o = x->ratification_refused->organisation;
        else if (x->kind_case == QUORUM__STATEMENT__KIND_DECISION_OVERTURNED)
            o = x->decision_overturned->organisation;
        if (o && !strcmp(o, org)) {
            *s = x;
            return i;
        }
    }
    *s = NULL;
    return 0;
}

/* ---- votes ------------------------------------------------------------------------------ */

static void delegation_text(qr_minutes_ctx *c, const qr_vote *v, Quorum__Capacity cap)
{
    if (cap != QUORUM__CAPACITY__DELEGATED) {
        qr_minutes_out(c, "no delegation needed (in this forum a vote binds no one)");
        return;
    }
    if (v->choice == QUORUM__CHOICE__ABSTAIN && !v->delegation[0]) {
        qr_minutes_out(c, "no delegation needed (an abstention binds no one)");
        return;
    }
    const qr_delegation *d = qr_rules_delegation(c->r, v->delegation);
    if (!d) {
        qr_minutes_out(c, "under delegation %s", qr_minutes_esc(c, v->delegation));
        return;
    }
    char money[48], from[32], until[32];
    qr_minutes_out(c, "under delegation %s (reference: %s; held by ", d->id,
                   d->scheme_reference && *d->scheme_reference
                       ? qr_minutes_esc(c, d->scheme_reference)
                       : "none given");
    for (size_t i = 0; i < d->nholders; i++)
        qr_minutes_out(c, "%s%s", i ? (i + 1 == d->nholders ? " and " : ", ") : "",
                       qr_minutes_person(c, d->org, d->holders[i]));
    qr_minutes_out(c, "; scope: ");
    for (size_t i = 0; i < d->nclasses; i++)
        qr_minutes_out(c, "%s%s", i ? ", " : "", qr_minutes_esc(c, d->classes[i]));
    if (d->financial_limit)
        qr_minutes_out(c, "; limit %s", qr_minutes_money(d->financial_limit, money));
    else
        qr_minutes_out(c, "; no financial authority");
    qr_minutes_out(c, "; valid %s to %s%s)", qr_minutes_date(d->valid_from, from),
                   qr_minutes_date(d->valid_until, until), d->revoked ? "; since revoked" : "");
}

static void recorded_text(qr_minutes_ctx *c, const qr_vote *v)
{
    if (!v->by_clerk) {
        qr_minutes_out(c, "signed by the representative");
        return;
    }
    for (uint64_t i = v->seq + 1; v->confirmed && i < c->in->nentries; i++) {
        const Quorum__Statement *s = qr_minutes_stmt(c, i);
        if (s && s->kind_case == QUORUM__STATEMENT__KIND_VOTE_CONFIRMED &&
            s->vote_confirmed->vote_seq == v->seq) {
            qr_minutes_out(c,
                           "recorded by the clerk and confirmed by the representative at "
                           "entry %llu",
                           (unsigned long long)i);
            return;
        }
    }
    qr_minutes_out(c, v->confirmed ? "recorded by the clerk and confirmed by the representative"
                                   : "recorded by the clerk and unconfirmed: the "
                                     "representative has not signed it");
}

static int org_present(const qr_meeting *m, const char *org)
{
    for (size_t i = 0; m && i < m->npresent; i++)
        if (!strcmp(m->present[i].org, org))
            return 1;
    return 0;
}

static void vote_line(qr_minutes_ctx *c, const qr_proposal *p, const qr_org *o,
                      Quorum__Capacity cap)
{
    const qr_vote *v = qr_rules_latest_vote(p, o->id);
    if (!v) {
        const char *why = p->statutory && o->membership == QUORUM__MEMBERSHIP__ASSOCIATE
                              ? "an associate member cannot vote on a statutory matter"
                          : !org_present(c->m, o->id) ? "no member of it was present"
                          : !qr_rules_quorate(c->r, c->m, o->id)
                              ? "present but not quorate, so it could not vote"
                              : "present, but it cast no vote";
        qr_minutes_out(c, "- **%s: no vote**: %s.\n", qr_minutes_org(c, o->id), why);
        return;
    }
    qr_minutes_out(c, "- **%s: %s** by %s; ", qr_minutes_org(c, o->id),
                   qr_rules_choice_name(v->choice), qr_minutes_person(c, v->org, v->person));
    delegation_text(c, v, cap);
    qr_minutes_out(c, "; ");
    recorded_text(c, v);
    qr_minutes_out(c, "; entry %llu.", (unsigned long long)v->seq);
    if (v->reason && *v->reason)
        qr_minutes_out(c, " Reason given: %s", qr_minutes_sentence(c, v->reason));
    size_t earlier = 0;
    for (size_t i = 0; i < p->nvotes; i++) {
        const qr_vote *e = &p->votes[i];
        if (e == v || strcmp(e->org, o->id) != 0)
            continue;
        qr_minutes_out(c, "%s%s by %s at entry %llu (%s",
                       earlier++ ? "; then " : " **Changed vote:** first ",
                       qr_rules_choice_name(e->choice), qr_minutes_person(c, e->org, e->person),
                       (unsigned long long)e->seq,
                       e->by_clerk ? "recorded by the clerk" : "signed by the representative");
        if (e->reason && *e->reason)
            qr_minutes_out(c, "; reason given: %s", qr_minutes_esc(c, e->reason));
        qr_minutes_out(c, ")");
    }
    if (earlier)
        qr_minutes_out(c, "; both votes stay in the log and only the latest counts.");
    qr_minutes_out(c, "\n");
}

static void org_list(qr_minutes_ctx *c, const char *label, const qr_proposal *p,
                     int (*pick)(qr_minutes_ctx *, const qr_proposal *, const qr_org *))
{
    size_t n = 0;
    qr_minutes_out(c, "- **%s:** ", label);
    for (size_t i = 0; i < c->r->norgs; i++)
        if (pick(c, p, &c->r->orgs[i]))
            qr_minutes_out(c, "%s%s", n++ ? "; " : "", qr_minutes_org(c, c->r->orgs[i].id));
    qr_minutes_out(c, "%s\n", n ? "." : "none.");
}

static int abstained(qr_minutes_ctx *c, const qr_proposal *p, const qr_org *o)
{
    (void)c;
    const qr_vote *v = qr_rules_latest_vote(p, o->id);
    return v && v->choice == QUORUM__CHOICE__ABSTAIN;
}

static int no_vote_present(qr_minutes_ctx *c, const qr_proposal *p, const qr_org *o)
{
    return !qr_rules_latest_vote(p, o->id) && org_present(c->m, o->id);
}

static int no_vote_absent(qr_minutes_ctx *c, const qr_proposal *p, const qr_org *o)
{
    return !qr_rules_latest_vote(p, o->id) && !org_present(c->m, o->id);
}

static void reconcile(qr_minutes_ctx *c, const qr_proposal *p)
{
    size_t nfor = 0, nagainst = 0, nabstain = 0, silent = 0, absent = 0, superseded = 0;
    size_t orgs_present = 0;
    for (size_t i = 0; i < c->r->norgs; i++) {
        const qr_org *o = &c->r->orgs[i];
        const qr_vote *v = qr_rules_latest_vote(p, o->id);
        orgs_present += org_present(c->m, o->id);
        if (!v)
            org_present(c->m, o->id) ? silent++ : absent++;
        else if (v->choice == QUORUM__CHOICE__FOR)
            nfor++;
        else if (v->choice == QUORUM__CHOICE__AGAINST)
            nagainst++;
        else
            nabstain++;
    }
    for (size_t i = 0; i < p->nvotes; i++)
        superseded += p->votes[i].superseded;
    size_t counted = nfor + nagainst + nabstain;
    qr_minutes_out(c,
                   "- **Votes reconciled:** %zu member%s present from %zu organisation%s; %zu "
                   "vote%s counted, one per organisation (%zu for, %zu against, %zu "
                   "abstention%s); %zu organisation%s present cast no vote; %zu had no member "
                   "present; %zu + %zu + %zu = %zu member organisations.",
                   c->m->npresent, c->m->npresent == 1 ? "" : "s", orgs_present,
                   orgs_present == 1 ? "" : "s", counted, counted == 1 ? "" : "s", nfor, nagainst,
                   nabstain, nabstain == 1 ? "" : "s", silent, silent == 1 ? "" : "s", absent,
                   counted, silent, absent, c->r->norgs);
    if (superseded)
        qr_minutes_out(c,
                       " %zu earlier vote%s replaced by a changed vote (kept in the log, not "
                       "counted).",
                       superseded, superseded == 1 ? " was" : "s were");
    qr_minutes_out(c, "\n");
    org_list(c, "Abstained (a decision not to decide; not bound)", p, abstained);
    org_list(c, "Cast no vote though present", p, no_vote_present);
    org_list(c, "Cast no vote, not present", p, no_vote_absent);
}

/* ---- outcomes --------------------------------------------------------------------------- */

static const char *meaning(const qr_outcome *o, char buf[96])
{
    const char *why = o->why == QUORUM__NO_DECISION_REASON__ABSTAINED ? "abstained"
                      : o->why == QUORUM__NO_DECISION_REASON__INQUORATE
                          ? "was not quorate, so it could not be bound"
                          : "cast no vote";
    switch (o->outcome) {
    case QUORUM__OUTCOME__BOUND:
        return "bound by the decision: it voted for";
    case QUORUM__OUTCOME__NOT_BOUND:
        return "not bound: it voted against";
    case QUORUM__OUTCOME__SUPPORTS:
        return "supports the recommendation";
    case QUORUM__OUTCOME__OPPOSES:
        return "opposes the recommendation";
    case QUORUM__OUTCOME__NO_VIEW:
        snprintf(buf, 96, "no view: it %s", why);
        return buf;
    default:
        snprintf(buf, 96, "not bound: it %s", why);
        return buf;
    }
}

/* What the board did, and so whether the organisation is bound: 1 bound, 0 not, -1 pending. */
static int board_cell(qr_minutes_ctx *c, const qr_proposal *p, size_t i)
{
    const qr_outcome *o = &p->outcomes[i];
    const Quorum__Statement *s;
    uint64_t at = board_entry(c, p->id, o->org, &s);
    if (p->overturned && p->overturned[i] && s &&
        s->kind_case == QUORUM__STATEMENT__KIND_DECISION_OVERTURNED) {
        qr_minutes_out(c, "OVERTURNED by its board at entry %llu (reason: %s): no longer bound",
                       (unsigned long long)at, qr_minutes_esc(c, s->decision_overturned->reason));
        return 0;
    }
    if (!o->needs_ratification) {
        qr_minutes_out(c, "—");
        return o->outcome == QUORUM__OUTCOME__BOUND;
    }
    if (p->board[i] == QR_BOARD_RATIFIED && s && s->kind_case == QUORUM__STATEMENT__KIND_RATIFIED) {
        qr_minutes_out(c, "RATIFIED by its board at entry %llu (board meeting: %s): BOUND",
                       (unsigned long long)at, qr_minutes_esc(c, s->ratified->board_meeting));
        return 1;
    }
    if (p->board[i] == QR_BOARD_REFUSED && s &&
        s->kind_case == QUORUM__STATEMENT__KIND_RATIFICATION_REFUSED) {
        qr_minutes_out(c,
                       "ratification REFUSED by its board at entry %llu (board meeting: %s; "
                       "reason: %s): NOT_BOUND",
                       (unsigned long long)at,
                       qr_minutes_esc(c, s->ratification_refused->board_meeting),
                       qr_minutes_esc(c, s->ratification_refused->reason));
        return 0;
    }
    qr_minutes_out(c, "awaiting its board: not bound unless its board ratifies");
    return -1;
}

static void outcomes(qr_minutes_ctx *c, const qr_proposal *p, Quorum__Capacity cap)
{
    static const char *const label[3] = {"Bound", "Not bound", "Awaiting their boards"};
    static const int want[3] = {1, 0, -1};
    int *verdict = calloc(p->noutcomes + 1, sizeof *verdict);
    char buf[96];
    qr_minutes_out(c, "\n#### Outcome per organisation\n\n| Organisation | Vote counted | "
                      "Outcome | What it means | Board |\n|---|---|---|---|---|\n");
    for (size_t i = 0; i < p->noutcomes; i++) {
        const qr_outcome *o = &p->outcomes[i];
        const qr_vote *v = qr_rules_latest_vote(p, o->org);
        qr_minutes_out(c, "| %s | %s | %s | %s | ", qr_minutes_org(c, o->org),
                       v ? qr_rules_choice_name(v->choice) : "none",
                       qr_rules_outcome_name(o->outcome), meaning(o, buf));
        int b = board_cell(c, p, i);
        if (verdict)
            verdict[i] = b;
        qr_minutes_out(c, " |\n");
    }
    qr_minutes_out(c, "\n");
    if (cap == QUORUM__CAPACITY__ADVISORY || !verdict) {
        qr_minutes_out(c, "- **Who is bound:** no organisation: the forum is advisory and its "
                          "votes are views.\n");
        free(verdict);
        return;
    }
    qr_minutes_out(c, "- **Who is bound:**");
    for (int k = 0; k < 3; k++) {
        size_t n = 0;
        for (size_t i = 0; i < p->noutcomes; i++)
            n += verdict[i] == want[k];
        if (!n)
            continue;
        qr_minutes_out(c, " %s: ", label[k]);
        n = 0;
        for (size_t i = 0; i < p->noutcomes; i++)
            if (verdict[i] == want[k])
                qr_minutes_out(c, "%s%s", n++ ? "; " : "", qr_minutes_org(c, p->outcomes[i].org));
        qr_minutes_out(c, ".");
    }
    qr_minutes_out(c, "\n");
    free(verdict);
}

/* ---- items ------------------------------------------------------------------------------ */

static const char *stage_name(Quorum__Stage s)
{
    switch (s) {
    case QUORUM__STAGE__DEVELOP:
        return "develop";
    case QUORUM__STAGE__OPTIONS:
        return "options";
    case QUORUM__STAGE__CHOOSE:
        return "choose";
    case QUORUM__STAGE__COMMIT:
        return "commit";
    case QUORUM__STAGE__FOLLOW_THROUGH:
        return "follow through";
    default:
        return "not stated";
    }
}

static void item(qr_minutes_ctx *c, const qr_proposal *p, size_t number)
{
    Quorum__Capacity cap = c->r->charter ? c->r->charter->capacity : QUORUM__CAPACITY__ADVISORY;
    char money[48];
    qr_minutes_out(c, "## Item %zu: %s\n\n", number, qr_minutes_esc(c, p->title));
    qr_minutes_out(c, "- **Proposal:** %s, tabled at entry %llu.\n", p->id,
                   (unsigned long long)p->tabled_seq);
    if (p->text && *p->text)
        qr_minutes_out(c, "- **Text:** %s\n", qr_minutes_sentence(c, p->text));
    qr_minutes_out(c, "- **Class of matter:** %s; **financial value:** %s; **statutory:** %s.\n",
                   qr_minutes_esc(c, p->matter_class),
                   p->financial_value ? qr_minutes_money(p->financial_value, money) : "none",
                   p->statutory ? "yes (only full members vote)" : "no");
    qr_minutes_out(c, "- **Stage:** %s.\n", stage_name(p->stage));
    if (p->closed)
        qr_minutes_out(c, "- **Summary of debate:** %s\n",
                       p->debate && *p->debate ? qr_minutes_sentence(c, p->debate)
                                               : "none recorded.");
    qr_minutes_out(c, "\n### Votes\n\n");
    for (size_t i = 0; i < c->r->norgs; i++)
        vote_line(c, p, &c->r->orgs[i], cap);
    reconcile(c, p);
    if (!p->closed) {
        qr_minutes_out(c, "- **Status:** not closed at this checkpoint: no outcome is recorded, "
                          "so no organisation is bound by this item.\n");
    } else {
        outcomes(c, p, cap);
        qr_minutes_out(
            c, "- **Forum result** (%s; for information only, it binds no one): %s.\n",
            c->r->charter
                ? (c->r->charter->decision_rule == QUORUM__DECISION_RULE__CONSENSUS   ? "consensus"
                   : c->r->charter->decision_rule == QUORUM__DECISION_RULE__UNANIMITY ? "unanimity"
                                                                                      : "majority")
                : "majority",
            p->result == QUORUM__FORUM_RESULT__CARRIED ? "CARRIED" : "NOT CARRIED");
        qr_minutes_out(c, "- **Reasons for the decision:** %s\n",
                       qr_minutes_sentence(c, p->reasons));
        qr_minutes_out(c, "- **Closed** at entry %llu.\n", (unsigned long long)p->closed_seq);
    }
    qr_minutes_corrections(c, about_proposal, (void *)p);
    qr_minutes_out(c, "\n");
}

void qr_minutes_items(qr_minutes_ctx *c)
{
    size_t n = 0;
    for (size_t i = 0; i < c->r->nproposals; i++)
        if (!strcmp(c->r->proposals[i].meeting, c->m->id))
            item(c, &c->r->proposals[i], ++n);
    if (!n)
        qr_minutes_out(c, "## Items\n\nNo proposals were tabled at this meeting.\n\n");
}

/* ---- actions ---------------------------------------------------------------------------- */

static int action_here(qr_minutes_ctx *c, const qr_action *a)
{
    const qr_proposal *p = qr_rules_proposal(c->r, a->proposal);
    return (p && !strcmp(p->meeting, c->m->id)) ||
           (a->nhistory && a->history[0].seq >= c->lo && a->history[0].seq <= c->hi);
}

static int about_action(qr_minutes_ctx *c, uint64_t seq, void *arg)
{
    const Quorum__Statement *s = qr_minutes_stmt(c, seq);
    const char *id =
        !s                                                        ? NULL
        : s->kind_case == QUORUM__STATEMENT__KIND_ACTION_ASSIGNED ? s->action_assigned->action
        : s->kind_case == QUORUM__STATEMENT__KIND_ACTION_UPDATED  ? s->action_updated->action
                                                                  : NULL;
    return id && !strcmp(id, ((const qr_action *)arg)->id);
}

void qr_minutes_actions(qr_minutes_ctx *c)
{
    size_t n = 0;
    int64_t last = c->in->nentries ? c->in->entries[c->in->nentries - 1].logged_at : 0;
    qr_minutes_out(c, "## Actions\n\n");
    for (size_t i = 0; i < c->r->nactions; i++) {
        const qr_action *a = &c->r->actions[i];
        char due[32];
        if (!action_here(c, a))
            continue;
        n++;
        Quorum__ActionStatus st = qr_rules_action_status(a);
        int open = st != QUORUM__ACTION_STATUS__DONE && st != QUORUM__ACTION_STATUS__DROPPED;
        qr_minutes_out(
            c,
            "- **%s** (on proposal %s): %s **Owning organisation:** %s. "
            "**Owner:** %s. **Due:** %s%s. **Status:** %s. **History:** ",
            a->id, a->proposal, a->text && *a->text ? qr_minutes_sentence(c, a->text) : "",
            qr_minutes_org(c, a->org),
            qr_rules_member(c->r, a->org, a->owner) ? qr_minutes_person(c, a->org, a->owner)
                                                    : qr_minutes_esc(c, a->owner),
            qr_minutes_date(a->due, due),
            open && a->due < last ? " (overdue by the time of the last entry)" : "",
            qr_rules_action_status_name(st));
        for (size_t k = 0; k < a->nhistory; k++) {
            const qr_action_step *h = &a->history[k];
            qr_minutes_out(c, "%s%s at entry %llu", k ? "; " : "",
                           qr_rules_action_status_name(h->status), (unsigned long long)h->seq);
            if (h->note && *h->note)
                qr_minutes_out(c, " (%s)", qr_minutes_esc(c, h->note));
        }
        qr_minutes_out(c, ".\n");
        qr_minutes_corrections(c, about_action, (void *)a);
    }
    if (!n)
        qr_minutes_out(c, "No actions were assigned at this meeting.\n");
    qr_minutes_out(c, "\n");
}

/* ---- approval of earlier minutes (rule 15) ----------------------------------------------- */

static void approval_group(qr_minutes_ctx *c, const qr_approval *first)
{
    const qr_meeting *m = qr_rules_meeting(c->r, first->meeting);
    char hex[2 * QR_HASH_LEN + 1], date[32], who[512];
    char *root = qr_b64(first->checkpoint_root, QR_HASH_LEN);
    qr_hex(first->minutes_hash, QR_HASH_LEN, hex);
    qr_minutes_out(c,
                   "- **Minutes of meeting %s** (held %s): SHA-256 `%s`, cut from checkpoint "
                   "size %llu with root `%s`. **Approved as a true record by:** ",
                   first->meeting, m ? qr_minutes_date(m->date, date) : "on an unknown date", hex,
                   (unsigned long long)first->checkpoint_size, root ? root : "");
    free(root);
    size_t n = 0;
    for (size_t i = 0; i < c->r->napprovals; i++) {
        const qr_approval *a = &c->r->approvals[i];
        if (strcmp(a->meeting, first->meeting) ||
            memcmp(a->minutes_hash, first->minutes_hash, QR_HASH_LEN) ||
            a->checkpoint_size != first->checkpoint_size ||
            memcmp(a->checkpoint_root, first->checkpoint_root, QR_HASH_LEN))
            continue;
        const qr_minutes_entry *e = &c->in->entries[a->seq];
        qr_minutes_out(
            c, "%s%s, signed by %s (entry %llu)", n++ ? "; " : "",
            a->org[0] ? qr_minutes_org(c, a->org) : "the chair",
            qr_minutes_esc(c,
                           e->st ? qr_minutes_signer(c->r, e->st->signer, who, sizeof who) : "?"),
            (unsigned long long)a->seq);
    }
    qr_minutes_out(c, ".\n");
}

void qr_minutes_approvals(qr_minutes_ctx *c)
{
    size_t n = 0;
    qr_minutes_out(c, "## Approval of earlier minutes\n\n");
    for (size_t i = 0; i < c->r->napprovals; i++) {
        const qr_approval *a = &c->r->approvals[i];
        int first = 1;
        for (size_t k = 0; k < i && first; k++) {
            const qr_approval *b = &c->r->approvals[k];
            first = strcmp(a->meeting, b->meeting) ||
                    memcmp(a->minutes_hash, b->minutes_hash, QR_HASH_LEN) ||
                    a->checkpoint_size != b->checkpoint_size;
        }
        if (!first || a->seq < c->approvals_after || a->seq > c->hi || a->seq >= c->in->nentries)
            continue;
        approval_group(c, a);
        n++;
    }
    if (!n)
        qr_minutes_out(c, "No earlier minutes were approved at this meeting.\n");
    qr_minutes_out(c, "\n");
}
