/*
 * store_schema.c: schema versions of the database file, and upgrades from one to the next.
 *
 * How versions work
 * -----------------
 * meta.schema_version holds the file's version as decimal text.  Version 1 is the
 * foundation's tables, and store.c's schema text creates exactly version 1, always: it is
 * frozen.  Every later change is a step below, from version N to N+1, and a new file is built
 * the same way an old one is upgraded (version 1, then every step), so there is one path and
 * a fresh file and an upgraded one cannot differ.
 *
 * A daemon opening a file read-write applies, in order, every step from the file's version to
 * QR_STORE_SCHEMA_VERSION, inside the same BEGIN IMMEDIATE transaction that opens the file,
 * together with the version bump and a row in schema_history (version, when, by which
 * quorum).  Either every step commits or none does: a failure or a crash part way leaves the
 * file exactly as it was, at its old version.
 *
 * A file of a newer version than this build knows is refused before anything is changed, with
 * a sentence that says so: its new tables may carry meaning this build would ignore.  A file
 * whose version is not a positive number is not a quorum database.
 *
 * Read-only opens (quorum --db, checking a backup) never change a file.  They accept versions
 * from QR_STORE_SCHEMA_OLDEST_READABLE to the current one; a step that changes what reads see
 * must raise that floor.
 *
 * What a step may do: add tables, indexes and columns, and fill what is derived.  It may never
 * change a log row (forums, entries, hashes, checkpoints): the Merkle tree and the signed
 * checkpoints cover those bytes, and the append-only triggers refuse it anyway.
 *
 * History
 * -------
 *   1  meta, forums, entries, hashes, checkpoints; append-only triggers (quorum 0.1)
 *   2  schema_history: each upgrade applied to the file, when, and by which quorum
 *   3  witnessing: cosignatures (append-only), evidence of split views (append-only), alerts
 *      raised (each once).  Before this step these were made on first use; the step adopts
 *      such tables as they are (IF NOT EXISTS), so an upgraded file and a fresh one match.
 *   4  tiles: the tree's levels 0 to 7 in rows of 30 hashes, so that a proof reads them in two
 *      rows (store_tiles.c), append-only; the step fills them from the hashes table for every
 *      complete block (about a second for a million entries).
 */
#include "store_schema.h"

#include "log.h"
#include "store.h"
#include "store_tiles.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int to;           /* the version this step produces, from to - 1 */
    const char *what; /* for the log */
    const char *sql;
    int (*fill)(sqlite3 *db); /* then, if not NULL: derive what the new tables hold */
} schema_step;

static const schema_step steps[] = {
    {2, "record each schema upgrade in schema_history",
     "CREATE TABLE schema_history(version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL,"
     "  software TEXT NOT NULL) STRICT;",
     NULL},
    {3, "the witnessing tables: cosignatures, evidence and alerts",
     "CREATE TABLE IF NOT EXISTS cosignatures(forum_id INTEGER NOT NULL, size INTEGER NOT NULL,"
     "  witness TEXT NOT NULL, line TEXT NOT NULL, at INTEGER NOT NULL,"
     "  PRIMARY KEY(forum_id, size, witness)) STRICT, WITHOUT ROWID;"
     "CREATE TABLE IF NOT EXISTS evidence(id INTEGER PRIMARY KEY, forum TEXT NOT NULL,"
     "  what TEXT NOT NULL, ours TEXT NOT NULL, theirs TEXT NOT NULL, at INTEGER NOT NULL) "
     "STRICT;"
     "CREATE TABLE IF NOT EXISTS alerts(key TEXT PRIMARY KEY, at INTEGER NOT NULL) STRICT;"
     "CREATE TRIGGER IF NOT EXISTS cosignatures_no_update BEFORE UPDATE ON cosignatures BEGIN"
     "  SELECT RAISE(ABORT, 'cosignatures are append-only'); END;"
     "CREATE TRIGGER IF NOT EXISTS cosignatures_no_delete BEFORE DELETE ON cosignatures BEGIN"
     "  SELECT RAISE(ABORT, 'cosignatures are append-only'); END;"
     "CREATE TRIGGER IF NOT EXISTS evidence_no_update BEFORE UPDATE ON evidence BEGIN"
     "  SELECT RAISE(ABORT, 'evidence is append-only'); END;"
     "CREATE TRIGGER IF NOT EXISTS evidence_no_delete BEFORE DELETE ON evidence BEGIN"
     "  SELECT RAISE(ABORT, 'evidence is append-only'); END;",
     NULL},
    {4, "tiles of the tree's lowest levels, for proofs",
     "CREATE TABLE tiles(id INTEGER PRIMARY KEY, forum_id INTEGER NOT NULL,"
     "  level INTEGER NOT NULL, idx INTEGER NOT NULL, hashes BLOB NOT NULL,"
     "  CHECK (level IN (0, 4) AND forum_id BETWEEN 1 AND 4194303"
     "    AND idx BETWEEN 0 AND 1099511627775"
     "    AND id = ((forum_id << 41) | ((level / 4) << 40) | idx))) STRICT;",
     qr_tiles_fill},
};

#define NSTEPS (sizeof steps / sizeof *steps)

_Static_assert(NSTEPS + 1 == QR_STORE_SCHEMA_VERSION,
               "one step per version after 1: add a step with the version");

/* meta.schema_version as a number; 0 if missing, -1 if it is not a positive number. */
static int read_version(sqlite3 *db)
{
    sqlite3_stmt *q = NULL;
    int v = 0;
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &q,
                           NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(q, 0);
        char *end = NULL;
        errno = 0;
        long n = t ? strtol(t, &end, 10) : -1;
        v = (!t || errno || end == t || *end || n < 1 || n > 1000000) ? -1 : (int)n;
    }
    sqlite3_finalize(q);
    return v;
}

int qr_store_schema_check(sqlite3 *db, const char *path, int writable, int *version, char *err,
                          size_t errlen)
{
    int v = read_version(db);
    *version = v;
    if (v <= 0) {
        qr_errf(err, errlen, "%s is not a quorum database: it has no valid schema version", path);
        return QR_BAD_CONFIG;
    }
    if (v > QR_STORE_SCHEMA_VERSION) {
        qr_errf(err, errlen,
                "%s has schema version %d, but this quorum (%s) understands versions up to %d: "
                "it was written by a newer quorum. Run that version (or newer), or restore a "
                "backup taken before the upgrade; this file was not changed",
                path, v, QR_VERSION, QR_STORE_SCHEMA_VERSION);
        return QR_BAD_CONFIG;
    }
    if (!writable && v < QR_STORE_SCHEMA_OLDEST_READABLE) {
        qr_errf(err, errlen,
                "%s has schema version %d, too old to read without upgrading it; start "
                "quorumd (%s) on it once to upgrade it",
                path, v, QR_VERSION);
        return QR_BAD_CONFIG;
    }
    return QR_OK;
}

static int record(sqlite3 *db, int version)
{
    sqlite3_stmt *q = NULL;
    int ok = sqlite3_prepare_v2(db, "UPDATE meta SET value = ?1 WHERE key = 'schema_version'", -1,
                                &q, NULL) == SQLITE_OK;
    char text[16];
    snprintf(text, sizeof text, "%d", version);
    ok = ok && sqlite3_bind_text(q, 1, text, -1, SQLITE_TRANSIENT) == SQLITE_OK &&
         sqlite3_step(q) == SQLITE_DONE && sqlite3_changes(db) == 1;
    sqlite3_finalize(q);
    q = NULL;
    ok = ok &&
         sqlite3_prepare_v2(db,
                            "INSERT INTO schema_history(version, applied_at, software) "
                            "VALUES (?1, ?2, 'quorum " QR_VERSION "')",
                            -1, &q, NULL) == SQLITE_OK &&
         sqlite3_bind_int(q, 1, version) == SQLITE_OK &&
         sqlite3_bind_int64(q, 2, qr_now()) == SQLITE_OK && sqlite3_step(q) == SQLITE_DONE;
    sqlite3_finalize(q);
    return ok ? QR_OK : QR_IO;
}

int qr_store_schema_upgrade(sqlite3 *db, const char *path, int *from, char *err, size_t errlen)
{
    int v, rc = qr_store_schema_check(db, path, 1, &v, err, errlen);
    *from = v;
    if (rc != QR_OK)
        return rc;
    for (size_t i = 0; i < NSTEPS; i++) {
        const schema_step *st = &steps[i];
        if (st->to <= v)
            continue;
        int filled = QR_OK;
        if (sqlite3_exec(db, st->sql, NULL, NULL, NULL) != SQLITE_OK ||
            (st->fill && (filled = st->fill(db)) != QR_OK) || record(db, st->to) != QR_OK) {
            qr_errf(err, errlen,
                    "%s: the upgrade to schema version %d (%s) failed: %s; the "
                    "file was not changed",
                    path, st->to, st->what,
                    filled == QR_TAMPERED ? "the stored tree hashes are incomplete"
                                          : sqlite3_errmsg(db));
            return filled == QR_TAMPERED ? QR_TAMPERED : QR_IO;
        }
        v = st->to;
    }
    return QR_OK;
}
