// SPDX-License-Identifier: BSD-3-Clause
// NetnsTest: the fixture of the device tests. Every test runs in a network namespace of its
// own, made by SetUp with unshare(CLONE_NEWNET) (so it holds only a "lo" that is down), and is
// skipped when the process is not root or the tun driver is missing.
#pragma once

#include "tun/rtnl.hpp"
#include "tun/tun_device.hpp"

#include <gtest/gtest.h>

#include <poll.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace ogw::gw::test {

class NetnsTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (::geteuid() != 0) {
            GTEST_SKIP() << "needs root (CAP_NET_ADMIN)";
        }
        if (::access("/dev/net/tun", R_OK | W_OK) != 0) {
            GTEST_SKIP() << "no /dev/net/tun";
        }
        if (::unshare(CLONE_NEWNET) != 0) {
            GTEST_SKIP() << "unshare(CLONE_NEWNET): " << std::strerror(errno);
        }
        auto rtnl = Rtnl::open();
        ASSERT_TRUE(rtnl) << rtnl.error().message();
        rtnl_ = std::move(*rtnl);
    }

    std::unique_ptr<TunDevice> open_tun(const std::string& name, TunMode mode = TunMode::tun) {
        auto device = TunDevice::open(name, mode);
        EXPECT_TRUE(device) << device.error().message();
        return device ? std::move(*device) : nullptr;
    }

    std::unique_ptr<Rtnl> rtnl_;
};

using Packet = std::vector<std::byte>;

// Reads the device until a packet satisfies match (the kernel sends its own IPv6 multicast
// listener reports and router solicitations as well) or about timeout_ms pass without one.
inline std::optional<Packet> read_until(TunDevice& device,
                                        const std::function<bool(const Packet&)>& match,
                                        int timeout_ms = 1000) {
    std::vector<std::byte> buf(65536);
    for (int waits = 0; waits < timeout_ms / 50;) {
        std::array<std::span<std::byte>, 1> bufs{std::span<std::byte>(buf)};
        std::array<std::size_t, 1> lens{};
        auto n = device.read_batch(bufs, lens);
        if (!n) {
            ADD_FAILURE() << n.error().message();
            return std::nullopt;
        }
        if (*n == 0) {
            pollfd pfd{device.fd(), POLLIN, 0};
            ::poll(&pfd, 1, 50);
            ++waits;
            continue;
        }
        Packet packet(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(lens[0]));
        if (match(packet)) {
            return packet;
        }
    }
    return std::nullopt;
}

}  // namespace ogw::gw::test
