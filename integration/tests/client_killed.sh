#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# A client killed with SIGKILL: its ogwd notices the closed flow socket and tells the peer on
# the wire, so the server blocked in flow_read gets -EFLOWPEER (-1006) within 1 s of the kill
# (upstream: blocks forever, or until the keepalive timeout).
#
#   ns a                                     ns b
#   flowhold -n hold   (kill -9)             flowhold -l -n hold  (blocked in flow_read)
#      |  OGW_SOCKET                            |  OGW_SOCKET
#   ogwd a  [ipcp.wan] udp                   ogwd b  [ipcp.wan] udp
#     bind 10.0.0.1:3435                       bind 10.0.0.2:3435
#     peer = hold 10.0.0.2:3435
#      |                                        |
#   veth-b 10.0.0.1/24 <------ veth ------>  veth-a 10.0.0.2/24
#
# timeout: 60
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"

require_root
require_bin "$OGWD" "$OGW" "$FLOWHOLD"

A=10.0.0.1 B=10.0.0.2
make_ns a b
link_ns a b "$A/24" "$B/24"
write_config a "$(hostport $A)" "hold $(hostport $B)"
write_config b "$(hostport $B)"
start_ogwd a
start_ogwd b

start_bg server b 30 "$FLOWHOLD" -l -n hold
wait_line server '^[0-9]+ registered hold$' 5000 >/dev/null
# The client's peer timeout (120 s, the default) plays no part: only the dealloc message can
# wake the server in time.
start_bg client a 30 "$FLOWHOLD" -n hold
wait_line client '^[0-9]+ allocated ' 5000 >/dev/null
wait_line server '^[0-9]+ accepted ' 5000 >/dev/null
if find_line server ' read: ' >/dev/null; then
    fail "the server's flow_read returned before the client was killed: $(find_line server ' read: ')"
fi

t_kill=$(now_ms)
kill_bg client -9
line=$(wait_line server '^[0-9]+ read: -?[0-9]+ ' 3000 "$t_kill")
expect_match '^[0-9]+ read: -1006 after [0-9]+ ms$' "$(line_text "$line")" "the server's read"
expect_within_ms 0 1000 $(($(own_ts "$line") - t_kill)) "from the kill to the server's -1006"

pass
