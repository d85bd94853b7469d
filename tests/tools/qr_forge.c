/*
 * qr_forge: what a dishonest daemon operator could do: append a validly signed but unlawful
 * vote straight into a copy of the database, and re-sign the forum's checkpoint with the
 * daemon's own log key, so every hash and signature checks out.  Only the rulebook replay in
 * `quorum verify` can catch it, and the test that uses this proves that it does.
 *
 * usage: qr_forge DB DAEMON.key ORIGIN FORUM SIGNER.key PROPOSAL ORG PERSON
 */
#include "checkpoint.h"
#include "keys.h"
#include "note.h"
#include "statement.h"
#include "store.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what, int rc)
{
    fprintf(stderr, "qr_forge: %s: %s\n", what, qr_strerror(rc));
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 9) {
        fprintf(stderr, "usage: qr_forge DB DAEMON.key ORIGIN FORUM SIGNER.key PROPOSAL ORG "
                        "PERSON\n");
        return 2;
    }
    char err[512];
    qr_store *s = NULL;
    qr_key *daemon = NULL, *signer = NULL;
    int rc;
    if ((rc = qr_store_open(argv[1], 0, &s, err, sizeof err)) != QR_OK)
        return fail(err, rc);
    if ((rc = qr_key_load(argv[2], &daemon, err, sizeof err)) != QR_OK ||
        (rc = qr_key_load(argv[5], &signer, err, sizeof err)) != QR_OK)
        return fail(err, rc);
    const char *forum = argv[4];
    const qr_store_forum *f = qr_store_forum_find(s, forum);
    if (!f)
        return fail(forum, QR_UNKNOWN_FORUM);

    Quorum__Statement st = QUORUM__STATEMENT__INIT;
    Quorum__VoteCast v = QUORUM__VOTE_CAST__INIT;
    v.proposal = argv[6];
    v.organisation = argv[7];
    v.person = argv[8];
    v.choice = QUORUM__CHOICE__FOR;
    st.forum = (char *)forum;
    st.signed_at = qr_now();
    st.kind_case = QUORUM__STATEMENT__KIND_VOTE_CAST;
    st.vote_cast = &v;
    uint8_t *signed_stmt = NULL, *entry = NULL;
    size_t slen = 0, elen = 0;
    qr_statement *opened = NULL;
    uint64_t seq = f->size;
    if ((rc = qr_statement_seal(&st, signer, &signed_stmt, &slen)) != QR_OK ||
        (rc = qr_statement_open(signed_stmt, slen, &opened, err, sizeof err)) != QR_OK ||
        (rc = qr_entry_encode(seq, qr_now(), signed_stmt, slen, &entry, &elen)) != QR_OK)
        return fail("cannot make the statement", rc);

    qr_checkpoint cp;
    char text[512], line[QR_NOTE_SIGLINE_MAX], note[1024];
    if ((rc = qr_store_begin(s)) != QR_OK ||
        (rc = qr_store_append(s, forum, entry, elen, opened->stmt_hash, &seq)) != QR_OK)
        return fail("cannot append", rc);
    if ((rc = qr_checkpoint_origin(argv[3], forum, cp.origin, sizeof cp.origin)) != QR_OK)
        return fail("origin", rc);
    cp.size = f->size;
    qr_merkle_frontier_root(&f->fr, cp.root);
    if ((rc = qr_checkpoint_format(&cp, text, sizeof text)) != QR_OK ||
        (rc = qr_note_sign_line(text, strlen(text), cp.origin, daemon->sign_sk, line,
                                sizeof line)) != QR_OK)
        return fail("cannot sign the checkpoint", rc);
    snprintf(note, sizeof note, "%s\n%s", text, line);
    if ((rc = qr_store_put_checkpoint(s, forum, cp.size, note)) != QR_OK ||
        (rc = qr_store_commit(s)) != QR_OK)
        return fail("cannot commit", rc);
    printf("appended an unlawful vote as entry %llu of forum %s and re-signed its checkpoint\n",
           (unsigned long long)seq, forum);
    qr_statement_destroy(&opened);
    free(signed_stmt);
    free(entry);
    qr_key_destroy(&daemon);
    qr_key_destroy(&signer);
    qr_store_destroy(&s);
    return 0;
}
