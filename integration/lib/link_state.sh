# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# The link-state check shared by the shims' integration tests (eth_link_down.sh,
# udp_link_down.sh), sourced after lib/netns.sh and lib/eth.sh.

# flow_state_is NS FLOW_ID STATE: NS's flow is in STATE now ('ogw --json flows').
flow_state_is() {
    [[ $(json_get "$(flows_where "$1" "f[\"id\"] == $2" state)" 'd[0] if d else ""') == "$3" ]]
}

# flow_rx_packets NS FLOW_ID: how many SDUs NS's flow has received.
flow_rx_packets() {
    json_get "$(flows_where "$1" "f[\"id\"] == $2" rx_packets)" 'd[0]'
}

# flow_rx_above NS FLOW_ID N: NS's flow has received more than N SDUs.
flow_rx_above() {
    (($(flow_rx_packets "$1" "$2") > $3))
}

# link_down_and_up_test: with ogwd running in namespaces a and b, joined by the veth pair
# veth-b (in a) / veth-a (in b), and b's IPCP able to reach the name "oping" served in a:
#   - a's application (oping -l) accepts a flow that b's flowhold holds, writing every 50 ms;
#   - 'ip link set veth-b down' in a: a's flow shows `down` in 'ogw --json flows' within 200 ms
#     and a's application gets FLOW_DOWN; b's flow goes `down` when its veth loses carrier,
#     which the kernel reports through its link watch, batched up to 1 s (so: within 1.5 s);
#   - 'ip link set veth-b up': both flows are `allocated` again, a's application gets FLOW_UP,
#     and traffic resumes on the same flows (no new allocation on either side).
link_down_and_up_test() {
    local flow_a flow_b cli_ms t_cli t_down seen_a seen_b side flow bound latest event t_up
    local rx_before
    start_bg server a 50 "$OPING" -l
    wait_line server '^oping server: serving oping\.$' 5000 >/dev/null
    start_bg hold b 50 "$FLOWHOLD" -n oping -T 5s -w 50ms
    wait_line hold '^[0-9]+ allocated fd [0-9]+ to oping' 5000 >/dev/null
    wait_line server '^New flow [0-9]+\.$' 5000 >/dev/null

    flow_a=$(json_get "$(flows_where a 'f["local_name"] == "oping"' id)" 'd[0]')
    flow_b=$(json_get "$(flows_where b 'f["remote_name"] == "oping"' id)" 'd[0]')
    poll_until 2000 flow_rx_above a "$flow_a" 0 ||
        fail "no traffic on a's flow $flow_a"
    ok "flow $flow_a on a, $flow_b on b, carrying traffic"

    # The quickest of three CLI round trips, to tell the daemon's reaction time from the CLI's.
    cli_ms=
    for _ in 1 2 3; do
        t_cli=$(now_ms)
        flow_state_is a "$flow_a" allocated || fail "a's flow is not allocated"
        t_cli=$(($(now_ms) - t_cli))
        if [[ -z $cli_ms ]] || ((t_cli < cli_ms)); then
            cli_ms=$t_cli
        fi
    done

    # --- down
    t_down=$(now_ms)
    ip -n "$(ns_name a)" link set veth-b down
    poll_until 1000 flow_state_is a "$flow_a" down || fail "a's flow not down 1 s after link down"
    seen_a=$(($(now_ms) - t_down))
    poll_until 2000 flow_state_is b "$flow_b" down || fail "b's flow not down 2 s after link down"
    seen_b=$(($(now_ms) - t_down))
    log "'ogw --json flows' showed down after $seen_a ms (a), $seen_b ms (b), CLI included"
    # When each daemon made the change, from the flow's timeline: at most the bound plus the
    # CLI round trip that read it.
    for side in a b; do
        flow=$flow_a bound=200
        [[ $side == b ]] && flow=$flow_b bound=1500
        read -r _ latest <<<"$(flow_entered "$side" "$flow" down)"
        [[ -n ${latest:-} ]] || fail "$side's flow $flow has no 'down' in its timeline"
        expect_within_ms 0 $((bound + cli_ms)) $((latest - t_down)) \
            "$side: link down -> flow down (at most, CLI round trip $cli_ms ms included)"
    done
    # A poll started after 200 ms shows it: the first one showing it ends by 200 ms + one
    # round trip + the poll interval.
    expect_within_ms 0 $((200 + cli_ms + 20)) "$seen_a" \
        "a: link down -> 'ogw --json flows' shows down (CLI round trip $cli_ms ms)"
    # The application hears of it after the flow changed state: an exact upper bound.
    event=$(wait_line server '^Flow [0-9]+: link down\.$' 1000 "$t_down")
    expect_within_ms 0 200 $(($(line_ts "$event") - t_down)) \
        "a: link down -> FLOW_DOWN in the application"

    # --- up again (the flow's peer timeout, 5 s, is far away)
    poll_until 2000 time_reached $((t_down + 500))
    t_up=$(now_ms)
    rx_before=$(flow_rx_packets a "$flow_a")
    ip -n "$(ns_name a)" link set veth-b up
    poll_until 3000 flow_state_is a "$flow_a" allocated ||
        fail "a's flow not allocated 3 s after link up"
    poll_until 3000 flow_state_is b "$flow_b" allocated ||
        fail "b's flow not allocated 3 s after link up"
    ok "both flows allocated again, $(($(now_ms) - t_up)) ms after link up"
    wait_line server '^Flow [0-9]+: link up\.$' 3000 "$t_up" >/dev/null
    ok "FLOW_UP in the application"
    poll_until 3000 flow_rx_above a "$flow_a" "$rx_before" ||
        fail "no traffic on a's flow $flow_a after link up"
    ok "traffic resumed on flow $flow_a: $(flow_rx_packets a "$flow_a") packets (was $rx_before)"
    wait_line hold '^[0-9]+ write: 4$' 2000 "$t_up" >/dev/null

    # The same flows: no new allocation on either side.
    expect_eq "[$flow_a]" "$(flows_where a 'True' id)" "a's flows"
    expect_eq "[$flow_b]" "$(flows_where b 'True' id)" "b's flows"
    expect_eq 1 "$(count_lines server '^New flow')" "flows accepted by the application"
    expect_ogwd_alive a
    expect_ogwd_alive b
}
