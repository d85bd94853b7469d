/*
 * strmap.c: open addressing with linear probing and backward-shift deletion, so no tombstones
 * accumulate.  The table is kept at most half full.
 */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

static size_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 1099511628211ULL;
    return (size_t)h;
}

static size_t find(const qr_strmap *m, const char *key)
{
    size_t i = hash(key) & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

void *qr_strmap_get(const qr_strmap *m, const char *key)
{
    if (!m->cap)
        return NULL;
    size_t i = find(m, key);
    return m->keys[i] ? m->values[i] : NULL;
}

static int grow(qr_strmap *m)
{
    size_t cap = m->cap ? 2 * m->cap : 4; /* many maps hold a handful (a key's forums) */
    qr_strmap bigger = {calloc(cap, sizeof(char *)), calloc(cap, sizeof(void *)), 0, cap};
    if (!bigger.keys || !bigger.values) {
        free(bigger.keys);
        free(bigger.values);
        return QR_NOMEM;
    }
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i]) {
            size_t j = find(&bigger, m->keys[i]);
            bigger.keys[j] = m->keys[i];
            bigger.values[j] = m->values[i];
            bigger.n++;
        }
    free(m->keys);
    free(m->values);
    *m = bigger;
    return QR_OK;
}

int qr_strmap_put(qr_strmap *m, const char *key, void *value)
{
    if (2 * (m->n + 1) > m->cap && grow(m) != QR_OK)
        return QR_NOMEM;
    size_t i = find(m, key);
    if (!m->keys[i]) {
        if ((m->keys[i] = strdup(key)) == NULL)
            return QR_NOMEM;
        m->n++;
    }
    m->values[i] = value;
    return QR_OK;
}

void *qr_strmap_del(qr_strmap *m, const char *key)
{
    if (!m->cap)
        return NULL;
    size_t i = find(m, key);
    if (!m->keys[i])
        return NULL;
    void *v = m->values[i];
    free(m->keys[i]);
    m->keys[i] = NULL;
    m->n--;
    /* Shift back any entry whose probe sequence passed through the freed slot. */
    for (size_t j = (i + 1) & (m->cap - 1); m->keys[j]; j = (j + 1) & (m->cap - 1)) {
        size_t home = hash(m->keys[j]) & (m->cap - 1);
        int moves = (j > i) ? (home <= i || home > j) : (home <= i && home > j);
        if (moves) {
            m->keys[i] = m->keys[j];
            m->values[i] = m->values[j];
            m->keys[j] = NULL;
            i = j;
        }
    }
    return v;
}

void qr_strmap_free(qr_strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->values);
    memset(m, 0, sizeof *m);
}
