/*
 * qb_gen: build a large quorum database directly, for the benchmarks that need one (verify,
 * proofs, start-up and peak memory, replication).
 *
 * Submitting a million statements through the daemon would take minutes, so this program
 * writes them through lib/store.c, the append path quorumd itself uses: every statement is
 * real, signed by the key the rulebook requires (the operator, each organisation's board, the
 * representatives, the clerk) and judged lawful by the rulebook before it is appended; every
 * batch of up to --batch entries commits with a checkpoint signed by the daemon's key, exactly
 * as quorumd's group commit does.  quorumd then starts on the result with its own checks
 * (every tree head against its signed checkpoint, the rulebook replayed).
 *
 * Each forum's log reads like a committee's: a charter, three organisations joining, each
 * board appointing a representative and delegating authority to them, then meetings: opened,
 * attendance recorded, --per-meeting proposals each tabled, voted on by the three
 * representatives (mostly for; some against, some abstentions) and closed with the outcome
 * per organisation, then the meeting closed.
 *
 * usage: qb_gen --state DIR --forums F --entries N [--per-meeting 10] [--batch 1024]
 *   writes DIR/quorumd.db, DIR/quorumd.key (the daemon's key, origin bench.quorum),
 *   DIR/operator.key and DIR/clerk.key (every forum's clerk); forum i is named "f" followed by i in five digits (f00000, f00001 ...).
 */
#include "qb.h"

#include "checkpoint.h"
#include "merkle.h"
#include "note.h"
#include "rules.h"
#include "store.h"
#include "util.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NORG 3

static const char *const org_ids[NORG] = {"uhl", "city-council", "icb"};
static const char *const org_names[NORG] = {"University Hospitals NHS Trust", "City Council",
                                            "Integrated Care Board"};
static const Quorum__OrgKind org_kinds[NORG] = {
    QUORUM__ORG_KIND__NHS_TRUST, QUORUM__ORG_KIND__LOCAL_AUTHORITY, QUORUM__ORG_KIND__ICB};
static const char *const rep_ids[NORG] = {"uhl-ceo", "cc-dass", "icb-coo"};
static const char *const del_ids[NORG] = {"uhl-d1", "cc-d1", "icb-d1"};

typedef struct {
    char id[16];
    qr_key *clerk, *board[NORG], *rep[NORG];
    qr_rules *rules;
    int64_t now;
    long per_meeting;
} gen_forum;

typedef struct {
    qr_store *store;
    const qr_key *op, *daemon;
    long batch;
    uint64_t entries;
} gen;

/* ---- statements ------------------------------------------------------------------------- */

static void seal_charter(gen *g, gen_forum *f, Quorum__Statement *st, uint8_t **b, size_t *n)
{
    char name[64];
    snprintf(name, sizeof name, "Joint Committee %s", f->id);
    Quorum__Charter c = QUORUM__CHARTER__INIT;
    Quorum__Relationship rel = QUORUM__RELATIONSHIP__INIT, *relp = &rel;
    Quorum__Party clerk = QUORUM__PARTY__INIT, *clerkp = &clerk;
    rel.body = "Health and Wellbeing Board";
    rel.relation = "reports to";
    clerk.name = f->clerk->name;
    clerk.sign_key = (ProtobufCBinaryData){32, f->clerk->sign_pk};
    clerk.curve_key = (ProtobufCBinaryData){32, f->clerk->curve_pk};
    c.name = name;
    c.purpose = "Decide together on community health and care services in the city";
    c.scope = "Community services, discharge, intermediate care";
    c.out_of_scope = "Acute specialised services";
    c.capacity = QUORUM__CAPACITY__DELEGATED;
    c.decision_rule = QUORUM__DECISION_RULE__CONSENSUS;
    c.chair = "Independent chair";
    c.frequency = "Monthly";
    c.n_relationships = 1;
    c.relationships = &relp;
    c.n_clerks = 1;
    c.clerks = &clerkp;
    Quorum__ForumChartered fc = QUORUM__FORUM_CHARTERED__INIT;
    fc.charter = &c;
    st->kind_case = QUORUM__STATEMENT__KIND_FORUM_CHARTERED;
    st->forum_chartered = &fc;
    qb_seal(st, g->op, b, n);
}

static void seal_setup(gen *g, gen_forum *f, uint64_t k, Quorum__Statement *st, uint8_t **b,
                       size_t *n)
{
    int i = (int)((k - 1) % NORG);
    if (k <= 3) {
        Quorum__OrganisationJoined j = QUORUM__ORGANISATION_JOINED__INIT;
        j.organisation = (char *)org_ids[i];
        j.name = (char *)org_names[i];
        j.kind = org_kinds[i];
        j.membership = QUORUM__MEMBERSHIP__FULL;
        j.board_sign_key = (ProtobufCBinaryData){32, f->board[i]->sign_pk};
        j.board_curve_key = (ProtobufCBinaryData){32, f->board[i]->curve_pk};
        st->kind_case = QUORUM__STATEMENT__KIND_ORGANISATION_JOINED;
        st->organisation_joined = &j;
        qb_seal(st, g->op, b, n);
    } else if (k <= 6) {
        Quorum__MemberAppointed a = QUORUM__MEMBER_APPOINTED__INIT;
        a.organisation = (char *)org_ids[i];
        a.person = (char *)rep_ids[i];
        a.name = "A. Representative";
        a.role = "Executive Director";
        a.capacity = QUORUM__MEMBER_CAPACITY__EXECUTIVE;
        a.sign_key = (ProtobufCBinaryData){32, f->rep[i]->sign_pk};
        a.curve_key = (ProtobufCBinaryData){32, f->rep[i]->curve_pk};
        a.voting = 1;
        st->kind_case = QUORUM__STATEMENT__KIND_MEMBER_APPOINTED;
        st->member_appointed = &a;
        qb_seal(st, f->board[i], b, n);
    } else {
        Quorum__DelegationGranted d = QUORUM__DELEGATION_GRANTED__INIT;
        char *holder = (char *)rep_ids[i], *cls = "service-change";
        d.organisation = (char *)org_ids[i];
        d.delegation = (char *)del_ids[i];
        d.n_holders = 1;
        d.holders = &holder;
        d.n_classes = 1;
        d.classes = &cls;
        d.financial_limit = 100000000000;
        d.valid_from = f->now - 86400;
        d.valid_until = f->now + 5 * 365 * 86400;
        d.scheme_reference = "Scheme of delegation 4.2";
        st->kind_case = QUORUM__STATEMENT__KIND_DELEGATION_GRANTED;
        st->delegation_granted = &d;
        qb_seal(st, f->board[i], b, n);
    }
}

static void seal_closed(gen_forum *f, const char *proposal, Quorum__Statement *st, uint8_t **b,
                        size_t *n)
{
    qr_outcome *o = NULL;
    size_t no = 0;
    Quorum__ForumResult result;
    if (qr_rules_outcomes(f->rules, proposal, &o, &no, &result) != QR_OK || no > NORG)
        qb_die("cannot compute the outcomes of %s in forum %s", proposal, f->id);
    Quorum__OrgOutcome oo[NORG], *op[NORG];
    for (size_t i = 0; i < no; i++) {
        qr_rules_outcome_message(&o[i], &oo[i]);
        op[i] = &oo[i];
    }
    Quorum__ProposalClosed k = QUORUM__PROPOSAL_CLOSED__INIT;
    k.proposal = (char *)proposal;
    k.reasons = "Reduces delayed discharges within the budget agreed by each organisation";
    k.debate = "Members discussed staffing and the twelve-month review";
    k.n_outcomes = no;
    k.outcomes = op;
    k.forum_result = result;
    st->kind_case = QUORUM__STATEMENT__KIND_PROPOSAL_CLOSED;
    st->proposal_closed = &k;
    qb_seal(st, f->clerk, b, n);
    free(o);
}

/* Statement k of a meeting cycle: open, attendance, proposals (tabled, three votes, closed),
 * close. */
static void seal_meeting(gen_forum *f, uint64_t k, Quorum__Statement *st, uint8_t **b, size_t *n)
{
    uint64_t cycle = 3 + 5 * (uint64_t)f->per_meeting, m = k / cycle, pos = k % cycle;
    char meeting[32], proposal[48];
    snprintf(meeting, sizeof meeting, "m-%llu", (unsigned long long)m);
    if (pos == 0) {
        Quorum__MeetingOpened mo = QUORUM__MEETING_OPENED__INIT;
        char *agenda[2] = {"Apologies and declarations", "Proposals"};
        mo.meeting = meeting;
        mo.date = f->now;
        mo.place = "City Hall, Committee Room 2";
        mo.n_agenda = 2;
        mo.agenda = agenda;
        st->kind_case = QUORUM__STATEMENT__KIND_MEETING_OPENED;
        st->meeting_opened = &mo;
        qb_seal(st, f->clerk, b, n);
        return;
    }
    if (pos == 1) {
        Quorum__AttendanceRecorded a = QUORUM__ATTENDANCE_RECORDED__INIT;
        Quorum__Attendee p[NORG], *pp[NORG];
        for (int i = 0; i < NORG; i++) {
            quorum__attendee__init(&p[i]);
            p[i].organisation = (char *)org_ids[i];
            p[i].person = (char *)rep_ids[i];
            p[i].name = "A. Representative";
            pp[i] = &p[i];
        }
        a.meeting = meeting;
        a.n_present = NORG;
        a.present = pp;
        st->kind_case = QUORUM__STATEMENT__KIND_ATTENDANCE_RECORDED;
        st->attendance_recorded = &a;
        qb_seal(st, f->clerk, b, n);
        return;
    }
    if (pos == cycle - 1) {
        Quorum__MeetingClosed mc = QUORUM__MEETING_CLOSED__INIT;
        mc.meeting = meeting;
        st->kind_case = QUORUM__STATEMENT__KIND_MEETING_CLOSED;
        st->meeting_closed = &mc;
        qb_seal(st, f->clerk, b, n);
        return;
    }
    uint64_t j = (pos - 2) / 5, step = (pos - 2) % 5, pn = m * (uint64_t)f->per_meeting + j;
    snprintf(proposal, sizeof proposal, "p-%llu", (unsigned long long)pn);
    if (step == 0) {
        char title[96];
        snprintf(title, sizeof title, "Community discharge hub, phase %llu",
                 (unsigned long long)pn);
        Quorum__ProposalTabled t = QUORUM__PROPOSAL_TABLED__INIT;
        t.proposal = proposal;
        t.meeting = meeting;
        t.title = title;
        t.text = "Fund a seven-day discharge hub at the community hospital for twelve months.";
        t.matter_class = "service-change";
        t.financial_value = 20000000 + (int64_t)(pn % 1000) * 10000;
        t.stage = QUORUM__STAGE__CHOOSE;
        st->kind_case = QUORUM__STATEMENT__KIND_PROPOSAL_TABLED;
        st->proposal_tabled = &t;
        qb_seal(st, f->clerk, b, n);
    } else if (step <= NORG) {
        int i = (int)step - 1;
        Quorum__VoteCast v = QUORUM__VOTE_CAST__INIT;
        v.proposal = proposal;
        v.organisation = (char *)org_ids[i];
        v.person = (char *)rep_ids[i];
        v.choice = (i == 2 && pn % 4 == 3)   ? QUORUM__CHOICE__ABSTAIN
                   : (i == 1 && pn % 7 == 5) ? QUORUM__CHOICE__AGAINST
                                             : QUORUM__CHOICE__FOR;
        v.delegation = v.choice == QUORUM__CHOICE__ABSTAIN ? "" : (char *)del_ids[i];
        v.reason = v.choice == QUORUM__CHOICE__FOR ? "" : "Not affordable this year";
        st->kind_case = QUORUM__STATEMENT__KIND_VOTE_CAST;
        st->vote_cast = &v;
        qb_seal(st, f->rep[i], b, n);
    } else {
        seal_closed(f, proposal, st, b, n);
    }
}

/* ---- the store -------------------------------------------------------------------------- */

static void put_checkpoint(gen *g, const qr_store_forum *sf)
{
    qr_checkpoint cp;
    char text[512], line[QR_NOTE_SIGLINE_MAX], note[1024];
    if (qr_checkpoint_origin(QB_ORIGIN, sf->forum, cp.origin, sizeof cp.origin) != QR_OK)
        qb_die("origin too long");
    cp.size = sf->size;
    qr_merkle_frontier_root(&sf->fr, cp.root);
    if (qr_checkpoint_format(&cp, text, sizeof text) != QR_OK ||
        qr_note_sign_line(text, strlen(text), cp.origin, g->daemon->sign_sk, line, sizeof line) !=
            QR_OK)
        qb_die("cannot sign a checkpoint");
    snprintf(note, sizeof note, "%s\n%s", text, line);
    if (qr_store_put_checkpoint(g->store, sf->forum, sf->size, note) != QR_OK)
        qb_die("cannot store a checkpoint");
}

static void commit(gen *g)
{
    for (size_t i = 0; i < qr_store_dirty_count(g->store); i++)
        put_checkpoint(g, qr_store_dirty_at(g->store, i));
    if (qr_store_commit(g->store) != QR_OK)
        qb_die("commit failed");
}

/* Append statement bytes as the forum's next entry, judged by the rulebook first. */
static void append(gen *g, gen_forum *f, const uint8_t *b, size_t n, const char *charter_name)
{
    qr_statement *st = NULL;
    qr_refusal why;
    uint8_t *entry = NULL, leaf[QR_HASH_LEN];
    size_t len = 0;
    char err[256];
    uint64_t seq = f->rules->size, got;
    if (qr_statement_open_checked(b, n, 1, &st, err, sizeof err) != QR_OK)
        qb_die("forum %s entry %llu: %s", f->id, (unsigned long long)seq, err);
    if (qr_entry_encode(seq, f->now, b, n, &entry, &len) != QR_OK)
        qb_die("cannot encode an entry");
    qr_merkle_leaf_hash(entry, len, leaf);
    if (qr_rules_apply(f->rules, st, seq, f->now, leaf, &why) != QR_OK)
        qb_die("forum %s entry %llu (%s) is refused: %s: %s", f->id, (unsigned long long)seq,
               qr_statement_kind(st->st), qr_code_name(why.code), why.message);
    if (charter_name && qr_store_forum_create(g->store, f->id, charter_name, f->now) != QR_OK)
        qb_die("cannot create forum %s", f->id);
    if (qr_store_append(g->store, f->id, entry, len, st->stmt_hash, &got) != QR_OK || got != seq)
        qb_die("cannot append to forum %s", f->id);
    qr_statement_destroy(&st);
    free(entry);
    g->entries++;
}

static void gen_forum_log(gen *g, gen_forum *f, uint64_t size)
{
    long in_batch = 0;
    for (uint64_t k = 0; k < size; k++) {
        Quorum__Statement st = QUORUM__STATEMENT__INIT;
        uint8_t *b = NULL;
        size_t n = 0;
        char charter_name[64] = "";
        st.forum = f->id;
        st.signed_at = f->now;
        if (in_batch == 0 && qr_store_begin(g->store) != QR_OK)
            qb_die("cannot begin a transaction");
        if (k == 0) {
            seal_charter(g, f, &st, &b, &n);
            snprintf(charter_name, sizeof charter_name, "Joint Committee %s", f->id);
        } else if (k < 1 + 3 * NORG) {
            seal_setup(g, f, k, &st, &b, &n);
        } else {
            seal_meeting(f, k - (1 + 3 * NORG), &st, &b, &n);
        }
        append(g, f, b, n, k == 0 ? charter_name : NULL);
        free(b);
        if (++in_batch == g->batch) {
            commit(g);
            in_batch = 0;
        }
    }
    if (in_batch)
        commit(g);
}

/* Only for this program's own connection (the store opens it): a page cache big enough for
 * the hot part of a large database, so that generating it is not bound by reading pages back
 * through the kernel.  quorumd keeps SQLite's default. */
static int big_cache(sqlite3 *db, const char **err, const struct sqlite3_api_routines *api)
{
    (void)err;
    (void)api;
    sqlite3_exec(db, "PRAGMA cache_size = -262144", NULL, NULL, NULL);
    return SQLITE_OK;
}

int main(int argc, char **argv)
{
    const char *state = qb_opt(argc, argv, "state", NULL);
    long forums = qb_opt_long(argc, argv, "forums", 1),
         per_meeting = qb_opt_long(argc, argv, "per-meeting", 10);
    long long entries = (long long)qb_opt_double(argc, argv, "entries", 1000);
    long batch = qb_opt_long(argc, argv, "batch", 1024);
    if (!state || forums < 1 || forums > 99999 || entries < forums * 10 || per_meeting < 1 ||
        batch < 1) {
        fprintf(stderr, "usage: qb_gen --state DIR --forums F --entries N [--per-meeting 10] "
                        "[--batch 1024]   (N at least 10 per forum)\n");
        return 2;
    }
    if (sodium_init() < 0)
        qb_die("libsodium cannot start");
    qb_watchdog(1800);
    char path[1200], err[512];
    struct stat sb;
    snprintf(path, sizeof path, "%s/quorumd.db", state);
    if (stat(path, &sb) == 0)
        qb_die("%s exists already: qb_gen makes a new database", path);
    if (qr_mkdir_p(state, 0700) != QR_OK)
        qb_die("cannot create %s", state);
    qr_key *op = qb_key("operator"), *daemon = qb_key(QB_ORIGIN);
    gen g = {.op = op, .daemon = daemon, .batch = batch};
    sqlite3_auto_extension((void (*)(void))big_cache);
    if (qr_store_open(path, 0, &g.store, err, sizeof err) != QR_OK)
        qb_die("%s", err);
    snprintf(path, sizeof path, "%s/operator.key", state);
    qb_key_save(op, path);
    snprintf(path, sizeof path, "%s/quorumd.key", state);
    qb_key_save(daemon, path);
    /* One clerk for every forum, saved so that qb_served can submit to each. */
    qr_key *clerk = qb_key("clerk");
    snprintf(path, sizeof path, "%s/clerk.key", state);
    qb_key_save(clerk, path);

    double t0 = qb_now();
    for (long i = 0; i < forums; i++) {
        gen_forum f = {.now = qr_now(), .per_meeting = per_meeting};
        snprintf(f.id, sizeof f.id, "f%05ld", i);
        f.clerk = clerk;
        for (int j = 0; j < NORG; j++) {
            f.board[j] = qb_key(org_ids[j]);
            f.rep[j] = qb_key(rep_ids[j]);
        }
        if ((f.rules = qr_rules_new(f.id)) == NULL)
            qb_die("out of memory");
        uint64_t size = (uint64_t)(entries / forums + (i < entries % forums ? 1 : 0));
        gen_forum_log(&g, &f, size);
        qr_rules_destroy(&f.rules);
        for (int j = 0; j < NORG; j++) {
            qr_key_destroy(&f.board[j]);
            qr_key_destroy(&f.rep[j]);
        }
        if (forums > 1 && (i + 1) % 100 == 0)
            qb_say("%ld forums, %llu entries", i + 1, (unsigned long long)g.entries);
    }
    double secs = qb_now() - t0;
    qb_say("generated %llu entries in %ld forum%s in %.1f s (%.0f entries/s): %s/quorumd.db",
           (unsigned long long)g.entries, forums, forums == 1 ? "" : "s", secs,
           (double)g.entries / secs, state);
    qr_store_destroy(&g.store);
    qr_key_destroy(&op);
    qr_key_destroy(&daemon);
    qr_key_destroy(&clerk);
    return 0;
}
