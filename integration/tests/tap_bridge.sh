#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# [gateway] mode = tap (docs/tap-bridge.md): three gateways bridge one Ethernet segment,
# 10.77.0.0/24 and fd77::/64, over flows; each names the two others by host prefix.
#   - ARP and IPv6 neighbour discovery cross the bridge: ping from a reaches b over IPv4 and
#     IPv6, and a's neighbour table holds b's TAP MAC; iperf3 TCP a -> b for 3 s.
#   - 'ogw --json macs' on a lists b's TAP MAC behind peer "b" (and validates against
#     docs/schema/ogw-macs.schema.json, as 'stats' with its "tap" object does).
#   - c is reached from a: the ARP request is flooded, the echo requests go to c alone once
#     c's MAC is learnt behind peer "c".
#   - A broadcast storm of 2000 frames on a's TAP device (flood-rate = 100, flood-burst = 10
#     on a): frames are dropped as flood_limited, and no more are flooded than the bucket
#     allows (burst + rate x elapsed).
#   - kill -9 of c's ogwd (peer-timeout = 2s): within 3 s a's MAC table no longer lists c's MAC
#     (flushed with c's flows), and a TCP connection from a to c held open by tcphold gets
#     ECONNRESET.
#
#        ns a                       ns b                       ns c
#   ogw0 10.77.0.1/24          ogw0 10.77.0.2/24          ogw0 10.77.0.3/24
#        fd77::1/64                 fd77::2/64                 fd77::3/64
#   ping, iperf3 -c,           iperf3 -s                  tcphold server
#   tcphold client, eth_send
#   ogwd a (tap)               ogwd b (tap)               ogwd c (tap)
#   veth-sw 10.0.0.1/24        veth-sw 10.0.0.2/24        veth-sw 10.0.0.3/24
#        \                          |                          /
#         veth-a ------------- br0 (ns sw) -------------- veth-c
#                                   |
#                                 veth-b
#
# timeout: 150
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/gateway.sh
source "$(dirname "$0")/../lib/gateway.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/eth.sh
source "$(dirname "$0")/../lib/eth.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/schema.sh
source "$(dirname "$0")/../lib/schema.sh"

require_root
require_cmd iperf3
require_bin "$OGWD" "$OGW"

ETH_SEND="$OGW_SOURCE_DIR/integration/tools/eth_send.py"
FLOOD_RATE=100 FLOOD_BURST=10
TAP_FLOW_MAPPING=${TAP_FLOW_MAPPING:-session}  # tap_bridge_peer.sh: peer
declare -A NUM=([a]=1 [b]=2 [c]=3)

# tap_config NS KEYS...: NS's config: udp IPCP on the underlay with the two others as static
# peers, a TAP gateway with routes naming the two others by host prefix, and KEYS.
tap_config() {
    local s=$1 o file key
    shift
    local peers=()
    for o in a b c; do
        [[ $o == "$s" ]] || peers+=("$o 10.0.0.${NUM[$o]}:3435")
    done
    write_config "$s" "10.0.0.${NUM[$s]}:3435" "${peers[@]}"
    file=$(config_path "$s")
    {
        echo
        echo "[gateway]"
        echo "mode = tap"
        echo "dev = ogw0"
        echo "address = 10.77.0.${NUM[$s]}/24"
        echo "address = fd77::${NUM[$s]}/64"
        for o in a b c; do
            [[ $o == "$s" ]] && continue
            echo "route = 10.77.0.${NUM[$o]}/32 $o"
            echo "route = fd77::${NUM[$o]}/128 $o"
        done
        echo "peer-timeout = 2s"
        echo "flow-mapping = $TAP_FLOW_MAPPING"
        for key in "$@"; do
            echo "$key"
        done
    } >>"$file"
}

# mac_peers NS MAC: the "peer" of every entry for MAC in NS's 'ogw --json macs', as JSON.
mac_peers() {
    json_get "$(ogw_json "$1" macs)" "[m[\"peer\"] for m in d[\"macs\"] if m[\"mac\"] == \"$2\"]"
}

# tap_stat NS EXPR: a value of the "tap" object of NS's 'ogw --json stats'; EXPR on t.
tap_stat() {
    gw_stat "$1" "(lambda t: $2)(st[\"tap\"])"
}

# tap_delta BEFORE AFTER EXPR: how much EXPR on t, the "tap" object of two outputs of
# 'ogw --json stats', grew from BEFORE to AFTER.
tap_delta() {
    local expr="(lambda t: $3)(d[\"stats\"][\"tap\"])"
    echo $(($(json_get "$2" "$expr") - $(json_get "$1" "$expr")))
}

# neigh_mac NS ADDR: the link-layer address of ADDR in NS's neighbour table on ogw0.
neigh_mac() {
    ip -n "$(ns_name "$1")" neigh show "$2" dev ogw0 | sed -n 's/.*lladdr \([0-9a-f:]*\).*/\1/p'
}

make_ns sw a b c
ip -n "$(ns_name sw)" link add br0 type bridge
for s in a b c; do
    link_ns sw "$s"
    ip -n "$(ns_name sw)" link set "veth-$s" master br0
    ip -n "$(ns_name "$s")" addr add "10.0.0.${NUM[$s]}/24" dev veth-sw
done
ip -n "$(ns_name sw)" link set br0 up
tap_config a "flood-rate = $FLOOD_RATE" "flood-burst = $FLOOD_BURST"
tap_config b
tap_config c
for s in a b c; do
    gw_start_ogwd "$s"
    expect_match 'up, tap, MTU [0-9]+' "$(grep -E 'ogw0: up' "$TEST_DIR/ogwd-$s.log")" \
        "the device line of ogwd $s"
done
mac_a=$(mac_of a ogw0) mac_b=$(mac_of b ogw0) mac_c=$(mac_of c ogw0)
log "TAP MACs: a $mac_a, b $mac_b, c $mac_c"
# mode = tap puts no route on the device: the segment is on-link through the addresses.
expect_eq "" "$(ip -n "$(ns_name a)" route show proto 160)" "routes of ogwd on a's device"

# (a) ARP across the bridge, (b) neighbour discovery.
gw_ping a 10.77.0.2
expect_eq "$mac_b" "$(neigh_mac a 10.77.0.2)" "a's neighbour entry for 10.77.0.2"
gw_ping a fd77::2
expect_eq "$mac_b" "$(neigh_mac a fd77::2)" "a's neighbour entry for fd77::2"

# (c) TCP through the bridge.
gw_iperf_tcp a 10.77.0.2 3 b

# (d) The MAC table.
expect_eq '["b"]' "$(mac_peers a "$mac_b")" "a's entries for b's MAC"
expect_eq '[null]' "$(mac_peers a "$mac_a")" "a's entries for its own MAC"
expect_eq '["peer"]' "$(json_get "$(ogw_json a macs)" \
    "[m[\"owner\"] for m in d[\"macs\"] if m[\"mac\"] == \"$mac_b\"]")" "owner of b's MAC on a"
expect_eq '["a"]' "$(mac_peers b "$mac_a")" "b's entries for a's MAC"
if schema_available; then
    check a ogw-macs macs
    check a ogw-stats stats
    rejects ogw-macs "a local entry naming a peer" "$(json_get "$(ogw_json a macs)" \
        '{"schema": 1, "macs": [dict(m, peer="b") for m in d["macs"] if m["owner"] == "local"]}')"
else
    log "python3 jsonschema missing: macs and stats not validated"
fi
out=$(ogw_cli a macs) || fail "ogw macs on a failed: $out"
expect_match "$mac_b +peer b " "$out" "the table of ogw macs on a"

# (e) c: first by flooding (the ARP request), then learnt.
flooded=$(tap_stat a 't["flooded"]')
to_peer=$(tap_stat a 't["to_peer"]')
gw_ping a 10.77.0.3
expect_eq "$mac_c" "$(neigh_mac a 10.77.0.3)" "a's neighbour entry for 10.77.0.3"
expect_eq '["c"]' "$(mac_peers a "$mac_c")" "a's entries for c's MAC"
n=$(tap_stat a 't["flooded"]')
((n > flooded)) || fail "a flooded nothing while it pinged c (flooded stayed $n)"
ok "a flooded $((n - flooded)) frame(s) while it pinged c"
n=$(tap_stat a 't["to_peer"]')
((n >= to_peer + 3)) || fail "a sent $((n - to_peer)) frame(s) to a single peer, expected >= 3"
ok "a sent $((n - to_peer)) frames to one peer while it pinged c"

# (g) A broadcast storm from a's side, bounded by a's flood limit.
before=$(ogw_json a stats)
t0=$(now_ms)
sent=$(in_ns a timeout 30 "$PYTHON" "$ETH_SEND" ogw0 ff:ff:ff:ff:ff:ff 0x88b5 plain 2000) ||
    fail "eth_send.py on a's ogw0 failed: $sent"
expect_eq 2000 "$(json_get "$sent" 'd["sent"]')" "broadcast frames sent on a's ogw0"
# ogwd has read the storm once its count of frames from the device stops moving.
rx=-1
until [[ $rx == "$(tap_stat a 't["tap_rx_frames"]')" ]]; do
    rx=$(tap_stat a 't["tap_rx_frames"]')
    (($(now_ms) - t0 < 10000)) || fail "a's tap_rx_frames still moving 10 s after the storm"
    sleep 0.2
done
after=$(ogw_json a stats)
elapsed=$(($(now_ms) - t0))
d_rx=$(tap_delta "$before" "$after" 't["tap_rx_frames"]')
d_flooded=$(tap_delta "$before" "$after" 't["flooded"]')
d_limited=$(tap_delta "$before" "$after" 't["drops"]["flood_limited"]')
log "storm: $d_rx frames read, $d_flooded flooded, $d_limited flood_limited in $elapsed ms"
((d_limited > 0)) || fail "no frame of the storm was dropped as flood_limited ($d_rx read)"
ok "$d_limited frames of the storm dropped as flood_limited"
bound=$((FLOOD_BURST + FLOOD_RATE * elapsed / 1000 + 5))
((d_flooded <= bound)) ||
    fail "a flooded $d_flooded frames in $elapsed ms; the limit allows $bound (burst $FLOOD_BURST, rate $FLOOD_RATE/s)"
ok "a flooded $d_flooded frames in $elapsed ms (at most $bound)"
((d_flooded + d_limited <= d_rx)) ||
    fail "flooded $d_flooded + flood_limited $d_limited > frames read $d_rx"

# (f) c's ogwd dies: a forgets c's MAC and resets the TCP connection to c.
start_bg srv c 60 "$PYTHON" "$TCPHOLD" server 7020
wait_line srv '^listening 7020$' 5000 >/dev/null
start_bg cli a 60 "$PYTHON" "$TCPHOLD" client 10.77.0.3 7020
wait_line cli '^connected 1 ' 10000 >/dev/null
expect_eq '["c"]' "$(mac_peers a "$mac_c")" "a's entries for c's MAC before the kill"
flushed=$(tap_stat a 't["macs_flushed"]')

t_kill=$(now_ms)
kill_ogwd c -9
log "killed ogwd c at $t_kill"
while [[ $(mac_peers a "$mac_c") != "[]" ]]; do
    (($(now_ms) - t_kill <= 3000)) || fail "a still lists c's MAC 3 s after the kill"
    sleep 0.05
done
expect_within_ms 0 3000 $(($(now_ms) - t_kill)) "from the kill to c's MAC gone from a's table"
n=$(tap_stat a 't["macs_flushed"]')
((n > flushed)) || fail "a's macs_flushed stayed $n"
ok "a flushed $((n - flushed)) MAC(s) of c"
reset=$(wait_line cli '^error 1 ' 4000 "$t_kill")
expect_eq "error 1 ECONNRESET" "$(line_text "$reset")" "how the connection to c ended"
expect_within_ms 0 3000 $(($(line_ts "$reset") - t_kill)) "from the kill to ECONNRESET"
expect_eq '["b"]' "$(mac_peers a "$mac_b")" "a's entries for b's MAC after c died"
gw_ping a 10.77.0.2
for s in a b; do
    expect_ogwd_alive "$s"
done
pass
