# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# The two-namespace rig. Every tunnel is measured on a fresh one:
#
#      namespace A  (ogwb-PID-a)                    namespace B  (ogwb-PID-b)
#   +--------------------------+                 +--------------------------+
#   |  iperf3 -c / ping / ...  |                 |  iperf3 -s / echo server |
#   |  tunnel dev 10.91.0.1/24 |                 |  tunnel dev 10.91.0.2/24 |
#   |  tunnel process (A)      |                 |  tunnel process (B)      |
#   |  ub-a 10.90.0.1/24 ======|== veth pair ====|== ub-b 10.90.0.2/24      |
#   +--------------------------+                 +--------------------------+
#
# The bare-veth baseline sends straight over the underlay (10.90.0.1 -> 10.90.0.2); every
# tunnel carries the same traffic between 10.91.0.1 and 10.91.0.2, its UDP underlay between
# 10.90.0.1 and 10.90.0.2. Applications and tunnel processes share each namespace, as on a
# real host running both. The veth keeps its default offloads (TSO, GRO).

NS_A="ogwb-$$-a"
NS_B="ogwb-$$-b"
UNDER_A=10.90.0.1
UNDER_B=10.90.0.2
TUN_A=10.91.0.1
TUN_B=10.91.0.2
TUN_PREFIX=10.91.0.0/24

in_a() { ip netns exec "$NS_A" "$@"; }
in_b() { ip netns exec "$NS_B" "$@"; }

rig_up() {
    rig_down
    ip netns add "$NS_A" && ip netns add "$NS_B" || die "cannot create the namespaces"
    in_a ip link set lo up
    in_b ip link set lo up
    ip link add name ub-a netns "$NS_A" type veth peer name ub-b netns "$NS_B" ||
        die "cannot create the veth pair"
    in_a ip addr add "$UNDER_A/24" dev ub-a
    in_b ip addr add "$UNDER_B/24" dev ub-b
    in_a ip link set ub-a up
    in_b ip link set ub-b up
    wait_for 5000 _rig_carrier || die "the veth pair has no carrier after 5 s"
}

_rig_carrier() {
    in_a ip link show ub-a | grep -q LOWER_UP && in_b ip link show ub-b | grep -q LOWER_UP
}

# _rig_kill_ns NS: kills every process left in NS (all started by this bench), deletes NS.
_rig_kill_ns() {
    local ns=$1 pids
    ip netns list 2>/dev/null | awk '{print $1}' | grep -qx "$ns" || return 0
    pids=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ') || true
    if [[ -n ${pids// /} ]]; then
        # shellcheck disable=SC2086
        kill -9 $pids 2>/dev/null || true
        sleep 0.1
    fi
    ip netns del "$ns" 2>/dev/null || true
}

rig_down() {
    _rig_kill_ns "$NS_A"
    _rig_kill_ns "$NS_B"
}
CLEANUP_HOOKS+=(rig_down)

# rig_ping_ok DST: one ping from A to DST comes back within a second.
rig_ping_ok() {
    in_a ping -c 1 -W 1 -q "$1" >/dev/null 2>&1
}

# rig_wait_path DST SECONDS: waits until pings from A reach DST (handshakes, allocation).
rig_wait_path() {
    wait_for $(($2 * 1000)) rig_ping_ok "$1"
}
