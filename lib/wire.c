/*
 * wire.c: socket options, framing and the request client.
 */
#include "wire.h"
#include "util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

int qr_endpoint_is_loopback(const char *ep)
{
    if (strncmp(ep, "ipc://", 6) == 0 || strncmp(ep, "inproc://", 9) == 0)
        return 1;
    if (strncmp(ep, "tcp://", 6) != 0)
        return 0;
    const char *host = ep + 6;
    char buf[64];
    size_t n;
    if (host[0] == '[') {
        const char *close = strchr(host, ']');
        if (!close)
            return 0;
        n = (size_t)(close - host - 1);
        if (n >= sizeof buf)
            return 0;
        memcpy(buf, host + 1, n);
        buf[n] = 0;
        struct in6_addr a6;
        return inet_pton(AF_INET6, buf, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
    }
    const char *colon = strrchr(host, ':');
    n = colon ? (size_t)(colon - host) : strlen(host);
    if (n >= sizeof buf)
        return 0;
    memcpy(buf, host, n);
    buf[n] = 0;
    if (strcmp(buf, "localhost") == 0)
        return 1;
    struct in_addr a4;
    return inet_pton(AF_INET, buf, &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127;
}

int qr_topic_forum(const char *forum, char *out, size_t outlen)
{
    int n = snprintf(out, outlen, QR_TOPIC_FORUM "%s/", forum);
    return n < 0 || (size_t)n >= outlen ? QR_TOO_LARGE : QR_OK;
}

int qr_topic_org(const char *org, char *out, size_t outlen)
{
    int n = snprintf(out, outlen, QR_TOPIC_ORG "%s/", org);
    return n < 0 || (size_t)n >= outlen ? QR_TOO_LARGE : QR_OK;
}

int qr_topic_parse(const uint8_t *topic, size_t len, int *is_org, char id[QR_MAX_ID + 1])
{
    static const char *const prefix[2] = {QR_TOPIC_FORUM, QR_TOPIC_ORG};
    for (int i = 0; i < 2; i++) {
        size_t p = strlen(prefix[i]);
        if (len < p + 2 || memcmp(topic, prefix[i], p) != 0 || topic[len - 1] != '/' ||
            len - p - 1 > QR_MAX_ID)
            continue;
        memcpy(id, topic + p, len - p - 1);
        id[len - p - 1] = 0;
        if (strlen(id) != len - p - 1 || !qr_valid_id(id))
            return QR_BAD_REQUEST;
        *is_org = i;
        return QR_OK;
    }
    return QR_BAD_REQUEST;
}

int qr_wire_recv_event(void *sub, char topic[QR_TOPIC_MAX], Quorum__Event **ev)
{
    zmq_msg_t t, body;
    zmq_msg_init(&t);
    zmq_msg_init(&body);
    *ev = NULL;
    topic[0] = 0;
    if (zmq_msg_recv(&t, sub, ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&t);
        zmq_msg_close(&body);
        return QR_TIMEOUT;
    }
    int frames = 1, more = zmq_msg_more(&t);
    if (more && zmq_msg_recv(&body, sub, ZMQ_DONTWAIT) >= 0) {
        frames++;
        more = zmq_msg_more(&body);
    }
    while (more) { /* a message of more than two frames: drain it */
        zmq_msg_t extra;
        zmq_msg_init(&extra);
        more = zmq_msg_recv(&extra, sub, ZMQ_DONTWAIT) >= 0 && zmq_msg_more(&extra);
        zmq_msg_close(&extra);
        frames++;
    }
    size_t tl = zmq_msg_size(&t);
    if (frames == 2 && tl < QR_TOPIC_MAX && zmq_msg_size(&body) <= QR_MAX_MESSAGE) {
        memcpy(topic, zmq_msg_data(&t), tl);
        topic[tl] = 0;
        *ev = quorum__event__unpack(NULL, zmq_msg_size(&body), zmq_msg_data(&body));
    }
    zmq_msg_close(&t);
    zmq_msg_close(&body);
    return *ev ? QR_OK : QR_BAD_REQUEST;
}

int qr_wire_send(void *sock, const ProtobufCMessage *m, int flags)
{
    size_t n = protobuf_c_message_get_packed_size(m);
    if (n > QR_MAX_MESSAGE)
        return QR_TOO_LARGE;
    zmq_msg_t msg;
    if (zmq_msg_init_size(&msg, n) != 0)
        return QR_NOMEM;
    protobuf_c_message_pack(m, zmq_msg_data(&msg));
    if (zmq_msg_send(&msg, sock, flags) < 0) {
        int e = zmq_errno();
        zmq_msg_close(&msg);
        errno = e; /* EAGAIN: the queue is full, or nothing is connected yet */
        return QR_IO;
    }
    return QR_OK;
}

/* The event path (PUB/XPUB and SUB/XSUB) runs without ZMTP heartbeats.  libzmq 4.3.4, as in
 * Debian 12, aborts a process whose subscriber has fallen behind (its receive queue at the
 * high-water mark, so the engine has stopped reading) when the publisher goes away: the
 * engine records the I/O error and waits for the queue to drain, and the next heartbeat, from
 * its timer or in answer to a PING still in its buffer, trips assert (!_io_error)
 * (stream_engine_base.cpp:331; zeromq/libzmq issues 4364 and 4767).  A mirror catching up, or
 * a `quorum tail` whose reader is slow, died that way each time quorumd was restarted.  The
 * event stream needs no ZMTP heartbeat: quorumd publishes a heartbeat event of its own every
 * QR_HEARTBEAT_SECONDS, and every subscriber fetches what it lacks over the request socket,
 * which keeps its heartbeats. */
static int is_event_socket(void *sock)
{
    int type = 0;
    size_t len = sizeof type;
    return zmq_getsockopt(sock, ZMQ_TYPE, &type, &len) == 0 &&
           (type == ZMQ_PUB || type == ZMQ_XPUB || type == ZMQ_SUB || type == ZMQ_XSUB);
}

void qr_wire_socket_defaults(void *sock)
{
    int linger = 0, ivl = 5000, ttl = 15000, tmo = 15000;
    int64_t maxmsg = QR_MAX_MESSAGE;
    zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(sock, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg);
    if (is_event_socket(sock))
        return;
    zmq_setsockopt(sock, ZMQ_HEARTBEAT_IVL, &ivl, sizeof ivl);
    zmq_setsockopt(sock, ZMQ_HEARTBEAT_TTL, &ttl, sizeof ttl);
    zmq_setsockopt(sock, ZMQ_HEARTBEAT_TIMEOUT, &tmo, sizeof tmo);
}

int qr_wire_curve_client(void *sock, const qr_key *own, const uint8_t server_pk[32])
{
    if (!own->has_secret)
        return QR_BAD_KEY;
    if (zmq_setsockopt(sock, ZMQ_CURVE_SERVERKEY, server_pk, 32) != 0 ||
        zmq_setsockopt(sock, ZMQ_CURVE_PUBLICKEY, own->curve_pk, 32) != 0 ||
        zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, own->curve_sk, 32) != 0)
        return QR_INTERNAL;
    return QR_OK;
}

struct qr_client {
    void *ctx;
    void *sock;
    uint64_t next_id;
    int timeout_ms;
};

int qr_client_new(const qr_client_opts *o, qr_client **out, char *err, size_t errlen)
{
    qr_client *c = calloc(1, sizeof *c);
    if (!c)
        return QR_NOMEM;
    c->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 10000;
    c->next_id = 1;
    int rc = QR_INTERNAL;
    if ((c->ctx = zmq_ctx_new()) == NULL || (c->sock = zmq_socket(c->ctx, ZMQ_DEALER)) == NULL)
        goto out;
    qr_wire_socket_defaults(c->sock);
    if (o->server_pk) {
        if ((rc = qr_wire_curve_client(c->sock, o->key, o->server_pk)) != QR_OK) {
            snprintf(err, errlen, "cannot use key %s for CURVE (a secret key file is needed)",
                     o->key->name);
            goto out;
        }
    } else if (!qr_endpoint_is_loopback(o->endpoint)) {
        snprintf(err, errlen, "refusing plaintext to %s: plaintext is for loopback only",
                 o->endpoint);
        rc = QR_BAD_CONFIG;
        goto out;
    }
    if (zmq_connect(c->sock, o->endpoint) != 0) {
        snprintf(err, errlen, "cannot connect to %s: %s", o->endpoint, zmq_strerror(zmq_errno()));
        rc = QR_BAD_CONFIG;
        goto out;
    }
    *out = c;
    return QR_OK;
out:
    qr_client_destroy(&c);
    return rc;
}

void qr_client_destroy(qr_client **cp)
{
    if (!cp || !*cp)
        return;
    qr_client *c = *cp;
    if (c->sock)
        zmq_close(c->sock);
    if (c->ctx)
        zmq_ctx_term(c->ctx);
    free(c);
    *cp = NULL;
}

void *qr_client_context(qr_client *c)
{
    return c->ctx;
}

int qr_client_send(qr_client *c, Quorum__Request *req, uint64_t *id)
{
    req->id = c->next_id++;
    if (id)
        *id = req->id;
    /* Nearly always the request goes straight into the socket's queue; only a full queue, or
     * a connection not made yet, waits for room, within the timeout.  (Asking first cost every
     * call a poll of the socket: two system calls.) */
    int rc = qr_wire_send(c->sock, &req->base, ZMQ_DONTWAIT);
    if (rc != QR_IO || errno != EAGAIN)
        return rc;
    zmq_pollitem_t it = {c->sock, 0, ZMQ_POLLOUT, 0};
    if (zmq_poll(&it, 1, c->timeout_ms) <= 0)
        return QR_TIMEOUT;
    return qr_wire_send(c->sock, &req->base, ZMQ_DONTWAIT);
}

int qr_client_recv(qr_client *c, Quorum__Reply **reply)
{
    zmq_pollitem_t it = {c->sock, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&it, 1, c->timeout_ms) <= 0)
        return QR_TIMEOUT;
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    if (zmq_msg_recv(&msg, c->sock, ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&msg);
        return QR_IO;
    }
    int rc = QR_BAD_REQUEST;
    if (!zmq_msg_more(&msg) && zmq_msg_size(&msg) <= QR_MAX_MESSAGE) {
        *reply = quorum__reply__unpack(NULL, zmq_msg_size(&msg), zmq_msg_data(&msg));
        if (*reply)
            rc = QR_OK;
    }
    zmq_msg_close(&msg);
    return rc;
}

int qr_client_call(qr_client *c, Quorum__Request *req, Quorum__Reply **reply)
{
    uint64_t id;
    int rc = qr_client_send(c, req, &id);
    while (rc == QR_OK) {
        if ((rc = qr_client_recv(c, reply)) != QR_OK)
            break;
        if ((*reply)->id == id)
            return QR_OK;
        quorum__reply__free_unpacked(*reply, NULL); /* a stale reply to an earlier call */
        *reply = NULL;
    }
    return rc;
}

int qr_client_send_raw(qr_client *c, const void *a, size_t alen, const void *b, size_t blen)
{
    if (zmq_send(c->sock, a, alen, b ? ZMQ_SNDMORE : 0) < 0 ||
        (b && zmq_send(c->sock, b, blen, 0) < 0))
        return QR_IO;
    return QR_OK;
}

int qr_reply_code(const Quorum__Reply *r)
{
    if (!r->status || !r->status->code)
        return QR_BAD_REQUEST;
    return qr_code_from_name(r->status->code);
}
