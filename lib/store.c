/*
 * store.c: every forum's log in one SQLite file.
 *
 * On-disk layout
 * --------------
 *   meta(key, value)                      schema version and the like
 *   forums(id, forum, name, created_at)   one row per chartered forum
 *   entries(forum_id, seq, entry, stmt_hash)
 *                                         the exact LogEntry bytes of leaf `seq`; stmt_hash is
 *                                         SHA-256 of the statement bytes, unique per forum, so a
 *                                         replayed statement is refused
 *   hashes(forum_id, level, idx, hash)    Merkle stored hashes (see merkle.h): written once
 *   tiles(forum_id, level, idx, hashes)   the same hashes of levels 0 to 7 again, 30 to a row,
 *                                         for proofs (store_tiles.c)
 *   checkpoints(forum_id, size, note)     every signed checkpoint, exactly as signed
 *
 * All tables are STRICT.  Triggers abort any UPDATE or DELETE of forums, entries, hashes,
 * tiles and checkpoints: the log is append-only even to someone holding a SQL shell, short of
 * dropping the triggers (and then the tree heads no longer match the signed checkpoints,
 * which the daemon checks at start).
 *
 * Durability: WAL with synchronous=FULL, so COMMIT returns only after the WAL is fsynced.
 * There is exactly one writing connection per file (SQLite before 3.51.3 can corrupt a WAL
 * database when two connections write or checkpoint at once; Debian 12 ships 3.40.1); the
 * daemon also holds a lock file so a second daemon cannot open the same state.
 *
 * In memory the store keeps, per forum, its size and the Merkle frontier, so appending and
 * computing a new tree head read nothing from disk.  A batch remembers each changed forum's
 * frontier from before the batch, so a rollback restores memory to match the file.
 */
#include "store.h"

#include "log.h"
#include "statement.h"
#include "store_schema.h"
#include "store_tiles.h"
#include "strmap.h"

#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* The version the schema text below creates, frozen: later versions are steps in
 * store_schema.c, applied to new and old files alike. */
#define SCHEMA_BASE_VERSION "1"

enum {
    Q_FORUM_INSERT,
    Q_ENTRY_INSERT,
    Q_ENTRY_HAS,
    Q_ENTRY_RANGE,
    Q_HASH_INSERT,
    Q_HASH_GET,
    Q_HASH_PAIR,
    Q_TILE_GET,
    Q_CKPT_INSERT,
    Q_CKPT_LATEST,
    Q_RECOMPUTE,
    Q_LEAVES,
    Q_READ_BEGIN,
    Q_READ_END,
    Q_COUNT
};

static const char *const sql_text[Q_COUNT] = {
    [Q_FORUM_INSERT] = "INSERT INTO forums(forum, name, created_at) VALUES (?1, ?2, ?3)",
    [Q_ENTRY_INSERT] =
        "INSERT INTO entries(forum_id, seq, entry, stmt_hash) VALUES (?1, ?2, ?3, ?4)",
    [Q_ENTRY_HAS] = "SELECT 1 FROM entries WHERE forum_id = ?1 AND stmt_hash = ?2",
    [Q_ENTRY_RANGE] = "SELECT seq, entry FROM entries WHERE forum_id = ?1 AND seq >= ?2 "
                      "AND seq < ?3 ORDER BY seq",
    [Q_HASH_INSERT] = "INSERT INTO hashes(forum_id, level, idx, hash) VALUES (?1, ?2, ?3, ?4)",
    [Q_HASH_GET] = "SELECT hash FROM hashes WHERE forum_id = ?1 AND level = ?2 AND idx = ?3",
    [Q_HASH_PAIR] = "SELECT idx, hash FROM hashes WHERE forum_id = ?1 AND level = 0 "
                    "AND idx BETWEEN ?2 AND ?3",
    [Q_TILE_GET] = "SELECT hashes FROM tiles WHERE id = ?1",
    [Q_CKPT_INSERT] = "INSERT INTO checkpoints(forum_id, size, note) VALUES (?1, ?2, ?3)",
    [Q_CKPT_LATEST] = "SELECT size, note FROM checkpoints WHERE forum_id = ?1 "
                      "ORDER BY size DESC LIMIT 1",
    /* Entries and their leaf hashes, each in one scan of its table, stepped side by side. */
    [Q_RECOMPUTE] = "SELECT seq, entry FROM entries WHERE forum_id = ?1 ORDER BY seq",
    [Q_LEAVES] = "SELECT idx, hash FROM hashes WHERE forum_id = ?1 AND level = 0 ORDER BY idx",
    [Q_READ_BEGIN] = "BEGIN DEFERRED",
    [Q_READ_END] = "COMMIT",
};

/* Queries of tables that later schema versions made: not prepared for an older file opened
 * read-only (a writable open has upgraded it). */
static const int sql_since[Q_COUNT] = {
    [Q_TILE_GET] = 4,
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;"
    "CREATE TABLE IF NOT EXISTS forums(id INTEGER PRIMARY KEY, forum TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL, created_at INTEGER NOT NULL) STRICT;"
    "CREATE TABLE IF NOT EXISTS entries(forum_id INTEGER NOT NULL REFERENCES forums(id),"
    "  seq INTEGER NOT NULL, entry BLOB NOT NULL, stmt_hash BLOB NOT NULL,"
    "  PRIMARY KEY(forum_id, seq)) STRICT, WITHOUT ROWID;"
    "CREATE UNIQUE INDEX IF NOT EXISTS entries_by_statement ON entries(forum_id, stmt_hash);"
    "CREATE TABLE IF NOT EXISTS hashes(forum_id INTEGER NOT NULL, level INTEGER NOT NULL,"
    "  idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY(forum_id, level, idx))"
    "  STRICT, WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS checkpoints(forum_id INTEGER NOT NULL, size INTEGER NOT NULL,"
    "  note TEXT NOT NULL, PRIMARY KEY(forum_id, size)) STRICT, WITHOUT ROWID;"
    "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', '" SCHEMA_BASE_VERSION "');";

/* Append-only, per table: no UPDATE, no DELETE, and no INSERT over an existing key (INSERT OR
 * REPLACE deletes the old row without firing a DELETE trigger).
 *
 * The clash test runs on every append, so each EXISTS must be answered from one index: for
 * entries, one OR across the primary key and the statement-hash index made SQLite 3.40 scan
 * every entry of the forum, so each append cost time in proportion to the forum's size
 * (bench/ found it).  The _no_replace triggers are dropped and made again at every writable
 * open, so files made before get the indexed form; they refuse exactly the same inserts. */
static const struct {
    const char *table;
    const char *clash; /* true when NEW would replace a row */
} append_only[] = {
    {"forums", "EXISTS (SELECT 1 FROM forums WHERE forum = NEW.forum OR id = NEW.id)"},
    {"entries", "EXISTS (SELECT 1 FROM entries WHERE forum_id = NEW.forum_id AND seq = NEW.seq)"
                " OR EXISTS (SELECT 1 FROM entries WHERE forum_id = NEW.forum_id"
                " AND stmt_hash = NEW.stmt_hash)"},
    {"hashes", "EXISTS (SELECT 1 FROM hashes WHERE forum_id = NEW.forum_id AND level = NEW.level"
               " AND idx = NEW.idx)"},
    {"tiles", "EXISTS (SELECT 1 FROM tiles WHERE id = NEW.id)"},
    {"checkpoints", "EXISTS (SELECT 1 FROM checkpoints WHERE forum_id = NEW.forum_id"
                    " AND size = NEW.size)"},
};

static int create_triggers(sqlite3 *db)
{
    char sql[2048];
    for (size_t i = 0; i < sizeof append_only / sizeof *append_only; i++) {
        const char *t = append_only[i].table;
        snprintf(sql, sizeof sql,
                 "CREATE TRIGGER IF NOT EXISTS %s_no_update BEFORE UPDATE ON %s BEGIN "
                 "SELECT RAISE(ABORT, 'the quorum log is append-only: %s may not be updated');"
                 "END;"
                 "CREATE TRIGGER IF NOT EXISTS %s_no_delete BEFORE DELETE ON %s BEGIN "
                 "SELECT RAISE(ABORT, 'the quorum log is append-only: %s may not be deleted');"
                 "END;"
                 "DROP TRIGGER IF EXISTS %s_no_replace;"
                 "CREATE TRIGGER %s_no_replace BEFORE INSERT ON %s WHEN %s BEGIN "
                 "SELECT RAISE(ABORT, 'the quorum log is append-only: %s may not be replaced');"
                 "END;",
                 t, t, t, t, t, t, t, t, t, append_only[i].clash, t);
        if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
            return QR_IO;
    }
    return QR_OK;
}

/* A file with tables but no quorum meta table is someone else's database: never touch it. */
static int foreign_database(sqlite3 *db)
{
    sqlite3_stmt *q = NULL;
    int foreign = 1;
    if (sqlite3_prepare_v2(db,
                           "SELECT count(*), count(*) FILTER (WHERE name = 'meta') "
                           "FROM sqlite_master WHERE type = 'table'",
                           -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        foreign = sqlite3_column_int(q, 0) > 0 && sqlite3_column_int(q, 1) == 0;
    sqlite3_finalize(q);
    return foreign;
}

/* Stored hashes never change once committed, and every proof reads the same upper nodes of a
 * tree again, so reads outside a batch of nodes at level HASH_CACHE_LEVEL and up (a 256th of
 * the nodes, but half of each proof) go through a small cache (16384 hashes, 0.9 MiB, made on
 * first use).  Only committed hashes are ever in it: nothing is cached while a batch is open.
 * It is 4-way set-associative, each set in order of use: direct-mapped, a million-entry
 * forum's 7,800 upper nodes collided in a third of its slots, and a proof missed 1.5 of them
 * (each a read of SQLite); 4-way, 0.1 (a simulation of random proofs). */
#ifndef QR_STORE_CACHE_SLOTS
#define QR_STORE_CACHE_SLOTS 16384 /* a test builds a store with one set, to have it evict */
#endif
#define HASH_CACHE_SLOTS QR_STORE_CACHE_SLOTS
#define HASH_CACHE_WAYS 4
#define HASH_CACHE_SETS (HASH_CACHE_SLOTS / HASH_CACHE_WAYS)
#define HASH_CACHE_LEVEL 8
/* Below the cache, a read transaction remembers what it has read: the tree heads a proof's
 * reply carries are made of nodes the proof itself reads (an old tree's head is its frontier,
 * and its consistency proof reads every node of that), and the leaf an inclusion proof is
 * about sits beside its first sibling, so one read of the pair serves both.  A proof reads
 * fewer than 20 nodes below the cache; once the memo is full, reads go on without it. */
#define MEMO_SLOTS 32
/* Inside a read transaction the levels below the cache come from tiles (store_tiles.c): two a
 * proof, the same two for the heads beside it.  The tiles read are kept until it ends; a block
 * without a tile (the right edge) is kept too, as absent, so its nodes are read one by one. */
#define TILE_SLOTS 4

_Static_assert(HASH_CACHE_LEVEL == QR_TILE_LEVELS, "tiles hold exactly the levels below the cache");
_Static_assert((HASH_CACHE_SETS & (HASH_CACHE_SETS - 1)) == 0, "a power of two of sets");

typedef struct {
    int64_t forum_id; /* 0: empty */
    unsigned base;
    uint64_t tile;
    int present;
    uint8_t hash[QR_TILE_HASHES][QR_HASH_LEN];
} tile_slot;
/* The latest tree head of a forum, folded from its frontier (popcount(size) - 1 hashes), is in
 * every proof's reply.  A forum's committed tree of a given size never changes, so a head
 * folded outside a batch is kept by forum and size; inside a batch, whose appends may yet be
 * rolled back, none is kept. */
#define ROOT_SLOTS 16

typedef struct {
    int64_t forum_id; /* 0: empty */
    uint64_t size;
    uint8_t root[QR_HASH_LEN];
} root_slot;

typedef struct {
    int64_t forum_id; /* 0: empty (row ids start at 1) */
    uint64_t index;
    unsigned level;
    uint8_t hash[QR_HASH_LEN];
} hash_slot;

struct qr_store {
    sqlite3 *db;
    sqlite3_stmt *q[Q_COUNT];
    hash_slot *cache;
    int in_batch;
    int in_read;                /* a read transaction of qr_store_read_begin() is open */
    hash_slot memo[MEMO_SLOTS]; /* what it has read below HASH_CACHE_LEVEL */
    size_t nmemo;
    tile_slot tile_memo[TILE_SLOTS]; /* the tiles it has read */
    size_t next_tile;
    qr_tile_writer tiles;        /* writable opens only */
    root_slot roots[ROOT_SLOTS]; /* latest heads folded outside batches */
    qr_store_forum **forums; /* creation order */
    size_t nforums, cap_forums, committed_forums;
    qr_strmap index; /* forum id -> qr_store_forum */
    qr_store_forum **dirty;
    size_t ndirty;
    int schema_version; /* of the file as opened (read-only opens may see an older one) */
    int fault;          /* SQLite's extended code for the batch's first failed write, or 0 */
    int fault_errno;    /* and the system's errno behind it, if any */
};

const qr_store_forum *qr_store_forum_find(const qr_store *s, const char *forum)
{
    return qr_strmap_get(&s->index, forum);
}

static qr_store_forum *forum_mut(qr_store *s, const char *forum)
{
    return (qr_store_forum *)qr_store_forum_find(s, forum);
}

static int forum_add(qr_store *s, int64_t id, const char *forum, const char *name,
                     qr_store_forum **out)
{
    if (s->nforums == s->cap_forums) {
        size_t cap = s->cap_forums ? 2 * s->cap_forums : 16;
        qr_store_forum **f = realloc(s->forums, cap * sizeof *f);
        qr_store_forum **d = realloc(s->dirty, cap * sizeof *d);
        if (f)
            s->forums = f;
        if (d)
            s->dirty = d;
        if (!f || !d)
            return QR_NOMEM;
        s->cap_forums = cap;
    }
    qr_store_forum *f = calloc(1, sizeof *f);
    if (!f)
        return QR_NOMEM;
    f->id = id;
    snprintf(f->forum, sizeof f->forum, "%s", forum);
    snprintf(f->name, sizeof f->name, "%s", name);
    qr_merkle_frontier_init(&f->fr);
    s->forums[s->nforums++] = f;
    int rc = qr_strmap_put(&s->index, f->forum, f);
    if (out)
        *out = f;
    return rc;
}

struct sqlite3 *qr_store_sqlite(qr_store *s)
{
    return s->db;
}

size_t qr_store_forum_count(const qr_store *s)
{
    return s->nforums;
}

const qr_store_forum *qr_store_forum_at(const qr_store *s, size_t i)
{
    return i < s->nforums ? s->forums[i] : NULL;
}

size_t qr_store_dirty_count(const qr_store *s)
{
    return s->ndirty;
}

const qr_store_forum *qr_store_dirty_at(const qr_store *s, size_t i)
{
    return i < s->ndirty ? s->dirty[i] : NULL;
}

/* Remember why a write failed (the first failure of a batch is its cause). */
static void note_fault(qr_store *s)
{
    if (s->fault)
        return;
    s->fault = sqlite3_extended_errcode(s->db);
    s->fault_errno = sqlite3_system_errno(s->db);
    /* SQLite's errno is often lost by the time it reports (a later call resets errno), so
     * ask the file system itself whether it is full or has turned read-only (after a disk
     * error ext4 refuses writes without marking the mount read-only: only trying tells).  The
     * probe is a file of its own: opening and closing the database file would drop SQLite's
     * POSIX locks on it. */
    struct statvfs v;
    const char *path = sqlite3_db_filename(s->db, "main");
    if (!path || !*path || s->fault_errno)
        return;
    char probe[4096];
    snprintf(probe, sizeof probe, "%s.probe", path);
    int fd = open(probe, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0) {
        close(fd);
        unlink(probe);
    }
    if (fd < 0 && errno == EROFS)
        s->fault_errno = EROFS;
    else if (statvfs(path, &v) == 0 && v.f_bavail == 0)
        s->fault_errno = ENOSPC;
}

static int exec(qr_store *s, const char *sql)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK)
        return QR_OK;
    note_fault(s);
    return QR_IO;
}

/* Reset a statement and report a step's result as a code. */
static int step_done(qr_store *s, sqlite3_stmt *q)
{
    int r = sqlite3_step(q);
    if (r != SQLITE_DONE && r != SQLITE_CONSTRAINT)
        note_fault(s);
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    return r == SQLITE_DONE ? QR_OK : r == SQLITE_CONSTRAINT ? QR_DUPLICATE : QR_IO;
}

void qr_store_fault_detail(const qr_store *s, char *out, size_t outlen)
{
    snprintf(out, outlen, "SQLite: %s (%d)%s%s", sqlite3_errstr(s->fault), s->fault,
             s->fault_errno ? "; system: " : "", s->fault_errno ? strerror(s->fault_errno) : "");
}

const char *qr_store_fault(const qr_store *s)
{
    /* SQLite reports a write refused by the system as an I/O error; the errno says which. */
    if (s->fault && (s->fault_errno == ENOSPC || s->fault_errno == EDQUOT))
        return "the disk holding the daemon's database is full";
    if (s->fault && s->fault_errno == EROFS)
        return "the file system holding the daemon's database has become read-only";
    switch (s->fault & 0xff) {
    case SQLITE_OK: return NULL;
    case SQLITE_FULL: return "the disk holding the daemon's database is full";
    case SQLITE_READONLY: return "the daemon's database cannot be written (it is read-only)";
    case SQLITE_IOERR:
        return "the disk holding the daemon's database reported an input/output error";
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return "the daemon's database file is damaged";
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return "another program is holding a lock on the daemon's database";
    case SQLITE_CANTOPEN: return "a file beside the daemon's database cannot be opened";
    case SQLITE_NOMEM: return "the daemon is out of memory";
    default: return "the daemon could not write to its database";
    }
}

typedef struct {
    qr_store *s;
    int64_t forum_id;
    const qr_merkle_frontier *fr; /* the forum's right edge, or NULL while it is being built */
} hash_ctx;

/* Every proof of a forum's latest tree reads nodes of its right edge (the hash of the ragged
 * part is folded from them), and the store keeps that edge in memory: its nodes below the
 * cache's levels would otherwise be a read of SQLite each.  A node of any tree that is on the
 * edge of the current one is the same complete subtree, so this serves proofs of older trees
 * too. */
static int frontier_node(const qr_merkle_frontier *fr, unsigned level, uint64_t index,
                         uint8_t out[QR_HASH_LEN])
{
    if (!fr || level >= 64 || !((fr->size >> level) & 1))
        return 0;
    uint64_t above = level == 63 ? 0 : fr->size >> (level + 1); /* the larger subtrees' bits */
    if (index != above << 1)
        return 0;
    memcpy(out, fr->hash[__builtin_popcountll(above)], QR_HASH_LEN);
    return 1;
}

/* The set a node goes in, or NULL if it is not cached. */
static hash_slot *cache_set(qr_store *s, int64_t forum_id, unsigned level, uint64_t index)
{
    if (level < HASH_CACHE_LEVEL || s->in_batch ||
        (!s->cache && (s->cache = calloc(HASH_CACHE_SLOTS, sizeof *s->cache)) == NULL))
        return NULL;
    uint64_t x = (uint64_t)forum_id * 0x9E3779B97F4A7C15ULL ^ index * 0xC2B2AE3D27D4EB4FULL ^
                 (uint64_t)level * 0x165667B19E3779F9ULL;
    x = (x ^ (x >> 29)) & (HASH_CACHE_SETS - 1);
    return &s->cache[x * HASH_CACHE_WAYS];
}

static int cache_get(qr_store *s, int64_t forum_id, unsigned level, uint64_t index,
                     uint8_t out[QR_HASH_LEN])
{
    hash_slot *set = cache_set(s, forum_id, level, index);
    for (size_t w = 0; set && w < HASH_CACHE_WAYS; w++)
        if (set[w].index == index && set[w].level == level && set[w].forum_id == forum_id) {
            hash_slot hit = set[w];
            memmove(&set[1], &set[0], w * sizeof *set); /* most recently used first */
            set[0] = hit;
            memcpy(out, hit.hash, QR_HASH_LEN);
            return 1;
        }
    return 0;
}

static void cache_put(qr_store *s, int64_t forum_id, unsigned level, uint64_t index,
                      const uint8_t hash[QR_HASH_LEN])
{
    hash_slot *set = cache_set(s, forum_id, level, index);
    if (!set)
        return;
    memmove(&set[1], &set[0], (HASH_CACHE_WAYS - 1) * sizeof *set); /* the least used goes */
    set[0] = (hash_slot){forum_id, index, level, {0}};
    memcpy(set[0].hash, hash, QR_HASH_LEN);
}

static const hash_slot *memo_find(const qr_store *s, int64_t forum_id, unsigned level,
                                  uint64_t index)
{
    for (size_t i = 0; i < s->nmemo; i++)
        if (s->memo[i].index == index && s->memo[i].level == level &&
            s->memo[i].forum_id == forum_id)
            return &s->memo[i];
    return NULL;
}

static void memo_put(qr_store *s, int64_t forum_id, unsigned level, uint64_t index,
                     const uint8_t hash[QR_HASH_LEN])
{
    if (!s->in_read || level >= HASH_CACHE_LEVEL || s->nmemo == MEMO_SLOTS)
        return;
    hash_slot *m = &s->memo[s->nmemo++];
    *m = (hash_slot){forum_id, index, level, {0}};
    memcpy(m->hash, hash, QR_HASH_LEN);
}

/* Leaves (index & ~1) and (index | 1) in one read: out gets `index`'s, the memo both. */
static int read_leaf_pair(hash_ctx *h, uint64_t index, uint8_t out[QR_HASH_LEN])
{
    sqlite3_stmt *q = h->s->q[Q_HASH_PAIR];
    sqlite3_bind_int64(q, 1, h->forum_id);
    sqlite3_bind_int64(q, 2, (int64_t)(index & ~(uint64_t)1));
    sqlite3_bind_int64(q, 3, (int64_t)(index | 1));
    int rc = QR_NOT_FOUND;
    while (sqlite3_step(q) == SQLITE_ROW) {
        uint64_t at = (uint64_t)sqlite3_column_int64(q, 0);
        const uint8_t *hash = sqlite3_column_blob(q, 1);
        if (sqlite3_column_bytes(q, 1) != QR_HASH_LEN)
            continue;
        memo_put(h->s, h->forum_id, 0, at, hash);
        if (at == index) {
            memcpy(out, hash, QR_HASH_LEN);
            rc = QR_OK;
        }
    }
    sqlite3_reset(q);
    return rc;
}

/* The tile a node below the cache is in, read once in a read transaction; NULL if tiles
 * cannot be read (an older file opened read-only, a forum beyond the tiles' keys) or the read
 * failed. */
static const tile_slot *tile_get(qr_store *s, int64_t forum_id, unsigned base, uint64_t tile)
{
    for (size_t i = 0; i < TILE_SLOTS; i++) {
        const tile_slot *t = &s->tile_memo[i];
        if (t->forum_id == forum_id && t->base == base && t->tile == tile)
            return t;
    }
    sqlite3_stmt *q = s->q[Q_TILE_GET];
    int64_t key;
    if (!q || !qr_tile_key(forum_id, base, tile, &key))
        return NULL;
    tile_slot *t = &s->tile_memo[s->next_tile++ % TILE_SLOTS];
    sqlite3_bind_int64(q, 1, key);
    int r = sqlite3_step(q);
    *t = (tile_slot){forum_id, base, tile, 0, {{0}}};
    if (r == SQLITE_ROW && sqlite3_column_bytes(q, 0) == (int)sizeof t->hash) {
        memcpy(t->hash, sqlite3_column_blob(q, 0), sizeof t->hash);
        t->present = 1;
    } else if (r != SQLITE_DONE && r != SQLITE_ROW) {
        t->forum_id = 0;
        t = NULL;
    }
    sqlite3_reset(q);
    return t;
}

static int tile_node(qr_store *s, int64_t forum_id, unsigned level, uint64_t index,
                     uint8_t out[QR_HASH_LEN])
{
    unsigned base, slot;
    uint64_t tile;
    qr_tile_locate(level, index, &base, &tile, &slot);
    const tile_slot *t = tile_get(s, forum_id, base, tile);
    if (!t || !t->present)
        return 0;
    memcpy(out, t->hash[slot], QR_HASH_LEN);
    return 1;
}

static void tile_memo_clear(qr_store *s)
{
    for (size_t i = 0; i < TILE_SLOTS; i++)
        s->tile_memo[i].forum_id = 0;
    s->next_tile = 0;
}

static int read_hash(void *ctx, unsigned level, uint64_t index, uint8_t out[QR_HASH_LEN])
{
    hash_ctx *h = ctx;
    if (frontier_node(h->fr, level, index, out))
        return QR_OK;
    if (cache_get(h->s, h->forum_id, level, index, out))
        return QR_OK;
    const hash_slot *m = h->s->in_read ? memo_find(h->s, h->forum_id, level, index) : NULL;
    if (m) {
        memcpy(out, m->hash, QR_HASH_LEN);
        return QR_OK;
    }
    if (h->s->in_read && level < QR_TILE_LEVELS && tile_node(h->s, h->forum_id, level, index, out))
        return QR_OK;
    if (h->s->in_read && level == 0 && h->s->nmemo + 2 <= MEMO_SLOTS)
        return read_leaf_pair(h, index, out);
    sqlite3_stmt *q = h->s->q[Q_HASH_GET];
    sqlite3_bind_int64(q, 1, h->forum_id);
    sqlite3_bind_int(q, 2, (int)level);
    sqlite3_bind_int64(q, 3, (int64_t)index);
    int rc = QR_NOT_FOUND;
    if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_bytes(q, 0) == QR_HASH_LEN) {
        memcpy(out, sqlite3_column_blob(q, 0), QR_HASH_LEN);
        rc = QR_OK;
    }
    sqlite3_reset(q);
    if (rc == QR_OK) {
        cache_put(h->s, h->forum_id, level, index, out);
        memo_put(h->s, h->forum_id, level, index, out);
    }
    return rc;
}

static int store_hash(void *ctx, unsigned level, uint64_t index, const uint8_t hash[QR_HASH_LEN])
{
    hash_ctx *h = ctx;
    sqlite3_stmt *q = h->s->q[Q_HASH_INSERT];
    sqlite3_bind_int64(q, 1, h->forum_id);
    sqlite3_bind_int(q, 2, (int)level);
    sqlite3_bind_int64(q, 3, (int64_t)index);
    sqlite3_bind_blob(q, 4, hash, QR_HASH_LEN, SQLITE_STATIC);
    return step_done(h->s, q);
}

static int load_forums(qr_store *s)
{
    sqlite3_stmt *q = NULL;
    int rc = QR_IO;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT f.id, f.forum, f.name, (SELECT count(*) FROM entries e "
                           "WHERE e.forum_id = f.id) FROM forums f ORDER BY f.id",
                           -1, &q, NULL) != SQLITE_OK)
        return QR_IO;
    int r;
    while ((r = sqlite3_step(q)) == SQLITE_ROW) {
        qr_store_forum *f;
        const char *forum = (const char *)sqlite3_column_text(q, 1);
        const char *name = (const char *)sqlite3_column_text(q, 2);
        if ((rc = forum_add(s, sqlite3_column_int64(q, 0), forum ? forum : "",
                            name ? name : "", &f)) != QR_OK)
            goto out;
        hash_ctx h = {s, f->id, NULL};
        if ((rc = qr_merkle_frontier_load(&f->fr, (uint64_t)sqlite3_column_int64(q, 3),
                                          read_hash, &h)) != QR_OK) {
            rc = QR_TAMPERED;
            goto out;
        }
        f->size = f->fr.size;
    }
    rc = r == SQLITE_DONE ? QR_OK : QR_IO;
    s->committed_forums = s->nforums;
out:
    sqlite3_finalize(q);
    return rc;
}

/* Before the first write of a writable open: a file SQLite finds damaged is never written to
 * (a write can spread the damage), and its owner is told which file it is.  quick_check reads
 * every page once (what the tree-head check at start reads anyway, and more): a few seconds a
 * gigabyte. */
static int check_pages(qr_store *s, const char *path, char *err, size_t errlen)
{
    sqlite3_stmt *q = NULL;
    int r = sqlite3_prepare_v2(s->db, "PRAGMA quick_check(1)", -1, &q, NULL);
    if (r == SQLITE_OK)
        r = sqlite3_step(q);
    const char *t = r == SQLITE_ROW ? (const char *)sqlite3_column_text(q, 0) : NULL;
    int rc = QR_OK, code = sqlite3_errcode(s->db) & 0xff;
    if (t && strcmp(t, "ok") == 0)
        rc = QR_OK;
    else if (t || code == SQLITE_CORRUPT || code == SQLITE_NOTADB) {
        qr_errf(err, errlen, "the database %s is damaged (SQLite: %s)", path,
                t ? t : sqlite3_errmsg(s->db));
        for (char *nl = err ? strchr(err, '\n') : NULL; nl; nl = strchr(nl, '\n'))
            *nl = ' '; /* quick_check's complaint comes in lines: the log wants one */
        rc = QR_TAMPERED;
    } else {
        qr_errf(err, errlen, "cannot read database %s: %s", path, sqlite3_errmsg(s->db));
        rc = QR_IO;
    }
    sqlite3_finalize(q);
    return rc;
}

static int has_meta(sqlite3 *db)
{
    sqlite3_stmt *q = NULL;
    int yes = sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE name = 'meta'", -1, &q,
                                 NULL) == SQLITE_OK &&
              sqlite3_step(q) == SQLITE_ROW;
    sqlite3_finalize(q);
    return yes;
}

int qr_store_open(const char *path, int flags, qr_store **out, char *err, size_t errlen)
{
    int rc = QR_IO;
    qr_store *s = calloc(1, sizeof *s);
    if (!s)
        return QR_NOMEM;
    int oflags = (flags & QR_STORE_READONLY) ? SQLITE_OPEN_READONLY
                                             : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    if (sqlite3_open_v2(path, &s->db, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        qr_errf(err, errlen, "cannot open database %s: %s", path,
                s->db ? sqlite3_errmsg(s->db) : "out of memory");
        goto out;
    }
    sqlite3_busy_timeout(s->db, 5000);
    if (!(flags & QR_STORE_READONLY)) {
        if (sqlite3_db_readonly(s->db, "main") == 1) { /* SQLite fell back to reading */
            qr_errf(err, errlen,
                    "cannot write database %s: the file is read-only to this process (its "
                    "owner or mode, an immutable flag, or a read-only file system); quorum "
                    "must be able to write it",
                    path);
            goto out;
        }
        if ((rc = check_pages(s, path, err, errlen)) != QR_OK)
            goto out;
        rc = QR_IO;
        if (exec(s, "BEGIN IMMEDIATE")) {
            qr_errf(err, errlen, "cannot open database %s: %s", path, sqlite3_errmsg(s->db));
            goto out;
        }
        if (foreign_database(s->db)) {
            qr_errf(err, errlen, "%s is a database but not a quorum one; refusing to change it",
                    path);
            rc = QR_BAD_CONFIG;
            goto out;
        }
        /* Refuse a file of a newer version before changing anything in it; upgrade an older
         * one in this same transaction (store_schema.c). */
        int existed = has_meta(s->db), from = 0;
        if (existed &&
            (rc = qr_store_schema_check(s->db, path, 1, &from, err, errlen)) != QR_OK)
            goto out;
        rc = QR_IO;
        if (exec(s, schema)) {
            qr_errf(err, errlen, "cannot initialise database %s: %s", path,
                    sqlite3_errmsg(s->db));
            goto out;
        }
        if ((rc = qr_store_schema_upgrade(s->db, path, &from, err, errlen)) != QR_OK)
            goto out;
        rc = QR_IO;
        /* The triggers last: they cover tables the upgrade may just have made. */
        if (create_triggers(s->db) || exec(s, "COMMIT") || exec(s, "PRAGMA journal_mode=WAL") ||
            exec(s, "PRAGMA synchronous=FULL")) {
            qr_errf(err, errlen, "cannot initialise database %s: %s", path,
                    sqlite3_errmsg(s->db));
            goto out;
        }
        if (existed && from < QR_STORE_SCHEMA_VERSION)
            qr_info("upgraded %s from schema version %d to %d", path, from,
                    QR_STORE_SCHEMA_VERSION);
    }
    if ((rc = qr_store_schema_check(s->db, path, !(flags & QR_STORE_READONLY),
                                    &s->schema_version, err, errlen)) != QR_OK)
        goto out;
    for (int i = 0; i < Q_COUNT; i++) {
        if (s->schema_version < sql_since[i])
            continue;
        if (sqlite3_prepare_v3(s->db, sql_text[i], -1, SQLITE_PREPARE_PERSISTENT, &s->q[i],
                               NULL) != SQLITE_OK) {
            qr_errf(err, errlen, "cannot prepare queries: %s", sqlite3_errmsg(s->db));
            goto out;
        }
    }
    if (!(flags & QR_STORE_READONLY) && qr_tile_writer_open(s->db, &s->tiles) != QR_OK) {
        qr_errf(err, errlen, "cannot prepare queries: %s", sqlite3_errmsg(s->db));
        goto out;
    }
    if ((rc = load_forums(s)) != QR_OK) {
        qr_errf(err, errlen, "cannot load forums from %s: %s", path, qr_strerror(rc));
        goto out;
    }
    *out = s;
    s = NULL;
    rc = QR_OK;
out:
    qr_store_destroy(&s);
    return rc;
}

void qr_store_destroy(qr_store **sp)
{
    if (!sp || !*sp)
        return;
    qr_store *s = *sp;
    if (s->in_batch)
        qr_store_rollback(s);
    qr_store_read_end(s);
    for (int i = 0; i < Q_COUNT; i++)
        sqlite3_finalize(s->q[i]);
    qr_tile_writer_close(&s->tiles);
    if (s->db)
        sqlite3_close(s->db);
    for (size_t i = 0; i < s->nforums; i++)
        free(s->forums[i]);
    free(s->forums);
    free(s->dirty);
    qr_strmap_free(&s->index);
    free(s->cache);
    free(s);
    *sp = NULL;
}

/* Outside a transaction every statement is one of its own: SQLite takes the WAL read lock
 * before it and drops it after (two fcntl calls on the -shm file) and checks the WAL index
 * again, which for a proof of a dozen stored hashes cost as much as the reads (bench/
 * qb_served: 25 fcntl calls a proof).  One deferred transaction around them takes the lock
 * once, and the reads see one snapshot.  Inside a batch the batch is the snapshot. */
void qr_store_read_begin(qr_store *s)
{
    if (s->in_batch || s->in_read)
        return;
    sqlite3_stmt *q = s->q[Q_READ_BEGIN];
    s->in_read = sqlite3_step(q) == SQLITE_DONE;
    sqlite3_reset(q);
    s->nmemo = 0;
    tile_memo_clear(s);
}

void qr_store_read_end(qr_store *s)
{
    if (!s->in_read)
        return;
    sqlite3_stmt *q = s->q[Q_READ_END];
    if (sqlite3_step(q) != SQLITE_DONE)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL); /* a read has nothing to lose */
    sqlite3_reset(q);
    s->in_read = 0;
    s->nmemo = 0;
    tile_memo_clear(s);
}

int qr_store_begin(qr_store *s)
{
    if (s->in_batch || s->in_read)
        return QR_INTERNAL;
    s->fault = s->fault_errno = 0;
    if (exec(s, "BEGIN IMMEDIATE"))
        return QR_UNAVAILABLE;
    s->in_batch = 1;
    s->ndirty = 0;
    return QR_OK;
}

/* The dirty list outlives the batch (until the next begin) so that the caller can still see
 * which forums a committed batch changed. */
static void batch_end(qr_store *s)
{
    for (size_t i = 0; i < s->ndirty; i++)
        s->dirty[i]->dirty = 0;
    s->in_batch = 0;
    s->committed_forums = s->nforums;
}

int qr_store_commit_write(qr_store *s)
{
    if (!s->in_batch)
        return QR_INTERNAL;
    return exec(s, "COMMIT") ? QR_UNAVAILABLE : QR_OK;
}

int qr_store_commit_end(qr_store *s, int rc)
{
    if (rc != QR_OK) {
        qr_store_rollback(s);
        return rc;
    }
    batch_end(s);
    return QR_OK;
}

int qr_store_commit(qr_store *s)
{
    return qr_store_commit_end(s, qr_store_commit_write(s));
}

void qr_store_rollback(qr_store *s)
{
    if (!s->in_batch)
        return;
    /* SQLite may have rolled back already (after SQLITE_FULL, say): then this fails, and
     * that is not the batch's fault. */
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    for (size_t i = 0; i < s->ndirty; i++) {
        qr_store_forum *f = s->dirty[i];
        f->size = f->saved_size;
        f->fr = f->saved_fr;
        f->dirty = 0;
    }
    s->ndirty = 0;
    while (s->nforums > s->committed_forums) {
        qr_store_forum *f = s->forums[--s->nforums];
        qr_strmap_del(&s->index, f->forum);
        free(f);
    }
    batch_end(s);
}

static void mark_dirty(qr_store *s, qr_store_forum *f)
{
    if (f->dirty)
        return;
    f->dirty = 1;
    f->saved_size = f->size;
    f->saved_fr = f->fr;
    s->dirty[s->ndirty++] = f;
}

int qr_store_forum_create(qr_store *s, const char *forum, const char *name, int64_t created_at)
{
    if (!s->in_batch)
        return QR_INTERNAL;
    if (qr_store_forum_find(s, forum))
        return QR_FORUM_EXISTS;
    sqlite3_stmt *q = s->q[Q_FORUM_INSERT];
    sqlite3_bind_text(q, 1, forum, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, created_at);
    int rc = step_done(s, q);
    if (rc != QR_OK)
        return rc == QR_DUPLICATE ? QR_FORUM_EXISTS : rc;
    qr_store_forum *f;
    if ((rc = forum_add(s, sqlite3_last_insert_rowid(s->db), forum, name, &f)) != QR_OK)
        return rc;
    mark_dirty(s, f);
    return QR_OK;
}

int qr_store_has_statement(qr_store *s, const char *forum, const uint8_t stmt_hash[QR_HASH_LEN])
{
    const qr_store_forum *f = qr_store_forum_find(s, forum);
    if (!f)
        return 0;
    sqlite3_stmt *q = s->q[Q_ENTRY_HAS];
    sqlite3_bind_int64(q, 1, f->id);
    sqlite3_bind_blob(q, 2, stmt_hash, QR_HASH_LEN, SQLITE_STATIC);
    int r = sqlite3_step(q);
    sqlite3_reset(q);
    return r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 : -QR_IO;
}

int qr_store_append(qr_store *s, const char *forum, const uint8_t *entry, size_t len,
                    const uint8_t stmt_hash[QR_HASH_LEN], uint64_t *seq)
{
    qr_store_forum *f = forum_mut(s, forum);
    if (!s->in_batch)
        return QR_INTERNAL;
    if (!f)
        return QR_UNKNOWN_FORUM;
    mark_dirty(s, f);
    sqlite3_stmt *q = s->q[Q_ENTRY_INSERT];
    sqlite3_bind_int64(q, 1, f->id);
    sqlite3_bind_int64(q, 2, (int64_t)f->size);
    sqlite3_bind_blob(q, 3, entry, (int)len, SQLITE_STATIC);
    sqlite3_bind_blob(q, 4, stmt_hash, QR_HASH_LEN, SQLITE_STATIC);
    int rc = step_done(s, q);
    if (rc != QR_OK)
        return rc;
    uint8_t leaf[QR_HASH_LEN];
    qr_merkle_leaf_hash(entry, len, leaf);
    hash_ctx h = {s, f->id, NULL};
    if ((rc = qr_merkle_frontier_append(&f->fr, leaf, store_hash, &h)) != QR_OK)
        return rc;
    *seq = f->size++;
    if ((rc = qr_tiles_after_append(&s->tiles, f->id, *seq)) != QR_OK)
        note_fault(s);
    return rc;
}

int qr_store_put_checkpoint(qr_store *s, const char *forum, uint64_t size, const char *note)
{
    const qr_store_forum *f = qr_store_forum_find(s, forum);
    if (!f)
        return QR_UNKNOWN_FORUM;
    sqlite3_stmt *q = s->q[Q_CKPT_INSERT];
    sqlite3_bind_int64(q, 1, f->id);
    sqlite3_bind_int64(q, 2, (int64_t)size);
    sqlite3_bind_text(q, 3, note, -1, SQLITE_STATIC);
    return step_done(s, q);
}

int qr_store_latest_checkpoint(qr_store *s, const char *forum, char **note, uint64_t *size)
{
    const qr_store_forum *f = qr_store_forum_find(s, forum);
    if (!f)
        return QR_UNKNOWN_FORUM;
    sqlite3_stmt *q = s->q[Q_CKPT_LATEST];
    sqlite3_bind_int64(q, 1, f->id);
    int rc = QR_NOT_FOUND;
    if (sqlite3_step(q) == SQLITE_ROW) {
        *size = (uint64_t)sqlite3_column_int64(q, 0);
        const char *t = (const char *)sqlite3_column_text(q, 1);
        rc = (*note = strdup(t ? t : "")) ? QR_OK : QR_NOMEM;
    }
    sqlite3_reset(q);
    return rc;
}

int qr_store_checkpoints(qr_store *s, const char *forum, qr_store_checkpoint_fn fn, void *ctx)
{
    const qr_store_forum *f = qr_store_forum_find(s, forum);
    sqlite3_stmt *q = NULL;
    if (!f)
        return QR_UNKNOWN_FORUM;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT size, note FROM checkpoints WHERE forum_id = ?1 ORDER BY size",
                           -1, &q, NULL) != SQLITE_OK)
        return QR_IO;
    sqlite3_bind_int64(q, 1, f->id);
    int rc = QR_OK, step;
    while (rc == QR_OK && (step = sqlite3_step(q)) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(q, 1);
        rc = fn(ctx, (uint64_t)sqlite3_column_int64(q, 0), t ? t : "");
    }
    if (rc == QR_OK && step != SQLITE_DONE)
        rc = QR_IO;
    sqlite3_finalize(q);
    return rc;
}

int qr_store_read(qr_store *s, const char *forum, uint64_t from, uint64_t count,
                  qr_store_entry_fn fn, void *ctx)
{
    const qr_store_forum *f = qr_store_forum_find(s, forum);
    if (!f)
        return QR_UNKNOWN_FORUM;
    if (count > INT64_MAX - from)
        count = (uint64_t)INT64_MAX - from;
    sqlite3_stmt *q = s->q[Q_ENTRY_RANGE];
    sqlite3_bind_int64(q, 1, f->id);
    sqlite3_bind_int64(q, 2, (int64_t)from);
    sqlite3_bind_int64(q, 3, (int64_t)(from + count));
    int rc = QR_OK, r;
    while ((r = sqlite3_step(q)) == SQLITE_ROW) {
        rc = fn(ctx, (uint64_t)sqlite3_column_int64(q, 0), sqlite3_column_blob(q, 1),
                (size_t)sqlite3_column_bytes(q, 1));
        if (rc != QR_OK)
            break;
    }
    if (rc == QR_OK && r != SQLITE_DONE)
        rc = QR_IO;
    sqlite3_reset(q);
    return rc;
}

static int with_forum(qr_store *s, const char *forum, hash_ctx *h)
{
    const qr_store_forum *f = qr_store_forum_find(s, forum);
    if (!f)
        return QR_UNKNOWN_FORUM;
    h->s = s;
    h->forum_id = f->id;
    h->fr = &f->fr;
    return QR_OK;
}

static void latest_root(qr_store *s, const qr_store_forum *f, uint8_t root[QR_HASH_LEN])
{
    root_slot *r = &s->roots[(uint64_t)f->id % ROOT_SLOTS];
    if (!s->in_batch && r->forum_id == f->id && r->size == f->size) {
        memcpy(root, r->root, QR_HASH_LEN);
        return;
    }
    qr_merkle_frontier_root(&f->fr, root);
    if (!s->in_batch) {
        *r = (root_slot){f->id, f->size, {0}};
        memcpy(r->root, root, QR_HASH_LEN);
    }
}

int qr_store_tree_hash(qr_store *s, const char *forum, uint64_t size, uint8_t root[QR_HASH_LEN])
{
    hash_ctx h;
    int rc = with_forum(s, forum, &h);
    if (rc != QR_OK)
        return rc;
    const qr_store_forum *f = qr_store_forum_find(s, forum);
    if (size > f->size)
        return QR_OUT_OF_RANGE;
    if (size == f->size) { /* the latest head needs no reads: the frontier has it */
        latest_root(s, f, root);
        return QR_OK;
    }
    return qr_merkle_tree_hash(size, read_hash, &h, root);
}

int qr_store_leaf_hash(qr_store *s, const char *forum, uint64_t index, uint8_t out[QR_HASH_LEN])
{
    hash_ctx h;
    int rc = with_forum(s, forum, &h);
    if (rc != QR_OK)
        return rc;
    return read_hash(&h, 0, index, out) == QR_OK ? QR_OK : QR_OUT_OF_RANGE;
}

int qr_store_inclusion_proof(qr_store *s, const char *forum, uint64_t index, uint64_t size,
                             qr_merkle_proof *proof)
{
    hash_ctx h;
    int rc = with_forum(s, forum, &h);
    if (rc != QR_OK)
        return rc;
    if (index >= size || size > qr_store_forum_find(s, forum)->size)
        return QR_OUT_OF_RANGE;
    return qr_merkle_inclusion_proof(index, size, read_hash, &h, proof);
}

int qr_store_consistency_proof(qr_store *s, const char *forum, uint64_t old_size,
                               uint64_t new_size, qr_merkle_proof *proof)
{
    hash_ctx h;
    int rc = with_forum(s, forum, &h);
    if (rc != QR_OK)
        return rc;
    if (old_size == 0 || old_size > new_size || new_size > qr_store_forum_find(s, forum)->size)
        return QR_OUT_OF_RANGE;
    return qr_merkle_consistency_proof(old_size, new_size, read_hash, &h, proof);
}

int qr_store_recompute(qr_store *s, const char *forum, uint8_t root[QR_HASH_LEN], char *err,
                       size_t errlen)
{
    return qr_store_recompute_each(s, forum, NULL, NULL, root, err, errlen);
}

int qr_store_recompute_each(qr_store *s, const char *forum, qr_store_leaf_fn each, void *ctx,
                            uint8_t root[QR_HASH_LEN], char *err, size_t errlen)
{
    const qr_store_forum *f = qr_store_forum_find(s, forum);
    if (!f)
        return QR_UNKNOWN_FORUM;
    qr_merkle_frontier fr;
    qr_merkle_frontier_init(&fr);
    sqlite3_stmt *q = s->q[Q_RECOMPUTE], *h = s->q[Q_LEAVES];
    sqlite3_bind_int64(q, 1, f->id);
    sqlite3_bind_int64(h, 1, f->id);
    int rc = QR_OK, r;
    uint64_t want = 0;
    while ((r = sqlite3_step(q)) == SQLITE_ROW) {
        uint64_t seq = (uint64_t)sqlite3_column_int64(q, 0);
        const uint8_t *entry = sqlite3_column_blob(q, 1);
        size_t len = (size_t)sqlite3_column_bytes(q, 1);
        uint8_t leaf[QR_HASH_LEN];
        uint64_t said = 0;
        int kind;
        if (seq != want) {
            qr_errf(err, errlen, "forum %s: entry %llu is missing", forum,
                    (unsigned long long)want);
            rc = QR_TAMPERED;
            break;
        }
        /* Its number, from the bytes; a full decode is for whoever opens it (each). */
        if (qr_entry_peek(entry, len, &said, &kind) != QR_OK || said != seq) {
            qr_errf(err, errlen, "forum %s: entry %llu does not decode as log entry %llu",
                    forum, (unsigned long long)seq, (unsigned long long)seq);
            rc = QR_TAMPERED;
            break;
        }
        qr_merkle_leaf_hash(entry, len, leaf);
        /* The leaf stored for this entry: the next row of the level-0 scan. */
        int hr = sqlite3_step(h);
        if (hr != SQLITE_ROW && hr != SQLITE_DONE) {
            r = hr;
            break;
        }
        if (hr != SQLITE_ROW || (uint64_t)sqlite3_column_int64(h, 0) != seq ||
            sqlite3_column_bytes(h, 1) != QR_HASH_LEN ||
            sodium_memcmp(leaf, sqlite3_column_blob(h, 1), QR_HASH_LEN) != 0) {
            qr_errf(err, errlen,
                    "forum %s: entry %llu's bytes do not match its stored leaf hash (the entry "
                    "was changed after it was recorded)",
                    forum, (unsigned long long)seq);
            rc = QR_TAMPERED;
            break;
        }
        qr_merkle_frontier_append(&fr, leaf, NULL, NULL);
        if (each && (rc = each(ctx, seq, entry, len, leaf, kind)) != QR_OK)
            break;
        want++;
    }
    if (rc == QR_OK && r != SQLITE_DONE)
        rc = QR_IO;
    sqlite3_reset(q);
    sqlite3_reset(h);
    if (rc != QR_OK)
        return rc;
    if (fr.size != f->fr.size || fr.n != f->fr.n ||
        memcmp(fr.hash, f->fr.hash, (size_t)fr.n * QR_HASH_LEN) != 0) {
        qr_errf(err, errlen, "forum %s: the stored tree hashes disagree with the entries", forum);
        return QR_TAMPERED;
    }
    qr_merkle_frontier_root(&fr, root);
    return QR_OK;
}

int qr_store_schema_version(const qr_store *s)
{
    return s->schema_version;
}
