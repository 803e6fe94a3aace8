// SPDX-License-Identifier: BSD-3-Clause
// `ogw flow show ID`: every field of one flow, one per line, then its state timeline.
#include "render.hpp"

#include "fields.hpp"
#include "table.hpp"
#include "units.hpp"

#include <algorithm>
#include <iterator>
#include <string_view>

namespace ogw::cli {
namespace {

std::string qos_text(const json::Value& flow) {
    const json::Value* qos = flow.find("qos");
    if (qos == nullptr || !qos->is_object()) {
        return "-";
    }
    const auto timeout = qos->get_int("timeout_ms");
    const std::string peer_timeout = !timeout        ? "-"
                                     : *timeout == 0 ? "off"
                                                     : human_duration_ms(*timeout);
    return field(*qos, "cube") + ", peer timeout " + peer_timeout;
}

std::string owner_text(const json::Value& flow) {
    const json::Value* owner = flow.find("owner");
    if (owner != nullptr && owner->is_integer()) {
        return "pid " + text_of(*owner);
    }
    return field(flow, "owner");
}

// The members the labelled lines show; any other member is printed as "key: value".
constexpr std::string_view shown[] = {
    "id",
    "ipcp",
    "layer",
    "remote_name",
    "local_name",
    "local_eid",
    "remote_eid",
    "peer_address",
    "state",
    "qos",
    "owner",
    "session_id",
    "max_sdu",
    "age_ms",
    "idle_rx_ms",
    "idle_tx_ms",
    "rx_packets",
    "rx_bytes",
    "tx_packets",
    "tx_bytes",
    "drops",
    "keepalives_sent",
    "keepalives_received",
    "rtt_ms",
    "timeline",
};

bool is_shown(std::string_view key) {
    return std::find(std::begin(shown), std::end(shown), key) != std::end(shown);
}

std::string timeline_of(const json::Value& flow, const Style& style) {
    const json::Array* timeline = flow.get_array("timeline");
    if (timeline == nullptr) {
        return "";
    }
    std::vector<Row> rows;
    for (const auto& change : *timeline) {
        const std::string state = field(change, "state");
        rows.push_back(
            {"  " + ago_field(change, "ago_ms"), style.paint(state, colour_of_state(state))});
    }
    return "timeline:\n" + (rows.empty() ? std::string("  -\n") : columns(rows));
}

}  // namespace

std::string render_flow(const json::Value& f, const Style& style) {
    const std::string state = field(f, "state");
    const auto max_sdu = f.get_uint("max_sdu");
    std::vector<Row> rows = {
        {"id:", field(f, "id")},
        {"ipcp:", field(f, "ipcp")},
        {"layer:", field(f, "layer")},
        {"remote name:", field(f, "remote_name")},
        {"local name:", field(f, "local_name")},
        {"local eid:", field(f, "local_eid")},
        {"remote eid:", field(f, "remote_eid")},
        {"peer address:", field(f, "peer_address")},
        {"state:", style.paint(state, colour_of_state(state))},
        {"qos:", qos_text(f)},
        {"owner:", owner_text(f)},
        {"session:", field(f, "session_id")},
        {"max sdu:", max_sdu ? std::to_string(*max_sdu) + " B" : "-"},
        {"age:", ms_field(f, "age_ms")},
        {"last received:", ago_field(f, "idle_rx_ms")},
        {"last sent:", ago_field(f, "idle_tx_ms")},
        {"received:", traffic_field(f, "rx_packets", "rx_bytes")},
        {"sent:", traffic_field(f, "tx_packets", "tx_bytes")},
        {"drops:", field(f, "drops")},
        {"keepalives sent:", field(f, "keepalives_sent")},
        {"keepalives received:", field(f, "keepalives_received")},
        {"round-trip time:", rtt_field(f, "rtt_ms")},
    };
    if (f.is_object()) {
        for (const auto& [key, value] : f.as_object()) {
            if (!is_shown(key)) {
                rows.push_back({key + ":", text_of(value)});
            }
        }
    }
    return columns(rows) + timeline_of(f, style);
}

}  // namespace ogw::cli
