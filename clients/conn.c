/*
 * conn.c: the client's options, configuration file, connection and shared output.
 *
 * Where settings come from, later winning: built-in defaults (loopback, keys in
 * $QUORUM_STATE or ./quorum-state), the configuration file ($QUORUM_CONFIG or --config), then
 * command-line flags.
 */
#include "client.h"

#include "merkle.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

/* A setting too long for its buffer is an error, never silently cut short. */
static int copy(char *dst, size_t n, const char *src)
{
    size_t len = strlen(src);
    if (len >= n) {
        fprintf(stderr, "quorum: the setting '%.40s...' is longer than %zu characters\n", src,
                n - 1);
        return 1;
    }
    memcpy(dst, src, len + 1);
    return 0;
}

static int remove_args(qr_cli *cli, int at, int n)
{
    for (int i = at; i + n <= cli->argc; i++)
        cli->argv[i] = i + n < cli->argc ? cli->argv[i + n] : NULL;
    cli->argc -= n;
    return 0;
}

const char *qr_cli_opt(qr_cli *cli, const char *name)
{
    for (int i = 0; i < cli->argc; i++) {
        const char *a = cli->argv[i];
        if (a[0] == '-' && a[1] == '-' && strcmp(a + 2, name) == 0 && i + 1 < cli->argc) {
            const char *v = cli->argv[i + 1];
            remove_args(cli, i, 2);
            return v;
        }
    }
    return NULL;
}

int qr_cli_flag(qr_cli *cli, const char *name)
{
    for (int i = 0; i < cli->argc; i++) {
        const char *a = cli->argv[i];
        if (a[0] == '-' && a[1] == '-' && strcmp(a + 2, name) == 0) {
            remove_args(cli, i, 1);
            return 1;
        }
    }
    return 0;
}

const char *qr_cli_arg(qr_cli *cli, int i)
{
    return i < cli->argc ? cli->argv[i] : NULL;
}

int qr_cli_parse_u64(const char *s, uint64_t *out)
{
    char *end;
    if (!s || !*s || *s == '-')
        return QR_USAGE;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return QR_USAGE;
    *out = v;
    return QR_OK;
}

/* One "name = value" line (no newline) of the configuration file. */
static int config_line(qr_cli *cli, const char *where, int lineno, const char *line)
{
    char name[64];
    int at = -1;
    const char *s = line + strspn(line, " \t");
    if (*s == '#' || !*s)
        return QR_OK;
    if (sscanf(s, "%63[a-z_] = %n", name, &at) < 1 || at < 0 || !s[at]) {
        fprintf(stderr, "quorum: %s:%d: expected 'name = value'\n", where, lineno);
        return QR_BAD_CONFIG;
    }
    const char *value = s + at;
    if (!strcmp(name, "endpoint"))
        return copy(cli->endpoint, sizeof cli->endpoint, value) ? QR_USAGE : QR_OK;
    if (!strcmp(name, "events"))
        return copy(cli->events, sizeof cli->events, value) ? QR_USAGE : QR_OK;
    if (!strcmp(name, "server_key"))
        return copy(cli->server_key, sizeof cli->server_key, value) ? QR_USAGE : QR_OK;
    if (!strcmp(name, "key"))
        return copy(cli->key, sizeof cli->key, value) ? QR_USAGE : QR_OK;
    if (!strcmp(name, "plaintext")) {
        cli->plaintext = !strcmp(value, "on") || !strcmp(value, "true");
        return QR_OK;
    }
    if (!strcmp(name, "timeout")) {
        uint64_t t;
        if (qr_cli_parse_u64(value, &t) != QR_OK || t == 0 || t > 86400) {
            fprintf(stderr, "quorum: %s:%d: timeout takes seconds, 1 to 86400\n", where, lineno);
            return QR_BAD_CONFIG;
        }
        cli->timeout_ms = (int)t * 1000;
        return QR_OK;
    }
    fprintf(stderr, "quorum: %s:%d: unknown setting '%s'\n", where, lineno, name);
    return QR_BAD_CONFIG;
}

int qr_cli_config_text(qr_cli *cli, const char *where, const char *text, size_t len)
{
    char line[2048];
    int lineno = 0, rc = QR_OK;
    for (size_t pos = 0; rc == QR_OK && pos < len;) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
        lineno++;
        if (n > sizeof line - 2) { /* as long as fgets into line allowed, newline included */
            fprintf(stderr, "quorum: %s:%d: line too long\n", where, lineno);
            return QR_BAD_CONFIG;
        }
        memcpy(line, text + pos, n);
        line[n] = 0;
        pos += n + (nl ? 1 : 0);
        rc = config_line(cli, where, lineno, line);
    }
    return rc;
}

static int load_config(qr_cli *cli, const char *path)
{
    uint8_t *text = NULL;
    size_t len = 0;
    int rc = qr_read_stream(path, QR_CLI_CONFIG_MAX, &text, &len);
    if (rc != QR_OK) {
        fprintf(stderr, "quorum: cannot open configuration %s: %s\n", path,
                rc == QR_TOO_LARGE ? "larger than 1 MiB"
                : rc == QR_NOMEM   ? "out of memory"
                                   : strerror(errno));
        return QR_BAD_CONFIG;
    }
    rc = qr_cli_config_text(cli, path, (const char *)text, len);
    free(text);
    return rc;
}

int qr_cli_init(qr_cli *cli, int argc, char **argv)
{
    memset(cli, 0, sizeof *cli);
    cli->argc = argc;
    cli->argv = argv;
    const char *state = getenv("QUORUM_STATE");
    if (!state || !*state)
        state = "./quorum-state";
    int bad = copy(cli->endpoint, sizeof cli->endpoint, "tcp://127.0.0.1:7370");
    bad |= copy(cli->events, sizeof cli->events, "tcp://127.0.0.1:7371");
    snprintf(cli->server_key, sizeof cli->server_key, "%s/quorumd.pub", state);
    snprintf(cli->key, sizeof cli->key, "%s/operator.key", state);
    cli->timeout_ms = 10000;

    const char *config = qr_cli_opt(cli, "config");
    if (!config)
        config = getenv("QUORUM_CONFIG");
    if (config && *config && load_config(cli, config) != QR_OK)
        return QR_BAD_CONFIG;
    const char *v;
    if ((v = qr_cli_opt(cli, "endpoint")))
        bad |= copy(cli->endpoint, sizeof cli->endpoint, v);
    if ((v = qr_cli_opt(cli, "events")))
        bad |= copy(cli->events, sizeof cli->events, v);
    if ((v = qr_cli_opt(cli, "server-key")))
        bad |= copy(cli->server_key, sizeof cli->server_key, v);
    if ((v = qr_cli_opt(cli, "key")))
        bad |= copy(cli->key, sizeof cli->key, v);
    if ((v = qr_cli_opt(cli, "db")))
        bad |= copy(cli->db, sizeof cli->db, v);
    if ((v = qr_cli_opt(cli, "timeout"))) {
        uint64_t t;
        if (qr_cli_parse_u64(v, &t) != QR_OK || t == 0 || t > 86400) {
            fprintf(stderr, "quorum: --timeout takes seconds, 1 to 86400\n");
            return QR_USAGE;
        }
        cli->timeout_ms = (int)t * 1000;
    }
    if (bad)
        return QR_USAGE;
    if (qr_cli_flag(cli, "plaintext"))
        cli->plaintext = 1;
    if (qr_cli_flag(cli, "json"))
        cli->json = 1;
    return QR_OK;
}

int qr_cli_fail(const qr_cli *cli, int code, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (cli && cli->json) {
        qr_json j;
        qr_json_init(&j, stdout);
        qr_json_object(&j, NULL);
        qr_json_str(&j, "code", qr_code_name(code));
        qr_json_str(&j, "message", msg);
        qr_json_end(&j);
        qr_json_end_line(&j);
    }
    fprintf(stderr, "quorum: %s: %s\n", qr_code_name(code), msg);
    return qr_code_exit(code);
}

int qr_cli_refused(const qr_cli *cli, const Quorum__Reply *r)
{
    int code = qr_reply_code(r);
    const char *name = r->status && r->status->code ? r->status->code : "BAD_REQUEST";
    const char *msg = r->status && r->status->message ? r->status->message : "";
    if (cli->json) {
        qr_json j;
        qr_json_init(&j, stdout);
        qr_json_object(&j, NULL);
        qr_json_str(&j, "code", name);
        qr_json_str(&j, "message", msg);
        qr_json_end(&j);
        qr_json_end_line(&j);
    }
    fprintf(stderr, "quorum: refused: %s: %s\n", name, msg);
    return qr_code_exit(code);
}

int qr_cli_load_key(const char *path, qr_key **out)
{
    char err[1024];
    int rc = qr_key_load(path, out, err, sizeof err);
    if (rc != QR_OK)
        fprintf(stderr, "quorum: %s: %s\n", qr_code_name(rc), err);
    return rc;
}

int qr_cli_connect(qr_cli *cli, qr_client **out, qr_key **key)
{
    char err[1024];
    qr_key *server = NULL, *own = NULL;
    int rc = qr_cli_load_key(cli->key, &own);
    if (rc == QR_OK && !cli->plaintext)
        rc = qr_cli_load_key(cli->server_key, &server);
    if (rc != QR_OK)
        goto out;
    qr_client_opts o = {cli->endpoint, own, server ? server->curve_pk : NULL, cli->timeout_ms};
    if ((rc = qr_client_new(&o, out, err, sizeof err)) != QR_OK)
        fprintf(stderr, "quorum: %s: %s\n", qr_code_name(rc), err);
out:
    qr_key_destroy(&server);
    if (rc == QR_OK && key)
        *key = own;
    else
        qr_key_destroy(&own);
    return rc == QR_OK ? 0 : qr_code_exit(rc);
}

int qr_cli_submit(qr_cli *cli, qr_client *c, const qr_key *key, const Quorum__Statement *st)
{
    uint8_t *bytes = NULL;
    size_t len = 0;
    int rc = qr_statement_seal(st, key, &bytes, &len);
    if (rc != QR_OK)
        return qr_cli_fail(cli, rc, "cannot sign the statement");
    Quorum__Request req = QUORUM__REQUEST__INIT;
    Quorum__Submit sub = QUORUM__SUBMIT__INIT;
    sub.signed_statement = (ProtobufCBinaryData){len, bytes};
    req.op_case = QUORUM__REQUEST__OP_SUBMIT;
    req.submit = &sub;
    Quorum__Reply *r = NULL;
    rc = qr_client_call(c, &req, &r);
    free(bytes);
    if (rc != QR_OK)
        return qr_cli_fail(cli, rc, "no answer from %s", cli->endpoint);
    int status = 0;
    if (qr_reply_code(r) != QR_OK || r->result_case != QUORUM__REPLY__RESULT_SUBMITTED) {
        status = qr_cli_refused(cli, r);
    } else if (cli->json) {
        qr_json j;
        qr_json_init(&j, stdout);
        qr_json_object(&j, NULL);
        qr_json_str(&j, "code", "OK");
        qr_json_str(&j, "forum", r->submitted->forum);
        qr_json_u64(&j, "seq", r->submitted->seq);
        qr_json_b64(&j, "leaf_hash", r->submitted->leaf_hash.data, r->submitted->leaf_hash.len);
        qr_json_str(&j, "checkpoint", r->submitted->checkpoint);
        qr_json_end(&j);
        qr_json_end_line(&j);
    } else {
        printf("recorded %s as entry %llu of forum %s\n", qr_statement_kind(st),
               (unsigned long long)r->submitted->seq, r->submitted->forum);
    }
    quorum__reply__free_unpacked(r, NULL);
    return status;
}

void qr_cli_print_entry(qr_cli *cli, const char *forum, const uint8_t *entry, size_t len)
{
    Quorum__LogEntry *e = NULL;
    qr_statement *st = NULL;
    char err[256] = "", when[32] = "", signer[17] = "?";
    if (qr_entry_decode(entry, len, &e) != QR_OK) {
        printf("%s: an entry that does not decode (%zu bytes)\n", forum, len);
        return;
    }
    int rc = qr_statement_open(e->signed_statement.data, e->signed_statement.len, &st, err,
                               sizeof err);
    qr_time_iso(e->logged_at, when, sizeof when);
    if (st)
        qr_hex(st->signer, 8, signer);
    if (cli->json) {
        qr_json j;
        qr_json_init(&j, stdout);
        qr_json_object(&j, NULL);
        qr_json_str(&j, "forum", forum);
        qr_json_u64(&j, "seq", e->seq);
        qr_json_i64(&j, "logged_at", e->logged_at);
        qr_json_str(&j, "kind", st ? qr_statement_kind(st->st) : "invalid");
        qr_json_str(&j, "signer", signer);
        qr_json_bool(&j, "signature_ok", rc == QR_OK);
        uint8_t leaf[QR_HASH_LEN];
        qr_merkle_leaf_hash(entry, len, leaf); /* computed here, not taken from the daemon */
        qr_json_b64(&j, "leaf_hash", leaf, QR_HASH_LEN);
        qr_json_b64(&j, "entry", entry, len);
        qr_json_end(&j);
        qr_json_end_line(&j);
    } else if (st) {
        printf("%-6llu %s  %-18s signed by %s\n", (unsigned long long)e->seq, when,
               qr_statement_kind(st->st), signer);
    } else {
        printf("%-6llu %s  INVALID: %s\n", (unsigned long long)e->seq, when, err);
    }
    qr_statement_destroy(&st);
    quorum__log_entry__free_unpacked(e, NULL);
}

/* ---- events -------------------------------------------------------------------------- */

void *qr_cli_subscribe(qr_cli *cli, qr_client *conn, const char *forum, int *status)
{
    char topic[QR_MAX_ID + 16];
    qr_topic_forum(forum, topic, sizeof topic);
    return qr_cli_subscribe_topic(cli, conn, topic, status);
}

void *qr_cli_subscribe_topic(qr_cli *cli, qr_client *conn, const char *topic, int *status)
{
    qr_key *own = NULL, *server = NULL;
    void *sub = zmq_socket(qr_client_context(conn), ZMQ_SUB);
    *status = 9;
    if (!sub || qr_cli_load_key(cli->key, &own) != QR_OK ||
        (!cli->plaintext && qr_cli_load_key(cli->server_key, &server) != QR_OK))
        goto out;
    qr_wire_socket_defaults(sub);
    if (server && qr_wire_curve_client(sub, own, server->curve_pk) != QR_OK)
        goto out;
    zmq_setsockopt(sub, ZMQ_SUBSCRIBE, topic, strlen(topic));
    if (zmq_connect(sub, cli->events) != 0)
        *status = qr_cli_fail(cli, QR_BAD_CONFIG, "cannot connect to %s", cli->events);
    else
        *status = 0;
out:
    qr_key_destroy(&own);
    qr_key_destroy(&server);
    if (*status && sub) {
        zmq_close(sub);
        sub = NULL;
    }
    return sub;
}

static int64_t monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int qr_cli_wait_event(qr_cli *cli, void *sub, uint64_t idle, uint64_t progress, qr_cli_idle *w,
                      int *status)
{
    int64_t now = monotonic_ms();
    if (!w->since_ms || progress != w->seen) {
        w->seen = progress;
        w->since_ms = now;
    }
    if (idle && now - w->since_ms >= (int64_t)idle * 1000) {
        *status = qr_cli_fail(cli, QR_TIMEOUT, "nothing new for %llu seconds",
                              (unsigned long long)idle);
        return -1;
    }
    zmq_pollitem_t it = {sub, 0, ZMQ_POLLIN, 0};
    int r = zmq_poll(&it, 1, 1000);
    if (r < 0 && zmq_errno() != EINTR) {
        *status = 10;
        return -1;
    }
    return r > 0;
}
