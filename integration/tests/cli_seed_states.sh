#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The flow states of the seed scenario as the CLI shows them on the client's node.
#
# 1. The oecho server echoes one message and deallocates; the client holds its end (flowhold,
#    which writes but never reads or deallocates, in place of the oecho client that exits at
#    once). Between the server's dealloc and the client's, 'ogw flows' on a shows the flow
#    peer_deallocated (table, --json, --state filter, watch), 'ogw flow show' has it at the end
#    of the timeline; once the client is gone, so is the flow.
# 2. A silent peer: the client holds a flow with a 1 s peer timeout to the oecho server, whose
#    ogwd is then killed with SIGKILL (no dealloc on the wire). 'ogw flows' on a shows
#    peer_timed_out (peer_killed.sh times the detection; this test checks what the CLI shows).
#
#   ns a                                        ns b
#   flowhold -n oecho [-w 300ms | -T 1s]        oecho -l
#      |  OGW_SOCKET                               |  OGW_SOCKET
#   ogwd a  [ipcp.wan] udp                      ogwd b  [ipcp.wan] udp   <-- kill -9 in part 2
#     bind 10.0.0.1:3435                          bind 10.0.0.2:3435
#     peer = oecho 10.0.0.2:3435
#      |                                           |
#   veth-b 10.0.0.1/24 <------- veth -------->  veth-a 10.0.0.2/24
#
# timeout: 90
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"

require_root
require_bin "$OGWD" "$OGW" "$OECHO" "$FLOWHOLD"

A=10.0.0.1 B=10.0.0.2
make_ns a b
link_ns a b "$A/24" "$B/24"
write_config a "$(hostport $A)" "oecho $(hostport $B)"
write_config b "$(hostport $B)"
start_ogwd a
start_ogwd b

start_bg server b 60 "$OECHO" -l
wait_line server '^Starting the server\.$' 5000 >/dev/null

# held_state: the state of a's flow to oecho ("" when there is none).
held_state() {
    json_get "$(flows_where a 'f["remote_name"] == "oecho"' state)" '",".join(d)'
}
state_is() {
    [[ $(held_state) == "$1" ]]
}

# expect_row TEXT ERE WHAT: a line of TEXT matches the extended regular expression ERE.
expect_row() {
    grep -Eq -- "$2" <<<"$1" || fail "$3: no line matches /$2/ in:
$1"
    ok "$3: a line matches /$2/"
}

# expect_cli_shows ID STATE: the human table, the --state filter, watch and flow show agree.
expect_cli_shows() {
    local id=$1 state=$2 out
    out=$(ogw_cli a flows) || fail "ogw flows on a: $out"
    expect_row "$out" "^$id +wan +oecho +$state " "the row of flow $id in 'ogw flows'"
    expect_eq "[$id]" "$(json_get "$(ogw_json a flows --state "$state")" '[f["id"] for f in d["flows"]]')" \
        "'ogw flows --state $state' on a"
    expect_eq "[]" "$(json_get "$(ogw_json a flows --state allocated)" '[f["id"] for f in d["flows"]]')" \
        "'ogw flows --state allocated' on a"
    out=$(ogw_cli a watch --count 1) || fail "ogw watch --count 1 on a: $out"
    expect_row "$out" "^$id +wan +oecho +$state " "the row of flow $id in 'ogw watch'"
    out=$(ogw_cli a flow show "$id") || fail "ogw flow show $id on a: $out"
    expect_row "$out" "^state: +$state\$" "'ogw flow show $id'"
    expect_row "$(tail -n 2 <<<"$out" | head -n 1)" "^  .* ago +allocated\$" \
        "the timeline of 'ogw flow show $id', last but one"
    expect_row "$(tail -n 1 <<<"$out")" "^  .* ago +$state\$" \
        "the timeline of 'ogw flow show $id', last"
    expect_eq "[\"allocated\", \"$state\"]" \
        "$(json_get "$(ogw_json a flow show "$id")" '[c["state"] for c in d["flow"]["timeline"]][-2:]')" \
        "the end of the timeline in 'ogw --json flow show $id'"
}

# --- 1. peer_deallocated between the server's dealloc and the client's ----------------------

start_bg client a 60 "$FLOWHOLD" -n oecho -w 300ms
wait_line client '^[0-9]+ allocated fd [0-9]+ to oecho' 5000 >/dev/null
wait_line server '^Message from client is hold\.$' 5000 >/dev/null
t_server_dealloc=$(now_ms)
poll_until 1000 state_is peer_deallocated ||
    fail "a's flow to oecho is '$(held_state)' 1 s after the server's dealloc, expected peer_deallocated"
ok "a's flow to oecho is peer_deallocated $(($(now_ms) - t_server_dealloc)) ms after the server's dealloc"
id=$(json_get "$(flows_where a 'f["remote_name"] == "oecho"' id)" 'd[0]')
expect_cli_shows "$id" peer_deallocated
# Colour: none through a pipe, red for the state when asked for (NO_COLOR only affects auto).
[[ $(ogw_cli a flows) != *$'\e'* ]] || fail "'ogw flows' into a pipe is coloured"
out=$(NO_COLOR=1 ogw_cli a --color always flows)
[[ $out == *$'\e[31mpeer_deallocated\e[0m'* ]] || fail "'ogw --color always flows' does not paint the state red: $out"
ok "no colour into a pipe; --color always paints peer_deallocated red"
wait_line client '^[0-9]+ write: -1006$' 3000 >/dev/null
expect_eq peer_deallocated "$(held_state)" "a's flow while the client still holds it"

kill_bg client -9
poll_until 1000 state_is "" || fail "a's flow to oecho still listed 1 s after the client died: $(held_state)"
ok "a's flow is gone once the client released it"
bflows_gone() {
    [[ $(json_get "$(ogw_json b flows)" 'len(d["flows"])') == 0 ]]
}
poll_until 1000 bflows_gone || fail "b still lists flows: $(ogw_json b flows)"
ok "b lists no flow either"

# --- 2. peer_timed_out: the server's ogwd falls silent --------------------------------------

start_bg silent a 60 "$FLOWHOLD" -n oecho -T 1s
wait_line silent '^[0-9]+ allocated fd [0-9]+ to oecho, timeout 1000 ms$' 5000 >/dev/null
wait_line server '^New flow\.$' 5000 "$t_server_dealloc" >/dev/null
poll_until 1000 state_is allocated || fail "a's new flow to oecho is '$(held_state)', expected allocated"
id=$(json_get "$(flows_where a 'f["remote_name"] == "oecho"' id)" 'd[0]')
expect_row "$(ogw_cli a flows)" "^$id +wan +oecho +allocated " "the row of flow $id before the kill"

t_kill=$(now_ms)
kill_ogwd b -9
poll_until 2500 state_is peer_timed_out ||
    fail "a's flow to oecho is '$(held_state)' 2.5 s after b's ogwd was killed, expected peer_timed_out"
ok "a's flow to oecho is peer_timed_out $(($(now_ms) - t_kill)) ms after b's ogwd was killed"
expect_cli_shows "$id" peer_timed_out

kill_bg silent -9
poll_until 1000 state_is "" || fail "a's flow to oecho still listed 1 s after its owner died"
ok "a's timed-out flow is gone once its owner released it"

pass
