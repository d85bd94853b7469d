/*
 * fuzz_config.c: quorumd's configuration file (daemon/config.c): qr_config_load_text, the
 * parser behind qr_config_load_file, then what the daemon does with a file that loads: the
 * cross-option checks (qr_config_check), the ${NAME} and credential:NAME expansion
 * (qr_config_resolve, which reads only the environment) and printing every value
 * (qr_config_print, qr_config_value), as --check-config does.
 */
#include "fuzz.h"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *devnull;
    qr_config c;
    char err[1024], value[2048];
    if (!devnull && (devnull = fopen("/dev/null", "w")) == NULL)
        abort();
    qr_config_defaults(&c);
    if (qr_config_load_text(&c, "fuzz.conf", (const char *)data, size, err, sizeof err) != QR_OK)
        return 0;
    for (size_t i = 0; i < qr_config_count(); i++)
        qr_config_value(&c, qr_config_name_at(i), value, sizeof value);
    if (qr_config_check(&c, err, sizeof err) == QR_OK) {
        (void)qr_config_resolve(&c, NULL, err, sizeof err);
        qr_config_print(&c, devnull, 0);
    }
    return 0;
}
