/*
 * fuzz_export.c: an export file handed to an auditor (`quorum export` writes it, `quorum
 * verify FILE` checks it offline), through the client's own cmd_verify (clients/cmd_verify.c):
 * the line format, base64 entries and checkpoint, every entry's statement and signature, the
 * sequence numbers, the rulebook replay, the Merkle root against the signed checkpoint, the
 * log key from the file.  Run as `quorum verify FILE --threads 1`.
 *
 * cmd_verify reads only from a path, so the bytes go to a memfd opened as /proc/self/fd/N
 * (memory, not a file on disk); what it prints for people goes to /dev/null.
 */
#include "fuzz.h"

#include "client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = fx_memfd(path, sizeof path);
        fx_quiet_stdout();
    }
    fx_memfd_set(fd, data, size);
    char threads[] = "--threads", one[] = "1";
    char *argv[] = {path, threads, one, NULL};
    qr_cli cli;
    memset(&cli, 0, sizeof cli);
    cli.argc = 3;
    cli.argv = argv;
    (void)cmd_verify(&cli);
    fflush(stdout);
    return 0;
}
