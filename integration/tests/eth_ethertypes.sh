#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Two Ethertypes on one Ethernet segment: a and b use 0xa000, c uses 0xa001, all three on one
# bridge. a's queries for "oping" are answered by b only, although c serves "oping" too; a and
# b carry oping traffic; c's kernel filter keeps every frame of a and b (broadcast queries
# included) from c's socket: c receives nothing, holds no flow, and its own allocation to a
# name only b serves fails with -ENAME (-1007) after the bounded wait of name resolution, its
# queries never reaching b.
#
#   ns a (0xa000)          ns b (0xa000)              ns c (0xa001)
#   oping -n oping         oping -l; oping -l -n bonly  oping -l; oping -n bonly
#   ogwd a                 ogwd b                     ogwd c
#   [ipcp.lan] veth-sw     [ipcp.lan] veth-sw         [ipcp.lan] veth-sw
#        \                      |                         /
#         veth-a ---------- br0 (ns sw) ------------ veth-c
#                               |
#                             veth-b
#
# timeout: 90
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/eth.sh
source "$(dirname "$0")/../lib/eth.sh"

require_root
require_bin "$OGWD" "$OGW" "$OPING"

make_ns sw a b c
sw=$(ns_name sw)
ip -n "$sw" link add br0 type bridge
for s in a b c; do
    link_ns sw "$s"
    ip -n "$sw" link set "veth-$s" master br0
done
ip -n "$sw" link set br0 up
write_eth_config a veth-sw 0xa000
write_eth_config b veth-sw 0xa000
write_eth_config c veth-sw 0xa001
for s in a b c; do
    start_ogwd "$s"
done

start_bg server_b b 60 "$OPING" -l
start_bg only_b b 60 "$OPING" -l -n bonly
start_bg server_c c 60 "$OPING" -l
wait_line server_b '^oping server: serving oping\.$' 5000 >/dev/null
wait_line only_b '^oping server: serving bonly\.$' 5000 >/dev/null
wait_line server_c '^oping server: serving oping\.$' 5000 >/dev/null

out="$TEST_DIR/ping_a.log"
rc=0
in_ns a timeout 30 "$OPING" -n oping -c 20 -i 10ms >"$out" 2>&1 || rc=$?
expect_rc 0 "$rc" "a: oping exit status"
expect_match '^20 packets transmitted, 20 received, 0% packet loss' \
    "$(grep -E ' packets transmitted, ' "$out" || true)" "a: oping summary"
directory=$(ipcp_field a directory)
expect_eq "$(mac_of b veth-sw)" \
    "$(json_get "$directory" '[e["address"] for e in d if e["name"] == "oping"][0]')" \
    "a's directory entry for oping (b, not c)"
expect_eq 1 "$(count_lines server_b '^New flow')" "flows b's server accepted"
expect_eq 0 "$(count_lines server_c '^New flow')" "flows c's server accepted"

out="$TEST_DIR/ping_c.log"
rc=0
rx_b=$(ipcp_field b rx_datagrams)
t0=$(now_ms)
in_ns c timeout 30 "$OPING" -n bonly -c 1 >"$out" 2>&1 || rc=$?
elapsed=$(($(now_ms) - t0))
expect_nonzero "$rc" "c: oping to bonly exit status"
expect_match '\(-1007\)$' "$(cat "$out")" "c: oping to bonly"
expect_within_ms 1000 5000 "$elapsed" "c: time to fail the allocation"

expect_eq 0 "$(ipcp_field c rx_datagrams)" "frames c's IPCP received"
expect_eq '[]' "$(flows_where c 'True' id)" "c's flows"
expect_eq '[]' "$(flows_where b 'f["remote_name"] == "c"' id)" "b's flows from c"
# c's four broadcast queries never reached b's socket (a was quiet meanwhile).
expect_eq "$rx_b" "$(ipcp_field b rx_datagrams)" "frames b's IPCP received while c queried"
for s in a b c; do
    expect_ogwd_alive "$s"
done

pass
