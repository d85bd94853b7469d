/*
 * minisign.c: minisign-format signatures with quorum's Ed25519 keys (see minisign.h for the
 * format).
 */
#include "minisign.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNTRUSTED_PREFIX "untrusted comment: "
#define TRUSTED_PREFIX "trusted comment: "
#define SIG_BLOB 74 /* "ED" || key id || signature */
#define PK_BLOB 42  /* "Ed" || key id || public key */

void qr_minisign_key_id(const uint8_t pk[32], uint8_t id[8])
{
    uint8_t h[crypto_generichash_BYTES];
    crypto_generichash(h, sizeof h, pk, 32, NULL, 0);
    memcpy(id, h, 8);
}

void qr_minisign_key_id_hex(const uint8_t id[8], char out[17])
{
    static const char digits[] = "0123456789ABCDEF";
    for (int i = 0; i < 8; i++) {
        out[2 * i] = digits[id[7 - i] >> 4];
        out[2 * i + 1] = digits[id[7 - i] & 15];
    }
    out[16] = 0;
}

int qr_minisign_pubkey(const uint8_t pk[32], char *out, size_t outlen)
{
    uint8_t blob[PK_BLOB];
    if (outlen < QR_MINISIGN_PUBKEY_LEN + 1)
        return QR_TOO_LARGE;
    blob[0] = 'E';
    blob[1] = 'd';
    qr_minisign_key_id(pk, blob + 2);
    memcpy(blob + 10, pk, 32);
    sodium_bin2base64(out, outlen, blob, sizeof blob, sodium_base64_VARIANT_ORIGINAL);
    return QR_OK;
}

/* Exactly `want` bytes of standard base64 in s[0..n). */
static int b64_exact(const char *s, size_t n, uint8_t *out, size_t want)
{
    size_t got = 0;
    const char *end = NULL;
    if (n == 0 || n > 4 * (want / 3 + 1))
        return QR_BAD_SIGNATURE;
    if (sodium_base642bin(out, want, s, n, NULL, &got, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        got != want || end != s + n)
        return QR_BAD_SIGNATURE;
    return QR_OK;
}

int qr_minisign_pubkey_parse(const char *text, uint8_t pk[32], uint8_t id[8])
{
    uint8_t blob[PK_BLOB];
    const char *s = text;
    if (!text)
        return QR_BAD_KEY;
    if (strncmp(s, UNTRUSTED_PREFIX, strlen(UNTRUSTED_PREFIX)) == 0) {
        const char *nl = strchr(s, '\n');
        if (!nl)
            return QR_BAD_KEY;
        s = nl + 1;
    }
    size_t n = strcspn(s, "\r\n");
    /* nothing but line ends may follow the key */
    if (s[n + strspn(s + n, "\r\n")] != 0)
        return QR_BAD_KEY;
    if (n != QR_MINISIGN_PUBKEY_LEN || b64_exact(s, n, blob, sizeof blob) != QR_OK ||
        blob[0] != 'E' || blob[1] != 'd')
        return QR_BAD_KEY;
    memcpy(id, blob + 2, 8);
    memcpy(pk, blob + 10, 32);
    return QR_OK;
}

/* A comment may hold any UTF-8 text but no control character. */
static int comment_ok(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n > max)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return 0;
    return 1;
}

static void prehash(const uint8_t *msg, size_t len, uint8_t h[crypto_generichash_BYTES_MAX])
{
    crypto_generichash(h, crypto_generichash_BYTES_MAX, msg, len, NULL, 0);
}

int qr_minisign_sign(const uint8_t sk[64], const uint8_t *msg, size_t len, const char *untrusted,
                     const char *trusted, char **out)
{
    uint8_t h[crypto_generichash_BYTES_MAX], blob[SIG_BLOB];
    char sig_b64[sodium_base64_ENCODED_LEN(SIG_BLOB, sodium_base64_VARIANT_ORIGINAL)];
    char glob_b64[sodium_base64_ENCODED_LEN(64, sodium_base64_VARIANT_ORIGINAL)];
    *out = NULL;
    if (!comment_ok(untrusted, QR_MINISIGN_MAX_UNTRUSTED) ||
        !comment_ok(trusted, QR_MINISIGN_MAX_TRUSTED))
        return QR_TOO_LARGE;
    size_t tlen = strlen(trusted);
    uint8_t *global = malloc(64 + tlen);
    if (!global)
        return QR_NOMEM;
    blob[0] = 'E';
    blob[1] = 'D';
    qr_minisign_key_id(sk + 32, blob + 2);
    prehash(msg, len, h);
    crypto_sign_detached(blob + 10, NULL, h, sizeof h, sk);
    memcpy(global, blob + 10, 64);
    memcpy(global + 64, trusted, tlen);
    uint8_t gsig[64];
    crypto_sign_detached(gsig, NULL, global, 64 + tlen, sk);
    free(global);
    sodium_bin2base64(sig_b64, sizeof sig_b64, blob, sizeof blob, sodium_base64_VARIANT_ORIGINAL);
    sodium_bin2base64(glob_b64, sizeof glob_b64, gsig, sizeof gsig, sodium_base64_VARIANT_ORIGINAL);
    size_t n = strlen(UNTRUSTED_PREFIX) + strlen(untrusted) + strlen(sig_b64) +
               strlen(TRUSTED_PREFIX) + tlen + strlen(glob_b64) + 5;
    if ((*out = malloc(n)) == NULL)
        return QR_NOMEM;
    snprintf(*out, n, "%s%s\n%s\n%s%s\n%s\n", UNTRUSTED_PREFIX, untrusted, sig_b64, TRUSTED_PREFIX,
             trusted, glob_b64);
    return QR_OK;
}

/* The next line of text[*pos..len) without its "\n" or "\r\n"; QR_BAD_SIGNATURE if there is
 * no complete line. */
static int next_line(const char *text, size_t len, size_t *pos, const char **line, size_t *n)
{
    const char *s = text + *pos;
    const char *nl = memchr(s, '\n', len - *pos);
    if (!nl)
        return QR_BAD_SIGNATURE;
    *line = s;
    *n = (size_t)(nl - s);
    if (*n && s[*n - 1] == '\r')
        (*n)--;
    *pos = (size_t)(nl - text) + 1;
    return QR_OK;
}

/* A comment line after `prefix` into out (NUL-terminated, at most max bytes). */
static int comment_line(const char *line, size_t n, const char *prefix, char *out, size_t max)
{
    size_t p = strlen(prefix);
    if (n < p || memcmp(line, prefix, p) != 0)
        return QR_BAD_SIGNATURE;
    if (n - p > max)
        return QR_TOO_LARGE;
    for (size_t i = p; i < n; i++)
        if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
            return QR_BAD_SIGNATURE;
    memcpy(out, line + p, n - p);
    out[n - p] = 0;
    return QR_OK;
}

int qr_minisign_parse(const char *text, size_t len, qr_minisign_sig *out)
{
    const char *line;
    size_t n, pos = 0;
    uint8_t blob[SIG_BLOB];
    int rc;
    memset(out, 0, sizeof *out);
    if (len > QR_MINISIGN_MAX_FILE)
        return QR_TOO_LARGE;
    if (memchr(text, 0, len))
        return QR_BAD_SIGNATURE;
    if ((rc = next_line(text, len, &pos, &line, &n)) != QR_OK ||
        (rc = comment_line(line, n, UNTRUSTED_PREFIX, out->untrusted, QR_MINISIGN_MAX_UNTRUSTED)) !=
            QR_OK)
        return rc;
    if ((rc = next_line(text, len, &pos, &line, &n)) != QR_OK ||
        (rc = b64_exact(line, n, blob, sizeof blob)) != QR_OK)
        return QR_BAD_SIGNATURE;
    if (blob[0] != 'E' || blob[1] != 'D')
        return QR_BAD_SIGNATURE; /* only the prehashed algorithm: "Ed" is legacy */
    memcpy(out->key_id, blob + 2, 8);
    memcpy(out->sig, blob + 10, 64);
    if ((rc = next_line(text, len, &pos, &line, &n)) != QR_OK ||
        (rc = comment_line(line, n, TRUSTED_PREFIX, out->trusted, QR_MINISIGN_MAX_TRUSTED)) !=
            QR_OK)
        return rc;
    if ((rc = next_line(text, len, &pos, &line, &n)) != QR_OK ||
        b64_exact(line, n, out->global_sig, 64) != QR_OK)
        return QR_BAD_SIGNATURE;
    /* nothing but blank lines after the four */
    for (; pos < len; pos++)
        if (text[pos] != '\n' && text[pos] != '\r')
            return QR_BAD_SIGNATURE;
    return QR_OK;
}

int qr_minisign_verify(const qr_minisign_sig *s, const uint8_t *msg, size_t len,
                       const uint8_t pk[32], const uint8_t id[8])
{
    uint8_t h[crypto_generichash_BYTES_MAX];
    if (sodium_memcmp(s->key_id, id, 8) != 0)
        return QR_WRONG_SIGNER;
    prehash(msg, len, h);
    if (crypto_sign_verify_detached(s->sig, h, sizeof h, pk) != 0)
        return QR_BAD_SIGNATURE;
    size_t tlen = strnlen(s->trusted, sizeof s->trusted);
    uint8_t *global = malloc(64 + tlen);
    if (!global)
        return QR_NOMEM;
    memcpy(global, s->sig, 64);
    memcpy(global + 64, s->trusted, tlen);
    int bad = crypto_sign_verify_detached(s->global_sig, global, 64 + tlen, pk);
    free(global);
    return bad ? QR_BAD_SIGNATURE : QR_OK;
}
