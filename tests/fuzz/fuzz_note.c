/*
 * fuzz_note.c: a signed note or checkpoint as it arrives from a daemon, a witness or a file
 * (quorum verify, quorum-mirror, verify-minutes): qr_note_parse, then the checkpoint body in
 * its text (qr_checkpoint_parse), and the note's signatures checked against the fixture's log
 * key and against a key of the note's own first signer name.  A verifier key string (the
 * same bytes read as "name+hex+base64") goes through qr_note_vkey_parse.  Whatever parses
 * must format back and parse again to the same value.
 */
#include "fixture.h"
#include "fuzz.h"

#include "checkpoint.h"
#include "note.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void checkpoint_round_trip(const char *text, size_t len)
{
    qr_checkpoint cp, again;
    char out[512];
    if (qr_checkpoint_parse(text, len, &cp) != QR_OK)
        return;
    if (qr_checkpoint_format(&cp, out, sizeof out) == QR_OK &&
        (qr_checkpoint_parse(out, strlen(out), &again) != QR_OK ||
         memcmp(&cp, &again, sizeof cp) != 0))
        abort(); /* what was accepted must survive formatting */
}

static void vkey_round_trip(const char *s)
{
    qr_note_verifier v, again;
    char out[QR_NOTE_VKEY_MAX];
    memset(&v, 0, sizeof v);
    memset(&again, 0, sizeof again);
    if (qr_note_vkey_parse(s, &v) != QR_OK)
        return;
    if (qr_note_vkey_format(v.name, v.type, v.pk, out, sizeof out) != QR_OK ||
        qr_note_vkey_parse(out, &again) != QR_OK || memcmp(&v, &again, sizeof v) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static qr_note_verifier log_v;
    static int ready;
    if (!ready) {
        char vkey[QR_NOTE_VKEY_MAX];
        fx_log_vkey(fx_city(), vkey);
        if (qr_note_vkey_parse(vkey, &log_v) != QR_OK)
            abort();
        ready = 1;
    }
    char *s = fx_cstr(data, size);
    vkey_round_trip(s);
    checkpoint_round_trip(s, size);
    qr_note *n = malloc(sizeof *n);
    if (n && qr_note_parse(s, size, n) == QR_OK) {
        if (n->text_len > size || s[n->text_len - 1] != '\n')
            abort(); /* the parser's own contract */
        checkpoint_round_trip(s, n->text_len);
        if (qr_note_verify(s, n, &log_v) == QR_OK && memcmp(s, "quorum.localhost/forum/", 23))
            abort(); /* only the fixture's checkpoints are signed by its log key */
        if (n->nsigs) {
            qr_note_verifier own = log_v;
            snprintf(own.name, sizeof own.name, "%s", n->sigs[0].name);
            qr_note_key_id(own.name, own.type, own.pk, own.id);
            (void)!qr_note_verify(s, n, &own);
        }
    }
    free(n);
    free(s);
    return 0;
}
