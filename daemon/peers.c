/*
 * peers.c: connection counts from the socket monitor (see peers.h).
 */
#include "peers.h"

#include "qr.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

int qr_peers_watch(qr_peers *p, void *ctx, void *sock, const char *name)
{
    char ep[128];
    int linger = 0;
    memset(p, 0, sizeof *p);
    snprintf(ep, sizeof ep, "inproc://quorumd-monitor-%s", name);
    if (zmq_socket_monitor(sock, ep, ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED) != 0)
        return QR_INTERNAL;
    if ((p->pair = zmq_socket(ctx, ZMQ_PAIR)) == NULL)
        return QR_INTERNAL;
    zmq_setsockopt(p->pair, ZMQ_LINGER, &linger, sizeof linger);
    return zmq_connect(p->pair, ep) == 0 ? QR_OK : QR_INTERNAL;
}

static void add_fd(qr_peers *p, int fd)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->fd[i] == fd)
            return;
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 64;
        int *v = realloc(p->fd, cap * sizeof *v);
        if (!v)
            return; /* a count one short is better than no daemon */
        p->fd = v;
        p->cap = cap;
    }
    p->fd[p->n++] = fd;
}

static void remove_fd(qr_peers *p, int fd)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->fd[i] == fd) {
            p->fd[i] = p->fd[--p->n];
            return;
        }
}

/* One event: a 6-byte frame (uint16 event, uint32 value, native order), then the endpoint. */
static int take_one(qr_peers *p)
{
    zmq_msg_t m;
    zmq_msg_init(&m);
    if (zmq_msg_recv(&m, p->pair, ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&m);
        return 0;
    }
    int more = zmq_msg_more(&m);
    if (zmq_msg_size(&m) == 6) {
        uint16_t event;
        uint32_t value;
        memcpy(&event, zmq_msg_data(&m), 2);
        memcpy(&value, (const uint8_t *)zmq_msg_data(&m) + 2, 4);
        if (event == ZMQ_EVENT_ACCEPTED) {
            add_fd(p, (int)value);
            p->accepted++;
        } else if (event == ZMQ_EVENT_DISCONNECTED)
            remove_fd(p, (int)value);
    }
    while (more) {
        zmq_msg_close(&m);
        zmq_msg_init(&m);
        more = zmq_msg_recv(&m, p->pair, ZMQ_DONTWAIT) >= 0 && zmq_msg_more(&m);
    }
    zmq_msg_close(&m);
    return 1;
}

void qr_peers_drain(qr_peers *p)
{
    if (p->pair)
        while (take_one(p))
            ;
}

size_t qr_peers_count(const qr_peers *p)
{
    return p->n;
}

void qr_peers_close(qr_peers *p)
{
    if (p->pair)
        zmq_close(p->pair);
    free(p->fd);
    memset(p, 0, sizeof *p);
}
