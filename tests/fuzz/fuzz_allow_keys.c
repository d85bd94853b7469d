/*
 * fuzz_allow_keys.c: quorumd's allow-list file (allow_keys, re-read on SIGHUP), through the
 * daemon's own qr_allow_load_file (daemon/zap.c), over an allow-list that already holds the
 * operator's key and a list of keys the logs registered, as qr_server_read_allow builds it.
 *
 * qr_allow_load_file reads only from a path, and zap.c is not this harness's to reshape, so
 * the bytes are put in a memfd and the parser opens /proc/self/fd/N: memory, not a file on
 * disk.  Whatever loads must keep the file's promise: every name on the list names one key.
 */
#include "fixture.h"
#include "fuzz.h"

#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    static qr_allow registered;
    if (fd < 0) {
        fd = fx_memfd(path, sizeof path);
        if (qr_allow_add(&registered, fx_key("clerk")->curve_pk, "clerk") != QR_OK ||
            qr_allow_add(&registered, fx_key("uhl-board")->curve_pk, "uhl-board") != QR_OK)
            abort();
    }
    fx_memfd_set(fd, data, size);
    qr_allow a = {0};
    char err[512];
    if (qr_allow_add(&a, fx_key("operator")->curve_pk, "operator") != QR_OK)
        abort();
    if (qr_allow_load_file(&a, &registered, path, err, sizeof err) == QR_OK) {
        for (size_t i = 0; i < a.n; i++) {
            for (size_t j = i + 1; j < a.n; j++)
                if (strcmp(a.v[i].name, a.v[j].name) == 0)
                    abort(); /* one name, two keys */
            if (qr_allow_find(&a, a.v[i].key) != &a.v[i])
                abort();
        }
    }
    qr_allow_free(&a);
    return 0;
}
