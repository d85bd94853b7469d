/*
 * server.c: start-up (state directory, keys, database, allow-list, tree-head check), the
 * sockets, and the one loop.
 */
#include "server.h"

#include "checkpoint.h"
#include "log.h"
#include "note.h"
#include "replay.h"
#include "util.h"
#include "wire.h"
#include "witness.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static void state_path(const qr_server *s, const char *configured, const char *file, char *out,
                       size_t outlen)
{
    if (configured && *configured)
        snprintf(out, outlen, "%s", configured);
    else
        snprintf(out, outlen, "%s/%s", s->cfg.state_dir, file);
}

/* Load a key file, or make it if it is the default one and does not exist yet. */
static int load_or_make_key(const char *path, int may_make, const char *name, qr_key **out)
{
    char err[512];
    int rc = qr_key_load(path, out, err, sizeof err);
    if (rc == QR_NOT_FOUND && may_make) {
        qr_key *k = qr_key_generate(name);
        if (!k)
            return QR_INTERNAL;
        if ((rc = qr_key_save_secret(k, path)) != QR_OK) {
            qr_error("cannot write key file %s: %s", path, qr_strerror(rc));
            qr_key_destroy(&k);
            return rc;
        }
        qr_info("made a new key %s in %s", name, path);
        *out = k;
        return QR_OK;
    }
    if (rc != QR_OK)
        qr_error("%s", err);
    return rc;
}

static int write_public(const qr_key *k, const char *path)
{
    char text[1024];
    int rc = qr_key_format_public(k, text, sizeof text);
    return rc == QR_OK ? qr_write_file(path, text, strlen(text), 0644) : rc;
}

static int take_lock(qr_server *s)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/quorumd.lock", s->cfg.state_dir);
    s->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (s->lock_fd < 0) {
        qr_error("cannot write in state directory %s (lock file %s: %s); quorumd must be able "
                 "to write its state directory",
                 s->cfg.state_dir, path, strerror(errno));
        return QR_IO;
    }
    if (flock(s->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        qr_error("another quorumd is already using state directory %s (lock %s)",
                 s->cfg.state_dir, path);
        return QR_UNAVAILABLE;
    }
    return QR_OK;
}

int qr_server_indexes(int kind)
{
    switch (kind) {
    case QUORUM__STATEMENT__KIND_FORUM_CHARTERED:
    case QUORUM__STATEMENT__KIND_CHARTER_AMENDED:
    case QUORUM__STATEMENT__KIND_ORGANISATION_JOINED:
    case QUORUM__STATEMENT__KIND_MEMBER_APPOINTED:
    case QUORUM__STATEMENT__KIND_ACTION_ASSIGNED:
    case QUORUM__STATEMENT__KIND_ACTION_UPDATED: return 1;
    default: return 0;
    }
}

void qr_server_index_statement(qr_server *s, const Quorum__Statement *st)
{
    if (!qr_server_indexes((int)st->kind_case))
        return;
    qr_zap_register_statement(s, st);
    qr_feed_track(s, st);
}

/* The operator's key and allow_keys come first: the keys the logs register are then named
 * uniquely against them, so no registered key can take the operator's name (zap.c). */
static int read_allow_list(qr_server *s)
{
    char err[512];
    int rc = qr_server_read_allow(s, &s->cfg, &s->allow, err, sizeof err);
    if (rc != QR_OK)
        qr_error("%s", err);
    return rc;
}

int qr_server_init(qr_server *s, const qr_config *cfg, volatile int *stop)
{
    char path[1100], err[512];
    int rc;
    memset(s, 0, sizeof *s);
    s->cfg = *cfg;
    s->stop = stop;
    s->lock_fd = -1;
    qr_log_level = cfg->log_level;
    qr_stats_init(&s->stats);
    qr_notify_init(&s->notify);

    if (qr_mkdir_p(s->cfg.state_dir, 0700) != QR_OK) {
        qr_error("cannot create state directory %s: %s", s->cfg.state_dir, strerror(errno));
        return QR_IO;
    }
    if ((rc = take_lock(s)) != QR_OK)
        return rc;
    state_path(s, s->cfg.key_file, "quorumd.key", path, sizeof path);
    if ((rc = load_or_make_key(path, !*s->cfg.key_file, s->cfg.origin, &s->key)) != QR_OK)
        return rc;
    if (!s->key->has_secret) {
        qr_error("the daemon's key file %s holds no secret key", path);
        return QR_BAD_KEY;
    }
    snprintf(path, sizeof path, "%s/quorumd.pub", s->cfg.state_dir);
    if ((rc = write_public(s->key, path)) != QR_OK) {
        qr_error("cannot write %s: %s", path, strerror(errno));
        return rc;
    }
    state_path(s, s->cfg.operator_key, "operator.key", path, sizeof path);
    if ((rc = load_or_make_key(path, !*s->cfg.operator_key, "operator", &s->operator_key)) !=
        QR_OK)
        return rc;
    snprintf(path, sizeof path, "%s/quorumd.db", s->cfg.state_dir);
    if ((rc = qr_store_open(path, 0, &s->store, err, sizeof err)) != QR_OK) {
        qr_error("%s", err);
        if (rc == QR_TAMPERED)
            qr_server_refuse_damaged(s, "is damaged");
        return rc;
    }
    if (qr_committer_start(s->store, &s->committer) != QR_OK) {
        qr_error("cannot start the commit thread");
        return QR_INTERNAL;
    }
    if ((rc = qr_wal_checkpointer_start(qr_store_sqlite(s->store), &s->wal, err, sizeof err)) !=
        QR_OK) {
        qr_error("%s", err);
        return rc;
    }
    if ((s->batch = calloc((size_t)s->cfg.batch_max, sizeof *s->batch)) == NULL ||
        (s->inbox = calloc((size_t)s->cfg.batch_max, sizeof *s->inbox)) == NULL)
        return QR_NOMEM;
    if ((rc = read_allow_list(s)) != QR_OK || (rc = qr_server_check_heads(s)) != QR_OK)
        return rc;
    qr_info("allow-list: %zu key%s (operator and allow_keys), %zu registered by the logs",
            s->allow.n, s->allow.n == 1 ? "" : "s", s->registered.n);
    return QR_OK;
}

int qr_server_check_forum(qr_store *store, const qr_key *key, const char *origin_prefix,
                          const qr_store_forum *f, qr_store_leaf_fn each, void *ctx,
                          uint8_t root[QR_HASH_LEN], char *err, size_t errlen)
{
    char *note = NULL, vkey[QR_NOTE_VKEY_MAX];
    uint64_t size = 0;
    qr_note parsed;
    qr_note_verifier v;
    qr_checkpoint cp;
    int rc = qr_store_recompute_each(store, f->forum, each, ctx, root, err, errlen);
    if (rc != QR_OK)
        return rc;
    if (qr_store_latest_checkpoint(store, f->forum, &note, &size) != QR_OK) {
        snprintf(err, errlen, "forum %s has %llu entries but no signed checkpoint", f->forum,
                 (unsigned long long)f->size);
        return QR_TAMPERED;
    }
    char origin[QR_MAX_NAME + 1];
    rc = QR_TAMPERED;
    if (qr_checkpoint_origin(origin_prefix, f->forum, origin, sizeof origin) != QR_OK ||
        qr_key_vkey(key, origin, vkey, sizeof vkey) != QR_OK ||
        qr_note_vkey_parse(vkey, &v) != QR_OK ||
        qr_note_parse(note, strlen(note), &parsed) != QR_OK ||
        qr_note_verify(note, &parsed, &v) != QR_OK)
        snprintf(err, errlen,
                 "forum %s: the last checkpoint is not signed by this daemon's log key for "
                 "origin %s",
                 f->forum, origin);
    else if (qr_checkpoint_parse(note, parsed.text_len, &cp) != QR_OK || cp.size != f->size ||
             sodium_memcmp(cp.root, root, QR_HASH_LEN) != 0)
        snprintf(err, errlen,
                 "forum %s: the entries (%llu of them) do not hash to the last signed "
                 "checkpoint (size %llu): the database was changed outside quorumd",
                 f->forum, (unsigned long long)f->size, (unsigned long long)cp.size);
    else
        rc = QR_OK;
    free(note);
    return rc;
}

static int secure_socket(qr_server *s, void *sock)
{
    int one = 1, hwm = (int)s->cfg.hwm;
    qr_wire_socket_defaults(sock);
    int64_t maxmsg = 4 * (int64_t)s->cfg.max_message_size; /* up to 4x is answered TOO_LARGE */
    zmq_setsockopt(sock, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg);
    zmq_setsockopt(sock, ZMQ_SNDHWM, &hwm, sizeof hwm);
    zmq_setsockopt(sock, ZMQ_RCVHWM, &hwm, sizeof hwm);
    if (zmq_setsockopt(sock, ZMQ_ZAP_DOMAIN, QR_ZAP_DOMAIN, strlen(QR_ZAP_DOMAIN)) != 0 ||
        zmq_setsockopt(sock, ZMQ_ZAP_ENFORCE_DOMAIN, &one, sizeof one) != 0) {
        qr_error("this libzmq cannot enforce a ZAP domain; refusing to run without it");
        return QR_INTERNAL;
    }
    if (s->cfg.curve &&
        (zmq_setsockopt(sock, ZMQ_CURVE_SERVER, &one, sizeof one) != 0 ||
         zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, s->key->curve_sk, 32) != 0)) {
        qr_error("this libzmq has no CURVE support");
        return QR_INTERNAL;
    }
    return QR_OK;
}

int qr_server_bind(qr_server *s)
{
    int rc;
    if ((s->ctx = zmq_ctx_new()) == NULL)
        return QR_INTERNAL;
    if (s->cfg.curve && !zmq_has("curve")) {
        qr_error("this libzmq was built without CURVE");
        return QR_INTERNAL;
    }
    /* The ZAP handler first: a CURVE socket bound before it would admit anyone. */
    if ((rc = qr_zap_bind(s)) != QR_OK)
        return rc;
    s->router = zmq_socket(s->ctx, ZMQ_ROUTER);
    s->xpub = zmq_socket(s->ctx, ZMQ_XPUB);
    if (!s->router || !s->xpub)
        return QR_INTERNAL;
    if ((rc = secure_socket(s, s->router)) != QR_OK || (rc = secure_socket(s, s->xpub)) != QR_OK)
        return rc;
    /* Subscriptions are ours to accept, per forum, by who asks (access.c). */
    int manual = 1;
    if (zmq_setsockopt(s->xpub, ZMQ_XPUB_MANUAL, &manual, sizeof manual) != 0) {
        qr_error("this libzmq has no ZMQ_XPUB_MANUAL; refusing to publish without read control");
        return QR_INTERNAL;
    }
    if (qr_peers_watch(&s->sub_peers, s->ctx, s->xpub, "xpub") != QR_OK ||
        qr_peers_watch(&s->req_peers, s->ctx, s->router, "router") != QR_OK) {
        qr_error("cannot monitor the sockets: %s", zmq_strerror(zmq_errno()));
        return QR_INTERNAL;
    }
    const char *eps[2] = {s->cfg.request_endpoint, s->cfg.event_endpoint};
    void *socks[2] = {s->router, s->xpub};
    for (int i = 0; i < 2; i++)
        if (zmq_bind(socks[i], eps[i]) != 0) {
            qr_error("cannot bind %s: %s", eps[i], zmq_strerror(zmq_errno()));
            return QR_BAD_CONFIG;
        }
    if (!s->cfg.curve)
        qr_warn("CURVE is off: plaintext on loopback only, any local process may connect");
    return QR_OK;
}

static void drain_subscriptions(qr_server *s)
{
    zmq_msg_t m;
    zmq_msg_init(&m);
    while (zmq_msg_recv(&m, s->xpub, ZMQ_DONTWAIT) >= 0)
        qr_access_subscription(s, &m);
    zmq_msg_close(&m);
}

/* Take one request off the socket: routing id then exactly one payload frame. */
static int take_one(qr_server *s, qr_inbound *in)
{
    zmq_msg_init(&in->peer);
    zmq_msg_init(&in->body);
    in->signature = -1;
    if (zmq_msg_recv(&in->peer, s->router, ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&in->peer);
        zmq_msg_close(&in->body);
        return 0;
    }
    int frames = 1, ok = zmq_msg_more(&in->peer);
    if (ok && zmq_msg_recv(&in->body, s->router, ZMQ_DONTWAIT) >= 0)
        frames++;
    int more = frames == 2 && zmq_msg_more(&in->body);
    while (more) {
        zmq_msg_t extra;
        zmq_msg_init(&extra);
        more = zmq_msg_recv(&extra, s->router, ZMQ_DONTWAIT) >= 0 && zmq_msg_more(&extra);
        zmq_msg_close(&extra);
        frames++;
    }
    in->frames = frames;
    return 1;
}

static void serve_one(qr_server *s, qr_inbound *in)
{
    const char *who = in->frames >= 2 ? zmq_msg_gets(&in->body, "User-Id") : NULL;
    if (in->frames != 2) {
        qr_info("refused a request from %s: BAD_REQUEST: it came in %d frames, not one",
                who ? who : "?", in->frames - 1);
        qr_reply_status(s, &in->peer, 0, QR_BAD_REQUEST, "a request is exactly one frame");
    } else {
        qr_handle_request(s, &in->peer, who ? who : "", zmq_msg_data(&in->body),
                          zmq_msg_size(&in->body), in->signature);
    }
    zmq_msg_close(&in->peer);
    zmq_msg_close(&in->body);
}

static int has_input(void *sock)
{
    int ev = 0;
    size_t len = sizeof ev;
    return zmq_getsockopt(sock, ZMQ_EVENTS, &ev, &len) == 0 && (ev & ZMQ_POLLIN);
}

/* The loop's sockets, in the order it serves them. */
enum { W_ZAP, W_XPUB, W_ROUTER, W_SUB_PEERS, W_REQ_PEERS, W_COUNT };

/* Wait for input on the loop's sockets; ready[] says which have some.  0 on a timeout or a
 * signal, 1 if any is ready, -1 if polling failed.
 *
 * zmq_poll did this with 13 poll(2) and 12 getpid(2) calls for every request it waited for
 * (strace on quorumd serving proofs): before sleeping it polls all five descriptors once and
 * asks every socket for its events (a poll(2) on its mailbox each, behind libzmq's getpid
 * fork check), and after waking asks all five again.  A socket's descriptor (ZMQ_FD) signals
 * every change of its events except those a libzmq call on the socket itself has consumed; so
 * a socket the loop has drained and not touched since needs no asking before sleeping, and
 * one whose descriptor did not fire needs none after waking.  The request socket, the
 * publisher and the ZAP handler are sent on from many places, so they are always asked first;
 * the two monitors are only ever drained here (clean[] keeps track). */
static int wait_input(qr_server *s, int timeout_ms, int clean[W_COUNT], int ready[W_COUNT])
{
    void *sock[W_COUNT] = {s->zap, s->xpub, s->router, s->sub_peers.pair, s->req_peers.pair};
    struct pollfd fd[W_COUNT];
    int any = 0;
    clean[W_ZAP] = clean[W_XPUB] = clean[W_ROUTER] = 0;
    for (int i = 0; i < W_COUNT; i++) {
        size_t len = sizeof fd[i].fd;
        if (zmq_getsockopt(sock[i], ZMQ_FD, &fd[i].fd, &len) != 0)
            return -1;
        fd[i].events = POLLIN;
        fd[i].revents = 0;
        ready[i] = !clean[i] && has_input(sock[i]);
        clean[i] = !ready[i];
        any |= ready[i];
    }
    if (any)
        return 1;
    if (poll(fd, W_COUNT, timeout_ms) < 0)
        return errno == EINTR ? 0 : -1;
    for (int i = 0; i < W_COUNT; i++)
        if (fd[i].revents) {
            ready[i] = has_input(sock[i]);
            clean[i] = !ready[i];
            any |= ready[i];
        }
    return any;
}

/* Between requests taken in one go, new connections' handshakes are answered every so often,
 * so that none waits for a whole batch. */
#define ZAP_EVERY 32

int qr_server_run(qr_server *s)
{
    int64_t next_heartbeat = qr_now() + QR_HEARTBEAT_SECONDS;
    int clean[W_COUNT] = {0}, ready[W_COUNT];
    while (!*s->stop) {
        qr_notify_watchdog(&s->notify);
        /* A backup in progress copies between batches, and a batch committing wants its
         * acknowledgements sent: poll without sleeping. */
        int timeout_ms = qr_backup_poll_ms(s, qr_notify_poll_ms(&s->notify, 1000));
        int r = wait_input(s, s->committing ? 0 : timeout_ms, clean, ready);
        if (r < 0) {
            qr_error("poll failed: %s", strerror(errno));
            qr_batch_finish(s);
            return QR_INTERNAL;
        }
        if (ready[W_ZAP])
            while (has_input(s->zap))
                qr_zap_handle(s);
        if (ready[W_XPUB])
            drain_subscriptions(s);
        if (ready[W_SUB_PEERS])
            qr_peers_drain(&s->sub_peers);
        if (ready[W_REQ_PEERS])
            qr_peers_drain(&s->req_peers);
        clean[W_SUB_PEERS] = clean[W_REQ_PEERS] = 1; /* drained, or not touched */
        /* Take everything that is waiting, up to a batch, and check the submits' signatures
         * on several threads, while the last batch's COMMIT waits for the disk (commit.c);
         * then acknowledge that batch, handle the new requests in order, and hand their
         * commit over at once: submits that arrive during one commit share the next (group
         * commit).  Nothing touches the store between qr_batch_start and qr_batch_finish. */
        size_t n = 0;
        while ((long)n < s->cfg.batch_max && take_one(s, &s->inbox[n])) {
            n++;
            if (n % ZAP_EVERY == 0 && has_input(s->zap))
                qr_zap_handle(s);
        }
        qr_verify_inbox(s, s->inbox, n);
        qr_batch_finish(s);
        if (s->reload && *s->reload) {
            *s->reload = 0;
            qr_server_reload(s);
        }
        qr_backup_tick(s);
        if (qr_now() >= next_heartbeat) {
            qr_witness_heartbeat(s);
            qr_feed_overdue(s);
            next_heartbeat = qr_now() + QR_HEARTBEAT_SECONDS;
        }
        for (size_t i = 0; i < n; i++)
            serve_one(s, &s->inbox[i]);
        qr_batch_start(s);
        qr_rulebooks_trim(s);
    }
    qr_notify_stopping();
    qr_batch_finish(s);
    qr_batch_commit(s);
    qr_backup_abort(s);
    return QR_OK;
}

void qr_server_fini(qr_server *s)
{
    qr_committer_stop(&s->committer);
    qr_wal_checkpointer_stop(&s->wal);
    for (size_t i = 0; i < s->nbatch; i++) {
        zmq_msg_close(&s->batch[i].peer);
        qr_statement_destroy(&s->batch[i].stmt);
        free(s->batch[i].entry);
    }
    free(s->batch);
    free(s->inbox);
    qr_backup_abort(s);
    qr_peers_close(&s->sub_peers);
    qr_peers_close(&s->req_peers);
    if (s->router)
        zmq_close(s->router);
    if (s->xpub)
        zmq_close(s->xpub);
    if (s->zap)
        zmq_close(s->zap);
    if (s->ctx)
        zmq_ctx_term(s->ctx);
    qr_store_destroy(&s->store);
    qr_key_destroy(&s->key);
    qr_key_destroy(&s->operator_key);
    qr_allow_free(&s->allow);
    qr_allow_free(&s->registered);
    qr_access_free(&s->access);
    qr_strmap_free(&s->overdue);
    qr_feed_free(s);
    qr_rulebooks_free(s);
    if (s->lock_fd >= 0)
        close(s->lock_fd);
}
