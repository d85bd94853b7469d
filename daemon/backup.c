/*
 * backup.c: `quorum backup`: an online, consistent copy of the database, checked, while the
 * daemon goes on recording.
 *
 * Copy.  The store's own connection copies a few pages per turn of the main loop, between
 * batches (SQLite's backup API, see qr_store_backup_*), at most one step a millisecond, so
 * that requests and submits always go first (about 100 MB a second at most).  Batches committed
 * meanwhile are carried into the pages already copied, so the finished copy is the database as it
 * stood at the last step: a consistent cut, taken without pausing submits.
 *
 * Check.  The finished copy is opened read-only in a thread of its own (a large log takes a
 * while to re-read, and the loop must keep serving): SQLite's integrity_check, then every
 * forum's tree head recomputed from the copy's entries and checked against the copy's last
 * signed checkpoint, the very check the daemon makes at start (qr_server_check_forum).  A copy
 * that passes is one a daemon will start on.
 *
 * Where.  The copy is written as <path>.partial and renamed to <path> only once it passes, so
 * a file with the asked-for name is always a checked copy; one that fails is kept as
 * <path>.failed for inspection.  A bare name goes into backup_dir; an absolute path must be
 * writable by the daemon (under systemd: inside StateDirectory= or a ReadWritePaths= entry);
 * nothing is ever overwritten.
 *
 * Who.  Only the operator's key: the request's ZAP User-Id must be the operator entry's name
 * (names are unique per key, see zap.c).  One backup at a time.
 */
#include "server.h"

#include "log.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGES_PER_STEP 32 /* 128 KiB of 4 KiB pages per turn of the loop */

typedef struct {
    char forum[QR_MAX_ID + 1];
    uint64_t size;
    uint8_t root[QR_HASH_LEN];
    int verified;
} checked_forum;

struct qr_backup {
    zmq_msg_t peer;
    uint64_t req_id;
    char path[1100], partial[1200];
    qr_store_backup *copy;
    uint64_t pages, commits_at_start, commits_during;
    int64_t began_us;
    /* the check, run by `thread` once the copy is written */
    int checking, threaded;
    pthread_t thread;
    atomic_int checked;
    const qr_key *key;
    char origin[QR_MAX_NAME + 1];
    int rc, schema_version;
    char err[4096], integrity[256];
    checked_forum *forums;
    size_t nforums;
};

static void backup_free(qr_backup **bp)
{
    qr_backup *b = *bp;
    if (!b)
        return;
    zmq_msg_close(&b->peer);
    free(b->forums);
    free(b);
    *bp = NULL;
}

/* A bare name goes into backup_dir; an absolute path is used as it is. */
static int resolve_path(qr_server *s, const char *asked, char *out, size_t outlen, char *msg,
                        size_t msglen)
{
    if (!asked || !*asked) {
        snprintf(msg, msglen, "give the backup a file name, or an absolute path");
        return QR_BAD_REQUEST;
    }
    if (asked[0] == '/') {
        if ((size_t)snprintf(out, outlen, "%s", asked) >= outlen) {
            snprintf(msg, msglen, "the path is too long");
            return QR_TOO_LARGE;
        }
        return QR_OK;
    }
    if (strchr(asked, '/') || !strcmp(asked, ".") || !strcmp(asked, "..")) {
        snprintf(msg, msglen,
                 "'%s' is neither a bare file name (written into backup_dir) nor an absolute "
                 "path on the daemon's host",
                 asked);
        return QR_BAD_REQUEST;
    }
    char dir[1100];
    if (*s->cfg.backup_dir)
        snprintf(dir, sizeof dir, "%s", s->cfg.backup_dir);
    else
        snprintf(dir, sizeof dir, "%s/backups", s->cfg.state_dir);
    if (qr_mkdir_p(dir, 0700) != QR_OK) {
        snprintf(msg, msglen, "cannot create the backup directory %s: %s", dir, strerror(errno));
        return QR_IO;
    }
    char real[4096];
    if (realpath(dir, real) && strlen(real) < sizeof dir) /* say where it is, absolutely */
        memcpy(dir, real, strlen(real) + 1);
    if ((size_t)snprintf(out, outlen, "%s/%s", dir, asked) >= outlen) {
        snprintf(msg, msglen, "the path is too long");
        return QR_TOO_LARGE;
    }
    return QR_OK;
}

void qr_backup_request(qr_server *s, zmq_msg_t *peer, uint64_t id, const char *who,
                       const Quorum__Backup *req)
{
    char msg[1400], path[1100];
    int rc;
    if (!qr_zap_is_operator(s, who)) {
        snprintf(msg, sizeof msg,
                 s->cfg.curve ? "only the operator's key may take a backup (this connection "
                                "is %s)"
                              : "backups need CURVE (curve = on), so that the daemon knows "
                                "the operator's key (this connection is %s)",
                 *who ? who : "unknown");
        qr_warn("refused a backup from %s: not the operator", *who ? who : "?");
        qr_reply_status(s, peer, id, QR_NOT_AUTHORISED, msg);
        return;
    }
    if (s->backup) {
        snprintf(msg, sizeof msg, "a backup to %s is under way; ask again when it finishes",
                 s->backup->path);
        qr_reply_status(s, peer, id, QR_UNAVAILABLE, msg);
        return;
    }
    if ((rc = resolve_path(s, req->path, path, sizeof path, msg, sizeof msg)) != QR_OK) {
        qr_reply_status(s, peer, id, rc, msg);
        return;
    }
    if (access(path, F_OK) == 0) {
        snprintf(msg, sizeof msg, "%s exists; a backup never overwrites a file", path);
        qr_reply_status(s, peer, id, QR_DUPLICATE, msg);
        return;
    }
    qr_backup *b = calloc(1, sizeof *b);
    if (!b) {
        qr_reply_status(s, peer, id, QR_NOMEM, NULL);
        return;
    }
    zmq_msg_init(&b->peer);
    zmq_msg_copy(&b->peer, peer);
    b->req_id = id;
    snprintf(b->path, sizeof b->path, "%s", path);
    snprintf(b->partial, sizeof b->partial, "%s.partial", path);
    b->began_us = qr_stats_now_us();
    b->commits_at_start = s->stats.commits;
    b->key = s->key;
    snprintf(b->origin, sizeof b->origin, "%s", s->cfg.origin);
    if ((rc = qr_store_backup_begin(s->store, b->partial, &b->copy, msg, sizeof msg)) != QR_OK) {
        qr_error("backup to %s: %s", path, msg);
        qr_reply_status(s, peer, id, rc == QR_DUPLICATE ? QR_DUPLICATE : QR_IO, msg);
        backup_free(&b);
        return;
    }
    qr_info("backup to %s requested by %s: copying while the daemon keeps recording", path, who);
    s->backup = b;
}

static void *check_copy(void *arg)
{
    qr_backup *b = arg;
    qr_store *copy = NULL;
    char err[1024] = "";
    b->rc = qr_store_open(b->partial, QR_STORE_READONLY, &copy, b->err, sizeof b->err);
    if (b->rc == QR_OK) {
        b->schema_version = qr_store_schema_version(copy);
        b->rc = qr_store_integrity_check(copy, b->integrity, sizeof b->integrity);
        if (b->rc != QR_OK)
            snprintf(b->err, sizeof b->err, "SQLite's integrity_check of the copy says: %s",
                     b->integrity);
    }
    size_t n = copy ? qr_store_forum_count(copy) : 0;
    if (b->rc == QR_OK && n && (b->forums = calloc(n, sizeof *b->forums)) == NULL)
        b->rc = QR_NOMEM;
    for (size_t i = 0; b->rc == QR_OK && i < n; i++) {
        const qr_store_forum *f = qr_store_forum_at(copy, i);
        checked_forum *c = &b->forums[b->nforums++];
        snprintf(c->forum, sizeof c->forum, "%s", f->forum);
        c->size = f->size;
        b->rc = qr_server_check_forum(copy, b->key, b->origin, f, NULL, NULL, c->root, err,
                                      sizeof err);
        c->verified = b->rc == QR_OK;
        if (b->rc != QR_OK)
            snprintf(b->err, sizeof b->err, "the copy does not verify: %s", err);
    }
    qr_store_destroy(&copy);
    atomic_store(&b->checked, 1);
    return NULL;
}

static int sync_dir_of(const char *path)
{
    char dir[1100];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = 0;
    int fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return QR_IO;
    int rc = fsync(fd) == 0 ? QR_OK : QR_IO;
    close(fd);
    return rc;
}

static void reply_done(qr_server *s, qr_backup *b)
{
    struct stat st;
    uint64_t bytes = stat(b->path, &st) == 0 ? (uint64_t)st.st_size : 0;
    Quorum__BackupForum *fs = calloc(b->nforums ? b->nforums : 1, sizeof *fs);
    Quorum__BackupForum **ptrs = calloc(b->nforums ? b->nforums : 1, sizeof *ptrs);
    if (!fs || !ptrs) {
        qr_reply_status(s, &b->peer, b->req_id, QR_NOMEM, NULL);
        goto out;
    }
    for (size_t i = 0; i < b->nforums; i++) {
        quorum__backup_forum__init(&fs[i]);
        fs[i].forum = b->forums[i].forum;
        fs[i].size = b->forums[i].size;
        fs[i].root = (ProtobufCBinaryData){QR_HASH_LEN, b->forums[i].root};
        fs[i].verified = b->forums[i].verified != 0;
        ptrs[i] = &fs[i];
    }
    Quorum__BackupDone d = QUORUM__BACKUP_DONE__INIT;
    d.path = b->path;
    d.bytes = bytes;
    d.pages = b->pages;
    d.elapsed_ms = (uint64_t)((qr_stats_now_us() - b->began_us) / 1000);
    d.commits_during = b->commits_during;
    d.integrity = b->integrity;
    d.n_forums = b->nforums;
    d.forums = ptrs;
    d.schema_version = (uint32_t)b->schema_version;
    Quorum__Reply r = QUORUM__REPLY__INIT;
    r.id = b->req_id;
    r.result_case = QUORUM__REPLY__RESULT_BACKUP_DONE;
    r.backup_done = &d;
    qr_reply_ok(s, &b->peer, &r);
out:
    free(fs);
    free(ptrs);
}

/* The check finished: keep the copy under its name if it passed, answer, and forget it. */
static void complete(qr_server *s)
{
    qr_backup *b = s->backup;
    if (b->threaded)
        pthread_join(b->thread, NULL);
    if (b->rc == QR_OK && (rename(b->partial, b->path) != 0 || sync_dir_of(b->path) != QR_OK)) {
        snprintf(b->err, sizeof b->err, "cannot rename %s to %s: %s", b->partial, b->path,
                 strerror(errno));
        b->rc = QR_IO;
    }
    if (b->rc == QR_OK) {
        qr_info("backup to %s checked: integrity_check ok; every tree head (%zu forum%s) matches "
                "its signed checkpoint (%llu pages, %llu batches committed meanwhile)",
                b->path, b->nforums, b->nforums == 1 ? "" : "s", (unsigned long long)b->pages,
                (unsigned long long)b->commits_during);
        reply_done(s, b);
    } else {
        char failed[1300];
        snprintf(failed, sizeof failed, "%s.failed", b->path);
        if (rename(b->partial, failed) == 0)
            snprintf(b->err + strlen(b->err), sizeof b->err - strlen(b->err),
                     " (the copy is kept as %s)", failed);
        qr_error("backup to %s FAILED: %s", b->path, b->err);
        qr_reply_status(s, &b->peer, b->req_id, b->rc == QR_TAMPERED ? QR_TAMPERED : QR_IO, b->err);
    }
    backup_free(&s->backup);
}

void qr_backup_tick(qr_server *s)
{
    qr_backup *b = s->backup;
    if (!b)
        return;
    if (b->checking) {
        if (atomic_load(&b->checked))
            complete(s);
        return;
    }
    int done = 0;
    char err[512] = "";
    int rc = qr_store_backup_step(b->copy, PAGES_PER_STEP, &done);
    if (rc == QR_OK && !done)
        return;
    uint64_t total;
    qr_store_backup_progress(b->copy, &b->pages, &total);
    b->commits_during = s->stats.commits - b->commits_at_start;
    int frc = qr_store_backup_finish(&b->copy, err, sizeof err);
    if (rc == QR_OK && frc != QR_OK)
        rc = frc;
    if (rc != QR_OK) {
        qr_error("backup to %s failed while copying: %s", b->path, *err ? err : qr_strerror(rc));
        unlink(b->partial);
        qr_reply_status(s, &b->peer, b->req_id, QR_IO, *err ? err : "the copy failed");
        backup_free(&s->backup);
        return;
    }
    qr_info("backup to %s: %llu pages copied in %lld ms, %llu batches committed meanwhile; "
            "checking the copy",
            b->path, (unsigned long long)b->pages,
            (long long)((qr_stats_now_us() - b->began_us) / 1000),
            (unsigned long long)b->commits_during);
    b->checking = 1;
    if (pthread_create(&b->thread, NULL, check_copy, b) == 0)
        b->threaded = 1;
    else
        check_copy(b); /* no thread to be had: check here, holding up the loop this once */
}

int qr_backup_poll_ms(const qr_server *s, int cap)
{
    if (!s->backup)
        return cap;
    if (!s->backup->checking)
        return cap < 1 ? cap : 1; /* a step each millisecond at most: submits come first */
    return cap < 20 ? cap : 20;
}

void qr_backup_abort(qr_server *s)
{
    qr_backup *b = s->backup;
    if (!b)
        return;
    if (b->checking) { /* let the check finish: it reads only the copy */
        complete(s);
        return;
    }
    char err[256];
    qr_store_backup_finish(&b->copy, err, sizeof err);
    unlink(b->partial);
    qr_warn("backup to %s stopped unfinished: the daemon is stopping", b->path);
    qr_reply_status(s, &b->peer, b->req_id, QR_UNAVAILABLE,
                    "the daemon is stopping; the backup was not finished (nothing was kept)");
    backup_free(&s->backup);
}

void qr_backup_describe(const qr_server *s, char *out, size_t outlen)
{
    const qr_backup *b = s->backup;
    if (!b) {
        snprintf(out, outlen, "%s", "");
        return;
    }
    if (b->checking) {
        snprintf(out, outlen, "checking the copy %s", b->path);
        return;
    }
    uint64_t copied = 0, total = 0;
    if (b->copy)
        qr_store_backup_progress(b->copy, &copied, &total);
    snprintf(out, outlen, "copying to %s: %llu of %llu pages", b->path, (unsigned long long)copied,
             (unsigned long long)total);
}
