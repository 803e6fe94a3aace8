# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# The measurements every tunnel gets, from namespace A to DST in namespace B. Each records its
# figures with record TUNNEL ROUND METRIC VALUE (lib/common.sh); report.py aggregates them.
#
#   tcp1_gbps, tcp4_gbps      iperf3 TCP A -> B, 1 and 4 streams, BENCH_SECONDS each; the bit
#                             rate the receiver got (end.sum_received)
#   cpu_s_per_gb_tcp1/_tcp4   CPU seconds (utime + stime from /proc/PID/stat, all threads) of
#                             the tunnel processes on both sides during that run, per 10^9 bytes
#                             received by iperf3; kernel work done outside the tunnel processes'
#                             syscalls (softirq, the applications' own stack) is not included
#   udp64_kpps, udp64_mbps    iperf3 UDP A -> B, 64-byte payloads, -b 0 (unlimited): datagrams
#                             received per second (sent - lost, as the server counted them) and
#                             the payload bit rate; udp64_loss_pct
#   rtt_p50_ms, rtt_p99_ms    ping -i 0.01 -c BENCH_PINGS (56-byte payload) A -> DST
#   echo_first_p50_ms, ...    lib/py/udp_echo.py: request/reply time of the first datagram from a
#                             fresh source port (a new session for ogw) and of later ones

BENCH_SECONDS=${BENCH_SECONDS:-5}
BENCH_PINGS=${BENCH_PINGS:-500}
BENCH_FIRST_PACKETS=${BENCH_FIRST_PACKETS:-100}
IPERF_PORT=5201
ECHO_PORT=7007

_iperf_listening() {
    in_b ss -Hltn "sport = :$IPERF_PORT" | grep -q LISTEN
}

# _iperf NAME ARGS...: one iperf3 test from A to DST (fresh one-shot server in B); the JSON
# goes to $WORK/NAME.json. Bounded to BENCH_SECONDS + 30 s.
_iperf() {
    local name=$1
    shift
    bench_spawn iperf-s "$NS_B" $((BENCH_SECONDS + 40)) iperf3 -s -1 -p "$IPERF_PORT"
    wait_for 5000 _iperf_listening || { log "iperf3 server did not start"; return 1; }
    in_a timeout $((BENCH_SECONDS + 30)) iperf3 -c "$DST" -p "$IPERF_PORT" -t "$BENCH_SECONDS" \
        -J "$@" >"$WORK/$name.json" 2>"$WORK/$name.err" || true
    bg_wait iperf-s 10 || true
}

# measure_tcp TUNNEL ROUND STREAMS
measure_tcp() {
    local tunnel=$1 round=$2 streams=$3 c0 c1 sum bps bytes cpu
    c0=$(cpu_ticks "${TUN_PIDS[@]}")
    _iperf "tcp$streams" -P "$streams"
    c1=$(cpu_ticks "${TUN_PIDS[@]}")
    sum=$("$PYTHON" "$PY/iperf_summary.py" "$WORK/tcp$streams.json")
    if [[ $(jq_py "$sum" 'd["ok"]') != True ]]; then
        log "$tunnel: TCP x$streams failed: $(jq_py "$sum" 'd.get("error")') $(head -c 300 "$WORK/tcp$streams.err")"
        record "$tunnel" "$round" "tcp${streams}_gbps" null "iperf3 failed"
        return 0
    fi
    bps=$(jq_py "$sum" 'd["bps"]')
    bytes=$(jq_py "$sum" 'd["bytes"]')
    record "$tunnel" "$round" "tcp${streams}_gbps" "$(jq_py "$bps" "round(d / 1e9, 4)")"
    record "$tunnel" "$round" "tcp${streams}_retransmits" "$(jq_py "$sum" 'd["retransmits"]')"
    if ((${#TUN_PIDS[@]} > 0)); then
        cpu=$("$PYTHON" -c "print(round(($c1 - $c0) / $CLK_TCK / ($bytes / 1e9), 3))")
        record "$tunnel" "$round" "cpu_s_per_gb_tcp$streams" "$cpu"
    fi
    log "$tunnel round $round: TCP x$streams $(jq_py "$bps" "round(d / 1e9, 3)") Gbit/s${cpu:+, $cpu CPU s/GB}"
}

# measure_udp64 TUNNEL ROUND
measure_udp64() {
    local tunnel=$1 round=$2 sum
    _iperf udp64 -u -l 64 -b 0
    sum=$("$PYTHON" "$PY/iperf_summary.py" "$WORK/udp64.json" 64)
    if [[ $(jq_py "$sum" 'd["ok"]') != True ]]; then
        log "$tunnel: UDP 64 B failed: $(jq_py "$sum" 'd.get("error")') $(head -c 300 "$WORK/udp64.err")"
        record "$tunnel" "$round" udp64_kpps null "iperf3 failed"
        return 0
    fi
    record "$tunnel" "$round" udp64_kpps "$(jq_py "$sum" 'round(d["pps"] / 1e3, 2)')"
    record "$tunnel" "$round" udp64_mbps "$(jq_py "$sum" 'round(d["payload_bps"] / 1e6, 2)')"
    record "$tunnel" "$round" udp64_loss_pct "$(jq_py "$sum" 'round(d["loss_pct"] or 0, 2)')"
    log "$tunnel round $round: UDP 64 B $(jq_py "$sum" 'round(d["pps"] / 1e3, 1)') kpps received, $(jq_py "$sum" 'round(d["loss_pct"] or 0, 1)') % lost"
}

# measure_rtt TUNNEL ROUND
measure_rtt() {
    local tunnel=$1 round=$2 st
    st=$(in_a timeout $((BENCH_PINGS / 50 + 20)) ping -n -i 0.01 -W 1 -c "$BENCH_PINGS" "$DST" 2>&1 |
        "$PYTHON" "$PY/ping_stats.py")
    record "$tunnel" "$round" rtt_p50_ms "$(jq_py "$st" 'd["p50_ms"]')"
    record "$tunnel" "$round" rtt_p99_ms "$(jq_py "$st" 'd["p99_ms"]')"
    record "$tunnel" "$round" rtt_lost "$(jq_py "$st" 'd["sent"] - d["n"]')"
    log "$tunnel round $round: ping p50 $(jq_py "$st" 'd["p50_ms"]') ms, p99 $(jq_py "$st" 'd["p99_ms"]') ms ($(jq_py "$st" 'd["n"]')/$(jq_py "$st" 'd["sent"]'))"
}

_echo_listening() {
    grep -q listening "$WORK/echo-s.log"
}

# measure_echo TUNNEL ROUND
measure_echo() {
    local tunnel=$1 round=$2 st
    bench_spawn echo-s "$NS_B" $((BENCH_FIRST_PACKETS / 10 + 60)) \
        "$PYTHON" "$PY/udp_echo.py" server "$ECHO_PORT" $((BENCH_FIRST_PACKETS / 10 + 50))
    wait_for 5000 _echo_listening || { log "echo server did not start"; return 0; }
    st=$(in_a timeout $((BENCH_FIRST_PACKETS / 10 + 40)) \
        "$PYTHON" "$PY/udp_echo.py" client "$DST" "$ECHO_PORT" "$BENCH_FIRST_PACKETS") || true
    bg_stop echo-s
    [[ -n $st ]] || { log "$tunnel: UDP echo client failed"; return 0; }
    record "$tunnel" "$round" echo_first_p50_ms "$(jq_py "$st" 'round(d["first_p50_ms"], 4)')"
    record "$tunnel" "$round" echo_first_p99_ms "$(jq_py "$st" 'round(d["first_p99_ms"], 4)')"
    record "$tunnel" "$round" echo_steady_p50_ms "$(jq_py "$st" 'round(d["steady_p50_ms"], 4)')"
    record "$tunnel" "$round" echo_lost "$(jq_py "$st" 'd["lost"]')"
    log "$tunnel round $round: UDP echo first $(jq_py "$st" 'round(d["first_p50_ms"], 3)') ms, steady $(jq_py "$st" 'round(d["steady_p50_ms"], 3)') ms (p50), $(jq_py "$st" 'd["lost"]') lost"
}

# measure_all TUNNEL ROUND: the whole set, in a fixed order.
measure_all() {
    measure_tcp "$1" "$2" 1
    measure_tcp "$1" "$2" 4
    measure_udp64 "$1" "$2"
    measure_rtt "$1" "$2"
    measure_echo "$1" "$2"
}
