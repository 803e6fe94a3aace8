// SPDX-License-Identifier: BSD-3-Clause
// TunDevice on the real tun driver (root, own network namespace).
#include "tests/sys/tun_netns.hpp"

#include <gmock/gmock.h>

#include <fcntl.h>
#include <net/if.h>
#include <sys/ioctl.h>

#include <linux/if_tun.h>

namespace ogw::gw {
namespace {

using test::NetnsTest;
using ::testing::HasSubstr;

class TunDeviceSys : public NetnsTest {};

TEST_F(TunDeviceSys, OpensANonBlockingTunWithTheGivenName) {
    auto tun = open_tun("ogwt0");
    ASSERT_TRUE(tun);
    EXPECT_EQ(tun->name(), "ogwt0");
    EXPECT_EQ(tun->mode(), TunMode::tun);
    EXPECT_FALSE(tun->persistent());
    EXPECT_NE(::fcntl(tun->fd(), F_GETFL) & O_NONBLOCK, 0);
    EXPECT_NE(::fcntl(tun->fd(), F_GETFD) & FD_CLOEXEC, 0);

    const auto link = rtnl_->link_info(tun->ifindex());
    ASSERT_TRUE(link) << link.error().message();
    EXPECT_EQ(link->name, "ogwt0");
    EXPECT_NE(link->flags & IFF_POINTOPOINT, 0U);
    EXPECT_FALSE(link->up());
}

TEST_F(TunDeviceSys, KernelNumbersATemplateName) {
    auto first = open_tun("ogwt%d");
    auto second = open_tun("ogwt%d");
    ASSERT_TRUE(first && second);
    EXPECT_EQ(first->name(), "ogwt0");
    EXPECT_EQ(second->name(), "ogwt1");
    EXPECT_NE(first->ifindex(), second->ifindex());
}

TEST_F(TunDeviceSys, OpensATap) {
    auto tap = open_tun("ogwp0", TunMode::tap);
    ASSERT_TRUE(tap);
    EXPECT_EQ(tap->mode(), TunMode::tap);
    const auto link = rtnl_->link_info(tap->ifindex());
    ASSERT_TRUE(link) << link.error().message();
    EXPECT_NE(link->flags & IFF_BROADCAST, 0U);
}

TEST_F(TunDeviceSys, ClosingRemovesTheLink) {
    auto tun = open_tun("ogwt0");
    ASSERT_TRUE(tun);
    const int ifindex = tun->ifindex();
    tun.reset();
    const auto link = rtnl_->link_info(ifindex);
    ASSERT_FALSE(link);
    EXPECT_EQ(link.error().code, std::errc::no_such_device);
    EXPECT_EQ(::if_nametoindex("ogwt0"), 0U);
}

TEST_F(TunDeviceSys, NameInUseIsBusy) {
    auto tun = open_tun("ogwt0");
    ASSERT_TRUE(tun);
    const auto again = TunDevice::open("ogwt0", TunMode::tun);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().message(),
              "device ogwt0 exists and is in use: Device or resource busy");
}

TEST_F(TunDeviceSys, NameOfAnotherKindOfDeviceIsRefused) {
    const auto lo = TunDevice::open("lo", TunMode::tun);
    ASSERT_FALSE(lo);
    EXPECT_THAT(lo.error().message(), HasSubstr("device lo exists and is not a TUN device"));
}

TEST_F(TunDeviceSys, BadNamesAndUnimplementedOptionsAreRefused) {
    const auto empty = TunDevice::open("", TunMode::tun);
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().code, errc::bad_value);
    const auto longer = TunDevice::open("ogw456789abcdef0", TunMode::tun);
    ASSERT_FALSE(longer);
    EXPECT_THAT(longer.error().message(), HasSubstr("1 to 15 characters"));
    const auto slash = TunDevice::open("ogw/0", TunMode::tun);
    ASSERT_FALSE(slash);
    EXPECT_THAT(slash.error().message(), HasSubstr("invalid TUN device name 'ogw/0'"));

    for (const std::size_t count : {std::size_t{0}, max_tun_queues + 1}) {
        TunOptions queues;
        queues.queues = count;
        const auto multi = TunDevice::open("ogwt0", TunMode::tun, queues);
        ASSERT_FALSE(multi);
        EXPECT_EQ(multi.error().code, errc::bad_value);
        EXPECT_THAT(multi.error().message(),
                    HasSubstr("with " + std::to_string(count) + " queues: 1 to 256"));
    }
    TunOptions offload_without_header;
    offload_without_header.offload_flags = TUN_F_CSUM;
    EXPECT_FALSE(TunDevice::open("ogwt0", TunMode::tun, offload_without_header));
    TunOptions tap_header;
    tap_header.vnet_hdr = true;
    EXPECT_FALSE(TunDevice::open("ogwt0", TunMode::tap, tap_header));
    EXPECT_EQ(::if_nametoindex("ogwt0"), 0U);
}

TEST_F(TunDeviceSys, OpensWithVnetHeaderAndOffloads) {
    TunOptions options;
    options.vnet_hdr = true;
    options.offload_flags = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
    const auto tun = TunDevice::open("ogwt0", TunMode::tun, options);
    ASSERT_TRUE(tun) << tun.error().message();
    ifreq request{};
    ASSERT_EQ(::ioctl((*tun)->fd(), TUNGETIFF, &request), 0);
    EXPECT_NE(request.ifr_flags & IFF_VNET_HDR, 0);
}

TEST_F(TunDeviceSys, NothingToReadOnAQuietDevice) {
    auto tun = open_tun("ogwt0");
    ASSERT_TRUE(tun);
    std::array<std::byte, 2048> buf{};
    std::array<std::span<std::byte>, 1> bufs{std::span<std::byte>(buf)};
    std::array<std::size_t, 1> lens{};
    const auto n = tun->read_batch(bufs, lens);
    ASSERT_TRUE(n) << n.error().message();
    EXPECT_EQ(*n, 0U);
}

TEST_F(TunDeviceSys, WritingToADownLinkFailsWithEio) {
    auto tun = open_tun("ogwt0");
    ASSERT_TRUE(tun);
    const std::array<std::byte, 20> packet{std::byte{0x45}};
    const auto r = tun->write(packet);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, std::errc::io_error);
    EXPECT_EQ(r.error().where, "ogwt0");
}

}  // namespace
}  // namespace ogw::gw
