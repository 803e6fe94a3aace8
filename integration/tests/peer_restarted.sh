#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# A peer that restarts (ogwd killed with SIGKILL and started again) has forgotten the flow: the
# next packet A sends on the old flow is answered with a dealloc (unknown endpoint), and A's
# flow goes "peer_deallocated" at once, not after the peer timeout (here the default 120 s);
# A's next flow_write then fails with -EFLOWPEER (-1006).
#
#   ns a                                     ns b
#   flowhold -n hold -w 200ms                flowhold -l -n hold
#     (writes every 200 ms, never reads)        |  OGW_SOCKET
#      |  OGW_SOCKET                            |
#   ogwd a  [ipcp.wan] udp                   ogwd b  [ipcp.wan] udp   <-- kill -9, start again
#     bind 10.0.0.1:3435                       bind 10.0.0.2:3435
#     peer = hold 10.0.0.2:3435
#      |                                        |
#   veth-b 10.0.0.1/24 <------ veth ------>  veth-a 10.0.0.2/24
#
# timeout: 60
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"

require_root
require_bin "$OGWD" "$OGW" "$FLOWHOLD"

# sec_peer_restarted.sh: encrypted, so the unknown-endpoint answer is only a hint; A confirms
# it with an authenticated probe, which the restarted B cannot answer, within 1 s.
PEER_RESTART_SECURE=${PEER_RESTART_SECURE:-0}
noticed_ms=$((PEER_RESTART_SECURE == 1 ? 1300 : 200))

A=10.0.0.1 B=10.0.0.2
make_ns a b
link_ns a b "$A/24" "$B/24"
write_config a "$(hostport $A)" "hold $(hostport $B)" "b $(hostport $B)"
write_config b "$(hostport $B)"
if ((PEER_RESTART_SECURE == 1)); then
    # shellcheck source-path=SCRIPTDIR source=../lib/security.sh
    source "$(dirname "$0")/../lib/security.sh"
    pub_a=$(sec_genkey a)
    pub_b=$(sec_genkey b)
    sec_config a a b "$pub_b"
    sec_config b b a "$pub_a"
fi
start_ogwd a
start_ogwd b

start_bg holdsrv b 30 "$FLOWHOLD" -l -n hold
wait_line holdsrv '^[0-9]+ registered hold$' 5000 >/dev/null
start_bg hold a 30 "$FLOWHOLD" -n hold -w 200ms
wait_line hold '^[0-9]+ allocated .* timeout 120000 ms$' 5000 >/dev/null
wait_line holdsrv '^[0-9]+ read: 4 ' 5000 >/dev/null
held='f["remote_name"] == "hold"'
expect_eq '["allocated"]' "$(flows_where a "$held" state)" "state of the flow on a"

# Freeze A's writer while B restarts, so that A's next packet is known: stop it right after a
# write (it then sleeps 200 ms before the next one).
t0=$(now_ms)
wait_line hold '^[0-9]+ write: 4$' 1000 "$t0" >/dev/null
kill_bg hold -STOP
kill_ogwd b -9
start_ogwd b
# Nothing was sent since: A cannot know yet.
expect_eq '["allocated"]' "$(flows_where a "$held" state)" "state of a's flow after b restarted"

t_cont=$(now_ms)
kill_bg hold -CONT
line=$(wait_line hold '^[0-9]+ write: ' 1000 "$t_cont")
expect_match '^[0-9]+ write: 4$' "$(line_text "$line")" "a's first write to the restarted b"
t_write=$(own_ts "$line")
# The restarted b answers it with a dealloc (unknown endpoint): soon after that write (200 ms;
# encrypted: the probe window, at most 1 s, on top) A's flow is peer_deallocated, long before
# the 120 s peer timeout.
while (($(now_ms) < t_write + noticed_ms)); do
    sleep 0.01
done
expect_eq '["peer_deallocated"]' "$(flows_where a "$held" state)" \
    "state of a's flow $noticed_ms ms after its first write to the restarted b"
if ((PEER_RESTART_SECURE == 1)); then
    # Writes made while the probe was out went through (to nobody); the first one after fails.
    wait_line hold '^[0-9]+ write: -1006$' 1000 "$t_write" >/dev/null
    ok "a's flow_write failed with -EFLOWPEER once the probe went unanswered"
else
    line=$(wait_line hold '^[0-9]+ write: ' 1000 $(($(line_ts "$line") + 1)))
    expect_match '^[0-9]+ write: -1006$' "$(line_text "$line")" "a's next flow_write"
fi
expect_eq "$PEER_RESTART_SECURE" "$(json_get "$(ogw_json a ipcps)" \
    'sum(i.get("restarts_detected", 0) for i in (lambda v: v["ipcps"] if isinstance(v, dict) else v)(d["ipcps"]))')" \
    "flows a found gone by an unanswered probe"

pass
