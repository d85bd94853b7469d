/*
 * bundle.h: the proof bundle that travels with signed minutes.
 *
 * Minutes are the log made readable; the bundle is what lets someone who trusts nobody check
 * that they are the log.  It holds the signed checkpoint the minutes were cut from (with the
 * cosignatures it carried), and for every entry the minutes cite (every entry of the forum up
 * to that checkpoint, because the state the minutes show is rebuilt from all of them) its
 * exact bytes and its inclusion proof under that checkpoint, and a consistency proof from the
 * checkpoint of every earlier minutes the forum approved (DESIGN.md rule 15), so that the
 * history those minutes were cut from is proved a prefix of this one.
 *
 * The format is line-based text, like `quorum export`:
 *
 *     quorum-minutes-bundle-v1
 *     forum <forum id>
 *     meeting <meeting id>
 *     log-vkey <C2SP verifier key of the log>              (optional: the key is also given apart)
 *     checkpoint <base64 of the signed checkpoint note>
 *     entry <seq> <base64 entry bytes> <base64 proof>    (one per entry, seq 0, 1, 2 ... in order)
 *     consistency <old size> <base64 old root> <base64 proof>   (any number, at most 1024)
 *     end <entries> <consistency proofs>
 *
 * A proof is its hashes concatenated (32 bytes each, at most 64) and base64-encoded as one
 * field, or "-" when it is empty.  Nothing may follow the end line.
 *
 * Auditors receive bundles from others, so parsing is strict and bounded: the whole file at
 * most QR_BUNDLE_MAX_FILE bytes, each line at most QR_BUNDLE_MAX_LINE, at most
 * QR_BUNDLE_MAX_ENTRIES entries, every field checked (identifiers are slugs, base64 is
 * canonical and of the right length, sequence numbers consecutive from 0, each line kind in its
 * place and only once where it must be once), and the end line's counts must match.  Nothing
 * here checks a signature or a proof: that is the verifier's job, with the parsed parts.
 */
#ifndef QR_BUNDLE_H
#define QR_BUNDLE_H

#include "merkle.h"
#include "note.h"
#include "qr.h"

#define QR_BUNDLE_MAX_FILE (512u * 1024 * 1024)
#define QR_BUNDLE_MAX_LINE (256 * 1024)
#define QR_BUNDLE_MAX_ENTRIES 2000000
#define QR_BUNDLE_MAX_CONSISTENCY 1024
#define QR_BUNDLE_MAX_NOTE (QR_NOTE_MAX_TEXT + QR_NOTE_MAX_SIGS * 1024)

typedef struct {
    uint64_t seq;
    uint8_t *bytes; /* the exact LogEntry bytes */
    size_t len;
    size_t nproof;
    uint8_t (*proof)[QR_HASH_LEN]; /* inclusion proof under the checkpoint */
} qr_bundle_entry;

typedef struct {
    uint64_t old_size;
    uint8_t old_root[QR_HASH_LEN];
    qr_merkle_proof proof; /* from old_size to the checkpoint's size */
} qr_bundle_consistency;

typedef struct {
    char forum[QR_MAX_ID + 1];
    char meeting[QR_MAX_ID + 1];
    char vkey[QR_NOTE_VKEY_MAX]; /* "" if the bundle names none */
    char *note;                  /* the signed checkpoint note, NUL-terminated */
    qr_bundle_entry *entries;
    size_t nentries;
    qr_bundle_consistency *cons;
    size_t ncons;
} qr_bundle;

qr_bundle *qr_bundle_new(const char *forum, const char *meeting);
void qr_bundle_destroy(qr_bundle **b);

/* Building: the note (copied), then entries in order (bytes copied), then the proofs. */
int qr_bundle_set_checkpoint(qr_bundle *b, const char *note, const char *vkey);
int qr_bundle_add_entry(qr_bundle *b, const uint8_t *entry, size_t len);
/* Inclusion proofs of every entry under the tree of all the entries, and a consistency proof
 * from each of the old sizes (0 < old <= entries; others and duplicates are skipped).  *root
 * gets the root of the tree of all the entries, for the caller to hold against the
 * checkpoint. */
int qr_bundle_prove(qr_bundle *b, const uint64_t *old_sizes, size_t nold,
                    uint8_t root[QR_HASH_LEN]);

/* The bundle as text (malloc'd). */
int qr_bundle_format(const qr_bundle *b, char **out, size_t *len);
/* Parse text (not necessarily NUL-terminated).  On failure err says which line and why:
 * QR_TOO_LARGE past a limit, QR_BAD_PROOF for anything malformed. */
int qr_bundle_parse(const char *text, size_t len, qr_bundle **out, char *err, size_t errlen);

#endif
