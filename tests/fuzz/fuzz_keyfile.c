/*
 * fuzz_keyfile.c: key files as quorum, quorumd and quorum-mirror read them (qr_key_parse, the
 * parser behind qr_key_load), and minisign public keys (qr_minisign_pubkey_parse, what
 * verify-minutes takes).  A secret key that parses must derive its own public halves, and a
 * public key that parses must format and parse back to the same keys.
 */
#include "fuzz.h"

#include "keys.h"
#include "minisign.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static void public_round_trip(const qr_key *k)
{
    char text[1024], err[256];
    qr_key *again = NULL;
    if (qr_key_format_public(k, text, sizeof text) != QR_OK)
        abort();
    if (qr_key_parse(text, strlen(text), &again, err, sizeof err) != QR_OK ||
        memcmp(again->sign_pk, k->sign_pk, 32) != 0 ||
        memcmp(again->curve_pk, k->curve_pk, 32) != 0 || strcmp(again->name, k->name) != 0 ||
        again->has_secret)
        abort();
    qr_key_destroy(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    qr_key *k = NULL;
    if (qr_key_parse((const char *)data, size, &k, err, sizeof err) == QR_OK) {
        if (k->has_secret) {
            uint8_t pk[32];
            if (crypto_sign_ed25519_sk_to_pk(pk, k->sign_sk) != 0 ||
                memcmp(pk, k->sign_pk, 32) != 0)
                abort();
        }
        public_round_trip(k);
        qr_key_destroy(&k);
    }
    char *s = fx_cstr(data, size);
    uint8_t pk[32], id[8], pk2[32], id2[8];
    char text[QR_MINISIGN_PUBKEY_LEN + 1];
    if (qr_minisign_pubkey_parse(s, pk, id) == QR_OK) {
        /* A key minisign would accept; ours derive the id, so only compare the key. */
        if (qr_minisign_pubkey(pk, text, sizeof text) != QR_OK ||
            qr_minisign_pubkey_parse(text, pk2, id2) != QR_OK || memcmp(pk, pk2, 32) != 0)
            abort();
    }
    free(s);
    return 0;
}
