/*
 * memtree.h: a forum's Merkle tree held in memory, for those who hold every entry themselves
 * (the minutes' proof bundle, verify-minutes, audit) and so need to trust no one's proofs.
 *
 * It keeps the same stored hashes as the store (merkle.h's layout: level L, index K is the
 * root of leaves [K << L, (K + 1) << L)), appended as leaves arrive, and answers roots and
 * proofs for any size up to the number of leaves with lib/merkle.c's own functions, so a proof
 * made here is byte for byte the proof quorumd would serve.  About 64 bytes per leaf.
 */
#ifndef QR_MEMTREE_H
#define QR_MEMTREE_H

#include "merkle.h"

typedef struct qr_memtree qr_memtree;

qr_memtree *qr_memtree_new(void);
void qr_memtree_destroy(qr_memtree **t);

/* Append the leaf hash of the next entry. */
int qr_memtree_append(qr_memtree *t, const uint8_t leaf[QR_HASH_LEN]);
uint64_t qr_memtree_size(const qr_memtree *t);

/* Root of the first `size` leaves (QR_OUT_OF_RANGE beyond the leaves held). */
int qr_memtree_root(qr_memtree *t, uint64_t size, uint8_t root[QR_HASH_LEN]);
int qr_memtree_inclusion(qr_memtree *t, uint64_t index, uint64_t size, qr_merkle_proof *p);
int qr_memtree_consistency(qr_memtree *t, uint64_t old_size, uint64_t new_size, qr_merkle_proof *p);

#endif
