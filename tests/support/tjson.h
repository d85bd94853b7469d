/*
 * tjson.h: a small JSON reader for the test suite's known-answer vectors.  Not for untrusted
 * input in production code: it exists so tests can read ../shared/vectors/ as published.
 */
#ifndef TJSON_H
#define TJSON_H

#include <stddef.h>

typedef enum { TJ_NULL, TJ_BOOL, TJ_NUMBER, TJ_STRING, TJ_ARRAY, TJ_OBJECT } tj_type;

typedef struct tj_value tj_value;
struct tj_value {
    tj_type type;
    int boolean;
    double number;
    char *string;          /* TJ_STRING: decoded UTF-8, NUL-terminated; string_len bytes */
    size_t string_len;
    size_t n;              /* TJ_ARRAY / TJ_OBJECT: number of items */
    tj_value **items;      /* array items, or object values */
    char **keys;           /* TJ_OBJECT: keys */
};

/* Parse a document; NULL on error (a message on stderr). */
tj_value *tj_parse(const char *text, size_t len);
/* Read and parse a file; NULL on error. */
tj_value *tj_parse_file(const char *path);
void tj_free(tj_value *v);
/* Object member by key, or NULL. */
const tj_value *tj_get(const tj_value *obj, const char *key);
/* Convenience: the string member, or NULL if missing / not a string. */
const char *tj_str(const tj_value *obj, const char *key);

#endif
