// SPDX-License-Identifier: BSD-3-Clause
// Parsing of one Ethernet II frame as read from the TAP device (IFF_TAP | IFF_NO_PI: no packet
// information header, no preamble, no FCS) into a view of its addresses, VLAN tags, Ethertype
// and payload.
//
// Decisions:
// - Up to two VLAN tags are read, each with TPID 0x8100 (802.1Q), 0x88a8 (802.1ad) or 0x9100
//   (pre-standard Q-in-Q), in any order; a third tag is refused (too_many_tags).
// - A type/length field below 0x0600 (an 802.3 length, so an LLC frame: STP BPDUs, NetBIOS,
//   IPX) is refused (length_field), with or without tags: the bridge carries Ethernet II only.
// - No minimum size: the kernel hands TAP frames over unpadded, so a bare 14-byte header is a
//   frame with an empty payload. The payload runs to the end of the frame, padding included;
//   parse_ip ignores what follows the IP packet's own length.
#pragma once

#include <flowlib/inet.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace ogw::gw {

namespace ethertype {
inline constexpr std::uint16_t ipv4 = 0x0800;
inline constexpr std::uint16_t arp = 0x0806;
inline constexpr std::uint16_t vlan = 0x8100;
inline constexpr std::uint16_t ipv6 = 0x86dd;
inline constexpr std::uint16_t qinq = 0x88a8;
inline constexpr std::uint16_t qinq_legacy = 0x9100;
inline constexpr std::uint16_t min_type = 0x0600;  // below: an 802.3 length
}  // namespace ethertype

inline constexpr std::size_t mac_address_size = 6;
inline constexpr std::size_t ethernet_header_size = 14;
inline constexpr std::size_t vlan_tag_size = 4;
inline constexpr std::size_t max_vlan_tags = 2;

// Names are stable: drop counters are reported under them.
enum class FrameError : std::uint8_t {
    none,
    too_short,      // ends before the 14-byte header
    truncated_tag,  // ends inside a VLAN tag or the Ethertype after it
    too_many_tags,  // a third VLAN tag
    length_field,   // an 802.3 length instead of an Ethertype
    count_,
};
inline constexpr std::size_t frame_error_count = static_cast<std::size_t>(FrameError::count_);
std::string_view to_string(FrameError error);

// On failure only error is set.
struct EthernetFrame {
    FrameError error = FrameError::none;
    MacAddress dst;
    MacAddress src;
    std::uint16_t ethertype = 0;  // the one after the tags
    std::uint8_t vlan_tags = 0;
    std::array<std::uint16_t, max_vlan_tags> vlan_ids{};  // outermost first; 12-bit VIDs
    std::size_t payload_offset = 0;
    std::span<const std::byte> payload;  // from payload_offset to the end of the frame

    bool ok() const { return error == FrameError::none; }
    bool is_ip() const { return ethertype == ethertype::ipv4 || ethertype == ethertype::ipv6; }
};

EthernetFrame parse_ethernet(std::span<const std::byte> frame);

}  // namespace ogw::gw
