/*
 * peers.h: how many connections a daemon socket has now, from libzmq's socket monitor.
 *
 * ZMQ_EVENT_ACCEPTED and ZMQ_EVENT_DISCONNECTED both carry the connection's file descriptor,
 * so the set of open descriptors is exact.  A connection the allow-list refuses is counted
 * from its accept until libzmq closes it a moment later.
 */
#ifndef QR_PEERS_H
#define QR_PEERS_H

#include <stddef.h>

typedef struct {
    void *pair; /* the monitor's receiving end, polled by the main loop */
    int *fd;
    size_t n, cap;
    unsigned long long accepted; /* connections accepted since start */
} qr_peers;

/* Monitor `sock` (call before it binds); name makes the inproc endpoint unique. */
int qr_peers_watch(qr_peers *p, void *ctx, void *sock, const char *name);
/* Take every waiting monitor event. */
void qr_peers_drain(qr_peers *p);
size_t qr_peers_count(const qr_peers *p);
void qr_peers_close(qr_peers *p);

#endif
