#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The upstream seed scenario over the Ethernet shim: no directory is configured, a finds the
# oecho server by a broadcast NAME_QUERY that b answers. The server answers once and
# deallocates; the client prints the reply, and its next read fails with -EFLOWPEER (-1006)
# within 1 s of the reply, and it exits non-zero. a's [ipcp.lan] then lists oecho at b's MAC.
#
#   ns a                                     ns b
#   oecho (client)                           oecho -l
#      |  OGW_SOCKET                            |  OGW_SOCKET
#   ogwd a  [ipcp.lan] eth dev veth-b        ogwd b  [ipcp.lan] eth dev veth-a
#      |     ethertype 0xa000 (default)         |
#   veth-b <------------------ veth ------> veth-a
#
# timeout: 60
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/eth.sh
source "$(dirname "$0")/../lib/eth.sh"

require_root
require_bin "$OGWD" "$OGW" "$OECHO"

make_ns a b
link_ns a b
write_eth_config a veth-b
write_eth_config b veth-a
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
expect_eq 1 "$(count_lines client '^Server replied with')" "reply lines"

# The name was resolved by broadcast: a's directory holds oecho at b's MAC.
directory=$(ipcp_field a directory)
expect_eq "$(mac_of b veth-a)" "$(json_get "$directory" '[e["address"] for e in d if e["name"] == "oecho"][0]')" \
    "a's directory entry for oecho"

pass
