// SPDX-License-Identifier: BSD-3-Clause
#include "gw/gateway_stats.hpp"

namespace ogw::gw {

std::string_view to_string(GatewayDrop d) {
    switch (d) {
    case GatewayDrop::no_route: return "no_route";
    case GatewayDrop::spoofed: return "spoofed";
    case GatewayDrop::queue_full: return "queue_full";
    case GatewayDrop::too_big: return "too_big";
    case GatewayDrop::no_session: return "no_session";
    case GatewayDrop::dead_session: return "dead_session";
    case GatewayDrop::unknown_peer: return "unknown_peer";
    case GatewayDrop::flow_send: return "flow_send";
    case GatewayDrop::tun_write: return "tun_write";
    case GatewayDrop::tun_offload: return "tun_offload";
    case GatewayDrop::not_routed_here: return "not_routed_here";
    case GatewayDrop::count_: break;
    }
    return "?";
}

json::Value GatewayStats::to_json(std::size_t sessions_active) const {
    json::Value teardown = json::Object{};
    for (std::size_t i = 0; i < teardown_reason_count; ++i) {
        teardown[to_string(static_cast<TeardownReason>(i))] = teardowns[i];
    }
    json::Value drop = json::Object{};
    for (std::size_t i = 0; i < gateway_drop_count; ++i) {
        drop[to_string(static_cast<GatewayDrop>(i))] = drops[i];
    }
    for (std::size_t i = 1; i < parse_error_count; ++i) {  // 0 is ParseError::none
        drop[std::string("malformed_") + std::string(to_string(static_cast<ParseError>(i)))] =
            malformed[i];
    }
    return json::Object{
        {"sessions_opened", sessions_opened},
        {"sessions_active", sessions_active},
        {"teardowns", std::move(teardown)},
        {"drops", std::move(drop)},
        {"flows_allocated", flows_allocated},
        {"flow_alloc_failures", flow_alloc_failures},
        {"tcp_resets_sent", tcp_resets_sent},
        {"icmp_errors_sent", icmp_errors_sent},
        {"mss_clamped", mss_clamped},
        {"tun_rx_packets", tun_rx_packets},
        {"tun_rx_bytes", tun_rx_bytes},
        {"tun_tx_packets", tun_tx_packets},
        {"tun_tx_bytes", tun_tx_bytes},
    };
}

}  // namespace ogw::gw
