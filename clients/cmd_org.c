/*
 * cmd_org.c: organisations and their authority in a forum: quorum org join, member appoint and
 * stand-down, delegate grant and revoke, reserve.
 *
 * Joining is the operator's statement; everything else here is the organisation's board
 * speaking (the board passes its own key with --key), as DESIGN.md requires.
 */
#include "client.h"

#include <string.h>

/* Drop the sub-command word so the forum is argument 0. */
static void shift(qr_cli *cli)
{
    cli->argc--;
    cli->argv++;
}

/* ---- quorum org join ------------------------------------------------------------------- */

static int join_usage(void)
{
    fprintf(stderr,
            "usage: quorum org join FORUM ORG --name NAME --kind KIND --membership "
            "full|associate\n"
            "         --board BOARD.pub       (signed by the operator)\n"
            "  KIND: foundation-trust|nhs-trust|local-authority|icb|gp-federation|"
            "third-sector|other\n"
            "example: quorum org join lpt-nhft-jwg lpt --name \"Leicestershire Partnership NHS "
            "Trust\" \\\n"
            "           --kind nhs-trust --membership full --board lpt-board.pub\n");
    return 2;
}

static int org_join(qr_cli *cli)
{
    Quorum__OrganisationJoined oj = QUORUM__ORGANISATION_JOINED__INIT;
    int kind, membership;
    oj.name = (char *)qr_cli_opt(cli, "name");
    const char *board = qr_cli_opt(cli, "board");
    if (qr_cli_enum_opt(cli, "kind", qr_cli_org_kinds, 1, &kind) ||
        qr_cli_enum_opt(cli, "membership", qr_cli_memberships, 1, &membership))
        return join_usage();
    const char *forum = qr_cli_arg(cli, 0), *org = qr_cli_arg(cli, 1);
    if (!forum || !org || !oj.name || !*oj.name || !board || qr_cli_extra(cli, 2))
        return join_usage();
    int status = qr_cli_check_ids(cli, "forum", forum, "organisation", org, NULL);
    if (status)
        return status;
    qr_key *bk = NULL;
    if (qr_cli_load_key(board, &bk) != QR_OK)
        return 9;
    oj.organisation = (char *)org;
    oj.kind = (Quorum__OrgKind)kind;
    oj.membership = (Quorum__Membership)membership;
    oj.board_sign_key = (ProtobufCBinaryData){32, bk->sign_pk};
    oj.board_curve_key = (ProtobufCBinaryData){32, bk->curve_pk};
    Quorum__Statement st = QUORUM__STATEMENT__INIT;
    st.forum = (char *)forum;
    st.kind_case = QUORUM__STATEMENT__KIND_ORGANISATION_JOINED;
    st.organisation_joined = &oj;
    status = qr_cli_send(cli, &st);
    qr_key_destroy(&bk);
    return status;
}

int cmd_org(qr_cli *cli)
{
    const char *sub = qr_cli_arg(cli, 0);
    if (sub && !strcmp(sub, "join")) {
        shift(cli);
        return org_join(cli);
    }
    return join_usage();
}

/* ---- quorum member appoint | stand-down ------------------------------------------------ */

static int member_usage(void)
{
    fprintf(stderr,
            "usage: quorum member appoint FORUM ORG PERSON --name NAME --role ROLE\n"
            "         --capacity executive|non-executive|officer|function-rep\n"
            "         --member-key PERSON.pub [--non-voting]      (signed by ORG's board)\n"
            "       quorum member stand-down FORUM ORG PERSON [--reason TEXT]\n"
            "example: quorum --key lpt-board.key member appoint lpt-nhft-jwg lpt a-patel \\\n"
            "           --name \"Dr Anita Patel\" --role \"Chief Executive\" --capacity "
            "executive --member-key a-patel.pub\n");
    return 2;
}

static int member_appoint(qr_cli *cli)
{
    Quorum__MemberAppointed ma = QUORUM__MEMBER_APPOINTED__INIT;
    int capacity;
    ma.name = (char *)qr_cli_opt(cli, "name");
    ma.role = (char *)qr_cli_opt(cli, "role");
    const char *keyfile = qr_cli_opt(cli, "member-key");
    ma.voting = !qr_cli_flag(cli, "non-voting");
    if (qr_cli_enum_opt(cli, "capacity", qr_cli_member_capacities, 1, &capacity))
        return member_usage();
    const char *forum = qr_cli_arg(cli, 0), *org = qr_cli_arg(cli, 1), *person = qr_cli_arg(cli, 2);
    if (!forum || !org || !person || !ma.name || !*ma.name || !ma.role || !keyfile ||
        qr_cli_extra(cli, 3))
        return member_usage();
    int status = qr_cli_check_ids(cli, "forum", forum, "organisation", org, "person", person, NULL);
    if (status)
        return status;
    qr_key *mk = NULL;
    if (qr_cli_load_key(keyfile, &mk) != QR_OK)
        return 9;
    ma.organisation = (char *)org;
    ma.person = (char *)person;
    ma.capacity = (Quorum__MemberCapacity)capacity;
    ma.sign_key = (ProtobufCBinaryData){32, mk->sign_pk};
    ma.curve_key = (ProtobufCBinaryData){32, mk->curve_pk};
    Quorum__Statement st = QUORUM__STATEMENT__INIT;
    st.forum = (char *)forum;
    st.kind_case = QUORUM__STATEMENT__KIND_MEMBER_APPOINTED;
    st.member_appointed = &ma;
    status = qr_cli_send(cli, &st);
    qr_key_destroy(&mk);
    return status;
}

static int member_stand_down(qr_cli *cli)
{
    Quorum__MemberStoodDown sd = QUORUM__MEMBER_STOOD_DOWN__INIT;
    const char *reason = qr_cli_opt(cli, "reason");
    const char *forum = qr_cli_arg(cli, 0), *org = qr_cli_arg(cli, 1), *person = qr_cli_arg(cli, 2);
    if (!forum || !org || !person || qr_cli_extra(cli, 3))
        return member_usage();
    int status = qr_cli_check_ids(cli, "forum", forum, "organisation", org, "person", person, NULL);
    if (status)
        return status;
    sd.organisation = (char *)org;
    sd.person = (char *)person;
    if (reason)
        sd.reason = (char *)reason;
    Quorum__Statement st = QUORUM__STATEMENT__INIT;
    st.forum = (char *)forum;
    st.kind_case = QUORUM__STATEMENT__KIND_MEMBER_STOOD_DOWN;
    st.member_stood_down = &sd;
    return qr_cli_send(cli, &st);
}

int cmd_member(qr_cli *cli)
{
    const char *sub = qr_cli_arg(cli, 0);
    if (sub && !strcmp(sub, "appoint")) {
        shift(cli);
        return member_appoint(cli);
    }
    if (sub && !strcmp(sub, "stand-down")) {
        shift(cli);
        return member_stand_down(cli);
    }
    return member_usage();
}

/* ---- quorum delegate grant | revoke ---------------------------------------------------- */

static int delegate_usage(void)
{
    fprintf(stderr,
            "usage: quorum delegate grant FORUM ORG DELEGATION --holder PERSON [--holder "
            "PERSON]...\n"
            "         --class CLASS [--class CLASS]... [--limit POUNDS] --from DATE --until "
            "DATE\n"
            "         [--scheme REF]                              (signed by ORG's board)\n"
            "       quorum delegate revoke FORUM ORG DELEGATION [--reason TEXT]\n"
            "  DATE: YYYY-MM-DD, today, yesterday, tomorrow, +N or -N days, or epoch seconds\n"
            "  POUNDS: 250000 or 250000.50 (no --limit: no financial authority)\n"
            "example: quorum --key lpt-board.key delegate grant lpt-nhft-jwg lpt lpt-ceo-2025 "
            "\\\n"
            "           --holder a-patel --class service-change --class estates --limit 250000 "
            "\\\n"
            "           --from today --until 2026-03-31 --scheme \"LPT SoD 4.2\"\n");
    return 2;
}

static int delegate_grant(qr_cli *cli)
{
    const char *holders[QR_CLI_MAX_REPEAT], *classes[QR_CLI_MAX_REPEAT];
    Quorum__DelegationGranted dg = QUORUM__DELEGATION_GRANTED__INIT;
    size_t nh = qr_cli_opt_all(cli, "holder", holders, QR_CLI_MAX_REPEAT);
    size_t nc = qr_cli_opt_all(cli, "class", classes, QR_CLI_MAX_REPEAT);
    const char *limit = qr_cli_opt(cli, "limit"), *scheme = qr_cli_opt(cli, "scheme");
    if (limit && qr_cli_parse_pounds(limit, &dg.financial_limit) != QR_OK) {
        fprintf(stderr,
                "quorum: --limit '%s' is not an amount in pounds (250000 or "
                "250000.50)\n",
                limit);
        return delegate_usage();
    }
    if (qr_cli_date_opt(cli, "from", 1, &dg.valid_from) ||
        qr_cli_date_opt(cli, "until", 1, &dg.valid_until))
        return delegate_usage();
    /* "valid until 31 March" covers the whole of 31 March: a day runs to its last second. */
    if (dg.valid_until % 86400 == 0)
        dg.valid_until += 86399;
    const char *forum = qr_cli_arg(cli, 0), *org = qr_cli_arg(cli, 1), *id = qr_cli_arg(cli, 2);
    if (!forum || !org || !id || !nh || !nc || qr_cli_extra(cli, 3))
        return delegate_usage();
    int status = qr_cli_check_ids(cli, "forum", forum, "organisation", org, "delegation", id, NULL);
    for (size_t i = 0; !status && i < nh; i++)
        status = qr_cli_check_ids(cli, "holder (person)", holders[i], NULL);
    for (size_t i = 0; !status && i < nc; i++)
        if (!*classes[i])
            status = qr_cli_fail(cli, QR_USAGE, "--class needs a class of matter");
    if (status)
        return status;
    if (dg.valid_until <= dg.valid_from)
        return qr_cli_fail(cli, QR_USAGE, "--until must be after --from");
    dg.organisation = (char *)org;
    dg.delegation = (char *)id;
    dg.n_holders = nh;
    dg.holders = (char **)holders;
    dg.n_classes = nc;
    dg.classes = (char **)classes;
    if (scheme)
        dg.scheme_reference = (char *)scheme;
    Quorum__Statement st = QUORUM__STATEMENT__INIT;
    st.forum = (char *)forum;
    st.kind_case = QUORUM__STATEMENT__KIND_DELEGATION_GRANTED;
    st.delegation_granted = &dg;
    return qr_cli_send(cli, &st);
}

static int delegate_revoke(qr_cli *cli)
{
    Quorum__DelegationRevoked dr = QUORUM__DELEGATION_REVOKED__INIT;
    const char *reason = qr_cli_opt(cli, "reason");
    const char *forum = qr_cli_arg(cli, 0), *org = qr_cli_arg(cli, 1), *id = qr_cli_arg(cli, 2);
    if (!forum || !org || !id || qr_cli_extra(cli, 3))
        return delegate_usage();
    int status = qr_cli_check_ids(cli, "forum", forum, "organisation", org, "delegation", id, NULL);
    if (status)
        return status;
    dr.organisation = (char *)org;
    dr.delegation = (char *)id;
    if (reason)
        dr.reason = (char *)reason;
    Quorum__Statement st = QUORUM__STATEMENT__INIT;
    st.forum = (char *)forum;
    st.kind_case = QUORUM__STATEMENT__KIND_DELEGATION_REVOKED;
    st.delegation_revoked = &dr;
    return qr_cli_send(cli, &st);
}

int cmd_delegate(qr_cli *cli)
{
    const char *sub = qr_cli_arg(cli, 0);
    if (sub && !strcmp(sub, "grant")) {
        shift(cli);
        return delegate_grant(cli);
    }
    if (sub && !strcmp(sub, "revoke")) {
        shift(cli);
        return delegate_revoke(cli);
    }
    return delegate_usage();
}

/* ---- quorum reserve -------------------------------------------------------------------- */

static int reserve_usage(void)
{
    fprintf(stderr, "usage: quorum reserve FORUM ORG --class CLASS [--class CLASS]... "
                    "[--reason TEXT]\n"
                    "         (signed by ORG's board: these matters it decides itself)\n"
                    "example: quorum --key nhft-board.key reserve lpt-nhft-jwg nhft --class "
                    "strategy \\\n"
                    "           --reason \"reserved to the Board in the NHFT Scheme of "
                    "Reservation\"\n");
    return 2;
}

int cmd_reserve(qr_cli *cli)
{
    const char *classes[QR_CLI_MAX_REPEAT];
    Quorum__MatterReserved mr = QUORUM__MATTER_RESERVED__INIT;
    size_t nc = qr_cli_opt_all(cli, "class", classes, QR_CLI_MAX_REPEAT);
    const char *reason = qr_cli_opt(cli, "reason");
    const char *forum = qr_cli_arg(cli, 0), *org = qr_cli_arg(cli, 1);
    if (!forum || !org || !nc || qr_cli_extra(cli, 2))
        return reserve_usage();
    int status = qr_cli_check_ids(cli, "forum", forum, "organisation", org, NULL);
    if (status)
        return status;
    mr.organisation = (char *)org;
    mr.n_classes = nc;
    mr.classes = (char **)classes;
    if (reason)
        mr.reason = (char *)reason;
    Quorum__Statement st = QUORUM__STATEMENT__INIT;
    st.forum = (char *)forum;
    st.kind_case = QUORUM__STATEMENT__KIND_MATTER_RESERVED;
    st.matter_reserved = &mr;
    return qr_cli_send(cli, &st);
}
