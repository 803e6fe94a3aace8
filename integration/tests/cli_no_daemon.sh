#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The CLI without a (proper) daemon, design.md §5.2. No root, no namespaces.
#   - 'ogw' against a socket nobody serves exits 3 and names the socket path, whether the path
#     is given by --socket or by OGW_SOCKET, does not exist, or is not a listening socket;
#   - a bad command line exits 2 (and --help, --version 0) without touching any socket;
#   - a daemon speaking another control protocol version (a fake one answering 'hello' with
#     protocol 2, or every request with an envelope of version 2, or not knowing 'hello') is
#     a clear error: exit 1, "control protocol version mismatch" and the socket named.
#
#     ogw --socket /nonexistent/sock status  ──connect──>  (nothing)
#     ogw --socket $TEST_DIR/fake.sock status ──hello──>  fake ogwd (python3)
#
# timeout: 30
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"

require_cmd timeout "$PYTHON"
require_bin "$OGW"

# run_ogw CMD...: runs CMD (bounded), sets rc and out (stdout and stderr together).
run_ogw() {
    rc=0
    out=$(timeout 10 "$@" 2>&1) || rc=$?
}

# check WHAT SOCKET CMD...: CMD exits 3 and its output names SOCKET.
check() {
    local what=$1 sock=$2
    shift 2
    run_ogw "$@"
    log "$what: exit $rc: $out"
    expect_rc 3 "$rc" "$what: exit status"
    [[ $out == *"$sock"* ]] || fail "$what: the output does not name $sock: $out"
    ok "$what: names $sock"
}

check "--socket, no such path" /nonexistent/sock "$OGW" --socket /nonexistent/sock status
check "--socket --json" /nonexistent/sock "$OGW" --socket /nonexistent/sock --json status
check "OGW_SOCKET" /nonexistent/env.sock env OGW_SOCKET=/nonexistent/env.sock "$OGW" status
check "watch" /nonexistent/sock "$OGW" --socket /nonexistent/sock watch --count 1
# A path that exists but is no listening socket: connect() is refused.
: >"$TEST_DIR/not-a-socket"
check "not a socket" "$TEST_DIR/not-a-socket" "$OGW" --socket "$TEST_DIR/not-a-socket" flows

# usage ARGS...: 'ogw ARGS' is a usage error (exit 2) with a message.
usage() {
    run_ogw "$OGW" --socket /nonexistent/sock "$@"
    expect_rc 2 "$rc" "ogw $*: exit status"
    [[ -n $out ]] || fail "ogw $*: exit 2 without a message"
}
usage
usage --bogus status
usage status --bogus
usage nosuchcommand
usage flow
usage flow show
usage flow show notanumber
usage session kill
usage flows --state nosuchstate
usage sessions --state allocated
usage --color sometimes status
usage watch --interval 0
usage watch --count -1
run_ogw "$OGW" --help
expect_rc 0 "$rc" "ogw --help: exit status"
expect_match 'watch' "$out" "ogw --help"
run_ogw "$OGW" --version
expect_rc 0 "$rc" "ogw --version: exit status"
expect_match '^ogw [0-9]+\.[0-9]+\.[0-9]+' "$out" "ogw --version"

# A fake ogwd on a SOCK_SEQPACKET socket, answering as MODE says:
#   protocol2: 'hello' with "protocol": 2;  envelope2: every request with "v": 2 and -EPROTO;
#   nohello: 'hello' with -EOPNOTSUPP, as a daemon that predates it.
cat >"$TEST_DIR/fake_ogwd.py" <<'PY'
import json, os, socket, sys
mode, path = sys.argv[1], sys.argv[2]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
srv.bind(path)
srv.listen(8)
print("listening", flush=True)
while True:
    conn, _ = srv.accept()
    with conn:
        while True:
            data = conn.recv(65536)
            if not data:
                break
            req = json.loads(data)
            rid = req.get("id", 0)
            if mode == "envelope2":
                reply = {"v": 2, "id": rid, "ok": False, "errno": -71,
                         "error": "control protocol version 1 not supported; ogwd speaks 2"}
            elif req.get("op") != "hello":
                reply = {"v": 1, "id": rid, "ok": True, "result": {}}
            elif mode == "protocol2":
                reply = {"v": 1, "id": rid, "ok": True,
                         "result": {"daemon": "ogwd", "version": "9.0.0", "protocol": 2,
                                    "node": "fake", "pid": os.getpid()}}
            else:
                reply = {"v": 1, "id": rid, "ok": False, "errno": -95,
                         "error": "unknown op 'hello'"}
            conn.send(json.dumps(reply).encode())
PY

# mismatch MODE WHAT: against a fake ogwd in MODE, every command exits 1 with a clear message.
mismatch() {
    local mode=$1 sock="$TEST_DIR/fake-$1.sock" pid
    "$PYTHON" "$TEST_DIR/fake_ogwd.py" "$mode" "$sock" >"$TEST_DIR/fake-$mode.log" 2>&1 &
    pid=$!
    ALL_PIDS+=("$pid")
    poll_until 5000 test -S "$sock" || fail "the fake ogwd ($mode) did not start"
    local args
    for args in "status" "--json flows" "watch --count 1" "flow show 3"; do
        # shellcheck disable=SC2086
        run_ogw "$OGW" --socket "$sock" $args
        expect_rc 1 "$rc" "ogw $args against a fake ogwd ($mode): exit status"
        expect_match "^ogw: control protocol version mismatch: ogw [^ ]+ speaks version 1, ogwd" \
            "$out" "ogw $args against a fake ogwd ($mode): message"
        [[ $out == *"$sock"* ]] || fail "the mismatch message does not name $sock: $out"
    done
    ok "$mode: $out"
    kill "$pid" 2>/dev/null || true
}
mismatch protocol2
expect_match "ogwd 9.0.0 at .* speaks version 2;" "$out" "the message against protocol 2"
mismatch envelope2
expect_match "speaks version 2;" "$out" "the message against an envelope of version 2"
mismatch nohello
expect_match "speaks another version;" "$out" "the message against a daemon without hello"

pass
