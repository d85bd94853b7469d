/*
 * store_tiles.h: the lowest levels of each forum's Merkle tree, stored a tile to a row so that a
 * proof reads them in two rows instead of eight.  Internal to the store (store.c reads and
 * writes tiles, store_schema.c fills them when a file is upgraded); see store_tiles.c.
 */
#ifndef QR_STORE_TILES_H
#define QR_STORE_TILES_H

#include "qr.h"

#include <sqlite3.h>

#define QR_TILE_HEIGHT 4  /* levels a tile holds */
#define QR_TILE_WIDTH 16  /* nodes at its base level: 1 << QR_TILE_HEIGHT */
#define QR_TILE_HASHES 30 /* 16 + 8 + 4 + 2 */
#define QR_TILE_LEVELS 8  /* tiles hold levels 0 to 7: their bases are 0 and 4 */

/* Where node (level, index) is kept, for level < QR_TILE_LEVELS: the tile's base level and
 * number, and the node's place among the tile's hashes. */
void qr_tile_locate(unsigned level, uint64_t index, unsigned *base, uint64_t *tile, unsigned *slot);

/* The row id of a tile (see store_tiles.c), or 0 if it has none: then it is never written. */
int qr_tile_key(int64_t forum_id, unsigned base, uint64_t tile, int64_t *key);

/* The statements that make tiles from the hashes table, prepared on the store's connection. */
typedef struct {
    sqlite3_stmt *level[QR_TILE_HEIGHT]; /* one scan of the hashes table per level of a tile */
    sqlite3_stmt *insert;
} qr_tile_writer;

int qr_tile_writer_open(sqlite3 *db, qr_tile_writer *w);
void qr_tile_writer_close(qr_tile_writer *w);

/* After leaf `seq` of a forum is stored with every hash it completes: write the tiles it
 * completes, inside the caller's transaction. */
int qr_tiles_after_append(qr_tile_writer *w, int64_t forum_id, uint64_t seq);

/* Every tile of every complete block of every forum, for a file whose tiles table is new and
 * empty (schema step 4), inside the caller's transaction. */
int qr_tiles_fill(sqlite3 *db);

#endif
