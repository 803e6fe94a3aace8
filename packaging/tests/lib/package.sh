# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# Shared by packaging/tests/*.sh. Paths of the package build and the packages, and small helpers.
# A test that also sources integration/lib/netns.sh (deb_install.sh) sources it first: that
# library's log/fail/skip/ok/pass, TEST_DIR and EXIT trap are then used as they are.

set -euo pipefail

OGW_SOURCE_DIR=${OGW_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
OGW_PACKAGE_BUILD_DIR=${OGW_PACKAGE_BUILD_DIR:-$OGW_SOURCE_DIR/build-package}
OGW_CMAKE=${OGW_CMAKE:-cmake}
OGW_CPACK=${OGW_CPACK:-cpack}
# Where cpack writes the packages (CPACK_PACKAGE_DIRECTORY in packaging/CMakeLists.txt).
PKG_DIR=$OGW_PACKAGE_BUILD_DIR/packages
PKG_SOURCE_DIR=$OGW_SOURCE_DIR/packaging

if ! declare -F fail >/dev/null; then
    TEST_NAME=$(basename "${0%.sh}")
    TEST_START_S=$SECONDS
    TEST_DIR=$(mktemp -d "/tmp/ogw-package-${TEST_NAME}-XXXXXX")

    log() {
        printf '[%s +%ds] %s\n' "$TEST_NAME" "$((SECONDS - TEST_START_S))" "$*" >&2
    }
    ok() {
        log "ok: $*"
    }
    pass() {
        log "PASS"
    }
    fail() {
        printf '[%s] FAIL: %s\n' "$TEST_NAME" "$*" >&2
        exit 1
    }
    skip() {
        printf '[%s] SKIP: %s\n' "$TEST_NAME" "$*" >&2
        exit 77
    }
    _pkg_cleanup() {
        local rc=$?
        trap - EXIT
        rm -rf "$TEST_DIR"
        exit "$rc"
    }
    trap _pkg_cleanup EXIT
    trap 'log "interrupted"; exit 130' INT
    trap 'log "terminated (timeout?)"; exit 143' TERM
fi

# pkg_require CMD:PACKAGE...: skips (77) naming the Debian package when a command is missing
# (scripts/install-deps.sh test installs them all).
pkg_require() {
    local spec cmd
    for spec in "$@"; do
        cmd=${spec%%:*}
        command -v "$cmd" >/dev/null 2>&1 ||
            skip "'$cmd' not found: apt-get install ${spec#*:} (or ./scripts/install-deps.sh test)"
    done
}

# The project version, from the top-level CMakeLists.txt (project(ogw VERSION x.y.z ...)).
pkg_version() {
    sed -n 's/^project(ogw VERSION \([0-9][0-9.]*\).*/\1/p' "$OGW_SOURCE_DIR/CMakeLists.txt" |
        head -n1
}

# The packaging revision (OGW_PACKAGE_REVISION in packaging/CMakeLists.txt).
pkg_revision() {
    sed -n 's/^set(OGW_PACKAGE_REVISION \([0-9]*\))$/\1/p' "$PKG_SOURCE_DIR/CMakeLists.txt"
}

# pkg_file PATTERN: the one package in PKG_DIR matching the glob PATTERN (fails otherwise).
pkg_file() {
    local matches=()
    local f
    for f in "$PKG_DIR"/$1; do
        [[ -e $f ]] && matches+=("$f")
    done
    ((${#matches[@]} == 1)) ||
        fail "expected one package $PKG_DIR/$1, found ${#matches[@]}" \
            "(did package/build_packages run?)"
    echo "${matches[0]}"
}

# The four packages of this version.
pkg_deb() {
    pkg_file "ogw_$(pkg_version)-$(pkg_revision)_*.deb"
}
pkg_deb_dev() {
    pkg_file "ogw-dev_$(pkg_version)-$(pkg_revision)_*.deb"
}
pkg_rpm() {
    pkg_file "ogw-$(pkg_version)-$(pkg_revision).*.rpm"
}
pkg_rpm_dev() {
    pkg_file "ogw-devel-$(pkg_version)-$(pkg_revision).*.rpm"
}

# The man pages the packages must hold: those in docs/man when they exist.
pkg_man_pages() {
    local f
    for f in "$OGW_SOURCE_DIR"/docs/man/*.[1-8]; do
        [[ -f $f ]] && basename "$f"
    done
    return 0
}

if ! declare -F expect_eq >/dev/null; then
    # expect_eq EXPECTED ACTUAL [WHAT]
    expect_eq() {
        [[ $1 == "$2" ]] || fail "${3:-value}: expected '$1', got '$2'"
        ok "${3:-value} = '$2'"
    }
fi

# expect_contains HAYSTACK NEEDLE WHAT: a fixed string is in a text.
expect_contains() {
    [[ $1 == *"$2"* ]] || fail "$3: '$2' missing in:
$1"
    ok "$3: has '$2'"
}
