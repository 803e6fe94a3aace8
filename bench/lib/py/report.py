#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Turns the bench's raw figures (one JSON object per line, written by lib/common.sh) into
OUT.json (every figure, every round) and OUT.md (tables), and prints the ratios against
wireguard-go and the targets of issue 10 (bench/targets.md) as met / not met.

  report.py RAW.jsonl OUT_PREFIX"""
import json
import statistics
import sys
from collections import OrderedDict

ORDER = ["veth", "ogw", "ogw-encrypted", "ogw-mq", "ogw-encrypted-mq", "wireguard-go",
         "openvpn-aes256gcm", "openvpn-none", "trivial"]
LABEL = {
    "veth": "bare veth (no tunnel)",
    "ogw": "ogw (unencrypted)",
    "ogw-encrypted": "ogw (encrypted)",
    "ogw-mq": "ogw (unencrypted, queues = auto)",
    "ogw-encrypted-mq": "ogw (encrypted, queues = auto)",
    "wireguard-go": "wireguard-go",
    "openvpn-aes256gcm": "OpenVPN AES-256-GCM",
    "openvpn-none": "OpenVPN, no crypto",
    "trivial": "trivial C forwarder",
}
REFERENCE = "wireguard-go"

# metric -> (column title, unit, higher is better)
MAIN = OrderedDict([
    ("tcp1_gbps", ("TCP 1 stream", "Gbit/s", True)),
    ("tcp4_gbps", ("TCP 4 streams", "Gbit/s", True)),
    ("udp64_kpps", ("UDP 64 B rate", "kpps received", True)),
    ("udp64_mbps", ("UDP 64 B payload", "Mbit/s", True)),
    ("rtt_p50_ms", ("RTT p50", "ms", False)),
    ("rtt_p99_ms", ("RTT p99", "ms", False)),
    ("rtt_added_p50_ms", ("added RTT p50 vs veth", "ms", False)),
    ("cpu_s_per_gb_tcp1", ("CPU, TCP 1 stream", "s/GB", False)),
    ("cpu_s_per_gb_tcp4", ("CPU, TCP 4 streams", "s/GB", False)),
])
SECONDARY = OrderedDict([
    ("udp64_loss_pct", ("UDP 64 B sent but not received", "%")),
    ("tcp1_retransmits", ("TCP 1 stream retransmits", "segments")),
    ("tcp4_retransmits", ("TCP 4 streams retransmits", "segments")),
    ("rtt_lost", ("pings lost", "of the pings sent")),
    ("echo_steady_p50_ms", ("UDP request/reply, established, p50", "ms")),
    ("echo_first_p50_ms", ("UDP request/reply, first datagram of a new port, p50", "ms")),
    ("echo_first_p99_ms", ("UDP request/reply, first datagram of a new port, p99", "ms")),
    ("echo_lost", ("UDP request/replies lost", "")),
])
OGW_ONLY = OrderedDict([
    ("new_sessions_per_s", ("new sessions per second (end to end: the slower side)", "/s")),
    ("new_sessions_per_s_a", ("  opened by gateway A (initiator)", "/s")),
    ("new_sessions_per_s_b", ("  opened by gateway B (acceptor)", "/s")),
    ("new_sessions_generator_per_s", ("  offered by the generator", "/s")),
    ("new_sessions_generator_waits", ("  times the generator waited for the gateways", "")),
    ("new_sessions_opened_a", ("  sessions opened on A", "")),
    ("new_sessions_opened_b", ("  sessions opened on B", "")),
    ("new_sessions_tun_dropped", ("  datagrams dropped by A's TUN queue", "")),
    ("first_packet_added_ms", ("first-packet latency: first-datagram p50 minus established p50",
                               "ms")),
    ("rss_per_session_b_a", ("RSS per open session, gateway A", "bytes")),
    ("rss_per_session_b_b", ("RSS per open session, gateway B", "bytes")),
    ("rss_sessions_a", ("  sessions open on A", "")),
    ("rss_sessions_b", ("  sessions open on B", "")),
    ("rss_before_kib_a", ("  A's RSS before", "KiB")),
    ("rss_after_kib_a", ("  A's RSS after", "KiB")),
    ("rss_before_kib_b", ("  B's RSS before", "KiB")),
    ("rss_after_kib_b", ("  B's RSS after", "KiB")),
    ("deadpeer_all_ms", ("dead peer (T = 200 ms, under load): kill -9 to every session timed "
                         "out", "ms")),
    ("deadpeer_first_ms", ("  kill -9 to the first session timed out (an idle one)", "ms")),
    ("deadpeer_sessions", ("  sessions open at the kill", "")),
    ("deadpeer_timed_out", ("  of them torn down as peer_timeout", "")),
    ("deadpeer_loaded", ("  iperf3 load running at the kill (1 = yes)", "")),
    ("loaded_false_detections", ("loaded run: false peer_timeout/link_down teardowns", "")),
    ("loaded_false_a", ("  on gateway A", "")),
    ("loaded_false_b", ("  on gateway B", "")),
    ("loaded_first_false_s", ("  the first one, after", "s")),
    ("loaded_seconds", ("  loaded run length asked for", "s")),
    ("loaded_ran_s", ("  iperf3 ran for", "s")),
    ("loaded_iperf_ok", ("  iperf3 completed (1 = yes)", "")),
    ("loaded_tcp4_gbps", ("  loaded run TCP 4 streams (if completed)", "Gbit/s")),
    ("loaded_udp_rcvbuf_drops_a", ("  underlay datagrams dropped by A's full UDP receive buffer",
                                   "")),
    ("loaded_udp_rcvbuf_drops_b", ("  underlay datagrams dropped by B's full UDP receive buffer",
                                   "")),
])


def summary(values):
    vals = [v for v in values if v is not None]
    if not vals:
        return None
    return {"median": statistics.median(vals), "min": min(vals), "max": max(vals),
            "values": values}


def fmt(x):
    if x is None:
        return "–"
    a = abs(x)
    if a >= 1000:
        return "{:,.0f}".format(x)
    if isinstance(x, int) or float(x).is_integer():
        return "%d" % x
    if a >= 100:
        return "%.0f" % x
    if a >= 10:
        return "%.1f" % x
    if a >= 1:
        return "%.2f" % x
    return "%.3f" % x


def cell(s):
    if not s:
        return "–"
    if len([v for v in s["values"] if v is not None]) == 1:
        return fmt(s["median"])
    return "%s (%s–%s)" % (fmt(s["median"]), fmt(s["min"]), fmt(s["max"]))


def load(raw_path):
    meta, figures, unavailable = {}, {}, {}
    with open(raw_path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            d = json.loads(line)
            if "meta" in d:
                meta[d["meta"]] = d["value"]
            elif "unavailable" in d:
                unavailable[d["tunnel"]] = d["unavailable"]
            else:
                figures.setdefault(d["tunnel"], {}).setdefault(d["metric"], {})[d["round"]] = \
                    d["value"]
    return meta, figures, unavailable


def derive(figures):
    """Per-round figures computed from others: added RTT against the veth of the same round,
    first-packet latency of ogw."""
    veth = figures.get("veth", {}).get("rtt_p50_ms", {})
    for tunnel, m in figures.items():
        if tunnel == "veth" or "rtt_p50_ms" not in m:
            continue
        m["rtt_added_p50_ms"] = {r: round(v - veth[r], 4) for r, v in m["rtt_p50_ms"].items()
                                 if v is not None and veth.get(r) is not None}
    if "veth" in figures and "rtt_p50_ms" in veth:
        figures["veth"]["rtt_added_p50_ms"] = {r: 0.0 for r in veth}
    ogw = figures.get("ogw", {})
    if "echo_first_p50_ms" in ogw and "echo_steady_p50_ms" in ogw:
        ogw["first_packet_added_ms"] = {
            r: round(v - ogw["echo_steady_p50_ms"][r], 4)
            for r, v in ogw["echo_first_p50_ms"].items()
            if v is not None and ogw["echo_steady_p50_ms"].get(r) is not None}


def med(summaries, tunnel, metric):
    s = summaries.get(tunnel, {}).get(metric)
    return s["median"] if s else None


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def targets(summaries, meta):
    """The targets of issue 10 (bench/targets.md), each with its measured value and status."""
    out = []

    def add(target, measured, ok, note=""):
        status = "not measured" if ok is None else ("met" if ok else "not met")
        out.append({"target": target, "measured": measured, "status": status, "note": note})

    def versus(metric, other, unit, target, higher_is_better=True):
        a, b = med(summaries, "ogw-encrypted", metric), med(summaries, other, metric)
        r = ratio(a, b)
        if r is None:
            return "–", None
        return ("%s× (%s vs %s %s)" % (fmt(r), fmt(a), fmt(b), unit),
                r >= target if higher_is_better else r <= target)

    for streams in (1, 4):
        m = "tcp%d_gbps" % streams
        add("encrypted ogw TCP (%d stream%s) ≥ 1.5× wireguard-go"
            % (streams, "s" * (streams > 1)), *versus(m, REFERENCE, "Gbit/s", 1.5))
    add("encrypted ogw 64-byte packet rate ≥ 1.5× wireguard-go",
        *versus("udp64_kpps", REFERENCE, "kpps", 1.5))
    add("encrypted ogw added p50 round trip ≤ 0.7× wireguard-go's",
        *versus("rtt_added_p50_ms", REFERENCE, "ms", 0.7, higher_is_better=False))
    add("encrypted ogw TCP throughput ≥ 2× OpenVPN AES-256-GCM",
        *versus("tcp1_gbps", "openvpn-aes256gcm", "Gbit/s", 2.0))

    for streams in (1, 4):
        m = "tcp%d_gbps" % streams
        r = ratio(med(summaries, "ogw", m), med(summaries, REFERENCE, m))
        add("unencrypted ogw TCP (%d stream%s) ≥ 3× wireguard-go" % (streams, "s" * (streams > 1)),
            "%s× (%s vs %s Gbit/s)" % (fmt(r), fmt(med(summaries, "ogw", m)),
                                       fmt(med(summaries, REFERENCE, m))) if r else "–",
            None if r is None else r >= 3.0)
    for streams in (1, 4):
        m = "tcp%d_gbps" % streams
        r = ratio(med(summaries, "ogw", m), med(summaries, "trivial", m))
        add("unencrypted ogw TCP (%d stream%s) ≥ 2× the trivial forwarder"
            % (streams, "s" * (streams > 1)),
            "%s× (%s vs %s Gbit/s)" % (fmt(r), fmt(med(summaries, "ogw", m)),
                                       fmt(med(summaries, "trivial", m))) if r else "–",
            None if r is None else r >= 2.0)

    rate = med(summaries, "ogw", "new_sessions_per_s")
    waits = med(summaries, "ogw", "new_sessions_generator_waits")
    note = ""
    if waits == 0:
        note = "the generator never waited for the gateways: a lower bound"
    add("≥ 20,000 new sessions per second (one core)",
        "%s per second" % fmt(rate) if rate is not None else "–",
        None if rate is None else rate >= 20000, note)

    first = med(summaries, "ogw", "echo_first_p50_ms")
    under = med(summaries, "veth", "echo_steady_p50_ms")
    add("first-packet latency ≤ underlay RTT + 1 ms",
        "%s ms first-datagram request/reply vs %s ms on the bare veth (p50)"
        % (fmt(first), fmt(under)) if first is not None and under is not None else "–",
        None if first is None or under is None else first <= under + 1.0)

    per = [med(summaries, "ogw", m) for m in ("rss_per_session_b_a", "rss_per_session_b_b")]
    per = [p for p in per if p is not None]
    n = med(summaries, "ogw", "rss_sessions_a")
    add("≤ 1 KiB RSS per open session at 100,000 sessions",
        "A %s B, B %s B (the larger counts) at %s sessions" % (
            fmt(med(summaries, "ogw", "rss_per_session_b_a")),
            fmt(med(summaries, "ogw", "rss_per_session_b_b")), fmt(n)) if per else "–",
        None if not per or (n or 0) < 100000 else max(per) <= 1024,
        "" if not per or (n or 0) >= 100000 else "fewer than 100,000 sessions were open")

    s = summaries.get("ogw", {}).get("deadpeer_all_ms")
    vals = [v for v in (s["values"] if s else []) if v is not None]
    add("dead peer detected within [T, 1.25 T] = [200, 250] ms under full load",
        "%s ms (%s–%s) over %d rounds" % (fmt(s["median"]), fmt(s["min"]), fmt(s["max"]),
                                          len(vals)) if vals else "–",
        None if not vals else all(200 <= v <= 250 for v in vals),
        "every round must be in the window; measured to the last session torn down (the "
        "loaded one); idle sessions go up to T/4 earlier, their last keepalive preceding the kill")

    fd = med(summaries, "ogw", "loaded_false_detections")
    secs = med(summaries, "ogw", "loaded_seconds")
    add("no false detection in a 60 s loaded run (T = 200 ms)",
        "%s false detections in %s s" % (fmt(fd), fmt(secs)) if fd is not None else "–",
        None if fd is None or (secs or 0) < 60 else fd == 0,
        "run with BENCH_FULL=1" if fd is None else
        ("the run was shorter than 60 s" if (secs or 0) < 60 else ""))
    return out


def main():
    raw_path, prefix = sys.argv[1], sys.argv[2]
    meta, figures, unavailable = load(raw_path)
    derive(figures)
    tunnels = [t for t in ORDER if t in figures or t in unavailable] + \
        sorted(t for t in list(figures) + list(unavailable) if t not in ORDER)
    tunnels = list(OrderedDict.fromkeys(tunnels))
    summaries = {t: {m: summary([v for _, v in sorted(r.items())])
                     for m, r in figures.get(t, {}).items()} for t in tunnels}

    ratios = {}
    for t in tunnels:
        if t in unavailable and t not in figures:
            continue
        ratios[t] = {m: ratio(med(summaries, t, m), med(summaries, REFERENCE, m))
                     for m in MAIN if m != "rtt_added_p50_ms" or t != "veth"}
    tg = targets(summaries, meta)

    doc = {
        "schema": 1,
        "meta": meta,
        "reference": REFERENCE,
        "tunnels": {t: {"label": LABEL.get(t, t), "available": t not in unavailable,
                        "reason": unavailable.get(t),
                        "description": meta.get("desc." + t),
                        "figures": {m: dict(s, unit=(MAIN.get(m) or SECONDARY.get(m)
                                                     or OGW_ONLY.get(m) or ("", ""))[1])
                                    for m, s in summaries[t].items() if s}}
                    for t in tunnels},
        "ratios_vs_wireguard_go": ratios,
        "targets": tg,
    }
    with open(prefix + ".json", "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)
        f.write("\n")

    settings = meta.get("settings", {})
    md = []
    md.append("# ogw benchmark, %s, %s" % (meta.get("date", "?")[:10], meta.get("host", "?")))
    md.append("")
    md.append("Produced by `bench/run.sh` (see `bench/README.md`). Every cell is the median over "
              "%s rounds with min–max in brackets; the rounds of all tunnels are interleaved "
              "(round 1 of every tunnel, then round 2, ...), each on a fresh two-namespace veth "
              "rig." % settings.get("rounds", "?"))
    md.append("")
    md.append("| | |")
    md.append("|---|---|")
    for k, label in [("date", "date (UTC)"), ("host", "host"), ("cpu", "CPU"),
                     ("cores", "cores"), ("memory_gib", "memory (GiB)"), ("kernel", "kernel"),
                     ("git", "ogw commit")]:
        md.append("| %s | %s |" % (label, meta.get(k, "?")))
    md.append("| load average at start (1, 5, 15 min) | %s |" %
              ", ".join(str(x) for x in meta.get("load_start", [])))
    md.append("| load average at end (1, 5, 15 min) | %s |" %
              ", ".join(str(x) for x in meta.get("load_end", [])))
    md.append("| `uptime` at start | `%s` |" % meta.get("uptime_start", "?").strip())
    md.append("| `uptime` at end | `%s` |" % meta.get("uptime_end", "?").strip())
    md.append("| run time | %s s |" % meta.get("duration_s", "?"))
    md.append("| settings | %s |" % ", ".join("%s = %s" % kv for kv in settings.items()))
    md.append("")
    load_start = (meta.get("load_start") or [0])[0]
    cores = meta.get("cores") or 1
    if max(load_start, (meta.get("load_end") or [0])[0]) > 0.5 * cores:
        md.append("**The machine was busy** (load average above half its %s cores): other "
                  "work shared the CPUs with the benchmark, so absolute figures are low and "
                  "noisy; compare tunnels by the ratios, and mind the min–max spread." % cores)
        md.append("")

    md.append("## Throughput, packet rate, round trip, CPU")
    md.append("")
    md.append("| tunnel | " + " | ".join("%s (%s)" % (v[0], v[1]) for v in MAIN.values()) + " |")
    md.append("|---|" + "---:|" * len(MAIN))
    for t in tunnels:
        if t in unavailable and t not in figures:
            md.append("| %s | not available: %s |" % (LABEL.get(t, t), unavailable[t]) +
                      " |" * (len(MAIN) - 1))
            continue
        md.append("| %s | " % LABEL.get(t, t) +
                  " | ".join(cell(summaries[t].get(m)) for m in MAIN) + " |")
    md.append("")
    md.append("## Ratios against %s (median / median)" % REFERENCE)
    md.append("")
    md.append("TCP and UDP columns: above 1 is faster than wireguard-go. RTT and CPU columns: "
              "below 1 is less time or CPU than wireguard-go.")
    md.append("")
    cols = [m for m in MAIN if m not in ("udp64_mbps",)]
    md.append("| tunnel | " + " | ".join(MAIN[m][0] for m in cols) + " |")
    md.append("|---|" + "---:|" * len(cols))
    for t, r in ratios.items():
        md.append("| %s | " % LABEL.get(t, t) +
                  " | ".join(("%.2f×" % r[m]) if r.get(m) is not None else "–" for m in cols) +
                  " |")
    md.append("")
    md.append("## More figures per tunnel")
    md.append("")
    avail = [t for t in tunnels if t in figures]
    md.append("| figure | " + " | ".join(LABEL.get(t, t) for t in avail) + " |")
    md.append("|---|" + "---:|" * len(avail))
    for m, (label, unit) in SECONDARY.items():
        md.append("| %s%s | " % (label, " (%s)" % unit if unit else "") +
                  " | ".join(cell(summaries[t].get(m)) for t in avail) + " |")
    md.append("")
    if "ogw" in figures:
        md.append("## ogw only")
        md.append("")
        md.append("| figure | median (min–max) | rounds |")
        md.append("|---|---:|---:|")
        for m, (label, unit) in OGW_ONLY.items():
            s = summaries["ogw"].get(m)
            if not s:
                continue
            n = len([v for v in s["values"] if v is not None])
            md.append("| %s%s | %s | %d |" % (label.replace("  ", "&nbsp;&nbsp;"),
                                             " (%s)" % unit if unit else "", cell(s), n))
        md.append("")
    md.append("## Targets of issue 10 (bench/targets.md)")
    md.append("")
    md.append("Reported, never enforced.")
    md.append("")
    md.append("| target | measured | status |")
    md.append("|---|---|---|")
    for x in tg:
        md.append("| %s | %s | **%s**%s |" % (x["target"], x["measured"], x["status"],
                                             ("; " + x["note"]) if x["note"] else ""))
    md.append("")
    md.append("## The tunnels")
    md.append("")
    for t in tunnels:
        if t in unavailable:
            md.append("- **%s**: not available: %s" % (LABEL.get(t, t), unavailable[t]))
        else:
            md.append("- **%s**: %s" % (LABEL.get(t, t), meta.get("desc." + t, "")))
    md.append("")
    md.append("## How it was measured")
    md.append("")
    md.append("""- Rig: two network namespaces joined by one veth pair (default offloads); the tunnel
  process(es) and the applications share each namespace. Traffic goes from A to B's tunnel
  address (the bare-veth row: B's veth address).
- TCP: `iperf3 -t %s [-P 4]`, the rate the receiver got. UDP: `iperf3 -u -l 64 -b 0`
  (unlimited), datagrams the server received (highest sequence number minus gaps) per second.
- RTT: `ping -i 0.01 -c %s`, nearest-rank percentiles. Added RTT: the tunnel's p50 minus the bare
  veth's p50 of the same round.
- CPU s/GB: utime + stime of the tunnel processes on both sides (`/proc/PID/stat`, all
  threads) during the TCP run, per 10^9 bytes received by iperf3. Kernel work outside those
  processes (softirq, the applications' TCP stacks) is not counted; the bare veth has none.
- ogw: new sessions/s from fresh UDP port pairs sent with a raw socket, counted by
  `sessions_opened` sampled every 20 ms over the control socket; first-packet latency from
  `lib/py/udp_echo.py` (a new socket per request); RSS from `/proc/PID/status` VmRSS before and
  after opening the sessions; dead-peer detection from `kill -9` of the remote ogwd to the first
  control-socket sample (every 5 ms) in which every session has been torn down as
  `peer_timeout` (the loaded session is the last: it heard from the peer until the kill).
- Details, caveats and the exact commands: `bench/README.md`, `bench/targets.md`.""" %
              (settings.get("seconds", "?"), settings.get("pings", "?")))
    md.append("")
    with open(prefix + ".md", "w", encoding="utf-8") as f:
        f.write("\n".join(md))

    # The console summary.
    print()
    print("Ratios against %s (median / median; for RTT and CPU lower is better):" % REFERENCE)
    short = ["tcp1_gbps", "tcp4_gbps", "udp64_kpps", "rtt_added_p50_ms", "cpu_s_per_gb_tcp1"]
    heads = ["TCP x1", "TCP x4", "UDP 64B pps", "added RTT p50", "CPU s/GB x1"]
    width = max([24] + [len(LABEL.get(t, t)) + 1 for t in list(ratios) + list(unavailable)])
    print("  " + "".ljust(width) + "".join("%15s" % h for h in heads))
    for t, r in ratios.items():
        print("  " + LABEL.get(t, t).ljust(width) +
              "".join("%15s" % (("%.2fx" % r[m]) if r.get(m) is not None else "-")
                      for m in short))
    for t, why in unavailable.items():
        print("  " + LABEL.get(t, t).ljust(width) + "not available: %s" % why)
    print()
    print("Targets (issue 10):")
    for x in tg:
        print("  [%s] %s: %s" % (x["status"], x["target"], x["measured"]))
    print()
    print("Report: %s.md and %s.json" % (prefix, prefix))


if __name__ == "__main__":
    main()
