/*
 * minutes.h: the minutes of a meeting, rendered from a forum's replayed log.
 *
 * Minutes are the log made readable.  They are a pure function of four things: the forum's
 * state replayed by the rulebook over every entry up to a checkpoint, the meeting, the signed
 * checkpoint note, and the entries themselves (for what the state does not keep: an agenda,
 * who signed, a board's reason).  `quorum minutes` renders them from the log it fetched;
 * `quorum verify-minutes` renders them again from the proof bundle (lib/bundle.h) and compares
 * line by line, so the minutes can say nothing the cited entries do not say.  Nothing in them
 * may come from anywhere else: no clock, no file name, no local setting.
 *
 * What they contain (issue 5, DESIGN.md rules 1-15): the forum's charter summary; the date,
 * place and agenda; members present per organisation, those in attendance and apologies; each
 * organisation's quorum; then each item: the proposal, its class, value, stage, the summary of
 * debate, every organisation's vote with its representative, the delegation used (reference,
 * scope, limit, validity), how the vote was recorded (signed by the representative, recorded by
 * the clerk and confirmed, or recorded and unconfirmed), changed votes, abstentions and
 * non-votes kept apart, votes reconciled against members present, the outcome per organisation
 * with what it means, the board's ratification, refusal or overturn, the forum's result for
 * information, and the reasons; corrections beside what they correct; actions with owning
 * organisation, owner, due date and status history; the approval of earlier minutes; and the
 * checkpoint they were cut from with its signature lines, the entries cited and the
 * consistency proofs the bundle carries.  Every fact names the entry that records it.
 *
 * The Markdown is a small fixed subset (headings, paragraphs, "- " lists, pipe tables, one
 * fenced block, **bold** and `code`), with every piece of text that came from a statement
 * escaped, so qr_minutes_html() can turn exactly that subset into a self-contained page:
 * inline CSS, no scripts, no external resources, a Content-Security-Policy that forbids them.
 */
#ifndef QR_MINUTES_H
#define QR_MINUTES_H

#include "bundle.h"
#include "checkpoint.h"
#include "rules.h"

/* One entry of the forum, by sequence number. */
typedef struct {
    int64_t logged_at;
    const qr_statement *st; /* opened statement; NULL if it did not decode or verify */
    int lawful;             /* the rulebook accepted it on replay */
} qr_minutes_entry;

typedef struct {
    const qr_rules *r;               /* replayed over entries [0, nentries) */
    const char *meeting;             /* meeting id */
    const char *note;                /* the signed checkpoint note, exactly as it came */
    const char *log_vkey;            /* the log's verifier key, or NULL */
    const qr_minutes_entry *entries; /* every entry up to the checkpoint, by seq */
    size_t nentries;                 /* == the checkpoint's size */
} qr_minutes_input;

/* A bundle's entries replayed: the state and the entry table the renderer takes. */
typedef struct {
    qr_rules *r;
    qr_minutes_entry *entries;
    qr_statement **stmts; /* owned: the opened statement of each lawful entry */
    size_t n;
} qr_minutes_log;

/* Replay every entry of `b` through the rulebook, from an empty forum b->forum.  An entry
 * the rulebook refuses (or that does not open) is reported through `refused` (may be NULL)
 * and stepped over.  QR_OK unless out of memory; free with qr_minutes_log_free. */
typedef void (*qr_minutes_refused_fn)(void *ctx, uint64_t seq, const qr_refusal *why);
int qr_minutes_replay(const qr_bundle *b, qr_minutes_log *log, qr_minutes_refused_fn refused,
                      void *ctx);
void qr_minutes_log_free(qr_minutes_log *log);
/* The minutes of b->meeting rendered from a replayed bundle: what `quorum minutes` writes and
 * what verify-minutes compares a document with. */
int qr_minutes_render(const qr_bundle *b, const qr_minutes_log *log, char **md, size_t *len,
                      char *err, size_t errlen);

/* The minutes as Markdown (malloc'd, NUL-terminated).  QR_NOT_FOUND if there is no such
 * meeting, QR_BAD_NOTE if the note holds no checkpoint of nentries entries; err says why. */
int qr_minutes_markdown(const qr_minutes_input *in, char **out, size_t *len, char *err,
                        size_t errlen);

/* The same minutes as one self-contained, print-friendly HTML page (malloc'd). */
int qr_minutes_html(const char *markdown, size_t len, char **out, size_t *outlen);

/* The trusted comment of the minutes' minisign signature:
 *   "quorum-minutes forum:F meeting:M origin:O size:N root:BASE64" */
int qr_minutes_trusted_comment(const char *forum, const char *meeting, const qr_checkpoint *cp,
                               char *out, size_t outlen);
/* Parse one back; QR_BAD_SIGNATURE if it is not of that form. */
int qr_minutes_parse_trusted(const char *text, char forum[QR_MAX_ID + 1],
                             char meeting[QR_MAX_ID + 1], qr_checkpoint *cp);

/* Who holds a signing key, in words: "the clerk Jane Smith", "the board of Leicester City
 * Council (lcc)", "Richard Mitchell (uhl-ceo) of uhl", "the operator", "witness W", or "an
 * unknown key 1a2b...". */
const char *qr_minutes_signer(const qr_rules *r, const uint8_t pk[32], char *out, size_t outlen);

/* The checkpoint sizes pinned by approvals of other meetings' minutes, no larger than `size`
 * (each once, ascending): the bundle proves consistency from each.  Returns how many were
 * written to out (at most max). */
size_t qr_minutes_earlier_sizes(const qr_rules *r, const char *meeting, uint64_t size,
                                uint64_t *out, size_t max);

#ifdef QR_MINUTES_INTERNAL
/* ---- internal to lib/minutes.c and lib/minutes_items.c ------------------------------------ */
#include <stdio.h>

typedef struct qr_minutes_str qr_minutes_str;

typedef struct {
    FILE *f;
    const qr_minutes_input *in;
    const qr_rules *r;
    const qr_meeting *m;
    qr_checkpoint cp;
    uint64_t lo, hi;          /* the meeting's own entries: [opened, closed] (or to the end) */
    uint64_t approvals_after; /* approvals after this entry (the previous meeting's close) */
    unsigned char *shown;     /* per correction: already printed beside what it corrects */
    qr_minutes_str *strs;     /* escaped strings, freed at the end */
} qr_minutes_ctx;

void qr_minutes_out(qr_minutes_ctx *c, const char *fmt, ...) QR_PRINTF(2, 3);
/* Text from a statement, escaped for Markdown, one line (valid until the render ends). */
const char *qr_minutes_esc(qr_minutes_ctx *c, const char *s);
/* The same, ending in a full stop unless it already ends a sentence. */
const char *qr_minutes_sentence(qr_minutes_ctx *c, const char *s);
const char *qr_minutes_date(int64_t t, char out[32]);
const char *qr_minutes_money(int64_t pence, char out[48]);
/* "Name (id)" of an organisation, and "Name, Role (id)" of a person, escaped. */
const char *qr_minutes_org(qr_minutes_ctx *c, const char *org);
const char *qr_minutes_person(qr_minutes_ctx *c, const char *org, const char *person);
/* The lawful statement at seq, or NULL. */
const Quorum__Statement *qr_minutes_stmt(const qr_minutes_ctx *c, uint64_t seq);
/* Corrections of entries in [lo, hi] or matching `pick`, not yet shown, as list items. */
void qr_minutes_corrections(qr_minutes_ctx *c, int (*pick)(qr_minutes_ctx *, uint64_t, void *),
                            void *arg);

/* minutes_items.c */
void qr_minutes_items(qr_minutes_ctx *c);
void qr_minutes_actions(qr_minutes_ctx *c);
void qr_minutes_approvals(qr_minutes_ctx *c);
#endif

#endif
