/*
 * fuzz_bundle.c: a minutes proof bundle, as `quorum verify-minutes` and `quorum minutes` take
 * it from someone they do not trust: qr_bundle_parse, then what the verifier does with the
 * parts (the checkpoint note and its body, the log key, every entry's inclusion proof and the
 * consistency proofs, all checked with lib/merkle.c over a lib/memtree.c tree of the entries),
 * then the entries replayed through the rulebook (qr_minutes_replay) and the minutes rendered
 * as Markdown and HTML.  A bundle that parses must format and parse back to the same text.
 */
#include "fuzz.h"

#include "bundle.h"
#include "checkpoint.h"
#include "memtree.h"
#include "minutes.h"

#include <stdlib.h>
#include <string.h>

static void round_trip(const qr_bundle *b)
{
    char *t1 = NULL, *t2 = NULL, err[256];
    size_t n1 = 0, n2 = 0;
    qr_bundle *again = NULL;
    if (qr_bundle_format(b, &t1, &n1) != QR_OK)
        abort();
    if (qr_bundle_parse(t1, n1, &again, err, sizeof err) != QR_OK ||
        qr_bundle_format(again, &t2, &n2) != QR_OK || n1 != n2 || memcmp(t1, t2, n1) != 0)
        abort();
    qr_bundle_destroy(&again);
    free(t1);
    free(t2);
}

static void check_proofs(const qr_bundle *b)
{
    qr_note *parsed = malloc(sizeof *parsed);
    qr_memtree *t = qr_memtree_new();
    qr_merkle_proof *p = malloc(sizeof *p);
    qr_checkpoint cp;
    qr_note_verifier lv;
    uint8_t leaf[QR_HASH_LEN], root[QR_HASH_LEN];
    if (!parsed || !t || !p || qr_note_parse(b->note, strlen(b->note), parsed) != QR_OK ||
        qr_checkpoint_parse(b->note, parsed->text_len, &cp) != QR_OK)
        goto out;
    if (*b->vkey && qr_note_vkey_parse(b->vkey, &lv) == QR_OK)
        (void)!qr_note_verify(b->note, parsed, &lv);
    for (size_t i = 0; i < b->nentries; i++) {
        const qr_bundle_entry *e = &b->entries[i];
        if (e->nproof > QR_MERKLE_MAX_PROOF)
            abort(); /* the parser's bound */
        qr_merkle_leaf_hash(e->bytes, e->len, leaf);
        if (qr_memtree_append(t, leaf) != QR_OK)
            goto out;
        p->n = e->nproof;
        memcpy(p->hash, e->proof, e->nproof * QR_HASH_LEN);
        (void)!qr_merkle_verify_inclusion(i, cp.size, leaf, p, cp.root);
    }
    if (qr_memtree_root(t, qr_memtree_size(t), root) != QR_OK)
        goto out;
    for (size_t i = 0; i < b->ncons; i++)
        (void)!qr_merkle_verify_consistency(b->cons[i].old_size, cp.size, b->cons[i].old_root,
                                            cp.root, &b->cons[i].proof);
out:
    qr_memtree_destroy(&t);
    free(parsed);
    free(p);
}

static void render(const qr_bundle *b)
{
    qr_minutes_log log;
    char *md = NULL, *html = NULL, err[256];
    size_t mdlen = 0, htmllen = 0;
    if (qr_minutes_replay(b, &log, NULL, NULL) != QR_OK)
        return;
    if (qr_minutes_render(b, &log, &md, &mdlen, err, sizeof err) == QR_OK) {
        if (strlen(md) != mdlen)
            abort();
        if (qr_minutes_html(md, mdlen, &html, &htmllen) == QR_OK && strlen(html) != htmllen)
            abort();
    }
    free(md);
    free(html);
    qr_minutes_log_free(&log);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    qr_bundle *b = NULL;
    char err[256];
    if (qr_bundle_parse((const char *)data, size, &b, err, sizeof err) != QR_OK)
        return 0;
    round_trip(b);
    check_proofs(b);
    render(b);
    qr_bundle_destroy(&b);
    return 0;
}
