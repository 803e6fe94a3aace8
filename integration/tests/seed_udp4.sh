#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The upstream seed scenario over the UDP shim, IPv4: the oecho server answers once and
# deallocates; the client prints the reply, and its next read fails with -EFLOWPEER (-1006)
# within 1 s of the reply (upstream: blocks forever), and it exits non-zero.
#
#   ns a                                     ns b
#   oecho (client)                           oecho -l
#      |  OGW_SOCKET                            |  OGW_SOCKET
#   ogwd a  [ipcp.wan] udp                   ogwd b  [ipcp.wan] udp
#     bind 10.0.0.1:3435                       bind 10.0.0.2:3435
#     peer = oecho 10.0.0.2:3435
#      |                                        |
#   veth-b 10.0.0.1/24 <------ veth ------>  veth-a 10.0.0.2/24
#
# timeout: 60
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"

require_root
require_bin "$OGWD" "$OGW" "$OECHO"

A=10.0.0.1 B=10.0.0.2
make_ns a b
link_ns a b "$A/24" "$B/24"
write_config a "$(hostport $A)" "oecho $(hostport $B)"
write_config b "$(hostport $B)"
start_ogwd a
start_ogwd b

start_bg server b 20 "$OECHO" -l
wait_line server '^Starting the server\.$' 5000 >/dev/null

start_bg client a 10 "$OECHO"
reply=$(wait_line client '^Server replied with Client says hi!$' 5000)
failed=$(wait_line client '^Failed to read packet: -1006\.$' 3000)
expect_within_ms 0 1000 $(($(line_ts "$failed") - $(line_ts "$reply"))) \
    "from the reply to 'Failed to read packet: -1006.'"
rc=0
wait_bg client 5 || rc=$?
expect_nonzero "$rc" "oecho client exit status"
expect_ne 124 "$rc" "oecho client exit status (124: stopped by timeout)"

pass
