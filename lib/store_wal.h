/*
 * store_wal.h: the store's WAL checkpoints on a thread and a connection of their own (see
 * store_wal.c), for a process that commits often and wants no commit to wait for one.
 */
#ifndef QR_STORE_WAL_H
#define QR_STORE_WAL_H

#include "qr.h"

#include <sqlite3.h>

#define QR_WAL_CHECKPOINT_PAGES 1000   /* wake the thread once the WAL holds this many pages */
#define QR_WAL_CHECKPOINT_FORCE 4000   /* then copy the rest, holding commits back briefly */

typedef struct qr_wal_checkpointer qr_wal_checkpointer;

/* Start checkpointing writer's file in the background (writer: the store's connection,
 * qr_store_sqlite; a file database in WAL mode).  QR_IO or QR_INTERNAL, with why in err. */
int qr_wal_checkpointer_start(sqlite3 *writer, qr_wal_checkpointer **out, char *err,
                              size_t errlen);
/* Checkpoints run by the thread, and how many of them had to hold commits back (RESTART). */
void qr_wal_checkpointer_counts(qr_wal_checkpointer *c, uint64_t *runs, uint64_t *forced);
/* Stop it and give the writer back SQLite's automatic checkpoints.  Call it before the
 * writer's connection is closed, with no commit under way. */
void qr_wal_checkpointer_stop(qr_wal_checkpointer **c);

#endif
