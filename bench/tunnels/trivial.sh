# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# The floor: bench/trivial_forwarder.c, one TUN <-> UDP forwarder per namespace, one packet per
# syscall, no header and no crypto. The TUN MTU is 1472 (the 1500-byte veth minus IPv4 and UDP
# headers), so nothing is fragmented. Compiled once per run into $WORK with gcc -O2.

TRIVIAL_BIN=
TRIVIAL_PORT=4000

_trivial_build() {
    [[ -n $TRIVIAL_BIN ]] && return 0
    TRIVIAL_BIN="$WORK/trivial_forwarder"
    gcc -O2 -Wall -Wextra -o "$TRIVIAL_BIN" "$BENCH_DIR/trivial_forwarder.c" \
        >"$WORK/trivial-gcc.log" 2>&1
}

# _trivial_start SIDE NS DEV LOCAL PEER ADDR
_trivial_start() {
    local side=$1 ns=$2 local=$3 peer=$4 addr=$5
    bench_spawn "trivial-$side" "$ns" "$DAEMON_MAX_S" \
        "$TRIVIAL_BIN" tvl0 "$local" "$TRIVIAL_PORT" "$peer" "$TRIVIAL_PORT"
    wait_for 3000 ip netns exec "$ns" ip link show tvl0 || return 1
    ip netns exec "$ns" ip link set tvl0 mtu 1472 &&
        ip netns exec "$ns" ip addr add "$addr/24" dev tvl0 &&
        ip netns exec "$ns" ip link set tvl0 up
}

tunnel_trivial_up() {
    DST=$TUN_B
    TUN_DESC="bench/trivial_forwarder.c (gcc -O2): single thread, poll + one read/send per packet, TUN MTU 1472"
    _trivial_build || { TUN_ERROR="gcc failed: $(tail -n 5 "$WORK/trivial-gcc.log")"; return 1; }
    _trivial_start a "$NS_A" "$UNDER_A" "$UNDER_B" "$TUN_A" &&
        _trivial_start b "$NS_B" "$UNDER_B" "$UNDER_A" "$TUN_B" ||
        { TUN_ERROR="the forwarder did not start: $(tail -n 3 "$WORK"/trivial-*.log)"; return 1; }
    TUN_PIDS=("$(bg_pid trivial-a)" "$(bg_pid trivial-b)")
}

tunnel_trivial_down() {
    bg_stop trivial-a
    bg_stop trivial-b
}
