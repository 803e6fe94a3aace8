#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# flow-mapping: with "session" (the default) N concurrent TCP connections from ha to hb are N
# gateway flows on each gateway, each bound to its session; with "peer" they share one flow.
#
# timeout: 120
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/gateway.sh
source "$(dirname "$0")/../lib/gateway.sh"

require_root
require_bin "$OGWD" "$OGW"
N=5

# check_flows MAPPING EXPECTED_FLOWS
check_flows() {
    local mapping=$1 want=$2 s
    gw_tcp_server "srv-$mapping" 7000
    start_bg "cli-$mapping" ha 60 "$PYTHON" "$TCPHOLD" client "$HB4" 7000 -n "$N"
    wait_line "cli-$mapping" "^connected $N " 10000 >/dev/null
    for s in ga gb; do
        expect_eq "$want" "$(gw_flow_count "$s")" "gateway flows on $s with flow-mapping = $mapping"
        expect_eq "$N" "$(json_get "$(gw_sessions "$s" 's["proto"] == "tcp"')" 'len(d)')" \
            "TCP sessions on $s"
    done
    # Every session names a live flow of its gateway.
    local ids
    ids=$(flows_where ga 'f["owner"] == "gateway"' id)
    json_get "$(gw_sessions ga 's["proto"] == "tcp"' flow_id)" \
        "all(i in $ids for i in d)" | grep -qx true ||
        fail "sessions on ga name flows that are not the gateway's: $(gw_sessions ga)"
    ok "every TCP session on ga names one of the gateway's flows"
    if [[ $mapping == session ]]; then
        json_get "$(flows_where ga 'f["owner"] == "gateway"' session_id)" \
            'len(set(d)) == len(d) and None not in d' | grep -qx true ||
            fail "flows on ga are not bound to distinct sessions: $(flows_where ga 'True')"
        ok "each flow on ga is bound to its own session"
    fi
    kill_bg "cli-$mapping"
    kill_bg "srv-$mapping"
}

gw_setup "idle-timeout = 30s"
check_flows session "$N"

stop_ogwd ga
stop_ogwd gb
sed -i 's/^idle-timeout = 30s$/flow-mapping = peer/' "$(config_path ga)" "$(config_path gb)"
gw_start_ogwd ga
gw_start_ogwd gb
check_flows peer 1
pass
