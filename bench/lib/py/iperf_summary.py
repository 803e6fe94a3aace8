#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Summarises an iperf3 -J result (file argument) as one JSON object.

TCP: {"ok", "bps", "bytes", "seconds", "retransmits"} from end.sum_received (what the
receiver got) and end.sum_sent.retransmits.
UDP: {"ok", "sent", "lost", "received", "seconds", "pps", "payload_bps", "loss_pct"} from
end.sum_received (the server's count): received = packets (highest sequence number seen) -
lost_packets (the gaps); pps = received / seconds;
payload_bps = received * payload length * 8 / seconds."""
import json
import sys


def main():
    path, payload = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            d = json.load(f)
    except (OSError, ValueError) as e:
        print(json.dumps({"ok": False, "error": "no iperf3 JSON: %s" % e}))
        return
    if "error" in d:
        print(json.dumps({"ok": False, "error": d["error"]}))
        return
    end = d.get("end", {})
    proto = d.get("start", {}).get("test_start", {}).get("protocol", "TCP")
    if proto == "UDP":
        s = end.get("sum_received") or end.get("sum", {})
        secs = s.get("seconds") or 0
        # The receiver's "packets" is the highest sequence number it saw; lost = the gaps.
        sent = end.get("sum_sent", {}).get("packets", s.get("packets", 0))
        lost = s.get("lost_packets", 0)
        received = max(0, s.get("packets", 0) - lost)
        print(json.dumps({"ok": secs > 0 and received > 0, "sent": sent, "lost": lost,
                          "received": received, "seconds": secs,
                          "pps": received / secs if secs else 0,
                          "payload_bps": received * payload * 8 / secs if secs else 0,
                          "loss_pct": 100.0 * (sent - received) / sent if sent else None}))
    else:
        r = end.get("sum_received", {})
        print(json.dumps({"ok": r.get("bytes", 0) > 0, "bps": r.get("bits_per_second", 0),
                          "bytes": r.get("bytes", 0), "seconds": r.get("seconds", 0),
                          "retransmits": end.get("sum_sent", {}).get("retransmits")}))


if __name__ == "__main__":
    main()
