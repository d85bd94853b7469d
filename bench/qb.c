/*
 * qb.c: the benchmark programs' shared harness: clocks and statistics, result rows, starting
 * and stopping quorumd with bounded waits, keys, connections and the statements benchmarks
 * send.  See qb.h for how results are reported and how processes are looked after.
 */
#include "qb.h"

#include "util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- time and statistics ---------------------------------------------------------------- */

double qb_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void qb_samples_add(qb_samples *s, double x)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 1024;
        double *v = realloc(s->v, cap * sizeof *v);
        if (!v)
            qb_die("out of memory");
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = x;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double qb_samples_pct(qb_samples *s, double p)
{
    if (s->n == 0)
        return 0;
    qsort(s->v, s->n, sizeof *s->v, cmp_double);
    double rank = ceil(p / 100.0 * (double)s->n);
    size_t i = rank < 1 ? 0 : (size_t)rank - 1;
    return s->v[i < s->n ? i : s->n - 1];
}

double qb_samples_mean(const qb_samples *s)
{
    double sum = 0;
    for (size_t i = 0; i < s->n; i++)
        sum += s->v[i];
    return s->n ? sum / (double)s->n : 0;
}

void qb_samples_free(qb_samples *s)
{
    free(s->v);
    memset(s, 0, sizeof *s);
}

void qb_row(const char *id, const char *label, const char *unit, const char *better,
            const char *target, const char *cmp, const double *v, size_t n)
{
    printf("row\t%s\t%s\t%s\t%s\t%s\t%s", id, label, unit, better, target, cmp);
    for (size_t i = 0; i < n; i++)
        printf("\t%.3f", v[i]);
    printf("\n");
    fflush(stdout);
}

void qb_note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("note\t");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
}

void qb_say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "  ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
}

void qb_die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "bench: error: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

/* ---- arguments ------------------------------------------------------------------------- */

const char *qb_opt(int argc, char **argv, const char *name, const char *def)
{
    for (int i = 1; i + 1 < argc; i++)
        if (argv[i][0] == '-' && argv[i][1] == '-' && strcmp(argv[i] + 2, name) == 0)
            return argv[i + 1];
    return def;
}

long qb_opt_long(int argc, char **argv, const char *name, long def)
{
    const char *v = qb_opt(argc, argv, name, NULL);
    char *end;
    if (!v)
        return def;
    long x = strtol(v, &end, 10);
    if (*end || end == v)
        qb_die("--%s takes a whole number, not '%s'", name, v);
    return x;
}

double qb_opt_double(int argc, char **argv, const char *name, double def)
{
    const char *v = qb_opt(argc, argv, name, NULL);
    char *end;
    if (!v)
        return def;
    double x = strtod(v, &end);
    if (*end || end == v)
        qb_die("--%s takes a number, not '%s'", name, v);
    return x;
}

size_t qb_list(const char *s, long *out, size_t max)
{
    size_t n = 0;
    while (s && *s && n < max) {
        char *end;
        long x = strtol(s, &end, 10);
        if (end == s)
            qb_die("'%s' is not a list of numbers", s);
        out[n++] = x;
        s = *end == ',' ? end + 1 : end;
        if (*end && *end != ',')
            qb_die("'%s' is not a comma-separated list of numbers", s);
    }
    return n;
}

/* ---- child processes -------------------------------------------------------------------- */

#define QB_MAX_CHILDREN 16
static volatile pid_t children[QB_MAX_CHILDREN];
static int cleanup_installed;

static void forget_child(pid_t pid)
{
    for (int i = 0; i < QB_MAX_CHILDREN; i++)
        if (children[i] == pid)
            children[i] = 0;
}

static void remember_child(pid_t pid)
{
    for (int i = 0; i < QB_MAX_CHILDREN; i++)
        if (children[i] == 0) {
            children[i] = pid;
            return;
        }
    kill(pid, SIGKILL);
    qb_die("too many child processes");
}

/* Bounded: SIGTERM, up to 10 s, then SIGKILL. */
static void stop_children(void)
{
    for (int i = 0; i < QB_MAX_CHILDREN; i++) {
        pid_t pid = children[i];
        if (pid <= 0)
            continue;
        kill(pid, SIGTERM);
        double end = qb_now() + 10;
        while (waitpid(pid, NULL, WNOHANG) == 0 && qb_now() < end)
            usleep(10000);
        if (kill(pid, 0) == 0) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
        }
        children[i] = 0;
    }
}

static void on_fatal_signal(int sig)
{
    for (int i = 0; i < QB_MAX_CHILDREN; i++)
        if (children[i] > 0)
            kill(children[i], SIGKILL);
    static const char msg[] = "bench: stopped by a signal (or the watchdog); daemons killed\n";
    if (write(2, msg, sizeof msg - 1) < 0)
        sig = 0;
    _exit(sig == SIGALRM ? 124 : 1);
}

static void install_cleanup(void)
{
    if (cleanup_installed)
        return;
    cleanup_installed = 1;
    atexit(stop_children);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGALRM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

void qb_watchdog(unsigned seconds)
{
    install_cleanup();
    alarm(seconds);
}

/* ---- quorumd --------------------------------------------------------------------------- */

static int port_free(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int ok = fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

int qb_free_ports(void)
{
    for (int attempt = 0; attempt < 50; attempt++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
        socklen_t len = sizeof a;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
            getsockname(fd, (struct sockaddr *)&a, &len) != 0)
            qb_die("cannot find a free loopback port: %s", strerror(errno));
        int port = ntohs(a.sin_port);
        close(fd);
        if (port < 65535 && port_free(port) && port_free(port + 1))
            return port;
    }
    qb_die("cannot find two free consecutive loopback ports");
}

void qb_daemon_start(qb_daemon *d, const char *quorumd, const char *state, const char *const *extra)
{
    install_cleanup();
    memset(d, 0, sizeof *d);
    snprintf(d->state, sizeof d->state, "%s", state);
    snprintf(d->log, sizeof d->log, "%s.log", state);
    if (qr_mkdir_p(state, 0700) != QR_OK)
        qb_die("cannot create %s: %s", state, strerror(errno));
    int port = qb_free_ports();
    snprintf(d->request, sizeof d->request, "tcp://127.0.0.1:%d", port);
    snprintf(d->events, sizeof d->events, "tcp://127.0.0.1:%d", port + 1);
    const char *argv[64] = {quorumd,   "--state_dir",        state,      "--origin",
                            QB_ORIGIN, "--request_endpoint", d->request, "--event_endpoint",
                            d->events, "--log_level",        "warn"};
    int argc = 11;
    for (int i = 0; extra && extra[i] && argc < 62; i++)
        argv[argc++] = extra[i];
    argv[argc] = NULL;
    pid_t parent = getpid();
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        qb_die("fork: %s", strerror(errno));
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the benchmark */
        if (getppid() != parent)
            _exit(127);
        int log = open(d->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (log < 0 || null < 0 || dup2(null, 0) < 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0)
            _exit(127);
        execv(quorumd, (char *const *)argv);
        _exit(127);
    }
    d->pid = pid;
    remember_child(pid);
}

static void die_exited(qb_daemon *d, int status)
{
    forget_child(d->pid);
    d->pid = 0;
    char tail[2048] = "";
    FILE *f = fopen(d->log, "r");
    if (f) {
        fseek(f, 0, SEEK_END);
        long sz = ftell(f);
        fseek(f, sz > 1500 ? sz - 1500 : 0, SEEK_SET);
        size_t n = fread(tail, 1, sizeof tail - 1, f);
        tail[n] = 0;
        fclose(f);
    }
    qb_die("quorumd exited (status %d) before it was ready; its log %s ends:\n%s", status, d->log,
           tail);
}

double qb_daemon_wait_port(qb_daemon *d, double timeout)
{
    double start = qb_now();
    int port = atoi(strrchr(d->request, ':') + 1);
    for (;;) {
        int status;
        if (waitpid(d->pid, &status, WNOHANG) == d->pid)
            die_exited(d, status);
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
        if (fd >= 0)
            close(fd);
        if (ok)
            return qb_now() - start;
        if (qb_now() - start > timeout)
            qb_die("quorumd did not open %s within %.0f s (log: %s)", d->request, timeout, d->log);
        usleep(2000);
    }
}

void qb_daemon_wait_ready(qb_daemon *d, const qr_key *k, double timeout)
{
    double end = qb_now() + timeout;
    char path[1200], err[512];
    qb_daemon_wait_port(d, timeout);
    snprintf(path, sizeof path, "%s/quorumd.pub", d->state);
    qr_key *pub = NULL;
    if (qr_key_load(path, &pub, err, sizeof err) != QR_OK)
        qb_die("%s", err);
    memcpy(d->server_pk, pub->curve_pk, 32);
    qr_key_destroy(&pub);
    while (qb_now() < end) {
        int status;
        if (waitpid(d->pid, &status, WNOHANG) == d->pid)
            die_exited(d, status);
        qr_client *c = qb_connect(d, k, 1000);
        Quorum__Request req = QUORUM__REQUEST__INIT;
        Quorum__ListForums lf = QUORUM__LIST_FORUMS__INIT;
        Quorum__Reply *r = NULL;
        req.op_case = QUORUM__REQUEST__OP_LIST_FORUMS;
        req.list_forums = &lf;
        int rc = qr_client_call(c, &req, &r);
        if (r)
            quorum__reply__free_unpacked(r, NULL);
        qr_client_destroy(&c);
        if (rc == QR_OK)
            return;
    }
    qb_die("quorumd on %s did not answer within %.0f s (log: %s)", d->request, timeout, d->log);
}

int qb_daemon_stop(qb_daemon *d)
{
    if (d->pid <= 0)
        return -1;
    int status = -1;
    kill(d->pid, SIGTERM);
    double end = qb_now() + 30;
    pid_t w = 0;
    while ((w = waitpid(d->pid, &status, WNOHANG)) == 0 && qb_now() < end)
        usleep(5000);
    if (w == 0) {
        qb_say("quorumd %d did not stop within 30 s of SIGTERM: killed", (int)d->pid);
        kill(d->pid, SIGKILL);
        waitpid(d->pid, &status, 0);
        status = -1;
    }
    forget_child(d->pid);
    d->pid = 0;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

long qb_peak_rss_kib(pid_t pid)
{
    char path[64], line[256];
    long kib = -1;
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %ld kB", &kib) == 1)
            break;
    if (f)
        fclose(f);
    return kib;
}

double qb_cpu_seconds(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = 0;
    /* fields 14 and 15 (utime, stime) follow the command name, which is in parentheses */
    char *p = strrchr(buf, ')');
    unsigned long long ut = 0, st = 0;
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
        return 0;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* ---- keys and clients ------------------------------------------------------------------- */

qr_key *qb_key(const char *name)
{
    qr_key *k = qr_key_generate(name);
    if (!k)
        qb_die("cannot generate a key");
    return k;
}

void qb_key_save(const qr_key *k, const char *path)
{
    if (qr_key_save_secret(k, path) != QR_OK)
        qb_die("cannot write key file %s (it must not exist yet)", path);
}

void qb_allow(const char *path, qr_key *const *keys, size_t n)
{
    FILE *f = fopen(path, "a");
    if (!f)
        qb_die("cannot write %s", path);
    for (size_t i = 0; i < n; i++) {
        char *b = qr_b64(keys[i]->curve_pk, 32);
        fprintf(f, "%s %s\n", keys[i]->name, b ? b : "");
        free(b);
    }
    if (fclose(f) != 0)
        qb_die("cannot write %s", path);
}

qr_client *qb_connect(const qb_daemon *d, const qr_key *k, int timeout_ms)
{
    char err[512];
    qr_client *c = NULL;
    qr_client_opts o = {d->request, k, d->server_pk, timeout_ms};
    if (qr_client_new(&o, &c, err, sizeof err) != QR_OK)
        qb_die("cannot connect to %s: %s", d->request, err);
    return c;
}

void qb_submit_request(Quorum__Request *req, Quorum__Submit *sub, const uint8_t *bytes, size_t len)
{
    quorum__request__init(req);
    quorum__submit__init(sub);
    sub->signed_statement = (ProtobufCBinaryData){len, (uint8_t *)bytes};
    req->op_case = QUORUM__REQUEST__OP_SUBMIT;
    req->submit = sub;
}

int qb_submit(qr_client *c, const uint8_t *bytes, size_t len, uint64_t *seq)
{
    Quorum__Request req;
    Quorum__Submit sub;
    Quorum__Reply *r = NULL;
    qb_submit_request(&req, &sub, bytes, len);
    int rc = qr_client_call(c, &req, &r);
    if (rc == QR_OK) {
        rc = qr_reply_code(r);
        if (rc != QR_OK)
            qb_say("refused: %s: %s", r->status->code,
                   r->status->message ? r->status->message : "");
        else if (r->result_case != QUORUM__REPLY__RESULT_SUBMITTED)
            rc = QR_BAD_REQUEST;
        else if (seq)
            *seq = r->submitted->seq;
    }
    if (r)
        quorum__reply__free_unpacked(r, NULL);
    return rc;
}

/* ---- statements ------------------------------------------------------------------------- */

void qb_seal(const Quorum__Statement *st, const qr_key *k, uint8_t **out, size_t *len)
{
    if (qr_statement_seal(st, k, out, len) != QR_OK)
        qb_die("cannot sign a statement");
}

void qb_seal_charter(const qr_key *op, const char *forum, qr_key *const *clerks, size_t nclerks,
                     uint8_t **out, size_t *len)
{
    char name[128];
    snprintf(name, sizeof name, "Benchmark forum %s", forum);
    Quorum__Charter c = QUORUM__CHARTER__INIT;
    Quorum__Relationship rel = QUORUM__RELATIONSHIP__INIT, *relp = &rel;
    rel.body = "Health and Wellbeing Board";
    rel.relation = "reports to";
    c.name = name;
    c.purpose = "Joint decisions on community services, measured by bench/";
    c.capacity = QUORUM__CAPACITY__DELEGATED;
    c.decision_rule = QUORUM__DECISION_RULE__CONSENSUS;
    c.n_relationships = 1;
    c.relationships = &relp;
    Quorum__Party *parties = calloc(nclerks ? nclerks : 1, sizeof *parties);
    Quorum__Party **pp = calloc(nclerks ? nclerks : 1, sizeof *pp);
    if (!parties || !pp)
        qb_die("out of memory");
    for (size_t i = 0; i < nclerks; i++) {
        quorum__party__init(&parties[i]);
        parties[i].name = (char *)clerks[i]->name;
        parties[i].sign_key = (ProtobufCBinaryData){32, clerks[i]->sign_pk};
        parties[i].curve_key = (ProtobufCBinaryData){32, clerks[i]->curve_pk};
        pp[i] = &parties[i];
    }
    c.n_clerks = nclerks;
    c.clerks = pp;
    Quorum__Statement st = QUORUM__STATEMENT__INIT;
    Quorum__ForumChartered fc = QUORUM__FORUM_CHARTERED__INIT;
    fc.charter = &c;
    st.forum = (char *)forum;
    st.signed_at = qr_now();
    st.kind_case = QUORUM__STATEMENT__KIND_FORUM_CHARTERED;
    st.forum_chartered = &fc;
    qb_seal(&st, op, out, len);
    free(parties);
    free(pp);
}

void qb_seal_meeting_open(const qr_key *clerk, const char *forum, const char *meeting,
                          uint8_t **out, size_t *len)
{
    Quorum__Statement st = QUORUM__STATEMENT__INIT;
    Quorum__MeetingOpened mo = QUORUM__MEETING_OPENED__INIT;
    mo.meeting = (char *)meeting;
    mo.date = qr_now();
    mo.place = "Committee Room 1";
    st.forum = (char *)forum;
    st.signed_at = qr_now();
    st.kind_case = QUORUM__STATEMENT__KIND_MEETING_OPENED;
    st.meeting_opened = &mo;
    qb_seal(&st, clerk, out, len);
}

void qb_seal_tabled(const qr_key *clerk, const char *forum, const char *meeting,
                    const char *proposal, uint8_t **out, size_t *len)
{
    char title[128];
    snprintf(title, sizeof title, "Community discharge hub, option %s", proposal);
    Quorum__Statement st = QUORUM__STATEMENT__INIT;
    Quorum__ProposalTabled pt = QUORUM__PROPOSAL_TABLED__INIT;
    pt.proposal = (char *)proposal;
    pt.meeting = (char *)meeting;
    pt.title = title;
    pt.text = "Fund a seven-day discharge hub at the community hospital for twelve months.";
    pt.matter_class = "service-change";
    pt.financial_value = 20000000;
    pt.stage = QUORUM__STAGE__CHOOSE;
    st.forum = (char *)forum;
    st.signed_at = qr_now();
    st.kind_case = QUORUM__STATEMENT__KIND_PROPOSAL_TABLED;
    st.proposal_tabled = &pt;
    qb_seal(&st, clerk, out, len);
}

void qb_forum_setup(qr_client *op_conn, const qr_key *op, const char *forum, qr_key *const *clerks,
                    size_t nclerks, const char *meeting)
{
    uint8_t *b = NULL;
    size_t n = 0;
    qb_seal_charter(op, forum, clerks, nclerks, &b, &n);
    int rc = qb_submit(op_conn, b, n, NULL);
    free(b);
    if (rc != QR_OK)
        qb_die("cannot charter forum %s: %s", forum, qr_code_name(rc));
    if (!meeting)
        return;
    qb_seal_meeting_open(clerks[0], forum, meeting, &b, &n);
    rc = qb_submit(op_conn, b, n, NULL);
    free(b);
    if (rc != QR_OK)
        qb_die("cannot open meeting %s of forum %s: %s", meeting, forum, qr_code_name(rc));
}
