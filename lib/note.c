/*
 * note.c: C2SP signed notes (signed-note v1.0.0) and Ed25519 cosignatures (tlog-cosignature
 * v1.0.1, signature type 0x04).
 *
 * The format
 * ----------
 * A signed note is the bytes
 *
 *     text            one or more lines, each ending in '\n'; empty lines are allowed
 *     "\n"            the blank line that separates text from signatures
 *     signatures      one or more lines "— <name> <base64(key id[4] || signature)>\n"
 *
 * The whole note must be UTF-8 with no ASCII control character but '\n', so it cannot hold a
 * NUL, a '\r' or a tab.  Because the text may itself contain blank lines, the text ends at the
 * LAST "\n\n" of the note: the signature block never contains an empty line, so that split is
 * the only one a signer could have meant.  The signed bytes are the text including its final
 * '\n' and excluding the separator.  Signatures are padded standard base64 and must be
 * canonical (no stray bits before the padding): no encoder emits anything else, and a
 * signature with two spellings is one more thing to get wrong when comparing notes.
 *
 * A key is named by (name, key id), the id being the first four bytes of
 * SHA-256(name || '\n' || type || public key).  Binding the type into the id means the same
 * Ed25519 key could sign plain notes (0x01) and cosignatures (0x04) without one ever being
 * taken for the other.  A verifier key string "<name>+<8 hex>+<base64(type || pk)>" is only
 * accepted if its id is the one its name and key produce, so a typo cannot make a key that
 * silently matches nothing or, worse, the wrong lines.
 *
 * A cosignature signs "cosignature/v1\ntime <seconds>\n" followed by the checkpoint text.  The
 * header line separates this from every other use of the key; the timestamp is carried in the
 * signature bytes (8 bytes, big-endian, before the Ed25519 signature) and must not exceed
 * 2^63 - 1.
 *
 * Trust
 * -----
 * Parsing proves nothing.  qr_note_parse() checks the syntax, bounds every length and keeps
 * each signature line as (name, id, bytes); it never decides which lines matter.  Lines from
 * keys we do not know are kept because a note may legitimately be signed by many parties, and
 * signatures whose length is neither 64 (Ed25519) nor 72 (cosignature) are kept with
 * sig_len = 0 so that they can never verify.  The verifiers then look only at lines whose name
 * AND id both match the configured key (the spec requires ignoring a line that matches one but
 * not the other), and every such line must verify: one bad signature from a known key rejects
 * the note, rather than letting a good duplicate paper over a forged one.
 *
 * Limits
 * ------
 * Text at most QR_NOTE_MAX_TEXT bytes, at most QR_NOTE_MAX_SIGS signature lines, each at most
 * SIG_LINE_MAX bytes (enough for a post-quantum signature we merely carry), key names at most
 * QR_MAX_NAME bytes.  The whole input is length-checked against the sum of those before a
 * single byte is decoded.  Too much text, too many signatures or too long a signature line
 * gives QR_TOO_LARGE; every other defect, an over-long name included, gives QR_BAD_NOTE.
 *
 * Results of the verifiers: QR_OK; QR_NOT_FOUND when no line carries the key's name and id;
 * QR_BAD_SIGNATURE when such a line does not verify; QR_BAD_KEY when the verifier is not of
 * the type the function checks or its id is not the one its name and key produce.
 * libsodium must have been initialised (sodium_init()) by the program.  Secret keys are only
 * ever handed to libsodium; nothing here copies them.
 */
#include "note.h"
#include "sha256.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#define SIG_LINE_MAX 4096 /* one signature line, without its '\n' */
#define SIG_BYTES_MAX (SIG_LINE_MAX / 4 * 3)
#define NOTE_MAX_LEN (QR_NOTE_MAX_TEXT + 1 + QR_NOTE_MAX_SIGS * (SIG_LINE_MAX + 1))
#define ED25519_SIG_LEN 64
#define COSIG_SIG_LEN (8 + ED25519_SIG_LEN)
#define COSIG_HEADER_MAX 48 /* "cosignature/v1\ntime " + 20 digits + "\n" */

static const char sig_dash[] = "\xe2\x80\x94 "; /* U+2014 and a space */
#define SIG_DASH_LEN 4

/*
 * The length of the well-formed UTF-8 sequence at s (n bytes available) and its code point,
 * or 0 if it is ill-formed: overlong forms, surrogates and values past U+10FFFF are refused so
 * that each text has exactly one encoding.
 */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
    uint32_t c = s[0], min;
    size_t len;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2, c &= 0x1f, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
        len = 3, c &= 0x0f, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4, c &= 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3fu);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return len;
}

/* UTF-8 with no control character but '\n': what the spec allows anywhere in a note. */
static int chars_ok(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;

    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = utf8_next(p + i, n - i, &cp);
        if (k == 0 || (cp < 0x20 && cp != '\n'))
            return 0;
        i += k;
    }
    return 1;
}

/* Unicode White_Space, as Go's unicode.IsSpace, which the reference implementation uses. */
static int is_space(uint32_t cp)
{
    return (cp >= 0x09 && cp <= 0x0d) || cp == 0x20 || cp == 0x85 || cp == 0xa0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 || cp == 0x202f ||
           cp == 0x205f || cp == 0x3000;
}

/* A key name: non-empty UTF-8, no spaces, no '+', no control characters, bounded. */
static int name_ok(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;

    if (n == 0 || n > QR_MAX_NAME)
        return 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = utf8_next(p + i, n - i, &cp);
        if (k == 0 || cp < 0x20 || cp == '+' || is_space(cp))
            return 0;
        i += k;
    }
    return 1;
}

/* A text we are willing to sign: one that qr_note_parse() will give back unchanged. */
static int text_ok(const char *text, size_t len)
{
    return text && len > 0 && len <= QR_NOTE_MAX_TEXT && text[len - 1] == '\n' &&
           chars_ok(text, len);
}

void qr_note_key_id(const char *name, uint8_t type, const uint8_t pk[32], uint8_t id[4])
{
    qr_sha256_state st;
    uint8_t h[QR_SHA256_BYTES];
    const uint8_t sep[2] = {'\n', type};

    qr_sha256_init(&st);
    qr_sha256_update(&st, (const uint8_t *)name, strlen(name));
    qr_sha256_update(&st, sep, sizeof sep);
    qr_sha256_update(&st, pk, 32);
    qr_sha256_final(&st, h);
    memcpy(id, h, 4);
}

int qr_note_vkey_format(const char *name, uint8_t type, const uint8_t pk[32], char *out,
                        size_t outlen)
{
    uint8_t raw[33], id[4];
    char b64[sodium_base64_ENCODED_LEN(sizeof raw, sodium_base64_VARIANT_ORIGINAL)];

    if (!name || !pk || !out)
        return QR_BAD_KEY;
    if (!name_ok(name, strnlen(name, QR_MAX_NAME + 1)))
        return QR_BAD_KEY;
    if (type != QR_NOTE_ED25519 && type != QR_NOTE_COSIG)
        return QR_BAD_KEY;
    raw[0] = type;
    memcpy(raw + 1, pk, 32);
    qr_note_key_id(name, type, pk, id);
    sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_ORIGINAL);
    int w = snprintf(out, outlen, "%s+%02x%02x%02x%02x+%s", name, id[0], id[1], id[2], id[3], b64);
    if (w < 0 || (size_t)w >= outlen) {
        if (outlen > 0)
            out[0] = '\0';
        return QR_TOO_LARGE;
    }
    return QR_OK;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Exactly 8 hex digits into 4 bytes, big-endian as written. */
static int parse_key_id(const char *s, uint8_t id[4])
{
    for (int i = 0; i < 4; i++) {
        int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        id[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

int qr_note_vkey_parse(const char *vkey, qr_note_verifier *v)
{
    qr_note_verifier k;
    uint8_t raw[33], want[4];
    size_t raw_len;

    if (!v)
        return QR_BAD_KEY;
    memset(v, 0, sizeof *v);
    if (!vkey)
        return QR_BAD_KEY;
    memset(&k, 0, sizeof k);
    size_t n = strnlen(vkey, QR_NOTE_VKEY_MAX);
    if (n >= QR_NOTE_VKEY_MAX)
        return QR_BAD_KEY;

    /* The name cannot hold '+', so the first one ends it; base64 may hold more. */
    const char *plus = memchr(vkey, '+', n);
    if (!plus)
        return QR_BAD_KEY;
    size_t name_len = (size_t)(plus - vkey);
    if (!name_ok(vkey, name_len))
        return QR_BAD_KEY;
    const char *hex = plus + 1;
    size_t rest = n - name_len - 1;
    if (rest < 9 || hex[8] != '+' || parse_key_id(hex, k.id) != 0)
        return QR_BAD_KEY;
    if (sodium_base642bin(raw, sizeof raw, hex + 9, rest - 9, NULL, &raw_len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        raw_len != sizeof raw)
        return QR_BAD_KEY;
    if (raw[0] != QR_NOTE_ED25519 && raw[0] != QR_NOTE_COSIG)
        return QR_BAD_KEY;

    memcpy(k.name, vkey, name_len);
    k.type = raw[0];
    memcpy(k.pk, raw + 1, 32);
    qr_note_key_id(k.name, k.type, k.pk, want);
    if (sodium_memcmp(want, k.id, 4) != 0)
        return QR_BAD_KEY;
    *v = k;
    return QR_OK;
}

/* One signature line, without its '\n'. */
static int parse_sig_line(const char *line, size_t n, qr_note_sig *sig)
{
    uint8_t bin[SIG_BYTES_MAX];
    size_t bin_len;

    if (n > SIG_LINE_MAX)
        return QR_TOO_LARGE;
    if (n < SIG_DASH_LEN || memcmp(line, sig_dash, SIG_DASH_LEN) != 0)
        return QR_BAD_NOTE;
    line += SIG_DASH_LEN, n -= SIG_DASH_LEN;

    const char *sp = memchr(line, ' ', n);
    if (!sp)
        return QR_BAD_NOTE;
    size_t name_len = (size_t)(sp - line);
    size_t b64_len = n - name_len - 1;
    if (!name_ok(line, name_len) || b64_len == 0)
        return QR_BAD_NOTE;
    /* Padded, canonical, nothing skipped: a signature has one spelling. */
    if (sodium_base642bin(bin, sizeof bin, sp + 1, b64_len, NULL, &bin_len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return QR_BAD_NOTE;
    if (bin_len < 5)
        return QR_BAD_NOTE;

    memset(sig, 0, sizeof *sig);
    memcpy(sig->name, line, name_len);
    memcpy(sig->id, bin, 4);
    if (bin_len - 4 == ED25519_SIG_LEN || bin_len - 4 == COSIG_SIG_LEN) {
        sig->sig_len = bin_len - 4;
        memcpy(sig->sig, bin + 4, sig->sig_len);
    }
    return QR_OK;
}

/* Offset of the last "\n\n" in s, or -1. */
static long last_blank_line(const char *s, size_t n)
{
    for (size_t i = n; i >= 2; i--)
        if (s[i - 2] == '\n' && s[i - 1] == '\n')
            return (long)(i - 2);
    return -1;
}

int qr_note_parse(const char *note, size_t len, qr_note *out)
{
    if (!out)
        return QR_BAD_NOTE;
    out->text_len = 0;
    out->nsigs = 0;
    if (!note)
        return QR_BAD_NOTE;
    if (len > NOTE_MAX_LEN)
        return QR_TOO_LARGE;
    if (!chars_ok(note, len))
        return QR_BAD_NOTE;

    long split = last_blank_line(note, len);
    if (split < 0)
        return QR_BAD_NOTE;
    size_t text_len = (size_t)split + 1;
    if (text_len > QR_NOTE_MAX_TEXT)
        return QR_TOO_LARGE;

    const char *p = note + text_len + 1, *end = note + len;
    if (p == end || end[-1] != '\n')
        return QR_BAD_NOTE;
    size_t nsigs = 0;
    while (p < end) {
        /* end[-1] is '\n', so every line finds its end. */
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (nsigs == QR_NOTE_MAX_SIGS)
            return QR_TOO_LARGE;
        int r = parse_sig_line(p, (size_t)(nl - p), &out->sigs[nsigs]);
        if (r != QR_OK)
            return r;
        nsigs++;
        p = nl + 1;
    }
    out->text_len = text_len;
    out->nsigs = nsigs;
    return QR_OK;
}

/* "— name base64(payload)\n" into out. */
static int write_sig_line(const char *name, const uint8_t *payload, size_t plen, char *out,
                          size_t outlen)
{
    char b64[sodium_base64_ENCODED_LEN(4 + COSIG_SIG_LEN, sodium_base64_VARIANT_ORIGINAL)];

    sodium_bin2base64(b64, sizeof b64, payload, plen, sodium_base64_VARIANT_ORIGINAL);
    int w = snprintf(out, outlen, "%s%s %s\n", sig_dash, name, b64);
    if (w < 0 || (size_t)w >= outlen) {
        if (outlen > 0)
            out[0] = '\0';
        return QR_TOO_LARGE;
    }
    return QR_OK;
}

/* Checks shared by both signers; on success id holds the key id for `type`. */
static int signer_ok(const char *text, size_t text_len, const char *name, const uint8_t *sk,
                     uint8_t type, uint8_t id[4])
{
    uint8_t pk[crypto_sign_PUBLICKEYBYTES];

    if (!name || !sk || !name_ok(name, strnlen(name, QR_MAX_NAME + 1)))
        return QR_BAD_KEY;
    if (!text_ok(text, text_len))
        return QR_BAD_NOTE;
    crypto_sign_ed25519_sk_to_pk(pk, sk);
    qr_note_key_id(name, type, pk, id);
    return QR_OK;
}

int qr_note_sign_line(const char *text, size_t text_len, const char *name, const uint8_t sk[64],
                      char *out, size_t outlen)
{
    uint8_t payload[4 + ED25519_SIG_LEN];
    int r;

    if (!out)
        return QR_BAD_NOTE;
    if ((r = signer_ok(text, text_len, name, sk, QR_NOTE_ED25519, payload)) != QR_OK)
        return r;
    if (crypto_sign_detached(payload + 4, NULL, (const uint8_t *)text, text_len, sk) != 0)
        return QR_INTERNAL;
    return write_sig_line(name, payload, sizeof payload, out, outlen);
}

/* The message a cosignature signs; buf holds COSIG_HEADER_MAX + QR_NOTE_MAX_TEXT bytes. */
static size_t cosig_message(uint64_t ts, const char *text, size_t text_len, uint8_t *buf)
{
    int n = snprintf((char *)buf, COSIG_HEADER_MAX, "cosignature/v1\ntime %" PRIu64 "\n", ts);
    memcpy(buf + n, text, text_len);
    return (size_t)n + text_len;
}

static void put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static uint64_t get_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

int qr_cosig_sign_line(const char *checkpoint_text, size_t text_len, const char *name,
                       const uint8_t sk[64], uint64_t timestamp, char *out, size_t outlen)
{
    uint8_t payload[4 + COSIG_SIG_LEN];
    uint8_t msg[COSIG_HEADER_MAX + QR_NOTE_MAX_TEXT];
    int r;

    if (!out)
        return QR_BAD_NOTE;
    if ((r = signer_ok(checkpoint_text, text_len, name, sk, QR_NOTE_COSIG, payload)) != QR_OK)
        return r;
    if (timestamp > INT64_MAX)
        return QR_BAD_NOTE;
    put_be64(payload + 4, timestamp);
    size_t mlen = cosig_message(timestamp, checkpoint_text, text_len, msg);
    if (crypto_sign_detached(payload + 12, NULL, msg, mlen, sk) != 0)
        return QR_INTERNAL;
    return write_sig_line(name, payload, sizeof payload, out, outlen);
}

/*
 * Checks shared by both verifiers: the parsed note still describes `note`, and the verifier
 * is of the wanted type with an id that belongs to its name and key (a hand-built verifier
 * with a stale id would otherwise match someone else's lines).
 */
static int verify_args_ok(const char *note, const qr_note *parsed, const qr_note_verifier *v,
                          uint8_t type)
{
    uint8_t want[4];

    if (!note || !parsed || !v)
        return QR_BAD_NOTE;
    if (parsed->text_len == 0 || parsed->text_len > QR_NOTE_MAX_TEXT ||
        note[parsed->text_len - 1] != '\n' || parsed->nsigs > QR_NOTE_MAX_SIGS)
        return QR_BAD_NOTE;
    if (v->type != type || !name_ok(v->name, strnlen(v->name, sizeof v->name)))
        return QR_BAD_KEY;
    qr_note_key_id(v->name, v->type, v->pk, want);
    if (sodium_memcmp(want, v->id, 4) != 0)
        return QR_BAD_KEY;
    return QR_OK;
}

static int sig_is_from(const qr_note_sig *s, const qr_note_verifier *v)
{
    return memcmp(s->id, v->id, 4) == 0 && strncmp(s->name, v->name, sizeof s->name) == 0;
}

int qr_note_verify(const char *note, const qr_note *parsed, const qr_note_verifier *v)
{
    const uint8_t *text = (const uint8_t *)note;
    int r, found = 0;

    if ((r = verify_args_ok(note, parsed, v, QR_NOTE_ED25519)) != QR_OK)
        return r;
    for (size_t i = 0; i < parsed->nsigs; i++) {
        const qr_note_sig *s = &parsed->sigs[i];
        if (!sig_is_from(s, v))
            continue;
        found = 1;
        if (s->sig_len != ED25519_SIG_LEN)
            return QR_BAD_SIGNATURE;
        if (crypto_sign_verify_detached(s->sig, text, parsed->text_len, v->pk) != 0)
            return QR_BAD_SIGNATURE;
    }
    return found ? QR_OK : QR_NOT_FOUND;
}

int qr_cosig_verify(const char *note, const qr_note *parsed, const qr_note_verifier *v,
                    uint64_t *timestamp)
{
    uint8_t msg[COSIG_HEADER_MAX + QR_NOTE_MAX_TEXT];
    uint64_t first = 0;
    int r, found = 0;

    if ((r = verify_args_ok(note, parsed, v, QR_NOTE_COSIG)) != QR_OK)
        return r;
    for (size_t i = 0; i < parsed->nsigs; i++) {
        const qr_note_sig *s = &parsed->sigs[i];
        if (!sig_is_from(s, v))
            continue;
        if (s->sig_len != COSIG_SIG_LEN)
            return QR_BAD_SIGNATURE;
        uint64_t ts = get_be64(s->sig);
        if (ts > INT64_MAX)
            return QR_BAD_SIGNATURE;
        size_t mlen = cosig_message(ts, note, parsed->text_len, msg);
        if (crypto_sign_verify_detached(s->sig + 8, msg, mlen, v->pk) != 0)
            return QR_BAD_SIGNATURE;
        if (!found)
            first = ts;
        found = 1;
    }
    if (!found)
        return QR_NOT_FOUND;
    if (timestamp)
        *timestamp = first;
    return QR_OK;
}
