/*
 * client.h: what the `quorum` command families share: options, the connection, output.
 *
 * Exit statuses (stable, documented in the README):
 *   0 success; 1 verification found a problem; 2 bad command-line use;
 *   3 the daemon could not understand the request; 4 signature or authorisation refused;
 *   5 refused by a rule (unknown forum, duplicate, wrong signer, governance rules);
 *   6 not found or out of range; 7 daemon unavailable or no answer in time;
 *   8 a proof, note or stored log failed to verify; 9 bad key or configuration;
 *   10 local I/O or internal error.
 */
#ifndef QR_CLIENT_H
#define QR_CLIENT_H

#include "checkpoint.h"
#include "json.h"
#include "keys.h"
#include "rules.h"
#include "statement.h"
#include "store.h"
#include "wire.h"

#include <stdio.h>

typedef struct {
    char endpoint[256];
    char events[256];
    char server_key[1024];
    char key[1024];
    char db[1024];       /* read a database file directly instead of the daemon */
    int plaintext;
    int json;
    int timeout_ms;
    /* what main parsed out of the command line */
    int argc;
    char **argv;
} qr_cli;

/* Parse global options out of argv (leaving the command's own arguments in cli->argv). */
int qr_cli_init(qr_cli *cli, int argc, char **argv);
/* Apply a configuration file's text (lines of "name = value", '#' comments; at most
 * QR_CLI_CONFIG_MAX bytes when read from a file) over cli's settings; `where` names the file
 * in messages, printed on stderr.  QR_OK, or QR_BAD_CONFIG / QR_USAGE. */
#define QR_CLI_CONFIG_MAX (1024 * 1024)
int qr_cli_config_text(qr_cli *cli, const char *where, const char *text, size_t len);

/* A connected client; prints why on failure and returns the exit status to use. */
int qr_cli_connect(qr_cli *cli, qr_client **out, qr_key **key);
/* Load the configured (or given) key file; prints why on failure. */
int qr_cli_load_key(const char *path, qr_key **out);
/* Print a daemon's refusal as "CODE: message" and return the exit status. */
int qr_cli_refused(const qr_cli *cli, const Quorum__Reply *r);
/* Print a local failure and return its exit status. */
int qr_cli_fail(const qr_cli *cli, int code, const char *fmt, ...) QR_PRINTF(3, 4);
/* Submit a statement signed with `key`; prints the result. */
int qr_cli_submit(qr_cli *cli, qr_client *c, const qr_key *key, const Quorum__Statement *st);

/* Option parsing within a command: returns the value of --name, or NULL. */
const char *qr_cli_opt(qr_cli *cli, const char *name);
int qr_cli_flag(qr_cli *cli, const char *name);
/* The i-th positional argument left after options, or NULL. */
const char *qr_cli_arg(qr_cli *cli, int i);
int qr_cli_parse_u64(const char *s, uint64_t *out);

/* One log entry, for people or as JSON (with its exact bytes in base64). */
void qr_cli_print_entry(qr_cli *cli, const char *forum, const uint8_t *entry, size_t len);

/* Where reads come from: the daemon, or a database file opened read-only (--db). */
typedef struct {
    qr_cli *cli;
    qr_client *conn;
    qr_store *store;
} qr_source;

/* Returns 0 or the exit status to use (the reason already printed). */
int qr_source_open(qr_cli *cli, qr_source *src);
void qr_source_close(qr_source *src);
/* Entries [from, to) in order (to = UINT64_MAX for all); *size gets the tree size.  Returns 0
 * or an exit status. */
int qr_source_read(qr_source *src, const char *forum, uint64_t from, uint64_t to,
                   qr_store_entry_fn fn, void *ctx, uint64_t *size);
/* The latest checkpoint note and the log's verifier key (either may be NULL if unknown);
 * caller frees both. Returns 0 or an exit status. */
int qr_source_checkpoint(qr_source *src, const char *forum, char **note, char **vkey);

/* The checkpoint body of a signed note (its signatures are not checked here). */
int qr_cli_note_checkpoint(const char *note, qr_checkpoint *cp);

int cmd_keygen(qr_cli *cli);
int cmd_key(qr_cli *cli);
int cmd_forum(qr_cli *cli);
int cmd_forums(qr_cli *cli);
int cmd_log(qr_cli *cli);
int cmd_checkpoint(qr_cli *cli);
int cmd_proof(qr_cli *cli);
int cmd_tail(qr_cli *cli);
int cmd_feed(qr_cli *cli);
int cmd_export(qr_cli *cli);
int cmd_verify(qr_cli *cli);
/* the operator's (cmd_ops.c) */
int cmd_status(qr_cli *cli);
int cmd_backup(qr_cli *cli);

/* ---- the clerk-facing commands (parse.c, cmd_state.c) ---------------------------------- */

#define QR_CLI_MAX_REPEAT 256 /* values of one repeatable option (--present ...) */

/* Every value of a repeatable --name option, in order (at most max). */
size_t qr_cli_opt_all(qr_cli *cli, const char *name, const char **out, size_t max);
/* After options are taken: 1 (and says why) if an unknown option or more than npos positional
 * arguments remain. */
int qr_cli_extra(qr_cli *cli, int npos);
/* Pairs of (what, id) ending in NULL; a NULL id is skipped.  0, or exit status 2 (said why)
 * if an id is not a valid slug. */
int qr_cli_check_ids(qr_cli *cli, ...) __attribute__((sentinel));

/* The names clerks type for enum values ("foundation-trust"), in NULL-ended tables. */
typedef struct {
    const char *name;
    int value;
} qr_cli_name;
extern const qr_cli_name qr_cli_org_kinds[], qr_cli_memberships[], qr_cli_member_capacities[],
    qr_cli_choices[], qr_cli_stages[], qr_cli_action_statuses[], qr_cli_capacities[],
    qr_cli_decision_rules[], qr_cli_no_decision_reasons[], qr_cli_forum_results[];
int qr_cli_enum(const qr_cli_name *t, const char *s, int *out);
const char *qr_cli_enum_name(const qr_cli_name *t, int v);
/* The schema's name of an enum value ("DID_NOT_VOTE", "NOT_CARRIED"), for --json. */
const char *qr_cli_proto_name(const ProtobufCEnumDescriptor *d, int v);
/* --opt NAME through a table; absent leaves *out alone unless required.  Says why on error. */
int qr_cli_enum_opt(qr_cli *cli, const char *opt, const qr_cli_name *t, int required, int *out);

/* YYYY-MM-DD (00:00 UTC, or with THH:MM[:SS]), now, today, yesterday, tomorrow, +N / -N days
 * from today, or epoch seconds. */
int qr_cli_parse_date(const char *s, int64_t now, int64_t *out);
/* --opt DATE; absent leaves *out alone unless required.  Says why on error. */
int qr_cli_date_opt(qr_cli *cli, const char *opt, int required, int64_t *out);
void qr_cli_format_date(int64_t t, char *out, size_t n);
/* Pounds ("250000", "250,000.50", "£1200") to pence; at most two decimals. */
int qr_cli_parse_pounds(const char *s, int64_t *pence);
void qr_cli_format_pounds(int64_t pence, char *out, size_t n);
/* A SHA-256 hash as 64 hex digits or base64. */
int qr_cli_parse_hash(const char *s, uint8_t out[QR_HASH_LEN]);

/* An organisation's name (its id if it has none); "BOUND", "NO_DECISION (abstained)",
 * "SUPPORTS, board to ratify"; s printed in a column of w characters (UTF-8 aware). */
const char *qr_cli_org_name(const qr_rules *r, const char *org);
void qr_cli_outcome_text(const qr_outcome *o, char *out, size_t n);
void qr_cli_col(const char *s, int w);
/* Column width that fits the forum's organisation names (at most 60). */
int qr_cli_org_width(const qr_rules *r);

/* A SUB socket on the forum's event topic (CURVE unless --plaintext), in conn's context; NULL
 * with *status set (and said why) on failure.  Close it with zmq_close. */
void *qr_cli_subscribe(qr_cli *cli, qr_client *conn, const char *forum, int *status);
/* The same for any topic ("org/<id>/": an organisation's feed). */
void *qr_cli_subscribe_topic(qr_cli *cli, qr_client *conn, const char *topic, int *status);
/* Wait up to a second for an event on sub: 1 if one is waiting, 0 after a quiet second, -1
 * with *status set to stop (poll failed: 10; or 7, said, once `idle` seconds (0: never) have
 * passed without `progress` (what the caller has printed) growing: heartbeat events are not
 * progress).  *w starts zeroed and is kept between calls. */
typedef struct {
    uint64_t seen;
    int64_t since_ms;
} qr_cli_idle;
int qr_cli_wait_event(qr_cli *cli, void *sub, uint64_t idle, uint64_t progress, qr_cli_idle *w,
                      int *status);

/* Set signed_at to now, sign with the --key, submit and print the result; exit status. */
int qr_cli_send(qr_cli *cli, Quorum__Statement *st);

/* Replay a forum's whole log through the rulebook into a new *out (caller destroys it with
 * qr_rules_destroy).  Entries the rulebook refuses are reported on stderr and skipped.
 * Returns 0 or an exit status. */
int qr_cli_replay(qr_source *src, const char *forum, qr_rules **out);
/* Entry `seq` of a forum: its leaf hash and (if st is not NULL) its opened statement.
 * Returns 0, or an exit status (6 if there is no such entry). */
int qr_cli_fetch_entry(qr_source *src, const char *forum, uint64_t seq, uint8_t leaf[QR_HASH_LEN],
                       qr_statement **st);

int cmd_org(qr_cli *cli);
int cmd_member(qr_cli *cli);
int cmd_delegate(qr_cli *cli);
int cmd_reserve(qr_cli *cli);
int cmd_meeting(qr_cli *cli);
int cmd_propose(qr_cli *cli);
int cmd_vote(qr_cli *cli);
int cmd_close(qr_cli *cli);
int cmd_correct(qr_cli *cli);
int cmd_minutes_approve(qr_cli *cli);
int cmd_ratify(qr_cli *cli);
int cmd_overturn(qr_cli *cli);
int cmd_action(qr_cli *cli);
int cmd_state(qr_cli *cli);

/* ---- signed minutes (cmd_minutes.c, cmd_verify_minutes.c, cmd_audit.c) ------------------- */

int cmd_minutes(qr_cli *cli); /* `minutes approve` goes on to cmd_minutes_approve */
int cmd_verify_minutes(qr_cli *cli);
int cmd_audit(qr_cli *cli);
/* What approving signed minutes pins: the SHA-256 of the file at `path`, and the checkpoint
 * named in its signature (sigpath, default path.minisig), which must verify with one of the
 * forum's clerks and name this forum and meeting.  Returns 0 or an exit status (said why). */
int qr_cli_minutes_pin(qr_cli *cli, const char *forum, const char *meeting, const char *path,
                       const char *sigpath, uint8_t hash[QR_HASH_LEN], uint64_t *size,
                       uint8_t root[QR_HASH_LEN]);

#endif
