#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Sends Ethernet frames from an interface, for the Ethernet shim's integration tests.
#
#   eth_send.py DEV DST_MAC ETHERTYPE KIND COUNT [PROTOCOL_MD]
#
# KIND:
#   foreign   COUNT frames of other Ethertypes (IPv4 0x0800, 0x88b5, ETHERTYPE + 1), to DST_MAC
#             and to broadcast: the receiver's kernel filter must drop them all.
#   garbage   COUNT frames of ETHERTYPE to DST_MAC that every decoder must reject: every
#             truncation of a valid FLOW_REQ (built per docs/protocol.md, checked against its
#             golden vector in PROTOCOL_MD), a bad version, unknown types, bad length fields,
#             header-only frames, and random bytes with a version byte other than 1. Cycles
#             through them until COUNT frames are sent.
#   flood     COUNT frames of ETHERTYPE: the garbage mix plus random frames of any content.
#   plain     COUNT frames of ETHERTYPE to DST_MAC with a 46-byte payload (e.g. a broadcast
#             storm with ff:ff:ff:ff:ff:ff), sent as fast as the socket takes them.
#
# The source MAC is a fixed locally administered address. Prints one JSON line:
# {"sent": N, "errors": E}. Deterministic (seeded).
import hashlib, json, random, re, socket, struct, sys

def name_hash(name):
    return hashlib.blake2b(name.encode(), digest_size=32).digest()

# FLOW_REQ, docs/protocol.md: header (version 1, type 1, length, dst_eid 0), src_eid, name
# hash, qos (delay, bandwidth, availability, in_order, reserved, loss, ber, max_gap, timeout),
# src_name_len, src_name, first SDU.
def flow_req(name, src_eid, src_name, sdu=b"", timeout=120000):
    body = (struct.pack(">I", src_eid) + name_hash(name)
            + struct.pack(">IQBBHIIIQ", 0xFFFFFFFF, 0, 0, 0, 0, 1, 1, 0xFFFFFFFF, timeout)
            + bytes([len(src_name)]) + src_name.encode() + sdu)
    return struct.pack(">BBHI", 1, 1, 8 + len(body), 0) + body

def check_builder(protocol_md):
    doc = open(protocol_md).read()
    m = re.search(r'^\| FLOW_REQ "oecho".*?\| `([0-9a-f …]+)` \|', doc, re.M)
    if not m:
        sys.exit("no FLOW_REQ golden vector in " + protocol_md)
    want = m.group(1).replace("edfb…3f66", name_hash("oecho").hex()).replace(" ", "")
    got = flow_req("oecho", 0x00100001, "site-a", b"hi").hex()
    if got != want:
        sys.exit("eth_send.py builds FLOW_REQ %s but %s says %s" % (got, protocol_md, want))

def mac_bytes(text):
    return bytes(int(x, 16) for x in text.split(":"))

def garbage_payloads(rng):
    req = flow_req("nobody", 0x00100001, "stranger")
    out = [req[:n] for n in range(0, 81)]                      # too short or bad length
    out.append(bytes([2]) + req[1:])                             # bad version
    out += [bytes([1, t]) + req[2:] for t in (8, 9, 0x7f, 0xff)]  # unknown types
    bad_len = bytearray(req)
    bad_len[2:4] = struct.pack(">H", len(req) + 1)               # longer than the frame
    out.append(bytes(bad_len))
    bad_len[2:4] = struct.pack(">H", 4)                          # shorter than the header
    out.append(bytes(bad_len))
    for _ in range(64):
        n = rng.randrange(0, 200)
        p = bytearray(rng.getrandbits(8) for _ in range(n))
        if p and p[0] == 1:
            p[0] = 0x55
        out.append(bytes(p))
    return out

def main():
    if len(sys.argv) < 6:
        sys.exit(__doc__ if __doc__ else "usage: eth_send.py DEV DST_MAC ETHERTYPE KIND COUNT")
    dev, dst, ethertype, kind, count = sys.argv[1], mac_bytes(sys.argv[2]), int(sys.argv[3], 0), sys.argv[4], int(sys.argv[5])
    if len(sys.argv) > 6:
        check_builder(sys.argv[6])
    rng = random.Random(3435)
    src = bytes([0x02, 0x4f, 0x47, 0x57, 0x00, 0x01])
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((dev, 0))
    frames = []
    if kind == "foreign":
        for t in (0x0800, 0x88B5, ethertype + 1):
            for to in (dst, b"\xff" * 6):
                frames.append(to + src + struct.pack(">H", t) + flow_req("oecho", 1, "x"))
    elif kind in ("garbage", "flood"):
        head = dst + src + struct.pack(">H", ethertype)
        frames = [head + p for p in garbage_payloads(rng)]
        if kind == "flood":
            frames += [head + bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 1500)))
                       for _ in range(64)]
    elif kind == "plain":
        frames = [dst + src + struct.pack(">H", ethertype) + bytes(range(46))]
    else:
        sys.exit("unknown KIND " + kind)
    sent = errors = 0
    for i in range(count):
        try:
            s.send(frames[i % len(frames)])
            sent += 1
        except OSError:
            errors += 1
    print(json.dumps({"sent": sent, "errors": errors}))

main()
