/*
 * qr_load: N concurrent clients, each with its own key and connection, submitting signed
 * statements with a window of requests in flight.  Prints one line per acknowledged statement,
 * "ack <forum> <seq> <leaf hash base64>", so a test can check that every acknowledged
 * statement is in the log exactly once.  Exit 0 only if every submit was acknowledged OK.
 *
 * Each statement tables a proposal at an open meeting, so each client's key must be a clerk
 * of the forum.
 *
 * usage: qr_load --forum F --meeting M --clients N --count TOTAL --keys DIR [--window W]
 *                [--prefix P]   (proposal ids are P-c<client>-<n>; default "load")
 *                [--forums K]   (K forums F-0 .. F-<K-1>; client i submits to F-<i % K>)
 *                [--acks FILE]  (each acknowledgement appended the moment it arrives:
 *                                "ack <forum> <seq> <leaf hash> <checkpoint note base64>")
 *                [--retry]      (survive a daemon that dies: see below)
 *                [--rate R]     (at most R statements a second per client)
 *                [--endpoint EP --server-key FILE]     (keys DIR/load-<i>.key)
 *
 * --retry is for crash tests.  A client whose daemon stops answering (the --timeout) drops its
 * connection, makes a new one and sends again, byte for byte, every statement it has no answer
 * for.  A DUPLICATE answer to such a resend means the daemon recorded the statement but died
 * before acknowledging it: it is written to the acks file as "dup <forum> <statement hash>", and
 * is not an acknowledgement.  Clients then go on until --count or SIGTERM, when they stop
 * sending, wait (bounded by the timeout) for answers in flight and exit; status 0 unless some
 * answer was a refusal other than such a DUPLICATE.
 */
#include "client.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_WINDOW 64

typedef struct {
    uint64_t req_id;
    uint8_t *bytes; /* the sealed statement, resent exactly as first sent */
    size_t len;
    int resent;
} slot;

typedef struct {
    qr_cli *cli;
    const char *meeting, *prefix;
    char forum[QR_MAX_ID + 1];
    char keyfile[1100];
    int index, retry, acks_fd;
    long count, window;
    double rate;
    long acked, failed, dups, reconnects;
    slot inflight[MAX_WINDOW];
    long ninflight;
    char *out;      /* ack lines, written by main after join */
    size_t out_len, out_cap;
} worker;

static pthread_mutex_t print_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
    (void)sig;
    stopping = 1;
}

static void emit(worker *w, const char *line)
{
    size_t n = strlen(line);
    if (w->out_len + n + 1 > w->out_cap) {
        size_t cap = (w->out_cap + n + 1) * 2;
        char *o = realloc(w->out, cap);
        if (!o)
            return;
        w->out = o;
        w->out_cap = cap;
    }
    memcpy(w->out + w->out_len, line, n + 1);
    w->out_len += n;
}

/* One line to the acks file in one write, so lines from many clients never interleave and
 * each is on its way to the disk before the next reply is read. */
static void record(worker *w, const char *line)
{
    if (w->acks_fd < 0)
        return;
    size_t n = strlen(line);
    pthread_mutex_lock(&print_lock);
    if (write(w->acks_fd, line, n) != (ssize_t)n) {
        fprintf(stderr, "qr_load: cannot write the acks file: %s\n", strerror(errno));
        exit(10);
    }
    pthread_mutex_unlock(&print_lock);
}

static int seal_one(worker *w, const qr_key *k, long i, uint8_t **bytes, size_t *len)
{
    char id[64], title[128];
    snprintf(id, sizeof id, "%s-c%d-%ld", w->prefix, w->index, i);
    snprintf(title, sizeof title, "Load statement %ld from client %d", i, w->index);
    Quorum__Statement st = QUORUM__STATEMENT__INIT;
    Quorum__ProposalTabled pt = QUORUM__PROPOSAL_TABLED__INIT;
    pt.proposal = id;
    pt.title = title;
    pt.matter_class = "load";
    pt.meeting = (char *)w->meeting;
    st.forum = w->forum;
    st.signed_at = qr_now();
    st.kind_case = QUORUM__STATEMENT__KIND_PROPOSAL_TABLED;
    st.proposal_tabled = &pt;
    return qr_statement_seal(&st, k, bytes, len);
}

static int send_slot(qr_client *c, slot *s)
{
    Quorum__Request req = QUORUM__REQUEST__INIT;
    Quorum__Submit sub = QUORUM__SUBMIT__INIT;
    sub.signed_statement = (ProtobufCBinaryData){s->len, s->bytes};
    req.op_case = QUORUM__REQUEST__OP_SUBMIT;
    req.submit = &sub;
    return qr_client_send(c, &req, &s->req_id);
}

static slot *take_slot(worker *w, uint64_t id, slot *out)
{
    for (long i = 0; i < w->ninflight; i++)
        if (w->inflight[i].req_id == id) {
            *out = w->inflight[i];
            w->inflight[i] = w->inflight[--w->ninflight];
            return out;
        }
    return NULL;
}

static void ack_line(worker *w, const Quorum__Submitted *s)
{
    char line[256], *h = qr_b64(s->leaf_hash.data, s->leaf_hash.len);
    snprintf(line, sizeof line, "ack %s %llu %s\n", s->forum, (unsigned long long)s->seq,
             h ? h : "");
    emit(w, line);
    if (w->acks_fd >= 0) {
        char *cp = s->checkpoint ? qr_b64((const uint8_t *)s->checkpoint, strlen(s->checkpoint))
                                 : NULL;
        size_t n = strlen(line) + (cp ? strlen(cp) : 0) + 4;
        char *full = malloc(n);
        if (full) {
            snprintf(full, n, "%.*s %s\n", (int)strlen(line) - 1, line, cp ? cp : "-");
            record(w, full);
        }
        free(full);
        free(cp);
    }
    free(h);
}

/* A resend the daemon calls a duplicate: recorded before the daemon died, never acknowledged. */
static void dup_line(worker *w, const slot *s)
{
    qr_statement *st = NULL;
    char err[256], line[256];
    if (qr_statement_open(s->bytes, s->len, &st, err, sizeof err) == QR_OK) {
        char *h = qr_b64(st->stmt_hash, QR_HASH_LEN);
        snprintf(line, sizeof line, "dup %s %s\n", w->forum, h ? h : "");
        record(w, line);
        free(h);
    }
    qr_statement_destroy(&st);
}

static int take_reply(worker *w, qr_client *c)
{
    Quorum__Reply *r = NULL;
    int rc = qr_client_recv(c, &r);
    if (rc != QR_OK)
        return rc;
    slot s;
    if (!take_slot(w, r->id, &s)) {
        quorum__reply__free_unpacked(r, NULL);
        return QR_OK; /* not ours (cannot happen on a fresh connection): ignore */
    }
    int code = qr_reply_code(r);
    if (code == QR_OK && r->result_case == QUORUM__REPLY__RESULT_SUBMITTED) {
        ack_line(w, r->submitted);
        w->acked++;
    } else if (w->retry && s.resent && code == QR_DUPLICATE) {
        dup_line(w, &s);
        w->dups++;
    } else {
        pthread_mutex_lock(&print_lock);
        fprintf(stderr, "qr_load: client %d: %s: %s\n", w->index,
                r->status ? r->status->code : "?", r->status ? r->status->message : "");
        pthread_mutex_unlock(&print_lock);
        w->failed++;
    }
    free(s.bytes);
    quorum__reply__free_unpacked(r, NULL);
    return QR_OK;
}

static int connect_to(worker *w, const qr_key *k, const qr_key *server, qr_client **c)
{
    char err[512];
    qr_client_opts o = {w->cli->endpoint, k, server ? server->curve_pk : NULL,
                        w->cli->timeout_ms};
    if (qr_client_new(&o, c, err, sizeof err) != QR_OK) {
        fprintf(stderr, "qr_load: %s\n", err);
        return QR_BAD_CONFIG;
    }
    return QR_OK;
}

/* The daemon went away: a new connection, and everything unanswered sent again. */
static int reconnect(worker *w, const qr_key *k, const qr_key *server, qr_client **c)
{
    qr_client_destroy(c);
    w->reconnects++;
    int rc = connect_to(w, k, server, c);
    for (long i = 0; rc == QR_OK && i < w->ninflight; i++) {
        w->inflight[i].resent = 1;
        rc = send_slot(*c, &w->inflight[i]);
    }
    return rc;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* With --rate: wait until the next statement is due.  A client that fell behind (its daemon
 * was away) starts a new schedule from now rather than sending a burst to catch up. */
static void pace(const worker *w, double *due)
{
    if (w->rate <= 0)
        return;
    double now = now_s(), wait = *due - now;
    if (wait > 0) {
        struct timespec ts = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
        nanosleep(&ts, NULL);
    }
    *due = (wait < -1 ? now : *due) + 1 / w->rate;
}

static void *run(void *arg)
{
    worker *w = arg;
    qr_key *k = NULL, *server = NULL;
    qr_client *c = NULL;
    if (qr_cli_load_key(w->keyfile, &k) != QR_OK ||
        (!w->cli->plaintext && qr_cli_load_key(w->cli->server_key, &server) != QR_OK) ||
        connect_to(w, k, server, &c) != QR_OK) {
        w->failed = w->count;
        goto out;
    }
    long sent = 0;
    double due = now_s();
    while (((sent < w->count && !stopping) || w->ninflight > 0)) {
        while (sent < w->count && !stopping && w->ninflight < w->window) {
            if (w->ninflight > 0 && w->rate > 0 && due > now_s())
                break; /* not due yet: take replies meanwhile */
            pace(w, &due);
            slot *s = &w->inflight[w->ninflight];
            memset(s, 0, sizeof *s);
            if (seal_one(w, k, sent, &s->bytes, &s->len) != QR_OK) {
                w->failed++;
                goto out;
            }
            w->ninflight++;
            sent++;
            if (send_slot(c, s) != QR_OK)
                goto timeout;
        }
        if (w->ninflight == 0)
            continue;
        if (take_reply(w, c) == QR_OK)
            continue;
    timeout:
        if (!w->retry || stopping)
            break;
        if (reconnect(w, k, server, &c) != QR_OK)
            break;
    }
    if (w->ninflight > 0 && !w->retry) {
        fprintf(stderr, "qr_load: client %d: no answer in time (%ld acked)\n", w->index,
                w->acked);
        w->failed += w->count - w->acked - w->failed;
    }
out:
    for (long i = 0; i < w->ninflight; i++)
        free(w->inflight[i].bytes);
    qr_client_destroy(&c);
    qr_key_destroy(&k);
    qr_key_destroy(&server);
    return NULL;
}

int main(int argc, char **argv)
{
    qr_cli cli;
    if (qr_cli_init(&cli, argc - 1, argv + 1) != QR_OK)
        return 2;
    const char *forum = qr_cli_opt(&cli, "forum"), *keys = qr_cli_opt(&cli, "keys");
    const char *meeting = qr_cli_opt(&cli, "meeting"), *prefix = qr_cli_opt(&cli, "prefix");
    const char *nc = qr_cli_opt(&cli, "clients"), *cnt = qr_cli_opt(&cli, "count"),
               *win = qr_cli_opt(&cli, "window"), *nf = qr_cli_opt(&cli, "forums"),
               *acks = qr_cli_opt(&cli, "acks"), *rt = qr_cli_opt(&cli, "rate");
    int retry = qr_cli_flag(&cli, "retry");
    long clients = nc ? atol(nc) : 8, total = cnt ? atol(cnt) : 2000, window = win ? atol(win) : 16;
    long forums = nf ? atol(nf) : 0;
    double rate = rt ? atof(rt) : 0;
    if (!forum || !keys || !meeting || clients < 1 || clients > 256 || total < clients ||
        window < 1 || window > MAX_WINDOW || forums < 0 || forums > clients || rate < 0) {
        fprintf(stderr, "usage: qr_load --forum F --meeting M --keys DIR [--clients N] [--count TOTAL] "
                        "[--window W] [--forums K] [--acks FILE] [--retry] [--rate R]\n");
        return 2;
    }
    int acks_fd = -1;
    if (acks && (acks_fd = open(acks, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) < 0) {
        fprintf(stderr, "qr_load: cannot open %s: %s\n", acks, strerror(errno));
        return 10;
    }
    if (retry) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_stop;
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
    }
    worker *w = calloc((size_t)clients, sizeof *w);
    pthread_t *t = calloc((size_t)clients, sizeof *t);
    if (!w || !t)
        return 10;
    for (long i = 0; i < clients; i++) {
        w[i].cli = &cli;
        if (forums)
            snprintf(w[i].forum, sizeof w[i].forum, "%s-%ld", forum, i % forums);
        else
            snprintf(w[i].forum, sizeof w[i].forum, "%s", forum);
        w[i].meeting = meeting;
        w[i].prefix = prefix ? prefix : "load";
        w[i].index = (int)i;
        w[i].count = total / clients + (i < total % clients ? 1 : 0);
        w[i].window = window;
        w[i].retry = retry;
        w[i].rate = rate;
        w[i].acks_fd = acks_fd;
        snprintf(w[i].keyfile, sizeof w[i].keyfile, "%s/load-%ld.key", keys, i);
        pthread_create(&t[i], NULL, run, &w[i]);
    }
    long acked = 0, failed = 0, dups = 0, reconnects = 0;
    for (long i = 0; i < clients; i++) {
        pthread_join(t[i], NULL);
        if (w[i].out)
            fputs(w[i].out, stdout);
        free(w[i].out);
        acked += w[i].acked;
        failed += w[i].failed;
        dups += w[i].dups;
        reconnects += w[i].reconnects;
    }
    if (retry)
        fprintf(stderr, "qr_load: %ld acknowledged, %ld failed, %ld recorded but unacknowledged "
                        "(duplicate on resend), %ld reconnections\n",
                acked, failed, dups, reconnects);
    else
        fprintf(stderr, "qr_load: %ld acknowledged, %ld failed\n", acked, failed);
    if (acks_fd >= 0)
        close(acks_fd);
    free(w);
    free(t);
    return failed ? 1 : 0;
}
