/*
 * test_store_schema.c: schema versions and upgrades (lib/store_schema.c), and the store's
 * online backup (qr_store_backup_*).
 *
 * Usage: test_store_schema [vectors dir]      (unused; the fixtures come from QR_FIXTURES)
 *
 * A new file is at the current version with its upgrade recorded; the checked-in file made by
 * schema version 1 opens read-only without being changed, and read-write is upgraded in place
 * with its log intact; an upgrade that fails part way leaves the file at its old version;
 * files of a newer or a meaningless version are refused, unchanged, with a message naming the
 * versions.  The upgrade to version 4 fills the proof tiles from the stored hashes, exactly
 * as appends write them, and refuses a file whose tree is not whole.  A backup taken while batches
 * are committed between its steps holds every committed entry, passes integrity_check and has the
 * same tree heads; a backup never overwrites a file.
 */
#include "check.h"
#include "merkle.h"
#include "statement.h"
#include "store.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

static char tmpdir[] = "/tmp/test_store_schema.XXXXXX";

static void path_in(char *out, size_t outlen, const char *file)
{
    snprintf(out, outlen, "%s/%s", tmpdir, file);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static int copy_file(const char *from, const char *to)
{
    FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
    char buf[8192];
    size_t n;
    int ok = a && b;
    while (ok && (n = fread(buf, 1, sizeof buf, a)) > 0)
        ok = fwrite(buf, 1, n, b) == n;
    if (a)
        fclose(a);
    if (b && fclose(b) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

/* SHA-256 of a file, to show it was not changed. */
static void file_hash(const char *path, uint8_t out[32])
{
    FILE *f = fopen(path, "rb");
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    char buf[8192];
    size_t n;
    while (f && (n = fread(buf, 1, sizeof buf, f)) > 0)
        crypto_hash_sha256_update(&st, (const uint8_t *)buf, n);
    if (f)
        fclose(f);
    crypto_hash_sha256_final(&st, out);
}

/* The first column of the first row of a query, as text ("" if none). */
static void query(const char *path, const char *sql, char *out, size_t outlen)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    out[0] = 0;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW &&
        sqlite3_column_text(q, 0))
        snprintf(out, outlen, "%s", (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    sqlite3_close(db);
}

static int exec_sql(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    int rc =
        sqlite3_open(path, &db) == SQLITE_OK && sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK
            ? 0
            : -1;
    sqlite3_close(db);
    return rc;
}

static void test_fresh(void)
{
    char path[512], v[64], err[512];
    path_in(path, sizeof path, "fresh.db");
    qr_store *s = NULL;
    CHECK_RC(qr_store_open(path, 0, &s, err, sizeof err), QR_OK, "a new database");
    if (!s)
        return;
    CHECK(qr_store_schema_version(s) == QR_STORE_SCHEMA_VERSION,
          "a new file is at version %d (got %d)", QR_STORE_SCHEMA_VERSION,
          qr_store_schema_version(s));
    qr_store_destroy(&s);
    query(path, "SELECT value FROM meta WHERE key = 'schema_version'", v, sizeof v);
    CHECK(atoi(v) == QR_STORE_SCHEMA_VERSION, "meta.schema_version of a new file is %s", v);
    query(path, "SELECT group_concat(version) FROM schema_history", v, sizeof v);
    CHECK(strcmp(v, "2,3,4") == 0, "a new file records the steps it was built with (got '%s')", v);
    query(path, "SELECT count(*) FROM sqlite_schema WHERE name IN ('cosignatures', 'evidence', "
                "'alerts')", v, sizeof v);
    CHECK(strcmp(v, "3") == 0, "a new file has the witnessing tables (%s of 3)", v);
    query(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'tiles'", v, sizeof v);
    CHECK(strcmp(v, "1") == 0, "a new file has the tiles table");
}

/* A version 2 file made by a build that created the witnessing tables on first use: step 3
 * adopts them, keeping their rows. */
static void test_adopt_witness_tables(void)
{
    char path[512], v[64], err[512];
    path_in(path, sizeof path, "v2-witness.db");
    qr_store *s = NULL;
    CHECK_RC(qr_store_open(path, 0, &s, err, sizeof err), QR_OK, "a new database");
    qr_store_destroy(&s);
    if (!CHECK(exec_sql(path, "INSERT INTO alerts VALUES ('overdue/f/a', 1);"
                              "DROP TABLE tiles;"
                              "DELETE FROM schema_history WHERE version >= 3;"
                              "UPDATE meta SET value = '2' WHERE key = 'schema_version';") == 0,
               "making a version 2 file that already holds the witnessing tables"))
        return;
    int rc = qr_store_open(path, 0, &s, err, sizeof err);
    CHECK(rc == QR_OK, "the version 2 file with witnessing tables opens (%s)", err);
    CHECK(s && qr_store_schema_version(s) == QR_STORE_SCHEMA_VERSION, "it is upgraded to %d",
          QR_STORE_SCHEMA_VERSION);
    qr_store_destroy(&s);
    query(path, "SELECT count(*) FROM alerts", v, sizeof v);
    CHECK(strcmp(v, "1") == 0, "the alert it held is kept (%s rows)", v);
}

static void test_fixture_v1(void)
{
    char path[512], fixture[512], v[64], err[512];
    uint8_t before[32], after[32];
    snprintf(fixture, sizeof fixture, "%s/quorumd-v1.db", QR_FIXTURES);
    path_in(path, sizeof path, "v1.db");
    if (!CHECK(copy_file(fixture, path) == 0, "copying the v1 fixture from %s", fixture))
        return;
    file_hash(path, before);

    qr_store *s = NULL;
    CHECK_RC(qr_store_open(path, QR_STORE_READONLY, &s, err, sizeof err), QR_OK,
             "the v1 file, read-only");
    if (s) {
        CHECK(qr_store_schema_version(s) == 1, "read-only, it is seen at version 1");
        const qr_store_forum *f = qr_store_forum_find(s, "fx");
        CHECK(f && f->size == 5, "its forum fx has its 5 entries");
        qr_store_destroy(&s);
    }
    file_hash(path, after);
    CHECK(memcmp(before, after, 32) == 0, "a read-only open leaves the v1 file unchanged");

    CHECK_RC(qr_store_open(path, 0, &s, err, sizeof err), QR_OK, "the v1 file, read-write");
    if (s) {
        CHECK(qr_store_schema_version(s) == QR_STORE_SCHEMA_VERSION, "it is upgraded to %d",
              QR_STORE_SCHEMA_VERSION);
        const qr_store_forum *f = qr_store_forum_find(s, "fx");
        uint8_t root[QR_HASH_LEN];
        CHECK(f && f->size == 5, "the upgraded file still has forum fx's 5 entries");
        CHECK_RC(qr_store_recompute(s, "fx", root, err, sizeof err), QR_OK,
                 "every entry and stored hash of the upgraded file still agree");
        qr_store_destroy(&s);
    }
    query(path, "SELECT group_concat(version) FROM schema_history", v, sizeof v);
    CHECK(strcmp(v, "2,3,4") == 0,
          "the upgrades 1 -> 2 -> 3 -> 4 are recorded once each (got '%s')", v);
    CHECK_RC(qr_store_open(path, 0, &s, err, sizeof err), QR_OK, "reopening the upgraded file");
    qr_store_destroy(&s);
    query(path, "SELECT count(*) FROM schema_history", v, sizeof v);
    CHECK(strcmp(v, "3") == 0, "reopening applies nothing again (%s rows)", v);

    /* An upgrade that fails part way: a v1 file in which step 2's table already exists. */
    path_in(path, sizeof path, "v1-blocked.db");
    CHECK(copy_file(fixture, path) == 0 &&
              exec_sql(path, "CREATE TABLE schema_history(x TEXT);") == 0,
          "making a v1 file on which the upgrade must fail");
    file_hash(path, before);
    int rc = qr_store_open(path, 0, &s, err, sizeof err);
    CHECK(rc != QR_OK && s == NULL && strstr(err, "upgrade to schema version 2"),
          "a failed upgrade is refused, naming the step: %s", err);
    qr_store_destroy(&s);
    query(path, "SELECT value FROM meta WHERE key = 'schema_version'", v, sizeof v);
    CHECK(strcmp(v, "1") == 0, "after a failed upgrade the file is still at version 1 (%s)", v);
    file_hash(path, after);
    CHECK(memcmp(before, after, 32) == 0, "a failed upgrade changes nothing in the file");
}

static void refused_version(const char *version, const char *want_in_message)
{
    char path[512], fixture[512], err[512], sql[128];
    uint8_t before[32], after[32];
    snprintf(fixture, sizeof fixture, "%s/quorumd-v1.db", QR_FIXTURES);
    path_in(path, sizeof path, "other-version.db");
    unlink(path);
    snprintf(sql, sizeof sql, "UPDATE meta SET value = '%s' WHERE key = 'schema_version'", version);
    if (!CHECK(copy_file(fixture, path) == 0 && exec_sql(path, sql) == 0,
               "making a file of schema version '%s'", version))
        return;
    file_hash(path, before);
    for (int ro = 0; ro < 2; ro++) {
        qr_store *s = NULL;
        int rc = qr_store_open(path, ro ? QR_STORE_READONLY : 0, &s, err, sizeof err);
        CHECK(rc == QR_BAD_CONFIG && s == NULL && strstr(err, want_in_message),
              "version '%s'%s is refused saying \"%s\": got %s \"%s\"", version,
              ro ? " read-only" : "", want_in_message, qr_code_name(rc), err);
        qr_store_destroy(&s);
    }
    file_hash(path, after);
    CHECK(memcmp(before, after, 32) == 0, "the refused file (version '%s') is unchanged", version);
}

/* ---- backup ------------------------------------------------------------------------------ */

static int append_some(qr_store *s, const char *forum, int n)
{
    const qr_store_forum *f = qr_store_forum_find(s, forum);
    uint64_t first = f ? f->size : 0;
    if (qr_store_begin(s) != QR_OK)
        return -1;
    if (!f && qr_store_forum_create(s, forum, "Backup forum", 1) != QR_OK)
        return -1;
    for (int i = 0; i < n; i++) {
        char stmt[512];
        uint8_t *e = NULL, h[QR_HASH_LEN];
        size_t len = 0;
        uint64_t seq;
        memset(stmt, 'a' + (int)((first + (uint64_t)i) % 26), sizeof stmt);
        snprintf(stmt, 32, "statement %llu", (unsigned long long)(first + (uint64_t)i));
        crypto_hash_sha256(h, (const uint8_t *)stmt, sizeof stmt);
        if (qr_entry_encode(first + (uint64_t)i, 1, (const uint8_t *)stmt, sizeof stmt, &e, &len) !=
                QR_OK ||
            qr_store_append(s, forum, e, len, h, &seq) != QR_OK) {
            free(e);
            qr_store_rollback(s);
            return -1;
        }
        free(e);
    }
    f = qr_store_forum_find(s, forum);
    char note[64];
    snprintf(note, sizeof note, "size %llu", (unsigned long long)f->size);
    if (qr_store_put_checkpoint(s, forum, f->size, note) != QR_OK)
        return -1;
    return qr_store_commit(s) == QR_OK ? 0 : -1;
}

static void test_backup(void)
{
    char path[512], copy_path[512], err[512];
    path_in(path, sizeof path, "live.db");
    path_in(copy_path, sizeof copy_path, "live-copy.db");
    qr_store *s = NULL, *c = NULL;
    qr_store_backup *b = NULL;
    if (qr_store_open(path, 0, &s, err, sizeof err) != QR_OK) {
        CHECK(0, "opening the live store: %s", err);
        return;
    }
    CHECK(append_some(s, "bk", 400) == 0, "400 entries committed before the backup");
    CHECK_RC(qr_store_backup_begin(s, copy_path, &b, err, sizeof err), QR_OK, "backup begins");
    int done = 0, steps = 0, batches = 0;
    while (b && !done && steps < 100000) {
        CHECK_RC(qr_store_backup_step(b, 2, &done), QR_OK, "a backup step");
        steps++;
        if (!done && steps % 3 == 0 && append_some(s, "bk", 7) == 0)
            batches++;
    }
    CHECK(done && batches > 0, "the copy finished in %d steps while %d batches were committed",
          steps, batches);
    CHECK_RC(qr_store_backup_finish(&b, err, sizeof err), QR_OK, "the copy is closed");
    struct stat st;
    CHECK(stat(copy_path, &st) == 0 && (st.st_mode & 077) == 0, "the copy is private (0600)");
    char wal[600];
    snprintf(wal, sizeof wal, "%s-wal", copy_path);
    CHECK(access(wal, F_OK) != 0, "the copy is one file, with no -wal beside it");

    if (qr_store_open(copy_path, QR_STORE_READONLY, &c, err, sizeof err) != QR_OK) {
        CHECK(0, "opening the copy: %s", err);
        qr_store_destroy(&s);
        return;
    }
    CHECK_RC(qr_store_integrity_check(c, err, sizeof err), QR_OK, "integrity_check of the copy");
    const qr_store_forum *fl = qr_store_forum_find(s, "bk"), *fc = qr_store_forum_find(c, "bk");
    uint8_t rl[QR_HASH_LEN], rc_[QR_HASH_LEN];
    CHECK(fc && fl && fc->size == fl->size, "the copy holds every committed entry (%llu of %llu)",
          fc ? (unsigned long long)fc->size : 0ULL, fl ? (unsigned long long)fl->size : 0ULL);
    CHECK(qr_store_recompute(c, "bk", rc_, err, sizeof err) == QR_OK &&
              qr_store_recompute(s, "bk", rl, err, sizeof err) == QR_OK &&
              memcmp(rl, rc_, QR_HASH_LEN) == 0,
          "the copy's tree head equals the live one");
    qr_store_destroy(&c);

    int rc = qr_store_backup_begin(s, copy_path, &b, err, sizeof err);
    CHECK(rc == QR_DUPLICATE && b == NULL, "a backup never overwrites a file (%s)",
          qr_code_name(rc));
    qr_store_destroy(&s);
}

/* ---- tiles (schema version 4) ----------------------------------------------------------- */

/* SHA-256 over every tile of the file in key order, with their count. */
static int tiles_digest(const char *path, uint8_t out[32])
{
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    crypto_hash_sha256_state st;
    int n = -1;
    crypto_hash_sha256_init(&st);
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db,
                           "SELECT forum_id, level, idx, hashes FROM tiles "
                           "ORDER BY forum_id, level, idx",
                           -1, &q, NULL) == SQLITE_OK)
        for (n = 0; sqlite3_step(q) == SQLITE_ROW; n++) {
            int64_t key[3] = {sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1),
                              sqlite3_column_int64(q, 2)};
            crypto_hash_sha256_update(&st, (const uint8_t *)key, sizeof key);
            crypto_hash_sha256_update(&st, sqlite3_column_blob(q, 3),
                                      (unsigned long long)sqlite3_column_bytes(q, 3));
        }
    crypto_hash_sha256_final(&st, out);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return n;
}

/* Inclusion proofs of every leaf of a forum served as quorumd serves them (in a read
 * transaction, through the tiles) against the tree head; the number that fail. */
static int bad_served_proofs(qr_store *s, const char *forum)
{
    const qr_store_forum *f = qr_store_forum_find(s, forum);
    uint8_t root[QR_HASH_LEN], leaf[QR_HASH_LEN];
    qr_merkle_proof p;
    int bad = 0;
    for (uint64_t i = 0; f && i < f->size; i++) {
        qr_store_read_begin(s);
        int rc = qr_store_inclusion_proof(s, forum, i, f->size, &p);
        if (rc == QR_OK)
            rc = qr_store_tree_hash(s, forum, f->size, root);
        if (rc == QR_OK)
            rc = qr_store_leaf_hash(s, forum, i, leaf);
        qr_store_read_end(s);
        bad += rc != QR_OK || qr_merkle_verify_inclusion(i, f->size, leaf, &p, root) != QR_OK;
    }
    return f ? bad : -1;
}

static const char downgrade_to_3[] = "DROP TABLE tiles;"
                                     "DELETE FROM schema_history WHERE version = 4;"
                                     "UPDATE meta SET value = '3' WHERE key = 'schema_version';";

/* Appends write a tile as each block completes; the upgrade of a version 3 file fills the same
 * tiles from its stored hashes; a version 3 file read without upgrading serves proofs from the
 * hashes table alone. */
static void test_tiles_upgrade(void)
{
    char path[512], err[512], v[64];
    uint8_t appended[32], filled[32];
    path_in(path, sizeof path, "tiles.db");
    qr_store *s = NULL;
    CHECK_RC(qr_store_open(path, 0, &s, err, sizeof err), QR_OK, "a new database for tiles");
    if (!s)
        return;
    /* 700 leaves: 43 tiles at level 0 and 2 at level 4; 20 leaves: 1 tile at level 0. */
    CHECK(append_some(s, "big", 700) == 0 && append_some(s, "small", 20) == 0,
          "appending to two forums");
    CHECK(bad_served_proofs(s, "big") == 0 && bad_served_proofs(s, "small") == 0,
          "proofs through the tiles written by appends verify");
    qr_store_destroy(&s);
    int n = tiles_digest(path, appended);
    CHECK(n == 46, "appends made %d tiles, want 43 + 2 + 1", n);

    CHECK(exec_sql(path, downgrade_to_3) == 0, "making it a version 3 file, without tiles");
    CHECK_RC(qr_store_open(path, QR_STORE_READONLY, &s, err, sizeof err), QR_OK,
             "the version 3 file, read-only");
    CHECK(s && bad_served_proofs(s, "big") == 0,
          "read-only and without tiles, its proofs verify from the stored hashes");
    qr_store_destroy(&s);
    CHECK_RC(qr_store_open(path, 0, &s, err, sizeof err), QR_OK, "the version 3 file, read-write");
    CHECK(s && qr_store_schema_version(s) == 4, "it is upgraded to version 4");
    CHECK(s && bad_served_proofs(s, "big") == 0 && bad_served_proofs(s, "small") == 0,
          "proofs through the filled tiles verify");
    qr_store_destroy(&s);
    n = tiles_digest(path, filled);
    CHECK(n == 46 && memcmp(appended, filled, 32) == 0,
          "the upgrade filled the same %d tiles as the appends wrote", n);

    /* A forum whose id is beyond the tiles' keys has none, and its proofs still verify. */
    CHECK(exec_sql(path, "INSERT INTO forums(id, forum, name, created_at) "
                         "VALUES (4194304, 'far', 'Far', 1)") == 0,
          "a forum with id 2^22");
    CHECK_RC(qr_store_open(path, 0, &s, err, sizeof err), QR_OK, "reopening with it");
    CHECK(s && append_some(s, "far", 40) == 0, "appending 40 entries to it");
    CHECK(s && bad_served_proofs(s, "far") == 0, "its proofs, without tiles, verify");
    qr_store_destroy(&s);
    query(path, "SELECT count(*) FROM tiles WHERE forum_id = 4194304", v, sizeof v);
    CHECK(strcmp(v, "0") == 0, "it has no tiles (%s)", v);

    /* A tree that is not whole (a stored hash gone, the triggers dropped to remove it) cannot
     * be tiled: the upgrade is refused and the file stays at version 3. */
    CHECK(exec_sql(path, downgrade_to_3) == 0 &&
              exec_sql(path, "DROP TRIGGER hashes_no_delete;"
                             "DELETE FROM hashes WHERE level = 2 AND idx = 5 AND forum_id = "
                             "(SELECT id FROM forums WHERE forum = 'big');") == 0,
          "removing a stored hash from a version 3 file");
    int rc = qr_store_open(path, 0, &s, err, sizeof err);
    CHECK(rc == QR_TAMPERED && s == NULL && strstr(err, "tree hashes are incomplete"),
          "the upgrade of a tree that is not whole is refused: %s %s", qr_code_name(rc), err);
    qr_store_destroy(&s);
    query(path, "SELECT value FROM meta WHERE key = 'schema_version'", v, sizeof v);
    CHECK(strcmp(v, "3") == 0, "after the refused upgrade the file is at version %s", v);
}

int main(void)
{
    t_begin("test_store_schema");
    if (sodium_init() < 0 || !mkdtemp(tmpdir))
        return 2;
    test_fresh();
    test_fixture_v1();
    test_adopt_witness_tables();
    refused_version("99", "has schema version 99, but this quorum");
    refused_version("banana", "not a quorum database");
    test_backup();
    test_tiles_upgrade();
    nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    return t_end();
}
