// SPDX-License-Identifier: BSD-3-Clause
// A multi-queue TUN (root, own network namespace): an fd per queue, and TunQueueWorkers
// carrying what the host sends out of the device and what is written into it.
#include "tests/rtnl_test_support.hpp"
#include "tests/sys/tun_netns.hpp"
#include "tun/tun_queue_workers.hpp"
#include "tun/tun_setup.hpp"

#include <gmock/gmock.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <linux/if_tun.h>

#include <chrono>
#include <cstring>
#include <set>

namespace ogw::gw {
namespace {

using test::prefix;
using ::testing::HasSubstr;

constexpr std::uint8_t proto_udp = 17;

TunOptions with_queues(std::size_t n) {
    TunOptions o;
    o.queues = n;
    return o;
}

class TunQueuesSys : public test::NetnsTest {
protected:
    void open_configured(std::size_t queues) {
        auto tun = TunDevice::open("ogwt0", TunMode::tun, with_queues(queues));
        ASSERT_TRUE(tun) << tun.error().message();
        tun_ = std::move(*tun);
        setup_ = std::make_unique<TunSetup>(*rtnl_, tun_->ifindex());
        GatewayConfig c;
        c.mode = GatewayMode::tun;
        c.addresses = {prefix("10.10.1.1/24")};
        c.routes = {{prefix("10.10.2.0/24"), "site-b"}};
        const SetupReport report = setup_->apply(c, 1400);
        ASSERT_TRUE(report.ok()) << report.errors.front().message();
        const auto fds = tun_->queue_fds();
        auto workers = TunQueueWorkers::create(fds, {});
        ASSERT_TRUE(workers) << workers.error().message();
        workers_ = std::move(*workers);
        ASSERT_TRUE(workers_->start());
    }

    // Drains the workers until `want` UDP packets to 10.10.2.0/24 came or 2 s passed.
    std::size_t read_udp_out(std::size_t want) {
        std::size_t seen = 0;
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        while (seen < want && std::chrono::steady_clock::now() < until) {
            pollfd pfd{workers_->ready_fd(), POLLIN, 0};
            ::poll(&pfd, 1, 50);
            workers_->drain(64, [&](std::span<std::byte> p) {
                const bool udp_out = p.size() >= 28 && p[0] == std::byte{0x45} &&
                                     p[9] == std::byte{proto_udp} && p[16] == std::byte{10} &&
                                     p[18] == std::byte{2};
                seen += udp_out ? 1 : 0;
            });
        }
        return seen;
    }

    std::unique_ptr<TunDevice> tun_;
    std::unique_ptr<TunSetup> setup_;
    std::unique_ptr<TunQueueWorkers> workers_;
};

TEST_F(TunQueuesSys, MultiQueueDeviceHasAnFdPerQueue) {
    auto tun = TunDevice::open("ogwt0", TunMode::tun, with_queues(4));
    ASSERT_TRUE(tun) << tun.error().message();
    const auto fds = (*tun)->queue_fds();
    ASSERT_EQ(fds.size(), 4U);
    EXPECT_EQ(std::set<int>(fds.begin(), fds.end()).size(), 4U);
    EXPECT_EQ(fds[0], (*tun)->fd());
    for (const int fd : fds) {
        ifreq request{};
        ASSERT_EQ(::ioctl(fd, TUNGETIFF, &request), 0);
        EXPECT_NE(request.ifr_flags & IFF_MULTI_QUEUE, 0);
        EXPECT_STREQ(request.ifr_name, "ogwt0");
    }
    const int ifindex = (*tun)->ifindex();
    tun->reset();
    EXPECT_FALSE(rtnl_->link_info(ifindex));  // every queue closed: the device is gone
}

TEST_F(TunQueuesSys, ATemplateNameGetsAllQueuesOnOneDevice) {
    auto tun = TunDevice::open("ogwt%d", TunMode::tun, with_queues(2));
    ASSERT_TRUE(tun) << tun.error().message();
    EXPECT_EQ((*tun)->name(), "ogwt0");
    EXPECT_EQ(::if_nametoindex("ogwt1"), 0U);
}

TEST_F(TunQueuesSys, AnExistingSingleQueueDeviceIsNamed) {
    auto single = open_tun("ogwt0");
    ASSERT_TRUE(single);
    ASSERT_EQ(::ioctl(single->fd(), TUNSETPERSIST, 1), 0);
    single.reset();
    const auto multi = TunDevice::open("ogwt0", TunMode::tun, with_queues(2));
    ASSERT_FALSE(multi);
    EXPECT_THAT(multi.error().message(),
                HasSubstr("device ogwt0 exists and is not a multi-queue TUN device"));
    auto again = open_tun("ogwt0");
    ASSERT_TRUE(again);
    EXPECT_EQ(::ioctl(again->fd(), TUNSETPERSIST, 0), 0);
}

// 32 datagrams from 32 sockets (32 flows for the kernel to steer) all come out through the
// workers, and the queues' counters add up to what was read.
TEST_F(TunQueuesSys, WorkersReadWhatTheHostSendsOnEveryQueue) {
    open_configured(2);
    const auto to = SocketAddress(IpAddress::parse("10.10.2.5").value(), 9000).to_sockaddr();
    for (int i = 0; i < 32; ++i) {
        UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        ASSERT_TRUE(fd);
        ASSERT_EQ(::sendto(fd.get(), "x", 1, 0, to.get(), to.length), 1) << std::strerror(errno);
    }
    EXPECT_EQ(read_udp_out(32), 32U);
    std::uint64_t rx = 0;
    for (std::size_t q = 0; q < workers_->queue_count(); ++q) {
        rx += workers_->counters(q).rx_packets;
    }
    EXPECT_GE(rx, 32U);  // and the kernel's own IPv6 chatter, if any
}

// A UDP datagram from 10.10.2.5 written through a queue reaches a local socket.
TEST_F(TunQueuesSys, WorkersWriteIntoTheDevice) {
    open_configured(2);
    UniqueFd sink(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    ASSERT_TRUE(sink);
    const auto local = SocketAddress(IpAddress::parse("10.10.1.1").value(), 9001).to_sockaddr();
    ASSERT_EQ(::bind(sink.get(), local.get(), local.length), 0) << std::strerror(errno);

    std::array<std::uint8_t, 33> packet{0x45, 0, 0, 33, 0, 0, 0x40, 0, 64, proto_udp, 0, 0,
                                        10, 10, 2, 5, 10, 10, 1, 1,
                                        0x04, 0xd2, 0x23, 0x29, 0, 13, 0, 0, 'h', 'e', 'l', 'l',
                                        'o'};
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i < 20; i += 2) {
        sum += static_cast<std::uint32_t>(packet[i] << 8 | packet[i + 1]);
    }
    sum = (sum & 0xffff) + (sum >> 16);
    const auto header_sum = static_cast<std::uint16_t>(~(sum + (sum >> 16)));
    packet[10] = static_cast<std::uint8_t>(header_sum >> 8);
    packet[11] = static_cast<std::uint8_t>(header_sum & 0xff);

    const std::size_t q = tun_queue_for(std::as_bytes(std::span(packet)), false, 2);
    const auto slot = workers_->write_slot(q);
    ASSERT_GE(slot.size(), packet.size());
    std::memcpy(slot.data(), packet.data(), packet.size());
    workers_->commit_write(q, packet.size(), PacketMeta{1, 33});
    workers_->kick_writers();

    pollfd pfd{sink.get(), POLLIN, 0};
    ASSERT_EQ(::poll(&pfd, 1, 2000), 1) << "nothing reached the socket";
    std::array<char, 16> got{};
    EXPECT_EQ(::recv(sink.get(), got.data(), got.size(), 0), 5);
    EXPECT_EQ(std::string_view(got.data(), 5), "hello");
    workers_->stop();
    EXPECT_EQ(workers_->counters(q).tx_packets, 1U);
    EXPECT_EQ(workers_->counters(q).tx_bytes, 33U);
    EXPECT_EQ(workers_->counters(q).tx_dropped, 0U);
}

// What was queued but not yet announced is written before stop() returns (the gateway's last
// TCP resets at shutdown).
TEST_F(TunQueuesSys, StopWritesWhatIsQueued) {
    open_configured(2);
    std::array<std::byte, 20> not_ip{};  // refused by the device: counted as dropped
    const auto slot = workers_->write_slot(1);
    ASSERT_FALSE(slot.empty());
    std::memcpy(slot.data(), not_ip.data(), not_ip.size());
    workers_->commit_write(1, not_ip.size(), PacketMeta{3, 60});
    workers_->stop();
    EXPECT_FALSE(workers_->running());
    EXPECT_EQ(workers_->counters(1).tx_dropped, 3U);
    EXPECT_EQ(workers_->counters(1).tx_packets, 0U);
}

}  // namespace
}  // namespace ogw::gw
