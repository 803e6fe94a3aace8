// SPDX-License-Identifier: BSD-3-Clause
#include "render.hpp"

#include <sstream>

namespace ogw::cli {
namespace {

std::string endpoint(const json::Value& s, std::string_view addr, std::string_view port) {
    const std::string a = field(s, addr);
    const std::string p = field(s, port);
    const bool v6 = a.find(':') != std::string::npos;
    if (p == "0") {
        return a;
    }
    return v6 ? "[" + a + "]:" + p : a + ":" + p;
}

// The members of an object of counters, "name value" per line, zero ones left out.
void counters(std::ostringstream& out, const json::Value* obj, const char* title) {
    out << title << ":";
    bool any = false;
    if (obj != nullptr && obj->is_object()) {
        for (const auto& [key, value] : obj->as_object()) {
            if (value.is_number() && json::dump(value) != "0") {
                out << "\n  " << key << " " << json::dump(value);
                any = true;
            }
        }
    }
    out << (any ? "\n" : " none\n");
}

}  // namespace

std::string render_sessions(const json::Value& sessions) {
    std::vector<Row> rows;
    for (const auto& s : sessions.as_array()) {
        rows.push_back({field(s, "id"), field(s, "proto"), endpoint(s, "src", "sport"),
                        endpoint(s, "dst", "dport"), field(s, "peer"), field(s, "flow_id"),
                        field(s, "state"), ms_field(s, "age_ms"), ms_field(s, "idle_ms"),
                        bytes_field(s, "tx_bytes"), bytes_field(s, "rx_bytes")});
    }
    return table({"ID", "PROTO", "SOURCE", "DESTINATION", "PEER", "FLOW", "STATE", "AGE", "IDLE",
                  "TX", "RX"},
                 rows);
}

std::string render_peers(const json::Value& peers) {
    std::vector<Row> rows;
    for (const auto& p : peers.as_array()) {
        std::string prefixes;
        if (const json::Value* list = p.find("prefixes"); list != nullptr && list->is_array()) {
            for (const auto& prefix : list->as_array()) {
                prefixes += (prefixes.empty() ? "" : ",") + text_of(prefix);
            }
        }
        std::string rtt = "-";
        if (const json::Value* r = p.find("rtt_ms"); r != nullptr && r->is_number()) {
            std::ostringstream v;
            v.precision(3);
            v << r->as_double() << " ms";
            rtt = v.str();
        }
        rows.push_back({field(p, "name"), field(p, "ipcp"), field(p, "address"), prefixes,
                        field(p, "flows"), field(p, "sessions"), ms_field(p, "last_heard_ms"),
                        rtt});
    }
    return table({"NAME", "IPCP", "ADDRESS", "PREFIXES", "FLOWS", "SESSIONS", "LAST HEARD", "RTT"},
                 rows);
}

std::string render_stats(const json::Value& s) {
    std::ostringstream out;
    out << "sessions opened:     " << field(s, "sessions_opened") << '\n'
        << "sessions active:     " << field(s, "sessions_active") << '\n'
        << "flows allocated:     " << field(s, "flows_allocated") << '\n'
        << "flow alloc failures: " << field(s, "flow_alloc_failures") << '\n'
        << "tun rx:              " << field(s, "tun_rx_packets") << " packets, "
        << bytes_field(s, "tun_rx_bytes") << '\n'
        << "tun tx:              " << field(s, "tun_tx_packets") << " packets, "
        << bytes_field(s, "tun_tx_bytes") << '\n'
        << "tcp resets sent:     " << field(s, "tcp_resets_sent") << '\n'
        << "icmp errors sent:    " << field(s, "icmp_errors_sent") << '\n';
    counters(out, s.find("teardowns"), "teardowns");
    counters(out, s.find("drops"), "drops");
    return out.str();
}

}  // namespace ogw::cli
