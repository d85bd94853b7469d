/*
 * fixture.h: two small forums, built with the real code, that the fuzz harnesses start from
 * and that the seed generator (make_seeds.c) writes seeds from.
 *
 * Keys are derived from their names (the Ed25519 seed and CURVE secret are SHA-256 of the name
 * and a label, parsed through qr_key_parse), so every build makes byte-identical statements
 * and the committed seeds stay valid, signatures included.  Entry i of a forum is logged at
 * fx_time(i) and signed at the same time.
 *
 *   "city" (DELEGATED): a foundation trust (uhl), a local authority (lcc) and an associate
 *       third-sector member (vcs); members, delegations, a reserved matter, meeting m1 open
 *       with attendance, proposals p1 and p2 tabled (the base, FX_CITY_BASE statements); then
 *       the business: votes (one recorded by the clerk and confirmed, one changed), close,
 *       overturn, an action and its update, a correction, revocation, standing down, meeting
 *       closed, minutes approved, charter amended.
 *   "ics" (RECOMMENDS): two trusts, a meeting, a proposal (the base, FX_ICS_BASE); then votes,
 *       close, a ratification and a refusal.
 */
#ifndef FX_FIXTURE_H
#define FX_FIXTURE_H

#include "keys.h"
#include "rules.h"
#include "statement.h"

#define FX_T0 1780000000LL /* 2026-05-28T20:26:40Z */
#define FX_MAX 48

typedef struct {
    uint8_t *bytes;
    size_t len;
} fx_blob;

typedef struct {
    const char *id;
    size_t n, base;        /* statements; how many of them make the base state */
    fx_blob stmt[FX_MAX];  /* sealed SignedStatement bytes, in log order */
    fx_blob entry[FX_MAX]; /* LogEntry bytes of each (seq i, logged at fx_time(i)) */
    uint8_t leaf[FX_MAX][QR_HASH_LEN];
} fx_forum;

int64_t fx_time(uint64_t seq);
/* Before the forums are first used: entry i at t0 + step * i instead (fuzz_request.c, whose
 * daemon judges statements at its own clock). */
void fx_set_clock(int64_t t0, int64_t step);
/* The named key (cached; owned by the fixture).  Names: operator, clerk, chair, witness, log,
 * uhl-board, lcc-board, vcs-board, uhl-ceo, uhl-ned, lcc-dir, vcs-rep, ... */
const qr_key *fx_key(const char *name);
/* The forums, built on first use (exits on failure: the fixture must build). */
const fx_forum *fx_city(void);
const fx_forum *fx_ics(void);
/* A fresh rulebook state with the first `upto` statements of f applied. */
qr_rules *fx_rules(const fx_forum *f, size_t upto);
/* A forum played from a fuzz input (fuzz_rules.c describes the format): a base the fixture
 * built, then up to FX_PLAY_MAX statements judged as the next entries, signatures taken as
 * good unless bit 2 of byte 0 asks to verify them.  Every entry's opened statement is kept
 * if it was lawful, for the minutes.  A refusal must say why and leave the state as it was:
 * fx_play aborts if not. */
#define FX_PLAY_MAX 64
typedef struct {
    qr_rules *r;
    size_t n;                               /* entries, base included */
    qr_statement *st[FX_MAX + FX_PLAY_MAX]; /* the lawful ones; NULL for the others */
    int64_t at[FX_MAX + FX_PLAY_MAX];       /* logged times */
} fx_played;
int fx_play(fx_played *p, const uint8_t *data, size_t size);
void fx_played_free(fx_played *p);

/* The signed checkpoint note of the first `size` entries of f, by the "log" key under origin
 * "quorum.localhost/forum/<id>" (malloc'd). */
char *fx_checkpoint(const fx_forum *f, size_t size);
/* Its C2SP verifier key (type 0x01) into out (QR_NOTE_VKEY_MAX bytes). */
void fx_log_vkey(const fx_forum *f, char *out);

#endif
