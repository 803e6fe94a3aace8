# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# Keys and [security] sections for the sec_*.sh tests (docs/configuration.md, docs/security.md).
# Source after netns.sh.

# sec_genkey NAME: writes $TEST_DIR/NAME.key (mode 0600, 'ogw genkey') and prints its public
# key ('ogw pubkey').
sec_genkey() {
    local key="$TEST_DIR/$1.key"
    (umask 077 && "$OGW" genkey >"$key") || fail "ogw genkey failed"
    "$OGW" pubkey <"$key" || fail "ogw pubkey failed"
}

# sec_config NS KEYNAME [PEER PUBKEY]...: appends to NS's config a [security] section with
# private-key = $TEST_DIR/KEYNAME.key and one 'peer-key = PEER PUBKEY' per pair.
sec_config() {
    local s=$1 keyname=$2
    shift 2
    {
        echo
        echo "[security]"
        echo "private-key = $TEST_DIR/$keyname.key"
        while (($# >= 2)); do
            echo "peer-key = $1 $2"
            shift 2
        done
    } >>"$(config_path "$s")"
}

# sec_wan NS FIELD: FIELD of NS's [ipcp.wan] in 'ogw --json ipcps' (a Python subscript path
# after the IPCP object, e.g. '["rekeys"]').
sec_wan() {
    local out
    out=$(ogw_json "$1" ipcps)
    json_get "$out" "[i for i in (lambda v: v[\"ipcps\"] if isinstance(v, dict) else v)(d[\"ipcps\"])
        if i[\"name\"] == \"wan\"][0]$2"
}

# sec_drop NS REASON: the engine drop counter REASON of NS's [ipcp.wan].
sec_drop() { sec_wan "$1" "[\"drops\"][\"$2\"]"; }

# sec_udp_payloads PCAP [BYTES]: the UDP payloads of an Ethernet/IPv4 capture, one hex string a
# line (only their first BYTES bytes, when given).
sec_udp_payloads() {
    "$PYTHON" - "$1" "${2:-0}" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
limit = int(sys.argv[2]) or None
if len(data) < 24:
    sys.exit(0)
endian = "<" if data[:4] == b"\xd4\xc3\xb2\xa1" else ">"
i = 24
while i + 16 <= len(data):
    incl = struct.unpack(endian + "IIII", data[i:i + 16])[2]
    frame = data[i + 16:i + 16 + incl]
    i += 16 + incl
    if len(frame) < 14 + 20 or frame[12:14] != b"\x08\x00" or frame[14 + 9] != 17:
        continue
    ihl = (frame[14] & 0x0F) * 4
    udp = frame[14 + ihl:]
    print(udp[8:][:limit].hex())
PY
}
