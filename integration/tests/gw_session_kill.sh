#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 'ogw session kill' on the remote gateway deallocates the session's flow: the local gateway
# sees the peer's dealloc and resets the local application's connection, which gets
# ECONNRESET within 1 s (counted as peer_dealloc on ga, admin on gb).
#
# timeout: 90
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/gateway.sh
source "$(dirname "$0")/../lib/gateway.sh"

require_root
require_bin "$OGWD" "$OGW"

gw_setup
gw_tcp_server srv 7003
start_bg cli ha 60 "$PYTHON" "$TCPHOLD" client "$HB4" 7003
wait_line cli '^connected 1 ' 10000 >/dev/null
id=$(json_get "$(gw_sessions gb 's["proto"] == "tcp" and 7003 in (s["sport"], s["dport"])' id)" 'd[0]')

t_kill=$(now_ms)
out=$(ogw_cli gb session kill "$id") || fail "ogw session kill $id on gb: $out"
expect_eq "session $id killed" "$out" "ogw session kill"
reset=$(wait_line cli '^error 1 ' 3000 "$t_kill")
expect_eq "error 1 ECONNRESET" "$(line_text "$reset")" "how the held connection ended"
expect_within_ms 0 1000 $(($(line_ts "$reset") - t_kill)) "from session kill to ECONNRESET"
expect_eq 1 "$(gw_stat ga 'st["teardowns"]["peer_dealloc"]')" "peer_dealloc teardowns on ga"
expect_eq 1 "$(gw_stat gb 'st["teardowns"]["admin"]')" "admin teardowns on gb"
# The server side was reset by gb too.
wait_line srv '^error 1 ECONNRESET$' 2000 "$t_kill" >/dev/null
ok "the server on hb got ECONNRESET as well"

rc=0
ogw_cli gb session kill "$id" >/dev/null 2>&1 || rc=$?
expect_rc 1 "$rc" "ogw session kill of a session that is gone"
pass
