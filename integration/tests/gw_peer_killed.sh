#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# kill -9 of the remote ogwd during a held-open TCP connection, with peer-timeout = 1s: the
# session's flow times out on ga, ga sends the local application a valid RST, and the
# application's blocked recv() fails with ECONNRESET within 2 s of the kill (counted as
# peer_timeout). A ping running at the same time gets ICMP destination unreachable for its next
# echo request once its session died. No session or gateway flow remains on ga.
#
# timeout: 90
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/gateway.sh
source "$(dirname "$0")/../lib/gateway.sh"

require_root
require_bin "$OGWD" "$OGW"

gw_setup "peer-timeout = 1s"
gw_tcp_server srv 7002
start_bg cli ha 60 "$PYTHON" "$TCPHOLD" client "$HB4" 7002
wait_line cli '^connected 1 ' 10000 >/dev/null
start_bg pinger ha 30 ping -i 0.2 "$HB4"
wait_line pinger 'bytes from' 5000 >/dev/null
expect_eq 2 "$(gw_flow_count ga)" "gateway flows on ga before the kill"

t_kill=$(now_ms)
kill_ogwd gb -9
log "killed ogwd gb at $t_kill"
reset=$(wait_line cli '^error 1 ' 4000 "$t_kill")
expect_eq "error 1 ECONNRESET" "$(line_text "$reset")" "how the held connection ended"
expect_within_ms 0 2000 $(($(line_ts "$reset") - t_kill)) "from the kill to ECONNRESET"
unreach=$(wait_line pinger 'Destination Host Unreachable' 3000 "$t_kill")
expect_within_ms 0 2500 $(($(line_ts "$unreach") - t_kill)) "from the kill to the ping's ICMP unreachable"
kill_bg pinger
expect_eq 2 "$(gw_stat ga 'st["teardowns"]["peer_timeout"]')" "peer_timeout teardowns on ga"
expect_eq '[]' "$(gw_sessions ga)" "sessions on ga"
expect_eq 0 "$(gw_flow_count ga)" "gateway flows on ga"
pass
