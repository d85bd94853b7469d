/*
 * server.h: the daemon's state, hung off one struct passed explicitly, and its parts.
 *
 * The server is one loop (server.c): poll the request socket, the event socket and the ZAP
 * socket; take every request waiting, up to a batch, and check the submits' signatures on
 * worker threads (verify.c); then, in arrival order, serve reads at once and gather submits
 * into a batch; sign a checkpoint per changed forum inside the batch's SQLite transaction and
 * hand its COMMIT to the commit thread (commit.c), taking and verifying the next requests
 * while the disk works; only when the COMMIT has returned acknowledge and publish (group
 * commit).  A read that arrives while a batch is open first commits the batch, so no one ever
 * reads what is not yet durable.  SQLite's WAL checkpoints run on a thread of their own
 * (lib/store_wal.c).  Everything else happens on the loop's thread.
 */
#ifndef QR_SERVER_H
#define QR_SERVER_H

#include "access.h"
#include "config.h"
#include "notify.h"
#include "peers.h"
#include "stats.h"
#include "wire.h"
#include "keys.h"
#include "rules.h"
#include "statement.h"
#include "store.h"
#include "store_wal.h"
#include "strmap.h"

#include <zmq.h>

#define QR_HEARTBEAT_SECONDS 5 /* each forum's checkpoint is re-published this often */

#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#define ZMQ_ZAP_ENFORCE_DOMAIN 93 /* draft option in libzmq 4.3; Debian builds it in */
#endif

/* ---- allow-list (zap.c) ---- */
typedef struct {
    uint8_t key[32];
    char name[QR_MAX_NAME + 1];
} qr_allowed;

typedef struct {
    qr_allowed *v;
    size_t n, cap;
    qr_strmap by_key, by_name; /* hex key, name -> index + 1 into v (the first holding it) */
} qr_allow;

int qr_allow_add(qr_allow *a, const uint8_t key[32], const char *name);
const qr_allowed *qr_allow_find(const qr_allow *a, const uint8_t key[32]);
/* Add the file's keys to a, naming each uniquely across a and others (see zap.c). */
int qr_allow_load_file(qr_allow *a, const qr_allow *others, const char *path, char *err,
                       size_t errlen);
/* `name`, or "<name>~<hex>" if a or b (may be NULL) holds it for another key. */
void qr_allow_unique_name(const qr_allow *a, const qr_allow *b, const uint8_t key[32],
                          const char *name, char *out, size_t outlen);
void qr_allow_free(qr_allow *a);

/* One submit waiting for its batch to commit. */
typedef struct {
    zmq_msg_t peer;          /* ROUTER routing id */
    uint64_t req_id;
    qr_statement *stmt;
    char forum[QR_MAX_ID + 1];
    uint64_t seq;
    uint8_t *entry;
    size_t entry_len;
    char who[QR_MAX_NAME + 1]; /* the connection's ZAP User-Id, for the log */
} qr_pending;

/* A request taken off the socket, waiting for its turn in the loop. */
typedef struct {
    zmq_msg_t peer, body;
    int frames;    /* the request is exactly one frame after the routing id: 2 */
    int signature; /* a submit's signature: 1 good, 0 bad, -1 not checked (verify.c) */
} qr_inbound;

/* rulebooks.c: the forums' rulebook states in memory (forum id -> state and last use). */
typedef struct {
    qr_strmap loaded;
    uint64_t tick;     /* one more at every use */
    uint64_t trimmed;  /* tick at the last trim */
    uint64_t entries;  /* entries' worth of state held (counted by each trim) */
    uint64_t loads, evictions;
} qr_rulebooks;
typedef struct qr_backup qr_backup; /* backup.c */
typedef struct qr_committer qr_committer; /* commit.c */
typedef struct qr_server qr_server;
/* Re-read the configuration from where it came from (main.c), for SIGHUP. */
typedef int (*qr_reread_fn)(void *arg, qr_config *out, char *err, size_t errlen);

struct qr_server {
    qr_config cfg;
    qr_key *key;              /* the daemon's log key and CURVE server key */
    qr_key *operator_key;     /* public half is enough */
    qr_store *store;
    int lock_fd;
    void *ctx, *router, *xpub, *zap;
    qr_allow allow;           /* the operator's key, then the allow_keys file's (SIGHUP rebuilds) */
    qr_allow registered;      /* transport keys registered by the logs (kept across SIGHUP) */
    qr_access access;         /* who may read which forum and whose feed (access.c) */
    qr_strmap overdue;        /* "forum/action" already announced overdue since start */
    qr_rulebooks books;       /* forums' states under the rulebook, while used (rulebooks.c) */
    qr_strmap actions;        /* "forum/action" -> every forum's actions, for the feed */
    qr_pending *batch;
    size_t nbatch;
    qr_committer *committer;  /* runs each batch's COMMIT (commit.c) */
    qr_wal_checkpointer *wal; /* runs SQLite's WAL checkpoints (lib/store_wal.c) */
    int committing;           /* the batch is sealed and its COMMIT under way */
    int64_t commit_began_us;  /* when it was sealed */
    qr_inbound *inbox;        /* batch_max requests taken off the socket at once */
    char **checkpoints;       /* per dirty forum during commit: the note just signed */
    volatile int *stop;
    uint64_t submits, commits;
    uint64_t unwritten;       /* submits refused since the database last failed a write */
    /* operations: systemd, SIGHUP, status, backups */
    volatile int *reload;     /* set by SIGHUP */
    qr_reread_fn reread;
    void *reread_arg;
    qr_notify notify;
    qr_stats stats;
    qr_peers sub_peers, req_peers; /* connections to the event and request sockets */
    qr_backup *backup;        /* the backup in progress, or NULL */
};

int qr_server_init(qr_server *s, const qr_config *cfg, volatile int *stop);
/* Check every forum's tree head against its last signed checkpoint, indexing the statements
 * that qr_server_indexes() names from the same reading of its entries (startup.c). */
int qr_server_check_heads(qr_server *s);
/* 1 if a statement of this kind (QUORUM__STATEMENT__KIND_*) changes what the daemon keeps of
 * every forum beyond its rulebook state: transport keys, who may read what, actions. */
int qr_server_indexes(int kind);
/* Keep that of a committed statement (at start-up, and after each commit). */
void qr_server_index_statement(qr_server *s, const Quorum__Statement *st);
/* The database cannot be trusted (`what` is wrong with it): log the refusal to start and how
 * to restore the record (startup.c). */
void qr_server_refuse_damaged(const qr_server *s, const char *what);
/* One forum of `store`: recompute its tree head into root from its entries and check it
 * against the forum's last checkpoint, which must be signed by `key` for <origin>/forum/<id>;
 * each (may be NULL) gets every entry with its leaf hash on the way (qr_store_recompute_each).
 * Used at start and on every backup copy; touches nothing but its arguments and ctx. */
int qr_server_check_forum(qr_store *store, const qr_key *key, const char *origin,
                          const qr_store_forum *f, qr_store_leaf_fn each, void *ctx,
                          uint8_t root[QR_HASH_LEN], char *err, size_t errlen);
int qr_server_bind(qr_server *s);
int qr_server_run(qr_server *s);
void qr_server_fini(qr_server *s);

/* rulebooks.c.  The forum's state, built from its committed entries if it is not in memory
 * (an entry the rulebook refuses is logged and stepped over; quorum verify reports it): QR_OK,
 * QR_UNKNOWN_FORUM, QR_NOMEM, or QR_IO / QR_TAMPERED (logged) if the entries cannot be read
 * or do not match the tree head.  Valid until the next qr_rulebooks_trim or _drop. */
int qr_rulebooks_get(qr_server *s, const char *forum, qr_rules **out);
/* The state if it is in memory, else NULL: nothing is loaded. */
qr_rules *qr_rulebooks_held(const qr_server *s, const char *forum);
/* A new forum's state; the rulebooks own it from here on success. */
int qr_rulebooks_put(qr_server *s, qr_rules *r);
/* Let the forum's state go (its batch was rolled back): it is rebuilt when next needed. */
void qr_rulebooks_drop(qr_server *s, const char *forum);
/* Between batches: let the least recently used states go while more than
 * cfg.rulebook_entries entries' worth are held, keeping the one used last. */
void qr_rulebooks_trim(qr_server *s);
/* The entries of the states in memory now. */
uint64_t qr_rulebooks_entries(const qr_server *s);
void qr_rulebooks_free(qr_server *s);

/* zap.c */
int qr_zap_bind(qr_server *s);
void qr_zap_handle(qr_server *s);
/* Register the transport keys a committed statement names (board, member, clerk ...) and
 * what each may read (access.h). */
void qr_zap_register_statement(qr_server *s, const Quorum__Statement *st);
/* access.c: a (un)subscription message just taken off the event socket (ZMQ_XPUB_MANUAL):
 * subscribe its peer to the topic only if it may read it, else log the refusal. */
void qr_access_subscription(qr_server *s, zmq_msg_t *m);

/* witness.c */
void qr_witness_handle_add(qr_server *s, zmq_msg_t *peer, uint64_t id, const char *who,
                           const Quorum__AddCosignature *a);
/* A checkpoint note followed by every cosignature collected for its size (malloc'd). */
char *qr_witness_cosigned_note(qr_server *s, const char *forum, const char *note, uint64_t size);
/* Publish each forum's latest (cosigned) checkpoint and size, so idle subscribers notice a
 * lost tail. */
void qr_witness_heartbeat(qr_server *s);

/* feed.c: each organisation's own feed ("org/<id>/"). */
/* Publish a committed entry to the feed of every organisation it concerns. */
void qr_feed_publish(qr_server *s, const char *forum, const Quorum__Statement *st,
                     const Quorum__Event *ev);
/* Announce, once per action since start, every action now past its due date. */
void qr_feed_overdue(qr_server *s);
/* Keep an action's owner, due date and latest status from its committed statements. */
void qr_feed_track(qr_server *s, const Quorum__Statement *st);
void qr_feed_free(qr_server *s);

/* 1 if a connection's ZAP User-Id is the operator's key (CURVE only). */
int qr_zap_is_operator(const qr_server *s, const char *user_id);

/* reload.c: SIGHUP.  Re-read the configuration; apply log_level and rebuild the allow-list
 * from allow_keys (keeping the keys the logs registered), log what changed, and say which
 * other changes wait for a restart.  A configuration or allow-list that does not parse
 * changes nothing.  Connections stay up. */
void qr_server_reload(qr_server *s);
/* The operator's key, then the allow_keys file (if configured or present), into a. */
int qr_server_read_allow(const qr_server *s, const qr_config *cfg, qr_allow *a, char *err,
                         size_t errlen);

/* status.c */
/* Totals for everyone; per-forum figures only for the forums `who` may read. */
void qr_handle_status(qr_server *s, zmq_msg_t *peer, uint64_t id, const char *who);

/* backup.c: one backup at a time, stepped between batches by the loop. */
void qr_backup_request(qr_server *s, zmq_msg_t *peer, uint64_t id, const char *who,
                       const Quorum__Backup *b);
/* Copy some pages (between batches); answer the request once the copy is checked. */
void qr_backup_tick(qr_server *s);
/* How long the loop may sleep: 1 ms while pages remain to copy, 20 ms while the copy is
 * checked, else cap. */
int qr_backup_poll_ms(const qr_server *s, int cap);
/* At shutdown: stop and remove an unfinished copy, answering its request. */
void qr_backup_abort(qr_server *s);
/* What is under way, for status ("" if nothing). */
void qr_backup_describe(const qr_server *s, char *out, size_t outlen);

/* handlers.c; who is the connection's ZAP User-Id ("" if unknown). */
/* signature: a submit's signature as qr_verify_inbox found it (1, 0), or -1 to check it here. */
void qr_handle_request(qr_server *s, zmq_msg_t *peer, const char *who, const uint8_t *data,
                       size_t len, int signature);
/* verify.c: check the signature of every submit among n requests, on several threads. */
void qr_verify_inbox(qr_server *s, qr_inbound *in, size_t n);
/* Commit the open batch and wait for it: acknowledged and published, or every submit of it
 * refused (handlers.c). */
int qr_batch_commit(qr_server *s);
/* The same in two halves, so that the loop can take and verify the next requests while the
 * disk works: _start signs the batch's checkpoints and hands its COMMIT to the commit thread
 * (after it, nothing may touch the store until _finish); _finish waits for the COMMIT, then
 * acknowledges and publishes (or refuses) the batch.  Both do nothing if there is nothing to
 * do. */
void qr_batch_start(qr_server *s);
int qr_batch_finish(qr_server *s);
/* commit.c: one thread that runs qr_store_commit_write for the loop, a job at a time. */
int qr_committer_start(qr_store *store, qr_committer **out);
void qr_committer_send(qr_committer *c);
/* The COMMIT's result, and when it returned (qr_stats_now_us). */
int qr_committer_wait(qr_committer *c, int64_t *done_us);
void qr_committer_stop(qr_committer **c);
void qr_reply_status(qr_server *s, zmq_msg_t *peer, uint64_t id, int code, const char *message);
/* Send r (its id and result set) to peer with status OK. */
void qr_reply_ok(qr_server *s, zmq_msg_t *peer, Quorum__Reply *r);

#endif
