/*
 * store.h: the durable home of every forum's log: one SQLite file, one writing connection.
 *
 * The interface is deliberately narrow (open, begin, append, put checkpoint, commit or roll
 * back, read a range, tree hashes and proofs) so that a replicated backend (dqlite) can take its
 * place without touching the daemon.  See store.c for the on-disk layout.
 *
 * Writes happen in batches: qr_store_begin(), any number of qr_store_forum_create() and
 * qr_store_append() calls, one qr_store_put_checkpoint() per changed forum, then
 * qr_store_commit().  Nothing is visible to readers of the file, and nothing may be
 * acknowledged, until commit returns QR_OK.  qr_store_rollback() undoes the batch in the file
 * and in memory.
 */
#ifndef QR_STORE_H
#define QR_STORE_H

#include "merkle.h"
#include "qr.h"

typedef struct qr_store qr_store;

typedef struct {
    int64_t id;               /* row id in the file */
    char forum[QR_MAX_ID + 1];
    char name[QR_MAX_NAME + 1]; /* the charter's name for it */
    uint64_t size;            /* leaves committed or pending in this batch */
    qr_merkle_frontier fr;    /* right edge of the tree at `size` */
    /* batch bookkeeping */
    int dirty;
    uint64_t saved_size;
    qr_merkle_frontier saved_fr;
} qr_store_forum;

#define QR_STORE_READONLY 1

int qr_store_open(const char *path, int flags, qr_store **out, char *err, size_t errlen);
void qr_store_destroy(qr_store **s);

/* Forums, in creation order. */
size_t qr_store_forum_count(const qr_store *s);
const qr_store_forum *qr_store_forum_at(const qr_store *s, size_t i);
const qr_store_forum *qr_store_forum_find(const qr_store *s, const char *forum);

int qr_store_begin(qr_store *s);
int qr_store_commit(qr_store *s);
void qr_store_rollback(qr_store *s);
/* Forums changed by the current or just-committed batch (valid until the next begin or a
 * rollback). */
size_t qr_store_dirty_count(const qr_store *s);
const qr_store_forum *qr_store_dirty_at(const qr_store *s, size_t i);

int qr_store_forum_create(qr_store *s, const char *forum, const char *name, int64_t created_at);
/* 1 if the forum already holds a statement with this hash, 0 if not, or an error < 0. */
int qr_store_has_statement(qr_store *s, const char *forum, const uint8_t stmt_hash[QR_HASH_LEN]);
/* Append entry bytes as the next leaf; *seq gets its index. */
int qr_store_append(qr_store *s, const char *forum, const uint8_t *entry, size_t len,
                    const uint8_t stmt_hash[QR_HASH_LEN], uint64_t *seq);
int qr_store_put_checkpoint(qr_store *s, const char *forum, uint64_t size, const char *note);

/* Latest checkpoint note (malloc'd), or QR_NOT_FOUND. */
int qr_store_latest_checkpoint(qr_store *s, const char *forum, char **note, uint64_t *size);
/* Call fn for entries [from, from + count) that exist, in order. */
typedef int (*qr_store_entry_fn)(void *ctx, uint64_t seq, const uint8_t *entry, size_t len);
int qr_store_read(qr_store *s, const char *forum, uint64_t from, uint64_t count,
                  qr_store_entry_fn fn, void *ctx);

int qr_store_tree_hash(qr_store *s, const char *forum, uint64_t size, uint8_t root[QR_HASH_LEN]);
int qr_store_leaf_hash(qr_store *s, const char *forum, uint64_t index, uint8_t out[QR_HASH_LEN]);
int qr_store_inclusion_proof(qr_store *s, const char *forum, uint64_t index, uint64_t size,
                             qr_merkle_proof *proof);
int qr_store_consistency_proof(qr_store *s, const char *forum, uint64_t old_size,
                               uint64_t new_size, qr_merkle_proof *proof);

/* Re-read every entry of a forum, recompute every leaf hash and the tree head, and check them
 * against the stored hashes and sequence numbers.  On success *root is the recomputed root of
 * the whole forum.  On QR_TAMPERED, err names the entry and what is wrong. */
int qr_store_recompute(qr_store *s, const char *forum, uint8_t root[QR_HASH_LEN], char *err,
                       size_t errlen);

#endif
