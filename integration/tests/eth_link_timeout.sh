#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# A link down longer than the flow's peer timeout (1 s): both ends declare the peer gone. a,
# whose interface is set down, shows its held flow `peer_timed_out` in 'ogw --json flows' about
# 1 s after the last frame it received; b (carrier lost) times its end out too: its daemon logs
# the transition and its application gets FLOW_PEER and deallocates. When the link returns,
# a's flow stays `peer_timed_out`: a flow whose peer was declared gone does not come back.
#
#   ns a                                     ns b
#   flowhold -n oping -T 1s (holds)          oping -l
#      |  OGW_SOCKET                            |  OGW_SOCKET
#   ogwd a  [ipcp.lan] eth dev veth-b        ogwd b  [ipcp.lan] eth dev veth-a
#      |                                        |
#   veth-b  <----------------- veth ------> veth-a
#   (down for 3 s)
#
# timeout: 60
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/eth.sh
source "$(dirname "$0")/../lib/eth.sh"

require_root
require_bin "$OGWD" "$OGW" "$OPING" "$FLOWHOLD"

make_ns a b
link_ns a b
write_eth_config a veth-b
write_eth_config b veth-a
start_ogwd a
start_ogwd b

start_bg server b 50 "$OPING" -l
wait_line server '^oping server: serving oping\.$' 5000 >/dev/null
start_bg hold a 50 "$FLOWHOLD" -n oping -T 1s
wait_line hold '^[0-9]+ allocated fd [0-9]+ to oping, timeout 1000 ms$' 5000 >/dev/null
wait_line server '^New flow [0-9]+\.$' 5000 >/dev/null
flow_a=$(json_get "$(flows_where a 'f["remote_name"] == "oping"' id)" 'd[0]')
state_is() { # NS FLOW STATE
    [[ $(json_get "$(flows_where "$1" "f[\"id\"] == $2" state)" 'd[0] if d else ""') == "$3" ]]
}
# Keepalives (every 250 ms) keep the idle flow alive meanwhile.
t_alloc=$(line_ts "$(find_line hold 'allocated fd')")
poll_until 2000 time_reached $((t_alloc + 1500))
state_is a "$flow_a" allocated || fail "a's idle flow did not stay allocated"
ok "a's idle flow $flow_a is allocated after 1.5 s (keepalives)"

t_down=$(now_ms)
ip -n "$(ns_name a)" link set veth-b down
poll_until 3000 state_is a "$flow_a" peer_timed_out ||
    fail "a's flow not peer_timed_out 3 s after link down"
read -r earliest latest <<<"$(flow_entered a "$flow_a" peer_timed_out)"
[[ -n ${latest:-} ]] || fail "a's flow has no 'peer_timed_out' in its timeline"
# 1 s after the last frame received, which came at most 250 ms (a keepalive) before the link
# went down; plus a little for timers.
expect_within_ms 700 100000 $((earliest - t_down)) "a: link down -> peer_timed_out (at least)"
expect_within_ms 0 1300 $((latest - t_down)) "a: link down -> peer_timed_out (at most)"
expect_eq '["down", "peer_timed_out"]' \
    "$(json_get "$(ogw_json a flow show "$flow_a")" '[t["state"] for t in d["flow"]["timeline"]][-2:]')" \
    "a's flow: the last two states"

gone=$(wait_line server '^Flow [0-9]+: peer gone, deallocated\.$' 3000 "$t_down")
expect_within_ms 500 2600 $(($(line_ts "$gone") - t_down)) "b: link down -> FLOW_PEER in the application"
grep -qE 'flow [0-9]+: (allocated|down) -> peer_timed_out' "$TEST_DIR/ogwd-b.log" ||
    fail "b's ogwd did not time its flow out"
ok "b's ogwd timed its flow out"

poll_until 4000 time_reached $((t_down + 3000))
ip -n "$(ns_name a)" link set veth-b up
poll_until 3000 ipcp_field_is a link_up true || fail "a's link not up again"
state_is a "$flow_a" peer_timed_out || fail "a's flow left peer_timed_out when the link returned"
ok "a's flow still peer_timed_out after the link returned"
expect_ogwd_alive a
expect_ogwd_alive b

pass
