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

/* The schema version this build writes (see store_schema.c for versions and upgrades).  A
 * read-write open upgrades an older file in place, in one transaction; any open refuses a file
 * of a newer version, naming both versions. */
#define QR_STORE_SCHEMA_VERSION 4

/* A writable open refuses a file it cannot write (QR_IO) and, before writing anything, one
 * SQLite finds damaged (QR_TAMPERED, with SQLite's first complaint in err). */
int qr_store_open(const char *path, int flags, qr_store **out, char *err, size_t errlen);
void qr_store_destroy(qr_store **s);
/* The store's one connection, for modules that keep their own tables in the same file and the
 * same transactions (lib/witness.c).  Never open a second writing connection to the file. */
struct sqlite3 *qr_store_sqlite(qr_store *s);

/* Forums, in creation order. */
size_t qr_store_forum_count(const qr_store *s);
const qr_store_forum *qr_store_forum_at(const qr_store *s, size_t i);
const qr_store_forum *qr_store_forum_find(const qr_store *s, const char *forum);

/* begin and commit return QR_UNAVAILABLE, and append and put_checkpoint QR_IO, when the file
 * cannot be written (disk full, read-only, I/O error); after commit fails the batch is rolled
 * back.  Once the cause is gone the next batch succeeds: nothing needs reopening. */
int qr_store_begin(qr_store *s);
int qr_store_commit(qr_store *s);
void qr_store_rollback(qr_store *s);
/* qr_store_commit in two halves, so that another thread can wait for the disk: _write runs
 * the COMMIT and touches nothing but the file and the fault (it may run on any one thread
 * while the batch's thread leaves the store alone; the forums stay as they are); _end, back on
 * the batch's thread, takes its result and ends the batch as qr_store_commit would. */
int qr_store_commit_write(qr_store *s);
int qr_store_commit_end(qr_store *s, int rc);
/* Why the current or last batch failed, as words for the person whose submit was refused
 * ("the disk holding the daemon's database is full"), or NULL if no write of it failed.
 * Kept until the next begin. */
const char *qr_store_fault(const qr_store *s);
/* The same for the operator's log: SQLite's words and code, and the system's error if any. */
void qr_store_fault_detail(const qr_store *s, char *out, size_t outlen);
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
/* Every checkpoint held for a forum, smallest size first, exactly as signed: fn(ctx, size,
 * note) until it returns other than QR_OK (which is then returned).  For audits. */
typedef int (*qr_store_checkpoint_fn)(void *ctx, uint64_t size, const char *note);
int qr_store_checkpoints(qr_store *s, const char *forum, qr_store_checkpoint_fn fn, void *ctx);
/* Call fn for entries [from, from + count) that exist, in order. */
typedef int (*qr_store_entry_fn)(void *ctx, uint64_t seq, const uint8_t *entry, size_t len);
int qr_store_read(qr_store *s, const char *forum, uint64_t from, uint64_t count,
                  qr_store_entry_fn fn, void *ctx);

/* Reads between qr_store_read_begin() and qr_store_read_end() share one read transaction:
 * one snapshot of the file, and one lock for all of them (a proof is a dozen reads).  Use it
 * around reads outside a batch; no batch may begin until it ends (qr_store_begin() returns
 * QR_INTERNAL).  Inside a batch, or if the transaction cannot be had, the reads are made as
 * they would be without it. */
void qr_store_read_begin(qr_store *s);
void qr_store_read_end(qr_store *s);

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
/* The same, handing each entry that passed its checks, with its leaf hash and its statement's
 * kind (qr_entry_peek), to each(ctx, ...) on the way (a non-QR_OK return stops and is
 * returned), so a caller that needs entries (quorumd's start-up, and loading a forum's
 * rulebook state) reads and hashes the log once. */
typedef int (*qr_store_leaf_fn)(void *ctx, uint64_t seq, const uint8_t *entry, size_t len,
                                const uint8_t leaf[QR_HASH_LEN], int kind);
int qr_store_recompute_each(qr_store *s, const char *forum, qr_store_leaf_fn each, void *ctx,
                            uint8_t root[QR_HASH_LEN], char *err, size_t errlen);

/* The schema version of the file as opened. */
int qr_store_schema_version(const qr_store *s);
/* PRAGMA integrity_check: QR_OK if SQLite finds the file sound, else QR_TAMPERED with its first
 * complaint in err. */
int qr_store_integrity_check(qr_store *s, char *err, size_t errlen);

/* Online backup: a consistent copy of the whole file into `path` (which must not exist; it is
 * created 0600), taken a few pages per step between batches while writes go on.  Steps must
 * not be taken while a batch is open.  Every batch committed before the last step is in the
 * copy.  The finished copy is a single file (rollback journal, no -wal). */
typedef struct qr_store_backup qr_store_backup;
int qr_store_backup_begin(qr_store *s, const char *path, qr_store_backup **out, char *err,
                          size_t errlen);
/* Copy up to `pages` more pages; *done is 1 once the copy is complete. */
int qr_store_backup_step(qr_store_backup *b, int pages, int *done);
void qr_store_backup_progress(const qr_store_backup *b, uint64_t *copied, uint64_t *total);
/* Close the copy (QR_UNAVAILABLE if it was not done: the caller removes the file). */
int qr_store_backup_finish(qr_store_backup **b, char *err, size_t errlen);

#endif
