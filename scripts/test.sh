#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Builds ogw (Debug, ASan+UBSan), runs every test with ctest and every fuzz target for a
# bounded time. Integration tests need root and skip without it.
#   FUZZ_SECONDS   seconds per fuzz target (default 20; 0 skips fuzzing)
#   BUILD_DIR      build directory (default build-test)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

./scripts/install-deps.sh test

build=${BUILD_DIR:-build-test}
jobs=$(nproc)
fuzz_seconds=${FUZZ_SECONDS:-20}
status=0

echo "== configure and build ($build: Debug, ASan+UBSan)"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DOGW_SANITIZE=ON >/dev/null
cmake --build "$build" -j "$jobs"

if [ "$fuzz_seconds" -gt 0 ]; then
    echo "== fuzz targets (clang, ${fuzz_seconds}s each)"
    cmake -S . -B build-fuzz -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
          -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOGW_FUZZ=ON -DOGW_TESTS=OFF >/dev/null
    cmake --build build-fuzz -j "$jobs"
    work=$(mktemp -d /tmp/ogw-fuzz.XXXXXX)
    trap 'rm -rf "$work"' EXIT
    while IFS= read -r -d '' bin; do
        name=$(basename "$bin")
        corpus_src=$(find "$root" -path "*/fuzz/corpus/${name%_fuzz}" -type d -not -path "*/build*" | head -n1)
        mkdir -p "$work/$name"
        [ -n "$corpus_src" ] && cp -r "$corpus_src/." "$work/$name/"
        if "$bin" -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 \
                  -artifact_prefix="$work/" "$work/$name" >"$work/$name.log" 2>&1; then
            echo "fuzz $name: ok ($(grep -Eo 'Done [0-9]+ runs' "$work/$name.log" || echo '?'))"
        else
            echo "fuzz $name: FAILED"; tail -n 40 "$work/$name.log"; status=1
        fi
    done < <(find build-fuzz -type f -name '*_fuzz' -perm -u+x -print0)
fi

echo "== ctest"
if ! ctest --test-dir "$build" --output-on-failure -j "$jobs" --timeout 600; then
    status=1
fi
exit $status
