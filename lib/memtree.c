/*
 * memtree.c: stored Merkle hashes in growable arrays, one per level.
 */
#include "memtree.h"

#include <stdlib.h>
#include <string.h>

#define LEVELS 64

struct qr_memtree {
    qr_merkle_frontier fr;
    uint8_t *level[LEVELS]; /* QR_HASH_LEN bytes per index */
    uint64_t n[LEVELS], cap[LEVELS];
};

qr_memtree *qr_memtree_new(void)
{
    qr_memtree *t = calloc(1, sizeof *t);
    if (t)
        qr_merkle_frontier_init(&t->fr);
    return t;
}

void qr_memtree_destroy(qr_memtree **t)
{
    if (!t || !*t)
        return;
    for (int i = 0; i < LEVELS; i++)
        free((*t)->level[i]);
    free(*t);
    *t = NULL;
}

/* Hashes arrive in index order at each level: (0, N), then the subtrees leaf N completes. */
static int store(void *ctx, unsigned level, uint64_t index, const uint8_t hash[QR_HASH_LEN])
{
    qr_memtree *t = ctx;
    if (level >= LEVELS || index != t->n[level])
        return QR_INTERNAL;
    if (t->n[level] == t->cap[level]) {
        uint64_t cap = t->cap[level] ? t->cap[level] * 2 : 64;
        if (cap > SIZE_MAX / QR_HASH_LEN)
            return QR_NOMEM;
        uint8_t *p = realloc(t->level[level], (size_t)cap * QR_HASH_LEN);
        if (!p)
            return QR_NOMEM;
        t->level[level] = p;
        t->cap[level] = cap;
    }
    memcpy(t->level[level] + (size_t)index * QR_HASH_LEN, hash, QR_HASH_LEN);
    t->n[level]++;
    return QR_OK;
}

static int read_hash(void *ctx, unsigned level, uint64_t index, uint8_t out[QR_HASH_LEN])
{
    qr_memtree *t = ctx;
    if (level >= LEVELS || index >= t->n[level])
        return QR_OUT_OF_RANGE;
    memcpy(out, t->level[level] + (size_t)index * QR_HASH_LEN, QR_HASH_LEN);
    return QR_OK;
}

int qr_memtree_append(qr_memtree *t, const uint8_t leaf[QR_HASH_LEN])
{
    return qr_merkle_frontier_append(&t->fr, leaf, store, t);
}

uint64_t qr_memtree_size(const qr_memtree *t)
{
    return t->fr.size;
}

int qr_memtree_root(qr_memtree *t, uint64_t size, uint8_t root[QR_HASH_LEN])
{
    if (size > t->fr.size)
        return QR_OUT_OF_RANGE;
    return qr_merkle_tree_hash(size, read_hash, t, root);
}

int qr_memtree_inclusion(qr_memtree *t, uint64_t index, uint64_t size, qr_merkle_proof *p)
{
    if (size > t->fr.size || index >= size)
        return QR_OUT_OF_RANGE;
    return qr_merkle_inclusion_proof(index, size, read_hash, t, p);
}

int qr_memtree_consistency(qr_memtree *t, uint64_t old_size, uint64_t new_size, qr_merkle_proof *p)
{
    if (new_size > t->fr.size || old_size == 0 || old_size > new_size)
        return QR_OUT_OF_RANGE;
    return qr_merkle_consistency_proof(old_size, new_size, read_hash, t, p);
}
