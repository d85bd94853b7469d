/*
 * witness.c: the cosignature, evidence and alert tables (see witness.h).
 */
#include "witness.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

/* Prepare, bind the forum's row id as ?1, and hand back the statement. */
static sqlite3_stmt *query(qr_store *s, const char *sql, const char *forum)
{
    const qr_store_forum *f = forum ? qr_store_forum_find(s, forum) : NULL;
    sqlite3_stmt *q = NULL;
    if ((forum && !f) ||
        sqlite3_prepare_v2(qr_store_sqlite(s), sql, -1, &q, NULL) != SQLITE_OK) {
        sqlite3_finalize(q);
        return NULL;
    }
    if (f)
        sqlite3_bind_int64(q, 1, f->id);
    return q;
}

static int done(sqlite3_stmt *q)
{
    int r = sqlite3_step(q);
    sqlite3_finalize(q);
    return r == SQLITE_DONE ? QR_OK : QR_IO;
}

int qr_witness_checkpoint_at(qr_store *s, const char *forum, uint64_t size, char **note)
{
    sqlite3_stmt *q =
        query(s, "SELECT note FROM checkpoints WHERE forum_id = ?1 AND size = ?2", forum);
    if (!q)
        return QR_NOT_FOUND;
    sqlite3_bind_int64(q, 2, (int64_t)size);
    int rc = QR_NOT_FOUND;
    if (sqlite3_step(q) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(q, 0);
        rc = (*note = strdup(t ? t : "")) ? QR_OK : QR_NOMEM;
    }
    sqlite3_finalize(q);
    return rc;
}

int qr_witness_put_cosig(qr_store *s, const char *forum, uint64_t size, const char *witness,
                         const char *line, int64_t at)
{
    sqlite3_stmt *q = query(s,
                            "INSERT OR IGNORE INTO cosignatures(forum_id, size, witness, line, at)"
                            " VALUES (?1, ?2, ?3, ?4, ?5)",
                            forum);
    if (!q)
        return QR_UNKNOWN_FORUM;
    sqlite3_bind_int64(q, 2, (int64_t)size);
    sqlite3_bind_text(q, 3, witness, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, line, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 5, at);
    return done(q);
}

int qr_witness_cosigs(qr_store *s, const char *forum, uint64_t size, char **lines)
{
    sqlite3_stmt *q = query(s,
                            "SELECT line FROM cosignatures WHERE forum_id = ?1 AND size = ?2 "
                            "ORDER BY witness",
                            forum);
    size_t len = 0, cap = 256;
    char *out = malloc(cap);
    if (!out) {
        sqlite3_finalize(q);
        return QR_NOMEM;
    }
    out[0] = 0;
    if (q) {
        sqlite3_bind_int64(q, 2, (int64_t)size);
        while (sqlite3_step(q) == SQLITE_ROW) {
            const char *t = (const char *)sqlite3_column_text(q, 0);
            size_t n = t ? strlen(t) : 0;
            if (len + n + 1 > cap) {
                char *bigger = realloc(out, 2 * (len + n + 1));
                if (!bigger) {
                    free(out);
                    sqlite3_finalize(q);
                    return QR_NOMEM;
                }
                out = bigger;
                cap = 2 * (len + n + 1);
            }
            memcpy(out + len, t ? t : "", n + 1);
            len += n;
        }
        sqlite3_finalize(q);
    }
    *lines = out;
    return QR_OK;
}

int qr_witness_last_cosigned(qr_store *s, const char *forum, const char *witness,
                             uint64_t *size)
{
    sqlite3_stmt *q = query(s,
                            "SELECT max(size) FROM cosignatures WHERE forum_id = ?1 AND "
                            "witness = ?2",
                            forum);
    *size = 0;
    if (!q)
        return QR_OK;
    sqlite3_bind_text(q, 2, witness, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW)
        *size = (uint64_t)sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return QR_OK;
}

int64_t qr_witness_freshness(qr_store *s, const char *forum)
{
    sqlite3_stmt *q = query(s, "SELECT max(at) FROM cosignatures WHERE forum_id = ?1", forum);
    int64_t at = 0;
    if (q && sqlite3_step(q) == SQLITE_ROW)
        at = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return at;
}

int qr_witness_put_evidence(qr_store *s, const char *forum, const char *what, const char *ours,
                            const char *theirs, int64_t at)
{
    sqlite3_stmt *q = query(s,
                            "INSERT INTO evidence(forum, what, ours, theirs, at) "
                            "VALUES (?1, ?2, ?3, ?4, ?5)",
                            NULL);
    if (!q)
        return QR_IO;
    sqlite3_bind_text(q, 1, forum, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, what, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, ours ? ours : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, theirs ? theirs : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 5, at);
    return done(q);
}

int qr_witness_evidence_count(qr_store *s, const char *forum, uint64_t *n)
{
    sqlite3_stmt *q = query(s, "SELECT count(*) FROM evidence WHERE forum = ?1", NULL);
    *n = 0;
    if (!q)
        return QR_OK;
    sqlite3_bind_text(q, 1, forum, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW)
        *n = (uint64_t)sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return QR_OK;
}

int qr_witness_mark_alert(qr_store *s, const char *key, int64_t at)
{
    sqlite3_stmt *q =
        query(s, "INSERT OR IGNORE INTO alerts(key, at) VALUES (?1, ?2)", NULL);
    if (!q)
        return -QR_IO;
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, at);
    int r = sqlite3_step(q);
    sqlite3_finalize(q);
    if (r != SQLITE_DONE)
        return -QR_IO;
    return sqlite3_changes(qr_store_sqlite(s)) > 0;
}
