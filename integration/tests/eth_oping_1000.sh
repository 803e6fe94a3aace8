#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 1,000 oping round trips over the Ethernet shim without loss; the name is resolved by
# broadcast, the round trips go through the eth IPCP.
#
#   ns a                                     ns b
#   oping -n oping -c 1000 -i 1ms            oping -l
#      |  OGW_SOCKET                            |  OGW_SOCKET
#   ogwd a  [ipcp.lan] eth dev veth-b        ogwd b  [ipcp.lan] eth dev veth-a
#      |                                        |
#   veth-b <------------------ veth ------> veth-a
#
# timeout: 120
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

start_bg server b 100 "$OPING" -l
wait_line server '^oping server: serving oping\.$' 5000 >/dev/null
oping_all a oping 1000 1ms "a to b over Ethernet"
rx=$(ipcp_field b rx_datagrams)
((rx >= 1000)) || fail "b's [ipcp.lan] received $rx frames, expected >= 1000"
ok "b's [ipcp.lan] received $rx frames"
drops=$(ipcp_field b drops)
[[ $(ipcp_field b drops_total) == 0 ]] || fail "b's [ipcp.lan] dropped frames: $drops"
ok "b's [ipcp.lan] dropped no frame"

pass
