// SPDX-License-Identifier: BSD-3-Clause
// Human output of the gateway's commands: sessions, peers, stats, macs.
#include "render.hpp"

#include "fields.hpp"
#include "table.hpp"

namespace ogw::cli {
namespace {

// "10.1.0.2:5000", "[fd01::2]:5000"; the bare address when the port is 0.
std::string endpoint(const json::Value& s, std::string_view addr, std::string_view port) {
    const std::string a = field(s, addr);
    const std::string p = field(s, port);
    if (p == "0" || p == "-") {
        return a;
    }
    return a.find(':') != std::string::npos ? "[" + a + "]:" + p : a + ":" + p;
}

// "title:" and then "  name value" per non-zero member of an object of counters.
std::string counters(const json::Value* obj, const char* title) {
    std::vector<Row> rows;
    if (obj != nullptr && obj->is_object()) {
        for (const auto& [key, value] : obj->as_object()) {
            if (value.is_number() && !(value.is_integer() && value.as_int() == 0)) {
                rows.push_back({"  " + key, json::dump(value)});
            }
        }
    }
    return std::string(title) + (rows.empty() ? ": none\n" : ":\n" + columns(rows));
}

}  // namespace

std::string render_sessions(const json::Value& sessions, const Style& style) {
    std::vector<Row> rows;
    for (const auto& s : items_of(sessions)) {
        const std::string state = field(s, "state");
        rows.push_back({field(s, "id"), field(s, "proto"), endpoint(s, "src", "sport"),
                        endpoint(s, "dst", "dport"), field(s, "peer"), field(s, "flow_id"),
                        style.paint(state, colour_of_state(state)), field(s, "opened_by"),
                        ms_field(s, "age_ms"), ms_field(s, "idle_ms"), bytes_field(s, "tx_bytes"),
                        bytes_field(s, "rx_bytes")});
    }
    return table({"ID", "PROTO", "SOURCE", "DESTINATION", "PEER", "FLOW", "STATE", "OPENED BY",
                  "AGE", "IDLE", "TX", "RX"},
                 rows, style);
}

std::string render_peers(const json::Value& peers, const Style& style) {
    std::vector<Row> rows;
    for (const auto& p : items_of(peers)) {
        rows.push_back({field(p, "name"), field(p, "ipcp"), field(p, "address"),
                        list_field(p, "prefixes", ","), field(p, "flows"), field(p, "sessions"),
                        ago_field(p, "last_heard_ms"), rtt_field(p, "rtt_ms")});
    }
    return table({"NAME", "IPCP", "ADDRESS", "PREFIXES", "FLOWS", "SESSIONS", "LAST HEARD", "RTT"},
                 rows, style);
}

std::string render_stats(const json::Value& s, const Style& /*style*/) {
    const std::vector<Row> rows = {
        {"sessions opened:", field(s, "sessions_opened")},
        {"sessions active:", field(s, "sessions_active")},
        {"flows allocated:", field(s, "flows_allocated")},
        {"flow alloc failures:", field(s, "flow_alloc_failures")},
        {"tun received:", traffic_field(s, "tun_rx_packets", "tun_rx_bytes")},
        {"tun sent:", traffic_field(s, "tun_tx_packets", "tun_tx_bytes")},
        {"tcp resets sent:", field(s, "tcp_resets_sent")},
        {"icmp errors sent:", field(s, "icmp_errors_sent")},
        {"mss clamped:", field(s, "mss_clamped")},
    };
    std::string out = columns(rows) + counters(s.find("teardowns"), "teardowns") +
                      counters(s.find("drops"), "drops");
    if (const json::Value* tap = s.find("tap"); tap != nullptr && tap->is_object()) {
        out += counters(tap, "tap") + counters(tap->find("drops"), "tap drops");
    }
    return out;
}

std::string render_macs(const json::Value& macs, const Style& style) {
    std::vector<Row> rows;
    for (const auto& m : items_of(macs)) {
        const std::string owner = field(m, "owner");
        rows.push_back({field(m, "mac"), owner == "peer" ? "peer " + field(m, "peer") : owner,
                        ms_field(m, "age_ms")});
    }
    return table({"MAC", "OWNER", "AGE"}, rows, style);
}

}  // namespace ogw::cli
