/*
 * mirror.h: quorum-mirror, an organisation's own verified, witnessed copy of every forum it
 * sits on.
 *
 * How it stays complete (the zguide's Clone pattern on a persistent log): it subscribes to
 * every forum's events first, then fetches what it lacks over the request socket, and applies
 * only sequence numbers beyond what it holds.  Any gap (a restart, a late join, events dropped
 * at the publisher's high-water mark, a lost tail noticed through the daemon's heartbeats) is
 * filled by fetching.  Nothing is kept that a signed checkpoint has not vouched for: new
 * entries are appended in one transaction with the checkpoint that covers them, after every
 * signature, every rule and the Merkle root have been checked, and rolled back otherwise.
 *
 * How it witnesses: for each checkpoint it has verified against its own copy, it makes a C2SP
 * cosignature with its key, records it in its file in the same transaction, and only then
 * sends it to the daemon.  Its copy only ever grows, so it can never cosign two checkpoints
 * that contradict each other.  A checkpoint that disagrees with its copy (a rewritten entry, a
 * fork, a shrinking tree, two roots for one size) stops cosigning and appending for that
 * forum, keeps both signed notes as evidence, and raises an alert; the good copy stays
 * readable (`quorum --db FILE log|state|export`).
 */
#ifndef QR_MIRROR_H
#define QR_MIRROR_H

#include "keys.h"
#include "rules.h"
#include "store.h"
#include "strmap.h"
#include "wire.h"

typedef struct {
    char organisation[QR_MAX_ID + 1];
    char key[1024];
    char endpoint[256];
    char events[256];
    char server_key[1024];
    char database[1024];
    char alert_command[1024];
    long poll_seconds;
    long hwm;            /* the event socket's receive high-water mark */
    int timeout_ms;
} qr_mirror_cfg;

typedef struct {
    char forum[QR_MAX_ID + 1];
    qr_rules *rules;
    int halted;          /* a split view was seen: no more cosigning or appending */
    uint64_t cosigned;   /* largest checkpoint size this mirror cosigned */
} qr_mforum;

typedef struct {
    qr_mirror_cfg cfg;
    qr_key *key;
    qr_key *server;
    qr_client *conn;
    void *sub;
    qr_store *store;
    qr_strmap forums;    /* forum id -> qr_mforum */
    int lock_fd;
    volatile int *stop;
    uint64_t appended, cosigned, alerts;
    uint64_t events;     /* entry events heard on the bus (the rest were fetched after a gap) */
} qr_mirror;

/* mirror_sync.c */
int qr_mirror_open_forums(qr_mirror *m);
qr_mforum *qr_mirror_forum(qr_mirror *m, const char *forum, int create);
/* Fetch everything missing for a forum, verify it and its checkpoint, append, cosign. */
int qr_mirror_sync(qr_mirror *m, qr_mforum *f);
/* A checkpoint seen in an event or a reply: check it against our copy; cosign if new. */
int qr_mirror_check_checkpoint(qr_mirror *m, qr_mforum *f, const char *note);

/* mirror_alert.c */
/* Raise an alert once per key: a log line, a row in the file, and the alert command run with
 * QUORUM_ALERT, QUORUM_FORUM, QUORUM_SEQ, QUORUM_ORGANISATION, QUORUM_MESSAGE set. */
void qr_mirror_alert(qr_mirror *m, const char *kind, const char *forum, uint64_t seq,
                     const char *key, const char *fmt, ...) QR_PRINTF(6, 7);
/* Alerts for what a newly appended, lawful entry means to this organisation. */
void qr_mirror_notice(qr_mirror *m, qr_mforum *f, const qr_statement *st, uint64_t seq);
/* Alerts for actions this organisation owns that are past due. */
void qr_mirror_overdue(qr_mirror *m);

#endif
