/*
 * log.h: leveled logging to stderr.  The level is checked before anything is formatted, so a
 * debug line on the hot path costs one comparison when debug is off.  Nothing secret is ever
 * passed to these macros: keys are logged by name or public key only.
 */
#ifndef QR_LOG_H
#define QR_LOG_H

#include "qr.h"

enum { QR_LOG_ERROR = 0, QR_LOG_WARN, QR_LOG_INFO, QR_LOG_DEBUG };

extern int qr_log_level;
extern const char *qr_log_ident; /* program name in each line */

void qr_log_write(int level, const char *fmt, ...) QR_PRINTF(2, 3);
/* "error", "warn", "info", "debug" -> level, or -1. */
int qr_log_level_parse(const char *name);

#define qr_log(level, ...)                                                                     \
    do {                                                                                       \
        if ((level) <= qr_log_level)                                                           \
            qr_log_write((level), __VA_ARGS__);                                                \
    } while (0)
#define qr_error(...) qr_log(QR_LOG_ERROR, __VA_ARGS__)
#define qr_warn(...) qr_log(QR_LOG_WARN, __VA_ARGS__)
#define qr_info(...) qr_log(QR_LOG_INFO, __VA_ARGS__)
#define qr_debug(...) qr_log(QR_LOG_DEBUG, __VA_ARGS__)

#endif
