/*
 * cmd_state.c: a forum's state as the clerk sees it in a live meeting, computed here rather
 * than taken from the daemon: quorum state [--watch], and the replay it rests on.
 *
 * The client replays the forum's whole log through the same rulebook the daemon runs (lib/
 * rules.h), so what it shows (who is present, the live tally, what closing now would record)
 * is what the log proves, not what a daemon says.  An entry the rulebook refuses on replay is
 * unlawful and should never have been logged: it is reported and stepped over, and `quorum
 * verify` gives the full account.
 *
 * --watch subscribes to the forum's events and, on each, reads only the entries after those
 * already replayed.  Events only say "something changed": a dropped event costs nothing,
 * because every redraw reads the log itself, and a quiet spell still re-reads every few
 * seconds.
 */
#include "client.h"

#include "replay.h"
#include "util.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

/* ---- replay ---------------------------------------------------------------------------- */

static int replay_one(void *ctx, uint64_t seq, const uint8_t *entry, size_t len)
{
    qr_rules *r = ctx;
    qr_refusal why;
    (void)seq; /* qr_replay_entry checks the entry's own number against r->size */
    if (qr_replay_entry(r, entry, len, NULL, &why) != QR_OK)
        fprintf(stderr,
                "quorum: warning: entry %llu of forum %s breaks the rule %s: %s\n"
                "quorum: warning: an unlawful entry in the log; skipped here (quorum verify "
                "reports it)\n",
                (unsigned long long)r->size - 1, r->forum, qr_code_name(why.code), why.message);
    return QR_OK;
}

/* Entries from r->size on. */
static int replay_more(qr_source *src, qr_rules *r)
{
    uint64_t size = 0;
    for (;;) {
        uint64_t before = r->size;
        int status = qr_source_read(src, r->forum, r->size, UINT64_MAX, replay_one, r, &size);
        if (status || r->size >= size || r->size == before)
            return status;
    }
}

int qr_cli_replay(qr_source *src, const char *forum, qr_rules **out)
{
    *out = qr_rules_new(forum);
    if (!*out)
        return qr_cli_fail(src->cli, QR_NOMEM, "out of memory");
    int status = replay_more(src, *out);
    if (status)
        qr_rules_destroy(out);
    return status;
}

/* ---- what the state shows -------------------------------------------------------------- */

static const char *person_name(const qr_rules *r, const char *org, const char *person)
{
    const qr_member *m = qr_rules_member(r, org, person);
    return m && m->name && *m->name ? m->name : person;
}

static const char *attendee_name(const qr_rules *r, const qr_attendee *a)
{
    if (a->name && *a->name)
        return a->name;
    return a->person[0] ? person_name(r, a->org, a->person) : "(unnamed)";
}

/* The vote this organisation changed from, if it changed its vote. */
static const qr_vote *changed_from(const qr_proposal *p, const qr_vote *latest)
{
    const qr_vote *prev = NULL;
    for (size_t i = 0; i < p->nvotes && &p->votes[i] != latest; i++)
        if (!strcmp(p->votes[i].org, latest->org))
            prev = &p->votes[i];
    return prev && prev->choice != latest->choice ? prev : NULL;
}

static const char *vote_signature(const qr_vote *v)
{
    if (!v->by_clerk)
        return "signed by the representative";
    return v->confirmed ? "recorded by clerk, confirmed" : "recorded by clerk (unconfirmed)";
}

static size_t orgs_present(const qr_meeting *m, const qr_rules *r, size_t *members)
{
    size_t n = 0;
    *members = m ? m->npresent : 0;
    for (size_t i = 0; m && i < r->norgs; i++)
        for (size_t j = 0; j < m->npresent; j++)
            if (!strcmp(m->present[j].org, r->orgs[i].id)) {
                n++;
                break;
            }
    return n;
}

static size_t votes_cast(const qr_rules *r, const qr_proposal *p)
{
    size_t n = 0;
    for (size_t i = 0; i < r->norgs; i++)
        n += qr_rules_latest_vote(p, r->orgs[i].id) != NULL;
    return n;
}

static const char *board_status(const qr_proposal *p, size_t i)
{
    if (p->overturned && p->overturned[i])
        return "OVERTURNED by its board";
    if (p->board && p->board[i] == QR_BOARD_RATIFIED)
        return "ratified";
    if (p->board && p->board[i] == QR_BOARD_REFUSED)
        return "ratification refused";
    return p->outcomes[i].needs_ratification ? "awaiting its board" : "";
}

static int action_open(const qr_action *a)
{
    Quorum__ActionStatus s = qr_rules_action_status(a);
    return s != QUORUM__ACTION_STATUS__DONE && s != QUORUM__ACTION_STATUS__DROPPED;
}

/* For --json: "" when there is no reason, else the schema's name ("ABSTAINED"). */
static const char *json_why(Quorum__NoDecisionReason why)
{
    return why == QUORUM__NO_DECISION_REASON__NDR_NONE
               ? ""
               : qr_cli_proto_name(&quorum__no_decision_reason__descriptor, why);
}

static const char *json_board(const qr_proposal *p, size_t i)
{
    if (p->board && p->board[i] == QR_BOARD_RATIFIED)
        return "RATIFIED";
    if (p->board && p->board[i] == QR_BOARD_REFUSED)
        return "REFUSED";
    return p->outcomes[i].needs_ratification ? "PENDING" : "";
}

/* ---- for people ------------------------------------------------------------------------ */

/* The width of the organisation column: the longest name, within reason. */
static void print_people(const qr_rules *r, const char *label, const qr_attendee *a, size_t n)
{
    printf("  %-15s", label);
    for (size_t i = 0; i < n; i++)
        printf("%s%s", i ? "; " : "", attendee_name(r, &a[i]));
    printf("%s\n", n ? "" : "—");
}

static void print_meeting(const qr_rules *r, const qr_meeting *m)
{
    char date[32];
    if (!m) {
        printf("\nNo meeting is open.\n");
        return;
    }
    qr_cli_format_date(m->date, date, sizeof date);
    printf("\nOpen meeting %s, %s, %s\n", m->id, date, m->place ? m->place : "");
    for (size_t i = 0; i < r->norgs; i++) {
        const qr_org *o = &r->orgs[i];
        printf("  ");
        qr_cli_col(qr_cli_org_name(r, o->id), qr_cli_org_width(r));
        qr_cli_col(qr_rules_quorate(r, m, o->id) ? "QUORATE" : "NOT QUORATE", 11);
        printf(" present: ");
        int any = 0;
        for (size_t j = 0; j < m->npresent; j++)
            if (!strcmp(m->present[j].org, o->id))
                printf("%s%s", any++ ? "; " : "", attendee_name(r, &m->present[j]));
        printf("%s\n", any ? "" : "—");
    }
    print_people(r, "in attendance:", m->in_attendance, m->nin_attendance);
    print_people(r, "apologies:", m->apologies, m->napologies);
}

static void print_vote(const qr_rules *r, const qr_proposal *p, const qr_org *g,
                       const qr_outcome *o, size_t no)
{
    const qr_vote *v = qr_rules_latest_vote(p, g->id);
    char out[64] = "";
    for (size_t k = 0; k < no; k++)
        if (!strcmp(o[k].org, g->id))
            qr_cli_outcome_text(&o[k], out, sizeof out);
    printf("    ");
    qr_cli_col(qr_cli_org_name(r, g->id), qr_cli_org_width(r));
    qr_cli_col(v ? qr_rules_choice_name(v->choice) : "—", 8);
    if (!v) {
        printf("%s\n", out);
        return;
    }
    qr_cli_col(out, 26);
    const qr_vote *prev = changed_from(p, v);
    printf("by %s", person_name(r, v->org, v->person));
    if (v->delegation[0])
        printf(" under %s", v->delegation);
    printf("; %s", vote_signature(v));
    if (prev)
        printf("; changed from %s", qr_rules_choice_name(prev->choice));
    printf("\n");
}

static void print_open_proposal(const qr_rules *r, const qr_proposal *p)
{
    char money[48] = "no financial value";
    if (p->financial_value)
        qr_cli_format_pounds(p->financial_value, money, sizeof money);
    printf("\n  %s: %s\n    class %s, %s%s", p->id, p->title, p->matter_class, money,
           p->statutory ? ", STATUTORY (full members only vote)" : "");
    if (p->stage != QUORUM__STAGE__STAGE_UNSPECIFIED)
        printf(", stage %s", qr_cli_enum_name(qr_cli_stages, p->stage));
    printf(", tabled at meeting %s\n    ", p->meeting);
    qr_cli_col("organisation", qr_cli_org_width(r));
    qr_cli_col("vote", 8);
    qr_cli_col("if closed now", 26);
    printf("recorded\n");
    qr_outcome *o = NULL;
    size_t no = 0;
    Quorum__ForumResult result = QUORUM__FORUM_RESULT__FORUM_RESULT_UNSPECIFIED;
    if (qr_rules_outcomes(r, p->id, &o, &no, &result) != QR_OK)
        no = 0;
    for (size_t i = 0; i < r->norgs; i++)
        print_vote(r, p, &r->orgs[i], o, no);
    const qr_meeting *m = qr_rules_meeting(r, p->meeting);
    size_t members, present = orgs_present(m, r, &members), cast = votes_cast(r, p);
    printf("    votes cast %zu, organisations present %zu (members present %zu)%s\n", cast, present,
           members,
           m && m->open && cast < present ? "; some organisations present have not voted" : "");
    if (no)
        printf("    forum result if closed now: %s\n",
               qr_cli_enum_name(qr_cli_forum_results, result));
    free(o);
}

static void print_closed(const qr_rules *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nproposals; i++) {
        const qr_proposal *p = &r->proposals[i];
        if (!p->closed)
            continue;
        if (!n++)
            printf("\nClosed proposals\n");
        printf("  %s (%s): %s: ", p->id, p->title,
               qr_cli_enum_name(qr_cli_forum_results, p->result));
        for (size_t k = 0; k < p->noutcomes; k++) {
            const char *b = board_status(p, k);
            Quorum__Outcome now = qr_rules_effective_outcome(p, k);
            printf("%s%s %s", k ? ", " : "", p->outcomes[k].org,
                   qr_rules_outcome_name(p->outcomes[k].outcome));
            if (now != p->outcomes[k].outcome)
                printf(" -> %s", qr_rules_outcome_name(now));
            printf("%s%s%s", *b ? " (" : "", b, *b ? ")" : "");
        }
        printf("\n");
    }
}

static void print_actions(const qr_rules *r, int64_t now)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nactions; i++) {
        const qr_action *a = &r->actions[i];
        char due[32];
        if (!action_open(a))
            continue;
        if (!n++)
            printf("\nOpen actions\n");
        qr_cli_format_date(a->due, due, sizeof due);
        printf("  %-12s %-10s ", a->id, a->org);
        qr_cli_col(a->owner, 28);
        printf("due %s  ", due);
        qr_cli_col(qr_rules_action_status_name(qr_rules_action_status(a)), 11);
        printf("%s%s\n", qr_rules_action_overdue(a, now) ? "OVERDUE  " : "", a->text ? a->text : "");
    }
    if (!n)
        printf("\nNo open actions.\n");
}

static void print_state(const qr_rules *r, int64_t now)
{
    const Quorum__Charter *c = r->charter;
    printf("Forum %s: %s\n", r->forum, c && c->name ? c->name : "(not chartered)");
    if (c)
        printf("  capacity %s, decision rule %s, %llu entries\n",
               qr_cli_enum_name(qr_cli_capacities, c->capacity),
               qr_cli_enum_name(qr_cli_decision_rules, c->decision_rule),
               (unsigned long long)r->size);
    printf("\nMember organisations\n");
    for (size_t i = 0; i < r->norgs; i++) {
        printf("  %-12s ", r->orgs[i].id);
        qr_cli_col(qr_cli_org_name(r, r->orgs[i].id), qr_cli_org_width(r));
        printf("%-16s %s\n", qr_cli_enum_name(qr_cli_org_kinds, r->orgs[i].kind),
               r->orgs[i].membership == QUORUM__MEMBERSHIP__FULL ? "FULL" : "ASSOCIATE");
    }
    if (!r->norgs)
        printf("  none yet (quorum org join)\n");
    print_meeting(r, qr_rules_open_meeting(r));
    size_t nopen = 0;
    for (size_t i = 0; i < r->nproposals; i++)
        nopen += !r->proposals[i].closed;
    printf(nopen ? "\nOpen proposals\n" : "\nNo open proposals.\n");
    for (size_t i = 0; i < r->nproposals; i++)
        if (!r->proposals[i].closed)
            print_open_proposal(r, &r->proposals[i]);
    print_closed(r);
    print_actions(r, now);
}

/* ---- as JSON --------------------------------------------------------------------------- */

static void json_people(qr_json *j, const char *key, const qr_attendee *a, size_t n)
{
    qr_json_array(j, key);
    for (size_t i = 0; i < n; i++) {
        qr_json_object(j, NULL);
        qr_json_str(j, "organisation", a[i].org);
        qr_json_str(j, "person", a[i].person);
        qr_json_str(j, "name", a[i].name);
        qr_json_end(j);
    }
    qr_json_end(j);
}

static void json_outcome(qr_json *j, const qr_outcome *o)
{
    qr_json_str(j, "organisation", o->org);
    qr_json_str(j, "outcome", qr_rules_outcome_name(o->outcome));
    qr_json_str(j, "why", json_why(o->why));
    qr_json_bool(j, "needs_ratification", o->needs_ratification);
}

static void json_meeting(qr_json *j, const qr_rules *r, const qr_meeting *m)
{
    qr_json_object(j, "open_meeting");
    qr_json_str(j, "meeting", m->id);
    qr_json_i64(j, "date", m->date);
    qr_json_str(j, "place", m->place);
    json_people(j, "present", m->present, m->npresent);
    json_people(j, "in_attendance", m->in_attendance, m->nin_attendance);
    json_people(j, "apologies", m->apologies, m->napologies);
    qr_json_array(j, "quorate");
    for (size_t i = 0; i < r->norgs; i++) {
        qr_json_object(j, NULL);
        qr_json_str(j, "organisation", r->orgs[i].id);
        qr_json_bool(j, "quorate", qr_rules_quorate(r, m, r->orgs[i].id));
        qr_json_end(j);
    }
    qr_json_end(j);
    qr_json_end(j);
}

static void json_proposal(qr_json *j, const qr_rules *r, const qr_proposal *p)
{
    qr_json_object(j, NULL);
    qr_json_str(j, "proposal", p->id);
    qr_json_str(j, "title", p->title);
    qr_json_str(j, "meeting", p->meeting);
    qr_json_str(j, "class", p->matter_class);
    qr_json_i64(j, "financial_value", p->financial_value);
    qr_json_bool(j, "statutory", p->statutory);
    qr_json_str(j, "stage", qr_cli_enum_name(qr_cli_stages, p->stage));
    if (p->closed) {
        qr_json_str(j, "forum_result",
                    qr_cli_proto_name(&quorum__forum_result__descriptor, p->result));
        qr_json_u64(j, "closed_seq", p->closed_seq);
        qr_json_array(j, "outcomes");
        for (size_t k = 0; k < p->noutcomes; k++) {
            qr_json_object(j, NULL);
            json_outcome(j, &p->outcomes[k]);
            qr_json_str(j, "board", json_board(p, k));
            qr_json_str(j, "binds_now", qr_rules_outcome_name(qr_rules_effective_outcome(p, k)));
            qr_json_bool(j, "overturned", p->overturned && p->overturned[k]);
            qr_json_end(j);
        }
        qr_json_end(j);
        qr_json_end(j);
        return;
    }
    qr_json_array(j, "votes");
    for (size_t i = 0; i < r->norgs; i++) {
        const qr_vote *v = qr_rules_latest_vote(p, r->orgs[i].id), *prev;
        if (!v)
            continue;
        qr_json_object(j, NULL);
        qr_json_str(j, "organisation", v->org);
        qr_json_str(j, "choice", qr_rules_choice_name(v->choice));
        qr_json_str(j, "person", v->person);
        qr_json_str(j, "name", person_name(r, v->org, v->person));
        qr_json_str(j, "delegation", v->delegation);
        qr_json_str(j, "reason", v->reason);
        qr_json_u64(j, "seq", v->seq);
        qr_json_bool(j, "recorded_by_clerk", v->by_clerk);
        qr_json_bool(j, "confirmed", v->confirmed);
        if ((prev = changed_from(p, v)))
            qr_json_str(j, "changed_from", qr_rules_choice_name(prev->choice));
        qr_json_end(j);
    }
    qr_json_end(j);
    qr_outcome *o = NULL;
    size_t no = 0, members;
    Quorum__ForumResult result = QUORUM__FORUM_RESULT__FORUM_RESULT_UNSPECIFIED;
    if (qr_rules_outcomes(r, p->id, &o, &no, &result) == QR_OK) {
        qr_json_array(j, "outcomes_if_closed_now");
        for (size_t k = 0; k < no; k++) {
            qr_json_object(j, NULL);
            json_outcome(j, &o[k]);
            qr_json_end(j);
        }
        qr_json_end(j);
        qr_json_str(j, "forum_result_if_closed_now",
                    qr_cli_proto_name(&quorum__forum_result__descriptor, result));
    }
    free(o);
    qr_json_u64(j, "votes_cast", votes_cast(r, p));
    qr_json_u64(j, "organisations_present",
                orgs_present(qr_rules_meeting(r, p->meeting), r, &members));
    qr_json_u64(j, "members_present", members);
    qr_json_end(j);
}

static void json_state(const qr_rules *r, int64_t now)
{
    qr_json j;
    const Quorum__Charter *c = r->charter;
    qr_json_init(&j, stdout);
    qr_json_object(&j, NULL);
    qr_json_str(&j, "forum", r->forum);
    qr_json_str(&j, "name", c ? c->name : "");
    qr_json_str(&j, "capacity", c ? qr_cli_enum_name(qr_cli_capacities, c->capacity) : "");
    qr_json_str(&j, "decision_rule",
                c ? qr_cli_enum_name(qr_cli_decision_rules, c->decision_rule) : "");
    qr_json_u64(&j, "size", r->size);
    qr_json_i64(&j, "now", now);
    qr_json_array(&j, "organisations");
    for (size_t i = 0; i < r->norgs; i++) {
        qr_json_object(&j, NULL);
        qr_json_str(&j, "organisation", r->orgs[i].id);
        qr_json_str(&j, "name", r->orgs[i].name);
        qr_json_str(&j, "kind", qr_cli_enum_name(qr_cli_org_kinds, r->orgs[i].kind));
        qr_json_str(&j, "membership", qr_cli_enum_name(qr_cli_memberships, r->orgs[i].membership));
        qr_json_end(&j);
    }
    qr_json_end(&j);
    if (qr_rules_open_meeting(r))
        json_meeting(&j, r, qr_rules_open_meeting(r));
    for (int closed = 0; closed < 2; closed++) {
        qr_json_array(&j, closed ? "closed_proposals" : "open_proposals");
        for (size_t i = 0; i < r->nproposals; i++)
            if (!r->proposals[i].closed == !closed)
                json_proposal(&j, r, &r->proposals[i]);
        qr_json_end(&j);
    }
    qr_json_array(&j, "open_actions");
    for (size_t i = 0; i < r->nactions; i++) {
        const qr_action *a = &r->actions[i];
        if (!action_open(a))
            continue;
        qr_json_object(&j, NULL);
        qr_json_str(&j, "action", a->id);
        qr_json_str(&j, "proposal", a->proposal);
        qr_json_str(&j, "organisation", a->org);
        qr_json_str(&j, "owner", a->owner);
        qr_json_i64(&j, "due", a->due);
        qr_json_str(&j, "status", qr_rules_action_status_name(qr_rules_action_status(a)));
        qr_json_bool(&j, "overdue", qr_rules_action_overdue(a, now));
        qr_json_str(&j, "text", a->text);
        qr_json_end(&j);
    }
    qr_json_end(&j);
    qr_json_end(&j);
    qr_json_end_line(&j);
}

/* ---- quorum state [--watch] ------------------------------------------------------------ */

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

static void draw(qr_cli *cli, const qr_rules *r, int watching)
{
    int64_t now = qr_now();
    if (watching && !cli->json && isatty(STDOUT_FILENO))
        fputs("\033[H\033[2J", stdout);
    if (cli->json)
        json_state(r, now);
    else
        print_state(r, now);
    if (watching && !cli->json) {
        char when[32];
        qr_time_iso(now, when, sizeof when);
        printf("\n(watching forum %s; updated %s; Ctrl-C to stop)\n", r->forum, when);
    }
    fflush(stdout);
}

/* Take every message waiting; 1 if there was any. */
static int drain(void *sub)
{
    int any = 0;
    zmq_msg_t m;
    zmq_msg_init(&m);
    while (zmq_msg_recv(&m, sub, ZMQ_DONTWAIT) >= 0)
        any = 1;
    zmq_msg_close(&m);
    return any;
}

static int watch(qr_cli *cli, qr_source *src, qr_rules *r)
{
    int status;
    void *sub = qr_cli_subscribe(cli, src->conn, r->forum, &status);
    if (!sub)
        return status;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint; /* no SA_RESTART: zmq_poll returns at once */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* Subscribed first, then read: nothing recorded in between is missed. */
    if (!(status = replay_more(src, r)))
        draw(cli, r, 1);
    int64_t last_read = qr_now(), last_draw = last_read;
    while (!status && !interrupted) {
        zmq_pollitem_t it = {sub, 0, ZMQ_POLLIN, 0};
        int n = zmq_poll(&it, 1, 1000);
        if (n < 0 && errno != EINTR) {
            status = qr_cli_fail(cli, QR_IO, "waiting for events: %s", zmq_strerror(errno));
            break;
        }
        int64_t now = qr_now();
        uint64_t before = r->size;
        if ((n > 0 && drain(sub)) || now - last_read >= 5) {
            status = replay_more(src, r);
            last_read = now;
        }
        /* Redraw on news, and each minute so that OVERDUE and the clock stay true. */
        if (!status && !interrupted && (r->size != before || now - last_draw >= 60)) {
            draw(cli, r, 1);
            last_draw = now;
        }
    }
    zmq_close(sub);
    return interrupted ? 0 : status; /* Ctrl-C is how a clerk leaves: not a failure */
}

static int state_usage(void)
{
    fprintf(stderr, "usage: quorum state FORUM [--watch]\n"
                    "  The forum's members, the open meeting with attendance and quorum per\n"
                    "  organisation, the live tally of every open proposal, closed proposals\n"
                    "  and open actions, from a replay of the whole log.  --watch redraws as\n"
                    "  entries are recorded (Ctrl-C to stop); --json gives one document.\n"
                    "example: quorum --key clerk.key state lpt-nhft-jwg --watch\n");
    return 2;
}

int cmd_state(qr_cli *cli)
{
    int watching = qr_cli_flag(cli, "watch");
    const char *forum = qr_cli_arg(cli, 0);
    if (!forum || qr_cli_extra(cli, 1))
        return state_usage();
    int status = qr_cli_check_ids(cli, "forum", forum, NULL);
    if (status)
        return status;
    if (watching && *cli->db)
        return qr_cli_fail(cli, QR_USAGE, "--watch follows the daemon (no --db)");
    qr_source src;
    qr_rules *r = NULL;
    if ((status = qr_source_open(cli, &src)))
        return status;
    if (watching) {
        if (!(r = qr_rules_new(forum)))
            status = qr_cli_fail(cli, QR_NOMEM, "out of memory");
        else
            status = watch(cli, &src, r);
    } else if (!(status = qr_cli_replay(&src, forum, &r))) {
        draw(cli, r, 0);
    }
    qr_rules_destroy(&r);
    qr_source_close(&src);
    return status;
}
