// SPDX-License-Identifier: BSD-3-Clause
#include "packet/mss_clamp.hpp"

#include "packet/ip_parse.hpp"
#include "packet/tcp_segment.hpp"
#include "packet_test_support.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <vector>

namespace ogw::gw {
namespace {

using testing::Bytes;
using testing::bytes;

constexpr std::size_t v4_mss_value = 20 + 20 + 2;  // IP header, TCP header, kind and length
constexpr std::size_t v4_tcp_checksum = 20 + 16;

// The positions where before and after differ.
std::vector<std::size_t> changed_bytes(const Bytes& before, const Bytes& after) {
    std::vector<std::size_t> changed;
    for (std::size_t i = 0; i < before.size(); ++i) {
        if (before[i] != after[i]) {
            changed.push_back(i);
        }
    }
    return changed;
}

TEST(MssClamp, LowersTheMssOfASynToGoldenBytes) {
    Bytes packet = testing::tcp_syn_v4;
    ASSERT_TRUE(clamp_mss(packet, 1400));
    EXPECT_EQ(testing::u16(packet, v4_mss_value), 1400);
    EXPECT_EQ(testing::u16(packet, v4_tcp_checksum), 0x829a);
    for (const std::size_t i : changed_bytes(testing::tcp_syn_v4, packet)) {
        EXPECT_TRUE(i == v4_mss_value || i == v4_mss_value + 1 || i == v4_tcp_checksum ||
                    i == v4_tcp_checksum + 1)
            << "byte " << i << " changed";
    }
    EXPECT_TRUE(testing::transport_checksum_ok(packet));
    EXPECT_TRUE(testing::ipv4_header_checksum_ok(packet));
    const PacketInfo info = parse_ip(packet);
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info.tcp.mss, 1400);
}

TEST(MssClamp, LowersTheMssOfAnIpv6Syn) {
    Bytes packet = testing::tcp_syn_v6;
    ASSERT_TRUE(clamp_mss(packet, 1220));
    EXPECT_EQ(testing::u16(packet, 40 + 22), 1220);
    EXPECT_EQ(testing::u16(packet, 40 + 16), 0x9dc5);
    EXPECT_TRUE(testing::transport_checksum_ok(packet));
}

TEST(MssClamp, ClampsSynAck) {
    testing::TcpPacketSpec spec;
    spec.flags = tcp_flag::syn | tcp_flag::ack;
    spec.ack = 77;
    spec.options = bytes({2, 4, 0x23, 0x28, 1, 1, 4, 2});  // MSS 9000
    Bytes packet = testing::tcp_packet(spec);
    ASSERT_TRUE(clamp_mss(packet, 1360));
    EXPECT_EQ(parse_ip(packet).tcp.mss, 1360);
    EXPECT_TRUE(testing::transport_checksum_ok(packet));
}

TEST(MssClamp, LeavesAnMssAtOrBelowTheLimit) {
    for (const std::uint16_t limit : std::initializer_list<std::uint16_t>{1460, 1500, 65535}) {
        Bytes packet = testing::tcp_syn_v4;
        EXPECT_FALSE(clamp_mss(packet, limit)) << limit;
        EXPECT_EQ(packet, testing::tcp_syn_v4) << limit;
    }
}

TEST(MssClamp, ZeroLimitLeavesThePacketAlone) {
    Bytes packet = testing::tcp_syn_v4;
    EXPECT_FALSE(clamp_mss(packet, 0));
    EXPECT_EQ(packet, testing::tcp_syn_v4);
}

TEST(MssClamp, OnlyTouchesSynSegments) {
    testing::TcpPacketSpec spec;
    spec.flags = tcp_flag::ack;
    spec.options = bytes({2, 4, 0x05, 0xb4});
    const Bytes ack = testing::tcp_packet(spec);
    Bytes packet = ack;
    EXPECT_FALSE(clamp_mss(packet, 536));
    EXPECT_EQ(packet, ack);
}

TEST(MssClamp, IgnoresOtherPacketsAndFragments) {
    for (const Bytes* golden :
         {&testing::udp_v4, &testing::icmp_echo_v4, &testing::udp_first_fragment_v4,
          &testing::udp_first_fragment_v6, &testing::tcp_atomic_fragment_v6}) {
        Bytes packet = *golden;
        EXPECT_FALSE(clamp_mss(packet, 100));
        EXPECT_EQ(packet, *golden);
    }
    // A first fragment of a SYN with an MSS option: the TCP checksum covers the whole datagram,
    // which the gateway does not have, so it is left alone.
    Bytes fragment = testing::tcp_syn_v4;
    testing::put16(fragment, 6, 0x2000);
    testing::refresh_ipv4_header_checksum(fragment);
    const Bytes before = fragment;
    EXPECT_FALSE(clamp_mss(fragment, 100));
    EXPECT_EQ(fragment, before);
}

TEST(MssClamp, IgnoresUnparsablePackets) {
    Bytes broken = testing::tcp_syn_v4;
    testing::put8(broken, 8, 1);  // IPv4 header checksum now wrong
    const Bytes before = broken;
    EXPECT_FALSE(clamp_mss(broken, 100));
    EXPECT_EQ(broken, before);
    Bytes empty;
    EXPECT_FALSE(clamp_mss(empty, 100));
}

TEST(MssClamp, HandlesAnMssAtAnOddOffset) {
    testing::TcpPacketSpec spec;
    spec.options = bytes({1, 2, 4, 0xff, 0xff, 1, 1, 1});  // MSS 65535 after one NOP
    for (const bool v6 : {false, true}) {
        spec.v6 = v6;
        for (const std::uint16_t limit :
             std::initializer_list<std::uint16_t>{1, 255, 256, 1220, 1460, 0x8000, 0xfffe}) {
            Bytes packet = testing::tcp_packet(spec);
            ASSERT_TRUE(clamp_mss(packet, limit)) << limit;
            EXPECT_EQ(parse_ip(packet).tcp.mss, limit);
            EXPECT_TRUE(testing::transport_checksum_ok(packet)) << (v6 ? "v6 " : "v4 ") << limit;
        }
    }
}

TEST(MssClamp, KeepsTheChecksumValidForManyValues) {
    for (std::uint32_t mss = 0; mss <= 0xffff; mss += 251) {
        testing::TcpPacketSpec spec;
        spec.seq = mss * 7919;
        spec.options =
            bytes({2, 4, static_cast<std::uint8_t>(mss >> 8), static_cast<std::uint8_t>(mss)});
        spec.payload = bytes({1, 2, 3});
        for (const std::uint16_t limit : std::initializer_list<std::uint16_t>{536, 1220, 1460}) {
            Bytes packet = testing::tcp_packet(spec);
            const bool changed = clamp_mss(packet, limit);
            ASSERT_EQ(changed, mss > limit) << mss;
            ASSERT_TRUE(testing::transport_checksum_ok(packet)) << mss << " -> " << limit;
        }
    }
}

TEST(MssClamp, ClampsEveryWellFormedMssOption) {
    testing::TcpPacketSpec spec;
    spec.options = bytes({2, 4, 0x05, 0xb4, 1, 2, 4, 0x23, 0x28, 1, 1, 1});
    Bytes packet = testing::tcp_packet(spec);
    ASSERT_TRUE(clamp_mss(packet, 1000));
    EXPECT_EQ(testing::u16(packet, 42), 1000);
    EXPECT_EQ(testing::u16(packet, 47), 1000);
    EXPECT_TRUE(testing::transport_checksum_ok(packet));
}

TEST(MssClamp, LeavesMalformedOptionsAlone) {
    struct Case {
        const char* name;
        Bytes options;
    };
    const Case cases[] = {
        {"MSS of length 3", bytes({2, 3, 0x05, 0xb4})},
        {"MSS of length 6", bytes({2, 6, 0x05, 0xb4, 0, 0, 1, 1})},
        {"after an option of length 0", bytes({30, 0, 2, 4, 0x05, 0xb4, 1, 1})},
        {"after an option of length 1", bytes({30, 1, 2, 4, 0x05, 0xb4, 1, 1})},
        {"after an option running past the end", bytes({1, 1, 30, 9, 2, 4, 0x05, 0xb4})},
        {"after End of Option List", bytes({0, 1, 1, 1, 2, 4, 0x05, 0xb4})},
        {"cut by the end of the header", bytes({1, 1, 1, 1, 1, 2, 4, 0x05})},
    };
    for (const Case& c : cases) {
        testing::TcpPacketSpec spec;
        spec.options = c.options;
        const Bytes golden = testing::tcp_packet(spec);
        Bytes packet = testing::prefix(golden, golden.size());
        EXPECT_FALSE(clamp_mss(packet, 536)) << c.name;
        EXPECT_EQ(packet, golden) << c.name;
    }
}

TEST(MssClamp, ClampsBeforeAMalformedOption) {
    testing::TcpPacketSpec spec;
    spec.options = bytes({2, 4, 0x05, 0xb4, 30, 0, 0, 0});
    Bytes packet = testing::tcp_packet(spec);
    EXPECT_TRUE(clamp_mss(packet, 536));
    EXPECT_TRUE(testing::transport_checksum_ok(packet));
}

TEST(MssClamp, LeavesTrailingPaddingAlone) {
    Bytes packet = testing::tcp_syn_v4;
    packet.resize(packet.size() + 6, std::byte{0xee});
    ASSERT_TRUE(clamp_mss(packet, 1300));
    for (std::size_t i = testing::tcp_syn_v4.size(); i < packet.size(); ++i) {
        EXPECT_EQ(packet[i], std::byte{0xee});
    }
    packet.resize(testing::tcp_syn_v4.size());
    EXPECT_TRUE(testing::transport_checksum_ok(packet));
}

TEST(MssForMtu, SubtractsMinimalHeaders) {
    EXPECT_EQ(mss_for_mtu(1500, false), 1460);
    EXPECT_EQ(mss_for_mtu(1500, true), 1440);
    EXPECT_EQ(mss_for_mtu(1280, true), 1220);
    EXPECT_EQ(mss_for_mtu(576, false), 536);
}

TEST(MssForMtu, TooSmallGivesZeroAndHugeSaturates) {
    EXPECT_EQ(mss_for_mtu(0, false), 0);
    EXPECT_EQ(mss_for_mtu(40, false), 0);
    EXPECT_EQ(mss_for_mtu(41, false), 1);
    EXPECT_EQ(mss_for_mtu(60, true), 0);
    EXPECT_EQ(mss_for_mtu(61, true), 1);
    EXPECT_EQ(mss_for_mtu(65575, false), 65535);
    EXPECT_EQ(mss_for_mtu(0xffffffffU, true), 65535);
}

}  // namespace
}  // namespace ogw::gw
