/*
 * status.c: the status request: how the daemon is doing, for `quorum status` and monitoring.
 * Everything it reports is kept in memory (stats.c, peers.c, the store's forum list) except
 * each forum's newest entry time and cosignature, one indexed read each.
 */
#include "server.h"

#include "log.h"
#include "witness.h"

#include <stdlib.h>
#include <string.h>

/* logged_at of a forum's newest entry (0 if it has none). */
static int take_logged_at(void *ctx, uint64_t seq, const uint8_t *entry, size_t len)
{
    Quorum__LogEntry *e = NULL;
    (void)seq;
    if (qr_entry_decode(entry, len, &e) == QR_OK) {
        *(int64_t *)ctx = e->logged_at;
        quorum__log_entry__free_unpacked(e, NULL);
    }
    return QR_OK;
}

static void forum_status(qr_server *s, const qr_store_forum *f, Quorum__ForumStatus *out)
{
    quorum__forum_status__init(out);
    out->forum = (char *)f->forum;
    out->size = f->size;
    if (f->size)
        qr_store_read(s->store, f->forum, f->size - 1, 1, take_logged_at, &out->last_entry_at);
    out->last_cosigned_at = qr_witness_freshness(s->store, f->forum);
}

void qr_handle_status(qr_server *s, zmq_msg_t *peer, uint64_t id, const char *who)
{
    Quorum__StatusReport st = QUORUM__STATUS_REPORT__INIT;
    size_t n = qr_store_forum_count(s->store);
    if (n > 2000)
        n = 2000; /* keeps the reply under the message limit */
    Quorum__ForumStatus *fs = calloc(n ? n : 1, sizeof *fs);
    Quorum__ForumStatus **ptrs = calloc(n ? n : 1, sizeof *ptrs);
    char backup[512];
    if (!fs || !ptrs) {
        qr_reply_status(s, peer, id, QR_NOMEM, NULL);
        goto out;
    }
    st.version = QR_VERSION;
    st.origin = s->cfg.origin;
    st.started_at = s->stats.started_at;
    st.uptime_seconds = qr_stats_uptime(&s->stats);
    st.schema_version = (uint32_t)qr_store_schema_version(s->store);
    st.forums = qr_store_forum_count(s->store);
    for (size_t i = 0; i < st.forums; i++)
        st.entries += qr_store_forum_at(s->store, i)->size;
    st.submits = s->stats.submits;
    st.refused = s->stats.refused;
    st.commits = s->stats.commits;
    st.submits_per_second = qr_stats_rate(&s->stats, &st.rate_window_seconds);
    qr_stats_latency(&s->stats, &st.commit_us_last, &st.commit_us_avg, &st.commit_us_max,
                     &st.latency_window);
    qr_peers_drain(&s->sub_peers);
    qr_peers_drain(&s->req_peers);
    st.subscribers = (uint32_t)qr_peers_count(&s->sub_peers);
    st.clients = (uint32_t)qr_peers_count(&s->req_peers);
    st.subscribers_accepted = s->sub_peers.accepted;
    st.clients_accepted = s->req_peers.accepted;
    st.allowed_keys = (uint32_t)(s->allow.n + s->registered.n);
    st.rulebooks_held = s->books.loaded.n;
    st.rulebook_entries = qr_rulebooks_entries(s);
    st.rulebook_loads = s->books.loads;
    st.rulebook_evictions = s->books.evictions;
    size_t shown = 0; /* only the forums this connection may read are listed by name */
    for (size_t i = 0; i < st.forums && shown < n; i++) {
        const qr_store_forum *f = qr_store_forum_at(s->store, i);
        if (!qr_access_forum(s, who, f->forum))
            continue;
        forum_status(s, f, &fs[shown]);
        ptrs[shown] = &fs[shown];
        shown++;
    }
    st.n_forum_status = shown;
    st.forum_status = ptrs;
    qr_backup_describe(s, backup, sizeof backup);
    st.backup = backup;

    Quorum__Reply r = QUORUM__REPLY__INIT;
    r.id = id;
    r.result_case = QUORUM__REPLY__RESULT_STATUS_REPORT;
    r.status_report = &st;
    qr_reply_ok(s, peer, &r);
out:
    free(fs);
    free(ptrs);
}
