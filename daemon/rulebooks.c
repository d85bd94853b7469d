/*
 * rulebooks.c: each forum's rulebook state, held in memory while it is used.
 *
 * A forum's state under the rulebook (lib/rules.h) is what its submits are judged against. It
 * is a pure function of the forum's committed entries, and it is large: every proposal with
 * its texts, votes and outcomes, and every entry's leaf hash, some hundreds of bytes an entry.
 * A daemon holding many forums, most of them between meetings, need not keep them all, so a
 * forum's state is built when first needed (a submit, a cosignature) by replaying its entries
 * from the database, and between batches the least recently used states are let go while
 * more than `rulebook_entries` entries' worth are held (the forum in use is never let go,
 * however large).  What the daemon must know of every forum at every moment (the keys its
 * statements register, which organisations sit on it, its actions) is kept apart from the
 * state, from the statements themselves (qr_server_index_statement), so letting a state go
 * changes nothing anyone can see but the time the next submit to that forum takes.
 *
 * Loading reads the forum's entries on the daemon's own connection and checks them against
 * the tree head the store holds in memory (qr_store_recompute_each): a database changed
 * under a running daemon is refused rather than trusted.  The replay does not check
 * signatures again (the daemon checked each when it arrived, and start-up matched the bytes
 * to its own signed checkpoint).  Outside a batch the entries read are committed ones; inside
 * one, a forum not yet touched by the batch has no uncommitted entries, and a forum the batch
 * touched is in memory until the batch is over.
 */
#include "server.h"

#include "log.h"
#include "replay.h"
#include "stats.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    qr_rules *rules;
    uint64_t used; /* qr_rulebooks.tick when last used */
} book;

static int replay_entry(void *ctx, uint64_t seq, const uint8_t *entry, size_t len,
                        const uint8_t leaf[QR_HASH_LEN], int kind)
{
    qr_rules *r = ctx;
    qr_refusal why;
    (void)kind;
    if (qr_replay_entry_trusted(r, entry, len, leaf, NULL, &why) != QR_OK)
        qr_warn("forum %s entry %llu breaks a rule: %s: %s", r->forum,
                (unsigned long long)seq, qr_code_name(why.code), why.message);
    return QR_OK; /* quorum verify names it too; the log is what it is */
}

static int load(qr_server *s, const char *forum, book **out)
{
    qr_rulebooks *b = &s->books;
    char err[512];
    uint8_t root[QR_HASH_LEN];
    int64_t began = qr_stats_now_us();
    book *k = calloc(1, sizeof *k);
    if (!k || (k->rules = qr_rules_new(forum)) == NULL) {
        free(k);
        return QR_NOMEM;
    }
    int rc = qr_store_recompute_each(s->store, forum, replay_entry, k->rules, root, err,
                                     sizeof err);
    if (rc == QR_OK)
        rc = qr_strmap_put(&b->loaded, forum, k);
    if (rc != QR_OK) {
        if (rc == QR_TAMPERED)
            qr_error("cannot load forum %s: %s", forum, err);
        qr_rules_destroy(&k->rules);
        free(k);
        return rc;
    }
    b->loads++;
    qr_debug("loaded the rulebook state of forum %s from its %llu entries in %.1f ms", forum,
             (unsigned long long)k->rules->size, (double)(qr_stats_now_us() - began) / 1000);
    *out = k;
    return QR_OK;
}

int qr_rulebooks_get(qr_server *s, const char *forum, qr_rules **out)
{
    qr_rulebooks *b = &s->books;
    book *k = qr_strmap_get(&b->loaded, forum);
    *out = NULL;
    if (!k) {
        if (!qr_store_forum_find(s->store, forum))
            return QR_UNKNOWN_FORUM;
        int rc = load(s, forum, &k);
        if (rc != QR_OK)
            return rc;
    }
    k->used = ++b->tick;
    *out = k->rules;
    return QR_OK;
}

qr_rules *qr_rulebooks_held(const qr_server *s, const char *forum)
{
    const book *k = qr_strmap_get(&s->books.loaded, forum);
    return k ? k->rules : NULL;
}

int qr_rulebooks_put(qr_server *s, qr_rules *r)
{
    qr_rulebooks *b = &s->books;
    if (qr_strmap_get(&b->loaded, r->forum))
        return QR_INTERNAL; /* a new forum's state, and one is held already */
    book *k = calloc(1, sizeof *k);
    if (!k || qr_strmap_put(&b->loaded, r->forum, k) != QR_OK) {
        free(k);
        return QR_NOMEM;
    }
    k->rules = r;
    k->used = ++b->tick;
    return QR_OK;
}

static void let_go(qr_rulebooks *b, const char *forum)
{
    book *k = qr_strmap_del(&b->loaded, forum);
    if (!k)
        return;
    qr_rules_destroy(&k->rules);
    free(k);
}

void qr_rulebooks_drop(qr_server *s, const char *forum)
{
    let_go(&s->books, forum);
}

uint64_t qr_rulebooks_entries(const qr_server *s)
{
    const qr_rulebooks *b = &s->books;
    uint64_t held = 0;
    for (size_t i = 0; i < b->loaded.cap; i++)
        if (b->loaded.keys[i])
            held += ((const book *)b->loaded.values[i])->rules->size;
    return held;
}

void qr_rulebooks_trim(qr_server *s)
{
    qr_rulebooks *b = &s->books;
    if (b->trimmed == b->tick)
        return; /* nothing used since */
    b->trimmed = b->tick;
    b->entries = qr_rulebooks_entries(s);
    while (b->entries > (uint64_t)s->cfg.rulebook_entries && b->loaded.n > 1) {
        size_t oldest = b->loaded.cap;
        for (size_t i = 0; i < b->loaded.cap; i++)
            if (b->loaded.keys[i] && (oldest == b->loaded.cap ||
                                      ((book *)b->loaded.values[i])->used <
                                          ((book *)b->loaded.values[oldest])->used))
                oldest = i;
        char forum[QR_MAX_ID + 1];
        snprintf(forum, sizeof forum, "%s", b->loaded.keys[oldest]);
        b->entries -= ((book *)b->loaded.values[oldest])->rules->size;
        let_go(b, forum);
        b->evictions++;
    }
}

void qr_rulebooks_free(qr_server *s)
{
    qr_rulebooks *b = &s->books;
    for (size_t i = 0; i < b->loaded.cap; i++)
        if (b->loaded.keys[i]) {
            book *k = b->loaded.values[i];
            qr_rules_destroy(&k->rules);
            free(k);
        }
    qr_strmap_free(&b->loaded);
}
