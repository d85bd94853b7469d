/*
 * config.h: quorumd's configuration: one table of options (name, type, default, check, help).
 *
 * A configuration file is lines of "name = value"; '#' starts a comment.  Every option has an
 * embedded default, so an empty file (or none) runs the daemon on loopback.  The command line
 * overrides the file: "--name value" for any option.
 *
 * Paths (state_dir, allow_keys, operator_key, key_file, backup_dir) may use ${NAME} and
 * ${NAME:-default} for environment variables, and "credential:NAME" for a file systemd passed
 * with LoadCredential= (${CREDENTIALS_DIRECTORY}/NAME).  qr_config_resolve() expands them at
 * start; an unset variable stops the start, naming the option.
 *
 * log_level and allow_keys are re-read on SIGHUP (see reload.c); the others take effect at the
 * next start.
 */
#ifndef QR_CONFIG_H
#define QR_CONFIG_H

#include "qr.h"

#include <stdio.h>

typedef struct {
    char state_dir[1024];
    char request_endpoint[256];
    char event_endpoint[256];
    char origin[QR_MAX_NAME + 1];
    int curve;               /* 1 = CURVE + ZAP (default); 0 = plaintext, loopback only */
    char allow_keys[1024];   /* allow-list file; "" = <state_dir>/allow.keys if present */
    char operator_key[1024]; /* operator key file; "" = <state_dir>/operator.key */
    char key_file[1024];     /* daemon key file; "" = <state_dir>/quorumd.key */
    char backup_dir[1024];   /* where bare backup names go; "" = <state_dir>/backups */
    long max_message_size;
    long batch_max;
    long hwm;
    long rulebook_entries;
    int log_level;
} qr_config;

void qr_config_defaults(qr_config *c);
/* Read a file of "name = value" lines into c (at most QR_CONFIG_MAX_FILE bytes; lines of at
 * most 2046 characters).  err names the file, line and option on failure. */
#define QR_CONFIG_MAX_FILE (1024 * 1024)
int qr_config_load_file(qr_config *c, const char *path, char *err, size_t errlen);
/* The same for the file's text already in memory (not necessarily NUL-terminated); `name`
 * stands for the file in messages. */
int qr_config_load_text(qr_config *c, const char *name, const char *text, size_t len, char *err,
                        size_t errlen);
/* Set one option by name from text. */
int qr_config_set(qr_config *c, const char *name, const char *value, char *err, size_t errlen);
/* Cross-option checks (plaintext only on loopback, endpoints, origin, path syntax). */
int qr_config_check(const qr_config *c, char *err, size_t errlen);
/* Expand ${NAME} and credential:NAME in the path options, in place.  With notes != NULL an
 * unset variable is reported there and the value left as it is (for --check-config outside
 * systemd); with notes == NULL it is an error naming the option. */
int qr_config_resolve(qr_config *c, FILE *notes, char *err, size_t errlen);
/* Print every option with its current value and help (for --help and --check-config). */
void qr_config_print(const qr_config *c, FILE *f, int with_help);
/* 1 if `name` is an option. */
int qr_config_is_option(const char *name);

/* --check-config (check.c): expand what can be expanded here, print every value, then what
 * the daemon would find at start (state directory, database and its schema version, keys,
 * allow-list), each checked.  QR_OK if it would start; else the problems are printed. */
int qr_config_explain(const qr_config *c, FILE *f);

/* The option table, for reload and tests: count, name of the i-th, whether SIGHUP applies it,
 * and its value as text. */
size_t qr_config_count(void);
const char *qr_config_name_at(size_t i);
int qr_config_reloadable(const char *name);
void qr_config_value(const qr_config *c, const char *name, char *out, size_t outlen);

#endif
