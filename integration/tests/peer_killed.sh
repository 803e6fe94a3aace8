#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# A peer that falls silent (its ogwd killed with SIGKILL: no dealloc on the wire) is detected by
# the flow's keepalive timeout: with -T 1s, A's oping reports -EFLOWPEER (-1006) 1 s after the
# last packet it received, and A's CLI shows a held flow to the dead peer as "peer_timed_out"
# until its owner releases it; then the flow is gone.
#
#   ns a                                     ns b
#   oping -n oping -T 1s -i 100ms            oping -l
#   flowhold -n hold -T 1s (never reads)     flowhold -l -n hold
#      |  OGW_SOCKET                            |  OGW_SOCKET
#   ogwd a  [ipcp.wan] udp                   ogwd b  [ipcp.wan] udp   <-- kill -9
#     bind 10.0.0.1:3435                       bind 10.0.0.2:3435
#     peer = oping 10.0.0.2:3435
#     peer = hold 10.0.0.2:3435
#      |                                        |
#   veth-b 10.0.0.1/24 <------ veth ------>  veth-a 10.0.0.2/24
#
# timeout: 60
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"

require_root
require_bin "$OGWD" "$OGW" "$OPING" "$FLOWHOLD"

REPLY='^[0-9]+ bytes from oping: seq=[0-9]+ time='
A=10.0.0.1 B=10.0.0.2
make_ns a b
link_ns a b "$A/24" "$B/24"
write_config a "$(hostport $A)" "oping $(hostport $B)" "hold $(hostport $B)"
write_config b "$(hostport $B)"
start_ogwd a
start_ogwd b

start_bg pingsrv b 30 "$OPING" -l
start_bg holdsrv b 30 "$FLOWHOLD" -l -n hold
wait_line pingsrv '^oping server: serving oping\.$' 5000 >/dev/null
wait_line holdsrv '^[0-9]+ registered hold$' 5000 >/dev/null

start_bg ping a 30 "$OPING" -n oping -T 1s -i 100ms
start_bg hold a 30 "$FLOWHOLD" -n hold -T 1s
wait_line hold '^[0-9]+ allocated .* timeout 1000 ms$' 5000 >/dev/null
wait_line holdsrv '^[0-9]+ accepted ' 5000 >/dev/null
wait_line ping "$REPLY" 5000 >/dev/null
hold_pid=$(bg_pid hold)
held='f["remote_name"] == "hold"'
expect_eq '["allocated"]' "$(flows_where a "$held" state)" "state of the held flow on a"
expect_eq "[$hold_pid]" "$(flows_where a "$held" owner)" "owner of the held flow on a"

# Kill right after a reply arrived, so that the last packet a received and the kill are a few
# milliseconds apart: the timeout runs from the last packet received, not from the kill.
t0=$(now_ms)
wait_line ping "$REPLY" 2000 "$t0" >/dev/null
t_kill=$(now_ms)
kill_ogwd b -9
log "killed ogwd b at $t_kill"

failed=$(wait_line ping '^Flow failed: ' 3000 "$t_kill")
expect_eq "Flow failed: -1006." "$(line_text "$failed")" "oping's failure"
# 1 s after the last packet received, which came at most a few ms before the kill; 50 ms of
# slack below for that, 500 ms above for scheduling.
expect_within_ms 950 1500 $(($(line_ts "$failed") - t_kill)) "from the kill to oping's -1006"
rc=0
wait_bg ping 5 || rc=$?
expect_nonzero "$rc" "oping exit status"
expect_ne 124 "$rc" "oping exit status (124: stopped by timeout)"

# The held flow: peer_timed_out (by 1.5 s after the kill, plus the CLI's own time) ...
state_is() {
    [[ $(flows_where a "$held" state) == "[\"$1\"]" ]]
}
poll_until $((1500 + t_kill - $(now_ms) + 500)) state_is peer_timed_out ||
    fail "held flow on a: $(flows_where a "$held" state) 2 s after the kill, expected peer_timed_out"
ok "held flow on a is peer_timed_out $(($(now_ms) - t_kill)) ms after the kill"
# ... and stays so while its owner holds it ...
t_seen=$(now_ms)
while (($(now_ms) < t_seen + 1000)); do
    expect_eq '["peer_timed_out"]' "$(flows_where a "$held" state)" "state of the held flow"
    sleep 0.2
done
bg_running hold || fail "flowhold on a exited: $(tail -n 5 "$(bg_log hold)")"
# ... until the owner is gone: then the flow is gone.
held_gone() {
    [[ $(flows_where a "$held" state) == "[]" ]]
}
t_release=$(now_ms)
kill_bg hold -9
poll_until 1000 held_gone ||
    fail "held flow on a still listed 1 s after its owner died: $(flows_where a "$held")"
ok "held flow on a gone $(($(now_ms) - t_release)) ms after its owner died"

pass
