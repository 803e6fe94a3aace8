#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Encrypted flows (issue 8 acceptance): with [security] on both nodes (keys from ogw genkey /
# ogw pubkey, encryption = required by default) the seed scenario works, and a capture of the
# underlay (tcpdump -w in A's namespace) never contains the marker "Client says hi!" nor the
# reply: every ogw message on the wire is in its secure form (type byte with bit 7 set).
# Nothing is counted as an authentication failure.
#
#   ns a                                     ns b
#   oecho (client)                           oecho -l
#   ogwd a [security] peer-key = b ...       ogwd b [security] peer-key = a ...
#     peer = oecho 10.0.0.2, b 10.0.0.2
#   veth-b 10.0.0.1/24 <------ veth ------>  veth-a 10.0.0.2/24
#   tcpdump -w underlay.pcap
#
# timeout: 60
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/security.sh
source "$(dirname "$0")/../lib/security.sh"

require_root
require_bin "$OGWD" "$OGW" "$OECHO"
require_cmd tcpdump

MARKER='Client says hi!'
A=10.0.0.1 B=10.0.0.2
make_ns a b
link_ns a b "$A/24" "$B/24"
pub_a=$(sec_genkey a)
pub_b=$(sec_genkey b)
write_config a "$(hostport $A)" "oecho $(hostport $B)" "b $(hostport $B)"
sec_config a a b "$pub_b"
write_config b "$(hostport $B)"
sec_config b b a "$pub_a"
start_ogwd a
start_ogwd b
grep -q "encryption required: public key $pub_a, 1 peer key(s)" "$TEST_DIR/ogwd-a.log" ||
    fail "ogwd a did not log its key"

start_bg capture a 30 tcpdump -i "$(veth_name a b)" --immediate-mode -U -n -w "$TEST_DIR/underlay.pcap" udp port 3435
wait_line capture 'listening on' 5000 >/dev/null

start_bg server b 20 "$OECHO" -l
wait_line server '^Starting the server\.$' 5000 >/dev/null
start_bg client a 10 "$OECHO"
wait_line client "^Server replied with $MARKER\$" 5000 >/dev/null
wait_line client '^Failed to read packet: -1006\.$' 3000 >/dev/null
sleep 0.3
kill_bg capture -INT
wait_bg capture 5 || true

payloads=$(sec_udp_payloads "$TEST_DIR/underlay.pcap")
n=$(grep -c . <<<"$payloads" || true)
((n >= 6)) || fail "the capture holds $n ogw messages, expected at least 6 (request, reply, data, dealloc, ack)"
ok "captured $n ogw messages on the underlay"
if grep -qaF "$MARKER" "$TEST_DIR/underlay.pcap"; then
    fail "the marker '$MARKER' is in the underlay capture"
fi
marker_hex=$(printf '%s' "$MARKER" | od -An -tx1 | tr -d ' \n')
expect_no_match "$marker_hex" "$payloads" "captured payloads (hex)"
plain=$(cut -c1-4 <<<"$payloads" | grep -v '^01[89a-f]' | head -n1 || true)
[[ -z $plain ]] || fail "a plain ogw message on the underlay (type bytes $plain)"
ok "every message on the underlay is in its secure form"
grep -q '^0181' <<<"$payloads" || fail "no FLOW_REQ with initiation (0x81) captured"
grep -q '^0180' <<<"$payloads" || fail "no sealed DATA (0x80) captured"

for s in a b; do
    for reason in auth_failed replayed unauthorized not_encrypted; do
        expect_eq 0 "$(sec_drop $s $reason)" "ogwd $s drops.$reason"
    done
done
pass
