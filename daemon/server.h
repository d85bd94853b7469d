/*
 * server.h: the daemon's state, hung off one struct passed explicitly, and its parts.
 *
 * The server is one thread and one loop (server.c): poll the request socket, the event socket
 * and the ZAP socket; serve reads at once; gather submits into a batch; commit the batch in one
 * SQLite transaction (group commit), sign a checkpoint per changed forum inside it, and only
 * then acknowledge and publish.  A read that arrives while a batch is open first commits the
 * batch, so no one ever reads what is not yet durable.
 */
#ifndef QR_SERVER_H
#define QR_SERVER_H

#include "config.h"
#include "keys.h"
#include "rules.h"
#include "statement.h"
#include "store.h"
#include "strmap.h"

#include <zmq.h>

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
} qr_allow;

int qr_allow_add(qr_allow *a, const uint8_t key[32], const char *name);
const qr_allowed *qr_allow_find(const qr_allow *a, const uint8_t key[32]);
int qr_allow_load_file(qr_allow *a, const char *path, char *err, size_t errlen);
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
} qr_pending;

typedef struct {
    qr_config cfg;
    qr_key *key;              /* the daemon's log key and CURVE server key */
    qr_key *operator_key;     /* public half is enough */
    qr_store *store;
    int lock_fd;
    void *ctx, *router, *xpub, *zap;
    qr_allow allow;
    qr_strmap rules;          /* forum id -> qr_rules: each forum's state under the rulebook */
    qr_pending *batch;
    size_t nbatch;
    char **checkpoints;       /* per dirty forum during commit: the note just signed */
    volatile int *stop;
    uint64_t submits, commits;
} qr_server;

int qr_server_init(qr_server *s, const qr_config *cfg, volatile int *stop);
/* Check every forum's tree head against its last signed checkpoint. */
int qr_server_check_heads(qr_server *s);
int qr_server_bind(qr_server *s);
int qr_server_run(qr_server *s);
void qr_server_fini(qr_server *s);

/* (Re)build a forum's rulebook state from its committed entries, registering the keys they
 * name.  An entry the rulebook refuses is logged and skipped (quorum verify reports it). */
int qr_server_load_rules(qr_server *s, const char *forum);

/* zap.c */
int qr_zap_bind(qr_server *s);
void qr_zap_handle(qr_server *s);
/* Register the transport keys a committed statement names (board, member, clerk ...). */
void qr_zap_register_statement(qr_server *s, const Quorum__Statement *st);

/* handlers.c */
void qr_handle_request(qr_server *s, zmq_msg_t *peer, const uint8_t *data, size_t len);
int qr_batch_commit(qr_server *s);
void qr_reply_status(qr_server *s, zmq_msg_t *peer, uint64_t id, int code, const char *message);

#endif
