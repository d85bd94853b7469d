/*
 * qb_submit: durable submit throughput with N concurrent clients, and submit-to-acknowledge
 * latency at a fixed offered load, against one quorumd (CURVE on, synchronous=FULL, every
 * submit acknowledged only after its batch's COMMIT).
 *
 * Throughput: each client is a thread with its own key (a clerk of the forum) and its own
 * CURVE connection, and keeps `window` submits in flight (1: it sends the next statement only
 * when the last is acknowledged, like a clerk's `quorum` commands; more: it pipelines, as a
 * busy integration would, so that more statements share each commit).  Every
 * client signs its own statements (ProposalTabled at an open meeting) before the clock
 * starts: on this machine the clients share the daemon's two cores, and a real clerk signs on
 * their own computer, so signing inside the timed region would charge the daemon for work it
 * never does.  Each run uses a new forum; the figure is acknowledged statements per second of
 * wall time from the start signal to the last acknowledgement.
 *
 * Latency: one client sends on a fixed schedule (an open loop: it never waits for replies to
 * send the next), so a slow reply cannot hide the queueing it causes; latency is measured
 * from the scheduled send time to the acknowledgement.  The first second is a warm-up and is
 * not counted.
 *
 * usage: qb_submit --quorumd PATH --work DIR [--clients 1,8,32,32]
 *                  [--counts 4000,16000,40000,40000] [--windows 1,1,1,16] [--runs 5]
 *                  [--rate 1000] [--seconds 5]
 *   (one throughput figure per clients/counts/windows triple)
 */
#include "qb.h"

#include "util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

typedef struct {
    const qb_daemon *d;
    const qr_key *key;
    const char *forum;
    int index;
    long count, window;
    pthread_barrier_t *ready, *go;
    double end;
    long acked, refused;
} worker;

static void *run_worker(void *arg)
{
    worker *w = arg;
    uint8_t **b = calloc((size_t)w->count, sizeof *b);
    size_t *len = calloc((size_t)w->count, sizeof *len);
    if (!b || !len)
        qb_die("out of memory");
    for (long i = 0; i < w->count; i++) {
        char id[64];
        snprintf(id, sizeof id, "p-%d-%ld", w->index, i);
        qb_seal_tabled(w->key, w->forum, "m1", id, &b[i], &len[i]);
    }
    qr_client *c = qb_connect(w->d, w->key, 30000);
    Quorum__Request ping = QUORUM__REQUEST__INIT;
    Quorum__ListForums lf = QUORUM__LIST_FORUMS__INIT;
    Quorum__Reply *r = NULL;
    ping.op_case = QUORUM__REQUEST__OP_LIST_FORUMS;
    ping.list_forums = &lf;
    if (qr_client_call(c, &ping, &r) != QR_OK) /* the CURVE handshake, before the clock */
        qb_die("client %d: no answer to its first request", w->index);
    quorum__reply__free_unpacked(r, NULL);
    pthread_barrier_wait(w->ready);
    pthread_barrier_wait(w->go);

    long sent = 0, inflight = 0;
    while (sent < w->count || inflight > 0) {
        while (sent < w->count && inflight < w->window) {
            Quorum__Request req;
            Quorum__Submit sub;
            qb_submit_request(&req, &sub, b[sent], len[sent]);
            if (qr_client_send(c, &req, NULL) != QR_OK)
                qb_die("client %d: cannot send", w->index);
            sent++;
            inflight++;
        }
        if (qr_client_recv(c, &r) != QR_OK)
            qb_die("client %d: no acknowledgement within 30 s", w->index);
        if (qr_reply_code(r) == QR_OK && r->result_case == QUORUM__REPLY__RESULT_SUBMITTED) {
            w->acked++;
        } else {
            if (w->refused++ == 0)
                qb_say("client %d: refused: %s: %s", w->index, r->status ? r->status->code : "?",
                       r->status && r->status->message ? r->status->message : "");
        }
        quorum__reply__free_unpacked(r, NULL);
        inflight--;
    }
    w->end = qb_now();
    qr_client_destroy(&c);
    for (long i = 0; i < w->count; i++)
        free(b[i]);
    free(b);
    free(len);
    return NULL;
}

/* One throughput run: a new forum, `clients` clerks, `total` statements. */
static double throughput_run(const qb_daemon *d, qr_client *op_conn, const qr_key *op,
                             qr_key **keys, long clients, long total, long window, int run,
                             double *client_cpu)
{
    char forum[64];
    snprintf(forum, sizeof forum, "tp-c%ld-r%d", clients, run);
    qb_forum_setup(op_conn, op, forum, keys, (size_t)clients, "m1");
    worker *w = calloc((size_t)clients, sizeof *w);
    pthread_t *t = calloc((size_t)clients, sizeof *t);
    pthread_barrier_t ready, go;
    if (!w || !t)
        qb_die("out of memory");
    pthread_barrier_init(&ready, NULL, (unsigned)clients + 1);
    pthread_barrier_init(&go, NULL, (unsigned)clients + 1);
    for (long i = 0; i < clients; i++) {
        w[i] = (worker){.d = d,
                        .key = keys[i],
                        .forum = forum,
                        .index = (int)i,
                        .count = total / clients + (i < total % clients ? 1 : 0),
                        .window = window,
                        .ready = &ready,
                        .go = &go};
        if (pthread_create(&t[i], NULL, run_worker, &w[i]) != 0)
            qb_die("cannot start a client thread");
    }
    pthread_barrier_wait(&ready);
    double start = qb_now(), cpu0 = qb_cpu_seconds(getpid());
    pthread_barrier_wait(&go);
    double end = start;
    long acked = 0, refused = 0;
    for (long i = 0; i < clients; i++) {
        pthread_join(t[i], NULL);
        end = w[i].end > end ? w[i].end : end;
        acked += w[i].acked;
        refused += w[i].refused;
    }
    *client_cpu += qb_cpu_seconds(getpid()) - cpu0;
    pthread_barrier_destroy(&ready);
    pthread_barrier_destroy(&go);
    free(w);
    free(t);
    if (refused || acked != total)
        qb_die("%ld of %ld submits were refused", refused, total);
    return (double)acked / (end - start);
}

/* ---- latency at a fixed offered load ---------------------------------------------------- */

static void *dealer(void *ctx, const qb_daemon *d, const qr_key *k)
{
    void *s = zmq_socket(ctx, ZMQ_DEALER);
    if (!s)
        qb_die("cannot make a socket");
    qr_wire_socket_defaults(s);
    if (qr_wire_curve_client(s, k, d->server_pk) != QR_OK || zmq_connect(s, d->request) != 0)
        qb_die("cannot connect to %s", d->request);
    return s;
}

typedef struct {
    qb_samples p50, p99, p999;
} latency_rows;

static void latency_run(const qb_daemon *d, qr_client *op_conn, const qr_key *op, qr_key *clerk,
                        double rate, double seconds, int run, latency_rows *rows)
{
    char forum[64];
    snprintf(forum, sizeof forum, "lat-r%d", run);
    qb_forum_setup(op_conn, op, forum, &clerk, 1, "m1");
    long warm = (long)rate, n = warm + (long)(rate * seconds);
    uint8_t **b = calloc((size_t)n, sizeof *b);
    size_t *len = calloc((size_t)n, sizeof *len);
    double *sched = calloc((size_t)n, sizeof *sched);
    if (!b || !len || !sched)
        qb_die("out of memory");
    for (long i = 0; i < n; i++) {
        char id[64];
        snprintf(id, sizeof id, "p-%ld", i);
        qb_seal_tabled(clerk, forum, "m1", id, &b[i], &len[i]);
    }
    void *ctx = zmq_ctx_new();
    void *s = dealer(ctx, d, clerk);
    qb_samples lat = {0};
    long sent = 0, got = 0;
    double t0 = qb_now() + 0.05, deadline = t0 + (double)n / rate + 30;
    while (got < n) {
        double now = qb_now();
        if (now > deadline)
            qb_die("latency run: %ld of %ld acknowledgements after 30 s", got, n);
        while (sent < n && t0 + (double)sent / rate <= now) {
            Quorum__Request req;
            Quorum__Submit sub;
            qb_submit_request(&req, &sub, b[sent], len[sent]);
            req.id = (uint64_t)sent + 1;
            sched[sent] = t0 + (double)sent / rate;
            if (qr_wire_send(s, &req.base, 0) != QR_OK)
                qb_die("cannot send");
            sent++;
        }
        double next = sent < n ? t0 + (double)sent / rate : now + 1;
        long wait_us = (long)((next - now) * 1e6);
        zmq_pollitem_t it = {s, 0, ZMQ_POLLIN, 0};
        /* zmq_poll's timeout is in ms: sleep in whole ms, spin the last one */
        int r = zmq_poll(&it, 1, wait_us > 1500 ? wait_us / 1000 - 1 : 0);
        if (r <= 0)
            continue;
        zmq_msg_t m;
        zmq_msg_init(&m);
        while (zmq_msg_recv(&m, s, ZMQ_DONTWAIT) >= 0) {
            double t = qb_now();
            Quorum__Reply *rep = quorum__reply__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m));
            if (!rep || qr_reply_code(rep) != QR_OK || rep->id < 1 || rep->id > (uint64_t)sent)
                qb_die("latency run: a submit was refused or garbled: %s",
                       rep && rep->status ? rep->status->message : "?");
            long i = (long)rep->id - 1;
            if (i >= warm)
                qb_samples_add(&lat, (t - sched[i]) * 1e6);
            got++;
            quorum__reply__free_unpacked(rep, NULL);
        }
        zmq_msg_close(&m);
    }
    zmq_close(s);
    zmq_ctx_term(ctx);
    qb_samples_add(&rows->p50, qb_samples_pct(&lat, 50));
    qb_samples_add(&rows->p99, qb_samples_pct(&lat, 99));
    qb_samples_add(&rows->p999, qb_samples_pct(&lat, 99.9));
    qb_say("latency run %d: %zu samples, p50 %.0f us, p99 %.0f us, p99.9 %.0f us", run, lat.n,
           qb_samples_pct(&lat, 50), qb_samples_pct(&lat, 99), qb_samples_pct(&lat, 99.9));
    qb_samples_free(&lat);
    for (long i = 0; i < n; i++)
        free(b[i]);
    free(b);
    free(len);
    free(sched);
}

int main(int argc, char **argv)
{
    const char *quorumd = qb_opt(argc, argv, "quorumd", NULL),
               *work = qb_opt(argc, argv, "work", NULL);
    long clients[8], counts[8], windows[8], runs = qb_opt_long(argc, argv, "runs", 5);
    size_t nc = qb_list(qb_opt(argc, argv, "clients", "1,8,32,32"), clients, 8);
    size_t nn = qb_list(qb_opt(argc, argv, "counts", "4000,16000,40000,40000"), counts, 8);
    size_t nw = qb_list(qb_opt(argc, argv, "windows", "1,1,1,16"), windows, 8);
    double rate = qb_opt_double(argc, argv, "rate", 1000),
           secs = qb_opt_double(argc, argv, "seconds", 5);
    int bad = !quorumd || !work || nc == 0 || nc != nn || nc != nw || runs < 1 || rate <= 0;
    for (size_t i = 0; i < nc && !bad; i++)
        bad = clients[i] < 1 || counts[i] < clients[i] || windows[i] < 1;
    if (bad) {
        fprintf(stderr, "usage: qb_submit --quorumd PATH --work DIR [--clients 1,8,32,32] "
                        "[--counts 4000,16000,40000,40000] [--windows 1,1,1,16] [--runs 5] "
                        "[--rate 1000] [--seconds 5]\n");
        return 2;
    }
    qb_watchdog(1800);
    long maxc = 1;
    for (size_t i = 0; i < nc; i++)
        maxc = clients[i] > maxc ? clients[i] : maxc;

    char state[1100], path[1200];
    snprintf(state, sizeof state, "%s/submit-state", work);
    qr_mkdir_p(state, 0700);
    qr_key *op = qb_key("operator");
    snprintf(path, sizeof path, "%s/operator.key", state);
    qb_key_save(op, path);
    qr_key **keys = calloc((size_t)maxc, sizeof *keys);
    for (long i = 0; i < maxc; i++) {
        char name[32];
        snprintf(name, sizeof name, "clerk-%ld", i);
        keys[i] = qb_key(name);
    }
    qb_daemon d;
    qb_daemon_start(&d, quorumd, state, NULL);
    qb_daemon_wait_ready(&d, op, 60);
    qr_client *op_conn = qb_connect(&d, op, 30000);

    for (size_t k = 0; k < nc; k++) {
        double v[64], cpu0 = qb_cpu_seconds(d.pid), client_cpu = 0, wall = 0;
        long done = 0;
        for (long r = 0; r < runs && r < 64; r++) {
            v[r] = throughput_run(&d, op_conn, op, keys, clients[k], counts[k], windows[k],
                                  (int)(k * 100 + (size_t)r), &client_cpu);
            wall += (double)counts[k] / v[r];
            qb_say("%ld client%s, window %ld, run %ld: %ld statements at %.0f/s", clients[k],
                   clients[k] == 1 ? "" : "s", windows[k], r, counts[k], v[r]);
            done += counts[k];
        }
        qb_note("%ld client%s x %ld in flight: quorumd used %.0f us of CPU per statement (all "
                "its threads; forum set-up included)",
                clients[k], clients[k] == 1 ? "" : "s", windows[k],
                (qb_cpu_seconds(d.pid) - cpu0) / (double)done * 1e6);
        qb_note("%ld client%s x %ld in flight: the clients used %.0f us of CPU per statement "
                "(CURVE, protobuf, the sockets); of the %ld CPUs, %.0f%% were busy with either",
                clients[k], clients[k] == 1 ? "" : "s", windows[k],
                client_cpu / (double)done * 1e6, sysconf(_SC_NPROCESSORS_ONLN),
                100 * ((qb_cpu_seconds(d.pid) - cpu0) + client_cpu) / wall /
                    (double)sysconf(_SC_NPROCESSORS_ONLN));
        char id[32], label[128];
        int plain = windows[k] == 1;
        if (plain)
            snprintf(id, sizeof id, "submit_c%ld", clients[k]);
        else
            snprintf(id, sizeof id, "submit_c%ld_w%ld", clients[k], windows[k]);
        snprintf(label, sizeof label, "durable submits, %ld client%s, %ld in flight each",
                 clients[k], clients[k] == 1 ? "" : "s", windows[k]);
        /* Hypercore's single appends are awaited one by one; its batches share one write, as
         * pipelined submits share a commit. */
        const char *cmp = clients[k] == 1 && plain ? "hc_append1" : !plain ? "hc_append100" : "-";
        qb_row(id, label, "stmt/s", "hi", clients[k] == 32 && plain ? "20000" : "-", cmp, v,
               (size_t)(runs < 64 ? runs : 64));
    }

    latency_rows lr = {0};
    for (long r = 0; r < runs; r++)
        latency_run(&d, op_conn, op, keys[0], rate, secs, (int)r, &lr);
    char label[128];
    snprintf(label, sizeof label, "submit-to-ack p50 at %.0f/s", rate);
    qb_row("lat_p50", label, "us", "lo", "-", "-", lr.p50.v, lr.p50.n);
    snprintf(label, sizeof label, "submit-to-ack p99 at %.0f/s", rate);
    qb_row("lat_p99", label, "us", "lo", rate == 1000 ? "1000" : "-", "-", lr.p99.v, lr.p99.n);
    snprintf(label, sizeof label, "submit-to-ack p99.9 at %.0f/s", rate);
    qb_row("lat_p999", label, "us", "lo", "-", "-", lr.p999.v, lr.p999.n);
    qb_samples_free(&lr.p50);
    qb_samples_free(&lr.p99);
    qb_samples_free(&lr.p999);

    qr_client_destroy(&op_conn);
    if (qb_daemon_stop(&d) != 0)
        qb_die("quorumd did not stop cleanly (log: %s)", d.log);
    for (long i = 0; i < maxc; i++)
        qr_key_destroy(&keys[i]);
    free(keys);
    qr_key_destroy(&op);
    return 0;
}
