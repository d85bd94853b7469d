/*
 * checkpoint.h: C2SP tlog-checkpoint v1.0.0 bodies.
 *
 *     <origin>\n<decimal tree size>\n<base64 root hash>\n[extension lines]
 *
 * quorum's origin for a forum is "<configured origin>/forum/<forum id>", and the daemon signs
 * each forum's checkpoint with its log key under a key name equal to that origin, so that
 * standard tlog tooling (and a witness) can verify it knowing only the verifier key.
 */
#ifndef QR_CHECKPOINT_H
#define QR_CHECKPOINT_H

#include "qr.h"

typedef struct {
    char origin[QR_MAX_NAME + 1];
    uint64_t size;
    uint8_t root[QR_HASH_LEN];
} qr_checkpoint;

/* The origin of a forum's log: "<prefix>/forum/<forum id>"; QR_TOO_LARGE if too long. */
int qr_checkpoint_origin(const char *prefix, const char *forum, char *out, size_t outlen);

/* Body text (no signatures) into out; QR_TOO_LARGE if it does not fit. */
int qr_checkpoint_format(const qr_checkpoint *cp, char *out, size_t outlen);
/* Parse the body at the start of a note's text (extension lines are allowed and ignored). */
int qr_checkpoint_parse(const char *text, size_t len, qr_checkpoint *cp);

#endif
