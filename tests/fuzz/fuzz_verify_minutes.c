/*
 * fuzz_verify_minutes.c: signed minutes as an auditor receives them (the Markdown, its
 * minisign signature and the proof bundle), through the client's own cmd_verify_minutes
 * (clients/cmd_verify_minutes.c): the signature and its trusted comment against the clerk's
 * key, the checkpoint against the log key, its cosignatures against the witness key, every
 * inclusion and consistency proof, the rulebook replay, the approvals, and the minutes
 * rendered again and compared line by line.
 *
 * Input: three pieces, each prefixed by a two-byte big-endian length: minutes, signature,
 * bundle.  cmd_verify_minutes reads only from paths, so each goes to its own memfd opened as
 * /proc/self/fd/N (memory, not files on disk); what it prints goes to /dev/null.
 */
#include "fixture.h"
#include "fuzz.h"

#include "client.h"
#include "minisign.h"
#include "note.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fds[3] = {-1, -1, -1};
static char paths[3][64], log_vkey[QR_NOTE_VKEY_MAX], witness[QR_NOTE_VKEY_MAX],
    clerk[QR_MINISIGN_PUBKEY_LEN + 1];

static void start(void)
{
    fx_quiet_stdout();
    for (int i = 0; i < 3; i++)
        fds[i] = fx_memfd(paths[i], sizeof paths[i]);
    fx_log_vkey(fx_city(), log_vkey);
    if (qr_note_vkey_format("witness", QR_NOTE_COSIG, fx_key("witness")->sign_pk, witness,
                            sizeof witness) != QR_OK ||
        qr_minisign_pubkey(fx_key("clerk")->sign_pk, clerk, sizeof clerk) != QR_OK)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fx_reader in = {data, size};
    if (fds[0] < 0)
        start();
    for (int i = 0; i < 3; i++) {
        const uint8_t *p = NULL;
        size_t n = 0;
        if (!fx_next(&in, &p, &n))
            n = 0;
        fx_memfd_set(fds[i], p, n);
    }
    char o_bundle[] = "--bundle", o_sig[] = "--sig", o_log[] = "--log-key",
         o_clerk[] = "--clerk-key", o_wit[] = "--witness";
    char *argv[] = {paths[0], o_bundle, paths[2], o_sig, paths[1], o_log,
                    log_vkey, o_clerk,  clerk,    o_wit, witness,  NULL};
    qr_cli cli;
    memset(&cli, 0, sizeof cli);
    cli.argc = 11;
    cli.argv = argv;
    (void)cmd_verify_minutes(&cli);
    fflush(stdout);
    return 0;
}
