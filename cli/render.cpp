// SPDX-License-Identifier: BSD-3-Clause
#include "render.hpp"

#include "fields.hpp"
#include "table.hpp"

namespace ogw::cli {
namespace {

// An IPCP's static directory as "name=address,name=address".
std::string directory_of(const json::Value& ipcp) {
    std::string out;
    if (const json::Array* entries = ipcp.get_array("directory")) {
        for (const auto& entry : *entries) {
            out += (out.empty() ? "" : ",") + field(entry, "name") + "=" + field(entry, "address");
        }
    }
    return out.empty() ? "-" : out;
}

}  // namespace

std::string render_status(const json::Value& s, const Style& /*style*/) {
    return columns({
        {"node:", field(s, "node")},
        {"version:", field(s, "version")},
        {"pid:", field(s, "pid")},
        {"uptime:", ms_field(s, "uptime_ms")},
        {"socket:", field(s, "socket")},
        {"ipcps:", field(s, "ipcps")},
        {"flows:", field(s, "flows")},
        {"names served:", field(s, "names")},
        {"connections:", field(s, "connections")},
    });
}

std::string render_ipcps(const json::Value& ipcps, const Style& style) {
    std::vector<Row> rows;
    for (const auto& i : items_of(ipcps)) {
        const std::string link = i.get_bool("link_up").value_or(false) ? "up" : "down";
        rows.push_back({field(i, "name"), field(i, "type"), field(i, "layer"), field(i, "address"),
                        style.paint(link, colour_of_state(link)), field(i, "max_sdu"),
                        field(i, "flows"), directory_of(i), bytes_field(i, "rx_bytes"),
                        bytes_field(i, "tx_bytes"), field(i, "drops_total")});
    }
    return table({"NAME", "TYPE", "LAYER", "ADDRESS", "LINK", "MAX SDU", "FLOWS", "DIRECTORY", "RX",
                  "TX", "DROPS"},
                 rows, style);
}

std::string render_flows(const json::Value& flows, const Style& style) {
    std::vector<Row> rows;
    for (const auto& f : items_of(flows)) {
        const json::Value* qos = f.find("qos");
        const std::string state = field(f, "state");
        rows.push_back({field(f, "id"), field(f, "ipcp"), field(f, "remote_name"),
                        style.paint(state, colour_of_state(state)),
                        qos != nullptr ? field(*qos, "cube") : "-", field(f, "owner"),
                        field(f, "session_id"), ms_field(f, "age_ms"), ago_field(f, "idle_rx_ms"),
                        bytes_field(f, "rx_bytes"), bytes_field(f, "tx_bytes")});
    }
    return table(
        {"ID", "IPCP", "REMOTE", "STATE", "QOS", "OWNER", "SESSION", "AGE", "LAST RX", "RX", "TX"},
        rows, style);
}

}  // namespace ogw::cli
