/*
 * store_backup.c: the store's online backup and integrity check (see store.h).
 *
 * The SQLite backup API, driven a few pages at a time through the store's own (only)
 * connection.  Because the source connection is the one that writes, SQLite carries every
 * change committed while the copy is under way into the pages already copied: the finished
 * copy is the file as it stands when the last step ends, a consistent cut, and writers never
 * wait for the copy.  A step is never taken inside a batch (an open transaction on that
 * connection), so no uncommitted page reaches the copy.
 */
#include "store.h"

#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int qr_store_integrity_check(qr_store *s, char *err, size_t errlen)
{
    sqlite3_stmt *q = NULL;
    int rc = QR_IO;
    sqlite3 *db = qr_store_sqlite(s);
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, NULL) != SQLITE_OK) {
        qr_errf(err, errlen, "cannot run integrity_check: %s", sqlite3_errmsg(db));
        return QR_IO;
    }
    if (sqlite3_step(q) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(q, 0);
        rc = t && strcmp(t, "ok") == 0 ? QR_OK : QR_TAMPERED;
        qr_errf(err, errlen, "%s", t ? t : "no answer");
    }
    sqlite3_finalize(q);
    return rc;
}

struct qr_store_backup {
    qr_store *s;
    sqlite3 *src;
    sqlite3 *dest;
    sqlite3_backup *b;
    int done;
};

int qr_store_backup_begin(qr_store *s, const char *path, qr_store_backup **out, char *err,
                          size_t errlen)
{
    sqlite3 *src = qr_store_sqlite(s);
    if (!sqlite3_get_autocommit(src)) {
        qr_errf(err, errlen, "a batch is open");
        return QR_INTERNAL;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        qr_errf(err, errlen, "cannot create %s: %s", path, strerror(errno));
        return errno == EEXIST ? QR_DUPLICATE : QR_IO;
    }
    close(fd);
    qr_store_backup *b = calloc(1, sizeof *b);
    if (!b)
        return QR_NOMEM;
    b->s = s;
    b->src = src;
    if (sqlite3_open_v2(path, &b->dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
            SQLITE_OK ||
        (b->b = sqlite3_backup_init(b->dest, "main", src, "main")) == NULL) {
        qr_errf(err, errlen, "cannot start a backup into %s: %s", path,
                b->dest ? sqlite3_errmsg(b->dest) : "out of memory");
        sqlite3_close(b->dest);
        free(b);
        return QR_IO;
    }
    *out = b;
    return QR_OK;
}

int qr_store_backup_step(qr_store_backup *b, int pages, int *done)
{
    *done = b->done;
    if (b->done)
        return QR_OK;
    if (!sqlite3_get_autocommit(b->src))
        return QR_INTERNAL; /* a batch is open: its pages are not for copying */
    int r = sqlite3_backup_step(b->b, pages);
    if (r == SQLITE_OK || r == SQLITE_BUSY || r == SQLITE_LOCKED)
        return QR_OK; /* more to copy, or try again at the next step */
    if (r != SQLITE_DONE)
        return QR_IO;
    b->done = *done = 1;
    return QR_OK;
}

void qr_store_backup_progress(const qr_store_backup *b, uint64_t *copied, uint64_t *total)
{
    int left = sqlite3_backup_remaining(b->b), all = sqlite3_backup_pagecount(b->b);
    *total = all > 0 ? (uint64_t)all : 0;
    *copied = all > left ? (uint64_t)(all - left) : 0;
}

int qr_store_backup_finish(qr_store_backup **bp, char *err, size_t errlen)
{
    if (!bp || !*bp)
        return QR_OK;
    qr_store_backup *b = *bp;
    int rc = b->done ? QR_OK : QR_UNAVAILABLE;
    if (sqlite3_backup_finish(b->b) != SQLITE_OK && rc == QR_OK) {
        qr_errf(err, errlen, "the backup failed: %s", sqlite3_errmsg(b->dest));
        rc = QR_IO;
    }
    /* A backup is one self-contained file: no -wal beside it to lose in a copy. */
    if (rc == QR_OK &&
        sqlite3_exec(b->dest, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK) {
        qr_errf(err, errlen, "cannot finish the copy: %s", sqlite3_errmsg(b->dest));
        rc = QR_IO;
    }
    if (sqlite3_close(b->dest) != SQLITE_OK && rc == QR_OK)
        rc = QR_IO;
    if (rc == QR_UNAVAILABLE)
        qr_errf(err, errlen, "the backup was stopped before it finished");
    free(b);
    *bp = NULL;
    return rc;
}
