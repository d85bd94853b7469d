/*
 * strmap.h: a map from short strings (forum ids) to pointers, open addressing with linear
 * probing.  Used where a lookup sits on the submit path.  Keys are copied; values are borrowed.
 */
#ifndef QR_STRMAP_H
#define QR_STRMAP_H

#include "qr.h"

typedef struct {
    char **keys;
    void **values;
    size_t n, cap; /* cap is a power of two, or 0 */
} qr_strmap;

void *qr_strmap_get(const qr_strmap *m, const char *key);
/* Insert or replace. */
int qr_strmap_put(qr_strmap *m, const char *key, void *value);
/* Remove; returns the value that was there, or NULL. */
void *qr_strmap_del(qr_strmap *m, const char *key);
void qr_strmap_free(qr_strmap *m);

#endif
