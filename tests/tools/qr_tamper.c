/*
 * qr_tamper: make a tampered copy of a live quorum database, as an attacker with file access
 * would: copy it with SQLite's online backup, drop the append-only triggers, and change bytes
 * of one entry in place.  Used to prove that quorumd refuses to start on it and that
 * `quorum verify` names the entry.
 *
 * usage: qr_tamper SRC.db DST.db FORUM SEQ FIND REPLACE
 *   replaces the first occurrence of the text FIND in entry SEQ with REPLACE (same length);
 *   with FIND = "-" only copies (a control: the copy must still be accepted).
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(sqlite3 *db, const char *what)
{
    fprintf(stderr, "qr_tamper: %s: %s\n", what, db ? sqlite3_errmsg(db) : "?");
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 7 || strlen(argv[5]) != strlen(argv[6])) {
        fprintf(stderr, "usage: qr_tamper SRC.db DST.db FORUM SEQ FIND REPLACE (same length)\n");
        return 2;
    }
    sqlite3 *src = NULL, *dst = NULL;
    if (sqlite3_open_v2(argv[1], &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return fail(src, "open source");
    if (sqlite3_open(argv[2], &dst) != SQLITE_OK)
        return fail(dst, "open copy");
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
    if (!b || sqlite3_backup_step(b, -1) != SQLITE_DONE)
        return fail(dst, "backup");
    sqlite3_backup_finish(b);
    sqlite3_close(src);
    if (strcmp(argv[5], "-") == 0)
        return sqlite3_close(dst) == SQLITE_OK ? 0 : 1;

    if (sqlite3_exec(dst, "DROP TRIGGER entries_no_update", NULL, NULL, NULL) != SQLITE_OK)
        return fail(dst, "drop trigger");
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(dst,
                           "SELECT e.entry FROM entries e JOIN forums f ON f.id = e.forum_id "
                           "WHERE f.forum = ?1 AND e.seq = ?2",
                           -1, &q, NULL) != SQLITE_OK)
        return fail(dst, "select");
    sqlite3_bind_text(q, 1, argv[3], -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, atoll(argv[4]));
    if (sqlite3_step(q) != SQLITE_ROW)
        return fail(dst, "no such entry");
    int n = sqlite3_column_bytes(q, 0);
    unsigned char *blob = malloc((size_t)n);
    memcpy(blob, sqlite3_column_blob(q, 0), (size_t)n);
    sqlite3_finalize(q);
    size_t flen = strlen(argv[5]);
    unsigned char *hit = memmem(blob, (size_t)n, argv[5], flen);
    if (!hit) {
        fprintf(stderr, "qr_tamper: '%s' is not in entry %s\n", argv[5], argv[4]);
        return 1;
    }
    memcpy(hit, argv[6], flen);
    if (sqlite3_prepare_v2(dst,
                           "UPDATE entries SET entry = ?3 WHERE seq = ?2 AND forum_id = "
                           "(SELECT id FROM forums WHERE forum = ?1)",
                           -1, &q, NULL) != SQLITE_OK)
        return fail(dst, "update");
    sqlite3_bind_text(q, 1, argv[3], -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, atoll(argv[4]));
    sqlite3_bind_blob(q, 3, blob, n, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE)
        return fail(dst, "update");
    sqlite3_finalize(q);
    free(blob);
    printf("changed '%s' to '%s' in entry %s of forum %s in %s\n", argv[5], argv[6], argv[4],
           argv[3], argv[2]);
    return sqlite3_close(dst) == SQLITE_OK ? 0 : 1;
}
