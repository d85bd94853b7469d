/*
 * keys.c: key generation, key files, domain-separated statement signatures.
 */
#include "keys.h"

#include "note.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int valid_name(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > QR_MAX_NAME)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)name[i] <= ' ' || name[i] == '+' || name[i] == 0x7f)
            return 0;
    return 1;
}

static qr_key *key_alloc(void)
{
    qr_key *k = sodium_malloc(sizeof *k);
    if (k)
        memset(k, 0, sizeof *k);
    return k;
}

void qr_key_destroy(qr_key **k)
{
    if (k && *k) {
        sodium_memzero(*k, sizeof **k);
        sodium_free(*k);
        *k = NULL;
    }
}

qr_key *qr_key_generate(const char *name)
{
    if (sodium_init() < 0 || !valid_name(name))
        return NULL;
    qr_key *k = key_alloc();
    if (!k)
        return NULL;
    snprintf(k->name, sizeof k->name, "%s", name);
    crypto_sign_keypair(k->sign_pk, k->sign_sk);
    crypto_box_keypair(k->curve_pk, k->curve_sk);
    k->has_secret = 1;
    return k;
}

int qr_key_save_secret(const qr_key *k, const char *path)
{
    if (!k->has_secret)
        return QR_BAD_KEY;
    char seed[64], curve[64], text[QR_KEY_FILE_MAX];
    sodium_bin2base64(seed, sizeof seed, k->sign_sk, 32, sodium_base64_VARIANT_ORIGINAL);
    sodium_bin2base64(curve, sizeof curve, k->curve_sk, 32, sodium_base64_VARIANT_ORIGINAL);
    int n = snprintf(text, sizeof text,
                     "quorum-secret-key-v1\nname %s\ned25519-seed %s\ncurve-secret %s\n", k->name,
                     seed, curve);
    sodium_memzero(seed, sizeof seed);
    sodium_memzero(curve, sizeof curve);
    int rc = QR_IO;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
        if (n > 0 && write(fd, text, (size_t)n) == n && fsync(fd) == 0)
            rc = QR_OK;
        close(fd);
        if (rc != QR_OK)
            unlink(path);
    } else if (errno == EEXIST) {
        rc = QR_BAD_KEY;
    }
    sodium_memzero(text, sizeof text);
    return rc;
}

int qr_key_format_public(const qr_key *k, char *out, size_t outlen)
{
    char sign[64], curve[64];
    sodium_bin2base64(sign, sizeof sign, k->sign_pk, 32, sodium_base64_VARIANT_ORIGINAL);
    sodium_bin2base64(curve, sizeof curve, k->curve_pk, 32, sodium_base64_VARIANT_ORIGINAL);
    int n = snprintf(out, outlen, "quorum-public-key-v1\nname %s\nsign-key %s\ncurve-key %s\n",
                     k->name, sign, curve);
    return n < 0 || (size_t)n >= outlen ? QR_TOO_LARGE : QR_OK;
}

/* One "field value" line: copies value into out (NUL-terminated) if the field matches. */
static int take_field(const char *line, size_t len, const char *field, char *out, size_t outlen)
{
    size_t f = strlen(field);
    if (len <= f + 1 || memcmp(line, field, f) != 0 || line[f] != ' ')
        return 0;
    size_t v = len - f - 1;
    if (v >= outlen || *out) /* too long, or the field was given twice */
        return -1;
    memcpy(out, line + f + 1, v);
    out[v] = 0;
    return 1;
}

int qr_key_parse(const char *text, size_t len, qr_key **out, char *err, size_t errlen)
{
    char name[QR_MAX_NAME + 2] = "", seed[128] = "", curve_sk[128] = "", sign_pk[128] = "",
         curve_pk[128] = "";
    int secret = -1, rc = QR_BAD_KEY;
    qr_key *k = NULL;
    size_t pos = 0, lineno = 0;

    if (sodium_init() < 0)
        return QR_INTERNAL;
    if (len > QR_KEY_FILE_MAX) {
        qr_errf(err, errlen, "key file is too large");
        return QR_BAD_KEY;
    }
    if (memchr(text, 0, len)) {
        qr_errf(err, errlen, "the key file contains a NUL byte");
        return QR_BAD_KEY;
    }
    while (pos < len) {
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - line) : len - pos;
        pos += n + (nl ? 1 : 0);
        if (lineno++ == 0) {
            if (n == 20 && memcmp(line, "quorum-secret-key-v1", 20) == 0)
                secret = 1;
            else if (n == 20 && memcmp(line, "quorum-public-key-v1", 20) == 0)
                secret = 0;
            else {
                qr_errf(err, errlen, "not a quorum key file (first line must be "
                                     "quorum-secret-key-v1 or quorum-public-key-v1)");
                goto out;
            }
            continue;
        }
        if (n == 0 || line[0] == '#')
            continue;
        int r = take_field(line, n, "name", name, sizeof name);
        if (!r && secret)
            r = take_field(line, n, "ed25519-seed", seed, sizeof seed);
        if (!r && secret)
            r = take_field(line, n, "curve-secret", curve_sk, sizeof curve_sk);
        if (!r && !secret)
            r = take_field(line, n, "sign-key", sign_pk, sizeof sign_pk);
        if (!r && !secret)
            r = take_field(line, n, "curve-key", curve_pk, sizeof curve_pk);
        if (r != 1) {
            qr_errf(err, errlen, "line %zu is not understood or too long", lineno);
            goto out;
        }
    }
    if (secret < 0 || !valid_name(name)) {
        qr_errf(err, errlen, "the key file has no valid name line");
        goto out;
    }
    if ((k = key_alloc()) == NULL) {
        rc = QR_NOMEM;
        goto out;
    }
    memcpy(k->name, name, strlen(name) + 1); /* valid_name() bounded it */
    if (secret) {
        uint8_t s[32];
        if (qr_b64_decode_exact(seed, s, 32) != QR_OK ||
            qr_b64_decode_exact(curve_sk, k->curve_sk, 32) != QR_OK) {
            sodium_memzero(s, sizeof s);
            qr_errf(err, errlen, "the secret keys are not 32 bytes of base64");
            goto out;
        }
        crypto_sign_seed_keypair(k->sign_pk, k->sign_sk, s);
        crypto_scalarmult_base(k->curve_pk, k->curve_sk);
        sodium_memzero(s, sizeof s);
        k->has_secret = 1;
    } else if (qr_b64_decode_exact(sign_pk, k->sign_pk, 32) != QR_OK ||
               qr_b64_decode_exact(curve_pk, k->curve_pk, 32) != QR_OK) {
        qr_errf(err, errlen, "the public keys are not 32 bytes of base64");
        goto out;
    }
    *out = k;
    k = NULL;
    rc = QR_OK;
out:
    qr_key_destroy(&k);
    sodium_memzero(seed, sizeof seed);
    sodium_memzero(curve_sk, sizeof curve_sk);
    return rc;
}

int qr_key_load(const char *path, qr_key **out, char *err, size_t errlen)
{
    uint8_t *text = NULL;
    size_t len = 0;
    struct stat st;
    if (sodium_init() < 0)
        return QR_INTERNAL;
    if (stat(path, &st) != 0) {
        qr_errf(err, errlen, "cannot open key file %s: %s", path, strerror(errno));
        return errno == ENOENT ? QR_NOT_FOUND : QR_IO;
    }
    int rc = qr_read_file(path, QR_KEY_FILE_MAX, &text, &len);
    if (rc != QR_OK) {
        qr_errf(err, errlen, "cannot read key file %s: %s", path, qr_strerror(rc));
        return rc;
    }
    int is_secret = len >= 20 && memcmp(text, "quorum-secret-key-v1", 20) == 0;
    if (is_secret && (st.st_mode & 077)) {
        qr_errf(err, errlen,
                "secret key file %s is readable by group or others (mode %03o); "
                "run: chmod 600 %s",
                path, (unsigned)(st.st_mode & 0777), path);
        rc = QR_BAD_KEY;
    } else {
        rc = qr_key_parse((const char *)text, len, out, err, errlen);
        if (rc != QR_OK && err && errlen) {
            char inner[256];
            snprintf(inner, sizeof inner, "%s", err);
            qr_errf(err, errlen, "%s: %s", path, inner);
        }
    }
    sodium_memzero(text, len);
    free(text);
    return rc;
}

int qr_key_vkey(const qr_key *k, const char *name, char *out, size_t outlen)
{
    return qr_note_vkey_format(name ? name : k->name, QR_NOTE_ED25519, k->sign_pk, out, outlen);
}

/* Plain Ed25519 over domain || statement (not the multi-part API, which is Ed25519ph and
 * would not verify with standard Ed25519 tools).  Statements are capped, so the copy is cheap. */
static uint8_t *domain_message(const uint8_t *msg, size_t len, size_t *outlen)
{
    size_t d = strlen(QR_STATEMENT_DOMAIN);
    if (len > QR_MAX_STATEMENT)
        return NULL;
    uint8_t *m = malloc(d + len + 1);
    if (!m)
        return NULL;
    memcpy(m, QR_STATEMENT_DOMAIN, d);
    if (len)
        memcpy(m + d, msg, len);
    *outlen = d + len;
    return m;
}

int qr_key_sign_statement(const qr_key *k, const uint8_t *msg, size_t len, uint8_t sig[64])
{
    size_t n;
    if (!k->has_secret)
        return QR_BAD_KEY;
    uint8_t *m = domain_message(msg, len, &n);
    if (!m)
        return QR_TOO_LARGE;
    int r = crypto_sign_detached(sig, NULL, m, n, k->sign_sk);
    free(m);
    return r == 0 ? QR_OK : QR_INTERNAL;
}

int qr_key_verify_statement(const uint8_t pk[32], const uint8_t *msg, size_t len,
                            const uint8_t sig[64])
{
    size_t n;
    uint8_t *m = domain_message(msg, len, &n);
    if (!m)
        return QR_TOO_LARGE;
    int r = crypto_sign_verify_detached(sig, m, n, pk);
    free(m);
    return r == 0 ? QR_OK : QR_BAD_SIGNATURE;
}
