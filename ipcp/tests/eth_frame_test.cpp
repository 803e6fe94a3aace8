// SPDX-License-Identifier: BSD-3-Clause
// The Ethernet shim's frame header, frame classification and MAC peer addresses.
#include <ipcp/eth_address.hpp>
#include <ipcp/eth_frame.hpp>

#include "test_util.hpp"

#include <gtest/gtest.h>

namespace ogw::ipcp {
namespace {

const MacAddress self({0x02, 0x00, 0x00, 0x00, 0x00, 0x01});
const MacAddress other({0x02, 0x00, 0x00, 0x00, 0x00, 0x02});
constexpr std::uint16_t ours = 0xa000;

std::vector<std::byte> frame(const MacAddress& dst, const MacAddress& src, std::uint16_t type,
                             std::size_t payload = 46) {
    std::vector<std::byte> f(eth_header_size + payload);
    write_eth_header(f, EthHeader{dst, src, type});
    return f;
}

TEST(EthFrame, HeaderIsDstSrcAndBigEndianEthertype) {
    const auto f = frame(other, self, 0xa001, 0);
    EXPECT_EQ(test::to_hex(f), "020000000002020000000001a001");
    const auto h = read_eth_header(f);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->dst, other);
    EXPECT_EQ(h->src, self);
    EXPECT_EQ(h->ethertype, 0xa001);
}

TEST(EthFrame, ShorterThanTheHeaderHasNoHeader) {
    const auto f = frame(other, self, ours, 0);
    for (std::size_t n = 0; n < eth_header_size; ++n) {
        EXPECT_FALSE(read_eth_header(std::span(f).first(n))) << n;
        EXPECT_EQ(classify_eth_frame(std::span(f).first(n), self, ours), EthFrameKind::too_short);
    }
}

TEST(EthFrame, ClassifiesEveryKind) {
    const MacAddress multicast({0x01, 0x00, 0x5e, 0x00, 0x00, 0x01});
    EXPECT_EQ(classify_eth_frame(frame(self, other, ours), self, ours), EthFrameKind::ours);
    EXPECT_EQ(classify_eth_frame(frame(MacAddress::broadcast(), other, ours), self, ours),
              EthFrameKind::ours);
    EXPECT_EQ(classify_eth_frame(frame(self, other, 0x0800), self, ours),
              EthFrameKind::other_type);
    EXPECT_EQ(classify_eth_frame(frame(other, other, ours), self, ours), EthFrameKind::other_dst);
    EXPECT_EQ(classify_eth_frame(frame(multicast, other, ours), self, ours),
              EthFrameKind::other_dst);
    EXPECT_EQ(classify_eth_frame(frame(self, multicast, ours), self, ours), EthFrameKind::bad_src);
    EXPECT_EQ(classify_eth_frame(frame(self, MacAddress(), ours), self, ours),
              EthFrameKind::bad_src);
    EXPECT_EQ(classify_eth_frame(frame(MacAddress::broadcast(), self, ours), self, ours),
              EthFrameKind::own);
}

TEST(EthFrame, KindsHaveNames) {
    for (std::size_t i = 0; i < eth_frame_kind_count; ++i) {
        EXPECT_NE(to_string(static_cast<EthFrameKind>(i)), "?") << i;
    }
}

TEST(EthAddress, PeerAddressIsTheMac) {
    const PeerAddress a = eth_peer_address(other);
    EXPECT_EQ(a.bytes().size(), 6U);
    EXPECT_EQ(eth_mac(a), other);
    EXPECT_EQ(format_eth_peer(a), "02:00:00:00:00:02");
    EXPECT_EQ(eth_mac(PeerAddress()), std::nullopt);
    EXPECT_EQ(format_eth_peer(PeerAddress()), "(not an eth address)");
}

}  // namespace
}  // namespace ogw::ipcp
