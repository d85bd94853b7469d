/*
 * cmd_keys.c: quorum keygen, quorum key show.
 */
#include "client.h"

#include "minisign.h"
#include "note.h"
#include "util.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>

int cmd_keygen(qr_cli *cli)
{
    const char *name = qr_cli_opt(cli, "name");
    const char *path = qr_cli_arg(cli, 0);
    char base[256];
    if (!path || qr_cli_arg(cli, 1)) {
        fprintf(stderr, "usage: quorum keygen FILE [--name NAME]\n"
                        "example: quorum keygen alice.key --name alice.nhft\n");
        return 2;
    }
    if (!name) { /* the file's base name without its extension */
        snprintf(base, sizeof base, "%s", path);
        char *b = basename(base), *dot = strrchr(b, '.');
        if (dot && dot != b)
            *dot = 0;
        name = b;
    }
    qr_key *k = qr_key_generate(name);
    if (!k)
        return qr_cli_fail(cli, QR_BAD_KEY,
                           "cannot make a key named '%s' (a name has no spaces or '+')", name);
    int rc = qr_key_save_secret(k, path);
    if (rc != QR_OK) {
        qr_key_destroy(&k);
        return qr_cli_fail(cli, rc, "cannot write %s%s", path,
                           rc == QR_BAD_KEY ? ": the file exists (keys are never overwritten)"
                                            : "");
    }
    char pub[1024];
    qr_key_format_public(k, pub, sizeof pub);
    if (!cli->json)
        printf("wrote secret key file %s (mode 0600); its public keys:\n%s", path, pub);
    else {
        qr_json j;
        qr_json_init(&j, stdout);
        qr_json_object(&j, NULL);
        qr_json_str(&j, "file", path);
        qr_json_str(&j, "name", k->name);
        qr_json_b64(&j, "sign_key", k->sign_pk, 32);
        qr_json_b64(&j, "curve_key", k->curve_pk, 32);
        qr_json_end(&j);
        qr_json_end_line(&j);
    }
    qr_key_destroy(&k);
    return 0;
}

int cmd_key(qr_cli *cli)
{
    int public_only = qr_cli_flag(cli, "public");
    const char *sub = qr_cli_arg(cli, 0), *path = qr_cli_arg(cli, 1);
    if (!sub || strcmp(sub, "show") || !path) {
        fprintf(stderr, "usage: quorum key show FILE [--public]\n"
                        "example: quorum key show alice.key --public > alice.pub\n");
        return 2;
    }
    qr_key *k = NULL;
    int rc = qr_cli_load_key(path, &k);
    if (rc != QR_OK)
        return qr_code_exit(rc);
    char pub[1024], vkey[QR_NOTE_VKEY_MAX], wkey[QR_NOTE_VKEY_MAX];
    char mkey[QR_MINISIGN_PUBKEY_LEN + 1];
    char *sign = qr_b64(k->sign_pk, 32), *curve = qr_b64(k->curve_pk, 32);
    qr_key_format_public(k, pub, sizeof pub);
    qr_key_vkey(k, NULL, vkey, sizeof vkey);
    qr_note_vkey_format(k->name, QR_NOTE_COSIG, k->sign_pk, wkey, sizeof wkey);
    qr_minisign_pubkey(k->sign_pk, mkey, sizeof mkey);
    if (public_only)
        fputs(pub, stdout);
    else if (cli->json) {
        qr_json j;
        qr_json_init(&j, stdout);
        qr_json_object(&j, NULL);
        qr_json_str(&j, "name", k->name);
        qr_json_str(&j, "sign_key", sign);
        qr_json_str(&j, "curve_key", curve);
        qr_json_str(&j, "vkey", vkey);
        qr_json_str(&j, "witness_vkey", wkey);
        qr_json_str(&j, "minisign_key", mkey);
        qr_json_bool(&j, "has_secret", k->has_secret);
        qr_json_end(&j);
        qr_json_end_line(&j);
    } else {
        printf("name:        %s\n"
               "sign key:    %s   (Ed25519: statements, minutes)\n"
               "curve key:   %s   (CURVE: ZeroMQ transport)\n"
               "C2SP vkey:   %s\n"
               "witness:     %s   (C2SP cosignature vkey)\n"
               "minisign:    %s   (minisign -P: signed minutes)\n"
               "allow-list:  %s %s\n"
               "secret:      %s\n",
               k->name, sign, curve, vkey, wkey, mkey, k->name, curve,
               k->has_secret ? "yes (keep this file private)" : "no (public key file)");
    }
    free(sign);
    free(curve);
    qr_key_destroy(&k);
    return 0;
}
