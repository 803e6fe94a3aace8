// SPDX-License-Identifier: BSD-3-Clause
#include "bridge/bridge_json.hpp"

#include <utility>

namespace ogw::gw {

json::Value tap_stats_to_json(const BridgeCounters& counters, const MacTable& macs) {
    json::Value drops = json::Object{};
    for (std::size_t i = 0; i < bridge_drop_count; ++i) {
        const auto reason = static_cast<BridgeDrop>(i);
        if (reason != BridgeDrop::malformed && reason != BridgeDrop::ip_malformed) {
            drops[to_string(reason)] = counters.drops[i];
        }
    }
    for (std::size_t i = 1; i < frame_error_count; ++i) {  // 0 is FrameError::none
        drops["malformed_" + std::string(to_string(static_cast<FrameError>(i)))] =
            counters.malformed[i];
    }
    for (std::size_t i = 1; i < parse_error_count; ++i) {  // 0 is ParseError::none
        drops["malformed_ip_" + std::string(to_string(static_cast<ParseError>(i)))] =
            counters.ip_malformed[i];
    }
    const MacTableCounters& table = macs.counters();
    return json::Object{
        {"tap_rx_frames", counters.local_frames},
        {"tap_rx_bytes", counters.local_bytes},
        {"peer_rx_frames", counters.peer_frames},
        {"peer_rx_bytes", counters.peer_bytes},
        {"to_peer", counters.to_peer},
        {"flooded", counters.flooded},
        {"unknown_unicast", counters.unknown_unicast},
        {"delivered", counters.delivered},
        {"drops", std::move(drops)},
        {"macs", macs.size()},
        {"macs_learnt", table.learnt},
        {"macs_moved", table.moved},
        {"macs_aged_out", table.aged_out},
        {"macs_evicted", table.evicted},
        {"macs_flushed", table.flushed},
    };
}

json::Value macs_to_json(const MacTable& macs, Instant now,
                         const std::vector<std::string>& peer_names) {
    json::Value out = json::Array{};
    macs.for_each(now, [&](const MacAddress& mac, MacOwner owner, Duration age) {
        json::Value peer = nullptr;
        if (!owner.is_local()) {
            const PeerIndex index = owner.peer_index();
            peer = index < peer_names.size() ? json::Value(peer_names[index])
                                             : json::Value(std::to_string(index));
        }
        out.push_back(json::Object{
            {"mac", mac.to_string()},
            {"owner", owner.is_local() ? "local" : "peer"},
            {"peer", std::move(peer)},
            {"age_ms", to_ms(age)},
        });
    });
    return out;
}

}  // namespace ogw::gw
