/*
 * cmd_feed.c: quorum feed ORG, an organisation's own feed.
 *
 * A governance team's one view of what binds or concerns its organisation across every forum
 * it sits on (lib/concerns.h says which entries): outcomes, ratifications asked of its board,
 * overturns by any member, actions it owns, and announcements of actions past their due date.
 * Each entry line is the same as `quorum log` prints, with its forum.  The feed is a cue, not
 * the record: it has no sequence of its own, so a message dropped on the way cannot be noticed
 * here.  The record is each forum's log, which quorum-mirror keeps complete and verified.
 */
#include "client.h"

#include "util.h"

#include <stdio.h>
#include <string.h>
#include <zmq.h>

/* One event; returns 1 if it was printed. */
static int feed_event(qr_cli *cli, void *sub, const char *topic)
{
    zmq_msg_t t, body;
    zmq_msg_init(&t);
    zmq_msg_init(&body);
    int ok = zmq_msg_recv(&t, sub, ZMQ_DONTWAIT) >= 0 && zmq_msg_more(&t) &&
             zmq_msg_size(&t) == strlen(topic) && !memcmp(zmq_msg_data(&t), topic, strlen(topic)) &&
             zmq_msg_recv(&body, sub, ZMQ_DONTWAIT) >= 0 && !zmq_msg_more(&body) &&
             zmq_msg_size(&body) <= QR_MAX_MESSAGE;
    Quorum__Event *ev =
        ok ? quorum__event__unpack(NULL, zmq_msg_size(&body), zmq_msg_data(&body)) : NULL;
    int printed = 0;
    if (ev && qr_valid_id(ev->forum)) {
        if (ev->entry.len) {
            if (!cli->json)
                printf("%s  ", ev->forum); /* the entry's line names no forum */
            qr_cli_print_entry(cli, ev->forum, ev->entry.data, ev->entry.len);
            printed = 1;
        } else if (ev->notice && *ev->notice) {
            if (cli->json) {
                qr_json j;
                qr_json_init(&j, stdout);
                qr_json_object(&j, NULL);
                qr_json_str(&j, "forum", ev->forum);
                qr_json_str(&j, "notice", ev->notice);
                qr_json_str(&j, "subject", ev->subject);
                qr_json_str(&j, "message", ev->message);
                qr_json_end(&j);
                qr_json_end_line(&j);
            } else {
                printf("%s  %s %s: %s\n", ev->forum, ev->notice, ev->subject ? ev->subject : "",
                       ev->message ? ev->message : "");
            }
            printed = 1;
        }
        fflush(stdout);
    }
    if (ev)
        quorum__event__free_unpacked(ev, NULL);
    return printed;
}

int cmd_feed(qr_cli *cli)
{
    uint64_t count = 0, idle = 0;
    const char *c = qr_cli_opt(cli, "count"), *i = qr_cli_opt(cli, "idle");
    const char *org = qr_cli_arg(cli, 0);
    if (!org || qr_cli_arg(cli, 1) || (c && qr_cli_parse_u64(c, &count)) ||
        (i && qr_cli_parse_u64(i, &idle))) {
        fprintf(stderr, "usage: quorum feed ORG [--count N] [--idle SECONDS] [--json]\n"
                        "  --count N    exit after N events\n"
                        "  --idle S     exit with status 7 after S seconds with nothing new\n"
                        "example: quorum --key nhft-mirror.key feed nhft\n");
        return 2;
    }
    if (!qr_valid_id(org))
        return qr_cli_fail(cli, QR_USAGE, "'%s' is not an organisation id", org);
    if (*cli->db)
        return qr_cli_fail(cli, QR_USAGE, "feed follows the daemon (no --db)");
    qr_source src;
    int status = qr_source_open(cli, &src);
    if (status)
        return status;
    char topic[QR_TOPIC_MAX];
    qr_topic_org(org, topic, sizeof topic);
    void *sub = qr_cli_subscribe_topic(cli, src.conn, topic, &status);
    uint64_t printed = 0;
    qr_cli_idle quiet = {0};
    int r = 0;
    while (sub && !(count && printed >= count) &&
           (r = qr_cli_wait_event(cli, sub, idle, printed, &quiet, &status)) >= 0)
        if (r > 0)
            printed += (uint64_t)feed_event(cli, sub, topic);
    if (sub)
        zmq_close(sub);
    qr_source_close(&src);
    return status;
}
