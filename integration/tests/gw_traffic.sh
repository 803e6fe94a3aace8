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

# Every session above had a flow of its own; the gateways counted them.
opened=$(gw_stat ga 'st["sessions_opened"]')
((opened >= 10)) || fail "ga opened only $opened sessions"
ok "ga opened $opened sessions"
expect_eq 0 "$(gw_stat ga 'sum(v for k, v in st["drops"].items() if k.startswith("malformed"))')" \
    "malformed packets on ga"
pass
