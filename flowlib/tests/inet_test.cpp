// SPDX-License-Identifier: BSD-3-Clause
#include <flowlib/inet.hpp>

#include <gtest/gtest.h>

#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include <netinet/in.h>

namespace ogw {
namespace {

IpAddress ip(std::string_view text) {
    auto a = IpAddress::parse(text);
    EXPECT_TRUE(a.has_value()) << text;
    return a.value_or(IpAddress());
}

IpPrefix prefix(std::string_view text) {
    auto p = IpPrefix::parse(text);
    EXPECT_TRUE(p.has_value()) << text;
    return p.value_or(IpPrefix());
}

TEST(IpAddress, ParsesAndFormatsIpv4) {
    const auto a = ip("10.0.0.1");
    EXPECT_TRUE(a.is_v4());
    ASSERT_EQ(a.bytes().size(), 4U);
    EXPECT_EQ(a.bytes()[0], 10);
    EXPECT_EQ(a.bytes()[3], 1);
    EXPECT_EQ(a.to_string(), "10.0.0.1");
    EXPECT_EQ(a.max_prefix_length(), 32U);
}

TEST(IpAddress, ParsesAndFormatsIpv6Canonically) {
    const auto a = ip("FD00:0:0::0001");
    EXPECT_TRUE(a.is_v6());
    ASSERT_EQ(a.bytes().size(), 16U);
    EXPECT_EQ(a.bytes()[0], 0xfd);
    EXPECT_EQ(a.bytes()[15], 1);
    EXPECT_EQ(a.to_string(), "fd00::1");
}

TEST(IpAddress, RejectsGarbage) {
    for (const char* text :
         {"", "10.0.0.300", "10.0.0", "10.0.0.1.2", "010.0.0.1", "fd00:::1", "fe80::1%eth0",
          "10.0.0.1 ", "hello", "1.2.3.4/24", "0000:0000:0000:0000:0000:0000:0000:0000:0000"}) {
        EXPECT_FALSE(IpAddress::parse(text).has_value()) << text;
    }
    EXPECT_FALSE(IpAddress::parse(std::string_view("1.2.3.4\0", 8)).has_value());
}

TEST(IpAddress, ComparesFamilyFirstThenBytes) {
    EXPECT_EQ(ip("10.0.0.1"), ip("10.0.0.1"));
    EXPECT_NE(ip("10.0.0.1"), ip("10.0.0.2"));
    EXPECT_LT(ip("10.0.0.1"), ip("10.0.0.2"));
    EXPECT_LT(ip("255.255.255.255"), ip("::"));
    EXPECT_NE(ip("0.0.0.0"), ip("::"));
}

TEST(IpAddress, ClassifiesSpecialAddresses) {
    EXPECT_TRUE(ip("0.0.0.0").is_unspecified());
    EXPECT_TRUE(ip("::").is_unspecified());
    EXPECT_FALSE(ip("::1").is_unspecified());
    EXPECT_TRUE(ip("127.0.0.2").is_loopback());
    EXPECT_TRUE(ip("::1").is_loopback());
    EXPECT_TRUE(ip("224.0.0.1").is_multicast());
    EXPECT_TRUE(ip("ff02::1").is_multicast());
    EXPECT_FALSE(ip("fd00::1").is_multicast());
    EXPECT_TRUE(ip("fe80::1").is_link_local());
    EXPECT_TRUE(ip("169.254.1.1").is_link_local());
    EXPECT_FALSE(ip("fec0::1").is_link_local());
}

TEST(IpAddress, UnmapsV4MappedAddresses) {
    EXPECT_TRUE(ip("::ffff:10.0.0.1").is_v4_mapped());
    EXPECT_EQ(ip("::ffff:10.0.0.1").unmapped(), ip("10.0.0.1"));
    EXPECT_EQ(ip("fd00::1").unmapped(), ip("fd00::1"));
    EXPECT_EQ(ip("10.0.0.1").unmapped(), ip("10.0.0.1"));
}

TEST(IpAddress, HashesEqualAddressesEqually) {
    std::unordered_set<IpAddress> set{ip("10.0.0.1"), ip("fd00::1"), ip("10.0.0.1")};
    EXPECT_EQ(set.size(), 2U);
    EXPECT_TRUE(set.contains(ip("fd00:0::1")));
    EXPECT_NE(std::hash<IpAddress>{}(ip("0.0.0.0")), std::hash<IpAddress>{}(ip("::")));
}

TEST(IpPrefix, ParsesNormalisedPrefix) {
    const auto p = prefix("10.10.2.0/24");
    EXPECT_EQ(p.length(), 24U);
    EXPECT_FALSE(p.has_host_bits());
    EXPECT_EQ(p.to_string(), "10.10.2.0/24");
    EXPECT_EQ(prefix("fd00:2::/64").to_string(), "fd00:2::/64");
}

TEST(IpPrefix, KeepsHostBitsAndReportsThem) {
    const auto p = prefix("10.10.1.1/24");
    EXPECT_TRUE(p.has_host_bits());
    EXPECT_EQ(p.address(), ip("10.10.1.1"));
    EXPECT_EQ(p.network().to_string(), "10.10.1.0/24");
    EXPECT_FALSE(p.network().has_host_bits());
    EXPECT_EQ(prefix("fd00:2::1:2/65").network().to_string(), "fd00:2::/65");
    EXPECT_EQ(prefix("10.255.255.255/9").network().to_string(), "10.128.0.0/9");
}

TEST(IpPrefix, BareAddressIsHostPrefix) {
    EXPECT_EQ(prefix("10.0.0.1").length(), 32U);
    EXPECT_EQ(prefix("fd00::1").length(), 128U);
    EXPECT_FALSE(prefix("fd00::1").has_host_bits());
}

TEST(IpPrefix, RejectsBadLengthsAndAddresses) {
    for (const char* text :
         {"10.0.0.0/33", "fd00::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/8/8",
          "10.0.0.300/8", "/8", "", "10.0.0.0/99999999999999999999", "fe80::%eth0/64"}) {
        EXPECT_FALSE(IpPrefix::parse(text).has_value()) << text;
    }
}

TEST(IpPrefix, ContainsAddressesOfItsFamilyOnly) {
    const auto p = prefix("10.10.2.0/24");
    EXPECT_TRUE(p.contains(ip("10.10.2.0")));
    EXPECT_TRUE(p.contains(ip("10.10.2.255")));
    EXPECT_FALSE(p.contains(ip("10.10.3.1")));
    EXPECT_FALSE(p.contains(ip("::ffff:10.10.2.1")));
    EXPECT_TRUE(prefix("0.0.0.0/0").contains(ip("192.0.2.1")));
    EXPECT_FALSE(prefix("0.0.0.0/0").contains(ip("::1")));
    EXPECT_TRUE(prefix("fd00:2::/64").contains(ip("fd00:2::abcd")));
    EXPECT_FALSE(prefix("fd00:2::/64").contains(ip("fd00:3::1")));
    EXPECT_TRUE(prefix("10.10.1.1/24").contains(ip("10.10.1.77")));
}

TEST(IpPrefix, HashesAsMapKey) {
    std::unordered_map<IpPrefix, int> routes{{prefix("10.0.0.0/8"), 1}, {prefix("10.0.0.0/16"), 2}};
    EXPECT_EQ(routes.at(prefix("10.0.0.0/8")), 1);
    EXPECT_EQ(routes.at(prefix("10.0.0.0/16")), 2);
    EXPECT_FALSE(routes.contains(prefix("10.0.0.0/24")));
}

TEST(SocketAddress, ParsesIpv4WithPort) {
    auto a = SocketAddress::parse("10.0.0.1:3435");
    ASSERT_TRUE(a.has_value());
    EXPECT_EQ(a->ip(), ip("10.0.0.1"));
    EXPECT_EQ(a->port(), 3435);
    EXPECT_EQ(a->to_string(), "10.0.0.1:3435");
}

TEST(SocketAddress, ParsesBracketedIpv6) {
    auto a = SocketAddress::parse("[fd00::1]:3435");
    ASSERT_TRUE(a.has_value());
    EXPECT_TRUE(a->ip().is_v6());
    EXPECT_EQ(a->port(), 3435);
    EXPECT_EQ(a->to_string(), "[fd00::1]:3435");
}

TEST(SocketAddress, UsesDefaultPortOnlyWhenGiven) {
    EXPECT_EQ(SocketAddress::parse("10.0.0.1", 3435).value_or(SocketAddress()).port(), 3435);
    EXPECT_EQ(SocketAddress::parse("[fd00::1]", 7).value_or(SocketAddress()).port(), 7);
    EXPECT_EQ(SocketAddress::parse("fd00::1", 7).value_or(SocketAddress()).to_string(),
              "[fd00::1]:7");
    EXPECT_EQ(SocketAddress::parse("10.0.0.1:9", 3435).value_or(SocketAddress()).port(), 9);
    EXPECT_FALSE(SocketAddress::parse("10.0.0.1").has_value());
    EXPECT_FALSE(SocketAddress::parse("[fd00::1]").has_value());
}

TEST(SocketAddress, KeepsNamedAndNumericZones) {
    auto named = SocketAddress::parse("[fe80::1%veth0]:3435");
    ASSERT_TRUE(named.has_value());
    EXPECT_EQ(named->scope_name(), "veth0");
    EXPECT_EQ(named->scope_id(), 0U);
    EXPECT_TRUE(named->has_unresolved_scope());
    EXPECT_EQ(named->to_string(), "[fe80::1%veth0]:3435");

    auto numeric = SocketAddress::parse("[fe80::1%7]:3435");
    ASSERT_TRUE(numeric.has_value());
    EXPECT_EQ(numeric->scope_id(), 7U);
    EXPECT_FALSE(numeric->has_unresolved_scope());
    EXPECT_EQ(numeric->to_string(), "[fe80::1%7]:3435");

    EXPECT_EQ(named->with_scope_id(7), *numeric);
    EXPECT_NE(*named, *numeric);
}

TEST(SocketAddress, RejectsMalformedText) {
    for (const char* text : {"",
                             "10.0.0.300:3435",
                             "10.0.0.1:",
                             "10.0.0.1:65536",
                             "10.0.0.1:-1",
                             "10.0.0.1:+1",
                             "10.0.0.1:http",
                             "[fd00::1",
                             "[fd00::1]3435",
                             "[fd00::1]:",
                             "[10.0.0.1]:3435",
                             "10.0.0.1%eth0:3435",
                             "[fe80::1%]:1",
                             "[fe80::1%0]:1",
                             "[fe80::1%4294967296]:1",
                             "[fe80::1%a/b]:1",
                             "[fe80::1%abcdefghijklmnop]:1",
                             "[fe80::1%a b]:1",
                             "[]:1",
                             "fd00::1:3435:"}) {
        EXPECT_FALSE(SocketAddress::parse(text, 3435).has_value()) << text;
    }
}

TEST(SocketAddress, RoundTripsThroughSockaddrIpv4) {
    const auto a = SocketAddress::parse("192.0.2.7:3435").value_or(SocketAddress());
    const auto sa = a.to_sockaddr();
    EXPECT_EQ(sa.length, sizeof(sockaddr_in));
    EXPECT_EQ(sa.get()->sa_family, AF_INET);
    auto back = SocketAddress::from_sockaddr(sa.get(), sa.length);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, a);
}

TEST(SocketAddress, RoundTripsThroughSockaddrIpv6WithScope) {
    const auto a = SocketAddress::parse("[fe80::2%3]:4000").value_or(SocketAddress());
    const auto sa = a.to_sockaddr();
    EXPECT_EQ(sa.length, sizeof(sockaddr_in6));
    sockaddr_in6 sin6{};
    std::memcpy(&sin6, &sa.storage, sizeof sin6);
    EXPECT_EQ(sin6.sin6_scope_id, 3U);
    EXPECT_EQ(ntohs(sin6.sin6_port), 4000);
    auto back = SocketAddress::from_sockaddr(sa.get(), sa.length);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, a);
}

TEST(SocketAddress, RejectsShortOrForeignSockaddr) {
    sockaddr_in6 sin6{};
    sin6.sin6_family = AF_INET6;
    EXPECT_FALSE(
        SocketAddress::from_sockaddr(reinterpret_cast<const sockaddr*>(&sin6), sizeof(sockaddr_in))
            .has_value());
    sockaddr_storage other{};
    other.ss_family = AF_UNIX;
    EXPECT_FALSE(
        SocketAddress::from_sockaddr(reinterpret_cast<const sockaddr*>(&other), sizeof other)
            .has_value());
    EXPECT_FALSE(SocketAddress::from_sockaddr(nullptr, 0).has_value());
}

TEST(SocketAddress, WorksAsHashMapKey) {
    std::unordered_map<SocketAddress, int> peers;
    peers[SocketAddress::parse("10.0.0.2:3435").value_or(SocketAddress())] = 1;
    peers[SocketAddress::parse("10.0.0.2:3436").value_or(SocketAddress())] = 2;
    peers[SocketAddress::parse("[fe80::1%2]:3435").value_or(SocketAddress())] = 3;
    peers[SocketAddress::parse("[fe80::1%3]:3435").value_or(SocketAddress())] = 4;
    EXPECT_EQ(peers.size(), 4U);
    EXPECT_EQ(peers.at(SocketAddress(ip("10.0.0.2"), 3436)), 2);
    EXPECT_EQ(peers.at(SocketAddress::parse("[fe80::1%3]:3435").value_or(SocketAddress())), 4);
}

TEST(MacAddress, ParsesAndFormats) {
    auto m = MacAddress::parse("AA:bb:0c:dd:ee:FF");
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->bytes()[0], 0xaa);
    EXPECT_EQ(m->bytes()[2], 0x0c);
    EXPECT_EQ(m->to_string(), "aa:bb:0c:dd:ee:ff");
    EXPECT_FALSE(m->is_broadcast());
}

TEST(MacAddress, RejectsMalformedText) {
    for (const char* text :
         {"", "aa:bb:cc:dd:ee", "aa:bb:cc:dd:ee:ff:00", "aa-bb-cc-dd-ee-ff", "aa:bb:cc:dd:ee:fg",
          "aabb:cc:dd:ee:ff:", " a:bb:cc:dd:ee:ff", "+a:bb:cc:dd:ee:ff"}) {
        EXPECT_FALSE(MacAddress::parse(text).has_value()) << text;
    }
}

TEST(MacAddress, ClassifiesBroadcastAndMulticast) {
    EXPECT_TRUE(MacAddress::broadcast().is_broadcast());
    EXPECT_EQ(MacAddress::parse("ff:ff:ff:ff:ff:ff").value_or(MacAddress()),
              MacAddress::broadcast());
    EXPECT_TRUE(MacAddress::broadcast().is_multicast());
    EXPECT_TRUE(MacAddress::parse("01:00:5e:00:00:01").value_or(MacAddress()).is_multicast());
    EXPECT_FALSE(MacAddress::parse("02:00:00:00:00:01").value_or(MacAddress()).is_multicast());
    EXPECT_TRUE(MacAddress().is_zero());
    std::unordered_set<MacAddress> set{MacAddress(), MacAddress::broadcast(), MacAddress()};
    EXPECT_EQ(set.size(), 2U);
}

}  // namespace
}  // namespace ogw
