#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# package/deb_install: installs the .deb packages on this machine and takes them away again.
#   1. apt-get install ./ogw_*.deb ./ogw-dev_*.deb (dependencies resolved by apt); the 'ogw'
#      system user, the conffile, the enabled unit and the ldconfig trigger are checked.
#   2. The installed ogwd --check-config accepts the shipped /etc/ogw/ogwd.conf; ogwd --version
#      and ogw --version print the project version.
#   3. The installed ogwd runs in a network namespace as ogwd.service would run it: user ogw,
#      only CAP_NET_ADMIN and CAP_NET_RAW (setpriv, ambient capabilities), the socket in a
#      0750 ogw:ogw directory (RuntimeDirectory=); with a TUN gateway when user ogw may open
#      /dev/net/tun (udev makes it 0666 on Debian). 'ogw status' answers root and a member of
#      group ogw, and refuses (exit 3) a user outside the group.
#   4. A C and a C++ program built with pkg-config ogw-flow against ogw-dev allocate a flow
#      through that ogwd with libogw.so.0 and get -ENAME for a name nobody serves.
#   5. systemd-analyze verify on the installed unit; systemd-analyze security --offline=true:
#      the exposure score may not rise above the one recorded in packaging/tests/security-score.
#   6. A reinstall (the upgrade path of the scripts) keeps a locally changed conffile.
#   7. apt-get remove: programs gone, conffile kept; apt-get purge: nothing of the packages left.
# Everything is undone on exit, also on failure: packages purged, namespace deleted, the 'ogw'
# user and group deleted if this test created them. Needs root (skips with 77 otherwise) and
# skips when ogw is already installed here (the test would purge it).
# timeout: 300

OGW=/usr/bin/ogw
OGWD_LOG_LEVEL=debug
# shellcheck source=integration/lib/netns.sh
source "$(dirname "$0")/../../integration/lib/netns.sh"
# shellcheck source=packaging/tests/lib/package.sh
source "$(dirname "$0")/lib/package.sh"

require_root
pkg_require apt-get:apt dpkg-query:dpkg systemd-analyze:systemd setpriv:util-linux \
    pkg-config:pkg-config cc:gcc c++:g++ getent:libc-bin useradd:passwd

for p in ogw ogw-dev; do
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
    if [[ -n $status && $status != un* ]]; then
        skip "package $p is installed here (dpkg status '$status'): this test would purge it"
    fi
done

deb=$(pkg_deb)
dev=$(pkg_deb_dev)
version="$(pkg_version)-$(pkg_revision)"
unit=/usr/lib/systemd/system/ogwd.service
export DEBIAN_FRONTEND=noninteractive
apt_opts=(-y -q -o Dpkg::Lock::Timeout=120 --no-install-recommends)

user_existed=0
getent passwd ogw >/dev/null && user_existed=1
group_existed=0
getent group ogw >/dev/null && group_existed=1
installed=0

# Runs before the library's cleanup (namespaces, processes, TEST_DIR), keeping the exit status.
pkg_cleanup() {
    local rc=$? pid p known
    set +e
    pid=${OGWD_PID[a]:-}
    if [[ -n $pid ]]; then
        kill -9 "$pid" 2>/dev/null
        while pid_alive "$pid"; do sleep 0.02; done
    fi
    if ((installed)); then
        known=()
        for p in ogw-dev ogw; do
            [[ $(dpkg_status "$p") == @(|un) ]] || known+=("$p")
        done
        if ((${#known[@]})) &&
            ! apt-get purge "${apt_opts[@]}" "${known[@]}" >"$TEST_DIR/apt-cleanup.log" 2>&1; then
            cat "$TEST_DIR/apt-cleanup.log" >&2
            dpkg --purge --force-all "${known[@]}" >&2
        fi
        rmdir /etc/ogw 2>/dev/null
    fi
    if ((!user_existed)) && getent passwd ogw >/dev/null; then
        userdel ogw
    fi
    if ((!group_existed)) && getent group ogw >/dev/null; then
        groupdel ogw
    fi
    return "$rc"
}
trap 'pkg_cleanup; cleanup' EXIT

apt_get() {
    local what=$1 logfile=$TEST_DIR/apt-$1.log
    shift
    if ! apt-get "${apt_opts[@]}" "$@" </dev/null >"$logfile" 2>&1; then
        cat "$logfile" >&2
        fail "apt-get $what failed: apt-get $*"
    fi
}

dpkg_status() {
    dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | tr -d ' ' || true
}

# --- 1. install ---------------------------------------------------------------------------------
# apt reads local packages as user _apt: give it copies in a world-readable directory.
cp "$deb" "$dev" "$TEST_DIR/"
installed=1
log "apt-get install $(basename "$deb") $(basename "$dev")"
apt_get install install "$TEST_DIR/$(basename "$deb")" "$TEST_DIR/$(basename "$dev")"
expect_eq ii "$(dpkg_status ogw)" "dpkg status of ogw"
expect_eq ii "$(dpkg_status ogw-dev)" "dpkg status of ogw-dev"
expect_eq "$version" "$(dpkg-query -W -f='${Version}' ogw)" "installed version"
for f in /usr/sbin/ogwd /usr/bin/ogw /usr/bin/oecho /usr/bin/oping /usr/bin/operf; do
    [[ -x $f ]] || fail "$f not installed"
done
[[ -f $unit && -f /etc/ogw/ogwd.conf && -f /usr/lib/sysusers.d/ogw.conf ]] ||
    fail "unit, config or sysusers.d file not installed"
ok "programs, unit, config and sysusers.d file installed"

IFS=: read -r _ _ uid gid _ home shell < <(getent passwd ogw) || fail "postinst created no user ogw"
expect_eq "$gid" "$(getent group ogw | cut -d: -f3)" "primary group of ogw is ogw"
((uid < 1000)) || fail "ogw is not a system user (uid $uid)"
[[ $shell == */nologin || $shell == /bin/false ]] || fail "ogw has a login shell: $shell"
ok "system user ogw: uid $uid, home $home, shell $shell"
expect_contains "$(dpkg-query -W -f='${Conffiles}' ogw)" "/etc/ogw/ogwd.conf" "registered conffiles"
if command -v deb-systemd-helper >/dev/null; then
    [[ -L /etc/systemd/system/multi-user.target.wants/ogwd.service ]] ||
        fail "postinst did not enable ogwd.service (no multi-user.target.wants link)"
    ok "ogwd.service enabled (multi-user.target.wants)"
fi
ldconfig -p | grep 'libogw\.so\.0 ' >/dev/null ||
    fail "libogw.so.0 not in the ld.so cache (ldconfig trigger)"
ok "libogw.so.0 in the ld.so cache"

# --- 2. installed programs ----------------------------------------------------------------------
out=$(/usr/sbin/ogwd --check-config 2>&1) ||
    fail "ogwd --check-config rejects the shipped config: $out"
expect_eq "/etc/ogw/ogwd.conf: ok" "$out" "ogwd --check-config (default path)"
expect_eq "ogwd $(pkg_version)" "$(/usr/sbin/ogwd --version)" "ogwd --version"
expect_eq "ogw $(pkg_version)" "$(/usr/bin/ogw --version)" "ogw --version"

# --- 3. the installed ogwd as the unit runs it --------------------------------------------------
make_ns a
rundir=$TEST_DIR/run-ogw
mkdir -m 0750 "$rundir"
chown ogw:ogw "$rundir"
sock=$rundir/ogwd.sock
ogw_gid=$(getent group ogw | cut -d: -f3)

if setpriv --reuid=ogw --regid=ogw --clear-groups sh -c 'exec 3<>/dev/net/tun' 2>/dev/null; then
    gateway="mode = tun
dev = ogwpkg0
address = 10.99.0.1/24"
else
    log "user ogw may not open /dev/net/tun here ($(stat -c '%A %U' /dev/net/tun)): gateway off"
    gateway="mode = off"
fi
conf=$TEST_DIR/ogwd.conf
cat >"$conf" <<EOF
[node]
name = pkgtest
socket = $sock
log-level = $OGWD_LOG_LEVEL

[ipcp.wan]
type = udp
layer = wan
bind = 127.0.0.1:3435

[gateway]
$gateway
EOF
/usr/sbin/ogwd --check-config --config "$conf" >/dev/null || fail "test config rejected"

# What ogwd.service does: User=ogw, Group=ogw, CapabilityBoundingSet= and AmbientCapabilities=
# CAP_NET_ADMIN CAP_NET_RAW, NoNewPrivileges=yes.
OGWD=$TEST_DIR/ogwd-as-ogw
cat >"$OGWD" <<'EOF'
#!/bin/sh
exec setpriv --reuid=ogw --regid=ogw --clear-groups --no-new-privs \
    --bounding-set=-all,+net_admin,+net_raw --inh-caps=-all,+net_admin,+net_raw \
    --ambient-caps=-all,+net_admin,+net_raw /usr/sbin/ogwd "$@"
EOF
chmod 755 "$OGWD"
start_ogwd a "$conf"
pid=$(ogwd_pid a)

status_json=$(ogw_json a status)
expect_eq pkgtest "$(json_get "$status_json" 'd["status"]["node"]')" "ogw status: node"
expect_eq "$(pkg_version)" "$(json_get "$status_json" 'd["status"]["version"]')" \
    "ogw status: version"
expect_eq ogw "$(stat -c %U "/proc/$pid")" "ogwd runs as"
for field in CapEff CapPrm CapBnd; do
    expect_eq 0000000000003000 "$(awk -v f="$field:" '$1 == f {print $2}' "/proc/$pid/status")" \
        "ogwd $field (CAP_NET_ADMIN, CAP_NET_RAW)"
done
# ogwd clears its ambient set once it runs: it executes nothing that should inherit them.
expect_eq 0000000000000000 "$(awk '$1 == "CapAmb:" {print $2}' "/proc/$pid/status")" \
    "ogwd CapAmb after its privilege drop"
expect_eq "660 ogw ogw" "$(stat -c '%a %U %G' "$sock")" "control socket mode and owner"
if [[ $gateway == *tun* ]]; then
    ip -n "$(ns_name a)" -4 addr show dev ogwpkg0 | grep 'inet 10\.99\.0\.1/24' >/dev/null ||
        fail "ogwd (user ogw) did not set up ogwpkg0 with 10.99.0.1/24"
    ok "ogwd as user ogw created ogwpkg0 with its address (CAP_NET_ADMIN)"
else
    # The device node is closed to user ogw here, so check at least that the two capabilities
    # are enough for the TUN gateway: uid 0 (the node's owner) without any other capability.
    make_ns b
    conf_b=$TEST_DIR/ogwd-b.conf
    sed -e "s|^socket = .*|socket = $TEST_DIR/ogwd-b.sock|" -e 's|^mode = off$|mode = tun\
dev = ogwpkg0\
address = 10.99.0.1/24|' "$conf" >"$conf_b"
    OGWD_AS_OGW=$OGWD
    OGWD=$TEST_DIR/ogwd-root-two-caps
    sed -e 's/--reuid=ogw --regid=ogw/--reuid=0 --regid=0/' "$OGWD_AS_OGW" >"$OGWD"
    chmod 755 "$OGWD"
    start_ogwd b "$conf_b"
    expect_eq 0000000000003000 \
        "$(awk '$1 == "CapEff:" {print $2}' "/proc/$(ogwd_pid b)/status")" "ogwd (b) CapEff"
    ip -n "$(ns_name b)" -4 addr show dev ogwpkg0 | grep 'inet 10\.99\.0\.1/24' >/dev/null ||
        fail "ogwd with only CAP_NET_ADMIN and CAP_NET_RAW did not set up ogwpkg0"
    ok "ogwd with only CAP_NET_ADMIN and CAP_NET_RAW created ogwpkg0 with its address"
    stop_ogwd b
    OGWD=$OGWD_AS_OGW
fi

rc=0
out=$(timeout "$CLI_TIMEOUT" ip netns exec "$(ns_name a)" setpriv --reuid=nobody --regid=nogroup \
    --groups="$ogw_gid" "$OGW" --socket "$sock" status 2>&1) || rc=$?
expect_rc 0 "$rc" "ogw status as a member of group ogw"
rc=0
out=$(timeout "$CLI_TIMEOUT" ip netns exec "$(ns_name a)" setpriv --reuid=nobody --regid=nogroup \
    --clear-groups "$OGW" --socket "$sock" status 2>&1) || rc=$?
expect_rc 3 "$rc" "ogw status outside group ogw (daemon unreachable)"
expect_contains "$out" "$sock" "the refusal names the socket"

# --- 4. ogw-dev: a C and a C++ program through libogw.so.0 --------------------------------------
cat >"$TEST_DIR/flow_c.c" <<'EOF'
#include <ogw/dev.h>
#include <stdio.h>
int main(void) {
    struct timespec timeout = {5, 0};
    int fd = flow_alloc("ogw-package-test-nobody", NULL, &timeout);
    printf("%d\n", fd);
    return fd == -ENAME ? 0 : 1;
}
EOF
cat >"$TEST_DIR/flow_cpp.cpp" <<'EOF'
#include <flowlib/api/flow.hpp>
#include <ogw/errno.h>
#include <chrono>
#include <iostream>
int main() {
    auto flow = ogw::flow::Flow::alloc("ogw-package-test-nobody", qos_raw,
                                       std::chrono::seconds(5));
    if (flow) {
        return 1;
    }
    std::cout << ogw::flow::negative_errno(flow.error()) << " " << flow.error().message() << "\n";
    return ogw::flow::negative_errno(flow.error()) == -ENAME ? 0 : 1;
}
EOF
read -r -a pc_flags < <(pkg-config --cflags --libs ogw-flow) || fail "pkg-config ogw-flow failed"
expect_eq "$(pkg_version)" "$(pkg-config --modversion ogw-flow)" "pkg-config --modversion ogw-flow"
cc -std=c11 -Wall -Wextra -Werror -o "$TEST_DIR/flow_c" "$TEST_DIR/flow_c.c" "${pc_flags[@]}" ||
    fail "a C program does not build against ogw-dev"
c++ -std=c++20 -Wall -Wextra -Werror -o "$TEST_DIR/flow_cpp" "$TEST_DIR/flow_cpp.cpp" \
    "${pc_flags[@]}" || fail "a C++ program does not build against ogw-dev"
for prog in flow_c flow_cpp; do
    libs=$(ldd "$TEST_DIR/$prog")
    grep -Eq 'libogw\.so\.0 => /(usr/)?lib/' <<<"$libs" ||
        fail "$prog does not use the installed libogw.so.0: $libs"
    rc=0
    out=$(timeout 10 ip netns exec "$(ns_name a)" env OGW_SOCKET="$sock" "$TEST_DIR/$prog" 2>&1) ||
        rc=$?
    expect_rc 0 "$rc" "$prog: flow_alloc to a name nobody serves gives -ENAME (printed: $out)"
done
stop_ogwd a

# --- 5. systemd-analyze -------------------------------------------------------------------------
rc=0
out=$(systemd-analyze verify --man=no "$unit" 2>&1) || rc=$?
[[ -z $out ]] || printf '%s\n' "$out" >&2
expect_rc 0 "$rc" "systemd-analyze verify $unit"
if grep -q 'ogwd\.service' <<<"$out"; then
    fail "systemd-analyze verify warns about ogwd.service (above)"
fi
rc=0
systemd-analyze security --offline=true --no-pager "$unit" >"$TEST_DIR/security.out" 2>&1 || rc=$?
expect_rc 0 "$rc" "systemd-analyze security --offline=true"
score=$(sed -n 's/.*Overall exposure level for ogwd\.service: \([0-9.]*\).*/\1/p' \
    "$TEST_DIR/security.out")
[[ $score =~ ^[0-9]+\.[0-9]+$ ]] || fail "no exposure level in: $(cat "$TEST_DIR/security.out")"
score_file=$PKG_SOURCE_DIR/tests/security-score
recorded=$(grep -Ev '^[[:space:]]*(#|$)' "$score_file" | head -n1 | tr -d '[:space:]')
[[ $recorded =~ ^[0-9]+\.[0-9]+$ ]] || fail "no recorded score in $score_file"
if awk -v s="$score" -v r="$recorded" 'BEGIN { exit !(s > r) }'; then
    grep -E '^✗' "$TEST_DIR/security.out" >&2 || true
    fail "systemd-analyze security: exposure $score is above the recorded $recorded ($score_file)"
elif awk -v s="$score" -v r="$recorded" 'BEGIN { exit !(s < r) }'; then
    log "note: exposure $score is below the recorded $recorded: lower it in $score_file"
fi
ok "systemd-analyze security: exposure $score (recorded $recorded)"

# --- 6. reinstall over a changed conffile -------------------------------------------------------
echo "# local change by package/deb_install" >>/etc/ogw/ogwd.conf
apt_get reinstall install --reinstall "$TEST_DIR/$(basename "$deb")"
grep -q '^# local change by package/deb_install$' /etc/ogw/ogwd.conf ||
    fail "the reinstall replaced the locally changed /etc/ogw/ogwd.conf"
[[ ! -e /etc/ogw/ogwd.conf.dpkg-new && ! -e /etc/ogw/ogwd.conf.dpkg-dist ]] ||
    fail "the reinstall left ogwd.conf.dpkg-new/.dpkg-dist behind"
/usr/sbin/ogwd --check-config >/dev/null || fail "config invalid after the reinstall"
ok "reinstall kept the changed conffile"

# --- 7. remove, then purge ----------------------------------------------------------------------
all_files=$( { dpkg-deb -c "$deb"; dpkg-deb -c "$dev"; } | awk '$1 !~ /^d/ {print $6}' |
    sed 's|^\./|/|')
apt_get remove remove ogw-dev ogw
expect_eq rc "$(dpkg_status ogw)" "dpkg status of ogw after remove (config files)"
while read -r f; do
    [[ $f == /etc/ogw/ogwd.conf ]] && continue
    [[ ! -e $f && ! -L $f ]] || fail "$f left after apt-get remove"
done <<<"$all_files"
grep -q '^# local change by package/deb_install$' /etc/ogw/ogwd.conf ||
    fail "apt-get remove did not keep the conffile /etc/ogw/ogwd.conf"
ok "remove: programs gone, conffile kept"

apt_get purge purge ogw
status=$(dpkg_status ogw)
[[ -z $status || $status == un ]] || fail "dpkg status of ogw after purge: '$status'"
while read -r f; do
    [[ ! -e $f && ! -L $f ]] || fail "$f left after apt-get purge"
done <<<"$all_files"
[[ ! -e /etc/ogw ]] || fail "/etc/ogw left after purge: $(ls -la /etc/ogw)"
left=$(find /etc/systemd /var/lib/systemd -name '*ogwd*' 2>/dev/null || true)
[[ -z $left ]] || fail "systemd state left after purge: $left"
installed=0
ok "purge: nothing of the packages left"
pass
