#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The TUN gateway over encrypted flows: with [security] on both gateways, ping and a UDP
# datagram carrying a marker cross from host A to host B; a capture of the underlay between
# the gateways (tcpdump -w in ga's namespace) never contains the marker; the TUN MTU (mtu =
# auto) is 24 bytes smaller than without encryption (1440 instead of 1464 on a 1500 underlay);
# TCP works through the smaller MTU (iperf3 when installed).
#
#   ns ha -- ns ga (ogwd, TUN) ==== sealed flows over udp ==== ns gb (ogwd, TUN) -- ns hb
#                      tcpdump -w underlay.pcap
#
# timeout: 90
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/gateway.sh
source "$(dirname "$0")/../lib/gateway.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/security.sh
source "$(dirname "$0")/../lib/security.sh"

require_root
require_bin "$OGWD" "$OGW"
require_cmd tcpdump ping

MARKER='ogw-sec-gateway-marker-7f3a'
declare -A PUB=()
PUB[ga]=$(sec_genkey ga)
PUB[gb]=$(sec_genkey gb)
gw_extra_config() {
    local s=$1 other
    other=$([[ $s == ga ]] && echo gb || echo ga)
    printf '\n[security]\nprivate-key = %s\npeer-key = %s %s\n' "$TEST_DIR/$s.key" "$other" \
        "${PUB[$other]}"
}
gw_setup

expect_eq 1440 "$(json_get "$(ip -n "$(ns_name ga)" -j link show ogw0)" 'd[0]["mtu"]')" \
    "ogw0 mtu on ga (auto, sealed)"

start_bg capture ga 60 tcpdump -i "$(veth_name ga gb)" --immediate-mode -U -n \
    -w "$TEST_DIR/underlay.pcap" udp port 3435
wait_line capture 'listening on' 5000 >/dev/null

gw_ping ha "$HB4"
gw_ping ha "$HB6"

cat >"$TEST_DIR/udp_recv.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 7777))
print("listening", flush=True)
data, addr = s.recvfrom(2048)
print("got " + data.decode(errors="replace"), flush=True)
PY
start_bg udprecv hb 20 "$PYTHON" "$TEST_DIR/udp_recv.py"
wait_line udprecv '^listening$' 5000 >/dev/null
for _ in 1 2 3; do
    in_ns ha "$PYTHON" -c "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'$MARKER', ('$HB4', 7777))"
    find_line udprecv "^got $MARKER\$" >/dev/null && break
    sleep 0.3
done
wait_line udprecv "^got $MARKER\$" 3000 >/dev/null
ok "the marker crossed the encrypted gateway"

if command -v iperf3 >/dev/null 2>&1; then
    gw_iperf_tcp ha "$HB4" 2
fi
sleep 0.3
kill_bg capture -INT
wait_bg capture 5 || true

payloads=$(sec_udp_payloads "$TEST_DIR/underlay.pcap" 8)
n=$(grep -c . <<<"$payloads" || true)
((n >= 10)) || fail "the capture holds only $n ogw messages"
if grep -qaF "$MARKER" "$TEST_DIR/underlay.pcap"; then
    fail "the marker is in the underlay capture"
fi
plain=$(cut -c1-4 <<<"$payloads" | grep -v '^01[89a-f]' | head -n1 || true)
[[ -z $plain ]] || fail "a plain ogw message on the underlay (type bytes $plain)"
ok "$n ogw messages on the underlay, all sealed or handshakes, no marker"
for s in ga gb; do
    expect_eq 0 "$(sec_drop $s auth_failed)" "$s drops.auth_failed"
    expect_eq 0 "$(sec_drop $s replayed)" "$s drops.replayed"
done
pass
