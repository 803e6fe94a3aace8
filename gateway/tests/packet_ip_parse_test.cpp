// SPDX-License-Identifier: BSD-3-Clause
// parse_ip on well-formed packets: session keys, kinds, fragments, extension headers, padding.
#include "packet/ip_parse.hpp"

#include "packet_test_support.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <set>
#include <string>

namespace ogw::gw {
namespace {

using testing::Bytes;
using testing::bytes;

const IpAddress v4_local = IpAddress::v4({10, 0, 0, 1});
const IpAddress v4_remote = IpAddress::v4({10, 0, 0, 2});
const IpAddress v6_local = IpAddress::v6({0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
const IpAddress v6_remote = IpAddress::v6({0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2});

Bytes concat(const Bytes& a, const Bytes& b) {
    Bytes out = a;
    out.insert(out.end(), b.begin(), b.end());
    return out;
}

// An IPv6 packet fd00::1 -> fd00::2 whose payload (extension headers included) is payload.
Bytes ipv6_packet(std::uint8_t next_header, const Bytes& payload) {
    Bytes packet(40);
    testing::put8(packet, 0, 0x60);
    testing::put16(packet, 4, static_cast<std::uint16_t>(payload.size()));
    testing::put8(packet, 6, next_header);
    testing::put8(packet, 7, 64);
    testing::put8(packet, 8, 0xfd);
    testing::put8(packet, 23, 1);
    testing::put8(packet, 24, 0xfd);
    testing::put8(packet, 39, 2);
    return concat(packet, payload);
}

// An IPv4 packet 10.0.0.1 -> 10.0.0.2 with DF and a correct header checksum.
Bytes ipv4_packet(std::uint8_t proto, const Bytes& payload) {
    Bytes packet = bytes({0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2});
    testing::put16(packet, 2, static_cast<std::uint16_t>(20 + payload.size()));
    testing::refresh_ipv4_header_checksum(packet);
    return concat(packet, payload);
}

TEST(IpParse, Ipv4TcpSynWithOptions) {
    const PacketInfo info = parse_ip(testing::tcp_syn_v4);
    ASSERT_TRUE(info.ok()) << to_string(info.error);
    EXPECT_EQ(info.kind, PacketKind::tcp);
    EXPECT_EQ(info.tuple, (FiveTuple{v4_local, v4_remote, ipproto::tcp, 40000, 80}));
    EXPECT_EQ(info.fragment, FragmentPart::none);
    EXPECT_TRUE(info.dont_fragment);
    EXPECT_EQ(info.ip_length, 60U);
    EXPECT_EQ(info.l4_offset, 20U);
    EXPECT_EQ(info.l4_length, 40U);
    EXPECT_EQ(info.tcp.seq, 0x01020304U);
    EXPECT_EQ(info.tcp.ack, 0U);
    EXPECT_EQ(info.tcp.flags, tcp_flag::syn);
    EXPECT_EQ(info.tcp.window, 64240);
    EXPECT_EQ(info.tcp.header_length, 40);
    EXPECT_TRUE(info.tcp.has_mss);
    EXPECT_EQ(info.tcp.mss, 1460);
    EXPECT_EQ(info.tcp.payload_length, 0U);
    EXPECT_EQ(info.tcp.seq_length(), 1U);
}

TEST(IpParse, Ipv6TcpSyn) {
    const PacketInfo info = parse_ip(testing::tcp_syn_v6);
    ASSERT_TRUE(info.ok()) << to_string(info.error);
    EXPECT_EQ(info.kind, PacketKind::tcp);
    EXPECT_EQ(info.tuple, (FiveTuple{v6_local, v6_remote, ipproto::tcp, 40001, 443}));
    EXPECT_TRUE(info.dont_fragment);
    EXPECT_EQ(info.ip_length, 80U);
    EXPECT_EQ(info.l4_offset, 40U);
    EXPECT_EQ(info.l4_length, 40U);
    EXPECT_EQ(info.tcp.seq, 0xfffffff0U);
    EXPECT_EQ(info.tcp.window, 64800);
    EXPECT_EQ(info.tcp.mss, 1440);
    EXPECT_EQ(info.tcp.seq_end(), 0xfffffff1U);
}

TEST(IpParse, TcpWithoutMssAndWithPayload) {
    testing::TcpPacketSpec spec;
    spec.flags = tcp_flag::ack | tcp_flag::psh | tcp_flag::fin;
    spec.seq = 0xfffffffe;
    spec.ack = 77;
    spec.options = bytes({1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2});  // NOP NOP timestamps
    spec.payload = bytes({'a', 'b', 'c'});
    const PacketInfo info = parse_ip(testing::tcp_packet(spec));
    ASSERT_TRUE(info.ok());
    EXPECT_FALSE(info.tcp.has_mss);
    EXPECT_EQ(info.tcp.header_length, 32);
    EXPECT_EQ(info.tcp.payload_length, 3U);
    EXPECT_EQ(info.tcp.ack, 77U);
    EXPECT_EQ(info.tcp.seq_length(), 4U);
    EXPECT_EQ(info.tcp.seq_end(), 2U);  // wraps
}

TEST(IpParse, TcpReportsTheFirstWellFormedMss) {
    testing::TcpPacketSpec spec;
    // MSS with a bad length 3 is skipped; the next one counts, a later one does not.
    spec.options = bytes({2, 3, 9, 1, 2, 4, 0x04, 0x00, 2, 4, 0x02, 0x00});
    const PacketInfo info = parse_ip(testing::tcp_packet(spec));
    ASSERT_TRUE(info.ok());
    EXPECT_TRUE(info.tcp.has_mss);
    EXPECT_EQ(info.tcp.mss, 1024);
}

TEST(IpParse, TcpMssAfterMalformedOptionIsNotReported) {
    testing::TcpPacketSpec spec;
    spec.options = bytes({30, 0, 2, 4, 0x05, 0xb4, 1, 1});  // length 0 stops the walk
    const PacketInfo info = parse_ip(testing::tcp_packet(spec));
    ASSERT_TRUE(info.ok());
    EXPECT_FALSE(info.tcp.has_mss);
}

TEST(IpParse, Ipv4Udp) {
    const PacketInfo info = parse_ip(testing::udp_v4);
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info.kind, PacketKind::udp);
    EXPECT_EQ(info.tuple, (FiveTuple{v4_local, v4_remote, ipproto::udp, 5353, 53}));
    EXPECT_FALSE(info.dont_fragment);
    EXPECT_EQ(info.udp_length, 12U);
    EXPECT_EQ(info.l4_length, 12U);
}

TEST(IpParse, UdpLengthShorterThanThePayloadIsAccepted) {
    Bytes packet = testing::udp_v4;
    testing::put16(packet, 24, 10);
    const PacketInfo info = parse_ip(packet);
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info.udp_length, 10U);
    EXPECT_EQ(info.l4_length, 12U);
}

TEST(IpParse, Ipv4EchoRequestAndReplyAreKeyedByIdentifier) {
    const PacketInfo request = parse_ip(testing::icmp_echo_v4);
    ASSERT_TRUE(request.ok());
    EXPECT_EQ(request.kind, PacketKind::icmp_echo_request);
    EXPECT_EQ(request.tuple, (FiveTuple{v4_local, v4_remote, ipproto::icmp, 0x1234, 0x1234}));
    EXPECT_EQ(request.icmp_type, 8);
    EXPECT_EQ(request.icmp_code, 0);

    Bytes reply = testing::icmp_echo_v4;
    testing::put8(reply, 20, 0);
    testing::refresh_transport_checksum(reply);
    const PacketInfo info = parse_ip(reply);
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info.kind, PacketKind::icmp_echo_reply);
    EXPECT_EQ(info.tuple.sport, 0x1234);
    EXPECT_EQ(info.tuple.dport, 0x1234);
}

TEST(IpParse, Icmpv6EchoRequestAndReplyAreKeyedByIdentifier) {
    const PacketInfo request = parse_ip(testing::icmpv6_echo_v6);
    ASSERT_TRUE(request.ok());
    EXPECT_EQ(request.kind, PacketKind::icmp_echo_request);
    EXPECT_EQ(request.tuple, (FiveTuple{v6_local, v6_remote, ipproto::icmpv6, 0xbeef, 0xbeef}));
    EXPECT_EQ(request.icmp_type, 128);

    Bytes reply = testing::icmpv6_echo_v6;
    testing::put8(reply, 40, 129);
    testing::refresh_transport_checksum(reply);
    ASSERT_TRUE(testing::transport_checksum_ok(reply));
    EXPECT_EQ(parse_ip(reply).kind, PacketKind::icmp_echo_reply);
}

TEST(IpParse, EchoTypesOfTheOtherFamilyAreNotEcho) {
    Bytes v4_with_v6_echo_type = testing::icmp_echo_v4;
    testing::put8(v4_with_v6_echo_type, 20, 128);
    EXPECT_EQ(parse_ip(v4_with_v6_echo_type).kind, PacketKind::other);
    // ICMPv6 types below 128 are errors (RFC 4443 §2.1), ICMP echo request's 8 included.
    Bytes v6_with_v4_echo_type = testing::icmpv6_echo_v6;
    testing::put8(v6_with_v4_echo_type, 40, 8);
    EXPECT_EQ(parse_ip(v6_with_v4_echo_type).kind, PacketKind::icmp_error);
    // ICMPv6 carried over IPv4 is just another protocol.
    Bytes v4_with_icmpv6 = testing::icmp_echo_v4;
    testing::put8(v4_with_icmpv6, 9, ipproto::icmpv6);
    testing::refresh_ipv4_header_checksum(v4_with_icmpv6);
    const PacketInfo info = parse_ip(v4_with_icmpv6);
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info.kind, PacketKind::other);
    EXPECT_EQ(info.tuple.sport, 0);
}

TEST(IpParse, IcmpErrorsHaveNoPorts) {
    // Destination unreachable (port) quoting udp_v4, from 10.0.0.2.
    Bytes icmp = bytes({3, 3, 0, 0, 0, 0, 0, 0});
    icmp.insert(icmp.end(), testing::udp_v4.begin(), testing::udp_v4.begin() + 28);
    const Bytes packet = ipv4_packet(ipproto::icmp, icmp);
    const PacketInfo info = parse_ip(packet);
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info.kind, PacketKind::icmp_error);
    EXPECT_EQ(info.icmp_type, 3);
    EXPECT_EQ(info.icmp_code, 3);
    EXPECT_EQ(info.tuple.sport, 0);
    EXPECT_EQ(info.tuple.dport, 0);
}

TEST(IpParse, ClassifiesIcmpTypes) {
    struct Case {
        bool v6;
        std::uint8_t type;
        PacketKind kind;
    };
    const Case cases[] = {
        {false, 0, PacketKind::icmp_echo_reply},
        {false, 3, PacketKind::icmp_error},
        {false, 4, PacketKind::icmp_error},
        {false, 5, PacketKind::icmp_error},
        {false, 8, PacketKind::icmp_echo_request},
        {false, 11, PacketKind::icmp_error},
        {false, 12, PacketKind::icmp_error},
        {false, 13, PacketKind::other},
        {false, 128, PacketKind::other},
        {true, 1, PacketKind::icmp_error},
        {true, 2, PacketKind::icmp_error},
        {true, 3, PacketKind::icmp_error},
        {true, 4, PacketKind::icmp_error},
        {true, 127, PacketKind::icmp_error},
        {true, 128, PacketKind::icmp_echo_request},
        {true, 129, PacketKind::icmp_echo_reply},
        {true, 135, PacketKind::other},
        {true, 137, PacketKind::other},
    };
    for (const Case& c : cases) {
        Bytes packet = c.v6 ? testing::icmpv6_echo_v6 : testing::icmp_echo_v4;
        testing::put8(packet, c.v6 ? 40 : 20, c.type);
        const PacketInfo info = parse_ip(packet);
        ASSERT_TRUE(info.ok());
        EXPECT_EQ(info.kind, c.kind) << (c.v6 ? "ICMPv6 " : "ICMP ") << int{c.type};
        EXPECT_EQ(is_icmp_error_type(c.v6, c.type), c.kind == PacketKind::icmp_error);
    }
}

TEST(IpParse, OtherProtocolsAreKeyedByAddressesAndProtocol) {
    const PacketInfo gre = parse_ip(ipv4_packet(47, bytes({0, 0, 0x08, 0})));
    ASSERT_TRUE(gre.ok());
    EXPECT_EQ(gre.kind, PacketKind::other);
    EXPECT_EQ(gre.tuple, (FiveTuple{v4_local, v4_remote, 47, 0, 0}));
    EXPECT_EQ(gre.l4_length, 4U);

    const PacketInfo empty = parse_ip(ipv6_packet(59, {}));
    ASSERT_TRUE(empty.ok());
    EXPECT_EQ(empty.kind, PacketKind::other);
    EXPECT_EQ(empty.tuple.proto, 59);
    EXPECT_EQ(empty.l4_length, 0U);
}

TEST(IpParse, Ipv4OptionsMoveTheTransportHeader) {
    // Router Alert (RFC 2113) in front of udp_v4's UDP datagram.
    Bytes packet = bytes({0x46, 0, 0, 36, 0,  0, 0, 0, 64,   17,   0,    0,
                          10,   0, 0, 1,  10, 0, 0, 2, 0x94, 0x04, 0x00, 0x00});
    packet.insert(packet.end(), testing::udp_v4.begin() + 20, testing::udp_v4.end());
    testing::refresh_ipv4_header_checksum(packet);
    const PacketInfo info = parse_ip(packet);
    ASSERT_TRUE(info.ok()) << to_string(info.error);
    EXPECT_EQ(info.l4_offset, 24U);
    EXPECT_EQ(info.l4_length, 12U);
    EXPECT_EQ(info.kind, PacketKind::udp);
    EXPECT_EQ(info.tuple.sport, 5353);
}

TEST(IpParse, Ipv4FragmentsShareOneKeyWithoutPorts) {
    const PacketInfo first = parse_ip(testing::udp_first_fragment_v4);
    const PacketInfo later = parse_ip(testing::udp_later_fragment_v4);
    ASSERT_TRUE(first.ok());
    ASSERT_TRUE(later.ok());
    EXPECT_EQ(first.kind, PacketKind::fragment);
    EXPECT_EQ(later.kind, PacketKind::fragment);
    EXPECT_EQ(first.fragment, FragmentPart::first);
    EXPECT_EQ(later.fragment, FragmentPart::later);
    EXPECT_EQ(first.tuple, (FiveTuple{v4_local, v4_remote, ipproto::udp, 0, 0}));
    EXPECT_EQ(later.tuple, first.tuple);
    EXPECT_EQ(first.l4_offset, 20U);
    EXPECT_EQ(first.l4_length, 16U);
    EXPECT_EQ(first.udp_length, 0U);
    EXPECT_FALSE(first.dont_fragment);
}

TEST(IpParse, Ipv4LastFragmentIsALaterFragment) {
    Bytes last = testing::udp_later_fragment_v4;  // offset 2, MF clear
    EXPECT_EQ(parse_ip(last).fragment, FragmentPart::later);
    testing::put16(last, 6, 0x2002);  // offset 2, MF set
    testing::refresh_ipv4_header_checksum(last);
    EXPECT_EQ(parse_ip(last).fragment, FragmentPart::later);
}

TEST(IpParse, Ipv4FragmentOffsetUsesAllThirteenBits) {
    for (const std::uint16_t offset : std::initializer_list<std::uint16_t>{1, 0x0100, 0x1000}) {
        Bytes fragment = testing::udp_later_fragment_v4;
        testing::put16(fragment, 6, offset);
        testing::refresh_ipv4_header_checksum(fragment);
        EXPECT_EQ(parse_ip(fragment).fragment, FragmentPart::later) << offset;
    }
}

TEST(IpParse, Ipv4DontFragmentAloneIsNotAFragment) {
    const PacketInfo info = parse_ip(testing::icmp_echo_v4);  // DF, offset 0, MF clear
    EXPECT_EQ(info.fragment, FragmentPart::none);
    EXPECT_TRUE(info.dont_fragment);
}

TEST(IpParse, Ipv6FragmentsShareOneKeyWithoutPorts) {
    const PacketInfo first = parse_ip(testing::udp_first_fragment_v6);
    const PacketInfo later = parse_ip(testing::udp_later_fragment_v6);
    ASSERT_TRUE(first.ok());
    ASSERT_TRUE(later.ok());
    EXPECT_EQ(first.kind, PacketKind::fragment);
    EXPECT_EQ(first.fragment, FragmentPart::first);
    EXPECT_EQ(later.fragment, FragmentPart::later);
    EXPECT_EQ(first.tuple, (FiveTuple{v6_local, v6_remote, ipproto::udp, 0, 0}));
    EXPECT_EQ(later.tuple, first.tuple);
    EXPECT_EQ(first.l4_offset, 48U);
    EXPECT_EQ(first.l4_length, 16U);
    EXPECT_EQ(later.l4_offset, 48U);
}

TEST(IpParse, Ipv6FragmentsKeepOneKeyWithOptionsAfterTheFragmentHeader) {
    // A destination options header in the fragmentable part: only the first fragment has it,
    // and only there could the upper layer be seen. Both must map to the same session.
    const Bytes first_payload = bytes({60,   0,    0x00, 0x01, 0, 0, 0, 9,    // fragment: M
                                       17,   0,    1,    4,    0, 0, 0, 0,    // dest options
                                       0x1b, 0x59, 0x1f, 0x41, 0, 8, 0, 0});  // UDP
    const Bytes later_payload = bytes({60, 0, 0x00, 0x10, 0, 0, 0, 9, 1, 2, 3, 4, 5, 6, 7, 8});
    const PacketInfo first = parse_ip(ipv6_packet(44, first_payload));
    const PacketInfo later = parse_ip(ipv6_packet(44, later_payload));
    ASSERT_TRUE(first.ok());
    ASSERT_TRUE(later.ok());
    EXPECT_EQ(first.fragment, FragmentPart::first);
    EXPECT_EQ(later.fragment, FragmentPart::later);
    EXPECT_EQ(first.tuple, later.tuple);
    EXPECT_EQ(first.tuple.proto, 60);
    EXPECT_EQ(first.l4_offset, 48U);
}

TEST(IpParse, Ipv6AtomicFragmentIsAWholePacket) {
    const PacketInfo info = parse_ip(testing::tcp_atomic_fragment_v6);
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info.fragment, FragmentPart::none);
    EXPECT_EQ(info.kind, PacketKind::tcp);
    EXPECT_EQ(info.tuple, (FiveTuple{v6_local, v6_remote, ipproto::tcp, 40002, 22}));
    EXPECT_EQ(info.l4_offset, 48U);
    EXPECT_EQ(info.tcp.seq, 1000U);
    EXPECT_EQ(info.tcp.ack, 2000U);
    EXPECT_EQ(info.tcp.window, 500);
    EXPECT_EQ(info.tcp.flags, tcp_flag::ack);
    EXPECT_EQ(info.tcp.payload_length, 5U);
}

TEST(IpParse, Ipv6ExtensionHeaderChain) {
    const PacketInfo info = parse_ip(testing::udp_ext_headers_v6);
    ASSERT_TRUE(info.ok()) << to_string(info.error);
    EXPECT_EQ(info.kind, PacketKind::udp);
    EXPECT_EQ(info.tuple, (FiveTuple{v6_local, v6_remote, ipproto::udp, 7000, 8000}));
    EXPECT_EQ(info.l4_offset, 56U);
    EXPECT_EQ(info.l4_length, 11U);
    EXPECT_EQ(info.udp_length, 11U);
}

TEST(IpParse, Ipv6WalksRoutingAndLongOptionHeaders) {
    // Hop-by-hop, routing (type 0 segments left 0, 24 bytes), destination options, then UDP.
    Bytes payload = bytes({43, 0, 1, 4, 0, 0, 0, 0});
    const Bytes routing =
        bytes({60, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    const Bytes options = bytes({17, 0, 1, 4, 0, 0, 0, 0});
    const Bytes udp = bytes({0x1b, 0x58, 0x1f, 0x40, 0, 8, 0, 0});
    for (const Bytes* part : {&routing, &options, &udp}) {
        payload.insert(payload.end(), part->begin(), part->end());
    }
    const PacketInfo info = parse_ip(ipv6_packet(0, payload));
    ASSERT_TRUE(info.ok()) << to_string(info.error);
    EXPECT_EQ(info.kind, PacketKind::udp);
    EXPECT_EQ(info.l4_offset, 40U + 8 + 24 + 8);
}

TEST(IpParse, Ipv6EightExtensionHeadersAreWalked) {
    Bytes payload;
    for (int i = 0; i < 8; ++i) {
        const Bytes header =
            bytes({static_cast<std::uint8_t>(i < 7 ? 60 : 17), 0, 1, 4, 0, 0, 0, 0});
        payload.insert(payload.end(), header.begin(), header.end());
    }
    const Bytes udp = bytes({0, 1, 0, 2, 0, 8, 0, 0});
    payload.insert(payload.end(), udp.begin(), udp.end());
    const PacketInfo info = parse_ip(ipv6_packet(60, payload));
    ASSERT_TRUE(info.ok()) << to_string(info.error);
    EXPECT_EQ(info.kind, PacketKind::udp);
}

TEST(IpParse, TrailingPaddingIsNotPartOfThePacket) {
    for (const Bytes* golden : {&testing::udp_v4, &testing::tcp_syn_v4, &testing::tcp_syn_v6,
                                &testing::udp_ext_headers_v6, &testing::icmpv6_echo_v6}) {
        const Bytes padded = concat(*golden, Bytes(18, std::byte{0xee}));
        const PacketInfo plain = parse_ip(*golden);
        const PacketInfo info = parse_ip(padded);
        ASSERT_TRUE(info.ok());
        EXPECT_EQ(info.ip_length, golden->size());
        EXPECT_EQ(info.l4_length, plain.l4_length);
        EXPECT_EQ(info.tuple, plain.tuple);
        EXPECT_EQ(info.tcp.payload_length, plain.tcp.payload_length);
        EXPECT_EQ(info.udp_length, plain.udp_length);
    }
}

TEST(IpParse, EveryGoldenPacketParsesFromAnExactSizeCopy) {
    for (const Bytes* golden :
         {&testing::tcp_syn_v4, &testing::tcp_syn_v6, &testing::udp_v4, &testing::icmp_echo_v4,
          &testing::icmpv6_echo_v6, &testing::udp_first_fragment_v4,
          &testing::udp_later_fragment_v4, &testing::udp_ext_headers_v6,
          &testing::udp_first_fragment_v6, &testing::udp_later_fragment_v6,
          &testing::tcp_atomic_fragment_v6}) {
        const PacketInfo info = parse_ip(testing::prefix(*golden, golden->size()));
        ASSERT_TRUE(info.ok()) << to_string(info.error);
        EXPECT_EQ(info.ip_length, golden->size());
        EXPECT_EQ(info.l4_offset + info.l4_length, info.ip_length);
    }
}

TEST(IpParseNames, AreDistinctAndKnown) {
    std::set<std::string> names;
    for (std::size_t i = 0; i < parse_error_count; ++i) {
        const auto name = to_string(static_cast<ParseError>(i));
        EXPECT_NE(name, "unknown");
        names.emplace(name);
    }
    EXPECT_EQ(names.size(), parse_error_count);
    EXPECT_EQ(to_string(ParseError::none), "none");
    EXPECT_EQ(to_string(ParseError::bad_checksum), "bad_checksum");
    EXPECT_EQ(to_string(static_cast<ParseError>(parse_error_count)), "unknown");

    names.clear();
    constexpr int kinds = static_cast<int>(PacketKind::other) + 1;
    for (int i = 0; i < kinds; ++i) {
        const auto name = to_string(static_cast<PacketKind>(i));
        EXPECT_NE(name, "unknown");
        names.emplace(name);
    }
    EXPECT_EQ(names.size(), std::size_t{kinds});
    EXPECT_EQ(to_string(PacketKind::icmp_echo_request), "icmp_echo_request");
}

}  // namespace
}  // namespace ogw::gw
