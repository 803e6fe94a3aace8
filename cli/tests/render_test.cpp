// SPDX-License-Identifier: BSD-3-Clause
// Golden tests of the human renderers: fixed daemon JSON in, exact text out.
#include "render.hpp"

#include <gtest/gtest.h>

namespace ogw::cli {
namespace {

json::Value parse(std::string_view text) {
    auto v = json::parse(text);
    EXPECT_TRUE(v.has_value()) << text;
    return v ? *v : json::Value();
}

constexpr std::string_view flow_json = R"({
  "id": 7, "ipcp": "wan", "layer": "wan", "remote_name": "oecho", "local_name": null,
  "local_eid": 1048577, "remote_eid": 2097153, "state": "peer_deallocated",
  "qos": {"cube": "raw", "timeout_ms": 120000}, "owner": 4242, "session_id": null,
  "age_ms": 4210, "idle_rx_ms": 1100, "idle_tx_ms": 850, "rx_packets": 3, "rx_bytes": 45,
  "tx_packets": 2, "tx_bytes": 1536, "drops": 0, "keepalives_sent": 1,
  "keepalives_received": 2, "peer_address": "10.0.0.2:3435", "rtt_ms": 0.4123,
  "timeline": [{"ago_ms": 4210, "state": "alloc_pending"},
               {"ago_ms": 4209, "state": "allocated"},
               {"ago_ms": 1100, "state": "peer_deallocated"}],
  "max_sdu": 1464, "hops": 1
})";

TEST(RenderFlows, AlignsColumnsWithHumanUnits) {
    const json::Value flows = json::Array{parse(flow_json), parse(R"({
        "id": 12, "ipcp": "lan", "layer": "lan", "remote_name": "site-b", "local_name": null,
        "local_eid": 5, "remote_eid": 6, "state": "allocated",
        "qos": {"cube": "voice", "timeout_ms": 3000}, "owner": "gateway", "session_id": 3,
        "age_ms": 250000, "idle_rx_ms": 20, "idle_tx_ms": 20, "rx_packets": 9000,
        "rx_bytes": 3355443, "tx_packets": 9000, "tx_bytes": 1048576, "drops": 0,
        "keepalives_sent": 0, "keepalives_received": 0})")};
    EXPECT_EQ(render_flows(flows),
              "ID  IPCP  REMOTE  STATE             QOS    OWNER    SESSION  AGE         "
              "LAST RX    RX       TX\n"
              "7   wan   oecho   peer_deallocated  raw    4242     -        4.2 s       "
              "1.1 s ago  45 B     1.5 KiB\n"
              "12  lan   site-b  allocated         voice  gateway  3        4 min 10 s  "
              "20 ms ago  3.2 MiB  1.0 MiB\n");
}

TEST(RenderFlows, EmptyListIsTheHeaderOnly) {
    EXPECT_EQ(render_flows(json::Array{}),
              "ID  IPCP  REMOTE  STATE  QOS  OWNER  SESSION  AGE  LAST RX  RX  TX\n");
}

TEST(RenderFlows, ColoursStatesAndHeaderWithoutBreakingAlignment) {
    const json::Value flows = json::Array{parse(flow_json)};
    const std::string text = render_flows(flows, Style{true});
    EXPECT_EQ(text,
              "\x1b[1mID  IPCP  REMOTE  STATE             QOS  OWNER  SESSION  AGE    LAST RX    "
              "RX    TX\x1b[0m\n"
              "7   wan   oecho   \x1b[31mpeer_deallocated\x1b[0m  raw  4242   -        4.2 s  "
              "1.1 s ago  45 B  1.5 KiB\n");
}

TEST(RenderFlow, ShowsEveryFieldAndTheTimeline) {
    EXPECT_EQ(render_flow(parse(flow_json)),
              "id:                   7\n"
              "ipcp:                 wan\n"
              "layer:                wan\n"
              "remote name:          oecho\n"
              "local name:           -\n"
              "local eid:            1048577\n"
              "remote eid:           2097153\n"
              "peer address:         10.0.0.2:3435\n"
              "state:                peer_deallocated\n"
              "qos:                  raw, peer timeout 2 min 0 s\n"
              "owner:                pid 4242\n"
              "session:              -\n"
              "max sdu:              1464 B\n"
              "age:                  4.2 s\n"
              "last received:        1.1 s ago\n"
              "last sent:            850 ms ago\n"
              "received:             3 packets, 45 B\n"
              "sent:                 2 packets, 1.5 KiB\n"
              "drops:                0\n"
              "keepalives sent:      1\n"
              "keepalives received:  2\n"
              "round-trip time:      0.412 ms\n"
              "hops:                 1\n"
              "timeline:\n"
              "  4.2 s ago  alloc_pending\n"
              "  4.2 s ago  allocated\n"
              "  1.1 s ago  peer_deallocated\n");
}

TEST(RenderFlow, AFlowWithoutCountersShowsDashes) {
    const std::string text = render_flow(parse(R"({"id": 3, "ipcp": "wan", "layer": "wan",
        "remote_name": "x", "local_name": null, "local_eid": 9, "remote_eid": 0,
        "state": "alloc_pending", "qos": {"cube": "data", "timeout_ms": 0}})"));
    EXPECT_NE(text.find("qos:                  data, peer timeout off\n"), std::string::npos);
    EXPECT_NE(text.find("received:             - packets, -\n"), std::string::npos);
    EXPECT_NE(text.find("round-trip time:      -\n"), std::string::npos);
    EXPECT_EQ(text.find("timeline"), std::string::npos);
}

TEST(RenderStatus, LabelsEveryCount) {
    EXPECT_EQ(render_status(parse(R"({"node": "site-a", "version": "0.1.0", "pid": 812,
        "uptime_ms": 7384000, "ipcps": 2, "flows": 5, "names": 1, "connections": 3,
        "socket": "/run/ogw/ogwd.sock"})")),
              "node:          site-a\n"
              "version:       0.1.0\n"
              "pid:           812\n"
              "uptime:        2 h 3 min\n"
              "socket:        /run/ogw/ogwd.sock\n"
              "ipcps:         2\n"
              "flows:         5\n"
              "names served:  1\n"
              "connections:   3\n");
}

TEST(RenderIpcps, ShowsLinkDirectoryAndTraffic) {
    EXPECT_EQ(render_ipcps(parse(R"([{"name": "wan", "type": "udp", "layer": "wan",
        "address": "10.0.0.1:3435", "link_up": true, "max_sdu": 1464, "flows": 2,
        "directory": [{"name": "site-b", "address": "10.0.0.2:3435"},
                      {"name": "oecho", "address": "10.0.0.2:3435"}],
        "rx_datagrams": 10, "rx_bytes": 2048, "tx_datagrams": 4, "tx_bytes": 100,
        "drops": {"too_short": 1}, "drops_total": 1},
        {"name": "lan", "type": "eth", "layer": "lan", "address": "02:00:00:00:00:01",
         "link_up": false, "max_sdu": 1486, "flows": 0, "directory": [], "rx_datagrams": 0,
         "rx_bytes": 0, "tx_datagrams": 0, "tx_bytes": 0, "drops": {}, "drops_total": 0}])")),
              "NAME  TYPE  LAYER  ADDRESS            LINK  MAX SDU  FLOWS  DIRECTORY"
              "                                 RX       TX     DROPS\n"
              "wan   udp   wan    10.0.0.1:3435      up    1464     2      "
              "site-b=10.0.0.2:3435,oecho=10.0.0.2:3435  2.0 KiB  100 B  1\n"
              "lan   eth   lan    02:00:00:00:00:01  down  1486     0      -"
              "                                         0 B      0 B    0\n");
}

TEST(RenderSessions, ShowsEndpointsInTheLocalView) {
    EXPECT_EQ(render_sessions(parse(R"([
        {"id": 1, "proto": "tcp", "src": "10.1.0.2", "sport": 40000, "dst": "10.2.0.2",
         "dport": 7003, "peer": "gb", "flow_id": 4, "state": "established",
         "opened_by": "local", "age_ms": 61000, "idle_ms": 200, "tx_packets": 5,
         "tx_bytes": 400, "rx_packets": 4, "rx_bytes": 300},
        {"id": 2, "proto": "icmpv6", "src": "fd01::2", "sport": 77, "dst": "fd02::2",
         "dport": 77, "peer": "gb", "flow_id": null, "state": "opening",
         "opened_by": "remote", "age_ms": 10, "idle_ms": 10, "tx_packets": 1,
         "tx_bytes": 104, "rx_packets": 0, "rx_bytes": 0},
        {"id": 3, "proto": "47", "src": "10.1.0.2", "sport": 0, "dst": "10.2.0.2",
         "dport": 0, "peer": "gb", "flow_id": 5, "state": "closing", "opened_by": "local",
         "age_ms": 1000, "idle_ms": 999, "tx_packets": 0, "tx_bytes": 0, "rx_packets": 0,
         "rx_bytes": 0}])")),
              "ID  PROTO   SOURCE          DESTINATION    PEER  FLOW  STATE        OPENED BY"
              "  AGE        IDLE    TX     RX\n"
              "1   tcp     10.1.0.2:40000  10.2.0.2:7003  gb    4     established  local"
              "      1 min 1 s  200 ms  400 B  300 B\n"
              "2   icmpv6  [fd01::2]:77    [fd02::2]:77   gb    -     opening      remote"
              "     10 ms      10 ms   104 B  0 B\n"
              "3   47      10.1.0.2        10.2.0.2       gb    5     closing      local"
              "      1.0 s      999 ms  0 B    0 B\n");
}

TEST(RenderPeers, ShowsLastHeardAgoAndKeepaliveRtt) {
    EXPECT_EQ(render_peers(parse(R"([
        {"name": "gb", "ipcp": "wan", "address": "10.0.0.2:3435",
         "prefixes": ["10.2.0.0/24", "fd02::/64"], "flows": 2, "sessions": 3,
         "last_heard_ms": 3200, "rtt_ms": 12.345},
        {"name": "gc", "ipcp": null, "address": null, "prefixes": [], "flows": 0,
         "sessions": 0, "last_heard_ms": null, "rtt_ms": null}])")),
              "NAME  IPCP  ADDRESS        PREFIXES               FLOWS  SESSIONS  LAST HEARD"
              "  RTT\n"
              "gb    wan   10.0.0.2:3435  10.2.0.0/24,fd02::/64  2      3         3.2 s ago "
              "  12.3 ms\n"
              "gc    -     -              -                      0      0         -"
              "           -\n");
}

TEST(RenderStats, ListsCountersAndOnlyNonZeroReasons) {
    EXPECT_EQ(render_stats(parse(R"({"sessions_opened": 10, "sessions_active": 2,
        "teardowns": {"tcp_close": 5, "tcp_reset": 0, "idle": 2, "peer_dealloc": 1,
                      "peer_timeout": 0, "link_down": 0, "alloc_failed": 0, "evicted": 0,
                      "admin": 0},
        "drops": {"no_route": 0, "spoofed": 0},
        "flows_allocated": 10, "flow_alloc_failures": 0, "tcp_resets_sent": 1,
        "icmp_errors_sent": 0, "mss_clamped": 4, "tun_rx_packets": 100,
        "tun_rx_bytes": 150000, "tun_tx_packets": 90, "tun_tx_bytes": 9000})")),
              "sessions opened:      10\n"
              "sessions active:      2\n"
              "flows allocated:      10\n"
              "flow alloc failures:  0\n"
              "tun received:         100 packets, 146.5 KiB\n"
              "tun sent:             90 packets, 8.8 KiB\n"
              "tcp resets sent:      1\n"
              "icmp errors sent:     0\n"
              "mss clamped:          4\n"
              "teardowns:\n"
              "  tcp_close     5\n"
              "  idle          2\n"
              "  peer_dealloc  1\n"
              "drops: none\n");
}

TEST(RenderStats, TapModeAddsTheBridgesNonZeroCounters) {
    const std::string out = render_stats(parse(R"({"sessions_opened": 0, "sessions_active": 0,
        "teardowns": {}, "drops": {}, "flows_allocated": 0, "flow_alloc_failures": 0,
        "tap": {"tap_rx_frames": 2000, "tap_rx_bytes": 84000, "to_peer": 0, "flooded": 210,
                "drops": {"flood_limited": 1790, "spoofed": 0}, "macs": 3}})"));
    EXPECT_NE(out.find("drops: none\n"
                       "tap:\n"
                       "  tap_rx_frames  2000\n"
                       "  tap_rx_bytes   84000\n"
                       "  flooded        210\n"
                       "  macs           3\n"
                       "tap drops:\n"
                       "  flood_limited  1790\n"),
              std::string::npos)
        << out;
}

TEST(RenderMacs, ShowsTheOwnerAndAge) {
    EXPECT_EQ(render_macs(parse(R"([
        {"mac": "02:00:00:00:00:01", "owner": "peer", "peer": "site-b", "age_ms": 2500},
        {"mac": "4a:7d:01:02:03:04", "owner": "local", "peer": null, "age_ms": 61000}])")),
              "MAC                OWNER        AGE\n"
              "02:00:00:00:00:01  peer site-b  2.5 s\n"
              "4a:7d:01:02:03:04  local        1 min 1 s\n");
    EXPECT_EQ(render_macs(parse("[]")), "MAC  OWNER  AGE\n");
}

}  // namespace
}  // namespace ogw::cli
