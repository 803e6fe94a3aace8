#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The demo. Builds ogw and plays the upstream seed scenario (oecho) on the in-memory IPCP,
# printing its timeline.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh demo
build=${BUILD_DIR:-build-demo}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOGW_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null
"$build/tools/ogw-seed-sim"
