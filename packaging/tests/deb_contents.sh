#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# package/deb_contents: inspects the .deb packages without installing them: control fields
# (version from the project, Depends computed by dpkg-shlibdeps), files, conffiles, shlibs,
# triggers and maintainer scripts; runs the packaged ogwd --check-config on the packaged config;
# lintian with no errors (warnings are printed, not fatal). Needs no root.
# timeout: 600

# shellcheck source=packaging/tests/lib/package.sh
source "$(dirname "$0")/lib/package.sh"

pkg_require dpkg-deb:dpkg lintian:lintian file:file

deb=$(pkg_deb)
dev=$(pkg_deb_dev)
version="$(pkg_version)-$(pkg_revision)"
log "checking $(basename "$deb") and $(basename "$dev")"

# --- control fields -----------------------------------------------------------------------------
expect_field() {
    local got
    got=$(dpkg-deb -f "$1" "$2")
    [[ $got == "$3" ]] || fail "$(basename "$1"): $2 is '$got', expected '$3'"
    ok "$(basename "$1"): $2: $got"
}
expect_field "$deb" Package ogw
expect_field "$deb" Version "$version"
expect_field "$deb" Section net
expect_field "$dev" Package ogw-dev
expect_field "$dev" Version "$version"
expect_field "$dev" Section libdevel

depends=$(dpkg-deb -f "$deb" Depends)
for lib in libc6 libstdc++6 libsodium23 libmnl0 libboost-program-options; do
    expect_contains "$depends" "$lib" "ogw Depends (dpkg-shlibdeps)"
done
[[ $depends != *libasan* && $depends != *libubsan* ]] ||
    fail "ogw depends on a sanitizer runtime: $depends"
expect_contains "$(dpkg-deb -f "$dev" Depends)" "ogw (= $version)" "ogw-dev Depends"
description=$(dpkg-deb -f "$deb" Description)
[[ $(wc -l <<<"$description") -gt 1 ]] || fail "ogw has no extended description"

# --- files --------------------------------------------------------------------------------------
list_files() {
    dpkg-deb -c "$1" | awk '{print $6}' | sed 's|^\./|/|'
}
deb_files=$(list_files "$deb")
dev_files=$(list_files "$dev")
expect_file() {
    grep -Eqx -- "$2" <<<"$1" || fail "$3 lacks a file matching $2"
    ok "$3 has $(grep -Ex -- "$2" <<<"$1" | head -n1)"
}
for f in /usr/sbin/ogwd /usr/bin/ogw /usr/bin/oecho /usr/bin/oping /usr/bin/operf \
    /usr/lib/systemd/system/ogwd.service /usr/lib/sysusers.d/ogw.conf /etc/ogw/ogwd.conf \
    /usr/share/doc/ogw/copyright /usr/share/doc/ogw/changelog.Debian.gz \
    '/usr/lib/[^/]+/libogw\.so\.0' '/usr/lib/[^/]+/libogw\.so\.0\.[0-9.]+'; do
    expect_file "$deb_files" "$f" ogw
done
while read -r page; do
    [[ -n $page ]] || continue
    expect_file "$deb_files" "/usr/share/man/man${page##*.}/${page//./\\.}\\.gz" ogw
done < <(pkg_man_pages)
for f in /usr/include/ogw/dev.h /usr/include/ogw/errno.h /usr/include/ogw/fccntl.h \
    /usr/include/ogw/fqueue.h /usr/include/ogw/qos.h /usr/include/flowlib/api/flow.hpp \
    '/usr/lib/[^/]+/libogw\.so' '/usr/lib/[^/]+/pkgconfig/ogw-flow\.pc' \
    /usr/share/doc/ogw-dev/copyright; do
    expect_file "$dev_files" "$f" ogw-dev
done
if grep -E '^/usr/local|^/home|/build' <<<"$deb_files$dev_files"; then
    fail "files outside the package layout (above)"
fi
if grep -E '\.so' <<<"$dev_files" | grep -Ev '/libogw\.so$'; then
    fail "ogw-dev holds a shared library (above); it belongs in ogw"
fi

# --- control files ------------------------------------------------------------------------------
expect_eq "/etc/ogw/ogwd.conf" "$(dpkg-deb -I "$deb" conffiles)" "ogw conffiles"
expect_eq "libogw 0 ogw (>= $version)" "$(dpkg-deb -I "$deb" shlibs)" "ogw shlibs"
expect_eq "activate-noawait ldconfig" "$(dpkg-deb -I "$deb" triggers)" "ogw triggers"
ctrl=$TEST_DIR/control
dpkg-deb -e "$deb" "$ctrl"
for script in postinst prerm postrm; do
    [[ -x $ctrl/$script ]] || fail "ogw $script missing or not executable"
    [[ $(head -n1 "$ctrl/$script") == "#!/bin/sh" ]] || fail "ogw $script is not a plain sh script"
    sh -n "$ctrl/$script" || fail "ogw $script: sh syntax error"
done
ok "maintainer scripts postinst, prerm, postrm: plain sh, executable"

# --- the packaged programs and files ------------------------------------------------------------
root=$TEST_DIR/root
dpkg-deb -x "$deb" "$root"
for bin in usr/sbin/ogwd usr/bin/ogw usr/bin/oecho usr/bin/oping usr/bin/operf; do
    info=$(file -L "$root/$bin")
    [[ $info == *", stripped"* ]] || fail "$bin is not stripped: $info"
done
ok "binaries stripped"
out=$("$root/usr/sbin/ogwd" --check-config --config "$root/etc/ogw/ogwd.conf" 2>&1) ||
    fail "the packaged ogwd rejects the packaged config: $out"
ok "packaged ogwd --check-config accepts the packaged ogwd.conf: $out"
expect_eq "ogwd $(pkg_version)" "$("$root/usr/sbin/ogwd" --version)" "ogwd --version"
unit=$(cat "$root/usr/lib/systemd/system/ogwd.service")
for line in 'Type=notify' 'ExecStart=/usr/sbin/ogwd --foreground --config /etc/ogw/ogwd.conf' \
    'User=ogw' 'CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW' \
    'AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW' 'DeviceAllow=/dev/net/tun rw' \
    'RuntimeDirectory=ogw' 'Restart=on-failure'; do
    grep -qxF -- "$line" <<<"$unit" || fail "ogwd.service lacks the line '$line'"
done
if grep -q '^PrivateDevices=' <<<"$unit"; then
    fail "ogwd.service sets PrivateDevices= (it would hide /dev/net/tun)"
fi
ok "ogwd.service: the expected directives"

# --- lintian ------------------------------------------------------------------------------------
log "lintian (a minute or so)"
rc=0
lintian --fail-on error --tag-display-limit 0 "$deb" "$dev" >"$TEST_DIR/lintian.out" 2>&1 ||
    rc=$?
cat "$TEST_DIR/lintian.out" >&2
errors=$(grep -c '^E: ' "$TEST_DIR/lintian.out" || true)
warnings=$(grep -c '^W: ' "$TEST_DIR/lintian.out" || true)
((rc == 0 && errors == 0)) || fail "lintian: $errors error(s), exit $rc"
ok "lintian: no errors ($warnings warning(s))"
pass
