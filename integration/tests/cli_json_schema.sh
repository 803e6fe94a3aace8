#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Every 'ogw --json' command's output, taken from real daemons, validates against its JSON
# Schema in docs/schema/ (docs/cli-json.md), keeps its key order from one call to the next,
# and the schemas are not vacuous (a flow without its state is rejected). Sessions come from a
# ping and a held TCP connection through two gateways; a third node without a gateway gives
# 'watch' its "sessions": null and refuses 'macs', as the TUN gateways do.
#
#   ns ha ---- ns ga (ogwd, ogw0) ==== underlay ==== ns gb (ogwd, ogw0) ---- ns hb
#   ping, tcphold client                                               tcphold server
#   ns c: ogwd without [gateway]
#
# timeout: 120
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
source "$(dirname "$0")/../lib/netns.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/gateway.sh
source "$(dirname "$0")/../lib/gateway.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/schema.sh
source "$(dirname "$0")/../lib/schema.sh"

require_root
require_bin "$OGWD" "$OGW"
schema_available ||
    skip "python3 module jsonschema not found: apt-get install $(_package_of jsonschema)"

# key_paths JSON: the key paths of JSON in document order, one per line.
key_paths() {
    "$PYTHON" - "$1" <<'PY'
import json, sys

class Members(list):
    pass

def walk(v, path):
    if isinstance(v, Members):
        for key, x in v:
            print(path + "/" + key)
            walk(x, path + "/" + key)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            walk(x, "%s/%d" % (path, i))

walk(json.loads(sys.argv[1], object_pairs_hook=Members), "")
PY
}

gw_setup
gw_ping ha "$HB4"
gw_tcp_server srv 7010
start_bg cli ha 60 "$PYTHON" "$TCPHOLD" client "$HB4" 7010
wait_line cli '^connected 1 ' 10000 >/dev/null

# A node without a gateway.
make_ns c
write_config c 127.0.0.1:3435
start_ogwd c

for s in ga gb; do
    check "$s" ogw-status status
    check "$s" ogw-ipcps ipcps
    check "$s" ogw-flows flows
    check "$s" ogw-flows flows --ipcp wan
    check "$s" ogw-flows flows --peer "$([[ $s == ga ]] && echo gb || echo ga)"
    check "$s" ogw-flows flows --state allocated
    check "$s" ogw-sessions sessions
    check "$s" ogw-sessions sessions --ipcp wan
    check "$s" ogw-sessions sessions --proto tcp --state established
    check "$s" ogw-peers peers
    check "$s" ogw-stats stats
    for id in $(json_get "$(ogw_json "$s" flows)" '" ".join(str(f["id"]) for f in d["flows"])'); do
        check "$s" ogw-flow-show flow show "$id"
    done
done
expect_eq 2 "$(json_get "$(ogw_json ga sessions)" 'len(d["sessions"])')" "sessions on ga"
expect_eq '["icmp", "tcp"]' "$(json_get "$(ogw_json ga sessions)" 'sorted(s["proto"] for s in d["sessions"])')" \
    "protocols of the sessions on ga"
expect_eq '["remote", "remote"]' "$(gw_sessions gb True opened_by)" "sessions on gb opened by"
expect_eq 0 "$(json_get "$(ogw_json ga sessions --ipcp nosuch)" 'len(d["sessions"])')" \
    "sessions of an IPCP that does not exist"

# watch: one object per line, one line per frame.
out=$(ogw_cli ga --json watch --count 3 --interval 0.2) || fail "ogw --json watch on ga failed"
expect_eq 3 "$(wc -l <<<"$out")" "lines of 'ogw --json watch --count 3'"
while IFS= read -r line; do
    validate ogw-watch "a line of ogw --json watch on ga" "$line"
done <<<"$out"
line=$(ogw_cli c --json watch --count 1) || fail "ogw --json watch on c failed"
validate ogw-watch "ogw --json watch on c (no gateway)" "$line"
expect_eq null "$(json_get "$line" 'd["watch"]["sessions"]')" "watch's sessions without a gateway"
check c ogw-flows flows
check c ogw-status status

# macs needs mode = tap (integration/tests/tap_bridge.sh validates its output): a TUN gateway
# and a node without a gateway refuse it, exit 1, nothing on standard output.
for s in ga c; do
    rc=0
    out=$(ogw_cli "$s" --json macs 2>"$TEST_DIR/macs.err") || rc=$?
    expect_rc 1 "$rc" "ogw --json macs on $s"
    expect_eq "" "$out" "standard output of ogw --json macs on $s"
    expect_match "$([[ $s == ga ]] && echo 'not in tap mode' || echo 'gateway is off')" \
        "$(cat "$TEST_DIR/macs.err")" "the error of ogw macs on $s"
done

# Key order: the same from one call to the next, "schema" first.
order1=$(key_paths "$(ogw_json ga flows)")
order2=$(key_paths "$(ogw_json ga flows)")
[[ $order1 == "$order2" ]] || fail "key order differs between two 'ogw --json flows':
$(diff <(echo "$order1") <(echo "$order2") || true)"
ok "key order of two 'ogw --json flows' is the same ($(wc -l <<<"$order1") keys)"
expect_eq "/schema" "$(head -n1 <<<"$order1")" "the first key"

# The schemas bite: a flow without its state, a session in a state that does not exist.
rejects ogw-flows "a flow without state" "$(json_get "$(ogw_json ga flows)" \
    '{"schema": 1, "flows": [{k: v for k, v in d["flows"][0].items() if k != "state"}]}')"
rejects ogw-sessions "a session in state open" "$(json_get "$(ogw_json ga sessions)" \
    '{"schema": 1, "sessions": [dict(d["sessions"][0], state="open")]}')"
rejects ogw-status "a document with schema 2" "$(json_get "$(ogw_json ga status)" \
    'dict(d, schema=2)')"

# The acting commands, last: they tear down what the checks above looked at.
tcp=$(json_get "$(gw_sessions ga 's["proto"] == "tcp"' id)" 'd[0]')
check ga ogw-session-kill session kill "$tcp"
expect_eq '[]' "$(gw_sessions ga "s[\"id\"] == $tcp" id)" "session $tcp after 'session kill'"
icmp_flow=$(json_get "$(gw_sessions ga 's["proto"] == "icmp"' flow_id)" 'd[0]')
check ga ogw-flow-dealloc flow dealloc "$icmp_flow"
expect_eq '[]' "$(flows_where ga "f[\"id\"] == $icmp_flow and f[\"state\"] != \"dealloc_pending\"" id)" \
    "flow $icmp_flow after 'flow dealloc'"

pass
