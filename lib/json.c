/*
 * json.c: streaming JSON writer.
 */
#include "json.h"

#include "util.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

void qr_json_init(qr_json *j, FILE *f)
{
    j->f = f;
    j->depth = 0;
    j->need_comma[0] = 0;
}

static void raw_string(FILE *f, const char *s, size_t len)
{
    fputc('"', f);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c == '\r')
            fputs("\\r", f);
        else if (c < 0x20 || c == 0x7f)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void member(qr_json *j, const char *key)
{
    if (j->need_comma[j->depth])
        fputc(',', j->f);
    j->need_comma[j->depth] = 1;
    if (key) {
        raw_string(j->f, key, strlen(key));
        fputc(':', j->f);
    }
}

static void open_(qr_json *j, const char *key, char c)
{
    member(j, key);
    fputc(c, j->f);
    if (j->depth < 31)
        j->closer[++j->depth] = c == '{' ? '}' : ']';
    j->need_comma[j->depth] = 0;
}

void qr_json_object(qr_json *j, const char *key)
{
    open_(j, key, '{');
}

void qr_json_array(qr_json *j, const char *key)
{
    open_(j, key, '[');
}

void qr_json_end(qr_json *j)
{
    if (j->depth > 0)
        fputc(j->closer[j->depth--], j->f);
}

void qr_json_str(qr_json *j, const char *key, const char *v)
{
    qr_json_strn(j, key, v ? v : "", v ? strlen(v) : 0);
}

void qr_json_strn(qr_json *j, const char *key, const char *v, size_t len)
{
    member(j, key);
    raw_string(j->f, v, len);
}

void qr_json_u64(qr_json *j, const char *key, uint64_t v)
{
    member(j, key);
    fprintf(j->f, "%" PRIu64, v);
}

void qr_json_i64(qr_json *j, const char *key, int64_t v)
{
    member(j, key);
    fprintf(j->f, "%" PRId64, v);
}

void qr_json_bool(qr_json *j, const char *key, int v)
{
    member(j, key);
    fputs(v ? "true" : "false", j->f);
}

void qr_json_b64(qr_json *j, const char *key, const uint8_t *data, size_t len)
{
    char *s = qr_b64(data, len);
    qr_json_str(j, key, s ? s : "");
    free(s);
}

void qr_json_end_line(qr_json *j)
{
    fputc('\n', j->f);
    j->depth = 0;
    j->need_comma[0] = 0;
}
