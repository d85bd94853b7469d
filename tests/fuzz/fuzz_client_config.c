/*
 * fuzz_client_config.c: the `quorum` client's configuration file (clients/conn.c):
 * qr_cli_config_text, the parser behind $QUORUM_CONFIG and --config, over the built-in
 * defaults.  Its complaints go to stderr, which libFuzzer's log keeps.
 */
#include "fuzz.h"

#include "client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    qr_cli cli;
    memset(&cli, 0, sizeof cli);
    snprintf(cli.endpoint, sizeof cli.endpoint, "tcp://127.0.0.1:7370");
    cli.timeout_ms = 10000;
    if (qr_cli_config_text(&cli, "fuzz.conf", (const char *)data, size) == QR_OK &&
        (strlen(cli.endpoint) >= sizeof cli.endpoint || strlen(cli.key) >= sizeof cli.key))
        abort();
    return 0;
}
