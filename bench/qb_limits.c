/*
 * qb_limits: the physical limits the other figures are held against, measured on this machine
 * in the same run: Ed25519 signatures signed and verified per second on one core (libsodium,
 * over a statement-sized message), one SQLite commit (WAL, synchronous=FULL, so one fsync)
 * with one row and with 100 rows, one ZeroMQ round trip over CURVE on loopback, and SHA-256 on
 * one core: Merkle leaf hashes of 400-byte entries (start-up hashes every entry) and node hashes
 * (and every stored subtree), by quorum's lib/sha256.c (SHA-NI where the CPU has it) and by
 * libsodium's crypto_hash_sha256 beside it, each hash feeding the next as the folds do.
 *
 * Every submitted statement's signature is verified, so the ceiling for durable, verified
 * appends is about (cores x verifications per second), if nothing else used the CPU.
 *
 * usage: qb_limits --work DIR [--runs 5] [--quick 1]   (--quick: a tenth of the samples)
 */
#include "qb.h"

#include "merkle.h"
#include "sha256.h"

#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

static double signs_per_s(int verify, double secs)
{
    uint8_t pk[32], sk[64], sig[64], msg[280];
    randombytes_buf(msg, sizeof msg);
    crypto_sign_keypair(pk, sk);
    crypto_sign_detached(sig, NULL, msg, sizeof msg, sk);
    long n = 0;
    double t0 = qb_now(), t;
    do {
        for (int i = 0; i < 200; i++) {
            if (verify) {
                if (crypto_sign_verify_detached(sig, msg, sizeof msg, pk) != 0)
                    qb_die("a signature did not verify");
            } else {
                crypto_sign_detached(sig, NULL, msg, sizeof msg, sk);
            }
        }
        n += 200;
        t = qb_now();
    } while (t - t0 < secs);
    return (double)n / (t - t0);
}

#define ENTRY_BYTES 400 /* a typical log entry: statement, signer, signature, envelope */

static void leaf_quorum(const uint8_t *in, uint8_t out[QR_HASH_LEN])
{
    qr_merkle_leaf_hash(in, ENTRY_BYTES, out);
}

static void leaf_sodium(const uint8_t *in, uint8_t out[QR_HASH_LEN])
{
    static const uint8_t prefix = 0x00;
    crypto_hash_sha256_state st;

    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, &prefix, 1);
    crypto_hash_sha256_update(&st, in, ENTRY_BYTES);
    crypto_hash_sha256_final(&st, out);
}

static void node_quorum(const uint8_t *in, uint8_t out[QR_HASH_LEN])
{
    qr_merkle_node_hash(in, in + QR_HASH_LEN, out);
}

static void node_sodium(const uint8_t *in, uint8_t out[QR_HASH_LEN])
{
    uint8_t buf[1 + 2 * QR_HASH_LEN];

    buf[0] = 0x01;
    memcpy(buf + 1, in, 2 * QR_HASH_LEN);
    crypto_hash_sha256(out, buf, sizeof buf);
}

/* Hashes a second by `hash` on one core; each result is the start of the next input. */
static double hashes_per_s(void (*hash)(const uint8_t *, uint8_t *), double secs)
{
    uint8_t in[ENTRY_BYTES];
    long n = 0;
    double t0 = qb_now(), t;

    randombytes_buf(in, sizeof in);
    do {
        for (int i = 0; i < 1000; i++)
            hash(in, in);
        n += 1000;
        t = qb_now();
    } while (t - t0 < secs);
    return (double)n / (t - t0);
}

static void exec_sql(sqlite3 *db, const char *sql)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        qb_die("sqlite: %s: %s", sql, sqlite3_errmsg(db));
}

/* Median microseconds per commit of `rows` rows of 300 bytes. */
static double commit_us(const char *dir, int rows, int commits)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/limits.db", dir);
    unlink(path);
    sqlite3 *db = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        qb_die("cannot open %s", path);
    exec_sql(db, "PRAGMA journal_mode=WAL");
    exec_sql(db, "PRAGMA synchronous=FULL");
    exec_sql(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB NOT NULL) STRICT");
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db, "INSERT INTO t(b) VALUES (?1)", -1, &q, NULL) != SQLITE_OK)
        qb_die("sqlite: %s", sqlite3_errmsg(db));
    uint8_t blob[300];
    randombytes_buf(blob, sizeof blob);
    qb_samples s = {0};
    for (int c = 0; c < commits; c++) {
        double t = qb_now();
        exec_sql(db, "BEGIN IMMEDIATE");
        for (int r = 0; r < rows; r++) {
            sqlite3_bind_blob(q, 1, blob, sizeof blob, SQLITE_STATIC);
            if (sqlite3_step(q) != SQLITE_DONE)
                qb_die("sqlite insert: %s", sqlite3_errmsg(db));
            sqlite3_reset(q);
        }
        exec_sql(db, "COMMIT");
        qb_samples_add(&s, (qb_now() - t) * 1e6);
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    unlink(path);
    snprintf(path, sizeof path, "%s/limits.db-wal", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/limits.db-shm", dir);
    unlink(path);
    double med = qb_samples_pct(&s, 50);
    qb_samples_free(&s);
    return med;
}

typedef struct {
    void *sock;
    volatile int stop;
} echo_server;

static void *echo(void *arg)
{
    echo_server *e = arg;
    while (!e->stop) {
        zmq_pollitem_t it = {e->sock, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&it, 1, 100) <= 0)
            continue;
        zmq_msg_t id, body;
        zmq_msg_init(&id);
        zmq_msg_init(&body);
        if (zmq_msg_recv(&id, e->sock, 0) >= 0 && zmq_msg_recv(&body, e->sock, 0) >= 0) {
            zmq_msg_send(&id, e->sock, ZMQ_SNDMORE);
            zmq_msg_send(&body, e->sock, 0);
        }
        zmq_msg_close(&id);
        zmq_msg_close(&body);
    }
    return NULL;
}

/* Median round trip, microseconds, of a 300-byte message over CURVE on loopback TCP. */
static double curve_rtt_us(int trips)
{
    char spk[41], ssk[41], cpk[41], csk[41], ep[64];
    if (zmq_curve_keypair(spk, ssk) != 0 || zmq_curve_keypair(cpk, csk) != 0)
        qb_die("this libzmq has no CURVE");
    void *ctx = zmq_ctx_new();
    void *srv = zmq_socket(ctx, ZMQ_ROUTER), *cli = zmq_socket(ctx, ZMQ_DEALER);
    int one = 1, linger = 0;
    zmq_setsockopt(srv, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(cli, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(srv, ZMQ_CURVE_SERVER, &one, sizeof one);
    zmq_setsockopt(srv, ZMQ_CURVE_SECRETKEY, ssk, 40);
    zmq_setsockopt(cli, ZMQ_CURVE_SERVERKEY, spk, 40);
    zmq_setsockopt(cli, ZMQ_CURVE_PUBLICKEY, cpk, 40);
    zmq_setsockopt(cli, ZMQ_CURVE_SECRETKEY, csk, 40);
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", qb_free_ports());
    if (zmq_bind(srv, ep) != 0 || zmq_connect(cli, ep) != 0)
        qb_die("cannot bind %s", ep);
    echo_server e = {srv, 0};
    pthread_t t;
    if (pthread_create(&t, NULL, echo, &e) != 0)
        qb_die("cannot start a thread");
    uint8_t msg[300] = {0}, back[400];
    qb_samples s = {0};
    for (int i = 0; i < trips + trips / 10; i++) {
        double t0 = qb_now();
        zmq_pollitem_t it = {cli, 0, ZMQ_POLLIN, 0};
        if (zmq_send(cli, msg, sizeof msg, 0) < 0 || zmq_poll(&it, 1, 5000) <= 0 ||
            zmq_recv(cli, back, sizeof back, 0) < 0)
            qb_die("no echo within 5 s");
        if (i >= trips / 10)
            qb_samples_add(&s, (qb_now() - t0) * 1e6);
    }
    e.stop = 1;
    pthread_join(t, NULL);
    zmq_close(cli);
    zmq_close(srv);
    zmq_ctx_term(ctx);
    double med = qb_samples_pct(&s, 50);
    qb_samples_free(&s);
    return med;
}

static double median(const double *v, long n)
{
    qb_samples s = {0};

    for (long i = 0; i < n; i++)
        qb_samples_add(&s, v[i]);
    double m = qb_samples_pct(&s, 50);
    qb_samples_free(&s);
    return m;
}

int main(int argc, char **argv)
{
    const char *work = qb_opt(argc, argv, "work", NULL);
    long runs = qb_opt_long(argc, argv, "runs", 5), quick = qb_opt_long(argc, argv, "quick", 0);
    if (!work || runs < 1) {
        fprintf(stderr, "usage: qb_limits --work DIR [--runs 5]\n");
        return 2;
    }
    if (sodium_init() < 0)
        qb_die("libsodium cannot start");
    qb_watchdog(600);
    long n = runs < 64 ? runs : 64;
    double sign[64], verify[64], c1[64], c100[64], rtt[64];
    double leaf[64], leaf_na[64], node[64], node_na[64];
    for (long r = 0; r < n; r++) {
        sign[r] = signs_per_s(0, quick ? 0.05 : 0.5);
        verify[r] = signs_per_s(1, quick ? 0.05 : 0.5);
        c1[r] = commit_us(work, 1, quick ? 20 : 200);
        c100[r] = 100.0 / (commit_us(work, 100, quick ? 5 : 50) / 1e6);
        rtt[r] = curve_rtt_us(quick ? 100 : 1000);
        leaf[r] = hashes_per_s(leaf_quorum, quick ? 0.02 : 0.2) * ENTRY_BYTES / 1e6;
        leaf_na[r] = hashes_per_s(leaf_sodium, quick ? 0.02 : 0.2) * ENTRY_BYTES / 1e6;
        node[r] = hashes_per_s(node_quorum, quick ? 0.02 : 0.2);
        node_na[r] = hashes_per_s(node_sodium, quick ? 0.02 : 0.2);
        qb_say("limits run %ld: sign %.0f/s, verify %.0f/s, commit %.0f us, 100-row commits "
               "%.0f rows/s, CURVE round trip %.0f us, leaf hashes %.0f MB/s (libsodium %.0f), "
               "node hashes %.0f/s (libsodium %.0f)",
               r, sign[r], verify[r], c1[r], c100[r], rtt[r], leaf[r], leaf_na[r], node[r],
               node_na[r]);
    }
    qb_row("lim_verify", "limit: Ed25519 verifications, one core", "sig/s", "hi", "-", "-", verify,
           (size_t)n);
    qb_row("lim_sign", "limit: Ed25519 signatures, one core", "sig/s", "hi", "-", "-", sign,
           (size_t)n);
    qb_row("lim_commit", "limit: SQLite commit, WAL, synchronous=FULL", "us", "lo", "-", "-", c1,
           (size_t)n);
    qb_row("lim_commit100", "limit: SQLite rows in 100-row commits", "rows/s", "hi", "-", "-", c100,
           (size_t)n);
    qb_row("lim_rtt", "limit: ZeroMQ round trip, CURVE, loopback", "us", "lo", "-", "-", rtt,
           (size_t)n);
    const char *path = qr_sha256_accelerated() ? "SHA-NI" : "portable C";
    char label[160];
    snprintf(label, sizeof label, "limit: SHA-256 leaf hashes, 400 B entries, one core, %s", path);
    qb_row("lim_leaf", label, "MB/s", "hi", "-", "-", leaf, (size_t)n);
    qb_row("lim_leaf_sodium", "limit: SHA-256 leaf hashes, 400 B entries, one core, libsodium",
           "MB/s", "hi", "-", "-", leaf_na, (size_t)n);
    snprintf(label, sizeof label, "limit: Merkle node hashes, one core, %s", path);
    qb_row("lim_node", label, "hash/s", "hi", "-", "-", node, (size_t)n);
    qb_row("lim_node_sodium", "limit: Merkle node hashes, one core, libsodium", "hash/s", "hi", "-",
           "-", node_na, (size_t)n);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    double v = median(verify, n);
    qb_note("ceiling for verified appends here: %ld cores x %.0f verifications/s = %.0f/s "
            "(if nothing else used the CPU)",
            cpus, v, (double)cpus * v);
    qb_note("SHA-256 (%s) against libsodium %s: leaf hashes x%.1f, node hashes x%.1f", path,
            sodium_version_string(), median(leaf, n) / median(leaf_na, n),
            median(node, n) / median(node_na, n));
    return 0;
}
