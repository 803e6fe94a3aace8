#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# What ogwd puts on the system for its gateway goes away with it: the TUN device with its
# addresses and routes after SIGTERM, and after SIGKILL (the device is not persistent, so the
# kernel removes it with the last fd). SIGHUP applies new route lines: a new route appears in
# the kernel and in the gateway, a removed one disappears. A device name already taken by
# another interface fails the start with an error naming it.
#
# timeout: 90
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/gateway.sh
source "$(dirname "$0")/../lib/gateway.sh"

require_root
require_bin "$OGWD" "$OGW"

gw_setup
ga=$(ns_name ga)
kernel_routes() {  # the routes through ogw0 on ga, one per line
    { ip -n "$ga" route show dev ogw0; ip -n "$ga" -6 route show dev ogw0; } 2>/dev/null |
        awk '{print $1}' | sort
}
expect_match '10\.2\.0\.0/24' "$(kernel_routes)" "kernel routes via ogw0 on ga"
expect_match 'fd02::/64' "$(kernel_routes)" "kernel routes via ogw0 on ga"

# SIGHUP: one route added, one removed.
sed -i 's|^route = 10.2.0.0/24 gb$|route = 10.5.0.0/24 gb|' "$(config_path ga)"
kill -HUP "$(ogwd_pid ga)"
routes_changed() {
    local r
    r=$(kernel_routes)
    [[ $r == *10.5.0.0/24* && $r != *10.2.0.0/24* ]]
}
poll_until 3000 routes_changed || fail "routes after SIGHUP: $(kernel_routes)"
ok "SIGHUP: 10.5.0.0/24 installed, 10.2.0.0/24 removed"
expect_eq '["10.5.0.0/24", "fd02::/64", "10.10.0.0/24", "fd10::/64"]' \
    "$(json_get "$(ogw_json ga peers)" '[p for p in d["peers"] if p["name"] == "gb"][0]["prefixes"]')" \
    "gb's prefixes in ogw peers on ga"

# SIGTERM: device, addresses and routes gone.
stop_ogwd ga
ip -n "$ga" link show ogw0 >/dev/null 2>&1 && fail "ogw0 still exists on ga after SIGTERM"
expect_eq "" "$(ip -n "$ga" -6 route show proto 160 2>/dev/null; ip -n "$ga" route show proto 160 2>/dev/null)" \
    "routes of ogw's protocol on ga after SIGTERM"
ok "ogw0 gone after SIGTERM"

# SIGKILL: the kernel removes the device with the daemon's last fd.
kill_ogwd gb -9
gone() { ! ip -n "$(ns_name gb)" link show ogw0 >/dev/null 2>&1; }
poll_until 2000 gone || fail "ogw0 still exists on gb 2 s after SIGKILL"
ok "ogw0 gone after SIGKILL"

# A device name held by another interface.
ip -n "$ga" link add ogw0 type veth peer name ogw0-peer
rc=0
out=$(ip netns exec "$ga" timeout 10 "$OGWD" --config "$(config_path ga)" --foreground 2>&1) || rc=$?
expect_nonzero "$rc" "ogwd exit status with ogw0 taken by a veth interface"
expect_match 'ogw0' "$out" "ogwd's error"
log "ogwd said: $(tail -n 1 <<<"$out")"
pass
