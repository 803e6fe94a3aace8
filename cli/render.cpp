// SPDX-License-Identifier: BSD-3-Clause
#include "render.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace ogw::cli {

std::string table(const Row& header, const std::vector<Row>& rows) {
    std::vector<std::size_t> width(header.size());
    for (std::size_t i = 0; i < header.size(); ++i) {
        width[i] = header[i].size();
        for (const auto& r : rows) {
            if (i < r.size()) {
                width[i] = std::max(width[i], r[i].size());
            }
        }
    }
    std::ostringstream out;
    auto line = [&](const Row& r) {
        std::string s;
        for (std::size_t i = 0; i < header.size(); ++i) {
            const std::string cell = i < r.size() ? r[i] : "";
            s += cell;
            if (i + 1 < header.size()) {
                s += std::string(width[i] - cell.size() + 2, ' ');
            }
        }
        while (!s.empty() && s.back() == ' ') {
            s.pop_back();
        }
        out << s << '\n';
    };
    line(header);
    for (const auto& r : rows) {
        line(r);
    }
    return out.str();
}

std::string human_bytes(std::uint64_t bytes) {
    static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(bytes);
    std::size_t u = 0;
    while (v >= 1024.0 && u + 1 < std::size(units)) {
        v /= 1024.0;
        ++u;
    }
    char buf[32];
    if (u == 0) {
        std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
    } else {
        std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
    }
    return buf;
}

std::string human_duration_ms(std::int64_t ms) {
    char buf[48];
    if (ms < 0) {
        return "-";
    }
    if (ms < 1000) {
        std::snprintf(buf, sizeof buf, "%lld ms", static_cast<long long>(ms));
    } else if (ms < 60'000) {
        std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(ms) / 1000.0);
    } else if (ms < 3'600'000) {
        std::snprintf(buf, sizeof buf, "%lld min %lld s", static_cast<long long>(ms / 60'000),
                      static_cast<long long>(ms % 60'000 / 1000));
    } else {
        std::snprintf(buf, sizeof buf, "%lld h %lld min", static_cast<long long>(ms / 3'600'000),
                      static_cast<long long>(ms % 3'600'000 / 60'000));
    }
    return buf;
}

std::string text_of(const json::Value& v) {
    if (v.is_null()) {
        return "-";
    }
    if (v.is_string()) {
        return v.as_string();
    }
    return json::dump(v);
}

std::string field(const json::Value& v, std::string_view key) {
    const json::Value* f = v.find(key);
    return f == nullptr ? "-" : text_of(*f);
}

std::string ms_field(const json::Value& v, std::string_view key) {
    const auto ms = v.get_int(key);
    return ms ? human_duration_ms(*ms) : "-";
}

std::string bytes_field(const json::Value& v, std::string_view key) {
    const auto b = v.get_uint(key);
    return b ? human_bytes(*b) : "-";
}

std::string render_status(const json::Value& s) {
    std::ostringstream out;
    out << "node:        " << field(s, "node") << '\n'
        << "version:     " << field(s, "version") << '\n'
        << "pid:         " << field(s, "pid") << '\n'
        << "uptime:      " << ms_field(s, "uptime_ms") << '\n'
        << "socket:      " << field(s, "socket") << '\n'
        << "ipcps:       " << field(s, "ipcps") << '\n'
        << "flows:       " << field(s, "flows") << '\n'
        << "names:       " << field(s, "names") << '\n';
    return out.str();
}

std::string render_ipcps(const json::Value& ipcps) {
    std::vector<Row> rows;
    for (const auto& i : ipcps.as_array()) {
        rows.push_back({field(i, "name"), field(i, "type"), field(i, "layer"),
                        field(i, "address"), i.get_bool("link_up").value_or(false) ? "up" : "down",
                        field(i, "max_sdu"), field(i, "flows"), bytes_field(i, "rx_bytes"),
                        bytes_field(i, "tx_bytes"), field(i, "drops_total")});
    }
    return table({"NAME", "TYPE", "LAYER", "ADDRESS", "LINK", "MAX SDU", "FLOWS", "RX", "TX",
                  "DROPS"},
                 rows);
}

std::string render_flows(const json::Value& flows) {
    std::vector<Row> rows;
    for (const auto& f : flows.as_array()) {
        const json::Value* qos = f.find("qos");
        rows.push_back({field(f, "id"), field(f, "ipcp"), field(f, "remote_name"),
                        field(f, "state"), qos ? field(*qos, "cube") : "-", field(f, "owner"),
                        ms_field(f, "age_ms"), ms_field(f, "idle_rx_ms"),
                        bytes_field(f, "rx_bytes"), bytes_field(f, "tx_bytes")});
    }
    return table({"ID", "IPCP", "REMOTE", "STATE", "QOS", "OWNER", "AGE", "IDLE RX", "RX", "TX"},
                 rows);
}

std::string render_flow(const json::Value& f) {
    std::ostringstream out;
    for (const auto& [key, value] : f.as_object()) {
        if (key == "timeline" || key == "qos") {
            continue;
        }
        out << key << ": " << text_of(value) << '\n';
    }
    if (const json::Value* qos = f.find("qos")) {
        out << "qos: " << field(*qos, "cube") << ", timeout " << field(*qos, "timeout_ms")
            << " ms\n";
    }
    if (const json::Value* tl = f.find("timeline"); tl != nullptr && tl->is_array()) {
        out << "timeline:\n";
        for (const auto& e : tl->as_array()) {
            out << "  " << ms_field(e, "ago_ms") << " ago  " << field(e, "state") << '\n';
        }
    }
    return out.str();
}

}  // namespace ogw::cli
