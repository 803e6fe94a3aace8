#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Installs the Debian 12 packages that ogw needs and that are missing.
#   install-deps.sh build     compilers and libraries
#   install-deps.sh test      build + what the tests run (fuzzers, legacy programs, packaging)
#   install-deps.sh demo      build + what the demo runs
set -euo pipefail

build_pkgs=(g++ cmake ninja-build pkg-config libmnl-dev libsodium-dev
            libboost-program-options-dev libcli11-dev libgtest-dev googletest)
run_pkgs=(iproute2 iputils-ping iperf3 socat curl python3 procps)
test_pkgs=(clang libclang-rt-14-dev tcpdump python3-jsonschema
           dpkg-dev file lintian rpm rpmlint systemd)

wanted=("${build_pkgs[@]}")
case "${1:-build}" in
    build) ;;
    demo) wanted+=("${run_pkgs[@]}") ;;
    test) wanted+=("${run_pkgs[@]}" "${test_pkgs[@]}") ;;
    *) echo "usage: $0 build|test|demo" >&2; exit 2 ;;
esac

missing=()
for p in "${wanted[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

echo "ogw: installing missing Debian packages: ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then
        sudo_cmd=(sudo)
    else
        echo "ogw: need root (or sudo) to install: ${missing[*]}" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
