/*
 * main.c: quorumd reads in order: configuration, start-up checks, sockets, ready, loop, stop.
 */
#include "config.h"
#include "log.h"
#include "server.h"

#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile int stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void usage(FILE *f, const qr_config *c)
{
    fprintf(f, "usage: quorumd [--config FILE] [--check-config] [--OPTION VALUE ...]\n"
               "\n"
               "quorumd keeps one signed, append-only log per forum and serves it over ZeroMQ.\n"
               "With no configuration it runs on loopback with CURVE on, keeping its database\n"
               "and keys in ./quorum-state (made on first run).\n"
               "\n"
               "Options (in a file as 'name = value', or on the command line as --name value):\n");
    qr_config_print(c, f, 1);
    fprintf(f, "\nExample:\n  quorumd --state_dir /var/lib/quorum --origin quorum.example.nhs.uk\n");
}

int main(int argc, char **argv)
{
    qr_config cfg;
    char err[1024];
    int check_only = 0;
    qr_log_ident = "quorumd";
    qr_config_defaults(&cfg);

    /* The file first, then the command line over it. */
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc &&
            qr_config_load_file(&cfg, argv[++i], err, sizeof err) != QR_OK) {
            fprintf(stderr, "quorumd: %s\n", err);
            return 2;
        }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--config") == 0) {
            i++;
        } else if (strcmp(a, "--check-config") == 0) {
            check_only = 1;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout, &cfg);
            return 0;
        } else if (strcmp(a, "--version") == 0) {
            printf("quorumd %s\n", QR_VERSION);
            return 0;
        } else if (strncmp(a, "--", 2) == 0 && i + 1 < argc && qr_config_is_option(a + 2)) {
            if (qr_config_set(&cfg, a + 2, argv[++i], err, sizeof err) != QR_OK) {
                fprintf(stderr, "quorumd: %s\n", err);
                return 2;
            }
        } else {
            fprintf(stderr, "quorumd: unknown argument '%s' (quorumd --help lists options)\n", a);
            return 2;
        }
    }
    if (qr_config_check(&cfg, err, sizeof err) != QR_OK) {
        fprintf(stderr, "quorumd: %s\n", err);
        return 2;
    }
    if (check_only) {
        printf("configuration is valid:\n");
        qr_config_print(&cfg, stdout, 0);
        return 0;
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
    signal(SIGPIPE, SIG_IGN);

    qr_server srv;
    int rc = qr_server_init(&srv, &cfg, &stop_flag);
    if (rc == QR_OK)
        rc = qr_server_bind(&srv);
    if (rc == QR_OK) {
        qr_info("ready: requests on %s, events on %s, CURVE %s, state in %s",
                cfg.request_endpoint, cfg.event_endpoint, cfg.curve ? "on" : "OFF",
                cfg.state_dir);
        rc = qr_server_run(&srv);
        qr_info("stopping: %llu statements recorded in %llu commits since start",
                (unsigned long long)srv.submits, (unsigned long long)srv.commits);
    }
    qr_server_fini(&srv);
    return rc == QR_OK ? 0 : 1;
}
