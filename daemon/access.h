/*
 * access.h: who may read which forum, and whose feed.
 *
 * Connecting is decided by the ZAP handler (zap.c); reading is decided here, per forum, for
 * every read request and every subscription.  A forum can be read by
 *
 *   - the operator (the key that charters forums), and anyone when CURVE is off (loopback
 *     only, configured so);
 *   - the clerks, auditors and witnesses its charter names;
 *   - every registered key of a member organisation: its board's key (OrganisationJoined),
 *     its members' keys (MemberAppointed), and the keys of witnesses that a charter names as
 *     that organisation's mirror (Party.organisation).  Such a key reads every forum the
 *     organisation sits on, including forums it joins later, and the organisation's feed
 *     ("org/<id>/").
 *
 * Grants come from committed statements only, so a daemon restarted from its log rebuilds
 * exactly the same table.  Like the registered transport keys, grants only grow (a member who
 * stands down keeps what they could read; removing a key from the allow-list is how an
 * operator cuts a key off).
 *
 * Requests are authorised by the connection's ZAP User-Id, a name unique to one key (zap.c);
 * a key may be known by two names (one in allow_keys, one registered by a log), and both lead
 * to the same reader.
 */
#ifndef QR_ACCESS_H
#define QR_ACCESS_H

#include "strmap.h"

#include <stdint.h>

typedef struct qr_server qr_server;

typedef struct {
    qr_strmap forums; /* forum ids this key is named in (values are non-NULL markers) */
    qr_strmap orgs;   /* organisations it acts for */
} qr_reader;

typedef struct {
    qr_strmap by_key;  /* hex CURVE key -> qr_reader (owned) */
    qr_strmap by_name; /* ZAP User-Id -> qr_reader (borrowed from by_key) */
    qr_strmap members; /* forum id -> qr_strmap (owned) of the organisations that joined it */
} qr_access;

/* Let `key` read `forum` (if not NULL) and act for `org` (if not NULL or ""). */
int qr_access_grant(qr_server *s, const uint8_t key[32], const char *forum, const char *org);
/* Record that `org` has joined `forum` (OrganisationJoined): the keys acting for it read it. */
int qr_access_member(qr_server *s, const char *forum, const char *org);
/* Rebuild the name index after the allow-list changed (SIGHUP). */
void qr_access_reindex(qr_server *s);
/* 1 if the connection named `who` may read the forum; 0 if not. */
int qr_access_forum(const qr_server *s, const char *who, const char *forum);
/* 1 if `who` may follow the organisation's feed. */
int qr_access_org(const qr_server *s, const char *who, const char *org);
void qr_access_free(qr_access *a);

#endif
