/*
 * qr_probe: sends one kind of request, good or deliberately bad, and prints the daemon's
 * status as "CODE message".  Exit 0 if a reply came, 7 if none did in time.
 *
 * usage: qr_probe [client options] [--meeting M] garbage | oversize | multiframe | nested
 *                 | submit FORUM ID [TEXT] | badsig FORUM ID | dup FORUM ID
 *                 | reforum FORUM OTHER ID | cosign FORUM | replay FORUM SEQ
 * Proposals are tabled at meeting M (default m1), so the key must be a clerk's.
 *   nested    a request nested 20,000 deep (each level an unknown field holding the next)
 *   reforum   a proposal signed for FORUM, its forum then changed to OTHER, signature kept
 *   cosign    a cosignature of FORUM's latest checkpoint by the probe's own key
 *   replay    the signed statement of FORUM's entry SEQ, exactly as recorded, submitted again
 */
#include "client.h"
#include "note.h"
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

/* The statement re-addressed to another forum: same signer, same signature. */
static int readdress(uint8_t **bytes, size_t *len, const char *other)
{
    Quorum__SignedStatement *e = quorum__signed_statement__unpack(NULL, *len, *bytes);
    Quorum__Statement *st = e ? quorum__statement__unpack(NULL, e->statement.len,
                                                           e->statement.data)
                              : NULL;
    int rc = QR_BAD_STATEMENT;
    if (st) {
        char *own = st->forum; /* freed with st below: put back first */
        st->forum = (char *)other;
        size_t n = quorum__statement__get_packed_size(st);
        uint8_t *moved = malloc(n);
        if (moved) {
            quorum__statement__pack(st, moved);
            ProtobufCBinaryData was = e->statement;
            e->statement = (ProtobufCBinaryData){n, moved};
            size_t elen = quorum__signed_statement__get_packed_size(e);
            uint8_t *out = malloc(elen);
            if (out) {
                quorum__signed_statement__pack(e, out);
                free(*bytes);
                *bytes = out;
                *len = elen;
                rc = QR_OK;
            }
            e->statement = was;
            free(moved);
        }
        st->forum = own;
    }
    if (st)
        quorum__statement__free_unpacked(st, NULL);
    if (e)
        quorum__signed_statement__free_unpacked(e, NULL);
    return rc;
}

/* field 99 (length-delimited) holding field 99 holding ... depth times, as a Request frame. */
static uint8_t *nest(size_t depth, size_t *len)
{
    uint8_t *buf = calloc(depth, 8), *p = buf + depth * 8;
    size_t inner = 0;
    if (!buf)
        return NULL;
    for (size_t i = 0; i < depth; i++) { /* built from the inside out */
        uint8_t varint[8];
        size_t n = 0, v = inner;
        do {
            varint[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
            v >>= 7;
        } while (v);
        p -= n;
        memcpy(p, varint, n);
        p -= 2;
        unsigned key = 99u << 3 | 2u; /* field 99, length-delimited: a two-byte varint */
        p[0] = (uint8_t)((key & 0x7f) | 0x80);
        p[1] = (uint8_t)(key >> 7);
        inner += n + 2;
    }
    memmove(buf, p, inner);
    *len = inner;
    return buf;
}

static int send_cosignature(qr_client *c, const qr_key *k, const char *forum)
{
    Quorum__Request req = QUORUM__REQUEST__INIT;
    Quorum__GetCheckpoint get = QUORUM__GET_CHECKPOINT__INIT;
    Quorum__Reply *r = NULL;
    get.forum = (char *)forum;
    req.op_case = QUORUM__REQUEST__OP_GET_CHECKPOINT;
    req.get_checkpoint = &get;
    if (qr_client_call(c, &req, &r) != QR_OK || r->result_case != QUORUM__REPLY__RESULT_CHECKPOINT) {
        if (r)
            quorum__reply__free_unpacked(r, NULL);
        return 7;
    }
    qr_note parsed;
    char line[QR_NOTE_SIGLINE_MAX];
    uint64_t size = 0;
    const char *note = r->checkpoint->note;
    int rc = qr_note_parse(note, strlen(note), &parsed);
    if (rc == QR_OK)
        rc = qr_cosig_sign_line(note, parsed.text_len, k->name, k->sign_sk, (uint64_t)qr_now(),
                                line, sizeof line);
    const char *nl = strchr(note, '\n');
    if (nl)
        size = strtoull(nl + 1, NULL, 10); /* the checkpoint's second line is its size */
    Quorum__Request add = QUORUM__REQUEST__INIT;
    Quorum__AddCosignature a = QUORUM__ADD_COSIGNATURE__INIT;
    a.forum = (char *)forum;
    a.size = size;
    a.line = line;
    add.op_case = QUORUM__REQUEST__OP_ADD_COSIGNATURE;
    add.add_cosignature = &a;
    int status = rc == QR_OK && qr_client_send(c, &add, NULL) == QR_OK ? print_reply(c) : 10;
    quorum__reply__free_unpacked(r, NULL);
    return status;
}

static int replay(qr_client *c, const char *forum, uint64_t seq)
{
    Quorum__Request req = QUORUM__REQUEST__INIT;
    Quorum__ReadEntries rd = QUORUM__READ_ENTRIES__INIT;
    Quorum__Reply *r = NULL;
    Quorum__LogEntry *e = NULL;
    rd.forum = (char *)forum;
    rd.from = seq;
    rd.count = 1;
    req.op_case = QUORUM__REQUEST__OP_READ_ENTRIES;
    req.read_entries = &rd;
    int status = 7;
    if (qr_client_call(c, &req, &r) == QR_OK && r->result_case == QUORUM__REPLY__RESULT_ENTRIES &&
        r->entries->n_entries == 1 &&
        qr_entry_decode(r->entries->entries[0].data, r->entries->entries[0].len, &e) == QR_OK)
        status = send_submit(c, e->signed_statement.data, e->signed_statement.len);
    if (e)
        quorum__log_entry__free_unpacked(e, NULL);
    if (r)
        quorum__reply__free_unpacked(r, NULL);
    return status;
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
    } else if (forum && id && !strcmp(what, "replay")) {
        status = replay(c, forum, strtoull(id, NULL, 10));
    } else if (!strcmp(what, "nested")) {
        status = (bytes = nest(20000, &len)) ? send_raw(c, bytes, len, NULL, 0) : 10;
    } else if (forum && !strcmp(what, "cosign")) {
        status = send_cosignature(c, k, forum);
    } else if (forum && id && qr_cli_arg(&cli, 3) && !strcmp(what, "reforum")) {
        /* argument 2 is the other forum, 3 the proposal id */
        if (seal_proposal(k, forum, qr_cli_arg(&cli, 3), NULL, &bytes, &len) != QR_OK ||
            readdress(&bytes, &len, id) != QR_OK)
            return 10;
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
