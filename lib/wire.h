/*
 * wire.h: the bus as seen by a client, and what daemon and clients share about it.
 *
 * Protocol (see proto/wire.proto): one frame holding a Request, one frame holding a Reply with
 * the same id.  Every frame is size-checked before it is decoded (QR_MAX_MESSAGE).
 *
 * Security: both daemon sockets run CURVE by default.  A client needs its own key pair and the
 * daemon's CURVE public key; the daemon admits only keys on its allow-list (ZAP).  Plain TCP
 * is allowed only to loopback endpoints, and only when both sides are configured for it.
 *
 * qr_client is a DEALER connection with a bounded wait on every call.  It may pipeline:
 * qr_client_send() many requests, then qr_client_recv() replies as they come.
 */
#ifndef QR_WIRE_H
#define QR_WIRE_H

#include "keys.h"
#include "qr.h"

#include "wire.pb-c.h"

#define QR_ZAP_DOMAIN "quorum"
#define QR_TOPIC_FORUM "forum/"
#define QR_TOPIC_ORG "org/"

/* 1 if the endpoint is tcp on a loopback address (127.0.0.0/8, ::1, localhost) or ipc/inproc. */
int qr_endpoint_is_loopback(const char *endpoint);
/* "forum/<id>/" into out. */
int qr_topic_forum(const char *forum, char *out, size_t outlen);
/* "org/<id>/" into out. */
int qr_topic_org(const char *org, char *out, size_t outlen);
/* A subscription's topic, exactly "forum/<id>/" or "org/<id>/": *is_org says which and id
 * gets the id.  QR_BAD_REQUEST for anything else (a prefix, "" for everything, a bad id). */
int qr_topic_parse(const uint8_t *topic, size_t len, int *is_org, char id[QR_MAX_ID + 1]);

/* Take one event waiting on a SUB socket (without blocking): its topic frame into topic (NUL
 * ended; at most QR_TOPIC_MAX bytes) and its Event, decoded under QR_MAX_MESSAGE, into *ev
 * (free with quorum__event__free_unpacked).  Any other shape of message is consumed whole
 * and QR_BAD_REQUEST returned; QR_TIMEOUT if nothing is waiting. */
#define QR_TOPIC_MAX (QR_MAX_ID + 16)
int qr_wire_recv_event(void *sub, char topic[QR_TOPIC_MAX], Quorum__Event **ev);

/* Send a packed protobuf message as one frame. */
int qr_wire_send(void *sock, const ProtobufCMessage *m, int flags);
/* Set CURVE client options (own key pair, server public key) on a socket. */
int qr_wire_curve_client(void *sock, const qr_key *own, const uint8_t server_pk[32]);
/* Common socket options: linger, max message size, and ZMTP heartbeats except on the event
 * path (PUB/XPUB, SUB/XSUB: see wire.c for why). */
void qr_wire_socket_defaults(void *sock);

typedef struct qr_client qr_client;

typedef struct {
    const char *endpoint;        /* request endpoint, e.g. tcp://127.0.0.1:7370 */
    const qr_key *key;           /* own key (secret needed for CURVE) */
    const uint8_t *server_pk;    /* daemon's CURVE public key; NULL = plaintext (loopback) */
    int timeout_ms;              /* bound on every wait */
} qr_client_opts;

int qr_client_new(const qr_client_opts *o, qr_client **out, char *err, size_t errlen);
void qr_client_destroy(qr_client **c);
void *qr_client_context(qr_client *c);

/* Send a request; its id is set from the client's counter and returned in *id. */
int qr_client_send(qr_client *c, Quorum__Request *req, uint64_t *id);
/* Receive the next reply (any id) within the timeout; free with quorum__reply__free_unpacked. */
int qr_client_recv(qr_client *c, Quorum__Reply **reply);
/* Send and wait for the reply with the same id.  Returns QR_OK if a reply arrived (the reply's
 * own status may still be an error: see qr_reply_code). */
int qr_client_call(qr_client *c, Quorum__Request *req, Quorum__Reply **reply);
/* Send one frame (and a second if b is not NULL) exactly as given: for probes and tests. */
int qr_client_send_raw(qr_client *c, const void *a, size_t alen, const void *b, size_t blen);
/* The reply's status as a code. */
int qr_reply_code(const Quorum__Reply *r);

#endif
