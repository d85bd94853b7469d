/*
 * tjson.c: a recursive-descent JSON reader (RFC 8259) for the test vectors.
 *
 * Strict where strictness costs nothing, so a malformed vector fails loudly instead of being
 * read as something else: no comments or trailing commas, no leading zeros, control characters
 * must be escaped, the text must be valid UTF-8, and a \u escape of a UTF-16 surrogate must
 * come as a high-low pair (decoded to one 4-byte UTF-8 sequence).  Nesting is capped so a
 * hostile file cannot exhaust the stack; any error frees what was built and returns NULL.
 */
#include "tjson.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TJ_MAX_DEPTH 256
#define TJ_MAX_FILE (64 * 1024 * 1024)

typedef struct {
    const char *start, *p, *end;
    int depth;
} tj_parser;

typedef struct {
    char *data;
    size_t len, cap;
} tj_buf;

static tj_value *parse_value(tj_parser *ps);

static void *fail(const tj_parser *ps, const char *what)
{
    fprintf(stderr, "tjson: %s at offset %zu\n", what, (size_t)(ps->p - ps->start));
    return NULL;
}

/* Appends n bytes and keeps the buffer NUL-terminated. */
static int buf_put(tj_buf *b, const void *src, size_t n)
{
    if (n > SIZE_MAX / 4 - b->len)
        return -1;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 32;
        char *d;
        while (cap < b->len + n + 1)
            cap *= 2;
        if (!(d = realloc(b->data, cap)))
            return -1;
        b->data = d;
        b->cap = cap;
    }
    if (n)
        memcpy(b->data + b->len, src, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

static void skip_ws(tj_parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static int at(const tj_parser *ps, char c)
{
    return ps->p < ps->end && *ps->p == c;
}

static int is_digit(const tj_parser *ps)
{
    return ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9';
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0: rejects overlongs and surrogates. */
static size_t utf8_seq(const unsigned char *s, size_t avail)
{
    uint32_t cp, min;
    size_t n, i;
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        n = 2, cp = s[0] & 0x1fu, min = 0x80;
    } else if ((s[0] & 0xf0) == 0xe0) {
        n = 3, cp = s[0] & 0x0fu, min = 0x800;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        n = 4, cp = s[0] & 0x07u, min = 0x10000;
    } else {
        return 0;
    }
    if (avail < n)
        return 0;
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

static int put_utf8(tj_buf *b, uint32_t cp)
{
    static const unsigned char lead[] = {0, 0x00, 0xc0, 0xe0, 0xf0};
    size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    unsigned char o[4];

    for (size_t i = n; i-- > 1; cp >>= 6)
        o[i] = (unsigned char)(0x80 | (cp & 0x3f));
    o[0] = (unsigned char)(lead[n] | cp);
    return buf_put(b, o, n);
}

static int hex4(tj_parser *ps, uint32_t *out)
{
    static const char digits[] = "0123456789abcdef";
    const char *d;
    uint32_t v = 0;

    if (ps->end - ps->p < 4)
        return -1;
    for (int i = 0; i < 4; i++) {
        char c = ps->p[i] >= 'A' && ps->p[i] <= 'F' ? (char)(ps->p[i] - 'A' + 'a') : ps->p[i];
        if (c == '\0' || !(d = strchr(digits, c)))
            return -1;
        v = v << 4 | (uint32_t)(d - digits);
    }
    ps->p += 4;
    *out = v;
    return 0;
}

/* The escape after a backslash; ps->p is past the backslash. */
static const char *parse_escape(tj_parser *ps, tj_buf *b)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *hit;
    uint32_t cp, lo;
    if (ps->p >= ps->end)
        return "unterminated string";
    if (*ps->p != 'u') {
        if (*ps->p == '\0' || !(hit = strchr(from, *ps->p)))
            return "bad escape";
        ps->p++;
        return buf_put(b, &to[hit - from], 1) ? "out of memory" : NULL;
    }
    ps->p++;
    if (hex4(ps, &cp))
        return "bad \\u escape";
    if (cp >= 0xdc00 && cp <= 0xdfff)
        return "unpaired low surrogate";
    if (cp >= 0xd800 && cp <= 0xdbff) {
        if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u')
            return "unpaired high surrogate";
        ps->p += 2;
        if (hex4(ps, &lo) || lo < 0xdc00 || lo > 0xdfff)
            return "unpaired high surrogate";
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
    }
    return put_utf8(b, cp) ? "out of memory" : NULL;
}

/* A string starting at the opening quote; on success *out is malloc'd and NUL-terminated. */
static int parse_string(tj_parser *ps, char **out, size_t *len)
{
    tj_buf b = {NULL, 0, 0};
    const char *err = NULL;
    ps->p++;
    while (!err) {
        const unsigned char *s = (const unsigned char *)ps->p;
        size_t n;
        if (ps->p >= ps->end) {
            err = "unterminated string";
        } else if (*s == '"') {
            ps->p++;
            break;
        } else if (*s < 0x20) {
            err = "control character in string";
        } else if (*s == '\\') {
            ps->p++;
            err = parse_escape(ps, &b);
        } else if (!(n = utf8_seq(s, (size_t)(ps->end - ps->p)))) {
            err = "invalid UTF-8";
        } else {
            err = buf_put(&b, s, n) ? "out of memory" : NULL;
            ps->p += n;
        }
    }
    if (!err && !b.data && buf_put(&b, "", 0))
        err = "out of memory";
    if (err) {
        free(b.data);
        fail(ps, err);
        return -1;
    }
    *out = b.data;
    *len = b.len;
    return 0;
}

static tj_value *new_value(tj_type type)
{
    tj_value *v = calloc(1, sizeof *v);
    if (v)
        v->type = type;
    return v;
}

static tj_value *parse_number(tj_parser *ps)
{
    const char *s = ps->p;
    tj_value *v;
    char *copy;
    if (at(ps, '-'))
        ps->p++;
    if (at(ps, '0')) {
        ps->p++;
    } else if (is_digit(ps)) {
        while (is_digit(ps))
            ps->p++;
    } else {
        return fail(ps, "bad number");
    }
    if (at(ps, '.')) {
        ps->p++;
        if (!is_digit(ps))
            return fail(ps, "bad fraction");
        while (is_digit(ps))
            ps->p++;
    }
    if (at(ps, 'e') || at(ps, 'E')) {
        ps->p++;
        if (at(ps, '+') || at(ps, '-'))
            ps->p++;
        if (!is_digit(ps))
            return fail(ps, "bad exponent");
        while (is_digit(ps))
            ps->p++;
    }
    /* strtod needs a terminated copy: the input need not be NUL-terminated. */
    if (!(copy = malloc((size_t)(ps->p - s) + 1)) || !(v = new_value(TJ_NUMBER))) {
        free(copy);
        return fail(ps, "out of memory");
    }
    memcpy(copy, s, (size_t)(ps->p - s));
    copy[ps->p - s] = '\0';
    v->number = strtod(copy, NULL);
    free(copy);
    return v;
}

static int grow(tj_value *v, size_t *cap)
{
    size_t ncap = *cap ? *cap * 2 : 4;
    tj_value **items;
    char **keys;
    if (ncap > SIZE_MAX / sizeof(void *))
        return -1;
    if (!(items = realloc(v->items, ncap * sizeof *items)))
        return -1;
    v->items = items;
    if (v->type == TJ_OBJECT) {
        if (!(keys = realloc(v->keys, ncap * sizeof *keys)))
            return -1;
        v->keys = keys;
    }
    *cap = ncap;
    return 0;
}

/* One member (key and value, or array item), appended to v. */
static int parse_member(tj_parser *ps, tj_value *v, size_t *cap)
{
    char *key = NULL;
    size_t key_len;
    tj_value *item;
    skip_ws(ps);
    if (v->type == TJ_OBJECT) {
        if (!at(ps, '"')) {
            fail(ps, "expected a key");
            return -1;
        }
        if (parse_string(ps, &key, &key_len))
            return -1;
        skip_ws(ps);
        if (!at(ps, ':')) {
            free(key);
            fail(ps, "expected ':'");
            return -1;
        }
        ps->p++;
    }
    if (!(item = parse_value(ps)) || (v->n == *cap && grow(v, cap))) {
        if (item)
            fail(ps, "out of memory");
        tj_free(item);
        free(key);
        return -1;
    }
    v->items[v->n] = item;
    if (v->keys)
        v->keys[v->n] = key;
    v->n++;
    return 0;
}

static tj_value *parse_container(tj_parser *ps, tj_type type)
{
    char close = type == TJ_OBJECT ? '}' : ']';
    size_t cap = 0;
    tj_value *v;
    if (++ps->depth > TJ_MAX_DEPTH)
        return fail(ps, "nested too deeply");
    if (!(v = new_value(type)))
        return fail(ps, "out of memory");
    ps->p++;
    skip_ws(ps);
    if (!at(ps, close)) {
        for (;;) {
            if (parse_member(ps, v, &cap))
                goto err;
            skip_ws(ps);
            if (!at(ps, ','))
                break;
            ps->p++;
        }
        if (!at(ps, close)) {
            fail(ps, type == TJ_OBJECT ? "expected ',' or '}'" : "expected ',' or ']'");
            goto err;
        }
    }
    ps->p++;
    ps->depth--;
    return v;
err:
    tj_free(v);
    return NULL;
}

static tj_value *parse_literal(tj_parser *ps, const char *word, tj_type type, int boolean)
{
    size_t n = strlen(word);
    tj_value *v;
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
        return fail(ps, "unexpected character");
    if (!(v = new_value(type)))
        return fail(ps, "out of memory");
    ps->p += n;
    v->boolean = boolean;
    return v;
}

static tj_value *parse_value(tj_parser *ps)
{
    tj_value *v;
    skip_ws(ps);
    if (ps->p >= ps->end)
        return fail(ps, "unexpected end of input");
    switch (*ps->p) {
    case '{':
        return parse_container(ps, TJ_OBJECT);
    case '[':
        return parse_container(ps, TJ_ARRAY);
    case 't':
        return parse_literal(ps, "true", TJ_BOOL, 1);
    case 'f':
        return parse_literal(ps, "false", TJ_BOOL, 0);
    case 'n':
        return parse_literal(ps, "null", TJ_NULL, 0);
    case '"':
        if (!(v = new_value(TJ_STRING)))
            return fail(ps, "out of memory");
        if (parse_string(ps, &v->string, &v->string_len)) {
            free(v);
            return NULL;
        }
        return v;
    default:
        if (*ps->p == '-' || is_digit(ps))
            return parse_number(ps);
        return fail(ps, "unexpected character");
    }
}

tj_value *tj_parse(const char *text, size_t len)
{
    tj_parser ps;
    tj_value *v;
    if (!text) {
        fprintf(stderr, "tjson: no input\n");
        return NULL;
    }
    ps.start = ps.p = text;
    ps.end = text + len;
    ps.depth = 0;
    if (!(v = parse_value(&ps)))
        return NULL;
    skip_ws(&ps);
    if (ps.p != ps.end) {
        fail(&ps, "trailing characters after the document");
        tj_free(v);
        return NULL;
    }
    return v;
}

tj_value *tj_parse_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    tj_buf b = {NULL, 0, 0};
    char chunk[8192];
    size_t n;
    tj_value *v = NULL;
    if (!f) {
        fprintf(stderr, "tjson: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + n > TJ_MAX_FILE || buf_put(&b, chunk, n)) {
            fprintf(stderr, "tjson: %s: too large\n", path);
            goto out;
        }
    }
    if (ferror(f)) {
        fprintf(stderr, "tjson: %s: read error\n", path);
        goto out;
    }
    if (!(v = tj_parse(b.data ? b.data : "", b.len)))
        fprintf(stderr, "tjson: in %s\n", path);
out:
    fclose(f);
    free(b.data);
    return v;
}

void tj_free(tj_value *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n; i++) {
        tj_free(v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->string);
    free(v);
}

const tj_value *tj_get(const tj_value *obj, const char *key)
{
    if (!obj || obj->type != TJ_OBJECT || !key)
        return NULL;
    for (size_t i = 0; i < obj->n; i++)
        if (strcmp(obj->keys[i], key) == 0)
            return obj->items[i];
    return NULL;
}

const char *tj_str(const tj_value *obj, const char *key)
{
    const tj_value *v = tj_get(obj, key);
    return v && v->type == TJ_STRING ? v->string : NULL;
}
