#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 10,000 short UDP sessions (one datagram each, each from its own source port) open a flow each
# and idle out (idle-timeout = 2s): afterwards no session or gateway flow is left, ga's ogwd
# holds the same number of file descriptors as before and its RSS is within 10 % of before.
# "Before" is measured after a warm-up round of the same shape, so that the one-time growth of
# the allocator and the tables to the peak number of live sessions (about 4,000 here) is not
# counted; a leak shows as growth from one round to the next. ASan's quarantine is turned off for
# the daemons (it holds freed memory back on purpose).
#
# timeout: 300
# run-serial: true
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/gateway.sh
source "$(dirname "$0")/../lib/gateway.sh"

require_root
require_bin "$OGWD" "$OGW"
export ASAN_OPTIONS="$ASAN_OPTIONS:quarantine_size_mb=0:thread_local_quarantine_size_kb=0"
OGWD_LOG_LEVEL=info

gw_setup "idle-timeout = 2s" "max-sessions = 20000"

# churn N FIRST_PORT: N datagrams from ha to hb, each from its own source port (FIRST_PORT on),
# about 2,000 per second.
churn() {
    local n=$1 first=$2 t0
    t0=$(now_ms)
    in_ns ha timeout 120 "$PYTHON" -c '
import socket, sys, time
n, first = int(sys.argv[1]), int(sys.argv[2])
start = time.monotonic()
for i in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", first + i))
    s.sendto(b"x" * 64, ("'"$HB4"'", 9001))
    s.close()
    ahead = (i + 1) / 2000.0 - (time.monotonic() - start)
    if ahead > 0:
        time.sleep(ahead)
' "$n" "$first"
    log "sent $n datagrams in $(($(now_ms) - t0)) ms"
}

all_idle() {
    [[ $(gw_stat ga 'st["sessions_active"]') == 0 && $(gw_stat gb 'st["sessions_active"]') == 0 &&
        $(gw_flow_count ga) == 0 && $(gw_flow_count gb) == 0 ]]
}

# settle WHAT: waits until every session has idled out and its flow is gone on both sides.
settle() {
    poll_until 30000 all_idle || fail "$1: sessions or flows left 30 s later: ga $(gw_stat ga \
        'st["sessions_active"]') sessions $(gw_flow_count ga) flows, gb $(gw_stat gb \
        'st["sessions_active"]') sessions $(gw_flow_count gb) flows"
    sleep 1
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$(ogwd_pid ga)/status"; }
fd_count() { find "/proc/$(ogwd_pid ga)/fd" -mindepth 1 -maxdepth 1 | wc -l; }

churn 10000 40000
settle "warm-up"
rss0=$(rss_kb) fd0=$(fd_count) opened0=$(gw_stat ga 'st["sessions_opened"]')
log "before: RSS $rss0 kB, $fd0 fds, $opened0 sessions opened so far"

churn 10000 20000
opened=$(( $(gw_stat ga 'st["sessions_opened"]') - opened0 ))
((opened == 10000)) || fail "ga opened $opened sessions for 10000 datagrams"
ok "ga opened $opened sessions for 10000 datagrams"
settle "after 10000 sessions"
rss1=$(rss_kb) fd1=$(fd_count)
log "after: RSS $rss1 kB, $fd1 fds"
expect_eq "$fd0" "$fd1" "ga's open file descriptors"
((rss1 * 10 <= rss0 * 11)) || fail "ga's RSS grew from $rss0 kB to $rss1 kB (more than 10 %)"
ok "ga's RSS $rss0 kB -> $rss1 kB (within 10 %)"
idle=$(gw_stat ga 'st["teardowns"]["idle"]')
((idle >= opened)) || fail "idle teardowns on ga: $idle, expected at least $opened"
ok "$idle idle teardowns on ga"
pass
