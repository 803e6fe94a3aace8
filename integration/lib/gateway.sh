# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# The gateway test topology, sourced after netns.sh by the gw_*.sh tests:
#
#   ns ha (site A host)    ns ga (gateway A)          ns gb (gateway B)    ns hb (site B host)
#   10.1.0.2/24            10.1.0.1/24  ogwd  ----------  ogwd 10.2.0.1/24   10.2.0.2/24
#   fd01::2/64             fd01::1/64   ogw0           ogw0     fd02::1/64   fd02::2/64
#                                       10.10.0.1/24   10.10.0.2/24
#                                       fd10::1/64     fd10::2/64
#                          underlay veth: 10.0.0.1/24 (fd00::1/64) - 10.0.0.2/24 (fd00::2/64)
#
# The underlay is UDP over IPv4 by default; GW_UNDERLAY=udp6 puts the UDP shim on IPv6 and
# GW_UNDERLAY=eth runs the Ethernet shim on the underlay veth. The hosts route everything
# through their gateway; each gateway forwards between its site and its TUN device.
#
# gw_setup [GATEWAY_KEYS]...: builds the topology and starts both ogwd with a [gateway] section
#   holding the routes above plus each GATEWAY_KEYS line ("flow-mapping = peer", ...).
# gw_start_ogwd NS: (re)starts one gateway's ogwd with the config gw_setup wrote.
# gw_extra_config NS (optional, defined by the test): prints more config sections for NS.

GW_UNDERLAY=${GW_UNDERLAY:-udp4}
HA4=10.1.0.2 HB4=10.2.0.2 GA4=10.10.0.1 GB4=10.10.0.2
HA6=fd01::2 HB6=fd02::2 GA6=fd10::1 GB6=fd10::2

# _gw_ipcp_section NS OTHER: the [ipcp.wan] section of NS's config for the chosen underlay.
_gw_ipcp_section() {
    local s=$1 other=$2 self_addr other_addr
    case $GW_UNDERLAY in
        udp4 | udp6)
            if [[ $GW_UNDERLAY == udp6 ]]; then
                self_addr=$([[ $s == ga ]] && echo fd00::1 || echo fd00::2)
                other_addr=$([[ $s == ga ]] && echo fd00::2 || echo fd00::1)
            else
                self_addr=$([[ $s == ga ]] && echo 10.0.0.1 || echo 10.0.0.2)
                other_addr=$([[ $s == ga ]] && echo 10.0.0.2 || echo 10.0.0.1)
            fi
            printf '[ipcp.wan]\ntype = udp\nlayer = wan\nbind = %s\npeer = %s %s\n' \
                "$(hostport "$self_addr")" "$other" "$(hostport "$other_addr")"
            ;;
        eth)
            printf '[ipcp.wan]\ntype = eth\nlayer = wan\ndev = %s\n' "$(veth_name "$s" "$other")"
            ;;
        *) fail "GW_UNDERLAY: unknown underlay '$GW_UNDERLAY' (udp4, udp6, eth)" ;;
    esac
}

# _gw_write_config NS OTHER TUN4 TUN6 REMOTE4 REMOTE6 [KEYS]...
_gw_write_config() {
    local s=$1 other=$2 tun4=$3 tun6=$4 remote4=$5 remote6=$6 file
    shift 6
    file=$(config_path "$s")
    {
        echo "# $TEST_NAME: gateway $s over $GW_UNDERLAY"
        echo "[node]"
        echo "name = $s"
        echo "socket = $(sock_path "$s")"
        echo "log-level = $OGWD_LOG_LEVEL"
        echo
        _gw_ipcp_section "$s" "$other"
        echo
        echo "[gateway]"
        echo "mode = tun"
        echo "dev = ogw0"
        echo "address = $tun4"
        echo "address = $tun6"
        echo "route = $remote4 $other"
        echo "route = $remote6 $other"
        echo "route = ${tun4%.*}.0/24 $other"
        echo "route = ${tun6%::*}::/64 $other"
        local key
        for key in "$@"; do
            echo "$key"
        done
        # A test may add sections per gateway (e.g. [security]) by defining gw_extra_config NS.
        if declare -F gw_extra_config >/dev/null; then
            gw_extra_config "$s"
        fi
    } >"$file"
    OGWD_CONF[$s]=$file
    OGWD_SOCK[$s]=$(sock_path "$s")
}

# gw_start_ogwd NS: starts NS's ogwd and waits until its TUN device is up.
gw_start_ogwd() {
    local s=$1
    start_ogwd "$s"
    poll_until 3000 bash -c "ip -n '$(ns_name "$s")' link show ogw0 2>/dev/null | grep -q ',UP'" ||
        fail "ogw0 on $s is not up 3 s after ogwd started"
}

gw_setup() {
    make_ns ha ga gb hb
    link_ns ha ga "$HA4/24" 10.1.0.1/24 "$HA6/64" fd01::1/64
    link_ns gb hb 10.2.0.1/24 "$HB4/24" fd02::1/64 "$HB6/64"
    link_ns ga gb 10.0.0.1/24 10.0.0.2/24 fd00::1/64 fd00::2/64
    local s
    for s in ga gb; do
        ip netns exec "$(ns_name "$s")" sysctl -qw net.ipv4.ip_forward=1 \
            net.ipv6.conf.all.forwarding=1 net.ipv4.conf.all.rp_filter=0 \
            net.ipv4.conf.default.rp_filter=0 >/dev/null
    done
    ip -n "$(ns_name ha)" route add default via 10.1.0.1
    ip -n "$(ns_name ha)" -6 route add default via fd01::1
    ip -n "$(ns_name hb)" route add default via 10.2.0.1
    ip -n "$(ns_name hb)" -6 route add default via fd02::1
    _gw_write_config ga gb "$GA4/24" "$GA6/64" 10.2.0.0/24 fd02::/64 "$@"
    _gw_write_config gb ga "$GB4/24" "$GB6/64" 10.1.0.0/24 fd01::/64 "$@"
    gw_start_ogwd ga
    gw_start_ogwd gb
}

# gw_sessions NS [PYCOND] [FIELD]: the sessions of 'ogw --json sessions' on NS for which PYCOND
# on s holds (default all), as a JSON list (of FIELD only, when given).
gw_sessions() {
    local s=$1 cond=${2:-True} field=${3:-} out
    out=$(ogw_json "$s" sessions)
    if [[ -n $field ]]; then
        json_get "$out" "[s[\"$field\"] for s in d[\"sessions\"] if ($cond)]"
    else
        json_get "$out" "[s for s in d[\"sessions\"] if ($cond)]"
    fi
}

# gw_stat NS EXPR: a value of 'ogw --json stats' on NS; EXPR on st, e.g. 'st["teardowns"]["idle"]'.
gw_stat() {
    local out
    out=$(ogw_json "$1" stats)
    json_get "$out" "(lambda st: $2)(d[\"stats\"])"
}

# gw_flow_count NS: how many flows the gateway of NS owns.
gw_flow_count() {
    json_get "$(flows_where "$1" 'f["owner"] == "gateway"' id)" 'len(d)'
}

# gw_ping FROM DST: 3 pings from FROM to DST must all come back.
gw_ping() {
    local from=$1 dst=$2 out
    out=$(in_ns "$from" timeout 15 ping -c 3 -i 0.2 -W 3 "$dst" 2>&1) ||
        fail "ping from $from to $dst: $out"
    expect_match ' 0% packet loss' "$out" "ping $from -> $dst"
}

# gw_iperf_tcp FROM DST SECONDS [SERVER_NS]: iperf3 over TCP from FROM to DST, the server in
# SERVER_NS (default hb for hb's addresses, else gb); logs the received bit rate.
gw_iperf_tcp() {
    local from=$1 dst=$2 secs=$3 server=${4:-} out rate
    [[ -n $server ]] || server=$([[ $dst == "$HB4" || $dst == "$HB6" ]] && echo hb || echo gb)
    start_bg "iperf-s-$secs-$dst" "$server" $((secs + 20)) iperf3 -s -1 -p 5201
    wait_line "iperf-s-$secs-$dst" 'Server listening' 5000 >/dev/null
    out=$(in_ns "$from" timeout $((secs + 15)) iperf3 -c "$dst" -p 5201 -t "$secs" -J 2>&1) ||
        fail "iperf3 TCP $from -> $dst: $(tail -n 20 <<<"$out")"
    rate=$(json_get "$out" 'int(d["end"]["sum_received"]["bits_per_second"])')
    ((rate > 0)) || fail "iperf3 TCP $from -> $dst: nothing received"
    ok "iperf3 TCP $from -> $dst for $secs s: $((rate / 1000000)) Mbit/s"
    wait_bg "iperf-s-$secs-$dst" 10 || true
}

# gw_iperf_udp FROM DST SECONDS RATE: iperf3 over UDP at RATE; fails if 1 % or more is lost.
gw_iperf_udp() {
    local from=$1 dst=$2 secs=$3 rate=$4 server out lost
    server=$([[ $dst == "$HB4" || $dst == "$HB6" ]] && echo hb || echo gb)
    start_bg "iperf-u-$secs-$dst" "$server" $((secs + 20)) iperf3 -s -1 -p 5202
    wait_line "iperf-u-$secs-$dst" 'Server listening' 5000 >/dev/null
    out=$(in_ns "$from" timeout $((secs + 15)) iperf3 -c "$dst" -p 5202 -u -b "$rate" -l 1200 \
        -t "$secs" -J 2>&1) || fail "iperf3 UDP $from -> $dst: $(tail -n 20 <<<"$out")"
    lost=$(json_get "$out" 'd["end"]["sum"]["lost_percent"]')
    json_get "$out" 'd["end"]["sum"]["packets"] > 0 and d["end"]["sum"]["lost_percent"] < 1.0' |
        grep -qx true || fail "iperf3 UDP $from -> $dst at $rate: $lost % lost (limit 1 %);
drops on ga: $(gw_stat ga 'st["drops"]') ipcps: $(json_get "$(ogw_json ga ipcps)" '[i["drops"] for i in d["ipcps"]]')
drops on gb: $(gw_stat gb 'st["drops"]') ipcps: $(json_get "$(ogw_json gb ipcps)" '[i["drops"] for i in d["ipcps"]]')
ogw0 on ga: $(ip -n "$(ns_name ga)" -s link show ogw0 | tr -s ' ' | tr '\n' ' ')
ogw0 on gb: $(ip -n "$(ns_name gb)" -s link show ogw0 | tr -s ' ' | tr '\n' ' ')"
    ok "iperf3 UDP $from -> $dst at $rate for $secs s: $lost % lost"
    wait_bg "iperf-u-$secs-$dst" 10 || true
}

# gw_http_download FROM DST MB: a file of MB MiB of random bytes served by python3's
# http.server on DST's host, fetched by curl; the SHA-256 sums must match.
gw_http_download() {
    local from=$1 dst=$2 mb=$3 server dir url want got
    server=$([[ $dst == "$HB4" || $dst == "$HB6" ]] && echo hb || echo gb)
    dir="$TEST_DIR/www-$server"
    if [[ ! -f $dir/blob ]]; then
        mkdir -p "$dir"
        head -c $((mb * 1024 * 1024)) /dev/urandom >"$dir/blob"
    fi
    want=$(sha256sum "$dir/blob" | cut -d' ' -f1)
    start_bg "http-$dst" "$server" 120 "$PYTHON" -m http.server --bind :: --directory "$dir" 8080
    wait_line "http-$dst" 'Serving HTTP' 5000 >/dev/null
    url="http://$([[ $dst == *:* ]] && echo "[$dst]" || echo "$dst"):8080/blob"
    in_ns "$from" timeout 60 curl -sS --fail -o "$TEST_DIR/blob-$from" "$url" ||
        fail "curl $url from $from failed"
    got=$(sha256sum "$TEST_DIR/blob-$from" | cut -d' ' -f1)
    expect_eq "$want" "$got" "SHA-256 of $mb MiB fetched by $from from $url"
    rm -f "$TEST_DIR/blob-$from"
    kill_bg "http-$dst"
}

TCPHOLD="$OGW_SOURCE_DIR/integration/tools/tcphold.py"

# gw_tcp_server NAME PORT: a tcphold server on hb (all addresses) listening on PORT.
gw_tcp_server() {
    start_bg "$1" hb 120 "$PYTHON" "$TCPHOLD" server "$2"
    wait_line "$1" "^listening $2\$" 5000 >/dev/null
}
