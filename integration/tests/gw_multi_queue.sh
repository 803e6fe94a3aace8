#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# [gateway] queues = 2: a multi-queue TUN with a worker thread per queue on both gateways.
# Real traffic (ping, iperf3 TCP with 4 streams, an HTTP download with its checksum, iperf3
# UDP) crosses as with one queue; 32 UDP connections from ha are read from both of ga's
# queues; the workers run with the capabilities the daemon dropped to; SIGTERM stops them and
# removes the device.
#
# timeout: 180
# run-serial: true
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/gateway.sh
source "$(dirname "$0")/../lib/gateway.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/schema.sh
source "$(dirname "$0")/../lib/schema.sh"

require_root
require_cmd ping iperf3 curl sha256sum
require_bin "$OGWD" "$OGW"
OGWD_LOG_LEVEL=info
gw_setup "queues = 2" "peer-timeout = 5s"

for s in ga gb; do
    expect_match "2 queues with a worker each" "$(cat "$TEST_DIR/ogwd-$s.log")" "ogwd on $s"
    expect_eq 2 "$(gw_stat "$s" 'len(st["tun_queues"])')" "queues in ogw stats on $s"
done

# A worker per queue, with the capabilities of the daemon's main thread after the drop.
pid=$(ogwd_pid ga)
workers=0
main_caps=$(grep -E '^Cap(Eff|Prm|Bnd):' "/proc/$pid/status")
for task in /proc/"$pid"/task/*; do
    [[ $(cat "$task/comm") == ogw-tunq* ]] || continue
    workers=$((workers + 1))
    expect_eq "$main_caps" "$(grep -E '^Cap(Eff|Prm|Bnd):' "$task/status")" \
        "capabilities of $(cat "$task/comm") (as the main thread's)"
done
expect_eq 2 "$workers" "ogw-tunq threads of ga's ogwd"

gw_ping ha "$HB4"
gw_ping ha "$HB6"
gw_ping ga "$GB4"

# iperf3 with 4 parallel streams.
start_bg iperf-s hb 40 iperf3 -s -1 -p 5201
wait_line iperf-s 'Server listening' 5000 >/dev/null
out=$(in_ns ha timeout 30 iperf3 -c "$HB4" -p 5201 -t 5 -P 4 -J 2>&1) ||
    fail "iperf3 -P 4 ha -> $HB4: $(tail -n 20 <<<"$out")"
rate=$(json_get "$out" 'int(d["end"]["sum_received"]["bits_per_second"])')
((rate > 0)) || fail "iperf3 -P 4: nothing received"
ok "iperf3 TCP, 4 streams, ha -> $HB4 for 5 s: $((rate / 1000000)) Mbit/s"
wait_bg iperf-s 10 || true

gw_http_download ha "$HB4" 20
gw_iperf_udp ha "$HB4" 3 50M

# 32 UDP connections (32 source ports): the kernel spreads them over ga's queues.
before=$(gw_stat ga '[q["rx_packets"] for q in st["tun_queues"]]')
in_ns ha "$PYTHON" - "$HB4" <<'PY'
import socket, sys
for i in range(32):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(b"queue spread", (sys.argv[1], 9999))
    s.close()
PY
sleep 0.3
after=$(gw_stat ga '[q["rx_packets"] for q in st["tun_queues"]]')
json_get "[$before, $after]" 'all(a > b for b, a in zip(d[0], d[1]))' | grep -qx true ||
    fail "ga's queues did not all read: rx_packets before $before, after $after"
ok "both of ga's queues read packets (rx_packets $before -> $after)"
log "gb tun_queues: $(gw_stat gb 'st["tun_queues"]')"
expect_eq 0 "$(gw_stat gb 'st["drops"]["tun_write"]')" "tun_write drops on gb"
if schema_available; then
    check ga ogw-stats stats
    rejects ogw-stats "a queue without its counters" "$(json_get "$(ogw_json ga stats)" \
        '{"schema": 1, "stats": dict(d["stats"], tun_queues=[{"rx_packets": 1}])}')"
fi

# SIGTERM: the workers stop, the device goes.
stop_ogwd ga
expect_match "stopped; " "$(tail -n 3 "$TEST_DIR/ogwd-ga.log")" "ga's ogwd stopped by itself"
ip -n "$(ns_name ga)" link show ogw0 >/dev/null 2>&1 && fail "ogw0 on ga outlived its ogwd"
ok "ogw0 on ga is gone after SIGTERM"
pass
