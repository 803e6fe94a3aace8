#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# A TCP connection closed normally (FIN both ways, acknowledged): its session ends after the
# close linger (2 s) and its flow is deallocated on both gateways within linger + 1 s, counted
# as tcp_close.
#
# timeout: 90
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/gateway.sh
source "$(dirname "$0")/../lib/gateway.sh"

require_root
require_bin "$OGWD" "$OGW"
LINGER_MS=2000

gw_setup
gw_tcp_server srv 7001
start_bg cli ha 30 "$PYTHON" "$TCPHOLD" close "$HB4" 7001
wait_line cli '^connected 1 ' 10000 >/dev/null
closed=$(wait_line cli '^closed 1$' 5000)
t_closed=$(line_ts "$closed")

no_gateway_flows() {
    [[ $(gw_flow_count ga) == 0 && $(gw_flow_count gb) == 0 ]]
}
poll_until $((LINGER_MS + 1000 + t_closed - $(now_ms))) no_gateway_flows ||
    fail "gateway flows left $((LINGER_MS + 1000)) ms after the close: ga $(gw_flow_count ga), gb $(gw_flow_count gb)"
ok "no gateway flow on ga or gb $(($(now_ms) - t_closed)) ms after the close"
for s in ga gb; do
    expect_eq 1 "$(gw_stat "$s" 'st["teardowns"]["tcp_close"]')" "tcp_close teardowns on $s"
    expect_eq 0 "$(gw_stat "$s" 'st["sessions_active"]')" "active sessions on $s"
done
pass
