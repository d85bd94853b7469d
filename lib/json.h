/*
 * json.h: a streaming JSON writer for the clients' --json output.  Strings are escaped per
 * RFC 8259; bytes are written as standard base64 strings.  One document per line is the
 * convention for streams (`quorum tail --json`): call qr_json_end_line() after each.
 */
#ifndef QR_JSON_H
#define QR_JSON_H

#include "qr.h"

#include <stdio.h>

typedef struct {
    FILE *f;
    int depth;
    int need_comma[32];
    char closer[32];
} qr_json;

void qr_json_init(qr_json *j, FILE *f);
/* `key` is the member name inside an object, NULL inside an array or at the top. */
void qr_json_object(qr_json *j, const char *key);
void qr_json_array(qr_json *j, const char *key);
void qr_json_end(qr_json *j);
void qr_json_str(qr_json *j, const char *key, const char *v);
void qr_json_strn(qr_json *j, const char *key, const char *v, size_t len);
void qr_json_u64(qr_json *j, const char *key, uint64_t v);
void qr_json_i64(qr_json *j, const char *key, int64_t v);
void qr_json_bool(qr_json *j, const char *key, int v);
void qr_json_b64(qr_json *j, const char *key, const uint8_t *data, size_t len);
void qr_json_end_line(qr_json *j);

#endif
