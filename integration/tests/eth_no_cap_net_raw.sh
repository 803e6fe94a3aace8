#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The Ethernet shim needs CAP_NET_RAW. ogwd started without it (dropped from the bounding and
# inheritable sets with setpriv) exits non-zero at once with an error that names the IPCP, the
# device and the capability; the configuration itself is valid (--check-config exits 0), and
# with the capability the same configuration starts.
#
#   ns a
#   ogwd a  [ipcp.lan] eth dev veth-b   (without CAP_NET_RAW, then with it)
#      |
#   veth-b <------ veth ------> veth-a (ns b, unused)
#
# timeout: 60
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/eth.sh
source "$(dirname "$0")/../lib/eth.sh"

require_root
require_cmd setpriv
require_bin "$OGWD" "$OGW"

make_ns a b
link_ns a b
write_eth_config a veth-b
conf=$(config_path a)

rc=0
timeout 10 ip netns exec "$(ns_name a)" "$OGWD" --config "$conf" --check-config \
    >"$TEST_DIR/check.out" 2>&1 || rc=$?
expect_rc 0 "$rc" "ogwd --check-config"

rc=0
timeout 10 ip netns exec "$(ns_name a)" setpriv --bounding-set -net_raw --inh-caps -net_raw \
    "$OGWD" --config "$conf" --foreground >"$TEST_DIR/nocap.log" 2>&1 || rc=$?
expect_nonzero "$rc" "ogwd without CAP_NET_RAW: exit status"
expect_ne 124 "$rc" "ogwd without CAP_NET_RAW: exit status (124: still running after 10 s)"
error=$(grep -E 'ipcp\.lan' "$TEST_DIR/nocap.log" || true)
expect_match 'ipcp\.lan: .*veth-b.*CAP_NET_RAW' "$error" "the error"
log "the error: $error"

start_ogwd a
expect_eq true "$(ipcp_field a link_up)" "with CAP_NET_RAW: a's [ipcp.lan] link_up"

pass
