/*
 * reload.c: SIGHUP.  What can change while the daemon runs is what an operator changes while
 * a meeting is on: who may connect (allow_keys) and how much the daemon logs (log_level).
 * Everything else (endpoints, state, keys, origin, limits) needs a restart, and a reload says
 * so rather than half-applying it.
 *
 * The allow-list is rebuilt from scratch (the operator's key, then the file) and swapped in
 * whole, so a line removed from the file takes effect; the keys the logs registered are kept
 * apart (s->registered) and are not touched.  ZAP runs only when a connection is made, so
 * connections already up, subscribers included, carry on: nothing is dropped or missed.  A
 * key removed from the file cannot connect again, but a connection it already has stays until
 * it closes (restart quorumd to cut it).
 */
#include "server.h"

#include "log.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int qr_server_read_allow(const qr_server *s, const qr_config *cfg, qr_allow *a, char *err,
                         size_t errlen)
{
    char path[1100];
    memset(a, 0, sizeof *a);
    int rc = qr_allow_add(a, s->operator_key->curve_pk, s->operator_key->name);
    if (*cfg->allow_keys)
        snprintf(path, sizeof path, "%s", cfg->allow_keys);
    else
        snprintf(path, sizeof path, "%s/allow.keys", s->cfg.state_dir);
    if (rc == QR_OK && (*cfg->allow_keys || access(path, F_OK) == 0))
        rc = qr_allow_load_file(a, &s->registered, path, err, errlen);
    if (rc != QR_OK)
        qr_allow_free(a);
    return rc;
}

/* Log each key in a that b does not hold; returns how many. */
static size_t log_missing(const qr_allow *a, const qr_allow *b, const char *what)
{
    size_t n = 0;
    for (size_t i = 0; i < a->n; i++)
        if (!qr_allow_find(b, a->v[i].key)) {
            char *k = qr_b64(a->v[i].key, 32);
            qr_info("allow-list: %s %s (%s)", what, a->v[i].name, k ? k : "?");
            free(k);
            n++;
        }
    return n;
}

/* Options that differ and wait for a restart: said, not applied. */
static void log_pending(const qr_config *now, const qr_config *next)
{
    char a[1100], b[1100];
    for (size_t i = 0; i < qr_config_count(); i++) {
        const char *name = qr_config_name_at(i);
        if (qr_config_reloadable(name))
            continue;
        qr_config_value(now, name, a, sizeof a);
        qr_config_value(next, name, b, sizeof b);
        if (strcmp(a, b) != 0)
            qr_warn("reload: %s is now '%s' in the configuration (running with '%s'); it "
                    "takes effect at the next restart",
                    name, b, a);
    }
}

void qr_server_reload(qr_server *s)
{
    char err[1024], was[16], now[16];
    qr_config next = s->cfg;
    qr_allow fresh;
    qr_notify_reloading();
    qr_info("SIGHUP: re-reading the configuration");
    if (s->reread && s->reread(s->reread_arg, &next, err, sizeof err) != QR_OK) {
        qr_error("reload refused, nothing changed: %s", err);
        goto done;
    }
    if (qr_server_read_allow(s, &next, &fresh, err, sizeof err) != QR_OK) {
        qr_error("reload refused, nothing changed: %s", err);
        goto done;
    }
    log_pending(&s->cfg, &next);
    size_t added = log_missing(&fresh, &s->allow, "added");
    size_t removed = log_missing(&s->allow, &fresh, "removed");
    qr_allow_free(&s->allow);
    s->allow = fresh;
    qr_access_reindex(s);
    memcpy(s->cfg.allow_keys, next.allow_keys, sizeof s->cfg.allow_keys);
    qr_config_value(&s->cfg, "log_level", was, sizeof was);
    qr_config_value(&next, "log_level", now, sizeof now);
    qr_info("reloaded: %zu key%s from the operator and allow_keys (%zu added, %zu removed), "
            "%zu registered by the logs; log_level %s%s%s",
            s->allow.n, s->allow.n == 1 ? "" : "s", added, removed, s->registered.n, was,
            strcmp(was, now) ? " -> " : "", strcmp(was, now) ? now : "");
    s->cfg.log_level = next.log_level;
    qr_log_level = next.log_level;
done:
    qr_notify_ready("serving");
}
