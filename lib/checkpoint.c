/*
 * checkpoint.c: C2SP tlog-checkpoint v1.0.0 note bodies.
 *
 *     <origin>\n<tree size>\n<base64 root>\n[<extension line>\n ...]
 *
 * The body is signed, so it must have exactly one spelling for each (origin, size, root):
 * the size is decimal with no sign and no leading zero (except "0" itself) and must fit in 64
 * bits; the root is padded standard base64 of exactly 32 bytes with no stray bits.  Anything
 * else is refused rather than normalised, because a checkpoint we would re-encode differently
 * is one whose signature we could not check against our own formatting.
 *
 * The origin is opaque to the spec (it only SHOULD look like a key name), so beyond being
 * non-empty it is only held to what this struct can carry: at most QR_MAX_NAME bytes and no
 * control characters, so that it can never be cut short by a NUL.  Extension lines are
 * allowed, must be non-empty, and are ignored: they say nothing a monitor can audit.
 * UTF-8 well-formedness is the note's business (qr_note_parse()), not repeated here.
 */
#include "checkpoint.h"
#include "note.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#define SIZE_DIGITS_MAX 20 /* "18446744073709551615" */

/* No byte below 0x20: such a line cannot hide a NUL or a '\r'. */
static int line_ok(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20)
            return 0;
    return 1;
}

/* Canonical decimal into *out. */
static int parse_size(const char *s, size_t n, uint64_t *out)
{
    uint64_t v = 0;

    if (n == 0 || n > SIZE_DIGITS_MAX || (n > 1 && s[0] == '0'))
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        uint64_t d = (uint64_t)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

/* The next line of text[*pos .. len) without its '\n'; -1 if no full line remains. */
static int next_line(const char *text, size_t len, size_t *pos, const char **line, size_t *n)
{
    const char *start = text + *pos;
    const char *nl = memchr(start, '\n', len - *pos);

    if (!nl)
        return -1;
    *line = start;
    *n = (size_t)(nl - start);
    *pos += *n + 1;
    return 0;
}

int qr_checkpoint_parse(const char *text, size_t len, qr_checkpoint *cp)
{
    qr_checkpoint c;
    const char *line;
    size_t n, pos = 0, root_len;

    if (!text || !cp)
        return QR_BAD_NOTE;
    if (len > QR_NOTE_MAX_TEXT)
        return QR_TOO_LARGE;
    if (len == 0 || text[len - 1] != '\n')
        return QR_BAD_NOTE;
    memset(&c, 0, sizeof c);

    if (next_line(text, len, &pos, &line, &n) != 0 || n == 0 || !line_ok(line, n))
        return QR_BAD_NOTE;
    if (n > QR_MAX_NAME)
        return QR_TOO_LARGE;
    memcpy(c.origin, line, n);

    if (next_line(text, len, &pos, &line, &n) != 0 || parse_size(line, n, &c.size) != 0)
        return QR_BAD_NOTE;

    if (next_line(text, len, &pos, &line, &n) != 0 ||
        sodium_base642bin(c.root, sizeof c.root, line, n, NULL, &root_len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        root_len != sizeof c.root)
        return QR_BAD_NOTE;

    /* text ends in '\n', so whatever remains is whole lines. */
    while (pos < len) {
        if (next_line(text, len, &pos, &line, &n) != 0 || n == 0 || !line_ok(line, n))
            return QR_BAD_NOTE;
    }
    *cp = c;
    return QR_OK;
}

int qr_checkpoint_format(const qr_checkpoint *cp, char *out, size_t outlen)
{
    char root[sodium_base64_ENCODED_LEN(QR_HASH_LEN, sodium_base64_VARIANT_ORIGINAL)];

    if (!cp || !out)
        return QR_BAD_NOTE;
    size_t n = strnlen(cp->origin, sizeof cp->origin);
    if (n == 0 || n > QR_MAX_NAME || !line_ok(cp->origin, n))
        return QR_BAD_NOTE;
    sodium_bin2base64(root, sizeof root, cp->root, sizeof cp->root, sodium_base64_VARIANT_ORIGINAL);
    int w = snprintf(out, outlen, "%s\n%" PRIu64 "\n%s\n", cp->origin, cp->size, root);
    if (w < 0 || (size_t)w >= outlen) {
        if (outlen > 0)
            out[0] = '\0';
        return QR_TOO_LARGE;
    }
    return QR_OK;
}

int qr_checkpoint_origin(const char *prefix, const char *forum, char *out, size_t outlen)
{
    int n = snprintf(out, outlen, "%s/forum/%s", prefix, forum);
    return n < 0 || (size_t)n >= outlen || (size_t)n > QR_MAX_NAME ? QR_TOO_LARGE : QR_OK;
}
