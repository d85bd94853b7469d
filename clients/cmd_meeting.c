/*
 * cmd_meeting.c: what a clerk records in a live meeting: quorum meeting open, attend and close,
 * propose, vote (and vote confirm), close, correct, minutes approve.
 *
 * `quorum close` computes the per-organisation outcome itself, by replaying the forum's log
 * through the same rulebook the daemon runs, and signs that; the daemon recomputes it and
 * refuses a mismatch (a vote that arrived in between), so the clerk simply closes again.
 */
#include "client.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

static void shift(qr_cli *cli)
{
    cli->argc--;
    cli->argv++;
}

static int forum_ids(qr_cli *cli, const char *forum, const char *what, const char *id)
{
    return qr_cli_check_ids(cli, "forum", forum, what, id, NULL);
}

/* ---- quorum meeting open | attend | close ---------------------------------------------- */

static int meeting_usage(void)
{
    fprintf(stderr,
            "usage: quorum meeting open FORUM MEETING --date DATE --place TEXT [--agenda "
            "ITEM]...\n"
            "       quorum meeting attend FORUM MEETING [--present ORG:PERSON[:NAME]]...\n"
            "         [--in-attendance NAME]... [--apologies ORG:PERSON[:NAME] | NAME]...\n"
            "       quorum meeting close FORUM MEETING\n"
            "example: quorum --key clerk.key meeting open lpt-nhft-jwg jwg-2025-06 --date "
            "today \\\n"
            "           --place \"Room 3, Bridge Park Plaza, Leicester\" --agenda \"Apologies\" "
            "--agenda \"Stroke pathway\"\n"
            "         quorum --key clerk.key meeting attend lpt-nhft-jwg jwg-2025-06 \\\n"
            "           --present \"lpt:a-patel:Dr Anita Patel\" --present nhft:j-okafor \\\n"
            "           --in-attendance \"Sam Reid (NHS England)\" --apologies lpt:m-hughes\n");
    return 2;
}

static int meeting_open(qr_cli *cli)
{
    const char *agenda[QR_CLI_MAX_REPEAT];
    Quorum__MeetingOpened mo = QUORUM__MEETING_OPENED__INIT;
    size_t na = qr_cli_opt_all(cli, "agenda", agenda, QR_CLI_MAX_REPEAT);
    const char *place = qr_cli_opt(cli, "place");
    if (qr_cli_date_opt(cli, "date", 1, &mo.date))
        return meeting_usage();
    const char *forum = qr_cli_arg(cli, 0), *meeting = qr_cli_arg(cli, 1);
    if (!forum || !meeting || !place || qr_cli_extra(cli, 2))
        return meeting_usage();
    int status = forum_ids(cli, forum, "meeting", meeting);
    if (status)
        return status;
    mo.meeting = (char *)meeting;
    mo.place = (char *)place;
    mo.n_agenda = na;
    mo.agenda = (char **)agenda;
    Quorum__Statement st = QUORUM__STATEMENT__INIT;
    st.forum = (char *)forum;
    st.kind_case = QUORUM__STATEMENT__KIND_MEETING_OPENED;
    st.meeting_opened = &mo;
    return qr_cli_send(cli, &st);
}

typedef struct {
    Quorum__Attendee a;
    char org[QR_MAX_ID + 1];
    char person[QR_MAX_ID + 1];
} attendee;

/* "ORG:PERSON[:NAME]" into a malloc'd array with pointers.  members 0: just a name; members
 * 1: ORG:PERSON required; members -1 (apologies): either. */
static int attendees(qr_cli *cli, const char *opt, int members, attendee **arr,
                     Quorum__Attendee ***ptrs, size_t *n)
{
    const char *v[QR_CLI_MAX_REPEAT];
    *n = qr_cli_opt_all(cli, opt, v, QR_CLI_MAX_REPEAT);
    *arr = calloc(*n + 1, sizeof **arr);
    *ptrs = calloc(*n + 1, sizeof **ptrs);
    if (!*arr || !*ptrs)
        return qr_cli_fail(cli, QR_NOMEM, "out of memory");
    for (size_t i = 0; i < *n; i++) {
        attendee *a = &(*arr)[i];
        quorum__attendee__init(&a->a);
        (*ptrs)[i] = &a->a;
        const char *c1 = strchr(v[i], ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!members || (members < 0 && !c1)) {
            a->a.name = (char *)v[i];
            continue;
        }
        size_t lo = c1 ? (size_t)(c1 - v[i]) : 0;
        size_t lp = c1 ? (c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1)) : 0;
        if (!c1 || lo > QR_MAX_ID || lp > QR_MAX_ID) {
            fprintf(stderr, "quorum: --%s '%s' should be ORG:PERSON or ORG:PERSON:NAME\n", opt,
                    v[i]);
            return 2;
        }
        memcpy(a->org, v[i], lo);
        memcpy(a->person, c1 + 1, lp);
        int status = qr_cli_check_ids(cli, "organisation", a->org, "person", a->person, NULL);
        if (status)
            return status;
        a->a.organisation = a->org;
        a->a.person = a->person;
        if (c2 && c2[1])
            a->a.name = (char *)c2 + 1;
    }
    return 0;
}

static int meeting_attend(qr_cli *cli)
{
    Quorum__AttendanceRecorded ar = QUORUM__ATTENDANCE_RECORDED__INIT;
    attendee *pa = NULL, *ia = NULL, *ap = NULL;
    int status = attendees(cli, "present", 1, &pa, &ar.present, &ar.n_present);
    if (!status)
        status = attendees(cli, "in-attendance", 0, &ia, &ar.in_attendance, &ar.n_in_attendance);
    if (!status)
        status = attendees(cli, "apologies", -1, &ap, &ar.apologies, &ar.n_apologies);
    const char *forum = qr_cli_arg(cli, 0), *meeting = qr_cli_arg(cli, 1);
    if (status == 2 || (!status && (!forum || !meeting || qr_cli_extra(cli, 2))))
        status = meeting_usage();
    else if (!status && !ar.n_present && !ar.n_in_attendance && !ar.n_apologies) {
        fprintf(stderr, "quorum: record at least one --present, --in-attendance or "
                        "--apologies\n");
        status = meeting_usage();
    }
    if (!status)
        status = forum_ids(cli, forum, "meeting", meeting);
    if (!status) {
        ar.meeting = (char *)meeting;
        Quorum__Statement st = QUORUM__STATEMENT__INIT;
        st.forum = (char *)forum;
        st.kind_case = QUORUM__STATEMENT__KIND_ATTENDANCE_RECORDED;
        st.attendance_recorded = &ar;
        status = qr_cli_send(cli, &st);
    }
    free(pa);
    free(ia);
    free(ap);
    free(ar.present);
    free(ar.in_attendance);
    free(ar.apologies);
    return status;
}

static int meeting_close(qr_cli *cli)
{
    Quorum__MeetingClosed mc = QUORUM__MEETING_CLOSED__INIT;
    const char *forum = qr_cli_arg(cli, 0), *meeting = qr_cli_arg(cli, 1);
    if (!forum || !meeting || qr_cli_extra(cli, 2))
        return meeting_usage();
    int status = forum_ids(cli, forum, "meeting", meeting);
    if (status)
        return status;
    mc.meeting = (char *)meeting;
    Quorum__Statement st = QUORUM__STATEMENT__INIT;
    st.forum = (char *)forum;
    st.kind_case = QUORUM__STATEMENT__KIND_MEETING_CLOSED;
    st.meeting_closed = &mc;
    return qr_cli_send(cli, &st);
}

int cmd_meeting(qr_cli *cli)
{
    const char *sub = qr_cli_arg(cli, 0);
    int (*fn)(qr_cli *) = !sub                     ? NULL
                          : !strcmp(sub, "open")   ? meeting_open
                          : !strcmp(sub, "attend") ? meeting_attend
                          : !strcmp(sub, "close")  ? meeting_close
                                                   : NULL;
    if (!fn)
        return meeting_usage();
    shift(cli);
    return fn(cli);
}

/* ---- quorum propose -------------------------------------------------------------------- */

static int propose_usage(void)
{
    fprintf(stderr,
            "usage: quorum propose FORUM PROPOSAL --meeting MEETING --title TEXT --class CLASS\n"
            "         [--text TEXT] [--statutory] [--value POUNDS]\n"
            "         [--stage develop|options|choose|commit|follow-through]\n"
            "example: quorum --key clerk.key propose lpt-nhft-jwg stroke-rehab --meeting "
            "jwg-2025-06 \\\n"
            "           --title \"Joint community stroke rehabilitation service\" --class "
            "service-change \\\n"
            "           --value 180000 --stage choose\n");
    return 2;
}

int cmd_propose(qr_cli *cli)
{
    Quorum__ProposalTabled pt = QUORUM__PROPOSAL_TABLED__INIT;
    int stage = QUORUM__STAGE__STAGE_UNSPECIFIED;
    const char *meeting = qr_cli_opt(cli, "meeting"), *title = qr_cli_opt(cli, "title"),
               *cls = qr_cli_opt(cli, "class"), *text = qr_cli_opt(cli, "text"),
               *value = qr_cli_opt(cli, "value");
    pt.statutory = qr_cli_flag(cli, "statutory");
    if (qr_cli_enum_opt(cli, "stage", qr_cli_stages, 0, &stage))
        return propose_usage();
    if (value && qr_cli_parse_pounds(value, &pt.financial_value) != QR_OK) {
        fprintf(stderr,
                "quorum: --value '%s' is not an amount in pounds (180000 or "
                "180000.50)\n",
                value);
        return propose_usage();
    }
    const char *forum = qr_cli_arg(cli, 0), *proposal = qr_cli_arg(cli, 1);
    if (!forum || !proposal || !meeting || !title || !*title || !cls || !*cls ||
        qr_cli_extra(cli, 2))
        return propose_usage();
    int status =
        qr_cli_check_ids(cli, "forum", forum, "proposal", proposal, "meeting", meeting, NULL);
    if (status)
        return status;
    pt.proposal = (char *)proposal;
    pt.meeting = (char *)meeting;
    pt.title = (char *)title;
    pt.matter_class = (char *)cls;
    if (text)
        pt.text = (char *)text;
    pt.stage = (Quorum__Stage)stage;
    Quorum__Statement st = QUORUM__STATEMENT__INIT;
    st.forum = (char *)forum;
    st.kind_case = QUORUM__STATEMENT__KIND_PROPOSAL_TABLED;
    st.proposal_tabled = &pt;
    return qr_cli_send(cli, &st);
}

/* ---- quorum vote | vote confirm -------------------------------------------------------- */

static int vote_usage(void)
{
    fprintf(stderr,
            "usage: quorum vote FORUM PROPOSAL for|against|abstain --org ORG --as PERSON\n"
            "         [--delegation DELEGATION] [--reason TEXT] [--by-clerk]\n"
            "       quorum vote confirm FORUM PROPOSAL --seq N [--org ORG]\n"
            "  --by-clerk: the clerk records a show of hands with the clerk's key; the\n"
            "  representative later confirms it with 'vote confirm' and their own key.\n"
            "example: quorum --key a-patel.key vote lpt-nhft-jwg stroke-rehab for --org lpt "
            "--as a-patel \\\n"
            "           --delegation lpt-ceo-2025 --reason \"shortens waits for rehabilitation\"\n"
            "         quorum --key clerk.key vote lpt-nhft-jwg stroke-rehab abstain --org nhft "
            "--as j-okafor --by-clerk\n"
            "         quorum --key j-okafor.key vote confirm lpt-nhft-jwg stroke-rehab --org "
            "nhft --seq 42\n");
    return 2;
}

static int vote_confirm(qr_cli *cli)
{
    const char *org = qr_cli_opt(cli, "org"), *seqs = qr_cli_opt(cli, "seq");
    const char *forum = qr_cli_arg(cli, 0), *proposal = qr_cli_arg(cli, 1);
    uint64_t seq;
    if (!forum || !proposal || !seqs || qr_cli_parse_u64(seqs, &seq) || qr_cli_extra(cli, 2))
        return vote_usage();
    int status =
        qr_cli_check_ids(cli, "forum", forum, "proposal", proposal, "organisation", org, NULL);
    if (status)
        return status;
    qr_source src = {cli, NULL, NULL};
    qr_key *key = NULL;
    qr_statement *vote = NULL;
    uint8_t leaf[QR_HASH_LEN];
    if ((status = qr_cli_connect(cli, &src.conn, &key)) ||
        (status = qr_cli_fetch_entry(&src, forum, seq, leaf, &vote)))
        goto out;
    const Quorum__VoteCast *vc =
        vote->st->kind_case == QUORUM__STATEMENT__KIND_VOTE_CAST ? vote->st->vote_cast : NULL;
    if (!vc) {
        status = qr_cli_fail(cli, QR_USAGE, "entry %llu of forum %s is a %s, not a vote",
                             (unsigned long long)seq, forum, qr_statement_kind(vote->st));
        goto out;
    }
    if (strcmp(vc->proposal, proposal) || (org && strcmp(vc->organisation, org))) {
        status = qr_cli_fail(cli, QR_USAGE,
                             "entry %llu of forum %s is the vote of %s on %s, not of %s on %s",
                             (unsigned long long)seq, forum, vc->organisation, vc->proposal,
                             org ? org : vc->organisation, proposal);
        goto out;
    }
    Quorum__VoteConfirmed conf = QUORUM__VOTE_CONFIRMED__INIT;
    conf.proposal = (char *)proposal;
    conf.organisation = vc->organisation;
    conf.vote_entry_hash = (ProtobufCBinaryData){QR_HASH_LEN, leaf};
    conf.vote_seq = seq;
    Quorum__Statement st = QUORUM__STATEMENT__INIT;
    st.forum = (char *)forum;
    st.signed_at = qr_now();
    st.kind_case = QUORUM__STATEMENT__KIND_VOTE_CONFIRMED;
    st.vote_confirmed = &conf;
    status = qr_cli_submit(cli, src.conn, key, &st);
out:
    qr_statement_destroy(&vote);
    qr_key_destroy(&key);
    qr_client_destroy(&src.conn);
    return status;
}

int cmd_vote(qr_cli *cli)
{
    const char *first = qr_cli_arg(cli, 0);
    if (first && !strcmp(first, "confirm")) {
        shift(cli);
        return vote_confirm(cli);
    }
    Quorum__VoteCast vc = QUORUM__VOTE_CAST__INIT;
    const char *org = qr_cli_opt(cli, "org"), *person = qr_cli_opt(cli, "as"),
               *delegation = qr_cli_opt(cli, "delegation"), *reason = qr_cli_opt(cli, "reason");
    vc.recorded_by_clerk = qr_cli_flag(cli, "by-clerk");
    const char *forum = qr_cli_arg(cli, 0), *proposal = qr_cli_arg(cli, 1),
               *choice = qr_cli_arg(cli, 2);
    int c;
    if (!forum || !proposal || !choice || !org || !person || qr_cli_extra(cli, 3))
        return vote_usage();
    if (qr_cli_enum(qr_cli_choices, choice, &c) != QR_OK) {
        fprintf(stderr, "quorum: the vote '%s' is not for, against or abstain\n", choice);
        return vote_usage();
    }
    int status = qr_cli_check_ids(cli, "forum", forum, "proposal", proposal, "organisation", org,
                                  "person", person, "delegation", delegation, NULL);
    if (status)
        return status;
    vc.proposal = (char *)proposal;
    vc.organisation = (char *)org;
    vc.person = (char *)person;
    vc.choice = (Quorum__Choice)c;
    if (delegation)
        vc.delegation = (char *)delegation;
    if (reason)
        vc.reason = (char *)reason;
    Quorum__Statement st = QUORUM__STATEMENT__INIT;
    st.forum = (char *)forum;
    st.kind_case = QUORUM__STATEMENT__KIND_VOTE_CAST;
    st.vote_cast = &vc;
    return qr_cli_send(cli, &st);
}

/* ---- quorum close ---------------------------------------------------------------------- */

static int close_usage(void)
{
    fprintf(stderr,
            "usage: quorum close FORUM PROPOSAL --reasons TEXT [--debate TEXT]\n"
            "  Replays the forum's log, computes each organisation's outcome, signs and\n"
            "  records it, then prints the outcome per organisation.\n"
            "example: quorum --key clerk.key close lpt-nhft-jwg stroke-rehab \\\n"
            "           --reasons \"shortens waits for community stroke rehabilitation within "
            "the agreed budget\" \\\n"
            "           --debate \"NHFT asked for a six-month review of staffing\"\n");
    return 2;
}

static void print_outcomes(qr_cli *cli, const qr_rules *r, const char *proposal,
                           const qr_outcome *o, size_t n, Quorum__ForumResult result)
{
    const char *rule = r->charter
                           ? qr_cli_enum_name(qr_cli_decision_rules, r->charter->decision_rule)
                           : "unspecified";
    if (cli->json) {
        qr_json j;
        qr_json_init(&j, stdout);
        qr_json_object(&j, NULL);
        qr_json_str(&j, "proposal", proposal);
        qr_json_array(&j, "outcomes");
        for (size_t i = 0; i < n; i++) {
            qr_json_object(&j, NULL);
            qr_json_str(&j, "organisation", o[i].org);
            qr_json_str(&j, "name", qr_cli_org_name(r, o[i].org));
            qr_json_str(&j, "outcome", qr_rules_outcome_name(o[i].outcome));
            qr_json_str(&j, "why",
                        o[i].why == QUORUM__NO_DECISION_REASON__NDR_NONE
                            ? ""
                            : qr_cli_proto_name(&quorum__no_decision_reason__descriptor, o[i].why));
            qr_json_bool(&j, "needs_ratification", o[i].needs_ratification);
            qr_json_end(&j);
        }
        qr_json_end(&j);
        qr_json_str(&j, "forum_result",
                    qr_cli_proto_name(&quorum__forum_result__descriptor, result));
        qr_json_str(&j, "decision_rule", rule);
        qr_json_end(&j);
        qr_json_end_line(&j);
        return;
    }
    printf("\nOutcome of %s, per organisation:\n", proposal);
    for (size_t i = 0; i < n; i++) {
        char text[64];
        qr_cli_outcome_text(&o[i], text, sizeof text);
        printf("  ");
        qr_cli_col(qr_cli_org_name(r, o[i].org), qr_cli_org_width(r));
        printf("%s\n", text);
    }
    printf("Forum result (%s, for information only): %s\n", rule,
           qr_cli_enum_name(qr_cli_forum_results, result));
}

int cmd_close(qr_cli *cli)
{
    const char *reasons = qr_cli_opt(cli, "reasons"), *debate = qr_cli_opt(cli, "debate");
    const char *forum = qr_cli_arg(cli, 0), *proposal = qr_cli_arg(cli, 1);
    if (!forum || !proposal || qr_cli_extra(cli, 2))
        return close_usage();
    if (!reasons || !*reasons) {
        fprintf(stderr, "quorum: a proposal cannot be closed without the reasons for the "
                        "decision (--reasons)\n");
        return close_usage();
    }
    int status = qr_cli_check_ids(cli, "forum", forum, "proposal", proposal, NULL);
    if (status)
        return status;
    if (*cli->db)
        return qr_cli_fail(cli, QR_USAGE, "close replays the daemon's log (no --db)");
    qr_source src = {cli, NULL, NULL};
    qr_key *key = NULL;
    qr_rules *r = NULL;
    qr_outcome *o = NULL;
    Quorum__OrgOutcome *oo = NULL, **oop = NULL;
    size_t n = 0;
    Quorum__ForumResult result = QUORUM__FORUM_RESULT__FORUM_RESULT_UNSPECIFIED;
    if ((status = qr_cli_connect(cli, &src.conn, &key)) ||
        (status = qr_cli_replay(&src, forum, &r)))
        goto out;
    const qr_proposal *p = qr_rules_proposal(r, proposal);
    if (!p) {
        status = qr_cli_fail(cli, QR_NOT_FOUND,
                             "forum %s has no proposal %s (quorum state %s lists the open "
                             "proposals); nothing was recorded",
                             forum, proposal, forum);
        goto out;
    }
    if (p->closed) {
        status = qr_cli_fail(cli, QR_PROPOSAL_CLOSED,
                             "proposal %s was already closed at entry %llu; nothing was "
                             "recorded",
                             proposal, (unsigned long long)p->closed_seq);
        goto out;
    }
    int rc = qr_rules_outcomes(r, proposal, &o, &n, &result);
    if (rc != QR_OK) {
        status = qr_cli_fail(cli, rc, "cannot compute the outcome of %s", proposal);
        goto out;
    }
    oo = calloc(n + 1, sizeof *oo);
    oop = calloc(n + 1, sizeof *oop);
    if (!oo || !oop) {
        status = qr_cli_fail(cli, QR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        qr_rules_outcome_message(&o[i], &oo[i]);
        oop[i] = &oo[i];
    }
    Quorum__ProposalClosed pc = QUORUM__PROPOSAL_CLOSED__INIT;
    pc.proposal = (char *)proposal;
    pc.reasons = (char *)reasons;
    if (debate)
        pc.debate = (char *)debate;
    pc.n_outcomes = n;
    pc.outcomes = oop;
    pc.forum_result = result;
    Quorum__Statement st = QUORUM__STATEMENT__INIT;
    st.forum = (char *)forum;
    st.signed_at = qr_now();
    st.kind_case = QUORUM__STATEMENT__KIND_PROPOSAL_CLOSED;
    st.proposal_closed = &pc;
    if ((status = qr_cli_submit(cli, src.conn, key, &st)) == 0)
        print_outcomes(cli, r, proposal, o, n, result);
out:
    free(o);
    free(oo);
    free(oop);
    qr_rules_destroy(&r);
    qr_key_destroy(&key);
    qr_client_destroy(&src.conn);
    return status;
}

/* ---- quorum correct -------------------------------------------------------------------- */

static int correct_usage(void)
{
    fprintf(stderr, "usage: quorum correct FORUM SEQ --what TEXT --reason TEXT\n"
                    "  The entry stays in the log; the minutes show it and its correction.\n"
                    "example: quorum --key clerk.key correct lpt-nhft-jwg 37 \\\n"
                    "           --what \"M Hughes sent apologies; recorded as present\" "
                    "--reason \"clerk's error\"\n");
    return 2;
}

int cmd_correct(qr_cli *cli)
{
    const char *what = qr_cli_opt(cli, "what"), *reason = qr_cli_opt(cli, "reason");
    const char *forum = qr_cli_arg(cli, 0), *seqs = qr_cli_arg(cli, 1);
    uint64_t seq;
    if (!forum || !seqs || qr_cli_parse_u64(seqs, &seq) || !what || !*what || !reason || !*reason ||
        qr_cli_extra(cli, 2))
        return correct_usage();
    int status = qr_cli_check_ids(cli, "forum", forum, NULL);
    if (status)
        return status;
    qr_source src = {cli, NULL, NULL};
    qr_key *key = NULL;
    uint8_t leaf[QR_HASH_LEN];
    if (!(status = qr_cli_connect(cli, &src.conn, &key)) &&
        !(status = qr_cli_fetch_entry(&src, forum, seq, leaf, NULL))) {
        Quorum__Correction c = QUORUM__CORRECTION__INIT;
        c.corrects_seq = seq;
        c.corrects_hash = (ProtobufCBinaryData){QR_HASH_LEN, leaf};
        c.what = (char *)what;
        c.reason = (char *)reason;
        Quorum__Statement st = QUORUM__STATEMENT__INIT;
        st.forum = (char *)forum;
        st.signed_at = qr_now();
        st.kind_case = QUORUM__STATEMENT__KIND_CORRECTION;
        st.correction = &c;
        status = qr_cli_submit(cli, src.conn, key, &st);
    }
    qr_key_destroy(&key);
    qr_client_destroy(&src.conn);
    return status;
}

/* ---- quorum minutes approve ------------------------------------------------------------ */

static int approve_usage(void)
{
    fprintf(stderr,
            "usage: quorum minutes approve FORUM MEETING --minutes FILE.md [--sig FILE] [--org "
            "ORG]\n"
            "       quorum minutes approve FORUM MEETING --minutes-hash HEX64 --checkpoint-size "
            "N\n"
            "         --checkpoint-root BASE64 [--org ORG]\n"
            "  Signed by the chair (no --org), then by each organisation's representative.\n"
            "  --minutes takes the hash of the signed minutes and the checkpoint named in their\n"
            "  signature (FILE.md.minisig, checked against the forum's clerks).\n"
            "example: quorum --key chair.key minutes approve lpt-nhft-jwg jwg-2025-06 \\\n"
            "           --minutes jwg-2025-06.md\n"
            "         quorum --key chair.key minutes approve lpt-nhft-jwg jwg-2025-06 \\\n"
            "           --minutes-hash "
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 \\\n"
            "           --checkpoint-size 58 --checkpoint-root "
            "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=\n");
    return 2;
}

int cmd_minutes_approve(qr_cli *cli)
{
    const char *sub = qr_cli_arg(cli, 0);
    if (!sub || strcmp(sub, "approve"))
        return approve_usage();
    shift(cli);
    const char *mh = qr_cli_opt(cli, "minutes-hash"), *cs = qr_cli_opt(cli, "checkpoint-size"),
               *cr = qr_cli_opt(cli, "checkpoint-root"), *org = qr_cli_opt(cli, "org");
    const char *file = qr_cli_opt(cli, "minutes"), *sig = qr_cli_opt(cli, "sig");
    const char *forum = qr_cli_arg(cli, 0), *meeting = qr_cli_arg(cli, 1);
    uint8_t mhash[QR_HASH_LEN], root[QR_HASH_LEN];
    uint64_t size;
    if (!forum || !meeting || qr_cli_extra(cli, 2) || (file ? mh || cs || cr : !mh || !cs || !cr))
        return approve_usage();
    if (file) {
        int status = qr_cli_check_ids(cli, "forum", forum, "meeting", meeting, NULL);
        if (status ||
            (status = qr_cli_minutes_pin(cli, forum, meeting, file, sig, mhash, &size, root)))
            return status;
    } else if (qr_cli_parse_hash(mh, mhash) || qr_cli_parse_hash(cr, root) ||
               qr_cli_parse_u64(cs, &size) || size == 0) {
        fprintf(stderr, "quorum: --minutes-hash and --checkpoint-root are SHA-256 hashes (64 "
                        "hex digits or base64); --checkpoint-size is a positive count\n");
        return approve_usage();
    }
    int status =
        qr_cli_check_ids(cli, "forum", forum, "meeting", meeting, "organisation", org, NULL);
    if (status)
        return status;
    Quorum__MinutesApproved ma = QUORUM__MINUTES_APPROVED__INIT;
    ma.meeting = (char *)meeting;
    ma.minutes_hash = (ProtobufCBinaryData){QR_HASH_LEN, mhash};
    ma.checkpoint_size = size;
    ma.checkpoint_root = (ProtobufCBinaryData){QR_HASH_LEN, root};
    if (org)
        ma.organisation = (char *)org;
    Quorum__Statement st = QUORUM__STATEMENT__INIT;
    st.forum = (char *)forum;
    st.kind_case = QUORUM__STATEMENT__KIND_MINUTES_APPROVED;
    st.minutes_approved = &ma;
    return qr_cli_send(cli, &st);
}
