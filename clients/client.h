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
int cmd_export(qr_cli *cli);
int cmd_verify(qr_cli *cli);

#endif
