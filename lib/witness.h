/*
 * witness.h: cosignatures and evidence, kept beside the log in the same SQLite file and the
 * same transactions (through the store's one connection).
 *
 * quorumd keeps the C2SP cosignatures that witnesses send it, per forum and checkpoint size,
 * and serves each checkpoint with them.  quorum-mirror keeps the cosignatures it made (the
 * newest per forum is what it must never contradict), the evidence of any split view or
 * rewritten history it saw (both signed checkpoints, verbatim), and which alerts it raised.
 *
 *   cosignatures(forum_id, size, witness, line, at)   one line per witness and size
 *   evidence(id, forum, what, ours, theirs, at)       conflicting signed notes, verbatim
 *   alerts(key, at)                                   alerts already raised (no repeats)
 *
 * Schema version 3 makes them (store_schema.c); cosignatures and evidence are append-only
 * like the log.
 */
#ifndef QR_WITNESS_H
#define QR_WITNESS_H

#include "store.h"

/* The signed checkpoint note the store holds for exactly this size, or QR_NOT_FOUND. */
int qr_witness_checkpoint_at(qr_store *s, const char *forum, uint64_t size, char **note);

/* Record a cosignature line (QR_OK also if this witness already cosigned this size). */
int qr_witness_put_cosig(qr_store *s, const char *forum, uint64_t size, const char *witness,
                         const char *line, int64_t at);
/* Every cosignature line for that size, concatenated (malloc'd; "" if none). */
int qr_witness_cosigs(qr_store *s, const char *forum, uint64_t size, char **lines);
/* The largest size `witness` cosigned in this forum (0 if none). */
int qr_witness_last_cosigned(qr_store *s, const char *forum, const char *witness,
                             uint64_t *size);
/* Seconds since the epoch of the newest cosignature of a forum (0 if none). */
int64_t qr_witness_freshness(qr_store *s, const char *forum);

int qr_witness_put_evidence(qr_store *s, const char *forum, const char *what, const char *ours,
                            const char *theirs, int64_t at);
/* Pieces of evidence held for a forum. */
int qr_witness_evidence_count(qr_store *s, const char *forum, uint64_t *n);

/* 1 if the alert `key` is newly marked as raised, 0 if it was raised before, < 0 on error. */
int qr_witness_mark_alert(qr_store *s, const char *key, int64_t at);

#endif
