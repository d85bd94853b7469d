/*
 * stats.h: what `quorum status` reports about the daemon's work: counts since start, the
 * accepted-submit rate over the last minute, and the latency of recent commits.
 *
 * Rate: one bucket per second for the last QR_STATS_RATE_WINDOW seconds (monotonic clock),
 * so the rate is exact to the second and costs nothing to keep.  Latency: a ring of the last
 * QR_STATS_LATENCY_WINDOW commits, each the time to sign the batch's checkpoints and COMMIT
 * (which returns only after the WAL is fsynced).
 */
#ifndef QR_STATS_H
#define QR_STATS_H

#include <stdint.h>

#define QR_STATS_RATE_WINDOW 60
#define QR_STATS_LATENCY_WINDOW 256

typedef struct {
    int64_t started_at; /* wall clock, seconds since the epoch */
    int64_t started_mono_us;
    uint64_t submits, refused, commits;
    int64_t bucket_sec[QR_STATS_RATE_WINDOW]; /* which monotonic second each bucket counts */
    uint64_t bucket[QR_STATS_RATE_WINDOW];
    uint64_t latency_us[QR_STATS_LATENCY_WINDOW];
    uint64_t nlatency, last_us;
} qr_stats;

int64_t qr_stats_now_us(void); /* monotonic */
void qr_stats_init(qr_stats *st);
void qr_stats_accepted(qr_stats *st, uint64_t n);
void qr_stats_refused(qr_stats *st);
void qr_stats_commit(qr_stats *st, uint64_t us);
/* Accepted submits per second over the last *window seconds (the window is shorter just after
 * start). */
double qr_stats_rate(const qr_stats *st, uint32_t *window);
/* Last, mean and largest of the last *n commits (all 0 before the first). */
void qr_stats_latency(const qr_stats *st, uint64_t *last, uint64_t *avg, uint64_t *max,
                      uint32_t *n);
uint64_t qr_stats_uptime(const qr_stats *st);

#endif
