// SPDX-License-Identifier: BSD-3-Clause
// TunQueueWorkers over SOCK_SEQPACKET socket pairs, which keep packet boundaries as a TUN
// queue does: the workers' threads, rings and wake-ups without a device.
#include "tun/tun_queue_workers.hpp"

#include <gtest/gtest.h>

#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <chrono>
#include <cstring>
#include <vector>

namespace ogw::gw {
namespace {

class TunQueueWorkersTest : public ::testing::Test {
protected:
    void SetUp() override {
        for (auto& pair : pairs_) {
            std::array<int, 2> fds{};
            ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
                                   fds.data()),
                      0);
            pair = {UniqueFd(fds[0]), UniqueFd(fds[1])};
        }
        const std::array<int, 2> queue_fds{pairs_[0].first.get(), pairs_[1].first.get()};
        TunQueueWorkers::Options options;
        options.slot_size = 2048;
        options.rx_slots = 8;  // small rings: the full-ring paths run too
        options.tx_slots = 8;
        auto workers = TunQueueWorkers::create(queue_fds, options);
        ASSERT_TRUE(workers) << workers.error().message();
        workers_ = std::move(*workers);
        ASSERT_TRUE(workers_->start());
    }

    // The "device side" of queue q sends a numbered packet.
    bool device_sends(std::size_t q, std::uint32_t n) {
        std::array<std::byte, 64> p{};
        std::memcpy(p.data(), &n, sizeof n);
        p[4] = static_cast<std::byte>(q);
        for (int tries = 0; tries < 2000; ++tries) {
            if (::send(pairs_[q].second.get(), p.data(), p.size(), 0) == 64) {
                return true;
            }
            pollfd pfd{pairs_[q].second.get(), POLLOUT, 0};
            ::poll(&pfd, 1, 10);
        }
        return false;
    }

    // The device side of queue q takes what was written to it: each packet's number.
    void device_receives(std::size_t q, std::vector<std::uint32_t>& got) {
        std::array<std::byte, 2048> buf{};
        while (::recv(pairs_[q].second.get(), buf.data(), buf.size(), 0) > 0) {
            std::uint32_t v = 0;
            std::memcpy(&v, buf.data(), sizeof v);
            got.push_back(v);
        }
    }

    std::array<std::pair<UniqueFd, UniqueFd>, 2> pairs_;
    std::unique_ptr<TunQueueWorkers> workers_;
};

// 5,000 packets per queue through 8-slot rings: every one arrives once and in its queue's
// order, while the loop side drains only when woken.
TEST_F(TunQueueWorkersTest, EveryPacketReadArrivesInOrder) {
    constexpr std::uint32_t per_queue = 5000;
    std::thread device([this] {
        for (std::uint32_t i = 0; i < per_queue; ++i) {
            ASSERT_TRUE(device_sends(0, i));
            ASSERT_TRUE(device_sends(1, i));
        }
    });
    std::array<std::uint32_t, 2> next{};
    bool in_order = true;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while ((next[0] < per_queue || next[1] < per_queue) &&
           std::chrono::steady_clock::now() < until) {
        pollfd pfd{workers_->ready_fd(), POLLIN, 0};
        ::poll(&pfd, 1, 100);
        workers_->drain(16, [&](std::span<std::byte> p) {
            std::uint32_t n = 0;
            std::memcpy(&n, p.data(), sizeof n);
            const auto q = std::to_integer<std::size_t>(p[4]);
            if (p.size() == 64 && q < 2 && n == next[q]) {
                ++next[q];
            } else {
                in_order = false;
            }
        });
    }
    device.join();
    EXPECT_TRUE(in_order);
    EXPECT_EQ(next[0], per_queue);
    EXPECT_EQ(next[1], per_queue);
    EXPECT_EQ(workers_->counters(0).rx_packets + workers_->counters(1).rx_packets,
              2U * per_queue);
}

// Packets committed for writing reach the device side of their queue, in order; with 8 slots
// for 3,000 packets the loop waits for room instead of dropping.
TEST_F(TunQueueWorkersTest, WritesReachTheirQueueInOrder) {
    constexpr std::uint32_t total = 3000;
    std::uint32_t refused = 0;
    std::vector<std::uint32_t> got;
    for (std::uint32_t i = 0; i < total;) {
        const auto slot = workers_->write_slot(1);
        if (slot.empty()) {
            ++refused;
            workers_->kick_writers();
        } else {
            std::memcpy(slot.data(), &i, sizeof i);
            workers_->commit_write(1, 100, PacketMeta{1, 100});
            ++i;
        }
        device_receives(1, got);
    }
    workers_->stop();  // writes the rest
    device_receives(1, got);
    ASSERT_EQ(got.size(), total);
    for (std::uint32_t i = 0; i < total; ++i) {
        ASSERT_EQ(got[i], i);
    }
    const TunQueueCounters c = workers_->counters(1);
    EXPECT_EQ(c.tx_packets, total);
    EXPECT_EQ(c.tx_bytes, 100U * total);
    EXPECT_EQ(refused, 0U);
    EXPECT_EQ(c.tx_ring_full, 0U);
    EXPECT_EQ(workers_->counters(0).tx_packets, 0U);
}

// Without a worker to make room, a full ring refuses the slot at once and counts it.
TEST_F(TunQueueWorkersTest, AFullRingWithoutWorkerRefusesAndCounts) {
    workers_->stop();
    for (int i = 0; i < 8; ++i) {
        ASSERT_FALSE(workers_->write_slot(0).empty());
        workers_->commit_write(0, 10, PacketMeta{1, 10});
    }
    EXPECT_TRUE(workers_->write_slot(0).empty());
    EXPECT_EQ(workers_->counters(0).tx_ring_full, 1U);
}

TEST_F(TunQueueWorkersTest, StopAndStartAgain) {
    workers_->stop();
    EXPECT_FALSE(workers_->running());
    workers_->stop();  // idempotent
    ASSERT_TRUE(workers_->start());
    EXPECT_TRUE(workers_->running());
    ASSERT_TRUE(device_sends(0, 7));
    pollfd pfd{workers_->ready_fd(), POLLIN, 0};
    ASSERT_EQ(::poll(&pfd, 1, 2000), 1);
    std::size_t seen = 0;
    workers_->drain(16, [&](std::span<std::byte>) { ++seen; });
    EXPECT_EQ(seen, 1U);
}

}  // namespace
}  // namespace ogw::gw
