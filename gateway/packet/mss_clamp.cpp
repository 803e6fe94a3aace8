// SPDX-License-Identifier: BSD-3-Clause
#include "packet/mss_clamp.hpp"

#include "packet/checksum.hpp"
#include "packet/ip_parse.hpp"
#include "packet/tcp_options.hpp"

#include <flowlib/bytes.hpp>

#include <algorithm>
#include <array>

namespace ogw::gw {
namespace {

constexpr std::size_t tcp_min_header = 20;
constexpr std::size_t tcp_checksum_offset = 16;

// Stores value at offset within segment and updates the checksum at tcp_checksum_offset. An odd
// offset spreads the value over two checksum words, which are updated one by one.
void store16_with_checksum(std::span<std::byte> segment, std::size_t offset, std::uint16_t value) {
    const std::size_t first_word = offset & ~std::size_t{1};
    const std::size_t words = offset % 2 == 0 ? 1 : 2;
    std::array<std::uint16_t, 2> old_words{};
    for (std::size_t i = 0; i < words; ++i) {
        old_words[i] = be::load16(&segment[first_word + 2 * i]);
    }
    be::store16(&segment[offset], value);
    std::uint16_t checksum = be::load16(&segment[tcp_checksum_offset]);
    for (std::size_t i = 0; i < words; ++i) {
        checksum =
            checksum_update16(checksum, old_words[i], be::load16(&segment[first_word + 2 * i]));
    }
    be::store16(&segment[tcp_checksum_offset], checksum);
}

}  // namespace

bool clamp_mss(std::span<std::byte> ip_packet, std::uint16_t max_mss) {
    if (max_mss == 0) {
        return false;
    }
    const PacketInfo info = parse_ip(ip_packet);
    if (!info.ok() || info.kind != PacketKind::tcp || !info.tcp.has(tcp_flag::syn)) {
        return false;
    }
    const auto segment = ip_packet.subspan(info.l4_offset, info.tcp.header_length);
    const auto options = segment.subspan(tcp_min_header);
    TcpOptionReader reader(options);
    TcpOption option;
    bool changed = false;
    while (reader.next(option)) {
        if (option.kind != tcp_option::mss || option.length != tcp_option::mss_length) {
            continue;
        }
        const std::size_t value_offset = tcp_min_header + option.offset + 2;
        if (be::load16(&segment[value_offset]) > max_mss) {
            store16_with_checksum(segment, value_offset, max_mss);
            changed = true;
        }
    }
    return changed;
}

std::uint16_t mss_for_mtu(std::uint32_t mtu, bool v6) {
    const std::uint32_t overhead = v6 ? 60 : 40;
    if (mtu <= overhead) {
        return 0;
    }
    return static_cast<std::uint16_t>(std::min<std::uint32_t>(mtu - overhead, 0xffff));
}

}  // namespace ogw::gw
