/*
 * main.c: quorumd reads in order: configuration, start-up checks, sockets, ready, loop, stop.
 */
#include "config.h"
#include "log.h"
#include "notify.h"
#include "server.h"
#include "version.h"

#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile int stop_flag, reload_flag;

static void on_signal(int sig)
{
    if (sig == SIGHUP)
        reload_flag = 1;
    else
        stop_flag = 1;
}

static void usage(FILE *f)
{
    qr_config c;
    qr_config_defaults(&c);
    fprintf(f, "usage: quorumd [--config FILE] [--check-config] [--OPTION VALUE ...]\n"
               "       quorumd --version | --help\n"
               "\n"
               "quorumd keeps one signed, append-only log per forum and serves it over ZeroMQ.\n"
               "With no configuration it runs on loopback with CURVE on, keeping its database\n"
               "and keys in ./quorum-state (made on first run).  SIGTERM stops it cleanly;\n"
               "SIGHUP re-reads allow_keys and log_level.  See quorumd(8).\n"
               "\n"
               "Options (in a file as 'name = value', or on the command line as --name value):\n");
    qr_config_print(&c, f, 1);
    fprintf(f, "\nExample:\n  quorumd --state_dir /var/lib/quorum --origin quorum.example.nhs.uk\n"
               "  quorumd --check-config --config /etc/quorum/quorumd.conf\n");
}

/* What the daemon was started with, kept so that SIGHUP can read it again. */
typedef struct {
    int argc;
    char **argv;
} start_args;

static int is_flag(const char *a)
{
    return !strcmp(a, "--check-config") || !strcmp(a, "--help") || !strcmp(a, "-h") ||
           !strcmp(a, "--version");
}

/* The file named by --config, then every --name value over it, then the cross-option checks. */
static int parse_config(const start_args *a, qr_config *cfg, char *err, size_t errlen)
{
    char inner[1024];
    qr_config_defaults(cfg);
    for (int i = 1; i < a->argc; i++)
        if (strcmp(a->argv[i], "--config") == 0) {
            if (i + 1 >= a->argc) {
                snprintf(err, errlen, "--config needs a file name");
                return QR_USAGE;
            }
            if (qr_config_load_file(cfg, a->argv[++i], err, errlen) != QR_OK)
                return QR_BAD_CONFIG;
        }
    for (int i = 1; i < a->argc; i++) {
        const char *arg = a->argv[i];
        if (strcmp(arg, "--config") == 0) {
            i++;
        } else if (is_flag(arg)) {
            continue;
        } else if (strncmp(arg, "--", 2) == 0 && qr_config_is_option(arg + 2)) {
            if (i + 1 >= a->argc) {
                snprintf(err, errlen, "%s: needs a value", arg + 2);
                return QR_USAGE;
            }
            if (qr_config_set(cfg, arg + 2, a->argv[++i], inner, sizeof inner) != QR_OK) {
                snprintf(err, errlen, "%s (on the command line)", inner);
                return QR_BAD_CONFIG;
            }
        } else {
            snprintf(err, errlen, "unknown argument '%s' (quorumd --help lists options)", arg);
            return QR_USAGE;
        }
    }
    return qr_config_check(cfg, err, errlen);
}

/* For SIGHUP (qr_reread_fn): the same sources, expanded as at start. */
static int reread_config(void *arg, qr_config *out, char *err, size_t errlen)
{
    int rc = parse_config(arg, out, err, errlen);
    return rc == QR_OK ? qr_config_resolve(out, NULL, err, errlen) : rc;
}

static int has_arg(int argc, char **argv, const char *want)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], want) == 0)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    qr_config cfg;
    char err[1024];
    start_args args = {argc, argv};
    qr_log_ident = "quorumd";

    if (has_arg(argc, argv, "--help") || has_arg(argc, argv, "-h")) {
        usage(stdout);
        return 0;
    }
    if (has_arg(argc, argv, "--version")) {
        qr_version_print(stdout, "quorumd");
        printf("libsystemd %s (sd_notify)\n", QR_LIBSYSTEMD_VERSION);
        return 0;
    }
    int check_only = has_arg(argc, argv, "--check-config");
    if (parse_config(&args, &cfg, err, sizeof err) != QR_OK) {
        fprintf(stderr, "quorumd: %s\n", err);
        if (check_only)
            printf("configuration is NOT valid: %s\n", err);
        return 2;
    }
    if (check_only)
        return qr_config_explain(&cfg, stdout) == QR_OK ? 0 : 2;
    if (qr_config_resolve(&cfg, NULL, err, sizeof err) != QR_OK) {
        fprintf(stderr, "quorumd: %s\n", err);
        return 2;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "quorumd: libsodium cannot start\n");
        return 1;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    qr_server srv;
    int rc = qr_server_init(&srv, &cfg, &stop_flag);
    srv.reload = &reload_flag;
    srv.reread = reread_config;
    srv.reread_arg = &args;
    if (rc == QR_OK)
        rc = qr_server_bind(&srv);
    if (rc == QR_OK) {
        char status[600];
        snprintf(status, sizeof status, "serving %zu forums: requests on %s, events on %s",
                 qr_store_forum_count(srv.store), cfg.request_endpoint, cfg.event_endpoint);
        qr_info("ready: requests on %s, events on %s, CURVE %s, state in %s", cfg.request_endpoint,
                cfg.event_endpoint, cfg.curve ? "on" : "OFF", cfg.state_dir);
        qr_notify_ready(status);
        rc = qr_server_run(&srv);
        qr_info("stopping: %llu statements recorded in %llu commits since start",
                (unsigned long long)srv.submits, (unsigned long long)srv.commits);
    }
    qr_server_fini(&srv);
    return rc == QR_OK ? 0 : 1;
}
