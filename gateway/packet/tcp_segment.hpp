// SPDX-License-Identifier: BSD-3-Clause
// What the gateway knows about one TCP segment, and sequence-number arithmetic modulo 2^32
// (RFC 793 §3.3, RFC 1982).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ogw::gw {

namespace tcp_flag {
inline constexpr std::uint8_t fin = 0x01;
inline constexpr std::uint8_t syn = 0x02;
inline constexpr std::uint8_t rst = 0x04;
inline constexpr std::uint8_t psh = 0x08;
inline constexpr std::uint8_t ack = 0x10;
inline constexpr std::uint8_t urg = 0x20;
inline constexpr std::uint8_t ece = 0x40;
inline constexpr std::uint8_t cwr = 0x80;
}  // namespace tcp_flag

struct TcpSegment {
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    std::uint16_t window = 0;
    std::uint8_t flags = 0;
    std::uint8_t header_length = 0;  // bytes, options included
    bool has_mss = false;            // carries a well-formed MSS option (kind 2, length 4)
    std::uint16_t mss = 0;           // the first such option's value
    std::size_t payload_length = 0;

    bool has(std::uint8_t flag) const { return (flags & flag) != 0; }
    // Sequence space the segment occupies: payload plus one for SYN and one for FIN.
    std::uint32_t seq_length() const {
        return static_cast<std::uint32_t>(payload_length) + (has(tcp_flag::syn) ? 1U : 0U) +
               (has(tcp_flag::fin) ? 1U : 0U);
    }
    std::uint32_t seq_end() const { return seq + seq_length(); }
};

// a < b in sequence space: b lies less than 2^31 ahead of a.
inline bool seq_before(std::uint32_t a, std::uint32_t b) {
    return static_cast<std::int32_t>(a - b) < 0;
}
inline bool seq_after(std::uint32_t a, std::uint32_t b) {
    return seq_before(b, a);
}
inline bool seq_at_or_after(std::uint32_t a, std::uint32_t b) {
    return !seq_before(a, b);
}

}  // namespace ogw::gw
