/*
 * cmd_forum.c: quorum forum charter, quorum forums.
 */
#include "client.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

#define MAX_REPEAT 32

/* Every value of a repeatable --name option, in order. */
static size_t opt_all(qr_cli *cli, const char *name, const char **out)
{
    size_t n = 0;
    const char *v;
    while (n < MAX_REPEAT && (v = qr_cli_opt(cli, name)))
        out[n++] = v;
    return n;
}

static int parse_capacity(const char *s, Quorum__Capacity *out)
{
    if (!s || !strcmp(s, "delegated"))
        *out = QUORUM__CAPACITY__DELEGATED;
    else if (!strcmp(s, "recommends"))
        *out = QUORUM__CAPACITY__RECOMMENDS;
    else if (!strcmp(s, "advisory"))
        *out = QUORUM__CAPACITY__ADVISORY;
    else
        return QR_USAGE;
    return QR_OK;
}

static int parse_rule(const char *s, Quorum__DecisionRule *out)
{
    if (!s || !strcmp(s, "consensus"))
        *out = QUORUM__DECISION_RULE__CONSENSUS;
    else if (!strcmp(s, "unanimity"))
        *out = QUORUM__DECISION_RULE__UNANIMITY;
    else if (!strcmp(s, "majority"))
        *out = QUORUM__DECISION_RULE__MAJORITY;
    else
        return QR_USAGE;
    return QR_OK;
}

/* Parties (clerks, auditors, witnesses) are given as public or secret key files; a witness
 * may be given as ORG=KEYFILE, naming the organisation whose mirror it is (orgs holds the
 * names: one QR_MAX_ID + 1 slot a party). */
static int load_parties(const char **files, size_t n, Quorum__Party *parties,
                        Quorum__Party **ptrs, qr_key **keys, char (*orgs)[QR_MAX_ID + 1])
{
    for (size_t i = 0; i < n; i++) {
        const char *path = files[i], *eq = orgs ? strchr(path, '=') : NULL;
        if (orgs)
            orgs[i][0] = 0;
        if (eq && (size_t)(eq - path) <= QR_MAX_ID) {
            memcpy(orgs[i], path, (size_t)(eq - path));
            orgs[i][eq - path] = 0;
            if (qr_valid_id(orgs[i]))
                path = eq + 1;
            else
                orgs[i][0] = 0;
        }
        int rc = qr_cli_load_key(path, &keys[i]);
        if (rc != QR_OK)
            return rc;
        quorum__party__init(&parties[i]);
        if (orgs && orgs[i][0])
            parties[i].organisation = orgs[i];
        parties[i].name = keys[i]->name;
        parties[i].sign_key = (ProtobufCBinaryData){32, keys[i]->sign_pk};
        parties[i].curve_key = (ProtobufCBinaryData){32, keys[i]->curve_pk};
        ptrs[i] = &parties[i];
    }
    return QR_OK;
}

static int charter_usage(void)
{
    fprintf(stderr,
            "usage: quorum forum charter ID --name NAME [--purpose TEXT] [--scope TEXT]\n"
            "         [--out-of-scope TEXT] [--capacity delegated|recommends|advisory]\n"
            "         [--decision-rule consensus|unanimity|majority] [--chair TEXT]\n"
            "         [--frequency TEXT] [--supported-by TEXT] [--contact TEXT]\n"
            "         [--reports-to BODY]... [--relationship-with BODY]...\n"
            "         [--clerk KEYFILE]... [--auditor KEYFILE]... [--witness [ORG=]KEYFILE]...\n"
            "example: quorum forum charter lpt-nhft-jwg --name \"Joint Working Group\" "
            "--capacity recommends \\\n"
            "           --reports-to \"LPT Trust Board\" --reports-to \"NHFT Trust Board\" "
            "--clerk clerk.pub\n");
    return 2;
}

static int charter(qr_cli *cli)
{
    const char *reports[MAX_REPEAT], *with[MAX_REPEAT], *clerks[MAX_REPEAT],
        *auditors[MAX_REPEAT], *witnesses[MAX_REPEAT];
    Quorum__Charter c = QUORUM__CHARTER__INIT;
    c.name = (char *)qr_cli_opt(cli, "name");
    const char *v;
#define TEXT_OPT(field, opt)                                                                   \
    if ((v = qr_cli_opt(cli, opt)))                                                            \
        c.field = (char *)v;
    TEXT_OPT(purpose, "purpose")
    TEXT_OPT(scope, "scope")
    TEXT_OPT(out_of_scope, "out-of-scope")
    TEXT_OPT(chair, "chair")
    TEXT_OPT(frequency, "frequency")
    TEXT_OPT(supported_by, "supported-by")
    TEXT_OPT(contact, "contact")
#undef TEXT_OPT
    if (parse_capacity(qr_cli_opt(cli, "capacity"), &c.capacity) != QR_OK ||
        parse_rule(qr_cli_opt(cli, "decision-rule"), &c.decision_rule) != QR_OK)
        return charter_usage();
    size_t nrep = opt_all(cli, "reports-to", reports), nwith = opt_all(cli, "relationship-with",
                                                                         with);
    size_t ncl = opt_all(cli, "clerk", clerks), nau = opt_all(cli, "auditor", auditors),
           nwi = opt_all(cli, "witness", witnesses);
    const char *forum = qr_cli_arg(cli, 0);
    if (!forum || !c.name || qr_cli_arg(cli, 1))
        return charter_usage();
    if (!qr_valid_id(forum))
        return qr_cli_fail(cli, QR_USAGE,
                           "forum id '%s' must be lower-case letters, digits and '-' (at most "
                           "%d)",
                           forum, QR_MAX_ID);

    Quorum__Relationship rel[2 * MAX_REPEAT], *relp[2 * MAX_REPEAT];
    for (size_t i = 0; i < nrep + nwith; i++) {
        quorum__relationship__init(&rel[i]);
        rel[i].body = (char *)(i < nrep ? reports[i] : with[i - nrep]);
        rel[i].relation = i < nrep ? "reports to" : "relationship with";
        relp[i] = &rel[i];
    }
    c.n_relationships = nrep + nwith;
    c.relationships = relp;

    Quorum__Party parties[3 * MAX_REPEAT], *pp[3 * MAX_REPEAT];
    qr_key *keys[3 * MAX_REPEAT] = {0};
    qr_client *conn = NULL;
    qr_key *key = NULL;
    int status = 0;
    char witness_orgs[MAX_REPEAT][QR_MAX_ID + 1];
    if (load_parties(clerks, ncl, parties, pp, keys, NULL) != QR_OK ||
        load_parties(auditors, nau, parties + ncl, pp + ncl, keys + ncl, NULL) != QR_OK ||
        load_parties(witnesses, nwi, parties + ncl + nau, pp + ncl + nau, keys + ncl + nau,
                     witness_orgs) != QR_OK) {
        status = 9;
        goto out;
    }
    c.n_clerks = ncl;
    c.clerks = pp;
    c.n_auditors = nau;
    c.auditors = pp + ncl;
    c.n_witnesses = nwi;
    c.witnesses = pp + ncl + nau;

    Quorum__Statement st = QUORUM__STATEMENT__INIT;
    Quorum__ForumChartered fc = QUORUM__FORUM_CHARTERED__INIT;
    fc.charter = &c;
    st.forum = (char *)forum;
    st.signed_at = qr_now();
    st.kind_case = QUORUM__STATEMENT__KIND_FORUM_CHARTERED;
    st.forum_chartered = &fc;
    if ((status = qr_cli_connect(cli, &conn, &key)) == 0)
        status = qr_cli_submit(cli, conn, key, &st);
out:
    for (size_t i = 0; i < ncl + nau + nwi; i++)
        qr_key_destroy(&keys[i]);
    qr_key_destroy(&key);
    qr_client_destroy(&conn);
    return status;
}

int cmd_forum(qr_cli *cli)
{
    const char *sub = qr_cli_arg(cli, 0);
    if (sub && !strcmp(sub, "charter")) {
        cli->argc--;
        cli->argv++;
        return charter(cli);
    }
    return charter_usage();
}

int cmd_forums(qr_cli *cli)
{
    qr_client *conn = NULL;
    int status = qr_cli_connect(cli, &conn, NULL);
    if (status)
        return status;
    Quorum__Request req = QUORUM__REQUEST__INIT;
    Quorum__ListForums lf = QUORUM__LIST_FORUMS__INIT;
    req.op_case = QUORUM__REQUEST__OP_LIST_FORUMS;
    req.list_forums = &lf;
    Quorum__Reply *r = NULL;
    int rc = qr_client_call(conn, &req, &r);
    if (rc != QR_OK)
        status = qr_cli_fail(cli, rc, "no answer from %s", cli->endpoint);
    else if (qr_reply_code(r) != QR_OK || r->result_case != QUORUM__REPLY__RESULT_FORUMS)
        status = qr_cli_refused(cli, r);
    else {
        for (size_t i = 0; i < r->forums->n_forums; i++) {
            const Quorum__ForumInfo *f = r->forums->forums[i];
            if (cli->json) {
                qr_json j;
                qr_json_init(&j, stdout);
                qr_json_object(&j, NULL);
                qr_json_str(&j, "forum", f->forum);
                qr_json_str(&j, "name", f->name);
                qr_json_u64(&j, "size", f->size);
                qr_json_end(&j);
                qr_json_end_line(&j);
            } else
                printf("%-24s %8llu entries  %s\n", f->forum, (unsigned long long)f->size,
                       f->name);
        }
        if (!cli->json && r->forums->n_forums == 0)
            printf("no forums yet (quorum forum charter makes one)\n");
    }
    if (r)
        quorum__reply__free_unpacked(r, NULL);
    qr_client_destroy(&conn);
    return status;
}
