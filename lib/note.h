/*
 * note.h: C2SP signed notes (signed-note v1.0.0) with Ed25519 keys, and C2SP tlog-cosignature
 * v1.0.1 cosignatures (signature type 0x04).
 *
 * A note is UTF-8 text ending in a newline, a blank line, then one or more signature lines
 *
 *     — <key name> <base64(key id[4] || signature)>\n
 *
 * where the dash is U+2014.  A verifier key is written "<name>+<hex key id>+<base64(type || pk)>"
 * and the key id is the first four bytes of SHA-256(name || "\n" || type || pk).  Type 0x01 is a
 * plain Ed25519 note signature over the text; type 0x04 is a cosignature, whose signed message is
 * "cosignature/v1\ntime <decimal seconds>\n" followed by the checkpoint text, and whose
 * signature bytes are key id || 8-byte big-endian timestamp || Ed25519 signature.
 *
 * Parsing is strict and bounded: at most QR_NOTE_MAX_SIGS signature lines, names of at most
 * QR_MAX_NAME bytes with no spaces or '+', text of at most QR_NOTE_MAX_TEXT bytes.  Unknown
 * signature lines are kept (a note may be signed by keys we do not know) but never trusted.
 */
#ifndef QR_NOTE_H
#define QR_NOTE_H

#include "qr.h"

#define QR_NOTE_MAX_TEXT (16 * 1024)
#define QR_NOTE_MAX_SIGS 32
#define QR_NOTE_ED25519 0x01
#define QR_NOTE_COSIG 0x04

typedef struct {
    char name[QR_MAX_NAME + 1];
    uint8_t type;      /* QR_NOTE_ED25519 or QR_NOTE_COSIG */
    uint8_t id[4];
    uint8_t pk[32];
} qr_note_verifier;

typedef struct {
    char name[QR_MAX_NAME + 1];
    uint8_t id[4];
    size_t sig_len;    /* bytes after the key id: 64 (Ed25519) or 72 (cosignature) */
    uint8_t sig[80];   /* longer signatures are kept unparsed: sig_len = 0 */
} qr_note_sig;

typedef struct {
    size_t text_len;   /* the signed text is note[0 .. text_len), ending in '\n' */
    size_t nsigs;
    qr_note_sig sigs[QR_NOTE_MAX_SIGS];
} qr_note;

void qr_note_key_id(const char *name, uint8_t type, const uint8_t pk[32], uint8_t id[4]);
/* "name+hex+base64" into out (caller's buffer of at least QR_NOTE_VKEY_MAX bytes). */
#define QR_NOTE_VKEY_MAX (QR_MAX_NAME + 64)
int qr_note_vkey_format(const char *name, uint8_t type, const uint8_t pk[32], char *out,
                        size_t outlen);
int qr_note_vkey_parse(const char *vkey, qr_note_verifier *v);

/* Parse a whole note (text, blank line, signature lines).  QR_BAD_NOTE if malformed. */
int qr_note_parse(const char *note, size_t len, qr_note *out);

/* Sign `text` (ending in '\n') with Ed25519 secret key `sk` (libsodium's 64-byte form) under
 * key `name`; writes one signature line, newline included, into out. */
#define QR_NOTE_SIGLINE_MAX (QR_MAX_NAME + 160)
int qr_note_sign_line(const char *text, size_t text_len, const char *name,
                      const uint8_t sk[64], char *out, size_t outlen);
/* QR_OK if the parsed note carries a valid signature by v (type 0x01) over its text. */
QR_MUST_CHECK int qr_note_verify(const char *note, const qr_note *parsed,
                                 const qr_note_verifier *v);

/* Cosign a checkpoint text at `timestamp` (seconds since the epoch): one signature line. */
int qr_cosig_sign_line(const char *checkpoint_text, size_t text_len, const char *name,
                       const uint8_t sk[64], uint64_t timestamp, char *out, size_t outlen);
/* QR_OK if the parsed note carries a valid cosignature by v (type 0x04); *timestamp set. */
QR_MUST_CHECK int qr_cosig_verify(const char *note, const qr_note *parsed,
                                  const qr_note_verifier *v, uint64_t *timestamp);

#endif
