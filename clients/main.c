/*
 * main.c: `quorum`, the client: global options, then one command.
 */
#include "client.h"
#include "log.h"
#include "version.h"

#include <sodium.h>
#include <string.h>

static const struct {
    const char *name;
    int (*fn)(qr_cli *);
    const char *usage;
} commands[] = {
    {"keygen", cmd_keygen, "keygen FILE [--name NAME]       make a key file (0600)"},
    {"key", cmd_key, "key show FILE [--public]        print a key file's public keys"},
    {"forum", cmd_forum, "forum charter ID --name NAME [--purpose TEXT] [--capacity "
                         "delegated|recommends|advisory]\n"
                         "                                  [--reports-to BODY] ...  charter "
                         "a forum (operator)"},
    {"org", cmd_org,
     "org join FORUM ORG --name NAME --kind KIND ...\n"
     "                                  an organisation joins a forum (operator)"},
    {"member", cmd_member,
     "member appoint|stand-down FORUM ORG PERSON ...\n"
     "                                  appoint or stand down a member (board)"},
    {"delegate", cmd_delegate,
     "delegate grant|revoke FORUM ORG DELEGATION ...\n"
     "                                  grant or revoke delegated authority (board)"},
    {"reserve", cmd_reserve,
     "reserve FORUM ORG --class CLASS ...\n"
     "                                  reserve classes of matter to the board (board)"},
    {"meeting", cmd_meeting,
     "meeting open|attend|close FORUM MEETING ...\n"
     "                                  open a meeting, record attendance, close it (clerk)"},
    {"propose", cmd_propose,
     "propose FORUM PROPOSAL --meeting M ...\n"
     "                                  table a proposal (clerk)"},
    {"vote", cmd_vote,
     "vote FORUM PROPOSAL for|against|abstain ...\n"
     "                                  cast a vote; vote confirm: confirm one the clerk recorded"},
    {"close", cmd_close,
     "close FORUM PROPOSAL --reasons TEXT\n"
     "                                  close a proposal, recording each organisation's outcome"},
    {"ratify", cmd_ratify,
     "ratify FORUM PROPOSAL --org ORG ...\n"
     "                                  ratify or refuse a recommendation (board)"},
    {"overturn", cmd_overturn,
     "overturn FORUM PROPOSAL --org ORG ...\n"
     "                                  overturn a decision taken under delegation (board)"},
    {"action", cmd_action,
     "action assign|update FORUM ACTION ...\n"
     "                                  assign an action, or update its status"},
    {"correct", cmd_correct,
     "correct FORUM SEQ --what TEXT --reason TEXT\n"
     "                                  correct an entry (clerk)"},
    {"minutes", cmd_minutes,
     "minutes FORUM MEETING [--out DIR] | minutes approve FORUM MEETING --minutes FILE.md\n"
     "                                  signed minutes and their proofs; approve minutes"},
    {"state", cmd_state,
     "state FORUM [--watch]           members, attendance, live tally, actions"},
    {"forums", cmd_forums, "forums                          list forums"},
    {"status", cmd_status,
     "status                          how the daemon is doing: uptime, rates, latency, peers"},
    {"backup", cmd_backup,
     "backup FILE [--wait SECONDS]    an online, checked copy of the daemon's database "
     "(operator)"},
    {"log", cmd_log, "log FORUM [--from N] [--to N]   print entries (--json: exact bytes)"},
    {"checkpoint", cmd_checkpoint, "checkpoint FORUM                print the signed checkpoint"},
    {"proof", cmd_proof, "proof inclusion FORUM INDEX [SIZE] | proof consistency FORUM OLD "
                         "[NEW]\n"
                         "                                  fetch and verify a proof"},
    {"tail", cmd_tail, "tail FORUM [--from N] [--count N] [--idle SECONDS]\n"
                       "                                  print entries as they are recorded"},
    {"feed", cmd_feed, "feed ORG [--count N] [--idle SECONDS]\n"
                       "                                  follow what binds or concerns an "
                       "organisation, across forums"},
    {"export", cmd_export, "export FORUM                    write the whole log to stdout"},
    {"verify", cmd_verify,
     "verify FILE [--log-key VKEY] [--threads N]\n"
     "                                  verify an export offline"},
    {"verify-minutes", cmd_verify_minutes,
     "verify-minutes FILE.md [--bundle FILE] [--log-key VKEY] [--clerk-key KEY]\n"
     "                                  verify signed minutes offline, proofs and content"},
    {"audit", cmd_audit, "audit FORUM [--log-key VKEY]    an auditor's report on a whole forum"},
};

#define NCOMMANDS (sizeof commands / sizeof *commands)

static void usage(FILE *f)
{
    fprintf(f, "usage: quorum [global options] COMMAND [arguments]\n\nCommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %s\n", commands[i].usage);
    fprintf(f,
            "\nGlobal options:\n"
            "  --config FILE       settings file (or $QUORUM_CONFIG): endpoint, events,\n"
            "                      server_key, key, plaintext, timeout as 'name = value'\n"
            "  --endpoint EP       request endpoint (default tcp://127.0.0.1:7370)\n"
            "  --events EP         event endpoint (default tcp://127.0.0.1:7371)\n"
            "  --server-key FILE   the daemon's public key file (default "
            "$QUORUM_STATE/quorumd.pub)\n"
            "  --key FILE          your key file (default $QUORUM_STATE/operator.key)\n"
            "  --db FILE           read a quorum database file directly (log, checkpoint, "
            "export)\n"
            "  --plaintext         no CURVE (only to a daemon on loopback with curve = off)\n"
            "  --timeout SECONDS   bound on every wait (default 10)\n"
            "  --json              machine-readable output, one JSON document per line\n"
            "\n$QUORUM_STATE defaults to ./quorum-state.\n"
            "Exit status: 0 ok, 1 verification failed, 2 usage, 3 bad request, 4 signature or\n"
            "authorisation, 5 refused by a rule, 6 not found, 7 unavailable or timed out,\n"
            "8 proof or note failed, 9 key or configuration, 10 I/O or internal.\n"
            "\nExample:\n  quorum forum charter city-pb --name \"City Partnership Board\" "
            "--reports-to \"Health and Wellbeing Board\"\n");
}

int main(int argc, char **argv)
{
    qr_cli cli;
    qr_log_ident = "quorum";
    if (sodium_init() < 0)
        return 10;
    if (qr_cli_init(&cli, argc - 1, argv + 1) != QR_OK)
        return 2;
    const char *cmd = qr_cli_arg(&cli, 0);
    if (!cmd || !strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        usage(cmd ? stdout : stderr);
        return cmd ? 0 : 2;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        qr_version_print(stdout, "quorum");
        return 0;
    }
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(cmd, commands[i].name)) {
            cli.argc--;
            cli.argv++;
            return commands[i].fn(&cli);
        }
    fprintf(stderr, "quorum: unknown command '%s' (quorum help lists them)\n", cmd);
    return 2;
}
