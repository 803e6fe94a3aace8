#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Link state over the UDP shim: the IPCP follows the interface its bind address lives on. 'ip
# link set DEV down' on a's turns a's flow `down` within 200 ms ('ogw --json flows') and a's
# application gets FLOW_DOWN; b's flow goes `down` when its veth loses carrier (the kernel's
# link watch reports that within about 1 s); 'ip link set DEV up' brings the same flow back to
# `allocated` on both sides (FLOW_UP) and traffic resumes on it, without a new allocation.
#
#   ns a                                     ns b
#   oping -l (prints link down/up events)    flowhold -n oping -T 5s -w 50ms
#      |  OGW_SOCKET                            |  OGW_SOCKET
#   ogwd a  [ipcp.wan] udp                   ogwd b  [ipcp.wan] udp
#     bind 10.0.0.1:3435                       bind 10.0.0.2:3435
#      |                                       peer = oping 10.0.0.1:3435
#   veth-b 10.0.0.1/24 <------ veth ------>  veth-a 10.0.0.2/24
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

A=10.0.0.1 B=10.0.0.2
make_ns a b
link_ns a b "$A/24" "$B/24"
write_config a "$(hostport $A)"
write_config b "$(hostport $B)" "oping $(hostport $A)"
start_ogwd a
start_ogwd b
expect_eq true "$(ipcp_field a link_up wan)" "a's [ipcp.wan] link_up"

link_down_and_up_test

pass
