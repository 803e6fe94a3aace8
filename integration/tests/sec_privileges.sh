#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Least privilege (issue 8 item 5): after setup ogwd keeps only CAP_NET_ADMIN and CAP_NET_RAW
# (CapEff = CapPrm = CapBnd = 0x3000, no_new_privs), and with '[node] user = nobody' it runs
# as that user; flows (and the TUN it opened before) still work. The control socket is mode
# 0660; state-changing requests (flow_dealloc, session_kill) are refused with -EPERM for a
# client that is not root, not ogwd's user and not in group ogw, while views stay open to it.
#
#   ns a: ogwd, user = nobody, TUN ogw0       ns b: ogwd (root), oecho -l
#   veth-b 10.0.0.1/24 <------ veth ------>  veth-a 10.0.0.2/24
#
# timeout: 60
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"

require_root
require_bin "$OGWD" "$OGW" "$OECHO"
require_cmd setpriv
id nobody >/dev/null 2>&1 || skip "no user 'nobody'"
# LeakSanitizer cannot stop the world of a process that switched user (not dumpable).
export ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0

A=10.0.0.1 B=10.0.0.2
make_ns a b
link_ns a b "$A/24" "$B/24"
write_config a "$(hostport $A)" "oecho $(hostport $B)"
sed -i 's/^\[node\]$/[node]\nuser = nobody/' "$(config_path a)"
cat >>"$(config_path a)" <<CONF

[gateway]
mode = tun
dev = ogw0
address = 10.10.1.1/24
CONF
write_config b "$(hostport $B)"
start_ogwd a
start_ogwd b

status_field() { # PID FIELD: the value of FIELD in /proc/PID/status, blanks squeezed
    awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ /, ""); print }' "/proc/$1/status"
}
nobody_uid=$(id -u nobody)
nobody_gid=$(id -g nobody)
pa=$(ogwd_pid a)
pb=$(ogwd_pid b)
expect_eq "$nobody_uid $nobody_uid $nobody_uid $nobody_uid" "$(status_field "$pa" Uid)" "ogwd a Uid"
expect_eq "$nobody_gid $nobody_gid $nobody_gid $nobody_gid" "$(status_field "$pa" Gid)" "ogwd a Gid"
for s in a b; do
    pid=$(ogwd_pid $s)
    expect_eq 0000000000003000 "$(status_field "$pid" CapEff)" "ogwd $s CapEff"
    expect_eq 0000000000003000 "$(status_field "$pid" CapPrm)" "ogwd $s CapPrm"
    expect_eq 0000000000003000 "$(status_field "$pid" CapBnd)" "ogwd $s CapBnd"
    expect_eq 0000000000000000 "$(status_field "$pid" CapInh)" "ogwd $s CapInh"
    expect_eq 1 "$(status_field "$pid" NoNewPrivs)" "ogwd $s NoNewPrivs"
done
expect_eq "0 0 0 0" "$(status_field "$pb" Uid)" "ogwd b Uid (no user configured)"
grep -q "dropped privileges: user nobody (uid $nobody_uid, gid $nobody_gid), capabilities cap_net_admin,cap_net_raw" \
    "$TEST_DIR/ogwd-a.log" || fail "ogwd a did not log its privilege drop"
ip -n "$(ns_name a)" link show ogw0 >/dev/null || fail "ogw0 missing in a"
ok "ogwd a runs as nobody, both keep only cap_net_admin,cap_net_raw"

# The control socket: 0660, group ogw if it exists, else ogwd's group at creation (root).
want_group=root
getent group ogw >/dev/null && want_group=ogw
for s in a b; do
    expect_eq "660 root $want_group" "$(stat -c '%a %U %G' "$(sock_path $s)")" "socket of $s"
done

# Flows work after the drop: the seed scenario from a (nobody) to b.
start_bg server b 20 "$OECHO" -l
wait_line server '^Starting the server\.$' 5000 >/dev/null
start_bg client a 10 "$OECHO"
wait_line client '^Server replied with Client says hi!$' 5000 >/dev/null
ok "oecho across the unprivileged ogwd"

# Access: a client with uid nobody and gid root (can connect through the group bit) is not
# allowed to change b's state; it may look.
as_other() { # NS ARGS...: ogw as uid nobody, gid 0, no supplementary groups
    local s=$1
    shift
    timeout "$CLI_TIMEOUT" ip netns exec "$(ns_name "$s")" \
        setpriv --reuid="$nobody_uid" --regid=0 --clear-groups \
        "$OGW" --socket "$(sock_path "$s")" "$@"
}
rc=0
out=$(as_other b flows 2>&1) || rc=$?
expect_eq 0 "$rc" "ogw flows as an unprivileged client: $out"
for cmd in "flow dealloc 1" "session kill 1"; do
    rc=0
    # shellcheck disable=SC2086
    out=$(as_other b $cmd 2>&1) || rc=$?
    expect_eq 1 "$rc" "ogw $cmd as an unprivileged client"
    expect_match "permission denied" "$out" "ogw $cmd as an unprivileged client"
done
grep -q "flow_dealloc refused: uid $nobody_uid" "$TEST_DIR/ogwd-b.log" ||
    fail "ogwd b did not log the refused flow_dealloc"
# Root is allowed (and gets the op's own answer), and so is ogwd's own user.
rc=0
out=$(ogw_cli b flow dealloc 999999 2>&1) || rc=$?
expect_no_match "permission denied" "$out" "ogw flow dealloc as root"
rc=0
out=$(as_other a flow dealloc 999999 2>&1) || rc=$?
expect_no_match "permission denied" "$out" "ogw flow dealloc as ogwd a's own user"
ok "state-changing requests need root, ogwd's user or group ogw"

pass
