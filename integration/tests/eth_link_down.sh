#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Link state over the Ethernet shim: 'ip link set DEV down' on the interface under a's eth IPCP
# turns a's flow `down` within 200 ms, as 'ogw --json flows' shows, and a's application gets
# FLOW_DOWN; b's flow goes `down` too when b's veth loses carrier, which the kernel reports
# through its link watch, batched up to 1 s (so: within 1.5 s). 'ip link set DEV up' brings the
# same flow back to `allocated` on both sides (FLOW_UP) and traffic resumes on it, without a new
# allocation.
#
#   ns a                                     ns b
#   oping -l (prints link down/up events)    flowhold -n oping -T 5s -w 50ms
#      |  OGW_SOCKET                            |  OGW_SOCKET
#   ogwd a  [ipcp.lan] eth dev veth-b        ogwd b  [ipcp.lan] eth dev veth-a
#      |                                        |
#   veth-b  <----------------- veth ------> veth-a
#   (set down, then up)
#
# timeout: 60
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/eth.sh
source "$(dirname "$0")/../lib/eth.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/link_state.sh
source "$(dirname "$0")/../lib/link_state.sh"

require_root
require_bin "$OGWD" "$OGW" "$OPING" "$FLOWHOLD"

make_ns a b
link_ns a b
write_eth_config a veth-b
write_eth_config b veth-a
start_ogwd a
start_ogwd b

link_down_and_up_test

pass
