/*
 * replay.h: judging a stored log entry with the rulebook, exactly as the daemon judged it when
 * it arrived: decode the LogEntry, open and verify its signed statement, hash the entry bytes
 * into its leaf, and apply the rules at the entry's logged time.  Shared by quorumd's start-up,
 * the client's `state` and `close`, and `verify`.
 */
#ifndef QR_REPLAY_H
#define QR_REPLAY_H

#include "rules.h"

/* QR_OK if the entry is lawful and now applied to r; otherwise its code, with why->message
 * saying what is wrong (a refusal leaves r unchanged).  On QR_OK, if stmt is not NULL, it gets
 * the opened statement (the caller destroys it).  An entry that is refused, or does not even
 * decode, is stepped over (qr_rules_skip) so that the following entries keep their numbers. */
int qr_replay_entry(qr_rules *r, const uint8_t *entry, size_t len, qr_statement **stmt,
                    qr_refusal *why);
/* The same for an entry whose statement signature the caller has already checked, with the
 * result signature_ok (see qr_statement_open_checked). */
int qr_replay_entry_checked(qr_rules *r, const uint8_t *entry, size_t len, int signature_ok,
                            qr_statement **stmt, qr_refusal *why);
/* The same for quorumd's start-up, for an entry whose bytes were just matched, with their leaf
 * hash `leaf`, to a checkpoint the daemon signed (qr_statement_open_trusted): nothing is hashed
 * or verified again, and the statement's stmt_hash is zero. */
int qr_replay_entry_trusted(qr_rules *r, const uint8_t *entry, size_t len,
                            const uint8_t leaf[QR_HASH_LEN], qr_statement **stmt, qr_refusal *why);

#endif
