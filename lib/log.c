/*
 * log.c: one line per event on stderr: "2026-11-24T15:51:14Z quorumd[123] info: text".
 * Under systemd the journal adds its own time stamps, but a plain terminal needs ours.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int qr_log_level = QR_LOG_INFO;
const char *qr_log_ident = "quorum";

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void qr_log_write(int level, const char *fmt, ...)
{
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);

    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s %s[%ld] %s: %s\n", stamp, qr_log_ident, (long)getpid(),
            level_names[level < 0 ? 0 : level > 3 ? 3 : level], line);
}

int qr_log_level_parse(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(name, level_names[i]) == 0)
            return i;
    return -1;
}
