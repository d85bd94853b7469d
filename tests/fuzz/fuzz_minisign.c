/*
 * fuzz_minisign.c: the minisign signature file that travels with signed minutes
 * (qr_minisign_parse), its trusted comment (qr_minutes_parse_trusted), and the signature
 * checked over a fixed document with the clerk's key (qr_minisign_verify), as
 * `quorum verify-minutes` does.
 */
#include "fixture.h"
#include "fuzz.h"

#include "minisign.h"
#include "minutes.h"

#include <stdlib.h>
#include <string.h>

#define FX_MINUTES "# Minutes of meeting m1\n"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    qr_minisign_sig *s = malloc(sizeof *s);
    if (!s)
        return 0;
    if (qr_minisign_parse((const char *)data, size, s) == QR_OK) {
        char forum[QR_MAX_ID + 1], meeting[QR_MAX_ID + 1];
        qr_checkpoint cp;
        uint8_t id[8];
        const qr_key *k = fx_key("clerk");
        if (strlen(s->trusted) > QR_MINISIGN_MAX_TRUSTED ||
            strlen(s->untrusted) > QR_MINISIGN_MAX_UNTRUSTED)
            abort();
        (void)!qr_minutes_parse_trusted(s->trusted, forum, meeting, &cp);
        qr_minisign_key_id(k->sign_pk, id);
        (void)!qr_minisign_verify(s, (const uint8_t *)FX_MINUTES, strlen(FX_MINUTES), k->sign_pk,
                                  id);
    }
    free(s);
    return 0;
}
