/*
 * witness.c: the daemon's side of witnessing.
 *
 * Each organisation's mirror verifies a forum's checkpoint against its own copy of the log and
 * sends back a C2SP cosignature (tlog-cosignature, type 0x04).  The daemon accepts it only
 * from a witness the forum's charter names, only over a checkpoint it signed itself, and only
 * if the signature verifies; it then stores it beside the checkpoint and serves and publishes
 * that checkpoint with every cosignature collected, so a reader sees at once which
 * organisations have vouched for the history.
 */
#include "server.h"

#include "checkpoint.h"
#include "log.h"
#include "note.h"
#include "util.h"
#include "witness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The note and the cosignature lines for its size, as one cosigned note (malloc'd). */
char *qr_witness_cosigned_note(qr_server *s, const char *forum, const char *note, uint64_t size)
{
    char *lines = NULL;
    if (qr_witness_cosigs(s->store, forum, size, &lines) != QR_OK)
        return strdup(note);
    size_t n = strlen(note) + strlen(lines) + 1;
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%s%s", note, lines);
    free(lines);
    return out;
}

/* Which of the charter's witnesses made this cosignature line over `note`'s text? */
static int find_witness(const qr_rules *r, const char *cosigned, const qr_note *parsed,
                        const char **name)
{
    const Quorum__Charter *c = r->charter;
    int rc = QR_NOT_AUTHORISED;
    for (size_t i = 0; c && i < c->n_witnesses; i++) {
        const Quorum__Party *w = c->witnesses[i];
        char vkey[QR_NOTE_VKEY_MAX];
        qr_note_verifier v;
        uint64_t ts;
        if (w->sign_key.len != 32 ||
            qr_note_vkey_format(w->name, QR_NOTE_COSIG, w->sign_key.data, vkey, sizeof vkey) ||
            qr_note_vkey_parse(vkey, &v))
            continue;
        int r2 = qr_cosig_verify(cosigned, parsed, &v, &ts);
        if (r2 == QR_OK) {
            *name = w->name;
            return QR_OK;
        }
        if (r2 == QR_BAD_SIGNATURE)
            rc = QR_BAD_SIGNATURE;
    }
    return rc;
}

static void publish_checkpoint(qr_server *s, const char *forum, const char *note, uint64_t size)
{
    char topic[QR_MAX_ID + 16];
    qr_topic_forum(forum, topic, sizeof topic);
    Quorum__Event ev = QUORUM__EVENT__INIT;
    ev.forum = (char *)forum;
    ev.checkpoint = (char *)note;
    ev.size = size;
    if (zmq_send(s->xpub, topic, strlen(topic), ZMQ_SNDMORE | ZMQ_DONTWAIT) >= 0)
        qr_wire_send(s->xpub, &ev.base, ZMQ_DONTWAIT);
}

void qr_witness_handle_add(qr_server *s, zmq_msg_t *peer, uint64_t id, const char *who,
                           const Quorum__AddCosignature *a)
{
    const char *forum = a->forum ? a->forum : "", *line = a->line ? a->line : "";
    qr_rules *r = NULL;
    char *note = NULL, *cosigned = NULL, msg[512];
    const char *witness = NULL;
    qr_note parsed;
    int rc = qr_rulebooks_get(s, forum, &r);
    if (rc != QR_OK) {
        qr_reply_status(s, peer, id, rc,
                        rc == QR_UNKNOWN_FORUM ? "there is no forum with that id"
                                               : "quorumd cannot read that forum's charter");
        return;
    }
    if (strlen(line) > QR_NOTE_SIGLINE_MAX || !strchr(line, '\n') ||
        qr_witness_checkpoint_at(s->store, forum, a->size, &note) != QR_OK ||
        qr_note_parse(note, strlen(note), &parsed) != QR_OK) {
        snprintf(msg, sizeof msg, "forum %s has no checkpoint of size %llu to cosign, or the "
                 "line is malformed", forum, (unsigned long long)a->size);
        qr_info("refused a cosignature from %s: BAD_NOTE: %s", *who ? who : "?", msg);
        qr_reply_status(s, peer, id, QR_BAD_NOTE, msg);
        free(note);
        return;
    }
    /* The checkpoint text as this daemon signed it, then the witness's line alone. */
    size_t n = parsed.text_len + 1 + strlen(line) + 1;
    if ((cosigned = malloc(n)) == NULL) {
        free(note);
        qr_reply_status(s, peer, id, QR_NOMEM, NULL);
        return;
    }
    snprintf(cosigned, n, "%.*s\n%s", (int)parsed.text_len, note, line);
    rc = qr_note_parse(cosigned, strlen(cosigned), &parsed);
    if (rc == QR_OK)
        rc = find_witness(r, cosigned, &parsed, &witness);
    if (rc == QR_OK)
        rc = qr_witness_put_cosig(s->store, forum, a->size, witness, line, qr_now());
    if (rc != QR_OK) {
        snprintf(msg, sizeof msg, "%s", rc == QR_NOT_AUTHORISED
                 ? "the cosignature is not by a witness named in the forum's charter"
                 : rc == QR_BAD_SIGNATURE ? "the cosignature does not verify"
                                          : "the cosignature could not be recorded");
        qr_info("refused a cosignature for forum %s size %llu from %s: %s: %s", forum,
                (unsigned long long)a->size, *who ? who : "?", qr_code_name(rc), msg);
        qr_reply_status(s, peer, id, rc == QR_BAD_NOTE ? QR_BAD_NOTE : rc, msg);
    } else {
        qr_info("witness %s cosigned forum %s at size %llu", witness, forum,
                (unsigned long long)a->size);
        qr_reply_status(s, peer, id, QR_OK, "cosignature recorded");
        char *full = qr_witness_cosigned_note(s, forum, note, a->size);
        if (full)
            publish_checkpoint(s, forum, full, a->size);
        free(full);
    }
    free(cosigned);
    free(note);
}

void qr_witness_heartbeat(qr_server *s)
{
    size_t n = qr_store_forum_count(s->store);
    for (size_t i = 0; i < n; i++) {
        const qr_store_forum *f = qr_store_forum_at(s->store, i);
        char *note = NULL, *full = NULL;
        uint64_t size;
        if (qr_store_latest_checkpoint(s->store, f->forum, &note, &size) == QR_OK &&
            (full = qr_witness_cosigned_note(s, f->forum, note, size)) != NULL)
            publish_checkpoint(s, f->forum, full, size);
        free(full);
        free(note);
    }
}
