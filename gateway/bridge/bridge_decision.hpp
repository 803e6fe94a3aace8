// SPDX-License-Identifier: BSD-3-Clause
// What the TAP bridge does with one frame (TapBridge decides, the daemon carries it out), and
// the bridge's counters.
#pragma once

#include "bridge/ethernet_frame.hpp"
#include "bridge/mac_table.hpp"
#include "packet/ip_parse.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ogw::gw {

enum class BridgeAction : std::uint8_t {
    drop,
    to_peer,        // from the local side, to a known unicast address behind `peer`
    flood,          // from the local side, to every peer: broadcast, multicast, unknown unicast
    deliver_local,  // from a peer, to the TAP device
};
std::string_view to_string(BridgeAction action);

// Names are stable: drop counters are reported under them.
enum class BridgeDrop : std::uint8_t {
    malformed,          // the Ethernet header does not parse (also counted per FrameError)
    ip_malformed,       // IPv4/IPv6 Ethertype, but no such packet (also counted per ParseError)
    arp_malformed,      // from a peer: not an Ethernet/IPv4 ARP packet, so unchecked
    spoofed,            // from a peer: IP source or ARP sender outside the peer's prefixes
    invalid_source,     // multicast or all-zero source MAC
    reserved_group,     // to 01:80:c2:00:00:0x (STP, LACP, 802.1X, LLDP): link-local
    too_big,            // from the local side: larger than a flow carries
    local_destination,  // from the local side, to an address learnt on the local side
    peer_destination,   // from a peer, to an address learnt behind a peer (split horizon)
    flood_limited,      // over the flood rate limit
    count_,
};
inline constexpr std::size_t bridge_drop_count = static_cast<std::size_t>(BridgeDrop::count_);
std::string_view to_string(BridgeDrop drop);

struct BridgeDecision {
    BridgeAction action = BridgeAction::drop;
    BridgeDrop drop = BridgeDrop::malformed;  // when action is drop
    PeerIndex peer = 0;                       // when action is to_peer
    EthernetFrame frame;
    // Set for an IPv4/IPv6 frame: its packet (error set if it did not parse), from which
    // to_peer frames are mapped onto session flows as in TUN mode.
    std::optional<PacketInfo> ip;
};

// Every frame counts once in local_frames or peer_frames and once in exactly one of to_peer,
// flooded, delivered and drops.
struct BridgeCounters {
    std::uint64_t local_frames = 0;  // read from the TAP device
    std::uint64_t local_bytes = 0;
    std::uint64_t peer_frames = 0;  // received from peers
    std::uint64_t peer_bytes = 0;
    std::uint64_t to_peer = 0;
    std::uint64_t flooded = 0;
    std::uint64_t delivered = 0;
    std::uint64_t unknown_unicast = 0;  // of flooded and flood_limited: to an unknown address
    std::array<std::uint64_t, bridge_drop_count> drops{};
    std::array<std::uint64_t, frame_error_count> malformed{};
    std::array<std::uint64_t, parse_error_count> ip_malformed{};

    std::uint64_t dropped(BridgeDrop d) const { return drops[static_cast<std::size_t>(d)]; }
};

}  // namespace ogw::gw
