/*
 * config.c: the option table and its parsers.
 */
#include "config.h"

#include "log.h"
#include "wire.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef enum { OPT_STRING, OPT_BOOL, OPT_LONG, OPT_LEVEL } opt_type;

typedef struct {
    const char *name;
    opt_type type;
    size_t offset;
    size_t size;      /* string buffer size */
    long min, max;    /* OPT_LONG bounds */
    const char *def;
    const char *help;
} option;

#define S(field) offsetof(qr_config, field), sizeof(((qr_config *)0)->field)
#define N(field) offsetof(qr_config, field), 0

static const option options[] = {
    {"state_dir", OPT_STRING, S(state_dir), 0, 0, "./quorum-state",
     "directory for the database, keys and lock file (created 0700)"},
    {"request_endpoint", OPT_STRING, S(request_endpoint), 0, 0, "tcp://127.0.0.1:7370",
     "ZeroMQ endpoint of the request socket (ROUTER)"},
    {"event_endpoint", OPT_STRING, S(event_endpoint), 0, 0, "tcp://127.0.0.1:7371",
     "ZeroMQ endpoint of the event socket (XPUB)"},
    {"origin", OPT_STRING, S(origin), 0, 0, "quorum.localhost",
     "checkpoint origin prefix: forums are <origin>/forum/<id>"},
    {"curve", OPT_BOOL, N(curve), 0, 1, "on",
     "CURVE encryption and key allow-list on both sockets; off is allowed on loopback only"},
    {"allow_keys", OPT_STRING, S(allow_keys), 0, 0, "",
     "file of transport keys allowed to connect, one '<name> <curve key base64>' a line "
     "(default <state_dir>/allow.keys if it exists)"},
    {"operator_key", OPT_STRING, S(operator_key), 0, 0, "",
     "operator key file, secret or public (default <state_dir>/operator.key, made on first run)"},
    {"key_file", OPT_STRING, S(key_file), 0, 0, "",
     "the daemon's own key file (default <state_dir>/quorumd.key, made on first run)"},
    {"max_message_size", OPT_LONG, N(max_message_size), 1024, QR_MAX_MESSAGE, "262144",
     "largest request accepted, in bytes"},
    {"batch_max", OPT_LONG, N(batch_max), 1, 100000, "1024",
     "most statements committed in one transaction (group commit)"},
    {"hwm", OPT_LONG, N(hwm), 1, 10000000, "100000",
     "high-water mark of each socket, in messages"},
    {"log_level", OPT_LEVEL, N(log_level), 0, 0, "info", "error, warn, info or debug"},
};

#define NOPTIONS (sizeof options / sizeof *options)

static void set_err(char *err, size_t errlen, const char *fmt, ...) QR_PRINTF(3, 4);
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static const option *find(const char *name)
{
    for (size_t i = 0; i < NOPTIONS; i++)
        if (strcmp(options[i].name, name) == 0)
            return &options[i];
    return NULL;
}

int qr_config_is_option(const char *name)
{
    return find(name) != NULL;
}

static int set_one(qr_config *c, const option *o, const char *v, char *err, size_t errlen)
{
    char *base = (char *)c + o->offset;
    switch (o->type) {
    case OPT_STRING:
        if (strlen(v) >= o->size) {
            set_err(err, errlen, "%s: the value is longer than %zu characters", o->name,
                    o->size - 1);
            return QR_BAD_CONFIG;
        }
        memcpy(base, v, strlen(v) + 1);
        return QR_OK;
    case OPT_BOOL:
        if (!strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "1"))
            *(int *)base = 1;
        else if (!strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "0"))
            *(int *)base = 0;
        else {
            set_err(err, errlen, "%s: '%s' is not on or off", o->name, v);
            return QR_BAD_CONFIG;
        }
        return QR_OK;
    case OPT_LONG: {
        char *end;
        errno = 0;
        long n = strtol(v, &end, 10);
        if (errno || end == v || *end || n < o->min || n > o->max) {
            set_err(err, errlen, "%s: '%s' is not a whole number from %ld to %ld", o->name, v,
                    o->min, o->max);
            return QR_BAD_CONFIG;
        }
        *(long *)base = n;
        return QR_OK;
    }
    case OPT_LEVEL: {
        int l = qr_log_level_parse(v);
        if (l < 0) {
            set_err(err, errlen, "%s: '%s' is not one of error, warn, info, debug", o->name, v);
            return QR_BAD_CONFIG;
        }
        *(int *)base = l;
        return QR_OK;
    }
    }
    return QR_INTERNAL;
}

void qr_config_defaults(qr_config *c)
{
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < NOPTIONS; i++)
        set_one(c, &options[i], options[i].def, NULL, 0);
}

int qr_config_set(qr_config *c, const char *name, const char *value, char *err, size_t errlen)
{
    const option *o = find(name);
    if (!o) {
        set_err(err, errlen, "%s: there is no such option (quorumd --help lists them)", name);
        return QR_BAD_CONFIG;
    }
    return set_one(c, o, value, err, errlen);
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = 0;
    return s;
}

int qr_config_load_file(qr_config *c, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        set_err(err, errlen, "cannot open configuration file %s: %s", path, strerror(errno));
        return QR_BAD_CONFIG;
    }
    char line[2048], inner[512];
    int lineno = 0, rc = QR_OK;
    while (rc == QR_OK && fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            set_err(err, errlen, "%s:%d: line too long", path, lineno);
            rc = QR_BAD_CONFIG;
            break;
        }
        char *hash = strchr(line, '#');
        if (hash)
            *hash = 0;
        char *s = trim(line);
        if (!*s)
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            set_err(err, errlen, "%s:%d: expected 'name = value'", path, lineno);
            rc = QR_BAD_CONFIG;
            break;
        }
        *eq = 0;
        if ((rc = qr_config_set(c, trim(s), trim(eq + 1), inner, sizeof inner)) != QR_OK)
            set_err(err, errlen, "%s:%d: %s", path, lineno, inner);
    }
    fclose(f);
    return rc;
}

int qr_config_check(const qr_config *c, char *err, size_t errlen)
{
    if (!c->curve && !(qr_endpoint_is_loopback(c->request_endpoint) &&
                       qr_endpoint_is_loopback(c->event_endpoint))) {
        set_err(err, errlen,
                "curve: plaintext (curve = off) is allowed only on loopback endpoints, and "
                "%s or %s is not loopback",
                c->request_endpoint, c->event_endpoint);
        return QR_BAD_CONFIG;
    }
    if (!*c->origin || strchr(c->origin, ' ') || strchr(c->origin, '+')) {
        set_err(err, errlen, "origin: '%s' must be non-empty with no spaces or '+'", c->origin);
        return QR_BAD_CONFIG;
    }
    if (!*c->state_dir) {
        set_err(err, errlen, "state_dir: must not be empty");
        return QR_BAD_CONFIG;
    }
    return QR_OK;
}

void qr_config_print(const qr_config *c, FILE *f, int with_help)
{
    static const char *const levels[] = {"error", "warn", "info", "debug"};
    for (size_t i = 0; i < NOPTIONS; i++) {
        const option *o = &options[i];
        const char *base = (const char *)c + o->offset;
        if (with_help)
            fprintf(f, "  # %s (default: %s)\n", o->help, *o->def ? o->def : "\"\"");
        switch (o->type) {
        case OPT_STRING: fprintf(f, "  %s = %s\n", o->name, base); break;
        case OPT_BOOL: fprintf(f, "  %s = %s\n", o->name, *(const int *)base ? "on" : "off"); break;
        case OPT_LONG: fprintf(f, "  %s = %ld\n", o->name, *(const long *)base); break;
        case OPT_LEVEL: fprintf(f, "  %s = %s\n", o->name, levels[*(const int *)base & 3]); break;
        }
    }
}
