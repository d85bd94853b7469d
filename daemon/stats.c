/*
 * stats.c: counters, the per-second rate buckets and the commit latency ring (see stats.h).
 */
#include "stats.h"

#include "util.h"

#include <string.h>
#include <time.h>

int64_t qr_stats_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void qr_stats_init(qr_stats *st)
{
    memset(st, 0, sizeof *st);
    st->started_at = qr_now();
    st->started_mono_us = qr_stats_now_us();
    for (int i = 0; i < QR_STATS_RATE_WINDOW; i++)
        st->bucket_sec[i] = -1;
}

void qr_stats_accepted(qr_stats *st, uint64_t n)
{
    int64_t sec = qr_stats_now_us() / 1000000;
    int i = (int)(sec % QR_STATS_RATE_WINDOW);
    if (st->bucket_sec[i] != sec) {
        st->bucket_sec[i] = sec;
        st->bucket[i] = 0;
    }
    st->bucket[i] += n;
    st->submits += n;
}

void qr_stats_refused(qr_stats *st)
{
    st->refused++;
}

void qr_stats_commit(qr_stats *st, uint64_t us)
{
    st->latency_us[st->nlatency % QR_STATS_LATENCY_WINDOW] = us;
    st->nlatency++;
    st->last_us = us;
    st->commits++;
}

uint64_t qr_stats_uptime(const qr_stats *st)
{
    return (uint64_t)((qr_stats_now_us() - st->started_mono_us) / 1000000);
}

double qr_stats_rate(const qr_stats *st, uint32_t *window)
{
    int64_t now = qr_stats_now_us() / 1000000;
    uint64_t sum = 0;
    for (int i = 0; i < QR_STATS_RATE_WINDOW; i++)
        if (st->bucket_sec[i] > now - QR_STATS_RATE_WINDOW)
            sum += st->bucket[i];
    uint64_t up = qr_stats_uptime(st) + 1;
    uint32_t w = up < QR_STATS_RATE_WINDOW ? (uint32_t)up : QR_STATS_RATE_WINDOW;
    *window = w;
    return (double)sum / (double)w;
}

void qr_stats_latency(const qr_stats *st, uint64_t *last, uint64_t *avg, uint64_t *max, uint32_t *n)
{
    uint64_t k = st->nlatency < QR_STATS_LATENCY_WINDOW ? st->nlatency : QR_STATS_LATENCY_WINDOW;
    uint64_t sum = 0, top = 0;
    for (uint64_t i = 0; i < k; i++) {
        sum += st->latency_us[i];
        if (st->latency_us[i] > top)
            top = st->latency_us[i];
    }
    *last = st->last_us;
    *avg = k ? sum / k : 0;
    *max = top;
    *n = (uint32_t)k;
}
