/*
 * notify.c: sd_notify, wrapped.  sd_notify itself returns 0 and does nothing when
 * $NOTIFY_SOCKET is unset; the wrapper keeps the message texts and the watchdog timing in one
 * place.
 */
#include "notify.h"

#include "log.h"

#include <stdio.h>
#include <systemd/sd-daemon.h>
#include <time.h>

static int64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void qr_notify_init(qr_notify *n)
{
    uint64_t us = 0;
    n->watchdog_us = sd_watchdog_enabled(0, &us) > 0 ? us : 0;
    n->next_ping_us = mono_us() + (int64_t)(n->watchdog_us / 2);
    if (n->watchdog_us)
        qr_info("systemd watchdog: %llu ms; pinging every %llu ms",
                (unsigned long long)(n->watchdog_us / 1000),
                (unsigned long long)(n->watchdog_us / 2000));
}

void qr_notify_ready(const char *status)
{
    sd_notifyf(0, "READY=1\nSTATUS=%s", status);
}

void qr_notify_reloading(void)
{
    sd_notify(0, "RELOADING=1\nSTATUS=reloading");
}

void qr_notify_stopping(void)
{
    sd_notify(0, "STOPPING=1\nSTATUS=stopping: committing what was received");
}

void qr_notify_status(const char *status)
{
    sd_notifyf(0, "STATUS=%s", status);
}

void qr_notify_extend_start(unsigned seconds)
{
    sd_notifyf(0, "EXTEND_TIMEOUT_USEC=%llu", (unsigned long long)seconds * 1000000ULL);
}

void qr_notify_watchdog(qr_notify *n)
{
    if (!n->watchdog_us)
        return;
    int64_t now = mono_us();
    if (now < n->next_ping_us)
        return;
    sd_notify(0, "WATCHDOG=1");
    n->next_ping_us = now + (int64_t)(n->watchdog_us / 2);
}

int qr_notify_poll_ms(const qr_notify *n, int cap)
{
    if (!n->watchdog_us)
        return cap;
    int64_t left = (n->next_ping_us - mono_us()) / 1000;
    if (left < 0)
        left = 0;
    return left < cap ? (int)left : cap;
}
