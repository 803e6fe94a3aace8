// SPDX-License-Identifier: BSD-3-Clause
// parse_ip on malformed packets: every ParseError from a crafted packet, and no reads past the
// bytes it was given.
#include "packet/ip_parse.hpp"

#include "packet_test_support.hpp"

#include <gtest/gtest.h>

#include <set>

namespace ogw::gw {
namespace {

using testing::Bytes;
using testing::bytes;

Bytes ipv4_with(const Bytes& golden, std::size_t offset, std::uint16_t value) {
    Bytes packet = golden;
    testing::put16(packet, offset, value);
    testing::refresh_ipv4_header_checksum(packet);
    return packet;
}

Bytes ipv6_with_payload(std::uint8_t next_header, const Bytes& payload) {
    Bytes packet(testing::tcp_syn_v6.begin(), testing::tcp_syn_v6.begin() + 40);
    testing::put16(packet, 4, static_cast<std::uint16_t>(payload.size()));
    testing::put8(packet, 6, next_header);
    packet.insert(packet.end(), payload.begin(), payload.end());
    return packet;
}

// An IPv4 packet with correct header checksum whose transport part is l4.
Bytes ipv4_with_transport(std::uint8_t proto, const Bytes& l4) {
    Bytes packet(testing::udp_v4.begin(), testing::udp_v4.begin() + 20);
    packet.insert(packet.end(), l4.begin(), l4.end());
    testing::put8(packet, 9, proto);
    testing::put16(packet, 2, static_cast<std::uint16_t>(packet.size()));
    testing::refresh_ipv4_header_checksum(packet);
    return packet;
}

struct ErrorCase {
    const char* name;
    Bytes packet;
    ParseError expected;
};

std::vector<ErrorCase> error_cases() {
    const Bytes& syn4 = testing::tcp_syn_v4;
    const Bytes& syn6 = testing::tcp_syn_v6;
    Bytes ihl_15 = syn4;
    testing::put8(ihl_15, 0, 0x4f);
    Bytes ihl_4 = syn4;
    testing::put8(ihl_4, 0, 0x44);
    Bytes bad_checksum = syn4;
    testing::put8(bad_checksum, 8, 63);  // TTL changed, checksum not
    Bytes zero_checksum = syn4;
    testing::put16(zero_checksum, 10, 0);
    Bytes version_5 = syn4;
    testing::put8(version_5, 0, 0x55);
    Bytes version_0 = syn6;
    testing::put8(version_0, 0, 0x00);
    Bytes jumbo = syn6;
    testing::put16(jumbo, 4, 0);
    testing::put8(jumbo, 6, 0);
    Bytes tcp_offset_4 = syn4;
    testing::put8(tcp_offset_4, 32, 0x40);
    Bytes tcp_offset_15 = syn4;
    testing::put8(tcp_offset_15, 32, 0xf0);
    Bytes udp_length_7 = testing::udp_v4;
    testing::put16(udp_length_7, 24, 7);
    Bytes udp_length_13 = testing::udp_v4;
    testing::put16(udp_length_13, 24, 13);
    Bytes v6_tcp_offset_15 = syn6;
    testing::put8(v6_tcp_offset_15, 52, 0xf0);

    Bytes nine_options;
    for (int i = 0; i < 9; ++i) {
        const Bytes header =
            bytes({static_cast<std::uint8_t>(i < 8 ? 60 : 59), 0, 1, 4, 0, 0, 0, 0});
        nine_options.insert(nine_options.end(), header.begin(), header.end());
    }

    return {
        {"empty", {}, ParseError::too_short},
        {"one byte", bytes({0x45}), ParseError::too_short},
        {"IPv4 below 20 bytes", testing::prefix(syn4, 19), ParseError::too_short},
        {"IPv4 options beyond the bytes", testing::prefix(ihl_15, 40), ParseError::too_short},
        {"IPv6 below 40 bytes", testing::prefix(syn6, 39), ParseError::too_short},
        {"version 5", version_5, ParseError::bad_version},
        {"version 0", version_0, ParseError::bad_version},
        {"IHL 4", ihl_4, ParseError::bad_header_length},
        {"IHL 0",
         ipv4_with(bytes({0x40, 0, 0, 20, 0, 0, 0, 0, 64, 6, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2}), 2, 20),
         ParseError::bad_header_length},
        {"IPv4 truncated", testing::prefix(syn4, 59), ParseError::bad_length},
        {"IPv4 total length below header", ipv4_with(syn4, 2, 19), ParseError::bad_length},
        {"IPv4 total length beyond bytes", ipv4_with(syn4, 2, 61), ParseError::bad_length},
        {"IPv4 total length below IHL", ipv4_with(ihl_15, 2, 56), ParseError::bad_length},
        {"IPv6 truncated", testing::prefix(syn6, 79), ParseError::bad_length},
        {"IPv4 header checksum", bad_checksum, ParseError::bad_checksum},
        {"IPv4 zero header checksum", zero_checksum, ParseError::bad_checksum},
        {"hop-by-hop not first",
         ipv6_with_payload(60, bytes({0, 0, 1, 4, 0, 0, 0, 0, 17, 0, 1, 4, 0, 0, 0, 0})),
         ParseError::bad_extension_headers},
        {"extension header length beyond payload",
         ipv6_with_payload(60, bytes({17, 1, 1, 4, 0, 0, 0, 0})),
         ParseError::bad_extension_headers},
        {"extension header without its length byte", ipv6_with_payload(43, bytes({17})),
         ParseError::bad_extension_headers},
        {"extension header at the end of the payload", ipv6_with_payload(60, {}),
         ParseError::bad_extension_headers},
        {"fragment header truncated", ipv6_with_payload(44, bytes({17, 0, 0, 1, 0, 0, 0})),
         ParseError::bad_extension_headers},
        {"nine extension headers", ipv6_with_payload(60, nine_options),
         ParseError::bad_extension_headers},
        {"jumbogram", jumbo, ParseError::unsupported},
        {"TCP header cut", ipv4_with_transport(6, Bytes(19)), ParseError::transport_too_short},
        {"IPv6 TCP without header", ipv6_with_payload(6, {}), ParseError::transport_too_short},
        {"UDP header cut", ipv4_with_transport(17, Bytes(7)), ParseError::transport_too_short},
        {"ICMP header cut", ipv4_with_transport(1, bytes({8, 0, 0, 0, 0x12, 0x34, 0})),
         ParseError::transport_too_short},
        {"ICMPv6 header cut", ipv6_with_payload(58, bytes({128, 0, 0, 0})),
         ParseError::transport_too_short},
        {"TCP data offset 4", tcp_offset_4, ParseError::bad_transport_header},
        {"TCP data offset beyond segment", tcp_offset_15, ParseError::bad_transport_header},
        {"IPv6 TCP data offset beyond segment", v6_tcp_offset_15, ParseError::bad_transport_header},
        {"UDP length 7", udp_length_7, ParseError::bad_transport_header},
        {"UDP length beyond payload", udp_length_13, ParseError::bad_transport_header},
    };
}

TEST(IpParseErrors, EachCraftedPacketFailsWithItsError) {
    for (const ErrorCase& c : error_cases()) {
        // An exact-size copy: AddressSanitizer reports any read past the end.
        const PacketInfo info = parse_ip(testing::prefix(c.packet, c.packet.size()));
        EXPECT_EQ(info.error, c.expected) << c.name << ": got " << to_string(info.error);
        EXPECT_FALSE(info.ok()) << c.name;
    }
}

TEST(IpParseErrors, EveryErrorIsReachable) {
    std::set<ParseError> reached;
    for (const ErrorCase& c : error_cases()) {
        reached.insert(parse_ip(c.packet).error);
    }
    for (std::size_t i = 1; i < parse_error_count; ++i) {
        EXPECT_TRUE(reached.contains(static_cast<ParseError>(i)))
            << to_string(static_cast<ParseError>(i));
    }
}

TEST(IpParseErrors, FailureCarriesOnlyTheError) {
    Bytes packet = testing::tcp_syn_v4;
    testing::put8(packet, 32, 0x40);
    const PacketInfo info = parse_ip(packet);
    ASSERT_EQ(info.error, ParseError::bad_transport_header);
    const PacketInfo blank;
    EXPECT_EQ(info.kind, blank.kind);
    EXPECT_EQ(info.tuple, blank.tuple);
    EXPECT_EQ(info.ip_length, 0U);
    EXPECT_EQ(info.l4_offset, 0U);
    EXPECT_EQ(info.tcp.seq, 0U);
}

TEST(IpParseErrors, EveryShorterPrefixOfAGoldenPacketFails) {
    for (const Bytes* golden :
         {&testing::tcp_syn_v4, &testing::tcp_syn_v6, &testing::udp_v4, &testing::icmp_echo_v4,
          &testing::icmpv6_echo_v6, &testing::udp_ext_headers_v6, &testing::udp_first_fragment_v6,
          &testing::tcp_atomic_fragment_v6}) {
        for (std::size_t n = 0; n < golden->size(); ++n) {
            const PacketInfo info = parse_ip(testing::prefix(*golden, n));
            ASSERT_FALSE(info.ok())
                << "prefix " << n << " of a " << golden->size() << "-byte packet";
        }
    }
}

TEST(IpParseErrors, ShortenedLengthFieldsNeverReadPastThem) {
    // Shrinking the IPv6 payload length cuts the packet inside its headers: whatever the
    // outcome, nothing after ip_length is used.
    const Bytes& golden = testing::udp_ext_headers_v6;
    for (std::uint16_t length = 0; length < 27; ++length) {
        Bytes packet = golden;
        testing::put16(packet, 4, length);
        const auto cut = testing::prefix(packet, 40U + length);
        const PacketInfo info = parse_ip(cut);
        if (info.ok()) {
            EXPECT_EQ(info.ip_length, 40U + length);
            EXPECT_LE(info.l4_offset, info.ip_length);
        }
    }
}

TEST(IpParseErrors, SingleBitFlipsOfGoldenPacketsStayInBounds) {
    for (const Bytes* golden :
         {&testing::tcp_syn_v4, &testing::tcp_syn_v6, &testing::udp_ext_headers_v6,
          &testing::udp_first_fragment_v6, &testing::tcp_atomic_fragment_v6}) {
        for (std::size_t bit = 0; bit < golden->size() * 8; ++bit) {
            Bytes packet = *golden;
            packet[bit / 8] ^= static_cast<std::byte>(1U << (bit % 8));
            const PacketInfo info = parse_ip(testing::prefix(packet, packet.size()));
            if (info.ok()) {
                ASSERT_LE(info.ip_length, packet.size());
                ASSERT_EQ(info.l4_offset + info.l4_length, info.ip_length);
            }
        }
    }
}

}  // namespace
}  // namespace ogw::gw
