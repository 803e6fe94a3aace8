#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Builds ogw (Debug, ASan+UBSan), runs every test with ctest and every fuzz target for a
# bounded time. Integration tests need root and skip without it.
#   FUZZ_SECONDS   seconds per fuzz target (default 30; 0 skips fuzzing); one per core at a time
#   BUILD_DIR      build directory (default build-test)
#   TSAN           1 (default): also the multi-threaded tests under ThreadSanitizer; 0 skips
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

./scripts/install-deps.sh test

build=${BUILD_DIR:-build-test}
jobs=$(nproc)
fuzz_seconds=${FUZZ_SECONDS:-30}
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
    # run_fuzzer BIN: fuzzes from a copy of the target's seed corpus; writes NAME.result.
    run_fuzzer() {
        local bin=$1 name corpus_src
        name=$(basename "$bin")
        corpus_src=$(find "$root" -path "*/fuzz/corpus/${name%_fuzz}" -type d -not -path "*/build*" | head -n1)
        mkdir -p "$work/$name"
        [ -n "$corpus_src" ] && cp -r "$corpus_src/." "$work/$name/"
        if "$bin" -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 \
                  -artifact_prefix="$work/$name-" "$work/$name" >"$work/$name.log" 2>&1; then
            echo "fuzz $name: ok ($(grep -Eo 'Done [0-9]+ runs' "$work/$name.log" || echo '?'))" >"$work/$name.result"
        else
            echo "fuzz $name: FAILED" >"$work/$name.result"
        fi
    }
    # One fuzzer per core at a time.
    running=0
    while IFS= read -r -d '' bin; do
        run_fuzzer "$bin" &
        running=$((running + 1))
        if [ "$running" -ge "$jobs" ]; then
            wait -n || true
            running=$((running - 1))
        fi
    done < <(find build-fuzz -type f -name '*_fuzz' -perm -u+x -print0 | sort -z)
    wait
    for result in "$work"/*.result; do
        cat "$result"
        if grep -q FAILED "$result"; then
            tail -n 40 "$work/$(basename "$result" .result).log"
            status=1
        fi
    done
fi

if [ "${TSAN:-1}" = 1 ]; then
    # The only code that runs on more than one thread (docs/architecture.md, "Threads"): the
    # TUN queue workers and their rings, in a tree of its own (TSan excludes ASan).
    echo "== threads under ThreadSanitizer (build-tsan)"
    cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOGW_TSAN=ON >/dev/null
    cmake --build build-tsan -j "$jobs" --target gateway_tun_tests gateway_tun_sys_tests >/dev/null
    tsan_log=$(mktemp /tmp/ogw-tsan.XXXXXX)
    # tsan_run BINARY FILTER: the gtest cases of build-tsan/gateway/BINARY that FILTER selects.
    tsan_run() {
        if "build-tsan/gateway/$1" --gtest_filter="$2" >"$tsan_log" 2>&1; then
            echo "tsan $1 ($2): ok ($(grep -E '^\[  PASSED  \]' "$tsan_log" | grep -Eo '[0-9]+ tests?'))"
        else
            echo "tsan $1 ($2): FAILED"
            tail -n 60 "$tsan_log"
            status=1
        fi
    }
    tsan_run gateway_tun_tests 'PacketRing.*:TunQueue*'
    tsan_run gateway_tun_sys_tests 'TunQueues*'
    rm -f "$tsan_log"
fi

echo "== ctest"
if ! ctest --test-dir "$build" --output-on-failure -j "$jobs" --timeout 600; then
    status=1
fi
exit $status
