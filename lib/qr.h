/*
 * qr.h: what every part of quorum shares: result codes, limits, attributes.
 *
 * Result codes
 * ------------
 * Every library function that can fail returns an int: QR_OK (0) on success, or one of the
 * qr_code values below.  The same codes travel on the wire as their stable names
 * (qr_code_name(): "BAD_SIGNATURE", ...), are printed to users beside a sentence that says what
 * went wrong, and map to the client's exit status (qr_code_exit()).  Names are part of the
 * protocol: a code may be added, never renamed or renumbered.
 */
#ifndef QR_H
#define QR_H

#include <stddef.h>
#include <stdint.h>

#define QR_MUST_CHECK __attribute__((warn_unused_result))
#define QR_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* Hard caps on everything that arrives from outside. */
#define QR_MAX_MESSAGE (256 * 1024)    /* one request, reply frame or event on the bus */
#define QR_MAX_STATEMENT (64 * 1024)   /* one signed statement */
#define QR_MAX_READ_ENTRIES 1000       /* entries returned by one read request */
#define QR_MAX_ID 64                   /* forum, organisation, proposal ... identifiers */
#define QR_MAX_NAME 200                /* key names, note origins */

#define QR_HASH_LEN 32

typedef enum {
    QR_OK = 0,
    QR_BAD_REQUEST,   /* bytes that are not a request, or a request missing its fields */
    QR_TOO_LARGE,     /* over a size limit */
    QR_BAD_STATEMENT, /* a statement that does not decode or misses required fields */
    QR_BAD_SIGNATURE, /* signature does not verify */
    QR_UNKNOWN_FORUM, /* no forum with that id */
    QR_FORUM_EXISTS,  /* charter for a forum already chartered */
    QR_DUPLICATE,     /* the same statement was already recorded */
    QR_WRONG_SIGNER,  /* signed by a key the rule does not accept for this statement */
    QR_NOT_FOUND,     /* no such entry, key, file */
    QR_OUT_OF_RANGE,  /* index or size beyond the tree */
    QR_NOT_AUTHORISED,/* the caller may not do or read this */
    QR_UNAVAILABLE,   /* the daemon cannot take writes now (disk, shutdown); retry later */
    QR_TIMEOUT,       /* no answer in time */
    QR_BAD_PROOF,     /* a proof that does not verify */
    QR_BAD_NOTE,      /* a signed note or checkpoint that does not parse or verify */
    QR_BAD_KEY,       /* a key or key file that is malformed or unsafe */
    QR_BAD_CONFIG,    /* a configuration value that is wrong */
    QR_TAMPERED,      /* stored data that disagrees with what was signed */
    QR_IO,            /* a file or database operation failed */
    QR_NOMEM,
    QR_INTERNAL,
    QR_USAGE,         /* bad command-line use */

    /* Refusals by the rulebook (lib/rules.h), one per rule of DESIGN.md. */
    QR_CLOCK_SKEW,                /* signed-at too far from the daemon's clock */
    QR_DUPLICATE_ID,              /* an identifier already used in this forum */
    QR_NOT_A_MEMBER,              /* organisation or person not a member */
    QR_NO_DELEGATION,
    QR_DELEGATION_EXPIRED,
    QR_DELEGATION_REVOKED,
    QR_OUT_OF_SCOPE,
    QR_OVER_FINANCIAL_LIMIT,
    QR_RESERVED_MATTER,
    QR_NED_CANNOT_BIND,
    QR_DELEGATE_NOT_DIRECTOR,     /* foundation trust delegating outside its directors */
    QR_ASSOCIATE_CANNOT_VOTE,
    QR_NOT_PRESENT,
    QR_INQUORATE,
    QR_MEETING_NOT_OPEN,
    QR_MEETING_ALREADY_OPEN,
    QR_PROPOSAL_CLOSED,
    QR_REASONS_REQUIRED,
    QR_OUTCOME_MISMATCH,
    QR_NOT_A_RECOMMENDATION,      /* ratifying a decision of a forum that does not recommend */
    QR_NOT_UNDER_DELEGATION,      /* overturning what was not decided under delegation */
    QR_ALREADY_DECIDED,           /* a board deciding the same thing twice */
    QR_ACTION_NEEDS_OWNER,
    QR_CHARTER_NEEDS_RELATIONSHIP,
    QR_CODE_COUNT
} qr_code;

/* Stable upper-case name of a code, as sent on the wire ("BAD_SIGNATURE"). */
const char *qr_code_name(int code);
/* A short sentence for people ("the signature does not verify"). */
const char *qr_strerror(int code);
/* Parse a wire name back into a code; unknown names give QR_INTERNAL. */
int qr_code_from_name(const char *name);
/* The client's exit status for a code (documented in the README). */
int qr_code_exit(int code);

#endif
