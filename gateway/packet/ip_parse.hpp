// SPDX-License-Identifier: BSD-3-Clause
// Parsing of one IP packet as read from the TUN device (IFF_NO_PI: no link header), IPv4 or
// IPv6, into its session key and what the gateway needs from its transport header.
//
// Decisions:
// - Bytes after the IP total length (IPv6: 40 + payload length) are trailing padding (for example
//   an Ethernet minimum-size pad in TAP mode), not an error: ip_length says where the packet
//   ends and only that much is parsed; forward only the first ip_length bytes.
// - Every fragment, the first one included, is keyed by its address pair and protocol with
//   ports 0 and kind fragment, and its transport header is not parsed: the ports are only in the
//   first fragment, and all fragments of a datagram must map to one session (the gateway at the
//   other end does the same, so replies match the reverse tuple). For IPv6 the protocol of a
//   fragment is the Fragment header's Next Header, in the first fragment as in later ones.
//   Atomic fragments (offset 0, no more fragments) are whole packets.
// - Transport checksums are not verified (the receiving host does that); the IPv4 header
//   checksum is.
#pragma once

#include "packet/five_tuple.hpp"
#include "packet/tcp_segment.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace ogw::gw {

// Names are stable: drop counters are reported under them.
enum class ParseError : std::uint8_t {
    none,
    too_short,              // ends before the fixed IP header or the IPv4 header length
    bad_version,            // neither 4 nor 6
    bad_header_length,      // IPv4 IHL below 5
    bad_length,             // total / payload length beyond the bytes or below the header
    bad_checksum,           // IPv4 header checksum
    bad_extension_headers,  // IPv6 chain truncated, misordered or longer than we walk
    unsupported,            // IPv6 jumbogram (RFC 2675)
    transport_too_short,    // TCP, UDP or ICMP header does not fit in the payload
    bad_transport_header,   // TCP data offset, UDP length
};
inline constexpr std::size_t parse_error_count = 10;
static_assert(static_cast<std::size_t>(ParseError::bad_transport_header) + 1 == parse_error_count);
std::string_view to_string(ParseError error);

enum class PacketKind : std::uint8_t {
    tcp,
    udp,
    icmp_echo_request,
    icmp_echo_reply,
    icmp_error,  // ICMP types 3, 4, 5, 11, 12; ICMPv6 types below 128 (RFC 4443 §2.1)
    fragment,
    other,
};
std::string_view to_string(PacketKind kind);

enum class FragmentPart : std::uint8_t { none, first, later };

// On failure only error is set.
struct PacketInfo {
    ParseError error = ParseError::none;
    PacketKind kind = PacketKind::other;
    FragmentPart fragment = FragmentPart::none;
    bool dont_fragment = false;  // IPv4 DF; always true for IPv6, which routers never fragment
    // The local view: src is the sender of the packet. Ports as five_tuple.hpp says; 0 for
    // ICMP errors, fragments and other protocols. proto is the upper-layer protocol after any
    // IPv6 extension headers (59 for "no next header"); for an IPv6 fragment, the protocol
    // after its Fragment header. l4_offset likewise.
    FiveTuple tuple;
    std::size_t ip_length = 0;   // the packet proper; anything after it is trailing bytes
    std::size_t l4_offset = 0;   // after the IPv4 header or the IPv6 extension headers
    std::size_t l4_length = 0;   // ip_length - l4_offset
    std::uint8_t icmp_type = 0;  // ICMP and ICMPv6 kinds
    std::uint8_t icmp_code = 0;
    std::size_t udp_length = 0;  // the UDP length field (kind udp)
    TcpSegment tcp;              // kind tcp

    bool ok() const { return error == ParseError::none; }
};

PacketInfo parse_ip(std::span<const std::byte> packet);

// True for ICMP (v6 false) or ICMPv6 (v6 true) error message types.
bool is_icmp_error_type(bool v6, std::uint8_t type);

}  // namespace ogw::gw
