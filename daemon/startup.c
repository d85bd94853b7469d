/*
 * startup.c: before quorumd serves anything, every forum's log is read once: each entry's
 * bytes against its stored leaf hash, and the recomputed tree head against the forum's last
 * checkpoint (which this daemon's log key must have signed).  Any mismatch and the daemon
 * refuses to start, naming the forum and entry.
 *
 * Forums' rulebook states are not built here: each is built when first needed
 * (rulebooks.c).  What the daemon must know of every forum from the start is kept from the
 * few statements that say it (qr_server_indexes: charters, organisations joining, members
 * appointed, actions): only those entries are opened, the rest are only hashed, their number
 * and kind read off the bytes without decoding them (qr_entry_peek).  Their signatures are not
 * checked again: the daemon checked each when it arrived, and the bytes are now matched to
 * its own signed checkpoint.
 *
 * Forums are independent logs, so they are read on several threads (one per CPU, at most
 * QR_START_THREADS), each with its own read-only SQLite connection; the daemon's one writing
 * connection is not used by them.  Nothing shared is touched on those threads: the entries
 * kept are opened and indexed afterwards on the main thread, forum by forum in the store's order and
 * entry by entry, exactly as a single thread would, so the names keys get (zap.c) do not
 * depend on which thread finished first.
 */
#include "server.h"

#include "log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define QR_START_THREADS 8

/* An entry's bytes, kept to be opened on the main thread (a copy of the bytes is a fraction
 * of the memory of the decoded statement, and thousands are kept until every forum is read). */
typedef struct {
    uint64_t seq;
    uint8_t *bytes;
    size_t len;
} kept_entry;

/* One forum's reading. */
typedef struct {
    const char *forum;
    kept_entry *keep; /* the entries whose kind qr_server_indexes() names, in log order */
    size_t nkeep, capkeep;
    int rc;
    char err[1024];
} forum_load;

typedef struct {
    qr_server *s;
    char path[1100];
    forum_load *loads;
    size_t n, next;
    pthread_mutex_t lock;
} start_job;

static int keep_entry(void *ctx, uint64_t seq, const uint8_t *entry, size_t len,
                      const uint8_t leaf[QR_HASH_LEN], int kind)
{
    forum_load *fl = ctx;
    (void)leaf;
    /* A statement the peek could not read (-1) is kept too, so nothing that counts is
     * missed; one without a kind (0) does not count. */
    if (kind >= 0 && !qr_server_indexes(kind))
        return QR_OK;
    if (fl->nkeep == fl->capkeep) {
        size_t cap = fl->capkeep ? 2 * fl->capkeep : 8;
        kept_entry *v = realloc(fl->keep, cap * sizeof *v);
        if (!v)
            return QR_NOMEM;
        fl->keep = v;
        fl->capkeep = cap;
    }
    kept_entry *k = &fl->keep[fl->nkeep];
    if ((k->bytes = malloc(len)) == NULL)
        return QR_NOMEM;
    memcpy(k->bytes, entry, len);
    k->len = len;
    k->seq = seq;
    fl->nkeep++;
    return QR_OK;
}

/* Open a kept entry and index its statement. */
static void index_entry(qr_server *s, const char *forum, const kept_entry *k)
{
    qr_statement *st = NULL;
    char err[256];
    if (qr_entry_open_trusted(k->bytes, k->len, &st, err, sizeof err) != QR_OK)
        qr_warn("forum %s entry %llu does not open: %s", forum, (unsigned long long)k->seq,
                err); /* quorum verify names it too; the log is what it is */
    else
        qr_server_index_statement(s, st->st);
    qr_statement_destroy(&st);
}

static void load_forum(start_job *j, qr_store *store, size_t i)
{
    forum_load *fl = &j->loads[i];
    fl->forum = qr_store_forum_at(j->s->store, i)->forum;
    const qr_store_forum *f = qr_store_forum_find(store, fl->forum);
    uint8_t root[QR_HASH_LEN];
    if (!f) {
        snprintf(fl->err, sizeof fl->err, "forum %s vanished from the database while starting",
                 fl->forum);
        fl->rc = QR_IO;
        return;
    }
    fl->rc = qr_server_check_forum(store, j->s->key, j->s->cfg.origin, f, keep_entry, fl, root,
                                   fl->err, sizeof fl->err);
}

/* Take forums until none is left; store is this thread's own connection. */
static void take_forums(start_job *j, qr_store *store)
{
    for (;;) {
        pthread_mutex_lock(&j->lock);
        size_t i = j->next < j->n ? j->next++ : j->n;
        if (i < j->n)
            qr_notify_extend_start(60); /* a large log takes a while to re-read */
        pthread_mutex_unlock(&j->lock);
        if (i == j->n)
            return;
        load_forum(j, store, i);
    }
}

static void *worker(void *arg)
{
    start_job *j = arg;
    qr_store *store = NULL;
    char err[512];
    if (qr_store_open(j->path, QR_STORE_READONLY, &store, err, sizeof err) != QR_OK) {
        qr_warn("a start-up thread cannot open %s (%s); the others read its forums", j->path,
                err);
        return NULL;
    }
    take_forums(j, store);
    qr_store_destroy(&store);
    return NULL;
}

static size_t thread_count(size_t forums)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t n = cpus > 1 ? (size_t)cpus : 1;
    if (n > QR_START_THREADS)
        n = QR_START_THREADS;
    return n < forums ? n : forums;
}

void qr_server_refuse_damaged(const qr_server *s, const char *what)
{
    qr_error("refusing to start: the log in %s/quorumd.db %s. Restore it from a backup: stop "
             "quorumd, move the file aside, put in its place a copy made by `quorum backup` "
             "(with the same log key) and start quorumd, which checks it (quorumd(8), BACKUP "
             "AND RESTORE); or from an organisation's mirror, whose database holds every entry "
             "and checkpoint it has seen. Entries recorded after the copy are in the "
             "organisations' mirrors.",
             s->cfg.state_dir, what);
}

/* On the main thread, in the store's order: the first failure stops the start; otherwise the
 * statements kept are indexed. */
static int finish(qr_server *s, start_job *j)
{
    int rc = QR_OK;
    for (size_t i = 0; i < j->n; i++) {
        forum_load *fl = &j->loads[i];
        const char *forum = qr_store_forum_at(s->store, i)->forum;
        if (rc == QR_OK && fl->rc == QR_NOMEM) {
            qr_error("out of memory loading forum %s", forum);
            rc = fl->rc;
        } else if (rc == QR_OK && fl->rc != QR_OK) {
            qr_error("%s", fl->err);
            qr_server_refuse_damaged(s, "does not match what this daemon signed");
            rc = fl->rc;
        }
        for (size_t k = 0; k < fl->nkeep; k++) {
            if (rc == QR_OK)
                index_entry(s, forum, &fl->keep[k]);
            free(fl->keep[k].bytes);
        }
        free(fl->keep);
    }
    return rc;
}

int qr_server_check_heads(qr_server *s)
{
    start_job j = {.s = s, .n = qr_store_forum_count(s->store)};
    snprintf(j.path, sizeof j.path, "%s/quorumd.db", s->cfg.state_dir);
    if ((j.loads = calloc(j.n ? j.n : 1, sizeof *j.loads)) == NULL)
        return QR_NOMEM;
    pthread_mutex_init(&j.lock, NULL);
    pthread_t tid[QR_START_THREADS];
    size_t nthreads = thread_count(j.n), started = 0;
    /* The main thread reads too, on the daemon's own connection (no writes yet). */
    for (size_t t = 1; t < nthreads; t++)
        if (pthread_create(&tid[started], NULL, worker, &j) == 0)
            started++;
    take_forums(&j, s->store);
    for (size_t t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    pthread_mutex_destroy(&j.lock);
    int rc = finish(s, &j);
    free(j.loads);
    if (rc == QR_OK)
        qr_info("checked %zu forum%s: every tree head matches its signed checkpoint (read on "
                "%zu thread%s)",
                j.n, j.n == 1 ? "" : "s", started + 1, started ? "s" : "");
    return rc;
}
