// SPDX-License-Identifier: BSD-3-Clause
// TCP MSS clamping: lowers the MSS option of SYN and SYN/ACK segments to what fits the tunnel.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace ogw::gw {

// If ip_packet parses as an unfragmented TCP segment with SYN set, rewrites every well-formed
// MSS option (kind 2, length 4) above max_mss to max_mss and updates the TCP checksum
// incrementally (RFC 1624). Receivers differ in which of several MSS options counts, so all are
// clamped. Malformed option lists are walked up to the first bad length and no further.
// A max_mss of 0 (mss_for_mtu of an MTU too small for TCP) leaves the packet alone: receivers
// ignore an MSS option of 0 and fall back to the default MSS. Returns whether the packet changed.
bool clamp_mss(std::span<std::byte> ip_packet, std::uint16_t max_mss);

// The MSS for a path MTU: the MTU minus minimal IP and TCP headers (40 for IPv4, 60 for IPv6);
// 0 for an MTU too small to carry them.
std::uint16_t mss_for_mtu(std::uint32_t mtu, bool v6);

}  // namespace ogw::gw
