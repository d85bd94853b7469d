/*
 * qb.h: what the benchmark programs in bench/ share.
 *
 * How a benchmark reports
 * -----------------------
 * Every program measures a figure several times (runs) and prints one line per figure on
 * stdout, all its runs' values on it, tab-separated:
 *
 *     row <id> <label> <unit> <hi|lo> <target> <compare-with> <v1> <v2> ...
 *
 * `hi` means more is better (a rate), `lo` less (a latency).  <target> is the target
 * ("-" for none) and <compare-with> the id of a Hypercore row to print the ratio against ("-"
 * for none).  bench/run.sh gathers the rows of every program and qb_table prints them as one
 * table of median, min and max.  Progress and explanations go to stderr, or to stdout as
 * "note <text>" lines that the table prints under itself.
 *
 * Processes
 * ---------
 * A program that starts quorumd registers it here: every wait on it is bounded, it is stopped
 * with SIGTERM (SIGKILL after a grace period) when the program ends, however it ends (exit,
 * a signal, the watchdog alarm), and the kernel kills it if the program itself is killed
 * (PR_SET_PDEATHSIG).  Daemons listen on loopback ports the kernel reports free.
 */
#ifndef QB_H
#define QB_H

#include "keys.h"
#include "statement.h"
#include "wire.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* ---- time and statistics ---------------------------------------------------------------- */

/* Seconds on the monotonic clock. */
double qb_now(void);

typedef struct {
    double *v;
    size_t n, cap;
} qb_samples;

void qb_samples_add(qb_samples *s, double x);
/* The p-th percentile (0..100), nearest rank, of the samples (sorts them). 0 if empty. */
double qb_samples_pct(qb_samples *s, double p);
double qb_samples_mean(const qb_samples *s);
void qb_samples_free(qb_samples *s);

/* One row of results (see above). */
void qb_row(const char *id, const char *label, const char *unit, const char *better,
            const char *target, const char *cmp, const double *v, size_t n);
void qb_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Progress on stderr. */
void qb_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print why and exit 1 (stopping every daemon started). */
void qb_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* ---- arguments ------------------------------------------------------------------------- */

/* --name VALUE, or def. */
const char *qb_opt(int argc, char **argv, const char *name, const char *def);
long qb_opt_long(int argc, char **argv, const char *name, long def);
double qb_opt_double(int argc, char **argv, const char *name, double def);
/* A comma-separated list of up to max numbers ("1,8,32"); returns how many. */
size_t qb_list(const char *s, long *out, size_t max);

/* Exit with an error (stopping every daemon) if the program runs longer than this. */
void qb_watchdog(unsigned seconds);

/* ---- quorumd --------------------------------------------------------------------------- */

typedef struct {
    pid_t pid;
    char state[1024];
    char log[1100];
    char request[64], events[64];
    uint8_t server_pk[32]; /* CURVE key, read from <state>/quorumd.pub once it is up */
} qb_daemon;

#define QB_ORIGIN "bench.quorum"

/* Two consecutive free loopback TCP ports; the first is returned. */
int qb_free_ports(void);
/* Start quorumd on a state directory (made if missing), on free loopback ports, CURVE on.
 * extra: more "--option value" arguments, NULL-ended (may be NULL). */
void qb_daemon_start(qb_daemon *d, const char *quorumd, const char *state,
                     const char *const *extra);
/* Seconds from now until its request port accepts connections (the daemon binds its sockets
 * only after start-up: the tree-head check and the rulebook replay).  Dies after timeout. */
double qb_daemon_wait_port(qb_daemon *d, double timeout);
/* Wait until it answers a request from `k` (a key it admits), then load its public key. */
void qb_daemon_wait_ready(qb_daemon *d, const qr_key *k, double timeout);
/* SIGTERM, wait (bounded), SIGKILL if need be; 0 if it stopped cleanly with status 0. */
int qb_daemon_stop(qb_daemon *d);
/* Peak resident set (VmHWM) of a live process, in KiB; -1 if unknown. */
long qb_peak_rss_kib(pid_t pid);
/* CPU time (user + system, all threads) a live process has used, in seconds. */
double qb_cpu_seconds(pid_t pid);

/* ---- keys, clients, statements --------------------------------------------------------- */

qr_key *qb_key(const char *name);
/* Write a secret key file (dies on failure). */
void qb_key_save(const qr_key *k, const char *path);
/* Append "<name> <curve key>" lines for keys to an allow-list file. */
void qb_allow(const char *path, qr_key *const *keys, size_t n);

/* A CURVE connection to the daemon's request socket as `k` (dies on failure). */
qr_client *qb_connect(const qb_daemon *d, const qr_key *k, int timeout_ms);
/* Submit signed statement bytes and wait for the reply: QR_OK if recorded, else the code. */
int qb_submit(qr_client *c, const uint8_t *bytes, size_t len, uint64_t *seq);
/* Fill a Submit request for bytes (the structs are the caller's). */
void qb_submit_request(Quorum__Request *req, Quorum__Submit *sub, const uint8_t *bytes, size_t len);

/* Seal (sign) a statement; dies on failure. */
void qb_seal(const Quorum__Statement *st, const qr_key *k, uint8_t **out, size_t *len);
/* ForumChartered by the operator, naming clerks (and auditors), capacity DELEGATED. */
void qb_seal_charter(const qr_key *op, const char *forum, qr_key *const *clerks, size_t nclerks,
                     uint8_t **out, size_t *len);
void qb_seal_meeting_open(const qr_key *clerk, const char *forum, const char *meeting,
                          uint8_t **out, size_t *len);
/* ProposalTabled by a clerk: the statement the submit benchmarks send. */
void qb_seal_tabled(const qr_key *clerk, const char *forum, const char *meeting,
                    const char *proposal, uint8_t **out, size_t *len);
/* Charter a forum with these clerks and open a meeting in it (dies on refusal). */
void qb_forum_setup(qr_client *op_conn, const qr_key *op, const char *forum, qr_key *const *clerks,
                    size_t nclerks, const char *meeting);

#endif
