#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Real traffic through two TUN gateways over the UDP shim (IPv4 underlay), IPv4 and IPv6:
# ping, a 10 s iperf3 TCP run, a 50 MiB HTTP download (python3 http.server + curl, checksum
# compared) and a rate-bounded iperf3 UDP run (< 1 % loss), between the hosts behind the
# gateways (ha -> hb) and between the gateway hosts themselves (ga -> gb's tunnel address).
# Topology: integration/lib/gateway.sh.
#
# timeout: 240
# run-serial: true
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/gateway.sh
source "$(dirname "$0")/../lib/gateway.sh"

require_root
require_cmd ping iperf3 curl sha256sum
require_bin "$OGWD" "$OGW"
OGWD_LOG_LEVEL=info
gw_setup "peer-timeout = 5s"

for fam in 4 6; do
    hb=HB$fam gb=GB$fam
    hb=${!hb} gb=${!gb}
    log "--- IPv$fam inside the tunnel"
    gw_ping ha "$hb"
    gw_ping ga "$gb"
    gw_iperf_tcp ha "$hb" 10
    gw_iperf_tcp ga "$gb" 3
    gw_http_download ha "$hb" 50
    gw_iperf_udp ha "$hb" 5 50M
    gw_iperf_udp ga "$gb" 3 50M
done

# The contract's fields (design.md §5.2), checked while a session is open.
start_bg pinger ha 30 ping -i 0.2 "$HB4"
wait_line pinger 'bytes from' 5000 >/dev/null
sessions=$(ogw_json ga sessions)
json_get "$sessions" 'all(set(["id", "proto", "src", "sport", "dst", "dport", "peer", "flow_id",
    "state", "age_ms", "idle_ms", "tx_packets", "tx_bytes", "rx_packets", "rx_bytes"]) <= set(s)
    for s in d["sessions"]) and len(d["sessions"]) > 0 and d["schema"] == 1' | grep -qx true ||
    fail "ogw --json sessions lacks contract fields: $sessions"
ok "ogw --json sessions has every contract field"
icmp=$(json_get "$sessions" '[s for s in d["sessions"] if s["proto"] == "icmp"][0]')
expect_eq "established gb $HA4 $HB4"     "$(json_get "$icmp" '" ".join([d["state"], d["peer"], d["src"], d["dst"]])')" "the ping's session"
kill_bg pinger
stats=$(ogw_json ga stats)
json_get "$stats" '(set(["sessions_opened", "sessions_active", "teardowns", "drops",
    "flows_allocated", "flow_alloc_failures"]) <= set(d["stats"]) and
    set(["tcp_close", "tcp_reset", "idle", "peer_dealloc", "peer_timeout", "link_down",
    "alloc_failed", "evicted", "admin"]) <= set(d["stats"]["teardowns"]))' | grep -qx true ||
    fail "ogw --json stats lacks contract fields: $stats"
ok "ogw --json stats has every contract field"
# The hosts' SYNs announce an MSS for their 1500-byte links: the gateways clamp it.
(($(gw_stat ga 'st["mss_clamped"]') > 0)) || fail "ga clamped no MSS"
ok "ga clamped the MSS of $(gw_stat ga 'st["mss_clamped"]') SYN segments"

# Every session above had a flow of its own; the gateways counted them.
opened=$(gw_stat ga 'st["sessions_opened"]')
((opened >= 10)) || fail "ga opened only $opened sessions"
ok "ga opened $opened sessions"
expect_eq 0 "$(gw_stat ga 'sum(v for k, v in st["drops"].items() if k.startswith("malformed"))')" \
    "malformed packets on ga"
pass
