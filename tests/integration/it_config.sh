#!/usr/bin/env bash
# quorumd --check-config: a good file, an empty file, and each kind of bad value, each named
# with its option and what is wrong; the same bad values stop the start.  An empty file runs
# the daemon on its defaults (with only the endpoints moved to ipc:// here).  The log key read
# from a systemd credential ($CREDENTIALS_DIRECTORY, LoadCredential=).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ops_lib.sh"
unset QUORUM_CONFIG
own_dir dir
cd "$dir"

# A good file, every option set.
cat > good.conf <<CONF
# a comment
state_dir = $dir/good-state
request_endpoint = tcp://127.0.0.1:7370
event_endpoint = tcp://127.0.0.1:7371
origin = quorum.example.nhs.uk
curve = on
allow_keys = $dir/allow.keys
operator_key = $dir/operator.key
key_file = $dir/quorumd.key
backup_dir = $dir/backups
max_message_size = 65536
batch_max = 256
hwm = 1000
log_level = debug
CONF
: > allow.keys
"$Q" keygen quorumd.key --name good-log-key > /dev/null
"$Q" keygen operator.key --name good-operator > /dev/null
out=$("$QD" --check-config --config good.conf) || fail "a good file was refused: $out"
echo "$out" | grep -q "^configuration is valid:" || fail "no verdict: $out"
echo "$out" | grep -q "^  origin = quorum.example.nhs.uk$" || fail "values not shown: $out"
if echo "$out" | grep -q PROBLEM; then fail "a problem in a good file: $out"; fi
echo "$out" | grep -q "log key (key_file): $dir/quorumd.key: key good-log-key" || fail "the key is not explained: $out"
echo "$out" | grep -q "allow-list: $dir/allow.keys: 0 keys" || fail "the allow-list is not explained: $out"
[ ! -e "$dir/good-state" ] || fail "--check-config created the state directory"
pass "a good file: valid, every value shown, the files it names explained, nothing created"

# An empty file: valid, and the daemon runs on it.
: > empty.conf
out=$("$QD" --check-config --config empty.conf) || fail "an empty file was refused: $out"
echo "$out" | grep -q "^  request_endpoint = tcp://127.0.0.1:7370$" || fail "defaults not shown: $out"
echo "$out" | grep -q "^  state_dir = ./quorum-state$" || fail "state_dir default: $out"
pass "an empty file is valid: every default shown"
"$QD" --config empty.conf --request_endpoint "ipc://$dir/e-req" --event_endpoint "ipc://$dir/e-ev" \
    > empty.log 2>&1 &
pid=$!; OPS_PIDS+=("$pid")
wait_for 30 grep -q "ready:" empty.log
[ -f "$dir/quorum-state/quorumd.key" ] && [ -f "$dir/quorum-state/operator.key" ] \
    || fail "the default state (./quorum-state, keys made on first run) was not used"
grep -q "CURVE on" empty.log || fail "CURVE is not on by default"
"$Q" --endpoint "ipc://$dir/e-req" --server-key "$dir/quorum-state/quorumd.pub" \
    --key "$dir/quorum-state/operator.key" forums > /dev/null || fail "the daemon on an empty file does not serve"
kill -TERM $pid; wait $pid || fail "the daemon on an empty file did not stop cleanly"
pass "quorumd runs on an empty file: state in ./quorum-state, keys made, CURVE on"

# Each kind of bad value: --check-config and the start both stop, naming the option.
bad() { # bad 'conf line(s)' 'expected message'
    printf '%b\n' "$1" > bad.conf
    set +e
    out=$("$QD" --check-config --config bad.conf 2>&1); rc=$?
    start=$("$QD" --config bad.conf --state_dir "$dir/never" 2>&1); src=$?
    set -e
    [ $rc -eq 2 ] || fail "--check-config accepted '$1' (exit $rc): $out"
    echo "$out" | grep -qF "$2" || fail "for '$1' --check-config said '$out', not '$2'"
    [ $src -eq 2 ] || fail "quorumd started with '$1' (exit $src)"
    echo "$start" | grep -qF "$2" || fail "for '$1' the start said '$start', not '$2'"
    [ ! -e "$dir/never" ] || fail "a refused start created its state directory"
    pass "refused: ${1//\\n/; } -> $(echo "$out" | head -1)"
}
bad "colour = blue" "bad.conf:1: colour: there is no such option"
bad "hwm = lots" "hwm: 'lots' is not a whole number"
bad "batch_max = 0" "batch_max: 0 is out of range: it must be from 1 to 100000"
bad "max_message_size = 99999999" "max_message_size: 99999999 is out of range"
bad "curve = maybe" "curve: 'maybe' is not on or off"
bad "log_level = verbose" "log_level: 'verbose' is not one of error, warn, info, debug"
bad "curve = off\nrequest_endpoint = tcp://10.1.2.3:7370" "curve: plaintext (curve = off) is allowed only on loopback"
bad "origin = my origin" "origin: 'my origin' must be a non-empty name"
bad "origin = quorum+evil" "origin: 'quorum+evil' must be"
bad "event_endpoint = http://example.org/" "event_endpoint: 'http://example.org/' is not an endpoint"
bad "request_endpoint = tcp://127.0.0.1:99999" "request_endpoint: 'tcp://127.0.0.1:99999' needs a host and a port"
bad "event_endpoint = tcp://127.0.0.1:7370" "event_endpoint: 'tcp://127.0.0.1:7370' is also the request_endpoint"
bad "key_file = credential:../../etc/shadow" "key_file: 'credential:../../etc/shadow' must name a credential"
bad "allow_keys = \${UNCLOSED" "allow_keys: '\${UNCLOSED' has a \${ without"
bad "this line has no equals sign" "bad.conf:1: expected 'name = value'"
expect_exit 2 "$QD" --check-config --hwm 0
expect_exit 2 "$QD" --no-such-option 1
pass "bad values on the command line are refused too"

# A variable that is unset: a note for --check-config, a refusal at start.
printf 'key_file = ${QR_TEST_UNSET}/quorumd.key\n' > unset.conf
out=$("$QD" --check-config --config unset.conf) || fail "--check-config failed on an unset variable: $out"
echo "$out" | grep -q "note: key_file: \${QR_TEST_UNSET} is not set here" || fail "no note: $out"
set +e; start=$("$QD" --config unset.conf --state_dir "$dir/never" 2>&1); rc=$?; set -e
[ $rc -eq 2 ] && echo "$start" | grep -q "key_file: '\${QR_TEST_UNSET}/quorumd.key' uses \${QR_TEST_UNSET}, which is not set" \
    || fail "an unset variable did not stop the start (exit $rc): $start"
pass "an unset \${VARIABLE}: noted by --check-config, refused at start"

# A key file others can read stops --check-config, naming it.
"$Q" keygen loose.key > /dev/null && chmod 644 loose.key
printf 'key_file = %s/loose.key\nstate_dir = %s/loose-state\n' "$dir" "$dir" > loose.conf
set +e; out=$("$QD" --check-config --config loose.conf); rc=$?; set -e
[ $rc -eq 2 ] && echo "$out" | grep -q "PROBLEM: log key (key_file):.*loose.key" \
    || fail "a world-readable key file passed --check-config (exit $rc): $out"
pass "a key file readable by others is a PROBLEM for --check-config"

# The log key as a systemd credential.
mkdir -p creds && chmod 700 creds
"$Q" keygen creds/quorumd.key --name quorum.credential.test > /dev/null && chmod 400 creds/quorumd.key
printf 'key_file = credential:quorumd.key\n' > cred.conf
out=$("$QD" --check-config --config cred.conf) || fail "credential: refused outside systemd: $out"
echo "$out" | grep -q "note: key_file: credential:quorumd.key is read from \$CREDENTIALS_DIRECTORY" \
    || fail "no note about the credential: $out"
export CREDENTIALS_DIRECTORY="$dir/creds"
out=$("$QD" --check-config --config cred.conf) || fail "credential: refused with \$CREDENTIALS_DIRECTORY: $out"
echo "$out" | grep -q "log key (key_file): $dir/creds/quorumd.key: key quorum.credential.test" \
    || fail "the credential was not found: $out"
start_own "$dir/c" --config "$dir/cred.conf"
grep -q "^name quorum.credential.test$" "$dir/c/state/quorumd.pub" \
    || fail "the daemon did not sign with the credential's key: $(cat "$dir/c/state/quorumd.pub")"
[ ! -e "$dir/c/state/quorumd.key" ] || fail "a key was made although the credential was given"
oq "$dir/c" forums > /dev/null || fail "the daemon with a credential key does not serve"
stop_own "$dir/c"
unset CREDENTIALS_DIRECTORY
pass "key_file = credential:quorumd.key reads \$CREDENTIALS_DIRECTORY/quorumd.key (LoadCredential=)"
