/*
 * feed.c: each organisation's own feed, the "org/<id>/" topic.
 *
 * A governance team follows one feed for everything that binds or concerns its organisation
 * across every forum it sits on (which entries: lib/concerns.h).  Each such entry is published
 * on the organisation's topic exactly as on the forum's (the same Event: forum, seq, entry
 * bytes, checkpoint), so a subscriber verifies it the same way and fills any gap from the
 * forum's log.  Besides entries, the feed carries announcements: an action past its due date
 * is announced to its owning organisation once per action while the daemon runs (checked with
 * every heartbeat), so an overdue action is never silent; a mirror raises its alert once
 * however often it hears of it.
 */
#include "server.h"

#include "concerns.h"
#include "log.h"
#include "util.h"
#include "wire.h"

#include <stdio.h>
#include <string.h>

static void send_event(qr_server *s, const char *org, const Quorum__Event *ev)
{
    char topic[QR_MAX_ID + 16];
    if (qr_topic_org(org, topic, sizeof topic) != QR_OK)
        return;
    if (zmq_send(s->xpub, topic, strlen(topic), ZMQ_SNDMORE | ZMQ_DONTWAIT) >= 0)
        qr_wire_send(s->xpub, &ev->base, ZMQ_DONTWAIT);
}

void qr_feed_publish(qr_server *s, const char *forum, const Quorum__Statement *st,
                     const Quorum__Event *ev)
{
    const qr_rules *r = qr_strmap_get(&s->rules, forum);
    const char *orgs[QR_CONCERNS_MAX];
    size_t n = 0;
    if (r)
        qr_concerns(r, st, orgs, &n);
    for (size_t i = 0; i < n; i++)
        send_event(s, orgs[i], ev);
}

static void announce(qr_server *s, const qr_rules *r, const qr_action *a, int64_t now)
{
    char key[2 * QR_MAX_ID + 2], due[32], message[512];
    snprintf(key, sizeof key, "%s/%s", r->forum, a->id);
    if (qr_strmap_get(&s->overdue, key) || qr_strmap_put(&s->overdue, key, s) != QR_OK)
        return;
    qr_time_iso(a->due, due, sizeof due);
    long days = (long)((now - a->due) / 86400);
    snprintf(message, sizeof message,
             "action %s in forum %s, owned by %s (%s), was due %s (%ld day%s ago) and is not "
             "done",
             a->id, r->forum, a->org, a->owner ? a->owner : "", due, days, days == 1 ? "" : "s");
    Quorum__Event ev = QUORUM__EVENT__INIT;
    ev.forum = (char *)r->forum;
    ev.size = r->size;
    ev.notice = "overdue-action";
    ev.subject = (char *)a->id;
    ev.message = message;
    send_event(s, a->org, &ev);
    qr_info("announced to %s: %s", a->org, message);
}

void qr_feed_overdue(qr_server *s)
{
    int64_t now = qr_now();
    for (size_t i = 0; i < s->rules.cap; i++) {
        const qr_rules *r = s->rules.keys[i] ? s->rules.values[i] : NULL;
        for (size_t k = 0; r && k < r->nactions; k++)
            if (qr_rules_action_overdue(&r->actions[k], now))
                announce(s, r, &r->actions[k], now);
    }
}
