/*
 * qb_verify: `quorum verify` throughput on one forum's whole log, as an auditor runs it.
 *
 * The forum is exported once from the database file (`quorum --db DB export FORUM`), then
 * `quorum verify EXPORT --log-key VKEY --threads T` runs --runs times for each thread count;
 * the verifier key is derived here from the daemon's key file, so verify checks the checkpoint
 * against a key it was given, as an auditor would.  A run counts only if verify says the whole
 * log verified.  The figure is entries per second of wall time, the process's start to its
 * exit (reading the export, base64, every signature, the rulebook replay, the tree).
 *
 * usage: qb_verify --quorum PATH --state DIR --forum F --work DIR [--threads 1,0] [--runs 5]
 *   (threads 0: quorum's default, every CPU)
 */
#include "qb.h"

#include "checkpoint.h"
#include "note.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Run argv with stdout to `out`, bounded by `timeout` seconds; returns the exit status. */
static int run(char *const *argv, const char *out, double timeout)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        qb_die("fork: %s", strerror(errno));
    if (pid == 0) {
        int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0 || dup2(fd, 1) < 0)
            _exit(127);
        execv(argv[0], argv);
        _exit(127);
    }
    double end = qb_now() + timeout;
    int status;
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (qb_now() > end) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            qb_die("%s did not finish within %.0f s", argv[0], timeout);
        }
        usleep(2000);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static int file_has(const char *path, const char *text)
{
    char buf[4096];
    FILE *f = fopen(path, "r");
    int found = 0;
    while (f && !found && fgets(buf, sizeof buf, f))
        found = strstr(buf, text) != NULL;
    if (f)
        fclose(f);
    return found;
}

int main(int argc, char **argv)
{
    const char *quorum = qb_opt(argc, argv, "quorum", NULL),
               *state = qb_opt(argc, argv, "state", NULL),
               *forum = qb_opt(argc, argv, "forum", NULL), *work = qb_opt(argc, argv, "work", NULL);
    long threads[8], runs = qb_opt_long(argc, argv, "runs", 5);
    size_t nt = qb_list(qb_opt(argc, argv, "threads", "1,0"), threads, 8);
    if (!quorum || !state || !forum || !work || nt == 0 || runs < 1) {
        fprintf(stderr, "usage: qb_verify --quorum PATH --state DIR --forum F --work DIR "
                        "[--threads 1,0] [--runs 5]\n");
        return 2;
    }
    qb_watchdog(3600);
    char db[1200], export_path[1200], out[1200], keyfile[1200], err[512], origin[QR_MAX_NAME + 1];
    char vkey[QR_NOTE_VKEY_MAX];
    snprintf(db, sizeof db, "%s/quorumd.db", state);
    snprintf(export_path, sizeof export_path, "%s/%s.export", work, forum);
    snprintf(out, sizeof out, "%s/%s.verify.out", work, forum);
    snprintf(keyfile, sizeof keyfile, "%s/quorumd.key", state);
    qr_key *k = NULL;
    if (qr_key_load(keyfile, &k, err, sizeof err) != QR_OK)
        qb_die("%s", err);
    if (qr_checkpoint_origin(QB_ORIGIN, forum, origin, sizeof origin) != QR_OK ||
        qr_key_vkey(k, origin, vkey, sizeof vkey) != QR_OK)
        qb_die("cannot make the verifier key");
    qr_key_destroy(&k);

    double t = qb_now();
    char *exp_argv[] = {(char *)quorum, "--db", db, "export", (char *)forum, NULL};
    if (run(exp_argv, export_path, 600) != 0)
        qb_die("quorum export %s failed", forum);
    qb_say("exported forum %s in %.1f s to %s", forum, qb_now() - t, export_path);

    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    uint64_t entries = 0;
    for (size_t i = 0; i < nt; i++) {
        char targ[16];
        snprintf(targ, sizeof targ, "%ld", threads[i]);
        char *argv2[] = {(char *)quorum, "--json",    "verify", export_path, "--log-key",
                         vkey,           "--threads", targ,     NULL};
        double v[64];
        long n = runs < 64 ? runs : 64;
        for (long r = 0; r < n; r++) {
            t = qb_now();
            int status = run(argv2, out, 1800);
            double secs = qb_now() - t;
            if (status != 0 || !file_has(out, "\"verified\":true"))
                qb_die("quorum verify did not verify the log (exit %d; see %s)", status, out);
            FILE *f = fopen(out, "r");
            unsigned long long e = 0;
            char line[512];
            while (f && fgets(line, sizeof line, f)) {
                char *p = strstr(line, "\"entries\":");
                if (p)
                    e = strtoull(p + 10, NULL, 10);
            }
            if (f)
                fclose(f);
            entries = e;
            v[r] = (double)e / secs;
            qb_say("verify, %s thread%s, run %ld: %llu entries in %.1f s (%.0f/s)",
                   threads[i] ? targ : "every", threads[i] == 1 ? "" : "s", r, e, secs, v[r]);
        }
        long used = threads[i] ? threads[i] : cpus;
        char id[32], label[128], target[32];
        snprintf(id, sizeof id, "verify_t%ld", used);
        snprintf(label, sizeof label, "quorum verify, %ld thread%s (%llu entries)", used,
                 used == 1 ? "" : "s", (unsigned long long)entries);
        snprintf(target, sizeof target, "%ld", 25000 * used);
        qb_row(id, label, "entries/s", "hi", target, "-", v, (size_t)n);
    }
    unlink(export_path);
    return 0;
}
