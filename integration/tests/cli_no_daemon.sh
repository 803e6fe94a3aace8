#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The CLI without a daemon: 'ogw status' against a socket nobody serves exits 3 (design.md §5.2)
# and names the socket path, whether the path is given by --socket or by OGW_SOCKET, does not
# exist, or is not a listening socket. No root, no namespaces.
#
#     ogw --socket /nonexistent/sock status  ──connect──>  (nothing)
#
# timeout: 30
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"

require_cmd timeout
require_bin "$OGW"

# check WHAT SOCKET CMD...: CMD exits 3 and its output names SOCKET.
check() {
    local what=$1 sock=$2 rc=0 out
    shift 2
    out=$(timeout 10 "$@" 2>&1) || rc=$?
    log "$what: exit $rc: $out"
    expect_rc 3 "$rc" "$what: exit status"
    [[ $out == *"$sock"* ]] || fail "$what: the output does not name $sock: $out"
    ok "$what: names $sock"
}

check "--socket, no such path" /nonexistent/sock "$OGW" --socket /nonexistent/sock status
check "--socket --json" /nonexistent/sock "$OGW" --socket /nonexistent/sock --json status
check "OGW_SOCKET" /nonexistent/env.sock env OGW_SOCKET=/nonexistent/env.sock "$OGW" status
# A path that exists but is no listening socket: connect() is refused.
: >"$TEST_DIR/not-a-socket"
check "not a socket" "$TEST_DIR/not-a-socket" "$OGW" --socket "$TEST_DIR/not-a-socket" flows

pass
