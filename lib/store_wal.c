/*
 * store_wal.c: SQLite's WAL checkpoints on a thread and a connection of their own, so that no
 * commit waits for one.
 *
 * In WAL mode each COMMIT appends its pages to the -wal file; a checkpoint copies them back
 * into the database file (with synchronous=FULL: an fsync of the WAL, the writes, an fsync of
 * the database).  SQLite runs one by default inside the COMMIT that takes the WAL past 1,000
 * pages, on the committing connection, so that commit (and every submit queued behind it)
 * waits milliseconds: at 1,000 submits a second that was one commit in about 45, enough to
 * set bench/'s p99 submit-to-acknowledge at 2.0 ms where the median was 0.45 ms.
 *
 * Here the writing connection's automatic checkpoints are off and its WAL hook, called at the
 * end of every commit with the WAL's size, wakes this thread once the WAL holds
 * QR_WAL_CHECKPOINT_PAGES; the thread runs a PASSIVE checkpoint on its own connection, which
 * takes no lock a writer or reader needs, so commits go on while it copies.  SQLite starts
 * the WAL again from its beginning only at a commit whose transaction began with every page
 * copied and no checkpoint running, so with commits close together that seldom happens
 * (test_store found 70 MB of WAL after 2,500 back-to-back commits).  So once the WAL holds
 * QR_WAL_CHECKPOINT_FORCE pages, a PASSIVE checkpoint having copied all it could, a RESTART
 * checkpoint copies the rest: it holds commits back only for those last pages (and 50 ms at
 * most, see on_busy), and the next commit starts the WAL again.  The WAL stays bounded
 * whatever the load, unless a reader keeps a transaction open on the file.
 *
 * The second connection never writes a row: the store keeps its one writing connection.
 */
#include "store_wal.h"

#include "util.h"

#include <pthread.h>
#include <stdint.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <time.h>

struct qr_wal_checkpointer {
    sqlite3 *writer, *db;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int wanted, quit;
    uint64_t runs, forced;
};

static void *run(void *arg)
{
    qr_wal_checkpointer *c = arg;
    int next_force = QR_WAL_CHECKPOINT_FORCE;
    pthread_mutex_lock(&c->mu);
    for (;;) {
        while (!c->wanted && !c->quit)
            pthread_cond_wait(&c->cv, &c->mu);
        if (c->quit)
            break;
        c->wanted = 0;
        pthread_mutex_unlock(&c->mu);
        /* See the top of the file.  SQLITE_BUSY is no failure: the next commit asks again. */
        int log = 0, forced = 0;
        sqlite3_wal_checkpoint_v2(c->db, "main", SQLITE_CHECKPOINT_PASSIVE, &log, NULL);
        if (log >= next_force) {
            int r = sqlite3_wal_checkpoint_v2(c->db, "main", SQLITE_CHECKPOINT_RESTART, NULL, NULL);
            /* Given up (a reader stays in the WAL): not again until it has grown as much. */
            next_force = r == SQLITE_OK ? QR_WAL_CHECKPOINT_FORCE : log + QR_WAL_CHECKPOINT_FORCE;
            forced = 1;
        }
        pthread_mutex_lock(&c->mu);
        c->runs++;
        c->forced += forced;
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

/* A busy handler for both connections: SQLite's own (sqlite3_busy_timeout) sleeps 1 ms, then
 * 2, 5, 10 ... between tries, so a commit held back for the 0.3 ms of a RESTART's last pages
 * would wait at least a millisecond, and a RESTART looking for the moment between two commits
 * would sleep through most of them.  This one tries every 50 microseconds: for 5 seconds on
 * the writer, as the store's timeout does, and for 50 ms on the checkpointer, because a
 * RESTART holds commits back while it waits, for the writer's lock and then for readers to
 * leave the WAL (someone's long query on the file, say): past that it gives up, and tries
 * again only when the WAL has grown by as much again.  (2 ms was too short: it gave up so
 * often on a busy daemon that the WAL grew and p99 submit-to-ack with it.) */
#define BUSY_SLEEP_US 50
#define WRITER_TRIES (5000000 / BUSY_SLEEP_US)
#define CHECKPOINTER_TRIES (50000 / BUSY_SLEEP_US)

static int on_busy(void *arg, int tries)
{
    if (tries >= (int)(intptr_t)arg)
        return 0;
    struct timespec t = {0, BUSY_SLEEP_US * 1000};
    nanosleep(&t, NULL);
    return 1;
}

/* The writer's WAL hook, on the thread that committed. */
static int on_commit(void *arg, sqlite3 *db, const char *name, int pages)
{
    qr_wal_checkpointer *c = arg;
    (void)db, (void)name;
    if (pages >= QR_WAL_CHECKPOINT_PAGES) {
        pthread_mutex_lock(&c->mu);
        c->wanted = 1;
        pthread_cond_signal(&c->cv);
        pthread_mutex_unlock(&c->mu);
    }
    return SQLITE_OK;
}

int qr_wal_checkpointer_start(sqlite3 *writer, qr_wal_checkpointer **out, char *err,
                              size_t errlen)
{
    const char *path = sqlite3_db_filename(writer, "main");
    qr_wal_checkpointer *c = calloc(1, sizeof *c);
    if (!c)
        return QR_NOMEM;
    c->writer = writer;
    int rc = QR_IO;
    if (!path || !*path ||
        sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
            SQLITE_OK ||
        sqlite3_exec(c->db, "PRAGMA synchronous=FULL", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_busy_handler(c->db, on_busy, (void *)(intptr_t)CHECKPOINTER_TRIES) !=
            SQLITE_OK) {
        qr_errf(err, errlen, "cannot open a checkpointing connection to %s: %s",
                path ? path : "the database", c->db ? sqlite3_errmsg(c->db) : "out of memory");
        goto fail;
    }
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    if (qr_thread_start(&c->thread, run, c) != 0) {
        qr_errf(err, errlen, "cannot start the checkpointing thread");
        rc = QR_INTERNAL;
        pthread_cond_destroy(&c->cv);
        pthread_mutex_destroy(&c->mu);
        goto fail;
    }
    /* From here on the writer's commits never checkpoint by themselves (below the force
     * limit): sqlite3_wal_hook replaces the hook sqlite3_wal_autocheckpoint installed. */
    sqlite3_wal_hook(writer, on_commit, c);
    sqlite3_busy_handler(writer, on_busy, (void *)(intptr_t)WRITER_TRIES);
    *out = c;
    return QR_OK;
fail:
    sqlite3_close(c->db);
    free(c);
    return rc;
}

void qr_wal_checkpointer_counts(qr_wal_checkpointer *c, uint64_t *runs, uint64_t *forced)
{
    pthread_mutex_lock(&c->mu);
    *runs = c->runs;
    *forced = c->forced;
    pthread_mutex_unlock(&c->mu);
}

void qr_wal_checkpointer_stop(qr_wal_checkpointer **cp)
{
    qr_wal_checkpointer *c = *cp;
    if (!c)
        return;
    pthread_mutex_lock(&c->mu);
    c->quit = 1;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
    /* Back to SQLite's own checkpoints and waits for whatever the writer still commits. */
    sqlite3_wal_autocheckpoint(c->writer, 1000);
    sqlite3_busy_timeout(c->writer, 5000);
    sqlite3_close(c->db);
    pthread_cond_destroy(&c->cv);
    pthread_mutex_destroy(&c->mu);
    free(c);
    *cp = NULL;
}
