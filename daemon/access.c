/*
 * access.c: the read-access table (see access.h for the rule).
 */
#include "server.h"

#include "log.h"
#include "util.h"
#include "wire.h"

#include <stdlib.h>
#include <zmq.h>

static char marker; /* the value stored in a set: any non-NULL pointer */

static qr_reader *reader_of(qr_server *s, const uint8_t key[32])
{
    char hex[65];
    qr_hex(key, 32, hex);
    qr_reader *r = qr_strmap_get(&s->access.by_key, hex);
    if (r)
        return r;
    if ((r = calloc(1, sizeof *r)) == NULL)
        return NULL;
    if (qr_strmap_put(&s->access.by_key, hex, r) != QR_OK) {
        free(r);
        return NULL;
    }
    return r;
}

/* Point every name the key is known by at its reader. */
static int index_names(qr_server *s, const uint8_t key[32], qr_reader *r)
{
    const qr_allowed *a = qr_allow_find(&s->allow, key), *b = qr_allow_find(&s->registered, key);
    int rc = QR_OK;
    if (a)
        rc = qr_strmap_put(&s->access.by_name, a->name, r);
    if (rc == QR_OK && b)
        rc = qr_strmap_put(&s->access.by_name, b->name, r);
    return rc;
}

int qr_access_grant(qr_server *s, const uint8_t key[32], const char *forum, const char *org)
{
    qr_reader *r = reader_of(s, key);
    if (!r)
        return QR_NOMEM;
    int rc = QR_OK;
    if (forum && *forum && !qr_strmap_get(&r->forums, forum))
        rc = qr_strmap_put(&r->forums, forum, &marker);
    if (rc == QR_OK && org && *org && !qr_strmap_get(&r->orgs, org))
        rc = qr_strmap_put(&r->orgs, org, &marker);
    return rc == QR_OK ? index_names(s, key, r) : rc;
}

int qr_access_member(qr_server *s, const char *forum, const char *org)
{
    qr_strmap *m = qr_strmap_get(&s->access.members, forum);
    if (!m) {
        if ((m = calloc(1, sizeof *m)) == NULL)
            return QR_NOMEM;
        if (qr_strmap_put(&s->access.members, forum, m) != QR_OK) {
            free(m);
            return QR_NOMEM;
        }
    }
    return qr_strmap_get(m, org) ? QR_OK : qr_strmap_put(m, org, &marker);
}

void qr_access_reindex(qr_server *s)
{
    qr_strmap_free(&s->access.by_name);
    const qr_allow *lists[2] = {&s->allow, &s->registered};
    for (int l = 0; l < 2; l++)
        for (size_t i = 0; i < lists[l]->n; i++) {
            char hex[65];
            qr_hex(lists[l]->v[i].key, 32, hex);
            qr_reader *r = qr_strmap_get(&s->access.by_key, hex);
            if (r)
                qr_strmap_put(&s->access.by_name, lists[l]->v[i].name, r);
        }
}

/* Everything is readable by the operator, and by anyone when CURVE is off. */
static int reads_all(const qr_server *s, const char *who)
{
    return !s->cfg.curve || qr_zap_is_operator(s, who);
}

int qr_access_forum(const qr_server *s, const char *who, const char *forum)
{
    if (reads_all(s, who))
        return 1;
    const qr_reader *r = who && *who ? qr_strmap_get(&s->access.by_name, who) : NULL;
    if (!r)
        return 0;
    if (qr_strmap_get(&r->forums, forum))
        return 1;
    const qr_strmap *members = qr_strmap_get(&s->access.members, forum);
    for (size_t i = 0; members && i < r->orgs.cap; i++)
        if (r->orgs.keys[i] && qr_strmap_get(members, r->orgs.keys[i]))
            return 1;
    return 0;
}

int qr_access_org(const qr_server *s, const char *who, const char *org)
{
    if (reads_all(s, who))
        return 1;
    const qr_reader *r = who && *who ? qr_strmap_get(&s->access.by_name, who) : NULL;
    return r && qr_strmap_get(&r->orgs, org) != NULL;
}

void qr_access_free(qr_access *a)
{
    for (size_t i = 0; i < a->by_key.cap; i++)
        if (a->by_key.keys[i]) {
            qr_reader *r = a->by_key.values[i];
            qr_strmap_free(&r->forums);
            qr_strmap_free(&r->orgs);
            free(r);
        }
    qr_strmap_free(&a->by_key);
    qr_strmap_free(&a->by_name);
    for (size_t i = 0; i < a->members.cap; i++)
        if (a->members.keys[i]) {
            qr_strmap *m = a->members.values[i];
            qr_strmap_free(m);
            free(m);
        }
    qr_strmap_free(&a->members);
}

/* With ZMQ_XPUB_MANUAL nothing reaches a subscriber until we subscribe its pipe (the one
 * whose message was received last) ourselves.  A subscription is exactly one forum's or one
 * organisation's topic: a prefix such as "" (everything) or "forum/" is refused to everyone
 * but the operator. */
void qr_access_subscription(qr_server *s, zmq_msg_t *m)
{
    const uint8_t *d = zmq_msg_data(m);
    size_t n = zmq_msg_size(m);
    if (n < 1 || (d[0] != 0 && d[0] != 1))
        return;
    if (d[0] == 0) { /* unsubscribe; for a closed connection libzmq has already cleaned up */
        qr_debug("unsubscribe %.*s", (int)(n - 1 > 80 ? 80 : n - 1), (const char *)d + 1);
        zmq_setsockopt(s->xpub, ZMQ_UNSUBSCRIBE, d + 1, n - 1);
        return;
    }
    const char *who = zmq_msg_gets(m, "User-Id");
    char id[QR_MAX_ID + 1];
    int is_org = 0, ok;
    if (qr_topic_parse(d + 1, n - 1, &is_org, id) != QR_OK)
        ok = reads_all(s, who);
    else
        ok = is_org ? qr_access_org(s, who, id) : qr_access_forum(s, who, id);
    if (!ok) {
        qr_info("refused subscription to '%.*s' from %s: NOT_AUTHORISED: that key may not "
                "read it",
                (int)(n - 1 > 80 ? 80 : n - 1), (const char *)d + 1, who && *who ? who : "?");
        return;
    }
    qr_debug("subscribe %.*s from %s", (int)(n - 1 > 80 ? 80 : n - 1), (const char *)d + 1,
             who ? who : "?");
    zmq_setsockopt(s->xpub, ZMQ_SUBSCRIBE, d + 1, n - 1);
}
