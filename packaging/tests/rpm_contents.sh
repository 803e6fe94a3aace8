#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# package/rpm_contents: inspects the .rpm packages (they are not installed on Debian):
# rpm -qpi, -qpl, --requires (computed by rpm's autoreq), --scripts, the config file flags
# (%config(noreplace)), and rpmlint with no errors. rpmlint runs with
# packaging/rpm/rpmlint.toml, which lists each filtered check with its reason. Needs no root.
# timeout: 300

# shellcheck source=packaging/tests/lib/package.sh
source "$(dirname "$0")/lib/package.sh"

pkg_require rpm:rpm rpmlint:rpmlint

rpm_file=$(pkg_rpm)
dev=$(pkg_rpm_dev)
log "checking $(basename "$rpm_file") and $(basename "$dev")"

q() {
    rpm -qp "$@" 2>"$TEST_DIR/rpm.err" || fail "rpm -qp $* failed: $(cat "$TEST_DIR/rpm.err")"
}

# --- rpm -qpi -----------------------------------------------------------------------------------
info=$(q -i "$rpm_file")
printf '%s\n' "$info" >&2
expect_eq ogw "$(q --qf '%{NAME}' "$rpm_file")" "ogw Name"
expect_eq "$(pkg_version)" "$(q --qf '%{VERSION}' "$rpm_file")" "ogw Version"
expect_eq "$(pkg_revision)" "$(q --qf '%{RELEASE}' "$rpm_file")" "ogw Release"
expect_eq BSD-3-Clause "$(q --qf '%{LICENSE}' "$rpm_file")" "ogw License"
expect_eq ogw-devel "$(q --qf '%{NAME}' "$dev")" "ogw-devel Name"
expect_eq "(none)" "$(q --qf '%{PREFIXES}' "$rpm_file")" "ogw relocations"

# --- rpm -qpl -----------------------------------------------------------------------------------
files=$(q -l "$rpm_file")
dev_files=$(q -l "$dev")
expect_file() {
    grep -Eqx -- "$2" <<<"$1" || fail "$3 lacks a file matching $2"
    ok "$3 has $(grep -Ex -- "$2" <<<"$1" | head -n1)"
}
for f in /usr/sbin/ogwd /usr/bin/ogw /usr/bin/oecho /usr/bin/oping /usr/bin/operf \
    /usr/lib/systemd/system/ogwd.service /usr/lib/sysusers.d/ogw.conf /etc/ogw/ogwd.conf \
    '/usr/lib[^ ]*/libogw\.so\.0'; do
    expect_file "$files" "$f" ogw
done
while read -r page; do
    [[ -n $page ]] || continue
    expect_file "$files" "/usr/share/man/man${page##*.}/${page//./\\.}\\.gz" ogw
done < <(pkg_man_pages)
for f in /usr/include/ogw/dev.h /usr/include/flowlib/api/flow.hpp '/usr/lib[^ ]*/libogw\.so' \
    '/usr/lib[^ ]*/pkgconfig/ogw-flow\.pc'; do
    expect_file "$dev_files" "$f" ogw-devel
done
# Directories of the base system must not be claimed (they would conflict with filesystem).
for d in /etc /usr /usr/bin /usr/sbin /usr/lib /usr/lib/systemd /usr/lib/systemd/system \
    /usr/include /usr/share /usr/share/doc /usr/share/man; do
    if grep -qxF -- "$d" <<<"$files$dev_files"; then
        fail "a package owns the system directory $d"
    fi
done
ok "no system directory owned"

# --- config files -------------------------------------------------------------------------------
flags=$(q --qf '[%{FILENAMES} %{FILEFLAGS:fflags}\n]' "$rpm_file")
conf_flags=$(awk '$1 == "/etc/ogw/ogwd.conf" {print $2}' <<<"$flags")
[[ $conf_flags == *c* && $conf_flags == *n* ]] ||
    fail "/etc/ogw/ogwd.conf is not %config(noreplace) (flags '$conf_flags')"
ok "/etc/ogw/ogwd.conf is %config(noreplace)"

# --- requires (autoreq) -------------------------------------------------------------------------
requires=$(q --requires "$rpm_file")
printf '%s\n' "$requires" | sed 's/^/  requires: /' >&2
for lib in 'libc.so.6' 'libsodium.so.' 'libmnl.so.0' 'libboost_program_options.so.'; do
    expect_contains "$requires" "$lib" "ogw requires (autoreq)"
done
[[ $requires != *libasan* && $requires != *libubsan* ]] || fail "ogw requires a sanitizer runtime"
expect_contains "$(q --requires "$dev")" "ogw = $(pkg_version)-$(pkg_revision)" "ogw-devel requires"
expect_contains "$(q --provides "$rpm_file")" "libogw.so.0" "ogw provides"

# --- scripts ------------------------------------------------------------------------------------
scripts=$(q --scripts "$rpm_file")
for s in 'postinstall scriptlet (using /bin/sh)' 'preuninstall scriptlet (using /bin/sh)' \
    'postuninstall scriptlet (using /bin/sh)' 'useradd --system' 'systemctl --no-reload preset' \
    'disable --now ogwd.service' 'try-restart ogwd.service'; do
    expect_contains "$scripts" "$s" "ogw scripts"
done

# --- rpmlint ------------------------------------------------------------------------------------
rc=0
rpmlint -c "$PKG_SOURCE_DIR/rpm/rpmlint.toml" "$rpm_file" "$dev" >"$TEST_DIR/rpmlint.out" 2>&1 ||
    rc=$?
cat "$TEST_DIR/rpmlint.out" >&2
summary=$(grep -E '[0-9]+ errors?, [0-9]+ warnings?' "$TEST_DIR/rpmlint.out" | tail -n1)
[[ -n $summary ]] || fail "rpmlint printed no summary (exit $rc)"
errors=$(sed -E 's/.* ([0-9]+) errors?,.*/\1/' <<<"$summary")
((errors == 0 && rc == 0)) || fail "rpmlint: $summary (exit $rc)"
ok "rpmlint: $summary"
pass
