# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# ogw: one ogwd per namespace, TUN gateway (mode = tun, flow-mapping = session: every session
# gets its own flow) over the UDP shim on the underlay. MTU auto. Built in Release by run.sh
# into build-bench. tunnel_ogw_up runs it unencrypted; tunnel_ogw_encrypted_up with a fresh key
# pair per side, each listing the other's public key, and encryption = required.
#
# tunnel_ogw_up [KEY = VALUE]...: extra [gateway] keys (e.g. "peer-timeout = 200ms") override
# the defaults below: max-sessions = 200000, idle-timeout = 1h, peer-timeout = 120s (the
# shipped default), so that sessions opened by the measurements stay open and idle flows send
# few keepalives.

OGWD=${OGWD:-$REPO_DIR/build-bench/gateway/ogwd}
OGW=${OGW:-$REPO_DIR/build-bench/cli/ogw}
OGW_LOG_LEVEL=${OGW_LOG_LEVEL:-info}

# ogw_sock SIDE: the control socket of side a or b.
ogw_sock() { echo "$WORK/ogw-$1.sock"; }

# ogw_cli SIDE ARGS...: the CLI against side a or b (bounded to 5 s).
ogw_cli() {
    local side=$1
    shift
    timeout 5 "$OGW" --socket "$(ogw_sock "$side")" "$@"
}

# _ogw_config SIDE SELF PEER TUN_ADDR [KEYS]...
_ogw_config() {
    local side=$1 self=$2 peer=$3 addr=$4 other key
    shift 4
    other=$([[ $side == a ]] && echo b || echo a)
    declare -A keys=([max-sessions]=200000 [idle-timeout]=1h [peer-timeout]=120s)
    for key in "$@"; do
        keys[${key%% =*}]=${key#*= }
    done
    {
        echo "# written by bench/tunnels/ogw.sh"
        echo "[node]"
        echo "name = bench-$side"
        echo "socket = $(ogw_sock "$side")"
        echo "log-level = $OGW_LOG_LEVEL"
        echo
        echo "[ipcp.wan]"
        echo "type = udp"
        echo "layer = wan"
        echo "bind = $self:3435"
        echo "peer = bench-$other $peer:3435"
        echo
        echo "[gateway]"
        echo "mode = tun"
        echo "dev = ogw0"
        echo "address = $addr/24"
        echo "route = $TUN_PREFIX bench-$other"
        for key in "${!keys[@]}"; do
            echo "$key = ${keys[$key]}"
        done
        if [[ ${OGW_ENCRYPTED:-0} == 1 ]]; then
            echo
            echo "[security]"
            echo "private-key = $WORK/ogw-$side.key"
            echo "peer-key = bench-$other $("$OGW" pubkey <"$WORK/ogw-$other.key")"
            echo "encryption = required"
        fi
    } >"$WORK/ogw-$side.conf"
}

_ogw_dev_up() {
    ip netns exec "$1" ip link show ogw0 2>/dev/null | grep -q ',UP'
}

# ogw_start SIDE: starts side a's or b's ogwd with the config written by tunnel_ogw_up.
ogw_start() {
    local side=$1 ns
    ns=$([[ $side == a ]] && echo "$NS_A" || echo "$NS_B")
    rm -f "$(ogw_sock "$side")"
    bench_spawn "ogwd-$side" "$ns" "$DAEMON_MAX_S" \
        "$OGWD" --config "$WORK/ogw-$side.conf" --foreground
    wait_for 5000 ogw_cli "$side" status && wait_for 3000 _ogw_dev_up "$ns" ||
        { TUN_ERROR="ogwd $side did not come up: $(tail -n 5 "$WORK/ogwd-$side.log")"; return 1; }
}

tunnel_ogw_up() {
    DST=$TUN_B
    [[ -x $OGWD && -x $OGW ]] || { TUN_ERROR="ogwd/ogw not built"; return 1; }
    if [[ ${OGW_ENCRYPTED:-0} == 1 ]]; then
        local side
        for side in a b; do
            (umask 077 && "$OGW" genkey >"$WORK/ogw-$side.key") ||
                { TUN_ERROR="ogw genkey failed"; return 1; }
        done
    fi
    _ogw_config a "$UNDER_A" "$UNDER_B" "$TUN_A" "$@"
    _ogw_config b "$UNDER_B" "$UNDER_A" "$TUN_B" "$@"
    ogw_start a && ogw_start b || return 1
    TUN_PIDS=("$(bg_pid ogwd-a)" "$(bg_pid ogwd-b)")
    local crypto="no encryption"
    [[ ${OGW_ENCRYPTED:-0} != 1 ]] || crypto="encryption = required (X25519 handshake, ChaCha20-Poly1305)"
    local queues="one queue"
    [[ " $* " != *" queues = auto "* ]] || queues="queues = auto ($(nproc) queues, a worker each)"
    TUN_DESC="$("$OGWD" --version 2>/dev/null | head -n1), Release; TUN gateway, flow-mapping = session, UDP shim, $crypto, $queues; MTU $(in_a cat /sys/class/net/ogw0/mtu)"
}

tunnel_ogw_encrypted_up() { OGW_ENCRYPTED=1 tunnel_ogw_up "$@"; }

# ogw_stop SIDE [SIGNAL]: stops side a's or b's ogwd (SIGTERM: graceful, 3 s, then SIGKILL).
ogw_stop() {
    local side=$1 sig=${2:-TERM} i
    bg_alive "ogwd-$side" || return 0
    if [[ $sig == TERM ]]; then
        kill -TERM "$(bg_pid "ogwd-$side")" 2>/dev/null || true
        for ((i = 0; i < 300; i++)); do
            bg_alive "ogwd-$side" || break
            sleep 0.01
        done
    fi
    bg_stop "ogwd-$side" KILL
}

tunnel_ogw_down() {
    ogw_stop a
    ogw_stop b
}
