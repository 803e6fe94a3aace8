#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Holds TCP connections open and reports how they end, one line per event.

  tcphold.py server [--bind ADDR] PORT      accepts connections; echoes what it reads
  tcphold.py client HOST PORT [-n N]        opens N connections (default 1), then waits on
                                            each and prints how it ended
  tcphold.py close HOST PORT                connects, exchanges one line, closes normally

Lines: "listening PORT", "connected N LOCALPORT", "echo N", "closed N" (orderly EOF),
"error N ECONNRESET" (or another errno name), "done".
"""
import errno
import select
import socket
import sys


def say(*words):
    print(*words, flush=True)


def family_of(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def server(args):
    bind = "::"
    if args[0] == "--bind":
        bind, args = args[1], args[2:]
    port = int(args[0])
    lsock = socket.socket(family_of(bind), socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if lsock.family == socket.AF_INET6:
        lsock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    lsock.bind((bind, port))
    lsock.listen(128)
    say("listening", port)
    conns = {}
    while True:
        ready, _, _ = select.select([lsock, *conns], [], [])
        for s in ready:
            if s is lsock:
                c, _ = lsock.accept()
                conns[c] = len(conns) + 1
                say("accepted", conns[c])
                continue
            try:
                data = s.recv(65536)
            except OSError as e:
                say("error", conns.pop(s), errno.errorcode.get(e.errno, str(e.errno)))
                s.close()
                continue
            if not data:
                say("closed", conns.pop(s))
                s.close()
            else:
                s.sendall(data)


def client(args):
    host, port = args[0], int(args[1])
    n = int(args[3]) if len(args) > 3 and args[2] == "-n" else 1
    socks = {}
    for i in range(1, n + 1):
        s = socket.create_connection((host, port), timeout=5)
        s.settimeout(None)
        s.sendall(b"hello\n")
        if not s.recv(64):
            say("closed", i)
            return 1
        socks[s] = i
        say("connected", i, s.getsockname()[1])
    while socks:
        ready, _, _ = select.select(list(socks), [], [])
        for s in ready:
            i = socks.pop(s)
            try:
                data = s.recv(65536)
                say("closed" if not data else "data", i)
            except OSError as e:
                say("error", i, errno.errorcode.get(e.errno, str(e.errno)))
            s.close()
    say("done")
    return 0


def close(args):
    host, port = args[0], int(args[1])
    s = socket.create_connection((host, port), timeout=5)
    s.sendall(b"bye\n")
    s.recv(64)
    say("connected", 1, s.getsockname()[1])
    s.shutdown(socket.SHUT_WR)
    while s.recv(64):
        pass
    s.close()
    say("closed", 1)
    return 0


if __name__ == "__main__":
    mode, rest = sys.argv[1], sys.argv[2:]
    sys.exit({"server": server, "client": client, "close": close}[mode](rest) or 0)
