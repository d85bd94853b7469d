/*
 * test_statement.c: sealing and opening signed statements, and log entry bytes
 * (lib/statement.c).
 *
 * Usage: test_statement [vectors dir]      (unused)
 *
 * A sealed statement must open with its kind, forum, signer and statement hash; every
 * single-bit change to the sealed bytes must either be refused or decode to the very same
 * signed statement; a validly signed statement whose forum id is not a slug, or that has no
 * kind, must still be refused; wrong key and signature lengths, empty and oversized inputs
 * and random garbage must be refused without crashing; a log entry must keep its sequence
 * number, time and the exact signed bytes.
 */
#include "check.h"
#include "statement.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

static int is_refusal(int rc)
{
    return rc == QR_BAD_STATEMENT || rc == QR_BAD_SIGNATURE || rc == QR_TOO_LARGE;
}

/* A chartering statement and a tabled proposal, built in caller-owned storage. */
typedef struct {
    Quorum__Statement st;
    Quorum__ForumChartered fc;
    Quorum__Charter charter;
    Quorum__ProposalTabled pt;
} stmt_buf;

static void make_charter(stmt_buf *b, const char *forum, const char *name)
{
    Quorum__Statement st = QUORUM__STATEMENT__INIT;
    Quorum__ForumChartered fc = QUORUM__FORUM_CHARTERED__INIT;
    Quorum__Charter ch = QUORUM__CHARTER__INIT;

    b->st = st;
    b->fc = fc;
    b->charter = ch;
    b->charter.name = (char *)name;
    b->charter.purpose = (char *)"to agree shared priorities";
    b->charter.capacity = QUORUM__CAPACITY__RECOMMENDS;
    b->fc.charter = &b->charter;
    b->st.forum = (char *)forum;
    b->st.signed_at = 1700000000;
    b->st.kind_case = QUORUM__STATEMENT__KIND_FORUM_CHARTERED;
    b->st.forum_chartered = &b->fc;
}

static void make_proposal(stmt_buf *b, const char *forum, const char *text)
{
    Quorum__Statement st = QUORUM__STATEMENT__INIT;
    Quorum__ProposalTabled pt = QUORUM__PROPOSAL_TABLED__INIT;

    b->st = st;
    b->pt = pt;
    b->pt.proposal = (char *)"p-2024-007";
    b->pt.meeting = (char *)"m-2024-03";
    b->pt.title = (char *)"Joint winter plan";
    b->pt.text = (char *)text;
    b->pt.matter_class = (char *)"planning";
    b->pt.financial_value = 125000000;
    b->pt.stage = QUORUM__STAGE__CHOOSE;
    b->st.forum = (char *)forum;
    b->st.signed_at = 1700000100;
    b->st.kind_case = QUORUM__STATEMENT__KIND_PROPOSAL_TABLED;
    b->st.proposal_tabled = &b->pt;
}

/* The packed statement bytes, malloc'd. */
static uint8_t *pack_statement(const Quorum__Statement *st, size_t *len)
{
    *len = quorum__statement__get_packed_size(st);
    uint8_t *p = t_xmalloc(*len);
    quorum__statement__pack(st, p);
    return p;
}

/* An envelope assembled by hand from its three fields. */
static uint8_t *pack_envelope(const uint8_t *stmt, size_t slen, const uint8_t *signer,
                              size_t signer_len, const uint8_t *sig, size_t sig_len, size_t *len)
{
    Quorum__SignedStatement ss = QUORUM__SIGNED_STATEMENT__INIT;
    ss.statement = (ProtobufCBinaryData){slen, (uint8_t *)stmt};
    ss.signer = (ProtobufCBinaryData){signer_len, (uint8_t *)signer};
    ss.signature = (ProtobufCBinaryData){sig_len, (uint8_t *)sig};
    *len = quorum__signed_statement__get_packed_size(&ss);
    uint8_t *p = t_xmalloc(*len);
    quorum__signed_statement__pack(&ss, p);
    return p;
}

/* Open, and on success hand back the statement (caller destroys). */
static int open_bytes(const uint8_t *b, size_t len, qr_statement **out)
{
    char err[512] = "";
    *out = NULL;
    int rc = qr_statement_open(b, len, out, err, sizeof err);
    if (rc != QR_OK && err[0] == 0)
        printf("note: refusal %s came without an error message\n", qr_code_name(rc));
    return rc;
}

static void test_round_trip(const qr_key *k)
{
    stmt_buf b;
    uint8_t *sealed = NULL, h[QR_HASH_LEN];
    size_t len = 0, slen;
    qr_statement *s = NULL;

    make_charter(&b, "ics-board", "Leicester ICS Joint Board");
    uint8_t *body = pack_statement(&b.st, &slen);
    CHECK_RC(qr_statement_seal(&b.st, k, &sealed, &len), QR_OK, "sealing a ForumChartered");
    CHECK_RC(open_bytes(sealed, len, &s), QR_OK, "opening it");
    if (s) {
        CHECK(strcmp(qr_statement_kind(s->st), "ForumChartered") == 0, "kind is %s",
              qr_statement_kind(s->st));
        CHECK(strcmp(s->st->forum, "ics-board") == 0, "forum is %s", s->st->forum);
        CHECK(s->st->signed_at == 1700000000, "signed_at is %" PRId64, s->st->signed_at);
        CHECK(s->st->kind_case == QUORUM__STATEMENT__KIND_FORUM_CHARTERED &&
                  s->st->forum_chartered && s->st->forum_chartered->charter &&
                  strcmp(s->st->forum_chartered->charter->name, "Leicester ICS Joint Board") == 0 &&
                  s->st->forum_chartered->charter->capacity == QUORUM__CAPACITY__RECOMMENDS,
              "the charter's name and capacity come back");
        CHECK(memcmp(s->signer, k->sign_pk, 32) == 0, "the signer is the sealing key");
        CHECK(s->envelope && s->envelope->statement.len == slen &&
                  memcmp(s->envelope->statement.data, body, slen) == 0,
              "the envelope carries exactly the statement bytes");
        crypto_hash_sha256(h, body, slen);
        CHECK(memcmp(s->stmt_hash, h, QR_HASH_LEN) == 0,
              "stmt_hash is SHA-256 of the statement bytes");
        CHECK(s->envelope && s->envelope->signature.len == 64 &&
                  qr_key_verify_statement(k->sign_pk, body, slen, s->envelope->signature.data) ==
                      QR_OK,
              "the envelope's signature is a statement signature by the key");
    }
    qr_statement_destroy(&s);
    CHECK(s == NULL, "qr_statement_destroy nulls the pointer");
    qr_statement_destroy(&s);

    /* Sealing twice gives the same statement hash: a replay is recognisable. */
    uint8_t *again = NULL;
    size_t alen = 0;
    qr_statement *s2 = NULL;
    CHECK(qr_statement_seal(&b.st, k, &again, &alen) == QR_OK &&
              open_bytes(again, alen, &s2) == QR_OK && s2 &&
              memcmp(s2->stmt_hash, h, QR_HASH_LEN) == 0,
          "the same statement sealed again has the same stmt_hash");
    qr_statement_destroy(&s2);
    free(again);
    free(sealed);
    free(body);

    make_proposal(&b, "ics-board", "That the board adopts the joint winter plan.");
    body = pack_statement(&b.st, &slen);
    CHECK_RC(qr_statement_seal(&b.st, k, &sealed, &len), QR_OK, "sealing a ProposalTabled");
    CHECK_RC(open_bytes(sealed, len, &s), QR_OK, "opening it");
    if (s) {
        const Quorum__ProposalTabled *p = s->st->proposal_tabled;
        CHECK(strcmp(qr_statement_kind(s->st), "ProposalTabled") == 0, "kind is %s",
              qr_statement_kind(s->st));
        CHECK(strcmp(s->st->forum, "ics-board") == 0, "forum is %s", s->st->forum);
        CHECK(s->st->kind_case == QUORUM__STATEMENT__KIND_PROPOSAL_TABLED && p &&
                  strcmp(p->proposal, "p-2024-007") == 0 &&
                  strcmp(p->title, "Joint winter plan") == 0 && p->financial_value == 125000000 &&
                  p->stage == QUORUM__STAGE__CHOOSE,
              "the proposal's fields come back");
        crypto_hash_sha256(h, body, slen);
        CHECK(memcmp(s->stmt_hash, h, QR_HASH_LEN) == 0 && memcmp(s->signer, k->sign_pk, 32) == 0,
              "stmt_hash and signer of the proposal");
    }
    qr_statement_destroy(&s);
    free(sealed);
    free(body);

    /* A public key cannot seal. */
    qr_key pub = *k;
    pub.has_secret = 0;
    memset(pub.sign_sk, 0, sizeof pub.sign_sk);
    sealed = NULL;
    CHECK(qr_statement_seal(&b.st, &pub, &sealed, &len) != QR_OK,
          "sealing with a key without its secret is refused");
    free(sealed);
}

/* Every single-byte change (each bit, and all bits) of the sealed bytes. */
static void test_bit_flips(const qr_key *k)
{
    stmt_buf b;
    uint8_t *sealed = NULL, *body, orig_hash[QR_HASH_LEN];
    size_t len = 0, slen;
    qr_statement *s = NULL;
    int bad_inside = 0, bad_outside = 0;
    unsigned accepted = 0;

    make_proposal(&b, "ics-board", "That the board adopts the joint winter plan.");
    body = pack_statement(&b.st, &slen);
    crypto_hash_sha256(orig_hash, body, slen);
    if (qr_statement_seal(&b.st, k, &sealed, &len) != QR_OK) {
        CHECK(0, "sealing for the bit flips");
        free(body);
        return;
    }
    uint8_t *at = memmem(sealed, len, body, slen);
    CHECK(at != NULL, "the statement bytes appear verbatim in the sealed bytes");
    size_t lo = at ? (size_t)(at - sealed) : 0, hi = at ? lo + slen : 0;
    uint8_t *m = t_xmalloc(len);

    /* Nine changes per byte: each single bit, and all eight bits at once (mask 0xff). */
    for (size_t i = 0; i < len * 9; i++) {
        unsigned mask = i % 9 == 8 ? 0xffu : 1u << (i % 9);
        size_t byte = i / 9;
        memcpy(m, sealed, len);
        m[byte] ^= (uint8_t)mask;
        int rc = open_bytes(m, len, &s);
        if (byte >= lo && byte < hi) {
            if (rc != QR_BAD_SIGNATURE && rc != QR_BAD_STATEMENT) {
                printf("FAIL statement byte %zu ^ 0x%02x gives %s\n", byte, mask, qr_code_name(rc));
                bad_inside++;
            }
        } else if (rc == QR_OK) {
            accepted++;
            if (!s || memcmp(s->stmt_hash, orig_hash, QR_HASH_LEN) != 0 ||
                memcmp(s->signer, k->sign_pk, 32) != 0) {
                printf("FAIL envelope byte %zu ^ 0x%02x is accepted as another statement\n", byte,
                       mask);
                bad_outside++;
            }
        } else if (!is_refusal(rc)) {
            printf("FAIL envelope byte %zu ^ 0x%02x gives %s\n", byte, mask, qr_code_name(rc));
            bad_outside++;
        }
        qr_statement_destroy(&s);
    }
    tally(bad_inside, __LINE__, "changes inside the statement bytes are refused");
    tally(bad_outside, __LINE__, "changes to the envelope never give another statement");
    printf("# %zu byte changes of a %zu-byte sealed statement, %u decoded to the same statement\n",
           len * 9, len, accepted);

    /* Every proper prefix is refused. */
    int bad = 0;
    for (size_t n = 0; n < len; n++) {
        int rc = open_bytes(sealed, n, &s);
        if (rc == QR_OK || !is_refusal(rc)) {
            printf("FAIL the first %zu of %zu sealed bytes give %s\n", n, len, qr_code_name(rc));
            bad++;
        }
        qr_statement_destroy(&s);
    }
    tally(bad, __LINE__, "truncated sealed statements are refused");
    free(m);
    free(sealed);
    free(body);
}

static void test_forum_ids(const qr_key *k)
{
    char long65[QR_MAX_ID + 2], long64[QR_MAX_ID + 1];
    memset(long65, 'a', QR_MAX_ID + 1);
    long65[QR_MAX_ID + 1] = 0;
    memset(long64, 'a', QR_MAX_ID);
    long64[QR_MAX_ID] = 0;
    const char *bad[] = {"Bad Forum",   "",        long65,     "-leading", "UPPER", "under_score",
                         "caf\xc3\xa9", "dot.ted", "new\nline"};
    const char *good[] = {"a", "0", long64, "ics-board", "2024-joint-committee"};
    stmt_buf b;
    uint8_t *sealed;
    size_t len;
    qr_statement *s = NULL;

    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        make_charter(&b, bad[i], "A board");
        sealed = NULL;
        if (qr_statement_seal(&b.st, k, &sealed, &len) != QR_OK) {
            CHECK(0, "sealing a statement for forum \"%s\"", bad[i]);
            continue;
        }
        int rc = open_bytes(sealed, len, &s);
        CHECK(rc == QR_BAD_STATEMENT && s == NULL,
              "a signed statement for forum \"%s\" (%zu bytes) is refused: got %s", bad[i],
              strlen(bad[i]), qr_code_name(rc));
        qr_statement_destroy(&s);
        free(sealed);
    }
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        make_charter(&b, good[i], "A board");
        sealed = NULL;
        int rc = qr_statement_seal(&b.st, k, &sealed, &len);
        if (rc == QR_OK)
            rc = open_bytes(sealed, len, &s);
        CHECK(rc == QR_OK && s && strcmp(s->st->forum, good[i]) == 0,
              "a statement for forum \"%s\" (%zu bytes) opens: got %s", good[i], strlen(good[i]),
              qr_code_name(rc));
        qr_statement_destroy(&s);
        free(sealed);
    }

    /* Signed, well-formed, but without a kind. */
    make_charter(&b, "ics-board", "A board");
    b.st.kind_case = QUORUM__STATEMENT__KIND__NOT_SET;
    b.st.forum_chartered = NULL;
    sealed = NULL;
    CHECK(qr_statement_seal(&b.st, k, &sealed, &len) == QR_OK &&
              open_bytes(sealed, len, &s) == QR_BAD_STATEMENT && s == NULL,
          "a signed statement with no kind is refused");
    qr_statement_destroy(&s);
    free(sealed);
}

static void test_envelope_fields(const qr_key *k)
{
    stmt_buf b;
    uint8_t sig[64], key[33], sig65[65], *env;
    size_t slen, elen;
    qr_statement *s = NULL;

    make_proposal(&b, "ics-board", "That the board meets monthly.");
    uint8_t *body = pack_statement(&b.st, &slen);
    if (qr_key_sign_statement(k, body, slen, sig) != QR_OK) {
        CHECK(0, "signing the statement bytes");
        free(body);
        return;
    }
    memcpy(key, k->sign_pk, 32);
    key[32] = 0;
    memcpy(sig65, sig, 64);
    sig65[64] = 0;

    env = pack_envelope(body, slen, key, 32, sig, 64, &elen);
    CHECK_RC(open_bytes(env, elen, &s), QR_OK, "(control) a hand-built envelope opens");
    qr_statement_destroy(&s);
    free(env);

    struct {
        const char *what;
        size_t klen, siglen, stlen;
        int want;
    } cases[] = {
        {"a 31-byte signer", 31, 64, slen, QR_BAD_STATEMENT},
        {"a 33-byte signer", 33, 64, slen, QR_BAD_STATEMENT},
        {"no signer", 0, 64, slen, QR_BAD_STATEMENT},
        {"a 63-byte signature", 32, 63, slen, QR_BAD_STATEMENT},
        {"a 65-byte signature", 32, 65, slen, QR_BAD_STATEMENT},
        {"no signature", 32, 0, slen, QR_BAD_STATEMENT},
        {"no statement bytes", 32, 64, 0, QR_BAD_STATEMENT},
        {"a statement missing its last byte", 32, 64, slen - 1, QR_BAD_SIGNATURE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        env =
            pack_envelope(body, cases[i].stlen, key, cases[i].klen, sig65, cases[i].siglen, &elen);
        int rc = open_bytes(env, elen, &s);
        CHECK(rc == cases[i].want && s == NULL, "an envelope with %s: got %s, want %s",
              cases[i].what, qr_code_name(rc), qr_code_name(cases[i].want));
        qr_statement_destroy(&s);
        free(env);
    }

    /* Signed by one key, claimed by another. */
    qr_key *other = qr_key_generate("other");
    if (other) {
        env = pack_envelope(body, slen, other->sign_pk, 32, sig, 64, &elen);
        CHECK_RC(open_bytes(env, elen, &s), QR_BAD_SIGNATURE,
                 "a signature attributed to another signer");
        qr_statement_destroy(&s);
        free(env);
        uint8_t osig[64];
        CHECK(qr_key_sign_statement(other, body, slen, osig) == QR_OK, "the other key signs");
        env = pack_envelope(body, slen, k->sign_pk, 32, osig, 64, &elen);
        CHECK_RC(open_bytes(env, elen, &s), QR_BAD_SIGNATURE,
                 "another key's signature under this signer");
        qr_statement_destroy(&s);
        free(env);
    }
    qr_key_destroy(&other);

    /* A plain Ed25519 signature (no domain string) is not a statement signature. */
    uint8_t plain[64];
    crypto_sign_detached(plain, NULL, body, slen, k->sign_sk);
    env = pack_envelope(body, slen, k->sign_pk, 32, plain, 64, &elen);
    CHECK_RC(open_bytes(env, elen, &s), QR_BAD_SIGNATURE,
             "an envelope with a signature made without the domain string");
    qr_statement_destroy(&s);
    free(env);

    /* Signed bytes that are not a Statement at all. */
    const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff, 0x0f};
    uint8_t jsig[64];
    if (qr_key_sign_statement(k, junk, sizeof junk, jsig) == QR_OK) {
        env = pack_envelope(junk, sizeof junk, k->sign_pk, 32, jsig, 64, &elen);
        CHECK_RC(open_bytes(env, elen, &s), QR_BAD_STATEMENT,
                 "validly signed bytes that are not a statement");
        qr_statement_destroy(&s);
        free(env);
    }
    free(body);
}

static void test_sizes(const qr_key *k)
{
    qr_statement *s = NULL;
    uint8_t one = 0x0a;

    int rc = open_bytes(&one, 0, &s);
    CHECK((rc == QR_TOO_LARGE || rc == QR_BAD_STATEMENT) && s == NULL,
          "empty input is refused: got %s", qr_code_name(rc));
    rc = open_bytes(&one, 1, &s);
    CHECK(is_refusal(rc) && s == NULL, "a single byte is refused: got %s", qr_code_name(rc));

    /* The largest statement allowed: exactly QR_MAX_STATEMENT bytes of statement. */
    stmt_buf b;
    size_t tl = QR_MAX_STATEMENT - 200, len = 0;
    char *text = t_xmalloc(QR_MAX_STATEMENT + 2);
    memset(text, 't', QR_MAX_STATEMENT + 1);
    text[tl] = 0;
    make_proposal(&b, "ics-board", text);
    size_t n = quorum__statement__get_packed_size(&b.st);
    while (n < QR_MAX_STATEMENT) {
        text[tl] = 't';
        text[++tl] = 0;
        n = quorum__statement__get_packed_size(&b.st);
    }
    CHECK(n == QR_MAX_STATEMENT, "built a statement of exactly %d bytes (got %zu)",
          QR_MAX_STATEMENT, n);
    uint8_t *sealed = NULL;
    rc = qr_statement_seal(&b.st, k, &sealed, &len);
    CHECK_RC(rc, QR_OK, "sealing a statement of QR_MAX_STATEMENT bytes");
    if (rc == QR_OK) {
        CHECK(len <= QR_MAX_STATEMENT + 128, "its envelope is %zu bytes", len);
        rc = open_bytes(sealed, len, &s);
        CHECK(rc == QR_OK && s && strlen(s->st->proposal_tabled->text) == tl,
              "a statement of QR_MAX_STATEMENT bytes opens: got %s", qr_code_name(rc));
        qr_statement_destroy(&s);
    }
    free(sealed);

    /* One byte more cannot be sealed ... */
    text[tl] = 't';
    text[tl + 1] = 0;
    sealed = NULL;
    CHECK_RC(qr_statement_seal(&b.st, k, &sealed, &len), QR_TOO_LARGE,
             "sealing a statement of QR_MAX_STATEMENT + 1 bytes");
    free(sealed);

    /* ... nor opened when signed by hand. */
    size_t slen, elen;
    uint8_t *body = pack_statement(&b.st, &slen), sig[64];
    uint8_t *dm = t_xmalloc(20 + slen);
    memcpy(dm, QR_STATEMENT_DOMAIN, 20);
    memcpy(dm + 20, body, slen);
    crypto_sign_detached(sig, NULL, dm, 20 + slen, k->sign_sk);
    uint8_t *env = pack_envelope(body, slen, k->sign_pk, 32, sig, 64, &elen);
    rc = open_bytes(env, elen, &s);
    CHECK(is_refusal(rc) && rc != QR_OK && s == NULL,
          "a validly signed statement of QR_MAX_STATEMENT + 1 bytes is refused: got %s",
          qr_code_name(rc));
    qr_statement_destroy(&s);
    free(env);
    free(dm);
    free(body);
    free(text);

    /* Input over the envelope limit. */
    size_t huge = QR_MAX_STATEMENT + 129;
    uint8_t *big = t_xmalloc(huge);
    memset(big, 0, huge);
    rc = open_bytes(big, huge, &s);
    CHECK((rc == QR_TOO_LARGE || rc == QR_BAD_STATEMENT) && s == NULL,
          "QR_MAX_STATEMENT + 129 bytes are refused: got %s", qr_code_name(rc));
    CHECK_RC(rc, QR_TOO_LARGE, "QR_MAX_STATEMENT + 129 bytes");
    qr_statement_destroy(&s);
    free(big);
}

static void test_entries(const qr_key *k)
{
    stmt_buf b;
    uint8_t *sealed = NULL, *entry = NULL;
    size_t len = 0, elen = 0;
    Quorum__LogEntry *e = NULL;
    qr_statement *s = NULL, *orig = NULL;

    make_charter(&b, "ics-board", "Leicester ICS Joint Board");
    if (qr_statement_seal(&b.st, k, &sealed, &len) != QR_OK ||
        open_bytes(sealed, len, &orig) != QR_OK) {
        CHECK(0, "sealing and opening for the entry tests");
        free(sealed);
        return;
    }
    const struct {
        uint64_t seq;
        int64_t at;
    } cases[] = {{0, 1700000200},
                 {1, 0},
                 {12345, -86400},
                 {(1ULL << 40) + 3, INT64_MAX},
                 {UINT64_MAX, INT64_MIN}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        entry = NULL;
        CHECK_RC(qr_entry_encode(cases[i].seq, cases[i].at, sealed, len, &entry, &elen), QR_OK,
                 "encoding a log entry");
        CHECK_RC(qr_entry_decode(entry, elen, &e), QR_OK, "decoding it");
        if (e) {
            CHECK(e->seq == cases[i].seq && e->logged_at == cases[i].at,
                  "entry keeps seq %" PRIu64 " and logged_at %" PRId64 " (got %" PRIu64 ", %" PRId64
                  ")",
                  cases[i].seq, cases[i].at, e->seq, e->logged_at);
            CHECK(e->signed_statement.len == len &&
                      memcmp(e->signed_statement.data, sealed, len) == 0,
                  "entry %" PRIu64 " keeps the exact signed bytes", cases[i].seq);
            CHECK(open_bytes(e->signed_statement.data, e->signed_statement.len, &s) == QR_OK && s &&
                      memcmp(s->stmt_hash, orig->stmt_hash, QR_HASH_LEN) == 0,
                  "the entry's signed statement still opens to the same statement");
            qr_statement_destroy(&s);
            quorum__log_entry__free_unpacked(e, NULL);
            e = NULL;
        }
        free(entry);
    }

    /* Different seq or time gives different entry bytes (and so a different leaf). */
    uint8_t *e1 = NULL, *e2 = NULL;
    size_t l1 = 0, l2 = 0;
    CHECK(qr_entry_encode(7, 100, sealed, len, &e1, &l1) == QR_OK &&
              qr_entry_encode(8, 100, sealed, len, &e2, &l2) == QR_OK &&
              (l1 != l2 || memcmp(e1, e2, l1) != 0),
          "entries differing only in seq differ in bytes");
    free(e1);
    free(e2);

    CHECK(qr_entry_decode(sealed, 0, &e) != QR_OK, "decoding an empty entry fails");
    uint8_t *big = t_xmalloc(QR_MAX_STATEMENT + 257);
    memset(big, 0, QR_MAX_STATEMENT + 257);
    e = NULL;
    CHECK_RC(qr_entry_decode(big, QR_MAX_STATEMENT + 257, &e), QR_TOO_LARGE,
             "decoding an entry over the limit");
    free(big);
    const uint8_t broken[] = {0x1a, 0x7f, 0x00}; /* field 3 claims 127 bytes, has 1 */
    e = NULL;
    CHECK_RC(qr_entry_decode(broken, sizeof broken, &e), QR_BAD_STATEMENT,
             "decoding a truncated entry");
    if (e)
        quorum__log_entry__free_unpacked(e, NULL);
    qr_statement_destroy(&orig);
    free(sealed);
}

/* Random inputs: pure noise, noise behind a plausible envelope header, and valid envelopes
 * with random bytes overwritten. */
static void test_garbage(const qr_key *k)
{
    enum { ROUNDS = 4000 };
    uint8_t buf[1024];
    qr_statement *s = NULL;
    Quorum__LogEntry *e = NULL;
    stmt_buf b;
    uint8_t *sealed = NULL;
    size_t slen = 0;
    int bad = 0;

    make_proposal(&b, "ics-board", "That the board adopts the joint winter plan.");
    if (qr_statement_seal(&b.st, k, &sealed, &slen) != QR_OK || slen > sizeof buf) {
        CHECK(0, "sealing for the garbage tests");
        free(sealed);
        return;
    }
    for (int r = 0; r < ROUNDS; r++) {
        size_t n;
        switch (r % 3) {
        case 0:
            n = (size_t)(t_rand() % sizeof buf);
            for (size_t i = 0; i < n; i++)
                buf[i] = (uint8_t)t_rand();
            break;
        case 1: /* field 1 with a random length, then noise */
            n = 2 + (size_t)(t_rand() % (sizeof buf - 2));
            for (size_t i = 0; i < n; i++)
                buf[i] = (uint8_t)t_rand();
            buf[0] = 0x0a;
            break;
        default: /* a valid envelope with 1 to 4 random bytes overwritten */
            n = slen;
            memcpy(buf, sealed, slen);
            for (int j = 0, c = 1 + (int)(t_rand() % 4); j < c; j++) {
                size_t at = (size_t)(t_rand() % slen);
                uint8_t v = (uint8_t)t_rand();
                buf[at] = v == sealed[at] ? (uint8_t)(v ^ 0x55) : v;
            }
            break;
        }
        int rc = open_bytes(buf, n, &s);
        if (rc == QR_OK || !is_refusal(rc) || s != NULL) {
            printf("FAIL garbage round %d (%zu bytes) gives %s\n", r, n, qr_code_name(rc));
            bad++;
        }
        qr_statement_destroy(&s);
        e = NULL;
        if (n > 0 && qr_entry_decode(buf, n, &e) == QR_OK && !e) {
            printf("FAIL garbage round %d: qr_entry_decode gives OK and no entry\n", r);
            bad++;
        }
        if (e)
            quorum__log_entry__free_unpacked(e, NULL);
    }
    tally(bad, __LINE__, "random garbage is refused");
    free(sealed);
}

int main(int argc, char **argv)
{
    (void)argc, (void)argv;
    t_begin("test_statement");
    if (sodium_init() < 0) {
        fprintf(stderr, "test_statement: sodium_init failed\n");
        return 2;
    }
    qr_key *k = qr_key_generate("clerk");
    if (!k) {
        fprintf(stderr, "test_statement: cannot generate a key\n");
        return 2;
    }
    test_round_trip(k);
    test_bit_flips(k);
    test_forum_ids(k);
    test_envelope_fields(k);
    test_sizes(k);
    test_entries(k);
    test_garbage(k);
    qr_key_destroy(&k);
    return t_end();
}
