# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# The benchmark's common functions: logging, time, background processes, recording of results
# and the cleanup that runs on every exit. Sourced by bench/run.sh before the other libraries.
#
# Rules kept here (as in integration/lib/netns.sh):
#   - every process the bench starts is started through bench_spawn, which bounds its lifetime
#     with timeout(1) and records it; cleanup kills what is left, then every process left in
#     the bench's own namespaces, then deletes the namespaces;
#   - processes are only ever ended by their pid.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
PYTHON=/usr/bin/python3
PY="$BENCH_DIR/lib/py"
CLK_TCK=$(getconf CLK_TCK)

WORK=$(mktemp -d /tmp/ogw-bench-XXXXXX)
chmod 755 "$WORK"
RAW="$WORK/raw.jsonl"     # one JSON object per measured figure; report.py reads it
: >"$RAW"

declare -A BG_PID=()      # name -> pid of the timeout(1) wrapper
BENCH_START_S=$SECONDS

# --- output and time ---------------------------------------------------------------------------

now_ms() {
    local t=${EPOCHREALTIME/[.,]/}
    echo "${t:0:${#t}-3}"
}

log() {
    local s=$((SECONDS - BENCH_START_S))
    printf '[bench %02d:%02d] %s\n' $((s / 60)) $((s % 60)) "$*" >&2
}

die() {
    printf '[bench] ERROR: %s\n' "$*" >&2
    exit 1
}

# --- results -----------------------------------------------------------------------------------

# record TUNNEL ROUND METRIC VALUE [NOTE]: one measured figure (VALUE a number, or "null").
record() {
    local tunnel=$1 round=$2 metric=$3 value=$4 note=${5:-}
    [[ $value =~ ^-?[0-9]+([.][0-9]+)?([eE][-+]?[0-9]+)?$ ]] || value=null
    printf '{"tunnel": "%s", "round": %s, "metric": "%s", "value": %s, "note": "%s"}\n' \
        "$tunnel" "$round" "$metric" "$value" "${note//\"/\'}" >>"$RAW"
}

# unavailable TUNNEL REASON: the tunnel could not be measured; the report says why.
unavailable() {
    local reason=${2//\"/\'}
    reason=${reason//$'\n'/ }
    printf '{"tunnel": "%s", "unavailable": "%s"}\n' "$1" "$reason" >>"$RAW"
    log "$1: not available: $2"
}

# meta KEY JSON_VALUE: a fact about the run (load, versions, settings) for the report.
meta() {
    printf '{"meta": "%s", "value": %s}\n' "$1" "$2" >>"$RAW"
}

# json_str TEXT: TEXT as a JSON string.
json_str() {
    "$PYTHON" -c 'import json, sys; print(json.dumps(sys.argv[1]))' "$1"
}

# jq_py JSON EXPR: evaluates the Python expression EXPR on the parsed JSON d.
jq_py() {
    "$PYTHON" -c 'import json, sys; d = json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"
}

# --- background processes ----------------------------------------------------------------------

# bench_spawn NAME NS SECONDS CMD...: runs CMD in namespace NS (or "-" for none) in the
# background, for at most SECONDS, with its output in $WORK/NAME.log. The pid of CMD itself
# (not of the wrapper) is printed by bg_pid NAME once it has started.
bench_spawn() {
    local name=$1 ns=$2 secs=$3
    shift 3
    [[ -z ${BG_PID[$name]:-} ]] || bg_stop "$name"
    if [[ $ns == - ]]; then
        timeout --signal=TERM --kill-after=5 "$secs" "$@" </dev/null >"$WORK/$name.log" 2>&1 &
    else
        ip netns exec "$ns" timeout --signal=TERM --kill-after=5 "$secs" "$@" \
            </dev/null >"$WORK/$name.log" 2>&1 &
    fi
    BG_PID[$name]=$!
}

# bg_pid NAME: the pid of the command NAME runs (the child of its timeout wrapper); nothing
# when it is not running.
bg_pid() {
    local wrapper=${BG_PID[$1]:-} child i
    [[ -n $wrapper ]] || return 0
    for ((i = 0; i < 200; i++)); do
        child=$(pgrep -P "$wrapper" | head -n1) || true
        [[ -n $child ]] && { echo "$child"; return 0; }
        kill -0 "$wrapper" 2>/dev/null || return 0
        sleep 0.01
    done
}

# bg_alive NAME: true while NAME's wrapper runs.
bg_alive() {
    local p=${BG_PID[$1]:-}
    [[ -n $p ]] && kill -0 "$p" 2>/dev/null
}

# bg_wait NAME SECONDS: waits for NAME to end by itself; returns its exit status (124 when
# its own timeout ended it, 125 when it was still running after SECONDS and was stopped).
bg_wait() {
    local name=$1 secs=$2 p rc=0 deadline
    p=${BG_PID[$name]:-}
    [[ -n $p ]] || return 0
    deadline=$((SECONDS + secs))
    while kill -0 "$p" 2>/dev/null && ((SECONDS < deadline)); do
        sleep 0.05
    done
    if kill -0 "$p" 2>/dev/null; then
        bg_stop "$name"
        return 125
    fi
    { wait "$p"; } 2>/dev/null || rc=$?
    unset "BG_PID[$name]"
    return "$rc"
}

# bg_stop NAME [SIGNAL]: ends NAME (its command first, then the wrapper) and reaps it.
bg_stop() {
    local name=$1 sig=${2:-TERM} p child i err
    p=${BG_PID[$name]:-}
    [[ -n $p ]] || return 0
    # Bash reports every job ended by a signal ("Killed ..."): noise, not news.
    exec {err}>&2 2>/dev/null
    child=$(pgrep -P "$p" 2>/dev/null | head -n1) || true
    [[ -n $child ]] && kill "-$sig" "$child" 2>/dev/null || true
    kill -TERM "$p" 2>/dev/null || true
    for ((i = 0; i < 300; i++)); do
        kill -0 "$p" 2>/dev/null || break
        sleep 0.01
    done
    if kill -0 "$p" 2>/dev/null; then
        child=$(pgrep -P "$p" 2>/dev/null | head -n1) || true
        [[ -n $child ]] && kill -9 "$child" 2>/dev/null || true
        kill -9 "$p" 2>/dev/null || true
    fi
    { wait "$p"; } 2>/dev/null || true
    exec 2>&"$err" {err}>&-
    unset "BG_PID[$name]"
}

# quiet_begin / quiet_end: the shell's own stderr goes nowhere in between, for the stretches
# in which a process the bench started dies by a signal on purpose (bash reports "Killed").
quiet_begin() {
    exec {QUIET_ERR}>&2 2>/dev/null
}
quiet_end() {
    exec 2>&"$QUIET_ERR" {QUIET_ERR}>&-
}

# wait_for MS CMD...: polls CMD every 20 ms until it succeeds; false after MS milliseconds.
wait_for() {
    local deadline=$(($(now_ms) + $1))
    shift
    until "$@" >/dev/null 2>&1; do
        (($(now_ms) < deadline)) || return 1
        sleep 0.02
    done
}

# --- CPU and memory of processes ---------------------------------------------------------------

# cpu_ticks PID...: utime + stime (all threads, clock ticks) summed over the PIDs, from
# /proc/PID/stat fields 14 and 15.
cpu_ticks() {
    local sum=0 p stat
    for p in "$@"; do
        stat=$(cat "/proc/$p/stat" 2>/dev/null) || continue
        stat=${stat##*) }
        # shellcheck disable=SC2086
        set -- $stat
        sum=$((sum + ${12} + ${13}))
    done
    echo "$sum"
}

# rss_kib PID: VmRSS of PID in KiB.
rss_kib() {
    awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0
}

# --- cleanup -----------------------------------------------------------------------------------

CLEANUP_HOOKS=()

bench_cleanup() {
    local rc=$? name hook
    trap - EXIT INT TERM
    set +e
    for name in "${!BG_PID[@]}"; do
        bg_stop "$name" KILL
    done
    for hook in "${CLEANUP_HOOKS[@]}"; do
        "$hook"
    done
    if [[ ${BENCH_KEEP_TMP:-0} == 1 ]]; then
        log "kept $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap bench_cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM
