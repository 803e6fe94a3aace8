#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Malformed and foreign frames on the Ethernet shim's segment. While no flow exists, a's
# namespace sends b 10,000 frames of other Ethertypes (to b and broadcast), which b's kernel
# filter keeps from b's socket (b receives none of them), then 2,000 frames of b's Ethertype
# that every decoder must reject (every truncation of a valid FLOW_REQ, bad versions, unknown
# types, bad length fields, random bytes): b receives each, counts each as a drop and holds no
# flow. Then, with an oping flow running, a flood of 100,000 garbage frames: b's ogwd lives and
# answers, oping keeps getting replies, and b holds no flow but oping's.
#
#   ns a                                     ns b
#   oping -n oping -i 50ms                   oping -l
#   eth_send.py (python3) ----------------> veth-a, b's MAC, Ethertype 0xa000 (and others)
#      |  OGW_SOCKET                            |  OGW_SOCKET
#   ogwd a  [ipcp.lan] eth dev veth-b        ogwd b  [ipcp.lan] eth dev veth-a
#      |                                        |
#   veth-b <------------------ veth ------> veth-a
#
# The flood loads the machine for a few seconds; timed tests must not run beside it.
# run-serial: true
# timeout: 120
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/eth.sh
source "$(dirname "$0")/../lib/eth.sh"

require_root
require_bin "$OGWD" "$OGW" "$OPING"

# Debug logging of 100,000 drops would measure the logger, not the decoder.
OGWD_LOG_LEVEL=info
REPLY='^[0-9]+ bytes from oping: seq=[0-9]+ time='
SEND=("$PYTHON" "$OGW_SOURCE_DIR/integration/tools/eth_send.py")
make_ns a b
link_ns a b
write_eth_config a veth-b
write_eth_config b veth-a
start_ogwd a
start_ogwd b
mac_b=$(mac_of b veth-a)

sent_count() { # JSON line of eth_send.py
    json_get "$1" 'd["sent"]'
}

# --- no flow yet: foreign frames, then garbage of our Ethertype
rx0=$(ipcp_field b rx_datagrams)
drops0=$(ipcp_field b drops_total)
out=$(in_ns a timeout 60 "${SEND[@]}" veth-b "$mac_b" 0xa000 foreign 10000)
expect_eq 10000 "$(sent_count "$out")" "foreign frames sent"
out=$(in_ns a timeout 60 "${SEND[@]}" veth-b "$mac_b" 0xa000 garbage 2000 \
    "$OGW_SOURCE_DIR/docs/protocol.md")
expect_eq 2000 "$(sent_count "$out")" "garbage frames sent"
received_at_least() { # N
    (($(ipcp_field b rx_datagrams) >= $1))
}
poll_until 5000 received_at_least $((rx0 + 2000)) ||
    fail "b's IPCP received $(($(ipcp_field b rx_datagrams) - rx0)) of 2000 garbage frames"
expect_eq 2000 $(($(ipcp_field b rx_datagrams) - rx0)) \
    "frames b's IPCP received (foreign ones filtered by the kernel)"
expect_eq 2000 $(($(ipcp_field b drops_total) - drops0)) "frames b's IPCP dropped"
expect_eq '[]' "$(flows_where b 'True' id)" "b's flows"
drops=$(ipcp_field b drops)
log "b's drops by reason: $drops"
for reason in too_short bad_length bad_version bad_type; do
    n=$(json_get "$drops" "d[\"$reason\"]")
    ((n > 0)) || fail "no $reason drops counted: $drops"
done
ok "drops counted by reason"

# --- with a flow: a flood
start_bg pingsrv b 100 "$OPING" -l
wait_line pingsrv '^oping server: serving oping\.$' 5000 >/dev/null
start_bg ping a 100 "$OPING" -n oping -i 50ms
wait_line ping "$REPLY" 5000 >/dev/null
out=$(in_ns a timeout 90 "${SEND[@]}" veth-b "$mac_b" 0xa000 flood 100000)
log "flood: $out"
t_flood=$(now_ms)
expect_ogwd_alive b
wait_line ping "$REPLY" 3000 "$t_flood" >/dev/null
ok "oping gets replies after the flood"
expect_eq 1 "$(json_get "$(flows_where b 'True' id)" 'len(d)')" "b's flows (oping's only)"
kill_bg ping -INT
expect_ogwd_alive a

pass
