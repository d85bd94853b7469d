/*
 * merkle.c: the log's Merkle tree (RFC 6962, RFC 9162 section 2) over stored subtree hashes.
 *
 * The tree
 * --------
 * MTH({}) = SHA-256(""), MTH({d}) = SHA-256(0x00 || d), and for n > 1, with k the largest
 * power of two below n, MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])).  The two
 * prefixes keep a leaf from ever being taken for a node.  Because every left child is a
 * complete subtree, every node of the tree covers leaves [lo, lo + s) with lo a multiple of the
 * smallest power of two >= s.  Such a range splits, by the set bits of s from the highest, into
 * complete aligned subtrees c1, c2, ..., cm, and its hash is their right fold:
 *
 *     MTH(D[lo:lo+s]) = node(c1, node(c2, ... node(c(m-1), cm)))
 *
 * so any node costs one stored-hash read per set bit of s (range_hash).  For lo = 0 and s the
 * tree size that list is the frontier, which is why the frontier alone yields the root.
 *
 * Proofs
 * ------
 * RFC 9162's PATH (2.1.3.1) and SUBPROOF (2.1.4.1) recurse from the root and append on the way
 * back up, so a proof lists the deepest sibling first.  We walk the same recursion top-down as
 * a loop, collect the siblings, and reverse them.  Once the walk turns left it stays inside a
 * complete subtree, so at most one sibling is ragged: a proof costs at most depth + popcount
 * <= 128 reads, and about 2 log2(N) in practice.  The store never says how many leaves it
 * holds; a size beyond it shows up as a read error, because every proof reads a subtree that
 * contains the last leaf of the claimed tree (the two walks that would not, an inclusion proof
 * for that last leaf and a consistency proof between equal sizes, read the leaf itself).
 *
 * Verifiers
 * ---------
 * RFC 9162 2.1.3.2 and 2.1.4.2, step by step, over fixed 32-byte hashes.  The RFC leaves the
 * edges to the caller; ours: index >= size, a consistency check from size 0 (nothing to be
 * consistent with) or to a smaller size are QR_OUT_OF_RANGE; equal sizes take an empty proof
 * and equal roots; a proof longer than QR_MERKLE_MAX_PROOF, or anything else that does not
 * reproduce the given roots exactly, is QR_BAD_PROOF.
 */
#include "merkle.h"
#include "sha256.h"

#include <string.h>

void qr_merkle_leaf_hash(const uint8_t *entry, size_t len, uint8_t out[QR_HASH_LEN])
{
    static const uint8_t prefix = 0x00;
    qr_sha256_state st;

    qr_sha256_init(&st);
    qr_sha256_update(&st, &prefix, 1);
    qr_sha256_update(&st, entry, len);
    qr_sha256_final(&st, out);
}

/* `out` may alias either input: the folds below hash in place.  65 bytes: qr_sha256 pads and
 * compresses them as two blocks in one call, the cheapest way to hash them. */
void qr_merkle_node_hash(const uint8_t left[QR_HASH_LEN], const uint8_t right[QR_HASH_LEN],
                         uint8_t out[QR_HASH_LEN])
{
    uint8_t buf[1 + 2 * QR_HASH_LEN];

    buf[0] = 0x01;
    memcpy(buf + 1, left, QR_HASH_LEN);
    memcpy(buf + 1 + QR_HASH_LEN, right, QR_HASH_LEN);
    qr_sha256(out, buf, sizeof buf);
}

void qr_merkle_empty_root(uint8_t out[QR_HASH_LEN])
{
    qr_sha256(out, NULL, 0);
}

static unsigned bit_count(uint64_t x)
{
    unsigned n = 0;

    for (; x; x &= x - 1)
        n++;
    return n;
}

/* The largest power of two strictly below n (n >= 2): where RFC 6962 splits a tree. */
static uint64_t split_point(uint64_t n)
{
    uint64_t k = 1;

    while (k <= (n - 1) >> 1)
        k <<= 1;
    return k;
}

void qr_merkle_frontier_init(qr_merkle_frontier *f)
{
    f->size = 0;
    f->n = 0;
}

int qr_merkle_frontier_load(qr_merkle_frontier *f, uint64_t size, qr_merkle_read_fn rd, void *ctx)
{
    qr_merkle_frontier t;
    uint64_t lo = 0;
    int r;

    t.size = size;
    t.n = 0;
    for (unsigned level = 64; level-- > 0;) {
        uint64_t span = (uint64_t)1 << level;
        if (!(size & span))
            continue;
        if ((r = rd(ctx, level, lo >> level, t.hash[t.n])) != QR_OK)
            return r;
        t.n++;
        lo += span;
    }
    *f = t;
    return QR_OK;
}

int qr_merkle_frontier_append(qr_merkle_frontier *f, const uint8_t leaf_hash[QR_HASH_LEN],
                              qr_merkle_store_fn st, void *ctx)
{
    uint8_t h[QR_HASH_LEN];
    uint64_t index = f->size;
    unsigned level = 0, n = f->n;
    int r;

    if (f->size == UINT64_MAX)
        return QR_OUT_OF_RANGE;
    if (f->n != bit_count(f->size))
        return QR_INTERNAL;
    memcpy(h, leaf_hash, QR_HASH_LEN);
    if (st && (r = st(ctx, 0, index, h)) != QR_OK)
        return r;
    /* Each trailing one bit of the old size is a complete subtree the new leaf now pairs with.
     * The frontier changes only once every store has succeeded, so a failed append can be
     * retried; it rewrites the same hashes at the same places. */
    while (index & 1) {
        qr_merkle_node_hash(f->hash[--n], h, h);
        level++;
        index >>= 1;
        if (st && (r = st(ctx, level, index, h)) != QR_OK)
            return r;
    }
    memcpy(f->hash[n], h, QR_HASH_LEN);
    f->n = n + 1;
    f->size++;
    return QR_OK;
}

void qr_merkle_frontier_root(const qr_merkle_frontier *f, uint8_t root[QR_HASH_LEN])
{
    uint8_t h[QR_HASH_LEN];

    if (f->n == 0) {
        qr_merkle_empty_root(root);
        return;
    }
    memcpy(h, f->hash[f->n - 1], QR_HASH_LEN);
    for (unsigned i = f->n - 1; i-- > 0;)
        qr_merkle_node_hash(f->hash[i], h, h);
    memcpy(root, h, QR_HASH_LEN);
}

/* MTH of leaves [lo, lo + n), n >= 1, for a range aligned as every node is (see the top). */
static int range_hash(uint64_t lo, uint64_t n, qr_merkle_read_fn rd, void *ctx,
                      uint8_t out[QR_HASH_LEN])
{
    uint8_t acc[QR_HASH_LEN], h[QR_HASH_LEN];
    uint64_t end = lo + n;
    int first = 1, r;

    for (unsigned level = 0; level < 64; level++) {
        uint64_t span = (uint64_t)1 << level;
        if (!(n & span))
            continue;
        end -= span;
        if ((r = rd(ctx, level, end >> level, first ? acc : h)) != QR_OK)
            return r;
        if (!first)
            qr_merkle_node_hash(h, acc, acc);
        first = 0;
    }
    memcpy(out, acc, QR_HASH_LEN);
    return QR_OK;
}

int qr_merkle_tree_hash(uint64_t size, qr_merkle_read_fn rd, void *ctx, uint8_t root[QR_HASH_LEN])
{
    if (!rd || !root)
        return QR_INTERNAL;
    if (size == 0) {
        qr_merkle_empty_root(root);
        return QR_OK;
    }
    return range_hash(0, size, rd, ctx, root);
}

static int push_range(qr_merkle_proof *p, uint64_t lo, uint64_t n, qr_merkle_read_fn rd, void *ctx)
{
    int r;

    if (p->n == QR_MERKLE_MAX_PROOF)
        return QR_OUT_OF_RANGE;
    if ((r = range_hash(lo, n, rd, ctx, p->hash[p->n])) == QR_OK)
        p->n++;
    return r;
}

/* The walks find siblings root first; proofs list them leaf first. */
static int finish_proof(qr_merkle_proof *p, int r)
{
    uint8_t t[QR_HASH_LEN];

    if (r != QR_OK) {
        p->n = 0;
        return r;
    }
    for (size_t i = 0, j = p->n; i + 1 < j; i++, j--) {
        memcpy(t, p->hash[i], QR_HASH_LEN);
        memcpy(p->hash[i], p->hash[j - 1], QR_HASH_LEN);
        memcpy(p->hash[j - 1], t, QR_HASH_LEN);
    }
    return QR_OK;
}

int qr_merkle_inclusion_proof(uint64_t index, uint64_t size, qr_merkle_read_fn rd, void *ctx,
                              qr_merkle_proof *proof)
{
    uint64_t lo = 0, m = index, n = size;
    uint8_t leaf[QR_HASH_LEN];
    int r = QR_OK;

    if (!rd || !proof)
        return QR_INTERNAL;
    proof->n = 0;
    if (index >= size)
        return QR_OUT_OF_RANGE;
    /* Only siblings are read, so the last leaf is checked for directly (see the top). */
    if (index == size - 1 && (r = rd(ctx, 0, index, leaf)) != QR_OK)
        return r;
    while (n > 1 && r == QR_OK) {
        uint64_t k = split_point(n);
        if (m < k) {
            r = push_range(proof, lo + k, n - k, rd, ctx);
            n = k;
        } else {
            r = push_range(proof, lo, k, rd, ctx);
            lo += k;
            m -= k;
            n -= k;
        }
    }
    return finish_proof(proof, r);
}

int qr_merkle_consistency_proof(uint64_t old_size, uint64_t new_size, qr_merkle_read_fn rd,
                                void *ctx, qr_merkle_proof *proof)
{
    uint64_t lo = 0, m = old_size, n = new_size;
    uint8_t leaf[QR_HASH_LEN];
    /* RFC 9162's b: D[lo:lo+m] is still the whole old tree, whose root the verifier has. */
    int whole = 1, r = QR_OK;

    if (!rd || !proof)
        return QR_INTERNAL;
    proof->n = 0;
    if (old_size == 0 || old_size > new_size)
        return QR_OUT_OF_RANGE;
    if (old_size == new_size)
        return rd(ctx, 0, new_size - 1, leaf);
    while (m != n && r == QR_OK) {
        uint64_t k = split_point(n);
        if (m <= k) {
            r = push_range(proof, lo + k, n - k, rd, ctx);
            n = k;
        } else {
            r = push_range(proof, lo, k, rd, ctx);
            lo += k;
            m -= k;
            n -= k;
            whole = 0;
        }
    }
    if (r == QR_OK && !whole)
        r = push_range(proof, lo, m, rd, ctx);
    return finish_proof(proof, r);
}

static int same_hash(const uint8_t a[QR_HASH_LEN], const uint8_t b[QR_HASH_LEN])
{
    return memcmp(a, b, QR_HASH_LEN) == 0;
}

int qr_merkle_verify_inclusion(uint64_t index, uint64_t size, const uint8_t leaf_hash[QR_HASH_LEN],
                               const qr_merkle_proof *proof, const uint8_t root[QR_HASH_LEN])
{
    uint64_t fn = index, sn = size - 1;
    uint8_t r[QR_HASH_LEN];

    if (index >= size)
        return QR_OUT_OF_RANGE;
    if (!proof || !leaf_hash || !root || proof->n > QR_MERKLE_MAX_PROOF)
        return QR_BAD_PROOF;
    memcpy(r, leaf_hash, QR_HASH_LEN);
    for (size_t i = 0; i < proof->n; i++) {
        if (sn == 0)
            return QR_BAD_PROOF;
        if ((fn & 1) || fn == sn) {
            qr_merkle_node_hash(proof->hash[i], r, r);
            /* A last node with no right sibling moves up unchanged until it is a right child. */
            while (!(fn & 1) && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            qr_merkle_node_hash(r, proof->hash[i], r);
        }
        fn >>= 1;
        sn >>= 1;
    }
    return sn == 0 && same_hash(r, root) ? QR_OK : QR_BAD_PROOF;
}

int qr_merkle_verify_consistency(uint64_t old_size, uint64_t new_size,
                                 const uint8_t old_root[QR_HASH_LEN],
                                 const uint8_t new_root[QR_HASH_LEN], const qr_merkle_proof *proof)
{
    uint8_t fr[QR_HASH_LEN], sr[QR_HASH_LEN];
    uint64_t fn, sn;
    size_t lead, total;

    if (old_size == 0 || old_size > new_size)
        return QR_OUT_OF_RANGE;
    if (!proof || !old_root || !new_root || proof->n > QR_MERKLE_MAX_PROOF)
        return QR_BAD_PROOF;
    if (old_size == new_size)
        return proof->n == 0 && same_hash(old_root, new_root) ? QR_OK : QR_BAD_PROOF;
    if (proof->n == 0)
        return QR_BAD_PROOF;
    /* Step 2: an old tree of 2^k leaves is a complete subtree of the new one, so the proof
     * leaves out its root and the verifier puts it back in front. */
    lead = (old_size & (old_size - 1)) == 0 ? 1 : 0;
    total = proof->n + lead;
    fn = old_size - 1;
    sn = new_size - 1;
    while (fn & 1) {
        fn >>= 1;
        sn >>= 1;
    }
    memcpy(fr, lead ? old_root : proof->hash[0], QR_HASH_LEN);
    memcpy(sr, fr, QR_HASH_LEN);
    for (size_t i = 1; i < total; i++) {
        const uint8_t *c = proof->hash[i - lead];
        if (sn == 0)
            return QR_BAD_PROOF;
        if ((fn & 1) || fn == sn) {
            qr_merkle_node_hash(c, fr, fr);
            qr_merkle_node_hash(c, sr, sr);
            while (!(fn & 1) && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            qr_merkle_node_hash(sr, c, sr);
        }
        fn >>= 1;
        sn >>= 1;
    }
    return sn == 0 && same_hash(fr, old_root) && same_hash(sr, new_root) ? QR_OK : QR_BAD_PROOF;
}
