// SPDX-License-Identifier: BSD-3-Clause
// The answer parsers: kernel-shaped golden messages, then truncated, misaligned and garbage
// ones, which must give nullopt or ignore the bad part, and never read past the bytes given
// (every message is its own heap block, so AddressSanitizer sees an overread).
#include "tests/rtnl_test_support.hpp"
#include "tun/rtnl_message.hpp"

#include <gtest/gtest.h>

#include <climits>
#include <cstring>
#include <functional>

namespace ogw::gw {
namespace {

using test::Bytes;
using test::bytes;
using test::prefix;

void put16(Bytes& message, std::size_t offset, std::uint16_t value) {
    std::memcpy(message.data() + offset, &value, sizeof value);
}

void put32(Bytes& message, std::size_t offset, std::uint32_t value) {
    std::memcpy(message.data() + offset, &value, sizeof value);
}

// The message cut to n bytes, nlmsg_len saying n as well.
Bytes cut(const Bytes& message, std::size_t n) {
    Bytes out(message.begin(), message.begin() + static_cast<std::ptrdiff_t>(n));
    if (n >= 4) {
        put32(out, 0, static_cast<std::uint32_t>(n));
    }
    return out;
}

// The golden bytes are laid out by structure, a header or attribute a line.
// clang-format off

// RTM_NEWLINK for ifindex 5 "ogw0", IFF_UP | IFF_RUNNING, MTU 1500.
Bytes link_message() {
    return bytes({0x34, 0, 0, 0, 0x10, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0,  //
                  0, 0, 0xfe, 0xff, 5, 0, 0, 0, 0x41, 0, 0, 0, 0, 0, 0, 0,  // ARPHRD_NONE
                  9, 0, 3, 0, 'o', 'g', 'w', '0', 0, 0, 0, 0,               // IFLA_IFNAME
                  8, 0, 4, 0, 0xdc, 0x05, 0, 0});                          // IFLA_MTU
}

// RTM_NEWADDR 10.10.1.1/24 on ifindex 5 with the point-to-point peer 10.10.1.9.
Bytes address_message() {
    return bytes({0x30, 0, 0, 0, 0x14, 0, 0x02, 0, 1, 0, 0, 0, 0, 0, 0, 0,  // NLM_F_MULTI
                  2, 24, 0, 0, 5, 0, 0, 0,                                   //
                  8, 0, 1, 0, 10, 10, 1, 9,                                  // IFA_ADDRESS
                  8, 0, 2, 0, 10, 10, 1, 1,                                  // IFA_LOCAL
                  8, 0, 8, 0, 0x80, 0x02, 0, 0});                            // IFA_FLAGS
}

// RTM_NEWROUTE fd00:2::/64 dev 5 proto 0xa0 metric 1024, table in RTA_TABLE.
Bytes route_message() {
    return bytes({0x48, 0, 0, 0, 0x18, 0, 0x02, 0, 1, 0, 0, 0, 0, 0, 0, 0,  //
                  10, 64, 0, 0, 0xfe, 0xa0, 0, 1, 0, 0, 0, 0,                //
                  8, 0, 15, 0, 0xfe, 0, 0, 0,                                // RTA_TABLE
                  20, 0, 1, 0, 0xfd, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                  8, 0, 6, 0, 0, 4, 0, 0,                                    // RTA_PRIORITY
                  8, 0, 4, 0, 5, 0, 0, 0});                                  // RTA_OIF
}

// NLMSG_ERROR EEXIST, capped, with the extended ack message "bad".
Bytes error_message() {
    return bytes({0x2c, 0, 0, 0, 2, 0, 0, 0x03, 3, 0, 0, 0, 0, 0, 0, 0,  // CAPPED|ACK_TLVS
                  0xef, 0xff, 0xff, 0xff,                                // -17
                  0x28, 0, 0, 0, 0x14, 0, 0x05, 0x06, 3, 0, 0, 0, 0, 0, 0, 0,
                  8, 0, 1, 0, 'b', 'a', 'd', 0});                        // NLMSGERR_ATTR_MSG
}

TEST(RtnlParse, Link) {
    const auto link = parse_link(link_message());
    ASSERT_TRUE(link);
    EXPECT_EQ(link->ifindex, 5);
    EXPECT_EQ(link->name, "ogw0");
    EXPECT_EQ(link->mtu, 1500U);
    EXPECT_EQ(link->flags, 0x41U);
    EXPECT_TRUE(link->up());
}

TEST(RtnlParse, AddressPrefersLocalOverPeer) {
    const auto address = parse_address(address_message());
    ASSERT_TRUE(address);
    EXPECT_EQ(address->ifindex, 5);
    EXPECT_EQ(address->address, prefix("10.10.1.1/24"));
    EXPECT_EQ(address->flags, 0x280U);
}

TEST(RtnlParse, Route) {
    const auto route = parse_route(route_message());
    ASSERT_TRUE(route);
    EXPECT_EQ(route->prefix, prefix("fd00:2::/64"));
    EXPECT_EQ(route->ifindex, 5);
    EXPECT_EQ(route->metric, 1024U);
    EXPECT_EQ(route->table, 254U);
    EXPECT_EQ(route->protocol, 0xa0);
    EXPECT_EQ(route->type, 1);
}

TEST(RtnlParse, RouteWithoutDestinationIsTheDefault) {
    const auto route = parse_route(bytes({0x24, 0, 0, 0, 0x18, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                          2, 0, 0, 0, 0xfe, 3, 0, 1, 0, 0, 0, 0,  //
                                          8, 0, 4, 0, 2, 0, 0, 0}));
    ASSERT_TRUE(route);
    EXPECT_EQ(route->prefix, prefix("0.0.0.0/0"));
    EXPECT_EQ(route->metric, std::nullopt);
    EXPECT_EQ(route->table, 254U);
}

TEST(RtnlParse, ErrorWithExtendedAck) {
    const auto ack = parse_ack(error_message());
    ASSERT_TRUE(ack);
    EXPECT_EQ(ack->error, 17);
    EXPECT_EQ(ack->message, "bad");
}

TEST(RtnlParse, PlainAck) {
    const auto ack = parse_ack(bytes({0x24, 0, 0, 0, 2, 0, 0, 0x01, 3, 0, 0, 0, 0, 0, 0, 0,  //
                                      0, 0, 0, 0,                                           //
                                      0x28, 0, 0, 0, 0x14, 0, 0x05, 0x06, 3, 0, 0, 0, 0, 0,
                                      0, 0}));
    ASSERT_TRUE(ack);
    EXPECT_EQ(ack->error, 0);
    EXPECT_EQ(ack->message, "");
}

// Uncapped, the whole request comes back before the attributes.
TEST(RtnlParse, ErrorEchoingTheRequest) {
    const auto ack = parse_ack(bytes({0x38, 0, 0, 0, 2, 0, 0, 0x02, 3, 0, 0, 0, 0, 0, 0, 0,  //
                                      0xea, 0xff, 0xff, 0xff,                               //
                                      0x18, 0, 0, 0, 0x14, 0, 0x05, 0x06, 3, 0, 0, 0, 0, 0,
                                      0, 0, 2, 24, 0, 0, 5, 0, 0, 0,  // the ifaddrmsg
                                      12, 0, 1, 0, 'n', 'o', ' ', 'w', 'a', 'y', 0, 0}));
    ASSERT_TRUE(ack);
    EXPECT_EQ(ack->error, 22);
    EXPECT_EQ(ack->message, "no way");
}

// clang-format on

TEST(RtnlParse, ErrorOfAnySign) {
    Bytes message = error_message();
    put32(message, 16, 5);
    EXPECT_EQ(parse_ack(message)->error, 5);
    put32(message, 16, static_cast<std::uint32_t>(INT_MIN));
    EXPECT_EQ(parse_ack(message)->error, EPROTO);
}

TEST(RtnlParse, ErrorWhoseEchoedLengthIsHuge) {
    Bytes message = error_message();
    put16(message, 6, 0x0200);  // not capped: the echoed length is taken as given
    put32(message, 20, 0xffffffffU);
    const auto ack = parse_ack(message);
    ASSERT_TRUE(ack);
    EXPECT_EQ(ack->error, 17);
    EXPECT_EQ(ack->message, "");
}

TEST(RtnlParse, UnterminatedAckTextIsIgnored) {
    Bytes message = error_message();
    message.back() = std::byte{'!'};
    EXPECT_EQ(parse_ack(message)->message, "");
}

using Parser = std::function<bool(std::span<const std::byte>)>;

struct Case {
    const char* name;
    Bytes message;
    Parser parse;
    std::size_t fixed;  // nlmsghdr and family header: shorter is never a message
};

std::vector<Case> cases() {
    return {
        {"link", link_message(), [](auto m) { return parse_link(m).has_value(); }, 32},
        {"address", address_message(), [](auto m) { return parse_address(m).has_value(); }, 24},
        {"route", route_message(), [](auto m) { return parse_route(m).has_value(); }, 28},
        {"ack", error_message(), [](auto m) { return parse_ack(m).has_value(); }, 36},
    };
}

TEST(RtnlParse, EveryParserTakesOnlyItsType) {
    for (const Case& c : cases()) {
        int accepted = 0;
        for (const Case& other : cases()) {
            accepted += other.parse(c.message) ? 1 : 0;
        }
        EXPECT_EQ(accepted, 1) << c.name;
    }
}

TEST(RtnlParse, ShortBufferIsNoMessage) {
    for (const Case& c : cases()) {
        for (std::size_t n = 0; n < c.message.size(); ++n) {
            const Bytes shorter(c.message.begin(),
                                c.message.begin() + static_cast<std::ptrdiff_t>(n));
            EXPECT_FALSE(c.parse(shorter)) << c.name << " cut to " << n << " bytes";
        }
    }
}

TEST(RtnlParse, TruncatedMessageNeverReadsPastItsLength) {
    for (const Case& c : cases()) {
        for (std::size_t n = 0; n <= c.message.size(); ++n) {
            const bool parsed = c.parse(cut(c.message, n));
            if (n < c.fixed) {
                EXPECT_FALSE(parsed) << c.name << " cut to " << n << " bytes";
            }
        }
    }
}

TEST(RtnlParse, TruncationDropsTheCutAttribute) {
    const auto without_mtu = parse_link(cut(link_message(), 50));
    ASSERT_TRUE(without_mtu);
    EXPECT_EQ(without_mtu->name, "ogw0");
    EXPECT_EQ(without_mtu->mtu, 0U);

    const auto without_name = parse_link(cut(link_message(), 38));
    ASSERT_TRUE(without_name);
    EXPECT_EQ(without_name->name, "");

    EXPECT_FALSE(parse_route(cut(route_message(), 50))) << "a cut destination is no route";
}

// nlmsg_len need not be a multiple of 4: an attribute must fit the unrounded length.
TEST(RtnlParse, AttributePastAnUnalignedLengthIsIgnored) {
    Bytes message = link_message();
    message.resize(49);
    put32(message, 0, 49);
    const auto link = parse_link(message);
    ASSERT_TRUE(link);
    EXPECT_EQ(link->mtu, 0U);
}

TEST(RtnlParse, MisalignedMessageIsRefused) {
    for (const Case& c : cases()) {
        Bytes shifted(c.message.size() + 1);
        std::memcpy(shifted.data() + 1, c.message.data(), c.message.size());
        EXPECT_FALSE(c.parse(std::span<const std::byte>(shifted).subspan(1))) << c.name;
    }
}

TEST(RtnlParse, LengthBelowHeaderIsRefused) {
    for (const Case& c : cases()) {
        Bytes message = c.message;
        put32(message, 0, 15);
        EXPECT_FALSE(c.parse(message)) << c.name;
    }
}

// Found by the fuzzer: libmnl's mnl_nlmsg_ok takes such a length for a negative int.
TEST(RtnlParse, LengthOfTwoGibibytesIsRefused) {
    for (const Case& c : cases()) {
        Bytes message = c.message;
        put32(message, 0, 0xfffb003cU);
        EXPECT_FALSE(c.parse(message)) << c.name;
    }
}

TEST(RtnlParse, ZeroLengthAttributeEndsTheAttributes) {
    Bytes message = link_message();
    put16(message, 32, 0);  // IFLA_IFNAME's nla_len
    const auto link = parse_link(message);
    ASSERT_TRUE(link);
    EXPECT_EQ(link->name, "");
    EXPECT_EQ(link->mtu, 0U);
}

TEST(RtnlParse, AttributeOfWrongSizeIsIgnored) {
    Bytes message = link_message();
    put16(message, 44, 6);  // IFLA_MTU with 2 bytes
    EXPECT_EQ(parse_link(message)->mtu, 0U);
    put16(message, 44, 0xffff);
    EXPECT_EQ(parse_link(message)->mtu, 0U);
}

TEST(RtnlParse, UnknownAndNestedFlaggedTypesAreHarmless) {
    Bytes message = link_message();
    put16(message, 46, 0x8000 | 4);  // NLA_F_NESTED is not part of the type
    EXPECT_EQ(parse_link(message)->mtu, 1500U);
    put16(message, 46, 1000);
    EXPECT_EQ(parse_link(message)->mtu, 0U);
}

TEST(RtnlParse, BadRouteDestination) {
    Bytes message = route_message();
    put16(message, 36, 7);  // RTA_DST with 3 bytes
    EXPECT_FALSE(parse_route(message));

    message = route_message();
    message[17] = std::byte{129};  // rtm_dst_len past 128
    EXPECT_FALSE(parse_route(message));

    message = route_message();
    put16(message, 38, 100);  // no RTA_DST, yet a prefix length
    EXPECT_FALSE(parse_route(message));

    message = route_message();
    message[16] = std::byte{0};  // AF_UNSPEC
    EXPECT_FALSE(parse_route(message));
}

TEST(RtnlParse, BadAddress) {
    Bytes message = address_message();
    message[17] = std::byte{33};
    EXPECT_FALSE(parse_address(message));

    message = address_message();
    message[16] = std::byte{10};  // IPv6 with 4-byte addresses
    EXPECT_FALSE(parse_address(message));
}

}  // namespace
}  // namespace ogw::gw
