#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Gateways over the Ethernet shim: the underlay link of gb goes down for longer than the peer
# timeout (1 s). The session flows go down, then time out: ga resets the held TCP connection
# (ECONNRESET) and both count the teardown as link_down (ga's end of the veth loses its carrier
# too). A short outage (well under the timeout) changes nothing: the connection survives.
#
# timeout: 90
export GW_UNDERLAY=eth
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/gateway.sh
source "$(dirname "$0")/../lib/gateway.sh"

require_root
require_bin "$OGWD" "$OGW"

gw_setup "peer-timeout = 1s"
gw_tcp_server srv 7004
start_bg cli ha 60 "$PYTHON" "$TCPHOLD" client "$HB4" 7004
wait_line cli '^connected 1 ' 10000 >/dev/null
gbdev=$(veth_name gb ga)

# A 300 ms outage: the flow goes down and comes back; the connection lives on.
ip -n "$(ns_name gb)" link set "$gbdev" down
sleep 0.3
ip -n "$(ns_name gb)" link set "$gbdev" up
sleep 1.5
bg_running cli || fail "the held connection ended after a 300 ms outage: $(tail -n 3 "$(bg_log cli)")"
expect_eq 1 "$(gw_flow_count ga)" "gateway flows on ga after a 300 ms outage"
ok "a 300 ms outage changed nothing"

# A 3 s outage: longer than the peer timeout.
t_down=$(now_ms)
ip -n "$(ns_name gb)" link set "$gbdev" down
reset=$(wait_line cli '^error 1 ' 4000 "$t_down")
expect_eq "error 1 ECONNRESET" "$(line_text "$reset")" "how the held connection ended"
expect_within_ms 0 2500 $(($(line_ts "$reset") - t_down)) "from link down to ECONNRESET"
expect_eq 1 "$(gw_stat gb 'st["teardowns"]["link_down"]')" "link_down teardowns on gb"
expect_eq 1 "$(gw_stat ga 'st["teardowns"]["link_down"]')" "link_down teardowns on ga"
ip -n "$(ns_name gb)" link set "$gbdev" up
expect_eq 0 "$(gw_flow_count ga)" "gateway flows on ga"
pass
