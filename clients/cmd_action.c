/*
 * cmd_action.c: follow-through: quorum action assign, quorum action update.
 *
 * Every action belongs to one member organisation and a named owner (never "the
 * partnership"), with a due date; its status history is a series of updates, never edits.
 */
#include "client.h"

#include <string.h>

static int action_usage(void)
{
    fprintf(stderr,
            "usage: quorum action assign FORUM ACTION --proposal PROPOSAL --org ORG --owner NAME\n"
            "         --due DATE [--text TEXT]\n"
            "       quorum action update FORUM ACTION open|in-progress|done|blocked|dropped "
            "[--note TEXT]\n"
            "  DATE: YYYY-MM-DD, today, tomorrow, +N days, or epoch seconds\n"
            "example: quorum --key clerk.key action assign lpt-nhft-jwg act-17 --proposal "
            "stroke-rehab \\\n"
            "           --org nhft --owner \"Jo Okafor, Director of Operations\" --due +28 \\\n"
            "           --text \"Staffing model for the joint service to the next meeting\"\n"
            "         quorum --key clerk.key action update lpt-nhft-jwg act-17 in-progress "
            "--note \"draft shared\"\n");
    return 2;
}

static int action_assign(qr_cli *cli)
{
    Quorum__ActionAssigned aa = QUORUM__ACTION_ASSIGNED__INIT;
    const char *proposal = qr_cli_opt(cli, "proposal"), *org = qr_cli_opt(cli, "org"),
               *owner = qr_cli_opt(cli, "owner"), *text = qr_cli_opt(cli, "text");
    if (qr_cli_date_opt(cli, "due", 1, &aa.due))
        return action_usage();
    const char *forum = qr_cli_arg(cli, 0), *action = qr_cli_arg(cli, 1);
    if (!forum || !action || !proposal || !org || !owner || !*owner || qr_cli_extra(cli, 2))
        return action_usage();
    int status = qr_cli_check_ids(cli, "forum", forum, "action", action, "proposal", proposal,
                                  "organisation", org, NULL);
    if (status)
        return status;
    aa.action = (char *)action;
    aa.proposal = (char *)proposal;
    aa.organisation = (char *)org;
    aa.owner = (char *)owner;
    if (text)
        aa.text = (char *)text;
    Quorum__Statement st = QUORUM__STATEMENT__INIT;
    st.forum = (char *)forum;
    st.kind_case = QUORUM__STATEMENT__KIND_ACTION_ASSIGNED;
    st.action_assigned = &aa;
    return qr_cli_send(cli, &st);
}

static int action_update(qr_cli *cli)
{
    Quorum__ActionUpdated au = QUORUM__ACTION_UPDATED__INIT;
    const char *note = qr_cli_opt(cli, "note");
    const char *forum = qr_cli_arg(cli, 0), *action = qr_cli_arg(cli, 1),
               *status_s = qr_cli_arg(cli, 2);
    int s;
    if (!forum || !action || !status_s || qr_cli_extra(cli, 3))
        return action_usage();
    if (qr_cli_enum(qr_cli_action_statuses, status_s, &s) != QR_OK) {
        fprintf(stderr, "quorum: '%s' is not open, in-progress, done, blocked or dropped\n",
                status_s);
        return action_usage();
    }
    int status = qr_cli_check_ids(cli, "forum", forum, "action", action, NULL);
    if (status)
        return status;
    au.action = (char *)action;
    au.status = (Quorum__ActionStatus)s;
    if (note)
        au.note = (char *)note;
    Quorum__Statement st = QUORUM__STATEMENT__INIT;
    st.forum = (char *)forum;
    st.kind_case = QUORUM__STATEMENT__KIND_ACTION_UPDATED;
    st.action_updated = &au;
    return qr_cli_send(cli, &st);
}

int cmd_action(qr_cli *cli)
{
    const char *sub = qr_cli_arg(cli, 0);
    if (sub && (!strcmp(sub, "assign") || !strcmp(sub, "update"))) {
        cli->argc--;
        cli->argv++;
        return sub[0] == 'a' ? action_assign(cli) : action_update(cli);
    }
    return action_usage();
}
