#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# bench/run.sh: ogw side by side with the userspace tunnels people know (issue 10, part 1).
# Run as root from anywhere: bench/run.sh. See bench/README.md for what it measures and how to
# read the report. It
#   1. installs what it needs from Debian (bench/install-deps.sh: only what is missing);
#   2. builds ogwd and ogw in Release into build-bench;
#   3. for each round, for each tunnel (the order rotates from round to round): builds a fresh
#      two-namespace veth rig (lib/rig.sh), brings the tunnel up (tunnels/*.sh), measures
#      (lib/measure.sh; for ogw also lib/ogw_extra.sh), tears everything down;
#   4. measures ogw's memory per session, dead-peer detection (and with BENCH_FULL=1 a long
#      loaded run without false detection) on fresh rigs;
#   5. writes bench/results/DATE-HOST.{md,json} and prints the ratios against wireguard-go.
# Reporting only: a target not met does not make it fail; it exits non-zero only when the
# bench itself cannot run.
#
# Environment (defaults in brackets):
#   BENCH_ROUNDS [3]            rounds per tunnel (medians and min-max over them)
#   BENCH_SECONDS [5]           duration of each iperf3 test
#   BENCH_PINGS [500]           pings per round (10 ms apart)
#   BENCH_FIRST_PACKETS [100]   fresh-port UDP request/replies per round
#   BENCH_NEW_SESSIONS [30000]  sessions per new-session-rate test
#   BENCH_RSS_SESSIONS [100000] sessions held open for the RSS figure
#   BENCH_DEADPEER_ROUNDS [3]   dead-peer detection rounds
#   BENCH_FULL [0]              1: also the 60 s loaded run without false detection
#   BENCH_LOADED_SECONDS [60]   its duration
#   BENCH_TUNNELS               subset of: veth ogw ogw-encrypted ogw-mq ogw-encrypted-mq
#                               wireguard-go openvpn-aes256gcm openvpn-none trivial (default:
#                               all; the -mq ones run ogw with [gateway] queues = auto)
#   BENCH_SKIP_INSTALL, BENCH_SKIP_BUILD [0]   1: skip step 1 or 2
#   BENCH_RESULTS [bench/results]  where the report goes
#   BENCH_KEEP_TMP [0]          1: keep the work directory (logs, raw figures)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
source "$HERE/lib/common.sh"
# shellcheck source=lib/rig.sh
source "$HERE/lib/rig.sh"
# shellcheck source=lib/measure.sh
source "$HERE/lib/measure.sh"
# shellcheck source=lib/ogw_extra.sh
source "$HERE/lib/ogw_extra.sh"
for f in "$HERE"/tunnels/*.sh; do
    # shellcheck disable=SC1090
    source "$f"
done

BENCH_ROUNDS=${BENCH_ROUNDS:-3}
BENCH_DEADPEER_ROUNDS=${BENCH_DEADPEER_ROUNDS:-3}
BENCH_FULL=${BENCH_FULL:-0}
BENCH_TUNNELS=${BENCH_TUNNELS:-veth ogw ogw-encrypted ogw-mq ogw-encrypted-mq wireguard-go openvpn-aes256gcm openvpn-none trivial}
BENCH_RESULTS=${BENCH_RESULTS:-$BENCH_DIR/results}
DAEMON_MAX_S=${DAEMON_MAX_S:-900}   # no tunnel process outlives this, whatever happens

[[ $(id -u) -eq 0 ]] || die "run as root (network namespaces, TUN devices, apt-get)"

# --- 1. packages, 2. build -----------------------------------------------------------------------

if [[ ${BENCH_SKIP_INSTALL:-0} != 1 ]]; then
    "$BENCH_DIR/install-deps.sh" || die "installing the Debian packages failed"
fi
ip netns list >/dev/null 2>&1 || die "'ip netns' does not work here"
[[ -c /dev/net/tun ]] || die "no /dev/net/tun"

if [[ ${BENCH_SKIP_BUILD:-0} != 1 ]]; then
    log "building ogwd and ogw (Release) in build-bench"
    # OGW_WERROR=OFF: g++ 12 at -O3 reports a false -Wrestrict inside std::string (GCC bug
    # 105329) in flowlib; the bench measures the code, the warning gate is the CI's job.
    cmake -S "$REPO_DIR" -B "$REPO_DIR/build-bench" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DOGW_TESTS=OFF -DOGW_WERROR=OFF >"$WORK/cmake.log" 2>&1 ||
        { tail -n 30 "$WORK/cmake.log" >&2; die "cmake failed"; }
    cmake --build "$REPO_DIR/build-bench" --target ogwd ogw >>"$WORK/cmake.log" 2>&1 ||
        { grep -A5 -m3 'error' "$WORK/cmake.log" >&2; die "building ogw failed"; }
fi

# --- facts about the run -----------------------------------------------------------------------

loadavg_json() {
    awk '{printf "[%s, %s, %s]", $1, $2, $3}' /proc/loadavg
}
RUN_DATE=$(date +%Y-%m-%d)
RUN_HOST=$(hostname -s 2>/dev/null || hostname)
meta date "$(json_str "$(date -u +%Y-%m-%dT%H:%M:%SZ)")"
meta host "$(json_str "$RUN_HOST")"
meta kernel "$(json_str "$(uname -r)")"
meta cpu "$(json_str "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)")"
meta cores "$(nproc)"
meta memory_gib "$(awk '/MemTotal/ {printf "%.1f", $2 / 1048576}' /proc/meminfo)"
meta git "$(json_str "$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)$( [[ -n $(git -C "$REPO_DIR" status --porcelain 2>/dev/null) ]] && echo ' (working tree with local changes)')")"
meta load_start "$(loadavg_json)"
meta uptime_start "$(json_str "$(uptime)")"
meta settings "$(printf '{"rounds": %s, "seconds": %s, "pings": %s, "first_packets": %s, "new_sessions": %s, "rss_sessions": %s, "deadpeer_rounds": %s, "full": %s, "loaded_seconds": %s}' \
    "$BENCH_ROUNDS" "$BENCH_SECONDS" "$BENCH_PINGS" "$BENCH_FIRST_PACKETS" "$BENCH_NEW_SESSIONS" \
    "$BENCH_RSS_SESSIONS" "$BENCH_DEADPEER_ROUNDS" "$BENCH_FULL" "$BENCH_LOADED_SECONDS")"
log "load at start: $(uptime)"

# --- 3. the rounds -----------------------------------------------------------------------------

declare -A DEAD=()   # tunnel -> reason it could not be measured (not tried again)
declare -A DESC=()

# tunnel_up NAME / tunnel_down NAME: the tunnels/*.sh function behind each report name.
tunnel_up() {
    TUN_ERROR="" TUN_PIDS=() TUN_DESC=""
    case $1 in
        veth) tunnel_veth_up ;;
        ogw) tunnel_ogw_up ;;
        wireguard-go) tunnel_wireguard_up ;;
        openvpn-aes256gcm) tunnel_openvpn_up gcm ;;
        openvpn-none) tunnel_openvpn_up none ;;
        trivial) tunnel_trivial_up ;;
        ogw-encrypted) tunnel_ogw_encrypted_up ;;
        ogw-mq) tunnel_ogw_up "queues = auto" ;;
        ogw-encrypted-mq) tunnel_ogw_encrypted_up "queues = auto" ;;
        *) TUN_ERROR="unknown tunnel '$1'"; return 1 ;;
    esac
}
tunnel_down() {
    case $1 in
        veth) tunnel_veth_down ;;
        ogw*) tunnel_ogw_down ;;
        wireguard-go) tunnel_wireguard_down ;;
        openvpn-*) tunnel_openvpn_down ;;
        trivial) tunnel_trivial_down ;;
    esac
}

# run_tunnel NAME ROUND: one round of one tunnel on a fresh rig.
run_tunnel() {
    local name=$1 round=$2
    [[ -z ${DEAD[$name]:-} ]] || return 0
    log "--- $name, round $round (load $(cut -d' ' -f1-3 /proc/loadavg))"
    rig_up
    if ! tunnel_up "$name"; then
        DEAD[$name]=$TUN_ERROR
        unavailable "$name" "$TUN_ERROR"
        tunnel_down "$name"
        rig_down
        return 0
    fi
    if ! rig_wait_path "$DST" 20; then
        DEAD[$name]="no ping through the tunnel within 20 s of starting it"
        unavailable "$name" "${DEAD[$name]}"
        tunnel_down "$name"
        rig_down
        return 0
    fi
    DESC[$name]=$TUN_DESC
    # Called in an || list, so set -e does not apply inside: a failing step loses its own
    # figures (the report shows "–"), not the run.
    measure_all "$name" "$round" || true
    if [[ $name == ogw ]]; then
        ogw_new_sessions "$round" || true
    fi
    tunnel_down "$name"
    rig_down
}

read -r -a TUNNELS <<<"$BENCH_TUNNELS"
for ((round = 1; round <= BENCH_ROUNDS; round++)); do
    n=${#TUNNELS[@]}
    for ((i = 0; i < n; i++)); do
        run_tunnel "${TUNNELS[(i + round - 1) % n]}" "$round"
    done
done
for name in "${!DESC[@]}"; do
    meta "desc.$name" "$(json_str "${DESC[$name]}")"
done

# --- 4. ogw's own figures ----------------------------------------------------------------------

if [[ " $BENCH_TUNNELS " == *" ogw "* && -z ${DEAD[ogw]:-} ]]; then
    log "--- ogw: RSS at $BENCH_RSS_SESSIONS sessions"
    ogw_rss || true
    for ((round = 1; round <= BENCH_DEADPEER_ROUNDS; round++)); do
        log "--- ogw: dead-peer detection, round $round"
        ogw_deadpeer "$round" || true
    done
    if [[ $BENCH_FULL == 1 ]]; then
        log "--- ogw: $BENCH_LOADED_SECONDS s loaded run, peer-timeout 200 ms"
        ogw_loaded_run || true
    fi
fi

# --- 5. the report -----------------------------------------------------------------------------

meta load_end "$(loadavg_json)"
meta uptime_end "$(json_str "$(uptime)")"
meta duration_s "$((SECONDS - BENCH_START_S))"
log "load at end: $(uptime)"
mkdir -p "$BENCH_RESULTS"
"$PYTHON" "$PY/report.py" "$RAW" "$BENCH_RESULTS/$RUN_DATE-$RUN_HOST"
