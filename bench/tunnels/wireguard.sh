# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# wireguard-go: Debian's userspace WireGuard (package wireguard-go), configured with wg(8) from
# wireguard-tools over its UAPI socket. One instance per namespace, in the foreground; the
# interfaces have per-run names because the UAPI sockets (/var/run/wireguard/NAME.sock) are not
# per namespace. MTU is wireguard-go's default (1420).

WG_PORT=51820
WG_DEV_A="wg$$a"
WG_DEV_B="wg$$b"

_wg_keys() {
    [[ -f $WORK/wg-a.key ]] && return 0
    (umask 077 && wg genkey >"$WORK/wg-a.key" && wg genkey >"$WORK/wg-b.key") || return 1
    wg pubkey <"$WORK/wg-a.key" >"$WORK/wg-a.pub" && wg pubkey <"$WORK/wg-b.key" >"$WORK/wg-b.pub"
}

# _wg_start SIDE NS DEV SELF_UNDER PEER_UNDER TUN_ADDR PEER_TUN
_wg_start() {
    local side=$1 ns=$2 dev=$3 peer_under=$4 addr=$5 peer_tun=$6 other
    other=$([[ $side == a ]] && echo b || echo a)
    bench_spawn "wg-$side" "$ns" "$DAEMON_MAX_S" \
        env LOG_LEVEL=error WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1 wireguard-go -f "$dev"
    wait_for 5000 test -S "/var/run/wireguard/$dev.sock" || return 1
    ip netns exec "$ns" wg set "$dev" private-key "$WORK/wg-$side.key" listen-port "$WG_PORT" \
        peer "$(cat "$WORK/wg-$other.pub")" allowed-ips "$peer_tun/32" \
        endpoint "$peer_under:$WG_PORT" || return 1
    ip netns exec "$ns" ip addr add "$addr/24" dev "$dev" &&
        ip netns exec "$ns" ip link set "$dev" up
}

tunnel_wireguard_up() {
    DST=$TUN_B
    command -v wireguard-go >/dev/null && command -v wg >/dev/null ||
        { TUN_ERROR="wireguard-go or wg not installed"; return 1; }
    _wg_keys || { TUN_ERROR="wg genkey failed"; return 1; }
    _wg_start a "$NS_A" "$WG_DEV_A" "$UNDER_B" "$TUN_A" "$TUN_B" &&
        _wg_start b "$NS_B" "$WG_DEV_B" "$UNDER_A" "$TUN_B" "$TUN_A" ||
        { TUN_ERROR="wireguard-go did not start: $(tail -n 3 "$WORK"/wg-*.log)"; return 1; }
    TUN_PIDS=("$(bg_pid wg-a)" "$(bg_pid wg-b)")
    TUN_DESC="wireguard-go $(dpkg-query -W -f='${Version}' wireguard-go 2>/dev/null) (Debian), ChaCha20-Poly1305, MTU $(in_a cat "/sys/class/net/$WG_DEV_A/mtu")"
}

tunnel_wireguard_down() {
    bg_stop wg-a
    bg_stop wg-b
    rm -f "/var/run/wireguard/$WG_DEV_A.sock" "/var/run/wireguard/$WG_DEV_B.sock"
}
CLEANUP_HOOKS+=(tunnel_wireguard_down)
