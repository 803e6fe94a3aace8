#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The Ethernet shim's largest SDU follows the interface MTU: MTU - 8 (1492 at 1500); after
# 'ip link set DEV mtu 1400' on both ends, 'ogw --json ipcps' shows 1392 within 1 s, an oping
# flow carries 1392-byte SDUs without loss, and a 1393-byte size is refused by oping itself
# (larger than the flow's largest SDU) instead of being truncated.
#
#   ns a                                     ns b
#   oping -n oping -s 1392                   oping -l
#      |  OGW_SOCKET                            |  OGW_SOCKET
#   ogwd a  [ipcp.lan] eth dev veth-b        ogwd b  [ipcp.lan] eth dev veth-a
#      |                                        |
#   veth-b <-------- veth, mtu 1400 ------> veth-a
#
# timeout: 60
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/eth.sh
source "$(dirname "$0")/../lib/eth.sh"

require_root
require_bin "$OGWD" "$OGW" "$OPING"

make_ns a b
link_ns a b
write_eth_config a veth-b
write_eth_config b veth-a
start_ogwd a
start_ogwd b
expect_eq 1492 "$(ipcp_field a max_sdu)" "a's largest SDU at mtu 1500"

ip -n "$(ns_name a)" link set veth-b mtu 1400
ip -n "$(ns_name b)" link set veth-a mtu 1400
for s in a b; do
    poll_until 1000 ipcp_field_is "$s" max_sdu 1392 ||
        fail "$s's largest SDU is $(ipcp_field "$s" max_sdu) 1 s after mtu 1400"
    ok "$s's largest SDU follows mtu 1400: 1392"
done

start_bg server b 60 "$OPING" -l
wait_line server '^oping server: serving oping\.$' 5000 >/dev/null
out="$TEST_DIR/oping.log"
rc=0
in_ns a timeout 30 "$OPING" -n oping -c 20 -i 10ms -s 1392 >"$out" 2>&1 || rc=$?
expect_rc 0 "$rc" "oping -s 1392 exit status"
expect_match '^20 packets transmitted, 20 received, 0% packet loss' \
    "$(grep -E ' packets transmitted, ' "$out" || true)" "oping -s 1392 summary"
expect_eq 20 "$(grep -cE '^1392 bytes from oping: seq=' "$out")" "1392-byte replies"

rc=0
in_ns a timeout 30 "$OPING" -n oping -c 1 -s 1393 >"$out" 2>&1 || rc=$?
expect_nonzero "$rc" "oping -s 1393 exit status"
expect_match 'exceeds the flow.s largest SDU \(1392\)' "$(cat "$out")" "oping -s 1393"

pass
