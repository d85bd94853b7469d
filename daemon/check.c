/*
 * check.c: quorumd --check-config.  Everything the start would trip over, found without
 * starting: the values (already parsed and checked by config.c), then the files the daemon
 * would open, each opened read-only and checked the way the start checks it.  Nothing is
 * created or changed, so it is safe beside a running daemon.
 */
#include "config.h"

#include "keys.h"
#include "log.h"
#include "server.h"
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int unresolved(const char *path)
{
    return strstr(path, "${") != NULL || strncmp(path, "credential:", 11) == 0;
}

static void file_path(const qr_config *c, const char *configured, const char *file, char *out,
                      size_t outlen)
{
    if (*configured)
        snprintf(out, outlen, "%s", configured);
    else
        snprintf(out, outlen, "%s/%s", c->state_dir, file);
}

/* A key file: loads, or (the default one only) will be made at the first start. */
static int explain_key(FILE *f, const char *what, const char *path, int may_make)
{
    char err[512];
    qr_key *k = NULL;
    if (unresolved(path)) {
        fprintf(f, "  %s: %s (resolved at start)\n", what, path);
        return QR_OK;
    }
    int rc = qr_key_load(path, &k, err, sizeof err);
    if (rc == QR_OK) {
        fprintf(f, "  %s: %s: key %s%s\n", what, path, k->name,
                k->has_secret ? "" : " (public half only)");
        qr_key_destroy(&k);
        return QR_OK;
    }
    if (rc == QR_NOT_FOUND && may_make) {
        fprintf(f, "  %s: %s: none yet, made at the first start\n", what, path);
        return QR_OK;
    }
    fprintf(f, "  PROBLEM: %s: %s\n", what, err);
    return rc;
}

static int explain_database(FILE *f, const qr_config *c)
{
    char path[1100], err[1024];
    snprintf(path, sizeof path, "%s/quorumd.db", c->state_dir);
    if (access(path, F_OK) != 0) {
        fprintf(f, "  database: %s: none yet, made at the first start (schema version %d)\n", path,
                QR_STORE_SCHEMA_VERSION);
        return QR_OK;
    }
    qr_store *st = NULL;
    int rc = qr_store_open(path, QR_STORE_READONLY, &st, err, sizeof err);
    if (rc != QR_OK) {
        fprintf(f, "  PROBLEM: database: %s\n", err);
        return rc;
    }
    uint64_t entries = 0;
    for (size_t i = 0; i < qr_store_forum_count(st); i++)
        entries += qr_store_forum_at(st, i)->size;
    int v = qr_store_schema_version(st);
    fprintf(f, "  database: %s: schema version %d%s, %zu forum%s, %llu entries\n", path, v,
            v < QR_STORE_SCHEMA_VERSION ? " (upgraded in place at the next start)" : "",
            qr_store_forum_count(st), qr_store_forum_count(st) == 1 ? "" : "s",
            (unsigned long long)entries);
    qr_store_destroy(&st);
    return QR_OK;
}

static int explain_allow(FILE *f, const qr_config *c)
{
    char path[1100], err[1024];
    file_path(c, c->allow_keys, "allow.keys", path, sizeof path);
    if (unresolved(path)) {
        fprintf(f, "  allow-list: %s (resolved at start)\n", path);
        return QR_OK;
    }
    if (!*c->allow_keys && access(path, F_OK) != 0) {
        fprintf(f, "  allow-list: no %s: the operator's key and the keys the logs register\n",
                path);
        return QR_OK;
    }
    qr_allow a = {0};
    int rc = qr_allow_load_file(&a, NULL, path, err, sizeof err);
    if (rc == QR_OK)
        fprintf(f,
                "  allow-list: %s: %zu key%s, besides the operator's and the registered "
                "ones (re-read on SIGHUP)\n",
                path, a.n, a.n == 1 ? "" : "s");
    else
        fprintf(f, "  PROBLEM: allow_keys: %s\n", err);
    qr_allow_free(&a);
    return rc;
}

int qr_config_explain(const qr_config *cfg, FILE *f)
{
    qr_config c = *cfg;
    char err[1024], path[1100];
    int bad = 0;
    if (qr_config_resolve(&c, f, err, sizeof err) != QR_OK) {
        fprintf(f, "configuration is NOT valid: %s\n", err);
        return QR_BAD_CONFIG;
    }
    fprintf(f, "configuration is valid:\n");
    qr_config_print(&c, f, 0);
    fprintf(f, "at start quorumd would use:\n");
    fprintf(f, "  requests on %s, events on %s, CURVE %s\n", c.request_endpoint, c.event_endpoint,
            c.curve ? "on (only allowed keys connect)" : "OFF (plaintext)");
    struct stat st;
    if (unresolved(c.state_dir))
        fprintf(f, "  state: %s (resolved at start)\n", c.state_dir);
    else if (stat(c.state_dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
        fprintf(f, "  PROBLEM: state_dir: %s is not a directory\n", c.state_dir);
        bad = 1;
    } else {
        int exists = stat(c.state_dir, &st) == 0;
        fprintf(f, "  state: %s%s\n", c.state_dir, exists ? "" : " (created 0700 at start)");
        if (exists)
            bad |= explain_database(f, &c) != QR_OK;
    }
    file_path(&c, c.key_file, "quorumd.key", path, sizeof path);
    bad |= explain_key(f, "log key (key_file)", path, !*c.key_file) != QR_OK;
    file_path(&c, c.operator_key, "operator.key", path, sizeof path);
    bad |= explain_key(f, "operator key", path, !*c.operator_key) != QR_OK;
    bad |= explain_allow(f, &c) != QR_OK;
    if (*c.backup_dir)
        fprintf(f, "  backups (bare names): %s\n", c.backup_dir);
    else
        fprintf(f, "  backups (bare names): %s/backups\n", c.state_dir);
    if (bad)
        fprintf(f, "quorumd would NOT start: see PROBLEM above\n");
    return bad ? QR_BAD_CONFIG : QR_OK;
}
