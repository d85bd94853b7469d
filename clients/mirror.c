/*
 * mirror.c: quorum-mirror's main: configuration, start-up, the loop.
 */
#include "mirror.h"

#include "log.h"
#include "util.h"
#include "witness.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <zmq.h>

static volatile int stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

typedef struct {
    const char *name;
    size_t offset, size; /* size 0: a number from min to max */
    long min, max;
    const char *def, *help;
} option;

#define S(f) offsetof(qr_mirror_cfg, f), sizeof(((qr_mirror_cfg *)0)->f), 0, 0
#define N(f, min, max) offsetof(qr_mirror_cfg, f), 0, min, max
static const option options[] = {
    {"organisation", S(organisation), "", "the organisation this mirror keeps the record for"},
    {"key", S(key), "",
     "this mirror's key file: its CURVE key connects, its signing key cosigns (name it in each "
     "forum's charter with --witness ORG=KEYFILE)"},
    {"endpoint", S(endpoint), "tcp://127.0.0.1:7370", "the daemon's request endpoint"},
    {"events", S(events), "tcp://127.0.0.1:7371", "the daemon's event endpoint"},
    {"server_key", S(server_key), "", "the daemon's public key file (quorumd.pub)"},
    {"database", S(database), "", "this mirror's SQLite file (made on first run)"},
    {"alert_command", S(alert_command), "",
     "shell command run for each alert, with QUORUM_ALERT, QUORUM_FORUM, QUORUM_SEQ, "
     "QUORUM_ORGANISATION and QUORUM_MESSAGE in its environment"},
    {"poll_seconds", N(poll_seconds, 1, 3600), "5",
     "how often to look for new forums and check every forum's tail"},
    {"hwm", N(hwm, 1, 1000000), "1000",
     "events queued for this mirror before the newest are dropped (a gap is fetched)"},
};
#define NOPTIONS (sizeof options / sizeof *options)

static int set_option(qr_mirror_cfg *c, const char *name, const char *value)
{
    for (size_t i = 0; i < NOPTIONS; i++) {
        const option *o = &options[i];
        if (strcmp(o->name, name) != 0)
            continue;
        char *field = (char *)c + o->offset;
        if (o->size == 0) {
            char *end;
            long v = strtol(value, &end, 10);
            if (*value == 0 || *end || v < o->min || v > o->max) {
                fprintf(stderr, "quorum-mirror: %s: '%s' is not a number from %ld to %ld\n",
                        name, value, o->min, o->max);
                return QR_BAD_CONFIG;
            }
            *(long *)field = v;
        } else if (strlen(value) >= o->size) {
            fprintf(stderr, "quorum-mirror: %s: the value is too long\n", name);
            return QR_BAD_CONFIG;
        } else {
            memcpy(field, value, strlen(value) + 1);
        }
        return QR_OK;
    }
    fprintf(stderr, "quorum-mirror: %s: there is no such option (quorum-mirror --help)\n", name);
    return QR_BAD_CONFIG;
}

static int load_config(qr_mirror_cfg *c, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "quorum-mirror: cannot open %s: %s\n", path, strerror(errno));
        return QR_BAD_CONFIG;
    }
    char line[2048], name[64], value[1024];
    int rc = QR_OK, lineno = 0;
    while (rc == QR_OK && fgets(line, sizeof line, f)) {
        lineno++;
        char *s = line + strspn(line, " \t");
        if (*s == '#' || *s == '\n' || !*s)
            continue;
        value[0] = 0;
        if (sscanf(s, "%63[a-z_] = %1023[^\n]", name, value) < 1) {
            fprintf(stderr, "quorum-mirror: %s:%d: expected 'name = value'\n", path, lineno);
            rc = QR_BAD_CONFIG;
        } else
            rc = set_option(c, name, value);
    }
    fclose(f);
    return rc;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: quorum-mirror [--config FILE] [--once] [--OPTION VALUE ...]\n\n"
               "Keeps this organisation's own verified, witnessed copy of every forum it can "
               "read,\ncosigns what it has verified, and raises alerts.\n\nOptions:\n");
    for (size_t i = 0; i < NOPTIONS; i++)
        fprintf(f, "  %-14s %s (default: %s)\n", options[i].name, options[i].help,
                *options[i].def ? options[i].def : "none");
    fprintf(f, "  --once         catch up with every forum, cosign, and exit\n"
               "\nExample configuration (/etc/quorum/mirror-nhft.conf):\n"
               "  organisation = nhft\n  key = /var/lib/quorum-mirror/nhft/witness.key\n"
               "  endpoint = tcp://quorum.example.nhs.uk:7370\n"
               "  events = tcp://quorum.example.nhs.uk:7371\n"
               "  server_key = /etc/quorum/quorumd.pub\n"
               "  database = /var/lib/quorum-mirror/nhft/mirror.db\n"
               "  alert_command = /usr/local/bin/notify-governance-team\n");
}

static int check_config(const qr_mirror_cfg *c)
{
    const char *missing = !*c->organisation ? "organisation"
                          : !*c->key        ? "key"
                          : !*c->server_key ? "server_key"
                          : !*c->database   ? "database"
                                            : NULL;
    if (missing) {
        fprintf(stderr, "quorum-mirror: %s: must be set (quorum-mirror --help)\n", missing);
        return QR_BAD_CONFIG;
    }
    if (!qr_valid_id(c->organisation)) {
        fprintf(stderr, "quorum-mirror: organisation: '%s' is not an organisation id\n",
                c->organisation);
        return QR_BAD_CONFIG;
    }
    return QR_OK;
}

static int open_mirror(qr_mirror *m)
{
    char err[1024], lock[1100];
    int rc;
    snprintf(lock, sizeof lock, "%s.lock", m->cfg.database);
    m->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (m->lock_fd < 0 || flock(m->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        qr_error("another quorum-mirror is using %s", m->cfg.database);
        return QR_UNAVAILABLE;
    }
    if ((rc = qr_key_load(m->cfg.key, &m->key, err, sizeof err)) != QR_OK ||
        (rc = qr_key_load(m->cfg.server_key, &m->server, err, sizeof err)) != QR_OK) {
        qr_error("%s", err);
        return rc;
    }
    if (!m->key->has_secret) {
        qr_error("%s holds no secret key: the mirror signs its cosignatures with it",
                 m->cfg.key);
        return QR_BAD_KEY;
    }
    if ((rc = qr_store_open(m->cfg.database, 0, &m->store, err, sizeof err)) != QR_OK) {
        qr_error("%s", err);
        return rc;
    }
    qr_client_opts o = {m->cfg.endpoint, m->key, m->server->curve_pk, m->cfg.timeout_ms};
    if ((rc = qr_client_new(&o, &m->conn, err, sizeof err)) != QR_OK) {
        qr_error("%s", err);
        return rc;
    }
    if ((m->sub = zmq_socket(qr_client_context(m->conn), ZMQ_SUB)) == NULL)
        return QR_INTERNAL;
    qr_wire_socket_defaults(m->sub);
    int hwm = (int)m->cfg.hwm;
    zmq_setsockopt(m->sub, ZMQ_RCVHWM, &hwm, sizeof hwm);
    /* Our organisation's feed: what binds or concerns it, and forums it newly sits on. */
    char topic[QR_MAX_ID + 16];
    qr_topic_org(m->cfg.organisation, topic, sizeof topic);
    zmq_setsockopt(m->sub, ZMQ_SUBSCRIBE, topic, strlen(topic));
    if ((rc = qr_wire_curve_client(m->sub, m->key, m->server->curve_pk)) != QR_OK)
        return rc;
    if (zmq_connect(m->sub, m->cfg.events) != 0) {
        qr_error("cannot connect to %s", m->cfg.events);
        return QR_BAD_CONFIG;
    }
    /* Subscribe before fetching anything (Clone pattern), then catch up. */
    return qr_mirror_open_forums(m);
}

/* Learn of new forums, then make sure every forum is complete and cosigned. */
static int poll_all(qr_mirror *m)
{
    Quorum__Request req = QUORUM__REQUEST__INIT;
    Quorum__ListForums lf = QUORUM__LIST_FORUMS__INIT;
    Quorum__Reply *r = NULL;
    req.op_case = QUORUM__REQUEST__OP_LIST_FORUMS;
    req.list_forums = &lf;
    int rc = qr_client_call(m->conn, &req, &r);
    if (rc != QR_OK) {
        qr_warn("no answer from %s: %s", m->cfg.endpoint, qr_strerror(rc));
        return rc;
    }
    if (qr_reply_code(r) == QR_OK && r->result_case == QUORUM__REPLY__RESULT_FORUMS)
        for (size_t i = 0; i < r->forums->n_forums; i++) {
            qr_mforum *f = qr_mirror_forum(m, r->forums->forums[i]->forum, 1);
            if (f && !f->halted)
                qr_mirror_sync(m, f);
        }
    quorum__reply__free_unpacked(r, NULL);
    qr_mirror_overdue(m);
    return QR_OK;
}

/* An announcement on our organisation's feed (not an entry). */
static void handle_notice(qr_mirror *m, const Quorum__Event *ev)
{
    if (strcmp(ev->notice, "overdue-action") == 0 && qr_valid_id(ev->forum) &&
        qr_valid_id(ev->subject)) {
        char key[160];
        snprintf(key, sizeof key, "overdue/%s/%s", ev->forum, ev->subject);
        qr_mirror_alert(m, "overdue-action", ev->forum, 0, key, "%.900s",
                        ev->message ? ev->message : "");
    }
}

/* One event, from a forum's topic or our organisation's.  Either way the entry is only a cue:
 * what the mirror keeps is fetched and checked against a signed checkpoint (qr_mirror_sync). */
static void handle_event(qr_mirror *m)
{
    char topic[QR_TOPIC_MAX], id[QR_MAX_ID + 1];
    Quorum__Event *ev = NULL;
    int is_org = 0;
    qr_wire_recv_event(m->sub, topic, &ev);
    /* A forum's event comes on that forum's topic; our feed's from any forum. */
    if (ev && (qr_topic_parse((const uint8_t *)topic, strlen(topic), &is_org, id) != QR_OK ||
               (!is_org && (!ev->forum || strcmp(ev->forum, id) != 0)))) {
        quorum__event__free_unpacked(ev, NULL);
        ev = NULL;
    }
    if (ev && ev->entry.len)
        m->events++;
    if (ev && is_org && ev->notice && *ev->notice) {
        handle_notice(m, ev);
        quorum__event__free_unpacked(ev, NULL);
        ev = NULL;
    }
    qr_mforum *f = ev && ev->forum ? qr_mirror_forum(m, ev->forum, 1) : NULL;
    if (f && !f->halted) {
        const qr_store_forum *sf = qr_store_forum_find(m->store, f->forum);
        uint64_t have = sf ? sf->size : 0;
        uint64_t known = ev->entry.len ? ev->seq + 1 : ev->size;
        if (known > have)
            qr_mirror_sync(m, f); /* fetch, verify against the checkpoint, append, cosign */
        else if (ev->checkpoint && *ev->checkpoint)
            qr_mirror_check_checkpoint(m, f, ev->checkpoint);
    }
    if (ev)
        quorum__event__free_unpacked(ev, NULL);
}

static int run(qr_mirror *m, int once)
{
    int64_t next_poll = 0;
    while (!stop_flag) {
        if (qr_now() >= next_poll) {
            int rc = poll_all(m);
            if (once)
                return rc;
            next_poll = qr_now() + m->cfg.poll_seconds;
        }
        zmq_pollitem_t it = {m->sub, 0, ZMQ_POLLIN, 0};
        int r = zmq_poll(&it, 1, 1000);
        if (r < 0 && zmq_errno() != EINTR)
            return QR_INTERNAL;
        for (int n = 0; r > 0 && n < 1000 && !stop_flag; n++) {
            handle_event(m);
            int ev = 0;
            size_t len = sizeof ev;
            if (zmq_getsockopt(m->sub, ZMQ_EVENTS, &ev, &len) != 0 || !(ev & ZMQ_POLLIN))
                break;
        }
    }
    return QR_OK;
}

static void close_mirror(qr_mirror *m)
{
    for (size_t i = 0; i < m->forums.cap; i++)
        if (m->forums.keys[i]) {
            qr_mforum *f = m->forums.values[i];
            qr_rules_destroy(&f->rules);
            free(f);
        }
    qr_strmap_free(&m->forums);
    if (m->sub)
        zmq_close(m->sub);
    qr_client_destroy(&m->conn);
    qr_store_destroy(&m->store);
    qr_key_destroy(&m->key);
    qr_key_destroy(&m->server);
    if (m->lock_fd >= 0)
        close(m->lock_fd);
}

int main(int argc, char **argv)
{
    qr_mirror m;
    int once = 0;
    memset(&m, 0, sizeof m);
    m.lock_fd = -1;
    m.stop = &stop_flag;
    m.cfg.timeout_ms = 10000;
    qr_log_ident = "quorum-mirror";
    for (size_t i = 0; i < NOPTIONS; i++)
        set_option(&m.cfg, options[i].name, options[i].def);
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--config") && i + 1 < argc && load_config(&m.cfg, argv[++i]))
            return 2;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--config"))
            i++;
        else if (!strcmp(a, "--once"))
            once = 1;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--version")) {
            printf("quorum-mirror %s\n", QR_VERSION);
            return 0;
        } else if (!strncmp(a, "--", 2) && i + 1 < argc) {
            if (set_option(&m.cfg, a + 2, argv[++i]))
                return 2;
        } else {
            fprintf(stderr, "quorum-mirror: unknown argument '%s' (quorum-mirror --help)\n", a);
            return 2;
        }
    }
    if (check_config(&m.cfg) != QR_OK)
        return 2;
    if (sodium_init() < 0)
        return 10;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    int rc = open_mirror(&m);
    if (rc == QR_OK) {
        qr_info("mirroring for %s from %s into %s", m.cfg.organisation, m.cfg.endpoint,
                m.cfg.database);
        rc = run(&m, once);
        qr_info("stopping: %llu entries appended (%llu entry events heard; the rest fetched), "
                "%llu checkpoints cosigned, %llu alerts",
                (unsigned long long)m.appended, (unsigned long long)m.events,
                (unsigned long long)m.cosigned, (unsigned long long)m.alerts);
    }
    close_mirror(&m);
    return rc == QR_OK ? 0 : qr_code_exit(rc);
}
