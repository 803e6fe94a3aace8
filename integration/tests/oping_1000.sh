#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 1,000 oping round trips over the UDP shim without loss, over IPv4 and over IPv6: each node
# has one udp IPCP per family; the name oping4 is reached through the IPv4 one, oping6 through
# the IPv6 one.
#
#   ns a                                     ns b
#   oping -n oping4|oping6 -c 1000 -i 1ms    oping -l -n oping4, oping -l -n oping6
#      |  OGW_SOCKET                            |  OGW_SOCKET
#   ogwd a                                   ogwd b
#     [ipcp.wan]  bind 10.0.0.1:3435           [ipcp.wan]  bind 10.0.0.2:3435
#       peer = oping4 10.0.0.2:3435
#     [ipcp.wan6] bind [fd00::1]:3435          [ipcp.wan6] bind [fd00::2]:3435
#       peer = oping6 [fd00::2]:3435
#      |                                        |
#   veth-b 10.0.0.1/24   <---- veth ---->    veth-a 10.0.0.2/24
#          fd00::1/64                               fd00::2/64
#
# timeout: 120
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"

require_root
require_bin "$OGWD" "$OGW" "$OPING"

A4=10.0.0.1 B4=10.0.0.2 A6=fd00::1 B6=fd00::2
make_ns a b
link_ns a b "$A4/24" "$B4/24" "$A6/64" "$B6/64"
write_config a "$(hostport $A4)" "oping4 $(hostport $B4)"
add_udp_ipcp a wan6 wan6 "$(hostport $A6)" "oping6 $(hostport $B6)"
write_config b "$(hostport $B4)"
add_udp_ipcp b wan6 wan6 "$(hostport $B6)"
start_ogwd a
start_ogwd b

for fam in 4 6; do
    ipcp=wan
    [[ $fam == 6 ]] && ipcp=wan6
    start_bg "server$fam" b 100 "$OPING" -l -n "oping$fam"
    wait_line "server$fam" "^oping server: serving oping$fam\\.\$" 5000 >/dev/null
    oping_all a "oping$fam" 1000 1ms "IPv$fam"
    # The round trips went through the IPCP of this family.
    rx=$(json_get "$(ogw_json b ipcps)" \
        "[i[\"rx_datagrams\"] for i in (lambda v: v[\"ipcps\"] if isinstance(v, dict) else v)(d[\"ipcps\"]) if i[\"name\"] == \"$ipcp\"][0]")
    ((rx >= 1000)) || fail "IPv$fam: b's [ipcp.$ipcp] received $rx datagrams, expected >= 1000"
    ok "IPv$fam: b's [ipcp.$ipcp] received $rx datagrams"
done

pass
