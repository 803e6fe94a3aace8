// SPDX-License-Identifier: BSD-3-Clause
// The Ethernet shim's frames (docs/protocol.md, "Ethernet framing"), sans I/O:
//
//   dst MAC (6) | src MAC (6) | Ethertype (2, big-endian) | one protocol-v1 message | padding
//
// Frames are sent as long as their message; the driver or the wire pads short ones to the
// 60-byte minimum, and the receiver ignores whatever follows the message's own length.
#pragma once

#include <flowlib/inet.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace ogw::ipcp {

inline constexpr std::size_t eth_header_size = 14;
inline constexpr std::size_t eth_min_frame_size = 60;  // without the FCS

struct EthHeader {
    MacAddress dst;
    MacAddress src;
    std::uint16_t ethertype = 0;
};

// Writes the header into the first eth_header_size bytes of `out`, which must hold them.
void write_eth_header(std::span<std::byte> out, const EthHeader& h);
// Empty if the frame is shorter than the header.
std::optional<EthHeader> read_eth_header(std::span<const std::byte> frame);

// What a received frame is, for an interface with MAC `self` bound to `ethertype`.
enum class EthFrameKind : std::uint8_t {
    ours,        // to `self` or broadcast, from another unicast station, our Ethertype
    too_short,   // no complete header
    other_type,  // another Ethertype
    other_dst,   // to another station or to a multicast group
    bad_src,     // from a multicast (group bit set) or all-zero address
    own,         // from `self`: looped back, or a station that copies our MAC
    count_,
};
inline constexpr std::size_t eth_frame_kind_count = static_cast<std::size_t>(EthFrameKind::count_);
std::string_view to_string(EthFrameKind kind);

EthFrameKind classify_eth_frame(std::span<const std::byte> frame, const MacAddress& self,
                                std::uint16_t ethertype);

// Frames received and not passed on, by kind (the `ours` entry stays 0).
using EthFrameDrops = std::array<std::uint64_t, eth_frame_kind_count>;

}  // namespace ogw::ipcp
