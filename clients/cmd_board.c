/*
 * cmd_board.c: an organisation's board acting on what its forum decided: quorum ratify (or
 * refuse to ratify) a recommendation, quorum overturn a decision taken under delegation.
 *
 * These are the board's own statements, signed with the board's key (--key board.key); an
 * overturn is pushed at once to every organisation in the forum.
 */
#include "client.h"

#include <string.h>

static int ratify_usage(void)
{
    fprintf(stderr,
            "usage: quorum ratify FORUM PROPOSAL --org ORG [--board-meeting REF]\n"
            "       quorum ratify FORUM PROPOSAL --org ORG --refuse --reason TEXT "
            "[--board-meeting REF]\n"
            "  Signed by ORG's board: ratifies (or refuses) the forum's recommendation.\n"
            "example: quorum --key nhft-board.key ratify lpt-nhft-jwg stroke-rehab --org nhft "
            "\\\n"
            "           --board-meeting \"NHFT Board 2025-07-03, item 9\"\n");
    return 2;
}

int cmd_ratify(qr_cli *cli)
{
    const char *org = qr_cli_opt(cli, "org"), *board = qr_cli_opt(cli, "board-meeting"),
               *reason = qr_cli_opt(cli, "reason");
    int refuse = qr_cli_flag(cli, "refuse");
    const char *forum = qr_cli_arg(cli, 0), *proposal = qr_cli_arg(cli, 1);
    if (!forum || !proposal || !org || qr_cli_extra(cli, 2))
        return ratify_usage();
    if (refuse && (!reason || !*reason)) {
        fprintf(stderr, "quorum: refusing to ratify needs the board's --reason\n");
        return ratify_usage();
    }
    if (!refuse && reason) {
        fprintf(stderr, "quorum: --reason goes with --refuse\n");
        return ratify_usage();
    }
    int status =
        qr_cli_check_ids(cli, "forum", forum, "proposal", proposal, "organisation", org, NULL);
    if (status)
        return status;
    Quorum__Statement st = QUORUM__STATEMENT__INIT;
    Quorum__Ratified ra = QUORUM__RATIFIED__INIT;
    Quorum__RatificationRefused rr = QUORUM__RATIFICATION_REFUSED__INIT;
    st.forum = (char *)forum;
    if (refuse) {
        rr.proposal = (char *)proposal;
        rr.organisation = (char *)org;
        rr.reason = (char *)reason;
        if (board)
            rr.board_meeting = (char *)board;
        st.kind_case = QUORUM__STATEMENT__KIND_RATIFICATION_REFUSED;
        st.ratification_refused = &rr;
    } else {
        ra.proposal = (char *)proposal;
        ra.organisation = (char *)org;
        if (board)
            ra.board_meeting = (char *)board;
        st.kind_case = QUORUM__STATEMENT__KIND_RATIFIED;
        st.ratified = &ra;
    }
    return qr_cli_send(cli, &st);
}

static int overturn_usage(void)
{
    fprintf(stderr,
            "usage: quorum overturn FORUM PROPOSAL --org ORG --reason TEXT [--board-meeting "
            "REF]\n"
            "  Signed by ORG's board: overturns what its representative decided under\n"
            "  delegation; every organisation in the forum is told at once.\n"
            "example: quorum --key lpt-board.key overturn lpt-nhft-jwg stroke-rehab --org lpt "
            "\\\n"
            "           --reason \"conflicts with the LPT estates strategy\" --board-meeting "
            "\"LPT Board 2025-07-10\"\n");
    return 2;
}

int cmd_overturn(qr_cli *cli)
{
    const char *org = qr_cli_opt(cli, "org"), *board = qr_cli_opt(cli, "board-meeting"),
               *reason = qr_cli_opt(cli, "reason");
    const char *forum = qr_cli_arg(cli, 0), *proposal = qr_cli_arg(cli, 1);
    if (!forum || !proposal || !org || !reason || !*reason || qr_cli_extra(cli, 2))
        return overturn_usage();
    int status =
        qr_cli_check_ids(cli, "forum", forum, "proposal", proposal, "organisation", org, NULL);
    if (status)
        return status;
    Quorum__DecisionOverturned d = QUORUM__DECISION_OVERTURNED__INIT;
    d.proposal = (char *)proposal;
    d.organisation = (char *)org;
    d.reason = (char *)reason;
    if (board)
        d.board_meeting = (char *)board;
    Quorum__Statement st = QUORUM__STATEMENT__INIT;
    st.forum = (char *)forum;
    st.kind_case = QUORUM__STATEMENT__KIND_DECISION_OVERTURNED;
    st.decision_overturned = &d;
    return qr_cli_send(cli, &st);
}
