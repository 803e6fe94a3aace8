// SPDX-License-Identifier: BSD-3-Clause
// Packets the gateway writes to the TUN device to end a session for the local host: a TCP RST
// from the remote endpoint, ICMP/ICMPv6 destination unreachable and "too big". Each builder
// writes into out and returns the packet's length, or 0 when it does not fit or must not be
// sent. IPv4 headers have no options, DF set and ID 0 (atomic datagrams, RFC 6864); TTL and hop
// limit are 64.
#pragma once

#include "packet/five_tuple.hpp"

#include <cstddef>
#include <cstdint>
#include <span>

namespace ogw::gw {

// Every ICMP error built here fits in this many bytes (the IPv6 minimum MTU, RFC 4443 §2.4(c)).
inline constexpr std::size_t icmp_error_max_size = 1280;

// A RST from session.dst:dport to session.src:sport (session is in the local view). The ACK
// field is ack when with_ack, else 0. 0 if the addresses differ in family or out is too small.
std::size_t build_tcp_rst_to_local(std::span<std::byte> out, const FiveTuple& session,
                                   std::uint32_t seq, std::uint32_t ack, bool with_ack);

// Why a destination is unreachable; each maps to one ICMP and one ICMPv6 code.
enum class Unreachable : std::uint8_t {
    no_route,          // ICMP 0 net unreachable,        ICMPv6 0 no route to destination
    host,              // ICMP 1 host unreachable,       ICMPv6 3 address unreachable
    port,              // ICMP 3 port unreachable,       ICMPv6 4 port unreachable
    admin_prohibited,  // ICMP 13 administratively prohibited, ICMPv6 1
};

// An error about offending (a packet from the local host) sent from `from` to the offending
// packet's source. IPv4 quotes the offending IP header and 8 bytes of payload (RFC 792); IPv6
// quotes as much as keeps the message within 1280 bytes. Returns 0, sending nothing, when
// offending does not parse, is an ICMP error or ICMPv6 Redirect (or a first fragment that is or
// may be one), is a non-first fragment, its source is not a single unicast host (unspecified,
// IPv4 0.0.0.0/8, loopback, multicast, IPv4 class E and broadcast) or its destination is
// multicast or broadcast (RFC 1122 §3.2.2, RFC 4443 §2.4(e)), or when `from` is of the other
// family.
std::size_t build_icmp_unreachable(std::span<std::byte> out, std::span<const std::byte> offending,
                                   const IpAddress& from, Unreachable code);

// ICMP type 3 code 4 "fragmentation needed" with the next-hop MTU (RFC 1191), only for an IPv4
// packet with DF set; ICMPv6 type 2 "packet too big" (RFC 4443 §3.2), which may answer a
// multicast destination. Same rules as build_icmp_unreachable otherwise; 0 also when mtu is
// below the family's minimum (68, 1280) or above 65535 for IPv4.
std::size_t build_icmp_too_big(std::span<std::byte> out, std::span<const std::byte> offending,
                               const IpAddress& from, std::uint32_t mtu);

}  // namespace ogw::gw
