/*
 * cmd_ops.c: the operator's commands: `quorum status` (how the daemon is doing) and
 * `quorum backup` (an online, checked copy of its database).
 */
#include "client.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

/* One request, its reply with the wanted result; 0 or the exit status (reason printed). */
static int call_daemon(qr_cli *cli, Quorum__Request *req, int want, Quorum__Reply **out)
{
    qr_client *c = NULL;
    int status = qr_cli_connect(cli, &c, NULL);
    if (status)
        return status;
    Quorum__Reply *r = NULL;
    int rc = qr_client_call(c, req, &r);
    qr_client_destroy(&c);
    if (rc != QR_OK)
        return qr_cli_fail(cli, rc, "no answer from %s", cli->endpoint);
    if (qr_reply_code(r) != QR_OK || (int)r->result_case != want) {
        status = qr_cli_refused(cli, r);
        quorum__reply__free_unpacked(r, NULL);
        return status ? status : 3;
    }
    *out = r;
    return 0;
}

static void format_duration(uint64_t s, char *out, size_t n)
{
    if (s >= 86400)
        snprintf(out, n, "%llud %lluh %llum", (unsigned long long)(s / 86400),
                 (unsigned long long)(s % 86400 / 3600), (unsigned long long)(s % 3600 / 60));
    else if (s >= 3600)
        snprintf(out, n, "%lluh %llum %llus", (unsigned long long)(s / 3600),
                 (unsigned long long)(s % 3600 / 60), (unsigned long long)(s % 60));
    else
        snprintf(out, n, "%llum %llus", (unsigned long long)(s / 60), (unsigned long long)(s % 60));
}

static void status_json(const Quorum__StatusReport *st)
{
    qr_json j;
    qr_json_init(&j, stdout);
    qr_json_object(&j, NULL);
    qr_json_str(&j, "code", "OK");
    qr_json_str(&j, "version", st->version);
    qr_json_str(&j, "origin", st->origin);
    qr_json_i64(&j, "started_at", st->started_at);
    qr_json_u64(&j, "uptime_seconds", st->uptime_seconds);
    qr_json_u64(&j, "schema_version", st->schema_version);
    qr_json_u64(&j, "forums", st->forums);
    qr_json_u64(&j, "entries", st->entries);
    qr_json_u64(&j, "submits", st->submits);
    qr_json_u64(&j, "refused", st->refused);
    qr_json_u64(&j, "commits", st->commits);
    qr_json_u64(&j, "submits_per_second", (uint64_t)(st->submits_per_second + 0.5));
    qr_json_u64(&j, "submits_in_window",
                (uint64_t)(st->submits_per_second * st->rate_window_seconds + 0.5));
    qr_json_u64(&j, "rate_window_seconds", st->rate_window_seconds);
    qr_json_u64(&j, "commit_us_last", st->commit_us_last);
    qr_json_u64(&j, "commit_us_avg", st->commit_us_avg);
    qr_json_u64(&j, "commit_us_max", st->commit_us_max);
    qr_json_u64(&j, "latency_window", st->latency_window);
    qr_json_u64(&j, "subscribers", st->subscribers);
    qr_json_u64(&j, "clients", st->clients);
    qr_json_u64(&j, "subscribers_accepted", st->subscribers_accepted);
    qr_json_u64(&j, "clients_accepted", st->clients_accepted);
    qr_json_u64(&j, "allowed_keys", st->allowed_keys);
    qr_json_u64(&j, "rulebooks_held", st->rulebooks_held);
    qr_json_u64(&j, "rulebook_entries", st->rulebook_entries);
    qr_json_u64(&j, "rulebook_loads", st->rulebook_loads);
    qr_json_u64(&j, "rulebook_evictions", st->rulebook_evictions);
    qr_json_str(&j, "backup", st->backup);
    qr_json_array(&j, "forum_status");
    for (size_t i = 0; i < st->n_forum_status; i++) {
        const Quorum__ForumStatus *f = st->forum_status[i];
        qr_json_object(&j, NULL);
        qr_json_str(&j, "forum", f->forum);
        qr_json_u64(&j, "size", f->size);
        qr_json_i64(&j, "last_entry_at", f->last_entry_at);
        if (f->last_cosigned_at)
            qr_json_i64(&j, "last_cosigned_at", f->last_cosigned_at);
        else
            qr_json_str(&j, "last_cosigned_at", "none");
        qr_json_end(&j);
    }
    qr_json_end(&j);
    qr_json_end(&j);
    qr_json_end_line(&j);
}

static void status_text(const Quorum__StatusReport *st)
{
    char up[64], since[32];
    format_duration(st->uptime_seconds, up, sizeof up);
    qr_time_iso(st->started_at, since, sizeof since);
    printf("quorumd %s, up %s (since %s), origin %s, schema version %u\n", st->version, up, since,
           st->origin, st->schema_version);
    printf("forums:      %llu, %llu entries\n", (unsigned long long)st->forums,
           (unsigned long long)st->entries);
    printf("submits:     %.1f/s over the last %u s; %llu accepted and %llu refused since start\n",
           st->submits_per_second, st->rate_window_seconds, (unsigned long long)st->submits,
           (unsigned long long)st->refused);
    if (st->latency_window)
        printf("commits:     %llu; latency %llu us last, %llu us mean, %llu us max (last %u)\n",
               (unsigned long long)st->commits, (unsigned long long)st->commit_us_last,
               (unsigned long long)st->commit_us_avg, (unsigned long long)st->commit_us_max,
               st->latency_window);
    else
        printf("commits:     none since start\n");
    printf("connections: %u subscriber%s, %u client%s; %u keys may connect\n", st->subscribers,
           st->subscribers == 1 ? "" : "s", st->clients, st->clients == 1 ? "" : "s",
           st->allowed_keys);
    printf("rulebooks:   %llu forum state%s in memory (%llu entries); %llu built from the "
           "database and %llu let go since start\n",
           (unsigned long long)st->rulebooks_held, st->rulebooks_held == 1 ? "" : "s",
           (unsigned long long)st->rulebook_entries, (unsigned long long)st->rulebook_loads,
           (unsigned long long)st->rulebook_evictions);
    if (*st->backup)
        printf("backup:      %s\n", st->backup);
    if (st->n_forum_status)
        printf("%-24s %10s  %-20s  %s\n", "forum", "entries", "last entry", "cosigned");
    for (size_t i = 0; i < st->n_forum_status; i++) {
        const Quorum__ForumStatus *f = st->forum_status[i];
        char last[32] = "-", cos[32] = "none";
        if (f->last_entry_at)
            qr_time_iso(f->last_entry_at, last, sizeof last);
        if (f->last_cosigned_at)
            qr_time_iso(f->last_cosigned_at, cos, sizeof cos);
        printf("%-24s %10llu  %-20s  %s\n", f->forum, (unsigned long long)f->size, last, cos);
    }
}

int cmd_status(qr_cli *cli)
{
    if (qr_cli_extra(cli, 0)) {
        fprintf(stderr, "usage: quorum status [--json]\n"
                        "example: quorum --key operator.key status\n");
        return 2;
    }
    Quorum__Request req = QUORUM__REQUEST__INIT;
    Quorum__GetStatus gs = QUORUM__GET_STATUS__INIT;
    req.op_case = QUORUM__REQUEST__OP_GET_STATUS;
    req.get_status = &gs;
    Quorum__Reply *r = NULL;
    int status = call_daemon(cli, &req, QUORUM__REPLY__RESULT_STATUS_REPORT, &r);
    if (status)
        return status;
    if (cli->json)
        status_json(r->status_report);
    else
        status_text(r->status_report);
    quorum__reply__free_unpacked(r, NULL);
    return 0;
}

static void backup_json(const Quorum__BackupDone *d)
{
    qr_json j;
    qr_json_init(&j, stdout);
    qr_json_object(&j, NULL);
    qr_json_str(&j, "code", "OK");
    qr_json_str(&j, "path", d->path);
    qr_json_u64(&j, "bytes", d->bytes);
    qr_json_u64(&j, "pages", d->pages);
    qr_json_u64(&j, "elapsed_ms", d->elapsed_ms);
    qr_json_u64(&j, "commits_during", d->commits_during);
    qr_json_str(&j, "integrity", d->integrity);
    qr_json_u64(&j, "schema_version", d->schema_version);
    qr_json_array(&j, "forums");
    for (size_t i = 0; i < d->n_forums; i++) {
        qr_json_object(&j, NULL);
        qr_json_str(&j, "forum", d->forums[i]->forum);
        qr_json_u64(&j, "size", d->forums[i]->size);
        qr_json_b64(&j, "root", d->forums[i]->root.data, d->forums[i]->root.len);
        qr_json_bool(&j, "verified", d->forums[i]->verified);
        qr_json_end(&j);
    }
    qr_json_end(&j);
    qr_json_end(&j);
    qr_json_end_line(&j);
}

static void backup_text(const Quorum__BackupDone *d)
{
    printf("backup written and checked: %s\n", d->path);
    printf("  %.1f MiB (%llu pages) in %.2f s; %llu batches were committed while it was taken\n",
           (double)d->bytes / (1024.0 * 1024.0), (unsigned long long)d->pages,
           (double)d->elapsed_ms / 1000.0, (unsigned long long)d->commits_during);
    printf("  integrity_check: %s; schema version %u\n", d->integrity, d->schema_version);
    for (size_t i = 0; i < d->n_forums; i++) {
        char *root = qr_b64(d->forums[i]->root.data, d->forums[i]->root.len);
        printf("  forum %s: %llu entries, tree head %s %s its signed checkpoint\n",
               d->forums[i]->forum, (unsigned long long)d->forums[i]->size, root ? root : "?",
               d->forums[i]->verified ? "matches" : "DOES NOT MATCH");
        free(root);
    }
    printf("verified: the copy is consistent; a daemon started on it continues these logs\n");
}

int cmd_backup(qr_cli *cli)
{
    uint64_t wait = 600;
    const char *w = qr_cli_opt(cli, "wait");
    const char *path = qr_cli_arg(cli, 0);
    if (!path || (w && (qr_cli_parse_u64(w, &wait) || wait == 0 || wait > 86400)) ||
        qr_cli_extra(cli, 1)) {
        fprintf(stderr,
                "usage: quorum backup FILE [--wait SECONDS]   (operator's key)\n"
                "  FILE       a bare name (written into the daemon's backup_dir) or an absolute\n"
                "             path on the daemon's host; never overwritten\n"
                "  --wait S   how long to wait for the copy and its check (default 600)\n"
                "example: quorum --key /var/lib/quorum/operator.key backup quorumd-monday.db\n");
        return 2;
    }
    /* Is the daemon there at all?  Asked with the ordinary timeout, so that a daemon that is
     * down is reported at once rather than after the long wait below. */
    Quorum__Request ping = QUORUM__REQUEST__INIT;
    Quorum__GetStatus gs = QUORUM__GET_STATUS__INIT;
    ping.op_case = QUORUM__REQUEST__OP_GET_STATUS;
    ping.get_status = &gs;
    Quorum__Reply *r = NULL;
    int status = call_daemon(cli, &ping, QUORUM__REPLY__RESULT_STATUS_REPORT, &r);
    if (status)
        return status;
    quorum__reply__free_unpacked(r, NULL);
    r = NULL;
    /* The copy of a large database takes a while: wait for it longer than for a read. */
    if (cli->timeout_ms < (int)wait * 1000)
        cli->timeout_ms = (int)wait * 1000;
    Quorum__Request req = QUORUM__REQUEST__INIT;
    Quorum__Backup b = QUORUM__BACKUP__INIT;
    b.path = (char *)path;
    req.op_case = QUORUM__REQUEST__OP_BACKUP;
    req.backup = &b;
    status = call_daemon(cli, &req, QUORUM__REPLY__RESULT_BACKUP_DONE, &r);
    if (status)
        return status;
    if (cli->json)
        backup_json(r->backup_done);
    else
        backup_text(r->backup_done);
    quorum__reply__free_unpacked(r, NULL);
    return 0;
}
