/*
 * commit.c: a batch's COMMIT on a thread of its own, so that the loop takes the next requests
 * and checks their signatures while the disk makes this batch durable.
 *
 * With synchronous=FULL a COMMIT is mostly waiting for fsync (a third of a millisecond on a
 * quiet disk, far more on a busy one), and the loop used to wait with it: perf on quorumd with
 * 32 clients found both cores idle 41% of the time.  Now the loop seals a batch (its
 * checkpoints signed inside the transaction), hands the COMMIT here, takes and verifies what
 * has arrived meanwhile, and only then waits for the result (qr_batch_finish in handlers.c)
 * before it acknowledges the batch or touches the store again.  Nothing is acknowledged,
 * published or read before its COMMIT has returned: only the waiting moved.
 *
 * One thread, one job at a time: the store's connection is used by exactly one thread at any
 * moment (it is opened SQLITE_OPEN_NOMUTEX), handed over and back under the mutex.
 */
#include "server.h"

#include "util.h"

#include <pthread.h>
#include <stdlib.h>

enum { C_IDLE, C_WORK, C_DONE, C_QUIT };

struct qr_committer {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    qr_store *store;
    int state, rc;
    int64_t done_us; /* when the last COMMIT returned (qr_stats_now_us) */
};

static void *run(void *arg)
{
    qr_committer *c = arg;
    pthread_mutex_lock(&c->mu);
    for (;;) {
        while (c->state != C_WORK && c->state != C_QUIT)
            pthread_cond_wait(&c->cv, &c->mu);
        if (c->state == C_QUIT)
            break;
        pthread_mutex_unlock(&c->mu);
        int rc = qr_store_commit_write(c->store);
        int64_t now = qr_stats_now_us();
        pthread_mutex_lock(&c->mu);
        c->rc = rc;
        c->done_us = now;
        c->state = C_DONE;
        pthread_cond_broadcast(&c->cv);
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

int qr_committer_start(qr_store *store, qr_committer **out)
{
    qr_committer *c = calloc(1, sizeof *c);
    if (!c)
        return QR_NOMEM;
    c->store = store;
    c->state = C_IDLE;
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    if (qr_thread_start(&c->thread, run, c) != 0) {
        pthread_cond_destroy(&c->cv);
        pthread_mutex_destroy(&c->mu);
        free(c);
        return QR_INTERNAL;
    }
    *out = c;
    return QR_OK;
}

void qr_committer_send(qr_committer *c)
{
    pthread_mutex_lock(&c->mu);
    c->state = C_WORK;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
}

int qr_committer_wait(qr_committer *c, int64_t *done_us)
{
    pthread_mutex_lock(&c->mu);
    while (c->state == C_WORK)
        pthread_cond_wait(&c->cv, &c->mu);
    int rc = c->state == C_DONE ? c->rc : QR_INTERNAL;
    if (done_us)
        *done_us = c->done_us;
    c->state = C_IDLE;
    pthread_mutex_unlock(&c->mu);
    return rc;
}

void qr_committer_stop(qr_committer **cp)
{
    qr_committer *c = *cp;
    if (!c)
        return;
    pthread_mutex_lock(&c->mu);
    while (c->state == C_WORK)
        pthread_cond_wait(&c->cv, &c->mu);
    c->state = C_QUIT;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
    pthread_cond_destroy(&c->cv);
    pthread_mutex_destroy(&c->mu);
    free(c);
    *cp = NULL;
}
