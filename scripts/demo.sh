#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The demo: two ogwd in network namespaces: the seed scenario (oecho) over the UDP shim, then
# their TUN gateways carrying real traffic.
#
#   ns west                                         ns east
#   ogwd "west"  [ipcp.wan] udp 192.0.2.1:3435 ---- ogwd "east"  [ipcp.wan] udp 192.0.2.2:3435
#   ogw0 10.77.0.1/24, fd77::1/64        veth       ogw0 10.77.0.2/24, fd77::2/64
#
# Through the tunnel: ping, an HTTP download (python3 http.server + curl), a 10 s iperf3; then
# `ogw sessions` and `ogw flows`; then east's ogwd is killed with SIGKILL while west holds a TCP
# connection open: west's gateway notices the silent peer (peer-timeout = 2s), tears the
# session down and resets the connection, which the application sees as ECONNRESET.
# Everything is removed at the end, also on failure or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

[[ $(id -u) -eq 0 ]] || { echo "demo: needs root (network namespaces, TUN devices)" >&2; exit 1; }
./scripts/install-deps.sh demo
build=${BUILD_DIR:-build-demo}
echo "== building ogw ($build)"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOGW_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target ogwd ogw oecho >/dev/null

OGWD=$root/$build/gateway/ogwd
OGW=$root/$build/cli/ogw
PYTHON=/usr/bin/python3
work=$(mktemp -d /tmp/ogw-demo.XXXXXX)
chmod 755 "$work"
W=ogw-demo-west-$$ E=ogw-demo-east-$$
pids=()

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    for ns in "$W" "$E"; do
        ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
        ip netns del "$ns" 2>/dev/null || true
    done
    if ((rc != 0)); then
        echo "demo FAILED (exit $rc); daemon logs:" >&2
        tail -n 30 "$work"/*.log >&2 2>/dev/null || true
    fi
    rm -rf "$work"
    echo "== cleaned up: namespaces, processes and $work removed"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step() { printf '\n== %s\n' "$*"; }
in_w() { ip netns exec "$W" "$@"; }
in_e() { ip netns exec "$E" "$@"; }
cli() {  # cli west|east ARGS...
    local ns=$W
    [[ $1 == east ]] && ns=$E
    shift
    timeout 5 ip netns exec "$ns" "$OGW" --socket "$work/$ns.sock" "$@"
}

write_config() {  # NAME SELF PEER PEER_ADDR TUN4 TUN6 PEER_PREFIX4 PEER_PREFIX6 SOCKET
    cat >"$work/$1.conf" <<EOF
[node]
name = $1
socket = $9
log-level = info

[ipcp.wan]
type = udp
layer = wan
bind = $2:3435
peer = $3 $4:3435
peer = oecho $4:3435

[gateway]
mode = tun
dev = ogw0
address = $5
address = $6
route = $7 $3
route = $8 $3
peer-timeout = 2s
idle-timeout = 60s
EOF
}

start_ogwd() {  # NAME NS
    ip netns exec "$2" "$OGWD" --config "$work/$1.conf" --foreground >"$work/$1.log" 2>&1 &
    pids+=($!); disown
    eval "${1}_pid=$!"
    for _ in $(seq 100); do
        cli "$1" status >/dev/null 2>&1 && return 0
        sleep 0.05
    done
    echo "ogwd $1 did not start:" >&2
    cat "$work/$1.log" >&2
    return 1
}

step "two namespaces joined by a veth pair"
ip netns add "$W"
ip netns add "$E"
ip -n "$W" link set lo up
ip -n "$E" link set lo up
ip link add veth-w netns "$W" type veth peer name veth-e netns "$E"
ip -n "$W" addr add 192.0.2.1/24 dev veth-w
ip -n "$E" addr add 192.0.2.2/24 dev veth-e
ip -n "$W" link set veth-w up
ip -n "$E" link set veth-e up
for ns in "$W" "$E"; do
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
done
echo "west 192.0.2.1 <-> east 192.0.2.2 (the underlay)"

step "ogwd in each namespace, a TUN gateway over the UDP shim"
write_config west 192.0.2.1 east 192.0.2.2 10.77.0.1/24 fd77::1/64 10.77.0.2/32 fd77::2/128 \
    "$work/$W.sock"
write_config east 192.0.2.2 west 192.0.2.1 10.77.0.2/24 fd77::2/64 10.77.0.1/32 fd77::1/128 \
    "$work/$E.sock"
start_ogwd west "$W"
start_ogwd east "$E"
sleep 0.3
in_w ip -brief addr show ogw0
in_e ip -brief addr show ogw0
cli west ipcps

step "the seed scenario over the UDP shim: oecho -l on east, oecho on west"
OECHO=$root/$build/tools/oecho
ip netns exec "$E" env OGW_SOCKET="$work/$E.sock" "$OECHO" -l >"$work/oecho-server.log" 2>&1 &
pids+=($!); disown
for _ in $(seq 100); do grep -q 'Starting the server' "$work/oecho-server.log" && break; sleep 0.05; done
t0=$(date +%s%3N)
ip netns exec "$W" env OGW_SOCKET="$work/$W.sock" timeout 10 "$OECHO" 2>&1 |
    while IFS= read -r line; do echo "+$(($(date +%s%3N) - t0)) ms  $line"; done || true
echo "(the server deallocated after its echo: the client's read fails with -EFLOWPEER at once)"

step "ping through the tunnel (IPv4 and IPv6)"
in_w ping -c 3 -i 0.2 10.77.0.2
in_w ping -c 3 -i 0.2 fd77::2

step "HTTP download: 20 MiB from python3 http.server on east, fetched by curl on west"
mkdir -p "$work/www"
head -c $((20 * 1024 * 1024)) /dev/urandom >"$work/www/blob"
in_e "$PYTHON" -m http.server --bind 10.77.0.2 --directory "$work/www" 8080 >"$work/http.log" 2>&1 &
pids+=($!); disown
sleep 0.5
in_w curl -sS -o "$work/fetched" -w 'curl: %{size_download} bytes at %{speed_download} bytes/s\n' \
    http://10.77.0.2:8080/blob
want=$(sha256sum <"$work/www/blob" | cut -d' ' -f1)
got=$(sha256sum <"$work/fetched" | cut -d' ' -f1)
[[ $want == "$got" ]] || { echo "checksum mismatch" >&2; exit 1; }
echo "sha256 matches: $got"

step "iperf3 for 10 s, west -> east"
in_e iperf3 -s -1 -B 10.77.0.2 >/dev/null 2>&1 &
pids+=($!); disown
sleep 0.5
in_w timeout 30 iperf3 -c 10.77.0.2 -t 10 -f m | grep -E 'sender|receiver'

step "a TCP connection held open from west to east"
in_e "$PYTHON" "$root/integration/tools/tcphold.py" server 7000 >"$work/hold-server.log" 2>&1 &
pids+=($!); disown
sleep 0.5
in_w "$PYTHON" "$root/integration/tools/tcphold.py" client 10.77.0.2 7000 >"$work/hold.log" 2>&1 &
pids+=($!); disown
for _ in $(seq 100); do grep -q '^connected' "$work/hold.log" && break; sleep 0.05; done
cat "$work/hold.log"

step "ogw sessions (west)"
cli west sessions
step "ogw flows (west)"
cli west flows

step "kill -9 east's ogwd"
t0=$(date +%s%3N)
# shellcheck disable=SC2154
kill -9 "$east_pid"
echo "killed at +0 ms"
for _ in $(seq 100); do grep -q '^error\|^closed' "$work/hold.log" && break; sleep 0.05; done
t1=$(date +%s%3N)
echo "the held connection on west ended after $((t1 - t0)) ms: $(grep -E '^error|^closed' "$work/hold.log")"
sleep 0.2
step "west after the peer's death: sessions, flows, teardowns"
cli west sessions
cli west flows
cli west --json stats | "$PYTHON" -c 'import json,sys; s=json.load(sys.stdin)["stats"]; print("teardowns:", {k: v for k, v in s["teardowns"].items() if v})'
grep -E 'teardown|timed out|peer_timed_out' "$work/west.log" | tail -n 5 || true

step "stopping west's ogwd (SIGTERM): its TUN device and routes go with it"
kill -TERM "$west_pid"
# shellcheck disable=SC2154
while kill -0 "$west_pid" 2>/dev/null; do sleep 0.05; done
in_w ip link show ogw0 2>&1 | head -n1 || true
echo "demo done"
