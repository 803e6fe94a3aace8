// SPDX-License-Identifier: BSD-3-Clause
// TCP RST, ICMP/ICMPv6 unreachable and too-big: golden bytes, re-parsing, checksums computed
// independently, quote lengths and the cases where nothing may be sent.
#include "packet/packet_builder.hpp"

#include "packet/ip_parse.hpp"
#include "packet/tcp_segment.hpp"
#include "packet_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>

namespace ogw::gw {
namespace {

using testing::Bytes;
using testing::bytes;

const IpAddress v4_local = IpAddress::v4({10, 0, 0, 1});
const IpAddress v4_remote = IpAddress::v4({10, 0, 0, 2});
const IpAddress v4_router = IpAddress::v4({10, 9, 9, 9});
const IpAddress v6_local = IpAddress::v6({0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
const IpAddress v6_remote = IpAddress::v6({0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2});

// Expected outputs, computed outside this project.
// clang-format off
// RST|ACK 10.0.0.2:80 -> 10.0.0.1:40000, seq 0x11223344, ack 0x55667788.
const Bytes golden_rst_v4 = bytes({
    0x45, 0x00, 0x00, 0x28, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06, 0x26, 0xce,
    0x0a, 0x00, 0x00, 0x02, 0x0a, 0x00, 0x00, 0x01, 0x00, 0x50, 0x9c, 0x40,
    0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x50, 0x14, 0x00, 0x00,
    0xed, 0xe8, 0x00, 0x00,
});
// RST|ACK [fd00::2]:443 -> [fd00::1]:40001, seq 0, ack 0xfffffff1.
const Bytes golden_rst_v6 = bytes({
    0x60, 0x00, 0x00, 0x00, 0x00, 0x14, 0x06, 0x40, 0xfd, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
    0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x01, 0x01, 0xbb, 0x9c, 0x41, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0xff, 0xf1, 0x50, 0x14, 0x00, 0x00, 0x17, 0xde, 0x00, 0x00,
});
// Port unreachable 10.0.0.2 -> 10.0.0.1 quoting udp_v4's IP header and UDP header.
const Bytes golden_port_unreachable_v4 = bytes({
    0x45, 0x00, 0x00, 0x38, 0x00, 0x00, 0x40, 0x00, 0x40, 0x01, 0x26, 0xc3,
    0x0a, 0x00, 0x00, 0x02, 0x0a, 0x00, 0x00, 0x01, 0x03, 0x03, 0xd5, 0xe3,
    0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x20, 0x1c, 0x46, 0x00, 0x00,
    0x40, 0x11, 0x4a, 0x85, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
    0x14, 0xe9, 0x00, 0x35, 0x00, 0x0c, 0x11, 0xef,
});
// clang-format on

IpAddress v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    return IpAddress::v4({a, b, c, d});
}

IpAddress v6_with_first_bytes(std::uint8_t a, std::uint8_t b, std::uint8_t last) {
    return IpAddress::v6({a, b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last});
}

// The packet in out[0, n), as a vector of exactly n bytes.
Bytes built(const std::array<std::byte, 1500>& out, std::size_t n) {
    return {out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n)};
}

// Parses, and checks both checksums with the test's own arithmetic.
PacketInfo parse_checked(const Bytes& packet) {
    const PacketInfo info = parse_ip(packet);
    EXPECT_TRUE(info.ok()) << to_string(info.error);
    EXPECT_EQ(info.ip_length, packet.size());
    if ((testing::u8(packet, 0) >> 4) == 4) {
        EXPECT_TRUE(testing::ipv4_header_checksum_ok(packet));
    }
    EXPECT_TRUE(testing::transport_checksum_ok(packet));
    return info;
}

// golden with the address at offset replaced, and its IPv4 header checksum still correct.
Bytes with_address(const Bytes& golden, std::size_t offset, const IpAddress& address) {
    Bytes packet = golden;
    for (const std::uint8_t b : address.bytes()) {
        testing::put8(packet, offset++, b);
    }
    if (address.is_v4()) {
        testing::refresh_ipv4_header_checksum(packet);
    }
    return packet;
}

Bytes with_source(const Bytes& golden, const IpAddress& source) {
    return with_address(golden, source.is_v4() ? 12 : 8, source);
}

Bytes with_destination(const Bytes& golden, const IpAddress& destination) {
    return with_address(golden, destination.is_v4() ? 16 : 24, destination);
}

class PacketBuilder : public ::testing::Test {
protected:
    std::array<std::byte, 1500> out_{};
};

// --- TCP RST -----------------------------------------------------------------------------------

TEST_F(PacketBuilder, RstV4MatchesGoldenBytes) {
    const FiveTuple session{v4_local, v4_remote, ipproto::tcp, 40000, 80};
    const std::size_t n = build_tcp_rst_to_local(out_, session, 0x11223344, 0x55667788, true);
    EXPECT_EQ(built(out_, n), golden_rst_v4);
}

TEST_F(PacketBuilder, RstV6MatchesGoldenBytes) {
    const FiveTuple session{v6_local, v6_remote, ipproto::tcp, 40001, 443};
    const std::size_t n = build_tcp_rst_to_local(out_, session, 0, 0xfffffff1, true);
    EXPECT_EQ(built(out_, n), golden_rst_v6);
}

TEST_F(PacketBuilder, RstParsesAsTheReverseOfTheSession) {
    for (const FiveTuple& session : {FiveTuple{v4_local, v4_remote, ipproto::tcp, 40000, 80},
                                     FiveTuple{v6_local, v6_remote, ipproto::tcp, 1, 65535}}) {
        for (const bool with_ack : {true, false}) {
            const std::size_t n = build_tcp_rst_to_local(out_, session, 0xdeadbeef, 42, with_ack);
            ASSERT_EQ(n, session.src.is_v4() ? 40U : 60U);
            const PacketInfo info = parse_checked(built(out_, n));
            EXPECT_EQ(info.kind, PacketKind::tcp);
            EXPECT_EQ(info.tuple, session.reversed());
            EXPECT_EQ(info.tcp.seq, 0xdeadbeefU);
            EXPECT_EQ(info.tcp.ack, with_ack ? 42U : 0U);
            EXPECT_EQ(info.tcp.flags, with_ack ? (tcp_flag::rst | tcp_flag::ack) : tcp_flag::rst);
            EXPECT_EQ(info.tcp.payload_length, 0U);
            EXPECT_TRUE(info.dont_fragment);
        }
    }
}

TEST_F(PacketBuilder, RstRefusesMixedFamiliesAndSmallBuffers) {
    EXPECT_EQ(build_tcp_rst_to_local(out_, {v4_local, v6_remote, ipproto::tcp, 1, 2}, 0, 0, true),
              0U);
    EXPECT_EQ(build_tcp_rst_to_local(out_, {v6_local, v4_remote, ipproto::tcp, 1, 2}, 0, 0, true),
              0U);
    const FiveTuple v4_session{v4_local, v4_remote, ipproto::tcp, 1, 2};
    const FiveTuple v6_session{v6_local, v6_remote, ipproto::tcp, 1, 2};
    EXPECT_EQ(build_tcp_rst_to_local(std::span(out_).first(39), v4_session, 0, 0, true), 0U);
    EXPECT_EQ(build_tcp_rst_to_local(std::span(out_).first(40), v4_session, 0, 0, true), 40U);
    EXPECT_EQ(build_tcp_rst_to_local(std::span(out_).first(59), v6_session, 0, 0, true), 0U);
    EXPECT_EQ(build_tcp_rst_to_local(std::span(out_).first(60), v6_session, 0, 0, true), 60U);
    EXPECT_EQ(build_tcp_rst_to_local({}, v4_session, 0, 0, true), 0U);
}

// --- ICMP destination unreachable -------------------------------------------------------------

TEST_F(PacketBuilder, UnreachableV4MatchesGoldenBytes) {
    const std::size_t n =
        build_icmp_unreachable(out_, testing::udp_v4, v4_remote, Unreachable::port);
    EXPECT_EQ(built(out_, n), golden_port_unreachable_v4);
}

TEST_F(PacketBuilder, UnreachableCodesFollowTheTable) {
    struct Case {
        Unreachable reason;
        std::uint8_t icmp_code;
        std::uint8_t icmpv6_code;
    };
    const Case cases[] = {
        {Unreachable::no_route, 0, 0},
        {Unreachable::host, 1, 3},
        {Unreachable::port, 3, 4},
        {Unreachable::admin_prohibited, 13, 1},
    };
    for (const Case& c : cases) {
        const std::size_t n4 =
            build_icmp_unreachable(out_, testing::tcp_syn_v4, v4_router, c.reason);
        const PacketInfo info4 = parse_checked(built(out_, n4));
        EXPECT_EQ(info4.kind, PacketKind::icmp_error);
        EXPECT_EQ(info4.icmp_type, 3);
        EXPECT_EQ(info4.icmp_code, c.icmp_code);
        EXPECT_EQ(info4.tuple.src, v4_router);
        EXPECT_EQ(info4.tuple.dst, v4_local);

        const std::size_t n6 =
            build_icmp_unreachable(out_, testing::tcp_syn_v6, v6_remote, c.reason);
        const PacketInfo info6 = parse_checked(built(out_, n6));
        EXPECT_EQ(info6.kind, PacketKind::icmp_error);
        EXPECT_EQ(info6.tuple.proto, ipproto::icmpv6);
        EXPECT_EQ(info6.icmp_type, 1);
        EXPECT_EQ(info6.icmp_code, c.icmpv6_code);
        EXPECT_EQ(info6.tuple.src, v6_remote);
        EXPECT_EQ(info6.tuple.dst, v6_local);
    }
}

TEST_F(PacketBuilder, Ipv4QuotesTheHeaderAndEightBytes) {
    struct Case {
        const char* name;
        Bytes offending;
        std::size_t quote;
    };
    Bytes with_options = bytes({0x46, 0, 0, 36, 0,  0, 0x40, 0, 64,   17,   0,    0,
                                10,   0, 0, 1,  10, 0, 0,    2, 0x94, 0x04, 0x00, 0x00});
    with_options.insert(with_options.end(), testing::udp_v4.begin() + 20, testing::udp_v4.end());
    testing::refresh_ipv4_header_checksum(with_options);
    Bytes three_byte_payload =
        bytes({0x45, 0, 0, 23, 0, 0, 0x40, 0, 64, 47, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 1, 2, 3});
    testing::refresh_ipv4_header_checksum(three_byte_payload);
    Bytes padded = testing::udp_v4;
    padded.resize(padded.size() + 20, std::byte{0xee});
    const Case cases[] = {
        {"TCP SYN", testing::tcp_syn_v4, 28},
        {"UDP", testing::udp_v4, 28},
        {"IP options", with_options, 32},
        {"short payload", three_byte_payload, 23},
        {"first fragment", testing::udp_first_fragment_v4, 28},
        {"trailing padding", padded, 28},
    };
    for (const Case& c : cases) {
        const std::size_t n =
            build_icmp_unreachable(out_, c.offending, v4_router, Unreachable::host);
        ASSERT_EQ(n, 20 + 8 + c.quote) << c.name;
        const Bytes packet = built(out_, n);
        parse_checked(packet);
        EXPECT_TRUE(std::equal(packet.begin() + 28, packet.end(), c.offending.begin())) << c.name;
    }
}

TEST_F(PacketBuilder, Ipv6QuotesUpToTheMinimumMtu) {
    const std::size_t small =
        build_icmp_unreachable(out_, testing::tcp_syn_v6, v6_remote, Unreachable::port);
    ASSERT_EQ(small, 40U + 8 + testing::tcp_syn_v6.size());
    Bytes packet = built(out_, small);
    parse_checked(packet);
    EXPECT_TRUE(std::equal(packet.begin() + 48, packet.end(), testing::tcp_syn_v6.begin()));

    // A 1400-byte UDP datagram: the error is exactly 1280 bytes and quotes its first 1232.
    Bytes big(testing::udp_ext_headers_v6.begin(), testing::udp_ext_headers_v6.begin() + 40);
    testing::put8(big, 6, ipproto::udp);
    big.resize(1400, std::byte{0x5a});
    testing::put16(big, 4, 1360);
    testing::put16(big, 44, 1360);
    testing::refresh_transport_checksum(big);
    const std::size_t n = build_icmp_unreachable(out_, big, v6_remote, Unreachable::port);
    ASSERT_EQ(n, icmp_error_max_size);
    packet = built(out_, n);
    parse_checked(packet);
    EXPECT_TRUE(std::equal(packet.begin() + 48, packet.end(), big.begin()));

    Bytes padded = testing::icmpv6_echo_v6;
    padded.resize(padded.size() + 16);
    EXPECT_EQ(build_icmp_unreachable(out_, padded, v6_remote, Unreachable::port),
              48U + testing::icmpv6_echo_v6.size());
}

TEST_F(PacketBuilder, AnswersEchoAndFirstFragments) {
    EXPECT_GT(build_icmp_unreachable(out_, testing::icmp_echo_v4, v4_router, Unreachable::host),
              0U);
    EXPECT_GT(build_icmp_unreachable(out_, testing::icmpv6_echo_v6, v6_remote, Unreachable::host),
              0U);
    EXPECT_GT(
        build_icmp_unreachable(out_, testing::udp_first_fragment_v6, v6_remote, Unreachable::host),
        0U);
    EXPECT_GT(
        build_icmp_unreachable(out_, testing::tcp_atomic_fragment_v6, v6_remote, Unreachable::host),
        0U);
}

// --- ICMP "too big" ----------------------------------------------------------------------------

TEST_F(PacketBuilder, FragmentationNeededCarriesTheNextHopMtu) {
    const std::size_t n = build_icmp_too_big(out_, testing::tcp_syn_v4, v4_remote, 1400);
    ASSERT_EQ(n, 56U);
    const Bytes packet = built(out_, n);
    const PacketInfo info = parse_checked(packet);
    EXPECT_EQ(info.kind, PacketKind::icmp_error);
    EXPECT_EQ(info.icmp_type, 3);
    EXPECT_EQ(info.icmp_code, 4);
    EXPECT_EQ(testing::u16(packet, 24), 0);  // unused
    EXPECT_EQ(testing::u16(packet, 26), 1400);
}

TEST_F(PacketBuilder, FragmentationNeededOnlyForDontFragment) {
    EXPECT_EQ(build_icmp_too_big(out_, testing::udp_v4, v4_remote, 1400), 0U);  // DF clear
    EXPECT_GT(build_icmp_too_big(out_, testing::icmp_echo_v4, v4_remote, 1400), 0U);
}

TEST_F(PacketBuilder, FragmentationNeededMtuBounds) {
    EXPECT_EQ(build_icmp_too_big(out_, testing::tcp_syn_v4, v4_remote, 67), 0U);
    EXPECT_GT(build_icmp_too_big(out_, testing::tcp_syn_v4, v4_remote, 68), 0U);
    EXPECT_GT(build_icmp_too_big(out_, testing::tcp_syn_v4, v4_remote, 65535), 0U);
    EXPECT_EQ(build_icmp_too_big(out_, testing::tcp_syn_v4, v4_remote, 65536), 0U);
}

TEST_F(PacketBuilder, PacketTooBigCarriesTheMtu) {
    const std::size_t n = build_icmp_too_big(out_, testing::tcp_syn_v6, v6_remote, 70000);
    ASSERT_EQ(n, 48U + 80);
    const Bytes packet = built(out_, n);
    const PacketInfo info = parse_checked(packet);
    EXPECT_EQ(info.icmp_type, 2);
    EXPECT_EQ(info.icmp_code, 0);
    EXPECT_EQ(testing::u32(packet, 44), 70000U);
    EXPECT_EQ(build_icmp_too_big(out_, testing::tcp_syn_v6, v6_remote, 1279), 0U);
    EXPECT_GT(build_icmp_too_big(out_, testing::tcp_syn_v6, v6_remote, 1280), 0U);
}

TEST_F(PacketBuilder, PacketTooBigAnswersAMulticastDestination) {
    const Bytes to_group =
        with_destination(testing::udp_first_fragment_v6, v6_with_first_bytes(0xff, 0x0e, 1));
    EXPECT_GT(build_icmp_too_big(out_, to_group, v6_remote, 1280), 0U);
    EXPECT_EQ(build_icmp_unreachable(out_, to_group, v6_remote, Unreachable::host), 0U);
}

// --- When nothing may be sent -------------------------------------------------------------------

TEST_F(PacketBuilder, NoErrorAboutAnIcmpError) {
    const std::size_t n4 =
        build_icmp_unreachable(out_, testing::udp_v4, v4_remote, Unreachable::port);
    const Bytes error4 = built(out_, n4);
    EXPECT_EQ(build_icmp_unreachable(out_, error4, v4_router, Unreachable::host), 0U);
    EXPECT_EQ(build_icmp_too_big(out_, error4, v4_router, 576), 0U);

    const std::size_t n6 = build_icmp_too_big(out_, testing::tcp_syn_v6, v6_remote, 1280);
    const Bytes error6 = built(out_, n6);
    EXPECT_EQ(build_icmp_unreachable(out_, error6, v6_local, Unreachable::host), 0U);
    EXPECT_EQ(build_icmp_too_big(out_, error6, v6_local, 1280), 0U);
}

TEST_F(PacketBuilder, NoErrorAboutAnIcmpv6Redirect) {
    Bytes redirect = testing::icmpv6_echo_v6;
    testing::put8(redirect, 40, 137);
    testing::refresh_transport_checksum(redirect);
    EXPECT_EQ(build_icmp_unreachable(out_, redirect, v6_remote, Unreachable::host), 0U);
    Bytes neighbor_solicitation = redirect;
    testing::put8(neighbor_solicitation, 40, 135);
    EXPECT_GT(build_icmp_unreachable(out_, neighbor_solicitation, v6_remote, Unreachable::host),
              0U);
}

TEST_F(PacketBuilder, NoErrorAboutTheFirstFragmentOfAnIcmpError) {
    Bytes fragment = testing::udp_first_fragment_v4;
    testing::put8(fragment, 9, ipproto::icmp);
    testing::put8(fragment, 20, 11);  // time exceeded
    testing::refresh_ipv4_header_checksum(fragment);
    EXPECT_EQ(build_icmp_unreachable(out_, fragment, v4_router, Unreachable::host), 0U);
    testing::put8(fragment, 20, 8);  // echo request
    EXPECT_GT(build_icmp_unreachable(out_, fragment, v4_router, Unreachable::host), 0U);

    Bytes fragment6 = testing::udp_first_fragment_v6;
    testing::put8(fragment6, 40, ipproto::icmpv6);
    testing::put8(fragment6, 48, 3);
    EXPECT_EQ(build_icmp_unreachable(out_, fragment6, v6_remote, Unreachable::host), 0U);
    testing::put8(fragment6, 48, 128);
    EXPECT_GT(build_icmp_unreachable(out_, fragment6, v6_remote, Unreachable::host), 0U);
}

TEST_F(PacketBuilder, NoErrorAboutAFirstFragmentThatHidesItsUpperLayer) {
    // Destination options after the Fragment header: it may hold an ICMPv6 error.
    Bytes fragment6 = testing::udp_first_fragment_v6;
    testing::put8(fragment6, 40, 60);
    testing::put8(fragment6, 48, ipproto::icmpv6);
    testing::put8(fragment6, 49, 0);
    EXPECT_EQ(build_icmp_unreachable(out_, fragment6, v6_remote, Unreachable::host), 0U);
}

TEST_F(PacketBuilder, NoErrorAboutALaterFragment) {
    EXPECT_EQ(
        build_icmp_unreachable(out_, testing::udp_later_fragment_v4, v4_router, Unreachable::host),
        0U);
    EXPECT_EQ(
        build_icmp_unreachable(out_, testing::udp_later_fragment_v6, v6_remote, Unreachable::host),
        0U);
    EXPECT_EQ(build_icmp_too_big(out_, testing::udp_later_fragment_v6, v6_remote, 1280), 0U);
}

TEST_F(PacketBuilder, NoErrorToASourceThatIsNotOneHost) {
    const IpAddress v4_sources[] = {v4(0, 0, 0, 0),   v4(0, 1, 2, 3),        v4(127, 0, 0, 1),
                                    v4(127, 8, 8, 8), v4(224, 0, 0, 1),      v4(239, 1, 1, 1),
                                    v4(240, 0, 0, 1), v4(255, 255, 255, 255)};
    for (const IpAddress& source : v4_sources) {
        const Bytes packet = with_source(testing::tcp_syn_v4, source);
        EXPECT_EQ(build_icmp_unreachable(out_, packet, v4_router, Unreachable::host), 0U)
            << source.to_string();
        EXPECT_EQ(build_icmp_too_big(out_, packet, v4_router, 1280), 0U) << source.to_string();
    }
    const IpAddress v6_sources[] = {IpAddress::v6({}), v6_with_first_bytes(0, 0, 1),
                                    v6_with_first_bytes(0xff, 0x02, 1)};
    for (const IpAddress& source : v6_sources) {
        const Bytes packet = with_source(testing::tcp_syn_v6, source);
        EXPECT_EQ(build_icmp_unreachable(out_, packet, v6_remote, Unreachable::host), 0U)
            << source.to_string();
        EXPECT_EQ(build_icmp_too_big(out_, packet, v6_remote, 1280), 0U) << source.to_string();
    }
    // Ordinary hosts, link-local included, are answered.
    EXPECT_GT(build_icmp_unreachable(out_, with_source(testing::tcp_syn_v4, v4(169, 254, 1, 1)),
                                     v4_router, Unreachable::host),
              0U);
    EXPECT_GT(build_icmp_unreachable(out_, with_source(testing::tcp_syn_v4, v4(223, 255, 255, 254)),
                                     v4_router, Unreachable::host),
              0U);
    EXPECT_GT(build_icmp_unreachable(
                  out_, with_source(testing::tcp_syn_v6, v6_with_first_bytes(0xfe, 0x80, 7)),
                  v6_remote, Unreachable::host),
              0U);
}

TEST_F(PacketBuilder, NoErrorAboutAPacketToAGroup) {
    for (const IpAddress& group :
         {v4(224, 0, 0, 251), v4(239, 255, 255, 250), v4(255, 255, 255, 255), v4(240, 1, 2, 3)}) {
        const Bytes packet = with_destination(testing::tcp_syn_v4, group);
        EXPECT_EQ(build_icmp_unreachable(out_, packet, v4_router, Unreachable::host), 0U)
            << group.to_string();
        EXPECT_EQ(build_icmp_too_big(out_, packet, v4_router, 1280), 0U) << group.to_string();
    }
    const Bytes packet = with_destination(testing::tcp_syn_v6, v6_with_first_bytes(0xff, 0x02, 1));
    EXPECT_EQ(build_icmp_unreachable(out_, packet, v6_remote, Unreachable::host), 0U);
}

TEST_F(PacketBuilder, NoErrorFromTheOtherFamily) {
    EXPECT_EQ(build_icmp_unreachable(out_, testing::tcp_syn_v4, v6_remote, Unreachable::host), 0U);
    EXPECT_EQ(build_icmp_unreachable(out_, testing::tcp_syn_v6, v4_remote, Unreachable::host), 0U);
    EXPECT_EQ(build_icmp_too_big(out_, testing::tcp_syn_v4, v6_remote, 1400), 0U);
    EXPECT_EQ(build_icmp_too_big(out_, testing::tcp_syn_v6, v4_remote, 1400), 0U);
}

TEST_F(PacketBuilder, NoErrorAboutAnUnparsablePacket) {
    Bytes broken = testing::tcp_syn_v4;
    testing::put8(broken, 8, 1);  // header checksum now wrong
    EXPECT_EQ(build_icmp_unreachable(out_, broken, v4_router, Unreachable::host), 0U);
    EXPECT_EQ(build_icmp_unreachable(out_, {}, v4_router, Unreachable::host), 0U);
    EXPECT_EQ(build_icmp_too_big(out_, testing::prefix(testing::tcp_syn_v6, 50), v6_remote, 1280),
              0U);
}

TEST_F(PacketBuilder, NoErrorIntoATooSmallBuffer) {
    auto out = std::span(out_);
    EXPECT_EQ(
        build_icmp_unreachable(out.first(55), testing::tcp_syn_v4, v4_router, Unreachable::host),
        0U);
    EXPECT_EQ(
        build_icmp_unreachable(out.first(56), testing::tcp_syn_v4, v4_router, Unreachable::host),
        56U);
    EXPECT_EQ(build_icmp_too_big(out.first(127), testing::tcp_syn_v6, v6_remote, 1280), 0U);
    EXPECT_EQ(build_icmp_too_big(out.first(128), testing::tcp_syn_v6, v6_remote, 1280), 128U);
    EXPECT_EQ(build_icmp_unreachable({}, testing::udp_v4, v4_router, Unreachable::host), 0U);
}

}  // namespace
}  // namespace ogw::gw
