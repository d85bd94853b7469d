/*
 * minisign.h: signatures in minisign's format, made with a quorum Ed25519 key, so that the
 * stock `minisign -V` (Debian package minisign) verifies signed minutes.
 *
 * The format (minisign 0.8 and later, the prehashed "ED" algorithm)
 * ---------------------------------------------------------------
 * Public key:  base64("Ed" || key id[8] || Ed25519 public key[32])          (56 characters)
 * Signature file, four lines, each ending in '\n':
 *
 *     untrusted comment: <free text, not signed>
 *     base64("ED" || key id[8] || Ed25519 signature over BLAKE2b-512(file))
 *     trusted comment: <text>
 *     base64(Ed25519 signature over (the 64 signature bytes above || <text>))
 *
 * BLAKE2b-512 is libsodium's crypto_generichash with a 64-byte output and no key.  The trusted
 * comment is signed (by the second, "global", signature); the untrusted one is not.
 *
 * Key id.  minisign draws a key's 8-byte id at random when it makes the key.  A quorum key has
 * no such id, so one is derived from the public key: the first 8 bytes of BLAKE2b-256 of the
 * 32-byte Ed25519 public key (crypto_generichash with its default 32-byte output).  Anyone can
 * recompute it; it only has to match between the public key and the signature, which minisign
 * checks before anything else.  minisign prints an id as the 16 upper-case hex digits of the 8
 * bytes read as a little-endian number (qr_minisign_key_id_hex does the same), so the id in
 * `minisign -V` messages and in `quorum key show` read alike.
 *
 * Limits.  Parsing is bounded: a signature file of at most QR_MINISIGN_MAX_FILE bytes, an
 * untrusted comment under minisign's own 1024-byte line limit and a trusted comment of at most
 * QR_MINISIGN_MAX_TRUSTED bytes (minisign allows 8192 with its prefix); no NUL, CR or other
 * control character in a comment; a '\r' before a line's '\n' is accepted on reading, as
 * minisign does, and never written.
 */
#ifndef QR_MINISIGN_H
#define QR_MINISIGN_H

#include "qr.h"

#define QR_MINISIGN_PUBKEY_LEN 56      /* base64 characters of a public key */
#define QR_MINISIGN_MAX_UNTRUSTED 1000 /* bytes of untrusted comment after its prefix */
#define QR_MINISIGN_MAX_TRUSTED 4096   /* bytes of trusted comment after its prefix */
#define QR_MINISIGN_MAX_FILE 8192      /* a whole signature file */

typedef struct {
    uint8_t key_id[8];
    uint8_t sig[64];        /* over BLAKE2b-512 of the signed file */
    uint8_t global_sig[64]; /* over sig || trusted */
    char trusted[QR_MINISIGN_MAX_TRUSTED + 1];
    char untrusted[QR_MINISIGN_MAX_UNTRUSTED + 1];
} qr_minisign_sig;

/* The derived key id of an Ed25519 public key (see above). */
void qr_minisign_key_id(const uint8_t pk[32], uint8_t id[8]);
/* As minisign prints it: 16 upper-case hex digits of the id read little-endian. */
void qr_minisign_key_id_hex(const uint8_t id[8], char out[17]);

/* The public key string `minisign -P` takes, into out (at least QR_MINISIGN_PUBKEY_LEN + 1). */
int qr_minisign_pubkey(const uint8_t pk[32], char *out, size_t outlen);
/* A minisign public key from the string, or from the text of a minisign .pub file (its
 * "untrusted comment:" line, then the key).  QR_BAD_KEY if malformed. */
int qr_minisign_pubkey_parse(const char *text, uint8_t pk[32], uint8_t id[8]);

/* Sign `msg` with `sk` (libsodium's 64-byte secret key, seed || public key).  The comments
 * must be single lines within the limits above.  *out gets the malloc'd signature file. */
int qr_minisign_sign(const uint8_t sk[64], const uint8_t *msg, size_t len, const char *untrusted,
                     const char *trusted, char **out);

/* Parse a signature file (bounded; signatures not checked).  QR_BAD_SIGNATURE if malformed,
 * QR_TOO_LARGE if over the limits. */
int qr_minisign_parse(const char *text, size_t len, qr_minisign_sig *out);

/* QR_OK only if `s` is a signature of `msg` by the key (pk, id) with its trusted comment:
 * QR_WRONG_SIGNER if the key ids differ, QR_BAD_SIGNATURE if either signature fails. */
QR_MUST_CHECK int qr_minisign_verify(const qr_minisign_sig *s, const uint8_t *msg, size_t len,
                                     const uint8_t pk[32], const uint8_t id[8]);

#endif
