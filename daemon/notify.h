/*
 * notify.h: telling systemd how the daemon is (Type=notify), through libsystemd's sd_notify.
 *
 * Every call is a no-op when the daemon does not run under systemd (no $NOTIFY_SOCKET), so the
 * daemon behaves the same from a terminal, a test or a unit.  READY=1 once the sockets are
 * bound and the logs checked; RELOADING=1 then READY=1 around a SIGHUP reload; STOPPING=1 as
 * shutdown begins; WATCHDOG=1 from the main loop at half the unit's WatchdogSec, so a loop
 * that stops turning gets the daemon restarted.
 */
#ifndef QR_NOTIFY_H
#define QR_NOTIFY_H

#include <stdint.h>

typedef struct {
    uint64_t watchdog_us; /* 0 = no watchdog asked for */
    int64_t next_ping_us; /* monotonic time of the next WATCHDOG=1 */
} qr_notify;

/* Read $WATCHDOG_USEC (sd_watchdog_enabled). */
void qr_notify_init(qr_notify *n);
void qr_notify_ready(const char *status);
void qr_notify_reloading(void);
void qr_notify_stopping(void);
/* A STATUS= line for systemctl status. */
void qr_notify_status(const char *status);
/* While starting: ask systemd for `seconds` more before it gives up (a long log check). */
void qr_notify_extend_start(unsigned seconds);
/* Ping the watchdog if it is due; cheap to call on every turn of the loop. */
void qr_notify_watchdog(qr_notify *n);
/* Longest the loop may sleep (ms) and still ping in time: `cap` without a watchdog. */
int qr_notify_poll_ms(const qr_notify *n, int cap);

#endif
