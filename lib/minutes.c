/*
 * minutes.c: rendering minutes, part one: the frame.  The forum's charter, the meeting and its
 * attendance, the record they were cut from, and what every part shares (escaping, names,
 * dates and money, corrections).  The items, actions and approvals are in minutes_items.c.
 *
 * Every line is a function of the replayed state, the entries and the checkpoint note (see
 * minutes.h): rendering twice from the same log gives the same bytes, which is what lets
 * verify-minutes compare a document with the log line by line.
 */
#define QR_MINUTES_INTERNAL
#include "minutes.h"

#include "minisign.h"
#include "note.h"
#include "replay.h"
#include "util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct qr_minutes_str {
    qr_minutes_str *next;
    char s[];
};

/* ---- what every part shares ------------------------------------------------------------- */

void qr_minutes_out(qr_minutes_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(c->f, fmt, ap);
    va_end(ap);
}

/* Characters with a meaning in our Markdown subset (or in HTML) are backslash-escaped, and
 * line breaks and other control characters become spaces, so a statement's text can never
 * start a heading, a list, a table cell or a tag, nor break the one-fact-a-line layout. */
const char *qr_minutes_esc(qr_minutes_ctx *c, const char *s)
{
    static const char special[] = "\\`*_[]<>|&~";
    if (!s)
        s = "";
    size_t n = strlen(s);
    qr_minutes_str *x = malloc(sizeof *x + 2 * n + 1);
    if (!x)
        return "(out of memory)";
    char *o = x->s;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            *o++ = ' ';
            continue;
        }
        if (strchr(special, *p))
            *o++ = '\\';
        *o++ = (char)*p;
    }
    *o = 0;
    x->next = c->strs;
    c->strs = x;
    return x->s;
}

const char *qr_minutes_sentence(qr_minutes_ctx *c, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n'))
        n--;
    if (n == 0 || strchr(".!?", s[n - 1]))
        return qr_minutes_esc(c, s);
    char *t = malloc(n + 2);
    if (!t)
        return "(out of memory)";
    memcpy(t, s, n);
    t[n] = '.';
    t[n + 1] = 0;
    const char *e = qr_minutes_esc(c, t);
    free(t);
    return e;
}

const char *qr_minutes_date(int64_t t, char out[32])
{
    char iso[32];
    qr_time_iso(t, iso, sizeof iso);
    snprintf(out, 32, "%.10s", iso);
    return out;
}

const char *qr_minutes_money(int64_t pence, char out[48])
{
    char digits[24], grouped[40];
    int n = snprintf(digits, sizeof digits, "%lld", (long long)(pence < 0 ? 0 : pence / 100)),
        k = 0;
    for (int i = 0; i < n; i++) {
        grouped[k++] = digits[i];
        if ((n - i - 1) % 3 == 0 && i != n - 1)
            grouped[k++] = ',';
    }
    grouped[k] = 0;
    snprintf(out, 48, "£%s.%02lld", grouped, (long long)(pence < 0 ? 0 : pence % 100));
    return out;
}

const char *qr_minutes_org(qr_minutes_ctx *c, const char *org)
{
    const qr_org *o = qr_rules_org(c->r, org);
    char buf[512];
    if (o && o->name && *o->name)
        snprintf(buf, sizeof buf, "%s (%s)", o->name, o->id);
    else
        snprintf(buf, sizeof buf, "%s", org ? org : "");
    return qr_minutes_esc(c, buf);
}

const char *qr_minutes_person(qr_minutes_ctx *c, const char *org, const char *person)
{
    const qr_member *m = qr_rules_member(c->r, org, person);
    char buf[768];
    if (m && m->name && *m->name && m->role && *m->role)
        snprintf(buf, sizeof buf, "%s, %s (%s)", m->name, m->role, m->person);
    else if (m && m->name && *m->name)
        snprintf(buf, sizeof buf, "%s (%s)", m->name, m->person);
    else
        snprintf(buf, sizeof buf, "%s", person ? person : "");
    return qr_minutes_esc(c, buf);
}

const Quorum__Statement *qr_minutes_stmt(const qr_minutes_ctx *c, uint64_t seq)
{
    if (seq >= c->in->nentries)
        return NULL;
    const qr_minutes_entry *e = &c->in->entries[seq];
    return e->lawful && e->st ? e->st->st : NULL;
}

void qr_minutes_corrections(qr_minutes_ctx *c, int (*pick)(qr_minutes_ctx *, uint64_t, void *),
                            void *arg)
{
    for (size_t i = 0; i < c->r->ncorrections; i++) {
        const qr_correction *k = &c->r->corrections[i];
        if (c->shown[i] || !pick(c, k->corrects_seq, arg))
            continue;
        const Quorum__Statement *s = qr_minutes_stmt(c, k->corrects_seq);
        qr_minutes_out(c,
                       "- **Correction** (entry %llu) of entry %llu (%s): %s **Reason:** %s "
                       "The original entry stays in the log.\n",
                       (unsigned long long)k->seq, (unsigned long long)k->corrects_seq,
                       s ? qr_statement_kind(s) : "an entry", qr_minutes_sentence(c, k->what),
                       qr_minutes_sentence(c, k->reason));
        c->shown[i] = 1;
    }
}

const char *qr_minutes_signer(const qr_rules *r, const uint8_t pk[32], char *out, size_t outlen)
{
    const Quorum__Charter *ch = r->charter;
    struct {
        const char *what;
        Quorum__Party **p;
        size_t n;
    } parties[3] = {{"the clerk", ch ? ch->clerks : NULL, ch ? ch->n_clerks : 0},
                    {"the auditor", ch ? ch->auditors : NULL, ch ? ch->n_auditors : 0},
                    {"the witness", ch ? ch->witnesses : NULL, ch ? ch->n_witnesses : 0}};
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; i < parties[k].n; i++)
            if (parties[k].p[i]->sign_key.len == 32 &&
                memcmp(parties[k].p[i]->sign_key.data, pk, 32) == 0) {
                snprintf(out, outlen, "%s %s", parties[k].what, parties[k].p[i]->name);
                return out;
            }
    for (size_t i = 0; i < r->norgs; i++)
        if (memcmp(r->orgs[i].board_pk, pk, 32) == 0) {
            snprintf(out, outlen, "the board of %s (%s)", r->orgs[i].name, r->orgs[i].id);
            return out;
        }
    /* a person may sit for several organisations with one key: name them all */
    size_t used = 0;
    for (size_t i = 0; i < r->nmembers; i++) {
        const qr_member *m = &r->members[i];
        int seen = 0;
        for (size_t k = 0; k < i && !seen; k++)
            seen = !memcmp(r->members[k].pk, pk, 32) && !strcmp(r->members[k].org, m->org);
        if (memcmp(m->pk, pk, 32) != 0 || seen || used >= outlen)
            continue;
        used += (size_t)(used ? snprintf(out + used, outlen - used, " and %s", m->org)
                              : snprintf(out, outlen, "%s (%s) of %s", m->name, m->person, m->org));
    }
    if (used)
        return out;
    if (r->chartered && memcmp(r->operator_pk, pk, 32) == 0) {
        snprintf(out, outlen, "the operator");
        return out;
    }
    char hex[17];
    qr_hex(pk, 8, hex);
    snprintf(out, outlen, "an unknown key %s...", hex);
    return out;
}

size_t qr_minutes_earlier_sizes(const qr_rules *r, const char *meeting, uint64_t size,
                                uint64_t *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < r->napprovals; i++) {
        const qr_approval *a = &r->approvals[i];
        uint64_t s = a->checkpoint_size;
        if (!strcmp(a->meeting, meeting) || s == 0 || s > size)
            continue;
        size_t k = 0;
        while (k < n && out[k] < s)
            k++;
        if ((k < n && out[k] == s) || n == max)
            continue;
        memmove(out + k + 1, out + k, (n - k) * sizeof *out);
        out[k] = s;
        n++;
    }
    return n;
}

/* ---- the trusted comment -------------------------------------------------------------------- */

int qr_minutes_trusted_comment(const char *forum, const char *meeting, const qr_checkpoint *cp,
                               char *out, size_t outlen)
{
    char *root = qr_b64(cp->root, QR_HASH_LEN);
    if (!root)
        return QR_NOMEM;
    int n = snprintf(out, outlen, "quorum-minutes forum:%s meeting:%s origin:%s size:%llu root:%s",
                     forum, meeting, cp->origin, (unsigned long long)cp->size, root);
    free(root);
    return n < 0 || (size_t)n >= outlen ? QR_TOO_LARGE : QR_OK;
}

static const char *field(const char *tok, const char *name)
{
    size_t n = strlen(name);
    return strncmp(tok, name, n) == 0 && tok[n] == ':' ? tok + n + 1 : NULL;
}

int qr_minutes_parse_trusted(const char *text, char forum[QR_MAX_ID + 1],
                             char meeting[QR_MAX_ID + 1], qr_checkpoint *cp)
{
    char buf[1024], *tok[7], *save = NULL;
    const char *v[5];
    static const char *const names[5] = {"forum", "meeting", "origin", "size", "root"};
    int n = 0;
    if (strlen(text) >= sizeof buf)
        return QR_BAD_SIGNATURE;
    snprintf(buf, sizeof buf, "%s", text);
    for (char *t = strtok_r(buf, " ", &save); t && n < 7; t = strtok_r(NULL, " ", &save))
        tok[n++] = t;
    if (n != 6 || strcmp(tok[0], "quorum-minutes") != 0)
        return QR_BAD_SIGNATURE;
    for (int i = 0; i < 5; i++)
        if ((v[i] = field(tok[i + 1], names[i])) == NULL)
            return QR_BAD_SIGNATURE;
    char *end;
    unsigned long long size = strtoull(v[3], &end, 10);
    if (!qr_valid_id(v[0]) || !qr_valid_id(v[1]) || !*v[2] || strlen(v[2]) > QR_MAX_NAME ||
        !*v[3] || *end || v[3][0] == '-' || qr_b64_decode_exact(v[4], cp->root, QR_HASH_LEN))
        return QR_BAD_SIGNATURE;
    snprintf(forum, QR_MAX_ID + 1, "%s", v[0]);
    snprintf(meeting, QR_MAX_ID + 1, "%s", v[1]);
    snprintf(cp->origin, sizeof cp->origin, "%s", v[2]);
    cp->size = size;
    return QR_OK;
}

/* ---- the forum -------------------------------------------------------------------------- */

static const char *kind_name(Quorum__OrgKind k)
{
    switch (k) {
    case QUORUM__ORG_KIND__FOUNDATION_TRUST:
        return "NHS foundation trust";
    case QUORUM__ORG_KIND__NHS_TRUST:
        return "NHS trust";
    case QUORUM__ORG_KIND__LOCAL_AUTHORITY:
        return "local authority";
    case QUORUM__ORG_KIND__ICB:
        return "integrated care board";
    case QUORUM__ORG_KIND__GP_FEDERATION:
        return "GP federation";
    case QUORUM__ORG_KIND__THIRD_SECTOR:
        return "third sector";
    default:
        return "other";
    }
}

static const char *capacity_text(Quorum__Capacity k)
{
    switch (k) {
    case QUORUM__CAPACITY__DELEGATED:
        return "DELEGATED: each organisation's representative decides for it under the "
               "delegation its board gave, and an organisation is bound only by its own vote";
    case QUORUM__CAPACITY__RECOMMENDS:
        return "RECOMMENDS: a vote binds no one; each organisation's outcome is a "
               "recommendation that binds it only when its own board ratifies it";
    default:
        return "ADVISORY: the forum gives views only; its votes bind no one";
    }
}

static const char *rule_name(Quorum__DecisionRule k)
{
    return k == QUORUM__DECISION_RULE__CONSENSUS   ? "CONSENSUS"
           : k == QUORUM__DECISION_RULE__UNANIMITY ? "UNANIMITY"
           : k == QUORUM__DECISION_RULE__MAJORITY  ? "MAJORITY"
                                                   : "MAJORITY (by default)";
}

static void optional(qr_minutes_ctx *c, const char *label, const char *v)
{
    if (v && *v)
        qr_minutes_out(c, "- **%s:** %s\n", label, qr_minutes_esc(c, v));
}

static void parties(qr_minutes_ctx *c, const char *label, Quorum__Party **p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char key[QR_MINISIGN_PUBKEY_LEN + 1] = "";
        if (p[i]->sign_key.len == 32)
            qr_minisign_pubkey(p[i]->sign_key.data, key, sizeof key);
        qr_minutes_out(c, "- **%s:** %s (minisign public key `%s`)\n", label,
                       qr_minutes_esc(c, p[i]->name), key);
    }
}

static void forum_section(qr_minutes_ctx *c)
{
    const Quorum__Charter *ch = c->r->charter;
    qr_minutes_out(c, "## The forum\n\n");
    if (!ch) {
        qr_minutes_out(c, "The forum has no charter in the log.\n\n");
        return;
    }
    optional(c, "Purpose", ch->purpose);
    optional(c, "Scope", ch->scope);
    optional(c, "Not in scope", ch->out_of_scope);
    qr_minutes_out(c, "- **Decision-making capacity:** %s.\n", capacity_text(ch->capacity));
    qr_minutes_out(c,
                   "- **Decision rule:** %s. The forum's result is shown for information; it "
                   "binds no organisation.\n",
                   rule_name(ch->decision_rule));
    for (size_t i = 0; i < ch->n_relationships; i++) {
        const Quorum__Relationship *rel = ch->relationships[i];
        char label[256];
        snprintf(label, sizeof label, "%s",
                 rel->relation && *rel->relation ? rel->relation : "relationship with");
        if (label[0] >= 'a' && label[0] <= 'z')
            label[0] = (char)(label[0] - 'a' + 'A');
        qr_minutes_out(c, "- **%s:** %s\n", qr_minutes_esc(c, label), qr_minutes_esc(c, rel->body));
    }
    optional(c, "Chair", ch->chair);
    optional(c, "Meets", ch->frequency);
    optional(c, "Supported by", ch->supported_by);
    optional(c, "Contact", ch->contact);
    unsigned q = ch->quorum && ch->quorum->min_voting_members_per_org
                     ? ch->quorum->min_voting_members_per_org
                     : 1;
    qr_minutes_out(c,
                   "- **Quorum:** each organisation is quorate in its own right with at least "
                   "%u voting member%s of its own present%s%s%s\n",
                   q, q == 1 ? "" : "s",
                   ch->quorum && ch->quorum->text && *ch->quorum->text ? " (charter: " : ".",
                   ch->quorum && ch->quorum->text && *ch->quorum->text
                       ? qr_minutes_esc(c, ch->quorum->text)
                       : "",
                   ch->quorum && ch->quorum->text && *ch->quorum->text ? ")." : "");
    parties(c, "Clerk", ch->clerks, ch->n_clerks);
    parties(c, "Witness", ch->witnesses, ch->n_witnesses);
    parties(c, "Auditor", ch->auditors, ch->n_auditors);
    int remits = 0; /* the remit column only where the charter gives any */
    for (size_t k = 0; k < ch->n_members; k++)
        remits |= ch->members[k]->remit && *ch->members[k]->remit;
    qr_minutes_out(c,
                   "\n### Member organisations\n\n| Organisation | Kind | Membership |%s\n"
                   "|---|---|---|%s\n",
                   remits ? " Remit |" : "", remits ? "---|" : "");
    for (size_t i = 0; i < c->r->norgs; i++) {
        const qr_org *o = &c->r->orgs[i];
        const char *remit = "";
        for (size_t k = 0; k < ch->n_members; k++)
            if (ch->members[k]->organisation && !strcmp(ch->members[k]->organisation, o->id))
                remit = ch->members[k]->remit ? ch->members[k]->remit : "";
        qr_minutes_out(c, "| %s | %s | %s |", qr_minutes_org(c, o->id), kind_name(o->kind),
                       o->membership == QUORUM__MEMBERSHIP__ASSOCIATE
                           ? "associate (no vote on statutory matters)"
                           : "full");
        if (remits)
            qr_minutes_out(c, " %s |", *remit ? qr_minutes_esc(c, remit) : "—");
        qr_minutes_out(c, "\n");
    }
    qr_minutes_out(c, "\n");
}

/* ---- the meeting ------------------------------------------------------------------------ */

static const char *attendee(qr_minutes_ctx *c, const qr_attendee *a)
{
    if (a->person[0] && qr_rules_member(c->r, a->org, a->person))
        return qr_minutes_person(c, a->org, a->person);
    if (a->name && *a->name)
        return qr_minutes_esc(c, a->name);
    return qr_minutes_esc(c, a->person[0] ? a->person : "(unnamed)");
}

static size_t voting_present(const qr_minutes_ctx *c, const char *org)
{
    size_t n = 0;
    for (size_t i = 0; i < c->m->npresent; i++) {
        const qr_member *x = qr_rules_member(c->r, org, c->m->present[i].person);
        n += !strcmp(c->m->present[i].org, org) && x && x->voting && !x->stood_down;
    }
    return n;
}

static int meeting_entry(qr_minutes_ctx *c, uint64_t seq, void *arg)
{
    (void)arg;
    const Quorum__Statement *s = qr_minutes_stmt(c, seq);
    if (!s)
        return 0;
    const char *id =
        s->kind_case == QUORUM__STATEMENT__KIND_MEETING_OPENED ? s->meeting_opened->meeting
        : s->kind_case == QUORUM__STATEMENT__KIND_ATTENDANCE_RECORDED
            ? s->attendance_recorded->meeting
        : s->kind_case == QUORUM__STATEMENT__KIND_MEETING_CLOSED ? s->meeting_closed->meeting
                                                                 : NULL;
    return id && !strcmp(id, c->m->id);
}

static void people(qr_minutes_ctx *c, const char *label, const qr_attendee *a, size_t n,
                   int with_org)
{
    qr_minutes_out(c, "- **%s:** ", label);
    for (size_t i = 0; i < n; i++) {
        qr_minutes_out(c, "%s%s", i ? "; " : "", attendee(c, &a[i]));
        if (with_org && a[i].org[0])
            qr_minutes_out(c, ", %s", qr_minutes_org(c, a[i].org));
    }
    qr_minutes_out(c, "%s\n", n ? "" : "none recorded");
}

static void meeting_section(qr_minutes_ctx *c)
{
    const qr_meeting *m = c->m;
    const Quorum__Statement *open = qr_minutes_stmt(c, m->opened_seq);
    char date[32];
    qr_minutes_out(c, "## The meeting\n\n- **Date:** %s\n- **Place:** %s\n",
                   qr_minutes_date(m->date, date), qr_minutes_esc(c, m->place));
    if (open && open->kind_case == QUORUM__STATEMENT__KIND_MEETING_OPENED &&
        open->meeting_opened->n_agenda) {
        qr_minutes_out(c, "- **Agenda:** ");
        for (size_t i = 0; i < open->meeting_opened->n_agenda; i++)
            qr_minutes_out(c, "%s%zu. %s", i ? "; " : "", i + 1,
                           qr_minutes_esc(c, open->meeting_opened->agenda[i]));
        qr_minutes_out(c, "\n");
    }
    if (m->open)
        qr_minutes_out(c,
                       "- **Opened** at entry %llu; **still open** at this checkpoint, so "
                       "these minutes are a draft of a meeting in progress.\n",
                       (unsigned long long)m->opened_seq);
    else
        qr_minutes_out(c, "- **Opened** at entry %llu; **closed** at entry %llu.\n",
                       (unsigned long long)m->opened_seq, (unsigned long long)m->closed_seq);

    qr_minutes_out(c, "\n### Attendance and quorum\n\n| Organisation | Members present | "
                      "Voting members present | Quorum |\n|---|---|---|---|\n");
    size_t orgs = 0;
    for (size_t i = 0; i < c->r->norgs; i++) {
        const char *org = c->r->orgs[i].id;
        size_t k = 0;
        qr_minutes_out(c, "| %s | ", qr_minutes_org(c, org));
        for (size_t j = 0; j < m->npresent; j++)
            if (!strcmp(m->present[j].org, org))
                qr_minutes_out(c, "%s%s", k++ ? "; " : "", attendee(c, &m->present[j]));
        orgs += k > 0;
        int quorate = qr_rules_quorate(c->r, m, org);
        qr_minutes_out(c, "%s | %zu | %s |\n", k ? "" : "none", voting_present(c, org),
                       quorate ? "QUORATE" : "NOT QUORATE: it could not be bound at this meeting");
    }
    qr_minutes_out(c,
                   "\n- **Members present in all:** %zu, from %zu of %zu member "
                   "organisations.\n",
                   m->npresent, orgs, c->r->norgs);
    people(c, "In attendance (not members; they never vote)", m->in_attendance, m->nin_attendance,
           0);
    people(c, "Apologies", m->apologies, m->napologies, 1);
    qr_minutes_corrections(c, meeting_entry, NULL);
    qr_minutes_out(c, "\n");
}

/* ---- the record ------------------------------------------------------------------------- */

static void signature_lines(qr_minutes_ctx *c)
{
    qr_note parsed;
    if (qr_note_parse(c->in->note, strlen(c->in->note), &parsed) != QR_OK)
        return;
    size_t ncosig = 0;
    for (size_t i = 0; i < parsed.nsigs; i++) {
        const qr_note_sig *s = &parsed.sigs[i];
        char id[9], when[32];
        qr_hex(s->id, 4, id);
        if (s->sig_len == 72) {
            uint64_t ts = 0;
            for (int k = 0; k < 8; k++)
                ts = ts << 8 | s->sig[k];
            qr_time_iso(ts > INT64_MAX ? 0 : (int64_t)ts, when, sizeof when);
            qr_minutes_out(c, "- **Cosigned** by witness %s (key id %s) at %s.\n",
                           qr_minutes_esc(c, s->name), id, when);
            ncosig++;
        } else {
            qr_minutes_out(c, "- **Signed** by %s (key id %s)%s.\n", qr_minutes_esc(c, s->name), id,
                           !strcmp(s->name, c->cp.origin) ? ", the log's key" : "");
        }
    }
    if (!ncosig)
        qr_minutes_out(c, "- **Cosignatures:** none yet.\n");
}

static void record_section(qr_minutes_ctx *c)
{
    char *root = qr_b64(c->cp.root, QR_HASH_LEN);
    uint64_t sizes[QR_BUNDLE_MAX_CONSISTENCY];
    size_t nsizes =
        qr_minutes_earlier_sizes(c->r, c->m->id, c->cp.size, sizes, QR_BUNDLE_MAX_CONSISTENCY);
    qr_minutes_out(c,
                   "## The record\n\nThese minutes were cut from the forum's signed log at this "
                   "checkpoint:\n\n- **Origin:** %s\n- **Size:** %llu entries\n- **Root:** "
                   "`%s`\n",
                   qr_minutes_esc(c, c->cp.origin), (unsigned long long)c->cp.size,
                   root ? root : "");
    free(root);
    if (c->in->log_vkey && *c->in->log_vkey)
        qr_minutes_out(c, "- **Log key:** `%s`\n", c->in->log_vkey);
    signature_lines(c);
    qr_minutes_out(c,
                   "- **Entries cited:** 0 to %llu, every entry up to the checkpoint (the state "
                   "these minutes show is rebuilt from all of them); this meeting's own entries "
                   "are %llu to %llu.\n",
                   (unsigned long long)(c->cp.size ? c->cp.size - 1 : 0), (unsigned long long)c->lo,
                   (unsigned long long)c->hi);
    qr_minutes_out(c, "- **Consistency:** ");
    if (!nsizes)
        qr_minutes_out(c, "no earlier minutes of this forum have been approved, so there is no "
                          "earlier checkpoint to prove consistency from.\n");
    for (size_t i = 0; i < nsizes; i++)
        qr_minutes_out(c, "%s%llu",
                       i ? ", "
                         : "the bundle proves this log consistent with "
                           "the checkpoints of earlier approved minutes, of "
                           "sizes ",
                       (unsigned long long)sizes[i]);
    if (nsizes)
        qr_minutes_out(c, ".\n");
    size_t unlawful = 0;
    for (size_t i = 0; i < c->in->nentries; i++)
        if (!c->in->entries[i].lawful)
            qr_minutes_out(c, "%s%zu", unlawful++ ? ", " : "- **Unlawful entries:** ", i);
    if (unlawful)
        qr_minutes_out(c, " (refused by the rulebook on replay; not part of these minutes).\n");
    qr_minutes_out(c, "\nThe checkpoint, exactly as signed:\n\n```text\n%s```\n\n", c->in->note);
    qr_minutes_out(c,
                   "To check these minutes: `quorum verify-minutes %s.md --log-key LOG_KEY` "
                   "checks the signature, the checkpoint, every proof in `%s.bundle` and that "
                   "the minutes say exactly what the entries say; `minisign -Vm %s.md -P "
                   "CLERK_KEY` checks the signature alone.\n",
                   c->m->id, c->m->id, c->m->id);
}

/* ---- the whole ------------------------------------------------------------------------- */

static int start(qr_minutes_ctx *c, const qr_minutes_input *in, char *err, size_t errlen)
{
    qr_note parsed;
    c->in = in;
    c->r = in->r;
    if (!in->note || qr_note_parse(in->note, strlen(in->note), &parsed) != QR_OK ||
        qr_checkpoint_parse(in->note, parsed.text_len, &c->cp) != QR_OK ||
        c->cp.size != in->nentries || c->cp.size != in->r->size) {
        snprintf(err, errlen, "the checkpoint note does not name a tree of the %zu entries given",
                 in->nentries);
        return QR_BAD_NOTE;
    }
    for (size_t i = 0; i < c->r->nmeetings; i++)
        if (!strcmp(c->r->meetings[i].id, in->meeting)) {
            c->m = &c->r->meetings[i];
            c->approvals_after = i ? c->r->meetings[i - 1].closed_seq + 1 : 0;
        }
    if (!c->m) {
        snprintf(err, errlen, "forum %s has no meeting %s at checkpoint size %zu", c->r->forum,
                 in->meeting, in->nentries);
        return QR_NOT_FOUND;
    }
    c->lo = c->m->opened_seq;
    c->hi = c->m->open ? (in->nentries ? in->nentries - 1 : 0) : c->m->closed_seq;
    c->shown = calloc(c->r->ncorrections + 1, 1);
    return c->shown ? QR_OK : QR_NOMEM;
}

static int other_corrections(qr_minutes_ctx *c, uint64_t seq, void *arg)
{
    (void)seq;
    const qr_correction *k = arg;
    return k->seq >= c->lo && k->seq <= c->hi;
}

int qr_minutes_markdown(const qr_minutes_input *in, char **out, size_t *len, char *err,
                        size_t errlen)
{
    qr_minutes_ctx c;
    char *buf = NULL, date[32];
    size_t n = 0;
    memset(&c, 0, sizeof c);
    *out = NULL;
    int rc = start(&c, in, err, errlen);
    if (rc == QR_OK && (c.f = open_memstream(&buf, &n)) == NULL)
        rc = QR_NOMEM;
    if (rc == QR_OK) {
        const Quorum__Charter *ch = c.r->charter;
        qr_minutes_out(&c, "# Minutes: %s, meeting %s\n\n",
                       qr_minutes_esc(&c, ch && ch->name && *ch->name ? ch->name : c.r->forum),
                       c.m->id);
        qr_minutes_out(&c,
                       "Forum `%s`, meeting of %s at %s. These minutes are the forum's signed "
                       "log made readable: each fact names the entry that records it, and they "
                       "were cut from the log at checkpoint size %llu (see \"The record\").\n\n",
                       c.r->forum, qr_minutes_date(c.m->date, date), qr_minutes_esc(&c, c.m->place),
                       (unsigned long long)c.cp.size);
        forum_section(&c);
        meeting_section(&c);
        qr_minutes_items(&c);
        qr_minutes_actions(&c);
        qr_minutes_approvals(&c);
        size_t other = 0;
        for (size_t i = 0; i < c.r->ncorrections; i++)
            other += !c.shown[i] && other_corrections(&c, 0, &c.r->corrections[i]);
        if (other) {
            qr_minutes_out(&c, "## Other corrections recorded at this meeting\n\n");
            for (size_t i = 0; i < c.r->ncorrections; i++)
                if (!c.shown[i] && other_corrections(&c, 0, &c.r->corrections[i])) {
                    const qr_correction *k = &c.r->corrections[i];
                    qr_minutes_out(&c,
                                   "- **Correction** (entry %llu) of entry %llu: %s **Reason:** "
                                   "%s The original entry stays in the log.\n",
                                   (unsigned long long)k->seq, (unsigned long long)k->corrects_seq,
                                   qr_minutes_sentence(&c, k->what),
                                   qr_minutes_sentence(&c, k->reason));
                }
            qr_minutes_out(&c, "\n");
        }
        record_section(&c);
        if (fclose(c.f) != 0)
            rc = QR_NOMEM;
        c.f = NULL;
    }
    while (c.strs) {
        qr_minutes_str *next = c.strs->next;
        free(c.strs);
        c.strs = next;
    }
    free(c.shown);
    if (rc != QR_OK || !buf) {
        free(buf);
        if (rc == QR_NOMEM)
            snprintf(err, errlen, "out of memory");
        return rc == QR_OK ? QR_NOMEM : rc;
    }
    *out = buf;
    *len = n;
    return QR_OK;
}

/* ---- from a bundle ---------------------------------------------------------------------- */

int qr_minutes_replay(const qr_bundle *b, qr_minutes_log *log, qr_minutes_refused_fn refused,
                      void *ctx)
{
    memset(log, 0, sizeof *log);
    log->r = qr_rules_new(b->forum);
    log->entries = calloc(b->nentries + 1, sizeof *log->entries);
    log->stmts = calloc(b->nentries + 1, sizeof *log->stmts);
    if (!log->r || !log->entries || !log->stmts) {
        qr_minutes_log_free(log);
        return QR_NOMEM;
    }
    for (size_t i = 0; i < b->nentries; i++) {
        const qr_bundle_entry *e = &b->entries[i];
        qr_refusal why;
        Quorum__LogEntry *le = NULL;
        if (qr_entry_decode(e->bytes, e->len, &le) == QR_OK) {
            log->entries[i].logged_at = le->logged_at;
            quorum__log_entry__free_unpacked(le, NULL);
        }
        if (qr_replay_entry(log->r, e->bytes, e->len, &log->stmts[i], &why) == QR_OK) {
            log->entries[i].lawful = 1;
            log->entries[i].st = log->stmts[i];
        } else if (refused) {
            refused(ctx, i, &why);
        }
        log->n = i + 1;
    }
    return QR_OK;
}

void qr_minutes_log_free(qr_minutes_log *log)
{
    for (size_t i = 0; log->stmts && i < log->n; i++)
        qr_statement_destroy(&log->stmts[i]);
    free(log->stmts);
    free(log->entries);
    qr_rules_destroy(&log->r);
    memset(log, 0, sizeof *log);
}

int qr_minutes_render(const qr_bundle *b, const qr_minutes_log *log, char **md, size_t *len,
                      char *err, size_t errlen)
{
    qr_minutes_input in = {log->r, b->meeting, b->note, b->vkey, log->entries, log->n};
    return qr_minutes_markdown(&in, md, len, err, errlen);
}
