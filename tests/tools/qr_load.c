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
 *                [--endpoint EP --server-key FILE]     (keys DIR/load-<i>.key)
 */
#include "client.h"
#include "util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    qr_cli *cli;
    const char *forum, *meeting, *prefix;
    char keyfile[1100];
    int index;
    long count, window;
    long acked, failed;
    char *out;      /* ack lines, written by main after join */
    size_t out_len, out_cap;
} worker;

static pthread_mutex_t print_lock = PTHREAD_MUTEX_INITIALIZER;

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

static int submit_one(worker *w, qr_client *c, const qr_key *k, long i)
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
    st.forum = (char *)w->forum;
    st.signed_at = qr_now();
    st.kind_case = QUORUM__STATEMENT__KIND_PROPOSAL_TABLED;
    st.proposal_tabled = &pt;
    uint8_t *bytes = NULL;
    size_t len = 0;
    if (qr_statement_seal(&st, k, &bytes, &len) != QR_OK)
        return QR_INTERNAL;
    Quorum__Request req = QUORUM__REQUEST__INIT;
    Quorum__Submit sub = QUORUM__SUBMIT__INIT;
    sub.signed_statement = (ProtobufCBinaryData){len, bytes};
    req.op_case = QUORUM__REQUEST__OP_SUBMIT;
    req.submit = &sub;
    int rc = qr_client_send(c, &req, NULL);
    free(bytes);
    return rc;
}

static int take_reply(worker *w, qr_client *c)
{
    Quorum__Reply *r = NULL;
    int rc = qr_client_recv(c, &r);
    if (rc != QR_OK)
        return rc;
    if (qr_reply_code(r) == QR_OK && r->result_case == QUORUM__REPLY__RESULT_SUBMITTED) {
        char line[256], *h = qr_b64(r->submitted->leaf_hash.data, r->submitted->leaf_hash.len);
        snprintf(line, sizeof line, "ack %s %llu %s\n", r->submitted->forum,
                 (unsigned long long)r->submitted->seq, h ? h : "");
        free(h);
        emit(w, line);
        w->acked++;
    } else {
        pthread_mutex_lock(&print_lock);
        fprintf(stderr, "qr_load: client %d: %s: %s\n", w->index,
                r->status ? r->status->code : "?", r->status ? r->status->message : "");
        pthread_mutex_unlock(&print_lock);
        w->failed++;
    }
    quorum__reply__free_unpacked(r, NULL);
    return QR_OK;
}

static void *run(void *arg)
{
    worker *w = arg;
    qr_key *k = NULL, *server = NULL;
    qr_client *c = NULL;
    char err[512];
    if (qr_cli_load_key(w->keyfile, &k) != QR_OK ||
        (!w->cli->plaintext && qr_cli_load_key(w->cli->server_key, &server) != QR_OK)) {
        w->failed = w->count;
        goto out;
    }
    qr_client_opts o = {w->cli->endpoint, k, server ? server->curve_pk : NULL,
                        w->cli->timeout_ms};
    if (qr_client_new(&o, &c, err, sizeof err) != QR_OK) {
        fprintf(stderr, "qr_load: %s\n", err);
        w->failed = w->count;
        goto out;
    }
    long sent = 0, inflight = 0;
    while (sent < w->count || inflight > 0) {
        while (sent < w->count && inflight < w->window) {
            if (submit_one(w, c, k, sent) != QR_OK)
                goto timeout;
            sent++;
            inflight++;
        }
        if (take_reply(w, c) != QR_OK)
            goto timeout;
        inflight--;
    }
    goto out;
timeout:
    fprintf(stderr, "qr_load: client %d: no answer in time (%ld acked)\n", w->index, w->acked);
    w->failed += w->count - w->acked - w->failed;
out:
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
               *win = qr_cli_opt(&cli, "window");
    long clients = nc ? atol(nc) : 8, total = cnt ? atol(cnt) : 2000, window = win ? atol(win) : 16;
    if (!forum || !keys || !meeting || clients < 1 || clients > 256 || total < clients || window < 1) {
        fprintf(stderr, "usage: qr_load --forum F --meeting M --keys DIR [--clients N] [--count TOTAL] "
                        "[--window W]\n");
        return 2;
    }
    worker *w = calloc((size_t)clients, sizeof *w);
    pthread_t *t = calloc((size_t)clients, sizeof *t);
    if (!w || !t)
        return 10;
    for (long i = 0; i < clients; i++) {
        w[i].cli = &cli;
        w[i].forum = forum;
        w[i].meeting = meeting;
        w[i].prefix = prefix ? prefix : "load";
        w[i].index = (int)i;
        w[i].count = total / clients + (i < total % clients ? 1 : 0);
        w[i].window = window;
        snprintf(w[i].keyfile, sizeof w[i].keyfile, "%s/load-%ld.key", keys, i);
        pthread_create(&t[i], NULL, run, &w[i]);
    }
    long acked = 0, failed = 0;
    for (long i = 0; i < clients; i++) {
        pthread_join(t[i], NULL);
        if (w[i].out)
            fputs(w[i].out, stdout);
        free(w[i].out);
        acked += w[i].acked;
        failed += w[i].failed;
    }
    fprintf(stderr, "qr_load: %ld acknowledged, %ld failed\n", acked, failed);
    free(w);
    free(t);
    return failed ? 1 : 0;
}
