#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""UDP echo for first-packet latency.

  udp_echo.py server PORT SECONDS
      echoes every datagram back to its sender, for at most SECONDS.
  udp_echo.py client ADDR PORT COUNT
      COUNT times, 10 ms apart: opens a new socket (a fresh source port, so for a
      session-mapping tunnel a new session), times the first request/reply (first), then three
      more on the same socket (steady). Prints {"n", "lost", "first_p50_ms", "first_p99_ms",
      "steady_p50_ms", "steady_p99_ms"}. A reply not back within 1 s counts as lost."""
import json
import math
import socket
import sys
import time


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    return values[max(1, math.ceil(p / 100.0 * len(values))) - 1]


def server(port, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    s.settimeout(0.5)
    end = time.monotonic() + seconds
    print("listening", flush=True)
    while time.monotonic() < end:
        try:
            data, peer = s.recvfrom(2048)
        except socket.timeout:
            continue
        s.sendto(data, peer)


def rtt_ms(s, addr, payload):
    t0 = time.perf_counter()
    s.sendto(payload, addr)
    while True:
        data, _ = s.recvfrom(2048)
        if data == payload:
            return (time.perf_counter() - t0) * 1000.0


def client(host, port, count):
    addr = (host, port)
    first, steady, lost = [], [], 0
    for i in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(1.0)
        try:
            first.append(rtt_ms(s, addr, b"first %d" % i))
            for j in range(3):
                steady.append(rtt_ms(s, addr, b"steady %d %d" % (i, j)))
        except socket.timeout:
            lost += 1
        finally:
            s.close()
        time.sleep(0.01)
    print(json.dumps({"n": len(first), "lost": lost,
                      "first_p50_ms": percentile(first, 50), "first_p99_ms": percentile(first, 99),
                      "steady_p50_ms": percentile(steady, 50),
                      "steady_p99_ms": percentile(steady, 99)}))


if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(int(sys.argv[2]), float(sys.argv[3]))
    else:
        client(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
