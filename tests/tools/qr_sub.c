/*
 * qr_sub: subscribes to one raw topic ("forum/<id>/", "org/<id>/", or anything else, to see
 * what the daemon refuses) with the client's key, and prints one line per event received
 * ("<forum> <seq>", or "<forum> notice <kind>"), then "received N" when --for SECONDS have
 * passed.  Exit 0 once it has listened that long; 7 if it could not subscribe.
 *
 * usage: qr_sub [client options] TOPIC [--for SECONDS] [--ready FILE]
 * --ready FILE is created once the subscription has been sent, so a test can publish after.
 */
#include "client.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

static int take(void *sub)
{
    char topic[QR_TOPIC_MAX];
    Quorum__Event *ev = NULL;
    int ok = qr_wire_recv_event(sub, topic, &ev) != QR_TIMEOUT;
    if (ev && ev->notice && *ev->notice)
        printf("%s notice %s\n", ev->forum, ev->notice);
    else if (ev && ev->entry.len)
        printf("%s %llu\n", ev->forum, (unsigned long long)ev->seq);
    else if (ev)
        printf("%s checkpoint %llu\n", ev->forum, (unsigned long long)ev->size);
    fflush(stdout);
    if (ev)
        quorum__event__free_unpacked(ev, NULL);
    return ok;
}

int main(int argc, char **argv)
{
    qr_cli cli;
    if (qr_cli_init(&cli, argc - 1, argv + 1) != QR_OK)
        return 2;
    const char *topic = qr_cli_arg(&cli, 0), *f = qr_cli_opt(&cli, "for"),
               *ready = qr_cli_opt(&cli, "ready");
    long seconds = f ? atol(f) : 5;
    if (!topic || seconds < 1 || seconds > 600)
        return 2;
    qr_client *conn = NULL;
    qr_key *key = NULL;
    int status = qr_cli_connect(&cli, &conn, &key);
    if (status)
        return status;
    void *sub = qr_cli_subscribe_topic(&cli, conn, topic, &status);
    if (!sub)
        return 7;
    /* Give the CURVE handshake and the subscription time to reach the daemon. */
    zmq_poll(NULL, 0, 500);
    if (ready)
        qr_write_file(ready, "", 0, 0644);
    long n = 0;
    int64_t end = qr_now() + seconds;
    while (qr_now() < end) {
        zmq_pollitem_t it = {sub, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&it, 1, 200) > 0)
            n += take(sub);
    }
    printf("received %ld\n", n);
    zmq_close(sub);
    qr_key_destroy(&key);
    qr_client_destroy(&conn);
    return 0;
}
