/*
 * fuzz_cosig.c: a witness's cosignature line, as quorumd's AddCosignature handler takes it
 * (daemon/witness.c): the checkpoint text the daemon signed, a blank line, then the untrusted
 * line; parsed with qr_note_parse and checked with qr_cosig_verify against the charter's
 * witness key, as the daemon does, and the log's own signature with qr_note_verify.  The first
 * input byte picks the checkpoint (the fixture forum at one of several sizes); the rest is the
 * line.
 */
#include "fixture.h"
#include "fuzz.h"

#include "note.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIZES 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char *notes[SIZES];
    static qr_note_verifier wit, wit_plain;
    if (!notes[0]) {
        const fx_forum *f = fx_city();
        char vkey[QR_NOTE_VKEY_MAX];
        for (size_t i = 0; i < SIZES; i++)
            notes[i] = fx_checkpoint(f, i * f->n / (SIZES - 1));
        if (qr_note_vkey_format("witness", QR_NOTE_COSIG, fx_key("witness")->sign_pk, vkey,
                                sizeof vkey) != QR_OK ||
            qr_note_vkey_parse(vkey, &wit) != QR_OK ||
            qr_note_vkey_format("witness", QR_NOTE_ED25519, fx_key("witness")->sign_pk, vkey,
                                sizeof vkey) != QR_OK ||
            qr_note_vkey_parse(vkey, &wit_plain) != QR_OK)
            abort();
    }
    if (size == 0)
        return 0;
    const char *note = notes[data[0] % SIZES];
    char *line = fx_cstr(data + 1, size - 1);
    qr_note *parsed = malloc(sizeof *parsed);
    /* The daemon's checks, in its order: a bounded line ending in a newline, the stored note
     * parsed, then its text with the line alone. */
    if (parsed && strlen(line) <= QR_NOTE_SIGLINE_MAX && strchr(line, '\n') &&
        qr_note_parse(note, strlen(note), parsed) == QR_OK) {
        size_t n = parsed->text_len + 1 + strlen(line) + 1;
        char *cosigned = malloc(n);
        if (cosigned) {
            snprintf(cosigned, n, "%.*s\n%s", (int)parsed->text_len, note, line);
            if (qr_note_parse(cosigned, strlen(cosigned), parsed) == QR_OK) {
                uint64_t ts = 0;
                (void)!qr_cosig_verify(cosigned, parsed, &wit, &ts);
                (void)!qr_cosig_verify(cosigned, parsed, &wit, NULL);
                if (qr_note_verify(cosigned, parsed, &wit_plain) == QR_OK)
                    abort(); /* no seed holds a plain signature by the witness */
            }
            free(cosigned);
        }
    }
    free(parsed);
    free(line);
    return 0;
}
