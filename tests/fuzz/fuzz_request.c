/*
 * fuzz_request.c: one frame on quorumd's request socket, through the daemon's own code.
 *
 * On first use a real qr_server is started (qr_server_init) in a fresh state directory under
 * $TMPDIR, with the fixture's log key and operator key, and the fixture forums "city" and
 * "ics" are submitted to it through this same path, so that reads, proofs, checkpoints and
 * cosignatures reach a forum with entries.  Its ROUTER and XPUB sockets exist but are never
 * bound: replies and events go nowhere.  Each input is then handled as the loop handles a
 * request (server.c): the submit signature checked as qr_verify_inbox does, then
 * qr_handle_request (size check, Request decoding, every operation's handler, the rulebook for
 * submits), and a batch that gathered submits is committed.  The daemon runs without CURVE
 * and the connection's ZAP User-Id is empty (not the operator), so a backup is refused before
 * it writes anything.  The state
 * directory is removed at exit.
 */
#include "fixture.h"
#include "fuzz.h"

#include "log.h"
#include "server.h"
#include "util.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static qr_server server;
static char state[512];
static volatile int stop;

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void cleanup(void)
{
    if (*state)
        nftw(state, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void handle(const uint8_t *data, size_t size)
{
    qr_inbound in;
    zmq_msg_init_size(&in.peer, 4);
    memcpy(zmq_msg_data(&in.peer), "fuzz", 4);
    zmq_msg_init_size(&in.body, size);
    if (size)
        memcpy(zmq_msg_data(&in.body), data, size);
    in.frames = 2;
    qr_verify_inbox(&server, &in, 1);
    qr_handle_request(&server, &in.peer, "", zmq_msg_data(&in.body), zmq_msg_size(&in.body),
                      in.signature);
    if (server.nbatch)
        qr_batch_commit(&server);
    zmq_msg_close(&in.peer);
    zmq_msg_close(&in.body);
}

static void submit_forum(const fx_forum *f)
{
    for (size_t i = 0; i < f->n; i++) {
        Quorum__Request r = QUORUM__REQUEST__INIT;
        Quorum__Submit sub = QUORUM__SUBMIT__INIT;
        uint8_t buf[QR_MAX_STATEMENT + 256];
        sub.signed_statement = (ProtobufCBinaryData){f->stmt[i].len, f->stmt[i].bytes};
        r.op_case = QUORUM__REQUEST__OP_SUBMIT;
        r.submit = &sub;
        r.id = i + 1;
        handle(buf, quorum__request__pack(&r, buf));
    }
}

static void start(void)
{
    char text[1024];
    const char *tmp = getenv("TMPDIR");
    snprintf(state, sizeof state, "%s/quorum-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(state))
        abort();
    fx_set_clock(qr_now(), 0); /* the daemon judges at its own clock */
    atexit(cleanup);
    qr_config cfg;
    qr_config_defaults(&cfg);
    snprintf(cfg.state_dir, sizeof cfg.state_dir, "%s", state);
    snprintf(cfg.key_file, sizeof cfg.key_file, "%s/log.key", state);
    snprintf(cfg.operator_key, sizeof cfg.operator_key, "%s/operator.pub", state);
    cfg.log_level = 0; /* errors only: every refusal is logged at info */
    /* No CURVE: the connection has no key, and per-forum read access lets a plaintext
     * (loopback-only) daemon's clients read every forum, so reads reach their handlers.  The
     * operator is known only by a CURVE key, so a backup is still refused. */
    cfg.curve = 0;
    if (qr_key_save_secret(fx_key("log"), cfg.key_file) != QR_OK ||
        qr_key_format_public(fx_key("operator"), text, sizeof text) != QR_OK ||
        qr_write_file(cfg.operator_key, text, strlen(text), 0644) != QR_OK)
        abort();
    if (qr_server_init(&server, &cfg, &stop) != QR_OK)
        abort();
    if ((server.ctx = zmq_ctx_new()) == NULL ||
        (server.router = zmq_socket(server.ctx, ZMQ_ROUTER)) == NULL ||
        (server.xpub = zmq_socket(server.ctx, ZMQ_XPUB)) == NULL)
        abort();
    qr_wire_socket_defaults(server.router);
    qr_wire_socket_defaults(server.xpub);
    submit_forum(fx_city());
    submit_forum(fx_ics());
    if (!qr_store_forum_find(server.store, "city") || !qr_store_forum_find(server.store, "ics"))
        abort(); /* the fixture forums must be accepted, or nothing here reaches deep */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!server.store)
        start();
    handle(data, size);
    return 0;
}
