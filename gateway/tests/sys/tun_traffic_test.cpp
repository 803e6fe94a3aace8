// SPDX-License-Identifier: BSD-3-Clause
// Packets through a configured TUN (root, own network namespace): what a local socket sends to
// a routed prefix comes out of the device fd, and an echo request written into the fd is
// answered by the kernel back through the device.
#include "tests/rtnl_test_support.hpp"
#include "tests/sys/tun_netns.hpp"
#include "tun/tun_setup.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <string_view>

namespace ogw::gw {
namespace {

using test::Packet;
using test::prefix;

constexpr std::uint8_t proto_icmp = 1;
constexpr std::uint8_t proto_udp = 17;
constexpr std::uint8_t proto_icmpv6 = 58;

std::uint8_t at(const Packet& p, std::size_t i) {
    return i < p.size() ? std::to_integer<std::uint8_t>(p[i]) : 0;
}

std::uint16_t be16(const Packet& p, std::size_t i) {
    return static_cast<std::uint16_t>(at(p, i) << 8 | at(p, i + 1));
}

void put_be16(Packet& p, std::size_t i, std::uint16_t v) {
    p[i] = static_cast<std::byte>(v >> 8);
    p[i + 1] = static_cast<std::byte>(v & 0xff);
}

void append(Packet& p, std::span<const std::uint8_t> bytes) {
    for (const std::uint8_t b : bytes) {
        p.push_back(static_cast<std::byte>(b));
    }
}

void append(Packet& p, std::string_view text) {
    for (const char c : text) {
        p.push_back(static_cast<std::byte>(c));
    }
}

// The Internet checksum (RFC 1071) of bytes [from, to) plus a starting sum.
std::uint16_t checksum(const Packet& p, std::size_t from, std::size_t to, std::uint32_t sum = 0) {
    for (std::size_t i = from; i < to; i += 2) {
        sum += static_cast<std::uint32_t>(at(p, i) << 8 | (i + 1 < to ? at(p, i + 1) : 0));
    }
    while (sum > 0xffff) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return static_cast<std::uint16_t>(~sum & 0xffff);
}

bool addressed(const Packet& p, std::size_t offset, const IpAddress& address) {
    const auto bytes = address.bytes();
    return p.size() >= offset + bytes.size() &&
           std::memcmp(p.data() + offset, bytes.data(), bytes.size()) == 0;
}

Packet icmp_echo_v4(const IpAddress& src, const IpAddress& dst, std::string_view payload) {
    Packet p;
    append(p, std::array<std::uint8_t, 12>{0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, proto_icmp, 0, 0});
    append(p, src.bytes());
    append(p, dst.bytes());
    append(p, std::array<std::uint8_t, 8>{8, 0, 0, 0, 0x12, 0x34, 0, 1});
    append(p, payload);
    put_be16(p, 2, static_cast<std::uint16_t>(p.size()));
    put_be16(p, 10, checksum(p, 0, 20));
    put_be16(p, 22, checksum(p, 20, p.size()));
    return p;
}

// The ICMPv6 checksum covers a pseudo header of the addresses, length and next header.
std::uint32_t pseudo_header_sum(const Packet& p) {
    std::uint32_t sum = 0;
    for (std::size_t i = 8; i < 40; i += 2) {
        sum += be16(p, i);
    }
    return sum + be16(p, 4) + proto_icmpv6;
}

Packet icmp_echo_v6(const IpAddress& src, const IpAddress& dst, std::string_view payload) {
    Packet p;
    append(p, std::array<std::uint8_t, 8>{0x60, 0, 0, 0, 0, 0, proto_icmpv6, 64});
    append(p, src.bytes());
    append(p, dst.bytes());
    append(p, std::array<std::uint8_t, 8>{128, 0, 0, 0, 0x12, 0x34, 0, 1});
    append(p, payload);
    put_be16(p, 4, static_cast<std::uint16_t>(p.size() - 40));
    put_be16(p, 42, checksum(p, 40, p.size(), pseudo_header_sum(p)));
    return p;
}

std::string_view payload_of(const Packet& p, std::size_t offset) {
    if (offset > p.size()) {
        return {};
    }
    return {reinterpret_cast<const char*>(p.data()) + offset, p.size() - offset};
}

class TunTrafficSys : public test::NetnsTest {
protected:
    void SetUp() override {
        NetnsTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        tun_ = open_tun("ogwt0");
        ASSERT_TRUE(tun_);
        setup_ = std::make_unique<TunSetup>(*rtnl_, tun_->ifindex());
        GatewayConfig c;
        c.mode = GatewayMode::tun;
        c.addresses = {prefix("10.10.1.1/24"), prefix("fd00:1::1/64")};
        c.routes = {{prefix("10.10.2.0/24"), "site-b"}, {prefix("fd00:2::/64"), "site-b"}};
        const SetupReport report = setup_->apply(c, 1400);
        ASSERT_TRUE(report.ok()) << report.errors.front().message();
    }

    // Sends text over UDP to address:9000; the errno on failure.
    static int send_udp(const std::string& address, std::string_view text) {
        const auto to = SocketAddress(IpAddress::parse(address).value(), 9000).to_sockaddr();
        UniqueFd fd(::socket(to.get()->sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        if (!fd) {
            return errno;
        }
        if (::sendto(fd.get(), text.data(), text.size(), 0, to.get(), to.length) < 0) {
            return errno;
        }
        return 0;
    }

    // The kernel finishes an IPv6 address (tentative until then, with no local route) in its
    // addrconf work, a moment after the request was acked: try again meanwhile.
    static int send_udp_v6_when_ready(const std::string& address, std::string_view text) {
        int err = EADDRNOTAVAIL;
        for (int attempt = 0; attempt < 20 && err == EADDRNOTAVAIL; ++attempt) {
            err = send_udp(address, text);
            if (err == EADDRNOTAVAIL) {
                ::usleep(50'000);
            }
        }
        return err;
    }

    std::unique_ptr<TunDevice> tun_;
    std::unique_ptr<TunSetup> setup_;
};

TEST_F(TunTrafficSys, UdpToARoutedIpv4AddressComesOutOfTheDevice) {
    ASSERT_EQ(send_udp("10.10.2.5", "hello v4"), 0);
    const IpAddress local = IpAddress::parse("10.10.1.1").value();
    const IpAddress remote = IpAddress::parse("10.10.2.5").value();
    const auto packet = test::read_until(*tun_, [&](const Packet& p) {
        return at(p, 0) >> 4 == 4 && at(p, 9) == proto_udp && addressed(p, 16, remote);
    });
    ASSERT_TRUE(packet) << "no UDP packet to 10.10.2.5 on the device";
    EXPECT_TRUE(addressed(*packet, 12, local));
    EXPECT_EQ(checksum(*packet, 0, 20), 0);
    EXPECT_EQ(be16(*packet, 22), 9000);
    EXPECT_EQ(payload_of(*packet, 28), "hello v4");
}

TEST_F(TunTrafficSys, UdpToARoutedIpv6AddressComesOutOfTheDevice) {
    ASSERT_EQ(send_udp_v6_when_ready("fd00:2::5", "hello v6"), 0);
    const IpAddress local = IpAddress::parse("fd00:1::1").value();
    const IpAddress remote = IpAddress::parse("fd00:2::5").value();
    const auto packet = test::read_until(*tun_, [&](const Packet& p) {
        return at(p, 0) >> 4 == 6 && at(p, 6) == proto_udp && addressed(p, 24, remote);
    });
    ASSERT_TRUE(packet) << "no UDP packet to fd00:2::5 on the device";
    EXPECT_TRUE(addressed(*packet, 8, local));
    EXPECT_EQ(be16(*packet, 42), 9000);
    EXPECT_EQ(payload_of(*packet, 48), "hello v6");
}

TEST_F(TunTrafficSys, KernelAnswersAnIpv4EchoWrittenIntoTheDevice) {
    const IpAddress local = IpAddress::parse("10.10.1.1").value();
    const IpAddress remote = IpAddress::parse("10.10.2.5").value();
    const auto written = tun_->write(icmp_echo_v4(remote, local, "ping v4"));
    ASSERT_TRUE(written) << written.error().message();
    const auto reply = test::read_until(*tun_, [&](const Packet& p) {
        return at(p, 0) == 0x45 && at(p, 9) == proto_icmp && at(p, 20) == 0 &&
               addressed(p, 16, remote);
    });
    ASSERT_TRUE(reply) << "no echo reply to 10.10.2.5 on the device";
    EXPECT_TRUE(addressed(*reply, 12, local));
    EXPECT_EQ(be16(*reply, 24), 0x1234);
    EXPECT_EQ(be16(*reply, 26), 1);
    EXPECT_EQ(checksum(*reply, 20, reply->size()), 0);
    EXPECT_EQ(payload_of(*reply, 28), "ping v4");
}

TEST_F(TunTrafficSys, KernelAnswersAnIpv6EchoWrittenIntoTheDevice) {
    const IpAddress local = IpAddress::parse("fd00:1::1").value();
    const IpAddress remote = IpAddress::parse("fd00:2::5").value();
    const auto is_reply = [&](const Packet& p) {
        return at(p, 0) >> 4 == 6 && at(p, 6) == proto_icmpv6 && at(p, 40) == 129 &&
               addressed(p, 24, remote);
    };
    // Until the kernel has finished the address (see send_udp_v6_when_ready), requests to it
    // are dropped.
    std::optional<Packet> reply;
    for (int attempt = 0; attempt < 20 && !reply; ++attempt) {
        const auto written = tun_->write(icmp_echo_v6(remote, local, "ping v6"));
        ASSERT_TRUE(written) << written.error().message();
        reply = test::read_until(*tun_, is_reply, 100);
    }
    ASSERT_TRUE(reply) << "no echo reply to fd00:2::5 on the device";
    EXPECT_TRUE(addressed(*reply, 8, local));
    EXPECT_EQ(be16(*reply, 44), 0x1234);
    EXPECT_EQ(payload_of(*reply, 48), "ping v6");
}

TEST_F(TunTrafficSys, AfterTeardownNothingIsRoutedToTheDevice) {
    ASSERT_TRUE(setup_->teardown().ok());
    EXPECT_EQ(send_udp("10.10.2.5", "lost"), ENETUNREACH);
    // No route, and maybe not even a source address yet (the link-local one comes later).
    const int err = send_udp("fd00:2::5", "lost");
    EXPECT_TRUE(err == ENETUNREACH || err == EADDRNOTAVAIL) << std::strerror(err);
    const auto packet = test::read_until(
        *tun_, [](const Packet& p) { return at(p, 9) == proto_udp || at(p, 6) == proto_udp; }, 200);
    EXPECT_FALSE(packet);
}

}  // namespace
}  // namespace ogw::gw
