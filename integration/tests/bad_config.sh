#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 'ogwd --check-config': every bad config exits 1 with an error on stderr naming the file, the
# line and the key (design.md §5.1, docs/configuration.md); the design's example config exits 0.
# No root, no namespaces, no daemon.
#
#     FILE.conf ──> ogwd --check-config --config FILE.conf ──> exit 0 | exit 1 + "FILE:LINE: KEY: ..."
#
# timeout: 60
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"

require_cmd timeout
require_bin "$OGWD"

# check_bad CASE LINE KEY: writes stdin to CASE.conf; --check-config must exit 1 and print a line
# "CASE.conf:LINE: ..." that contains KEY.
check_bad() {
    local case=$1 line=$2 key=$3 file rc=0 err
    file="$TEST_DIR/$case.conf"
    cat >"$file"
    timeout 10 "$OGWD" --check-config --config "$file" >"$TEST_DIR/$case.out" \
        2>"$TEST_DIR/$case.err" || rc=$?
    err=$(cat "$TEST_DIR/$case.err")
    log "$case: exit $rc, stderr: $err"
    expect_rc 1 "$rc" "$case: exit status"
    grep -F -- "$file:$line: " "$TEST_DIR/$case.err" | grep -qF -- "$key" ||
        fail "$case: stderr has no line '$file:$line: ...$key...': $err"
    ok "$case: stderr names $file, line $line and $key"
}

check_bad unknown-key 3 node.nmae <<'CONF'
[node]
name = a
nmae = b
CONF

check_bad bad-address 6 ipcp.wan.bind <<'CONF'
[node]
name = a
[ipcp.wan]
type = udp
layer = wan
bind = 10.0.0.300:3435
CONF

# A missing key is reported at the line of its section's header.
check_bad missing-name 2 node.name <<'CONF'
# no name in [node]
[node]
log-level = info
[ipcp.wan]
type = udp
layer = wan
bind = 10.0.0.1:3435
CONF

check_bad duplicate-section 8 '[ipcp.wan]' <<'CONF'
[node]
name = a
[ipcp.wan]
type = udp
layer = wan
bind = 10.0.0.1:3435

[ipcp.wan]
type = udp
layer = wan
bind = 10.0.0.1:3436
CONF

check_bad unknown-section 3 '[tunnel]' <<'CONF'
[node]
name = a
[tunnel]
mtu = 1400
CONF

# A file that does not exist: exit 1, naming the path.
rc=0
timeout 10 "$OGWD" --check-config --config "$TEST_DIR/absent.conf" 2>"$TEST_DIR/absent.err" || rc=$?
expect_rc 1 "$rc" "absent file: exit status"
expect_match "$TEST_DIR/absent.conf" "$(cat "$TEST_DIR/absent.err")" "absent file: stderr"

# The example of design.md §5.1, as written there.
cat >"$TEST_DIR/design-example.conf" <<'CONF'
[node]
name = site-a                  # required; the name remote gateways allocate flows to
socket = /run/ogw/ogwd.sock    # control socket (mode 0660)
log-level = info               # error | warn | info | debug

[ipcp.wan]                     # one section per IPCP; its name follows "ipcp."
type = udp                     # udp | eth
layer = wan                    # layer name; both ends use the same
bind = 10.0.0.1:3435           # udp: local address:port; IPv6 as [fd00::1]:3435
peer = site-b 10.0.0.2:3435    # udp: static directory entry "NAME ADDR:PORT"; repeatable

[ipcp.lan]
type = eth
layer = lan
dev = veth0                    # eth: interface
ethertype = 0xa000             # eth: optional

[gateway]
mode = tun                     # tun | tap | off
dev = ogw0
address = 10.10.1.1/24         # repeatable; IPv4 and IPv6
mtu = auto                     # auto or a number
route = 10.10.2.0/24 site-b    # "PREFIX NAME"; repeatable; IPv4 and IPv6
flow-mapping = session         # session | peer
qos = raw                      # default cube for sessions: raw | best_effort | video | voice | data
peer-timeout = 3s              # flow liveness timeout (qosspec timeout); 0 = off
idle-timeout = 120s            # sessions without TCP state
alloc-timeout = 5s
max-sessions = 100000
CONF
rc=0
timeout 10 "$OGWD" --check-config --config "$TEST_DIR/design-example.conf" \
    >"$TEST_DIR/design-example.out" 2>"$TEST_DIR/design-example.err" || rc=$?
log "design example: exit $rc, stderr: $(cat "$TEST_DIR/design-example.err")"
expect_rc 0 "$rc" "design.md §5.1 example: exit status"

pass
