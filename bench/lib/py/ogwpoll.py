#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Polls ogwd's control socket (docs/control-protocol.md: AF_UNIX SOCK_SEQPACKET, one JSON
object per message) without forking the CLI for every sample, so that samples can be 5 ms
apart. Times are milliseconds since the epoch (comparable with the shell's $EPOCHREALTIME).

  ogwpoll.py stats SOCK
      prints the "stats" result once.
  ogwpoll.py opened SOCK_A SOCK_B INTERVAL_MS QUIET_MS MAX_S
      samples sessions_opened on both sockets every INTERVAL_MS until neither has grown for
      QUIET_MS after growing at all (or MAX_S passed, or nothing grew in the first 15 s); prints for each side
      {"start", "end", "opened", "t_first_ms", "t_last_ms", "rate"}: t_first is the last
      sample before the count grew, t_last the first sample at its final value, rate =
      opened / (t_last - t_first) per second.
  ogwpoll.py deadpeer SOCK INTERVAL_MS MAX_S
      prints "ready" after a first sample, then samples stats every INTERVAL_MS and prints
      {"first_ms": time of the first sample with more peer_timeout teardowns than at the start,
       "all_ms": time of the first sample where every session active at the start has timed
       out (or none is active any more), "peer_timeout": the teardowns counted by then,
       "sessions_before": sessions active at the start}
      once all are gone (or MAX_S passed; missing times are null).
  ogwpoll.py watch SOCK_A SOCK_B INTERVAL_MS MAX_S
      prints "ready", then counts peer_timeout + link_down teardowns on both sides every
      INTERVAL_MS; after MAX_S or on SIGTERM prints {"start_ms", "sides": {"a": {"count",
      "first_ms"}, "b": ...}} (first_ms: the first sample that counted one; null if none)."""
import json
import signal
import socket
import sys
import time

START_S = 15.0


class Control:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock.settimeout(2.0)
        self.sock.connect(path)
        self.next_id = 1

    def call(self, op):
        rid = self.next_id
        self.next_id += 1
        self.sock.send(json.dumps({"v": 1, "id": rid, "op": op}).encode())
        while True:
            msg = json.loads(self.sock.recv(1 << 20))
            if msg.get("id") == rid:
                if not msg.get("ok"):
                    raise RuntimeError("%s: %s" % (op, msg.get("error")))
                return msg["result"]


def now_ms():
    return time.time() * 1000.0


def stats(path):
    print(json.dumps(Control(path).call("stats")["stats"]))


def opened(path_a, path_b, interval_ms, quiet_ms, max_s):
    sides = {"a": Control(path_a), "b": Control(path_b)}
    samples = {k: [] for k in sides}
    t0 = time.monotonic()
    t_end = t0 + max_s
    last_change = None
    while time.monotonic() < t_end:
        if last_change is None and time.monotonic() - t0 > START_S:
            break  # nothing ever opened: the generator failed
        changed = False
        for k, c in sides.items():
            v = c.call("stats")["stats"]["sessions_opened"]
            if samples[k] and v != samples[k][-1][1]:
                changed = True
            samples[k].append((now_ms(), v))
        if changed:
            last_change = time.monotonic()
        elif last_change is not None and (time.monotonic() - last_change) * 1000 >= quiet_ms:
            break
        time.sleep(interval_ms / 1000.0)
    out = {}
    for k, s in samples.items():
        start, end = s[0][1], s[-1][1]
        grown = [i for i in range(1, len(s)) if s[i][1] != s[i - 1][1]]
        if not grown:
            out[k] = {"start": start, "end": end, "opened": 0, "rate": 0}
            continue
        t_first = s[grown[0] - 1][0]
        t_last = next(t for t, v in s if v == end)
        secs = (t_last - t_first) / 1000.0
        out[k] = {"start": start, "end": end, "opened": end - start, "t_first_ms": t_first,
                  "t_last_ms": t_last, "rate": (end - start) / secs if secs > 0 else None}
    print(json.dumps(out))


def deadpeer(path, interval_ms, max_s):
    c = Control(path)
    st = c.call("stats")["stats"]
    base, before = st["teardowns"]["peer_timeout"], st["sessions_active"]
    print("ready", flush=True)
    first = last = None
    count = base
    t_end = time.monotonic() + max_s
    while time.monotonic() < t_end and last is None:
        time.sleep(interval_ms / 1000.0)
        st = c.call("stats")["stats"]
        t = now_ms()
        count = st["teardowns"]["peer_timeout"]
        if first is None and count > base:
            first = t
        if st["sessions_active"] == 0 or count - base >= before:
            last = t
    print(json.dumps({"first_ms": first, "all_ms": last, "peer_timeout": count - base,
                      "sessions_before": before}), flush=True)


def watch(path_a, path_b, interval_ms, max_s):
    """False-detection watch: peer_timeout + link_down teardowns per side, and when each side
    counted its first, sampled every INTERVAL_MS for MAX_S (or until SIGTERM)."""
    sides = {"a": Control(path_a), "b": Control(path_b)}

    def dead(c):
        t = c.call("stats")["stats"]["teardowns"]
        return t["peer_timeout"] + t["link_down"]

    base = {k: dead(c) for k, c in sides.items()}
    out = {k: {"count": 0, "first_ms": None} for k in sides}
    t0 = now_ms()
    t_end = time.monotonic() + max_s

    def report(*_):
        print(json.dumps({"start_ms": t0, "sides": out}), flush=True)
        sys.exit(0)

    signal.signal(signal.SIGTERM, report)
    print("ready", flush=True)
    while time.monotonic() < t_end:
        time.sleep(interval_ms / 1000.0)
        for k, c in sides.items():
            n = dead(c) - base[k]
            if n > out[k]["count"]:
                if out[k]["first_ms"] is None:
                    out[k]["first_ms"] = now_ms()
                out[k]["count"] = n
    report()


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "stats":
        stats(sys.argv[2])
    elif mode == "opened":
        opened(sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5]),
               float(sys.argv[6]))
    elif mode == "watch":
        watch(sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5]))
    elif mode == "deadpeer":
        deadpeer(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]))
    else:
        sys.exit("unknown mode " + mode)
