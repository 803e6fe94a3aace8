#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Destinations the gateway cannot reach are answered with ICMP destination unreachable:
#  - no route line covers the destination (a kernel route sends it into ogw0 anyway): at once;
#  - the route names a gateway nobody serves: within alloc-timeout (1 s here).
# IPv4 and IPv6, seen by ping on the host behind the gateway.
#
# timeout: 90
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/gateway.sh
source "$(dirname "$0")/../lib/gateway.sh"

require_root
require_cmd ping
require_bin "$OGWD" "$OGW"

gw_setup "alloc-timeout = 1s" "route = 10.4.0.0/24 nobody" "route = fd04::/64 nobody"
ip -n "$(ns_name ga)" route add 10.3.0.0/24 dev ogw0
ip -n "$(ns_name ga)" -6 route add fd03::/64 dev ogw0

# unreachable DST REGEX MAX_MS: one ping from ha to DST gets an ICMP error matching REGEX
# within MAX_MS.
unreachable() {
    local dst=$1 re=$2 max=$3 t0 out rc=0
    t0=$(now_ms)
    out=$(in_ns ha timeout 10 ping -c 1 -W 5 "$dst" 2>&1) || rc=$?
    local took=$(($(now_ms) - t0))
    expect_nonzero "$rc" "ping $dst exit status"
    expect_match "$re" "$out" "ping $dst"
    expect_within_ms 0 "$max" "$took" "ping $dst answered"
}
unreachable 10.3.0.1 'Destination Net Unreachable' 500
unreachable fd03::1 'Destination unreachable: No route' 500
unreachable 10.4.0.1 'Destination Host Unreachable' 1800
unreachable fd04::1 'Destination unreachable: Address unreachable' 1800
(($(gw_stat ga 'st["drops"]["no_route"]') >= 2)) || fail "no_route drops on ga: $(gw_stat ga 'st["drops"]')"
ok "no_route drops counted on ga"
(($(gw_stat ga 'st["flow_alloc_failures"]') >= 2)) ||
    fail "flow_alloc_failures on ga: $(gw_stat ga 'st["flow_alloc_failures"]')"
ok "allocation failures counted on ga"
pass
