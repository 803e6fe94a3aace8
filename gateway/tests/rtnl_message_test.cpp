// SPDX-License-Identifier: BSD-3-Clause
// The request builders against golden bytes, worked out by hand from <linux/rtnetlink.h>.
#include "tun/rtnl_message.hpp"
#include "tests/rtnl_test_support.hpp"

#include <gtest/gtest.h>

#include <array>

namespace ogw::gw {
namespace {

using test::bytes;
using test::copy;
using test::prefix;

class RtnlMessage : public ::testing::Test {
protected:
    void SetUp() override {
        if (!test::little_endian) {
            GTEST_SKIP() << "golden vectors are little-endian";
        }
    }

    alignas(4) std::array<std::byte, rtnl_request_size> buf_{};
};

// The golden bytes are laid out by structure, a header or attribute a line.
// clang-format off
TEST_F(RtnlMessage, SetLinkMtuAndUp) {
    EXPECT_EQ(copy(build_set_link(buf_, 7, 5, 1400, true)),
              bytes({0x28, 0, 0, 0, 0x10, 0, 0x05, 0, 7, 0, 0, 0, 0, 0, 0, 0,  // RTM_NEWLINK
                     0, 0, 0, 0, 5, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0,  // ifindex 5, IFF_UP
                     8, 0, 4, 0, 0x78, 0x05, 0, 0}));                  // IFLA_MTU 1400
}

TEST_F(RtnlMessage, SetLinkDownKeepsMtu) {
    EXPECT_EQ(copy(build_set_link(buf_, 1, 5, std::nullopt, false)),
              bytes({0x20, 0, 0, 0, 0x10, 0, 0x05, 0, 1, 0, 0, 0, 0, 0, 0, 0,  //
                     0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0}));
}

TEST_F(RtnlMessage, GetLink) {
    EXPECT_EQ(copy(build_get_link(buf_, 1, 9)),
              bytes({0x20, 0, 0, 0, 0x12, 0, 0x05, 0, 1, 0, 0, 0, 0, 0, 0, 0,  // RTM_GETLINK
                     0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
}

TEST_F(RtnlMessage, AddIpv4AddressCarriesLocalAndAddress) {
    EXPECT_EQ(copy(build_address(buf_, 3, RtnlOp::add, 5, prefix("10.10.1.1/24"))),
              bytes({0x28, 0, 0, 0, 0x14, 0, 0x05, 0x06, 3, 0, 0, 0, 0, 0, 0, 0,  // create|excl
                     2, 24, 0x80, 0, 5, 0, 0, 0,          // AF_INET /24 IFA_F_PERMANENT
                     8, 0, 2, 0, 10, 10, 1, 1,            // IFA_LOCAL
                     8, 0, 1, 0, 10, 10, 1, 1}));         // IFA_ADDRESS
}

TEST_F(RtnlMessage, RemoveIpv4Address) {
    EXPECT_EQ(copy(build_address(buf_, 3, RtnlOp::remove, 5, prefix("10.10.1.1/24"))),
              bytes({0x28, 0, 0, 0, 0x15, 0, 0x05, 0, 3, 0, 0, 0, 0, 0, 0, 0,  // RTM_DELADDR
                     2, 24, 0x80, 0, 5, 0, 0, 0,  //
                     8, 0, 2, 0, 10, 10, 1, 1,    //
                     8, 0, 1, 0, 10, 10, 1, 1}));
}

TEST_F(RtnlMessage, AddIpv6AddressWithoutDad) {
    EXPECT_EQ(copy(build_address(buf_, 4, RtnlOp::add, 5, prefix("fd00:1::1/64"))),
              bytes({0x34, 0, 0, 0, 0x14, 0, 0x05, 0x06, 4, 0, 0, 0, 0, 0, 0, 0,  //
                     10, 64, 0x02, 0, 5, 0, 0, 0,  // AF_INET6 /64 IFA_F_NODAD
                     20, 0, 1, 0, 0xfd, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
                     8, 0, 8, 0, 2, 0, 0, 0}));  // IFA_FLAGS NODAD
}

TEST_F(RtnlMessage, AddRouteClearsHostBits) {
    const RouteSpec spec{5, prefix("10.10.2.77/24"), std::nullopt, ogw_route_protocol};
    EXPECT_EQ(copy(build_route(buf_, 6, RtnlOp::add, spec)),
              bytes({0x2c, 0, 0, 0, 0x18, 0, 0x05, 0x06, 6, 0, 0, 0, 0, 0, 0, 0,  //
                     2, 24, 0, 0, 0xfe, 0xa0, 0xfd, 1, 0, 0, 0, 0,  // main, 0xa0, link, unicast
                     8, 0, 1, 0, 10, 10, 2, 0,                      // RTA_DST
                     8, 0, 4, 0, 5, 0, 0, 0}));                     // RTA_OIF
}

TEST_F(RtnlMessage, RemoveIpv6RouteWithMetric) {
    const RouteSpec spec{5, prefix("fd00:2::/64"), 1024, ogw_route_protocol};
    EXPECT_EQ(copy(build_route(buf_, 2, RtnlOp::remove, spec)),
              bytes({0x40, 0, 0, 0, 0x19, 0, 0x05, 0, 2, 0, 0, 0, 0, 0, 0, 0,  // RTM_DELROUTE
                     10, 64, 0, 0, 0xfe, 0xa0, 0xfd, 1, 0, 0, 0, 0,  //
                     20, 0, 1, 0, 0xfd, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                     8, 0, 4, 0, 5, 0, 0, 0,      // RTA_OIF
                     8, 0, 6, 0, 0, 4, 0, 0}));   // RTA_PRIORITY 1024
}

TEST_F(RtnlMessage, DefaultRouteHasNoDestination) {
    const RouteSpec spec{3, prefix("0.0.0.0/0"), std::nullopt, 4};
    EXPECT_EQ(copy(build_route(buf_, 1, RtnlOp::add, spec)),
              bytes({0x24, 0, 0, 0, 0x18, 0, 0x05, 0x06, 1, 0, 0, 0, 0, 0, 0, 0,  //
                     2, 0, 0, 0, 0xfe, 4, 0xfd, 1, 0, 0, 0, 0,  //
                     8, 0, 4, 0, 3, 0, 0, 0}));
}

TEST_F(RtnlMessage, Dumps) {
    EXPECT_EQ(copy(build_route_dump(buf_, 9)),
              bytes({0x1c, 0, 0, 0, 0x1a, 0, 0x01, 0x03, 9, 0, 0, 0, 0, 0, 0, 0,  // request|dump
                     0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
    EXPECT_EQ(copy(build_address_dump(buf_, 9)),
              bytes({0x18, 0, 0, 0, 0x16, 0, 0x01, 0x03, 9, 0, 0, 0, 0, 0, 0, 0,  //
                     0, 0, 0, 0, 0, 0, 0, 0}));
}

// clang-format on

TEST_F(RtnlMessage, RefusesSmallOrMisalignedBuffers) {
    const std::span<std::byte> whole(buf_);
    EXPECT_TRUE(build_set_link(whole.first(rtnl_request_size - 1), 1, 5, 1400, true).empty());
    EXPECT_TRUE(build_get_link(whole.subspan(1, rtnl_request_size - 4), 1, 5).empty());
    alignas(4) std::array<std::byte, rtnl_request_size + 4> bigger{};
    EXPECT_TRUE(build_route_dump(std::span<std::byte>(bigger).subspan(2), 1).empty());
    EXPECT_FALSE(build_route_dump(std::span<std::byte>(bigger).subspan(4), 1).empty());
}

// The kernel answers with the same structures, so what the builders write parses back.
TEST_F(RtnlMessage, BuiltMessagesParseBack) {
    const auto link = parse_link(build_set_link(buf_, 1, 5, 1400, true));
    ASSERT_TRUE(link);
    EXPECT_EQ(link->ifindex, 5);
    EXPECT_EQ(link->mtu, 1400U);
    EXPECT_TRUE(link->up());

    const auto address =
        parse_address(build_address(buf_, 1, RtnlOp::add, 7, prefix("fd00:1::1/64")));
    ASSERT_TRUE(address);
    EXPECT_EQ(address->ifindex, 7);
    EXPECT_EQ(address->address, prefix("fd00:1::1/64"));
    EXPECT_EQ(address->flags, 0x02U);

    const RouteSpec spec{5, prefix("10.10.2.0/24"), 20, ogw_route_protocol};
    const auto route = parse_route(build_route(buf_, 1, RtnlOp::add, spec));
    ASSERT_TRUE(route);
    EXPECT_EQ(route->ifindex, 5);
    EXPECT_EQ(route->prefix, prefix("10.10.2.0/24"));
    EXPECT_EQ(route->metric, 20U);
    EXPECT_EQ(route->table, 254U);
    EXPECT_EQ(route->protocol, ogw_route_protocol);
}

}  // namespace
}  // namespace ogw::gw
