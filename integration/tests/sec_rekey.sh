#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Rekeying live encrypted flows (docs/security.md §6.1): with rekey-after = 1s, an oping run of
# 6 s over one sealed flow loses nothing while the flow's keys are renewed several times; both
# nodes count the same rekeys (read once the flow is gone), sealed REKEY messages (type 0x88)
# cross the underlay, and nothing is counted as an authentication failure or replay.
#
#   ns a                                     ns b
#   oping -n oping -c 600 -i 10ms            oping -l
#   ogwd a [security] rekey-after = 1s       ogwd b [security] rekey-after = 1s
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
require_bin "$OGWD" "$OGW" "$OPING"
require_cmd tcpdump

A=10.0.0.1 B=10.0.0.2
make_ns a b
link_ns a b "$A/24" "$B/24"
pub_a=$(sec_genkey a)
pub_b=$(sec_genkey b)
write_config a "$(hostport $A)" "oping $(hostport $B)" "b $(hostport $B)"
sec_config a a b "$pub_b"
echo "rekey-after = 1s" >>"$(config_path a)"
write_config b "$(hostport $B)"
sec_config b b a "$pub_a"
echo "rekey-after = 1s" >>"$(config_path b)"
start_ogwd a
start_ogwd b

start_bg capture a 30 tcpdump -i "$(veth_name a b)" --immediate-mode -U -n -w "$TEST_DIR/underlay.pcap" udp port 3435
wait_line capture 'listening on' 5000 >/dev/null
start_bg server b 40 "$OPING" -l
wait_line server '^oping server: serving oping\.$' 5000 >/dev/null

oping_all a oping 600 10ms "6 s over the sealed flow" 30
sleep 0.3
kill_bg capture -INT
wait_bg capture 5 || true

rekeys_a=$(sec_wan a '["rekeys"]')
rekeys_b=$(sec_wan b '["rekeys"]')
((rekeys_a >= 3)) || fail "ogwd a renewed the flow's keys $rekeys_a times in 6 s, expected >= 3"
ok "ogwd a renewed the flow's keys $rekeys_a times"
expect_eq "$rekeys_a" "$rekeys_b" "rekeys at b (the same exchanges)"
# Not one per offer and answer: a REKEY sent in a UDP GSO batch behind a DATA message is the
# tail of that super-packet in the capture, which shows only its first datagram's header.
offers=$(sec_udp_payloads "$TEST_DIR/underlay.pcap" 2 | grep -c '^0188' || true)
((offers >= 1)) || fail "no sealed REKEY message (type 0x88) captured"
ok "$offers sealed REKEY messages (offers and answers) seen on the underlay"
for s in a b; do
    for reason in auth_failed replayed unauthorized not_encrypted; do
        expect_eq 0 "$(sec_drop $s $reason)" "ogwd $s drops.$reason"
    done
done
pass
