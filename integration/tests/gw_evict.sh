#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# max-sessions: with 4 allowed, 7 UDP conversations opened one after the other evict the 3
# least recently used (counted as evicted); the evicted flows are deallocated on both sides.
# The session flows carry the configured QoS cube and peer-timeout.
#
# timeout: 60
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/gateway.sh
source "$(dirname "$0")/../lib/gateway.sh"

require_root
require_bin "$OGWD" "$OGW"

gw_setup "max-sessions = 4" "qos = voice" "peer-timeout = 4s" "idle-timeout = 60s"
in_ns ha timeout 20 "$PYTHON" -c '
import socket, time
for port in range(31000, 31007):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    s.sendto(b"x", ("'"$HB4"'", 9002))
    s.close()
    time.sleep(0.1)
'
settled() {
    [[ $(gw_flow_count ga) == 4 && $(gw_flow_count gb) == 4 ]]
}
poll_until 3000 settled || fail "gateway flows: ga $(gw_flow_count ga), gb $(gw_flow_count gb), expected 4 each"
ok "4 gateway flows on each side"
expect_eq 3 "$(gw_stat ga 'st["teardowns"]["evicted"]')" "evicted teardowns on ga"
expect_eq '[31003, 31004, 31005, 31006]' \
    "$(json_get "$(gw_sessions ga 'True' sport)" 'sorted(d)')" "the sessions left on ga (the newest)"
expect_eq 'voice/4000' \
    "$(json_get "$(flows_where ga 'f["owner"] == "gateway"' qos)" \
        '" ".join(sorted(set("%s/%d" % (q["cube"], q["timeout_ms"]) for q in d)))')" \
    "QoS cube/timeout of the gateway's flows on ga"
pass
