#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Installs the Debian packages the benchmark needs and that are missing (bench only; the
# project's own dependencies are scripts/install-deps.sh's). Needs root.
set -euo pipefail

pkgs=(
    iperf3 wireguard-go wireguard-tools openvpn openssl   # the peers and their tools
    iproute2 iputils-ping procps coreutils python3 gcc libc6-dev   # the rig, measurement, forwarder
    g++ cmake ninja-build pkg-config libmnl-dev libsodium-dev       # building ogw (as
    libboost-program-options-dev libcli11-dev                       # scripts/install-deps.sh build)
)

missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
((${#missing[@]} == 0)) && exit 0

echo "bench: installing missing Debian packages: ${missing[*]}" >&2
[[ $(id -u) -eq 0 ]] || { echo "bench: need root to install: ${missing[*]}" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
