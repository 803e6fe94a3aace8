#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The upstream seed scenario over the UDP shim, IPv6: the oecho server answers once and
# deallocates; the client prints the reply, and its next read fails with -EFLOWPEER (-1006)
# within 1 s of the reply (upstream: blocks forever), and it exits non-zero.
#
#   ns a                                     ns b
#   oecho (client)                           oecho -l
#      |  OGW_SOCKET                            |  OGW_SOCKET
#   ogwd a  [ipcp.wan] udp                   ogwd b  [ipcp.wan] udp
#     bind [fd00::1]:3435                      bind [fd00::2]:3435
#     peer = oecho [fd00::2]:3435
#      |                                        |
#   veth-b fd00::1/64 <------ veth ------>   veth-a fd00::2/64
#
# timeout: 60
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"

require_root
require_bin "$OGWD" "$OGW" "$OECHO"

A=fd00::1 B=fd00::2
make_ns a b
link_ns a b "$A/64" "$B/64"
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
