// SPDX-License-Identifier: BSD-3-Clause
#include "bridge/ethernet_frame.hpp"
#include "bridge/mac_table.hpp"
#include "bridge_test_support.hpp"
#include "packet/ip_parse.hpp"

#include <gtest/gtest.h>

namespace ogw::gw {
namespace {

using testing::Bytes;
using testing::bytes;
using testing::ethernet;
using testing::mac;
using testing::prefix;
using testing::Tag;

TEST(EthernetFrame, ParsesUntaggedIpv4) {
    const Bytes frame = ethernet(mac(2), mac(1), ethertype::ipv4, testing::udp_v4);
    const EthernetFrame f = parse_ethernet(frame);
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(f.dst, mac(2));
    EXPECT_EQ(f.src, mac(1));
    EXPECT_EQ(f.ethertype, 0x0800);
    EXPECT_TRUE(f.is_ip());
    EXPECT_EQ(f.vlan_tags, 0);
    EXPECT_EQ(f.payload_offset, 14U);
    EXPECT_EQ(f.payload.size(), testing::udp_v4.size());
    EXPECT_EQ(f.payload.data(), frame.data() + 14);
    const PacketInfo ip = parse_ip(f.payload);
    ASSERT_TRUE(ip.ok());
    EXPECT_EQ(ip.tuple.src, IpAddress::parse("10.0.0.1").value());
}

TEST(EthernetFrame, KeepsPaddingInThePayload) {
    Bytes padded = testing::udp_v4;
    padded.resize(46);  // the Ethernet minimum
    const Bytes frame = ethernet(mac(2), mac(1), ethertype::ipv4, padded);
    const EthernetFrame f = parse_ethernet(frame);
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(f.payload.size(), 46U);
    const PacketInfo ip = parse_ip(f.payload);
    ASSERT_TRUE(ip.ok());
    EXPECT_EQ(ip.ip_length, testing::udp_v4.size());
}

TEST(EthernetFrame, ReadsOneVlanTag) {
    // PCP 3, DEI 0, VID 100
    const Bytes frame = ethernet(mac("33:33:00:00:00:01"), mac(1), ethertype::ipv6,
                                 testing::icmpv6_echo_v6, {Tag{0x8100, 0x6064}});
    const EthernetFrame f = parse_ethernet(frame);
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(f.vlan_tags, 1);
    EXPECT_EQ(f.vlan_ids[0], 100);
    EXPECT_EQ(f.ethertype, ethertype::ipv6);
    EXPECT_EQ(f.payload_offset, 18U);
    EXPECT_EQ(f.payload.size(), testing::icmpv6_echo_v6.size());
    EXPECT_TRUE(f.dst.is_multicast());
    EXPECT_FALSE(f.dst.is_broadcast());
    EXPECT_TRUE(parse_ip(f.payload).ok());
}

TEST(EthernetFrame, ReadsTwoTagsOutermostFirst) {
    const Bytes frame = ethernet(MacAddress::broadcast(), mac(1), ethertype::arp, bytes({1, 2}),
                                 {Tag{0x88a8, 0xf00a}, Tag{0x8100, 0x0014}});
    const EthernetFrame f = parse_ethernet(frame);
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(f.vlan_tags, 2);
    EXPECT_EQ(f.vlan_ids[0], 10);  // the PCP/DEI bits (0xf) are not part of the VID
    EXPECT_EQ(f.vlan_ids[1], 20);
    EXPECT_EQ(f.ethertype, ethertype::arp);
    EXPECT_FALSE(f.is_ip());
    EXPECT_EQ(f.payload_offset, 22U);
    EXPECT_EQ(f.payload.size(), 2U);
    EXPECT_TRUE(f.dst.is_broadcast());
}

TEST(EthernetFrame, AcceptsTheLegacyQinQTag) {
    const Bytes frame =
        ethernet(mac(2), mac(1), 0x88b5, bytes({}), {Tag{0x9100, 7}, Tag{0x8100, 4095}});
    const EthernetFrame f = parse_ethernet(frame);
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(f.vlan_tags, 2);
    EXPECT_EQ(f.vlan_ids[0], 7);
    EXPECT_EQ(f.vlan_ids[1], 4095);
    EXPECT_EQ(f.ethertype, 0x88b5);
    EXPECT_EQ(f.payload_offset, 22U);
    EXPECT_TRUE(f.payload.empty());
}

TEST(EthernetFrame, RefusesAThirdTag) {
    const Bytes frame = ethernet(mac(2), mac(1), ethertype::ipv4, testing::udp_v4,
                                 {Tag{0x88a8, 1}, Tag{0x8100, 2}, Tag{0x8100, 3}});
    EXPECT_EQ(parse_ethernet(frame).error, FrameError::too_many_tags);
}

TEST(EthernetFrame, HeaderAloneHasAnEmptyPayload) {
    const Bytes frame = ethernet(mac(2), mac(1), ethertype::ipv4, bytes({}));
    ASSERT_EQ(frame.size(), 14U);
    const EthernetFrame f = parse_ethernet(frame);
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(f.payload_offset, 14U);
    EXPECT_TRUE(f.payload.empty());
}

TEST(EthernetFrame, EveryPrefixOfTheHeaderIsTooShort) {
    const Bytes frame = ethernet(mac(2), mac(1), ethertype::ipv4, testing::udp_v4);
    for (std::size_t n = 0; n < 14; ++n) {
        const Bytes cut = prefix(frame, n);  // exact size: ASan sees any over-read
        const EthernetFrame f = parse_ethernet(cut);
        EXPECT_EQ(f.error, FrameError::too_short) << n;
        EXPECT_TRUE(f.payload.empty()) << n;
    }
}

TEST(EthernetFrame, TruncatedTagsAreRefused) {
    const Bytes frame =
        ethernet(mac(2), mac(1), ethertype::ipv4, bytes({}), {Tag{0x88a8, 1}, Tag{0x8100, 2}});
    ASSERT_EQ(frame.size(), 22U);
    for (std::size_t n = 14; n < 22; ++n) {
        EXPECT_EQ(parse_ethernet(prefix(frame, n)).error, FrameError::truncated_tag) << n;
    }
    EXPECT_TRUE(parse_ethernet(prefix(frame, 22)).ok());
}

TEST(EthernetFrame, RefusesAnIeee8023LengthField) {
    // An STP configuration BPDU's header: to 01:80:c2:00:00:00, length 38, LLC 42 42 03.
    const Bytes bpdu = ethernet(mac("01:80:c2:00:00:00"), mac(1), 38, bytes({0x42, 0x42, 0x03}));
    EXPECT_EQ(parse_ethernet(bpdu).error, FrameError::length_field);
    EXPECT_EQ(parse_ethernet(ethernet(mac(2), mac(1), 0x05ff, bytes({}))).error,
              FrameError::length_field);
    EXPECT_TRUE(parse_ethernet(ethernet(mac(2), mac(1), 0x0600, bytes({}))).ok());
    const Bytes tagged = ethernet(mac(2), mac(1), 0x05dc, bytes({}), {Tag{0x8100, 5}});
    EXPECT_EQ(parse_ethernet(tagged).error, FrameError::length_field);
}

TEST(EthernetFrame, FailuresLeaveTheRestEmpty) {
    const EthernetFrame f =
        parse_ethernet(ethernet(mac(2), mac(1), ethertype::ipv4, bytes({}), {Tag{}, Tag{}, Tag{}}));
    EXPECT_EQ(f.error, FrameError::too_many_tags);
    EXPECT_FALSE(f.ok());
    EXPECT_EQ(f.src, MacAddress());
    EXPECT_EQ(f.vlan_tags, 0);
    EXPECT_EQ(f.payload_offset, 0U);
    EXPECT_TRUE(f.payload.empty());
}

TEST(EthernetFrame, ErrorNamesAreStable) {
    EXPECT_EQ(to_string(FrameError::none), "none");
    EXPECT_EQ(to_string(FrameError::too_short), "too_short");
    EXPECT_EQ(to_string(FrameError::truncated_tag), "truncated_tag");
    EXPECT_EQ(to_string(FrameError::too_many_tags), "too_many_tags");
    EXPECT_EQ(to_string(FrameError::length_field), "length_field");
    EXPECT_EQ(frame_error_count, 5U);
}

TEST(EthernetFrame, MacAddressTextAndIntegerForms) {
    const MacAddress m = mac("AA:bb:cc:dd:ee:0F");
    EXPECT_EQ(m.to_string(), "aa:bb:cc:dd:ee:0f");
    EXPECT_EQ(mac_to_u64(m), 0xaabbccddee0fULL);
    EXPECT_EQ(mac_from_u64(0xaabbccddee0fULL), m);
    EXPECT_EQ(mac_from_u64(mac_to_u64(MacAddress::broadcast())), MacAddress::broadcast());
    EXPECT_FALSE(MacAddress::parse("aa:bb:cc:dd:ee").has_value());
    EXPECT_FALSE(MacAddress::parse("aa-bb-cc-dd-ee-ff").has_value());
    EXPECT_FALSE(MacAddress::parse("gg:bb:cc:dd:ee:ff").has_value());
    EXPECT_TRUE(mac("01:00:5e:00:00:01").is_multicast());
    EXPECT_FALSE(mac("02:00:5e:00:00:01").is_multicast());
    EXPECT_NE(std::hash<MacAddress>{}(mac(1)), std::hash<MacAddress>{}(mac(2)));
}

}  // namespace
}  // namespace ogw::gw
