/*
 * parse.c: what the clerk-facing commands share: repeatable options, the names clerks type
 * for enums, dates, money, identifiers; names and columns for showing the rulebook's state;
 * fetching one entry (to name it by its leaf hash); subscribing to a forum's events; and
 * signing and sending one statement.
 *
 * Clerks type in a live meeting, so parsing is forgiving where that cannot mislead (money may
 * carry "£" and thousands commas; dates may be "today" or "+14") and strict where it could
 * (pence beyond two decimals, a date that does not exist, a value that overflows).
 */
#include "client.h"

#include "merkle.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- options --------------------------------------------------------------------------- */

size_t qr_cli_opt_all(qr_cli *cli, const char *name, const char **out, size_t max)
{
    size_t n = 0;
    const char *v;
    while (n < max && (v = qr_cli_opt(cli, name)))
        out[n++] = v;
    return n;
}

int qr_cli_extra(qr_cli *cli, int npos)
{
    for (int i = 0; i < cli->argc; i++) {
        const char *a = cli->argv[i];
        if (a[0] == '-' && a[1] == '-') {
            fprintf(stderr, "quorum: unknown option or missing value: %s\n", a);
            return 1;
        }
    }
    if (cli->argc > npos) {
        fprintf(stderr, "quorum: unexpected argument '%s'\n", cli->argv[npos]);
        return 1;
    }
    return 0;
}

int qr_cli_check_ids(qr_cli *cli, ...)
{
    va_list ap;
    int status = 0;
    va_start(ap, cli);
    for (const char *what; !status && (what = va_arg(ap, const char *));) {
        const char *id = va_arg(ap, const char *);
        if (id && !qr_valid_id(id))
            status = qr_cli_fail(cli, QR_USAGE,
                                 "%s id '%s' must be lower-case letters, digits and '-', "
                                 "starting with a letter or digit, at most %d characters",
                                 what, id, QR_MAX_ID);
    }
    va_end(ap);
    return status;
}

/* ---- names ----------------------------------------------------------------------------- */

const qr_cli_name qr_cli_org_kinds[] = {{"foundation-trust", QUORUM__ORG_KIND__FOUNDATION_TRUST},
                                        {"nhs-trust", QUORUM__ORG_KIND__NHS_TRUST},
                                        {"local-authority", QUORUM__ORG_KIND__LOCAL_AUTHORITY},
                                        {"icb", QUORUM__ORG_KIND__ICB},
                                        {"gp-federation", QUORUM__ORG_KIND__GP_FEDERATION},
                                        {"third-sector", QUORUM__ORG_KIND__THIRD_SECTOR},
                                        {"other", QUORUM__ORG_KIND__OTHER},
                                        {NULL, 0}};

const qr_cli_name qr_cli_memberships[] = {
    {"full", QUORUM__MEMBERSHIP__FULL}, {"associate", QUORUM__MEMBERSHIP__ASSOCIATE}, {NULL, 0}};

const qr_cli_name qr_cli_member_capacities[] = {
    {"executive", QUORUM__MEMBER_CAPACITY__EXECUTIVE},
    {"non-executive", QUORUM__MEMBER_CAPACITY__NON_EXECUTIVE},
    {"officer", QUORUM__MEMBER_CAPACITY__OFFICER},
    {"function-rep", QUORUM__MEMBER_CAPACITY__FUNCTION_REPRESENTATIVE},
    {NULL, 0}};

const qr_cli_name qr_cli_choices[] = {{"for", QUORUM__CHOICE__FOR},
                                      {"against", QUORUM__CHOICE__AGAINST},
                                      {"abstain", QUORUM__CHOICE__ABSTAIN},
                                      {NULL, 0}};

const qr_cli_name qr_cli_stages[] = {{"develop", QUORUM__STAGE__DEVELOP},
                                     {"options", QUORUM__STAGE__OPTIONS},
                                     {"choose", QUORUM__STAGE__CHOOSE},
                                     {"commit", QUORUM__STAGE__COMMIT},
                                     {"follow-through", QUORUM__STAGE__FOLLOW_THROUGH},
                                     {NULL, 0}};

const qr_cli_name qr_cli_action_statuses[] = {{"open", QUORUM__ACTION_STATUS__OPEN},
                                              {"in-progress", QUORUM__ACTION_STATUS__IN_PROGRESS},
                                              {"done", QUORUM__ACTION_STATUS__DONE},
                                              {"blocked", QUORUM__ACTION_STATUS__BLOCKED},
                                              {"dropped", QUORUM__ACTION_STATUS__DROPPED},
                                              {NULL, 0}};

const qr_cli_name qr_cli_capacities[] = {{"delegated", QUORUM__CAPACITY__DELEGATED},
                                         {"recommends", QUORUM__CAPACITY__RECOMMENDS},
                                         {"advisory", QUORUM__CAPACITY__ADVISORY},
                                         {NULL, 0}};

const qr_cli_name qr_cli_decision_rules[] = {{"consensus", QUORUM__DECISION_RULE__CONSENSUS},
                                             {"unanimity", QUORUM__DECISION_RULE__UNANIMITY},
                                             {"majority", QUORUM__DECISION_RULE__MAJORITY},
                                             {NULL, 0}};

const qr_cli_name qr_cli_no_decision_reasons[] = {
    {"abstained", QUORUM__NO_DECISION_REASON__ABSTAINED},
    {"did not vote", QUORUM__NO_DECISION_REASON__DID_NOT_VOTE},
    {"inquorate", QUORUM__NO_DECISION_REASON__INQUORATE},
    {NULL, 0}};

const qr_cli_name qr_cli_forum_results[] = {{"CARRIED", QUORUM__FORUM_RESULT__CARRIED},
                                            {"NOT CARRIED", QUORUM__FORUM_RESULT__NOT_CARRIED},
                                            {NULL, 0}};

int qr_cli_enum(const qr_cli_name *t, const char *s, int *out)
{
    for (; s && t->name; t++)
        if (!strcmp(t->name, s)) {
            *out = t->value;
            return QR_OK;
        }
    return QR_USAGE;
}

const char *qr_cli_enum_name(const qr_cli_name *t, int v)
{
    for (; t->name; t++)
        if (t->value == v)
            return t->name;
    return "unspecified";
}

int qr_cli_enum_opt(qr_cli *cli, const char *opt, const qr_cli_name *t, int required, int *out)
{
    const char *s = qr_cli_opt(cli, opt);
    if (!s && !required)
        return QR_OK;
    if (!s) {
        fprintf(stderr, "quorum: --%s is required\n", opt);
        return QR_USAGE;
    }
    if (qr_cli_enum(t, s, out) == QR_OK)
        return QR_OK;
    fprintf(stderr, "quorum: --%s '%s' is not one of ", opt, s);
    for (const qr_cli_name *n = t; n->name; n++)
        fprintf(stderr, "%s%s", n == t ? "" : "|", n->name);
    fputc('\n', stderr);
    return QR_USAGE;
}

/* The schema's own name of an enum value ("DID_NOT_VOTE"), for --json; "" if unknown. */
const char *qr_cli_proto_name(const ProtobufCEnumDescriptor *d, int v)
{
    const ProtobufCEnumValue *e = protobuf_c_enum_descriptor_get_value(d, v);
    return e ? e->name : "";
}

/* ---- dates ----------------------------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

/* YYYY-MM-DD, optionally followed by 'T' or ' ' and HH:MM[:SS], optionally 'Z'. */
static int parse_calendar(const char *s, int64_t *out)
{
    int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
        return QR_USAGE;
    s += n;
    if (*s == 'T' || *s == ' ') {
        int m2 = 0;
        if (sscanf(s + 1, "%2d:%2d%n", &h, &mi, &m2) != 2 || m2 != 5)
            return QR_USAGE;
        s += 1 + m2;
        if (*s == ':') {
            if (sscanf(s + 1, "%2d%n", &sec, &m2) != 1 || m2 != 2)
                return QR_USAGE;
            s += 3;
        }
        if (*s == 'Z')
            s++;
    }
    if (*s || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 ||
        mi > 59 || sec > 59 || h < 0 || mi < 0 || sec < 0)
        return QR_USAGE;
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
    return QR_OK;
}

int qr_cli_parse_date(const char *s, int64_t now, int64_t *out)
{
    int64_t today = now - (now % 86400 + 86400) % 86400;
    if (!s || !*s)
        return QR_USAGE;
    if (!strcmp(s, "now")) {
        *out = now;
        return QR_OK;
    }
    if (!strcmp(s, "today") || !strcmp(s, "yesterday") || !strcmp(s, "tomorrow")) {
        *out = today + (!strcmp(s, "yesterday") ? -86400 : !strcmp(s, "tomorrow") ? 86400 : 0);
        return QR_OK;
    }
    if (strlen(s) >= 10 && s[4] == '-')
        return parse_calendar(s, out);
    char *end;
    errno = 0;
    if (s[0] == '+' || s[0] == '-') {
        long long days = strtoll(s + 1, &end, 10);
        if (errno || *end || end == s + 1 || !isdigit((unsigned char)s[1]) || days > 36600)
            return QR_USAGE;
        *out = today + (s[0] == '-' ? -days : days) * 86400;
        return QR_OK;
    }
    if (!isdigit((unsigned char)s[0]))
        return QR_USAGE;
    long long t = strtoll(s, &end, 10);
    if (errno || *end)
        return QR_USAGE;
    *out = t;
    return QR_OK;
}

int qr_cli_date_opt(qr_cli *cli, const char *opt, int required, int64_t *out)
{
    const char *s = qr_cli_opt(cli, opt);
    if (!s) {
        if (required)
            fprintf(stderr, "quorum: --%s DATE is required\n", opt);
        return required ? QR_USAGE : QR_OK;
    }
    if (qr_cli_parse_date(s, qr_now(), out) == QR_OK)
        return QR_OK;
    fprintf(stderr,
            "quorum: --%s '%s' is not a date: use YYYY-MM-DD, today, yesterday, tomorrow, "
            "+N or -N days, or epoch seconds\n",
            opt, s);
    return QR_USAGE;
}

void qr_cli_format_date(int64_t t, char *out, size_t n)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || !strftime(out, n, t % 86400 ? "%Y-%m-%d %H:%M" : "%Y-%m-%d", &tm))
        snprintf(out, n, "%lld", (long long)t);
}

/* ---- money ----------------------------------------------------------------------------- */

int qr_cli_parse_pounds(const char *s, int64_t *pence)
{
    int64_t v = 0;
    int digits = 0, decimals = -1;
    if (!s)
        return QR_USAGE;
    if (!strncmp(s, "£", strlen("£")))
        s += strlen("£");
    for (; *s; s++) {
        if (*s == ',' && decimals < 0 && digits > 0)
            continue;
        if (*s == '.' && decimals < 0) {
            decimals = 0;
            continue;
        }
        if (!isdigit((unsigned char)*s) || decimals == 2 || v > (INT64_MAX - 9) / 10)
            return QR_USAGE;
        v = v * 10 + (*s - '0');
        digits++;
        if (decimals >= 0)
            decimals++;
    }
    if (!digits || decimals == 0)
        return QR_USAGE;
    for (int d = decimals < 0 ? 0 : decimals; d < 2; d++) {
        if (v > INT64_MAX / 10)
            return QR_USAGE;
        v *= 10;
    }
    *pence = v;
    return QR_OK;
}

void qr_cli_format_pounds(int64_t pence, char *out, size_t n)
{
    char digits[32], grouped[48];
    int len = snprintf(digits, sizeof digits, "%lld", (long long)(pence / 100));
    size_t g = 0;
    for (int i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0)
            grouped[g++] = ',';
        grouped[g++] = digits[i];
    }
    grouped[g] = 0;
    if (pence % 100)
        snprintf(out, n, "£%s.%02d", grouped, (int)(pence % 100));
    else
        snprintf(out, n, "£%s", grouped);
}

/* ---- hashes ---------------------------------------------------------------------------- */

int qr_cli_parse_hash(const char *s, uint8_t out[QR_HASH_LEN])
{
    if (s && strlen(s) == 2 * QR_HASH_LEN) {
        for (size_t i = 0; i < QR_HASH_LEN; i++) {
            unsigned v;
            if (!isxdigit((unsigned char)s[2 * i]) || !isxdigit((unsigned char)s[2 * i + 1]) ||
                sscanf(s + 2 * i, "%2x", &v) != 1)
                return QR_USAGE;
            out[i] = (uint8_t)v;
        }
        return QR_OK;
    }
    return s && qr_b64_decode_exact(s, out, QR_HASH_LEN) == QR_OK ? QR_OK : QR_USAGE;
}

/* ---- showing the rulebook's state ----------------------------------------------------- */

const char *qr_cli_org_name(const qr_rules *r, const char *org)
{
    const qr_org *o = qr_rules_org(r, org);
    return o && o->name && *o->name ? o->name : org;
}

void qr_cli_outcome_text(const qr_outcome *o, char *out, size_t n)
{
    const char *why = o->why == QUORUM__NO_DECISION_REASON__NDR_NONE
                          ? NULL
                          : qr_cli_enum_name(qr_cli_no_decision_reasons, o->why);
    snprintf(out, n, "%s%s%s%s%s", qr_rules_outcome_name(o->outcome), why ? " (" : "",
             why ? why : "", why ? ")" : "", o->needs_ratification ? ", board to ratify" : "");
}

/* s in a column of w characters (UTF-8 aware: "—" and "£" are one each), cut if longer. */
void qr_cli_col(const char *s, int w)
{
    int n = 0;
    for (; *s && n < w; n++) {
        putchar(*s++);
        while ((*s & 0xC0) == 0x80)
            putchar(*s++);
    }
    printf("%*s", w - n + 1, "");
}

int qr_cli_org_width(const qr_rules *r)
{
    size_t w = 12;
    for (size_t i = 0; i < r->norgs; i++)
        if (strlen(qr_cli_org_name(r, r->orgs[i].id)) > w)
            w = strlen(qr_cli_org_name(r, r->orgs[i].id));
    return w > 60 ? 60 : (int)w;
}

/* ---- one entry ------------------------------------------------------------------------- */

typedef struct {
    uint8_t *bytes;
    size_t len;
} entry_copy;

static int copy_entry(void *ctx, uint64_t seq, const uint8_t *entry, size_t len)
{
    entry_copy *e = ctx;
    (void)seq;
    if (e->bytes || !(e->bytes = malloc(len ? len : 1)))
        return QR_NOMEM;
    memcpy(e->bytes, entry, len);
    e->len = len;
    return QR_OK;
}

int qr_cli_fetch_entry(qr_source *src, const char *forum, uint64_t seq, uint8_t leaf[QR_HASH_LEN],
                       qr_statement **st)
{
    entry_copy e = {NULL, 0};
    uint64_t size = 0;
    Quorum__LogEntry *le = NULL;
    char err[256] = "";
    int status =
        seq == UINT64_MAX ? 0 : qr_source_read(src, forum, seq, seq + 1, copy_entry, &e, &size);
    if (!status && !e.bytes)
        status =
            qr_cli_fail(src->cli, QR_NOT_FOUND, "forum %s has %llu entries; there is no entry %llu",
                        forum, (unsigned long long)size, (unsigned long long)seq);
    if (status)
        goto out;
    qr_merkle_leaf_hash(e.bytes, e.len, leaf);
    if (st && (qr_entry_decode(e.bytes, e.len, &le) != QR_OK ||
               qr_statement_open(le->signed_statement.data, le->signed_statement.len, st, err,
                                 sizeof err) != QR_OK))
        status = qr_cli_fail(src->cli, QR_BAD_STATEMENT,
                             "entry %llu of forum %s is not a valid statement: %s",
                             (unsigned long long)seq, forum, err);
out:
    if (le)
        quorum__log_entry__free_unpacked(le, NULL);
    free(e.bytes);
    return status;
}

/* ---- sending --------------------------------------------------------------------------- */

int qr_cli_send(qr_cli *cli, Quorum__Statement *st)
{
    qr_client *conn = NULL;
    qr_key *key = NULL;
    st->signed_at = qr_now();
    int status = qr_cli_connect(cli, &conn, &key);
    if (!status)
        status = qr_cli_submit(cli, conn, key, st);
    qr_key_destroy(&key);
    qr_client_destroy(&conn);
    return status;
}
