#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# package/build_packages: the fixture of the other package tests. Configures the release tree
# OGW_PACKAGE_BUILD_DIR (default <source>/build-package: RelWithDebInfo, -DOGW_TESTS=OFF, no
# sanitizers; a sanitizer build is never packaged), builds it (an up-to-date tree is reused:
# ninja only rebuilds what changed) and runs cpack -G DEB and cpack -G RPM. The packages land
# in OGW_PACKAGE_BUILD_DIR/packages; older ones there are deleted first.
# Needs no root.
# timeout: 2400

# shellcheck source=packaging/tests/lib/package.sh
source "$(dirname "$0")/lib/package.sh"

pkg_require ninja:ninja-build gzip:gzip file:file readelf:binutils \
    dpkg-shlibdeps:dpkg-dev rpmbuild:rpm

dir=$OGW_PACKAGE_BUILD_DIR
cache=$dir/CMakeCache.txt
if [[ -f $cache ]]; then
    generator=$(sed -n 's/^CMAKE_GENERATOR:INTERNAL=//p' "$cache")
    [[ $generator == Ninja ]] ||
        fail "$dir was configured with '$generator', not Ninja:" \
            "delete it or set OGW_PACKAGE_BUILD_DIR"
    log "reusing $dir"
fi

run_logged() {
    local what=$1 logfile=$TEST_DIR/$2
    shift 2
    if ! "$@" >"$logfile" 2>&1; then
        tail -n 60 "$logfile" >&2
        fail "$what failed: $*"
    fi
}

log "configure $dir (RelWithDebInfo, OGW_TESTS=OFF, OGW_SANITIZE=OFF)"
run_logged "configure" configure.log "$OGW_CMAKE" -S "$OGW_SOURCE_DIR" -B "$dir" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOGW_TESTS=OFF -DOGW_SANITIZE=OFF -DOGW_FUZZ=OFF
log "build"
run_logged "build" build.log "$OGW_CMAKE" --build "$dir"
if grep -q -- '-fsanitize' "$dir/build.ninja"; then
    fail "$dir builds with -fsanitize: not packaging that"
fi

mkdir -p "$PKG_DIR"
rm -f "$PKG_DIR"/*.deb "$PKG_DIR"/*.rpm
cpack_in_build_dir() {
    (cd "$dir" && "$OGW_CPACK" -G "$1")
}
for generator in DEB RPM; do
    log "cpack -G $generator"
    run_logged "cpack -G $generator" "cpack-$generator.log" cpack_in_build_dir "$generator"
done

for f in "$(pkg_deb)" "$(pkg_deb_dev)" "$(pkg_rpm)" "$(pkg_rpm_dev)"; do
    ok "built $(basename "$f") ($(stat -c %s "$f") bytes)"
done
pass
