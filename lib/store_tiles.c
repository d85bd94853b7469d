/*
 * store_tiles.c: the lowest eight levels of each forum's Merkle tree, in rows of 30 hashes.
 *
 * Why
 * ---
 * A proof needs about one stored node from each level of the tree (merkle.c).  The store
 * answers the levels from 8 up from memory (a small cache: they are few and every proof reads
 * them again).  Each level below 8 was a point read of the hashes table: a B-tree descent that,
 * for proofs at random places in a large forum, lands on a page no other proof has touched
 * lately.  At 1,000,000 entries that was eight descents a proof, about half of what a proof
 * cost quorumd, and no cache of bounded size helps (the levels below 8 hold 255 of every 256
 * nodes).  A tile puts the nodes a proof can need from four levels under one node into one
 * row, so those eight levels are two rows: two descents.
 *
 * Layout
 * ------
 *   tiles(id, forum_id, level, idx, hashes)
 *
 * A tile is the subtree of depth 4 under the node at (level + 4, idx), without that node:
 * `level` is its base, 0 or 4, and `hashes` holds 30 hashes of 32 bytes, base level first,
 * each level left to right:
 *
 *     base + 0: nodes 16 idx ... 16 idx + 15       hashes  0..15
 *     base + 1: nodes  8 idx ...  8 idx + 7        hashes 16..23
 *     base + 2: nodes  4 idx ...  4 idx + 3        hashes 24..27
 *     base + 3: nodes  2 idx,     2 idx + 1        hashes 28..29
 *
 * Every sibling and subtree a proof needs from those levels, for a leaf or tree edge under
 * the node, is among them.
 *
 * The table is keyed by its rowid, id = (forum_id << 41) | (level / 4 << 40) | idx (a CHECK
 * holds the file to it), not WITHOUT ROWID as the hashes are: in a WITHOUT ROWID table the
 * interior pages of the B-tree hold whole rows, four of these to a page, so a lookup descended
 * eight pages; keyed by rowid, it descends two or three (two tile reads at 1,000,000 entries:
 * 14 -> 8 us).  Forum ids up to 2^22 - 1 and blocks up to 2^40 (2^44 leaves) have a key; a
 * forum beyond that has no tiles, and its proofs read the hashes table alone.
 *
 * A tile is made from the hashes table in the batch whose append completes its block (leaf N
 * with N + 1 a multiple of 16 << level), so it exists exactly when its top node does.  The
 * block on the right edge of a tree, not yet complete, has no tile: proofs read its nodes one
 * by one from the hashes table, as they always did.  Schema step 4 made the table and filled
 * it for every complete block of the file, in the upgrade's transaction.
 *
 * Tiles are derived data, like every stored hash above level 0, and kept as those are:
 * written once, append-only (store.c's triggers).  A tile that someone changed would make
 * proofs that do not verify against the signed checkpoints, exactly as a changed stored hash
 * would; a verifier trusts neither.
 */
#include "store_tiles.h"

#include <string.h>

#define MAX_FORUM_ID ((INT64_C(1) << 22) - 1)
#define MAX_TILE ((UINT64_C(1) << 40) - 1)

int qr_tile_key(int64_t forum_id, unsigned base, uint64_t tile, int64_t *key)
{
    if (forum_id < 1 || forum_id > MAX_FORUM_ID || tile > MAX_TILE || base % QR_TILE_HEIGHT ||
        base >= QR_TILE_LEVELS)
        return 0;
    *key = forum_id << 41 | (int64_t)(base / QR_TILE_HEIGHT) << 40 | (int64_t)tile;
    return 1;
}

/* Where each level of a tile starts among its hashes. */
static const unsigned level_at[QR_TILE_HEIGHT] = {0, 16, 24, 28};

void qr_tile_locate(unsigned level, uint64_t index, unsigned *base, uint64_t *tile, unsigned *slot)
{
    unsigned depth = level % QR_TILE_HEIGHT, shift = QR_TILE_HEIGHT - depth; /* 1 << shift nodes */
    *base = level - depth;
    *tile = index >> shift;
    *slot = level_at[depth] + (unsigned)(index & ((1u << shift) - 1));
}

int qr_tile_writer_open(sqlite3 *db, qr_tile_writer *w)
{
    static const char scan[] = "SELECT idx, hash FROM hashes WHERE forum_id = ?1 AND level = ?2 "
                               "AND idx >= ?3 AND idx < ?4 ORDER BY idx",
                      insert[] = "INSERT INTO tiles(id, forum_id, level, idx, hashes) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5)";
    memset(w, 0, sizeof *w);
    int ok = 1;
    for (unsigned d = 0; d < QR_TILE_HEIGHT; d++)
        ok = ok && sqlite3_prepare_v3(db, scan, -1, SQLITE_PREPARE_PERSISTENT, &w->level[d],
                                      NULL) == SQLITE_OK;
    ok = ok && sqlite3_prepare_v3(db, insert, -1, SQLITE_PREPARE_PERSISTENT, &w->insert, NULL) ==
                   SQLITE_OK;
    if (ok)
        return QR_OK;
    qr_tile_writer_close(w);
    return QR_IO;
}

void qr_tile_writer_close(qr_tile_writer *w)
{
    for (unsigned d = 0; d < QR_TILE_HEIGHT; d++)
        sqlite3_finalize(w->level[d]);
    sqlite3_finalize(w->insert);
    memset(w, 0, sizeof *w);
}

/* The next stored hash of one level's scan, which must be node `index`. */
static int next_hash(sqlite3_stmt *scan, uint64_t index, uint8_t out[QR_HASH_LEN])
{
    int r = sqlite3_step(scan);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return QR_IO;
    if (r == SQLITE_DONE || (uint64_t)sqlite3_column_int64(scan, 0) != index ||
        sqlite3_column_bytes(scan, 1) != QR_HASH_LEN)
        return QR_TAMPERED; /* a complete block lacks a hash: the tree is not whole */
    memcpy(out, sqlite3_column_blob(scan, 1), QR_HASH_LEN);
    return QR_OK;
}

static int insert_tile(qr_tile_writer *w, int64_t forum_id, unsigned base, uint64_t tile,
                       const uint8_t hashes[QR_TILE_HASHES][QR_HASH_LEN])
{
    sqlite3_stmt *q = w->insert;
    int64_t key;
    if (!qr_tile_key(forum_id, base, tile, &key))
        return QR_OK; /* beyond the keys: this forum is read without tiles */
    sqlite3_bind_int64(q, 1, key);
    sqlite3_bind_int64(q, 2, forum_id);
    sqlite3_bind_int(q, 3, (int)base);
    sqlite3_bind_int64(q, 4, (int64_t)tile);
    sqlite3_bind_blob(q, 5, hashes, QR_TILE_HASHES * QR_HASH_LEN, SQLITE_STATIC);
    int r = sqlite3_step(q);
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    return r == SQLITE_DONE ? QR_OK : QR_IO;
}

/* Tiles [from, to) of one base level, from four scans of the hashes table (one per level of
 * the tiles) stepped side by side: a fill reads each level once, in order. */
static int write_tiles(qr_tile_writer *w, int64_t forum_id, unsigned base, uint64_t from,
                       uint64_t to)
{
    uint8_t hashes[QR_TILE_HASHES][QR_HASH_LEN];
    int rc = QR_OK;
    for (unsigned d = 0; d < QR_TILE_HEIGHT; d++) {
        unsigned shift = QR_TILE_HEIGHT - d;
        sqlite3_bind_int64(w->level[d], 1, forum_id);
        sqlite3_bind_int(w->level[d], 2, (int)(base + d));
        sqlite3_bind_int64(w->level[d], 3, (int64_t)(from << shift));
        sqlite3_bind_int64(w->level[d], 4, (int64_t)(to << shift));
    }
    for (uint64_t t = from; t < to && rc == QR_OK; t++) {
        for (unsigned d = 0; d < QR_TILE_HEIGHT && rc == QR_OK; d++) {
            unsigned shift = QR_TILE_HEIGHT - d;
            for (uint64_t j = 0; j < (1u << shift) && rc == QR_OK; j++)
                rc = next_hash(w->level[d], (t << shift) + j, hashes[level_at[d] + j]);
        }
        if (rc == QR_OK)
            rc = insert_tile(w, forum_id, base, t, hashes);
    }
    for (unsigned d = 0; d < QR_TILE_HEIGHT; d++)
        sqlite3_reset(w->level[d]);
    return rc;
}

int qr_tiles_after_append(qr_tile_writer *w, int64_t forum_id, uint64_t seq)
{
    int rc = QR_OK;
    for (unsigned base = 0; base < QR_TILE_LEVELS && rc == QR_OK; base += QR_TILE_HEIGHT) {
        uint64_t span = (uint64_t)QR_TILE_WIDTH << base; /* leaves under one tile */
        if ((seq + 1) % span == 0)
            rc = write_tiles(w, forum_id, base, seq / span, seq / span + 1);
    }
    return rc;
}

int qr_tiles_fill(sqlite3 *db)
{
    qr_tile_writer w;
    sqlite3_stmt *q = NULL;
    int rc = qr_tile_writer_open(db, &w), r = SQLITE_DONE;
    if (rc == QR_OK &&
        sqlite3_prepare_v2(db,
                           "SELECT f.id, (SELECT max(h.idx) + 1 FROM hashes h "
                           "WHERE h.forum_id = f.id AND h.level = 0) FROM forums f ORDER BY f.id",
                           -1, &q, NULL) != SQLITE_OK)
        rc = QR_IO;
    while (rc == QR_OK && (r = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t forum_id = sqlite3_column_int64(q, 0);
        uint64_t leaves = (uint64_t)sqlite3_column_int64(q, 1); /* NULL (no leaves) reads 0 */
        for (unsigned base = 0; base < QR_TILE_LEVELS && rc == QR_OK; base += QR_TILE_HEIGHT)
            rc = write_tiles(&w, forum_id, base, 0, leaves / ((uint64_t)QR_TILE_WIDTH << base));
    }
    if (rc == QR_OK && r != SQLITE_DONE)
        rc = QR_IO;
    sqlite3_finalize(q);
    qr_tile_writer_close(&w);
    return rc;
}
