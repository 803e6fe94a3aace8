# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# The integration test library: sourced by every integration/tests/*.sh.
#
# After the WireGuard tests/netns.sh idea (our own code): each test builds its own network
# namespaces joined by veth pairs, runs real ogwd processes and real programs inside them, and
# tears everything down on exit, also when it fails halfway, is interrupted or is stopped by
# ctest's timeout. The functions are listed in integration/README.md.
#
# Rules kept here:
#   - Names are unique per run: namespaces are ogwt-<test>-<pid>-<short name>; interfaces are
#     created directly inside the test's namespaces, so they never clash between tests.
#   - Every process a test starts is recorded and killed on exit, and so is every process left
#     in the test's namespaces (ip netns pids).
#   - Every client command is bounded by timeout(1); every background program too.
#   - Timestamps are milliseconds since the epoch (now_ms), so the lines of different programs
#     can be compared.

set -euo pipefail

# --- context -----------------------------------------------------------------------------------

TEST_NAME=$(basename "${0%.sh}")
OGW_SOURCE_DIR=${OGW_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
OGW_BUILD_DIR=${OGW_BUILD_DIR:-$OGW_SOURCE_DIR/build}
OGWD=${OGWD:-$OGW_BUILD_DIR/gateway/ogwd}
OGW=${OGW:-$OGW_BUILD_DIR/cli/ogw}
OECHO=${OECHO:-$OGW_BUILD_DIR/tools/oecho}
OPING=${OPING:-$OGW_BUILD_DIR/tools/oping}
OPERF=${OPERF:-$OGW_BUILD_DIR/tools/operf}
FLOWHOLD=${FLOWHOLD:-$OGW_BUILD_DIR/integration/flowhold}
# ogwd log level for the daemons a test starts (debug helps when reading a failed test's logs).
OGWD_LOG_LEVEL=${OGWD_LOG_LEVEL:-debug}
# Seconds given to every CLI call; every other client call names its own bound.
CLI_TIMEOUT=${CLI_TIMEOUT:-5}
# Debian's python3 (a python3 found first in PATH may be a slow wrapper, e.g. a pyenv shim).
PYTHON=${PYTHON:-$(if [[ -x /usr/bin/python3 ]]; then echo /usr/bin/python3; else echo python3; fi)}
# stdbuf preloads a library, which sanitizer builds would otherwise refuse.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0

NS_PREFIX="ogwt-${TEST_NAME//[^a-zA-Z0-9_]/_}-$$"
TEST_DIR=$(mktemp -d "/tmp/ogwt-${TEST_NAME//[^a-zA-Z0-9_]/_}-XXXXXX")
chmod 755 "$TEST_DIR"

declare -a NAMESPACES=()    # full names, in creation order
declare -A OGWD_PID=()      # short ns -> pid of its ogwd
declare -A OGWD_CONF=()     # short ns -> config file of its ogwd
declare -A OGWD_SOCK=()     # short ns -> control socket
declare -A BG_PID=()        # bg name -> pid of the timeout(1) wrapper
declare -A BG_RC=()         # bg name -> exit status, once reaped by kill_bg
declare -a ALL_PIDS=()      # every pid started, for cleanup
WATCHDOG_PID=

# --- output and time ---------------------------------------------------------------------------

# The test's stderr, for messages from places whose stderr is redirected. Programs the test
# starts in the background do not inherit it (ctest waits until every holder has closed it).
exec {OGWT_ERR}>&2

# now_ms: milliseconds since the epoch (as date +%s%3N, without forking).
now_ms() {
    local t=${EPOCHREALTIME/[.,]/}
    echo "${t:0:${#t}-3}"
}
TEST_START_MS=$(now_ms)

# log MSG...: a progress line on stderr, with the time since the test started.
log() {
    printf '[%s +%dms] %s\n' "$TEST_NAME" "$(($(now_ms) - TEST_START_MS))" "$*" >&"$OGWT_ERR"
}

# fail MSG...: the test failed; exits 1 (the EXIT trap cleans up and prints the logs).
fail() {
    printf '[%s] FAIL: %s\n' "$TEST_NAME" "$*" >&"$OGWT_ERR"
    exit 1
}

# skip MSG...: the test cannot run here; exits 77 (ctest SKIP_RETURN_CODE).
skip() {
    printf '[%s] SKIP: %s\n' "$TEST_NAME" "$*" >&"$OGWT_ERR"
    exit 77
}

# ok MSG...: an assertion held.
ok() {
    log "ok: $*"
}

# pass: the last line of a passing test.
pass() {
    log "PASS"
}

# --- requirements ------------------------------------------------------------------------------

# The Debian package that provides a command, for the message of require_cmd.
_package_of() {
    case $1 in
        ip|ss|bridge|tc) echo iproute2 ;;
        ping) echo iputils-ping ;;
        python3|*/python3) echo python3 ;;
        jsonschema) echo python3-jsonschema ;;
        timeout|stdbuf|mktemp|date) echo coreutils ;;
        iperf3) echo iperf3 ;;
        socat) echo socat ;;
        nc) echo netcat-openbsd ;;
        curl) echo curl ;;
        tcpdump) echo tcpdump ;;
        pgrep|pkill|ps|sysctl) echo procps ;;
        *) echo "$1" ;;
    esac
}

# require_cmd CMD...: skip (77) naming the Debian package when a command is missing.
require_cmd() {
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 ||
            skip "'$c' not found: apt-get install $(_package_of "$c")"
    done
}

# require_root: skip (77) unless root with a working 'ip netns'.
require_root() {
    [[ $(id -u) -eq 0 ]] || skip "needs root (network namespaces)"
    require_cmd ip timeout stdbuf pgrep "$PYTHON"
    ip netns list >/dev/null 2>&1 || skip "'ip netns' does not work here"
    local probe="${NS_PREFIX}-probe"
    ip netns add "$probe" >/dev/null 2>&1 || skip "cannot create a network namespace"
    ip netns del "$probe" >/dev/null 2>&1 || true
    _start_watchdog
}

# require_bin PATH...: fail (not skip) when a program of the build is missing: a test must not
# pass silently because a target was not built.
require_bin() {
    local b
    for b in "$@"; do
        [[ -x $b ]] || fail "$b not built (build dir OGW_BUILD_DIR=$OGW_BUILD_DIR)"
    done
}

# --- cleanup -----------------------------------------------------------------------------------

# True while PID runs (a zombie does not count).
pid_alive() {
    local stat
    [[ -n ${1:-} ]] || return 1
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [[ -n $stat && ${stat:0:1} != Z && ${stat:0:1} != X ]]
}

# The namespaces of this run (also those not recorded, e.g. after a failure while creating).
_our_namespaces() {
    ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^${NS_PREFIX}-" || true
}

# Kills every process in a namespace and deletes it.
_destroy_ns() {
    local ns=$1 pids
    pids=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ') || true
    if [[ -n ${pids// /} ]]; then
        # shellcheck disable=SC2086
        kill -9 $pids 2>/dev/null || true
    fi
    ip netns del "$ns" 2>/dev/null || true
}

# Namespaces left behind by runs whose shell is gone (a SIGKILL skips every trap).
_sweep_stale() {
    local ns owner
    while read -r ns; do
        [[ $ns =~ ^ogwt-.+-([0-9]+)-[a-z0-9]+$ ]] || continue
        owner=${BASH_REMATCH[1]}
        if ! kill -0 "$owner" 2>/dev/null; then
            _destroy_ns "$ns"
        fi
    done < <(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^ogwt-' || true)
}

# _descendants PID [EXCEPT]: the pids of PID's descendants, leaving out EXCEPT and its own.
_descendants() {
    local child
    for child in $(pgrep -P "$1" || true); do
        [[ $child == "${2:-}" ]] && continue
        echo "$child"
        _descendants "$child" "${2:-}"
    done
}

# The watchdog: a detached process that
#   - sends TERM to the test shell a little before ctest's TIMEOUT (OGW_TEST_TIMEOUT, seconds),
#     because ctest then sends SIGKILL, which no trap sees; the TERM runs the normal cleanup;
#   - when the test shell is gone (even SIGKILLed), deletes what is left of its namespaces.
# Its output goes nowhere: ctest waits for every holder of the test's stdout to close it.
_start_watchdog() {
    [[ -z $WATCHDOG_PID ]] || return 0
    local main=$$ limit=${OGW_TEST_TIMEOUT:-0} prefix=$NS_PREFIX dir=$TEST_DIR
    (
        exec </dev/null >/dev/null 2>&1 {OGWT_ERR}>&-
        trap '' INT TERM HUP
        term_at=0
        if ((limit > 0)); then
            margin=$((limit / 10 < 5 ? 5 : limit / 10))
            term_at=$(($(now_ms) + (limit - margin) * 1000))
        fi
        termed=0
        while kill -0 "$main" 2>/dev/null; do
            if ((term_at > 0 && termed == 0 && $(now_ms) >= term_at)); then
                echo "watchdog: TERM after $((limit - margin)) s" >"$dir/watchdog.log"
                kill -TERM "$main" 2>/dev/null || true
                # The shell runs its trap only when its foreground command ends: end them all.
                _descendants "$main" "$BASHPID" | xargs -r kill -TERM 2>/dev/null || true
                termed=1
            fi
            sleep 0.5
        done
        ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^${prefix}-" |
            while read -r ns; do _destroy_ns "$ns"; done
        # The shell removes its temporary directory itself; only clean up after a SIGKILL.
        if [[ -d $dir && ! -e $dir/.keep ]]; then rm -rf "$dir"; fi
        exit 0
    ) &
    WATCHDOG_PID=$!
    disown "$WATCHDOG_PID" 2>/dev/null || true
}

_print_logs() {
    local f
    for f in "$TEST_DIR"/*.log; do
        [[ -f $f ]] || continue
        printf '\n----- %s (last 50 lines) -----\n' "$(basename "$f")" >&2
        tail -n 50 "$f" >&2 || true
    done
    printf '\n' >&2
}

# cleanup: the EXIT trap. Kills every process started, deletes the namespaces (and with them the
# veths), prints the logs of a failed test and removes the temporary directory.
cleanup() {
    local rc=$? pid ns err
    trap - EXIT INT TERM
    set +e
    # Bash reports every job killed below ("Killed ..."): noise, not news.
    exec {err}>&2 2>/dev/null
    for pid in "${ALL_PIDS[@]}"; do
        kill -9 "$pid" 2>/dev/null
    done
    for ns in "${NAMESPACES[@]}"; do
        _destroy_ns "$ns"
    done
    while read -r ns; do
        [[ -n $ns ]] && _destroy_ns "$ns"
    done < <(_our_namespaces)
    # Give the stamping loops a moment to write their last lines, then reap.
    local deadline=$(($(now_ms) + 2000))
    while [[ -n $(jobs -rp) ]] && (($(now_ms) < deadline)); do
        sleep 0.02
    done
    [[ -n $(jobs -rp) ]] || wait 2>/dev/null
    exec 2>&"$err" {err}>&-
    if ((rc != 0 && rc != 77)); then
        _print_logs
        log "FAILED (exit $rc); logs in $TEST_DIR were printed above"
    fi
    if [[ ${OGW_KEEP_TMP:-0} == 1 ]]; then
        touch "$TEST_DIR/.keep"
        log "kept $TEST_DIR"
    else
        rm -rf "$TEST_DIR"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated (timeout?)"; exit 143' TERM

# --- namespaces and links ----------------------------------------------------------------------

# ns_name SHORT: the full name of the test's namespace SHORT (a, b, ...).
ns_name() {
    echo "${NS_PREFIX}-$1"
}

# make_ns SHORT...: creates namespaces with loopback up. SHORT is [a-z0-9]+.
make_ns() {
    local s full
    _sweep_stale
    for s in "$@"; do
        [[ $s =~ ^[a-z0-9]+$ ]] || fail "make_ns: bad short name '$s' (use [a-z0-9]+)"
        full=$(ns_name "$s")
        ip netns add "$full" || fail "cannot create namespace $full"
        NAMESPACES+=("$full")
        ip -n "$full" link set lo up
        # No duplicate address detection: the test's addresses are usable at once.
        ip netns exec "$full" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
            net.ipv6.conf.default.accept_dad=0 >/dev/null 2>&1 || true
    done
}

# veth_name NS PEER: the interface in NS that link_ns made towards PEER.
veth_name() {
    echo "veth-$2"
}

# link_ns NS1 NS2 [ADDR1/LEN ADDR2/LEN]...: a veth pair between NS1 (interface veth-NS2) and
# NS2 (interface veth-NS1), up, with the addresses given in pairs (IPv4 or IPv6; IPv6 without
# DAD). Waits until both ends have carrier.
link_ns() {
    local n1=$1 n2=$2 f1 f2 if1 if2 a1 a2 deadline
    shift 2
    f1=$(ns_name "$n1")
    f2=$(ns_name "$n2")
    if1=$(veth_name "$n1" "$n2")
    if2=$(veth_name "$n2" "$n1")
    ((${#if1} <= 15 && ${#if2} <= 15)) || fail "link_ns: interface name too long: $if1 $if2"
    ip link add name "$if1" netns "$f1" type veth peer name "$if2" netns "$f2" ||
        fail "cannot create veth pair $n1/$if1 - $n2/$if2"
    while (($# >= 2)); do
        a1=$1 a2=$2
        shift 2
        _add_addr "$f1" "$if1" "$a1"
        _add_addr "$f2" "$if2" "$a2"
    done
    (($# == 0)) || fail "link_ns: addresses come in pairs"
    ip -n "$f1" link set "$if1" up
    ip -n "$f2" link set "$if2" up
    deadline=$(($(now_ms) + 5000))
    until ip -n "$f1" link show "$if1" | grep -q LOWER_UP &&
        ip -n "$f2" link show "$if2" | grep -q LOWER_UP; do
        (($(now_ms) < deadline)) || fail "link $n1-$n2 has no carrier after 5 s"
        sleep 0.02
    done
}

_add_addr() {
    local full=$1 dev=$2 addr=$3
    if [[ $addr == *:* ]]; then
        ip -n "$full" -6 addr add "$addr" dev "$dev" nodad || fail "cannot add $addr to $dev"
    else
        ip -n "$full" addr add "$addr" dev "$dev" || fail "cannot add $addr to $dev"
    fi
}

# in_ns NS CMD...: runs CMD in namespace NS, with OGW_SOCKET set to the control socket of NS's
# ogwd (when write_config made one), so native tools talk to their own node's daemon.
in_ns() {
    local s=$1
    shift
    ip netns exec "$(ns_name "$s")" env OGW_SOCKET="${OGWD_SOCK[$s]:-/nonexistent}" "$@"
}

# hostport ADDR [PORT]: "10.0.0.1:3435" or "[fd00::1]:3435" (PORT defaults to 3435).
hostport() {
    local addr=${1%/*} port=${2:-3435}
    if [[ $addr == *:* ]]; then
        echo "[$addr]:$port"
    else
        echo "$addr:$port"
    fi
}

# --- ogwd --------------------------------------------------------------------------------------

# config_path NS / sock_path NS: where write_config puts NS's config and socket.
config_path() {
    echo "$TEST_DIR/$1.conf"
}
sock_path() {
    echo "$TEST_DIR/$1.sock"
}

# write_config NS BIND ['NAME ADDR:PORT']...: writes NS's config: node name NS, the socket in
# the test's directory, one udp IPCP [ipcp.wan] (layer wan) bound to BIND ("10.0.0.1:3435" or
# "[fd00::1]:3435") with one 'peer = NAME ADDR:PORT' directory entry per further argument.
# Append more sections with: cat >>"$(config_path NS)" <<EOF ... EOF
write_config() {
    local s=$1 bind=$2 file
    shift 2
    file=$(config_path "$s")
    {
        echo "# $TEST_NAME: node $s"
        echo "[node]"
        echo "name = $s"
        echo "socket = $(sock_path "$s")"
        echo "log-level = $OGWD_LOG_LEVEL"
    } >"$file"
    OGWD_CONF[$s]=$file
    OGWD_SOCK[$s]=$(sock_path "$s")
    add_udp_ipcp "$s" wan wan "$bind" "$@"
}

# add_udp_ipcp NS NAME LAYER BIND ['NAME ADDR:PORT']...: appends to NS's config a udp IPCP
# [ipcp.NAME] in LAYER bound to BIND, with one 'peer = NAME ADDR:PORT' per further argument.
add_udp_ipcp() {
    local s=$1 name=$2 layer=$3 bind=$4 peer
    shift 4
    {
        echo
        echo "[ipcp.$name]"
        echo "type = udp"
        echo "layer = $layer"
        echo "bind = $bind"
        for peer in "$@"; do
            echo "peer = $peer"
        done
    } >>"$(config_path "$s")"
}

# oping_all NS NAME COUNT INTERVAL WHAT [TIMEOUT_S]: 'oping -n NAME -c COUNT -i INTERVAL' in NS
# exits 0 with COUNT replies and no loss; its output stays in $TEST_DIR/oping-NAME.log.
oping_all() {
    local s=$1 name=$2 count=$3 interval=$4 what=$5 limit=${6:-60} rc=0 summary
    local out="$TEST_DIR/oping-$name.log"
    in_ns "$s" timeout "$limit" "$OPING" -n "$name" -c "$count" -i "$interval" >"$out" 2>&1 || rc=$?
    tail -n 3 "$out" >&2
    expect_rc 0 "$rc" "$what: oping exit status"
    summary=$(grep -E ' packets transmitted, ' "$out" || true)
    expect_match "^$count packets transmitted, $count received, 0% packet loss" "$summary" \
        "$what: oping summary"
    expect_eq "$count" "$(grep -cE "^[0-9]+ bytes from $name: seq=[0-9]+ time=" "$out")" \
        "$what: reply lines"
}

# ogw_cli NS ARGS...: the CLI against NS's ogwd (bounded by CLI_TIMEOUT seconds). The exit status
# is the CLI's (124 on timeout).
ogw_cli() {
    local s=$1
    shift
    timeout "$CLI_TIMEOUT" ip netns exec "$(ns_name "$s")" \
        "$OGW" --socket "${OGWD_SOCK[$s]:-$(sock_path "$s")}" "$@"
}

# ogw_json NS COMMAND...: 'ogw --json COMMAND' against NS's ogwd; prints the JSON, fails the
# test if the CLI fails.
ogw_json() {
    local s=$1 out rc=0
    shift
    out=$(ogw_cli "$s" --json "$@" 2>"$TEST_DIR/cli.err") || rc=$?
    ((rc == 0)) || fail "ogw --json $* on $s exited $rc: $(cat "$TEST_DIR/cli.err") $out"
    printf '%s\n' "$out"
}

# start_ogwd NS [CONFIG_FILE]: starts ogwd in NS in the foreground (in the background of the
# test), logging to $TEST_DIR/ogwd-NS.log, and waits (5 s at most) until 'ogw status' answers.
start_ogwd() {
    local s=$1 conf=${2:-${OGWD_CONF[$1]:-}} sock deadline pid
    [[ -n $conf && -f $conf ]] || fail "start_ogwd $s: no config (call write_config first)"
    require_bin "$OGWD" "$OGW"
    sock=$(sed -n 's/^[[:space:]]*socket[[:space:]]*=[[:space:]]*\([^#[:space:]]*\).*/\1/p' "$conf" |
        head -n1)
    [[ -n $sock ]] || sock=$(sock_path "$s")
    OGWD_SOCK[$s]=$sock
    OGWD_CONF[$s]=$conf
    {
        echo "===== $(now_ms) start: $OGWD --config $conf --foreground"
    } >>"$TEST_DIR/ogwd-$s.log"
    ip netns exec "$(ns_name "$s")" "$OGWD" --config "$conf" --foreground \
        </dev/null >>"$TEST_DIR/ogwd-$s.log" 2>&1 {OGWT_ERR}>&- &
    pid=$!
    OGWD_PID[$s]=$pid
    ALL_PIDS+=("$pid")
    deadline=$(($(now_ms) + 5000))
    until ogw_cli "$s" status >"$TEST_DIR/status-$s.out" 2>&1; do
        pid_alive "$pid" || fail "ogwd on $s exited during startup (see ogwd-$s.log)"
        (($(now_ms) < deadline)) ||
            fail "ogwd on $s: 'ogw --socket $sock status' did not answer within 5 s"
        sleep 0.05
    done
    log "ogwd on $s up (pid $pid, $sock)"
}

# ogwd_pid NS: the pid of NS's ogwd.
ogwd_pid() {
    echo "${OGWD_PID[$1]:-}"
}

# stop_ogwd NS: SIGTERM (graceful stop); waits 5 s for it to exit, then SIGKILL.
stop_ogwd() {
    local s=$1 pid deadline
    pid=${OGWD_PID[$s]:-}
    [[ -n $pid ]] || return 0
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$(($(now_ms) + 5000))
    while pid_alive "$pid"; do
        if (($(now_ms) >= deadline)); then
            log "ogwd on $s ignored SIGTERM for 5 s: SIGKILL"
            kill -9 "$pid" 2>/dev/null || true
            deadline=$((deadline + 5000))
        fi
        sleep 0.02
    done 2>/dev/null
    { wait "$pid"; } 2>/dev/null || true
    unset "OGWD_PID[$s]"
}

# kill_ogwd NS [-SIGNAL]: sends SIGNAL (default -9) to NS's ogwd and waits until it is gone.
kill_ogwd() {
    local s=$1 sig=${2:--9} pid deadline
    pid=${OGWD_PID[$s]:-}
    [[ -n $pid ]] || fail "kill_ogwd: no ogwd on $s"
    kill "$sig" "$pid" || fail "kill $sig ogwd on $s (pid $pid) failed"
    deadline=$(($(now_ms) + 5000))
    while pid_alive "$pid"; do
        (($(now_ms) < deadline)) || fail "ogwd on $s still alive 5 s after kill $sig"
        sleep 0.005
    done 2>/dev/null
    { wait "$pid"; } 2>/dev/null || true
    unset "OGWD_PID[$s]"
    echo "===== $(now_ms) killed with $sig" >>"$TEST_DIR/ogwd-$s.log"
}

# expect_ogwd_alive NS: NS's ogwd still runs and answers 'ogw status'.
expect_ogwd_alive() {
    local s=$1 pid
    pid=${OGWD_PID[$s]:-}
    pid_alive "$pid" || fail "ogwd on $s (pid $pid) is not running"
    ogw_cli "$s" status >"$TEST_DIR/status-$s.out" 2>&1 ||
        fail "ogwd on $s does not answer 'ogw status': $(cat "$TEST_DIR/status-$s.out")"
    ok "ogwd on $s alive and answering"
}

# --- background programs -----------------------------------------------------------------------

# stamp_lines: copies stdin to stdout, prefixing every line with now_ms and a blank.
stamp_lines() {
    local line t
    while IFS= read -r line || [[ -n $line ]]; do
        t=${EPOCHREALTIME/[.,]/}
        printf '%s %s\n' "${t:0:${#t}-3}" "$line"
    done
}

# start_bg NAME NS SECONDS CMD...: runs CMD in NS in the background, for at most SECONDS
# (timeout(1), SIGTERM then SIGKILL 2 s later), line-buffered, stdout and stderr timestamped
# line by line into $TEST_DIR/NAME.log ("<ms> <line>").
start_bg() {
    local name=$1 s=$2 secs=$3 pid fd
    shift 3
    [[ -z ${BG_PID[$name]:-} ]] || fail "start_bg: '$name' already started"
    : >"$TEST_DIR/$name.log"
    # The stamping loop is a child of this shell, not of the program's timeout(1), so that the
    # program is timeout's only child (bg_pid).
    exec {fd}> >(exec >>"$TEST_DIR/$name.log" 2>/dev/null {OGWT_ERR}>&- && stamp_lines)
    ip netns exec "$(ns_name "$s")" env OGW_SOCKET="${OGWD_SOCK[$s]:-/nonexistent}" \
        timeout -k 2 "$secs" stdbuf -oL -eL "$@" </dev/null >&"$fd" 2>&1 {OGWT_ERR}>&- &
    pid=$!
    exec {fd}>&-
    BG_PID[$name]=$pid
    ALL_PIDS+=("$pid")
    log "started $name on $s: $* (pid $pid)"
}

# bg_pid NAME: the pid of the program itself (the child of timeout(1)); waits 2 s at most.
bg_pid() {
    local tpid=${BG_PID[$1]:-} child deadline
    [[ -n $tpid ]] || fail "bg_pid: no background program '$1'"
    deadline=$(($(now_ms) + 2000))
    while :; do
        child=$(pgrep -P "$tpid" | head -n1 || true)
        [[ -n $child ]] && break
        pid_alive "$tpid" || fail "bg_pid: '$1' is not running"
        (($(now_ms) < deadline)) || fail "bg_pid: '$1' has no child process"
        sleep 0.01
    done
    echo "$child"
}

# bg_running NAME: true while the background program runs.
bg_running() {
    pid_alive "${BG_PID[$1]:-}"
}

# kill_bg NAME [-SIGNAL]: signals the program itself (default -9), not its timeout wrapper.
# With -9 (or -KILL) it also waits until the program is gone.
kill_bg() {
    local name=$1 sig=${2:--9} pid rc=0
    pid=$(bg_pid "$name")
    kill "$sig" "$pid" || fail "kill $sig $name (pid $pid) failed"
    if [[ $sig == -9 || $sig == -KILL ]]; then
        wait_bg "$name" 5 || rc=$?
        BG_RC[$name]=$rc
    fi
}

# wait_bg NAME [SECONDS]: waits (default 10 s at most) for the background program to exit and
# returns its exit status (124 when timeout(1) stopped it, 137 when killed by SIGKILL).
wait_bg() {
    local name=$1 secs=${2:-10} pid deadline rc=0
    pid=${BG_PID[$name]:-}
    [[ -n $pid ]] || fail "wait_bg: no background program '$name'"
    if [[ -n ${BG_RC[$name]:-} ]]; then
        return "${BG_RC[$name]}"
    fi
    deadline=$(($(now_ms) + secs * 1000))
    # stderr hidden: bash reports a job killed by a signal ("Killed ...") when it reaps it.
    while pid_alive "$pid"; do
        (($(now_ms) < deadline)) || fail "$name still running after $secs s"
        sleep 0.02
    done 2>/dev/null
    { wait "$pid"; } 2>/dev/null || rc=$?
    return "$rc"
}

# bg_log NAME: the path of NAME's timestamped log.
bg_log() {
    echo "$TEST_DIR/$1.log"
}

# wait_line NAME REGEX [TIMEOUT_MS [AFTER_MS]]: waits (default 5000 ms) for a line of NAME's log
# whose text (after the timestamp) matches the extended REGEX, stamped at or after AFTER_MS;
# prints the whole line "<ms> <text>". Fails the test at the deadline.
wait_line() {
    local name=$1 re=$2 tmo=${3:-5000} after=${4:-0} file deadline line
    file=$(bg_log "$name")
    deadline=$(($(now_ms) + tmo))
    while :; do
        line=$(find_line "$name" "$re" "$after") && {
            printf '%s\n' "$line"
            return 0
        }
        if (($(now_ms) >= deadline)); then
            fail "no line matching /$re/ from $name within $tmo ms; its output:
$(tail -n 20 "$file")"
        fi
        sleep 0.01
    done
}

# find_line NAME REGEX [AFTER_MS]: prints the first line of NAME's log matching REGEX (stamped at
# or after AFTER_MS); returns 1 if none.
find_line() {
    local name=$1 re=$2 after=${3:-0} line ts text
    while IFS= read -r line; do
        ts=${line%% *} text=${line#* }
        [[ $ts =~ ^[0-9]+$ ]] || continue
        ((ts >= after)) || continue
        if [[ $text =~ $re ]]; then
            printf '%s %s\n' "$ts" "$text"
            return 0
        fi
    done <"$(bg_log "$name")"
    return 1
}

# count_lines NAME REGEX [AFTER_MS]: how many lines of NAME's log match REGEX.
count_lines() {
    local name=$1 re=$2 after=${3:-0} line ts text n=0
    while IFS= read -r line; do
        ts=${line%% *} text=${line#* }
        [[ $ts =~ ^[0-9]+$ ]] || continue
        ((ts >= after)) || continue
        [[ $text =~ $re ]] && n=$((n + 1))
    done <"$(bg_log "$name")"
    echo "$n"
}

# line_ts LINE: the timestamp of a log line.
line_ts() {
    echo "${1%% *}"
}

# own_ts LINE: the second field of a log line: the program's own timestamp, for programs that
# print one first (flowhold).
own_ts() {
    local rest=${1#* }
    echo "${rest%% *}"
}

# line_text LINE: a log line without its timestamp.
line_text() {
    echo "${1#* }"
}

# poll_until TIMEOUT_MS CMD...: runs CMD every 20 ms until it succeeds; returns 1 at the
# deadline (the caller asserts).
poll_until() {
    local tmo=$1 deadline
    shift
    deadline=$(($(now_ms) + tmo))
    until "$@"; do
        (($(now_ms) < deadline)) || return 1
        sleep 0.02
    done
}

# --- JSON --------------------------------------------------------------------------------------

# json_get FILE_OR_STRING EXPR: evaluates the Python expression EXPR with d bound to the parsed
# JSON and prints the result (strings bare, everything else as JSON). Exits non-zero (with a
# message) if the JSON does not parse or EXPR raises.
#   json_get "$out" 'd["status"]["node"]'
#   json_get "$out" '[f["state"] for f in d["flows"] if f["owner"] == 1234]'
json_get() {
    "$PYTHON" - "$1" "$2" <<'EOF'
import json, os, sys
src, expr = sys.argv[1], sys.argv[2]
text = open(src).read() if os.path.isfile(src) else src
try:
    d = json.loads(text)
except ValueError as e:
    sys.exit("json_get: not JSON (%s): %.300s" % (e, text))
try:
    v = eval(expr, {"json": json}, {"d": d})
except Exception as e:
    sys.exit("json_get: %s raised %s: %r on %.300s" % (expr, type(e).__name__, e, text))
print(v if isinstance(v, str) else json.dumps(v))
EOF
}

# json_list JSON KEY: the list under KEY of 'ogw --json KEY' output ({"schema": 1, KEY: [...]}),
# also accepting {"schema": 1, KEY: {KEY: [...]}}; prints it as JSON.
json_list() {
    json_get "$1" "(lambda v: v[\"$2\"] if isinstance(v, dict) else v)(d[\"$2\"])"
}

# flows_where NS PYCOND [FIELD]: the flows of 'ogw --json flows' on NS for which the Python
# condition PYCOND on f holds, as a JSON list (of FIELD only, when given).
#   flows_where a 'f["remote_name"] == "hold"' state    ->  ["allocated"]
flows_where() {
    local s=$1 cond=$2 field=${3:-} out
    out=$(ogw_json "$s" flows)
    if [[ -n $field ]]; then
        json_get "$out" "[f[\"$field\"] for f in (lambda v: v[\"flows\"] if isinstance(v, dict)
            else v)(d[\"flows\"]) if ($cond)]"
    else
        json_get "$out" "[f for f in (lambda v: v[\"flows\"] if isinstance(v, dict)
            else v)(d[\"flows\"]) if ($cond)]"
    fi
}

# --- assertions --------------------------------------------------------------------------------

# expect_eq EXPECTED ACTUAL [WHAT]
expect_eq() {
    [[ $1 == "$2" ]] || fail "${3:-value}: expected '$1', got '$2'"
    ok "${3:-value} = '$2'"
}

# expect_ne UNEXPECTED ACTUAL [WHAT]
expect_ne() {
    [[ $1 != "$2" ]] || fail "${3:-value}: expected anything but '$1'"
    ok "${3:-value} = '$2' (not '$1')"
}

# expect_match REGEX TEXT [WHAT]: TEXT matches the extended REGEX.
expect_match() {
    [[ $2 =~ $1 ]] || fail "${3:-text} does not match /$1/: $2"
    ok "${3:-text} matches /$1/"
}

# expect_no_match REGEX TEXT [WHAT]
expect_no_match() {
    if [[ $2 =~ $1 ]]; then
        fail "${3:-text} matches /$1/ but should not: $2"
    fi
    ok "${3:-text} does not match /$1/"
}

# expect_within_ms MIN MAX VALUE [WHAT]: MIN <= VALUE <= MAX (milliseconds).
expect_within_ms() {
    local min=$1 max=$2 v=$3
    [[ $v =~ ^-?[0-9]+$ ]] || fail "${4:-value}: '$v' is not a number of milliseconds"
    ((v >= min && v <= max)) || fail "${4:-value}: $v ms, expected $min to $max ms"
    ok "${4:-value}: $v ms (within $min..$max ms)"
}

# expect_rc EXPECTED RC [WHAT]: an exit status.
expect_rc() {
    [[ $2 == "$1" ]] || fail "${3:-exit status}: expected $1, got $2"
    ok "${3:-exit status} = $2"
}

# expect_nonzero RC [WHAT]
expect_nonzero() {
    [[ $1 =~ ^[0-9]+$ && $1 != 0 ]] || fail "${2:-exit status}: expected non-zero, got '$1'"
    ok "${2:-exit status} = $1 (non-zero)"
}
