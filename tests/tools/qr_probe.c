/*
 * qr_probe: sends one kind of request, good or deliberately bad, and prints the daemon's
 * status as "CODE message".  Exit 0 if a reply came, 7 if none did in time.
 *
 * usage: qr_probe [client options] [--meeting M] garbage | oversize | multiframe
 *                 | submit FORUM ID [TEXT] | badsig FORUM ID | dup FORUM ID
 * Proposals are tabled at meeting M (default m1), so the key must be a clerk's.
 */
#include "client.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <zmq.h>

static const char *meeting = "m1";

static int seal_proposal(const qr_key *k, const char *forum, const char *id, const char *text,
                         uint8_t **out, size_t *len)
{
    Quorum__Statement st = QUORUM__STATEMENT__INIT;
    Quorum__ProposalTabled pt = QUORUM__PROPOSAL_TABLED__INIT;
    pt.proposal = (char *)id;
    pt.title = (char *)(text ? text : "Probe proposal");
    pt.matter_class = "probe";
    pt.meeting = (char *)meeting;
    st.forum = (char *)forum;
    st.signed_at = qr_now();
    st.kind_case = QUORUM__STATEMENT__KIND_PROPOSAL_TABLED;
    st.proposal_tabled = &pt;
    return qr_statement_seal(&st, k, out, len);
}

static int print_reply(qr_client *c)
{
    Quorum__Reply *r = NULL;
    if (qr_client_recv(c, &r) != QR_OK) {
        printf("TIMEOUT no reply\n");
        return 7;
    }
    printf("%s %s", r->status ? r->status->code : "?", r->status ? r->status->message : "");
    if (r->result_case == QUORUM__REPLY__RESULT_SUBMITTED)
        printf(" seq=%llu", (unsigned long long)r->submitted->seq);
    printf("\n");
    quorum__reply__free_unpacked(r, NULL);
    return 0;
}

static int send_submit(qr_client *c, uint8_t *bytes, size_t len)
{
    Quorum__Request req = QUORUM__REQUEST__INIT;
    Quorum__Submit sub = QUORUM__SUBMIT__INIT;
    sub.signed_statement = (ProtobufCBinaryData){len, bytes};
    req.op_case = QUORUM__REQUEST__OP_SUBMIT;
    req.submit = &sub;
    return qr_client_send(c, &req, NULL) == QR_OK ? print_reply(c) : 7;
}

/* Raw frames straight onto the socket, bypassing the request encoder. */
static int send_raw(qr_client *c, const void *a, size_t alen, const void *b, size_t blen)
{
    return qr_client_send_raw(c, a, alen, b, blen) == QR_OK ? print_reply(c) : 7;
}

int main(int argc, char **argv)
{
    qr_cli cli;
    if (qr_cli_init(&cli, argc - 1, argv + 1) != QR_OK)
        return 2;
    const char *m = qr_cli_opt(&cli, "meeting");
    if (m)
        meeting = m;
    const char *what = qr_cli_arg(&cli, 0), *forum = qr_cli_arg(&cli, 1), *id = qr_cli_arg(&cli, 2);
    if (!what)
        return 2;
    qr_client *c = NULL;
    qr_key *k = NULL;
    int status = qr_cli_connect(&cli, &c, &k);
    if (status)
        return status;
    uint8_t *bytes = NULL;
    size_t len = 0;
    if (!strcmp(what, "garbage")) {
        const char g[] = "this is not a quorum request";
        status = send_raw(c, g, sizeof g - 1, NULL, 0);
    } else if (!strcmp(what, "multiframe")) {
        status = send_raw(c, "a", 1, "b", 1);
    } else if (!strcmp(what, "oversize")) {
        /* A well-formed request over the daemon's limit, sent raw: our own client would
         * refuse to send it. */
        uint8_t *junk = calloc(1, QR_MAX_MESSAGE + 50000);
        Quorum__Request req = QUORUM__REQUEST__INIT;
        Quorum__Submit sub = QUORUM__SUBMIT__INIT;
        sub.signed_statement = (ProtobufCBinaryData){QR_MAX_MESSAGE + 50000, junk};
        req.op_case = QUORUM__REQUEST__OP_SUBMIT;
        req.submit = &sub;
        req.id = 1;
        len = quorum__request__get_packed_size(&req);
        bytes = junk ? malloc(len) : NULL;
        if (bytes)
            quorum__request__pack(&req, bytes);
        status = bytes ? send_raw(c, bytes, len, NULL, 0) : 10;
        free(junk);
    } else if (forum && id && !strcmp(what, "submit")) {
        status = seal_proposal(k, forum, id, qr_cli_arg(&cli, 3), &bytes, &len) == QR_OK
                     ? send_submit(c, bytes, len)
                     : 10;
    } else if (forum && id && !strcmp(what, "badsig")) {
        if (seal_proposal(k, forum, id, NULL, &bytes, &len) != QR_OK)
            return 10;
        bytes[len - 5] ^= 0x01; /* the signature is the last field */
        status = send_submit(c, bytes, len);
    } else if (forum && id && !strcmp(what, "dup")) {
        if (seal_proposal(k, forum, id, NULL, &bytes, &len) != QR_OK)
            return 10;
        status = send_submit(c, bytes, len);
        if (!status)
            status = send_submit(c, bytes, len);
    } else {
        fprintf(stderr, "qr_probe: unknown probe %s\n", what);
        status = 2;
    }
    free(bytes);
    qr_key_destroy(&k);
    qr_client_destroy(&c);
    return status;
}
