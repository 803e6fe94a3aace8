#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Anti-spoofing: packets arriving on a flow from gb whose inner source address is not routed to
# gb on ga are dropped and counted (drops.spoofed), and never reach ha. Here hb sends UDP to ha
# from an address of its own (10.99.0.5) that ga does not route to gb, from a new port each
# time; gb forwards each into the tunnel on a new session flow, which ga refuses.
#
# timeout: 60
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/gateway.sh
source "$(dirname "$0")/../lib/gateway.sh"

require_root
require_bin "$OGWD" "$OGW"

gw_setup
ip -n "$(ns_name hb)" addr add 10.99.0.5/32 dev "$(veth_name hb gb)"
start_bg sink ha 30 "$PYTHON" -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 9000))
print("ready", flush=True)
while True:
    data, peer = s.recvfrom(2048)
    print("from", peer[0], data.decode(), flush=True)
'
wait_line sink '^ready$' 5000 >/dev/null
send() {  # send SRC N
    in_ns hb timeout 10 "$PYTHON" -c '
import socket, sys, time
src, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # a new session each
    s.bind((src, 0))
    s.sendto(b"packet %d" % i, ("'"$HA4"'", 9000))
    time.sleep(0.01)
' "$1" "$2"
}
t0=$(now_ms)
send 10.99.0.5 20
send "$HB4" 5
wait_line sink "^from $HB4 packet 4\$" 3000 "$t0" >/dev/null
ok "packets from hb's own site address cross"
expect_eq 0 "$(count_lines sink '^from 10\.99\.0\.5 ')" "spoofed packets that reached ha"
spoofed=$(gw_stat ga 'st["drops"]["spoofed"]')
((spoofed >= 20)) || fail "drops.spoofed on ga is $spoofed, expected at least 20"
ok "ga dropped and counted $spoofed spoofed packets"
expect_eq '[]' "$(gw_sessions ga 's["src"] == "10.99.0.5" or s["dst"] == "10.99.0.5"')" \
    "sessions on ga for the spoofed address"
pass
