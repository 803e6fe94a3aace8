#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Garbage on the UDP shim's port: while an oping flow runs, A's namespace sends B's ogwd random
# datagrams, every truncation of a valid FLOW_REQ (built by hand per docs/protocol.md and
# checked to be valid: B answers it with -ENAME), replays of it, and a flood of 100,000
# datagrams. Then B's ogwd is alive and answers, oping still gets replies, B holds no flow but
# oping's, and B counts the drops ('ogw --json ipcps': non-zero drops on [ipcp.wan]).
#
#   ns a                                     ns b
#   oping -n oping -i 50ms                   oping -l
#   garbage.py (python3) -----------------> udp 10.0.0.2:3435
#      |  OGW_SOCKET                            |  OGW_SOCKET
#   ogwd a  [ipcp.wan] udp                   ogwd b  [ipcp.wan] udp
#     bind 10.0.0.1:3435                       bind 10.0.0.2:3435
#     peer = oping 10.0.0.2:3435
#      |                                        |
#   veth-b 10.0.0.1/24 <------ veth ------>  veth-a 10.0.0.2/24
#
# The flood loads the machine for a few seconds; timed tests must not run beside it.
# run-serial: true
# timeout: 120
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"

require_root
require_bin "$OGWD" "$OGW" "$OPING"

# Debug logging of 100,000 drops would measure the logger, not the decoder.
OGWD_LOG_LEVEL=info
REPLY='^[0-9]+ bytes from oping: seq=[0-9]+ time='
A=10.0.0.1 B=10.0.0.2
make_ns a b
link_ns a b "$A/24" "$B/24"
write_config a "$(hostport $A)" "oping $(hostport $B)"
write_config b "$(hostport $B)"
start_ogwd a
start_ogwd b

start_bg pingsrv b 100 "$OPING" -l
wait_line pingsrv '^oping server: serving oping\.$' 5000 >/dev/null
start_bg ping a 100 "$OPING" -n oping -i 50ms
wait_line ping "$REPLY" 5000 >/dev/null

cat >"$TEST_DIR/garbage.py" <<'PY'
# Sends garbage to an ogw UDP shim. Usage: garbage.py SRC DST PORT FLOOD PROTOCOL_MD
import hashlib, json, os, random, re, socket, struct, sys, time

src, dst, port, flood, protocol_md = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
rng = random.Random(3435)

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

# The builder must reproduce the golden vector of docs/protocol.md, or this test is stale.
doc = open(protocol_md).read()
m = re.search(r'^\| FLOW_REQ "oecho".*?\| `([0-9a-f …]+)` \|', doc, re.M)
if not m:
    sys.exit("no FLOW_REQ golden vector in " + protocol_md)
want = m.group(1).replace("edfb…3f66", name_hash("oecho").hex()).replace(" ", "")
got = flow_req("oecho", 0x00100001, "site-a", b"hi").hex()
if got != want:
    sys.exit("garbage.py builds FLOW_REQ %s but docs/protocol.md says %s: update the builder" % (got, want))

sock = socket.socket(socket.AF_INET6 if ":" in dst else socket.AF_INET, socket.SOCK_DGRAM)
sock.bind((src, 0))
sock.setblocking(False)
dest = (dst, port)
sent = {"valid": 0, "truncated": 0, "random": 0, "replay": 0, "flood": 0, "send_errors": 0}

def send(kind, data):
    try:
        sock.sendto(data, dest)
        sent[kind] += 1
    except (BlockingIOError, OSError):
        sent["send_errors"] += 1
        time.sleep(0.0005)

def replies(seconds):
    out = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            out.append(sock.recv(65536))
        except BlockingIOError:
            time.sleep(0.005)
    return out

# 1. A valid request for a name nobody serves: the answer must be FLOW_REPLY -ENAME.
valid = flow_req("nobody-serves-this", 0x00100001, "a", b"hi")
send("valid", valid)
got = replies(2.0)
enames = [r for r in got if len(r) == 16 and r[0] == 1 and r[1] == 2
          and struct.unpack(">i", r[12:16])[0] == -1007]
if not enames:
    sys.exit("the hand-built FLOW_REQ was not answered with FLOW_REPLY -ENAME; got %r" % got)

# 2. Every truncation, with the length field as sent and patched to the truncated size.
for n in range(len(valid)):
    send("truncated", valid[:n])
    if n >= 4:
        send("truncated", valid[:2] + struct.pack(">H", n) + valid[4:n])
# 3. Random bytes: fully random, and random after a valid version and a random type.
for _ in range(2000):
    send("random", os.urandom(rng.randrange(0, 1500)))
for _ in range(2000):
    body = os.urandom(rng.randrange(0, 200))
    t = rng.randrange(0, 10)
    send("random", struct.pack(">BBH", 1, t, 4 + len(body)) + body)
# 4. Replays of the valid request (idempotent: the same -ENAME, nothing created).
for _ in range(500):
    send("replay", valid)
replies(0.2)
# 5. The flood: DATA and KEEPALIVE for endpoints that do not exist, and random bytes.
for i in range(flood):
    k = i % 3
    if k == 0:
        sdu = os.urandom(rng.randrange(0, 64))
        send("flood", struct.pack(">BBHI", 1, 0, 8 + len(sdu), rng.randrange(1, 1 << 32)) + sdu)
    elif k == 1:
        send("flood", struct.pack(">BBHIIB3xI", 1, 5, 20, rng.randrange(1, 1 << 32),
                                  rng.randrange(1, 1 << 32), 1, rng.randrange(0, 1 << 32)))
    else:
        send("flood", os.urandom(rng.randrange(1, 100)))
    if i % 256 == 0:
        replies(0)
print(json.dumps(sent))
PY

t_start=$(now_ms)
rc=0
in_ns a timeout 60 "$PYTHON" "$TEST_DIR/garbage.py" "$A" "$B" 3435 100000 \
    "$OGW_SOURCE_DIR/docs/protocol.md" >"$TEST_DIR/garbage.log" 2>&1 || rc=$?
t_end=$(now_ms)
log "garbage sent in $((t_end - t_start)) ms: $(tail -n 1 "$TEST_DIR/garbage.log")"
expect_rc 0 "$rc" "garbage.py exit status"

expect_ogwd_alive b
bg_running ping || fail "oping on a exited during the garbage: $(tail -n 5 "$(bg_log ping)")"
if line=$(find_line ping '^Flow failed: '); then
    fail "oping's flow failed during the garbage: $line"
fi
wait_line ping "$REPLY" 3000 "$t_end" >/dev/null
ok "oping gets replies after the garbage"

# Nothing the garbage said created state: b still has exactly the oping flow.
expect_eq '["allocated"]' "$(flows_where b 'True' state)" "states of b's flows"

ipcps=$(ogw_json b ipcps)
drops=$(json_get "$ipcps" \
    '[i["drops"] for i in (lambda v: v["ipcps"] if isinstance(v, dict) else v)(d["ipcps"]) if i["name"] == "wan"][0]')
log "b's [ipcp.wan] drops: $drops"
total=$(json_get "$drops" 'sum(d.values())')
((total > 0)) || fail "b's [ipcp.wan] counted no drops: $drops"
ok "b's [ipcp.wan] counted $total drops"

pass
