/*
 * merkle.h: the RFC 6962 / RFC 9162 Merkle tree of a forum's log, its proofs and their verifiers.
 *
 * Hashes are SHA-256.  leaf = H(0x00 || entry bytes), node = H(0x01 || left || right), and the
 * root of the empty tree is H("").
 *
 * Stored-hash layout (as Go's sumdb tlog): the hash at (level L, index K) is the root of the
 * complete subtree over leaves [K << L, (K + 1) << L).  Appending leaf N stores (0, N) and then
 * every subtree that leaf completes: (1, N/2) if N is odd, (2, N/4) if N % 4 == 3, and so on.
 * So the store holds about 2N hashes, each written once and never changed, and any tree head or
 * proof needs O(log N) of them: a complete aligned subtree is one read, and the one ragged
 * subtree on the right edge of a tree is rebuilt from at most log N complete ones.
 *
 * The module never touches storage itself: callers pass a read function (and, to append, a
 * store function) so the same code runs over SQLite, a mirror, or an in-memory array in tests.
 *
 * The frontier is the right edge of the tree: one complete-subtree hash per set bit of the
 * size, largest first.  It is all an appender needs to extend the tree and to compute the root
 * without reading anything.
 */
#ifndef QR_MERKLE_H
#define QR_MERKLE_H

#include "qr.h"

#define QR_MERKLE_MAX_PROOF 64 /* hashes in any proof of a tree of up to 2^63 leaves */

/* Read the stored hash at (level, index); QR_OK or an error code. */
typedef int (*qr_merkle_read_fn)(void *ctx, unsigned level, uint64_t index,
                                 uint8_t out[QR_HASH_LEN]);
/* Store a newly completed hash at (level, index). */
typedef int (*qr_merkle_store_fn)(void *ctx, unsigned level, uint64_t index,
                                  const uint8_t hash[QR_HASH_LEN]);

typedef struct {
    uint64_t size;                    /* leaves in the tree */
    unsigned n;                       /* subtrees on the right edge == popcount(size) */
    uint8_t hash[64][QR_HASH_LEN];    /* their roots, largest (leftmost) first */
} qr_merkle_frontier;

typedef struct {
    size_t n;
    uint8_t hash[QR_MERKLE_MAX_PROOF][QR_HASH_LEN];
} qr_merkle_proof;

void qr_merkle_leaf_hash(const uint8_t *entry, size_t len, uint8_t out[QR_HASH_LEN]);
void qr_merkle_node_hash(const uint8_t left[QR_HASH_LEN], const uint8_t right[QR_HASH_LEN],
                         uint8_t out[QR_HASH_LEN]);
void qr_merkle_empty_root(uint8_t out[QR_HASH_LEN]);

/* The empty tree. */
void qr_merkle_frontier_init(qr_merkle_frontier *f);
/* Rebuild the frontier of a tree of `size` leaves from stored hashes (popcount(size) reads). */
int qr_merkle_frontier_load(qr_merkle_frontier *f, uint64_t size, qr_merkle_read_fn rd,
                            void *ctx);
/* Append one leaf: calls `st` (may be NULL) for (0, size) and each subtree completed. */
int qr_merkle_frontier_append(qr_merkle_frontier *f, const uint8_t leaf_hash[QR_HASH_LEN],
                              qr_merkle_store_fn st, void *ctx);
/* Root of the tree the frontier describes. */
void qr_merkle_frontier_root(const qr_merkle_frontier *f, uint8_t root[QR_HASH_LEN]);

/* Root of the first `size` leaves, from stored hashes (works for any size <= stored size). */
int qr_merkle_tree_hash(uint64_t size, qr_merkle_read_fn rd, void *ctx,
                        uint8_t root[QR_HASH_LEN]);
/* Proof that leaf `index` is in the tree of `size` leaves (RFC 9162 2.1.3.1). */
int qr_merkle_inclusion_proof(uint64_t index, uint64_t size, qr_merkle_read_fn rd, void *ctx,
                              qr_merkle_proof *proof);
/* Proof that the tree of `old_size` is a prefix of the tree of `new_size` (RFC 9162 2.1.4.1).
 * 0 < old_size <= new_size. */
int qr_merkle_consistency_proof(uint64_t old_size, uint64_t new_size, qr_merkle_read_fn rd,
                                void *ctx, qr_merkle_proof *proof);

/* Verifiers (RFC 9162 2.1.3.2 and 2.1.4.2).  QR_OK only if the proof is exactly right:
 * QR_BAD_PROOF for a wrong or malformed proof, QR_OUT_OF_RANGE for impossible sizes.
 * A consistency proof from size 0 is an error; equal sizes need an empty proof and equal roots. */
QR_MUST_CHECK int qr_merkle_verify_inclusion(uint64_t index, uint64_t size,
                                             const uint8_t leaf_hash[QR_HASH_LEN],
                                             const qr_merkle_proof *proof,
                                             const uint8_t root[QR_HASH_LEN]);
QR_MUST_CHECK int qr_merkle_verify_consistency(uint64_t old_size, uint64_t new_size,
                                               const uint8_t old_root[QR_HASH_LEN],
                                               const uint8_t new_root[QR_HASH_LEN],
                                               const qr_merkle_proof *proof);

#endif
