#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""New-session generator: sends COUNT UDP datagrams (64-byte payload) to DST, each with its own
(source port, destination port) pair, so that a session-mapping gateway sees COUNT new
sessions. Index i (from FIRST on) uses source port 1024 + i % 64512 and destination port
10000 + i // 64512. A raw socket (IPPROTO_UDP, the kernel adds the IP header) sends them with
no per-port bind; UDP checksum 0 (none, valid over IPv4).

A TUN device drops what its reader has not taken once its queue (500 packets) is full, without
telling the sender. So with SOCK_A and SOCK_B (the two ogwd control sockets) the generator runs
closed-loop: it keeps at most WINDOW sessions sent but not yet opened on both gateways
(sessions_opened, polled over the control sockets), which makes it run as fast as the gateways
open sessions, without loss. Without them it sends as fast as it can.
ICMP errors that come back (they surface as errors of the next send) are counted and the
datagram is sent again. Stops after SECONDS in any case.

  sessgen.py DST FIRST COUNT SECONDS [WINDOW SOCK_A SOCK_B]
Prints {"sent", "seconds", "rate", "icmp_errors", "waits"}."""
import errno
import json
import socket
import struct
import sys
import time

ICMP_ERRORS = (errno.ECONNREFUSED, errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EHOSTDOWN,
               errno.EACCES, errno.EPROTO)
IP_RECVERR = getattr(socket, "IP_RECVERR", 11)  # Linux: 11


class Opened:
    """sessions_opened on both gateways, counted from construction; done() is the smaller."""

    def __init__(self, paths):
        self.socks = []
        for p in paths:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            s.settimeout(2.0)
            s.connect(p)
            self.socks.append(s)
        self.rid = 0
        self.base = self.counts()

    def counts(self):
        out = []
        for s in self.socks:
            self.rid += 1
            s.send(json.dumps({"v": 1, "id": self.rid, "op": "stats"}).encode())
            while True:
                msg = json.loads(s.recv(1 << 20))
                if msg.get("id") == self.rid:
                    out.append(msg["result"]["stats"]["sessions_opened"])
                    break
        return out

    def done(self):
        return min(c - b for c, b in zip(self.counts(), self.base))


def main():
    dst, first, count, limit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    window = int(sys.argv[5]) if len(sys.argv) > 7 else 0
    opened = Opened(sys.argv[6:8]) if window else None
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
    s.setsockopt(socket.IPPROTO_IP, IP_RECVERR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)  # it would get a copy of all UDP in
    payload = b"\x00" * 64
    length = 8 + len(payload)
    pack = struct.Struct("!HHHH").pack
    target = (dst, 0)
    sent = icmp = waits = done = 0
    t0 = time.monotonic()
    deadline = t0 + limit
    for i in range(first, first + count):
        if opened and sent - done >= window:
            while True:
                done = opened.done()
                if sent - done <= window // 2 or time.monotonic() > deadline:
                    break
                waits += 1
                time.sleep(0.0002)
        datagram = pack(1024 + i % 64512, 10000 + i // 64512, length, 0) + payload
        while True:
            try:
                s.sendto(datagram, target)
                break
            except OSError as e:
                if e.errno in (errno.ENOBUFS, errno.EAGAIN):
                    time.sleep(0.00005)
                elif e.errno in ICMP_ERRORS:
                    icmp += 1  # a queued ICMP error (e.g. port unreachable) was reported: resend
                else:
                    raise
        sent += 1
        if (sent & 1023) == 0 and time.monotonic() > deadline:
            break
    secs = time.monotonic() - t0
    print(json.dumps({"sent": sent, "seconds": secs, "rate": sent / secs if secs else 0,
                      "icmp_errors": icmp, "waits": waits}))


if __name__ == "__main__":
    main()
