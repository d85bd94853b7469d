/*
 * qr_minutes_tool.c: what the minutes tests need to forge: a dishonest clerk re-signing edited
 * minutes (so that only the comparison with the log can catch the edit), and a checkpoint in a
 * bundle cosigned by a witness nobody named.
 *
 *   qr_minutes_tool sign KEYFILE FILE.md OLD.minisig OUT.minisig
 *       sign FILE.md with KEYFILE in minisign's format, with OLD.minisig's trusted comment
 *   qr_minutes_tool cosign KEYFILE IN.bundle OUT.bundle [TIMESTAMP]
 *       append a C2SP cosignature by KEYFILE (under its key name) to the bundle's checkpoint
 */
#include "bundle.h"
#include "keys.h"
#include "minisign.h"
#include "note.h"
#include "util.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int die(const char *what)
{
    fprintf(stderr, "qr_minutes_tool: %s\n", what);
    return 2;
}

static int sign(qr_key *k, const char *md_path, const char *old_path, const char *out_path)
{
    uint8_t *md = NULL, *old = NULL;
    size_t mdlen = 0, oldlen = 0;
    qr_minisign_sig s;
    char *sig = NULL;
    int rc = 2;
    if (qr_read_file(md_path, 64u << 20, &md, &mdlen) != QR_OK ||
        qr_read_file(old_path, QR_MINISIGN_MAX_FILE, &old, &oldlen) != QR_OK)
        rc = die("cannot read the minutes or the old signature");
    else if (qr_minisign_parse((const char *)old, oldlen, &s) != QR_OK)
        rc = die("the old signature does not parse");
    else if (qr_minisign_sign(k->sign_sk, md, mdlen, "re-signed by a test", s.trusted, &sig) !=
                 QR_OK ||
             qr_write_file(out_path, sig, strlen(sig), 0644) != QR_OK)
        rc = die("cannot sign or write");
    else
        rc = 0;
    free(md);
    free(old);
    free(sig);
    return rc;
}

static int cosign(qr_key *k, const char *in, const char *out, uint64_t ts)
{
    uint8_t *text = NULL;
    size_t len = 0;
    qr_bundle *b = NULL;
    qr_note parsed;
    char err[512], line[QR_NOTE_SIGLINE_MAX], *formatted = NULL;
    int rc = 2;
    if (qr_read_file(in, QR_BUNDLE_MAX_FILE, &text, &len) != QR_OK ||
        qr_bundle_parse((const char *)text, len, &b, err, sizeof err) != QR_OK)
        rc = die("cannot read the bundle");
    else if (qr_note_parse(b->note, strlen(b->note), &parsed) != QR_OK ||
             qr_cosig_sign_line(b->note, parsed.text_len, k->name, k->sign_sk, ts, line,
                                sizeof line) != QR_OK)
        rc = die("cannot cosign the bundle's checkpoint");
    else {
        size_t n = strlen(b->note) + strlen(line) + 1;
        char *note = malloc(n);
        if (note) {
            snprintf(note, n, "%s%s", b->note, line);
            free(b->note);
            b->note = note;
        }
        if (note && qr_bundle_format(b, &formatted, &len) == QR_OK &&
            qr_write_file(out, formatted, len, 0644) == QR_OK)
            rc = 0;
        else
            rc = die("cannot write the bundle");
    }
    free(text);
    free(formatted);
    qr_bundle_destroy(&b);
    return rc;
}

int main(int argc, char **argv)
{
    qr_key *k = NULL;
    char err[512];
    if (sodium_init() < 0)
        return 2;
    if (argc < 5 || qr_key_load(argv[2], &k, err, sizeof err) != QR_OK || !k->has_secret) {
        fprintf(stderr, "usage: qr_minutes_tool sign KEYFILE FILE.md OLD.minisig OUT.minisig\n"
                        "       qr_minutes_tool cosign KEYFILE IN.bundle OUT.bundle "
                        "[TIMESTAMP]\n");
        qr_key_destroy(&k);
        return 2;
    }
    int rc;
    if (!strcmp(argv[1], "sign") && argc == 6)
        rc = sign(k, argv[3], argv[4], argv[5]);
    else if (!strcmp(argv[1], "cosign"))
        rc = cosign(k, argv[3], argv[4], argc > 5 ? strtoull(argv[5], NULL, 10) : 1780000000);
    else
        rc = die("unknown command");
    qr_key_destroy(&k);
    return rc;
}
