/*
 * qb_publish: publish-to-receive latency with S CURVE subscribers on quorumd's event socket.
 *
 * S subscribers (one SUB socket each, each with its own key on the daemon's allow-list, in
 * this process) subscribe to one forum's topic.  A clerk submits statements to that forum one
 * at a time; for each, the time every subscriber receives its event is taken.  quorumd
 * publishes an entry right after it sends the submitter its acknowledgement, in the same loop
 * step, so the publish moment is taken as the arrival of the acknowledgement or of the first
 * event, whichever is earlier (with many subscribers the daemon's I/O thread may send events
 * before the acknowledgement), less half of a request round trip measured in the same run (a
 * few tens of microseconds).  The next
 * statement is submitted when every subscriber has its event (or after 2 s), so the figure is
 * the fan-out itself, not a queue.  Each run is --events statements after a warm-up that waits
 * until every subscriber is connected and receiving.
 *
 * usage: qb_publish --quorumd PATH --work DIR [--subscribers 1,10,100] [--events 200]
 *                   [--runs 5]
 */
#include "qb.h"

#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

typedef struct {
    void *ctx;
    void **sub;
    size_t n;
    zmq_pollitem_t *items; /* subscribers, then the request socket */
    void *req;
} fanout;

static void *connect_sub(void *ctx, const qb_daemon *d, const qr_key *k, const char *forum)
{
    char topic[QR_MAX_ID + 16];
    void *s = zmq_socket(ctx, ZMQ_SUB);
    if (!s)
        qb_die("cannot make a socket");
    qr_wire_socket_defaults(s);
    int hwm = 100000;
    zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof hwm);
    if (qr_wire_curve_client(s, k, d->server_pk) != QR_OK)
        qb_die("cannot set CURVE keys");
    qr_topic_forum(forum, topic, sizeof topic);
    zmq_setsockopt(s, ZMQ_SUBSCRIBE, topic, strlen(topic));
    if (zmq_connect(s, d->events) != 0)
        qb_die("cannot connect to %s", d->events);
    return s;
}

/* The seq of the event waiting on a subscriber, or -1 (malformed, or nothing). */
static long take_event(void *s)
{
    zmq_msg_t topic, body;
    zmq_msg_init(&topic);
    zmq_msg_init(&body);
    long seq = -1;
    if (zmq_msg_recv(&topic, s, ZMQ_DONTWAIT) >= 0 && zmq_msg_more(&topic) &&
        zmq_msg_recv(&body, s, ZMQ_DONTWAIT) >= 0) {
        Quorum__Event *ev = quorum__event__unpack(NULL, zmq_msg_size(&body), zmq_msg_data(&body));
        if (ev)
            seq = (long)ev->seq;
        if (ev)
            quorum__event__free_unpacked(ev, NULL);
    }
    zmq_msg_close(&topic);
    zmq_msg_close(&body);
    return seq;
}

/* Submit one statement and wait (bounded) until every subscriber has its event.  Records each
 * subscriber's receive time in got[] and returns the acknowledgement's arrival time. */
static double publish_one(fanout *f, const uint8_t *b, size_t len, double *got, int *have)
{
    Quorum__Request req;
    Quorum__Submit sub;
    qb_submit_request(&req, &sub, b, len);
    req.id = 1;
    for (size_t i = 0; i < f->n; i++)
        have[i] = 0;
    if (qr_wire_send(f->req, &req.base, 0) != QR_OK)
        qb_die("cannot send a submit");
    double acked = 0, deadline = qb_now() + 5;
    long seq = -1;
    size_t received = 0;
    while ((acked == 0 || received < f->n) && qb_now() < deadline) {
        if (zmq_poll(f->items, (int)f->n + 1, 100) <= 0)
            continue;
        double t = qb_now();
        for (size_t i = 0; i < f->n; i++)
            while (f->items[i].revents & ZMQ_POLLIN) {
                long s = take_event(f->sub[i]);
                if (s < 0)
                    break;
                if (!have[i] && (seq < 0 || s == seq)) {
                    /* before the ack names the seq, the newest event is this one: one
                     * statement is in flight at a time */
                    have[i] = 1;
                    got[i] = t;
                    received++;
                }
                int ev = 0;
                size_t el = sizeof ev;
                zmq_getsockopt(f->sub[i], ZMQ_EVENTS, &ev, &el);
                if (!(ev & ZMQ_POLLIN))
                    break;
            }
        if (f->items[f->n].revents & ZMQ_POLLIN) {
            zmq_msg_t m;
            zmq_msg_init(&m);
            if (zmq_msg_recv(&m, f->req, ZMQ_DONTWAIT) >= 0) {
                Quorum__Reply *r = quorum__reply__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m));
                if (!r || qr_reply_code(r) != QR_OK ||
                    r->result_case != QUORUM__REPLY__RESULT_SUBMITTED)
                    qb_die("a submit was refused: %s", r && r->status ? r->status->message : "?");
                seq = (long)r->submitted->seq;
                acked = t;
                quorum__reply__free_unpacked(r, NULL);
            }
            zmq_msg_close(&m);
        }
    }
    if (acked == 0)
        qb_die("no acknowledgement within 5 s");
    return acked;
}

static double round_trip_us(void *req)
{
    qb_samples s = {0};
    for (int i = 0; i < 50; i++) {
        Quorum__Request q = QUORUM__REQUEST__INIT;
        Quorum__ListForums lf = QUORUM__LIST_FORUMS__INIT;
        q.op_case = QUORUM__REQUEST__OP_LIST_FORUMS;
        q.list_forums = &lf;
        q.id = 2;
        double t = qb_now();
        zmq_pollitem_t it = {req, 0, ZMQ_POLLIN, 0};
        if (qr_wire_send(req, &q.base, 0) != QR_OK || zmq_poll(&it, 1, 5000) <= 0)
            qb_die("no answer to a ping");
        zmq_msg_t m;
        zmq_msg_init(&m);
        zmq_msg_recv(&m, req, 0);
        zmq_msg_close(&m);
        qb_samples_add(&s, (qb_now() - t) * 1e6);
    }
    double med = qb_samples_pct(&s, 50);
    qb_samples_free(&s);
    return med;
}

int main(int argc, char **argv)
{
    const char *quorumd = qb_opt(argc, argv, "quorumd", NULL),
               *work = qb_opt(argc, argv, "work", NULL);
    long subs[8], runs = qb_opt_long(argc, argv, "runs", 5),
                  events = qb_opt_long(argc, argv, "events", 200);
    size_t ns = qb_list(qb_opt(argc, argv, "subscribers", "1,10,100"), subs, 8);
    if (!quorumd || !work || ns == 0 || runs < 1 || events < 1) {
        fprintf(stderr, "usage: qb_publish --quorumd PATH --work DIR [--subscribers 1,10,100] "
                        "[--events 200] [--runs 5]\n");
        return 2;
    }
    qb_watchdog(1800);
    long maxs = 1;
    for (size_t i = 0; i < ns; i++)
        maxs = subs[i] > maxs ? subs[i] : maxs;

    char state[1100], path[1200];
    snprintf(state, sizeof state, "%s/publish-state", work);
    qr_mkdir_p(state, 0700);
    qr_key *op = qb_key("operator"), *clerk = qb_key("clerk");
    snprintf(path, sizeof path, "%s/operator.key", state);
    qb_key_save(op, path);
    qr_key **keys = calloc((size_t)maxs, sizeof *keys);
    for (long i = 0; i < maxs; i++) {
        char name[32];
        snprintf(name, sizeof name, "subscriber-%ld", i);
        keys[i] = qb_key(name);
    }
    snprintf(path, sizeof path, "%s/allow.keys", state);
    qb_allow(path, keys, (size_t)maxs);

    qb_daemon d;
    qb_daemon_start(&d, quorumd, state, NULL);
    qb_daemon_wait_ready(&d, op, 60);
    qr_client *op_conn = qb_connect(&d, op, 30000);
    const char *forum = "events";
    /* Subscribers may read only a forum that names them: the charter lists them as clerks. */
    qr_key **named = calloc((size_t)maxs + 1, sizeof *named);
    if (!named)
        qb_die("out of memory");
    named[0] = clerk;
    memcpy(named + 1, keys, (size_t)maxs * sizeof *keys);
    qb_forum_setup(op_conn, op, forum, named, (size_t)maxs + 1, "m1");
    free(named);

    long proposal = 0;
    for (size_t k = 0; k < ns; k++) {
        fanout f = {.ctx = zmq_ctx_new(), .n = (size_t)subs[k]};
        zmq_ctx_set(f.ctx, ZMQ_IO_THREADS, (int)qb_opt_long(argc, argv, "io-threads", 1));
        f.sub = calloc(f.n, sizeof *f.sub);
        f.items = calloc(f.n + 1, sizeof *f.items);
        double *got = calloc(f.n, sizeof *got);
        int *have = calloc(f.n, sizeof *have);
        if (!f.sub || !f.items || !got || !have)
            qb_die("out of memory");
        for (size_t i = 0; i < f.n; i++) {
            f.sub[i] = connect_sub(f.ctx, &d, keys[i], forum);
            f.items[i] = (zmq_pollitem_t){f.sub[i], 0, ZMQ_POLLIN, 0};
        }
        f.req = zmq_socket(f.ctx, ZMQ_DEALER);
        qr_wire_socket_defaults(f.req);
        if (qr_wire_curve_client(f.req, clerk, d.server_pk) != QR_OK ||
            zmq_connect(f.req, d.request) != 0)
            qb_die("cannot connect to %s", d.request);
        f.items[f.n] = (zmq_pollitem_t){f.req, 0, ZMQ_POLLIN, 0};

        /* Warm up until every subscriber receives (subscriptions travel asynchronously). */
        int ready = 0;
        for (int w = 0; w < 300 && !ready; w++) {
            uint8_t *b;
            size_t len;
            char id[32];
            snprintf(id, sizeof id, "p-%ld", proposal++);
            qb_seal_tabled(clerk, forum, "m1", id, &b, &len);
            publish_one(&f, b, len, got, have);
            free(b);
            ready = 1;
            for (size_t i = 0; i < f.n; i++)
                ready &= have[i];
            if (!ready)
                usleep(20000);
        }
        if (!ready)
            qb_die("not every one of %zu subscribers received events after the warm-up", f.n);

        double p50[64], p99[64];
        long n = runs < 64 ? runs : 64;
        for (long r = 0; r < n; r++) {
            double half_rtt = round_trip_us(f.req) / 2;
            uint8_t **b = calloc((size_t)events, sizeof *b);
            size_t *len = calloc((size_t)events, sizeof *len);
            for (long e = 0; e < events; e++) {
                char id[32];
                snprintf(id, sizeof id, "p-%ld", proposal++);
                qb_seal_tabled(clerk, forum, "m1", id, &b[e], &len[e]);
            }
            qb_samples lat = {0};
            long missed = 0;
            for (long e = 0; e < events; e++) {
                double acked = publish_one(&f, b[e], len[e], got, have);
                double published = acked;
                for (size_t i = 0; i < f.n; i++)
                    if (have[i] && got[i] < published)
                        published = got[i];
                for (size_t i = 0; i < f.n; i++) {
                    if (!have[i]) {
                        missed++;
                        continue;
                    }
                    double us = (got[i] - published) * 1e6 + half_rtt;
                    qb_samples_add(&lat, us > 0 ? us : 0);
                }
                free(b[e]);
            }
            if (missed)
                qb_die("%ld events were not received within 5 s", missed);
            p50[r] = qb_samples_pct(&lat, 50);
            p99[r] = qb_samples_pct(&lat, 99);
            qb_say("%zu subscriber%s, run %ld: %zu receipts, p50 %.0f us, p99 %.0f us "
                   "(half round trip %.0f us)",
                   f.n, f.n == 1 ? "" : "s", r, lat.n, p50[r], p99[r], half_rtt);
            qb_samples_free(&lat);
            free(b);
            free(len);
        }
        char id[32], label[128];
        snprintf(id, sizeof id, "pub_s%zu_p50", f.n);
        snprintf(label, sizeof label, "publish-to-receive p50, %zu CURVE subscriber%s", f.n,
                 f.n == 1 ? "" : "s");
        qb_row(id, label, "us", "lo", "-", "-", p50, (size_t)n);
        snprintf(id, sizeof id, "pub_s%zu_p99", f.n);
        snprintf(label, sizeof label, "publish-to-receive p99, %zu CURVE subscriber%s", f.n,
                 f.n == 1 ? "" : "s");
        qb_row(id, label, "us", "lo", f.n == 100 ? "5000" : "-", "-", p99, (size_t)n);

        for (size_t i = 0; i < f.n; i++)
            zmq_close(f.sub[i]);
        zmq_close(f.req);
        zmq_ctx_term(f.ctx);
        free(f.sub);
        free(f.items);
        free(got);
        free(have);
    }
    qr_client_destroy(&op_conn);
    if (qb_daemon_stop(&d) != 0)
        qb_die("quorumd did not stop cleanly (log: %s)", d.log);
    for (long i = 0; i < maxs; i++)
        qr_key_destroy(&keys[i]);
    free(keys);
    qr_key_destroy(&op);
    qr_key_destroy(&clerk);
    return 0;
}
