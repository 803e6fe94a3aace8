# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# Helpers for the Ethernet shim's integration tests (integration/tests/eth_*.sh), sourced after
# lib/netns.sh.

# write_eth_config NS DEV [ETHERTYPE]: writes NS's config: node name NS, the socket in the
# test's directory, one eth IPCP [ipcp.lan] (layer lan) on DEV, with ETHERTYPE if given.
write_eth_config() {
    local s=$1 dev=$2 ethertype=${3:-} file
    file=$(config_path "$s")
    {
        echo "# $TEST_NAME: node $s"
        echo "[node]"
        echo "name = $s"
        echo "socket = $(sock_path "$s")"
        echo "log-level = $OGWD_LOG_LEVEL"
        echo
        echo "[ipcp.lan]"
        echo "type = eth"
        echo "layer = lan"
        echo "dev = $dev"
        if [[ -n $ethertype ]]; then
            echo "ethertype = $ethertype"
        fi
    } >"$file"
    # lib/netns.sh's associative arrays (declared there).
    # shellcheck disable=SC2034,SC2004
    OGWD_CONF[$s]=$file
    # shellcheck disable=SC2034,SC2004
    OGWD_SOCK[$s]=$(sock_path "$s")
}

# mac_of NS DEV: the MAC address of DEV in NS.
mac_of() {
    ip -n "$(ns_name "$1")" link show "$2" | sed -n 's/.*link\/ether \([0-9a-f:]*\) .*/\1/p'
}

# ipcp_field NS FIELD [IPCP]: a field of NS's IPCP (default lan) from 'ogw --json ipcps', as
# JSON (numbers bare).
ipcp_field() {
    local s=$1 field=$2 ipcp=${3:-lan}
    json_get "$(ogw_json "$s" ipcps)" \
        "[i[\"$field\"] for i in (lambda v: v[\"ipcps\"] if isinstance(v, dict) else v)(d[\"ipcps\"]) if i[\"name\"] == \"$ipcp\"][0]"
}

# ipcp_field_is NS FIELD VALUE [IPCP]: the field of NS's IPCP (default lan) is VALUE now.
ipcp_field_is() {
    [[ $(ipcp_field "$1" "$2" "${4:-lan}") == "$3" ]]
}

# time_reached MS: the clock (now_ms) has reached MS.
time_reached() {
    (($(now_ms) >= $1))
}

# flow_entered NS FLOW_ID STATE: when (wall clock, ms) NS's ogwd last moved the flow into STATE,
# from its timeline ('ogw --json flow show ID', which reports "ago_ms"), as two bounds "EARLIEST
# LATEST": the daemon's clock was read between the CLI call's start and end. Empty if the
# timeline does not have STATE.
flow_entered() {
    local s=$1 id=$2 state=$3 before after ago
    before=$(now_ms)
    ago=$(json_get "$(ogw_json "$s" flow show "$id")" \
        "(lambda f: ([t[\"ago_ms\"] for t in f.get(\"timeline\", []) if t[\"state\"] == \"$state\"] or [\"\"])[-1])(d[\"flow\"])")
    after=$(now_ms)
    [[ -n $ago ]] || return 0
    echo "$((before - ago)) $((after - ago))"
}
