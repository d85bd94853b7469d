/*
 * zap.c: who may connect.  The ZAP handler (RFC 27) answers libzmq's authentication requests
 * for both daemon sockets.  It is bound before any CURVE socket exists and the sockets set a
 * ZAP domain with ZMQ_ZAP_ENFORCE_DOMAIN, because libzmq otherwise fails open: with no handler
 * bound it admits every CURVE key.
 *
 * A CURVE client is admitted only if its public key is on the allow-list, kept in two parts:
 * s->allow, the operator's key then the keys in the allow_keys file (rebuilt from the file on
 * SIGHUP, so a line removed from the file takes effect), and s->registered, the transport keys
 * registered by committed statements (organisation boards, members, clerks, auditors,
 * witnesses), which only grows.  The reply's User-Id is the key's name, which the daemon logs
 * with every request and which requests are authorised by (only the operator may take a
 * backup; what else each key may read is decided in access.c).  Names are therefore unique
 * per key: a second key arriving under a name already taken is named "<name>~<first 8 hex digits of its key>", and the operator's entry, added
 * first, always keeps the operator key's own name.
 * With curve = off (loopback only) the NULL mechanism is admitted as "anonymous".
 */
#include "server.h"

#include "log.h"
#include "util.h"
#include "wire.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A map value for index i of v, and back: index + 1, so that none is NULL. */
static void *ix_value(size_t i)
{
    return (void *)(uintptr_t)(i + 1);
}

static const qr_allowed *ix_entry(const qr_allow *a, const void *v)
{
    return v ? &a->v[(uintptr_t)v - 1] : NULL;
}

int qr_allow_add(qr_allow *a, const uint8_t key[32], const char *name)
{
    char hex[65];
    if (qr_allow_find(a, key))
        return QR_OK;
    if (a->n == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 64;
        qr_allowed *v = realloc(a->v, cap * sizeof *v);
        if (!v)
            return QR_NOMEM;
        a->v = v;
        a->cap = cap;
    }
    qr_allowed *e = &a->v[a->n];
    memcpy(e->key, key, 32);
    snprintf(e->name, sizeof e->name, "%s", name);
    qr_hex(key, 32, hex);
    if (qr_strmap_put(&a->by_key, hex, ix_value(a->n)) != QR_OK ||
        (!qr_strmap_get(&a->by_name, e->name) &&
         qr_strmap_put(&a->by_name, e->name, ix_value(a->n)) != QR_OK)) {
        qr_strmap_del(&a->by_key, hex);
        return QR_NOMEM;
    }
    a->n++;
    return QR_OK;
}

/* Indexed: the logs register a key for every board, member and clerk (thousands). */
const qr_allowed *qr_allow_find(const qr_allow *a, const uint8_t key[32])
{
    char hex[65];
    qr_hex(key, 32, hex);
    return ix_entry(a, qr_strmap_get(&a->by_key, hex));
}

/* The entry holding `name`, if any. */
static const qr_allowed *find_name(const qr_allow *a, const char *name)
{
    return ix_entry(a, qr_strmap_get(&a->by_name, name));
}

void qr_allow_unique_name(const qr_allow *a, const qr_allow *b, const uint8_t key[32],
                          const char *name, char *out, size_t outlen)
{
    char hex[17], tail[32];
    qr_hex(key, 8, hex);
    snprintf(out, outlen, "%s", name);
    /* "~hex" may itself be taken (a line can name itself so): then "~hex~2", "~hex~3" ... */
    for (unsigned n = 1;; n++) {
        const qr_allowed *x = find_name(a, out), *y = b ? find_name(b, out) : NULL;
        if ((!x || memcmp(x->key, key, 32) == 0) && (!y || memcmp(y->key, key, 32) == 0))
            return;
        int t = n == 1 ? snprintf(tail, sizeof tail, "~%.8s", hex)
                       : snprintf(tail, sizeof tail, "~%.8s~%u", hex, n);
        snprintf(out, outlen, "%.*s%s", (int)(outlen > (size_t)t ? outlen - 1 - (size_t)t : 0),
                 name, tail);
    }
}

void qr_allow_free(qr_allow *a)
{
    free(a->v);
    qr_strmap_free(&a->by_key);
    qr_strmap_free(&a->by_name);
    memset(a, 0, sizeof *a);
}

int qr_allow_load_file(qr_allow *a, const qr_allow *others, const char *path, char *err,
                       size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot open allow-list %s", path);
        return QR_BAD_CONFIG;
    }
    char line[1024];
    int lineno = 0, rc = QR_OK;
    while (rc == QR_OK && fgets(line, sizeof line, f)) {
        lineno++;
        char name[QR_MAX_NAME + 1], b64[128];
        uint8_t key[32];
        char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '#' || *s == '\n' || *s == 0)
            continue;
        if (sscanf(s, "%200s %127s", name, b64) != 2 || qr_b64_decode_exact(b64, key, 32)) {
            snprintf(err, errlen,
                     "%s:%d: expected '<name> <curve key, 32 bytes of base64>' "
                     "(quorum key show prints it)",
                     path, lineno);
            rc = QR_BAD_CONFIG;
        } else {
            char unique[QR_MAX_NAME + 1];
            qr_allow_unique_name(a, others, key, name, unique, sizeof unique);
            rc = qr_allow_add(a, key, unique);
        }
    }
    fclose(f);
    return rc;
}

int qr_zap_bind(qr_server *s)
{
    if ((s->zap = zmq_socket(s->ctx, ZMQ_REP)) == NULL)
        return QR_INTERNAL;
    int linger = 0;
    zmq_setsockopt(s->zap, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_bind(s->zap, "inproc://zeromq.zap.01") != 0) {
        qr_error("cannot bind the ZAP handler: %s", zmq_strerror(zmq_errno()));
        return QR_INTERNAL;
    }
    return QR_OK;
}

static void send_str(void *sock, const char *s, int more)
{
    zmq_send(sock, s, strlen(s), more ? ZMQ_SNDMORE : 0);
}

/* One ZAP request: version, request id, domain, address, routing id, mechanism, credentials. */
void qr_zap_handle(qr_server *s)
{
    zmq_msg_t part[8];
    int n = 0, more = 1;
    while (more && n < 8) {
        zmq_msg_init(&part[n]);
        if (zmq_msg_recv(&part[n], s->zap, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&part[n]);
            break;
        }
        more = zmq_msg_more(&part[n]);
        n++;
    }
    while (more) { /* a malformed request with too many frames: drain it */
        zmq_msg_t extra;
        zmq_msg_init(&extra);
        if (zmq_msg_recv(&extra, s->zap, ZMQ_DONTWAIT) < 0)
            more = 0;
        else
            more = zmq_msg_more(&extra);
        zmq_msg_close(&extra);
    }
    if (n == 0)
        return;

    const char *status = "400", *text = "unknown key", *user = "";
    char addr[64] = "", mech[16] = "";
    if (n >= 6) {
        size_t al = zmq_msg_size(&part[3]), ml = zmq_msg_size(&part[5]);
        memcpy(addr, zmq_msg_data(&part[3]), al < sizeof addr - 1 ? al : sizeof addr - 1);
        memcpy(mech, zmq_msg_data(&part[5]), ml < sizeof mech - 1 ? ml : sizeof mech - 1);
        int domain_ok = zmq_msg_size(&part[2]) == strlen(QR_ZAP_DOMAIN) &&
                        memcmp(zmq_msg_data(&part[2]), QR_ZAP_DOMAIN, strlen(QR_ZAP_DOMAIN)) == 0;
        if (!domain_ok) {
            text = "wrong ZAP domain";
        } else if (strcmp(mech, "CURVE") == 0 && n == 7 && zmq_msg_size(&part[6]) == 32) {
            const qr_allowed *a = qr_allow_find(&s->allow, zmq_msg_data(&part[6]));
            if (!a)
                a = qr_allow_find(&s->registered, zmq_msg_data(&part[6]));
            if (a) {
                status = "200";
                text = "OK";
                user = a->name;
            } else {
                char b64[64] = "";
                char *k = qr_b64(zmq_msg_data(&part[6]), 32);
                if (k)
                    snprintf(b64, sizeof b64, "%s", k);
                free(k);
                qr_warn("refused connection from %s: CURVE key %s is not on the allow-list",
                        addr, b64);
            }
        } else if (strcmp(mech, "NULL") == 0 && !s->cfg.curve) {
            status = "200";
            text = "OK";
            user = "anonymous";
        } else {
            text = "mechanism not allowed";
            qr_warn("refused connection from %s: mechanism %s not allowed", addr, mech);
        }
    }
    if (n >= 2) {
        send_str(s->zap, "1.0", 1);
        zmq_send(s->zap, zmq_msg_data(&part[1]), zmq_msg_size(&part[1]), ZMQ_SNDMORE);
        send_str(s->zap, status, 1);
        send_str(s->zap, text, 1);
        send_str(s->zap, user, 1);
        send_str(s->zap, "", 0);
    }
    for (int i = 0; i < n; i++)
        zmq_msg_close(&part[i]);
}

/* Register a transport key (once) and what it may read: `forum`, and every forum `org` sits
 * on (either may be NULL). */
static void register_key(qr_server *s, ProtobufCBinaryData key, const char *name,
                         const char *forum, const char *org)
{
    if (key.len != 32 || !name || !*name)
        return;
    if (!qr_allow_find(&s->registered, key.data)) {
        char unique[QR_MAX_NAME + 1];
        qr_allow_unique_name(&s->registered, &s->allow, key.data, name, unique, sizeof unique);
        qr_allow_add(&s->registered, key.data, unique);
    }
    if (qr_access_grant(s, key.data, forum, org) != QR_OK)
        qr_error("out of memory recording who may read forum %s", forum ? forum : "?");
}

int qr_zap_is_operator(const qr_server *s, const char *user_id)
{
    return s->cfg.curve && user_id && s->allow.n > 0 && strcmp(s->allow.v[0].name, user_id) == 0;
}

static void register_charter(qr_server *s, const char *forum, const Quorum__Charter *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n_clerks; i++)
        register_key(s, c->clerks[i]->curve_key, c->clerks[i]->name, forum, NULL);
    for (size_t i = 0; i < c->n_auditors; i++)
        register_key(s, c->auditors[i]->curve_key, c->auditors[i]->name, forum, NULL);
    for (size_t i = 0; i < c->n_witnesses; i++)
        register_key(s, c->witnesses[i]->curve_key, c->witnesses[i]->name, forum,
                     c->witnesses[i]->organisation);
}

void qr_zap_register_statement(qr_server *s, const Quorum__Statement *st)
{
    switch (st->kind_case) {
    case QUORUM__STATEMENT__KIND_FORUM_CHARTERED:
        register_charter(s, st->forum, st->forum_chartered->charter);
        break;
    case QUORUM__STATEMENT__KIND_CHARTER_AMENDED:
        register_charter(s, st->forum, st->charter_amended->charter);
        break;
    case QUORUM__STATEMENT__KIND_ORGANISATION_JOINED:
        register_key(s, st->organisation_joined->board_curve_key,
                     st->organisation_joined->organisation, st->forum,
                     st->organisation_joined->organisation);
        if (qr_access_member(s, st->forum, st->organisation_joined->organisation) != QR_OK)
            qr_error("out of memory recording that %s joined forum %s",
                     st->organisation_joined->organisation, st->forum);
        break;
    case QUORUM__STATEMENT__KIND_MEMBER_APPOINTED:
        register_key(s, st->member_appointed->curve_key, st->member_appointed->person,
                     st->forum, st->member_appointed->organisation);
        break;
    default:
        break;
    }
}
