/*
 * verify.c: the signatures of submitted statements, checked on several threads.
 *
 * Checking an Ed25519 signature is most of the work of accepting a statement (bench/ measured
 * it at over half of the loop's time with 32 busy clients), and each signature stands alone:
 * it needs nothing but the statement's own bytes.  So the loop (server.c) takes every request
 * waiting on the socket, up to a batch, checks the submits' signatures here on up to
 * QR_VERIFY_THREADS threads, the loop's own included, and then handles the requests one by
 * one in the order they arrived, exactly as before (handlers.c), with each submit's signature
 * already known.  Everything whose verdict depends on other statements (duplicates, the
 * rulebook, the append) stays on the loop's thread.
 *
 * Nothing here touches the server's state: a thread reads its share of the requests and writes
 * only their `signature` fields.  A request that does not decode is left unchecked (-1) for the
 * handler to refuse with its usual reason.
 */
#include "server.h"

#include <pthread.h>
#include <unistd.h>

#define QR_VERIFY_THREADS 8
#define QR_VERIFY_PER_THREAD 8 /* fewer submits than this per thread are not worth a thread */

typedef struct {
    qr_inbound *in;
    size_t from, to;
    size_t max_len;
} verify_job;

static void check_one(qr_inbound *in, size_t max_len)
{
    in->signature = -1;
    size_t len = zmq_msg_size(&in->body);
    if (in->frames != 2 || len > max_len)
        return;
    Quorum__Request *req = quorum__request__unpack(NULL, len, zmq_msg_data(&in->body));
    if (req && req->op_case == QUORUM__REQUEST__OP_SUBMIT && req->submit &&
        req->submit->signed_statement.len <= QR_MAX_STATEMENT + 128) {
        const ProtobufCBinaryData *b = &req->submit->signed_statement;
        Quorum__SignedStatement *e = quorum__signed_statement__unpack(NULL, b->len, b->data);
        if (e && e->signer.len == 32 && e->signature.len == 64)
            in->signature = qr_key_verify_statement(e->signer.data, e->statement.data,
                                                    e->statement.len, e->signature.data) == QR_OK;
        if (e)
            quorum__signed_statement__free_unpacked(e, NULL);
    }
    if (req)
        quorum__request__free_unpacked(req, NULL);
}

static void *check_range(void *arg)
{
    verify_job *j = arg;
    for (size_t i = j->from; i < j->to; i++)
        check_one(&j->in[i], j->max_len);
    return NULL;
}

void qr_verify_inbox(qr_server *s, qr_inbound *in, size_t n)
{
    static long cpus;
    if (cpus == 0)
        cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t t = cpus < 1 ? 1 : cpus > QR_VERIFY_THREADS ? QR_VERIFY_THREADS : (size_t)cpus;
    if (t > n / QR_VERIFY_PER_THREAD)
        t = n / QR_VERIFY_PER_THREAD ? n / QR_VERIFY_PER_THREAD : 1;
    size_t per = (n + t - 1) / t, max_len = (size_t)s->cfg.max_message_size;
    pthread_t tid[QR_VERIFY_THREADS];
    verify_job job[QR_VERIFY_THREADS];
    int started[QR_VERIFY_THREADS] = {0};
    for (size_t i = 0; i < t; i++) {
        job[i] = (verify_job){in, i * per < n ? i * per : n, (i + 1) * per < n ? (i + 1) * per : n,
                              max_len};
        if (i > 0)
            started[i] = pthread_create(&tid[i], NULL, check_range, &job[i]) == 0;
    }
    check_range(&job[0]);
    for (size_t i = 1; i < t; i++) {
        if (started[i])
            pthread_join(tid[i], NULL);
        else
            check_range(&job[i]); /* no thread to be had: check them here */
    }
}
