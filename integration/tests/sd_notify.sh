#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# systemd's notification protocol (Type=notify, WatchdogSec=): with $NOTIFY_SOCKET set, ogwd
# says READY=1 once it is up; with $WATCHDOG_USEC too, it sends WATCHDOG=1 every half of that
# from its event loop; on SIGTERM it says STOPPING=1. A listener on a datagram socket plays
# systemd.
#
#   ns a: ogwd (NOTIFY_SOCKET=$TEST_DIR/notify.sock WATCHDOG_USEC=400000)
#   listener: python3, AF_UNIX datagrams on $TEST_DIR/notify.sock, one line per message
#
# timeout: 60
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"

require_root
require_bin "$OGWD" "$OGW"

NOTIFY="$TEST_DIR/notify.sock"
cat >"$TEST_DIR/listen.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("listening", flush=True)
while True:
    msg = s.recv(4096).decode(errors="replace")
    print(msg.replace("\n", " | "), flush=True)
PY

make_ns a
write_config a "127.0.0.1:3435"
start_bg listener a 30 "$PYTHON" "$TEST_DIR/listen.py" "$NOTIFY"
wait_line listener '^listening$' 5000 >/dev/null
NOTIFY_SOCKET="$NOTIFY" WATCHDOG_USEC=400000 start_ogwd a
wait_line listener '^READY=1 \| STATUS=running$' 3000 >/dev/null
ok "ogwd said READY=1"
t0=$(now_ms)
sleep 1.5
watchdogs=$(grep -c ' WATCHDOG=1$' "$TEST_DIR/listener.log" || true)
# One at start and one every 200 ms: about 8 in 1.5 s; at least 5 leaves room for a slow box.
((watchdogs >= 5)) || fail "$watchdogs WATCHDOG=1 messages in 1.5 s, expected >= 5 (every 200 ms)"
ok "$watchdogs WATCHDOG=1 messages in the 1.5 s after ready (WATCHDOG_USEC=400000)"
grep -q 'systemd watchdog: WATCHDOG=1 every 200 ms' "$TEST_DIR/ogwd-a.log" ||
    fail "ogwd did not log its watchdog interval"
stop_ogwd a
wait_line listener '^STOPPING=1$' 3000 "$t0" >/dev/null
ok "ogwd said STOPPING=1 on SIGTERM"
pass
