#!/usr/bin/env bash
# The operator charters a forum through the real client; the log, checkpoint and proofs that
# a user reads back all verify; refusals come with their code and change nothing.
. "$(dirname "$0")/lib.sh"
K="$QR_WORK/keys"
"$Q" key show "$K/clerk.key" --public > "$QR_WORK/clerk.pub"

out=$("$Q" forum charter jwg --name "Joint Working Group" --purpose "Joint priorities" \
      --capacity recommends --reports-to "LPT Trust Board" --reports-to "NHFT Trust Board" \
      --clerk "$QR_WORK/clerk.pub")
[[ "$out" == "recorded ForumChartered as entry 0 of forum jwg" ]] || fail "charter said: $out"
"$Q" forums | grep -q "^jwg .* 1 entries  Joint Working Group$" || fail "forums does not list jwg"
"$Q" log jwg | grep -q "^0 .*ForumChartered" || fail "log does not show the charter"
"$Q" checkpoint jwg --json | grep -q '"verified":true,"origin":"quorum.test/forum/jwg","size":1' \
    || fail "checkpoint does not verify"
"$Q" checkpoint jwg | head -1 | grep -qx "quorum.test/forum/jwg" || fail "checkpoint text"
"$Q" proof inclusion jwg 0 | grep -q "^verified: entry 0 of forum jwg" || fail "inclusion proof"
pass "charter, forums, log, checkpoint, proof"

before=$("$Q" checkpoint jwg)
expect_exit 5 "$Q" forum charter jwg --name "Again"
output_of "$Q" forum charter jwg --name "Again" | grep -q "FORUM_EXISTS: forum jwg is already chartered" \
    || fail "no FORUM_EXISTS message"
# A key on the allow-list that is not the operator's may connect but not charter.
expect_exit 5 "$Q" --key "$K/load-0.key" forum charter other --name "Other"
output_of "$Q" --key "$K/load-0.key" forum charter other --name "Other" | grep -q "WRONG_SIGNER" \
    || fail "no WRONG_SIGNER"
expect_exit 2 "$Q" forum charter "Bad Id" --name "X"
[ "$("$Q" checkpoint jwg)" == "$before" ] || fail "a refusal changed the checkpoint"
"$Q" forums | grep -q "^other" && fail "a refused charter created a forum"
pass "refusals: FORUM_EXISTS, WRONG_SIGNER, bad id; log unchanged"

# The clerk named in the charter is now registered and may connect.
"$Q" --key "$K/clerk.key" forums | grep -q "^jwg" || fail "the charter's clerk cannot connect"
pass "a clerk registered by the charter can connect"

"$Q" export jwg > "$QR_WORK/jwg.export"
vkey=$("$Q" checkpoint jwg --json | sed 's/.*"log_vkey":"\([^"]*\)".*/\1/')
"$Q" verify "$QR_WORK/jwg.export" --log-key "$vkey" | grep -q "^verified forum jwg: 1 entries" \
    || fail "verify of the export"
pass "export verifies offline"
