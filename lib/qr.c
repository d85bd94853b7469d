/*
 * qr.c: result codes, their stable names, sentences and exit statuses.
 */
#include "qr.h"

#include <string.h>

static const struct {
    const char *name;
    const char *text;
    int exit_status;
} codes[QR_CODE_COUNT] = {
    [QR_OK] = {"OK", "done", 0},
    [QR_BAD_REQUEST] = {"BAD_REQUEST", "the request could not be understood", 3},
    [QR_TOO_LARGE] = {"TOO_LARGE", "the message is larger than the limit", 3},
    [QR_BAD_STATEMENT] = {"BAD_STATEMENT", "the statement is malformed or incomplete", 3},
    [QR_BAD_SIGNATURE] = {"BAD_SIGNATURE", "the signature does not verify", 4},
    [QR_UNKNOWN_FORUM] = {"UNKNOWN_FORUM", "there is no forum with that id", 5},
    [QR_FORUM_EXISTS] = {"FORUM_EXISTS", "that forum is already chartered", 5},
    [QR_DUPLICATE] = {"DUPLICATE", "that statement is already recorded", 5},
    [QR_WRONG_SIGNER] = {"WRONG_SIGNER", "that key may not sign this statement", 5},
    [QR_NOT_FOUND] = {"NOT_FOUND", "not found", 6},
    [QR_OUT_OF_RANGE] = {"OUT_OF_RANGE", "beyond the end of the log", 6},
    [QR_NOT_AUTHORISED] = {"NOT_AUTHORISED", "this key is not authorised for that", 4},
    [QR_UNAVAILABLE] = {"UNAVAILABLE", "the daemon cannot record statements right now", 7},
    [QR_TIMEOUT] = {"TIMEOUT", "no answer from the daemon in time", 7},
    [QR_BAD_PROOF] = {"BAD_PROOF", "the proof does not verify", 8},
    [QR_BAD_NOTE] = {"BAD_NOTE", "the signed note or checkpoint does not verify", 8},
    [QR_BAD_KEY] = {"BAD_KEY", "the key or key file is malformed or unsafe", 9},
    [QR_BAD_CONFIG] = {"BAD_CONFIG", "the configuration is wrong", 9},
    [QR_TAMPERED] = {"TAMPERED", "stored data disagrees with what was signed", 8},
    [QR_IO] = {"IO", "a file or database operation failed", 10},
    [QR_NOMEM] = {"NOMEM", "out of memory", 10},
    [QR_INTERNAL] = {"INTERNAL", "internal error", 10},
    [QR_USAGE] = {"USAGE", "bad command-line use", 2},
    [QR_CLOCK_SKEW] = {"CLOCK_SKEW", "the statement's time is too far from the daemon's clock", 5},
    [QR_DUPLICATE_ID] = {"DUPLICATE_ID", "that identifier is already used in this forum", 5},
    [QR_NOT_A_MEMBER] = {"NOT_A_MEMBER", "not a member of this forum or organisation", 5},
    [QR_NO_DELEGATION] = {"NO_DELEGATION", "no delegation lets this representative bind "
                                           "their organisation",
                          5},
    [QR_DELEGATION_EXPIRED] = {"DELEGATION_EXPIRED", "the delegation is not valid at this time",
                               5},
    [QR_DELEGATION_REVOKED] = {"DELEGATION_REVOKED", "the delegation was revoked", 5},
    [QR_OUT_OF_SCOPE] = {"OUT_OF_SCOPE", "the matter is outside the delegation's classes", 5},
    [QR_OVER_FINANCIAL_LIMIT] = {"OVER_FINANCIAL_LIMIT",
                                 "the value is over the delegation's financial limit", 5},
    [QR_RESERVED_MATTER] = {"RESERVED_MATTER", "the organisation's board reserved this matter",
                            5},
    [QR_NED_CANNOT_BIND] = {"NED_CANNOT_BIND", "a foundation trust cannot delegate to a single "
                                               "non-executive director",
                            5},
    [QR_DELEGATE_NOT_DIRECTOR] = {"DELEGATE_NOT_DIRECTOR",
                                  "a foundation trust delegates only to directors", 5},
    [QR_ASSOCIATE_CANNOT_VOTE] = {"ASSOCIATE_CANNOT_VOTE",
                                  "associate members do not vote on statutory matters", 5},
    [QR_NOT_PRESENT] = {"NOT_PRESENT", "the representative is not recorded as present", 5},
    [QR_INQUORATE] = {"INQUORATE", "the organisation is not quorate", 5},
    [QR_MEETING_NOT_OPEN] = {"MEETING_NOT_OPEN", "the meeting is not open", 5},
    [QR_MEETING_ALREADY_OPEN] = {"MEETING_ALREADY_OPEN", "another meeting is still open", 5},
    [QR_PROPOSAL_CLOSED] = {"PROPOSAL_CLOSED", "the proposal is closed", 5},
    [QR_REASONS_REQUIRED] = {"REASONS_REQUIRED", "the reasons must be minuted", 5},
    [QR_OUTCOME_MISMATCH] = {"OUTCOME_MISMATCH",
                             "the outcome does not match the votes as recorded", 5},
    [QR_NOT_A_RECOMMENDATION] = {"NOT_A_RECOMMENDATION",
                                 "only a recommending forum's outcomes are ratified", 5},
    [QR_NOT_UNDER_DELEGATION] = {"NOT_UNDER_DELEGATION",
                                 "that decision was not taken under delegation", 5},
    [QR_ALREADY_DECIDED] = {"ALREADY_DECIDED", "the board has already decided this", 5},
    [QR_ACTION_NEEDS_OWNER] = {"ACTION_NEEDS_OWNER",
                               "an action needs an owning member organisation and a named owner",
                               5},
    [QR_CHARTER_NEEDS_RELATIONSHIP] = {"CHARTER_NEEDS_RELATIONSHIP",
                                       "a charter needs at least one 'reports to' or "
                                       "relationship",
                                       5},
};

const char *qr_code_name(int code)
{
    if (code < 0 || code >= QR_CODE_COUNT)
        return "INTERNAL";
    return codes[code].name;
}

const char *qr_strerror(int code)
{
    if (code < 0 || code >= QR_CODE_COUNT)
        return "internal error";
    return codes[code].text;
}

int qr_code_from_name(const char *name)
{
    for (int i = 0; i < QR_CODE_COUNT; i++)
        if (name && strcmp(codes[i].name, name) == 0)
            return i;
    return QR_INTERNAL;
}

int qr_code_exit(int code)
{
    if (code < 0 || code >= QR_CODE_COUNT)
        return 10;
    return codes[code].exit_status;
}
