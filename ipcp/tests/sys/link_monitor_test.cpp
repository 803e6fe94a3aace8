// SPDX-License-Identifier: BSD-3-Clause
// The link monitor's pure parts: rtnetlink link and address messages as the kernel sends them
// (built here byte by byte), malformed ones rejected, and the LinkTable they fill.
#include <ipcp/link_monitor.hpp>

#include <gtest/gtest.h>

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace ogw::ipcp {
namespace {

// An rtnetlink message under construction, in an aligned buffer as the monitor receives it.
class Message {
public:
    Message(std::uint16_t type, const void* header, std::size_t header_size) {
        put(nlmsghdr{0, type, 0, 1, 0});
        append(header, header_size);
    }
    Message& attr(std::uint16_t type, const void* data, std::size_t size) {
        const auto length = static_cast<std::uint16_t>(sizeof(nlattr) + size);
        put(nlattr{length, type});
        append(data, size);
        while (bytes_.size() % 4 != 0) {
            bytes_.push_back(std::byte{0});
        }
        return *this;
    }
    Message& attr_u32(std::uint16_t type, std::uint32_t v) { return attr(type, &v, sizeof v); }
    Message& attr_str(std::uint16_t type, std::string_view s) {
        std::vector<char> z(s.begin(), s.end());
        z.push_back('\0');
        return attr(type, z.data(), z.size());
    }
    // The message, its length field set; `cut` bytes short if asked.
    std::span<const std::byte> bytes(std::size_t cut = 0) {
        const auto length = static_cast<std::uint32_t>(bytes_.size());
        std::memcpy(bytes_.data(), &length, sizeof length);
        aligned_.assign((bytes_.size() + 3) / 4, 0);
        std::memcpy(aligned_.data(), bytes_.data(), bytes_.size());
        return {reinterpret_cast<const std::byte*>(aligned_.data()), bytes_.size() - cut};
    }

private:
    template <class T>
    void put(const T& v) {
        append(&v, sizeof v);
    }
    void append(const void* p, std::size_t n) {
        const auto* b = static_cast<const std::byte*>(p);
        bytes_.insert(bytes_.end(), b, b + n);
    }
    std::vector<std::byte> bytes_;
    std::vector<std::uint32_t> aligned_;
};

Message link_message(std::uint16_t type, int index, unsigned flags) {
    ifinfomsg ifi{};
    ifi.ifi_family = AF_UNSPEC;
    ifi.ifi_index = index;
    ifi.ifi_flags = flags;
    return Message(type, &ifi, sizeof ifi);
}

Message address_message(std::uint16_t type, unsigned char family, unsigned index) {
    ifaddrmsg ifa{};
    ifa.ifa_family = family;
    ifa.ifa_prefixlen = family == AF_INET ? 24 : 64;
    ifa.ifa_index = index;
    return Message(type, &ifa, sizeof ifa);
}

constexpr unsigned up_running = IFF_UP | IFF_RUNNING | IFF_BROADCAST;
const std::uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0x01};
const std::uint8_t v4[4] = {10, 0, 0, 1};

TEST(LinkMessage, ParsesIndexFlagsMtuNameAndMac) {
    auto m = link_message(RTM_NEWLINK, 7, up_running);
    m.attr_str(IFLA_IFNAME, "veth0").attr_u32(IFLA_MTU, 1400).attr(IFLA_ADDRESS, mac, 6);
    const auto parsed = parse_link_message(m.bytes());
    ASSERT_TRUE(parsed);
    EXPECT_FALSE(parsed->removed);
    EXPECT_EQ(parsed->link.index, 7U);
    EXPECT_EQ(parsed->link.name, "veth0");
    EXPECT_EQ(parsed->link.mtu, 1400U);
    ASSERT_TRUE(parsed->link.mac);
    EXPECT_EQ(parsed->link.mac->to_string(), "02:00:00:00:00:01");
    EXPECT_TRUE(parsed->link.up());
}

TEST(LinkMessage, UpNeedsBothIffUpAndCarrier) {
    EXPECT_FALSE(parse_link_message(link_message(RTM_NEWLINK, 2, IFF_UP).bytes())->link.up());
    EXPECT_FALSE(parse_link_message(link_message(RTM_NEWLINK, 2, IFF_RUNNING).bytes())->link.up());
    EXPECT_TRUE(parse_link_message(link_message(RTM_NEWLINK, 2, IFF_UP | IFF_RUNNING).bytes())
                    ->link.up());
}

TEST(LinkMessage, DelLinkIsRemoved) {
    const auto parsed = parse_link_message(link_message(RTM_DELLINK, 3, 0).bytes());
    ASSERT_TRUE(parsed);
    EXPECT_TRUE(parsed->removed);
}

TEST(LinkMessage, RejectsOtherTypesTruncationAndBadAttributes) {
    EXPECT_FALSE(parse_link_message(link_message(RTM_NEWADDR, 2, 0).bytes()));
    EXPECT_FALSE(parse_link_message(link_message(RTM_NEWLINK, 0, 0).bytes()));  // no index
    auto m = link_message(RTM_NEWLINK, 2, up_running);
    m.attr_u32(IFLA_MTU, 1500);
    const auto whole = m.bytes();
    for (std::size_t n = 0; n < whole.size(); n += 4) {
        EXPECT_FALSE(parse_link_message(whole.first(n))) << n;
    }
    auto bad_mtu = link_message(RTM_NEWLINK, 2, up_running);
    const std::uint16_t short_mtu = 1500;
    bad_mtu.attr(IFLA_MTU, &short_mtu, sizeof short_mtu);
    EXPECT_FALSE(parse_link_message(bad_mtu.bytes()));
    // A hardware address that is not 6 bytes (e.g. a tunnel's) is left out, not an error.
    auto long_mac = link_message(RTM_NEWLINK, 2, up_running);
    const std::uint8_t eight[8] = {};
    long_mac.attr(IFLA_ADDRESS, eight, sizeof eight);
    const auto parsed = parse_link_message(long_mac.bytes());
    ASSERT_TRUE(parsed);
    EXPECT_FALSE(parsed->link.mac);
}

TEST(AddressMessage, PrefersTheLocalAddressOnPointToPointLinks) {
    const std::uint8_t peer[4] = {10, 0, 0, 2};
    auto m = address_message(RTM_NEWADDR, AF_INET, 4);
    m.attr(IFA_ADDRESS, peer, 4).attr(IFA_LOCAL, v4, 4);
    const auto parsed = parse_address_message(m.bytes());
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->index, 4U);
    EXPECT_EQ(parsed->address.to_string(), "10.0.0.1");
    EXPECT_FALSE(parsed->removed);
}

TEST(AddressMessage, ParsesIpv6AndDeletion) {
    const std::uint8_t v6[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    auto m = address_message(RTM_DELADDR, AF_INET6, 5);
    m.attr(IFA_ADDRESS, v6, sizeof v6);
    const auto parsed = parse_address_message(m.bytes());
    ASSERT_TRUE(parsed);
    EXPECT_TRUE(parsed->removed);
    EXPECT_EQ(parsed->address.to_string(), "fd00::1");
}

TEST(AddressMessage, RejectsAddressesOfTheWrongSizeOrNone) {
    auto wrong = address_message(RTM_NEWADDR, AF_INET6, 5);
    wrong.attr(IFA_ADDRESS, v4, 4);
    EXPECT_FALSE(parse_address_message(wrong.bytes()));
    EXPECT_FALSE(parse_address_message(address_message(RTM_NEWADDR, AF_INET, 5).bytes()));
    auto no_index = address_message(RTM_NEWADDR, AF_INET, 0);
    no_index.attr(IFA_LOCAL, v4, 4);
    EXPECT_FALSE(parse_address_message(no_index.bytes()));
}

TEST(LinkTable, FollowsLinksAndTheOwnersOfAddresses) {
    LinkTable table;
    auto link = link_message(RTM_NEWLINK, 4, up_running);
    link.attr_u32(IFLA_MTU, 1500);
    table.apply(*parse_link_message(link.bytes()));
    auto addr = address_message(RTM_NEWADDR, AF_INET, 4);
    addr.attr(IFA_LOCAL, v4, 4);
    table.apply(*parse_address_message(addr.bytes()));
    const IpAddress ip = IpAddress::parse("10.0.0.1").value();
    EXPECT_EQ(table.owner_of(ip), 4U);
    EXPECT_EQ(table.owner_of(ip, 4), 4U);
    EXPECT_EQ(table.owner_of(ip, 5), std::nullopt);  // the zone names another link
    ASSERT_NE(table.find(4), nullptr);
    EXPECT_EQ(table.find(4)->mtu, 1500U);

    table.apply(*parse_link_message(link_message(RTM_DELLINK, 4, 0).bytes()));
    EXPECT_EQ(table.find(4), nullptr);
    EXPECT_EQ(table.owner_of(ip), std::nullopt);  // its addresses went with it
}

}  // namespace
}  // namespace ogw::ipcp
