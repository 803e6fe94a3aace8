#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Forged and replayed input on an encrypted flow (issue 8 acceptance). While oping runs from A
# to B over a sealed flow, a third namespace C on the underlay sends B datagrams that claim to
# come from A's address and port (IP_TRANSPARENT) and carry B's valid endpoint id:
#   - sealed DEALLOC, KEEPALIVE and DATA with forged contents   -> drops.auth_failed = 3
#   - plain v1 FLOW_DEALLOC for the flow                         -> drops.not_encrypted = 1
#   - a plain unknown-endpoint dealloc naming A's eid: only a hint -> restart_probes = 1: B
#     probes A with a sealed keepalive, A answers, nothing else happens (restarts_detected 0)
#   - every sealed DATA captured from A to B (tcpdump), resent   -> drops.replayed = their number
# The flow stays allocated on both ends and oping keeps getting replies.
#
#   ns a                       ns b                                  ns c
#   oping -n oping             oping -l                              forge.py
#   ogwd a 10.0.0.1 <--veth--> 10.0.0.2 ogwd b 10.0.9.2 <--veth--> 10.0.9.1 (src 10.0.0.1)
#
# timeout: 90
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/security.sh
source "$(dirname "$0")/../lib/security.sh"

require_root
require_bin "$OGWD" "$OGW" "$OPING"
require_cmd tcpdump

REPLY='^[0-9]+ bytes from oping: seq=[0-9]+ time='
A=10.0.0.1 B=10.0.0.2 C=10.0.9.1 BC=10.0.9.2
make_ns a b c
link_ns a b "$A/24" "$B/24"
link_ns c b "$C/24" "$BC/24"
ip -n "$(ns_name c)" route add 10.0.0.0/24 via "$BC"
# B takes A's address arriving from C's side (no reverse-path filter): the spoofing case.
ip netns exec "$(ns_name b)" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
    "net.ipv4.conf.$(veth_name b c).rp_filter=0"

pub_a=$(sec_genkey a)
pub_b=$(sec_genkey b)
write_config a "$(hostport $A)" "oping $(hostport $B)" "b $(hostport $B)"
sec_config a a b "$pub_b"
write_config b "$(hostport $B)"
sec_config b b a "$pub_a"
start_ogwd a
start_ogwd b

start_bg capture b 60 tcpdump -i "$(veth_name b a)" --immediate-mode -U -n -w "$TEST_DIR/a_to_b.pcap" \
    src host $A and udp port 3435
wait_line capture 'listening on' 5000 >/dev/null
start_bg pingsrv b 80 "$OPING" -l
wait_line pingsrv '^oping server: serving oping\.$' 5000 >/dev/null
start_bg ping a 80 "$OPING" -n oping -i 100ms
wait_line ping "$REPLY" 5000 >/dev/null
sleep 1
kill_bg capture -INT
wait_bg capture 5 || true

flow=$(flows_where b 'f["state"] == "allocated"')
eid_b=$(json_get "$flow" 'd[0]["local_eid"]')
eid_a=$(json_get "$flow" 'd[0]["remote_eid"]')
sec_udp_payloads "$TEST_DIR/a_to_b.pcap" | grep '^0180' >"$TEST_DIR/replay.hex" || true
replays=$(grep -c . "$TEST_DIR/replay.hex" || true)
((replays >= 5)) || fail "captured only $replays sealed DATA messages from a to b"
log "b's eid $eid_b, a's eid $eid_a, $replays sealed DATA messages to replay"

cat >"$TEST_DIR/forge.py" <<'PY'
# forge.py SRC DST PORT EID_B EID_A REPLAY_HEX: datagrams from SRC:PORT (not our address:
# IP_TRANSPARENT) to DST:PORT, docs/protocol.md and docs/security.md layouts.
import os, socket, struct, sys
src, dst, port, eid_b, eid_a, replay = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
    int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_IP, 19, 1)  # IP_TRANSPARENT: send from an address that is not ours
s.bind((src, port))
def send(m):
    s.sendto(m, (dst, port))
def sealed(t, body_len):  # header, counter field, "ciphertext", "tag": all forged
    n = 8 + 8 + body_len + 16
    return struct.pack(">BBHIQ", 1, 0x80 | t, n, eid_b, 7) + os.urandom(body_len + 16)
send(sealed(3, 8))    # FLOW_DEALLOC
send(sealed(5, 12))   # KEEPALIVE
send(sealed(0, 64))   # DATA
send(struct.pack(">BBHIIB3x", 1, 3, 16, eid_b, eid_a, 1))  # plain FLOW_DEALLOC, closed
send(struct.pack(">BBHIIB3x", 1, 3, 16, 0, eid_a, 3))      # unknown_endpoint dealloc
n = 0
for line in open(replay):
    send(bytes.fromhex(line.strip()))
    n += 1
print("sent 5 forged and %d replayed datagrams" % n)
PY
ip netns exec "$(ns_name c)" "$PYTHON" "$TEST_DIR/forge.py" $A $B 3435 "$eid_b" "$eid_a" \
    "$TEST_DIR/replay.hex" || fail "forge.py failed"
sleep 1.5  # past the probe window (at most 1 s)

expect_eq 3 "$(sec_drop b auth_failed)" "b drops.auth_failed (forged dealloc, keepalive, data)"
expect_eq 1 "$(sec_drop b not_encrypted)" "b drops.not_encrypted (plain dealloc)"
expect_eq 1 "$(sec_wan b '["restart_probes"]')" "b's probes after the unknown-endpoint hint"
expect_eq 0 "$(sec_wan b '["restarts_detected"]')" "b's peers found restarted"
expect_eq "$replays" "$(sec_drop b replayed)" "b drops.replayed (replayed data)"
expect_eq '["allocated"]' "$(flows_where b 'True' state)" "b's flow state"
expect_eq '["allocated"]' "$(flows_where a 'f["remote_name"] == "oping"' state)" "a's flow state"
after=$(now_ms)
wait_line ping "$REPLY" 3000 "$after" >/dev/null
ok "forged and replayed datagrams changed nothing and were counted"
pass
