/*
 * fuzz_proof.c: inclusion and consistency proofs as a client or mirror receives them
 * (qr_merkle_verify_inclusion, qr_merkle_verify_consistency).
 *
 * Input: mode (1 byte), a and b (8 bytes each, big-endian), then, if mode bit 1 is set, two
 * 32-byte hashes, then the proof's hashes (32 bytes each, at most 64; a ragged tail is
 * dropped).  Mode bit 0 picks consistency (old size a, new size b) over inclusion (index a,
 * size b).  With bit 1 clear the sizes are taken modulo the fixture forum's size and the
 * leaf and roots are the fixture's own, so that a verifier accepting anything but the one true
 * proof is caught: every proof that verifies must equal the proof lib/memtree.c makes, and
 * every proof memtree makes must verify.
 */
#include "fixture.h"
#include "fuzz.h"

#include "memtree.h"
#include "merkle.h"

#include <stdlib.h>
#include <string.h>

static uint64_t be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static int same_proof(const qr_merkle_proof *a, const qr_merkle_proof *b)
{
    return a->n == b->n && memcmp(a->hash, b->hash, a->n * QR_HASH_LEN) == 0;
}

/* Against the fixture tree: exact answers are known. */
static void fixture_mode(qr_memtree *t, uint64_t n, int consistency, uint64_t a, uint64_t b,
                         const qr_merkle_proof *p)
{
    uint8_t r1[QR_HASH_LEN], r2[QR_HASH_LEN];
    qr_merkle_proof truth;
    b %= n + 1;
    a %= b + 1;
    if (consistency) {
        if (a == 0 || qr_memtree_root(t, a, r1) != QR_OK || qr_memtree_root(t, b, r2) != QR_OK)
            return;
        int ok = qr_merkle_verify_consistency(a, b, r1, r2, p) == QR_OK;
        if (qr_memtree_consistency(t, a, b, &truth) != QR_OK ||
            qr_merkle_verify_consistency(a, b, r1, r2, &truth) != QR_OK)
            abort(); /* the proof quorumd would serve does not verify */
        if (ok && !same_proof(p, &truth))
            abort(); /* a second proof accepted */
    } else {
        if (a >= b || qr_memtree_root(t, b, r2) != QR_OK)
            return;
        const fx_forum *f = fx_city();
        int ok = qr_merkle_verify_inclusion(a, b, f->leaf[a], p, r2) == QR_OK;
        if (qr_memtree_inclusion(t, a, b, &truth) != QR_OK ||
            qr_merkle_verify_inclusion(a, b, f->leaf[a], &truth, r2) != QR_OK)
            abort();
        if (ok && !same_proof(p, &truth))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static qr_memtree *tree;
    if (!tree) {
        const fx_forum *f = fx_city();
        if ((tree = qr_memtree_new()) == NULL)
            abort();
        for (size_t i = 0; i < f->n; i++)
            if (qr_memtree_append(tree, f->leaf[i]) != QR_OK)
                abort();
    }
    if (size < 17)
        return 0;
    int mode = data[0];
    uint64_t a = be64(data + 1), b = be64(data + 9);
    size_t pos = 17;
    const uint8_t *h1 = NULL, *h2 = NULL;
    if (mode & 2) {
        if (size < pos + 64)
            return 0;
        h1 = data + pos;
        h2 = data + pos + 32;
        pos += 64;
    }
    qr_merkle_proof *p = calloc(1, sizeof *p);
    if (!p)
        return 0;
    while (size - pos >= QR_HASH_LEN && p->n < QR_MERKLE_MAX_PROOF) {
        memcpy(p->hash[p->n++], data + pos, QR_HASH_LEN);
        pos += QR_HASH_LEN;
    }
    if (mode & 2) {
        if (mode & 1)
            (void)!qr_merkle_verify_consistency(a, b, h1, h2, p);
        else
            (void)!qr_merkle_verify_inclusion(a, b, h1, p, h2);
    } else {
        fixture_mode(tree, qr_memtree_size(tree), mode & 1, a, b, p);
    }
    free(p);
    return 0;
}
