/*
 * config.c: the option table, its parsers and checks.
 *
 * Every message names the option and says what is wrong with the value, so a bad file stops
 * the start with a sentence an operator can act on (see config.h for the file format).
 */
#include "config.h"

#include "log.h"
#include "wire.h"

#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef enum { OPT_STRING, OPT_PATH, OPT_BOOL, OPT_LONG, OPT_LEVEL } opt_type;

enum { OPT_RELOAD = 1 }; /* applied again on SIGHUP */

typedef struct {
    const char *name;
    opt_type type;
    size_t offset;
    size_t size;   /* string buffer size */
    long min, max; /* OPT_LONG bounds */
    const char *def;
    const char *help;
    unsigned flags;
} option;

#define S(field) offsetof(qr_config, field), sizeof(((qr_config *)0)->field)
#define N(field) offsetof(qr_config, field), 0

static const option options[] = {
    {"state_dir", OPT_PATH, S(state_dir), 0, 0, "${STATE_DIRECTORY:-./quorum-state}",
     "directory for the database, keys and lock file (created 0700); under systemd, the "
     "unit's StateDirectory=",
     0},
    {"request_endpoint", OPT_STRING, S(request_endpoint), 0, 0, "tcp://127.0.0.1:7370",
     "ZeroMQ endpoint of the request socket (ROUTER): tcp://HOST:PORT or ipc://PATH", 0},
    {"event_endpoint", OPT_STRING, S(event_endpoint), 0, 0, "tcp://127.0.0.1:7371",
     "ZeroMQ endpoint of the event socket (XPUB): tcp://HOST:PORT or ipc://PATH", 0},
    {"origin", OPT_STRING, S(origin), 0, 0, "quorum.localhost",
     "checkpoint origin prefix: forums are <origin>/forum/<id>; never change it once logs "
     "exist",
     0},
    {"curve", OPT_BOOL, N(curve), 0, 1, "on",
     "CURVE encryption and key allow-list on both sockets; off is allowed on loopback only", 0},
    {"allow_keys", OPT_PATH, S(allow_keys), 0, 0, "",
     "file of transport keys allowed to connect, one '<name> <curve key base64>' a line "
     "(default <state_dir>/allow.keys if it exists); re-read on SIGHUP",
     OPT_RELOAD},
    {"operator_key", OPT_PATH, S(operator_key), 0, 0, "",
     "operator key file, secret or public (default <state_dir>/operator.key, made on first run)",
     0},
    {"key_file", OPT_PATH, S(key_file), 0, 0, "",
     "the daemon's own key file (default <state_dir>/quorumd.key, made on first run); "
     "credential:NAME reads a systemd LoadCredential= file",
     0},
    {"backup_dir", OPT_PATH, S(backup_dir), 0, 0, "",
     "where 'quorum backup NAME' writes a bare file name (default <state_dir>/backups)", 0},
    {"max_message_size", OPT_LONG, N(max_message_size), 1024, QR_MAX_MESSAGE, "262144",
     "largest request accepted, in bytes", 0},
    {"batch_max", OPT_LONG, N(batch_max), 1, 100000, "1024",
     "most statements committed in one transaction (group commit)", 0},
    {"hwm", OPT_LONG, N(hwm), 1, 10000000, "100000", "high-water mark of each socket, in messages",
     0},
    {"rulebook_entries", OPT_LONG, N(rulebook_entries), 0, 1000000000, "100000",
     "forums' rulebook states kept in memory, in entries (about 300 bytes each); beyond it the "
     "least recently used are re-read from the database when next needed",
     0},
    {"log_level", OPT_LEVEL, N(log_level), 0, 0, "info",
     "error, warn, info or debug; re-read on SIGHUP", OPT_RELOAD},
};

#define NOPTIONS (sizeof options / sizeof *options)

static const char *const levels[] = {"error", "warn", "info", "debug"};

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

size_t qr_config_count(void)
{
    return NOPTIONS;
}

const char *qr_config_name_at(size_t i)
{
    return i < NOPTIONS ? options[i].name : NULL;
}

int qr_config_reloadable(const char *name)
{
    const option *o = find(name);
    return o && (o->flags & OPT_RELOAD);
}

static int set_long(const option *o, const char *v, long *out, char *err, size_t errlen)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (end == v || *end || !*v) {
        qr_errf(err, errlen, "%s: '%s' is not a whole number (expected %ld to %ld)", o->name, v,
                o->min, o->max);
        return QR_BAD_CONFIG;
    }
    if (errno == ERANGE || n < o->min || n > o->max) {
        qr_errf(err, errlen, "%s: %s is out of range: it must be from %ld to %ld", o->name, v,
                o->min, o->max);
        return QR_BAD_CONFIG;
    }
    *out = n;
    return QR_OK;
}

static int set_one(qr_config *c, const option *o, const char *v, char *err, size_t errlen)
{
    char *base = (char *)c + o->offset;
    switch (o->type) {
    case OPT_STRING:
    case OPT_PATH:
        if (strlen(v) >= o->size) {
            qr_errf(err, errlen, "%s: the value is longer than %zu characters", o->name,
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
            qr_errf(err, errlen, "%s: '%s' is not on or off (or yes/no, true/false, 1/0)", o->name,
                    v);
            return QR_BAD_CONFIG;
        }
        return QR_OK;
    case OPT_LONG:
        return set_long(o, v, (long *)base, err, errlen);
    case OPT_LEVEL: {
        int l = qr_log_level_parse(v);
        if (l < 0) {
            qr_errf(err, errlen, "%s: '%s' is not one of error, warn, info, debug", o->name, v);
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
        qr_errf(err, errlen, "%s: there is no such option (quorumd --help lists them)", name);
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

int qr_config_load_text(qr_config *c, const char *name, const char *text, size_t len, char *err,
                        size_t errlen)
{
    char line[2048], inner[512];
    int lineno = 0, rc = QR_OK;
    for (size_t pos = 0; rc == QR_OK && pos < len;) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
        lineno++;
        if (n > sizeof line - 2) { /* as long as fgets into line allowed, newline included */
            qr_errf(err, errlen, "%s:%d: line too long", name, lineno);
            return QR_BAD_CONFIG;
        }
        memcpy(line, text + pos, n);
        line[n] = 0;
        pos += n + (nl ? 1 : 0);
        char *hash = strchr(line, '#');
        if (hash)
            *hash = 0;
        char *s = trim(line);
        if (!*s)
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            qr_errf(err, errlen, "%s:%d: expected 'name = value'", name, lineno);
            return QR_BAD_CONFIG;
        }
        *eq = 0;
        if ((rc = qr_config_set(c, trim(s), trim(eq + 1), inner, sizeof inner)) != QR_OK)
            qr_errf(err, errlen, "%s:%d: %s", name, lineno, inner);
    }
    return rc;
}

int qr_config_load_file(qr_config *c, const char *path, char *err, size_t errlen)
{
    uint8_t *text = NULL;
    size_t len = 0;
    int rc = qr_read_stream(path, QR_CONFIG_MAX_FILE, &text, &len);
    if (rc == QR_TOO_LARGE) {
        qr_errf(err, errlen, "configuration file %s is larger than %d bytes", path,
                QR_CONFIG_MAX_FILE);
        return QR_BAD_CONFIG;
    }
    if (rc != QR_OK) {
        qr_errf(err, errlen, "cannot open configuration file %s: %s", path,
                rc == QR_NOMEM ? "out of memory" : strerror(errno));
        return QR_BAD_CONFIG;
    }
    rc = qr_config_load_text(c, path, (const char *)text, len, err, errlen);
    free(text);
    return rc;
}

/* tcp://HOST:PORT (HOST may be * for every interface) or ipc://PATH.  inproc is refused: no
 * client in another process could reach it. */
static int check_endpoint(const char *name, const char *ep, char *err, size_t errlen)
{
    if (strncmp(ep, "ipc://", 6) == 0 && ep[6])
        return QR_OK;
    if (strncmp(ep, "tcp://", 6) == 0) {
        const char *colon = strrchr(ep + 6, ':');
        char *end;
        long port = colon ? strtol(colon + 1, &end, 10) : 0;
        if (colon && colon > ep + 6 && colon[1] && !*end && port >= 1 && port <= 65535)
            return QR_OK;
        qr_errf(err, errlen,
                "%s: '%s' needs a host and a port from 1 to 65535 "
                "(tcp://127.0.0.1:7370)",
                name, ep);
        return QR_BAD_CONFIG;
    }
    qr_errf(err, errlen,
            "%s: '%s' is not an endpoint quorum clients can reach: use "
            "tcp://HOST:PORT or ipc://PATH",
            name, ep);
    return QR_BAD_CONFIG;
}

/* ${NAME} and ${NAME:-default} must be closed; credential:NAME must name a file. */
static int check_path(const option *o, const char *v, char *err, size_t errlen)
{
    if (strncmp(v, "credential:", 11) == 0) {
        const char *n = v + 11;
        if (!*n || strchr(n, '/') || !strcmp(n, ".") || !strcmp(n, "..")) {
            qr_errf(err, errlen,
                    "%s: '%s' must name a credential: credential:NAME, with no "
                    "'/' in NAME",
                    o->name, v);
            return QR_BAD_CONFIG;
        }
        return QR_OK;
    }
    for (const char *p = strstr(v, "${"); p; p = strstr(p + 2, "${"))
        if (!strchr(p, '}') || strchr(p, '}') == p + 2) {
            qr_errf(err, errlen, "%s: '%s' has a ${ without a variable name and a closing }",
                    o->name, v);
            return QR_BAD_CONFIG;
        }
    return QR_OK;
}

int qr_config_check(const qr_config *c, char *err, size_t errlen)
{
    int rc;
    if ((rc = check_endpoint("request_endpoint", c->request_endpoint, err, errlen)) != QR_OK ||
        (rc = check_endpoint("event_endpoint", c->event_endpoint, err, errlen)) != QR_OK)
        return rc;
    if (strcmp(c->request_endpoint, c->event_endpoint) == 0) {
        qr_errf(err, errlen,
                "event_endpoint: '%s' is also the request_endpoint; the two "
                "sockets need two endpoints",
                c->event_endpoint);
        return QR_BAD_CONFIG;
    }
    if (!c->curve && !(qr_endpoint_is_loopback(c->request_endpoint) &&
                       qr_endpoint_is_loopback(c->event_endpoint))) {
        qr_errf(err, errlen,
                "curve: plaintext (curve = off) is allowed only on loopback endpoints, and "
                "%s or %s is not loopback",
                c->request_endpoint, c->event_endpoint);
        return QR_BAD_CONFIG;
    }
    if (!*c->origin || strspn(c->origin, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                         "0123456789.-_/:") != strlen(c->origin)) {
        qr_errf(err, errlen,
                "origin: '%s' must be a non-empty name such as "
                "quorum.example.nhs.uk (letters, digits, '.', '-', '_', '/', ':'; no spaces "
                "or '+')",
                c->origin);
        return QR_BAD_CONFIG;
    }
    if (!*c->state_dir) {
        qr_errf(err, errlen, "state_dir: must not be empty");
        return QR_BAD_CONFIG;
    }
    for (size_t i = 0; i < NOPTIONS; i++)
        if (options[i].type == OPT_PATH &&
            (rc = check_path(&options[i], (const char *)c + options[i].offset, err, errlen)) !=
                QR_OK)
            return rc;
    return QR_OK;
}

/* One variable reference at in[0] == '$', in[1] == '{': its value (or default) appended to
 * out.  Returns the characters consumed, 0 if the variable is unset with no default. */
static size_t expand_var(const char *in, char *out, size_t outlen, char *var, size_t varlen)
{
    const char *close = strchr(in, '}');
    const char *dflt = strstr(in, ":-");
    size_t namelen = (size_t)((dflt && dflt < close ? dflt : close) - (in + 2));
    snprintf(var, varlen, "%.*s", (int)namelen, in + 2);
    const char *v = getenv(var);
    size_t used = strlen(out);
    if (v && *v)
        snprintf(out + used, outlen - used, "%s", v);
    else if (dflt && dflt < close)
        snprintf(out + used, outlen - used, "%.*s", (int)(close - dflt - 2), dflt + 2);
    else
        return 0;
    return (size_t)(close - in) + 1;
}

static int resolve_one(qr_config *c, const option *o, FILE *notes, char *err, size_t errlen)
{
    char *value = (char *)c + o->offset, out[2048] = "", var[256];
    const char *in = value;
    if (strncmp(in, "credential:", 11) == 0) {
        const char *dir = getenv("CREDENTIALS_DIRECTORY");
        if (!dir || !*dir) {
            if (notes) {
                fprintf(notes,
                        "note: %s: %s is read from $CREDENTIALS_DIRECTORY, which is not "
                        "set here; systemd sets it for a unit with LoadCredential=%s:...\n",
                        o->name, in, in + 11);
                return QR_OK;
            }
            qr_errf(err, errlen,
                    "%s: %s needs $CREDENTIALS_DIRECTORY, which systemd sets for "
                    "a unit with LoadCredential=%s:FILE; it is not set",
                    o->name, in, in + 11);
            return QR_BAD_CONFIG;
        }
        snprintf(out, sizeof out, "%s/%s", dir, in + 11);
    } else {
        while (*in) {
            if (in[0] == '$' && in[1] == '{') {
                size_t n = expand_var(in, out, sizeof out, var, sizeof var);
                if (n == 0) {
                    if (notes) {
                        fprintf(notes,
                                "note: %s: ${%s} is not set here, so '%s' is left as "
                                "it is\n",
                                o->name, var, value);
                        return QR_OK;
                    }
                    qr_errf(err, errlen, "%s: '%s' uses ${%s}, which is not set", o->name, value,
                            var);
                    return QR_BAD_CONFIG;
                }
                in += n;
            } else {
                size_t used = strlen(out);
                if (used + 1 < sizeof out) {
                    out[used] = *in;
                    out[used + 1] = 0;
                }
                in++;
            }
        }
    }
    if (strlen(out) >= o->size) {
        qr_errf(err, errlen, "%s: '%s' is longer than %zu characters once expanded", o->name, value,
                o->size - 1);
        return QR_BAD_CONFIG;
    }
    memcpy(value, out, strlen(out) + 1);
    return QR_OK;
}

int qr_config_resolve(qr_config *c, FILE *notes, char *err, size_t errlen)
{
    for (size_t i = 0; i < NOPTIONS; i++) {
        if (options[i].type != OPT_PATH)
            continue;
        int rc = resolve_one(c, &options[i], notes, err, errlen);
        if (rc != QR_OK)
            return rc;
    }
    if (!*c->state_dir) {
        qr_errf(err, errlen, "state_dir: is empty once expanded");
        return QR_BAD_CONFIG;
    }
    return QR_OK;
}

void qr_config_value(const qr_config *c, const char *name, char *out, size_t outlen)
{
    const option *o = find(name);
    if (!o) {
        snprintf(out, outlen, "?");
        return;
    }
    const char *base = (const char *)c + o->offset;
    switch (o->type) {
    case OPT_STRING:
    case OPT_PATH:
        snprintf(out, outlen, "%s", base);
        break;
    case OPT_BOOL:
        snprintf(out, outlen, "%s", *(const int *)base ? "on" : "off");
        break;
    case OPT_LONG:
        snprintf(out, outlen, "%ld", *(const long *)base);
        break;
    case OPT_LEVEL:
        snprintf(out, outlen, "%s", levels[*(const int *)base & 3]);
        break;
    }
}

void qr_config_print(const qr_config *c, FILE *f, int with_help)
{
    char value[1100];
    for (size_t i = 0; i < NOPTIONS; i++) {
        const option *o = &options[i];
        if (with_help)
            fprintf(f, "  # %s (default: %s)\n", o->help, *o->def ? o->def : "\"\"");
        qr_config_value(c, o->name, value, sizeof value);
        fprintf(f, "  %s = %s\n", o->name, value);
    }
}
