#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Reads ping(8) output on stdin; prints {"n", "sent", "p50_ms", "p99_ms", "min_ms", "max_ms"}.

Percentiles are nearest-rank over the replies' time= values (duplicates ignored)."""
import json
import math
import re
import sys


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100.0 * len(sorted_values)))
    return sorted_values[rank - 1]


def main():
    times, seen, sent = [], set(), 0
    for line in sys.stdin:
        m = re.search(r"icmp_seq=(\d+).* time=([0-9.]+) ms", line)
        if m and "DUP" not in line and m.group(1) not in seen:
            seen.add(m.group(1))
            times.append(float(m.group(2)))
        m = re.search(r"(\d+) packets transmitted", line)
        if m:
            sent = int(m.group(1))
    times.sort()
    print(json.dumps({"n": len(times), "sent": sent, "p50_ms": percentile(times, 50),
                      "p99_ms": percentile(times, 99),
                      "min_ms": times[0] if times else None,
                      "max_ms": times[-1] if times else None}))


if __name__ == "__main__":
    main()
