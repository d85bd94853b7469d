/*
 * statement.c: opening, sealing and naming statements; log entry bytes.
 */
#include "statement.h"

#include "sha256.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void qr_statement_destroy(qr_statement **s)
{
    if (!s || !*s)
        return;
    if ((*s)->st)
        quorum__statement__free_unpacked((*s)->st, NULL);
    if ((*s)->envelope)
        quorum__signed_statement__free_unpacked((*s)->envelope, NULL);
    free(*s);
    *s = NULL;
}

#define OPEN_CHECKED 1 /* the caller already verified the signature: signature_ok says how */
#define OPEN_NO_HASH 2 /* stmt_hash is not wanted: leave it zero */

static int open_statement(const uint8_t *bytes, size_t len, int flags, int signature_ok,
                          qr_statement **out, char *err, size_t errlen)
{
    int rc = QR_BAD_STATEMENT;
    qr_statement *s = calloc(1, sizeof *s);
    if (!s)
        return QR_NOMEM;
    if (len == 0 || len > QR_MAX_STATEMENT + 128) {
        qr_errf(err, errlen, "a signed statement must be 1 to %d bytes, this one is %zu",
                QR_MAX_STATEMENT + 128, len);
        rc = len ? QR_TOO_LARGE : QR_BAD_STATEMENT;
        goto out;
    }
    s->envelope = quorum__signed_statement__unpack(NULL, len, bytes);
    if (!s->envelope) {
        qr_errf(err, errlen, "the bytes are not a signed statement");
        goto out;
    }
    const Quorum__SignedStatement *e = s->envelope;
    /* Exactly the three fields, each once: nothing unsigned may ride along into the log. */
    if (e->base.n_unknown_fields != 0 || quorum__signed_statement__get_packed_size(e) != len) {
        qr_errf(err, errlen, "the signed statement carries bytes outside its three fields");
        goto out;
    }
    if (e->signer.len != 32 || e->signature.len != 64 || e->statement.len == 0 ||
        e->statement.len > QR_MAX_STATEMENT) {
        qr_errf(err, errlen,
                "a signed statement needs a 32-byte signer key, a 64-byte signature and a "
                "statement of at most %d bytes",
                QR_MAX_STATEMENT);
        goto out;
    }
    if ((flags & OPEN_CHECKED) ? !signature_ok
                               : qr_key_verify_statement(e->signer.data, e->statement.data, e->statement.len,
                                          e->signature.data) != QR_OK) {
        qr_errf(err, errlen, "the statement's signature does not verify with its signer's key");
        rc = QR_BAD_SIGNATURE;
        goto out;
    }
    s->st = quorum__statement__unpack(NULL, e->statement.len, e->statement.data);
    if (!s->st) {
        qr_errf(err, errlen, "the signed bytes are not a statement");
        goto out;
    }
    if (!qr_valid_id(s->st->forum)) {
        qr_errf(err, errlen,
                "the statement's forum id is missing or not a slug (lower-case letters, digits "
                "and '-', at most %d)",
                QR_MAX_ID);
        goto out;
    }
    if (s->st->kind_case == QUORUM__STATEMENT__KIND__NOT_SET ||
        strcmp(qr_statement_kind(s->st), "unknown") == 0) {
        qr_errf(err, errlen, "the statement has no kind this daemon knows");
        goto out;
    }
    memcpy(s->signer, e->signer.data, 32);
    if (!(flags & OPEN_NO_HASH))
        qr_sha256(s->stmt_hash, e->statement.data, e->statement.len);
    *out = s;
    s = NULL;
    rc = QR_OK;
out:
    qr_statement_destroy(&s);
    return rc;
}

int qr_statement_open(const uint8_t *bytes, size_t len, qr_statement **out, char *err,
                      size_t errlen)
{
    return open_statement(bytes, len, 0, 0, out, err, errlen);
}

int qr_statement_open_checked(const uint8_t *bytes, size_t len, int signature_ok,
                              qr_statement **out, char *err, size_t errlen)
{
    return open_statement(bytes, len, OPEN_CHECKED, signature_ok, out, err, errlen);
}

int qr_statement_open_trusted(const uint8_t *bytes, size_t len, qr_statement **out, char *err,
                              size_t errlen)
{
    return open_statement(bytes, len, OPEN_CHECKED | OPEN_NO_HASH, 1, out, err, errlen);
}

const char *qr_statement_kind(const Quorum__Statement *st)
{
    switch (st->kind_case) {
    case QUORUM__STATEMENT__KIND_FORUM_CHARTERED: return "ForumChartered";
    case QUORUM__STATEMENT__KIND_CHARTER_AMENDED: return "CharterAmended";
    case QUORUM__STATEMENT__KIND_ORGANISATION_JOINED: return "OrganisationJoined";
    case QUORUM__STATEMENT__KIND_MEMBER_APPOINTED: return "MemberAppointed";
    case QUORUM__STATEMENT__KIND_MEMBER_STOOD_DOWN: return "MemberStoodDown";
    case QUORUM__STATEMENT__KIND_DELEGATION_GRANTED: return "DelegationGranted";
    case QUORUM__STATEMENT__KIND_DELEGATION_REVOKED: return "DelegationRevoked";
    case QUORUM__STATEMENT__KIND_MATTER_RESERVED: return "MatterReserved";
    case QUORUM__STATEMENT__KIND_MEETING_OPENED: return "MeetingOpened";
    case QUORUM__STATEMENT__KIND_ATTENDANCE_RECORDED: return "AttendanceRecorded";
    case QUORUM__STATEMENT__KIND_MEETING_CLOSED: return "MeetingClosed";
    case QUORUM__STATEMENT__KIND_PROPOSAL_TABLED: return "ProposalTabled";
    case QUORUM__STATEMENT__KIND_VOTE_CAST: return "VoteCast";
    case QUORUM__STATEMENT__KIND_VOTE_CONFIRMED: return "VoteConfirmed";
    case QUORUM__STATEMENT__KIND_PROPOSAL_CLOSED: return "ProposalClosed";
    case QUORUM__STATEMENT__KIND_RATIFIED: return "Ratified";
    case QUORUM__STATEMENT__KIND_RATIFICATION_REFUSED: return "RatificationRefused";
    case QUORUM__STATEMENT__KIND_DECISION_OVERTURNED: return "DecisionOverturned";
    case QUORUM__STATEMENT__KIND_ACTION_ASSIGNED: return "ActionAssigned";
    case QUORUM__STATEMENT__KIND_ACTION_UPDATED: return "ActionUpdated";
    case QUORUM__STATEMENT__KIND_CORRECTION: return "Correction";
    case QUORUM__STATEMENT__KIND_MINUTES_APPROVED: return "MinutesApproved";
    default: return "unknown";
    }
}

int qr_statement_seal(const Quorum__Statement *st, const qr_key *k, uint8_t **out, size_t *len)
{
    size_t n = quorum__statement__get_packed_size(st);
    if (n > QR_MAX_STATEMENT)
        return QR_TOO_LARGE;
    uint8_t *body = malloc(n ? n : 1), sig[64];
    if (!body)
        return QR_NOMEM;
    quorum__statement__pack(st, body);
    int rc = qr_key_sign_statement(k, body, n, sig);
    if (rc == QR_OK) {
        Quorum__SignedStatement ss = QUORUM__SIGNED_STATEMENT__INIT;
        ss.statement = (ProtobufCBinaryData){n, body};
        ss.signer = (ProtobufCBinaryData){32, (uint8_t *)k->sign_pk};
        ss.signature = (ProtobufCBinaryData){64, sig};
        *len = quorum__signed_statement__get_packed_size(&ss);
        if ((*out = malloc(*len)) == NULL)
            rc = QR_NOMEM;
        else
            quorum__signed_statement__pack(&ss, *out);
    }
    free(body);
    return rc;
}

int qr_entry_encode(uint64_t seq, int64_t logged_at, const uint8_t *signed_stmt, size_t len,
                    uint8_t **out, size_t *outlen)
{
    Quorum__LogEntry e = QUORUM__LOG_ENTRY__INIT;
    e.seq = seq;
    e.logged_at = logged_at;
    e.signed_statement = (ProtobufCBinaryData){len, (uint8_t *)signed_stmt};
    *outlen = quorum__log_entry__get_packed_size(&e);
    if ((*out = malloc(*outlen)) == NULL)
        return QR_NOMEM;
    quorum__log_entry__pack(&e, *out);
    return QR_OK;
}

int qr_entry_decode(const uint8_t *bytes, size_t len, Quorum__LogEntry **out)
{
    if (len == 0 || len > QR_MAX_STATEMENT + 256)
        return QR_TOO_LARGE;
    *out = quorum__log_entry__unpack(NULL, len, bytes);
    return *out ? QR_OK : QR_BAD_STATEMENT;
}

int qr_entry_open_trusted(const uint8_t *bytes, size_t len, qr_statement **out, char *err,
                          size_t errlen)
{
    Quorum__LogEntry *e = NULL;
    int rc = qr_entry_decode(bytes, len, &e);
    if (rc != QR_OK)
        qr_errf(err, errlen, "the entry does not decode as a log entry");
    else
        rc = qr_statement_open_trusted(e->signed_statement.data, e->signed_statement.len, out,
                                       err, errlen);
    if (e)
        quorum__log_entry__free_unpacked(e, NULL);
    return rc;
}

/* ---- peeking: the protobuf wire format, one message's top-level fields ------------------ */

typedef struct {
    uint32_t varint_field; /* the last value of this varint field (0: none wanted) */
    uint64_t varint;
    uint32_t bytes_field;  /* the last value of this length-delimited field (0: none wanted) */
    const uint8_t *bytes;
    size_t nbytes;
    uint32_t lo, hi;       /* the number of the last length-delimited field in [lo, hi] */
    uint32_t last;
} wire_scan;

static int wire_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    uint64_t x = 0;
    for (unsigned shift = 0; shift < 70; shift += 7) {
        if (*p == end)
            return -1;
        uint8_t b = *(*p)++;
        if (shift < 64)
            x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return 0;
        }
    }
    return -1; /* more than ten bytes */
}

/* A field's tag, read exactly as protobuf-c reads it (so that the two agree on which field a
 * byte string holds): at most five bytes, the field number kept in 32 bits, and a first byte
 * with no field number bits refused. */
static int wire_tag(const uint8_t **p, const uint8_t *end, uint32_t *field, uint32_t *type)
{
    const uint8_t *q = *p;
    if (q == end || (q[0] & 0xf8) == 0)
        return -1;
    uint32_t f = (uint32_t)(q[0] & 0x7f) >> 3;
    unsigned shift = 4;
    size_t i = 1;
    while (q[i - 1] & 0x80) {
        if (i == 5 || q + i == end)
            return -1;
        f |= (uint32_t)(q[i] & 0x7f) << shift;
        shift += 7;
        i++;
    }
    *type = q[0] & 7;
    *field = f;
    *p = q + i;
    return 0;
}

/* Walk every field of the message in p[0..n); -1 if it is not well formed at the top level,
 * or a wanted field has the wrong wire type. */
static int wire_scan_message(const uint8_t *p, size_t n, wire_scan *w)
{
    if (n == 0)
        return 0; /* an empty message (p may be NULL: the field was absent) */
    const uint8_t *end = p + n;
    while (p < end) {
        uint64_t v;
        uint32_t field, type;
        if (wire_tag(&p, end, &field, &type) != 0)
            return -1;
        /* Field numbers 0 name nothing wanted (a zero in w means "none"). */
        int is_varint = field && field == w->varint_field;
        int is_bytes = field && field == w->bytes_field;
        int in_range = field && field >= w->lo && field <= w->hi;
        switch (type) {
        case 0: /* varint */
            if (wire_varint(&p, end, &v) != 0 || is_bytes || in_range)
                return -1;
            if (is_varint)
                w->varint = v;
            break;
        case 1: /* 64-bit */
            if ((size_t)(end - p) < 8 || is_varint || is_bytes || in_range)
                return -1;
            p += 8;
            break;
        case 2: /* length-delimited */
            if (wire_varint(&p, end, &v) != 0 || v > (uint64_t)(end - p) || is_varint)
                return -1;
            if (is_bytes) {
                w->bytes = p;
                w->nbytes = (size_t)v;
            } else if (in_range) {
                w->last = field;
            }
            p += v;
            break;
        case 5: /* 32-bit */
            if ((size_t)(end - p) < 4 || is_varint || is_bytes || in_range)
                return -1;
            p += 4;
            break;
        default: /* groups, or no wire type at all */
            return -1;
        }
    }
    return 0;
}

int qr_entry_peek(const uint8_t *bytes, size_t len, uint64_t *seq, int *kind)
{
    /* LogEntry: seq = 1 (varint), signed_statement = 3; SignedStatement: statement = 1;
     * Statement: the kind is one of the message fields QUORUM__STATEMENT__KIND_* (their
     * numbers are the field numbers), the last one present winning as in a decode. */
    wire_scan e = {.varint_field = 1, .bytes_field = 3};
    wire_scan s = {.bytes_field = 1};
    wire_scan k = {.lo = QUORUM__STATEMENT__KIND_FORUM_CHARTERED,
                   .hi = QUORUM__STATEMENT__KIND_MINUTES_APPROVED};
    if (len == 0 || len > QR_MAX_STATEMENT + 256 || wire_scan_message(bytes, len, &e) != 0)
        return QR_BAD_STATEMENT;
    *seq = e.varint;
    *kind = wire_scan_message(e.bytes, e.nbytes, &s) == 0 &&
                    wire_scan_message(s.bytes, s.nbytes, &k) == 0
                ? (int)k.last
                : -1;
    return QR_OK;
}
