/*
 * startup.c: before quorumd serves anything, every forum's log is read once: each entry's
 * bytes against its stored leaf hash, the recomputed tree head against the forum's last
 * checkpoint (which this daemon's log key must have signed), and, from the same reading, the
 * forum's rulebook state rebuilt.  Any mismatch and the daemon refuses to start, naming the
 * forum and entry.
 *
 * Forums are independent logs, so they are read on several threads (one per CPU, at most
 * QR_START_THREADS), each with its own read-only SQLite connection; the daemon's one writing
 * connection is not used by them.  Nothing shared is touched on those threads: each forum's
 * state is built apart, and the statements that register transport keys (charters,
 * organisations joining, members appointed) are kept and registered afterwards on the main
 * thread, forum by forum in the store's order and entry by entry, exactly as a single thread
 * would, so the names keys get (zap.c) do not depend on which thread finished first.
 *
 * Signatures are not checked again and statements are not re-hashed: the daemon checked each
 * signature when the statement arrived, and the bytes are now matched to its own signed
 * checkpoint (qr_replay_entry_trusted).  A million signatures would take half a minute.
 */
#include "server.h"

#include "log.h"
#include "replay.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define QR_START_THREADS 8

/* One forum's reading. */
typedef struct {
    qr_rules *rules;
    qr_statement **keys; /* statements that register keys, in log order */
    size_t nkeys, capkeys;
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

static int registers_keys(const Quorum__Statement *st)
{
    switch (st->kind_case) {
    case QUORUM__STATEMENT__KIND_FORUM_CHARTERED:
    case QUORUM__STATEMENT__KIND_CHARTER_AMENDED:
    case QUORUM__STATEMENT__KIND_ORGANISATION_JOINED:
    case QUORUM__STATEMENT__KIND_MEMBER_APPOINTED: return 1;
    default: return 0;
    }
}

static int replay_entry(void *ctx, uint64_t seq, const uint8_t *entry, size_t len,
                        const uint8_t leaf[QR_HASH_LEN])
{
    forum_load *fl = ctx;
    qr_statement *st = NULL;
    qr_refusal why;
    if (qr_replay_entry_trusted(fl->rules, entry, len, leaf, &st, &why) != QR_OK) {
        qr_warn("forum %s entry %llu breaks a rule: %s: %s", fl->rules->forum,
                (unsigned long long)seq, qr_code_name(why.code), why.message);
        return QR_OK; /* quorum verify names it too; the log is what it is */
    }
    if (!registers_keys(st->st)) {
        qr_statement_destroy(&st);
        return QR_OK;
    }
    if (fl->nkeys == fl->capkeys) {
        size_t cap = fl->capkeys ? 2 * fl->capkeys : 8;
        qr_statement **v = realloc(fl->keys, cap * sizeof *v);
        if (!v) {
            qr_statement_destroy(&st);
            return QR_NOMEM;
        }
        fl->keys = v;
        fl->capkeys = cap;
    }
    fl->keys[fl->nkeys++] = st;
    return QR_OK;
}

static void load_forum(start_job *j, qr_store *store, size_t i)
{
    forum_load *fl = &j->loads[i];
    const qr_store_forum *f = qr_store_forum_find(store, qr_store_forum_at(j->s->store, i)->forum);
    uint8_t root[QR_HASH_LEN];
    if (!f) {
        snprintf(fl->err, sizeof fl->err, "forum %s vanished from the database while starting",
                 qr_store_forum_at(j->s->store, i)->forum);
        fl->rc = QR_IO;
        return;
    }
    if ((fl->rules = qr_rules_new(f->forum)) == NULL) {
        fl->rc = QR_NOMEM;
        return;
    }
    fl->rc = qr_server_check_forum(store, j->s->key, j->s->cfg.origin, f, replay_entry, fl, root,
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

/* On the main thread, in the store's order: the first failure stops the start; otherwise each
 * forum's state goes into the map and its keys are registered. */
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
        if (rc == QR_OK && (rc = qr_strmap_put(&s->rules, forum, fl->rules)) == QR_OK)
            fl->rules = NULL; /* the map owns it */
        for (size_t k = 0; k < fl->nkeys; k++) {
            if (rc == QR_OK)
                qr_zap_register_statement(s, fl->keys[k]->st);
            qr_statement_destroy(&fl->keys[k]);
        }
        free(fl->keys);
        qr_rules_destroy(&fl->rules);
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
