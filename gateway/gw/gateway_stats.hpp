// SPDX-License-Identifier: BSD-3-Clause
// The gateway's counters, as `ogw --json stats` shows them.
#pragma once

#include "gw/session.hpp"
#include "packet/ip_parse.hpp"

#include <flowlib/json.hpp>

#include <array>
#include <cstdint>
#include <string_view>

namespace ogw::gw {

// Packets the gateway dropped, by reason (parse errors are counted under their own names).
enum class GatewayDrop : std::uint8_t {
    no_route,         // no route for the destination (answered with ICMP unreachable)
    spoofed,          // from a flow, but not from its session or its peer's prefixes
    queue_full,       // the session's flow is still opening and its queue is full
    too_big,          // larger than the tunnel's largest SDU (answered with ICMP too big)
    no_session,       // TCP segment without SYN for an unknown session (answered with RST)
    dead_session,     // for a torn-down session (answered with ICMP unreachable)
    unknown_peer,     // a flow request from a node no route names
    flow_send,        // the flow refused the packet
    tun_write,        // the TUN device refused the packet
    not_routed_here,  // a packet from a flow whose destination routes back into the tunnel
    tun_offload,      // a TUN packet whose offload header could not be honoured (vnet_hdr)
    count_,
};
inline constexpr std::size_t gateway_drop_count = static_cast<std::size_t>(GatewayDrop::count_);
std::string_view to_string(GatewayDrop d);

struct GatewayStats {
    std::uint64_t sessions_opened = 0;
    std::array<std::uint64_t, teardown_reason_count> teardowns{};
    std::array<std::uint64_t, gateway_drop_count> drops{};
    std::array<std::uint64_t, parse_error_count> malformed{};
    std::uint64_t flows_allocated = 0;
    std::uint64_t flow_alloc_failures = 0;
    std::uint64_t tcp_resets_sent = 0;
    std::uint64_t icmp_errors_sent = 0;
    std::uint64_t mss_clamped = 0;
    std::uint64_t tun_rx_packets = 0;
    std::uint64_t tun_rx_bytes = 0;
    std::uint64_t tun_tx_packets = 0;
    std::uint64_t tun_tx_bytes = 0;

    void drop(GatewayDrop d) { ++drops[static_cast<std::size_t>(d)]; }
    void torn_down(TeardownReason r) { ++teardowns[static_cast<std::size_t>(r)]; }
    json::Value to_json(std::size_t sessions_active) const;
};

}  // namespace ogw::gw
