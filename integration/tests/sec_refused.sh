#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Refusals (issue 8 acceptance):
# 1. A's key is not listed at B (B lists another key for "a"): oecho on A fails with -EAUTH
#    (-1009), B counts it ('ogw --json ipcps' drops.unauthorized) and logs the key it refused.
# 2. A has a wrong key for B (C's): the allocation fails with -EAUTH; B logs that the request
#    was not made for its key (drops.auth_failed), A logs the refusal with B's answer.
# B holds no flow afterwards.
#
#   ns a                                     ns b
#   oecho (client)                           oecho -l
#   veth-b 10.0.0.1/24 <------ veth ------>  veth-a 10.0.0.2/24
#
# timeout: 60
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/security.sh
source "$(dirname "$0")/../lib/security.sh"

require_root
require_bin "$OGWD" "$OGW" "$OECHO"

A=10.0.0.1 B=10.0.0.2
make_ns a b
link_ns a b "$A/24" "$B/24"
pub_a=$(sec_genkey a)
pub_b=$(sec_genkey b)
pub_c=$(sec_genkey c)

configure() { # A_KEY_FOR_B B_KEY_FOR_A
    write_config a "$(hostport $A)" "oecho $(hostport $B)" "b $(hostport $B)"
    sec_config a a b "$1"
    write_config b "$(hostport $B)"
    sec_config b b a "$2"
}

# --- 1. a's key is not listed at b
configure "$pub_b" "$pub_c"
start_ogwd a
start_ogwd b
start_bg server b 30 "$OECHO" -l
wait_line server '^Starting the server\.$' 5000 >/dev/null
start_bg client a 10 "$OECHO"
wait_line client '^Failed to allocate flow: -1009\.$' 5000 >/dev/null
expect_eq 1 "$(sec_drop b unauthorized)" "b drops.unauthorized"
grep -q "refused a flow request from 'a': its key $pub_a is not listed" "$TEST_DIR/ogwd-b.log" ||
    fail "ogwd b did not log the refused key"
grep -q "refused the allocation: -EAUTH" "$TEST_DIR/ogwd-a.log" ||
    fail "ogwd a did not log the refusal"
expect_eq '[]' "$(flows_where b 'True' state)" "flows on b"
ok "an unlisted key is refused with -EAUTH and counted"
kill_bg server
stop_ogwd a
stop_ogwd b

# --- 2. a has a wrong key for b
configure "$pub_c" "$pub_a"
start_ogwd a
start_ogwd b
start_bg server2 b 30 "$OECHO" -l
wait_line server2 '^Starting the server\.$' 5000 >/dev/null
start_bg client2 a 10 "$OECHO"
wait_line client2 '^Failed to allocate flow: -1009\.$' 5000 >/dev/null
expect_eq 1 "$(sec_drop b auth_failed)" "b drops.auth_failed"
grep -q "it was not made for this node's key $pub_b (the requester's peer-key for this node is wrong)" \
    "$TEST_DIR/ogwd-b.log" || fail "ogwd b did not log the wrong key"
expect_eq '[]' "$(flows_where b 'True' state)" "flows on b"
ok "a wrong key for the responder fails the allocation with a clear log line"
pass
