/*
 * statement.h: signed statements and log entries, as bytes and as decoded messages.
 *
 * A SignedStatement is opened from untrusted bytes in one place, here: size checked, decoded,
 * key and signature lengths checked, the signature verified over the domain string and the
 * exact statement bytes, the statement decoded and its forum id and kind checked.  Nothing is
 * re-encoded: the stored, hashed and published bytes are the bytes received.
 */
#ifndef QR_STATEMENT_H
#define QR_STATEMENT_H

#include "keys.h"
#include "qr.h"

#include "statement.pb-c.h"

typedef struct {
    Quorum__SignedStatement *envelope;
    Quorum__Statement *st;
    uint8_t signer[32];
    uint8_t stmt_hash[QR_HASH_LEN]; /* SHA-256 of the statement bytes: replays have the same */
} qr_statement;

/* Decode and verify a SignedStatement.  err gets a sentence for people on failure. */
int qr_statement_open(const uint8_t *bytes, size_t len, qr_statement **out, char *err,
                      size_t errlen);
/* The same for bytes whose signature the caller has already checked: signature_ok is that
 * result, and the signature is not checked again (a false one is refused as BAD_SIGNATURE).
 * For `quorum verify`, which checks signatures on several threads and then replays in order,
 * and for quorumd's start-up, which replays entries it verified when they arrived and whose
 * bytes it has just matched to its own signed checkpoint. */
int qr_statement_open_checked(const uint8_t *bytes, size_t len, int signature_ok,
                              qr_statement **out, char *err, size_t errlen);
/* Decode only, for quorumd's start-up, which replays entries whose bytes it has just matched
 * to a checkpoint it signed itself (their signatures were checked when they arrived): the
 * signature is not checked and stmt_hash is left zero. */
int qr_statement_open_trusted(const uint8_t *bytes, size_t len, qr_statement **out, char *err,
                              size_t errlen);
void qr_statement_destroy(qr_statement **s);

/* Name of the statement's kind as in DESIGN.md ("ForumChartered"), or "unknown". */
const char *qr_statement_kind(const Quorum__Statement *st);

/* Encode `st`, sign it with `k`, and encode the SignedStatement into a malloc'd buffer. */
int qr_statement_seal(const Quorum__Statement *st, const qr_key *k, uint8_t **out, size_t *len);

/* LogEntry bytes for a statement accepted at `logged_at` as leaf `seq`. */
int qr_entry_encode(uint64_t seq, int64_t logged_at, const uint8_t *signed_stmt, size_t len,
                    uint8_t **out, size_t *outlen);
/* Decode LogEntry bytes (bounded); free with quorum__log_entry__free_unpacked(e, NULL). */
int qr_entry_decode(const uint8_t *bytes, size_t len, Quorum__LogEntry **out);
/* Decode LogEntry bytes and open their statement as qr_statement_open_trusted does. */
int qr_entry_open_trusted(const uint8_t *bytes, size_t len, qr_statement **out, char *err,
                          size_t errlen);
/* A log entry's number and its statement's kind without decoding it: a walk over the
 * protobuf wire format of the entry, its signed statement and the statement's top-level
 * fields, allocating nothing.  For quorumd's start-up, which reads every entry but opens only
 * a few kinds.  QR_BAD_STATEMENT if the entry itself is not well formed; otherwise *kind is a
 * QUORUM__STATEMENT__KIND_* value (0 if the statement has none), or -1 if the signed statement
 * or statement inside is not well formed.  Agrees with a decode on every entry whose three
 * layers decode. */
int qr_entry_peek(const uint8_t *bytes, size_t len, uint64_t *seq, int *kind);

#endif
