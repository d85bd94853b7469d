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
 * however often it hears of it.  Every forum's actions are kept for that from their own
 * statements (qr_feed_track), so that no forum's whole rulebook state need stay in memory.
 */
#include "server.h"

#include "concerns.h"
#include "log.h"
#include "util.h"
#include "wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One action as its latest statement left it. */
typedef struct {
    char forum[QR_MAX_ID + 1];
    qr_action action; /* history: the latest step alone */
    qr_action_step step;
} tracked;

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
    const qr_rules *r = qr_rulebooks_held(s, forum); /* it has just judged the entry */
    const char *orgs[QR_CONCERNS_MAX];
    size_t n = 0;
    if (r)
        qr_concerns(r, st, orgs, &n);
    for (size_t i = 0; i < n; i++)
        send_event(s, orgs[i], ev);
}

static void announce(qr_server *s, const tracked *t, int64_t now)
{
    const qr_action *a = &t->action;
    const qr_store_forum *f = qr_store_forum_find(s->store, t->forum);
    char key[2 * QR_MAX_ID + 2], due[32], message[512];
    snprintf(key, sizeof key, "%s/%s", t->forum, a->id);
    if (qr_strmap_get(&s->overdue, key) || qr_strmap_put(&s->overdue, key, s) != QR_OK)
        return;
    qr_time_iso(a->due, due, sizeof due);
    long days = (long)((now - a->due) / 86400);
    snprintf(message, sizeof message,
             "action %s in forum %s, owned by %s (%s), was due %s (%ld day%s ago) and is not "
             "done",
             a->id, t->forum, a->org, a->owner, due, days, days == 1 ? "" : "s");
    Quorum__Event ev = QUORUM__EVENT__INIT;
    ev.forum = (char *)t->forum;
    ev.size = f ? f->size : 0;
    ev.notice = "overdue-action";
    ev.subject = (char *)a->id;
    ev.message = message;
    send_event(s, a->org, &ev);
    qr_info("announced to %s: %s", a->org, message);
}

void qr_feed_overdue(qr_server *s)
{
    int64_t now = qr_now();
    for (size_t i = 0; i < s->actions.cap; i++) {
        const tracked *t = s->actions.keys[i] ? s->actions.values[i] : NULL;
        if (t && qr_rules_action_overdue(&t->action, now))
            announce(s, t, now);
    }
}

void qr_feed_track(qr_server *s, const Quorum__Statement *st)
{
    char key[2 * QR_MAX_ID + 2];
    tracked *t;
    if (st->kind_case == QUORUM__STATEMENT__KIND_ACTION_ASSIGNED) {
        const Quorum__ActionAssigned *k = st->action_assigned;
        snprintf(key, sizeof key, "%s/%s", st->forum, k->action);
        if (qr_strmap_get(&s->actions, key) || (t = calloc(1, sizeof *t)) == NULL)
            return;
        if ((t->action.owner = strdup(k->owner ? k->owner : "")) == NULL ||
            qr_strmap_put(&s->actions, key, t) != QR_OK) {
            free(t->action.owner);
            free(t);
            return;
        }
        snprintf(t->forum, sizeof t->forum, "%s", st->forum);
        snprintf(t->action.id, sizeof t->action.id, "%s", k->action);
        snprintf(t->action.proposal, sizeof t->action.proposal, "%s", k->proposal);
        snprintf(t->action.org, sizeof t->action.org, "%s", k->organisation);
        t->action.due = k->due;
        t->step.status = QUORUM__ACTION_STATUS__OPEN;
        t->action.history = &t->step;
        t->action.nhistory = 1;
    } else if (st->kind_case == QUORUM__STATEMENT__KIND_ACTION_UPDATED) {
        snprintf(key, sizeof key, "%s/%s", st->forum, st->action_updated->action);
        if ((t = qr_strmap_get(&s->actions, key)) != NULL)
            t->step.status = st->action_updated->status;
    }
}

void qr_feed_free(qr_server *s)
{
    for (size_t i = 0; i < s->actions.cap; i++)
        if (s->actions.keys[i]) {
            tracked *t = s->actions.values[i];
            free(t->action.owner);
            free(t);
        }
    qr_strmap_free(&s->actions);
}
