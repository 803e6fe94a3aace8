// SPDX-License-Identifier: BSD-3-Clause
// The Internet checksum (RFC 1071): one's-complement sums over byte spans, the TCP/UDP/ICMPv6
// pseudo-header, and incremental update of a checksum after a 16-bit field changed (RFC 1624).
#pragma once

#include <flowlib/inet.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace ogw::gw {

// Adds data to a running sum and returns it folded to 16 bits. Bytes pair up from the start of
// data, so when a message is summed in pieces every piece but the last must have even length.
std::uint32_t checksum_add(std::uint32_t sum, std::span<const std::byte> data);

// The value to store in a checksum field: the complemented, folded sum.
std::uint16_t checksum_finish(std::uint32_t sum);

// checksum_finish(checksum_add(0, data)). Over a message that includes a correct checksum
// field the result is 0.
std::uint16_t internet_checksum(std::span<const std::byte> data);

// Sum of the pseudo-header: source and destination address (4 or 16 bytes each), protocol and
// upper-layer length. The IPv4 (RFC 793) and IPv6 (RFC 8200 §8.1) layouts give the same sum.
std::uint32_t pseudo_header_sum(std::span<const std::byte> src, std::span<const std::byte> dst,
                                std::uint8_t proto, std::uint32_t length);
std::uint32_t pseudo_header_sum(const IpAddress& src, const IpAddress& dst, std::uint8_t proto,
                                std::uint32_t length);

// The new checksum field after a 16-bit word of the message changed from old_word to new_word
// (RFC 1624 eqn. 3). The word must be 16-bit aligned relative to the start of the checksummed
// data.
std::uint16_t checksum_update16(std::uint16_t checksum, std::uint16_t old_word,
                                std::uint16_t new_word);

}  // namespace ogw::gw
