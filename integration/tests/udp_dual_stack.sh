#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# A udp IPCP bound to [::] is dual stack: one socket reaches IPv4 peers (as v4-mapped addresses
# underneath) and IPv6 peers, and operators see IPv4 peers as plain IPv4 addresses.
#   - a pings b over IPv4 (a's [ipcp.wan]) and over IPv6 (a's [ipcp.wan6]), 20 replies each;
#   - b, from its dual-stack socket, pings a over IPv4 through its directory (peer = back ...);
#   - b's 'ogw --json flows' and 'ogw --json ipcps' show a as 10.0.0.1:3435, never ::ffff:...;
#   - an IPv6 bind other than [::] with an IPv4 peer is a config error naming the line.
#
#   ns a                                        ns b
#   oping -n oping|oping6 -c 20 -i 10ms         oping -l -n oping, oping -l -n oping6
#   oping -l -n back                            oping -n back -c 20 -i 10ms
#      |  OGW_SOCKET                               |  OGW_SOCKET
#   ogwd a                                      ogwd b
#     [ipcp.wan]  bind 10.0.0.1:3435              [ipcp.wan] bind [::]:3435 (dual stack)
#       peer = oping 10.0.0.2:3435                  peer = back 10.0.0.1:3435
#     [ipcp.wan6] bind [fd00::1]:3435
#       peer = oping6 [fd00::2]:3435
#      |                                           |
#   veth-b 10.0.0.1/24   <----- veth ----->     veth-a 10.0.0.2/24
#          fd00::1/64                                  fd00::2/64
#
# timeout: 120
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"

require_root
require_bin "$OGWD" "$OGW" "$OPING"

A4=10.0.0.1 B4=10.0.0.2 A6=fd00::1 B6=fd00::2
# b's one IPCP in the output of 'ogw --json ipcps'.
B_WAN='(lambda v: v["ipcps"] if isinstance(v, dict) else v)(d["ipcps"])[0]'

# --- the config check: only [::] takes peers of both families ----------------------------------
write_config bad "$(hostport $B6)" "back $(hostport $A4)"  # the peer is on line 11
rc=0
timeout 10 "$OGWD" --check-config --config "$(config_path bad)" >/dev/null \
    2>"$TEST_DIR/bad.err" || rc=$?
expect_rc 1 "$rc" "--check-config of an IPv6 bind with an IPv4 peer"
expect_match "^$(config_path bad):11: ipcp.wan.peer: address '$A4:3435' is not of the family of bind .*only a bind to \[::\] reaches both families" \
    "$(cat "$TEST_DIR/bad.err")" "its error"

# --- the nodes ---------------------------------------------------------------------------------
make_ns a b
link_ns a b "$A4/24" "$B4/24" "$A6/64" "$B6/64"
write_config a "$(hostport $A4)" "oping $(hostport $B4)"
add_udp_ipcp a wan6 wan "$(hostport $A6)" "oping6 $(hostport $B6)"
write_config b "[::]:3435" "back $(hostport $A4)"
start_ogwd a
start_ogwd b

ipcps_b=$(ogw_json b ipcps)
expect_eq '[::]:3435' "$(json_get "$ipcps_b" "${B_WAN}[\"address\"]")" "b's bind address"
expect_eq "[{\"name\": \"back\", \"address\": \"$A4:3435\"}]" \
    "$(json_get "$ipcps_b" "${B_WAN}[\"directory\"]")" "b's directory"


# b_flow_peer NAME: the peer_address of b's allocated flows whose local or remote name is NAME
# (a JSON list).
b_flow_peer() {
    flows_where b "f[\"state\"] == \"allocated\" and
        \"$1\" in (f[\"local_name\"], f[\"remote_name\"])" peer_address
}

start_bg server4 b 100 "$OPING" -l -n oping
start_bg server6 b 100 "$OPING" -l -n oping6
wait_line server4 '^oping server: serving oping\.$' 5000 >/dev/null
wait_line server6 '^oping server: serving oping6\.$' 5000 >/dev/null

# --- IPv4 peer to the dual-stack socket --------------------------------------------------------
oping_all a oping 20 10ms "a -> b over IPv4" 30
# While a flow is up, b shows its peer as a's IPv4 address.
start_bg hold4 a 30 "$OPING" -n oping -i 100ms
wait_line hold4 '^[0-9]+ bytes from oping: ' 5000 >/dev/null
expect_eq "[\"$A4:3435\"]" "$(b_flow_peer oping)" "peer_address of b's flow from a (IPv4)"
kill_bg hold4 -9

# --- IPv6 peer to the same socket --------------------------------------------------------------
oping_all a oping6 20 10ms "a -> b over IPv6" 30
start_bg hold6 a 30 "$OPING" -n oping6 -i 100ms
wait_line hold6 '^[0-9]+ bytes from oping6: ' 5000 >/dev/null
expect_eq "[\"[$A6]:3435\"]" "$(b_flow_peer oping6)" "peer_address of b's flow from a (IPv6)"
kill_bg hold6 -9

# --- the dual-stack socket to an IPv4 peer of its directory ------------------------------------
start_bg back a 100 "$OPING" -l -n back
wait_line back '^oping server: serving back\.$' 5000 >/dev/null
oping_all b back 20 10ms "b -> a over IPv4 from [::]" 30

# --- b's view: plain IPv4, nothing lost or refused ---------------------------------------------
ipcps_b=$(ogw_json b ipcps)
flows_b=$(ogw_json b flows)
expect_no_match '::ffff:' "$ipcps_b$flows_b" "b's ipcps and flows"
expect_no_match '::ffff:' "$(cat "$TEST_DIR/ogwd-b.log")" "b's log"
for field in tx_errors rx_truncated; do
    expect_eq 0 "$(json_get "$ipcps_b" "${B_WAN}[\"$field\"]")" "b's $field"
done
expect_eq 0 "$(json_get "$ipcps_b" "${B_WAN}[\"drops\"][\"wrong_peer\"]")" "b's wrong_peer drops"
rx=$(json_get "$ipcps_b" "${B_WAN}[\"rx_datagrams\"]")
((rx >= 60)) || fail "b's [ipcp.wan] received $rx datagrams, expected >= 60"
ok "b's [ipcp.wan] received $rx datagrams"

pass
