/*
 * mirror_alert.c: what the mirror shouts about, and how.
 *
 * Three things raise alerts: a board overturning a decision in any forum the organisation sits
 * on, an action the organisation owns going past its due date, and a daemon whose log is not
 * consistent with the mirror's copy (or that recorded an entry the rulebook refuses).  Each
 * alert is raised once (its key is recorded in the mirror's file), as a log line and by
 * running the configured command with the details in its environment, so a governance team
 * can send mail or a chat message.  The command is bounded: it is killed after 10 seconds.
 */
#include "mirror.h"

#include "log.h"
#include "util.h"
#include "witness.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void run_command(qr_mirror *m, const char *kind, const char *forum, uint64_t seq,
                        const char *message)
{
    if (!*m->cfg.alert_command)
        return;
    pid_t pid = fork();
    if (pid < 0) {
        qr_warn("cannot run the alert command: fork failed");
        return;
    }
    if (pid == 0) {
        char seqs[32];
        snprintf(seqs, sizeof seqs, "%llu", (unsigned long long)seq);
        setenv("QUORUM_ALERT", kind, 1);
        setenv("QUORUM_FORUM", forum, 1);
        setenv("QUORUM_SEQ", seqs, 1);
        setenv("QUORUM_ORGANISATION", m->cfg.organisation, 1);
        setenv("QUORUM_MESSAGE", message, 1);
        execl("/bin/sh", "sh", "-c", m->cfg.alert_command, (char *)NULL);
        _exit(127);
    }
    for (int waited = 0; waited < 1000; waited++) { /* 10 s in 10 ms steps */
        int status;
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                qr_warn("the alert command failed (status %d)", status);
            return;
        }
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    qr_warn("the alert command took more than 10 seconds and was stopped");
}

void qr_mirror_alert(qr_mirror *m, const char *kind, const char *forum, uint64_t seq,
                     const char *key, const char *fmt, ...)
{
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    if (qr_witness_mark_alert(m->store, key, qr_now()) == 0)
        return; /* raised before */
    m->alerts++;
    qr_warn("ALERT %s: %s", kind, message);
    run_command(m, kind, forum, seq, message);
}

static const char *org_name(const qr_rules *r, const char *org)
{
    const qr_org *o = qr_rules_org(r, org);
    return o && o->name ? o->name : org;
}

void qr_mirror_notice(qr_mirror *m, qr_mforum *f, const qr_statement *st, uint64_t seq)
{
    const Quorum__Statement *s = st->st;
    char key[160];
    if (s->kind_case == QUORUM__STATEMENT__KIND_DECISION_OVERTURNED) {
        const Quorum__DecisionOverturned *d = s->decision_overturned;
        snprintf(key, sizeof key, "overturn/%s/%llu", f->forum, (unsigned long long)seq);
        qr_mirror_alert(m, "overturn", f->forum, seq, key,
                        "%s's board overturned its decision on proposal %s in forum %s: %s",
                        org_name(f->rules, d->organisation), d->proposal, f->forum,
                        d->reason ? d->reason : "");
    } else if (s->kind_case == QUORUM__STATEMENT__KIND_PROPOSAL_CLOSED) {
        const qr_proposal *p = qr_rules_proposal(f->rules, s->proposal_closed->proposal);
        for (size_t i = 0; p && i < p->noutcomes; i++)
            if (!strcmp(p->outcomes[i].org, m->cfg.organisation))
                qr_info("forum %s: proposal %s closed: %s is %s%s", f->forum, p->id,
                        m->cfg.organisation, qr_rules_outcome_name(p->outcomes[i].outcome),
                        p->outcomes[i].needs_ratification ? "; our board is asked to ratify"
                                                          : "");
    } else if (s->kind_case == QUORUM__STATEMENT__KIND_ACTION_ASSIGNED &&
               !strcmp(s->action_assigned->organisation, m->cfg.organisation)) {
        char due[32];
        qr_time_iso(s->action_assigned->due, due, sizeof due);
        qr_info("forum %s: action %s assigned to %s (%s), due %s", f->forum,
                s->action_assigned->action, m->cfg.organisation, s->action_assigned->owner,
                due);
    }
}

void qr_mirror_overdue(qr_mirror *m)
{
    int64_t now = qr_now();
    for (size_t i = 0; i < m->forums.cap; i++) {
        if (!m->forums.keys[i])
            continue;
        const qr_mforum *f = m->forums.values[i];
        for (size_t k = 0; k < f->rules->nactions; k++) {
            const qr_action *a = &f->rules->actions[k];
            Quorum__ActionStatus st = qr_rules_action_status(a);
            if (strcmp(a->org, m->cfg.organisation) != 0 || !qr_rules_action_overdue(a, now))
                continue;
            char key[160], due[32];
            snprintf(key, sizeof key, "overdue/%s/%s", f->forum, a->id);
            qr_time_iso(a->due, due, sizeof due);
            qr_mirror_alert(m, "overdue-action", f->forum, 0, key,
                            "action %s in forum %s, owned by %s (%s), was due %s and is %s",
                            a->id, f->forum, org_name(f->rules, a->org),
                            a->owner ? a->owner : "", due, qr_rules_action_status_name(st));
        }
    }
}
