# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# OpenVPN (Debian's openvpn 2.6), userspace (--disable-dco), point-to-point over UDP with a TLS
# control channel: B is --tls-server, A --tls-client, with a CA and two EC (P-256) certificates
# made with openssl for this run. Static-key mode (--secret) is not used: OpenVPN 2.6 deprecates
# it and it cannot carry AES-GCM. Two data channels:
#   gcm:  --data-ciphers AES-256-GCM (AEAD; --auth does not apply);
#   none: --data-ciphers none --cipher none --auth none: no encryption and no authentication of
#         the data channel (OpenVPN warns that this is insecure; the control channel is still
#         TLS), and --reneg-bytes 0 (see below).
# Everything else keeps OpenVPN's defaults (tun-mtu 1500, mssfix 1492, OS socket buffers).

OVPN_PORT=1194

_ovpn_certs() {
    local d="$WORK/ovpn" side eku
    [[ -f $d/client.crt ]] && return 0
    mkdir -p "$d"
    (
        set -e
        cd "$d"
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
            -keyout ca.key -out ca.crt -subj /CN=ogw-bench-ca
        for side in server client; do
            eku=$([[ $side == server ]] && echo serverAuth || echo clientAuth)
            openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
                -keyout "$side.key" -out "$side.csr" -subj "/CN=ogw-bench-$side"
            printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=%s\n' \
                "$eku" >"$side.ext"
            openssl x509 -req -in "$side.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
                -extfile "$side.ext" -out "$side.crt"
        done
    ) >"$WORK/ovpn-certs.log" 2>&1
}

# _ovpn_start SIDE NS MODE SELF_UNDER PEER_UNDER TUN_ADDR PEER_TUN
_ovpn_start() {
    local side=$1 ns=$2 mode=$3 self=$4 peer=$5 addr=$6 peer_tun=$7 d="$WORK/ovpn" role crypto
    if [[ $side == b ]]; then
        role=(--tls-server --dh none --cert "$d/server.crt" --key "$d/server.key")
    else
        role=(--tls-client --remote-cert-tls server --cert "$d/client.crt" --key "$d/client.key")
    fi
    if [[ $mode == gcm ]]; then
        crypto=(--data-ciphers AES-256-GCM)
    else
        # --reneg-bytes 0: with a null cipher OpenVPN would otherwise renegotiate TLS every
        # 64 MB (its SWEET32 guard for small-block ciphers), which is no part of "no crypto".
        crypto=(--data-ciphers none --cipher none --auth none --reneg-bytes 0)
    fi
    bench_spawn "ovpn-$side" "$ns" "$DAEMON_MAX_S" \
        openvpn --dev "ovpn$side" --dev-type tun --disable-dco --proto udp \
        --local "$self" --lport "$OVPN_PORT" --remote "$peer" --rport "$OVPN_PORT" \
        --ifconfig "$addr" "$peer_tun" --ca "$d/ca.crt" "${role[@]}" "${crypto[@]}" \
        --verb 3 --mute-replay-warnings
}

_ovpn_ready() {
    grep -q 'Initialization Sequence Completed' "$WORK/ovpn-a.log" &&
        grep -q 'Initialization Sequence Completed' "$WORK/ovpn-b.log"
}

# tunnel_openvpn_up MODE: MODE is gcm or none.
tunnel_openvpn_up() {
    local mode=${1:-gcm} cipher
    DST=$TUN_B
    command -v openvpn >/dev/null || { TUN_ERROR="openvpn not installed"; return 1; }
    _ovpn_certs || { TUN_ERROR="openssl failed: $(tail -n 3 "$WORK/ovpn-certs.log")"; return 1; }
    _ovpn_start b "$NS_B" "$mode" "$UNDER_B" "$UNDER_A" "$TUN_B" "$TUN_A"
    _ovpn_start a "$NS_A" "$mode" "$UNDER_A" "$UNDER_B" "$TUN_A" "$TUN_B"
    wait_for 20000 _ovpn_ready || {
        TUN_ERROR="OpenVPN ($mode) did not complete its start: $(grep -hiE 'error|fatal|options' \
            "$WORK"/ovpn-[ab].log | tail -n 4)"
        return 1
    }
    cipher=$(grep -ohE "Data Channel: cipher .*" "$WORK/ovpn-a.log" | tail -n 1 | sed 's/, peer-id.*//')
    TUN_PIDS=("$(bg_pid ovpn-a)" "$(bg_pid ovpn-b)")
    TUN_DESC="OpenVPN $(openvpn --version | head -n1 | awk '{print $2}') userspace, p2p TLS, data channel ${cipher#Data Channel: }; MTU $(in_a cat /sys/class/net/ovpna/mtu)"
}

tunnel_openvpn_down() {
    bg_stop ovpn-a
    bg_stop ovpn-b
}
