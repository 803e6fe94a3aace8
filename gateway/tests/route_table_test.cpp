// SPDX-License-Identifier: BSD-3-Clause
#include "gw/route_table.hpp"

#include <gtest/gtest.h>

namespace ogw::gw {
namespace {

IpPrefix pfx(const char* s) { return IpPrefix::parse(s).value(); }
IpAddress ip(const char* s) { return IpAddress::parse(s).value(); }

TEST(RouteTable, LongestPrefixWins) {
    RouteTable t;
    t.add(pfx("10.0.0.0/8"), "a");
    t.add(pfx("10.1.0.0/16"), "b");
    t.add(pfx("10.1.2.0/24"), "c");
    t.add(pfx("0.0.0.0/0"), "default");
    struct Case {
        const char* addr;
        const char* peer;
    };
    for (const Case c : {Case{"10.2.3.4", "a"}, Case{"10.1.3.4", "b"}, Case{"10.1.2.200", "c"},
                         Case{"192.0.2.1", "default"}, Case{"10.1.2.0", "c"}}) {
        const auto p = t.lookup(ip(c.addr));
        ASSERT_TRUE(p.has_value()) << c.addr;
        EXPECT_EQ(t.peer_name(*p), c.peer) << c.addr;
    }
}

TEST(RouteTable, NoRouteWithoutDefault) {
    RouteTable t;
    t.add(pfx("10.10.2.0/24"), "site-b");
    EXPECT_FALSE(t.lookup(ip("10.10.3.1")).has_value());
    EXPECT_FALSE(t.lookup(ip("fd00::1")).has_value());
}

TEST(RouteTable, IPv6AndIPv4AreSeparate) {
    RouteTable t;
    t.add(pfx("fd00:2::/64"), "site-b");
    t.add(pfx("fd00:2:0:0:8000::/65"), "site-c");
    t.add(pfx("0.0.0.0/0"), "v4only");
    EXPECT_EQ(t.peer_name(*t.lookup(ip("fd00:2::1"))), "site-b");
    EXPECT_EQ(t.peer_name(*t.lookup(ip("fd00:2::8000:0:0:1"))), "site-c");
    EXPECT_FALSE(t.lookup(ip("fd00:3::1")).has_value());
    EXPECT_EQ(t.peer_name(*t.lookup(ip("8.8.8.8"))), "v4only");
}

TEST(RouteTable, HostBitsIgnoredAndRouteReplaced) {
    RouteTable t;
    t.add(pfx("10.10.2.77/24"), "site-b");
    EXPECT_EQ(t.peer_name(*t.lookup(ip("10.10.2.1"))), "site-b");
    t.add(pfx("10.10.2.0/24"), "site-c");
    EXPECT_EQ(t.peer_name(*t.lookup(ip("10.10.2.1"))), "site-c");
    EXPECT_EQ(t.size(), 1U);
}

TEST(RouteTable, ReversePathCheckUsesLongestMatch) {
    RouteTable t;
    t.add(pfx("10.0.0.0/8"), "a");
    t.add(pfx("10.1.0.0/16"), "b");
    const PeerIndex a = *t.peer_index("a");
    const PeerIndex b = *t.peer_index("b");
    EXPECT_TRUE(t.routes_to(ip("10.2.0.1"), a));
    EXPECT_FALSE(t.routes_to(ip("10.1.0.1"), a));  // belongs to b
    EXPECT_TRUE(t.routes_to(ip("10.1.0.1"), b));
    EXPECT_FALSE(t.routes_to(ip("192.168.0.1"), b));
    EXPECT_EQ(t.prefixes_of(b).size(), 1U);
}

TEST(RouteTable, PeersNumberedInOrder) {
    RouteTable t;
    t.add(pfx("10.0.2.0/24"), "site-b");
    t.add(pfx("fd00:2::/64"), "site-b");
    t.add(pfx("10.0.3.0/24"), "site-c");
    ASSERT_EQ(t.peers().size(), 2U);
    EXPECT_EQ(*t.peer_index("site-b"), 0U);
    EXPECT_EQ(*t.peer_index("site-c"), 1U);
    EXPECT_FALSE(t.peer_index("site-d").has_value());
    EXPECT_EQ(t.prefixes_of(0).size(), 2U);
}

}  // namespace
}  // namespace ogw::gw
