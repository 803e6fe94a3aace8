# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# The figures only ogw gets (issue 10), each recorded under tunnel "ogw":
#
#   new_sessions_per_s    lib/py/sessgen.py sends BENCH_NEW_SESSIONS UDP datagrams from A, each
#                         with its own port pair (a new session each), closed-loop: at most
#                         SESSGEN_WINDOW of them not yet opened on both gateways, so as fast as
#                         the gateways open them and without loss; lib/py/ogwpoll.py samples sessions_opened on both gateways every
#                         20 ms. Per side: sessions opened / time from the last sample before the
#                         count grew to the first sample at its final value. The figure is the
#                         smaller of the two sides (a session counts once both ends have it);
#                         _a, _b and the generator's own rate are kept too.
#   rss_per_session_b_a/_b  VmRSS (/proc/PID/status) of each ogwd before and after opening
#                         BENCH_RSS_SESSIONS sessions (in batches of 10,000; max-sessions =
#                         200000, idle-timeout = 1h), divided by the sessions then active.
#   deadpeer_all_ms       peer-timeout = 200ms, iperf3 TCP running A -> B at full speed: kill -9
#                         of B's ogwd; the time until every session A had (the loaded iperf3 data
#                         session, its idle control session, the ping session of the path check)
#                         has been torn down as peer_timeout, sampled every 5 ms over the
#                         control socket (ogwpoll.py deadpeer). deadpeer_first_ms: until the
#                         first one. An idle session's flow last heard from B at B's last
#                         keepalive (every T/4), up to 50 ms before the kill, so it times out
#                         up to 50 ms before T after the kill; the loaded one heard from B until
#                         the kill, so deadpeer_all_ms is the detection time of the loaded flow.
#   loaded_false_detections  (BENCH_FULL=1) peer-timeout = 200ms, iperf3 TCP 4 streams for
#                         BENCH_LOADED_SECONDS: peer_timeout + link_down teardowns on both sides
#                         (must be 0); loaded_first_false_s: when the first came;
#                         loaded_ran_s: how long iperf3 ran (a false detection resets it).

BENCH_NEW_SESSIONS=${BENCH_NEW_SESSIONS:-30000}
BENCH_RSS_SESSIONS=${BENCH_RSS_SESSIONS:-100000}
BENCH_LOADED_SECONDS=${BENCH_LOADED_SECONDS:-60}
# At most this many sessions sent but not yet opened on both gateways (sessgen.py): below the
# TUN queue (500), so that the device never drops a session's first packet.
SESSGEN_WINDOW=${SESSGEN_WINDOW:-400}

_ogw_stats() {
    "$PYTHON" "$PY/ogwpoll.py" stats "$(ogw_sock "$1")"
}

_tun_tx_dropped() {
    in_a cat /sys/class/net/ogw0/statistics/tx_dropped
}

# ogw_new_sessions ROUND: on the running ogw pair (from tunnel_ogw_up).
ogw_new_sessions() {
    local round=$1 gen out drop0 rate_a rate_b
    drop0=$(_tun_tx_dropped)
    bench_spawn poll-opened - 90 "$PYTHON" "$PY/ogwpoll.py" opened \
        "$(ogw_sock a)" "$(ogw_sock b)" 20 1500 80
    sleep 0.3
    gen=$(in_a timeout 70 "$PYTHON" "$PY/sessgen.py" "$DST" 0 "$BENCH_NEW_SESSIONS" 60 \
        "$SESSGEN_WINDOW" "$(ogw_sock a)" "$(ogw_sock b)") || true
    bg_wait poll-opened 85 || true
    out=$(tail -n 1 "$WORK/poll-opened.log")
    if [[ -z $gen || $out != "{"* ]]; then
        log "ogw: new-session test failed: ${gen:-no generator output} / $(tail -n 3 "$WORK/poll-opened.log")"
        record ogw "$round" new_sessions_per_s null "test failed"
        return 0
    fi
    rate_a=$(jq_py "$out" 'round(d["a"]["rate"] or 0)')
    rate_b=$(jq_py "$out" 'round(d["b"]["rate"] or 0)')
    record ogw "$round" new_sessions_per_s $((rate_a < rate_b ? rate_a : rate_b))
    record ogw "$round" new_sessions_per_s_a "$rate_a"
    record ogw "$round" new_sessions_per_s_b "$rate_b"
    record ogw "$round" new_sessions_opened_a "$(jq_py "$out" 'd["a"]["opened"]')"
    record ogw "$round" new_sessions_opened_b "$(jq_py "$out" 'd["b"]["opened"]')"
    record ogw "$round" new_sessions_generator_per_s "$(jq_py "$gen" 'round(d["rate"])')"
    # 0 waits: the generator never had to wait for the gateways, so it was the bottleneck.
    record ogw "$round" new_sessions_generator_waits "$(jq_py "$gen" 'd["waits"]')"
    record ogw "$round" new_sessions_tun_dropped "$(($(_tun_tx_dropped) - drop0))"
    log "ogw round $round: new sessions: A $rate_a/s, B $rate_b/s ($(jq_py "$out" 'd["a"]["opened"]') and $(jq_py "$out" 'd["b"]["opened"]') of $BENCH_NEW_SESSIONS opened; generator $(jq_py "$gen" 'round(d["rate"])')/s)"
}

_ogw_active() {
    jq_py "$(_ogw_stats "$1")" 'd["sessions_active"]'
}

# ogw_rss: a fresh rig and ogw pair; BENCH_RSS_SESSIONS sessions; RSS per session on each side.
ogw_rss() {
    local rss_a0 rss_b0 rss_a1 rss_b1 act_a act_b idx=0 batch prev deadline
    rig_up
    tunnel_ogw_up || { log "ogw RSS: $TUN_ERROR"; rig_down; return 0; }
    rig_wait_path "$DST" 10 || { log "ogw RSS: no path"; tunnel_ogw_down; rig_down; return 0; }
    sleep 1
    rss_a0=$(rss_kib "${TUN_PIDS[0]}") rss_b0=$(rss_kib "${TUN_PIDS[1]}")
    deadline=$((SECONDS + 180))
    act_a=$(_ogw_active a)
    while ((act_a < BENCH_RSS_SESSIONS && SECONDS < deadline)); do
        batch=$((BENCH_RSS_SESSIONS - act_a < 10000 ? BENCH_RSS_SESSIONS - act_a : 10000))
        in_a timeout 60 "$PYTHON" "$PY/sessgen.py" "$DST" "$idx" "$batch" 50 \
            "$SESSGEN_WINDOW" "$(ogw_sock a)" "$(ogw_sock b)" >/dev/null || true
        idx=$((idx + batch))
        # Let the batch settle: the count no longer grows for 300 ms.
        prev=-1
        while ((act_a != prev && SECONDS < deadline)); do
            prev=$act_a
            sleep 0.3
            act_a=$(_ogw_active a)
        done
    done
    sleep 2
    act_a=$(_ogw_active a) act_b=$(_ogw_active b)
    rss_a1=$(rss_kib "${TUN_PIDS[0]}") rss_b1=$(rss_kib "${TUN_PIDS[1]}")
    record ogw 1 rss_sessions_a "$act_a"
    record ogw 1 rss_sessions_b "$act_b"
    record ogw 1 rss_before_kib_a "$rss_a0"
    record ogw 1 rss_after_kib_a "$rss_a1"
    record ogw 1 rss_before_kib_b "$rss_b0"
    record ogw 1 rss_after_kib_b "$rss_b1"
    record ogw 1 rss_per_session_b_a "$(((rss_a1 - rss_a0) * 1024 / (act_a > 0 ? act_a : 1)))"
    record ogw 1 rss_per_session_b_b "$(((rss_b1 - rss_b0) * 1024 / (act_b > 0 ? act_b : 1)))"
    log "ogw RSS: A $rss_a0 -> $rss_a1 KiB for $act_a sessions ($(((rss_a1 - rss_a0) * 1024 / (act_a > 0 ? act_a : 1))) B each), B $rss_b0 -> $rss_b1 KiB for $act_b sessions ($(((rss_b1 - rss_b0) * 1024 / (act_b > 0 ? act_b : 1))) B each); $idx datagrams sent"
    tunnel_ogw_down
    rig_down
}

_deadpeer_ready() {
    grep -q ready "$WORK/poll-dead.log"
}

# ogw_deadpeer ROUND: a fresh rig and ogw pair with peer-timeout = 200ms under iperf3 load.
ogw_deadpeer() {
    local round=$1 t_kill out loaded=1 first all
    rig_up
    tunnel_ogw_up "peer-timeout = 200ms" || { log "ogw dead peer: $TUN_ERROR"; rig_down; return 0; }
    rig_wait_path "$DST" 10 || { log "ogw dead peer: no path"; tunnel_ogw_down; rig_down; return 0; }
    bench_spawn iperf-s "$NS_B" 60 iperf3 -s -1 -p "$IPERF_PORT"
    wait_for 5000 _iperf_listening || log "iperf3 server did not start"
    bench_spawn iperf-c "$NS_A" 40 iperf3 -c "$DST" -p "$IPERF_PORT" -t 30 -i 0.5 --forceflush
    sleep 2
    bench_spawn poll-dead - 20 "$PYTHON" "$PY/ogwpoll.py" deadpeer "$(ogw_sock a)" 5 10
    wait_for 5000 _deadpeer_ready || log "dead-peer poller not ready"
    bg_alive iperf-c || loaded=0
    quiet_begin
    t_kill=$(now_ms)
    kill -9 "${TUN_PIDS[1]}" || true
    bg_wait poll-dead 15 || true
    bg_wait ogwd-b 5 || true
    quiet_end
    out=$(tail -n 1 "$WORK/poll-dead.log")
    cp "$WORK/iperf-c.log" "$WORK/deadpeer-iperf-$round.log" 2>/dev/null || true
    bg_stop iperf-c
    bg_stop iperf-s
    if [[ $out == "{"* ]]; then
        first=$(jq_py "$out" "None if d['first_ms'] is None else round(d['first_ms'] - $t_kill, 1)")
        all=$(jq_py "$out" "None if d['all_ms'] is None else round(d['all_ms'] - $t_kill, 1)")
        record ogw "$round" deadpeer_all_ms "$all"
        record ogw "$round" deadpeer_first_ms "$first"
        record ogw "$round" deadpeer_sessions "$(jq_py "$out" 'd["sessions_before"]')"
        record ogw "$round" deadpeer_timed_out "$(jq_py "$out" 'd["peer_timeout"]')"
        record ogw "$round" deadpeer_loaded "$loaded"
        log "ogw round $round: dead peer: every session timed out $all ms after the kill (the first after $first ms; $(jq_py "$out" 'd["peer_timeout"]') of $(jq_py "$out" 'd["sessions_before"]')); peer-timeout 200 ms, load running: $loaded"
    else
        record ogw "$round" deadpeer_all_ms null "poller failed"
        log "ogw dead peer: poller failed: $(tail -n 3 "$WORK/poll-dead.log")"
    fi
    tunnel_ogw_down
    rig_down
}

_watch_ready() {
    grep -q ready "$WORK/watch.log"
}

# _udp_rcvbuf_errors NS: UDP datagrams the kernel dropped in NS because a socket's receive
# buffer was full (/proc/net/snmp Udp: RcvbufErrors); in the loaded run only ogwd has a UDP
# socket there, so these are underlay datagrams (data and keepalives) ogwd never saw.
_udp_rcvbuf_errors() {
    ip netns exec "$1" awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) col[$i] = i; h = 1 }
        else print $col["RcvbufErrors"] }' /proc/net/snmp
}

# ogw_loaded_run: BENCH_LOADED_SECONDS of 4-stream TCP with peer-timeout = 200ms: no false
# detection allowed. A watcher samples both gateways' peer_timeout + link_down teardowns every
# 50 ms, to tell when and where a false detection happened; iperf3's own intervals tell how long
# the load ran (a false detection resets its connections).
ogw_loaded_run() {
    local secs=$BENCH_LOADED_SECONDS t0 sum w ran rb_a rb_b
    rig_up
    tunnel_ogw_up "peer-timeout = 200ms" || { log "ogw loaded run: $TUN_ERROR"; rig_down; return 0; }
    rig_wait_path "$DST" 10 || { log "ogw loaded run: no path"; tunnel_ogw_down; rig_down; return 0; }
    bench_spawn iperf-s "$NS_B" $((secs + 40)) iperf3 -s -1 -p "$IPERF_PORT"
    wait_for 5000 _iperf_listening || log "iperf3 server did not start"
    bench_spawn watch - $((secs + 60)) "$PYTHON" "$PY/ogwpoll.py" watch \
        "$(ogw_sock a)" "$(ogw_sock b)" 50 $((secs + 50))
    wait_for 5000 _watch_ready || log "false-detection watcher not ready"
    rb_a=$(_udp_rcvbuf_errors "$NS_A") rb_b=$(_udp_rcvbuf_errors "$NS_B")
    t0=$(now_ms)
    in_a timeout $((secs + 30)) iperf3 -c "$DST" -p "$IPERF_PORT" -t "$secs" -P 4 -J \
        >"$WORK/loaded.json" 2>&1 || true
    record ogw 1 loaded_udp_rcvbuf_drops_a $(($(_udp_rcvbuf_errors "$NS_A") - rb_a))
    record ogw 1 loaded_udp_rcvbuf_drops_b $(($(_udp_rcvbuf_errors "$NS_B") - rb_b))
    bg_wait iperf-s 10 || true
    sleep 0.5
    kill -TERM "$(bg_pid watch)" 2>/dev/null || true
    bg_wait watch 10 || true
    w=$(tail -n 1 "$WORK/watch.log")
    sum=$("$PYTHON" "$PY/iperf_summary.py" "$WORK/loaded.json")
    ran=$("$PYTHON" -c '
import json, sys
try:
    d = json.load(open(sys.argv[1]))
    iv = d.get("intervals", [])
    print(round(iv[-1]["sum"]["end"], 1) if iv else 0)
except Exception:
    print(0)' "$WORK/loaded.json")
    record ogw 1 loaded_seconds "$secs"
    record ogw 1 loaded_ran_s "$ran"
    record ogw 1 loaded_iperf_ok "$(jq_py "$sum" '1 if d["ok"] else 0')"
    record ogw 1 loaded_tcp4_gbps "$(jq_py "$sum" 'round(d.get("bps", 0) / 1e9, 4)')"
    if [[ $w == "{"* ]]; then
        record ogw 1 loaded_false_detections "$(jq_py "$w" 'd["sides"]["a"]["count"] + d["sides"]["b"]["count"]')"
        record ogw 1 loaded_false_a "$(jq_py "$w" 'd["sides"]["a"]["count"]')"
        record ogw 1 loaded_false_b "$(jq_py "$w" 'd["sides"]["b"]["count"]')"
        record ogw 1 loaded_first_false_s \
            "$(jq_py "$w" "min([round((s['first_ms'] - $t0) / 1000, 2) for s in d['sides'].values() if s['first_ms']] or [None])")"
        log "ogw loaded run: iperf3 TCP x4 ran $ran of $secs s ($(jq_py "$sum" 'd.get("error") or "completed"')); false detections: A $(jq_py "$w" 'd["sides"]["a"]["count"]'), B $(jq_py "$w" 'd["sides"]["b"]["count"]'), the first after $(jq_py "$w" "min([round((s['first_ms'] - $t0) / 1000, 1) for s in d['sides'].values() if s['first_ms']] or [None])") s (peer-timeout 200 ms)"
    else
        record ogw 1 loaded_false_detections null "watcher failed"
        log "ogw loaded run: watcher failed: $(tail -n 3 "$WORK/watch.log")"
    fi
    tunnel_ogw_down
    rig_down
}
