/*
 * keys.h: a person's, board's or daemon's keys.
 *
 * One key file holds two key pairs made together: an Ed25519 pair that signs statements,
 * checkpoints and minutes, and a CURVE (X25519) pair for the ZeroMQ transport.  They are kept
 * separate, as libsodium advises, and both public halves are registered together.
 *
 * Secret key file (mode 0600; loading refuses a file that group or others can read):
 *
 *     quorum-secret-key-v1
 *     name <key name>
 *     ed25519-seed <base64, 32 bytes>
 *     curve-secret <base64, 32 bytes>
 *
 * Public key file (what is handed to others; `quorum key show --public`):
 *
 *     quorum-public-key-v1
 *     name <key name>
 *     sign-key <base64, 32 bytes>
 *     curve-key <base64, 32 bytes>
 *
 * Secret halves live in sodium_malloc'd memory (guard pages, no swap where possible) and are
 * wiped when the key is destroyed.  They are never printed or logged.
 */
#ifndef QR_KEYS_H
#define QR_KEYS_H

#include "qr.h"

#define QR_KEY_FILE_MAX 4096
#define QR_STATEMENT_DOMAIN "quorum/statement/v1\n"

typedef struct {
    char name[QR_MAX_NAME + 1];
    uint8_t sign_pk[32];
    uint8_t curve_pk[32];
    int has_secret;
    uint8_t sign_sk[64];  /* libsodium's form: seed || pk */
    uint8_t curve_sk[32];
} qr_key;

/* A new key pair set named `name`; NULL on failure. */
qr_key *qr_key_generate(const char *name);
/* Write a secret key file, created 0600 and never over an existing file. */
int qr_key_save_secret(const qr_key *k, const char *path);
/* The public key file's text into out. */
int qr_key_format_public(const qr_key *k, char *out, size_t outlen);
/* Load a secret or public key file.  err gets a sentence for people on failure. */
int qr_key_load(const char *path, qr_key **out, char *err, size_t errlen);
/* Parse key file text (secret or public). */
int qr_key_parse(const char *text, size_t len, qr_key **out, char *err, size_t errlen);
void qr_key_destroy(qr_key **k);

/* C2SP verifier key for signatures under `name` (defaults to the key's own name). */
int qr_key_vkey(const qr_key *k, const char *name, char *out, size_t outlen);

/* Ed25519 signature over QR_STATEMENT_DOMAIN || msg. */
int qr_key_sign_statement(const qr_key *k, const uint8_t *msg, size_t len, uint8_t sig[64]);
QR_MUST_CHECK int qr_key_verify_statement(const uint8_t pk[32], const uint8_t *msg, size_t len,
                                          const uint8_t sig[64]);

#endif
